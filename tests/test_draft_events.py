"""draft_events: incidents from report text, in the event schema and attached to places."""

from pathlib import Path

import pandas as pd
import pytest

from conflictmap.errors import InputError
from conflictmap.events.draft import draft_events
from conflictmap.events.schema import event_columns
from conflictmap.matching import haversine_km

SHARED = Path(__file__).resolve().parents[2] / "shared"

# short report-style texts written for these tests
REPORT = (
    "Daily brief\n\n"
    "On July 3 and July 4, Russian warplanes carried out airstrikes on HTS positions near Kafr Nabl. "
    "Local sources said 3 fighters were killed.\n\n"
    "Late on July 4, the Syrian Army captured the village of Kansafrah after clashes with the NLF. "
    "The fighting in southern Idlib killed at least 6 soldiers.\n\n"
    "In northeastern Syria, an IED struck an SDF patrol near Kashal Ubayd, northwest of Ayn Issa. "
    "HTS says it is ready to accept a truce in Ariha only if its rivals withdraw.\n\n"
    "The weather in Daraa was hot."
)


@pytest.fixture(scope="module")
def drafts():
    return draft_events(REPORT, published="2020-07-05", source="Test Wire", source_url="https://example.org/brief")


def test_schema_columns_and_provenance(drafts):
    assert list(drafts.columns[: len(event_columns())]) == list(event_columns().column)
    assert drafts.crs.to_epsg() == 4326
    for row in drafts.itertuples():
        assert REPORT[row.span_start:row.span_end] == row.source_sentence
        assert row.source == "Test Wire" and row.source_url == "https://example.org/brief"
        assert row.geometry is not None and row.place_id


def test_one_draft_per_day_and_place(drafts):
    strikes = drafts[drafts.sub_event_type == "Air/drone strike"]
    assert [str(d.date()) for d in strikes.event_date] == ["2020-07-03", "2020-07-04"]
    assert set(strikes.location) == {"Kafr Nabl"}
    assert strikes.actor1.iloc[0] == "Military Forces of Russia (2000-)"
    assert strikes.actor2.iloc[0] == "HTS: Hayat Tahrir al-Sham"
    assert (strikes.geo_precision == 2).all()  # "near"


def test_state_capture_is_government_regains_and_area_sentence_is_absorbed(drafts):
    taken = drafts[drafts.location == "Kansafrah"]
    assert len(taken) == 1
    row = taken.iloc[0]
    assert (row.event_type, row.sub_event_type) == ("Battles", "Government regains territory")
    assert row.actor2 == "NLF: National Liberation Front"
    assert str(row.event_date.date()) == "2020-07-04" and row.time_precision == 1
    assert "Idlib" not in set(drafts.location)  # "fighting in southern Idlib" is the same incident


def test_ied_reference_place_and_hedge(drafts):
    ied = drafts[drafts.sub_event_type == "Remote explosive/landmine/IED"]
    assert list(ied.location) == ["Kashal Ubayd"]
    assert ied.iloc[0].time_precision == 2  # no date in the sentence or paragraph
    assert "Ariha" not in set(drafts.location)  # a conditional truce is not an event
    assert "Daraa" not in set(drafts.location)  # no event word


def test_fatalities(drafts):
    strikes = drafts[drafts.sub_event_type == "Air/drone strike"].sort_values("event_date")
    # the toll of the next sentence belongs to the strikes, counted once (on the first day)
    assert list(strikes.fatalities) == [3, 0]
    assert "deaths from the next sentence" in strikes.notes.iloc[0]
    # "The fighting in southern Idlib killed at least 6 soldiers": the area sentence's deaths go to
    # the capture of Kansafrah it is absorbed into
    assert int(drafts[drafts.location == "Kansafrah"].fatalities.iloc[0]) == 6


def test_bad_input():
    with pytest.raises(InputError, match="published"):
        draft_events("Clashes in Ariha.", published="last week")
    with pytest.raises(InputError):
        draft_events(None, published="2020-07-01")
    assert draft_events("", published="2020-07-01").empty


# incidents an analyst codes from the two seed reports: (report, place, expected event type, admin1)
EXPECTED = [
    ("000", "al-Sukhna", "Battles", "Homs"),
    ("000", "Palmyra-Deir Ezzor highway", "Explosions/Remote violence", "Homs"),
    ("000", "Yacubiyeh", "Battles", "Idleb"),
    ("000", "al-Janoudiyah", "Battles", "Idleb"),
    ("000", "Arab Said", "Battles", "Idleb"),
    ("004", "Kansafrah", "Battles", "Idleb"),
    ("004", "Al-Ruwayha", "Battles", "Idleb"),
    ("004", "Bayanin", "Battles", "Idleb"),
    ("004", "Kahil", "Strategic developments", "Dar'a"),
    ("004", "Kashal Ubayd", "Explosions/Remote violence", "Ar-Raqqa"),
]


@pytest.mark.shared
def test_seed_reports():
    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        pytest.skip("../shared not present")
    places = pd.read_csv(SHARED / "eval" / "seed_places.csv").set_index("query")
    published = {"000": "2020-06-26", "004": "2020-07-01"}
    drafts = {}
    for key, date in published.items():
        path = next(seeds.glob(f"{key}_*.txt"))
        drafts[key] = draft_events(path.read_text(encoding="utf-8"), published=date, source="South Front")
    for report, location, event_type, admin1 in EXPECTED:
        rows = drafts[report][drafts[report].location == location]
        assert not rows.empty, (report, location)
        row = rows.iloc[0]
        assert row.event_type == event_type, (location, row.event_type)
        assert row.admin1 == admin1 and row.match_status == "matched"
        seed_name = {"Kahil": "Kahil Jizah"}.get(location, location)
        if seed_name in places.index and pd.notna(places.loc[seed_name, "expected_lat"]):
            exp = places.loc[seed_name]
            assert haversine_km(row.longitude, row.latitude, exp.expected_lon, exp.expected_lat) <= exp.tolerance_km
    d0 = drafts["000"]
    sukhna = d0[d0.location == "al-Sukhna"].iloc[0]
    assert (sukhna.actor1, sukhna.actor2, int(sukhna.fatalities)) == (
        "Islamic State (Syria)", "Military Forces of Syria (2000-)", 2)
    strikes = d0[d0.sub_event_type == "Air/drone strike"]
    assert sorted(str(d.date()) for d in strikes.event_date) == ["2020-06-25", "2020-06-26"]
    assert "Military Forces of Russia (2000-)" in set(strikes.assoc_actor_1)
    clash = d0[d0.location == "Yacubiyeh"].iloc[0]
    assert (clash.actor1, clash.actor2, str(clash.event_date.date())) == (
        "HTS: Hayat Tahrir al-Sham", "Hurras al-Din", "2020-06-26")
    d4 = drafts["004"]
    kans = d4[d4.location == "Kansafrah"].iloc[0]
    assert (kans.actor1, kans.actor2, str(kans.event_date.date())) == (
        "Military Forces of Syria (2000-)", "Syrian National Army", "2020-06-30")
    assert d4[d4.location == "Kahil"].iloc[0].sub_event_type == "Non-violent transfer of territory"
    assert "Damascus" not in set(d4.location)
