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
import json
import logging
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..errors import InputError
from ..htmlsafe import escape_script_text
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
            bad = np.isnan(num) & raw.notna().to_numpy()
            if bad.any():
                bad[bad] = (raw[bad].astype(str).str.strip() != "").to_numpy()
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
        bad = dates.isna().to_numpy() & raw.notna().to_numpy()
        if bad.any():
            bad[bad] = (raw[bad].astype(str).str.strip() != "").to_numpy()
        if bad.any():
            pos = int(np.flatnonzero(bad)[0])
            raise InputError("not a date", row=_row(events, pos), column=column, value=raw.iloc[pos])
    days = dates.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64)
    days[dates.isna().to_numpy()] = -1
    return days


class Coded:
    """A text column as integer codes (-1 = missing) into a list of distinct strings.

    Text work (strip, truncate, join) is done once per distinct value, so repeated values such as
    actors or locations cost almost nothing.

    Examples
    --------
    >>> c = Coded.of(pd.Series([" a ", None, "a", ""]))
    >>> c.values()
    ['a', None, 'a', None]
    """

    __slots__ = ("codes", "uniques")

    def __init__(self, codes: np.ndarray, uniques: list[str]):
        self.codes = codes
        self.uniques = uniques

    @classmethod
    def missing(cls, n: int) -> "Coded":
        return cls(np.full(n, -1, dtype=np.int64), [])

    @classmethod
    def of(cls, raw: pd.Series, max_len: int | None = None) -> "Coded":
        codes, uniques = pd.factorize(raw, use_na_sentinel=True)
        cleaned = []
        for value in uniques.tolist() if hasattr(uniques, "tolist") else list(uniques):
            value = str(value).strip()
            if max_len is not None and len(value) > max_len:
                value = value[: max_len - 1].rstrip() + "\u2026"
            cleaned.append(value)
        return cls._from_strings(np.asarray(codes, dtype=np.int64), cleaned)

    @classmethod
    def _from_strings(cls, codes: np.ndarray, strings: list[str | None]) -> "Coded":
        """Re-code so that empty/None strings become -1 and equal strings share one code."""
        remap = np.full(len(strings) + 1, -1, dtype=np.int64)  # last slot maps code -1
        slots: dict[str, int] = {}
        uniques: list[str] = []
        for k, value in enumerate(strings):
            if value is None or value == "":
                continue
            slot = slots.get(value)
            if slot is None:
                slot = slots[value] = len(uniques)
                uniques.append(value)
            remap[k] = slot
        return cls(remap[codes], uniques)

    def map(self, func) -> "Coded":
        """Apply ``func`` (str -> str or None) to each distinct value."""
        return Coded._from_strings(self.codes, [func(u) for u in self.uniques])

    def join(self, other: "Coded", sep: str) -> "Coded":
        """Element-wise ``self + sep + other``, or whichever is present."""
        width = len(other.uniques) + 1
        key = (self.codes + 1) * width + (other.codes + 1)
        pair_codes, pairs = pd.factorize(key)
        strings = []
        for pair in pairs.tolist():
            left, right = divmod(int(pair), width)
            a = self.uniques[left - 1] if left else None
            b = other.uniques[right - 1] if right else None
            strings.append(f"{a}{sep}{b}" if a and b else (a or b))
        return Coded._from_strings(np.asarray(pair_codes, dtype=np.int64), strings)

    def coalesce(self, other: "Coded") -> "Coded":
        """Values of ``self``, or of ``other`` where ``self`` is missing."""
        offset = len(self.uniques)
        codes = np.where(self.codes >= 0, self.codes, np.where(other.codes >= 0, other.codes + offset, -1))
        return Coded._from_strings(codes, self.uniques + other.uniques)

    def any(self) -> bool:
        return bool((self.codes >= 0).any())

    def values(self, pos: np.ndarray | None = None) -> list[str | None]:
        codes = self.codes if pos is None else self.codes[pos]
        table = np.array(self.uniques + [None], dtype=object)
        return table[codes].tolist()

    def column(self, pos: np.ndarray) -> dict[str, list]:
        """Payload column for rows ``pos``: dictionary encoded when values repeat."""
        codes = self.codes[pos]
        if len(codes) and len(self.uniques) <= 0.5 * len(codes):
            return {"dict": self.uniques, "idx": codes.tolist()}
        return {"values": self.values(pos)}


def _text(events: pd.DataFrame, column: str, max_len: int | None = None) -> Coded:
    """Column as stripped, possibly truncated strings; missing or empty -> code -1."""
    if column not in events.columns:
        return Coded.missing(len(events))
    return Coded.of(events[column], max_len)


def _precision(events: pd.DataFrame) -> np.ndarray:
    if "geo_precision" not in events.columns:
        return np.zeros(len(events), dtype=np.int64)
    raw = events["geo_precision"]
    num = pd.to_numeric(raw, errors="coerce")
    bad = (num.notna() & ~num.isin([1, 2, 3])).to_numpy()
    unparsed = (num.isna() & raw.notna()).to_numpy()
    if unparsed.any():
        bad[unparsed] = (raw[unparsed].astype(str).str.strip() != "").to_numpy()
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise InputError("geo_precision must be 1, 2 or 3", row=_row(events, pos), column="geo_precision",
                         value=raw.iloc[pos])
    return num.fillna(0).astype(np.int64).to_numpy()


def _fields(events: pd.DataFrame, days: np.ndarray, prec: np.ndarray,
            max_text: int) -> tuple[list[dict], dict[str, Coded]]:
    """Popup field definitions and their display values (unescaped strings)."""
    table = styles()
    n = len(events)
    cols: dict[str, Coded] = {}
    day_codes, day_values = pd.factorize(days)
    date = Coded._from_strings(np.asarray(day_codes, dtype=np.int64),
                               [str(np.datetime64(int(d), "D")) if d >= 0 else None for d in day_values])
    if "time_precision" in events.columns:
        tp = pd.to_numeric(events["time_precision"], errors="coerce")
        notes = Coded.of(tp.astype("Int64")).map(lambda v: table["time_precision"].get(v, "") or None)
        date = date.join(notes.map(lambda v: f"(within a {v})"), " ")
        date.codes[days < 0] = -1  # a precision note alone is not a date
    cols["date"] = date
    cols["sub_event_type"] = _text(events, "sub_event_type")
    cols["actors"] = _text(events, "actor1").join(_text(events, "actor2"), " \u2014 ")
    if "fatalities" in events.columns:
        fat = pd.to_numeric(events["fatalities"], errors="coerce")
        cols["fatalities"] = Coded.of(fat).map(lambda v: f"{float(v):g}")
    else:
        cols["fatalities"] = Coded.missing(n)
    cols["location"] = _text(events, "location").join(_text(events, "admin1"), ", ")
    labels = [None] + [f"{p} \u2013 {precision_label(p)}" for p in (1, 2, 3)]
    cols["precision"] = Coded._from_strings(np.where(prec > 0, prec, 0).astype(np.int64), labels)
    cols["match"] = _text(events, "match_status").join(_text(events, "match_reason", 200), ": ")
    cols["source"] = _text(events, "source", 200)
    cols["source_url"] = _text(events, "source_url", 2000)
    sentence = _text(events, "source_sentence", max_text)
    cols["quote"] = sentence.coalesce(_text(events, "notes", max_text))
    cols["event_id"] = _text(events, "event_id_cnty")
    quote_label = "Quoted sentence" if sentence.any() else "Notes"
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
    fields = [f for f in fields if cols[f["key"]].any() or f["key"] == "date"]
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
    order = pd.unique(types_raw.codes)  # first-seen order of distinct types (-1 = missing)
    type_styles = event_type_styles([types_raw.uniques[c] if c >= 0 else None for c in order])
    type_code = {s["label"]: k for k, s in enumerate(type_styles)}
    unknown = styles()["unknown_type_label"]
    lookup = np.array([type_code[u] for u in types_raw.uniques] + [type_code.get(unknown, 0)], dtype=np.int64)
    type_idx = lookup[types_raw.codes]
    counts = np.bincount(type_idx, minlength=len(type_styles))
    for code, style in enumerate(type_styles):
        style["count"] = int(counts[code])
    fields, cols = _fields(events, days, prec, max_text)
    located = ~(np.isnan(lon) | np.isnan(lat))
    pos = np.flatnonzero(located)
    upos = np.flatnonzero(~located)
    place_ids = pd.Series(_text(events, "place_id").values(pos), dtype=object)
    poly_idx, polys = _polygons(place_ids, prec[pos], areas)
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
        "cols": {key: coded.column(pos) for key, coded in cols.items()},
        "unresolved": {
            "n": int(len(upos)),
            "day": days[upos].tolist(),
            "type": type_idx[upos].tolist(),
            "cols": {key: coded.column(upos) for key, coded in cols.items()},
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
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    if compress is None:
        compress = len(text) > COMPRESS_ABOVE
    if not compress:
        return escape_script_text(text)
    # base64 is inert in HTML, so the JSON inside needs no escaping
    packed = base64.b64encode(gzip.compress(text.encode("utf-8"), compresslevel=1, mtime=0)).decode("ascii")
    return '{"gz":"' + packed + '"}'
