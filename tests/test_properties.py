"""Property-based tests (hypothesis) on the name normaliser and the geocoder."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conflictmap.geocoding.normalize import compact_key, is_arabic, name_key, normalize_name, skeleton, tokens

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                          HealthCheck.function_scoped_fixture])

any_text = st.text(alphabet=st.characters(codec=None), max_size=80)  # every code point, surrogates too
arabic_text = st.text(alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF), min_size=1, max_size=20)
latin_word = st.from_regex(r"[A-Z][a-z]{2,9}", fullmatch=True)


@FAST
@given(any_text)
def test_normalisers_never_raise_and_return_text(text):
    for fn in (normalize_name, name_key, compact_key, skeleton):
        assert isinstance(fn(text), str)
    assert isinstance(tokens(text), list)


@FAST
@given(any_text)
def test_normalize_name_is_idempotent_and_clean(text):
    once = normalize_name(text)
    assert normalize_name(once) == once
    assert once == once.strip()
    assert "  " not in once
    assert not any(ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F for ch in once)


@FAST
@given(st.one_of(any_text, arabic_text, st.lists(latin_word, min_size=1, max_size=4).map(" ".join)))
def test_keys_do_not_depend_on_display_clean_up(text):
    """Cleaning a name first (as the index does) never changes its keys."""
    clean = normalize_name(text)
    assert name_key(clean) == name_key(text)
    assert compact_key(clean) == compact_key(text)
    assert skeleton(clean) == skeleton(text)


@settings(max_examples=300, deadline=None)
@given(st.one_of(arabic_text, st.lists(latin_word, min_size=1, max_size=4).map(" ".join)))
def test_name_key_is_idempotent(text):
    key = name_key(text)
    assert name_key(key) == key


@FAST
@given(st.lists(latin_word, min_size=1, max_size=3).map(" ".join))
def test_case_hyphens_and_spacing_do_not_change_the_key(name):
    key = name_key(name)
    assert name_key(name.upper()) == key
    assert name_key(name.lower()) == key
    assert name_key("  " + name.replace(" ", "   ") + "\t") == key
    assert name_key(name.replace(" ", "-")) == key


@FAST
@given(latin_word, st.sampled_from(["al-", "el-", "Al ", "al ", "El-"]))
def test_article_spellings_agree(word, article):
    """'al-Bab', 'el-Bab', 'Al Bab' are one name (the article is not part of the key)."""
    assert name_key(article + word) == name_key("al-" + word)


@FAST
@given(arabic_text)
def test_arabic_keys_stay_arabic_or_empty(text):
    key = name_key(text)
    assert key == "" or is_arabic(key) or key.replace(" ", "").isdigit() or key.isascii()


@SLOW
@given(any_text)
def test_geocoder_never_raises_on_any_unicode(geocoder, text):
    match = geocoder.resolve(text)
    assert match.status in {"matched", "ambiguous", "unresolved"}
    assert (match.place_id is None) == (match.status == "unresolved")
    loc = geocoder.geocode(text)
    assert loc is None or -90 <= loc.latitude <= 90


@SLOW
@given(st.lists(st.one_of(any_text, latin_word), min_size=1, max_size=4).map(", ".join))
def test_geocoder_never_raises_on_composite_locations(geocoder, text):
    assert geocoder.resolve(text, admin1="Idlib").status in {"matched", "ambiguous", "unresolved"}


def _bilingual_places(gazetteer, geocoder):
    """Settlements whose Latin name and Arabic name each lead to that place alone in the name index."""
    places = gazetteer.places
    sett = places[(places["feature_type"] == "settlement") & (places["name_ar"] != "")]
    names = gazetteer.names
    owners = names.assign(key=names["name"].map(name_key)).groupby("key")["place_id"].nunique()
    unique = set(owners[owners == 1].index)
    sett = sett[sett["name"].map(name_key).isin(unique) & sett["name_ar"].map(name_key).isin(unique)]
    # Arabic farm names ("مزرعة X") lose the farm to the qualifier parser: a known bug, kept apart in
    # test_known_arabic_latin_disagreement so this property checks everything else
    sett = sett[~sett["name_ar"].str.startswith("مزرعة")]
    rows = []
    for pid, latin, arabic in sett[["place_id", "name", "name_ar"]].sort_values("place_id").itertuples(index=False):
        if all({c.place_id for c in geocoder.index.lookup(n, fuzzy=False)} == {pid} for n in (latin, arabic)):
            rows.append((pid, latin, arabic))
    return rows


@pytest.fixture(scope="module")
def bilingual(gazetteer, geocoder):
    rows = _bilingual_places(gazetteer, geocoder)
    assert len(rows) > 500
    return rows


def test_arabic_and_latin_spellings_of_the_same_name_agree(geocoder, bilingual):
    @settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
    @given(st.sampled_from(bilingual))
    def check(row):
        pid, latin, arabic = row
        a = geocoder.resolve(latin)
        b = geocoder.resolve(arabic)
        assert a.place_id == pid, (latin, a)
        assert b.place_id == pid, (arabic, b)

    check()


def test_arabic_with_harakat_and_tatweel_agrees(geocoder, bilingual):
    @settings(max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
    @given(st.sampled_from(bilingual), st.sampled_from(["\u064E", "\u064F", "\u0650", "\u0651", "\u0640"]))
    def check(row, mark):
        pid, _, arabic = row
        decorated = mark.join(arabic) if mark == "\u0640" else arabic[0] + mark + arabic[1:]
        assert name_key(decorated) == name_key(arabic)
        assert geocoder.resolve(decorated).place_id == pid

    check()


def test_arabic_and_latin_name_of_one_farm_agree(geocoder):
    # the Arabic name once went to the village Nabghah (gn:166483) instead of the farm
    assert geocoder.resolve("مزرعة نبغة").place_id == geocoder.resolve("Mazra'at Nabghah").place_id


_KNOWN_SPELLING_METHODS = {"exact", "alias", "key", "compact"}
gazetteer_word_pair = st.tuples(st.integers(min_value=0, max_value=10**6), st.sampled_from(
    ["", " village", " town", " area", " district", "al-", "-", " camp", "x", "a", "h"]))


@SLOW
@given(gazetteer_word_pair)
def test_knows_spelling_is_what_lookup_finds_by_spelling(geocoder, gazetteer, pick):
    """The geocoder skips matching a query's whole text (qualifier words included) when the index does
    not know the spelling: that must never skip a text ``lookup`` would find by its spelling or key."""
    i, extra = pick
    names = gazetteer.names["name"]
    name = str(names.iloc[i % len(names)])
    text = extra + name if extra.endswith("-") else name + extra
    found = {c.method for c in geocoder.index.lookup(text)} & _KNOWN_SPELLING_METHODS
    assert geocoder.index.knows_spelling(text) == bool(found), (text, found)
