"""Record linkage of OCHA communities (or neighbourhoods) to the GeoNames / Who's On First places.

The steps are the usual ones of a linkage library, written against ``conflictmap.normalize`` so the
gazetteer links names exactly as the geocoder will read them:

1. **Blocking** -- a record and a place are compared only when they share one of their name keys
   (Latin ``name_key`` and its compact form, the folded Arabic spelling, the Latin consonants, the
   Arabic consonants, the cross-script consonant skeleton) and lie within ``max_km``.
2. **Comparison** -- the names agree at a *level*: 4 the same Latin key or the same Arabic spelling
   after folding; 3 the same consonants (vowels, doubling and articles aside), the same Arabic
   consonants, or the same name without a leading Tall/Khirbat; 2 only the cross-script skeleton.
   The places are compared by distance and by whether the place lies in the sub-district the record
   claims.
3. **Classification** -- a pair is a link when its level and distance pass a rule (see
   :func:`community_rule`), e.g. level 4 within 5 km, or within 10 km in the same sub-district.
4. **One-to-one assignment** -- pairs are taken best first (level, then distance, then ids); a record or
   a place already linked is not linked again, so two same-named villages a few km apart stay two
   places.
5. **Conflicting points** -- a record left unlinked whose name agrees (level 4) with exactly one place
   between ``max_km`` and ``conflict_km`` away, in the same governorate, with no other namesake on either
   side, whose name is distinctive and agrees in both scripts where both have it, is one place the
   sources put far apart; :func:`decide_point` picks the point.

Examples
--------
>>> import pandas as pd
>>> records = pd.DataFrame({"names": [["Kafr Nabl", "كفرنبل"], ["Kafr Nabl"]],
...                         "longitude": [36.56, 36.70], "latitude": [35.61, 35.70],
...                         "claimed_admin3": ["SY070300", "SY070300"], "far": [False, False]})
>>> places = pd.DataFrame({"names": [["Kafr Nabl", "كفر نبل"]], "longitude": [36.561],
...                        "latitude": [35.612], "admin3_pcode": ["SY070300"]})
>>> links = link(records, places, rule=community_rule)
>>> links[["record", "place", "level", "kind"]].values.tolist()
[[0, 0, 4, 'linked']]
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable

import numpy as np
import pandas as pd

from conflictmap.normalize import compact_key, consonants, core_of_key, is_arabic, keys

MAX_KM = 10.0
CONFLICT_KM = 30.0
MIN_CONFLICT_KEY = 5  # a name shorter than this (Nif, Asi, Ali) is too common to tie far points together
MIN_SKELETON = 3  # shorter consonant strings ("br", "tl") block everything: not used

LEVEL_NAMES = {4: "same name", 3: "same consonants", 2: "same skeleton"}


@dataclass(frozen=True)
class NameKeys:
    """The comparison keys of one record's names.

    Attributes
    ----------
    latin : frozenset of str
        ``name_key`` and ``compact_key`` of each Latin name.
    arabic : frozenset of str
        ``name_key`` of each Arabic name (Arabic folding).
    consonants : frozenset of str
        ``consonants`` of each Latin name (digraphs kept apart).
    arabic_consonants : frozenset of str
        ``skeleton`` of each Arabic name.
    skeletons : frozenset of str
        ``skeleton`` of every name, both scripts.
    cores : frozenset of str
        ``name_key`` of a Latin name without a leading Tall/Khirbat/Rasm word.
    """

    latin: frozenset[str]
    arabic: frozenset[str]
    consonants: frozenset[str]
    arabic_consonants: frozenset[str]
    skeletons: frozenset[str]
    cores: frozenset[str]

    def blocking_keys(self) -> set[str]:
        """Keys two records must share to be compared (prefixed by kind)."""
        out = {f"l:{k}" for k in self.latin} | {f"a:{k}" for k in self.arabic}
        out |= {f"c:{k}" for k in self.consonants if len(k) >= MIN_SKELETON}
        out |= {f"s:{k}" for k in self.skeletons | self.arabic_consonants if len(k) >= MIN_SKELETON}
        out |= {f"l:{k}" for k in self.cores}
        return out


def name_keys(names: Iterable[str]) -> NameKeys:
    """Comparison keys of a list of names (Latin and Arabic mixed).

    Examples
    --------
    >>> k = name_keys(["Kansafrah", "كنصفرة"])
    >>> sorted(k.latin), sorted(k.skeletons)
    (['kansafra'], ['knsfr'])
    """
    latin, arabic, cons, acons, skel, cores = set(), set(), set(), set(), set(), set()
    for name in names:
        if not name:
            continue
        key, sk = keys(name)
        if not key:
            continue
        if sk:
            skel.add(sk)
        if is_arabic(name):
            arabic.add(key)
            if sk:
                acons.add(sk)
            continue
        latin.update((key, compact_key(name)))
        c = consonants(name)
        if c:
            cons.add(c)
        core = core_of_key(key)
        if core:
            cores.add(core)
    return NameKeys(frozenset(latin), frozenset(arabic), frozenset(cons), frozenset(acons),
                    frozenset(skel), frozenset(cores))


def compare_names(a: NameKeys, b: NameKeys) -> tuple[int, str]:
    """Agreement level (0-4) of two records' names and the evidence, as text.

    Examples
    --------
    >>> compare_names(name_keys(["Thiban", "ذيبان"]), name_keys(["Dhiban", "ذيبان"]))[0]
    4
    >>> compare_names(name_keys(["Tall Rifat"]), name_keys(["Rifaat"]))[0]
    3
    >>> compare_names(name_keys(["Ariha"]), name_keys(["Saraqib"]))
    (0, '')
    """
    found = sorted(a.latin & b.latin)
    if found:
        return 4, f"same Latin key {found[0]!r}"
    found = sorted(a.arabic & b.arabic)
    if found:
        return 4, f"same Arabic spelling {found[0]!r}"
    found = sorted(k for k in a.consonants & b.consonants if len(k) >= MIN_SKELETON)
    if found:
        return 3, f"same consonants {found[0]!r}"
    found = sorted(k for k in a.arabic_consonants & b.arabic_consonants if len(k) >= MIN_SKELETON)
    if found:
        return 3, f"same Arabic consonants {found[0]!r}"
    found = sorted((a.cores & b.latin) | (a.latin & b.cores))
    if found:
        return 3, f"same name without the leading generic word {found[0]!r}"
    found = sorted(k for k in a.skeletons & b.skeletons if len(k) >= MIN_SKELETON)
    if found:
        return 2, f"same consonant skeleton {found[0]!r}"
    return 0, ""


def community_rule(level: int, km: float, same_admin3: bool, far: bool) -> bool:
    """Is a (community, place) pair with this name level and distance one place?

    A community whose own point is not trusted (``far``) links only to a same-named place inside the
    sub-district it claims.

    Examples
    --------
    >>> community_rule(4, 4.0, False, False), community_rule(4, 8.0, True, False)
    (True, True)
    >>> community_rule(3, 4.0, False, False), community_rule(2, 1.0, True, False)
    (False, True)
    """
    if far:
        return level >= 4 and same_admin3
    if level >= 4:
        return km <= 5.0 or (same_admin3 and km <= MAX_KM)
    if level == 3:
        return km <= 3.0 or (same_admin3 and km <= 5.0)
    if level == 2:
        return same_admin3 and km <= 1.5
    return False


def haversine_km(lon1, lat1, lon2, lat2):
    """Great-circle distance in km (vectorised)."""
    lon1, lat1, lon2, lat2 = map(np.radians, (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 6371.0088 * 2 * np.arcsin(np.sqrt(a))


def candidate_pairs(records: pd.DataFrame, places: pd.DataFrame, *, max_km: float = CONFLICT_KM) -> pd.DataFrame:
    """Blocking and comparison: every (record, place) pair sharing a name key within ``max_km``.

    ``records`` need ``names`` (list of str), ``longitude``, ``latitude``, ``claimed_admin3``;
    ``places`` need ``names``, ``longitude``, ``latitude``, ``admin3_pcode``.

    Returns
    -------
    DataFrame
        ``record, place, level, evidence, km, same_admin3`` (positions in the two frames), level > 0.
    """
    place_keys = [name_keys(n) for n in places["names"]]
    index: dict[str, list[int]] = defaultdict(list)
    for j, k in enumerate(place_keys):
        for b in k.blocking_keys():
            index[b].append(j)
    plon, plat = places["longitude"].to_numpy(float), places["latitude"].to_numpy(float)
    padm3 = places["admin3_pcode"].to_numpy()
    rows = []
    for i, (names, lon, lat, claimed) in enumerate(zip(records["names"], records["longitude"],
                                                         records["latitude"], records["claimed_admin3"])):
        rk = name_keys(names)
        cand = sorted({j for b in rk.blocking_keys() for j in index.get(b, ())})
        if not cand:
            continue
        cand = np.array(cand)
        km = haversine_km(lon, lat, plon[cand], plat[cand])
        for j, d in zip(cand[km <= max_km], km[km <= max_km]):
            level, evidence = compare_names(rk, place_keys[j])
            if level:
                rows.append((i, int(j), level, evidence, round(float(d), 3), bool(padm3[j] == claimed)))
    return pd.DataFrame(rows, columns=["record", "place", "level", "evidence", "km", "same_admin3"])


def link(records: pd.DataFrame, places: pd.DataFrame, *, rule: Callable[[int, float, bool, bool], bool],
         conflict_km: float = CONFLICT_KM, pairs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Classify candidate pairs and assign them one-to-one; find conflicting points.

    Parameters
    ----------
    records, places : DataFrame
        See :func:`candidate_pairs`; ``records`` also need ``far`` (bool).
    rule : callable
        ``rule(level, km, same_admin3, far) -> bool``: is the pair one place?
    conflict_km : float
        How far apart two records of one place may be put by the sources (0: no conflict search).
    pairs : DataFrame, optional
        Precomputed :func:`candidate_pairs`.

    Returns
    -------
    DataFrame
        ``record, place, level, evidence, km, same_admin3, kind`` (``linked`` or ``conflict``), one row
        per linked record, sorted by record.
    """
    if pairs is None:
        pairs = candidate_pairs(records, places, max_km=max(conflict_km, MAX_KM))
    far = records["far"].to_numpy(bool)
    ok = np.array([rule(lv, km, same, far[r]) for lv, km, same, r in
                   zip(pairs.level, pairs.km, pairs.same_admin3, pairs.record)], dtype=bool)
    accepted = pairs[ok].sort_values(["level", "km", "record", "place"], ascending=[False, True, True, True],
                                     kind="stable")
    taken_r: set[int] = set()
    taken_p: set[int] = set()
    out = []
    for rec in accepted.itertuples(index=False):
        if rec.record in taken_r or rec.place in taken_p:
            continue
        taken_r.add(rec.record)
        taken_p.add(rec.place)
        out.append({**rec._asdict(), "kind": "linked"})
    if conflict_km:
        strong = pairs[pairs.level >= 3]
        per_record = strong.groupby("record").place.nunique()
        per_place = strong.groupby("place").record.nunique()
        rec_admin1 = records["claimed_admin3"].str[:4].to_numpy()
        place_admin1 = places["admin3_pcode"].str[:4].to_numpy()
        rec_keys = {i: name_keys(records["names"].iat[i]) for i in pairs.record.unique()}
        place_keys = {j: name_keys(places["names"].iat[j]) for j in pairs.place.unique()}
        conflicts = pairs[(pairs.level >= 4) & ~ok & (pairs.km <= conflict_km) & ~far[pairs.record]]
        for rec in conflicts.sort_values(["record", "place"]).itertuples(index=False):
            if rec.record in taken_r or rec.place in taken_p:
                continue
            if per_record.get(rec.record, 0) != 1 or per_place.get(rec.place, 0) != 1:
                continue
            if rec_admin1[rec.record] != place_admin1[rec.place]:
                continue
            if not _distinctive(rec_keys[rec.record], place_keys[rec.place]):
                continue
            taken_r.add(rec.record)
            taken_p.add(rec.place)
            out.append({**rec._asdict(), "kind": "conflict"})
    frame = pd.DataFrame(out, columns=["record", "place", "level", "evidence", "km", "same_admin3", "kind"])
    return frame.sort_values("record", kind="stable").reset_index(drop=True)


def _distinctive(a: NameKeys, b: NameKeys) -> bool:
    """Strong enough to call two far-apart records one place: a shared Latin or Arabic key of at least
    ``MIN_CONFLICT_KEY`` letters, and agreement in the other script too when both records have it."""
    shared = {k.replace(" ", "") for k in (a.latin & b.latin) | (a.arabic & b.arabic)}
    if not any(len(k) >= MIN_CONFLICT_KEY for k in shared):
        return False
    if a.arabic and b.arabic and not (a.arabic & b.arabic or a.arabic_consonants & b.arabic_consonants):
        return False
    if a.latin and b.latin and not (a.latin & b.latin or a.consonants & b.consonants):
        return False
    return True


def decide_point(record_inside: bool, place_inside: bool) -> tuple[str, str]:
    """Which of two far-apart points of one place to keep, from the sub-district the record claims.

    Returns ``("record" | "place", reason)``. The record's point wins when it lies in the
    sub-district it claims and the place's does not, and when neither or both do (the OCHA community
    list is the field-maintained source); the place's point wins when only it lies there.

    Examples
    --------
    >>> decide_point(True, False)[0], decide_point(False, True)[0], decide_point(True, True)[0]
    ('record', 'place', 'record')
    """
    if record_inside and not place_inside:
        return "record", "OCHA's point lies in the sub-district OCHA lists, the other does not"
    if place_inside and not record_inside:
        return "place", "only the GeoNames/WOF point lies in the sub-district OCHA lists"
    if record_inside:
        return "record", "both points lie in the sub-district OCHA lists; OCHA's field-maintained point kept"
    return "record", "neither point lies in the sub-district OCHA lists; OCHA's field-maintained point kept"
