"""The event schema: columns, dtypes, the ACLED taxonomy and validation.

The columns are listed in ``conflictmap/data/event_columns.csv`` and the ACLED event taxonomy in
``conflictmap/data/acled_event_types.csv``. :func:`validate_events` checks every row, collects
every problem (bad date, unknown event type, negative fatalities, ...) and either raises one
:class:`~conflictmap.errors.InputError` that names the first bad row, column and value, or marks
the rows (``valid`` and ``problems`` columns). It never drops a row.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"event_date": ["2020-06-26", "2020-06"],
...                    "event_type": ["battles", "Explosions/Remote violence"],
...                    "sub_event_type": ["Armed clash", "Shelling/artillery/missile attack"],
...                    "location": ["al-Sukhna", "Kashal Ubayd"], "fatalities": ["2", "at least 3"]})
>>> out = validate_events(df)
>>> out[["event_type", "time_precision", "fatalities"]].values.tolist()
[['Battles', 1, 2], ['Explosions/Remote violence', 3, 3]]
>>> str(out.loc[1, "event_date"].date())
'2020-06-01'
>>> bad = df.assign(fatalities=["2", "-1"])
>>> validate_events(bad)
Traceback (most recent call last):
...
conflictmap.errors.InputError: row 1, column 'fatalities', value '-1': fatalities cannot be negative
>>> validate_events(bad, errors="mark")[["valid", "problems"]].values.tolist()
[[True, ''], [False, "fatalities: fatalities cannot be negative (value '-1')"]]
"""

from __future__ import annotations

import datetime as _dt
import logging
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Literal

import numpy as np
import pandas as pd

from ..errors import InputError
from .date_column import is_blank, parse_date_column
from .old_types import OLD_TYPE_COLUMN, old_event_type

log = logging.getLogger(__name__)

#: conflictmap's bundled data files
DATA_DIR = Path(__file__).resolve().parent.parent / "data"

__all__ = [
    "DATA_DIR",
    "read_data_csv",
    "Problem",
    "event_columns",
    "required_columns",
    "event_taxonomy",
    "canonical_event_type",
    "canonical_sub_event_type",
    "parse_event_date",
    "parse_fatalities",
    "validate_events",
    "empty_events",
    "events_table",
]

_PANDAS_DTYPES = {"str": "string", "date": "datetime64[ns]", "int": "Int64", "float": "float64"}


def _pandas_dtype(kind: str) -> Any:
    """The pandas dtype of a schema dtype (``str``, ``date``, ``int``, ``float``) as a dtype object.

    Equal to what pandas makes of the names in ``_PANDAS_DTYPES`` (``"string"`` follows the
    ``mode.string_storage`` option at the time of the call), without pandas' slow lookup of a dtype
    by its name, which a table of a few rows pays for every column.

    Examples
    --------
    >>> all(_pandas_dtype(k) == pd.api.types.pandas_dtype(v) for k, v in _PANDAS_DTYPES.items())
    True
    """
    if kind == "str":
        return pd.StringDtype()
    if kind == "int":
        return pd.Int64Dtype()
    return np.dtype(_PANDAS_DTYPES[kind])


def read_data_csv(name: str) -> pd.DataFrame:
    """Read a bundled data file (``#`` comment lines first) with every column as text."""
    with open(DATA_DIR / name, encoding="utf-8") as fh:
        return pd.read_csv(fh, comment="#", dtype=str, keep_default_na=False)


@lru_cache(maxsize=1)
def event_columns() -> pd.DataFrame:
    """The event schema: one row per column (``column, dtype, required, group, description``).

    Examples
    --------
    >>> cols = event_columns()
    >>> cols.loc[cols.column == "fatalities", "dtype"].item()
    'int'
    >>> list(cols.column[:3])
    ['event_id_cnty', 'event_date', 'time_precision']
    """
    table = read_data_csv("event_columns.csv")
    table["required"] = table["required"].str.strip().eq("yes")
    return table


def required_columns() -> list[str]:
    """Columns every event table must have.

    Examples
    --------
    >>> required_columns()
    ['event_date', 'event_type', 'location']
    """
    return list(_required_columns())


@lru_cache(maxsize=1)
def _required_columns() -> tuple[str, ...]:
    cols = event_columns()
    return tuple(cols.loc[cols["required"], "column"].tolist())


@lru_cache(maxsize=1)
def event_taxonomy() -> pd.DataFrame:
    """ACLED's event taxonomy: ``event_type, sub_event_type, disorder_type``.

    Examples
    --------
    >>> tax = event_taxonomy()
    >>> sorted(tax.event_type.unique())[:2]
    ['Battles', 'Explosions/Remote violence']
    >>> len(tax)
    25
    """
    return read_data_csv("acled_event_types.csv")


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower().replace(" / ", "/"))


@lru_cache(maxsize=1)
def _type_lookup() -> tuple[dict[str, str], dict[tuple[str, str], str], dict[str, str]]:
    tax = event_taxonomy()
    types = {_fold(t): t for t in tax.event_type}
    subs = {(_fold(t), _fold(s)): s for t, s in zip(tax.event_type, tax.sub_event_type)}
    disorder = dict(zip(tax.sub_event_type, tax.disorder_type))
    # an event type whose sub-event types all share one disorder type implies it
    for event_type, group in tax.groupby("event_type"):
        if group.disorder_type.nunique() == 1:
            disorder[event_type] = group.disorder_type.iloc[0]
    return types, subs, disorder


def canonical_event_type(value: Any) -> str | None:
    """Canonical spelling of an ACLED event type, or None when it is not one.

    Examples
    --------
    >>> canonical_event_type("explosions / remote violence")
    'Explosions/Remote violence'
    >>> canonical_event_type("skirmish") is None
    True
    """
    if not isinstance(value, str):
        return None
    return _type_lookup()[0].get(_fold(value))


def canonical_sub_event_type(event_type: str, value: Any) -> str | None:
    """Canonical spelling of a sub-event type of ``event_type``, or None.

    Examples
    --------
    >>> canonical_sub_event_type("Battles", "armed clash")
    'Armed clash'
    >>> canonical_sub_event_type("Battles", "Air/drone strike") is None
    True
    """
    if not isinstance(value, str):
        return None
    return _type_lookup()[1].get((_fold(event_type), _fold(value)))


def disorder_type(sub_event_type: str | None, event_type: str | None = None) -> str | None:
    """ACLED disorder type of a (canonical) sub-event type, else of the event type when it implies one.

    Examples
    --------
    >>> disorder_type("Agreement")
    'Strategic developments'
    >>> disorder_type(None, "Battles"), disorder_type(None, "Protests")
    ('Political violence', None)
    """
    table = _type_lookup()[2]
    found = table.get(sub_event_type) if isinstance(sub_event_type, str) else None
    return found or (table.get(event_type) if isinstance(event_type, str) else None)


def parse_event_date(value: Any) -> tuple[pd.Timestamp, int]:
    """Parse an event date and infer its ACLED time precision (1 day, 3 month).

    Accepts dates and timestamps and every form of ``conflictmap/data/date_formats.csv``: ISO
    (``2020-06-26``, ``2020-06``), ACLED's ``26-Jun-20``, ``26 June 2020``, ``June 26, 2020``, and
    ``26/06/2020`` when the day is above 12 (otherwise day and month cannot be told apart and the
    value is refused). A whole column is read with
    :func:`~conflictmap.events.date_column.parse_date_column` (one form per column).

    Examples
    --------
    >>> parse_event_date("26 June 2020")
    (Timestamp('2020-06-26 00:00:00'), 1)
    >>> parse_event_date("2020-06")
    (Timestamp('2020-06-01 00:00:00'), 3)
    >>> parse_event_date("2020-02-30")
    Traceback (most recent call last):
    ...
    ValueError: not a valid date: day is out of range for month
    """
    if not isinstance(value, (str, pd.Timestamp, _dt.datetime, _dt.date, np.datetime64)):
        raise ValueError("not a date")
    parsed = parse_date_column(pd.Series([value], dtype=object))
    if parsed.problems:
        raise ValueError(parsed.problems[0].message)
    if pd.isna(parsed.dates.iat[0]):
        raise ValueError("date is empty")
    return parsed.dates.iat[0], int(parsed.precision.iat[0])


def parse_fatalities(value: Any) -> int | None:
    """Parse a fatality figure; ranges give the lowest figure (ACLED's rule).

    Examples
    --------
    >>> [parse_fatalities(v) for v in (3, "3", "at least 5", "5+", "2-4", "", 7.0)]
    [3, 3, 5, 5, 2, None, 7]
    >>> parse_fatalities("-1")
    Traceback (most recent call last):
    ...
    ValueError: fatalities cannot be negative
    """
    if is_blank(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        raise ValueError("fatalities must be a whole number")
    if isinstance(value, (int, np.integer, float, np.floating)):
        number = float(value)
    else:
        text = str(value).strip().lower()
        text = re.sub(r"^(?:at least|more than|over|about|around|approximately|~)\s*", "", text)
        if m := re.fullmatch(r"(\d+)\s*(?:-|–|to)\s*(\d+)", text):
            return min(int(m[1]), int(m[2]))
        text = text.rstrip("+").strip()
        try:
            number = float(text)
        except ValueError:
            raise ValueError("fatalities must be a whole number") from None
    if number < 0:
        raise ValueError("fatalities cannot be negative")
    if not number.is_integer():
        raise ValueError("fatalities must be a whole number")
    return int(number)


@dataclass(frozen=True)
class Problem:
    """One validation problem: the row label, the column, the bad value and what is wrong."""

    row: Any
    column: str
    value: Any
    message: str

    def describe(self) -> str:
        """One-line description used in the ``problems`` column.

        Examples
        --------
        >>> Problem(3, "event_date", "x", "not a date").describe()
        "event_date: not a date (value 'x')"
        """
        return f"{self.column}: {self.message} (value {self.value!r})"


def empty_events() -> pd.DataFrame:
    """An empty table with every schema column and its dtype.

    Examples
    --------
    >>> empty_events().dtypes["fatalities"]
    Int64Dtype()
    """
    cols = event_columns()
    return pd.DataFrame({c: pd.Series(dtype=_pandas_dtype(t)) for c, t in zip(cols.column, cols.dtype)})


def events_table(columns: dict[str, list[Any]]) -> pd.DataFrame:
    """A table of the given columns (lists of equal length) with every schema column, in the schema's
    order, and the other columns after them.

    A schema column whose every value already has its schema type (clean text, whole number, number;
    None for a missing value) gets its schema dtype, and a schema column not given is added empty, so
    :func:`validate_events` finds them done and leaves them as they are; other columns are left to
    pandas. It checks nothing: pass the table to :func:`validate_events`, which gives the same result
    as for a table built any other way, only sooner.

    Examples
    --------
    >>> t = events_table({"location": ["Kahil"], "event_date": ["2020-06-01"], "fatalities": [2]})
    >>> list(t.columns[:5]), str(t.dtypes["fatalities"]), t.loc[0, "actor1"]
    (['event_id_cnty', 'event_date', 'time_precision', 'disorder_type', 'event_type'], 'Int64', <NA>)
    """
    cols = event_columns()
    kinds = dict(zip(cols.column, cols.dtype))
    rows = len(next(iter(columns.values()), []))
    names = [c for c in cols.column if c in columns or kinds[c] != "date"] + [c for c in columns if c not in kinds]
    data: dict[str, Any] = {}
    for name in names:
        values = columns.get(name, [None] * rows)
        kind = kinds.get(name)
        if kind == "str" and all(v is None or _is_clean_text(v) for v in values):
            data[name] = pd.array([pd.NA if v is None else v for v in values], dtype=pd.StringDtype())
        elif kind == "int" and all(v is None or type(v) is int for v in values):
            data[name] = pd.array(values, dtype=pd.Int64Dtype())
        elif kind == "float" and all(v is None or type(v) in (float, int) for v in values):
            data[name] = np.array([np.nan if v is None else v for v in values], dtype=np.float64)
        else:
            data[name] = values
    return pd.DataFrame(data)


def _check_int(series: pd.Series, column: str, allowed: Iterable[int] | None, problems: list[Problem]) -> pd.Series:
    """Whole numbers (``Int64``), each in ``allowed`` when given; a column that already is one comes back
    as the same object (the caller need not set it again)."""
    allowed_set = set(allowed) if allowed is not None else None
    if isinstance(series.dtype, pd.Int64Dtype) and (
            allowed_set is None or all(v is pd.NA or v in allowed_set for v in series.tolist())):
        return series
    out: list[Any] = []
    for label, value in zip(series.index, series.tolist()):  # (tolist: plain numbers in messages)
        if is_blank(value):
            out.append(pd.NA)
            continue
        try:
            number = float(value)
            if not number.is_integer():
                raise ValueError
            number_int = int(number)
        except (TypeError, ValueError):
            problems.append(Problem(label, column, value, "must be a whole number"))
            out.append(pd.NA)
            continue
        if allowed_set is not None and number_int not in allowed_set:
            problems.append(Problem(label, column, value, f"must be one of {sorted(allowed_set)}"))
            out.append(pd.NA)
            continue
        out.append(number_int)
    return pd.Series(out, index=series.index, dtype=pd.Int64Dtype())


def _check_float(series: pd.Series, column: str, low: float, high: float, problems: list[Problem]) -> pd.Series:
    """Numbers (``float64``) between ``low`` and ``high``; a column that already is one comes back as the
    same object."""
    if series.dtype == np.float64:
        values = series.to_numpy()
        given = values[~np.isnan(values)]
        if ((given >= low) & (given <= high)).all():
            return series
    out: list[float] = []
    for label, value in zip(series.index, series.tolist()):
        if is_blank(value):
            out.append(np.nan)
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            problems.append(Problem(label, column, value, "must be a number"))
            out.append(np.nan)
            continue
        if not low <= number <= high:
            problems.append(Problem(label, column, value, f"must be between {low} and {high}"))
            out.append(np.nan)
            continue
        out.append(number)
    return pd.Series(out, index=series.index, dtype=np.dtype("float64"))


def _put(df: pd.DataFrame, column: str, check: Any) -> None:
    """Set ``df[column]`` to ``check(df[column])`` unless the check gave the column back unchanged
    (setting a column costs more than the check on the few rows of a drafted report)."""
    series = df[column]
    out = check(series)
    if out is not series:
        df[column] = out


def _as_text(series: pd.Series) -> pd.Series:
    """Each cell as stripped text, missing and blank cells as NA; every distinct value is
    handled once (a column repeats a few actors, places and types)."""
    return pd.Series(_text_array(series), index=series.index, copy=False)


def _text_array(series: pd.Series) -> pd.api.extensions.ExtensionArray:
    """:func:`_as_text`'s values as a pandas ``string`` array (which a column can be set to as it is)."""
    if isinstance(series.dtype, pd.StringDtype):
        # a column of the default string dtype whose every cell is already clean text (or NA) is
        # returned as it is
        values = series.tolist()  # one conversion (walking the array cell by cell costs more)
        if series.dtype == pd.StringDtype() and all(v is pd.NA or _is_clean_text(v) for v in values):
            return series.array
        # only text and missing values: the distinct ones found by a dict (pandas' factorize costs
        # more than the whole column on the few rows a drafted report has)
        texts: dict[str, str] = {}
        cells: list[Any] = []
        for value in values:
            if is_blank(value):
                cells.append(pd.NA)
                continue
            text = texts.get(value)
            if text is None:
                text = texts[value] = _clean_text(value)
            cells.append(text)
        return pd.array(cells, dtype=pd.StringDtype())
    codes, uniques = pd.factorize(series.to_numpy(dtype=object), use_na_sentinel=True)
    texts_of = np.array([pd.NA if is_blank(v) else _clean_text(v) for v in uniques] + [pd.NA], dtype=object)
    return pd.array(texts_of[codes], dtype=pd.StringDtype())


def _is_clean_text(value: Any) -> bool:
    """True for text that :func:`_clean_text` leaves as it is and that is not blank.

    >>> [_is_clean_text(v) for v in ("Kahil", " Kahil", "Kahil\\n", "", "\\ud800", 3)]
    [True, False, False, False, False, False]
    """
    if type(value) is not str or not value or value[0].isspace() or value[-1].isspace():
        return False
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _clean_text(value: Any) -> str:
    """A cell as stripped text; lone surrogates (a badly decoded file) become "?"."""
    text = str(value).strip()
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def validate_events(
    events: pd.DataFrame,
    *,
    errors: Literal["raise", "mark"] = "raise",
    id_prefix: str = "CM",
) -> pd.DataFrame:
    """Check and normalise an event table; every row comes out, in the same order.

    Returns a copy with every schema column present (missing optional columns are added empty),
    dates parsed (``event_date`` datetime, ``time_precision`` inferred when absent), event and
    sub-event types in ACLED's spelling, ``disorder_type`` filled from the taxonomy, fatalities as
    whole numbers (the lowest figure of a range) and ids generated for rows without one. Columns
    outside the schema are kept unchanged after the schema columns.

    Parameters
    ----------
    events
        A DataFrame (or GeoDataFrame) with at least the required columns
        (:func:`required_columns`). Row labels in messages are the DataFrame's index labels.
    errors
        ``"raise"``: raise an :class:`~conflictmap.errors.InputError` naming the first bad row,
        column and value (its ``problems`` attribute lists all of them). ``"mark"``: add a boolean
        ``valid`` column and a ``problems`` column ('; '-joined descriptions) instead.
    id_prefix
        Prefix of generated ``event_id_cnty`` values.

    Raises
    ------
    InputError
        When a required column is missing (in both modes) or, with ``errors="raise"``, when any
        row has a problem.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"event_date": ["2020-13-01"], "event_type": ["Battles"], "location": ["Kahil"]})
    >>> validate_events(df)
    Traceback (most recent call last):
    ...
    conflictmap.errors.InputError: row 0, column 'event_date', value '2020-13-01': not a valid date: month must be in 1..12
    """
    if errors not in ("raise", "mark"):
        raise InputError("errors must be 'raise' or 'mark'", column="errors", value=errors)
    if not isinstance(events, pd.DataFrame):
        raise InputError(f"expected a DataFrame of events, got {type(events).__name__}")
    missing = [c for c in required_columns() if c not in events.columns]
    if missing:
        raise InputError(
            f"missing required column(s) {', '.join(missing)}; columns present: {', '.join(map(str, events.columns))}",
            column=missing[0],
        )
    labels = events.index
    df = events.reset_index(drop=True)  # work on positions; labels come back at the end
    problems: list[Problem] = []
    cols = event_columns()
    string = pd.StringDtype()  # pandas' "string" dtype (looked up once: by name it is slow)

    for column in required_columns():
        for label, value in df[column].items():
            if is_blank(value):
                problems.append(Problem(label, column, value, "a value is required"))

    # dates: the column's form is chosen once (date_column.py), every distinct value read once
    parsed = parse_date_column(df["event_date"])
    for p in parsed.problems:
        problems.append(Problem(p.row, "event_date", p.value, p.message))
    df["event_date"] = parsed.dates
    precision = parsed.precision
    if "time_precision" in df.columns:
        _put(df, "time_precision", lambda s: _check_int(s, "time_precision", (1, 2, 3), problems))
        if df["time_precision"].hasnans:
            df["time_precision"] = df["time_precision"].fillna(precision)
    else:
        df["time_precision"] = precision

    # taxonomy; ACLED's pre-2019 types are read as today's (old_types.py), the value given kept
    types: list[Any] = []
    subs: list[Any] = []
    original: dict[Any, Any] = {}
    # the cells as lists: a cell looked up by label costs more than the checks below
    sub_values = df["sub_event_type"].tolist() if "sub_event_type" in df.columns else [None] * len(df)
    inter1 = df["inter1"].tolist() if "inter1" in df.columns else None
    for label, value, sub_value in zip(df.index, df["event_type"].tolist(), sub_values):
        if is_blank(value):
            types.append(pd.NA)
            subs.append(pd.NA if is_blank(sub_value) else sub_value)
            continue
        canonical = canonical_event_type(value)
        if canonical is None:
            try:
                mapped = old_event_type(value, inter1[label] if inter1 is not None else None)
            except ValueError as exc:
                mapped, message = None, str(exc)
            else:
                message = "unknown event type (see acled_event_types.csv)"
            if mapped is None:
                problems.append(Problem(label, "event_type", value, message))
                types.append(value)
                subs.append(pd.NA if is_blank(sub_value) else sub_value)
                continue
            original[label] = value
            canonical, implied = mapped
            if is_blank(sub_value) and implied is not None:
                sub_value = implied
        types.append(canonical)
        if is_blank(sub_value):
            subs.append(pd.NA)
            continue
        sub = canonical_sub_event_type(canonical, sub_value)
        if sub is None:
            problems.append(Problem(label, "sub_event_type", sub_value, f"not a sub-event type of {canonical!r}"))
            subs.append(sub_value)
        else:
            subs.append(sub)
    if original or inter1 is not None or OLD_TYPE_COLUMN in df.columns:
        # an ACLED export (it has inter1) always gets the column, so its partitions agree on columns
        kept = _as_text(df[OLD_TYPE_COLUMN]) if OLD_TYPE_COLUMN in df.columns else pd.Series(
            pd.NA, index=df.index, dtype=string)
        df[OLD_TYPE_COLUMN] = kept.fillna(pd.Series(original, index=df.index, dtype=string)
                                          if original else kept)
    df["event_type"] = pd.Series(types, index=df.index, dtype=string)
    df["sub_event_type"] = pd.Series(subs, index=df.index, dtype=string)
    derived = pd.Series([disorder_type(s if isinstance(s, str) else None, t if isinstance(t, str) else None)
                         for s, t in zip(df["sub_event_type"], df["event_type"])], index=df.index, dtype=string)
    if "disorder_type" in df.columns and df["disorder_type"].notna().any():
        df["disorder_type"] = _as_text(df["disorder_type"]).fillna(derived.astype(string))
    else:
        df["disorder_type"] = derived.astype(string)

    # fatalities
    if "fatalities" in df.columns and not (isinstance(df["fatalities"].dtype, pd.Int64Dtype)
                                           and not (df["fatalities"] < 0).any()):
        values: list[Any] = []
        for label, value in zip(df.index, df["fatalities"].tolist()):
            try:
                number = parse_fatalities(value)
            except ValueError as exc:
                problems.append(Problem(label, "fatalities", value, str(exc)))
                number = None
            values.append(pd.NA if number is None else number)
        df["fatalities"] = pd.Series(values, index=df.index, dtype=pd.Int64Dtype())

    # coordinates and other numbers
    if "latitude" in df.columns:
        _put(df, "latitude", lambda s: _check_float(s, "latitude", -90.0, 90.0, problems))
    if "longitude" in df.columns:
        _put(df, "longitude", lambda s: _check_float(s, "longitude", -180.0, 180.0, problems))
    if "latitude" in df.columns and "longitude" in df.columns:
        half = df["latitude"].isna() != df["longitude"].isna()
        for label in df.index[half]:
            column = "latitude" if pd.isna(df.at[label, "latitude"]) else "longitude"
            problems.append(Problem(label, column, None, "latitude and longitude must be given together"))
    if "geo_precision" in df.columns:
        _put(df, "geo_precision", lambda s: _check_int(s, "geo_precision", (1, 2, 3), problems))
    for column in ("span_start", "span_end"):
        if column in df.columns:
            _put(df, column, lambda s, c=column: _check_int(s, c, None, problems))
    if "match_score" in df.columns:
        _put(df, "match_score", lambda s: _check_float(s, "match_score", 0.0, 100.0, problems))

    # ids
    ids = _as_text(df["event_id_cnty"]) if "event_id_cnty" in df.columns else pd.Series(
        pd.NA, index=df.index, dtype=string)
    if ids.isna().any():
        generated = [f"{id_prefix}{i + 1:06d}" for i in range(len(df))]
        ids = ids.fillna(pd.Series(generated, index=df.index, dtype=string))
    given_ids = ids.tolist()
    if len(set(given_ids)) < len(given_ids):  # (pandas' duplicated costs more than the check on a few rows)
        dupes = ids[ids.duplicated(keep="first")]
        for label, value in dupes.items():
            problems.append(Problem(label, "event_id_cnty", value, "duplicate event id"))
    df["event_id_cnty"] = ids

    # text columns and column order
    for column, dtype in zip(cols.column, cols.dtype):
        if column not in df.columns:
            df[column] = pd.Series(None, index=df.index, dtype=_pandas_dtype(dtype))
        elif dtype == "str":
            series = df[column]
            text = _text_array(series)
            if text is not series.array:  # (a column already clean text is not set again: setting costs)
                df[column] = text
        elif dtype == "float":
            _put(df, column, lambda s, c=column: _check_float(s, c, -math.inf, math.inf, problems))
        elif dtype == "int":
            _put(df, column, lambda s, c=column: _check_int(s, c, None, problems))
    schema = list(cols.column)
    known = set(schema)
    ordered = schema + [c for c in df.columns if c not in known]
    if list(df.columns) != ordered:
        df = df[ordered]

    problems.sort(key=lambda p: p.row)
    positions = [p.row for p in problems]
    df.index = labels
    problems = [Problem(labels[p.row], p.column, p.value, p.message) for p in problems]
    if errors == "raise":
        if problems:
            first = problems[0]
            more = f" (and {len(problems) - 1} more problem(s); validate_events(errors='mark') lists them)" if len(problems) > 1 else ""
            err = InputError(first.message + more, row=first.row, column=first.column, value=first.value)
            err.problems = problems  # type: ignore[attr-defined]
            raise err
        return df
    by_position: dict[int, list[str]] = {}
    for position, p in zip(positions, problems):
        by_position.setdefault(position, []).append(p.describe())
    texts = ["; ".join(by_position.get(i, [])) for i in range(len(df))]
    df["problems"] = pd.Series(texts, index=df.index, dtype=string)
    df["valid"] = df["problems"].eq("").astype(bool)
    if problems:
        log.warning("%d problem(s) in %d event row(s); see the 'problems' column", len(problems), len(by_position))
    return df
