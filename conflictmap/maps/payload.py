"""Turn an events table into the compact, columnar payload drawn by ``data/maps/incidents.js``.

Coordinates are integers of 1e-5 degree, dates are day numbers (days since 1970-01-01, -1 when
undated), numeric columns are numpy arrays until :func:`encode` writes them, repeated strings are
dictionary encoded, long string lists are sent as one joined string, and long payloads are gzipped and base64
encoded (the browser inflates them with ``DecompressionStream``). Nothing is escaped here:
the browser escapes every string when it builds a popup or tooltip, and :func:`encode` makes the
JSON safe inside ``<script>``.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"latitude": [36.2, None], "longitude": [37.1, None],
...                    "event_type": ["Battles", "Protests"], "location": ["Aleppo", "Nowhere"]})
>>> p = build_payload(df)
>>> p["n"], p["lon"].tolist(), p["lat"].tolist(), p["unresolved"]["n"]
(1, [3710000], [3620000], 1)
>>> [t["label"] for t in p["types"]]
['Battles', 'Protests']
"""

from __future__ import annotations

import base64
import json
import logging
import zlib
from typing import Any, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import InputError
from ..htmlsafe import escape_script_text
from .styles import event_type_styles, precision_label, styles

log = logging.getLogger(__name__)

__all__ = ["event_points", "event_days", "build_payload", "encode", "dumps", "area_rings", "string_list"]

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


_SEP = "\x1f"  # joins long string lists into one JSON string (see core.js ``strings``); never in data
_JOIN_ABOVE = 64  # string lists longer than this are sent joined


def _large_strings(values: Any) -> pa.Array:
    """A pyarrow ``large_string`` array (chunked arrays combined)."""
    arr = values if isinstance(values, (pa.Array, pa.ChunkedArray)) else pa.array(values, type=pa.large_string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks else pa.array([], type=pa.large_string())
    return arr.cast(pa.large_string()) if arr.type != pa.large_string() else arr


def string_list(values: pa.Array) -> Any:
    """A list of strings for the payload: a JSON list, or ``{"j": one string}`` (joined with U+001F,
    missing values as '') when long, which is much faster to write and to parse.

    Examples
    --------
    >>> string_list(pa.array(["a", None]))
    ['a', None]
    >>> string_list(pa.array(["a"] * 65))["j"].split(chr(31))[:2]
    ['a', 'a']
    """
    if len(values) <= _JOIN_ABOVE:
        return values.to_pylist()
    filled = pc.fill_null(_large_strings(values), "")
    whole = pa.LargeListArray.from_arrays(pa.array([0, len(filled)], type=pa.int64()), filled)
    return {"j": pc.binary_join(whole, pa.scalar(_SEP, pa.large_string()))[0].as_py()}


def _mostly_distinct(arr: pa.Array, sample: int = 4000) -> bool:
    """True when a random sample (fixed seed) of a long column has no repeated value.

    A column where each value is used twice on average shows ~``sample**2 / (2 * n)`` repeats
    in the sample (16 for a million rows), so only columns of (nearly) distinct values pass.
    """
    if len(arr) < 5 * sample:
        return False
    picks = np.sort(np.random.default_rng(0).choice(len(arr), sample, replace=False))
    values = arr.take(pa.array(picks)).drop_null().to_pylist()
    return len(values) > sample // 2 and len(set(values)) == len(values)


def _bytes(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(offsets, data bytes) of a large_string array, without copying."""
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[arr.offset: arr.offset + len(arr) + 1]
    data = arr.buffers()[2]
    return offsets, (np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8))


# first and last UTF-8 bytes that can belong to a white-space character (ASCII ones, and the lead and
# final bytes of U+0085, U+00A0, U+1680, U+180E, U+2000-U+200A, U+2028/9, U+202F, U+205F, U+3000)
_SPACE_FIRST = np.zeros(256, bool)
_SPACE_FIRST[[9, 10, 11, 12, 13, 32, 0xC2, 0xE1, 0xE2, 0xE3]] = True
_SPACE_LAST = np.zeros(256, bool)
_SPACE_LAST[[9, 10, 11, 12, 13, 32, *range(0x80, 0x8B), 0x8E, 0x9F, 0xA0, 0xA8, 0xA9, 0xAF]] = True


def _edge_bytes_may_be_space(arr: pa.Array) -> bool:
    """False when no string can start or end with white space (so trimming would change nothing)."""
    if not len(arr):
        return False
    offsets, data = _bytes(arr)
    start, stop = offsets[:-1], offsets[1:]
    full = stop > start
    if not full.any():
        return False
    return bool(_SPACE_FIRST[data[start[full]]].any() or _SPACE_LAST[data[stop[full] - 1]].any())


def _contains_byte(arr: pa.Array, byte: int) -> bool:
    offsets, data = _bytes(arr)
    if not len(offsets):
        return False
    return bool((data[offsets[0]: offsets[-1]] == byte).any())


class Coded:
    """A text column as integer codes (-1 = missing) into distinct strings (a pyarrow array).

    Text work (strip, truncate, join) is done once per distinct value, and in Arrow's compute
    kernels, so neither repeated values (actors, locations) nor a million distinct sentences cost
    a Python call per row.

    Examples
    --------
    >>> c = Coded.of(pd.Series([" a ", None, "a", ""]))
    >>> c.values()
    ['a', None, 'a', None]
    >>> Coded.of(pd.Series(["x" * 10]), max_len=5).values()
    ['xxxx\u2026']
    """

    __slots__ = ("codes", "uniques")

    def __init__(self, codes: np.ndarray, uniques: pa.Array):
        self.codes = codes
        self.uniques = uniques

    @classmethod
    def missing(cls, n: int) -> "Coded":
        return cls(np.full(n, -1, dtype=np.int64), pa.array([], type=pa.large_string()))

    @classmethod
    def of(cls, raw: pd.Series, max_len: int | None = None) -> "Coded":
        arr = None
        if raw.dtype == object or isinstance(raw.dtype, pd.StringDtype) or "string" in str(raw.dtype):
            try:
                arr = pa.array(raw, from_pandas=True)
            except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed Python objects
                arr = None
        if arr is not None and pa.types.is_null(arr.type):
            return cls.missing(len(raw))
        per_row = False
        if arr is None or not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
            codes, uniques = pd.factorize(raw, use_na_sentinel=True)
            arr_codes = np.asarray(codes, dtype=np.int64)
            distinct = pa.array([str(v) for v in np.asarray(uniques, dtype=object)], type=pa.large_string())
        elif _mostly_distinct(arr := _large_strings(arr)):
            # sentences, ids: every row is its own value, so no hashing (equal values may keep two codes)
            per_row = True
            arr_codes = np.arange(len(arr), dtype=np.int64)
            arr_codes[arr.is_null().to_numpy(zero_copy_only=False)] = -1
            distinct = arr
        else:
            encoded = pc.dictionary_encode(arr)
            arr_codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
            distinct = _large_strings(encoded.dictionary)
        cleaned, changed = distinct, False
        if _edge_bytes_may_be_space(distinct):
            cleaned = pc.utf8_trim_whitespace(distinct)
            changed = not pc.all(pc.equal(cleaned, distinct)).as_py()
        if _contains_byte(cleaned, 0x1F):
            cleaned = pc.replace_substring(cleaned, _SEP, " ")
            changed = True
        if max_len is not None and len(cleaned):
            long = pc.greater(pc.utf8_length(cleaned), max_len)
            if pc.any(long).as_py():
                cut = pc.utf8_rtrim_whitespace(pc.utf8_slice_codeunits(cleaned, 0, max_len - 1))
                cut = pc.binary_join_element_wise(cut, pa.scalar("\u2026", pa.large_string()),
                                                  pa.scalar("", pa.large_string()))
                cleaned = pc.if_else(long, cut, cleaned)
                changed = True
        cleaned = _large_strings(cleaned)
        if per_row:
            blank = pc.equal(cleaned, "").fill_null(False).to_numpy(zero_copy_only=False)
            arr_codes[blank] = -1
            return cls(arr_codes, cleaned)
        if not changed and not pc.any(pc.equal(cleaned, "")).as_py():
            return cls(arr_codes, cleaned)  # already distinct, none blank
        return cls._from_strings(arr_codes, cleaned)

    @classmethod
    def _from_strings(cls, codes: np.ndarray, strings: Any) -> "Coded":
        """Re-code so that empty/None strings become -1 and equal strings share one code.

        One hash pass (Arrow ``dictionary_encode``) over the strings, however many there are.
        """
        table = _large_strings(strings)
        if not len(table):
            return cls(np.full(len(codes), -1, dtype=np.int64), table)
        table = pc.if_else(pc.equal(table, ""), pa.scalar(None, pa.large_string()), table)
        encoded = pc.dictionary_encode(table)
        slot = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        remap = np.append(slot, -1)  # last slot maps code -1
        return cls(remap[codes], _large_strings(encoded.dictionary))

    def map(self, func) -> "Coded":
        """Apply ``func`` (str -> str or None) to each distinct value (for short lists of values)."""
        return Coded._from_strings(self.codes, [func(u) for u in self.uniques.to_pylist()])

    def join(self, other: "Coded", sep: str) -> "Coded":
        """Element-wise ``self + sep + other``, or whichever is present."""
        width = len(other.uniques) + 1
        key = (self.codes + 1) * width + (other.codes + 1)
        pair_codes, pairs = pd.factorize(key)
        left, right = np.divmod(np.asarray(pairs, dtype=np.int64), width)
        a = pc.take(self.uniques, pa.array(left - 1, mask=left == 0)) if len(self.uniques) else None
        b = pc.take(other.uniques, pa.array(right - 1, mask=right == 0)) if len(other.uniques) else None
        if a is None or b is None:
            strings = a if b is None else b
            if strings is None:
                return Coded.missing(len(self.codes))
        else:
            both = pc.binary_join_element_wise(a, b, pa.scalar(sep, pa.large_string()))
            strings = pc.coalesce(both, a, b)
        return Coded._from_strings(np.asarray(pair_codes, dtype=np.int64), strings)

    def coalesce(self, other: "Coded") -> "Coded":
        """Values of ``self``, or of ``other`` where ``self`` is missing."""
        if not other.any() or self.codes.min(initial=0) >= 0:
            return self
        if not self.any():
            return other
        offset = len(self.uniques)
        codes = np.where(self.codes >= 0, self.codes, np.where(other.codes >= 0, other.codes + offset, -1))
        # a string in both lists keeps two codes: harmless, and no second hash pass over both
        return Coded(codes, pa.concat_arrays([self.uniques, other.uniques]))

    def any(self) -> bool:
        return bool((self.codes >= 0).any())

    def _take(self, pos: np.ndarray | None) -> pa.Array:
        codes = self.codes if pos is None else self.codes[pos]
        if not len(self.uniques):
            return pa.nulls(len(codes), type=pa.large_string())
        return pc.take(self.uniques, pa.array(codes, mask=codes < 0))

    def values(self, pos: np.ndarray | None = None) -> list[str | None]:
        return self._take(pos).to_pylist()

    def column(self, pos: np.ndarray) -> dict[str, Any]:
        """Payload column for rows ``pos``: dictionary encoded when values repeat; long string
        lists are joined (see :func:`string_list`)."""
        codes = self.codes[pos]
        if len(codes) and len(self.uniques) <= 0.5 * len(codes):
            return {"dict": string_list(self.uniques), "idx": codes}
        return {"values": string_list(self._take(pos))}


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
    type_names = types_raw.uniques.to_pylist()
    type_styles = event_type_styles([type_names[c] if c >= 0 else None for c in order])
    type_code = {s["label"]: k for k, s in enumerate(type_styles)}
    unknown = styles()["unknown_type_label"]
    lookup = np.array([type_code[u] for u in type_names] + [type_code.get(unknown, 0)], dtype=np.int64)
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
        "lon": np.round(lon[pos] * 1e5).astype(np.int64),
        "lat": np.round(lat[pos] * 1e5).astype(np.int64),
        "day": days[pos],
        "type": type_idx[pos],
        "prec": prec[pos],
        "p2radius": float(precision2_radius_m or geo["2"]["radius_m"]),
        "p3radius": float(geo["3"]["fallback_radius_m"]),
        "types": type_styles,
        "fields": fields,
        "cols": {key: coded.column(pos) for key, coded in cols.items()},
        "unresolved": {
            "n": int(len(upos)),
            "day": days[upos],
            "type": type_idx[upos],
            "cols": {key: coded.column(upos) for key, coded in cols.items()},
        },
    }
    if polys:
        payload["poly"] = poly_idx
        payload["polys"] = polys
    valid = days[days >= 0]
    payload["day_range"] = [int(valid.min()), int(valid.max())] if len(valid) else None
    return payload


def _plain(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


_TYPED = [("u1", 0, 255), ("i1", -128, 127), ("u2", 0, 65535), ("i2", -32768, 32767),
          ("i4", -2**31, 2**31 - 1)]


def typed_array(values: np.ndarray) -> dict[str, Any]:
    """An integer array as ``{"b64": little-endian bytes in base64, "dtype": "u1"|"i1"|"u2"|"i2"|"i4"}``,
    the smallest type that holds it; the browser reads it as a typed array (``core.js``).

    A tenth of the time of writing the numbers as JSON text, and no larger once gzipped.

    Examples
    --------
    >>> typed_array(np.array([-1, 300]))
    {'b64': '//8sAQ==', 'dtype': 'i2'}
    """
    low, high = (int(values.min()), int(values.max())) if len(values) else (0, 0)
    for dtype, lo, hi in _TYPED:
        if lo <= low and high <= hi:
            break
    else:
        raise ValueError(f"integers out of the 32-bit range: {low}..{high}")
    data = np.ascontiguousarray(values, dtype=np.dtype(dtype).newbyteorder("<")).tobytes()
    return {"b64": base64.b64encode(data).decode("ascii"), "dtype": dtype}


def _parts(value: Any, out: list[str]) -> None:
    if isinstance(value, dict):
        out.append("{")
        for k, (key, item) in enumerate(value.items()):
            out.append(("," if k else "") + json.dumps(str(key), ensure_ascii=False) + ":")
            _parts(item, out)
        out.append("}")
    elif isinstance(value, np.ndarray) and value.ndim == 1 and value.dtype.kind in "iub" and len(value) > 256:
        out.append(json.dumps(typed_array(value)))
    else:
        out.append(json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=_plain))


def dumps(value: Any) -> str:
    """Compact JSON of a payload (non-ASCII kept, NaN refused); short numpy arrays are written as
    lists, long integer arrays as :func:`typed_array` objects.

    Examples
    --------
    >>> dumps({"a": np.arange(3), "b": ["x", None], "c": {"d": np.int64(2)}})
    '{"a":[0,1,2],"b":["x",null],"c":{"d":2}}'
    >>> dumps({"a": np.zeros(300, dtype=int)})[:30]
    '{"a":{"b64": "AAAAAAAAAAAAAAAA'
    """
    out: list[str] = []
    _parts(value, out)
    return "".join(out)


GZIP_CHUNK = 16_000_000  # characters of JSON per gzip stream


def _gzip_chunks(parts: list[str], chunk: int | None = None) -> list[str]:
    """The JSON text of ``parts`` cut into pieces of about ``chunk`` characters, each gzipped and
    base64 encoded on its own, two at a time in worker threads (zlib and base64 release the GIL).

    The browser inflates the pieces and joins their text (``core.js`` ``decode``); independent
    pieces cost a few bytes each and let both cores work.
    """
    import os
    from concurrent.futures import ThreadPoolExecutor

    chunk = chunk or GZIP_CHUNK

    def pack(text: str) -> str:
        return base64.b64encode(zlib.compress(text.encode("utf-8"), 1, 31)).decode("ascii")

    pieces: list[str] = []
    buffer: list[str] = []
    size = 0
    with ThreadPoolExecutor(max_workers=max(1, min(2, os.cpu_count() or 1))) as pool:
        futures = []
        for part in parts:
            at = 0
            while at < len(part):
                head = part[at: at + chunk - size] if at or len(part) > chunk - size else part
                at += len(head)
                buffer.append(head)
                size += len(head)
                if size >= chunk:
                    futures.append(pool.submit(pack, "".join(buffer)))
                    buffer, size = [], 0
        if buffer or not futures:
            futures.append(pool.submit(pack, "".join(buffer)))
        pieces = [f.result() for f in futures]
    return pieces


def encode(payload: dict[str, Any], compress: bool | None = None) -> str:
    """JavaScript expression for ``payload`` that is safe inside ``<script>``.

    With ``compress=None`` payloads over about 1 MB are gzipped and base64 encoded, in pieces of
    about 16 MB of JSON (``{"gz": [piece, ...]}``).

    Examples
    --------
    >>> encode({"a": "</script>"})
    '{"a":"\\\\u003c/script\\\\u003e"}'
    >>> encode({"a": 1}, compress=True).startswith('{"gz":["')
    True
    """
    parts: list[str] = []
    _parts(payload, parts)
    if compress is None:
        compress = sum(len(p) for p in parts) > COMPRESS_ABOVE
    if not compress:
        return escape_script_text("".join(parts))
    # base64 is inert in HTML, so the JSON inside needs no escaping
    return '{"gz":[' + ",".join(f'"{piece}"' for piece in _gzip_chunks(parts)) + ']}'
