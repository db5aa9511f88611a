"""A place named with a facility word is the facility: "Tiyas Military Airbase", "the Abu al-Duhur
military airport".

The gazetteer holds some facilities (air bases, airports, prisons, border crossings) as records of
their own, apart from the town they are named after and often kilometres from it. A mention followed
by a facility word of ``qualifiers.csv`` (a site word with a feature type: "airbase", "prison") is
answered by the facility of that type that the gazetteer knows under the name and that word ("Shayrat
airbase"), else by the only facility of that type within :data:`FACILITY_KM` of a place the name may
be whose own names read like it. With neither, the mention keeps its answer: a facility the gazetteer
lacks is placed at the town it is named after.

>>> from conflictmap.events.places_in_text import find_places
>>> found = find_places("Israeli jets struck the Tiyas Military Airbase.")
>>> found.loc[0, ["mention", "place_name", "match_status"]].tolist()
['Tiyas Military Airbase', 'Tiyas (T4) air base', 'matched']
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..geocoding.facilities import FACILITY_KM, facilities_near
from ..geocoding.matching import STRONG_METHODS, Context, NameIndex, decide, rank
from ..geocoding.query import facility_named, facility_words
from .place_mention import PlaceMention


# the words after a name, up to the facility word: "- Military Airbase", "international airport", "air base"
_AFTER = re.compile(r"^(?:\s*-)?((?:\s+[A-Za-z]+){1,3})")
_DESCRIBING = frozenset({"military", "international", "civil", "civilian", "army", "central", "main", "old", "new"})


def facility_after(text: str) -> tuple[str, str, int] | None:
    """``(feature type, facility word, length of the words read)`` when ``text`` (the words right
    after a place name) opens with a facility word, else None.

    >>> facility_after(" Military Airbase, killing two")
    ('airport', 'airbase', 17)
    >>> facility_after(" air base in Homs")[:2]
    ('airport', 'airbase')
    >>> facility_after(" town in Homs") is None
    True
    """
    found = _AFTER.match(text)
    if not found:
        return None
    words = facility_words()
    tokens = list(re.finditer(r"[A-Za-z]+", found.group(0)))
    for i, tok in enumerate(tokens):
        word = tok.group(0).casefold()
        joined = word + tokens[i + 1].group(0).casefold() if i + 1 < len(tokens) else ""
        if joined in words:
            return words[joined], joined, tokens[i + 1].end()
        if word in words:
            return words[word], word, tok.end()
        if word not in _DESCRIBING:
            return None
    return None


# up to three words and "of" right before a name: "the international airport of X"
_BEFORE = re.compile(r"\b((?:[A-Za-z]+\s+){1,3})of\s+(?:the\s+)?$")


def facility_before(text: str) -> tuple[str, str, int] | None:
    """``(feature type, facility word, length of the words read back)`` when ``text`` (the words right
    before a place name) ends with a facility word and "of", else None.

    >>> facility_before("shells fell on the international airport of ")
    ('airport', 'airport', 25)
    >>> facility_before("regime forces shelled the military air base of ")[:2]
    ('airport', 'airbase')
    >>> facility_before("in the countryside of ") is None
    True
    """
    found = _BEFORE.search(text)
    if not found:
        return None
    toks = list(re.finditer(r"[A-Za-z]+", found.group(1)))
    words = facility_words()
    last = toks[-1].group(0).casefold()
    pair = toks[-2].group(0).casefold() + last if len(toks) > 1 else ""
    if pair in words:  # "air base" written in two
        word, i = pair, len(toks) - 2
    elif last in words:
        word, i = last, len(toks) - 1
    else:
        return None
    while i > 0 and toks[i - 1].group(0).casefold() in _DESCRIBING:
        i -= 1
    return words[word], word, len(text) - (found.start(1) + toks[i].start())


def _named(index: NameIndex, name: str, words: tuple[str, ...], ftype: str) -> list:
    """Facilities of ``ftype`` the gazetteer knows under ``name`` and one of ``words`` (that type's words)."""
    found: dict[int, object] = {}
    for word in words:
        for cand in index.lookup(f"{name} {word}", fuzzy=False):
            if cand.feature_type == ftype and cand.method in STRONG_METHODS:
                found.setdefault(cand.row, cand)
    return list(found.values())


def resolve_facilities(text: str, index: NameIndex, mentions: list[PlaceMention]) -> None:
    """Answer each mention followed by a facility word with that facility, when the gazetteer holds
    it; the mention's span then takes in the facility's words."""
    for m in mentions:
        if m.match is None or m.area:  # a reference too: "shelling from the Hama military airport" is the airport
            continue
        after = facility_after(text[m.end:m.end + 40])
        before = None if after is not None else facility_before(text[max(m.start - 40, 0):m.start])
        if after is None and before is None:
            continue
        ftype, word, length = after or before
        if m.match.feature_type == ftype:
            continue
        named = _named(index, m.mention, facility_named(word)[1], ftype)
        if named:
            ranked = rank(index, named, Context())
            found = decide(index, m.mention, ranked)
            reason = found.reason or f"the {word} named after {m.mention}"
        else:
            rows = facilities_near(index, m.candidates, ftype, m.mention)
            if len(rows) != 1:
                continue
            cand = index._candidate(rows[0], str(index.name[rows[0]]), f"{m.match.method}+{word}", 100.0)
            found = decide(index, m.mention, [cand])
            reason = (f"the only {word} within {FACILITY_KM:.0f} km of a place called {m.mention}"
                      if m.match.status == "matched" or len(m.candidates) > 1 else f"the {word} at {m.mention}")
        if before is not None:  # "the military airport of Hama"
            m.start -= length
        else:
            m.end += length
        m.match = replace(found, query=text[m.start:m.end], reason=reason)
        m.mention = text[m.start:m.end]
