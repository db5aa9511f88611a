"""Places named with their area beside them: "X village in northwest Aleppo", "X village in B district
in the eastern countryside of Aleppo", "the X area of southern Quneitra".

The areas named right after a place (governorate, district, sub-district, and the direction said of
one of them, measured from the area's seat) are read together (:func:`_area_clues_after`), and the
place is resolved again among the places of its name inside them (:func:`_resolve_in_area`); when
none is there it is drafted as written at the area, ``unresolved``, precision 3
(:func:`_unplaced_at`), never at a namesake elsewhere.
"""

from __future__ import annotations

import re
import weakref
from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Sequence

import numpy as np

from ..geocoding.hints import HintReader
from ..geocoding.matching import (ADMIN_TYPES, NEAR_ADMIN_KM, OTHER_SIDE, Candidate, Context, Match, NameIndex,
                                  decide, rank)
from ..geocoding.query import direction_words
from .place_mention import (_FEATURE_WORD, _JOIN, _LIST_GAP, PlaceMention, _after, _by_sentence, _is_area_type,
                            area_seat)
from .text import Sentence

_AREA_NEAR = 90  # characters after a village within which the area named beside it must begin


_LOOKALIKE = ("fuzzy", "skeleton")


_FIT_SCORE = 80.0  # a spelling-tolerant match inside the area named beside a place is kept from this score


# what may stand between a place and the area named beside it, or between two such areas: "X village in
# northwest A", "X town in the south eastern countryside of A", "X in B district in the northern
# countryside of A", "the X area of northern A", "X, A", "X (B, A)"
_BEARING_WORDS = (r"(?:(?:north|south)(?:ern)?[\s-]*(?:east|west)(?:ern)?|(?:north|south|east|west)(?:ern)?"
                  r"|central|middle)")


_AREA_GAP = re.compile(
    rf"^\s*[,(]?\s*(?:(?:{_FEATURE_WORD}|province|governorate|countryside|region)s?\s*)?[,(]?\s*"
    r"(?:(?:likely|probably|possibly|reportedly|most\s+likely)\s+)?(?:(?:located\s+)?(?:in|of|within)\s+)?"
    rf"(?:the\s+)?(?:{_BEARING_WORDS}\s+)?(?:rural\s+)?"
    r"(?:(?:countryside|outskirts|suburbs|desert|rural\s+areas?|parts?|areas?|region)\s+of\s+(?:the\s+)?)?$", re.I)


_BEARING_AFTER = re.compile(rf"^\s+(?P<b>{_BEARING_WORDS})\s+(?:countryside|desert|outskirts|suburbs|region)\b", re.I)


def _bearing(phrase: str) -> str:
    """The compass bearing a phrase's last direction words name (``direction`` words of ``qualifiers.csv``),
    or "" (none, or "central").

    Examples
    --------
    >>> _bearing(" village in the south eastern countryside of "), _bearing(" town in northwest "), _bearing(" in central ")
    ('SE', 'NW', '')
    """
    words = direction_words()
    found = [words.get(w.lower(), "") for w in re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)?", phrase)]
    found = [b for b in found if b]
    if len(found) >= 2 and found[-2] in ("N", "S") and found[-1] in ("E", "W"):
        return found[-2] + found[-1]  # "south eastern"
    return found[-1] if found else ""


@dataclass
class _AreaClues:
    """The areas a place is named with ("X village in B district in the northern countryside of A")."""

    areas: list[PlaceMention]  # nearest first
    admin: dict[int, frozenset[str]]  # admin level -> P-codes
    bearing: str = ""
    bearing_area: PlaceMention | None = None  # the area the direction word is said of
    via: PlaceMention | None = None  # the town named near the place before the areas ("X near Y in A")

    @property
    def finest_area(self) -> PlaceMention:
        return max(self.areas, key=lambda a: ADMIN_TYPES.index(a.match.feature_type))

    @property
    def finest(self) -> Match:
        return self.finest_area.match


def _area_pcode(match: Match) -> str:
    return match.place_id[5:] if match.place_id and match.place_id.startswith("ocha:") else ""


def _clues_of(area: PlaceMention) -> _AreaClues | None:
    """The clues one admin area gives alone (its level's P-code and its governorate), or None."""
    match = area.match
    pcode = _area_pcode(match) if match is not None else ""
    if not pcode or match.feature_type not in ADMIN_TYPES or not match.admin1_pcode:
        return None
    level = ADMIN_TYPES.index(match.feature_type) + 1
    admin = {1: frozenset({match.admin1_pcode})}
    admin[level] = frozenset({pcode})
    return _AreaClues([area], admin)


# between a place and the town named to locate it: "X area near Y", "X, on the outskirts of Y"
_NEAR_GAP = re.compile(r"^\s*,?\s+(?:(?:town|village|city|area|camp|hill)\s+)?(?:near|close\s+to|outside|"
                       r"(?:on\s+)?the\s+outskirts\s+of|in\s+the\s+vicinity\s+of)\s+(?:the\s+)?"
                       r"(?:(?:town|city|village)\s+of\s+)?$", re.I)


def _area_clues(text: str, group: list[PlaceMention], k: int, sentence_end: int) -> _AreaClues | None:
    """The governorate, district and direction the areas named right after ``group[k]`` give, or None."""
    return _area_clues_after(text, group[k].end, group, k + 1, sentence_end)


def _area_clues_after(text: str, pos: int, group: list[PlaceMention], first: int,
                      sentence_end: int) -> _AreaClues | None:
    """The governorate, district and direction the areas named from ``pos`` on give (``group[first:]``:
    the mentions of the sentence after ``pos``, in text order), or None when no area is named there."""
    areas: list[PlaceMention] = []
    admin: dict[int, set[str]] = defaultdict(set)
    bearing, bearing_area, via = "", None, None
    for j in range(first, len(group)):
        a = group[j]
        gap = text[pos:a.start]
        if not areas and a.reference and (_JOIN.match(gap) or (a.near and _NEAR_GAP.match(gap))):
            # "Kahil Jizah town in ...": the second name is part of the first's; "X area near Y town in
            # northern Hama": X lies near Y, so in (or by) Y's area
            pos, via = a.end, a
            continue
        if len(gap) > _AREA_NEAR or not gap.strip(" ") or not _AREA_GAP.match(gap) \
                or a.match is None or a.match.feature_type not in ADMIN_TYPES or not _area_pcode(a.match):
            break
        pcode = _area_pcode(a.match)
        level = ADMIN_TYPES.index(a.match.feature_type) + 1
        if admin and not all(pcode.startswith(p) or p.startswith(pcode) for codes in admin.values() for p in codes):
            break  # an area not containing (nor inside) the ones before it names something else
        areas.append(a)
        admin[level].add(pcode)
        after = _BEARING_AFTER.match(_after(text, a.end, sentence_end))
        said = _bearing(gap) or (_bearing(after.group("b")) if after else "")
        if said:
            bearing, bearing_area = said, a
        pos = a.end
    if not areas or (not admin.get(1) and not any(a.match.admin1_pcode for a in areas)):
        return None
    if 1 not in admin:
        admin[1] = {a.match.admin1_pcode for a in areas if a.match.admin1_pcode}
    return _AreaClues(areas, {lvl: frozenset(codes) for lvl, codes in admin.items()}, bearing, bearing_area, via)


# the hint reader of each name index, kept beside it (not keeping it alive)
_HINT_READERS: "weakref.WeakKeyDictionary[NameIndex, HintReader]" = weakref.WeakKeyDictionary()


def _hint_reader(index: NameIndex) -> HintReader:
    reader = _HINT_READERS.get(index)
    if reader is None:
        reader = _HINT_READERS[index] = HintReader(index, index.gazetteer)
    return reader


def _clue_context(index: NameIndex, clues: _AreaClues) -> Context:
    direction, label = None, ""
    area = clues.bearing_area
    if clues.bearing and area is not None:
        label = f"{clues.bearing} {area.mention}"
        # measured from the area's seat ("the northern countryside of Hama": north of the city of Hama)
        direction, _ = _hint_reader(index).direction(frozenset({_area_pcode(area.match)}), clues.bearing, label)
    return Context(admin1_pcodes=clues.admin.get(1, frozenset()), admin2_pcodes=clues.admin.get(2, frozenset()),
                   admin3_pcodes=clues.admin.get(3, frozenset()), direction=direction, direction_label=label,
                   strict_admin=True)


def _unplaced_at(area: Match, name: str, why: str, where: str = "the area named beside it",
                 method: str = "area beside it", seat: Candidate | None = None) -> Match:
    """A village drafted as written at the area ``area`` (precision 3, ``unresolved``): at the area's main
    town ``seat`` when it has one (where ACLED codes what it knows only by its area, see
    :func:`~conflictmap.events.place_mention.area_seat`), else at the area's own point."""
    lon, lat = (seat.longitude, seat.latitude) if seat is not None else (area.longitude, area.latitude)
    at = f"{area.name}, at its main town {seat.name}" if seat is not None else area.name
    return Match(query=name, status="unresolved", place_id=area.place_id, name=area.name,
                 longitude=lon, latitude=lat, feature_type=area.feature_type,
                 admin1=area.admin1, admin1_pcode=area.admin1_pcode, admin2=area.admin2,
                 admin2_pcode=area.admin2_pcode, geo_precision=3, method=method,
                 reason=f"{why}; placed at {where} ({at})")


def _fit_to_area(text: str, sentences: list[Sentence], index: NameIndex, mentions: list[PlaceMention]) -> None:
    """A place named with its area ("Kafr Zeita town in northern Hama", "X village in Afrin district in
    the northern countryside of Aleppo", "the X area of southern Idlib") lies in it: the name is resolved
    again with every clue the areas give together (governorate, district, the direction named) among
    the places of that name inside the governorate, spelling-tolerant lookups included, and when
    nothing there is close enough the place is drafted as written at the area, ``unresolved``,
    precision 3: never a namesake outside the area named."""
    by_sentence = _by_sentence(mentions)
    for s_no, group in by_sentence.items():
        last = _list_ends(text, group)
        list_clues: dict[int, _AreaClues | None] = {}  # one look-up per list ("A, A, A, ... in B": linear)
        for k, m in enumerate(group):
            if m.match is None or m.match.place_id is None or m.reference or m.extra.get("part_of") is not None \
                    or m.extra.get("bracket"):
                continue
            as_area = m.role == "area"
            if (as_area and m.match.feature_type == "admin1") or m.match.feature_type == "region":
                continue  # a region ("the Badia") is wider than the area named beside it, not in it
            clues = _area_clues(text, group, k, sentences[s_no].end)
            if clues is None and last[k] > k:
                # "the villages of A, B and C in Menbij district": the areas after C are A's and B's too
                if last[k] not in list_clues:
                    list_clues[last[k]] = _area_clues(text, group, last[k], sentences[s_no].end)
                clues = list_clues[last[k]]
            if clues is None or (m.match.feature_type == "road" and clues.via is not None):
                continue  # "on the M4 highway near Ariha (Idleb)": the town locates the incident, not the road
            own = _area_pcode(m.match) if as_area else ""
            if own and any(_area_pcode(a.match).startswith(own) for a in clues.areas):
                continue  # "in Afrin, likely in the Sheikh al-Hadid area": a part of it, not its area
            a1 = clues.admin[1]
            outside = (m.match.admin1_pcode not in a1 and not _near_area(index, m.match.place_id, a1)) or (
                not as_area and _outside_finest(index, m.match, clues))
            if not outside:
                m.extra["in_named_area"] = True  # the text says where it lies, and the answer lies there
            if not outside and not (clues.bearing or 2 in clues.admin or 3 in clues.admin):
                continue  # the governorate alone: _resolve has used it already
            if not outside and m.admin_level and m.match.feature_type == f"admin{m.admin_level}":
                continue  # "Afrin district in northern Aleppo": the level the text names is kept
            # ("X Tahtani" where only X is known: X is looked for)
            found = _resolve_in_area(index, m.extra.get("base_name", m.mention), clues, m.candidates, as_area=as_area,
                                     type_hint=m.type_hint, near=m.near)
            if found is None:
                if outside and not as_area and not _named_facility(m.match):
                    m.match = _unplaced_at(clues.finest, m.mention, f"no place called {m.mention!r} in "
                                           f"{clues.finest.name}", seat=area_seat(clues.finest_area))
                    m.extra["unplaced"] = True
                continue
            if found.place_id != m.match.place_id or (found.status == "matched" and m.match.status != "matched") \
                    or found.reason.startswith(OTHER_SIDE):
                # another place, or the same one the areas now settle among its namesakes (or that lies on the
                # other side of the area from the direction the text names: no promise)
                m.match = found
                m.extra["fitted_to_area"] = clues.areas[0].mention


_FACILITY_TYPES = ("airport", "base", "prison", "crossing")


def _named_facility(match: Match) -> bool:
    """A facility named by its own name ("Damascus International Airport"): one place, wherever the areas
    named beside it say it lies (an airport outside the city it serves is in the next governorate)."""
    return match.feature_type in _FACILITY_TYPES and match.status == "matched" and match.method in ("exact", "alias")


def _list_ends(text: str, group: list[PlaceMention]) -> list[int]:
    """For each place of a sentence, the index of the last place of the list it begins or is part of
    ("the villages of A, B and C": C for A, B and C), itself when it is listed with nothing after it."""
    last = list(range(len(group)))
    for k in range(len(group) - 2, -1, -1):
        if not group[k + 1].reference and _LIST_GAP.match(text[group[k].end:group[k + 1].start]):
            last[k] = last[k + 1]
    return last


def _resolve_in_area(index: NameIndex, name: str, clues: _AreaClues, candidates: Sequence[Candidate] = (), *,
                     as_area: bool = False, type_hint: str | None = None, near: bool = False,
                     look_alikes: bool = True) -> Match | None:
    """``name`` resolved among the places of that name inside the governorate the areas name (or within
    ``NEAR_ADMIN_KM`` of it), spelling-tolerant lookups included (``look_alikes=False``: known spellings
    and vowel variants only, no fuzzy look-alike), ranked with every clue the areas give; None when there
    is no such place."""
    a1 = clues.admin[1]
    pool = index.lookup(name, admin1_pcodes=sorted(a1), fuzzy=True)
    seen = {c.row for c in pool}
    pool += [c for c in candidates if c.row not in seen]
    inside = [c for c in pool if c.score >= _FIT_SCORE and (as_area or not _is_area_type(c.feature_type))
              and (look_alikes or c.method not in _LOOKALIKE)]
    close = index.near_admin(np.array([c.row for c in inside], dtype=np.int64), a1, NEAR_ADMIN_KM) if inside else []
    inside = [c for c, ok in zip(inside, close) if c.admin1_pcode in a1 or ok]
    if not as_area:
        # "X village in the Raju area": a namesake in another district or sub-district is another village
        inside = [c for c in inside if not _outside_finest(index, c, clues)]
    if any(c.method not in _LOOKALIKE for c in inside):
        inside = [c for c in inside if c.method not in _LOOKALIKE]  # a known spelling beats a look-alike
    if not inside and not as_area:
        inside = index.short_vowel_variants(name, a1)
    if not inside:
        return None
    context = _clue_context(index, clues)
    ranked = rank(index, inside, context, want_area=as_area, type_hint=type_hint)
    found = decide(index, name, ranked, near=near, area=as_area, type_hint=type_hint, pool=pool, context=context)
    if found.place_id is None:
        return None  # every candidate there reads too far from the name: no such place in the area
    if found.method in _LOOKALIKE and _outside_finest(index, found, clues):
        return None  # a look-alike spelling outside the district named is another village
    if found.status == "matched" and context.direction is not None:
        # ACLED's places of "in <direction> <governorate>" lie on that side of its seat 94% of the time:
        # a namesake the direction alone set apart is a best guess, not the promise 'matched' makes
        plain = replace(context, direction=None)
        without = decide(index, name, rank(index, inside, plain, want_area=as_area, type_hint=type_hint),
                         near=near, area=as_area, type_hint=type_hint, pool=pool, context=plain)
        if without.status != "matched" or without.place_id != found.place_id:
            found = replace(found, status="ambiguous", reason=f"the direction {context.direction_label!r} "
                            "picks it among places of this name (a direction word is no proof)")
    return found


def _outside_finest(index: NameIndex, place: Match | Candidate, clues: _AreaClues) -> bool:
    """True when the areas name a district or sub-district and ``place`` (an answer or a candidate) lies
    neither in it nor within ``NEAR_ADMIN_KM`` of it."""
    level = max((lv for lv in (2, 3) if clues.admin.get(lv)), default=None)
    row = index.row_of.get(place.place_id) if place.place_id else None
    if level is None or row is None:
        return False
    pcodes = clues.admin[level]
    own = (index.admin3_pcode if level == 3 else index.admin2_pcode)[row]
    return own not in pcodes and not _near_area(index, place.place_id, pcodes)


def _near_area(index: NameIndex, place_id: str | None, pcodes: frozenset[str]) -> bool:
    """True when a place lies within ``NEAR_ADMIN_KM`` of the areas (sources draw borders differently)."""
    row = index.row_of.get(place_id) if place_id else None
    return row is not None and bool(index.near_admin(np.array([row], dtype=np.int64), pcodes, NEAR_ADMIN_KM)[0])
