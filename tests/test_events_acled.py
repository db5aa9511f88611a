"""ACLED exports as analysts have them: every date form, pre-2019 event types, cut-off downloads.

The tables here are made up for the tests (names of well-known places, invented rows).
"""

import logging

import pandas as pd
import pytest

import conflictmap
from conflictmap.geocoding.matching import LOOKALIKE_METHODS
from conflictmap.errors import InputError
from conflictmap.events.io import read_events
from conflictmap.events.schema import validate_events

HEADER = "event_id_cnty,event_date,event_type,actor1,inter1,admin1,location,latitude,longitude,notes,fatalities\n"


def _export(dates, types=None, inter1=None):
    n = len(dates)
    return pd.DataFrame({
        "event_id_cnty": [f"T{i}" for i in range(n)], "event_date": dates,
        "event_type": types or ["Battles"] * n, "inter1": inter1 or [1] * n,
        "location": ["Kafr Nabl"] * n,
    })


@pytest.mark.parametrize("dates, form", [
    (["2020-05-09", "2020-05-31"], "ISO"),
    (["9-May-20", "31-May-20"], "D-Mon-YY"),
    (["09 May 2020", "31 May 2020"], "D Month YYYY"),
    (["09-May-2020", "31-May-2020"], "D-Mon-YYYY"),
    (["May 9, 2020", "May 31, 2020"], "Month D, YYYY"),
    (["09/05/2020", "31/05/2020"], "DD/MM/YYYY"),  # 31 says the day comes first, for the whole column
    (["05/09/2020", "05/31/2020"], "MM/DD/YYYY"),
    (["09.05.2020", "31.05.2020"], "DD.MM.YYYY"),
])
def test_every_date_form_is_read_and_named_in_the_log(dates, form, caplog):
    with caplog.at_level(logging.INFO, logger="conflictmap.events.date_column"):
        out = read_events(_export(dates))
    assert [str(d.date()) for d in out.event_date] == ["2020-05-09", "2020-05-31"]
    assert list(out.time_precision) == [1, 1]
    said = [r.getMessage() for r in caplog.records if "dates read as" in r.getMessage()]
    assert len(said) == 1 and form in said[0]  # once per column, not per row


def test_two_digit_years_follow_strptime():
    out = read_events(_export(["28-Feb-97", "1-Jan-18"]))
    assert [d.year for d in out.event_date] == [1997, 2018]


def test_a_mixed_column_names_its_first_row_in_another_form():
    dates = ["9-May-20", "10-May-20", "2020-05-11", "12-May-20", "13 May 2020"]
    with pytest.raises(InputError) as info:
        read_events(_export(dates))
    err = info.value
    assert (err.row, err.column, err.value) == (2, "event_date", "2020-05-11")
    assert "one form" in str(err) and "9-May-20" in str(err)
    marked = read_events(_export(dates), errors="mark")
    assert list(marked.valid) == [True, True, False, True, False]
    assert str(marked.event_date.iloc[3].date()) == "2020-05-12"


def test_a_column_that_fits_two_orders_and_disagrees_is_refused():
    with pytest.raises(InputError, match="ambiguous") as info:
        read_events(_export(["01/02/2020", "02/02/2020", "03/02/2020"]))
    assert info.value.row == 0
    out = read_events(_export(["02/02/2020", "03/03/2020"]))  # both orders agree on every row
    assert [str(d.date()) for d in out.event_date] == ["2020-02-02", "2020-03-03"]


def test_an_unreadable_column_names_its_first_row():
    with pytest.raises(InputError, match="not a date") as info:
        read_events(_export(["soon", "later"]))
    assert info.value.row == 0 and info.value.value == "soon"
    with pytest.raises(InputError, match="year 20 is outside") as info:  # a typo, not a crash
        read_events(_export(["2020-05-09", "0020-05-10"]))
    assert info.value.row == 1


def test_pre_2019_event_types_are_read_as_today_s():
    old = ["Remote violence", "Battle-No change of territory", "Battle-Government regains territory",
           "Battle-Non-state actor overtakes territory", "Violence against civilians", "Riots/Protests",
           "Riots/Protests", "Strategic development", "Non-violent transfer of territory",
           "Headquarters or base established", "Battles"]
    inter1 = [1, 2, 1, 2, 3, 6, 5, 1, 2, 2, 1]
    out = read_events(_export(["28-Feb-18"] * len(old), types=old, inter1=inter1))
    assert list(zip(out.event_type, out.sub_event_type.fillna(""))) == [
        ("Explosions/Remote violence", ""), ("Battles", "Armed clash"), ("Battles", "Government regains territory"),
        ("Battles", "Non-state actor overtakes territory"), ("Violence against civilians", ""), ("Protests", ""),
        ("Riots", ""), ("Strategic developments", ""),
        ("Strategic developments", "Non-violent transfer of territory"),
        ("Strategic developments", "Headquarters or base established"), ("Battles", "")]
    original = out.event_type_original
    assert list(original.iloc[:4]) == old[:4] and pd.isna(original.iloc[4]) and pd.isna(original.iloc[10])
    assert original.iloc[5] == "Riots/Protests"
    assert out.disorder_type.iloc[1] == "Political violence"


def test_riots_protests_without_inter1_is_a_problem_naming_the_row():
    table = _export(["28-Feb-18"] * 2, types=["Remote violence", "Riots/Protests"]).drop(columns="inter1")
    with pytest.raises(InputError, match="inter1") as info:
        validate_events(table)
    assert (info.value.row, info.value.column) == (1, "event_type")
    marked = validate_events(table, errors="mark")
    assert list(marked.valid) == [True, False]


def test_a_cut_off_last_row_is_reported_and_mark_keeps_the_rest(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(HEADER
                    + 'T1,9-May-20,Battles,Army,1,Idlib,Kafr Nabl,35.61,36.56,"clashes, two killed",2\n'
                    + 'T2,10-May-20,Remote violence,Army,1,Idlib,Kafr Nabl,35.61,36.56,"shelling",0\n'
                    + 'T3,11-May-20,Battles,Army,1,Idlib,Kafr Nabl,35.61,36.56,"an attack on the', encoding="utf-8")
    with pytest.raises(InputError, match="cut off") as info:
        read_events(path)
    assert info.value.row == 2 and "line 4" in str(info.value) and "export.csv" in str(info.value)
    marked = read_events(path, errors="mark")
    assert list(marked.event_id_cnty) == ["T1", "T2", "T3"]
    assert list(marked.valid) == [True, True, False] and "cut off" in marked.problems.iloc[2]
    assert marked.notes.iloc[0] == "clashes, two killed" and marked.fatalities.iloc[0] == 2
    events, review = conflictmap.attach_events(marked)  # a marked table attaches, its marks kept
    assert list(events.valid) == [True, True, False] and len(events) == 3


def test_a_row_cut_before_its_date_still_attaches(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(HEADER + "T1,9-May-20,Battles,Army,1,Idlib,Kafr Nabl,35.61,36.56,x,2\nT2,10-Ma", encoding="utf-8")
    events, _ = conflictmap.attach_events(path, errors="mark")
    assert list(events.valid) == [True, False] and pd.isna(events.event_date.iloc[1])
    assert events.match_status.iloc[0] == "matched"


def test_a_table_read_with_mark_attaches_without_raising():
    marked = read_events(_export(["9-May-20", "garbage"]), errors="mark")
    events, _ = conflictmap.attach_events(marked)
    assert list(events.valid) == [True, False] and "garbage" in events.problems.iloc[1]


def test_a_row_with_more_fields_than_the_header_names_its_line(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("event_date,event_type,location\n2020-05-09,Battles,Kafr Nabl\n"
                    "2020-05-10,Battles,Kafr Nabl,extra\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 3 has 4 fields but the header has 3") as info:
        read_events(path, errors="mark")
    assert str(path) in str(info.value)
    first = tmp_path / "first.csv"  # pandas alone would take the first column as the index here
    first.write_text("event_date,event_type,location\n2020-05-09,Battles,Kafr Nabl,extra\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 2"):
        read_events(first)


def test_a_complete_file_without_a_final_line_end_is_not_cut(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("event_date,event_type,location\n2020-05-09,Battles,Kafr Nabl", encoding="utf-8")
    assert list(read_events(path).location) == ["Kafr Nabl"]


# ------------------------------------------------------------------ attaching rows that come with a point
RUWAYHAH_IDLIB = (36.69412, 35.74062)  # gn:165178; its namesake gn:165179 is in Deir ez-Zor
RUWAYHAH_DEIR = (40.43377, 35.14155)


def _with_points(points, location="Al-Ruwayha", **extra):
    n = len(points)
    table = {"event_id_cnty": [f"P{i}" for i in range(n)], "event_date": ["9-May-20"] * n,
             "event_type": ["Battles"] * n, "location": [location] * n,
             "longitude": [p[0] for p in points], "latitude": [p[1] for p in points]}
    table.update(extra)
    return pd.DataFrame(table)


def test_a_point_chooses_among_the_places_of_its_name_and_never_moves():
    points = [(RUWAYHAH_IDLIB[0] + 0.01, RUWAYHAH_IDLIB[1] - 0.01), (RUWAYHAH_DEIR[0] - 0.02, RUWAYHAH_DEIR[1])]
    events, review = conflictmap.attach_events(_with_points(points))
    assert list(events.place_id) == ["gn:165178", "gn:165179"]
    assert list(events.match_status) == ["matched", "matched"] and review.empty
    assert list(events.admin1) == ["Idleb", "Deir-ez-Zor"] and list(events.admin2) == ["Ariha", "Deir-ez-Zor"]
    assert [(g.x, g.y) for g in events.geometry] == points  # the coders' points, untouched
    assert list(events.longitude) == [p[0] for p in points]
    name_only, _ = conflictmap.attach_events(_with_points(points), keep_coordinates=False)
    assert list(name_only.match_status) == ["ambiguous", "ambiguous"]  # the name alone cannot tell


def test_a_point_far_from_every_place_of_its_name_goes_to_review_with_the_distance():
    far = (RUWAYHAH_IDLIB[0], RUWAYHAH_IDLIB[1] + 0.2)  # 22 km north of the Idlib one
    events, review = conflictmap.attach_events(_with_points([far], admin1=["Idlib"]))
    assert events.match_status.iloc[0] == "ambiguous"
    assert events.match_reason.iloc[0] == "Al-Ruwayha, 22 km from the nearest Ruwayhah"
    assert (events.longitude.iloc[0], events.latitude.iloc[0]) == far
    assert list(review.event_id_cnty) == ["P0"] and "22 km" in review.match_reason.iloc[0]


def test_a_matched_name_keeps_its_point_and_its_place():
    kafr_nabl = (36.5650, 35.6140)  # about 100 m from the gazetteer's Kafr Nabl
    events, _ = conflictmap.attach_events(_with_points([kafr_nabl], location="Kafr Nabl", admin1=["Idlib"]))
    row = events.iloc[0]
    assert (row.place_id, row.match_status, row.match_method) == ("gn:168661", "matched", "alias")
    assert (row.longitude, row.latitude) == kafr_nabl


def test_admin2_hint_is_used_without_a_point():
    table = _with_points([(None, None)], admin2=["Ariha"]).astype({"longitude": float, "latitude": float})
    events, _ = conflictmap.attach_events(table)
    assert (events.place_id.iloc[0], events.match_status.iloc[0]) == ("gn:165178", "matched")
    assert events.admin2_hint.iloc[0] == "Ariha"


def test_rows_of_other_countries_are_kept_unresolved_with_their_points():
    table = _with_points([(44.13, 17.49), (34.30, 31.34), RUWAYHAH_IDLIB], location="Kafr Nabl",
                         country=["Saudi Arabia", None, "Syria"], iso3=["SAU", "PSE", "SYR"])
    for keep in (True, False):
        events, review = conflictmap.attach_events(table, keep_coordinates=keep)
        assert list(events.match_status[:2]) == ["unresolved", "unresolved"]
        assert list(events.match_reason[:2]) == ["outside Syria (Saudi Arabia)", "outside Syria (PSE)"]
        assert events.place_id[:2].isna().all()
        assert [(g.x, g.y) for g in events.geometry[:2]] == [(44.13, 17.49), (34.30, 31.34)]
        assert events.match_status.iloc[2] != "unresolved"  # the Syrian row is looked up
        assert list(events.match_method[:2]) == ["country", "country"]
        assert "P0" not in set(review.event_id_cnty) and "P1" not in set(review.event_id_cnty)  # nothing to decide


def test_a_spelling_like_a_known_name_is_matched_only_when_the_point_is_at_that_place():
    at_kansafrah, far = (36.4855, 35.6595), (36.4855, 35.80)
    table = _with_points([at_kansafrah, far], location="Kanasfra", admin1=["Idlib", "Idlib"])
    events, review = conflictmap.attach_events(table)
    assert list(events.match_status) == ["matched", "ambiguous"]
    assert events.place_id.iloc[0] == "gn:168572"
    assert events.match_method.iloc[0] in {f"{m}+point" for m in LOOKALIKE_METHODS}  # fuzzy, vowels ...
    assert events.match_reason.iloc[1] == "Kanasfra, 16 km from the nearest Kansafrah"
    name_only, _ = conflictmap.attach_events(table, keep_coordinates=False)
    assert (name_only.match_status == "ambiguous").all()  # a look-alike spelling alone is never matched


def test_a_cut_off_row_in_a_windows_file_with_a_byte_order_mark(tmp_path):
    path = tmp_path / "export.csv"
    text = HEADER + 'T1,9-May-20,Battles,Army,1,Idlib,Kafr Nabl,35.61,36.56,"two\r\nlines",2\r\nT2,10-May-20,Bat'
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").replace("\r\r\n", "\r\n").encode("utf-8"))
    with pytest.raises(InputError, match="line 4") as info:
        read_events(path)
    assert info.value.row == 1
    marked = read_events(path, errors="mark")
    assert list(marked.event_id_cnty) == ["T1", "T2"] and list(marked.valid) == [True, False]
    assert marked.notes.iloc[0] == "two\r\nlines"


def test_badly_decoded_text_in_an_export_does_not_stop_attaching():
    table = _with_points([(36.5645, 35.6138), (36.5, 35.6)], location="Kafr Nabl").astype(object)
    table.loc[1, "location"] = "bad \udcff bytes"
    events, _ = conflictmap.attach_events(table)
    assert list(events.match_status) == ["matched", "unresolved"] and events.location.iloc[1] == "bad ? bytes"
