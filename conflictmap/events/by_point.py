"""Attach an event that comes with its own point: the place of its name nearest that point.

An ACLED export gives every event the coder's point. That point is kept; the gazetteer only says
which place it is. Among the places the row's name may be (the geocoder's ranked candidates,
resolved with the point as context), the one nearest the point, within :data:`KEEP_KM` (an admin
area or region: containing the point), gives ``place_id``, the admin areas and ``matched``. A
point far from every place of that name is a data-quality question for the analyst: the row goes
to review with the distance in its reason ("Kafr Nabl, 22 km from the nearest Kafranbel").

Examples
--------
>>> from conflictmap.geocoding.geocoder import Geocoder
>>> g = Geocoder()
>>> m = place_near_point(g, "Kafr Nabl", lon=36.566, lat=35.61, admin1="Idlib")
>>> m.place_id, m.status
('gn:168661', 'matched')
>>> m = place_near_point(g, "Kafr Nabl", lon=36.566, lat=35.81, admin1="Idlib")
>>> m.status, m.reason
('ambiguous', 'Kafr Nabl, 22 km from the nearest Kafranbel')
"""

from __future__ import annotations

import math
from typing import Any

import shapely
import shapely.ops

from ..geocoding.matching import AREA_TYPES, LOOKALIKE_METHODS, UNRESOLVED_BELOW, Candidate, Match, decide, haversine_km

__all__ = ["KEEP_KM", "LOOKALIKE_KM", "TOWN_DENSITY", "AREA_MARGIN_KM", "place_near_point", "resolve_row"]

#: a place of the row's name this close to its point is the place the point marks
KEEP_KM = 5.0
#: ... when the name is only spelt like it (fuzzy / skeleton): closer
LOOKALIKE_KM = 2.0
#: a town's reach grows with its people: the radius of a disc this dense (people per km2)
TOWN_DENSITY = 5000.0
#: an admin area or region counts when the point lies inside it or this close to its edge
AREA_MARGIN_KM = 1.0


def resolve_row(geocoder: Any, location: str, *, admin1: str = "", admin2: str = "", admin3: str = "",
                near: tuple[float, float] | None = None) -> Match:
    """The geocoder's answer for one row's name and hints (``near`` is (lat, lon), geopy's order).

    The one place the event tables call the geocoder with their admin hints.
    """
    return geocoder.resolve(location, admin1=admin1 or None, admin2=admin2 or None, admin3=admin3 or None,
                            near=near)


def _distance_km(geocoder: Any, cand: Candidate, lon: float, lat: float) -> float:
    """Distance from the point to a candidate: to its point, or for an admin area or region to
    its outline (0 inside)."""
    if cand.feature_type in AREA_TYPES:
        try:
            shape = geocoder.gazetteer.geometry(cand.place_id)
        except KeyError:
            shape = None
        if shape is not None and not shape.is_empty and shape.geom_type != "Point":
            point = shapely.Point(lon, lat)
            if shape.covers(point):
                return 0.0
            near = shapely.ops.nearest_points(shape, point)[0]
            return float(haversine_km(lon, lat, near.x, near.y))
    return float(haversine_km(lon, lat, cand.longitude, cand.latitude))


def _reach_km(cand: Candidate) -> float:
    """How far from a place's point the row's point may lie: :data:`KEEP_KM`, more for a city
    (the radius of its people at :data:`TOWN_DENSITY`: two million people give 11 km), less
    for a name only spelt like the row's."""
    if cand.method in LOOKALIKE_METHODS:
        return LOOKALIKE_KM
    return max(KEEP_KM, math.sqrt(max(cand.population, 0) / (math.pi * TOWN_DENSITY)))


def place_near_point(geocoder: Any, location: str, *, lon: float, lat: float, admin1: str = "", admin2: str = "",
                     admin3: str = "") -> Match:
    """The place of ``location`` nearest the row's point (see the module docstring).

    Parameters
    ----------
    geocoder
        A :class:`~conflictmap.geocoding.geocoder.Geocoder`.
    location
        The row's location text.
    lon, lat
        The row's point.
    admin1, admin2, admin3
        The row's admin hints ('' when the table has none).

    Returns
    -------
    Match
        ``matched`` at the nearest place of the name within :data:`KEEP_KM` (:data:`LOOKALIKE_KM`
        for a name only spelt like it; an area containing the point); ``ambiguous`` at the
        nearest place of the name, the distance in ``reason``, when every one is farther;
        ``unresolved`` when the name is no known place. An analyst's correction stands as it is.
    """
    match = resolve_row(geocoder, location, admin1=admin1, admin2=admin2, admin3=admin3, near=(lat, lon))
    if match.method == "correction":
        return match
    if match.status == "unresolved":
        return match  # no place of this name (a weak look-alike is not one)
    cands = list(match.candidates)
    if match.place_id and all(c.place_id != match.place_id for c in cands):
        row = geocoder.index.row_of[match.place_id]
        cands.append(geocoder.index._candidate(row, match.name or "", match.method or "", match.score))
    cands = [c for c in cands if c.method not in LOOKALIKE_METHODS or c.score >= UNRESOLVED_BELOW]
    if not cands:
        return match
    scored = sorted(((_distance_km(geocoder, c, lon, lat), i, c) for i, c in enumerate(cands)),
                    key=lambda t: (t[0], t[1]))
    places = [t for t in scored if t[2].feature_type not in AREA_TYPES]
    areas = [t for t in scored if t[2].feature_type in AREA_TYPES]
    # a place of the name within reach first, then one spelt like it right at the point (another
    # transliteration of the same village), then an admin area or region that is the geocoder's
    # own answer and holds the point (a city's governorate holds the point of "City - Quarter"
    # but is no answer for it)
    strong = [t for t in places if t[2].method not in LOOKALIKE_METHODS]
    reach = [t for t in strong if t[0] <= _reach_km(t[2])]
    reach += [t for t in places if t[2].method in LOOKALIKE_METHODS and t[0] <= _reach_km(t[2])]
    reach += [t for t in areas if t[2].place_id == match.place_id and t[0] <= AREA_MARGIN_KM]
    for km, _, cand in reach[:1]:
        if cand.place_id == match.place_id and match.status == "matched":
            return match
        chosen = decide(geocoder.index, location, [cand])
        return _with(chosen, status="matched", query=location, score=round(min(cand.score, 100.0), 1),
                     method=f"{cand.method}+point",
                     reason=f"the nearest {cand.name} to the given point ({km:.1f} km)",
                     candidates=match.candidates)
    # the reason names the nearest place of the name itself when there is one
    km, _, nearest = (strong or places or areas)[0]
    best = decide(geocoder.index, location, [nearest])
    shown = f"{km:.0f}" if km >= 10 else f"{km:.1f}"
    return _with(best, status="ambiguous", query=location, score=round(min(nearest.score, 100.0), 1),
                 method=nearest.method, reason=f"{location}, {shown} km from the nearest {nearest.name}",
                 candidates=tuple(c for _, _, c in scored[:10]))


def _with(match: Match, **changes: Any) -> Match:
    fields = {name: getattr(match, name) for name in match.__dataclass_fields__}
    fields.update(changes)
    return Match(**fields)
