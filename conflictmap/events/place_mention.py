"""A place named in a text, and the text around it.

:class:`PlaceMention` is what :mod:`.places_in_text` finds and what :mod:`.place_areas` and
:mod:`.place_unplaced` refine: the span of a name, the gazetteer places it may be, the role the
words around it give, and the place chosen. The helpers here read the words just before and after
a mention and hold the patterns several steps share (what joins the words of one name, what
between two names says the second locates the first).
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..geocoding.matching import ADMIN_TYPES, Candidate, Match, NameIndex, haversine_km
from ..geocoding.normalize import normalize_name
from .schema import read_data_csv

# what may stand between words of one name (an ayn mark may open the next word: "Rasm al-'Anz")
_JOIN = re.compile(r"^(?:-|\s+|\s*-\s*|\s+-\s+)['\u2019\u02bf\u02be`]?$")


_DIRECTION = r"(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)"


# between two place names: the second only says where the first is ("A near B", "A in B", "A, west of B")
_SETTLEMENT_WORD = r"(?:town|village|camp|hill|farms?)"


_FEATURE_WORD = r"(?:town|village|city|area|camp|district|sub-?district|neighbou?rhood|suburb|hill|farms?)"


_LOCATES_GAP = re.compile(
    rf"^\s*,?\s+(?:{_SETTLEMENT_WORD}\s+)?(?:in\s+(?:the\s+)?(?:{_DIRECTION}(?:ern)?\s+)?(?:countryside|outskirts|vicinity)\s+of|"
    rf"near|close\s+to|outside|in|of|(?:on\s+)?the\s+outskirts\s+of|in\s+the\s+vicinity\s+of|{_DIRECTION}(?:ern)?\s+of|\d+\s*(?:km|kilomet(?:er|re)s?)\s+"
    rf"(?:{_DIRECTION}\s+)?(?:of|from))\s+(?:the\s+)?(?:(?:town|city|village|district|area)\s+of\s+)?$", re.I)

# between the places of a list: "villages of A, B and C"
_LIST_GAP = re.compile(r"^\s*(?:,|,?\s+and|,?\s+or|&)\s+(?:the\s+)?(?:(?:villages?|towns?)\s+of\s+)?$", re.I)


@dataclass
class PlaceMention:
    """A gazetteer place named in a text.

    ``role`` is ``location`` (a place where something happens), ``area`` (a governorate,
    district or region named as an area: "southern Idlib", "Daraa province") or ``reference``
    (a point another place is located from: "northwest of Ayn Issa", the "Jizah" of "Kahil Jizah").
    """

    mention: str
    start: int
    end: int
    sentence: int
    paragraph: int
    candidates: list[Candidate]
    near: bool = False
    area: bool = False
    reference: bool = False
    type_hint: str | None = None
    admin_level: int | None = None
    compound_of: int | None = None  # index of the mention this one locates ("Kahil Jizah")
    match: Match | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def role(self) -> str:
        if self.extra.get("unplaced"):
            return "location"  # a village the gazetteer does not know, placed at the area named beside it
        if self.reference:
            return "reference"
        if self.match is not None and self.match.feature_type in (*ADMIN_TYPES, "region") and (
                self.area or self.admin_level or self.match.feature_type == "admin1"):
            return "area"
        return "location"


@lru_cache(maxsize=1)
def _english_clashes() -> frozenset[str]:
    return frozenset(read_data_csv("english_place_clashes.csv")["word"].str.strip().str.lower())


@lru_cache(maxsize=1)
def _text_words() -> dict[str, frozenset[str]]:
    table = read_data_csv("place_text_words.csv")
    return {kind: frozenset(group["word"].str.strip().str.lower()) for kind, group in table.groupby("kind")}


def admin1_pcode(name: Any, index: NameIndex) -> str | None:
    """The P-code of the governorate ``name`` names (any spelling), or None.

    Examples
    --------
    >>> from conflictmap.gazetteer import get_gazetteer
    >>> index = NameIndex.for_gazetteer(get_gazetteer())
    >>> admin1_pcode("Idlib", index), admin1_pcode("Deir Ezzor", index), admin1_pcode("Atlantis", index)
    ('SY07', 'SY09', None)
    """
    clean = normalize_name(name)
    if not clean:
        return None
    if re.fullmatch(r"SY\d\d", clean.upper()):
        return clean.upper()
    for cand in index.lookup(clean, fuzzy=True, limit=5):
        if cand.feature_type == "admin1":
            return cand.admin1_pcode
    for cand in index.lookup(clean, fuzzy=False, limit=5):
        if cand.feature_type in ("admin2", "settlement") and cand.population > 100000:
            return cand.admin1_pcode  # a governorate capital's name
    return None


class _Spans:
    """Character spans, sorted, for "is this offset inside one?" in log time (texts may hold thousands)."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self.starts = [a for a, _ in self.spans]
        ends, top = [], -1
        for _, b in self.spans:
            top = max(top, b)
            ends.append(top)
        self.max_end = ends  # the farthest end among the spans up to each one

    def covers(self, pos: int) -> bool:
        i = bisect.bisect_right(self.starts, pos) - 1
        return i >= 0 and self.max_end[i] > pos

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, end) - 1
        return i >= 0 and self.max_end[i] > start


_CUE_WINDOW = 250  # characters before/after a mention its cues are read from (every cue is shorter)


def _by_sentence(mentions: list[PlaceMention]) -> dict[int, list[PlaceMention]]:
    out: dict[int, list[PlaceMention]] = defaultdict(list)
    for m in mentions:
        out[m.sentence].append(m)
    return out


def _before(text: str, start: int, pos: int) -> str:
    """The text of a sentence before ``pos`` (from ``start``), at most ``_CUE_WINDOW`` characters.

    A cut is marked with a NUL so that a cue anchored at the sentence start ("In X, ...") cannot match
    inside the window and a cut word is not a whole word.
    """
    if pos - start <= _CUE_WINDOW:
        return text[start:pos]
    return "\x00" + text[pos - _CUE_WINDOW:pos]


def _after(text: str, pos: int, end: int) -> str:
    return text[pos:min(end, pos + _CUE_WINDOW)]


def _is_area_type(ftype: str) -> bool:
    return ftype in (*ADMIN_TYPES, "region")


SEAT_KM = {"admin1": None, "admin2": 60.0, "admin3": 25.0, "region": 15.0}  # how far from an area's point its seat may lie


def area_seat(m: PlaceMention) -> Candidate | None:
    """The town an incident placed only at an area is coded at, as ACLED codes it (precision 3): the
    most populous settlement of the area's own name in that governorate ("northern Homs" -> Homs city,
    "Afrin district" -> Afrin town, a region at the town that bears its name within ``SEAT_KM``), or
    None (an area with no town of its name: "Rural Damascus").

    Examples
    --------
    >>> from conflictmap.events.places_in_text import find_place_mentions
    >>> m = find_place_mentions("Jets struck areas in Idleb province.")[0]
    >>> m.match.feature_type, area_seat(m).feature_type, area_seat(m).admin1_pcode
    ('admin1', 'settlement', 'SY07')
    """
    match = m.match
    if match is None or match.feature_type not in SEAT_KM or not match.admin1_pcode:
        return None
    radius = SEAT_KM[match.feature_type]
    towns = [c for c in m.candidates if c.feature_type == "settlement" and c.admin1_pcode == match.admin1_pcode
             and (radius is None or haversine_km(c.longitude, c.latitude, match.longitude, match.latitude) <= radius)]
    return max(towns, key=lambda c: (c.population, c.place_id)) if towns else None
