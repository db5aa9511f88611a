"""Reading a query's hints and context: which admin areas and places the answer should be near.

:class:`HintReader` turns a governorate / district hint (a P-code, a name or alias in any
spelling, or, for governorates, the right consonants with other vowels) and the context parts
of a parsed query ("Kansafra, Jabal al-Zawiya") into a :class:`~conflictmap.geocoding.matching.Context`
for ranking, plus the note a match's reason gets when a hint was not read as written. The
:class:`~conflictmap.geocoding.geocoder.Geocoder` keeps one per gazetteer (``geocoder.hints``).

Examples
--------
>>> from conflictmap.geocoding.geocoder import Geocoder
>>> hints = Geocoder().hints
>>> sorted(hints.admin_pcodes("Idlb", 1))
['SY07']
>>> hints.note("Nowhere-xyz", "")
"admin1 hint 'Nowhere-xyz' names no governorate; ignored"
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from .matching import Candidate, Context, NameIndex, haversine_km, rank
from .normalize import consonants, name_key
from .query import BEARINGS, ParsedQuery, split_direction

log = logging.getLogger(__name__)

__all__ = ["HintReader", "CONTEXT_RADIUS_KM"]

#: a governorate hint also admits these (reports and datasets write "Damascus" for the whole
#: Damascus area, which OCHA splits into Damascus city and Rural Damascus)
ADMIN1_HINT_GROUPS = {"SY01": ("SY03",), "SY03": ("SY01",)}
CONTEXT_RADIUS_KM = 30.0  # a town named as context: the place should lie within this distance
REGION_MIN_RADIUS_KM = 10.0


class HintReader:
    """Reads the hints and context of queries against one name index and its gazetteer.

    The readings of hint values are memoised (a table repeats the same few governorates), and a
    hint that names no admin area is logged once per value.

    Parameters
    ----------
    index : NameIndex
        The name index of ``gazetteer``.
    gazetteer : Gazetteer
        Gives the outline of a region named as context.
    """

    def __init__(self, index: NameIndex, gazetteer: Any):
        self.index = index
        self.gazetteer = gazetteer

    def admin_pcodes(self, hint: str, level: int | None) -> set[str]:
        """P-codes of admin areas a hint names (P-code, name or alias in any spelling)."""
        return set(self.admin_hint(hint, level)[0])

    @functools.lru_cache(maxsize=4096)
    def admin_hint(self, hint: str, level: int | None) -> tuple[frozenset[str], str]:
        """(P-codes, how the hint was read when not by its spelling) of the admin areas a hint names.

        A P-code counts only when the gazetteer has that area. A governorate written with the
        right consonants and other vowels ("Idlb") is that governorate: there are only 14.
        """
        if not hint:
            return frozenset(), ""
        code = hint.strip().upper()
        if code.startswith("SY") and code[2:].isdigit():
            pid = f"ocha:{code}" if len(code) != 4 else f"ocha:{code}"
            return (frozenset({code}), "") if pid in self.index.row_of else (frozenset(), "")
        found = self.index.areas_named(hint, level)
        good = [c for c in found if c.method in ("exact", "alias", "key", "compact")]
        read_as = ""
        if not good:
            good = [c for c in found if c.score >= 85]
            if not good and level == 1:
                cons = consonants(hint)
                good = [c for c in found if len(cons) >= 3 and consonants(c.matched_name) == cons]
            if good:
                read_as = ", ".join(sorted({c.name for c in good}))
        return frozenset(c.place_id[5:] for c in good), read_as

    @functools.lru_cache(maxsize=4096)
    def admin1_hint(self, admin1: str) -> tuple[frozenset[str], tuple[tuple[float, float, float], ...], str]:
        """(governorate P-codes, anchor points, note) of an admin1 hint; said once in the log when
        it names no governorate."""
        if not admin1:
            return frozenset(), (), ""
        area, bearing = split_direction(admin1)
        if bearing:  # "southeast Idleb": the governorate; the direction is read by direction()
            return self.admin1_hint(area)
        codes, read_as = self.admin_hint(admin1, 1)
        note = f"admin1 hint {admin1!r} read as {read_as}" if read_as else ""
        a1 = {p[:4] for p in codes}
        if not a1:
            codes, read_as = self.admin_hint(admin1, None)
            a1 = {p[:4] for p in codes}
            if a1:
                note = f"admin1 hint {admin1!r} is not a governorate; used the governorate of the area it names"
        anchors: tuple[tuple[float, float, float], ...] = ()
        if not a1:
            town = [c for c in self.index.lookup(admin1, fuzzy=False)
                    if c.feature_type == "settlement" and c.method in ("exact", "alias")]
            if town:
                top = max(town, key=lambda c: (c.population, c.place_id))
                anchors = ((top.longitude, top.latitude, CONTEXT_RADIUS_KM),)
                note = f"admin1 hint {admin1!r} is a town, used as 'near {top.name}'"
            else:
                note = f"admin1 hint {admin1!r} names no governorate; ignored"
                log.warning("admin1 hint %r names no governorate or town in the gazetteer; ignored", admin1)
        a1 |= {q for p in a1 for q in ADMIN1_HINT_GROUPS.get(p, ())}
        return frozenset(a1), anchors, note

    @functools.lru_cache(maxsize=4096)
    def admin2_hint(self, admin2: str) -> tuple[frozenset[str], str]:
        """(district P-codes, note) of an admin2 hint; logged once when it names no district."""
        if not admin2:
            return frozenset(), ""
        codes, read_as = self.admin_hint(admin2, 2)
        a2 = frozenset(p[:6] for p in codes if len(p) >= 6)
        if not a2:
            log.warning("admin2 hint %r names no district in the gazetteer; ignored", admin2)
            return a2, f"admin2 hint {admin2!r} names no district; ignored"
        return a2, (f"admin2 hint {admin2!r} read as {read_as}" if read_as else "")

    @functools.lru_cache(maxsize=4096)
    def admin3_hint(self, admin3: str) -> tuple[frozenset[str], str]:
        """(sub-district P-codes, note) of an admin3 hint; logged once when it names no sub-district."""
        if not admin3:
            return frozenset(), ""
        codes, read_as = self.admin_hint(admin3, 3)
        a3 = frozenset(p for p in codes if len(p) >= 8)
        if not a3:
            log.warning("admin3 hint %r names no sub-district in the gazetteer; ignored", admin3)
            return a3, f"admin3 hint {admin3!r} names no sub-district; ignored"
        return a3, (f"admin3 hint {admin3!r} read as {read_as}" if read_as else "")

    def note(self, admin1: str, admin2: str, admin3: str = "") -> str:
        """What the hints' reading adds to a match's reason ('' when all were read as written)."""
        return "; ".join(x for x in (self.admin1_hint(admin1)[2], self.admin2_hint(admin2)[1],
                                     self.admin3_hint(admin3)[1]) if x)

    def direction(self, pcodes: frozenset[str], bearing: str,
                  label: str) -> tuple[tuple[float, float, float, float, float, float] | None, str]:
        """``(Context.direction, label)`` for a bearing inside the admin areas ``pcodes``."""
        if not pcodes or bearing not in BEARINGS:
            return None, ""
        bounds = self._bounds(pcodes)
        if bounds is None:
            return None, ""
        seat = self.seat(pcodes)
        if seat is not None:
            # "northern Hama" is the country north of the city of Hama, the area's seat, not of the middle
            # of the governorate's outline (ACLED's coded places of "in <direction> <governorate>" in its
            # 2018 notes: 94% on the named side of the seat, 86% of the middle)
            hw, hh = (bounds[2] - bounds[0]) / 2, (bounds[3] - bounds[1]) / 2
            bounds = (seat[0] - hw, seat[1] - hh, seat[0] + hw, seat[1] + hh)
        return (*BEARINGS[bearing], *bounds), label

    @functools.lru_cache(maxsize=1024)
    def seat(self, pcodes: frozenset[str]) -> tuple[float, float] | None:
        """``(lon, lat)`` of the town an admin area is named after (the most populous settlement of its
        name inside it: Idleb -> Idlib city, Afrin district -> Afrin), or None (one area of several, or an
        area with no town of its name: Rural Damascus)."""
        town = self.seat_town(pcodes)
        return None if town is None else (town.longitude, town.latitude)

    @functools.lru_cache(maxsize=256)
    def seat_town(self, pcodes: frozenset[str]) -> Candidate | None:
        """The town an admin area is named after, as a candidate (see :meth:`seat`), or None."""
        if len(pcodes) != 1:
            return None
        (pcode,) = pcodes
        try:
            area = self.gazetteer.get(f"ocha:{pcode}")
        except KeyError:
            return None
        level = str(area.get("feature_type", ""))
        key = f"{level}_pcode" if level in ("admin1", "admin2", "admin3") else None
        if key is None:
            return None
        towns = [c for c in self.index.lookup(str(area["name"]), fuzzy=False)
                 if c.feature_type == "settlement" and c.method in ("exact", "alias", "key")
                 and (self.gazetteer.get(c.place_id).get(key) == pcode)]
        if not towns:
            return None
        return max(towns, key=lambda c: (c.population, c.place_id))

    @functools.lru_cache(maxsize=1024)
    def _bounds(self, pcodes: frozenset[str]) -> tuple[float, float, float, float] | None:
        boxes = [g.bounds for g in (self.gazetteer.geometry(f"ocha:{p}") for p in sorted(pcodes))
                 if g is not None and not g.is_empty]
        if not boxes:
            return None
        return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))

    def context(self, parsed: ParsedQuery, admin1: str, admin2: str, near: tuple | None, bbox: tuple | None,
                 types: frozenset[str], admin3: str = "") -> tuple[Context, str]:
        a1_codes, a1_anchors, _ = self.admin1_hint(admin1)
        a1 = set(a1_codes)
        a2 = set(self.admin2_hint(admin2)[0])
        a3 = set(self.admin3_hint(admin3)[0])
        subdistrict_hint = bool(a3)
        anchors: list[tuple[float, float, float]] = list(a1_anchors)
        note = self.note(admin1, admin2, admin3)
        point = None
        if near is not None:
            anchors.append((near[1], near[0], CONTEXT_RADIUS_KM))
            point = (near[1], near[0])
        direction, direction_label = None, ""
        area, bearing = split_direction(admin1) if admin1 else ("", "")
        if bearing:  # an admin1 hint "southeast Idleb"
            direction, direction_label = self.direction(a1_codes, bearing, f"{admin1} (admin1 hint)")
        bearings = dict(parsed.bearings)
        unsplit = dict(parsed.unsplit)
        for part in parsed.context:
            if part in unsplit and self.index.knows_spelling(unsplit[part]):
                part = unsplit[part]  # "Eastern Ghouta": a region's own name, not the east of "Ghouta"
            areas = [c for c in self.index.areas_named(part) if c.method in ("exact", "alias", "key", "compact")]
            if areas:
                best = max(areas, key=lambda c: (c.score, -len(c.place_id)))
                pcode = best.place_id[5:]
                if len(pcode) == 4:
                    a1.add(pcode) if not a1 or pcode in a1 else None
                elif len(pcode) == 6:
                    a2.add(pcode)
                else:
                    a3.add(pcode)
                if part in bearings and direction is None:  # "..., southern Idlib"
                    direction, direction_label = self.direction(frozenset({pcode}), bearings[part],
                                                                f"{part} ({bearings[part]})")
                continue
            hits = rank(self.index, self.index.lookup(part), Context(admin1_pcodes=frozenset(a1)))
            hits = [h for h in hits if h.score >= 85]
            if hits:
                top = hits[0]
                radius = CONTEXT_RADIUS_KM
                if top.feature_type in ("region", "road"):
                    geom = self.gazetteer.geometry(top.place_id)
                    x0, y0, x1, y1 = geom.bounds
                    radius = max(REGION_MIN_RADIUS_KM,
                                 float(haversine_km(x0, y0, x1, y1)) / 2 + 5.0)
                anchors.append((top.longitude, top.latitude, radius))
        level = parsed.admin_level
        named = frozenset(k for k in (name_key(x) for x in (*parsed.context, area or admin1, admin2, admin3) if x) if k)
        ctx = Context(admin1_pcodes=frozenset(a1), admin2_pcodes=frozenset(a2), admin3_pcodes=frozenset(a3),
                      anchors=tuple(anchors), bbox=bbox, feature_types=types, prefer_admin_level=level, named=named,
                      direction=direction, direction_label=direction_label, point=point,
                      subdistrict_hint=subdistrict_hint)
        return ctx, note
