"""Vowel spellings of one name and Latin readings of the gazetteer's Arabic names."""

from __future__ import annotations

import re

import pytest

from conflictmap import Geocoder
from conflictmap._data import data_rows
from conflictmap.geocoding.normalize import consonants, name_key, romanise


@pytest.fixture(scope="module")
def geocoder():
    return Geocoder()


def test_romaniser_rules_are_data_and_cover_the_alphabet():
    rows = data_rows("arabic_latin.csv")
    letters = {r["letter"] for r in rows}
    assert set("ابتثجحخدذرزسشصضطظعغفقكلمنهويةى") <= letters
    assert all(re.fullmatch(r"[a-z]*", r["latin"]) for r in rows)


@pytest.mark.parametrize("arabic,latin", [
    ("كفر", "kfr"), ("الشيخ", "al shykh"), ("عين", "yn"), ("وادي", "wady"), ("حلب", "hlb"),
    ("دَيْر", "dyr"),  # harakat dropped
])
def test_romanise_reads_each_letter_by_its_rule(arabic, latin):
    assert romanise(arabic) == latin


def test_romanise_leaves_latin_alone():
    assert romanise("Saraqib") == "" and romanise(None) == ""


def _misspelt_latin_places(geocoder, n=5):
    """Places whose Arabic name, read by the romaniser, gives a key none of their Latin names has
    and no other place has either (found in the gazetteer, not in any development set)."""
    gz = geocoder.gazetteer
    names = gz.names
    latin = names[names["kind"] != "ar"].groupby("place_id")["name"].apply(lambda s: {name_key(x) for x in s}).to_dict()
    out = []
    for pid, ar in zip(names.loc[names["kind"] == "ar", "place_id"], names.loc[names["kind"] == "ar", "name"]):
        rom = romanise(ar)
        k = name_key(rom)
        if len(k.replace(" ", "")) < 5 or k in latin.get(pid, set()):
            continue
        if {h.place_id for h in geocoder.index.lookup(rom, fuzzy=False)} != {pid}:
            continue
        out.append((pid, rom))
        if len(out) == n:
            break
    assert out, "no place reached only through its Arabic name"
    return out


def test_a_latin_query_reaches_a_place_through_its_arabic_name(geocoder):
    for pid, rom in _misspelt_latin_places(geocoder):
        # the reading with the vowels reports write for the long vowels inside a word (y -> ee; a final
        # y is the -i ending, written so)
        query = re.sub(r"y(?=\w)", "ee", rom).title()
        hits = geocoder.index.lookup(query, fuzzy=False)
        assert any(h.place_id == pid and h.method == "romanised" for h in hits), (query, pid)


def test_vowel_spellings_of_one_name_find_each_other(geocoder):
    places = geocoder.gazetteer.places
    sett = places[(places["feature_type"] == "settlement") & places["name"].str.fullmatch(r"[A-Za-z ]+")]
    checked = 0
    for pid, name in zip(sett["place_id"], sett["name"]):
        # 'a' written 'e' and 'ay' written 'ei': the same consonants, other vowels
        variant = name.replace("ay", "ei").replace("a", "e")
        if variant == name or name_key(variant) == name_key(name) or len(consonants(name)) < 4:
            continue
        hits = geocoder.index.lookup(variant)
        assert any(h.place_id == pid and h.method in ("vowels", "key", "compact", "fuzzy") for h in hits), (name, variant)
        checked += 1
        if checked == 20:
            break
    assert checked == 20


def test_vowel_variants_and_readings_are_never_matched_on_their_own(geocoder):
    pid, rom = _misspelt_latin_places(geocoder, n=1)[0]
    m = geocoder.resolve(rom.replace("y", "ee").title())
    assert m.place_id == pid and m.method == "romanised" and m.status == "ambiguous"
