"""A place named with a facility word is the facility the gazetteer holds (``events/place_facilities.py``)."""

import pytest

from conflictmap.events.draft import draft_events
from conflictmap.events.place_facilities import facility_after
from conflictmap.events.places_in_text import find_places
from conflictmap.geocoding.matching import haversine_km


@pytest.mark.parametrize("text, ftype, word", [
    (" Military Airbase, killing two", "airport", "airbase"),
    (" - Military Air Base in Idleb", "airport", "airbase"),
    (" international airport", "airport", "airport"),
    (" central prison", "prison", "prison"),
])
def test_facility_words_after_a_name(text, ftype, word):
    assert facility_after(text)[:2] == (ftype, word)


@pytest.mark.parametrize("text", [" town in Homs", " military positions", ", an airbase"])
def test_no_facility_after_a_name(text):
    assert facility_after(text) is None


def _one(text):
    found = find_places(text)
    assert len(found) == 1, found
    return found.iloc[0]


def test_the_air_base_named_after_a_village_is_the_base_not_the_village():
    town = _one("Regime forces shelled Tiyas town.")
    base = _one("Israeli jets struck the Tiyas Military Airbase.")
    assert base.feature_type == "airport" and base.match_status == "matched"
    assert base.mention == "Tiyas Military Airbase"
    assert town.feature_type == "settlement"
    assert haversine_km(town.longitude, town.latitude, base.longitude, base.latitude) > 2


def test_the_facility_word_settles_namesakes():
    # two places bear the name; only one has an air base beside it
    plain = _one("Rebels shelled Abu al-Duhur.")
    base = _one("Rebels shelled the Abu al-Duhur military airport.")
    assert plain.match_status == "ambiguous"
    assert base.match_status == "matched" and base.admin1 == "Idleb" and base.feature_type == "airport"


def test_a_base_known_by_its_town_and_a_dash_is_found_by_proximity():
    base = _one("Rebels shelled Teftnaz - Military Air Base.")
    assert base.feature_type == "airport" and "within" in base.match_reason


def test_a_prison_named_after_its_town():
    prison = _one("Protesters gathered outside Saydnaya central prison.")
    assert prison.feature_type == "prison" and prison.mention == "Saydnaya central prison"


def test_a_facility_the_gazetteer_lacks_stays_at_its_town():
    # no airport lies near Binnish: the town answers, and the words stay out of the mention
    found = _one("Jets struck the Binnish airbase.")
    assert found.feature_type == "settlement" and found.mention == "Binnish"


def test_the_draft_is_placed_at_the_base():
    drafts = draft_events("Israeli warplanes struck positions at Tiyas Military Airbase, killing 2 soldiers.",
                          published="2018-02-10")
    assert len(drafts) == 1
    assert drafts.iloc[0].location == "Tiyas Military Airbase"
    assert drafts.iloc[0].place_name.startswith("Tiyas (T4)")


def test_a_base_bears_a_name_by_its_letters_or_its_consonants():
    from conflictmap.geocoding.facilities import bears_name as _bears_name
    from conflictmap.gazetteer import get_gazetteer
    from conflictmap.geocoding.matching import NameIndex

    index = NameIndex.for_gazetteer(get_gazetteer())
    row = index.row_of["cm:dumayr-airbase"]
    assert _bears_name(index, row, "Dmeir")
    assert _bears_name(index, row, "Dhumair")  # d-m-r, however the vowels are written
    assert not _bears_name(index, row, "Binnish")
    assert not _bears_name(index, row, "Adra")


@pytest.mark.parametrize("text, place_id", [
    ("Israeli missiles hit the Dumayr military airport.", "cm:dumayr-airbase"),
    ("Turkish drones struck near Menagh airbase.", "cm:menagh-airbase"),
    ("Rebels shelled the Hama military airport.", "cm:hama-airbase"),
])
def test_curated_air_bases(text, place_id):
    assert _one(text).place_id == place_id


def test_the_governorate_after_a_facility_is_its_area_not_a_second_place():
    drafts = draft_events("Regime forces shelled the Tiyas Military Airbase in Homs.", published="2018-02-10")
    assert drafts["location"].tolist() == ["Tiyas Military Airbase"]
    assert drafts.iloc[0].place_name.startswith("Tiyas (T4)")


def test_a_facility_forces_advance_towards_is_the_facility():
    # a reference ("towards X") is still the facility its words name, not the town nor the governorate
    drafts = draft_events("Regime forces advanced towards the Tiyas Military Airbase in Homs.", published="2018-02-10")
    assert drafts["location"].tolist() == ["Tiyas Military Airbase"]
    assert drafts.iloc[0].place_name.startswith("Tiyas (T4)")


@pytest.mark.parametrize("text, place_id, mention", [
    ("Rebels fired rockets at the international airport of Aleppo.", "cm:aleppo-airport", "international airport of Aleppo"),
    ("Rebels shelled the military airport of Hama.", "cm:hama-airbase", "military airport of Hama"),
])
def test_a_facility_word_and_of_before_the_name_is_the_facility(text, place_id, mention):
    found = _one(text)
    assert (found.place_id, found.mention) == (place_id, mention)


def test_a_facility_word_before_of_is_read_back_with_its_describing_words():
    from conflictmap.events.place_facilities import facility_before

    assert facility_before("shells fell on the international airport of ") == ("airport", "airport", 25)
    assert facility_before("in the eastern countryside of ") is None
