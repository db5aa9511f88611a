"""Geocode a whole table: every input row comes out, matched or marked with the reason.

Distinct (name, hints) combinations are resolved once, so a million rows with twenty thousand
distinct names cost twenty thousand look-ups. This is the pandas path: :mod:`conflictmap.scale`
runs it on each partition of a Dask DataFrame, and :func:`conflictmap.geocode`
(:mod:`conflictmap.tables`) picks one or the other.

Examples
--------
>>> import pandas as pd, conflictmap
>>> df = pd.DataFrame({"location": ["Kafr Nabl", "Kansafra", None], "gov": ["Idlib", "Idlib", "Idlib"]})
>>> out = conflictmap.geocode(df, name="location", admin1="gov")
>>> out["match_status"].tolist()
['matched', 'matched', 'unresolved']
>>> len(out) == len(df)
True
"""

from __future__ import annotations

import json
import logging
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from .._gcpause import paused_gc
from ..errors import InputError
from .matching import Match

log = logging.getLogger(__name__)

__all__ = ["geocode", "OUTPUT_COLUMNS", "matches_to_frame"]

OUTPUT_COLUMNS = [
    "latitude", "longitude", "place_id", "place_name", "admin1", "admin2", "admin3", "geo_precision",
    "match_score", "match_confidence", "match_method", "match_status", "match_reason", "match_candidates",
]
PROGRESS_MIN_NAMES = 5000
_TEXT_OUTPUT = ["place_id", "place_name", "admin1", "admin2", "admin3", "match_method", "match_status",
                "match_reason", "match_candidates"]


def geocode(data: Any, name: str = "location", admin1: str | None = None, *, name_ar: str | None = None,
            admin2: str | None = None, admin3: str | None = None, latitude: str | None = None,
            longitude: str | None = None, geocoder: Any = None, progress: bool | None = None,
            prefix_clashes: bool = True, candidates: int = 5, min_confidence: float | None = None):
    """Geocode the ``name`` column of a table.

    Parameters
    ----------
    data : pandas.DataFrame or GeoDataFrame
        (:func:`conflictmap.geocode` also takes a Dask DataFrame: :func:`conflictmap.scale.geocode_dask`.)
    name : str
        Column holding the location text.
    name_ar : str, optional
        Column holding the same place's name in Arabic script; both names are read together
        (see :meth:`conflictmap.Geocoder.resolve`). Empty cells, NaN and Latin text work.
    admin1, admin2, admin3 : str, optional
        Columns holding governorate / district / sub-district hints (any spelling, or P-codes);
        a governorate hint may carry a direction ("southeast Idleb").
    latitude, longitude : str, optional
        Columns holding a point the row already carries (both or neither): places near it
        (within 30 km) are preferred, as ``Geocoder.resolve(near=(lat, lon))``. An empty cell
        means no point; a value that is no coordinate leaves that row ``unresolved`` with the
        reason.
    geocoder : Geocoder, optional
        Defaults to a :class:`conflictmap.Geocoder` over the bundled gazetteer.
    progress : bool, optional
        Show a progress bar (default: when there are many distinct names).
    prefix_clashes : bool
        An input column whose name clashes with an output column is kept as it is and the
        output column is written as ``geo_<name>``. With False such an input raises.
    candidates : int
        How many ranked candidates to keep (as JSON) in ``match_candidates`` for ambiguous rows.
    min_confidence : float, optional
        ``matched`` when ``match_confidence`` (how likely the answer is right, in [0, 1]) is at
        least this; by default the model's threshold, chosen so that at most 2% of the rows of
        each development set are matched but wrong.

    Returns
    -------
    GeoDataFrame (EPSG:4326) with every input row in order, the input columns and
    :data:`OUTPUT_COLUMNS`; unresolved rows have an empty geometry.
    """
    if _is_dask(data):  # the Dask path runs this function per partition; conflictmap.geocode picks it
        raise InputError("conflictmap.geocoding.geocode() takes a pandas table; conflictmap.geocode() also takes "
                         "a Dask DataFrame", value=type(data).__name__)
    if not isinstance(data, pd.DataFrame):
        raise InputError("geocode() takes a pandas, geopandas or dask DataFrame", value=type(data).__name__)
    if (latitude is None) != (longitude is None):
        raise InputError("give both latitude= and longitude= columns (or neither)",
                         column=str(latitude if latitude is not None else longitude))
    for col, role in ((name, "name"), (name_ar, "name_ar"), (admin1, "admin1"), (admin2, "admin2"),
                      (admin3, "admin3"), (latitude, "latitude"), (longitude, "longitude")):
        if col is not None and col not in data.columns:
            raise InputError(f"no {role} column {col!r}; columns are {list(map(str, data.columns))}",
                             column=str(col))
    if min_confidence is not None:
        try:
            ok = 0.0 <= float(min_confidence) <= 1.0
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise InputError("min_confidence must be a number in [0, 1]", value=min_confidence)
    if geocoder is None:
        from .geocoder import Geocoder

        geocoder = Geocoder()
    columns = (name, name_ar, admin1, admin2, admin3, latitude, longitude)
    codes, uniques = _distinct_queries([data[c] if c else None for c in columns], len(data))
    show = progress if progress is not None else len(uniques) >= PROGRESS_MIN_NAMES
    iterator = uniques
    if show:
        from tqdm.auto import tqdm

        iterator = tqdm(uniques, desc="geocoding", unit="name")
    matches = []
    with paused_gc():  # twenty thousand answers that all stay alive: the collector would rescan them all
        for q, ar, a1, a2, a3, lat, lon in iterator:
            matches.append(_resolve_row(geocoder, q, ar, a1, a2, a3, lat, lon, min_confidence))
    table = matches_to_frame(matches, candidates=candidates)
    points = gpd.points_from_xy(table["longitude"], table["latitude"], crs="EPSG:4326")
    points[table["latitude"].isna().to_numpy()] = None
    out_cols = table.take(codes).reset_index(drop=True)
    out_cols.index = data.index
    return _combine(data, out_cols, points.take(codes), prefix_clashes=prefix_clashes)


def _resolve_row(geocoder: Any, q: str, ar: str, a1: str, a2: str, a3: str, lat: str, lon: str,
                 min_confidence: float | None) -> Match:
    """One distinct (name, hints) tuple resolved; a bad hint makes that tuple ``unresolved``, with the reason."""
    kwargs: dict[str, Any] = {"admin1": a1 or None, "admin2": a2 or None}
    if ar:  # a geocoder without name_ar or admin3 (a user's geopy-like class) still works without them
        kwargs["name_ar"] = ar
    if a3:
        kwargs["admin3"] = a3
    if min_confidence is not None:
        kwargs["min_confidence"] = min_confidence
    try:
        if lat or lon:
            kwargs["near"] = _point(lat, lon)
        return geocoder.resolve(q, **kwargs)
    except InputError as exc:  # a bad hint on one row must not stop the batch
        return Match(query=q, status="unresolved", reason=str(exc))


def matches_to_frame(matches: list[Match], *, candidates: int = 5) -> pd.DataFrame:
    """One row of :data:`OUTPUT_COLUMNS` per match."""
    rows = []
    for m in matches:
        cands = ""
        if m.status == "ambiguous" and m.candidates:
            cands = json.dumps([c.as_dict() for c in m.candidates[:candidates]], ensure_ascii=False)
        rows.append((m.latitude, m.longitude, m.place_id, m.name, m.admin1, m.admin2, m.admin3, m.geo_precision,
                     m.score if m.status != "unresolved" else np.nan,
                     getattr(m, "confidence", 0.0) if m.status != "unresolved" else 0.0,
                     m.method, m.status, m.reason, cands))
    frame = pd.DataFrame(rows, columns=OUTPUT_COLUMNS)
    frame["latitude"] = frame["latitude"].astype(float)
    frame["longitude"] = frame["longitude"].astype(float)
    frame["geo_precision"] = frame["geo_precision"].astype("Int64")
    frame["match_score"] = frame["match_score"].astype(float)
    frame["match_confidence"] = frame["match_confidence"].astype(float)
    for col in _TEXT_OUTPUT:  # same dtype whatever the data (an all-unresolved batch too)
        frame[col] = frame[col].astype("str")
    # one JSON text per distinct query, repeated on each of its rows: a categorical column keeps
    # one copy (copying ~1 kB to each of 1,000,000 rows took 1.4 s and 0.8 GB); values read as str
    frame["match_candidates"] = pd.Categorical(frame["match_candidates"])
    return frame


def _distinct_queries(columns: list[pd.Series | None], n: int) -> tuple[np.ndarray, list[tuple[str, ...]]]:
    """Codes of each row's (name, name_ar, admin1, admin2, admin3, latitude, longitude) and the
    distinct tuples as text.

    Each column is factorised on its raw values (fast, in C) and only the distinct values are
    turned into text; the code arrays are then combined and factorised once more.

    >>> codes, tuples = _distinct_queries([pd.Series(["a", "b", "a"]), None, pd.Series(["x", None, "x"])], 3)
    >>> codes.tolist(), tuples
    ([0, 1, 0], [('a', '', 'x'), ('b', '', '')])
    """
    parts_codes = []
    parts_text = []
    for col in columns:
        if col is None:
            parts_codes.append(np.zeros(n, dtype=np.int64))
            parts_text.append([""])
            continue
        c, u = pd.factorize(col, use_na_sentinel=True)
        text = [_to_text(v) for v in u] + [""]  # code -1 (missing) maps to the last entry
        c = np.where(c < 0, len(text) - 1, c).astype(np.int64)
        parts_codes.append(c)
        parts_text.append(text)
    combined = np.zeros(n, dtype=np.int64)
    width = 1
    for c, text in zip(parts_codes, parts_text):
        if len(text) == 1:
            continue
        combined = combined * len(text) + c
        width *= len(text)
        if width > 2**40:  # re-number before the product could overflow
            combined, uniq = pd.factorize(combined)
            combined, width = combined.astype(np.int64), len(uniq)
    codes, uniq = pd.factorize(combined)
    first = np.empty(len(uniq), dtype=np.int64)
    first[codes[::-1]] = np.arange(n - 1, -1, -1)  # first row of each distinct tuple
    tuples = [tuple(parts_text[j][parts_codes[j][i]] for j in range(len(columns))) for i in first]
    return codes, tuples


def _point(lat: str, lon: str) -> tuple[float, float]:
    """``(lat, lon)`` from a row's coordinate cells (as text); :class:`InputError` when they are
    not a point in range.

    >>> _point("35.5", "36.6")
    (35.5, 36.6)
    """
    try:
        p = (float(lat), float(lon))
    except ValueError:
        raise InputError("latitude/longitude is not a number", value=f"{lat}, {lon}") from None
    if not (-90 <= p[0] <= 90 and -180 <= p[1] <= 180):
        raise InputError("latitude/longitude out of range", value=f"{lat}, {lon}")
    return p


def _to_text(v: Any) -> str:
    """A cell as text: missing values give ''; lone surrogates (badly decoded files) are replaced."""
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and np.isnan(v)):
        return ""
    text = v if isinstance(v, str) else str(v)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def _combine(data: pd.DataFrame, out_cols: pd.DataFrame, geometry: Any = None, *,
             prefix_clashes: bool) -> gpd.GeoDataFrame:
    base = pd.DataFrame(data).copy()
    if isinstance(base, gpd.GeoDataFrame) or "geometry" in base.columns:
        base = base.rename(columns={"geometry": "input_geometry"})
    rename = {}
    for col in out_cols.columns:
        if col in base.columns:
            if not prefix_clashes:
                raise InputError("input already has an output column", column=col)
            rename[col] = f"geo_{col}"
    out_cols = out_cols.rename(columns=rename)
    merged = pd.concat([base, out_cols], axis=1)
    if geometry is None:
        lat = out_cols[rename.get("latitude", "latitude")]
        lon = out_cols[rename.get("longitude", "longitude")]
        geometry = gpd.points_from_xy(lon, lat, crs="EPSG:4326")
        geometry[lat.isna().to_numpy()] = None
    return gpd.GeoDataFrame(merged, geometry=geometry, crs="EPSG:4326")


def _is_dask(data: Any) -> bool:
    return type(data).__module__.startswith("dask")
