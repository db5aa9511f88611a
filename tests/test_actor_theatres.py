"""Where an actor fights (``conflictmap/data/actor_theatres.csv``) chooses among same-name places that
match a report's place text equally well, and nothing else: the draft stays ``ambiguous``."""

from __future__ import annotations

import pytest

from conflictmap.events.actors import find_actors, load_actors, theatre_of
from conflictmap.events.draft import draft_events
from conflictmap.events.places_in_text import find_places
from conflictmap.events.schema import read_data_csv
from conflictmap.gazetteer import get_gazetteer


def test_every_row_names_a_known_actor_and_real_governorates() -> None:
    table = read_data_csv("actor_theatres.csv")
    keys = set(load_actors()["key"])
    governorates = set(get_gazetteer().areas(1)["name"])
    assert len(governorates) == 14
    assert table["key"].is_unique
    for row in table.itertuples(index=False):
        assert row.key in keys, row.key
        named = row.governorates.split("|")
        assert named and set(named) <= governorates, (row.key, set(named) - governorates)
        assert len(named) < len(governorates), f"{row.key} fought everywhere: it narrows nothing, leave it out"
        assert str(row.note).strip(), row.key


def test_actors_named_together_fight_where_their_theatres_meet() -> None:
    govs, named = theatre_of(find_actors("Turkish forces and the SNA clashed with SDF fighters."))
    assert govs == {"Aleppo", "Ar-Raqqa", "Al-Hasakeh"}
    assert named == ("Military Forces of Turkey (2016-)", "Syrian National Army", "SDF: Syrian Democratic Forces")
    # actors that fought across the country narrow nothing; theatres that never meet give no answer
    assert theatre_of(find_actors("Regime forces and rebel fighters clashed.")) == (frozenset(), ())
    assert theatre_of(find_actors("Jaysh al-Islam fighters clashed with the Khalid ibn al-Walid Army.")) == (
        frozenset(), ())


@pytest.mark.parametrize("note, governorate", [
    # two villages bear the name, one in Al-Hasakeh and one in As-Sweida
    ("Turkish forces shelled the village of Mashquq, injuring two civilians.", "Al-Hasakeh"),
    ("SDF fighters repelled an attack on Mashquq. No fatalities were reported.", "Al-Hasakeh"),
])
def test_a_tie_between_namesakes_goes_to_where_the_actor_fights(note: str, governorate: str) -> None:
    d = draft_events(note, published="2019-10-20")
    assert d["location"].tolist() == ["Mashquq"]
    row = d.iloc[0]
    assert row["admin1"] == governorate
    assert row["match_status"] == "ambiguous"  # a prior, not a promise
    assert "taken, where" in row["match_reason"] and "fought" in row["match_reason"]


def test_without_such_an_actor_the_tie_is_left_as_it_was() -> None:
    regime = draft_events("Regime forces shelled the village of Mashquq, injuring two civilians.",
                          published="2019-10-20").iloc[0]
    assert regime["match_status"] == "ambiguous"
    assert "equally well (Al-Hasakeh, As-Sweida)" in regime["match_reason"]
    assert regime["admin1"] == "As-Sweida"


def test_the_actor_of_an_earlier_sentence_of_the_paragraph_counts() -> None:
    d = draft_events("Turkish forces shelled several villages overnight. Shells fell on Mashquq, injuring a "
                     "child.", published="2019-10-20")
    assert d["admin1"].tolist() == ["Al-Hasakeh"]


def test_an_area_named_beside_the_place_outranks_the_actor() -> None:
    d = draft_events("Turkish forces shelled the village of Mashquq in As-Sweida governorate.",
                     published="2019-10-20")
    assert d.iloc[0]["admin1"] == "As-Sweida"


def test_find_places_uses_it_too() -> None:
    places = find_places("YPG fighters were seen in Mashquq.")
    assert places["admin1"].tolist() == ["Al-Hasakeh"]
    assert places["match_status"].tolist() == ["ambiguous"]


def test_a_place_outside_every_governorate_the_actors_fought_in_is_no_promise() -> None:
    # the one Kansafrah lies in Idleb; Jaysh al-Islam fought around Damascus and in northern Aleppo
    row = draft_events("Jaysh al-Islam fighters shelled Kansafrah.", published="2019-10-20").iloc[0]
    assert (row["place_name"], row["match_status"]) == ("Kansafrah", "ambiguous")
    assert row["match_reason"] == "it lies in Idleb, outside the governorates where Jaysh al-Islam fought"
    regime = draft_events("Regime forces shelled Kansafrah.", published="2019-10-20").iloc[0]
    assert regime["match_status"] == "matched"


def test_an_area_named_beside_the_place_keeps_it_whoever_fought_there() -> None:
    row = draft_events("Jaysh al-Islam fighters shelled Kansafrah village in southern Idleb.",
                       published="2019-10-20").iloc[0]
    assert row["match_status"] == "matched"
