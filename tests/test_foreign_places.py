"""Famous names abroad are not ``matched`` to a Syrian look-alike unless the row's hints say so."""

from __future__ import annotations

import pandas as pd
import pytest

import conflictmap
from conflictmap import Geocoder
from conflictmap._data import DATA_DIR, data_rows
from conflictmap.geocoding.matching import foreign_key, foreign_place


@pytest.fixture(scope="module")
def geocoder():
    return Geocoder()


def test_the_list_is_data_with_its_source():
    text = (DATA_DIR / "foreign_places.csv").read_text(encoding="utf-8")
    assert "Sources:" in text and "wikipedia.org" in text
    rows = data_rows("foreign_places.csv")
    assert len(rows) > 50 and all(r["name"] and r["country"] and r["kind"] in ("capital", "city") for r in rows)


def test_foreign_names_are_recognised_by_spelling_not_by_the_loose_key():
    assert foreign_place("Paris") == "France" and foreign_place(" paris ") == "France"
    assert foreign_place("Baris") == "" and foreign_place("") == ""
    assert foreign_key("Kuwait-City") == foreign_key("kuwait city")


def test_a_capital_abroad_is_not_matched_to_a_syrian_look_alike(geocoder):
    m = geocoder.resolve("Paris")
    assert m.status == "ambiguous" and "well-known place abroad (France)" in m.reason
    # the look-alike is still offered as the best guess, and its own spelling is matched as before
    assert geocoder.resolve("Baris").status == "matched" and m.place_id == geocoder.resolve("Baris").place_id


def test_the_rows_own_hint_may_say_it_is_the_syrian_place(geocoder):
    syrian = geocoder.resolve("Baris")
    m = Geocoder(confidence=None).resolve("Paris", admin1=syrian.admin1_pcode)  # the rules alone
    assert m.status == "matched" and m.place_id == syrian.place_id
    m = geocoder.resolve("Paris", admin1=syrian.admin1_pcode)  # the model may still ask for review
    assert m.place_id == syrian.place_id and "well-known place abroad" not in m.reason


def test_the_model_never_promotes_a_foreign_name(geocoder):
    m = geocoder.resolve("Paris", min_confidence=0.0)
    assert m.status == "ambiguous" and "well-known place abroad" in m.reason


def test_in_a_table_too(geocoder):
    out = conflictmap.geocode(pd.DataFrame({"location": ["Paris", "Baris"]}), geocoder=geocoder)
    assert out["match_status"].tolist() == ["ambiguous", "matched"]
