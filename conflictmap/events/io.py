"""Read and write event tables: CSV, Excel, GeoJSON, GeoParquet and DataFrames.

:func:`read_events` loads a table (an ACLED export loads as downloaded: its extra columns are
kept, its dates read in the one form the column is written in, its pre-2019 event types read as
today's, a last row cut off mid-line reported), validates it with
:func:`~conflictmap.events.schema.validate_events` and returns a GeoDataFrame with a point for
every row that has coordinates. :func:`write_events` writes GeoJSON,
GeoParquet or CSV atomically.

Examples
--------
>>> import pandas as pd, tempfile, pathlib
>>> df = pd.DataFrame({"event_date": ["2020-06-30"], "event_type": ["Battles"],
...                    "location": ["Kansafrah"], "latitude": [35.659], "longitude": [36.485]})
>>> events = read_events(df)
>>> events.geometry.iloc[0].wkt
'POINT (36.485 35.659)'
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = write_events(events, pathlib.Path(tmp) / "events.geojson")
...     back = read_events(path)
>>> back.loc[0, "location"], str(back.loc[0, "event_date"].date())
('Kansafrah', '2020-06-30')
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Literal, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd

from .._atomic import atomic_path
from .._optional import import_optional
from ..csvtext import CutRow, cut_last_row, parse_csv, read_excel_file, read_text_file, sniff_separator
from ..errors import InputError
from .schema import event_columns, validate_events

log = logging.getLogger(__name__)

__all__ = ["read_events", "write_events", "to_geodataframe"]

_CSV = {".csv", ".tsv", ".txt"}
_EXCEL = {".xlsx", ".xlsm", ".xls"}
_GEOJSON = {".geojson", ".json"}
_PARQUET = {".parquet", ".geoparquet", ".pq"}


def _text_columns() -> dict[str, type]:
    cols = event_columns()
    return {c: str for c in cols.loc[cols.dtype == "str", "column"]}


def _read_csv(path: Path, name: str) -> tuple[pd.DataFrame, CutRow | None]:
    """A CSV table read strictly (:mod:`conflictmap.csvtext`: any common encoding, a row with more
    fields than the header or a column named twice is an error); a last row cut off mid-line is
    kept as far as it goes and returned, to be reported."""
    text = read_text_file(path, source=name)
    sep = {".csv": ",", ".tsv": "\t"}.get(path.suffix.lower()) or sniff_separator(text)
    kept, cut = cut_last_row(text, sep=sep, comments="leading", source=name)
    frame = parse_csv(kept, sep=sep, comments="leading", dtype=_text_columns(), keep_default_na=True, source=name)
    if cut is not None:
        header = list(frame.columns)
        values = (cut.fields + [None] * len(header))[:len(header)]
        row = pd.DataFrame([values], columns=header, index=[len(frame)], dtype=object)
        frame = pd.concat([frame.astype({c: object for c in header if c not in _text_columns()}), row])
    return frame, cut


def _load(source: Any, sheet_name: Any) -> tuple[pd.DataFrame, str | None, CutRow | None]:
    if isinstance(source, pd.DataFrame):
        return source.copy(), None, None
    if not isinstance(source, (str, os.PathLike)):
        raise InputError(f"cannot read events from a {type(source).__name__}; pass a path or a DataFrame")
    path = Path(source)
    name = str(path)
    if not path.exists():
        raise InputError("file not found", source=name)
    suffix = path.suffix.lower()
    if suffix in _CSV:
        frame, cut = _read_csv(path, name)
        return frame, name, cut
    if suffix in _EXCEL:
        import_optional("openpyxl", extra="excel", purpose="reading Excel event tables")
        return read_excel_file(path, sheet_name=sheet_name, dtype=_text_columns()), name, None
    if suffix in _GEOJSON or suffix == ".gpkg":
        return gpd.read_file(path), name, None
    if suffix in _PARQUET:
        try:
            return gpd.read_parquet(path), name, None
        except ValueError:  # a plain (non-geo) parquet table
            return pd.read_parquet(path), name, None
    raise InputError("unknown event file type; use .csv, .tsv, .xlsx, .geojson, .gpkg or .parquet",
                     value=path.suffix, source=name)


def to_geodataframe(events: pd.DataFrame) -> gpd.GeoDataFrame:
    """Make a GeoDataFrame (EPSG:4326) with a point for each row that has ``longitude``/``latitude``.

    Rows without coordinates get an empty (None) geometry; no row is dropped.

    Examples
    --------
    >>> import pandas as pd
    >>> gdf = to_geodataframe(pd.DataFrame({"longitude": [36.5, None], "latitude": [35.7, None]}))
    >>> [g is None for g in gdf.geometry], gdf.crs.to_epsg()
    ([False, True], 4326)
    """
    frame = pd.DataFrame(events)
    if "geometry" in frame.columns:
        frame = frame.drop(columns="geometry")
    lon = pd.to_numeric(frame.get("longitude", pd.Series(np.nan, index=frame.index)), errors="coerce")
    lat = pd.to_numeric(frame.get("latitude", pd.Series(np.nan, index=frame.index)), errors="coerce")
    x, y = lon.to_numpy(dtype=float), lat.to_numpy(dtype=float)
    points = gpd.points_from_xy(x, y, crs="EPSG:4326")
    missing = np.isnan(x) | np.isnan(y)
    if missing.any():
        points[missing] = None
    return gpd.GeoDataFrame(frame, geometry=points, copy=False)


def _fill_coordinates_from_geometry(df: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(df, gpd.GeoDataFrame) or df.geometry.name not in df.columns:
        return df
    geom = df.geometry
    if geom.crs is not None and geom.crs.to_epsg() != 4326:
        geom = geom.to_crs(4326)
    rep = geom.map(lambda g: None if g is None or g.is_empty else (g if g.geom_type == "Point" else g.representative_point()))
    lon = rep.map(lambda p: np.nan if p is None else p.x)
    lat = rep.map(lambda p: np.nan if p is None else p.y)
    df = pd.DataFrame(df.drop(columns=df.geometry.name))
    if "longitude" not in df.columns:
        df["longitude"] = lon.astype(float)
    else:
        df["longitude"] = pd.to_numeric(df["longitude"], errors="coerce").fillna(lon.astype(float))
    if "latitude" not in df.columns:
        df["latitude"] = lat.astype(float)
    else:
        df["latitude"] = pd.to_numeric(df["latitude"], errors="coerce").fillna(lat.astype(float))
    return df


def _earlier_marks(frame: pd.DataFrame) -> pd.DataFrame | None:
    """The ``valid`` / ``problems`` columns of a table already read with ``errors="mark"``, else None."""
    if not {"valid", "problems"} <= set(frame.columns):
        return None
    problems = frame["problems"].astype(object).where(frame["problems"].notna(), "").astype(str)
    valid = frame["valid"].astype(object).where(frame["valid"].notna(), True).astype(bool)
    return pd.DataFrame({"valid": valid, "problems": problems}, index=frame.index)


def read_events(
    source: Any,
    *,
    columns: Mapping[str, str] | None = None,
    sheet_name: Any = 0,
    errors: Literal["raise", "mark"] = "raise",
) -> gpd.GeoDataFrame:
    """Read events from a file or DataFrame, validate them and return a GeoDataFrame.

    Parameters
    ----------
    source
        A path (``.csv``, ``.tsv``, ``.xlsx``, ``.geojson``, ``.gpkg``, ``.parquet``) or a
        (Geo)DataFrame. An ACLED export loads as it is.
    columns
        Rename map from the table's own column names to schema names, e.g.
        ``{"Date": "event_date", "Place": "location"}``.
    sheet_name
        Excel sheet to read.
    errors
        ``"raise"`` (default) or ``"mark"``; see :func:`~conflictmap.events.schema.validate_events`.
        A table read with ``errors="mark"`` before (it has ``valid`` and ``problems`` columns) is
        read in mark mode whatever ``errors`` says: its marked rows keep their first problem. A
        CSV whose last row is cut off (a download that stopped mid-line) raises naming that row;
        with ``"mark"`` the row is kept, marked, and every row before it is usable.

    Returns
    -------
    geopandas.GeoDataFrame
        Every input row in order, schema columns first, extra columns kept; geometry is a point
        where the row has (or its geometry gives) coordinates, else None.

    Raises
    ------
    InputError
        Unknown file type, missing file, missing required column or a bad value (naming the file,
        row, column and value).

    Examples
    --------
    >>> import pandas as pd
    >>> read_events(pd.DataFrame({"Date": ["2020-07-01"], "event_type": ["Battles"], "Place": ["Kahil"]}),
    ...             columns={"Date": "event_date", "Place": "location"}).loc[0, "location"]
    'Kahil'
    """
    try:
        frame, name, cut = _load(source, sheet_name)
    except InputError:
        raise
    except (UnicodeDecodeError, ValueError, RuntimeError, OSError) as exc:  # not UTF-8, corrupt file, ...
        raise InputError(f"cannot read the events file: {type(exc).__name__}: {exc}", source=str(source)) from None
    if cut is not None:
        if errors == "raise":
            raise InputError(cut.describe() + "; errors='mark' keeps the rows before it", row=cut.row, source=name)
        log.warning("%s: %s", name, cut.describe())
    if columns:
        frame = frame.rename(columns=dict(columns))
    frame = _fill_coordinates_from_geometry(frame)
    earlier = _earlier_marks(frame)
    if earlier is not None:  # a table read with errors="mark" before: its marked rows stay marked
        frame, errors = frame.drop(columns=list(earlier.columns)), "mark"
    try:
        validated = validate_events(frame, errors=errors)
    except InputError as exc:
        if name is None:
            raise
        err = InputError(exc.reason, row=exc.row, column=exc.column, value=exc.value, source=name)
        err.problems = getattr(exc, "problems", [])  # type: ignore[attr-defined]
        raise err from None
    if earlier is not None:
        old = earlier["problems"].to_numpy()
        validated["problems"] = pd.Series(np.where(old != "", old, validated["problems"].to_numpy(dtype=object)),
                                          index=validated.index, dtype="string")
        validated["valid"] = validated["valid"].to_numpy() & earlier["valid"].to_numpy()
    if cut is not None:  # errors="mark": the cut row is kept, marked, and every row before it is usable
        label = validated.index[cut.row]
        old = validated.at[label, "problems"]
        validated.at[label, "problems"] = f"{cut.describe()}; {old}" if old else cut.describe()
        validated.at[label, "valid"] = False
    log.info("read %d event(s) from %s", len(validated), name or "a DataFrame")
    return to_geodataframe(validated)


def _for_csv(events: pd.DataFrame) -> pd.DataFrame:
    frame = pd.DataFrame(events).drop(columns=[c for c in ["geometry"] if c in events.columns])
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = frame[column].dt.strftime("%Y-%m-%d")
    return frame


def _for_geo(events: pd.DataFrame) -> gpd.GeoDataFrame:
    gdf = events if isinstance(events, gpd.GeoDataFrame) and events.geometry.name in events.columns else to_geodataframe(events)
    gdf = gdf.copy()
    for column in gdf.columns:
        if column == gdf.geometry.name:
            continue
        series = gdf[column]
        if isinstance(series.dtype, pd.StringDtype) or series.dtype == object:
            gdf[column] = series.astype(object).where(series.notna(), None)
    return gdf


def write_events(
    events: pd.DataFrame,
    path: str | os.PathLike,
    *,
    format: Literal["geojson", "parquet", "csv"] | None = None,
) -> Path:
    """Write events to GeoJSON, GeoParquet or CSV; the file appears complete or not at all.

    Parameters
    ----------
    events
        An event (Geo)DataFrame, e.g. from :func:`read_events` or ``attach_events``.
    path
        Output file; its suffix chooses the format unless ``format`` is given.
    format
        ``"geojson"``, ``"parquet"`` or ``"csv"``.

    Returns
    -------
    pathlib.Path
        The path written.

    Examples
    --------
    >>> import pandas as pd, tempfile, pathlib
    >>> df = read_events(pd.DataFrame({"event_date": ["2020-06-26"], "event_type": ["Battles"],
    ...                                "location": ["al-Sukhna"]}))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = write_events(df, pathlib.Path(tmp) / "e.csv")
    ...     print(out.read_text().splitlines()[1][:30])
    CM000001,2020-06-26,1,Politica
    """
    path = Path(path)
    suffix = path.suffix.lower()
    kind = format or ("geojson" if suffix in _GEOJSON else "parquet" if suffix in _PARQUET
                      else "csv" if suffix in _CSV else None)
    if kind not in ("geojson", "parquet", "csv"):
        raise InputError("unknown output format; use .geojson, .parquet or .csv", value=path.suffix,
                         source=str(path))
    if not path.parent.exists():
        raise InputError("output folder does not exist", value=str(path.parent))
    with atomic_path(path) as tmp:
        if kind == "csv":
            _for_csv(events).to_csv(tmp, index=False, encoding="utf-8")
        elif kind == "parquet":
            _for_geo(events).to_parquet(tmp, index=False)
        else:
            _for_geo(events).to_file(tmp, driver="GeoJSON", engine="pyogrio")
    log.info("wrote %d event(s) to %s", len(events), path)
    return path
