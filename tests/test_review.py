"""The review loop's Python side: what is pending, decisions on disk, reopening, applying them.

The widget in a browser is tests/test_browser_review.py; these tests drive the same methods the
widget's buttons call (``Review.decide`` and the widget's message handler).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest

import conflictmap as cm
from conflictmap.errors import InputError
from conflictmap.reviewing.decisions import Review
from conflictmap.reviewing.widget import ReviewWidget, _marks

from test_security import XSS

REPO = Path(__file__).resolve().parents[1]
ASSETS = REPO / "conflictmap" / "data" / "review"
REPORT = ("Late on June 30, the Syrian Army and Turkish-backed militants clashed again around Kansafra, Ruwayha "
          "and Bayanin in the Jabal al-Zawiya hills of southern Idlib, killing 2 soldiers. On July 1, Syrian Army "
          "artillery shelled HTS positions near Kafr Nabl.")


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def geocoded():
    names = ["Kafr Nabl", "Ruwayha", "Ruwayhah", "Qqqzzx", "Ruwayha", "Ruwayha"]
    hints = ["Idlib", "", "", "", "Idlib", ""]  # row 4: the governorate settles the name
    return cm.geocode(pd.DataFrame({"location": names, "governorate": hints}), admin1="governorate")


@pytest.fixture(scope="module")
def events():
    table = pd.DataFrame({"event_date": ["2020-06-30"] * 4, "event_type": ["Battles"] * 4,
                          "location": ["Kansafra", "Ruwayha", "Qqqzzx", "Ruwayha"],
                          "admin1": ["Idlib", "", "", ""]})
    return table


# ---------------------------------------------------------------------------- what is pending
def test_pending_lists_ambiguous_and_unresolved_rows_with_ranked_candidates(geocoded, tmp_path):
    rv = Review(geocoded, corrections=tmp_path / "c.csv", admin1="governorate")
    pending = rv.pending
    assert set(pending["match_status"]) <= {"ambiguous", "unresolved"}
    assert list(pending.index) == [i for i in geocoded.index if geocoded.at[i, "match_status"] != "matched"]
    first = pending.loc[1]
    import json

    ranked = [c["place_id"] for c in json.loads(geocoded.at[1, "match_candidates"])]
    assert first["candidates"] == ranked[:9] and len(ranked) >= 2
    assert pending.loc[3, "candidates"] == []  # nothing close to "Qqqzzx"
    assert rv.progress() == (0, len(pending))


def test_decide_writes_at_once_and_a_name_decision_covers_its_rows(geocoded, tmp_path):
    fixes = tmp_path / "c.csv"
    rv = Review(geocoded, corrections=fixes, admin1="governorate")
    before = len(rv.pending)
    second = rv.pending.loc[1, "candidates"][1]
    assert rv.decide(1, place_id=second) == second
    assert rows(fixes) == [{"name": "Ruwayha", "admin1": "", "place_id": second, "note": "cm.review"}]
    # "Ruwayhah" (same name key) and the other hint-less "Ruwayha" rows are decided with it, as the
    # geocoder applies a correction without a hint to every hint
    left = rv.pending
    assert not left["location"].str.startswith("Ruwayha").any()
    assert rv.progress() == (before - len(left), before)
    # the choice is in the file: opening again shows only what is left
    again = Review(geocoded, corrections=fixes, admin1="governorate")
    assert list(again.pending.index) == list(left.index)
    assert again.decision(2).place_id == second


def test_an_empty_location_is_not_pending(tmp_path):
    table = cm.geocode(pd.DataFrame({"location": ["Ruwayha", "", None, "  "]}))
    assert (table["match_status"] != "matched").all()
    assert Review(table, corrections=tmp_path / "c.csv").pending.index.tolist() == [0]


def test_without_anywidget_the_error_says_which_extra():
    import subprocess
    import sys

    code = ("import sys; sys.modules['anywidget'] = None\nimport conflictmap as cm\n"
            "try:\n    cm.review\nexcept Exception as exc:\n    print(type(exc).__name__, exc)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.startswith("OptionalDependencyError") and "review" in out and "anywidget" in out
    # the Python API needs no widget
    code = "import sys; sys.modules['anywidget'] = None\nimport conflictmap as cm\nprint(cm.Review.__name__)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "Review\n"


def test_a_hinted_decision_stays_with_its_hint(tmp_path):
    table = cm.geocode(pd.DataFrame({"location": ["Ruwayha", "Ruwayha"], "gov": ["", "Idlib"]}), admin1="gov")
    table["match_status"] = "ambiguous"  # both rows need a look here
    rv = Review(table, corrections=tmp_path / "c.csv", admin1="gov")
    rv.decide(1, place_id="gn:165178")
    assert list(rv.pending.index) == [0]
    assert rows(tmp_path / "c.csv")[0]["admin1"] == "Idlib"


def test_result_applies_every_decision(geocoded, tmp_path):
    rv = Review(geocoded, corrections=tmp_path / "c.csv", admin1="governorate")
    chosen = rv.pending.loc[1, "candidates"][1]
    rv.decide(1, place_id=chosen)
    rv.decide(3, reject=True)
    out = rv.result()
    assert len(out) == len(geocoded) and list(out.index) == list(geocoded.index)
    rec = cm.get_gazetteer().get(chosen)
    for i in (1, 2, 5):
        assert out.loc[i, ["place_id", "match_method", "match_status"]].tolist() == [chosen, "correction", "matched"]
        assert out.loc[i, "latitude"] == rec["latitude"] and out.loc[i, "admin2"] == rec["admin2"]
        assert out.loc[i, "geometry"].x == rec["longitude"]
    assert out.loc[3, ["match_status", "match_reason"]].tolist() == ["unresolved", "not a place (correction)"]
    assert out.loc[0].equals(geocoded.loc[0])  # a matched row is untouched
    assert geocoded.loc[4, "match_status"] == "matched" and out.loc[4].equals(geocoded.loc[4])  # its hint settled it


# ---------------------------------------------------------------------------- the files are the geocoder's
def test_attach_events_applies_the_decisions(events, tmp_path):
    fixes = tmp_path / "corrections.csv"
    attached, review = cm.attach_events(events)
    assert set(review["location"]) == {"Ruwayha", "Qqqzzx"}
    rv = Review(attached, corrections=fixes)
    assert rv.admin1 == "admin1_hint"
    other = rv.pending.loc[1, "candidates"][1]
    rv.decide(1, place_id=other)
    rv.decide(2, reject=True)
    again, review = cm.attach_events(events, corrections=fixes)
    assert len(review) == 1 and review["location"].tolist() == ["Qqqzzx"]
    assert again.loc[[1, 3], "place_id"].tolist() == [other, other]
    assert set(again.loc[[1, 3], "match_method"]) == {"correction"}
    assert again.loc[2, "match_reason"] == "not a place (correction)"
    # the review table of attach_events is what result() says, row for row
    result = rv.result()
    for column in ("place_id", "match_status", "match_method"):
        assert result[column].astype(object).where(result[column].notna(), None).tolist() == \
            again[column].astype(object).where(again[column].notna(), None).tolist()
    assert Review(again, corrections=fixes).pending.index.tolist() == []


def test_a_point_becomes_a_user_place_the_gazetteer_loads(events, tmp_path):
    fixes, mine = tmp_path / "corrections.csv", tmp_path / "user_places.csv"
    attached, _ = cm.attach_events(events)
    rv = Review(attached, corrections=fixes, user_places=mine)
    pid = rv.decide(2, point=(36.61, 35.77))
    assert pid == "user:qqqzzx"
    assert rows(mine) == [{"place_id": pid, "name": "Qqqzzx", "longitude": "36.61", "latitude": "35.77",
                           "feature_type": "settlement", "note": "picked on the map in cm.review"}]
    assert rows(fixes)[0]["place_id"] == pid
    out = rv.result()
    assert out.loc[2, ["place_id", "place_name", "match_status"]].tolist() == [pid, "Qqqzzx", "matched"]
    assert out.loc[2, "admin1"] == "Idleb" and out.loc[2, "match_reason"] == "new place picked in review"
    gz = cm.get_gazetteer().with_user_places(str(mine))
    again, review = cm.attach_events(events, corrections=fixes, gazetteer=gz)
    assert again.loc[2, ["place_id", "match_method"]].tolist() == [pid, "correction"]
    # the same point twice is one place; another point gets another id
    assert rv.decide(2, point=(36.61, 35.77)) == pid
    assert rv.decide(2, point=(36.7, 35.8)) == "user:qqqzzx-2"
    assert len(rows(mine)) == 2


def test_a_row_with_its_own_point_keeps_it(events, tmp_path):
    fixes = tmp_path / "c.csv"
    # points far from every Ruwayha: the rows stay to review (also where a kept point picks the place)
    own = events.assign(latitude=[35.74, 34.5, 35.5, 34.6], longitude=[36.6, 38.0, 36.9, 38.2])
    attached, _ = cm.attach_events(own, keep_coordinates=True)
    rv = Review(attached, corrections=fixes)
    assert rv.own_point(1) == (38.0, 34.5)
    w = ReviewWidget(rv)
    w._on_msg(w, {"action": "goto", "position": list(rv.pending.index).index(1)}, [])  # Kansafra may be pending too
    assert w.item["text"] == "Ruwayha" and w.item["distance_from"] == "the row's own point"
    near = {c["place_id"]: c["km"] for c in w.item["candidates"]}
    rec = cm.get_gazetteer().get("gn:165178")  # Ruwayha, Idlib
    assert abs(near["gn:165178"] - 6371 * 0.017453 * ((rec["latitude"] - 34.5) ** 2 + (
        (rec["longitude"] - 38.0) * 0.819) ** 2) ** 0.5) < 3
    rv.decide(1, place_id="gn:165179")
    out = rv.result()
    assert out.loc[[1, 3], "place_id"].tolist() == ["gn:165179", "gn:165179"]
    assert out.loc[[1, 3], "latitude"].tolist() == [34.5, 34.6]  # the coders' points stay
    assert out.loc[1, "geometry"].y == 34.5
    # a row whose point is the geocoder's is moved to the place chosen
    moved = Review(cm.attach_events(events)[0], corrections=fixes)
    assert moved.own_point(2) is None and moved.result().loc[1, "latitude"] == cm.get_gazetteer().get("gn:165179")["latitude"]


def test_rows_of_another_country_need_no_decision(geocoded, tmp_path):
    table = geocoded.copy()
    table["match_method"] = table["match_method"].astype(object)
    table.loc[3, ["match_status", "match_method"]] = ["unresolved", "country"]
    assert 3 not in Review(table, corrections=tmp_path / "c.csv", admin1="governorate").pending.index


def test_bad_decisions_name_the_row(geocoded, tmp_path):
    rv = Review(geocoded, corrections=tmp_path / "c.csv", admin1="governorate")
    with pytest.raises(InputError, match="not a gazetteer place id") as err:
        rv.decide(1, place_id="gn:0")
    assert err.value.row == 1 and err.value.value == "gn:0"
    with pytest.raises(InputError, match="matched"):
        rv.decide(0, place_id="gn:168661")
    with pytest.raises(InputError, match="no such row"):
        rv.decide(99, reject=True)
    with pytest.raises(InputError, match="exactly one"):
        rv.decide(1, place_id="gn:165178", reject=True)
    with pytest.raises(InputError, match="user_places"):
        rv.decide(3, point=(36.6, 35.9))
    rv2 = Review(geocoded, corrections=tmp_path / "c.csv", user_places=tmp_path / "u.csv", admin1="governorate")
    with pytest.raises(InputError, match="not in Syria"):
        rv2.decide(3, point=(2.35, 48.85))
    assert not (tmp_path / "c.csv").exists() and not (tmp_path / "u.csv").exists()
    with pytest.raises(InputError, match="match_status"):
        Review(pd.DataFrame({"location": ["x"]}), corrections=tmp_path / "c.csv")


def test_a_failed_write_keeps_the_old_file(geocoded, tmp_path, monkeypatch):
    fixes = tmp_path / "c.csv"
    rv = Review(geocoded, corrections=fixes, admin1="governorate")
    rv.decide(3, reject=True)
    before = fixes.read_bytes()

    def broken(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", broken)
    with pytest.raises(OSError):
        rv.decide(1, place_id="gn:165178")
    assert fixes.read_bytes() == before
    # no temporary file left; the lock file (write_corrections: <file>.lock) stays for the next writer
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.csv", "c.csv.lock"]


# ---------------------------------------------------------------------------- drafts
def test_drafts_are_each_decided_on_their_own(tmp_path):
    drafts = cm.draft_events(REPORT, published="2020-07-01", admin1="Idlib")
    fixes = tmp_path / "c.csv"
    rv = Review(drafts, corrections=fixes)
    assert rv.drafts and len(rv.pending) == len(drafts)  # every draft needs a look
    assert rv.pending.loc[1, "candidates"][0] == drafts.loc[1, "place_id"]  # the draft's own place first
    other = rv.pending.loc[1, "candidates"][1]
    rv.decide(1, place_id=other)
    rv.decide(2, reject=True)
    saved = rows(fixes)
    assert [r["name"].split(" ")[0] for r in saved] == ["draft", "draft"]
    assert saved[0]["place_id"] == other and saved[1]["place_id"] == ""
    assert sorted(Review(drafts, corrections=fixes).pending.index) == [0, 3]
    out = rv.result()
    assert out.loc[1, ["place_id", "match_method", "match_status"]].tolist() == [other, "correction", "matched"]
    assert out.loc[1, "geo_precision"] == 2  # drafted "near" the place
    assert out.loc[2, ["match_status", "match_reason"]].tolist() == ["unresolved", "draft rejected in review"]
    # a draft's decision is not a rule for the name: geocoding "Ruwayha" is unchanged
    assert cm.Geocoder(corrections=fixes).resolve("Ruwayha").method != "correction"


def test_draft_words_are_marked_in_the_sentence():
    drafts = cm.draft_events(REPORT, published="2020-07-01", admin1="Idlib")
    row = drafts.loc[0]
    marks = _marks(row["source_sentence"], row)
    kinds = {m["kind"]: row["source_sentence"][m["start"]:m["end"]] for m in marks}
    assert kinds["place"] == row["location"] and kinds["type"].casefold() == row["type_words"].casefold()
    assert "date" in kinds and "actor" in kinds
    assert all(a["end"] <= b["start"] for a, b in zip(marks, marks[1:]))


# ---------------------------------------------------------------------------- the widget's handlers
def test_widget_messages_do_what_the_keys_say(geocoded, tmp_path):
    fixes, mine = tmp_path / "c.csv", tmp_path / "u.csv"
    w = cm.review(geocoded, corrections=fixes, user_places=mine, admin1="governorate")
    assert isinstance(w, ReviewWidget)
    total = len(w.pending)
    assert w.progress == {"decided": 0, "total": total, "position": 0} and w.item["text"] == "Ruwayha"
    n2 = w.item["candidates"][1]
    assert n2["n"] == 2 and n2["admin"][0] and n2["km"] > 0 and n2["xy"]
    w._on_msg(w, {"action": "choose", "n": 2, "position": 0}, [])
    assert rows(fixes)[0]["place_id"] == n2["place_id"]
    assert w.progress["decided"] == 3 and "saved" in w.message  # Ruwayha, Ruwayhah and the other Ruwayha
    assert w.item["text"] == "Qqqzzx" and w.position == 2  # the next undecided row
    w._on_msg(w, {"action": "choose", "n": 5, "position": 2}, [])
    assert w.message == "There is no candidate 5."
    w._on_msg(w, {"action": "skip", "position": 2}, [])
    assert w.position == 2  # the only undecided row left
    w._on_msg(w, {"action": "goto", "position": 0}, [])
    assert w.item["decision"]["place_id"] == n2["place_id"]  # a decided row shows its decision
    w._on_msg(w, {"action": "point", "lon": "x", "lat": 35.9, "position": 2}, [])
    assert "could not convert" in w.message or "float" in w.message
    w._on_msg(w, {"action": "point", "lon": 36.6, "lat": 35.9, "position": 2}, [])
    assert rows(mine)[0]["name"] == "Qqqzzx"
    assert w.progress["decided"] == total and w.message == f"All {total} rows decided."
    for bad in ({"action": "goto", "position": 999}, {"action": "goto", "position": "x"}, "text", {"action": "?"}):
        w._on_msg(w, bad, [])  # ignored, no exception
    assert w.result().loc[3, "place_id"] == "user:qqqzzx"


def test_a_new_row_reaches_the_page_with_its_progress_in_one_message(geocoded, tmp_path):
    # Two messages (row, then progress) leave a moment where the page shows the new row with the old
    # position: an arrow key pressed then would go back to the row already shown.
    w = cm.review(geocoded, corrections=tmp_path / "c.csv", user_places=tmp_path / "u.csv", admin1="governorate")
    sent = []
    w._send = lambda msg, buffers=None: sent.append(msg)  # what would go to the page
    w._on_msg(w, {"action": "goto", "position": 1}, [])
    changes = [m["state"] for m in sent if m.get("method") == "update"]
    together = [c for c in changes if "item" in c]
    assert len(together) == 1 and together[0]["progress"]["position"] == together[0]["item"]["position"] == 1
    assert not [c for c in changes if "progress" in c and "item" not in c]


def test_a_review_with_nothing_left_says_so(geocoded, tmp_path):
    rv = Review(geocoded, corrections=tmp_path / "c.csv", admin1="governorate")
    for index in list(rv.pending.index):
        if rv.decision(index) is None:
            rv.decide(index, reject=True)
    w = cm.review(geocoded, corrections=tmp_path / "c.csv", admin1="governorate")
    assert w.progress == {"decided": 0, "total": 0, "position": 0} and w.item == {}
    assert w.message.startswith("Nothing to review")
    w._on_msg(w, {"action": "choose", "n": 1, "position": 0}, [])  # ignored
    assert w.pending.empty


def test_widget_sends_data_strings_unchanged_for_the_script_to_write_as_text(tmp_path):
    table = cm.geocode(pd.DataFrame({"location": XSS}))
    w = cm.review(table, corrections=tmp_path / "c.csv")
    seen = []
    for position in range(len(w.review.queue)):
        w._on_msg(w, {"action": "goto", "position": position}, [])
        seen.append(w.item["text"])
    assert sorted(seen) == sorted(XSS)


def test_the_script_writes_text_only_and_fetches_nothing():
    js = (ASSETS / "review.js").read_text(encoding="utf-8").replace('"http://www.w3.org/2000/svg"', "SVG_NS")
    css = (ASSETS / "review.css").read_text(encoding="utf-8")
    for bad in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
                "fetch(", "XMLHttpRequest", "import(", "http://", "https://", "WebSocket"):
        assert bad not in js, bad
    assert "url(" not in css and "@import" not in css and "http" not in css
    assert re.search(r"textContent", js)
    # the widget loads its script and style from these files
    assert str(ReviewWidget._esm) == (ASSETS / "review.js").read_text(encoding="utf-8")
    assert str(ReviewWidget._css) == css


def test_review_is_a_lazy_public_name():
    import subprocess
    import sys

    code = ("import sys, conflictmap as cm; assert 'conflictmap.reviewing' not in sys.modules; "
            "assert cm.review.__module__ == 'conflictmap.reviewing.widget'; print(cm.Review.__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "Review"


# ---------------------------------------------------------------------------- the corrections writer
from hypothesis import given, settings, strategies as st  # noqa: E402

from conflictmap.geocoding.corrections import read_corrections  # noqa: E402
from conflictmap.reviewing.store import write_corrections  # noqa: E402

_NAMES = st.sampled_from(["Ruwayha", "Al Ruwayha", 'Tal "Abyad"', "Kafr, Nabl", "line\nbreak", " Ruwayha",
                          "رويحة", "=cmd|' /C calc'!A0", "draft R1 0-5 Ruwayha"])
_ROW = st.fixed_dictionaries({"name": _NAMES, "admin1": st.sampled_from(["", "Idlib", "Deir ez-Zor"]),
                              "place_id": st.sampled_from(["", "gn:165178", "gn:165179"]),
                              "note": st.sampled_from(["", "cm.review", "a, \"quoted\" note"])})


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(_ROW, min_size=1, max_size=3), min_size=1, max_size=6))
def test_write_corrections_is_a_merge_by_name_and_admin1(tmp_path_factory, batches):
    path = tmp_path_factory.mktemp("w") / "c.csv"
    expected: dict[tuple[str, str], list[str]] = {}
    for batch in batches:
        write_corrections(path, batch)
        for row in batch:
            key = (row["name"], row["admin1"])
            expected.pop(key, None)
            expected[key] = [row["name"], row["admin1"], row["place_id"], row["note"]]
    assert read_corrections(path).values.tolist() == list(expected.values())


@pytest.mark.parametrize("text", [
    "name,admin1,place_id,note\r\nRuwayha,,gn:165178,\r\n",           # Windows line ends
    "\ufeffname,admin1,place_id,note\nRuwayha,,gn:165178,\n",          # a byte-order mark
    "name,admin1,place_id,note\nRuwayha,,gn:165178,",                  # no final line end
    "name,place_id\nRuwayha,gn:165178\n",                              # the short form
    "place_id,name,note\ngn:165178,Ruwayha,x\n",                       # other column order
])
def test_write_corrections_keeps_files_written_elsewhere(tmp_path, text):
    path = tmp_path / "c.csv"
    path.write_text(text, encoding="utf-8", newline="")
    write_corrections(path, [{"name": "Kafr Nabl", "admin1": "Idlib", "place_id": "gn:168661"}])
    table = read_corrections(path)
    assert table[["name", "place_id"]].values.tolist() == [["Ruwayha", "gn:165178"], ["Kafr Nabl", "gn:168661"]]
    write_corrections(path, [{"name": "Ruwayha", "admin1": "", "place_id": "gn:165179"}])
    assert read_corrections(path)[["name", "place_id"]].values.tolist() == [["Kafr Nabl", "gn:168661"],
                                                                            ["Ruwayha", "gn:165179"]]
    assert cm.Geocoder(corrections=path).resolve("Ruwayha").place_id == "gn:165179"


def test_write_corrections_refuses_a_file_that_is_not_one(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("location,where\nx,y\n", encoding="utf-8")
    with pytest.raises(InputError, match="needs a 'name' column"):
        write_corrections(path, [{"name": "Ruwayha", "place_id": "gn:165178"}])
    assert path.read_text(encoding="utf-8") == "location,where\nx,y\n"
