"""Read and write zone sets: GeoJSON, GeoPackage, shapefile and GeoParquet.

Reading normalises the file to the zone schema (see :mod:`conflictmap.zones.model`): faction
aliases become canonical keys, invalid geometry is repaired with ``make_valid`` and overlaps
are logged (``validate=True``). Writing is atomic (temporary file in the same folder, then
``os.replace``); dates are written as ``YYYY-MM-DD`` text in GeoJSON and shapefiles.

Examples
--------
>>> import tempfile, pathlib
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> zones = gpd.GeoDataFrame({"faction": ["YPG"], "as_of": ["2020-07-01"]}, geometry=[box(40, 36, 41, 37)], crs=4326)
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = write_zones(zones, pathlib.Path(tmp) / "zones.geojson")
...     back = read_zones(path)
>>> back.loc[0, "faction"], str(back.loc[0, "as_of"].date()), back.geometry[0].bounds
('sdf', '2020-07-01', (40.0, 36.0, 41.0, 37.0))
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry.base import BaseGeometry

from .._atomic import atomic_path
from ..errors import ExportError, InputError
from .model import DATE_COLUMNS, PROBLEM_KINDS, normalize_zones
from .validate import validate_zones

__all__ = ["read_zones", "write_zones", "ZONE_FORMATS"]

log = logging.getLogger(__name__)

#: file suffix -> (pyogrio driver or 'parquet')
ZONE_FORMATS = {".geojson": "GeoJSON", ".json": "GeoJSON", ".gpkg": "GPKG", ".shp": "ESRI Shapefile",
                ".parquet": "parquet", ".geoparquet": "parquet"}


def _format(path: Path) -> str:
    driver = ZONE_FORMATS.get(path.suffix.lower())
    if driver is None:
        raise InputError(f"unsupported zone file type; use one of {', '.join(sorted(ZONE_FORMATS))}",
                         value=str(path))
    return driver


def read_zones(path: str | os.PathLike, *, layer: str | None = None, faction_column: str = "faction",
               as_of: Any = None, source: str | None = None, validate: bool = True,
               outline: BaseGeometry | None = None) -> gpd.GeoDataFrame:
    """Read a zone file (.geojson, .gpkg, .shp or .parquet) into the zone schema.

    Parameters
    ----------
    path
        the file; GeoPackages may hold several layers (``layer``).
    faction_column
        column that names the controlling faction (any registry alias).
    as_of, source
        fill ``as_of`` / ``source`` where the file has none (default source: the file name).
    validate
        repair invalid geometry, hand stray fragments, thin spikes and pin-holes to their
        neighbours (logged, and listed in ``zones.attrs["repairs"]``), and log overlaps (and gaps
        against ``outline``).

    Raises
    ------
    InputError
        unknown file type, unreadable file, unknown faction (naming the feature), bad dates.

    Examples
    --------
    >>> read_zones("zones.csv")
    Traceback (most recent call last):
    ...
    conflictmap.errors.InputError: value 'zones.csv': unsupported zone file type; use one of .geojson, .geoparquet, .gpkg, .json, .parquet, .shp
    """
    path = Path(path)
    driver = _format(path)
    if not path.exists():
        raise InputError("zone file not found", value=str(path))
    try:
        if driver == "parquet":
            data = gpd.read_parquet(path)
        else:
            data = gpd.read_file(path, layer=layer, engine="pyogrio")
    except InputError:
        raise
    except Exception as exc:  # pyogrio / pyarrow raise many types
        raise InputError(f"cannot read zone file: {exc}", value=str(path)) from exc
    options = dict(faction_column=faction_column, as_of=as_of, source=source or path.name)
    try:
        if validate:
            zones, report = validate_zones(data, outline=outline, **options)
            for issue in report.issues:
                if issue.kind in PROBLEM_KINDS or issue.kind == "invalid":
                    log.warning("%s: %s", path.name, issue)
                else:
                    log.info("%s: repaired %s", path.name, issue)
            zones.attrs["repairs"] = [str(i) for i in report.issues if i.kind not in PROBLEM_KINDS]
        else:
            zones = normalize_zones(data, **options)
    except InputError as exc:
        raise InputError(exc.reason, row=exc.row, column=exc.column, value=exc.value, source=path.name) from None
    log.info("read %d zones from %s", len(zones), path)
    return zones


def _for_ogr(zones: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = zones.copy()
    for column in DATE_COLUMNS:
        if column in out.columns:
            values = pd.to_datetime(out[column])
            out[column] = values.dt.strftime("%Y-%m-%d").where(values.notna(), None).astype(object)
    for column in out.columns:
        if column != out.geometry.name and out[column].dtype == object:
            out[column] = out[column].map(lambda v: v if v is None or isinstance(v, (str, int, float)) else str(v))
    return out


def write_zones(zones: gpd.GeoDataFrame, path: str | os.PathLike, *, layer: str | None = None) -> Path:
    """Write a zone set atomically; the format follows the suffix. Returns the path.

    Raises
    ------
    ExportError
        when the file cannot be written.
    """
    path = Path(path)
    driver = _format(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if driver == "ESRI Shapefile":
        return _write_shapefile(zones, path)
    try:
        with atomic_path(path) as tmp:
            if driver == "parquet":
                zones.to_parquet(tmp, index=False)
            else:
                _for_ogr(zones).to_file(tmp, driver=driver, layer=layer or (path.stem if driver == "GPKG" else None),
                                        engine="pyogrio")
    except Exception as exc:
        raise ExportError(f"cannot write {path}: {exc}") from exc
    return path


def _write_shapefile(zones: gpd.GeoDataFrame, path: Path) -> Path:
    """A shapefile is several files: write them in a temporary folder, then move each in place."""
    with tempfile.TemporaryDirectory(prefix=f".{path.stem}-", dir=path.parent) as tmp:
        target = Path(tmp) / path.name
        try:
            _for_ogr(zones).to_file(target, driver="ESRI Shapefile", engine="pyogrio")
        except Exception as exc:
            raise ExportError(f"cannot write {path}: {exc}") from exc
        for part in sorted(Path(tmp).iterdir()):
            os.replace(part, path.with_suffix(part.suffix))
    return path
