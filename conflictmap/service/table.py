"""``POST /geocode``: a JSON list or a CSV of names in, the columns of ``conflictmap geocode`` out.

Every input row comes back, in order, with every input column followed by
:data:`conflictmap.geocoding.batch.OUTPUT_COLUMNS` (an input column that clashes with an output name is
kept and the output is written ``geo_<name>``), exactly as the ``conflictmap geocode`` command
writes them. The work is :func:`conflictmap.geocode`'s.

Examples
--------
>>> frame = read_json_rows(b'["Kafr Nabl", {"name": "Ruwayhah", "admin1": "Idlib"}]')
>>> frame["name"].tolist(), frame["admin1"].fillna("").tolist()
(['Kafr Nabl', 'Ruwayhah'], ['', 'Idlib'])
>>> columns = pick_columns(frame, {})
>>> columns.name, columns.admin1, columns.admin2
('name', 'admin1', None)
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..csvtext import parse_csv
from ..errors import InputError
from .params import ParamError, get_int, get_text

log = logging.getLogger(__name__)

__all__ = ["TableColumns", "read_json_rows", "read_csv_rows", "pick_columns", "geocode_table", "to_json_bytes",
           "to_csv_bytes", "candidates_param"]

_SCALARS = (str, int, float, bool, type(None))


@dataclass(frozen=True)
class TableColumns:
    """Which input columns hold the name, the hints and the Arabic name."""

    name: str
    admin1: str | None = None
    admin2: str | None = None
    name_ar: str | None = None
    admin3: str | None = None
    latitude: str | None = None
    longitude: str | None = None


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParamError("body", body[max(exc.start - 20, 0): exc.start + 20],
                         f"not UTF-8 text (byte {exc.start})") from None


def read_json_rows(body: bytes, *, max_rows: int = 100_000) -> pd.DataFrame:
    """A JSON list of strings (names) or of objects (columns) as a table, one row per item."""
    try:
        data = json.loads(_text(body), parse_constant=_no_constant, object_pairs_hook=_unique_keys)
    except RecursionError:  # a list or object nested thousands deep
        raise ParamError("body", _text(body)[:40], "JSON nested too deeply; send a flat list") from None
    except json.JSONDecodeError as exc:
        raise ParamError("body", _text(body)[max(exc.pos - 20, 0): exc.pos + 20],
                         f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    if not isinstance(data, list):
        raise ParamError("body", type(data).__name__, "must be a JSON list of names or of objects")
    if len(data) > max_rows:
        raise ParamError("body", f"{len(data)} rows", f"more than {max_rows} rows", status=413)
    rows: list[dict[str, Any]] = []
    for i, item in enumerate(data):
        if isinstance(item, str):
            rows.append({"name": item})
        elif isinstance(item, dict):
            for key, value in item.items():
                if not isinstance(value, _SCALARS) or (isinstance(value, float) and not math.isfinite(value)):
                    raise ParamError(f"body[{i}].{key}", repr(value), "values must be text, numbers, true/false or null")
            rows.append(item)
        else:
            raise ParamError(f"body[{i}]", repr(item), "each item must be a name (text) or an object")
    return pd.DataFrame.from_records(rows) if rows else pd.DataFrame({"name": pd.Series([], dtype=object)})


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object as a dict, refused when it names a field twice (a column named twice)."""
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        twice = next(key for key, _ in pairs if key in seen or seen.add(key))
        raise ParamError("body", twice, "an object names this field twice")
    return obj


def _no_constant(name: str) -> Any:
    raise ParamError("body", name, "NaN and Infinity are not JSON")


def read_csv_rows(body: bytes, *, sep: str = ",", max_rows: int = 100_000) -> pd.DataFrame:
    """A CSV (or TSV) body as a table with every cell as text, as ``conflictmap geocode`` reads files."""
    text = _text(body)
    if not text.strip():
        raise ParamError("body", "", "empty CSV; the first line must name the columns")
    try:
        frame = parse_csv(text, sep=sep)
    except InputError as exc:
        raise ParamError("body", text[:40], f"cannot read the CSV: {exc}") from None
    if len(frame) > max_rows:
        raise ParamError("body", f"{len(frame)} rows", f"more than {max_rows} rows", status=413)
    return frame


def pick_columns(frame: pd.DataFrame, params: Mapping[str, str]) -> TableColumns:
    """The name column (``name_column``, else ``name``, else ``location``) and the optional
    ``admin1_column``, ``admin2_column``, ``admin3_column`` and ``name_ar_column`` (by default the
    columns of those names when present); ``latitude_column`` and ``longitude_column`` (only when
    asked for, both together) give a point the row carries, which the answer should lie near."""
    columns = [str(c) for c in frame.columns]

    def given(param: str, fallbacks: tuple[str, ...], required: bool) -> str | None:
        value = get_text(params, param, max_chars=200)
        if value:
            if value not in columns:
                raise ParamError(param, value, f"no such column; columns are {', '.join(columns)[:200]}")
            return value
        for name in fallbacks:
            if name in columns:
                return name
        if required:
            raise ParamError(param, "", f"no 'name' or 'location' column; say which column holds the names "
                                        f"(columns are {', '.join(columns)[:200]})")
        return None

    return TableColumns(name=given("name_column", ("name", "location"), True),
                        admin1=given("admin1_column", ("admin1",), False),
                        admin2=given("admin2_column", ("admin2",), False),
                        name_ar=given("name_ar_column", ("name_ar",), False),
                        admin3=given("admin3_column", ("admin3",), False),
                        latitude=_point_column(given("latitude_column", (), False), "latitude_column",
                                               given("longitude_column", (), False)),
                        longitude=_point_column(given("longitude_column", (), False), "longitude_column",
                                                given("latitude_column", (), False)))


def _point_column(column: str | None, param: str, other: str | None) -> str | None:
    """One of the two point columns; both or neither must be given."""
    if (column is None) != (other is None):
        missing = param if column is None else ("longitude_column" if param == "latitude_column" else "latitude_column")
        raise ParamError(missing, "", "give both latitude_column and longitude_column, or neither")
    return column


#: distinct queries geocoded between two checks of a table job (a fraction of a second)
CHUNK_QUERIES = 200


def geocode_table(geocoder: Any, frame: pd.DataFrame, columns: TableColumns, *, candidates: int = 5,
                  job: Any = None, chunk: int = CHUNK_QUERIES) -> pd.DataFrame:
    """:func:`conflictmap.geocode` on ``frame`` (geometry dropped, as in a CSV written by the CLI);
    an Arabic-name column is read together with the Latin one (``name_ar``).

    The table's distinct queries (name and hints) are geocoded ``chunk`` at a time, each through
    its first row (so that the output columns are named as for the whole table); ``job.check()``
    runs between chunks, so a cancelled table stops within one chunk. Every row then gets the
    answer of its query: the result is the one a single :func:`conflictmap.geocode` call gives.
    """
    from ..geocoding.batch import geocode

    kwargs: dict[str, Any] = {"name": columns.name, "admin1": columns.admin1, "geocoder": geocoder,
                              "progress": False, "candidates": candidates}
    if columns.admin2:
        kwargs["admin2"] = columns.admin2
    if columns.name_ar:
        kwargs["name_ar"] = columns.name_ar
    if columns.admin3:
        kwargs["admin3"] = columns.admin3
    if columns.latitude and columns.longitude:
        kwargs["latitude"], kwargs["longitude"] = columns.latitude, columns.longitude
    frame = frame.reset_index(drop=True)
    keys = [c for c in (columns.name, columns.admin1, columns.admin2, columns.name_ar, columns.admin3,
                        columns.latitude, columns.longitude) if c]
    for column in keys:
        if column not in frame.columns:  # geocode names the missing column
            return _plain(geocode(frame, **kwargs))
    codes = frame.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
    first = pd.Series(range(len(frame))).groupby(codes).first().to_numpy()  # a row per query, by code
    parts = []
    for start in range(0, len(first), chunk):
        if job is not None:
            job.check()
        parts.append(_plain(geocode(frame.iloc[first[start:start + chunk]], **kwargs)))
    if not parts:
        return _plain(geocode(frame, **kwargs))
    answers = pd.concat(parts, ignore_index=True)
    if list(answers.columns[: frame.shape[1]]) != list(frame.columns):  # pragma: no cover - geocode's contract
        raise RuntimeError("geocode did not keep the input columns first")
    added = list(answers.columns[frame.shape[1]:])
    out = answers[added].take(codes).reset_index(drop=True)
    for column in added:
        if isinstance(parts[0][column].dtype, pd.CategoricalDtype):
            out[column] = out[column].astype(str).astype("category")
    return pd.concat([frame, out], axis=1)


def _plain(result: Any) -> pd.DataFrame:
    return pd.DataFrame(result).drop(columns=["geometry"], errors="ignore").reset_index(drop=True)


def candidates_param(params: Mapping[str, str]) -> int:
    """``candidates=N``: ranked candidates kept for ambiguous rows (default 5, at most 20)."""
    return int(get_int(params, "candidates", default=5, low=0, high=20))


def to_json_bytes(frame: pd.DataFrame) -> bytes:
    """JSON records; missing values are ``null``."""
    return frame.to_json(orient="records", force_ascii=False, double_precision=7).encode("utf-8")


def to_csv_bytes(frame: pd.DataFrame, *, sep: str = ",") -> bytes:
    """CSV as ``conflictmap geocode -o out.csv`` writes it."""
    return frame.to_csv(index=False, sep=sep).encode("utf-8")
