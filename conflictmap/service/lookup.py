"""The geocoding work behind the service: search, reverse and tables, over one shared geocoder.

:class:`LookupService` is built once at start-up (gazetteer, name index, corrections) and then
only read, so every request thread can use it: :class:`conflictmap.Geocoder` memoises answers
in a ``functools.lru_cache`` (thread-safe in CPython) and the index's lazily built parts are
created under locks. Matching itself is the geocoder's (``Geocoder.geocode`` / ``resolve`` /
``reverse`` and :func:`conflictmap.geocode`); this module only turns its answers into
:class:`~conflictmap.service.nominatim.Place` records (bounding box, Nominatim class and type,
Arabic admin names) and finds the admin area around a point for a coarse reverse ``zoom``.

Examples
--------
>>> svc = LookupService.create()
>>> [p.name for p in svc.search(SearchQuery("Kansafra, Idlib", limit=1))]
['Kansafrah']
>>> svc.reverse(35.6594, 36.4855).name
'Kansafrah'
>>> svc.reverse(35.6594, 36.4855, zoom=5).feature_type
'admin1'
>>> svc.reverse(48.85, 2.35) is None          # Paris: outside the gazetteer
True
"""

from __future__ import annotations

import logging
import math
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import numpy as np
import shapely
import shapely.geometry

from .._data import data_rows
from ..geocoding.geocoder import Geocoder
from ..geocoding.matching import Match
from .nominatim import Place

log = logging.getLogger(__name__)

__all__ = ["LookupService", "SearchQuery", "zoom_level"]

KM_PER_DEGREE = 111.32
CANDIDATES_SHOWN = 5


def zoom_level(zoom: int | None) -> int | None:
    """The admin level a reverse ``zoom`` asks for (None: the nearest place).

    Nominatim's zoom 3-5 is a state (governorate), 6-8 a county (district), 9-10 a city or
    municipality (sub-district), 11 and more a town, village or finer.

    >>> [zoom_level(z) for z in (None, 0, 5, 8, 10, 14, 18)]
    [None, 1, 1, 2, 3, None, None]
    """
    if zoom is None or zoom >= 11:
        return None
    if zoom <= 5:
        return 1
    return 2 if zoom <= 8 else 3


@dataclass(frozen=True)
class SearchQuery:
    """A /search request once its parameters are checked."""

    text: str
    admin1: str | None = None
    admin2: str | None = None
    admin3: str | None = None
    limit: int = 10
    viewbox: tuple[float, float, float, float] | None = None  # (min_lon, min_lat, max_lon, max_lat)
    bounded: bool = False
    countrycodes: frozenset[str] = frozenset()
    feature_types: frozenset[str] = frozenset()
    exclude: frozenset[str] = frozenset()
    polygon: bool = False


class LookupService:
    """Search, reverse and table geocoding over one gazetteer, loaded once and shared.

    Parameters
    ----------
    geocoder : Geocoder
        The geocoder every request uses (its gazetteer, index and corrections).
    """

    def __init__(self, geocoder: Geocoder):
        self.geocoder = geocoder
        self.gazetteer = geocoder.gazetteer
        self.index = geocoder.index
        places = self.gazetteer.places
        self._types = _feature_types()
        self._bounds = np.asarray(places.geometry.bounds, dtype=float)  # rows as in the index
        admin = places[places["feature_type"].isin(["admin1", "admin2", "admin3"])]
        self._admin_ar = {pid[5:]: ar for pid, ar in zip(admin["place_id"], admin["name_ar"]) if ar}
        self._areas = {}
        for level in (1, 2, 3):
            areas = self.gazetteer.areas(level)
            self._areas[level] = (shapely.STRtree(list(areas.geometry)), list(areas["place_id"]))
        self.licence = f"Data: conflictmap gazetteer; {self.gazetteer.attribution}"
        self.data_updated = _data_updated(self.gazetteer)
        # warm the lazily built parts (fuzzy choice lists, governorate outlines) before serving
        first = places[places["feature_type"] == "settlement"].head(1)
        for name, admin1 in zip(first["name"], first["admin1"]):
            self.geocoder.resolve(name, admin1=admin1 or None)
            self.geocoder.resolve(name + "q")  # a misspelling: the fuzzy search

    @classmethod
    def create(cls, user_places: str | os.PathLike | None = None,
               corrections: str | os.PathLike | None = None) -> "LookupService":
        """The bundled gazetteer (plus a user places CSV) and optional corrections CSV."""
        from ..gazetteer import load_gazetteer

        return cls(Geocoder(load_gazetteer(user_places), corrections=corrections))

    # ------------------------------------------------------------------ search
    def search(self, query: SearchQuery) -> list[Place]:
        """Places for a free-text (or structured) query, best first.

        ``viewbox`` ranks places inside the box first; with ``bounded`` only those are kept.
        ``countrycodes`` without ``sy`` finds nothing (every place is in Syria).
        """
        if not query.text or (query.countrycodes and "sy" not in query.countrycodes):
            return []
        kwargs = dict(admin1=query.admin1 or None, admin2=query.admin2 or None, admin3=query.admin3 or None,
                      bbox=query.viewbox,
                      feature_type=sorted(query.feature_types) or None)
        match = self.geocoder.resolve(query.text, **kwargs)
        if match.status == "unresolved":
            return []
        if match.status == "matched" or (query.limit == 1 and not (query.bounded or query.feature_types
                                                                      or query.exclude)):
            # what geocode() answers here is this match itself (as one Location): skip building it
            raws = [_raw(match)]
        else:
            raws = [loc.raw for loc in self.geocoder.geocode(query.text, exactly_one=False, **kwargs) or []]
        candidates = ()
        if match.status == "ambiguous":
            candidates = tuple(c.as_dict() for c in match.candidates[:CANDIDATES_SHOWN])
        out = []
        for raw in raws:
            if raw.get("longitude") is None or raw.get("latitude") is None:
                continue  # a candidate the geocoder could not place (no point): nothing to show
            if query.feature_types and raw.get("feature_type") not in query.feature_types:
                continue
            if raw.get("place_id") in query.exclude:
                continue
            if query.bounded and query.viewbox and not _inside(query.viewbox, raw["longitude"], raw["latitude"]):
                continue
            out.append(self._place(raw, candidates=candidates, polygon=query.polygon))
            if len(out) >= query.limit:
                break
        return out

    # ------------------------------------------------------------------ reverse
    def reverse(self, lat: float, lon: float, *, zoom: int | None = None, polygon: bool = False) -> Place | None:
        """The place at or nearest to a point: a governorate, district or sub-district for a
        coarse ``zoom`` (the area that contains the point), else the nearest settlement within
        the geocoder's reach, else the smallest admin area that contains the point."""
        level = zoom_level(zoom)
        if level is None:
            loc = self.geocoder.reverse((lat, lon), exactly_one=True)
            if loc is not None:
                return self._place(loc.raw, polygon=polygon)
            levels = (3, 2, 1)
        else:
            levels = (level,)
        for lev in levels:
            place_id = self._area_at(lev, lon, lat)
            if place_id is not None:
                return self._area_place(place_id, polygon=polygon)
        return None

    def _area_at(self, level: int, lon: float, lat: float) -> str | None:
        tree, ids = self._areas[level]
        hits = tree.query(shapely.Point(lon, lat), predicate="intersects")
        return ids[int(min(hits))] if len(hits) else None

    def _area_place(self, place_id: str, *, polygon: bool) -> Place:
        rec = self.gazetteer.get(place_id)
        match = Match(query="", status="matched", place_id=place_id, name=rec["name"], name_ar=rec["name_ar"],
                      longitude=float(rec["longitude"]), latitude=float(rec["latitude"]),
                      feature_type=rec["feature_type"], admin1=rec["admin1"], admin1_pcode=rec["admin1_pcode"],
                      admin2=rec["admin2"], admin2_pcode=rec["admin2_pcode"], admin3=rec["admin3"],
                      admin3_pcode=rec["admin3_pcode"], geo_precision=3, score=100.0, method="reverse",
                      reason="the admin area that contains the point")
        raw = match.as_dict()
        raw.update(match_status="matched", match_method="reverse", match_score=100.0, match_confidence=None,
                   match_reason=match.reason, distance_km=0.0)
        return self._place(raw, polygon=polygon)

    # ------------------------------------------------------------------ records
    def _place(self, raw: dict[str, Any], *, candidates: tuple = (), polygon: bool = False) -> Place:
        place_id = str(raw.get("place_id") or "")
        ftype = str(raw.get("feature_type") or "settlement")
        row = self.index.row_of.get(place_id)
        population = int(self.index.population[row]) if row is not None else 0
        spec = self._spec(ftype, population)
        lon, lat = float(raw["longitude"]), float(raw["latitude"])
        bbox = self._bbox(row, lon, lat, float(spec["box_km"]))
        score = raw.get("match_score")
        geometry = None
        if polygon and row is not None:
            geometry = shapely.geometry.mapping(self.gazetteer.places.geometry.iloc[row])
        a1p, a2p, a3p = (str(raw.get(k) or "") for k in ("admin1_pcode", "admin2_pcode", "admin3_pcode"))
        return Place(
            place_id=place_id, name=str(raw.get("name") or ""), name_ar=str(raw.get("name_ar") or ""),
            feature_type=ftype, lon=lon, lat=lat, bbox=bbox, osm_class=spec["osm_class"],
            osm_type=spec["osm_type"], addresstype=spec["addresstype"], place_rank=int(spec["place_rank"]),
            admin1=str(raw.get("admin1") or ""), admin1_ar=self._admin_ar.get(a1p, ""), admin1_pcode=a1p,
            admin2=str(raw.get("admin2") or ""), admin2_ar=self._admin_ar.get(a2p, ""), admin2_pcode=a2p,
            admin3=str(raw.get("admin3") or ""), admin3_ar=self._admin_ar.get(a3p, ""), admin3_pcode=a3p,
            population=population or None,
            importance=round(min(max(float(score or 0.0) / 100.0, 0.0), 1.0), 4),
            match_status=str(raw.get("match_status") or raw.get("status") or ""),
            match_method=str(raw.get("match_method") or raw.get("method") or ""),
            match_score=None if score is None else round(float(score), 1),
            match_confidence=_confidence(raw.get("match_confidence")),
            match_reason=str(raw.get("match_reason") or ""), geo_precision=raw.get("geo_precision"),
            candidates=candidates, distance_km=raw.get("distance_km"), geometry=geometry)

    def _spec(self, feature_type: str, population: int) -> dict[str, str]:
        rows = self._types.get(feature_type) or self._types["settlement"]
        for spec in rows:
            if population >= int(spec["min_population"]):
                return spec
        return rows[-1]

    def _bbox(self, row: int | None, lon: float, lat: float, box_km: float) -> tuple[float, float, float, float]:
        if row is not None:
            x0, y0, x1, y1 = (float(v) for v in self._bounds[row])
            if (x1 - x0) > 1e-9 and (y1 - y0) > 1e-9:  # a polygon or line (NaN compares False)
                return (x0, y0, x1, y1)
        dy = box_km / KM_PER_DEGREE
        dx = dy / max(math.cos(math.radians(lat)), 0.01)
        return (lon - dx, lat - dy, lon + dx, lat + dy)


def _confidence(value: Any) -> float | None:
    """``match_confidence`` of a raw answer (None when it has none, e.g. a reverse look-up)."""
    return None if value is None else round(float(value), 4)


def _raw(match: Match) -> dict[str, Any]:
    """The fields of ``Geocoder.geocode(...).raw`` for ``match`` (without its candidate list)."""
    raw = {name: getattr(match, name) for name in match.__dataclass_fields__ if name != "candidates"}
    raw.update(match_status=match.status, match_method=match.method, match_score=match.score,
               match_confidence=match.confidence, match_reason=match.reason)
    return raw


def _inside(box: tuple[float, float, float, float], lon: float, lat: float) -> bool:
    return box[0] <= lon <= box[2] and box[1] <= lat <= box[3]


def _feature_types() -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    for row in data_rows("nominatim_types.csv"):
        out.setdefault(row["feature_type"], []).append(row)
    for rows in out.values():
        rows.sort(key=lambda r: -int(r["min_population"]))
    return out


def _data_updated(gazetteer: Any) -> str:
    """When the gazetteer file was written (ISO 8601, UTC), for /status."""
    from ..gazetteer import _data_path

    path = getattr(gazetteer, "path", None) or _data_path("places.parquet")
    try:
        stamp = os.stat(path).st_mtime
    except OSError:
        return ""
    return datetime.fromtimestamp(stamp, tz=timezone.utc).replace(microsecond=0).isoformat()
