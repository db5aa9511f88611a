"""Read a whole column of event dates in the one form it is written in.

ACLED's export tool writes ``9-May-20``, older exports ``09 May 2020`` or ``09-May-2020``, most
other tables ISO ``2020-05-09``. The forms are listed in ``conflictmap/data/date_formats.csv``.
:func:`parse_date_column` chooses the form once per column (the one that reads the most rows),
says it in the log, and reads every distinct value once (an export of 100,000 rows holds a few
hundred distinct days), so every form costs the same. A row written in another form, or not a
date at all, is a problem naming that row; a column whose every date fits two forms that disagree
(``01/02/2020``) is refused as ambiguous.

Examples
--------
>>> import pandas as pd
>>> out = parse_date_column(pd.Series(["9-May-20", "28-Feb-18", None]))
>>> [str(d.date()) if d == d else None for d in out.dates], out.precision.tolist(), out.form
(['2020-05-09', '2018-02-28', None], [1, 1, <NA>], 'ACLED export D-Mon-YY')
>>> out = parse_date_column(pd.Series(["2020-05-09", "9-May-20", "soon"]))
>>> [(p.row, p.message) for p in out.problems]  # doctest: +NORMALIZE_WHITESPACE
[(1, "written as ACLED export D-Mon-YY (9-May-20) but this column's dates are written as ISO YYYY-MM-DD (2020-05-09);
  a column uses one form"), (2, "not a date (this column's dates are written as ISO YYYY-MM-DD, e.g. 2020-05-09)")]
"""

from __future__ import annotations

import datetime as _dt
import logging
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from .._data import data_rows

log = logging.getLogger(__name__)

__all__ = ["DateForm", "ParsedDates", "DateProblem", "date_forms", "parse_date_column", "is_blank"]

_MONTH_NAMES = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
                "october", "november", "december"]
_MONTHS = {name: i for i, name in enumerate(_MONTH_NAMES, start=1)}
_MONTHS.update({name[:3]: i for name, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_FIRST_YEAR, _LAST_YEAR = pd.Timestamp.min.year + 1, pd.Timestamp.max.year - 1  # what datetime64[ns] holds
_NS = np.dtype("datetime64[ns]")  # as an object: pandas looks a dtype's name up slowly


@dataclass(frozen=True)
class DateForm:
    """One written form of dates: its name, an example and the pattern that reads it."""

    name: str
    example: str
    pattern: re.Pattern

    def read(self, text: str) -> tuple[pd.Timestamp, int] | str | None:
        """(day, time precision) of ``text``; the reason when it has this form but is no date
        (``2020-02-30``); None when it is not written in this form."""
        m = self.pattern.fullmatch(text)
        if m is None:
            return None
        groups = m.groupdict()
        if groups.get("mon") is not None:
            month = _MONTHS.get(groups["mon"].lower().rstrip("."))
            if month is None:
                return None  # "9-Mai-20" is no English month: not this form
        else:
            month = int(groups["m"])
        year = int(groups["y"]) if groups.get("y") is not None else _two_digit_year(int(groups["yy"]))
        day = groups.get("d")
        try:
            date = _dt.date(year, month, int(day) if day is not None else 1)
        except ValueError as exc:
            return f"not a valid date: {exc}"
        if not _FIRST_YEAR <= year <= _LAST_YEAR:
            return f"not a valid date: year {year} is outside {_FIRST_YEAR}-{_LAST_YEAR}"
        return pd.Timestamp(date), 1 if day is not None else 3


@dataclass(frozen=True)
class DateProblem:
    """A row (position in the column) whose date could not be read, with the value and reason."""

    row: int
    value: Any
    message: str


@dataclass
class ParsedDates:
    """What :func:`parse_date_column` gives: the days, their time precision (1 day, 3 month),
    the form the column is written in (None when it holds no text dates) and the problems."""

    dates: pd.Series
    precision: pd.Series
    form: str | None
    problems: list[DateProblem] = field(default_factory=list)


def _two_digit_year(yy: int) -> int:
    """strptime's rule: 00-68 are 2000-2068, 69-99 are 1969-1999."""
    return 2000 + yy if yy < 69 else 1900 + yy


@lru_cache(maxsize=1)
def date_forms() -> tuple[DateForm, ...]:
    """The forms of ``conflictmap/data/date_formats.csv``, in the file's order.

    Examples
    --------
    >>> [f.example for f in date_forms()][:4]
    ['2020-05-09', '9-May-20', '09 May 2020', '09-May-2020']
    """
    return tuple(DateForm(r["name"], r["example"], re.compile(r["pattern"])) for r in data_rows("date_formats.csv"))


def is_blank(value: Any) -> bool:
    """True for None, NA, NaT, NaN and text that is empty or white space (an empty cell).

    >>> [is_blank(v) for v in (None, float("nan"), " ", "9-May-20", 0)]
    [True, True, True, False, False]
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _as_day(value: Any) -> Any:
    """The day of a date or timestamp (NaT for NaT; a date outside what pandas holds as itself)."""
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return pd.Timestamp(value) if _FIRST_YEAR <= value.year <= _LAST_YEAR else _Day(value.year)
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, OverflowError):
        return _Day(getattr(value, "year", 0))
    if stamp is pd.NaT:
        return stamp
    if stamp.tzinfo is not None:
        stamp = stamp.tz_localize(None)
    return stamp.normalize()


@dataclass(frozen=True)
class _Day:
    """A day outside what ``datetime64[ns]`` holds; only its year is looked at."""

    year: int


def parse_date_column(values: pd.Series, *, column: str = "event_date") -> ParsedDates:
    """Read a column of dates written in one form (see the module docstring).

    Parameters
    ----------
    values
        The column as read: text, dates/Timestamps (an Excel sheet) or a datetime64 column.
        Missing and blank cells give NaT without a problem (the caller says whether a value is
        required).
    column
        The column's name, for the log.

    Returns
    -------
    ParsedDates
        ``dates`` (datetime64) and ``precision`` (Int64) with the index of ``values``; the
        problems name rows by position (0 is the first row).
    """
    index = values.index
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        days = values.dt.tz_localize(None) if getattr(values.dt, "tz", None) is not None else values
        days = days.dt.normalize().astype(_NS)
        precision = pd.Series(np.where(days.isna(), pd.NA, 1), index=index, dtype=pd.Int64Dtype())
        return ParsedDates(days, precision, None)
    codes, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=True)
    day_of = np.full(len(uniques) + 1, np.datetime64("NaT"), dtype="datetime64[ns]")
    prec_of = np.zeros(len(uniques) + 1, dtype=np.int8)  # 0: no date
    why: dict[int, str] = {}
    texts: dict[int, str] = {}
    for u, value in enumerate(uniques):
        if is_blank(value):
            continue
        if isinstance(value, (pd.Timestamp, _dt.datetime, _dt.date, np.datetime64)):
            stamp = _as_day(value)
            if stamp is pd.NaT:
                continue
            if not _FIRST_YEAR <= stamp.year <= _LAST_YEAR:
                why[u] = f"not a valid date: year {stamp.year} is outside {_FIRST_YEAR}-{_LAST_YEAR}"
                continue
            day_of[u], prec_of[u] = np.datetime64(stamp.date(), "ns"), 1
            continue
        if not isinstance(value, str):
            why[u] = "not a date"
            continue
        texts[u] = value.strip()
    codes = np.where(codes < 0, len(uniques), codes)
    rows_of = np.bincount(codes, minlength=len(uniques) + 1)
    form, readings = _choose_form(texts, rows_of)
    problems: list[DateProblem] = []
    if form is not None:
        log.info("%s: dates read as %s (e.g. %s)", column, form.name, form.example)
        for u, text in texts.items():
            got = readings[form.name].get(u)
            if isinstance(got, tuple):
                day_of[u], prec_of[u] = got[0].to_datetime64(), got[1]
            elif isinstance(got, str):
                why[u] = got
            else:
                why[u] = _other_form_reason(text, form)
    else:
        expected = ", ".join(f.example for f in date_forms()[:4])
        why.update({u: f"not a date (expected a form such as {expected})" for u in texts})
    for u in why:
        prec_of[u] = 0
    dates = pd.Series(day_of[codes], index=index, dtype=_NS)
    prec = prec_of[codes]
    precision = pd.Series(pd.arrays.IntegerArray(prec.astype(np.int64), prec == 0), index=index)
    if why:
        bad = np.flatnonzero(np.isin(codes, list(why)))
        problems.extend(DateProblem(int(pos), values.iat[int(pos)], why[int(codes[pos])]) for pos in bad)
        problems.sort(key=lambda p: p.row)
    return ParsedDates(dates, precision, form.name if form is not None else None, problems)


def _choose_form(texts: dict[int, str], rows_of: np.ndarray) -> tuple[DateForm | None, dict[str, dict[int, Any]]]:
    """The form that reads the most rows; ties between forms that read the same values the
    same way go to the first form listed, ties that read them differently are ambiguous."""
    readings: dict[str, dict[int, Any]] = {}
    counts: dict[str, int] = {}
    for form in date_forms():
        got = {}
        for u, text in texts.items():
            r = form.read(text)
            if r is not None:
                got[u] = r
        readings[form.name] = got
        counts[form.name] = int(sum(rows_of[u] for u, r in got.items() if isinstance(r, tuple)))
    best = max(counts.values())
    if best == 0:  # no value reads as a date: the first form some value is written in ("2020-02-30")
        written = [f for f in date_forms() if readings[f.name]]
        return (written[0] if written else None), readings
    tied = [f for f in date_forms() if counts[f.name] == best]
    chosen = tied[0]
    for other in tied[1:]:
        mine, theirs = readings[chosen.name], readings[other.name]
        differ = [u for u, r in mine.items() if isinstance(r, tuple) and isinstance(theirs.get(u), tuple)
                  and theirs[u][0] != r[0]]
        if differ:
            message = (f"ambiguous: day and month cannot be told apart: every date of the column fits both {chosen.name} "
                       f"and {other.name}; write the dates as YYYY-MM-DD")
            for u in differ:
                readings[chosen.name][u] = message
            break
    return chosen, readings


def _other_form_reason(text: str, form: DateForm) -> str:
    for other in date_forms():
        if other is not form and isinstance(other.read(text), tuple):
            return (f"written as {other.name} ({other.example}) but this column's dates are written as {form.name} ({form.example}); "
                    "a column uses one form")
    return f"not a date (this column's dates are written as {form.name}, e.g. {form.example})"
