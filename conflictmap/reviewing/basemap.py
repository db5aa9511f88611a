"""The review widget's offline map: Syria's outline and admin areas as SVG paths, and nearby places.

No tiles and no network: the paths are drawn from the gazetteer's own admin polygons, simplified,
in a plain equirectangular projection ``x = lon * cos(35°)``, ``y = -lat`` (the widget's script
projects candidate points the same way, with the ``k`` given here).

Examples
--------
>>> import conflictmap as cm
>>> base = basemap(cm.get_gazetteer())
>>> round(base["k"], 4), len(base["admin1"]), len(base["admin2"])
(0.8192, 14, 62)
>>> base["outline"][:1]
'M'
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import shapely

__all__ = ["K", "basemap", "project", "nearby_places"]

LAT0 = 35.0
K = math.cos(math.radians(LAT0))
_TOLERANCE = {"outline": 0.004, 1: 0.004, 2: 0.004}
_CACHE: dict[Any, tuple[Any, dict[str, Any]]] = {}


def project(lon: float, lat: float) -> tuple[float, float]:
    """(x, y) of a point on the widget's map.

    >>> project(36.0, 35.0)
    (29.4895, -35.0)
    """
    return round(lon * K, 4), round(-lat, 4)


def _path(geom: Any) -> str:
    """SVG path data of a (multi)polygon's rings: ``M x y x y ... Z`` per ring, 3 decimals."""
    parts = []
    polygons = getattr(geom, "geoms", [geom])
    for poly in polygons:
        if poly.is_empty or poly.geom_type != "Polygon":
            continue
        for ring in [poly.exterior, *poly.interiors]:
            xy = np.asarray(ring.coords)[:-1]
            if len(xy) < 3:
                continue
            pts = " ".join(f"{x * K:.3f} {-y:.3f}" for x, y in xy)
            parts.append(f"M{pts}Z")
    return "".join(parts)


def basemap(gazetteer: Any) -> dict[str, Any]:
    """Outline, governorates and districts of ``gazetteer`` as SVG paths (computed once per gazetteer).

    Returns a dict with ``k`` (the x scale), ``bounds`` ([minx, miny, maxx, maxy] projected),
    ``outline`` (path), ``admin1`` and ``admin2`` (lists of ``{"d", "name", "x", "y"}``; the label
    point inside the area).
    """
    cached = _CACHE.get(id(gazetteer))
    if cached is not None and cached[0] is gazetteer:
        return cached[1]
    outline = shapely.simplify(gazetteer.outline(), _TOLERANCE["outline"], preserve_topology=True)
    areas = {}
    for level in (1, 2):
        table = gazetteer.areas(level)
        items = []
        for name, geom in zip(table["name"], table.geometry):
            if geom is None or geom.is_empty:
                continue
            label = geom.representative_point()
            x, y = project(label.x, label.y)
            items.append({"d": _path(shapely.simplify(geom, _TOLERANCE[level], preserve_topology=True)),
                          "name": str(name), "x": x, "y": y})
        areas[level] = items
    minx, miny, maxx, maxy = gazetteer.outline().bounds
    out = {"k": K, "bounds": [round(minx * K, 4), round(-maxy, 4), round(maxx * K, 4), round(-miny, 4)],
           "outline": _path(outline), "admin1": areas[1], "admin2": areas[2]}
    _CACHE[id(gazetteer)] = (gazetteer, out)
    return out


def _settlements(gazetteer: Any) -> dict[str, np.ndarray]:
    """The gazetteer's settlements as arrays, most populous first (computed once per gazetteer)."""
    key = ("settlements", id(gazetteer))
    cached = _CACHE.get(key)
    if cached is not None and cached[0] is gazetteer:
        return cached[1]
    places = gazetteer.places
    keep = np.flatnonzero(places["feature_type"].to_numpy() == "settlement")
    pop = places["population"].to_numpy(dtype=float, na_value=0.0)[keep]
    order = keep[np.argsort(-pop, kind="stable")]
    lon = places["longitude"].to_numpy(dtype=float)[order]
    lat = places["latitude"].to_numpy(dtype=float)[order]
    out = {"lon": lon, "lat": lat, "x": np.round(lon * K, 4), "y": np.round(-lat, 4),
           "name": places["name"].to_numpy(dtype=object)[order], "id": places["place_id"].to_numpy(dtype=object)[order]}
    _CACHE[key] = (gazetteer, out)
    return out


def nearby_places(gazetteer: Any, bbox: tuple[float, float, float, float], *, limit: int = 300,
                  labels: int = 30, exclude: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    """Settlements inside ``bbox`` (min lon, min lat, max lon, max lat) for the map's background.

    At most ``limit`` places, the most populous first; the first ``labels`` of them get
    ``"label": True`` (the widget writes their names).
    """
    s = _settlements(gazetteer)
    lon, lat = s["lon"], s["lat"]
    idx = np.flatnonzero((lon >= bbox[0]) & (lon <= bbox[2]) & (lat >= bbox[1]) & (lat <= bbox[3]))[:limit]
    return [{"name": str(s["name"][i]), "x": float(s["x"][i]), "y": float(s["y"][i]), "label": n < labels}
            for n, i in enumerate(idx) if s["id"][i] not in exclude]
