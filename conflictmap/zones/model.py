"""Control-zone model: schema, normalisation, geometry repair and overlap / gap checks.

:func:`~conflictmap.zones.validate.validate_zones` runs all of them (and the cleaning of
:mod:`conflictmap.zones.clean`, which builds on this module) in one call.

A zone set is a GeoDataFrame (EPSG:4326) with one row per zone polygon and the columns
``faction`` (canonical key from ``conflictmap/data/factions.csv``), ``valid_from``, ``valid_to``,
``as_of`` (pandas timestamps or NaT), ``confidence`` (``confirmed``, ``contested`` or
``approximate``), ``source``, ``note`` and ``geometry`` (Polygon or MultiPolygon). Extra columns
are kept.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> raw = gpd.GeoDataFrame({"faction": ["SAA", "HTS"], "as_of": ["2020-07-01"] * 2},
...                        geometry=[box(36, 35, 37, 36), box(36.5, 35.5, 37.5, 36.5)], crs=4326)
>>> zones = normalize_zones(raw)
>>> report = check_zones(zones)
>>> list(zones.faction)
['government', 'hts']
>>> [issue.kind for issue in report.issues]
['overlap']
>>> round(report.issues[0].area_km2)
2509
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Iterable

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from ..errors import InputError
from ..factions import get_faction

__all__ = [
    "ZONE_COLUMNS", "CONFIDENCE_LEVELS", "PROBLEM_KINDS", "DATE_COLUMNS", "METRIC_CRS", "ZoneIssue", "ZoneReport",
    "empty_zones", "normalize_zones", "repair_geometries", "check_zones",
    "area_km2", "dissolve_zones", "overlay_zones", "feature_label",
]

log = logging.getLogger(__name__)

#: columns every zone set has, in this order (extra columns follow before ``geometry``)
ZONE_COLUMNS = ["faction", "valid_from", "valid_to", "as_of", "confidence", "source", "note", "geometry"]
DATE_COLUMNS = ("valid_from", "valid_to", "as_of")
_DENSIFY_DEG = 0.01
CONFIDENCE_LEVELS = ("confirmed", "contested", "approximate")
#: issue kinds that are problems (the others are repairs already made)
PROBLEM_KINDS = ("empty", "overlap", "gap")
#: equal-area, distance-preserving-enough projection centred on Syria (areas, buffers, Voronoi)
METRIC_CRS = "+proj=laea +lat_0=35 +lon_0=38.5 +datum=WGS84 +units=m +no_defs"
_CONFIDENCE_ALIASES = {"confirmed": "confirmed", "certain": "confirmed", "high": "confirmed",
                       "contested": "contested", "disputed": "contested", "mixed": "contested",
                       "approximate": "approximate", "approx": "approximate", "estimated": "approximate",
                       "low": "approximate", "medium": "approximate"}


@dataclass(frozen=True)
class ZoneIssue:
    """One problem found in a zone set.

    ``kind`` is ``invalid`` (geometry repaired), ``empty`` (no area), ``overlap`` (two features
    share area), ``gap`` (part of the outline no zone covers), or one of the repairs of
    :mod:`conflictmap.zones.clean`: ``fragment`` (a tiny part handed to a neighbour), ``spike``
    (a thin spike handed to a neighbour), ``hole`` (a pin-hole closed), ``filled`` (uncovered area
    added). ``feature`` names the feature(s).
    """

    kind: str
    feature: str
    detail: str
    area_km2: float = 0.0
    rows: tuple[Any, ...] = ()

    def __str__(self) -> str:
        area = f" ({self.area_km2:.3f} km2)" if self.area_km2 else ""
        return f"{self.kind}: {self.feature}{area}: {self.detail}"


@dataclass
class ZoneReport:
    """Issues found by :func:`~conflictmap.zones.validate.validate_zones` (empty when the zone set is clean)."""

    issues: list[ZoneIssue] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[ZoneIssue]:
        """Issues of one kind (``invalid``, ``empty``, ``overlap``, ``gap``)."""
        return [issue for issue in self.issues if issue.kind == kind]

    @property
    def ok(self) -> bool:
        """True when there is no overlap, gap or empty feature (repairs are fine)."""
        return not any(issue.kind in PROBLEM_KINDS for issue in self.issues)

    def __str__(self) -> str:
        if not self.issues:
            return "zones OK"
        return "\n".join(str(issue) for issue in self.issues)


def empty_zones() -> gpd.GeoDataFrame:
    """A zone set with no rows and the standard columns.

    Examples
    --------
    >>> list(empty_zones().columns) == ZONE_COLUMNS
    True
    """
    frame = pd.DataFrame({c: pd.Series(dtype="object") for c in ZONE_COLUMNS if c != "geometry"})
    for column in DATE_COLUMNS:
        frame[column] = pd.Series(dtype="datetime64[ns]")
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([], crs=4326), crs=4326)


def feature_label(zones: pd.DataFrame, index: Any) -> str:
    """Human name of one feature: its index plus faction and name/id columns where present.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> z = gpd.GeoDataFrame({"faction": ["sdf"], "name": ["Kobani"]}, geometry=[box(0, 0, 1, 1)])
    >>> feature_label(z, 0)
    "feature 0 (faction 'sdf', name 'Kobani')"
    """
    row = zones.loc[index]
    parts = []
    for column in ("faction", "name", "id", "pcode", "zone_id"):
        if column in zones.columns and pd.notna(row[column]) and str(row[column]) != "":
            parts.append(f"{column} {str(row[column])!r}")
    return f"feature {index}" + (f" ({', '.join(parts)})" if parts else "")


def _parse_date(value: Any, *, row: Any, column: str) -> pd.Timestamp:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT or str(value).strip() == "":
        return pd.NaT
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise InputError("not a date (use YYYY-MM-DD)", row=row, column=column, value=value) from exc
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert(None)
    return stamp


def _confidence(value: Any, *, row: Any, default: str) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or str(value).strip() == "":
        return default
    folded = _CONFIDENCE_ALIASES.get(str(value).strip().casefold())
    if folded is None:
        raise InputError(f"confidence must be one of {', '.join(CONFIDENCE_LEVELS)}", row=row,
                         column="confidence", value=value)
    return folded


def normalize_zones(data: pd.DataFrame, *, faction_column: str = "faction", as_of: Any = None,
                    valid_from: Any = None, valid_to: Any = None, source: str | None = None,
                    confidence: str = "approximate") -> gpd.GeoDataFrame:
    """Bring a GeoDataFrame of control polygons to the zone schema.

    Factions are mapped to canonical keys through the registry (aliases allowed), confidence
    words are checked, dates parsed; ``as_of`` / ``valid_from`` / ``valid_to`` / ``source`` fill the
    column where it is missing or blank. The CRS becomes EPSG:4326 (assumed when unset). Every
    input row comes out, in order.

    Raises
    ------
    InputError
        naming the row, column and value of an unknown faction, a bad date or confidence, or a
        missing geometry column.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> z = normalize_zones(gpd.GeoDataFrame({"holder": ["YPG"]}, geometry=[box(40, 36, 41, 37)]),
    ...                     faction_column="holder", as_of="2020-07-01", source="my map")
    >>> z.loc[0, ["faction", "confidence", "source"]].tolist(), str(z.loc[0, "as_of"].date())
    (['sdf', 'approximate', 'my map'], '2020-07-01')
    """
    if not isinstance(data, gpd.GeoDataFrame) or data.geometry.name not in data.columns:
        raise InputError("zones need a geometry column (a GeoDataFrame)", column="geometry")
    if faction_column not in data.columns:
        raise InputError(f"zones need a faction column; columns are {list(data.columns)}", column=faction_column)
    zones = data.copy()
    if zones.geometry.name != "geometry":
        zones = zones.rename_geometry("geometry")
    if zones.crs is None:
        log.info("zones have no CRS; assuming EPSG:4326 (lon, lat)")
        zones = zones.set_crs(4326)
    elif not zones.crs.equals(gpd.GeoSeries([], crs=4326).crs):
        zones = zones.to_crs(4326)
    if faction_column != "faction":
        zones = zones.rename(columns={faction_column: "faction"}) if "faction" not in zones.columns else \
            zones.assign(faction=zones[faction_column])
    factions = []
    for index, value in zones["faction"].items():
        try:
            factions.append(get_faction(value).key)
        except InputError as exc:
            raise InputError(exc.reason, row=index, column=faction_column, value=value) from None
    zones["faction"] = factions
    defaults = {"as_of": as_of, "valid_from": valid_from, "valid_to": valid_to}
    for column in DATE_COLUMNS:
        values = zones[column] if column in zones.columns else pd.Series([None] * len(zones), index=zones.index)
        default = _parse_date(defaults[column], row=None, column=column)
        parsed = [_parse_date(v, row=i, column=column) for i, v in values.items()]
        zones[column] = pd.Series([default if pd.isna(p) else p for p in parsed], index=zones.index,
                                  dtype="datetime64[ns]")
    for index, row in zones.iterrows():
        start, end = row["valid_from"], row["valid_to"]
        if pd.notna(start) and pd.notna(end) and end <= start:
            raise InputError("valid_to must be after valid_from", row=index, column="valid_to", value=str(end.date()))
    raw_conf = zones["confidence"] if "confidence" in zones.columns else pd.Series([None] * len(zones), index=zones.index)
    zones["confidence"] = [_confidence(v, row=i, default=confidence) for i, v in raw_conf.items()]
    for column, default in (("source", source), ("note", None)):
        values = zones[column] if column in zones.columns else pd.Series([None] * len(zones), index=zones.index, dtype=object)
        values = values.astype(object).where(values.notna() & (values.astype(str).str.strip() != ""), default)
        zones[column] = values.where(values.notna(), "").astype(str)
    extra = [c for c in zones.columns if c not in ZONE_COLUMNS]
    return gpd.GeoDataFrame(zones[ZONE_COLUMNS[:-1] + extra + ["geometry"]], geometry="geometry", crs=4326)


def _polygonal(geom: BaseGeometry | None) -> BaseGeometry:
    """The polygonal part of ``geom`` (make_valid may return collections with lines or points)."""
    if geom is None or geom.is_empty:
        return shapely.Polygon()
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return shapely.Polygon()
    return shapely.union_all(parts)


def repair_geometries(zones: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, list[ZoneIssue]]:
    """Make every geometry valid and polygonal (``shapely.make_valid``); report what changed.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Polygon
    >>> bowtie = Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    >>> fixed, issues = repair_geometries(gpd.GeoDataFrame({"faction": ["sdf"]}, geometry=[bowtie], crs=4326))
    >>> fixed.geometry[0].is_valid, fixed.geometry[0].geom_type, issues[0].kind
    (True, 'MultiPolygon', 'invalid')
    """
    zones = zones.copy()
    issues: list[ZoneIssue] = []
    geoms = list(zones.geometry)
    for position, (index, geom) in enumerate(zip(zones.index, geoms)):
        if geom is None or geom.is_empty:
            issues.append(ZoneIssue("empty", feature_label(zones, index), "geometry is missing or empty", rows=(index,)))
            geoms[position] = shapely.Polygon()
            continue
        if not geom.is_valid:
            reason = shapely.is_valid_reason(geom)
            geom = _polygonal(shapely.make_valid(geom))
            issues.append(ZoneIssue("invalid", feature_label(zones, index), f"repaired with make_valid ({reason})",
                                    rows=(index,)))
        elif geom.geom_type not in ("Polygon", "MultiPolygon"):
            geom = _polygonal(geom)
            if geom.is_empty:
                issues.append(ZoneIssue("empty", feature_label(zones, index), "geometry has no polygon", rows=(index,)))
        geoms[position] = geom
    zones["geometry"] = gpd.GeoSeries(geoms, index=zones.index, crs=zones.crs)
    return zones, issues


def area_km2(geoms: Any, crs: Any = 4326) -> Any:
    """Area in km2 of a geometry or GeoSeries in lon/lat, on an equal-area projection of Syria.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> round(area_km2(box(38, 35, 39, 36)))
    10066
    """
    if isinstance(geoms, BaseGeometry):
        return float(area_km2(gpd.GeoSeries([geoms], crs=crs)).iloc[0])
    series = geoms if isinstance(geoms, gpd.GeoSeries) else gpd.GeoSeries(geoms, crs=crs)
    # densify first: a zero-width sliver whose two sides have different vertices would open up
    # when only its vertices are projected (straight in lon/lat is not straight in metres)
    if series.crs is None or series.crs.is_geographic:
        series = gpd.GeoSeries(shapely.segmentize(series.values, _DENSIFY_DEG), index=series.index, crs=series.crs or crs)
    return series.to_crs(METRIC_CRS).area / 1e6


def _snapshot_keys(zones: pd.DataFrame) -> pd.Series:
    parts = [zones[c].astype(object).map(str) if c in zones.columns else pd.Series("", index=zones.index)
             for c in DATE_COLUMNS]
    return (parts[0] + "|" + parts[1] + "|" + parts[2]).astype(object)


def check_zones(zones: gpd.GeoDataFrame, *, outline: BaseGeometry | None = None,
                tolerance_km2: float = 0.01) -> ZoneReport:
    """Report overlapping features and, given an ``outline``, the gaps no zone covers.

    Features are compared only within one snapshot (same ``valid_from`` / ``valid_to`` / ``as_of``).
    Overlaps and gaps smaller than ``tolerance_km2`` are ignored.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> z = gpd.GeoDataFrame({"faction": ["sdf", "government"]},
    ...                      geometry=[box(38, 35, 39, 36), box(39, 35, 40, 36)], crs=4326)
    >>> check_zones(z).ok
    True
    >>> report = check_zones(z, outline=box(38, 35, 41, 36))
    >>> report.of_kind("gap")[0].feature
    'gap near lon 40.500, lat 35.500'
    """
    report = ZoneReport()
    if zones.empty:
        if outline is not None and not outline.is_empty:
            report.issues.append(ZoneIssue("gap", "whole outline", "no zones at all", area_km2(outline)))
        return report
    # set operations in lon/lat (so shared edges stay identical), areas on an equal-area projection
    zones = zones if zones.crs is not None else zones.set_crs(4326)
    zones = zones.to_crs(4326)
    for _, group in zones.groupby(_snapshot_keys(zones), sort=False, dropna=False):
        geoms = group.geometry.values
        tree = shapely.STRtree(geoms)
        left, right = tree.query(geoms, predicate="intersects")
        for i, j in zip(left, right):
            if i >= j:
                continue
            shared = _polygonal(shapely.intersection(geoms[i], geoms[j]))
            if shared.is_empty:
                continue
            shared_km2 = area_km2(shared)
            if shared_km2 > tolerance_km2:
                a, b = group.index[i], group.index[j]
                report.issues.append(ZoneIssue(
                    "overlap", f"{feature_label(zones, a)} and {feature_label(zones, b)}",
                    "features share area", shared_km2, rows=(a, b)))
        if outline is not None:
            missing = shapely.difference(outline, shapely.union_all(geoms))
            for part in shapely.get_parts(_polygonal(missing)):
                part_km2 = area_km2(part)
                if part_km2 > tolerance_km2:
                    point = part.representative_point()
                    report.issues.append(ZoneIssue(
                        "gap", f"gap near lon {point.x:.3f}, lat {point.y:.3f}", "no zone covers this area",
                        part_km2))
    return report


def _join_unique(values: Iterable[Any]) -> str:
    seen: list[str] = []
    for value in values:
        for part in str(value).split("; "):
            part = part.strip()
            if part and part != "nan" and part not in seen:
                seen.append(part)
    return "; ".join(seen)


def dissolve_zones(zones: gpd.GeoDataFrame, by: Iterable[str] = ("faction", "confidence")) -> gpd.GeoDataFrame:
    """Merge the rows of a zone set that share ``by`` (and their dates) into one polygon each.

    ``source`` and ``note`` become the '; '-joined distinct values; ``n_parts`` counts the merged
    rows. The order follows the faction registry.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> z = normalize_zones(gpd.GeoDataFrame({"faction": ["sdf", "YPG"], "source": ["a", "b"]},
    ...                     geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=4326))
    >>> d = dissolve_zones(z)
    >>> len(d), d.source[0], int(d.n_parts[0]), d.geometry[0].area
    (1, 'a; b', 2, 2.0)
    """
    by = [c for c in by if c in zones.columns]
    keys = by + [c for c in DATE_COLUMNS if c in zones.columns and c not in by]
    if zones.empty:
        return zones.copy()
    rows = []
    frame = zones.copy()
    for column in DATE_COLUMNS:
        if column in frame.columns:
            frame[column] = frame[column].astype("datetime64[ns]")
    for key, group in frame.groupby(keys, dropna=False, sort=False):
        key = key if isinstance(key, tuple) else (key,)
        record = dict(zip(keys, key))
        record["source"] = _join_unique(group["source"]) if "source" in group else ""
        record["note"] = _join_unique(group["note"]) if "note" in group else ""
        record["n_parts"] = int(len(group))
        record["geometry"] = shapely.union_all(group.geometry.values)
        rows.append(record)
    out = gpd.GeoDataFrame(rows, geometry="geometry", crs=zones.crs)
    order = {f: i for i, f in enumerate(_faction_order())}
    out = out.sort_values(by=["faction"], key=lambda s: s.map(order).fillna(len(order)), kind="stable")
    out = out.reset_index(drop=True)
    columns = [c for c in ZONE_COLUMNS if c in out.columns and c != "geometry"]
    columns += [c for c in out.columns if c not in columns and c != "geometry"]
    return gpd.GeoDataFrame(out[columns + ["geometry"]], geometry="geometry", crs=zones.crs)


def _faction_order() -> list[str]:
    from ..factions import all_factions

    return [f.key for f in all_factions()]


def overlay_zones(base: gpd.GeoDataFrame, top: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Put ``top`` over ``base``: where a top zone exists it wins, elsewhere the base stays.

    Base rows that lose all their area are dropped; the result has no overlap between the two
    layers.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> base = gpd.GeoDataFrame({"faction": ["government"]}, geometry=[box(0, 0, 4, 1)], crs=4326)
    >>> top = gpd.GeoDataFrame({"faction": ["hts"]}, geometry=[box(3, 0, 5, 1)], crs=4326)
    >>> out = overlay_zones(base, top)
    >>> list(out.faction), [g.area for g in out.geometry]
    (['government', 'hts'], [3.0, 2.0])
    """
    if top.empty:
        return base.copy()
    cover = shapely.union_all(top.to_crs(base.crs).geometry.values) if base.crs is not None else \
        shapely.union_all(top.geometry.values)
    kept = base.copy()
    kept["geometry"] = shapely.difference(kept.geometry.values, cover)
    kept = kept[~kept.geometry.is_empty & (shapely.area(kept.geometry.values) > 0)]
    kept["geometry"] = [_polygonal(g) for g in kept.geometry]
    top = top.to_crs(base.crs) if base.crs is not None and top.crs is not None else top
    out = pd.concat([kept, top], ignore_index=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=base.crs)
