"""Turn an events table into the compact, columnar payload drawn by ``data/maps/incidents.js``.

Coordinates are integers of 1e-5 degree, dates are day numbers (days since 1970-01-01, -1 when
undated), repeated strings are dictionary encoded and long payloads are gzipped and base64
encoded (the browser inflates them with ``DecompressionStream``). Nothing is escaped here:
the browser escapes every string when it builds a popup or tooltip, and :func:`encode` makes the
JSON safe inside ``<script>``.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"latitude": [36.2, None], "longitude": [37.1, None],
...                    "event_type": ["Battles", "Protests"], "location": ["Aleppo", "Nowhere"]})
>>> p = build_payload(df)
>>> p["n"], p["lon"], p["lat"], p["unresolved"]["n"]
(1, [3710000], [3620000], 1)
>>> [t["label"] for t in p["types"]]
['Battles', 'Protests']
"""

from __future__ import annotations

import base64
import gzip
import logging
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..errors import InputError
from ..htmlsafe import script_json
from .styles import event_type_styles, precision_label, styles

log = logging.getLogger(__name__)

__all__ = ["event_points", "event_days", "build_payload", "encode", "area_rings"]

COMPRESS_ABOVE = 1_000_000  # bytes of JSON


def _row(df: pd.DataFrame, pos: int) -> Any:
    return df.index[pos]


def event_points(events: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(lon, lat) float arrays for each row: from ``geometry`` where set, else ``longitude``/``latitude``.

    Rows with no usable point get NaN. Non-point geometries use a point on their surface. A
    GeoDataFrame in another CRS is converted to EPSG:4326.

    Raises
    ------
    InputError
        If there is neither geometry nor latitude/longitude, a coordinate is not a number, or it
        is out of range.
    """
    if not isinstance(events, pd.DataFrame):
        raise InputError(f"events must be a DataFrame or GeoDataFrame, not {type(events).__name__}")
    n = len(events)
    lon = np.full(n, np.nan)
    lat = np.full(n, np.nan)
    has_geom = "geometry" in events.columns
    has_xy = "latitude" in events.columns and "longitude" in events.columns
    if not has_geom and not has_xy:
        raise InputError("events need a 'geometry' column or 'latitude' and 'longitude' columns",
                         column="geometry")
    if has_geom:
        import geopandas as gpd
        import shapely

        geoseries = events.geometry if isinstance(events, gpd.GeoDataFrame) else events["geometry"]
        try:
            geoseries = gpd.GeoSeries(geoseries, index=events.index)
        except (TypeError, ValueError) as exc:
            raise InputError(f"geometry column does not hold geometries: {exc}", column="geometry") from exc
        if geoseries.crs is not None and not geoseries.crs.equals("EPSG:4326"):
            geoseries = geoseries.to_crs("EPSG:4326")
        geoms = np.asarray(geoseries.array, dtype=object)
        usable = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        non_point = usable & (shapely.get_type_id(geoms) != 0)
        if non_point.any():
            geoms = geoms.copy()
            geoms[non_point] = shapely.point_on_surface(geoms[non_point])
        gx = shapely.get_x(np.where(usable, geoms, None))
        gy = shapely.get_y(np.where(usable, geoms, None))
        lon[usable], lat[usable] = gx[usable], gy[usable]
    if has_xy:
        fill = np.isnan(lon) | np.isnan(lat)
        for name, target in (("longitude", lon), ("latitude", lat)):
            raw = events[name]
            num = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            bad = np.isnan(num) & raw.notna().to_numpy() & (raw.astype(str).str.strip() != "").to_numpy()
            if bad.any():
                pos = int(np.flatnonzero(bad)[0])
                raise InputError("coordinate is not a number", row=_row(events, pos), column=name,
                                 value=raw.iloc[pos])
            target[fill] = num[fill]
        both = np.isnan(lon) | np.isnan(lat)
        lon[both] = np.nan
        lat[both] = np.nan
    for name, values, limit in (("longitude", lon, 180.0), ("latitude", lat, 90.0)):
        bad = np.abs(values) > limit
        if bad.any():
            pos = int(np.flatnonzero(bad)[0])
            raise InputError(f"{name} out of range (|value| > {limit:g})", row=_row(events, pos),
                             column=name, value=float(values[pos]))
    return lon, lat


def event_days(events: pd.DataFrame, column: str = "event_date") -> np.ndarray:
    """Day numbers (days since 1970-01-01) of ``column``; -1 where missing or no such column.

    Examples
    --------
    >>> import pandas as pd
    >>> event_days(pd.DataFrame({"event_date": ["2020-06-01", None]})).tolist()
    [18414, -1]
    """
    if column not in events.columns:
        return np.full(len(events), -1, dtype=np.int64)
    raw = events[column]
    if pd.api.types.is_datetime64_any_dtype(raw):
        dates = raw
        if getattr(dates.dt, "tz", None) is not None:
            dates = dates.dt.tz_convert(None)
    else:
        dates = pd.to_datetime(raw, errors="coerce", format="mixed")
        bad = dates.isna().to_numpy() & raw.notna().to_numpy() & (raw.astype(str).str.strip() != "").to_numpy()
        if bad.any():
            pos = int(np.flatnonzero(bad)[0])
            raise InputError("not a date", row=_row(events, pos), column=column, value=raw.iloc[pos])
    days = dates.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64)
    days[dates.isna().to_numpy()] = -1
    return days


def _text(events: pd.DataFrame, column: str, max_len: int | None = None) -> pd.Series:
    """Column as stripped strings with None for missing/empty (all None if the column is absent)."""
    if column not in events.columns:
        return pd.Series([None] * len(events), index=events.index, dtype=object)
    raw = events[column]
    present = raw.notna().to_numpy()
    out = raw.astype(object).where(present, "").astype(str).str.strip()
    if max_len is not None:
        long = out.str.len() > max_len
        if long.any():
            out = out.where(~long, out.str.slice(0, max_len - 1).str.rstrip() + "\u2026")
    out = out.where(out != "", None)
    return out.astype(object).where(out.notna(), None)


def _join(left: pd.Series, right: pd.Series, sep: str) -> pd.Series:
    both = left.notna() & right.notna()
    out = left.where(left.notna(), right)
    return out.where(~both, left.astype(str) + sep + right.astype(str))


def _column(values: pd.Series) -> dict[str, list]:
    """Dictionary-encode ``values`` when it repeats, else keep them as a list (None for missing)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if len(values) and len(uniques) <= 0.5 * len(values):
        return {"dict": [str(u) for u in uniques], "idx": codes.tolist()}
    return {"values": [None if v is None or pd.isna(v) else str(v) for v in values.tolist()]}


def _precision(events: pd.DataFrame) -> np.ndarray:
    if "geo_precision" not in events.columns:
        return np.zeros(len(events), dtype=np.int64)
    raw = events["geo_precision"]
    num = pd.to_numeric(raw, errors="coerce")
    bad = (num.notna() & ~num.isin([1, 2, 3])) | (num.isna() & raw.notna() & (raw.astype(str).str.strip() != ""))
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError("geo_precision must be 1, 2 or 3", row=_row(events, pos), column="geo_precision",
                         value=raw.iloc[pos])
    return num.fillna(0).astype(np.int64).to_numpy()


def _fields(events: pd.DataFrame, prec: np.ndarray, max_text: int) -> tuple[list[dict], dict[str, pd.Series]]:
    """Popup field definitions and their display values (unescaped strings)."""
    table = styles()
    cols: dict[str, pd.Series] = {}
    date = _text(events, "event_date")
    if "event_date" in events.columns:
        days = event_days(events)
        iso = pd.Series(np.where(days >= 0, days, 0).astype("datetime64[D]").astype(str), index=events.index)
        date = iso.where(days >= 0, None)
        if "time_precision" in events.columns:
            tp = pd.to_numeric(events["time_precision"], errors="coerce")
            note = tp.map(lambda v: table["time_precision"].get(str(int(v)), "") if pd.notna(v) else "")
            date = date.where(~((note != "") & date.notna()), date.astype(str) + " (within a " + note + ")")
    cols["date"] = date
    cols["sub_event_type"] = _text(events, "sub_event_type")
    cols["actors"] = _join(_text(events, "actor1"), _text(events, "actor2"), " \u2014 ")
    fat = pd.to_numeric(events["fatalities"], errors="coerce") if "fatalities" in events.columns else None
    cols["fatalities"] = (fat.map(lambda v: None if pd.isna(v) else f"{v:g}") if fat is not None
                          else pd.Series([None] * len(events), index=events.index, dtype=object))
    cols["location"] = _join(_text(events, "location"), _text(events, "admin1"), ", ")
    labels = {p: f"{p} \u2013 {precision_label(p)}" for p in (1, 2, 3)}
    cols["precision"] = pd.Series([labels.get(int(p)) for p in prec], index=events.index, dtype=object)
    status = _text(events, "match_status")
    cols["match"] = _join(status, _text(events, "match_reason", 200), ": ")
    cols["source"] = _text(events, "source", 200)
    cols["source_url"] = _text(events, "source_url", 2000)
    sentence = _text(events, "source_sentence", max_text)
    notes = _text(events, "notes", max_text)
    cols["quote"] = sentence.where(sentence.notna(), notes)
    cols["event_id"] = _text(events, "event_id_cnty")
    quote_label = "Quoted sentence" if sentence.notna().any() else "Notes"
    fields = [
        {"key": "date", "label": "Date", "kind": "text"},
        {"key": "actors", "label": "Actors", "kind": "text"},
        {"key": "fatalities", "label": "Fatalities", "kind": "text"},
        {"key": "location", "label": "Location", "kind": "text"},
        {"key": "precision", "label": "Geo-precision", "kind": "text"},
        {"key": "match", "label": "Place match", "kind": "text"},
        {"key": "source_url", "label": "Source", "kind": "url", "text": "source"},
        {"key": "event_id", "label": "Event ID", "kind": "text"},
        {"key": "quote", "label": quote_label, "kind": "quote"},
        {"key": "sub_event_type", "label": "Sub-event type", "kind": "hidden"},
        {"key": "source", "label": "Source", "kind": "hidden"},
    ]
    fields = [f for f in fields if cols[f["key"]].notna().any() or f["key"] == "date"]
    return fields, cols


def area_rings(geometry: Any, tolerance: float = 0.003) -> list[list[int]]:
    """Rings of a (multi)polygon as flat lists ``[x0, y0, x1, y1, ...]`` in 1e-5 degrees.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> area_rings(box(36, 35, 36.5, 35.5))[0][:4]
    [3650000, 3500000, 3650000, 3550000]
    """
    import shapely

    geom = shapely.simplify(geometry, tolerance, preserve_topology=True) if tolerance else geometry
    rings: list[list[int]] = []
    polygons = getattr(geom, "geoms", [geom])
    for poly in polygons:
        if poly.geom_type != "Polygon":
            continue
        for ring in [poly.exterior, *poly.interiors]:
            coords = np.round(np.asarray(ring.coords)[:, :2] * 1e5).astype(np.int64)
            rings.append(coords.ravel().tolist())
    return rings


def _polygons(place_ids: pd.Series, prec: np.ndarray, areas: Mapping[str, Any] | None) -> tuple[list[int], list]:
    index = np.full(len(place_ids), -1, dtype=np.int64)
    polys: list = []
    if not areas:
        return index.tolist(), polys
    slots: dict[str, int] = {}
    missing: set[str] = set()
    for pos in np.flatnonzero(prec == 3):
        pid = place_ids.iloc[pos]
        if pid is None:
            continue
        if pid not in slots:
            geom = areas.get(pid)
            if geom is None or getattr(geom, "is_empty", True) or geom.geom_type not in ("Polygon", "MultiPolygon"):
                missing.add(pid)
                continue
            slots[pid] = len(polys)
            polys.append(area_rings(geom))
        index[pos] = slots[pid]
    if missing:
        log.info("no area polygon for %d geo_precision-3 place(s), drawn as circles: %s",
                 len(missing), ", ".join(sorted(missing)[:5]))
    return index.tolist(), polys


def build_payload(events: pd.DataFrame, *, areas: Mapping[str, Any] | None = None,
                  precision2_radius_m: float | None = None, max_text: int = 400) -> dict[str, Any]:
    """The incidents payload: located events as columns, unresolved events listed separately.

    Parameters
    ----------
    events
        DataFrame or GeoDataFrame with geometry or latitude/longitude (other columns optional).
    areas
        Mapping ``place_id -> polygon`` used to outline geo_precision-3 events.
    precision2_radius_m
        Radius drawn around geo_precision-2 events (default from ``map_styles.json``).
    max_text
        Longest quoted sentence or note kept, in characters.
    """
    lon, lat = event_points(events)
    days = event_days(events)
    prec = _precision(events)
    types_raw = _text(events, "event_type")
    type_styles = event_type_styles(types_raw.tolist())
    type_code = {s["label"]: k for k, s in enumerate(type_styles)}
    unknown = styles()["unknown_type_label"]
    type_idx = np.array([type_code[unknown if t is None else t] for t in types_raw.tolist()], dtype=np.int64)
    for style, code in zip(type_styles, range(len(type_styles))):
        style["count"] = int((type_idx == code).sum())
    fields, cols = _fields(events, prec, max_text)
    located = ~(np.isnan(lon) | np.isnan(lat))
    pos = np.flatnonzero(located)
    upos = np.flatnonzero(~located)
    place_ids = _text(events, "place_id")
    poly_idx, polys = _polygons(place_ids.iloc[pos], prec[pos], areas)
    geo = styles()["geo_precision"]
    payload: dict[str, Any] = {
        "n": int(len(pos)),
        "lon": np.round(lon[pos] * 1e5).astype(np.int64).tolist(),
        "lat": np.round(lat[pos] * 1e5).astype(np.int64).tolist(),
        "day": days[pos].tolist(),
        "type": type_idx[pos].tolist(),
        "prec": prec[pos].tolist(),
        "p2radius": float(precision2_radius_m or geo["2"]["radius_m"]),
        "p3radius": float(geo["3"]["fallback_radius_m"]),
        "types": type_styles,
        "fields": fields,
        "cols": {key: _column(series.iloc[pos]) for key, series in cols.items()},
        "unresolved": {
            "n": int(len(upos)),
            "day": days[upos].tolist(),
            "type": type_idx[upos].tolist(),
            "cols": {key: _column(series.iloc[upos]) for key, series in cols.items()},
        },
    }
    if polys:
        payload["poly"] = poly_idx
        payload["polys"] = polys
    valid = days[days >= 0]
    payload["day_range"] = [int(valid.min()), int(valid.max())] if len(valid) else None
    return payload


def encode(payload: dict[str, Any], compress: bool | None = None) -> str:
    """JavaScript expression for ``payload`` that is safe inside ``<script>``.

    With ``compress=None`` payloads over about 1 MB are gzipped and base64 encoded.

    Examples
    --------
    >>> encode({"a": "</script>"})
    '{"a":"\\\\u003c/script\\\\u003e"}'
    >>> encode({"a": 1}, compress=True).startswith('{"gz":"')
    True
    """
    text = script_json(payload)
    if compress is None:
        compress = len(text) > COMPRESS_ABOVE
    if not compress:
        return text
    packed = base64.b64encode(gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0)).decode("ascii")
    return '{"gz":"' + packed + '"}'
