"""Facilities named after a town: the air base, prison or crossing the gazetteer holds near the place a
name reaches ("Tiyas Military Airbase" is the T4 air base, 6 km from Tiyas).

A facility named after a town lies near it and carries the town's name among its own (by its letters, or
by the same consonants at its start: "Dhameer" and "Dumayr air base"). The geocoder and the text reader
both answer a name followed by a facility word with the only facility of that kind found so.

>>> from conflictmap.gazetteer import get_gazetteer
>>> from conflictmap.geocoding.matching import NameIndex
>>> index = NameIndex.for_gazetteer(get_gazetteer())
>>> [str(index.name[r]) for r in facilities_near(index, index.lookup("Tiyas"), "airport", "Tiyas")]
['Tiyas (T4) air base']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rapidfuzz import fuzz

from .matching import Candidate, NameIndex, haversine_km
from .normalize import consonants, name_key

FACILITY_KM = 12.0  # a facility named after a town lies within this distance of it (Tiyas - T4: 6 km)
NAME_RATIO = 80  # rapidfuzz partial ratio of the name's key within one of the facility's names


def bears_name(index: NameIndex, row: int, name: str) -> bool:
    """Whether one of the facility's names reads like ``name`` ("Teftnaz" in "Taftanaz air base")."""
    key, cons = name_key(name), consonants(name)
    names = [str(index.name[row]), *str(index.gazetteer.places["alt_names"].iat[row] or "").split("|")]
    # the same letters, or the same consonants at its start ("Dhameer" and "Dumayr air base": d-m-r)
    return any(fuzz.partial_ratio(key, name_key(n)) >= NAME_RATIO
               or (len(cons) >= 3 and consonants(n).startswith(cons)) for n in names if n)


def facilities_near(index: NameIndex, candidates: Sequence[Candidate], ftype: str, name: str) -> list[int]:
    """Rows of the facilities of ``ftype`` within :data:`FACILITY_KM` of one of ``candidates`` (the places
    ``name`` may be) whose own names read like ``name`` (a town near an air base does not name it)."""
    rows = np.flatnonzero(index.feature_type == ftype)
    if not len(rows) or not candidates:
        return []
    near = np.zeros(len(rows), dtype=bool)
    for cand in candidates:
        if cand.feature_type == ftype or np.isnan(cand.longitude):
            continue
        near |= haversine_km(cand.longitude, cand.latitude, index.lon[rows], index.lat[rows]) <= FACILITY_KM
    return [int(r) for r in rows[near] if bears_name(index, int(r), name)]
