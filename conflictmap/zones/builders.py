"""Build zone sets from the two tabular shapes analysts get control data in.

``zones_from_admin_table``
    a table of admin units (P-code or name -> faction) at governorate, district or sub-district
    level, joined to the gazetteer's admin polygons and dissolved by faction. Rows at a coarser
    level cover every unit below them unless a finer row says otherwise.
``zones_from_points``
    town control points: Voronoi cells (``shapely.voronoi_polygons``, computed on an equal-area
    projection of Syria) clipped to the Syria outline or another area, optionally limited to a
    distance from each point, dissolved by faction.

Both carry ``source``, ``confidence``, ``note`` and the dates (``as_of`` / ``valid_from`` /
``valid_to``, per row or as arguments) through to the zones.

Examples
--------
>>> import geopandas as gpd, pandas as pd
>>> from shapely.geometry import box
>>> areas = gpd.GeoDataFrame({"pcode": ["SY9901", "SY9902"], "name": ["North", "South"]},
...                          geometry=[box(36, 36, 37, 37), box(36, 35, 37, 36)], crs=4326)
>>> table = pd.DataFrame({"name": ["north", "South"], "faction": ["SDF", "SAA"], "source": ["s1", "s2"]})
>>> zones = zones_from_admin_table(table, areas=areas, as_of="2020-07-01")
>>> zones[["faction", "source"]].values.tolist()
[['government', 's2'], ['sdf', 's1']]
>>> points = pd.DataFrame({"name": ["A", "B"], "longitude": [36.2, 36.8], "latitude": [35.5, 35.5],
...                        "faction": ["hts", "government"]})
>>> cells = zones_from_points(points, clip=box(36, 35, 37, 36))
>>> [round(g.bounds[2], 2) for g in cells.geometry]  # the line runs half-way between A and B
[37.0, 36.5]
"""

from __future__ import annotations

import io
import logging
import os
from pathlib import Path
from typing import Any, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from ..csvtext import decode_text, parse_csv, read_text_file
from ..errors import InputError
from ..factions import get_faction
from .model import METRIC_CRS, _polygonal, dissolve_zones, normalize_zones

__all__ = ["zones_from_admin_table", "zones_from_points", "read_table", "resolve_points", "voronoi_cells"]

log = logging.getLogger(__name__)

_LON = ("longitude", "lon", "lng", "x")
_LAT = ("latitude", "lat", "y")
_PCODE = ("pcode", "p_code", "admin_pcode", "adm_pcode")
_PCODE_LEVEL = {4: 1, 6: 2, 8: 3}  # Syria P-codes: SY07, SY0704, SY070400


def read_table(table: Any) -> pd.DataFrame:
    """A control table from a DataFrame or a CSV file (lines starting with '#' are comments).

    Examples
    --------
    >>> read_table(io.StringIO("# a comment\\npcode,faction\\nSY07,hts\\n")).to_dict("records")
    [{'pcode': 'SY07', 'faction': 'hts'}]
    """
    if isinstance(table, pd.DataFrame):
        return table.copy()
    if isinstance(table, (str, os.PathLike)):
        path = Path(table)
        if not path.exists():
            raise InputError("control table not found", value=str(path))
        source: str | None = str(path)
        text = read_text_file(path)
    elif hasattr(table, "read"):
        source, text = None, table.read()
        if isinstance(text, bytes):
            text = decode_text(text)
    else:
        raise InputError("control table must be a DataFrame or a CSV path", value=type(table).__name__)
    return parse_csv(text.removeprefix("\ufeff"), source=source, comments="all")


def _column(frame: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    lower = {c.lower(): c for c in frame.columns}
    return next((lower[n] for n in names if n in lower), None)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or str(value).strip() == ""


def _gazetteer(gazetteer: Any) -> Any:
    if gazetteer is not None:
        return gazetteer
    from ..gazetteer import get_gazetteer  # the gazetteer is loaded only when a builder needs it

    return get_gazetteer()


def _name_key(text: str) -> str:
    from ..geocoding.normalize import name_key

    return name_key(text)


def _with_row(exc: InputError, row: Any, source: str | None = None) -> InputError:
    return InputError(exc.reason, row=row, column=exc.column, value=exc.value, source=source)


# --------------------------------------------------------------------------------------- admin table
def _area_levels(areas: Any, gazetteer: Any, needed: set[int]) -> dict[int, gpd.GeoDataFrame]:
    if areas is None:
        gz = _gazetteer(gazetteer)
        return {level: gz.areas(level) for level in sorted(needed)}
    if isinstance(areas, Mapping):
        return {int(k): v for k, v in areas.items()}
    frame = areas
    levels = frame["pcode"].astype(str).str.len().map(_PCODE_LEVEL)
    if "level" in frame.columns:
        levels = frame["level"].astype(int)
    if levels.isna().any():
        return {max(needed) if needed else 3: frame}
    return {int(level): group for level, group in frame.groupby(levels)}


def _area_index(levels: dict[int, gpd.GeoDataFrame]) -> tuple[dict[str, tuple[int, Any]], dict[str, list[tuple[int, str]]]]:
    by_pcode: dict[str, tuple[int, Any]] = {}
    by_name: dict[str, list[tuple[int, str]]] = {}
    for level, frame in levels.items():
        for _, row in frame.iterrows():
            pcode = str(row["pcode"]).strip().upper()
            by_pcode[pcode] = (level, row)
            names = {str(row.get("name", "") or "")}
            for column in ("name_ar", "alt_names", "name_en_ref"):
                value = row.get(column)
                if not _blank(value):
                    names.update(str(value).split("|"))
            for name in names:
                key = _name_key(name) if name.strip() else ""
                if key and (level, pcode) not in by_name.setdefault(key, []):
                    by_name[key].append((level, pcode))
    return by_pcode, by_name


def _parent(row: Any, level: int, unit_pcode: str) -> str:
    for column in (f"admin{level}_pcode", f"adm{level}_pcode", f"ADM{level}_PCODE"):
        value = row.get(column) if hasattr(row, "get") else None
        if not _blank(value):
            return str(value).strip().upper()
    width = {1: 4, 2: 6, 3: 8}[level]
    return unit_pcode[:width]


def zones_from_admin_table(table: Any, *, level: int | None = None, areas: Any = None, gazetteer: Any = None,
                           as_of: Any = None, valid_from: Any = None, valid_to: Any = None,
                           source: str | None = None, confidence: str = "approximate", fill: str | None = None,
                           dissolve: bool = True) -> gpd.GeoDataFrame:
    """Zones from a table of admin units and the faction that controls each.

    Parameters
    ----------
    table
        DataFrame or CSV path with ``faction`` and ``pcode`` and/or ``name`` (plus optional
        ``admin1`` to tell apart units of the same name, ``confidence``, ``source``, ``note``,
        ``as_of``, ``valid_from``, ``valid_to``; other columns are carried to the units).
        Names are matched to the admin areas' English and Arabic names by transliteration key.
    level
        admin level of the result (1 governorate, 2 district, 3 sub-district); default: the
        finest level in the table. Coarser rows cover all their units not named by a finer row.
    areas
        admin polygons (GeoDataFrame with ``pcode``, ``name``, ``geometry``, or a mapping level ->
        GeoDataFrame); default: ``gazetteer.areas(level)``.
    fill
        faction for units the table does not mention (default: leave them out, logged).
    dissolve
        merge units by faction and confidence (default); ``False`` gives one row per unit.

    Raises
    ------
    InputError
        naming the row of an unknown P-code or name, an ambiguous name, an unknown faction, a unit
        given twice at the same level, or a row finer than ``level``.
    """
    frame = read_table(table)
    if frame.empty:
        raise InputError("control table has no rows")
    if "faction" not in frame.columns:
        raise InputError(f"control table needs a 'faction' column; columns are {list(frame.columns)}",
                         column="faction")
    pcode_col, name_col = _column(frame, _PCODE), _column(frame, ("name", "admin_name", "unit"))
    if pcode_col is None and name_col is None:
        raise InputError("control table needs a 'pcode' or a 'name' column", column="pcode")
    needed = {1, 2, 3} if level is None else set(range(1, int(level) + 1))
    levels = _area_levels(areas, gazetteer, needed)
    by_pcode, by_name = _area_index(levels)
    admin1_col = _column(frame, ("admin1", "governorate", "admin1_pcode"))

    resolved: list[tuple[int, str]] = []
    for index, row in frame.iterrows():
        try:
            get_faction(row["faction"])
        except InputError as exc:
            raise _with_row(exc, index) from None
        pcode = str(row[pcode_col]).strip().upper() if pcode_col and not _blank(row[pcode_col]) else ""
        if pcode:
            if pcode not in by_pcode:
                raise InputError("unknown P-code", row=index, column=pcode_col, value=pcode)
            resolved.append((by_pcode[pcode][0], pcode))
            continue
        name = str(row[name_col]).strip() if name_col and not _blank(row[name_col]) else ""
        if not name:
            raise InputError("row has neither a P-code nor a name", row=index, column=name_col or pcode_col)
        candidates = by_name.get(_name_key(name), [])
        if len(candidates) > 1 and admin1_col and not _blank(row[admin1_col]):
            wanted = str(row[admin1_col]).strip()
            wanted_key = _name_key(wanted)
            narrowed = []
            for lvl, code in candidates:
                parent = _parent(by_pcode[code][1], 1, code) if lvl > 1 else code
                parent_row = by_pcode.get(parent)
                parent_names = {parent, _name_key(str(parent_row[1].get("name", "")))} if parent_row else {parent}
                if wanted.upper() in parent_names or wanted_key in parent_names:
                    narrowed.append((lvl, code))
            candidates = narrowed or candidates
        if len(candidates) > 1 and level is not None:
            at_level = [c for c in candidates if c[0] == level]
            candidates = at_level or candidates
        if not candidates:
            raise InputError("no admin area of this name", row=index, column=name_col, value=name)
        if len(candidates) > 1:
            listed = ", ".join(f"{code} (level {lvl})" for lvl, code in candidates[:6])
            raise InputError(f"ambiguous admin name, give a pcode or admin1: {listed}", row=index,
                             column=name_col, value=name)
        resolved.append(candidates[0])

    target = int(level) if level is not None else max(lvl for lvl, _ in resolved)
    if target not in levels:
        raise InputError(f"no admin areas at level {target}", column="level", value=target)
    assigned: dict[tuple[int, str], Any] = {}
    for (lvl, pcode), index in zip(resolved, frame.index):
        if lvl > target:
            raise InputError(f"unit is finer than level {target}", row=index, value=pcode)
        if (lvl, pcode) in assigned:
            raise InputError(f"unit already given in row {assigned[(lvl, pcode)]}", row=index, value=pcode)
        assigned[(lvl, pcode)] = index

    units = levels[target]
    records = []
    extra = [c for c in frame.columns if c not in {"faction", pcode_col, name_col, "geometry"}]
    unassigned = []
    for _, unit in units.iterrows():
        code = str(unit["pcode"]).strip().upper()
        index = next((assigned[(lvl, key)] for lvl, key in
                      ((lvl, code if lvl == target else _parent(unit, lvl, code)) for lvl in range(target, 0, -1))
                      if (lvl, key) in assigned), None)
        record = {"pcode": code, "name": unit.get("name", "")}
        if index is None:
            if fill is None:
                unassigned.append(code)
                continue
            record["faction"] = fill
        else:
            record["faction"] = frame.at[index, "faction"]
            record["table_row"] = index
            record.update({c: frame.at[index, c] for c in extra})
        record["geometry"] = unit.geometry
        records.append(record)
    if unassigned:
        log.warning("%d of %d level-%d units are not in the control table (left out): %s", len(unassigned),
                    len(units), target, ", ".join(unassigned[:10]) + (" ..." if len(unassigned) > 10 else ""))
    result = gpd.GeoDataFrame(records, geometry="geometry", crs=units.crs or 4326)
    result["geometry"] = [_polygonal(shapely.make_valid(g)) if not g.is_valid else g for g in result.geometry]
    zones = normalize_zones(result, as_of=as_of, valid_from=valid_from, valid_to=valid_to, source=source,
                            confidence=confidence)
    return dissolve_zones(zones) if dissolve else zones


# --------------------------------------------------------------------------------------- points
def resolve_points(points: Any, *, gazetteer: Any = None) -> pd.DataFrame:
    """Give every control point ``longitude`` / ``latitude``: from its columns, its ``place_id``
    in the gazetteer, or its ``name`` through the geocoder (with ``admin1`` when given).

    Raises
    ------
    InputError
        naming the row of a point that cannot be placed or has coordinates outside -180..180 / -90..90.

    Examples
    --------
    >>> resolve_points(pd.DataFrame({"name": ["A"], "lon": ["36.5"], "lat": ["35.9"], "faction": ["hts"]})).loc[0, "longitude"].item()
    36.5
    """
    frame = read_table(points)
    lon_col, lat_col = _column(frame, _LON), _column(frame, _LAT)
    lons, lats, methods = [], [], []
    gz = None
    geocoder = None
    for index, row in frame.iterrows():
        lon = row[lon_col] if lon_col else None
        lat = row[lat_col] if lat_col else None
        if not _blank(lon) and not _blank(lat):
            try:
                x, y = float(lon), float(lat)
            except (TypeError, ValueError):
                raise InputError("coordinates are not numbers", row=index, column=lon_col, value=f"{lon}, {lat}") from None
            method = "coordinates"
        elif "place_id" in frame.columns and not _blank(row["place_id"]):
            gz = gz or _gazetteer(gazetteer)
            try:
                place = gz.get(str(row["place_id"]).strip())
            except Exception as exc:  # the gazetteer raises its own error type for unknown ids
                raise InputError(f"place_id not in the gazetteer ({exc})", row=index, column="place_id",
                                 value=row["place_id"]) from None
            if not place:
                raise InputError("place_id not in the gazetteer", row=index, column="place_id", value=row["place_id"])
            x, y = float(place["longitude"]), float(place["latitude"])
            method = "place_id"
        elif "name" in frame.columns and not _blank(row["name"]):
            if geocoder is None:
                from ..geocoding.geocoder import Geocoder

                geocoder = Geocoder(gazetteer=_gazetteer(gazetteer))
            admin1 = row.get("admin1") if "admin1" in frame.columns and not _blank(row.get("admin1")) else None
            location = geocoder.geocode(str(row["name"]), admin1=admin1)
            if location is None:
                raise InputError("cannot place this point: no coordinates, place_id or known name", row=index,
                                 column="name", value=row["name"])
            x, y = float(location.longitude), float(location.latitude)
            method = "name"
        else:
            raise InputError("point needs longitude/latitude, a place_id or a name", row=index)
        if not (-180 <= x <= 180 and -90 <= y <= 90):
            raise InputError("coordinates out of range (give lon, lat in degrees)", row=index, value=f"{x}, {y}")
        lons.append(x)
        lats.append(y)
        methods.append(method)
    frame["longitude"], frame["latitude"], frame["located_by"] = lons, lats, methods
    return frame


def voronoi_cells(points: np.ndarray, extent: BaseGeometry) -> list[BaseGeometry]:
    """Voronoi cell of each (x, y) point, in input order, covering ``extent`` (same units).

    Examples
    --------
    >>> from shapely.geometry import box
    >>> [c.area for c in voronoi_cells(np.array([[0.0, 0.0], [2.0, 0.0]]), box(-1, -1, 3, 1))]
    [4.0, 4.0]
    """
    if len(points) == 0:
        return []
    if len(points) == 1:
        return [extent]
    multipoint = shapely.MultiPoint(points)
    bounds = shapely.box(*shapely.union(extent.envelope, multipoint.envelope).buffer(1.0).bounds)
    cells = shapely.get_parts(shapely.voronoi_polygons(multipoint, extend_to=bounds, ordered=True))
    if len(cells) != len(points):  # pragma: no cover - shapely guarantees one cell per distinct point
        raise InputError("Voronoi cells do not match the points (duplicate coordinates?)")
    return [shapely.intersection(cell, extent) for cell in cells]


#: how far outside the gazetteer's outline of Syria a control point may lie (the outline follows
#: OCHA's boundaries, which leave out the occupied Golan: its villages lie up to 13 km beyond)
POINT_MARGIN_KM = 20.0


def _check_inside(frame: pd.DataFrame, area: BaseGeometry, margin_km: float = POINT_MARGIN_KM) -> None:
    """Refuse control points farther than ``margin_km`` from ``area`` (Syria), naming them: a point
    in Paris would otherwise claim all of Syria for its faction."""
    points = gpd.GeoSeries(gpd.points_from_xy(frame["longitude"], frame["latitude"]), crs=4326).to_crs(METRIC_CRS)
    area_m = gpd.GeoSeries([shapely.make_valid(area)], crs=4326).to_crs(METRIC_CRS).iloc[0]
    distance_km = shapely.distance(area_m, points.to_numpy()) / 1000.0
    far = np.flatnonzero(~(distance_km <= margin_km))
    if len(far) == 0:
        return
    label = _column(frame, ("name", "place_id", "location"))
    shown = []
    for i in far[:5]:
        index = frame.index[i]
        what = f" {str(frame.at[index, label])[:40]!r}" if label else ""
        shown.append(f"row {index}{what} ({frame.at[index, 'longitude']:g}, {frame.at[index, 'latitude']:g}), "
                     f"{distance_km[i]:,.0f} km away")
    more = f" and {len(far) - 5} more" if len(far) > 5 else ""
    raise InputError(f"{len(far)} control point(s) lie outside Syria by more than {margin_km:g} km: "
                     f"{'; '.join(shown)}{more}")


def zones_from_points(points: Any, *, clip: BaseGeometry | None = None, gazetteer: Any = None,
                      max_distance_km: float | None = None, as_of: Any = None, valid_from: Any = None,
                      valid_to: Any = None, source: str | None = None, confidence: str = "approximate",
                      dissolve: bool = True) -> gpd.GeoDataFrame:
    """Zones from town control points: each point's Voronoi cell gets its faction.

    Parameters
    ----------
    points
        DataFrame or CSV path with ``faction`` and ``longitude``/``latitude``, a ``place_id`` or a
        ``name``; optional ``confidence``, ``source``, ``note``, dates and ``radius_km`` (a per-point
        distance limit that overrides ``max_distance_km``).
    clip
        area (lon/lat) the cells are clipped to; default the gazetteer's Syria outline.
    max_distance_km
        keep only the part of each cell within this distance of its point (areas farther from
        every point stay uncovered).
    dissolve
        merge cells by faction and confidence (default); ``False`` gives one row per point.

    Raises
    ------
    InputError
        naming the row of an unplaceable point, a point more than :data:`POINT_MARGIN_KM` outside
        Syria (the gazetteer's outline), an unknown faction, or two points at the same place with different factions.
    """
    frame = resolve_points(points, gazetteer=gazetteer)
    if frame.empty:
        raise InputError("no control points")
    if "faction" not in frame.columns:
        raise InputError("control points need a 'faction' column", column="faction")
    for index, value in frame["faction"].items():
        try:
            frame.at[index, "faction"] = get_faction(value).key
        except InputError as exc:
            raise _with_row(exc, index) from None
    outline = _gazetteer(gazetteer).outline()
    _check_inside(frame, outline)
    if clip is None:
        clip = outline
    radius = pd.Series([max_distance_km] * len(frame), index=frame.index, dtype="float64")
    if "radius_km" in frame.columns:
        for index, value in frame["radius_km"].items():
            if not _blank(value):
                try:
                    radius[index] = float(value)
                except ValueError:
                    raise InputError("radius_km is not a number", row=index, column="radius_km", value=value) from None
    if (radius <= 0).any():
        bad = radius[radius <= 0].index[0]
        raise InputError("distance limit must be positive", row=bad, column="radius_km", value=radius[bad])

    metric = gpd.GeoSeries(gpd.points_from_xy(frame["longitude"], frame["latitude"]), crs=4326).to_crs(METRIC_CRS)
    xy = np.column_stack([metric.x.to_numpy(), metric.y.to_numpy()])
    clip_m = gpd.GeoSeries([_polygonal(shapely.make_valid(clip))], crs=4326).to_crs(METRIC_CRS).iloc[0]
    # one generator per distinct location; two factions at one place is a contradiction
    keys = [tuple(np.round(p, 1)) for p in xy]
    first: dict[tuple, int] = {}
    for position, key in enumerate(keys):
        if key in first:
            earlier = first[key]
            if frame["faction"].iloc[earlier] != frame["faction"].iloc[position]:
                raise InputError(f"same place as row {frame.index[earlier]} but a different faction",
                                 row=frame.index[position], column="faction", value=frame["faction"].iloc[position])
        else:
            first[key] = position
    generators = sorted(first.values())
    # The cells are drawn on the equal-area projection but clipped in lon/lat: clipping before the
    # projection back would give cell edges that run a hair beside the clip area's own edges, and
    # the overlay on the admin units then leaves zero-width slivers along every unit boundary.
    cells = dict(zip(generators, voronoi_cells(xy[generators], shapely.box(*clip_m.buffer(1000.0).bounds))))
    geoms = []
    for position, key in enumerate(keys):
        owner = first[key]
        cell = cells[owner] if owner == position else shapely.Polygon()
        limit = radius.iloc[position]
        if not cell.is_empty and pd.notna(limit):
            cell = shapely.intersection(cell, shapely.Point(xy[position]).buffer(limit * 1000.0, quad_segs=32))
        geoms.append(_polygonal(cell))
    clip_ll = _polygonal(shapely.make_valid(clip)) if not clip.is_valid else _polygonal(clip)
    back = gpd.GeoSeries(geoms, crs=METRIC_CRS).to_crs(4326).values
    geoms = [_polygonal(shapely.intersection(g, clip_ll)) if not g.is_empty else g for g in back]
    result = gpd.GeoDataFrame(frame.drop(columns=["geometry"], errors="ignore"), geometry=geoms, crs=4326)
    result["geometry"] = [_polygonal(shapely.make_valid(g)) if not g.is_valid else g for g in result.geometry]
    result["point_row"] = frame.index
    zones = normalize_zones(result, as_of=as_of, valid_from=valid_from, valid_to=valid_to, source=source,
                            confidence=confidence)
    outside = [frame.index[i] for i, g in enumerate(geoms) if g.is_empty and first[keys[i]] == i]
    if outside:
        log.info("%d control points have no area inside the clip area (rows %s)", len(outside), outside[:10])
    if not dissolve:
        return zones
    return dissolve_zones(zones[~zones.geometry.is_empty])
