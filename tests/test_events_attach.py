"""attach_events, the review table, the corrections file, example events and the extract CLI."""

from pathlib import Path

import pandas as pd
import pytest

import conflictmap
from conflictmap.cli import main
from conflictmap.errors import InputError
from conflictmap.events.attach import attach_events, load_corrections, save_corrections
from conflictmap.geocoding.matching import haversine_km

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture
def table():
    return pd.DataFrame({
        "event_id_cnty": ["A1", "A2", "A3", "A4"],
        "event_date": ["2020-06-30", "2020-06-30", "2020-07-01", "2020-07-01"],
        "event_type": ["Battles", "Battles", "Explosions/Remote violence", "Strategic developments"],
        "location": ["Kansafra", "Al-Ruwayha", "Kashal Ubayd", "Atlantis"],
        "admin1": ["Idlib", "", "Raqqa", ""],
        "latitude": [35.66, None, None, None], "longitude": [36.49, None, None, None],
    })


def test_every_row_comes_out_with_its_place(table):
    events, review = conflictmap.attach_events(table)
    assert list(events.event_id_cnty) == ["A1", "A2", "A3", "A4"]
    assert list(events.match_status) == ["matched", "ambiguous", "matched", "unresolved"]
    assert events.place_id.iloc[0] == "gn:168572" and events.admin1.iloc[0] == "Idleb"
    assert events.admin1_hint.iloc[0] == "Idlib"
    assert events.latitude.iloc[0] == 35.66  # the row's own point is kept (keep_coordinates=True)
    assert events.geometry.iloc[3] is None
    assert list(review.event_id_cnty) == ["A2", "A4"]
    assert "gn:165178" in review.candidates.iloc[0] and "gn:165179" in review.candidates.iloc[0]
    assert review.match_reason.iloc[1]


def test_keep_coordinates_false_uses_the_gazetteer_point(table):
    events, _ = attach_events(table, keep_coordinates=False)
    assert events.place_id.iloc[0] == "gn:168572" and events.latitude.iloc[0] == pytest.approx(35.65935)
    assert events.input_latitude.iloc[0] == pytest.approx(35.66)


def test_corrections_round_trip(table, tmp_path):
    fixes = tmp_path / "corrections.csv"
    events, review = attach_events(table, corrections=fixes)  # file does not exist yet
    review.loc[review.location == "Al-Ruwayha", "correct_place_id"] = "gn:165178"
    save_corrections(review, fixes)
    assert list(load_corrections(fixes).name) == ["Al-Ruwayha"]
    events, review = attach_events(table, corrections=fixes)
    row = events.set_index("event_id_cnty").loc["A2"]
    assert (row.place_id, row.match_method, row.match_status) == ("gn:165178", "correction", "matched")
    assert list(review.event_id_cnty) == ["A4"]
    bad = review.assign(correct_place_id="gn:0")
    with pytest.raises(InputError, match="not a gazetteer place id"):
        save_corrections(bad, fixes)


def test_bad_rows_raise_or_are_marked(table):
    table.loc[2, "event_date"] = "2020-31-12"
    with pytest.raises(InputError) as info:
        attach_events(table)
    assert info.value.row == 2 and info.value.column == "event_date"
    events, _ = attach_events(table, errors="mark")
    assert len(events) == 4 and not events.valid.iloc[2]


def test_example_events_are_placed():
    events = conflictmap.load_example_events()
    # every event is placed; a spelling the gazetteer does not hold (Bayanin for Banin) is the
    # best guess of an 'ambiguous' match, never a silent 'matched'
    assert events.match_status.ne("unresolved").all()
    odd = events[events.match_status != "matched"]
    assert (odd.match_method.isin(["fuzzy", "skeleton"])).all(), odd[["location", "match_method"]]
    assert events.geometry.notna().all()
    expected = SHARED / "eval" / "seed_places.csv"
    if expected.exists():
        seeds = pd.read_csv(expected).dropna(subset=["expected_lat"]).set_index("query")
        for row in events.itertuples():
            if row.location in seeds.index:
                exp = seeds.loc[row.location]
                assert haversine_km(row.longitude, row.latitude, exp.expected_lon, exp.expected_lat) <= exp.tolerance_km


def test_extract_cli(tmp_path, capsys):
    report = tmp_path / "report.txt"
    report.write_text("On June 29, government artillery shelled HTS positions near Kansafrah in southern Idlib.\n",
                      encoding="utf-8")
    out = tmp_path / "drafts.csv"
    assert main(["extract", str(report), "--published", "2020-07-01", "--source", "Test", "-o", str(out)]) == 0
    drafts = conflictmap.read_events(out)
    assert list(drafts.location) == ["Kansafrah"] and drafts.event_date.iloc[0] == pd.Timestamp("2020-06-29")
    assert "1 draft event" in capsys.readouterr().err
    assert main(["extract", str(tmp_path / "none.txt"), "--published", "2020-07-01", "-o", str(out)]) == 1
    assert main(["extract", str(report), "--published", "soon", "-o", str(out)]) == 1
    assert "published" in capsys.readouterr().err
