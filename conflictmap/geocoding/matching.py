"""Candidate search and ranking over the gazetteer's names.

The :class:`NameIndex` holds every name of every place under four keys, from strict to loose:
the cleaned name itself (``exact``/``alias``), the transliteration key (``key``), the key with
no spaces (``compact``) and the cross-script consonant skeleton (``skeleton``); names no key
finds are searched with rapidfuzz (``fuzzy``). :func:`rank` scores candidates against the
context (admin hints, nearby places, a point or box to stay near, feature type) and
:func:`decide` turns the ranking into a :class:`Match` that is ``matched``, ``ambiguous``
(with the ranked candidates) or ``unresolved`` (with the reason).

Examples
--------
>>> from conflictmap.gazetteer import get_gazetteer
>>> index = NameIndex.for_gazetteer(get_gazetteer())
>>> hits = index.lookup("Kansafraa")
>>> hits[0].place_id, hits[0].method
('gn:168572', 'key')
"""

from __future__ import annotations

import functools
import logging
import math
import re
import threading
import unicodedata
import weakref
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable, NamedTuple, Sequence

import numpy as np
from rapidfuzz import fuzz

from .fuzzy import FuzzyKeySearch
from .normalize import (arabic_alternatives, compact_key, consonants, core_of_key, is_arabic, keys, name_key,
                        normalize_name, romanise, skeleton)

log = logging.getLogger(__name__)

__all__ = ["Candidate", "Match", "NameIndex", "Context", "rank", "decide", "haversine_km"]

SHORT_VARIANT_RATIO = 70.0  # a two-consonant respelling inside the hinted governorate must read this close (rapidfuzz)
VOWEL_VARIANT_SCORE = 93.0  # a fuzzy or skeleton candidate whose consonants equal the query's ('vowels')
VOWEL_SIM_WEIGHT = 0.05  # ... less this per point of rapidfuzz ratio it reads apart from the query: the closer spelling first
METHOD_SCORE = {"exact": 100.0, "alias": 99.0, "key": 98.0, "compact": 95.0, "prefix": 93.0, "romanised": 92.0,
                "vowels": VOWEL_VARIANT_SCORE, "skeleton": 80.0,
                "fuzzy": 0.0, "correction": 100.0, "fallback": 60.0}
OTHER_CONSONANTS = "other consonants"  # lookup()'s note on a fuzzy candidate whose consonants differ from the query's
FUZZY_CONSONANT_PENALTY = 3.0  # rank(): a fuzzy candidate whose consonants differ from the query's (another letter, not other vowels)
FUZZY_CUTOFF = 78.0  # rapidfuzz ratio below which a fuzzy candidate is not considered
MATCH_MIN_SCORE = 85.0
FUZZY_ACCEPT = 92.0
LOOKALIKE_METHODS = ("fuzzy", "skeleton", "vowels", "romanised")  # decide(): never 'matched' on their own (calibration)
STRONG_METHODS = ("exact", "alias", "key", "compact", "prefix")
#: the reason of an answer an admin hint alone picked among the places an Arabic name may mean (not 'matched')
ARABIC_HINT_ALONE = "alone picks it among places of this Arabic name"
COMMON_NAME_PLACES = 4  # decide(): a name this many other places in Syria bear is never 'matched' on a hint alone
SINGLE_SOURCE = ("ocha_ps",)  # gazetteer sources whose settlements no second source corroborates
UNRESOLVED_BELOW = 75.0
RANK_KEEP = 40  # ranked candidates kept per query  # a fuzzy or skeleton best candidate this weak is no answer at all  # a fuzzy or skeleton candidate needs this (after context) to be matched  # a single candidate below this is ambiguous, never matched
INSIDE_ADMIN_BONUS = 4.0  # rank(): a candidate inside the admin hint
NEAR_ADMIN_PENALTY = 8.0  # rank(): a candidate just outside it (within NEAR_ADMIN_KM)
BORDER_PENALTY_SPAN = INSIDE_ADMIN_BONUS + NEAR_ADMIN_PENALTY
SPELLING_WEIGHT = 1.0  # rank(): at most this off a known spelling's candidate whose name reads unlike the query
TIE_MARGIN = 6.0  # candidates closer than this in score are tied
SAME_PLACE_KM = 5.0
ADMIN3_BONUS = 4.0  # rank(): inside (+) or outside (-) a sub-district hint given beside a coarser hint
NEAR_DISTRICT_KM = 5.0  # ... and this close to a hinted district or sub-district
DIRECTION_BONUS = 4.0  # rank(): a candidate on the side of the area the query names ("southeast Idleb"), minus on the other
DIRECTION_DEAD_ZONE = 0.1  # ... neither near the middle (share of the half-width)
OTHER_SIDE = "it lies on the other side"  # decide(): the reason when a direction the answer contradicts
_OTHER_SIDE_NOTE = "other side of the area"  # rank(): the note of a candidate there
NEAR_POINT_KM = 30.0  # a place farther than this from the point a row carries is not the one it means
NEAR_ADMIN_KM = 15.0  # a place this close to a hinted governorate may be meant (datasets blur borders)  # tied candidates closer than this are treated as one answer
NEIGHBOURHOOD_PENALTY = 4.0  # rank(): a city neighbourhood whose city the query does not name
AREA_BONUS = 8.0  # rank(): an admin area (with no level asked, a region too) when the query asks for an area
REGION_BONUS = 5.0  # ... a region when the query asks for an admin level ("X district")
NEIGHBOURHOOD_CITY_BONUS = 4.0  # rank(): ... and one whose city it names (context part or hint)
PRECISION = {"settlement": 1, "neighbourhood": 1, "base": 1, "airport": 1, "crossing": 1, "prison": 1, "landmark": 1,
             "admin3": 3, "admin2": 3, "admin1": 3, "region": 3, "road": 2}
ADMIN_TYPES = ("admin1", "admin2", "admin3")
AREA_TYPES = ADMIN_TYPES + ("region",)


_KM_PER_DEGREE = 6371.0088 * math.pi / 180.0  # along a meridian, on the sphere haversine_km uses


def haversine_km(lon1, lat1, lon2, lat2):
    """Great-circle distance in km; works on scalars and numpy arrays.

    >>> round(haversine_km(36.0, 35.0, 36.0, 36.0))
    111
    """
    if type(lon1) is type(lat1) is type(lon2) is type(lat2) is float:  # one pair: no arrays
        p1, p2 = math.radians(lat1), math.radians(lat2)
        a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin((math.radians(lon2) - math.radians(lon1)) / 2) ** 2
        return 6371.0088 * 2 * math.asin(math.sqrt(min(max(a, 0.0), 1.0)))
    lon1, lat1, lon2, lat2 = (np.radians(np.asarray(v, dtype=float)) for v in (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 6371.0088 * 2 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


class Candidate(NamedTuple):
    """One place a name may refer to, with how it was found and its score (immutable).

    A named tuple, not a dataclass: a batch makes hundreds of thousands of them, and a frozen
    dataclass takes five times as long to build. Change one with ``cand._replace(score=...)``.
    """

    row: int
    place_id: str
    name: str
    matched_name: str
    method: str
    score: float
    feature_type: str = ""
    admin1_pcode: str = ""
    admin1: str = ""
    longitude: float = math.nan
    latitude: float = math.nan
    population: int = 0
    notes: tuple[str, ...] = ()

    def rescored(self, score: float, notes: tuple[str, ...]) -> "Candidate":
        """This candidate with another score and notes (``_replace`` without its keyword lookups)."""
        return Candidate(*self[:5], score, *self[6:12], notes)

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for tables and JSON."""
        return {"place_id": self.place_id, "name": self.name, "matched_name": self.matched_name,
                "method": self.method, "score": round(self.score, 1), "admin1": self.admin1,
                "feature_type": self.feature_type, "longitude": self.longitude, "latitude": self.latitude}


@dataclass(frozen=True)
class Match:
    """The geocoder's answer for one query.

    ``status`` is ``matched``, ``ambiguous`` (a best guess with the ranked ``candidates``) or
    ``unresolved`` (no point; ``reason`` says why). ``geo_precision`` follows ACLED: 1 the
    place itself, 2 near a place or part of a region, 3 a region or admin area.
    """

    query: str
    status: str
    reason: str = ""
    place_id: str | None = None
    name: str | None = None
    name_ar: str | None = None
    longitude: float | None = None
    latitude: float | None = None
    feature_type: str | None = None
    admin1: str | None = None
    admin1_pcode: str | None = None
    admin2: str | None = None
    admin2_pcode: str | None = None
    admin3: str | None = None
    admin3_pcode: str | None = None
    geo_precision: int | None = None
    score: float = 0.0
    method: str | None = None
    candidates: tuple[Candidate, ...] = field(default=(), repr=False)
    confidence: float = 0.0  # how likely the answer is right (geocoding/confidence.py); 0 without a point

    @property
    def ok(self) -> bool:
        """True when the status is ``matched``."""
        return self.status == "matched"

    @property
    def point(self) -> tuple[float, float] | None:
        """``(lon, lat)`` or None."""
        if self.longitude is None or self.latitude is None:
            return None
        return (self.longitude, self.latitude)

    def as_dict(self) -> dict[str, Any]:
        """Plain dict (candidates as a list of dicts)."""
        out = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "candidates"}
        out["candidates"] = [c.as_dict() for c in self.candidates]
        return out


@dataclass(frozen=True)
class Context:
    """What narrows a search: admin P-codes, anchor points, a box, feature types."""

    admin1_pcodes: frozenset[str] = frozenset()
    admin2_pcodes: frozenset[str] = frozenset()
    admin3_pcodes: frozenset[str] = frozenset()
    anchors: tuple[tuple[float, float, float], ...] = ()  # (lon, lat, radius_km)
    bbox: tuple[float, float, float, float] | None = None  # (min_lon, min_lat, max_lon, max_lat)
    feature_types: frozenset[str] = frozenset()
    prefer_admin_level: int | None = None
    strict_admin: bool = True
    named: frozenset[str] = frozenset()  # name keys of the places the query or its hints name beside it
    # "southeast Idleb": (dx, dy) unit bearing, the area's bounds (x0, y0, x1, y1) and what it said
    direction: tuple[float, float, float, float, float, float] | None = None
    direction_label: str = ""
    point: tuple[float, float] | None = None  # (lon, lat) the row itself carries (``near=``)
    subdistrict_hint: bool = False  # admin3_pcodes come from the row's own admin3 hint, not its text

    @property
    def empty(self) -> bool:
        return not (self.admin1_pcodes or self.admin2_pcodes or self.admin3_pcodes or self.anchors
                    or self.bbox or self.feature_types or self.direction)

    def admin_levels(self) -> tuple[tuple[int, frozenset[str]], ...]:
        """The admin hints given, coarsest first: ``((1, pcodes), (2, pcodes), ...)``."""
        return tuple((lvl, codes) for lvl, codes in ((1, self.admin1_pcodes), (2, self.admin2_pcodes),
                                                    (3, self.admin3_pcodes)) if codes)


_ROW_FIELDS: "weakref.WeakKeyDictionary[Any, list[tuple]]" = weakref.WeakKeyDictionary()
_PRIORS: "weakref.WeakKeyDictionary[Any, list[tuple[float, float, float]]]" = weakref.WeakKeyDictionary()


def _candidate_of(fields: list[tuple], row: int, matched: str, method: str, score: float) -> Candidate:
    """The :class:`Candidate` of index row ``row`` from the index's row fields (``NameIndex._row_fields``)."""
    pid, name, ftype, a1_pcode, a1, lon, lat, pop = fields[row]
    return Candidate(row, pid, name, matched, method, float(score), ftype, a1_pcode, a1, lon, lat, pop)


class NameIndex(FuzzyKeySearch):
    """Every name of every gazetteer place, indexed for fast lookup.

    Build it with :meth:`for_gazetteer`, which caches one index per gazetteer object. The
    rapidfuzz search over its compact keys is :class:`~conflictmap.geocoding.fuzzy.FuzzyKeySearch`.
    """

    _cache: "weakref.WeakKeyDictionary[Any, NameIndex]" = weakref.WeakKeyDictionary()
    _cache_lock = threading.Lock()

    def __init__(self, gazetteer: Any):
        places = gazetteer.places
        self.gazetteer = gazetteer
        self.place_id = places["place_id"].to_numpy()
        self.name = places["name"].to_numpy()
        self.name_ar = places["name_ar"].to_numpy()
        self.feature_type = places["feature_type"].to_numpy()
        self.admin1_pcode = places["admin1_pcode"].to_numpy()
        self.admin2_pcode = places["admin2_pcode"].to_numpy()
        self.admin3_pcode = places["admin3_pcode"].to_numpy()
        self.admin1 = places["admin1"].to_numpy()
        self.lon = places["longitude"].to_numpy(dtype=float)
        self.lat = places["latitude"].to_numpy(dtype=float)
        self.population = places["population"].fillna(0).to_numpy(dtype=float)
        self.prior_population = _prior_population(places, self.population)
        self.feature_code = places["feature_code"].to_numpy()
        self.single_source = (np.isin(places["source"].to_numpy(), SINGLE_SOURCE)
                              & (places["feature_type"].to_numpy() == "settlement"))
        self.row_of = {pid: i for i, pid in enumerate(self.place_id)}
        # the city a neighbourhood lies in (name key; '' for every other place)
        city = places["city"].fillna("").to_numpy() if "city" in places else np.full(len(places), "", dtype=object)
        self.city_key = np.array([name_key(c) if c else "" for c in city], dtype=object)
        self.name_count = (places["alt_names"].str.count(r"\|").to_numpy() + 1
                           + (places["name_ar"].to_numpy() != ""))
        # compact keys of each place's own names (Latin, Arabic): the confidence model asks whether one was matched
        self.own_key = np.array([compact_key(n) for n in self.name], dtype=object)
        self.own_key_ar = np.array([compact_key(n) if n else "" for n in self.name_ar], dtype=object)
        self.exact: dict[str, list[tuple[int, str]]] = defaultdict(list)
        self.key: dict[str, list[tuple[int, str]]] = defaultdict(list)
        self.compact: dict[str, list[tuple[int, str]]] = defaultdict(list)
        # (row, spelling, its compact key): a skeleton or consonant hit is scored by its spelling's key
        self.skel: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
        self.cons: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
        self.cons2: dict[str, list[tuple[int, str, str]]] = defaultdict(list)  # Latin names of two consonants
        self.core: dict[str, list[tuple[int, str]]] = defaultdict(list)
        self.roman: dict[str, list[tuple[int, str]]] = defaultdict(list)  # name_key of Arabic names read in Latin
        names = gazetteer.names
        rows = [self.row_of[p] for p in names["place_id"]]
        for row, name, kind in zip(rows, names["name"], names["kind"]):
            self.add_name(row, name, kind)
        self._admin_geoms: dict[str, Any] | None = None
        self._lock = threading.Lock()
        self._freeze()

    @classmethod
    def for_gazetteer(cls, gazetteer: Any) -> "NameIndex":
        """The (cached) index of a gazetteer: loaded from the stored index when there is one for
        this gazetteer and code, else built and stored (see :mod:`conflictmap.geocoding.index_store`)."""
        with cls._cache_lock:
            index = cls._cache.get(gazetteer)
            if index is None:
                from .index_store import load_or_build

                index = load_or_build(cls, gazetteer)
                cls._cache[gazetteer] = index
            return index

    def add_name(self, row: int, name: str, kind: str = "alt") -> None:
        clean = normalize_name(name)
        if not clean:
            return
        method = "exact" if kind == "name" else "alias"
        entry = (row, clean)
        self.exact[clean.casefold()].append((row, method))
        k, s = keys(clean)
        c = k.replace(" ", "")
        if k:
            self.key[k].append(entry)
            if c != k:
                self.compact[c].append(entry)
            if len(c) >= 4 or is_arabic(c):
                self.compact.setdefault(c, self.compact.get(c, []))
                if entry not in self.compact[c]:
                    self.compact[c].append(entry)
        if len(s) >= 3:
            self.skel[s].append((row, clean, c))
        for alt in arabic_alternatives(clean):  # ث written as س
            ak = name_key(alt)
            if ak and ak != k:
                self.key[ak].append(entry)
                self.compact[ak.replace(" ", "")].append(entry)
        if is_arabic(clean):
            # its Latin reading ("الراشدين" -> "al rashdyn"): a Latin query reaches the place even
            # when the place's own Latin name is misspelt
            rom = romanise(clean)
            rk = name_key(rom) if rom else ""
            if rk and rk != k:
                self.roman[rk].append((row, rom))
            cons = consonants(rom) if rom else ""
            if len(cons) >= 3:
                self.cons[cons].append((row, rom, rk.replace(" ", "")))
        else:
            cons = consonants(clean)
            if len(cons) >= 3:
                self.cons[cons].append((row, clean, c))
            elif len(cons) == 2:
                self.cons2[cons].append((row, clean, c))
            core = core_of_key(k) if k else ""
            if core:
                self.core[core].append(entry)

    def near_admin(self, rows: np.ndarray, pcodes: Iterable[str], km: float) -> np.ndarray:
        """True for rows whose point lies within ``km`` of any of the admin areas (P-codes of
        governorates, districts or sub-districts)."""
        import shapely

        with self._lock:
            if self._admin_geoms is None:
                geoms: dict[str, Any] = {}
                for level in (1, 2, 3):
                    areas = self.gazetteer.areas(level)
                    geoms.update(zip(areas["pcode"], areas.geometry))
                self._admin_geoms = geoms
        geoms = [self._admin_geoms[p] for p in pcodes if p in self._admin_geoms]
        if not geoms:
            return np.zeros(len(rows), dtype=bool)
        pts = shapely.points(self.lon[rows], self.lat[rows])
        deg = km / 111.0
        return np.any([shapely.dwithin(g, pts, deg) for g in geoms], axis=0)

    def near_admin1(self, rows: np.ndarray, pcodes: Iterable[str], km: float) -> np.ndarray:
        """:meth:`near_admin` for governorates (kept for callers of the old name)."""
        return self.near_admin(rows, pcodes, km)

    # ------------------------------------------------------------------ lookup
    def _row_fields(self) -> list[tuple]:
        """Per row, the place fields a :class:`Candidate` carries, as Python objects (made once;
        kept beside the index, not in it, so the stored index stays plain arrays)."""
        rows = _ROW_FIELDS.get(self)
        if rows is None:
            text = [[str(v) for v in a.tolist()] for a in (self.place_id, self.name, self.feature_type,
                                                             self.admin1_pcode, self.admin1)]
            rows = _ROW_FIELDS[self] = list(zip(*text, self.lon.tolist(), self.lat.tolist(),
                                                (int(p) for p in self.population.tolist())))
        return rows

    def _candidate(self, row: int, matched: str, method: str, score: float) -> Candidate:
        return _candidate_of(self._row_fields(), row, matched, method, score)

    def short_vowel_variants(self, name: str, admin1_pcodes: Iterable[str]) -> list[Candidate]:
        """The one settlement of the governorates ``admin1_pcodes`` whose two-consonant name differs
        from ``name`` in its vowels alone, begins with the same letter and reads close to it ("Al
        'Awafit" for "Al-Aweifeit" in Dar'a), as a ``vowels`` candidate; [] when there is none or more
        than one. Two consonants say nothing country-wide (the consonant lookup leaves such names out);
        inside a governorate the row names they are few."""
        pcodes = set(admin1_pcodes)
        cons = consonants(name)
        if len(cons) != 2 or not pcodes or is_arabic(name):
            return []
        written = compact_key(name)
        rows = {row for row, _, key in self.cons2.get(cons, ())
                if str(self.admin1_pcode[row]) in pcodes and self.feature_type[row] == "settlement"
                and key[:1] == written[:1] and fuzz.ratio(written, key) >= SHORT_VARIANT_RATIO}
        if len(rows) != 1:
            return []
        row = rows.pop()
        return [self._candidate(row, str(self.name[row]), "vowels", VOWEL_VARIANT_SCORE)]

    def knows_spelling(self, name: str) -> bool:
        """True when :meth:`lookup` finds ``name`` as written, by its key or by its compact key (an
        ``exact``, ``alias``, ``key`` or ``compact`` candidate); False when only a looser method could.

        >>> from conflictmap.gazetteer import get_gazetteer
        >>> index = NameIndex.for_gazetteer(get_gazetteer())
        >>> index.knows_spelling("Kafr Nabl village"), index.knows_spelling("Kafrnabl")
        (False, True)
        """
        clean = normalize_name(name)
        if not clean:
            return False
        if clean.casefold() in self.exact:
            return True
        k = name_key(clean)
        return k in self.key or k.replace(" ", "") in self.compact

    def lookup(self, name: str, *, admin1_pcodes: Iterable[str] = (), fuzzy: bool = True,
               limit: int = 25) -> list[Candidate]:
        """Candidates for a name, best method first (each place once, with its best method).

        Parameters
        ----------
        name : the name as written (already stripped of qualifiers)
        admin1_pcodes : restrict the fuzzy search to these governorates (exact and key
            lookups always search everywhere; ranking applies the hint)
        fuzzy : also run the rapidfuzz search when no key matches
        """
        clean = normalize_name(name)
        if not clean:
            return []
        best: dict[int, Candidate] = {}
        fields = self._row_fields()

        def offer(row: int, matched: str, method: str, score: float) -> None:
            cur = best.get(row)
            if cur is None or score > cur.score:
                best[row] = _candidate_of(fields, row, matched, method, score)

        for row, method in self.exact.get(clean.casefold(), ()):
            offer(row, clean, method, METHOD_SCORE[method])
        k = name_key(clean)
        for row, matched in self.key.get(k, ()):
            offer(row, matched, "key", METHOD_SCORE["key"])
        c = k.replace(" ", "")
        for row, matched in self.compact.get(c, ()):
            offer(row, matched, "compact", METHOD_SCORE["compact"])
        # "Abu Rasin" may be Tall Abu Rasayn: reports leave out Tall, Khirbat, Rasm ...
        for row, matched in self.core.get(k, ()):
            offer(row, matched, "prefix", METHOD_SCORE["prefix"])
        if not is_arabic(clean):
            for row, matched in self.roman.get(k, ()):
                offer(row, matched, "romanised", METHOD_SCORE["romanised"])
        strong = bool(best)
        if strong and admin1_pcodes:
            strong = any(cand.admin1_pcode in admin1_pcodes for cand in best.values())
        if fuzzy and not strong and len(c) >= 3:
            cutoff = FUZZY_CUTOFF if len(c) >= 7 else FUZZY_CUTOFF + 6 if len(c) >= 5 else FUZZY_CUTOFF + 12
            for choice, score, _ in self._fuzzy_search(c, tuple(sorted(admin1_pcodes)), cutoff, limit):
                if choice == c:
                    continue
                for row, matched in self.compact.get(choice, ()):
                    offer(row, matched, "fuzzy", min(score, 90.0) - 2.0)
        s = skeleton(clean)
        if len(s) >= 3:
            arabic = is_arabic(c)
            for row, matched, key in self.skel.get(s, ()):
                if row in best:
                    continue
                # a skeleton hit is only as good as the spelling is close
                sim = fuzz.ratio(c, key) if arabic == is_arabic(matched) else 70.0
                offer(row, matched, "skeleton", min(METHOD_SCORE["skeleton"], 50.0 + sim * 0.35))
        if not strong and not is_arabic(clean):
            # a Latin spelling that differs from a known name in its vowels alone ("Madira",
            # "Mudayra") is better evidence than a closer ratio with a consonant changed; three
            # consonants or fewer say too little country-wide ("Kabsh", "Aq Bash"), inside the
            # hinted governorate they may
            cons = consonants(clean)
            for row, matched, key in self.cons.get(cons, ()) if len(cons) >= 3 else ():
                if row not in best:
                    sim = fuzz.ratio(c, key)
                    offer(row, matched, "skeleton", min(METHOD_SCORE["skeleton"], 50.0 + sim * 0.35))
            if len(cons) == 2 and admin1_pcodes and not any(c.method in ("exact", "alias") for c in best.values()):
                # a name no place bears as written ("Al-Aweifeit"): its two-consonant respelling in the hinted area
                for cand in self.short_vowel_variants(clean, admin1_pcodes):
                    offer(cand.row, cand.matched_name, "vowels", VOWEL_VARIANT_SCORE)
            if len(cons) == 3 and admin1_pcodes and not any(c.method in STRONG_METHODS for c in best.values()):
                # three consonants say little country-wide; inside the hinted governorate the one place
                # with them, the same first letter, is the vowel variant ("Madira" / "Mudayra")
                pcodes = set(admin1_pcodes)
                inside = [row for row, cand in best.items() if cand.method in ("fuzzy", "skeleton")
                          and cand.admin1_pcode in pcodes and consonants(cand.matched_name) == cons
                          and compact_key(cand.matched_name)[:1] == c[:1]]
                if len(inside) == 1:
                    cand = best[inside[0]]
                    sim = fuzz.ratio(c, compact_key(cand.matched_name))
                    best[inside[0]] = cand._replace(score=VOWEL_VARIANT_SCORE - (100.0 - sim) * VOWEL_SIM_WEIGHT,
                                                    method="vowels")
            if len(cons) >= 4:
                for row, cand in best.items():
                    if cand.method in ("fuzzy", "skeleton") and consonants(cand.matched_name) == cons:
                        # the same consonants, other vowels: e/ay/ei/ai, -eh/-ah/-a, ou/u/o; of several
                        # such places the one whose spelling reads closer first (a romanised reading
                        # has no vowels to agree on: "hlnj" is further from a query than "Halwanji")
                        sim = fuzz.ratio(c, compact_key(cand.matched_name))
                        best[row] = cand._replace(score=VOWEL_VARIANT_SCORE - (100.0 - sim) * VOWEL_SIM_WEIGHT,
                                                  method="vowels")
        if not is_arabic(clean):
            cons = consonants(clean)
            for row, cand in best.items():
                if cand.method == "fuzzy" and consonants(cand.matched_name) != cons:
                    best[row] = cand._replace(notes=(OTHER_CONSONANTS,))
        return sorted(best.values(), key=lambda cand: (-cand.score, -cand.population, cand.place_id))

    def areas_named(self, name: str, level: int | None = None) -> list[Candidate]:
        """Admin areas (optionally of one level) whose name or alias matches ``name``."""
        types = (f"admin{level}",) if level else ADMIN_TYPES
        return [c for c in self.lookup(name, fuzzy=True, limit=10) if c.feature_type in types]


# ---------------------------------------------------------------------------- ranking
def rank(index: NameIndex, candidates: Sequence[Candidate], context: Context, *,
         want_area: bool = False, type_hint: str | None = None, spelling: str = "") -> list[Candidate]:
    """Re-score candidates against the context; best first.

    Candidates outside a strict admin hint are dropped when any candidate is inside it. With
    the query's ``spelling``, of the places a known spelling reaches (exact, alias, key ...) the
    one whose name reads closer to it comes first among otherwise equal ones.
    """
    if not candidates:
        return []
    adjusted: list[Candidate] = []
    levels = context.admin_levels()
    if not (levels or context.anchors or context.bbox or context.direction is not None):
        rows = None  # nothing to test places against (no hint): no arrays to build
    else:
        rows = np.array([c.row for c in candidates])
    in_admin3 = None
    if len(levels) > 1 and levels[-1][0] == 3:
        # a sub-district hint beside a coarser one is a soft clue: sources draw sub-district
        # borders differently (ACLED's admin3 of a village is OCHA's neighbour in 1 case in 30)
        in_admin3 = np.isin(index.admin3_pcode[rows], list(levels[-1][1]))
        levels = levels[:-1]
    inside_admin = np.ones(len(candidates), dtype=bool) if levels else _ALL_TRUE
    for level, codes in levels:
        inside_admin &= np.isin(_ADMIN_PCODE_ATTR[level](index)[rows], list(codes))
    near_admin = np.zeros(len(candidates), dtype=bool) if levels else _ALL_FALSE
    if levels and not inside_admin.all():
        # a namesake just across the border of the finest area the hints give may be meant
        # (datasets blur borders); one outside it (another district of the governorate) is not
        level, codes = levels[-1]
        near_admin = index.near_admin(rows, codes, NEAR_ADMIN_KM if level == 1 else NEAR_DISTRICT_KM)
    anchor_ok = anchor_dist = _ALL_TRUE
    if context.anchors:
        anchor_dist = np.full(len(rows), np.inf)
        for lon, lat, radius in context.anchors:
            d = haversine_km(lon, lat, index.lon[rows], index.lat[rows])
            anchor_dist = np.minimum(anchor_dist, d / max(radius, 1e-6))
        anchor_ok = anchor_dist <= 1.0
    in_box = _ALL_TRUE
    if context.bbox:
        x0, y0, x1, y1 = context.bbox
        in_box = (index.lon[rows] >= x0) & (index.lon[rows] <= x1) & (index.lat[rows] >= y0) & (index.lat[rows] <= y1)
    bearing = _ALL_ZERO
    if context.direction is not None:
        bearing = direction_share(context.direction, index.lon[rows], index.lat[rows])
    priors = _priors(index)
    for i, cand in enumerate(candidates):
        score = cand.score
        notes: list[str] = []
        ftype = cand.feature_type
        is_admin = ftype in ADMIN_TYPES
        if context.feature_types and ftype not in context.feature_types:
            score -= 25
            notes.append("feature type")
        if levels:
            if inside_admin[i]:
                score += INSIDE_ADMIN_BONUS
            elif near_admin[i]:
                score -= NEAR_ADMIN_PENALTY
                # only a governorate's border makes such a namesake a rival (decide()): sources
                # blur those; a district hint is specific
                notes.append("just outside admin hint" if levels[-1][0] == 1 else "just outside district hint")
            else:
                score -= 30
                notes.append("outside admin hint")
        if in_admin3 is not None:
            if in_admin3[i]:
                score += ADMIN3_BONUS
            else:
                score -= ADMIN3_BONUS
                notes.append("outside admin3 hint")
        if context.anchors:
            if anchor_ok[i]:
                score += 6 * (1.0 - min(anchor_dist[i], 1.0)) + 2
            else:
                score -= 12
                notes.append("far from context")
        if context.bbox and not in_box[i]:
            score -= 30
            notes.append("outside box")
        if bearing[i] > DIRECTION_DEAD_ZONE:
            score += DIRECTION_BONUS
        elif context.direction is not None:
            # the middle of the area is not the side the query names either (deciding_clue agrees)
            score -= DIRECTION_BONUS
            if bearing[i] < -DIRECTION_DEAD_ZONE:
                notes.append(_OTHER_SIDE_NOTE)
        if want_area or context.prefer_admin_level:
            if is_admin and (context.prefer_admin_level is None or ftype == f"admin{context.prefer_admin_level}"):
                score += AREA_BONUS
            elif ftype == "region":
                # "the X area" with no level asked: a region named X is as much an area as an admin unit
                score += AREA_BONUS if context.prefer_admin_level is None else REGION_BONUS
            elif ftype != "neighbourhood":  # "X district" may be a city district
                score -= 4
        else:
            if ftype == "settlement":
                score += 1.5
            elif is_admin:
                score -= 4.0  # "Idlib" means the city before it means the governorate
        if type_hint == "settlement" and ftype not in ("settlement", "neighbourhood"):
            score -= 3
        elif type_hint == "neighbourhood":
            score += 2 if ftype == "neighbourhood" else -2
        if ftype == "neighbourhood":
            # a city quarter never outranks a village of the same name unless its city is named (or the
            # text calls the place a neighbourhood)
            city = index.city_key[cand.row]
            if city and city in context.named:
                score += NEIGHBOURHOOD_CITY_BONUS
            elif type_hint != "neighbourhood":
                score -= NEIGHBOURHOOD_PENALTY
                notes.append("city not named")
        if OTHER_CONSONANTS in cand.notes:
            score -= FUZZY_CONSONANT_PENALTY
        pop_term, names_term, code_term = priors[cand.row]
        if ftype == "region" and (want_area or context.prefer_admin_level):
            # asked for an area, a region weighs the people it covers as an admin area does
            pop_term = _population_term(index.prior_population[cand.row])
        score += pop_term
        score += names_term
        score += code_term
        # how the name reads orders places otherwise equal; it is no evidence of its own, so it
        # moves no score (nor the margins the confidence model reads)
        order = score - SPELLING_WEIGHT * (1.0 - _reads_alike(spelling, cand.matched_name)) \
            if spelling and cand.method in STRONG_METHODS else score
        adjusted.append((score, tuple(notes), i, order))
    if context.strict_admin and levels:
        keep = inside_admin | near_admin
        inside = [a for a in adjusted if keep[a[2]]]
        if inside:
            adjusted = inside
    adjusted.sort(key=lambda a: (-a[3], -candidates[a[2]].population, candidates[a[2]].place_id))
    # only the leading candidates are ever shown or compared; build those alone
    return [candidates[i].rescored(score, notes) for score, notes, i, _ in adjusted[:RANK_KEEP]]


_ARTICLE = re.compile(r"^(?:al|el|[ae][dnrstz]h?)[\s\-'’‘]+", re.IGNORECASE)
_NOT_LETTER = re.compile(r"[^a-z]+")


def _reads_alike(a: str, b: str) -> float:
    """How alike two Latin spellings read, in [0, 1], marks, case, articles and punctuation aside:
    "Mansoura" reads closer to "Mansourah" than to "Mansura" (all one key).

    >>> _reads_alike("Ayyashiyah", "'Ayyashiyah") == 1.0 > _reads_alike("Ayyashiyah", "'Ayyashah")
    True
    """
    pa, pb = _plain_letters(a), _plain_letters(b)
    if not pa or not pb:
        return 1.0
    return fuzz.ratio(pa, pb) / 100.0


@functools.lru_cache(maxsize=65536)
def _plain_letters(name: str) -> str:
    """A name's Latin letters alone, lower case, without marks or a leading article."""
    x = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    x = x.strip(" '’‘-").casefold()
    return _NOT_LETTER.sub("", _ARTICLE.sub("", x))


class _Constant:
    """``value`` at every position: what :func:`rank` reads where a clue was not given."""

    __slots__ = ("value",)

    def __init__(self, value: Any):
        self.value = value

    def __getitem__(self, i: int) -> Any:
        return self.value


_ALL_TRUE = _Constant(True)
_ALL_FALSE = _Constant(False)
_ALL_ZERO = _Constant(0.0)
_ADMIN_PCODE_ATTR = {1: lambda ix: ix.admin1_pcode, 2: lambda ix: ix.admin2_pcode, 3: lambda ix: ix.admin3_pcode}


def direction_share(direction: tuple[float, float, float, float, float, float], lon: np.ndarray,
                    lat: np.ndarray) -> np.ndarray:
    """How far each point lies towards a bearing inside an area: the projection of its offset
    from the centre of the area's bounds (in half-widths) on the bearing; > 0 on that side.

    >>> direction_share((0.0, -1.0, 36.0, 35.0, 37.0, 36.0), np.array([36.5, 36.5]), np.array([35.2, 35.8])).round(1)
    array([ 0.6, -0.6])
    """
    dx, dy, x0, y0, x1, y1 = direction
    hw, hh = max((x1 - x0) / 2, 1e-6), max((y1 - y0) / 2, 1e-6)
    u = (np.asarray(lon, dtype=float) - (x0 + x1) / 2) / hw
    v = (np.asarray(lat, dtype=float) - (y0 + y1) / 2) / hh
    return u * dx + v * dy


def _prior_population(places: Any, population: np.ndarray) -> np.ndarray:
    """Per row, the population :func:`rank` weighs when the query asks for an area: the place's
    own, or for a region that has none (curated regions never do) the people of the
    sub-districts it covers, each counted by the share of its area inside the region. Without it
    an admin area's population prior would rank a sub-district reached by a respelling above the
    region the text names ("the Houla area" is not Hole, a sub-district of Al-Hasakeh)."""
    out = np.asarray(population, dtype=float).copy()
    ftype = places["feature_type"].to_numpy()
    regions = np.flatnonzero((ftype == "region") & (out <= 0))
    admin3 = np.flatnonzero(ftype == "admin3")
    if not len(regions) or not len(admin3) or "geometry" not in places:
        return out
    import shapely

    geoms = places.geometry.to_numpy()
    a3 = geoms[admin3]
    a3_area = shapely.area(a3)
    tree = shapely.STRtree(a3)
    for row in regions:
        geom = geoms[row]
        if geom is None or geom.is_empty:
            continue
        hit = tree.query(geom, predicate="intersects")
        share = shapely.area(shapely.intersection(a3[hit], geom)) / np.maximum(a3_area[hit], 1e-12)
        out[row] = float((population[admin3[hit]] * share).sum())
    return out


def _population_term(population: float) -> float:
    """The population prior: +0.5 per power of ten, at most +3 (a city of a million)."""
    return min(math.log10(int(population) + 1), 6.0) * 0.5


def _priors(index: NameIndex) -> list[tuple[float, float, float]]:
    """Per row, what :func:`rank` adds whatever the query: population (up to +3 for a city of a
    million), names (better-known places have more), and the GeoNames feature code (+1 a seat,
    -2 abandoned or historical). Made once per index, kept beside it."""
    priors = _PRIORS.get(index)
    if priors is None:
        priors = []
        for pop, names, code in zip(index.population.tolist(), index.name_count.tolist(), index.feature_code.tolist()):
            code = str(code)
            code_term = 1.0 if code.startswith("PPLA") or code == "PPLC" else 0.0
            code_term = -2.0 if code in ("PPLQ", "PPLH") else code_term
            priors.append((_population_term(pop), min(names, 12) * 0.15, code_term))
        _PRIORS[index] = priors
    return priors


def decide(index: NameIndex, query: str, ranked: Sequence[Candidate], *, near: bool = False,
           area: bool = False, reason_if_none: str = "no place with this name in the gazetteer",
           min_score: float = MATCH_MIN_SCORE, type_hint: str | None = None,
           pool: Sequence[Candidate] = (), context: Context | None = None) -> Match:
    """Turn ranked candidates into a :class:`Match` (``type_hint`` as in :func:`rank`).

    ``pool`` is the country-wide candidate list the ranking started from (before an admin hint
    dropped the places outside it): a name that many other places bear is not ``matched`` on the
    strength of the hint alone. With the ``context`` the ranking used, a matched answer's reason
    says which clue set it apart from the other places of its name.
    """
    if not ranked:
        return Match(query=query, status="unresolved", reason=reason_if_none)
    top = ranked[0]
    if top.method in ("fuzzy", "skeleton") and top.score < UNRESOLVED_BELOW + (5 if top.method == "skeleton" else 0):
        return Match(query=query, status="unresolved",
                     reason=f"no known name is close enough (nearest: {top.name}, {top.score:.0f})",
                     candidates=tuple(ranked[:5]))
    # a namesake just across the hinted governorate's border is a rival too: datasets blur borders
    rivals = [c for c in ranked[1:] if top.score - c.score < TIE_MARGIN + (
                  BORDER_PENALTY_SPAN if "just outside admin hint" in c.notes and "just outside admin hint" not in top.notes
                  else 0.0)
              and _elsewhere(index, top, c)]
    status, reason = "matched", ""
    if top.score < min_score:
        status, reason = "ambiguous", f"weak {top.method} match ({top.score:.0f})"
    elif top.method == "fuzzy" and not _same_consonants(query, top.matched_name):
        # vowels are what transliterations disagree on; a consonant added or lost is, as often
        # as not, another village (Zarkan / Zarqa, Abu Hawadid / Abu Hawarid)
        status, reason = "ambiguous", f"consonants differ from the nearest known name {_name_of(top)}"
    elif top.method in ("fuzzy", "skeleton") and top.score < FUZZY_ACCEPT:
        status, reason = "ambiguous", f"spelling differs from every known name ({top.method} {top.score:.0f})"
    elif top.method in LOOKALIKE_METHODS:
        # calibration: a look-alike of a known name, even one differing in its vowels alone,
        # was another place in 8% (Airwars) and 32% (UCDP) of the fuzzy answers and 20% / 60%
        # of the skeleton ones: more than the 3% a 'matched' may be wrong
        status, reason = "ambiguous", (f"no known name is spelt this way; nearest {_name_of(top)} "
                                       f"({top.method} {top.score:.0f})")
    elif rivals:
        # a much bigger place wins a tie with a hamlet of the same name
        if top.population >= 5000 and top.population >= 20 * max(rivals[0].population, 1):
            pass
        else:
            status = "ambiguous"
            where = ", ".join(sorted({c.admin1 or "?" for c in [top, *rivals[:4]]}))
            reason = f"{len(rivals) + 1} places match equally well ({where}); give an admin1 hint"
    if top.notes and status == "matched" and any(n in ("outside admin hint", "outside box", "just outside admin hint", "just outside district hint")
                                                 for n in top.notes):
        status, reason = "ambiguous", "best candidate lies outside the given admin area"
    if status == "matched" and "far from context" in top.notes:
        status, reason = "ambiguous", "best candidate lies far from the places named with it"
    if status == "matched" and top.method not in ("exact", "correction") and index.single_source[top.row]:
        # calibration: a village only OCHA's list knows (no GeoNames/WOF record linked to it),
        # reached through a respelling, was another place in 30% (Airwars) and 24% (UCDP) of
        # such answers: one uncorroborated record is not enough for a promise
        status, reason = "ambiguous", (f"{top.name!r} is known from one source only and the query spells it "
                                       f"differently ({top.method})")
    if status == "matched" and pool and not _in_given_subdistrict(top, context):
        others = _namesakes(index, top, pool)
        if others >= COMMON_NAME_PLACES and not (top.population >= 5000 and _is_biggest(index, top, pool, 20)):
            # calibration: names borne by four or more other places (Tiba, Hamra, Qastal ...) were
            # another place in 16% (Airwars) and 18% (UCDP) of the answers the hint alone picked:
            # the true one is as likely a namesake the gazetteer lacks
            status, reason = "ambiguous", (f"a common name: {others} other places in Syria are called this; "
                                           "the admin hint alone picks this one")
    if status == "matched" and type_hint == "settlement" and top.feature_type in AREA_TYPES:
        # "Shamiyah town" answered by the region 'the Shamiyah': the query named a settlement
        status, reason = "ambiguous", f"the query names a village or town; the best match is the {top.feature_type}"
    if status == "matched":
        abroad = foreign_place(query)
        hinted = context is not None and bool(context.admin_levels()) and not any(
            n in ("outside admin hint", "just outside admin hint", "just outside district hint") for n in top.notes)
        if abroad and not hinted:
            # "Paris" is not Baris (Idlib) unless the row's own hints put it in Syria
            status, reason = "ambiguous", (f"{query!r} is a well-known place abroad ({abroad}); the Syrian "
                                           f"{top.name!r} is taken only when the row's admin hints say so")
    if status == "matched" and not area and context is not None and _OTHER_SIDE_NOTE in top.notes:
        # "X, southeast Idleb" answered by the only X of Idleb, in its north-west: the X meant may be a village
        # the gazetteer lacks (3 of 14 such answers to ACLED's notes were another place)
        status, reason = "ambiguous", f"{OTHER_SIDE} of the area from the direction {context.direction_label!r}"
    if status == "matched" and context is not None and pool and not context.empty:
        clue = deciding_clue(index, top, pool, context)
        if clue.startswith("the admin") and is_arabic(query) and not (
                top.population >= 5000 and _is_biggest(index, top, pool, 20)):
            # an Arabic name is written the same for every namesake, and many places have no Arabic
            # name in the gazetteer: the admin hint alone picking one of them is no promise (Airwars'
            # Arabic column: such answers were another place in 15%; Geocoder lets none be matched)
            reason = f"{clue} {ARABIC_HINT_ALONE}"
        elif clue:
            reason = f"{clue} picks it among places of this name"
    row = top.row
    ftype = str(index.feature_type[row])
    precision = PRECISION.get(ftype, 1)
    if near or area:
        precision = max(precision, 2)
    return Match(
        query=query, status=status, reason=reason, place_id=top.place_id, name=top.name,
        name_ar=str(index.name_ar[row]) or None, longitude=float(index.lon[row]), latitude=float(index.lat[row]),
        feature_type=ftype, admin1=str(index.admin1[row]) or None, admin1_pcode=str(index.admin1_pcode[row]) or None,
        admin2=_admin_name(index, index.admin2_pcode[row]), admin2_pcode=str(index.admin2_pcode[row]) or None,
        admin3=_admin_name(index, index.admin3_pcode[row]), admin3_pcode=str(index.admin3_pcode[row]) or None,
        geo_precision=precision, score=round(min(top.score, 100.0), 1), method=top.method,
        candidates=tuple(ranked[:10]),
    )


@functools.lru_cache(maxsize=1)
def _foreign_places() -> dict[str, str]:
    """``foreign_key(name) -> country`` of ``conflictmap/data/foreign_places.csv``."""
    from .._data import data_rows

    return {foreign_key(r["name"]): r["country"] for r in data_rows("foreign_places.csv")}


def foreign_key(text: str) -> str:
    """A name as written, only case, accents, harakat and separators folded: a foreign name is
    recognised by its spelling, not by the loose transliteration key ("Haifa" is not "Khifa").

    >>> foreign_key("  Kuwait-City ") == foreign_key("kuwait city")
    True
    """
    decomposed = unicodedata.normalize("NFKD", normalize_name(text))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SEPARATORS.sub(" ", unicodedata.normalize("NFKC", plain)).strip().casefold()


_SEPARATORS = re.compile(r"[\s\-_'`\u2019]+")


def foreign_place(name: str) -> str:
    """The country of a well-known place abroad that ``name`` spells, or ``""``.

    >>> foreign_place("Paris"), foreign_place("Baris")
    ('France', '')
    """
    return _foreign_places().get(foreign_key(name), "") if name else ""


def deciding_clue(index: NameIndex, top: Candidate, pool: Sequence[Candidate], context: Context) -> str:
    """Which clue of ``context`` sets ``top`` apart from the other places of its name in ``pool``
    (found by a strong method, elsewhere): the coarsest one that leaves out all of them ("the
    admin2 hint", "the direction 'southeast Idleb'", "the given point"), "the hints together",
    or ``""`` when there are no such places or the clues leave some in."""
    rows = np.array(sorted({c.row for c in pool if c.method in STRONG_METHODS and c.row != top.row
                            and _elsewhere(index, top, c)}), dtype=np.int64)
    if not len(rows):
        return ""
    excluded = np.zeros(len(rows), dtype=bool)
    for level, codes in context.admin_levels():
        out = ~np.isin(_ADMIN_PCODE_ATTR[level](index)[rows], list(codes))
        if out.all():
            return f"the admin{level} hint"
        excluded |= out
    if context.direction is not None:
        out = direction_share(context.direction, index.lon[rows], index.lat[rows]) <= DIRECTION_DEAD_ZONE
        if out.all():
            return f"the direction {context.direction_label!r}"
        excluded |= out
    if context.point is not None:
        out = haversine_km(context.point[0], context.point[1], index.lon[rows], index.lat[rows]) > NEAR_POINT_KM
        if out.all():
            return "the given point"
        excluded |= out
    if context.anchors:
        out = np.ones(len(rows), dtype=bool)
        for lon, lat, radius in context.anchors:
            out &= haversine_km(lon, lat, index.lon[rows], index.lat[rows]) > radius
        if out.all():
            return "the places named with it"
        excluded |= out
    return "the hints together" if excluded.all() else ""


def _in_given_subdistrict(top: Candidate, context: Context | None) -> bool:
    """True when the row's admin3 hint gave a sub-district and ``top`` lies in it (and in every
    coarser area it gave). A sub-district named in the query text ("X, Maskanah") is not enough: a
    town's name is often its sub-district's too, and a namesake town elsewhere may be meant. A
    sub-district holds a few dozen villages: a name common across Syria is rarely borne
    twice in one, so such a hint settles a common name (calibration: on ACLED's coded places, 55
    of 56 common names inside the given sub-district were right; with the district alone 52 of
    57)."""
    return (context is not None and context.subdistrict_hint
            and not any("outside" in note for note in top.notes))


def _namesakes(index: NameIndex, top: Candidate, pool: Sequence[Candidate]) -> int:
    """Places in ``pool`` found by a strong method that lie apart from ``top`` (not the same place)."""
    rows = np.array(sorted({c.row for c in pool if c.method in STRONG_METHODS and c.row != top.row}), dtype=np.int64)
    if len(rows) < COMMON_NAME_PLACES:  # too few to make the name common: skip the distances
        return len(rows)
    apart = rows[haversine_km(top.longitude, top.latitude, index.lon[rows], index.lat[rows]) > SAME_PLACE_KM]
    return sum(1 for row in apart if not _nested(index, top.row, int(row)))


def _is_biggest(index: NameIndex, top: Candidate, pool: Sequence[Candidate], factor: float) -> bool:
    """True when ``top`` has ``factor`` times the population of every rival in ``pool``.

    A rival is another place of the name, not ``top`` itself seen again: the admin areas that
    contain it (the governorate "Hama" around the city of Hama) and records within
    ``SAME_PLACE_KM`` of it are left out.
    """
    rest = [c.population for c in pool if c.place_id != top.place_id and _elsewhere(index, top, c)]
    return top.population >= factor * max(rest or [0], default=0)


def _elsewhere(index: NameIndex, top: Candidate, other: Candidate) -> bool:
    """True when ``other`` is another place than ``top``: farther than ``SAME_PLACE_KM`` and not an
    admin area that contains it (or one it contains)."""
    # a great-circle distance is never shorter than the latitudes' difference along a meridian: places
    # that far apart in latitude alone need no haversine (the margin covers rounding)
    apart = (abs(top.latitude - other.latitude) * _KM_PER_DEGREE > SAME_PLACE_KM + 0.01
             or haversine_km(top.longitude, top.latitude, other.longitude, other.latitude) > SAME_PLACE_KM)
    return apart and not _nested(index, top.row, other.row)


def _name_of(cand: Candidate) -> str:
    """The name a candidate was reached by, quoted, and whose name it is when it is not the place's
    own: a reason naming an alias ("'Dahr el Kebir'") says it belongs to the best guess.

    >>> _name_of(Candidate(0, "x:1", "Zahr al Kabir", "Dahr el Kebir", "fuzzy", 90.0))
    "'Dahr el Kebir' (a name of Zahr al Kabir)"
    >>> _name_of(Candidate(0, "x:1", "Zahr al Kabir", "Zahr al Kabir", "fuzzy", 90.0))
    "'Zahr al Kabir'"
    """
    if normalize_name(cand.matched_name) == normalize_name(cand.name):
        return repr(cand.matched_name)
    return f"{cand.matched_name!r} (a name of {cand.name})"


def _same_consonants(query: str, matched: str) -> bool:
    """True when two names differ in their vowels, doubling or articles only (same script)."""
    if is_arabic(query) != is_arabic(matched):
        return False
    return consonants(query) == consonants(matched)


def _nested(index: NameIndex, a: int, b: int) -> bool:
    """True when one of two places is an admin area that contains the other."""
    for outer, inner in ((a, b), (b, a)):
        ftype = index.feature_type[outer]
        if ftype in ADMIN_TYPES:
            pcode = index.place_id[outer][5:]
            # where the inner place lies: its sub-district, or an admin area's own code (Homs district
            # lies in Homs governorate)
            where = index.place_id[inner][5:] if index.feature_type[inner] in ADMIN_TYPES else index.admin3_pcode[inner]
            if where.startswith(pcode) and index.place_id[inner] != index.place_id[outer]:
                return True
    return False


def _admin_name(index: NameIndex, pcode: str) -> str | None:
    if not pcode:
        return None
    row = index.row_of.get(f"ocha:{pcode}")
    return str(index.name[row]) if row is not None else None
