"""Clean zone sets: no stray fragments, no slivers, no gaps inside the area they should cover.

A zone set drawn from several inputs (admin polygons, town cells, hand-drawn files) picks up
debris where the inputs' edges almost, but not exactly, coincide: zero-width slivers, thin spikes,
tiny parts and pin-hole rings. On a web map each of them is drawn with the zone's outline, so they
show as stray strokes inside the neighbouring zone. Two repairs, both reported as
:class:`~conflictmap.zones.model.ZoneIssue` (kind ``fragment``, ``spike``, ``hole`` or ``filled``)
naming the zone and the area moved:

``clean_zones``
    in each snapshot, parts of a zone smaller than ``min_area_km2`` and spikes narrower than
    ``min_width_m`` are handed to the neighbouring zone they share most border with (so the
    zones stay a partition: nothing overlaps and nothing is left uncovered), pin-holes that no
    other zone fills are closed, and isolated specks with nothing around them are dropped.
``fill_gaps``
    every part of ``area`` (say Syria's outline with a margin, :func:`coverage_area`) that no zone
    covers goes to the nearest zone, split along the line half-way between zones where a gap
    touches several.

``locate_points`` counts, for many points at once, the zones each lies in.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> sliver = box(1.0, 0.2, 1.0000001, 0.8)          # a zero-width strip of 'sdf' inside 'hts'
>>> z = gpd.GeoDataFrame({"faction": ["hts", "sdf"]},
...                      geometry=[box(0, 0, 2, 1).difference(sliver), box(3, 0, 4, 1).union(sliver)], crs=4326)
>>> clean, issues = clean_zones(z)
>>> [(i.kind, i.feature) for i in issues]
[('fragment', "feature 1 (faction 'sdf')")]
>>> round(clean.geometry[0].area, 6), clean.geometry[1].area
(2.0, 1.0)
>>> filled, issues = fill_gaps(clean, box(0, 0, 4, 1))
>>> [round(g.area, 2) for g in filled.geometry], issues[0].kind   # split half-way, to the sample spacing
([2.5, 1.5], 'filled')
"""

from __future__ import annotations

import logging
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from .model import METRIC_CRS, ZoneIssue, _polygonal, _snapshot_keys, area_km2, feature_label

__all__ = ["clean_zones", "fill_gaps", "coverage_area", "locate_points", "simplify_zones", "COVERAGE_MARGIN_KM",
           "MIN_AREA_KM2", "MIN_WIDTH_M"]

log = logging.getLogger(__name__)

#: a zone part smaller than this is debris, not territory (a village is some 0.5-2 km2)
MIN_AREA_KM2 = 0.25
#: a spike narrower than this (metres) is debris, not a corridor
MIN_WIDTH_M = 60.0
#: how far the zones reach beyond the gazetteer's outline: the outline follows OCHA's admin
#: boundaries, and places on the border (Ra's al-Ayn, coastal towns) sit up to 3.3 km outside it
COVERAGE_MARGIN_KM = 4.0
_M_PER_DEG = 111_320.0
_TOUCH_DEG = 1e-6  # about 0.1 m: pieces this close count as neighbours
_SPECK_M2 = 1.0


def _metric_area_m2(geoms: Any) -> np.ndarray:
    geoms = list(geoms)
    if not geoms:
        return np.zeros(0)
    return area_km2(gpd.GeoSeries(geoms, crs=4326)).to_numpy() * 1e6


def _spikes(part: BaseGeometry, width_m: float) -> list[BaseGeometry]:
    """Pieces of ``part`` narrower than ``width_m`` (an opening with mitred corners keeps the rest)."""
    half = width_m / 2.0 / _M_PER_DEG
    opened = part.buffer(-half, join_style="mitre", mitre_limit=4.0).buffer(half, join_style="mitre", mitre_limit=4.0)
    thin = _polygonal(shapely.difference(part, opened))
    pieces = [p for p in shapely.get_parts(thin) if not p.is_empty]
    if not pieces:
        return []
    areas = _metric_area_m2(pieces)
    lengths = gpd.GeoSeries(shapely.segmentize(np.array(pieces, dtype=object), 0.01), crs=4326).to_crs(METRIC_CRS).length.to_numpy()
    # float noise of the opening has next to no area; a spike is long for its area
    return [p for p, a, length in zip(pieces, areas, lengths)
            if a > 50.0 and 2.0 * a / max(length, 1e-9) < width_m]


def _clean_group(geoms: list[BaseGeometry], labels: list[str], min_area_km2: float,
                 min_width_m: float) -> tuple[list[BaseGeometry], list[ZoneIssue]]:
    kept: list[list[BaseGeometry]] = [[] for _ in geoms]
    loose: list[tuple[int, BaseGeometry, str]] = []
    for i, geom in enumerate(geoms):
        parts = [p for p in shapely.get_parts(_polygonal(geom)) if not p.is_empty]
        areas = _metric_area_m2(parts) / 1e6
        for part, part_km2 in zip(parts, areas):
            if part_km2 < min_area_km2:
                loose.append((i, part, "fragment"))
                continue
            if min_width_m:
                spikes = _spikes(part, min_width_m)
                if spikes:
                    part = _polygonal(shapely.difference(part, shapely.union_all(spikes)))
                    loose.extend((i, s, "spike") for s in spikes)
            kept[i].append(part)
    bodies = [shapely.union_all(k) if k else shapely.Polygon() for k in kept]
    issues: list[ZoneIssue] = []
    received: list[list[BaseGeometry]] = [[] for _ in geoms]
    tree = shapely.STRtree(bodies)
    for owner, piece, kind in loose:
        near = piece.buffer(_TOUCH_DEG)
        best, best_area = None, 0.0
        for j in tree.query(near, predicate="intersects"):
            if j == owner or bodies[j].is_empty:
                continue
            shared = shapely.intersection(near, bodies[j]).area
            if shared > best_area:
                best, best_area = int(j), shared
        piece_m2 = float(_metric_area_m2([piece])[0])
        if best is None:  # nothing around it: an island of its own is kept, a speck dropped
            if piece_m2 < _SPECK_M2:
                issues.append(ZoneIssue(kind, labels[owner], "speck with no neighbour removed", piece_m2 / 1e6))
            else:
                kept[owner].append(piece)
            continue
        received[best].append(piece)
        issues.append(ZoneIssue(kind, labels[owner], f"{'part' if kind == 'fragment' else 'spike'} of "
                                f"{piece_m2:,.0f} m2 given to {labels[best]}", piece_m2 / 1e6))
    out: list[BaseGeometry] = []
    others_all = shapely.union_all([b for b in bodies if not b.is_empty] + [p for r in received for p in r])
    for i in range(len(geoms)):
        merged = shapely.union_all(kept[i] + received[i]) if (kept[i] or received[i]) else shapely.Polygon()
        merged = _polygonal(shapely.make_valid(merged)) if not merged.is_valid else _polygonal(merged)
        merged, closed = _close_holes(merged, others_all, min_area_km2)
        parts = [p for p in shapely.get_parts(merged) if not p.is_empty]
        if len(parts) > 1:  # merging can leave zero-area crumbs where edges almost met
            part_m2 = _metric_area_m2(parts)
            if (part_m2 < _SPECK_M2).any():
                merged = shapely.MultiPolygon([p for p, a in zip(parts, part_m2) if a >= _SPECK_M2])
        for hole_km2 in closed:
            issues.append(ZoneIssue("hole", labels[i], "pin-hole no zone fills was closed", hole_km2))
        out.append(merged)
    return out, issues


def _close_holes(geom: BaseGeometry, everything: BaseGeometry, min_area_km2: float) -> tuple[BaseGeometry, list[float]]:
    closed: list[float] = []
    polygons = []
    for part in shapely.get_parts(geom):
        rings = []
        for ring in part.interiors:
            hole = shapely.Polygon(ring)
            hole_km2 = area_km2(hole)
            if hole_km2 < min_area_km2:
                inside = shapely.intersection(hole, everything).area
                if inside < 0.5 * hole.area:  # nobody else holds it: a pin-hole
                    closed.append(hole_km2)
                    continue
            rings.append(ring)
        polygons.append(shapely.Polygon(part.exterior, rings))
    if not closed:
        return geom, closed
    return _polygonal(shapely.union_all(polygons)), closed


def clean_zones(zones: gpd.GeoDataFrame, *, min_area_km2: float = MIN_AREA_KM2,
                min_width_m: float = MIN_WIDTH_M) -> tuple[gpd.GeoDataFrame, list[ZoneIssue]]:
    """Remove fragments, spikes and pin-holes from each snapshot of a zone set; report each repair.

    Parameters
    ----------
    zones
        a zone set (EPSG:4326 lon/lat; see :mod:`conflictmap.zones.model`).
    min_area_km2
        parts of a zone (and holes in one) smaller than this are debris.
    min_width_m
        spikes narrower than this are debris (0 turns spike removal off).

    Returns
    -------
    (GeoDataFrame, list of ZoneIssue)
        the zones, same rows in the same order, and one issue per piece moved or removed;
        each repair is also logged.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> z = gpd.GeoDataFrame({"faction": ["hts"]}, geometry=[box(0, 0, 1, 1)], crs=4326)
    >>> clean_zones(z)[1]
    []
    """
    if zones.empty:
        return zones.copy(), []
    zones = zones if zones.crs is not None else zones.set_crs(4326)
    out = zones.to_crs(4326).copy()
    geoms = list(out.geometry)
    issues: list[ZoneIssue] = []
    keys = _snapshot_keys(out) if any(c in out.columns for c in ("valid_from", "valid_to", "as_of")) else \
        pd.Series("", index=out.index)
    for _, group in out.groupby(keys, sort=False, dropna=False):
        positions = [out.index.get_loc(i) for i in group.index]
        labels = [feature_label(out, i) for i in group.index]
        cleaned = [geoms[p] for p in positions]
        for attempt in range(3):  # a merge can leave new crumbs where three zones meet: clean again
            # (spikes come from the input, not from merges: looked for in the first pass only)
            cleaned, found = _clean_group(cleaned, labels, min_area_km2, min_width_m if attempt == 0 else 0.0)
            issues.extend(found)
            if not found:
                break
        for p, g in zip(positions, cleaned):
            geoms[p] = g
    out["geometry"] = gpd.GeoSeries(geoms, index=out.index, crs=4326)
    _log(issues, "cleaned")
    return out, issues


def _log(issues: list[ZoneIssue], verb: str) -> None:
    if not issues:
        return
    total = sum(i.area_km2 for i in issues)
    log.info("zones %s: %d repair(s), %.3f km2 moved", verb, len(issues), total)
    for issue in issues:
        log.debug("%s", issue)


def coverage_area(gazetteer: Any = None, *, margin_km: float = COVERAGE_MARGIN_KM) -> BaseGeometry:
    """The area a national zone set should cover: the gazetteer's outline, ``margin_km`` wider.

    Examples
    --------
    >>> from conflictmap.gazetteer import get_gazetteer
    >>> outline = get_gazetteer().outline()
    >>> round(area_km2(coverage_area(margin_km=4)) / area_km2(outline), 3)
    1.049
    """
    if gazetteer is None:
        from ..gazetteer import get_gazetteer  # loaded only when a national coverage is asked for

        gazetteer = get_gazetteer()
    outline = gazetteer.outline()
    if not margin_km:
        return outline
    metric = gpd.GeoSeries([outline], crs=4326).to_crs(METRIC_CRS)
    return _polygonal(shapely.make_valid(metric.buffer(margin_km * 1000.0, quad_segs=4).to_crs(4326).iloc[0]))


def _edge_chunks(geoms: list[BaseGeometry], size: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """The boundaries of ``geoms`` cut into lines of at most ``size`` vertices, and each one's geom index."""
    chunks, owners = [], []
    for j, geom in enumerate(geoms):
        for line in shapely.get_parts(shapely.boundary(geom)):
            xy = shapely.get_coordinates(line)
            for start in range(0, max(len(xy) - 1, 1), size - 1):
                piece = xy[start:start + size]
                if len(piece) >= 2:
                    chunks.append(shapely.linestrings(piece))
                    owners.append(j)
    return np.array(chunks, dtype=object), np.array(owners, dtype=np.int64)


def _nearest_split(gap: BaseGeometry, candidates: list[int], bodies: list[BaseGeometry],
                   spacing_deg: float) -> dict[int, BaseGeometry]:
    """Split ``gap`` between the zones in ``candidates``: points sampled along the gap's edge go to
    the nearest zone, and the gap is cut along the Voronoi lines between samples of different zones.

    Where two zones are equally near (a zero-width sliver of one lying along the other's edge),
    the sample goes to the zone with more area around it, so that slivers do not cut the gap
    into a comb of alternating teeth.
    """
    xy = shapely.get_coordinates(shapely.segmentize(gap.boundary, spacing_deg))
    xy = np.unique(np.round(xy, 9), axis=0)
    if len(xy) == 0:
        return {}
    points = shapely.points(xy)
    local = [bodies[j] for j in candidates]
    # nearest zone edge, found among short pieces of the edges (a whole zone's envelope would
    # make every sample measure its distance to every big zone)
    chunks, chunk_zone = _edge_chunks(local)
    (point_at, chunk_at), _ = shapely.STRtree(chunks).query_nearest(points, return_distance=True, all_matches=True)
    pairs = np.unique(np.column_stack([point_at, chunk_zone[chunk_at]]), axis=0)
    point_at, zone_at = pairs[:, 0], pairs[:, 1]
    owner = np.full(len(points), -1, dtype=np.int64)
    ties = np.bincount(point_at, minlength=len(points))
    single = ties == 1
    owner[point_at[single[point_at]]] = zone_at[single[point_at]]
    for i in np.flatnonzero(ties > 1):
        near = zone_at[point_at == i]
        disc = points[i].buffer(spacing_deg, quad_segs=4)
        owner[i] = near[int(np.argmax([shapely.intersection(disc, local[j]).area for j in near]))]
    owner_keys = np.array(candidates)[owner]
    if len(set(owner_keys.tolist())) == 1:
        return {int(owner_keys[0]): gap}
    extent = shapely.box(*gap.envelope.buffer(1.0).bounds)
    # samples along straight edges are collinear, and GEOS then returns overlapping cells: a
    # centimetre of fixed (seeded) jitter keeps the diagram sound without moving anything visibly
    xy = xy + np.random.default_rng(0).uniform(-1e-7, 1e-7, xy.shape)
    points = shapely.points(xy)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.MultiPoint(xy), extend_to=extent))
    # GEOS may merge near-duplicate samples, so match each cell to the sample it holds
    point_at, cell_at = shapely.STRtree(cells).query(points, predicate="intersects")
    cell_owner = np.full(len(cells), -1, dtype=np.int64)
    cell_owner[cell_at[::-1]] = owner_keys[point_at[::-1]]  # the first sample found wins
    if (cell_owner < 0).any():  # pragma: no cover - every Voronoi cell holds its sample
        _, nearest = shapely.STRtree(points).query_nearest(shapely.point_on_surface(cells[cell_owner < 0]))
        cell_owner[cell_owner < 0] = owner_keys[nearest]
    out = {}
    for j in set(cell_owner.tolist()):
        region = shapely.union_all(cells[cell_owner == j])
        piece = _polygonal(shapely.intersection(gap, region))
        if not piece.is_empty:
            out[int(j)] = piece
    return out


def fill_gaps(zones: gpd.GeoDataFrame, area: BaseGeometry, *, spacing_m: float = 500.0,
              clip: bool = True) -> tuple[gpd.GeoDataFrame, list[ZoneIssue]]:
    """Give every part of ``area`` that no zone of a snapshot covers to the nearest zone.

    A gap that touches one zone joins it; one that touches several (or none, like the margin
    around a country) is split by the nearest zone boundary, sampled every ``spacing_m``. With
    ``clip`` the zones are also cut to ``area``. Each snapshot is filled on its own.

    Returns
    -------
    (GeoDataFrame, list of ZoneIssue)
        the zones (same rows) and one ``filled`` issue per zone that grew, with the area added.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> z = gpd.GeoDataFrame({"faction": ["hts", "sdf"]}, geometry=[box(0, 0, 1, 1), box(3, 0, 4, 1)], crs=4326)
    >>> filled, issues = fill_gaps(z, box(0, 0, 4, 1))
    >>> [tuple(round(v, 2) for v in g.bounds) for g in filled.geometry]
    [(0.0, 0.0, 2.0, 1.0), (2.0, 0.0, 4.0, 1.0)]
    """
    if zones.empty:
        return zones.copy(), []
    zones = zones if zones.crs is not None else zones.set_crs(4326)
    out = zones.to_crs(4326).copy()
    geoms = list(out.geometry)
    area = _polygonal(shapely.make_valid(area)) if not area.is_valid else _polygonal(area)
    spacing_deg = spacing_m / _M_PER_DEG
    issues: list[ZoneIssue] = []
    keys = _snapshot_keys(out) if any(c in out.columns for c in ("valid_from", "valid_to", "as_of")) else \
        pd.Series("", index=out.index)
    for _, group in out.groupby(keys, sort=False, dropna=False):
        positions = [out.index.get_loc(i) for i in group.index]
        bodies = [_polygonal(geoms[p]) for p in positions]
        if clip:
            bodies = [_polygonal(shapely.intersection(b, area)) for b in bodies]
        gap = _polygonal(shapely.difference(area, shapely.union_all(bodies)))
        added: list[list[BaseGeometry]] = [[] for _ in bodies]
        tree = shapely.STRtree(bodies)
        for piece in shapely.get_parts(gap):
            if piece.is_empty:
                continue
            near = [int(j) for j in tree.query(piece.buffer(_TOUCH_DEG), predicate="intersects")
                    if not bodies[j].is_empty]
            if len(near) == 1:
                added[near[0]].append(piece)
                continue
            if not near:  # a gap touching no zone: split it between the zones nearest to it
                distance = shapely.distance(piece, np.array(bodies, dtype=object))
                limit = np.nanmin(distance) + max(piece.bounds[2] - piece.bounds[0], piece.bounds[3] - piece.bounds[1])
                near = [int(j) for j in np.flatnonzero(distance <= limit)]
            for j, part in _nearest_split(piece, near, bodies, spacing_deg).items():
                added[j].append(part)
        for k, (p, body) in enumerate(zip(positions, bodies)):
            if added[k]:
                grown = _polygonal(shapely.union_all([body] + added[k]))
                if not grown.is_valid:
                    grown = _polygonal(shapely.make_valid(grown))
                gained = float(area_km2(shapely.union_all(added[k])))
                issues.append(ZoneIssue("filled", feature_label(out, group.index[k]),
                                        "uncovered area next to it added", gained))
                body = grown
            geoms[p] = body
    out["geometry"] = gpd.GeoSeries(geoms, index=out.index, crs=4326)
    _log(issues, "filled")
    return out, issues


def locate_points(zones: gpd.GeoDataFrame, lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
    """For each (lon, lat) point: the position of the first zone it lies in (-1 if none) and how
    many zones it lies in (a point on a shared border counts for both). Vectorised.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> z = gpd.GeoDataFrame({"faction": ["hts", "sdf"]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=4326)
    >>> first, count = locate_points(z, [0.5, 1.5, 5.0], [0.5, 0.5, 0.5])
    >>> first.tolist(), count.tolist()
    ([0, 1, -1], [1, 1, 0])
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    geoms = zones.to_crs(4326).geometry.values if zones.crs is not None else zones.geometry.values
    first = np.full(lon.shape, -1, dtype=np.int64)
    count = np.zeros(lon.shape, dtype=np.int64)
    for position, geom in enumerate(geoms):
        if geom is None or geom.is_empty:
            continue
        shapely.prepare(geom)
        inside = shapely.intersects_xy(geom, lon, lat)
        first[(first < 0) & inside] = position
        count += inside
    return first, count


def simplify_zones(zones: gpd.GeoDataFrame, tolerance: float) -> gpd.GeoDataFrame:
    """Simplify each snapshot as one coverage (``shapely.coverage_simplify``): shared borders stay
    shared, so no slivers open between neighbours or overlap them (simplifying each zone on its
    own moves a border differently for the two zones on it). ``tolerance`` is in degrees.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Polygon
    >>> wiggle = [(0, 0), (1, 0), (1, 0.5), (1.0001, 0.6), (1, 1), (0, 1)]
    >>> right = [(1, 0), (2, 0), (2, 1), (1, 1), (1.0001, 0.6), (1, 0.5)]
    >>> z = gpd.GeoDataFrame({"faction": ["hts", "sdf"]}, geometry=[Polygon(wiggle), Polygon(right)], crs=4326)
    >>> s = simplify_zones(z, 0.01)
    >>> [round(g.area, 6) for g in s.geometry], s.geometry[0].intersection(s.geometry[1]).area
    ([1.0, 1.0], 0.0)
    """
    if zones.empty or not tolerance:
        return zones.copy()
    out = zones.copy()
    geoms = list(out.geometry)
    keys = _snapshot_keys(out) if any(c in out.columns for c in ("valid_from", "valid_to", "as_of")) else \
        pd.Series("", index=out.index)
    for _, group in out.groupby(keys, sort=False, dropna=False):
        positions = [out.index.get_loc(i) for i in group.index]
        simplified = shapely.coverage_simplify(np.array([geoms[p] for p in positions], dtype=object), tolerance)
        for p, g in zip(positions, simplified):
            geoms[p] = _polygonal(g if g.is_valid else shapely.make_valid(g))
    out["geometry"] = gpd.GeoSeries(geoms, index=out.index, crs=out.crs)
    return out
