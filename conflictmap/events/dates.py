"""Resolve the dates a report sentence gives against the report's publication date.

"on June 25", "late on June 30", "as of June 26", "June 25 and June 26", "25 June", "yesterday",
"on Monday" give day precision (ACLED ``time_precision`` 1); "last week", "recently", "in recent
days" give the publication date with week precision (2); "earlier this month" or "in June" give
the month (3). A date without a year takes the year that puts it on or before the publication date.

Examples
--------
>>> import datetime as dt
>>> pub = dt.date(2020, 7, 1)
>>> [(str(d.day), d.precision) for d in find_dates("Late on June 30, fighting resumed.", pub)]
[('2020-06-30', 1)]
>>> [str(d.day) for d in find_dates("On June 25 and June 26, jets struck.", pub)]
['2020-06-25', '2020-06-26']
>>> [(str(d.day), d.precision) for d in find_dates("Five soldiers were recently killed.", pub)]
[('2020-07-01', 2)]
>>> [str(d.day) for d in find_dates("On Monday, clashes erupted.", pub)]  # 1 July 2020 was a Wednesday
['2020-06-29']
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

__all__ = ["DateMention", "find_dates", "as_date"]

_MONTH_NAMES = ["january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december"]
_MONTHS = {name: i for i, name in enumerate(_MONTH_NAMES, start=1)}
_MONTHS.update({name[:3]: i for name, i in list(_MONTHS.items()) if name != "may"})
_MONTHS["sept"] = 9
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

_MONTH = r"(?P<{g}>January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?"
_YEAR = r"(?:,?\s+(?P<{g}>(?:19|20)\d\d))?"
# "June 25", "June 25, 2020", "25 June", "25 June 2020"; the second day in "June 25 and 26"
_MONTH_DAY = re.compile(
    _MONTH.format(g="m1") + r"\s+(?P<d1>[0-3]?\d)(?:st|nd|rd|th)?\b" + _YEAR.format(g="y1")
    + r"(?:\s*(?:and|&|,|-|to)\s*(?P<d1b>[0-3]?\d)(?:st|nd|rd|th)?\b(?!\s*(?:km|kilomet|%)))?"
    + r"|\b(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH.format(g="m2") + _YEAR.format(g="y2"),
    re.IGNORECASE,
)
_WEEKDAY = re.compile(r"\b(?P<w>" + "|".join(_WEEKDAYS) + r")\b(?!\s*,?\s+(?:January|February|March|April|May|June|July|"
                      r"August|September|October|November|December|[0-3]?\d\b))", re.IGNORECASE)
# "between 1 and 3 April", "from June 3 to June 5", "1-3 April", "April 1-3": one event over a stretch of days
_RANGE = re.compile(
    r"\b(?:between|from)\s+(?P<a1>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:and|to|until)\s+(?P<b1>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?"
    + _MONTH.format(g="m1") + _YEAR.format(g="y1")
    + r"|\b(?:between|from)\s+" + _MONTH.format(g="m2") + r"\s+(?P<a2>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:and|to|until)\s+(?:"
    + _MONTH.format(g="m2b") + r"\s+)?(?P<b2>[0-3]?\d)\b" + _YEAR.format(g="y2")
    + r"|\b(?P<a3>[0-3]?\d)\s*[-\u2013]\s*(?P<b3>[0-3]?\d)\s+" + _MONTH.format(g="m3") + _YEAR.format(g="y3")
    + r"|" + _MONTH.format(g="m4") + r"\s+(?P<a4>[0-3]?\d)\s*[-\u2013]\s*(?P<b4>[0-3]?\d)\b" + _YEAR.format(g="y4"),
    re.IGNORECASE)
# "two days later", "the next day", "three days earlier", "on the same day": days from the date before
_RELATIVE_SHIFT = re.compile(
    r"\b(?:(?P<n>a|one|two|three|four|five|six|seven|\d)\s+days?\s+(?P<dir>later|after(?:wards)?|earlier|before)"
    r"|the\s+(?P<next>next|following)\s+day|the\s+day\s+(?P<after>after|before)"
    r"|(?P<same>(?:on\s+)?the\s+same\s+day|later\s+(?:that|the\s+same)\s+day|hours\s+later|that\s+(?:evening|night|morning)))\b",
    re.IGNORECASE)
_SHIFT_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
_RELATIVE_DAY = re.compile(r"\b(?P<r>yesterday|today|this morning|tonight|last night|overnight)\b", re.IGNORECASE)
_RELATIVE_WEEK = re.compile(
    r"\b(?:last week|past week|this week|recently|in recent days|over the past (?:few )?days|"
    r"earlier this week|in the past (?:few )?days|days ago)\b", re.IGNORECASE)
_MONTH_ONLY = re.compile(r"\b(?:earlier this month|this month|in\s+" + _MONTH.format(g="m") + r"(?!\s+\d))", re.IGNORECASE)
_DIGIT = re.compile(r"\d")  # _RANGE and _MONTH_DAY match only where there is one


@dataclass(frozen=True)
class DateMention:
    """A date found in text: the day, ACLED time precision, and the span of the phrase."""

    day: _dt.date
    precision: int
    start: int
    end: int
    phrase: str


def as_date(value: object) -> _dt.date:
    """Coerce a date, datetime, Timestamp or ISO string to :class:`datetime.date`.

    Examples
    --------
    >>> as_date("2020-06-26")
    datetime.date(2020, 6, 26)
    """
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime().date()  # type: ignore[union-attr]
    if isinstance(value, str):
        return _dt.date.fromisoformat(value.strip()[:10])
    raise TypeError(f"not a date: {value!r}")


def _with_year(month: int, day: int, year: str | None, published: _dt.date) -> _dt.date | None:
    try:
        if year:
            return _dt.date(int(year), month, day)
        candidate = _dt.date(published.year, month, day)
        if candidate > published + _dt.timedelta(days=1):  # "December 30" read in January
            candidate = _dt.date(published.year - 1, month, day)
        return candidate
    except ValueError:
        return None


def find_dates(sentence: str, published: object, anchor: _dt.date | None = None) -> list[DateMention]:
    """Every date ``sentence`` gives, resolved against the report's publication date.

    Parameters
    ----------
    sentence
        One sentence of a report.
    published
        The report's publication date (date, datetime, Timestamp or ``YYYY-MM-DD``).
    anchor
        The last day the text named before this sentence: "two days later", "the next day" and
        "on the same day" count from it (they give nothing without one).

    Returns
    -------
    list of DateMention
        In text order; day-precise mentions first come from explicit dates, weekdays and
        "yesterday"; vaguer ones only when the sentence gives no day.

    Examples
    --------
    >>> [str(d.day) for d in find_dates("As of June 26 the fighting resumed.", "2020-06-26")]
    ['2020-06-26']
    >>> [str(d.day) for d in find_dates("On December 30 a raid took place.", "2021-01-02")]
    ['2020-12-30']
    >>> find_dates("The 3 villages were shelled.", "2020-07-01")
    []
    >>> [(str(d.day), d.precision) for d in find_dates("Between 1 and 3 April, shelling hit Sarja.", "2022-04-07")]
    [('2022-04-01', 2)]
    >>> [str(d.day) for d in find_dates("Between 14 and 16 August 2020, shelling hit Sarja.", "2020-07-10")]
    ['2020-08-14']
    >>> import datetime as dt
    >>> [str(d.day) for d in find_dates("Two days later, an IED exploded.", "2021-05-20", anchor=dt.date(2021, 5, 18))]
    ['2021-05-20']
    """
    pub = as_date(published)
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    numbered = _DIGIT.search(sentence) is not None  # every range and day of a month has a figure
    for m in _RANGE.finditer(sentence) if numbered else ():
        for a, b, mg, yg in (("a1", "b1", "m1", "y1"), ("a2", "b2", "m2", "y2"), ("a3", "b3", "m3", "y3"),
                             ("a4", "b4", "m4", "y4")):
            if m.group(a):
                month = _MONTHS[m.group(mg).lower().rstrip(".")]
                first = _with_year(month, int(m.group(a)), m.group(yg), pub)
                end_month = _MONTHS[m.group("m2b").lower().rstrip(".")] if a == "a2" and m.group("m2b") else month
                last = _with_year(end_month, int(m.group(b)), m.group(yg), pub)
                if first is not None and last is not None and last >= first:
                    precision = 2 if (last - first).days <= 7 else 3
                    found.append(DateMention(first, precision, m.start(), m.end(), m.group(0)))
                    taken.append((m.start(), m.end()))
                break
    for m in _MONTH_DAY.finditer(sentence) if numbered else ():
        if any(a <= m.start() < b for a, b in taken):
            continue
        if m.group("m1"):
            month = _MONTHS[m.group("m1").lower().rstrip(".")]
            days = [m.group("d1")] + ([m.group("d1b")] if m.group("d1b") else [])
            year = m.group("y1")
        else:
            month = _MONTHS[m.group("m2").lower().rstrip(".")]
            days, year = [m.group("d2")], m.group("y2")
        for d in days:
            day = _with_year(month, int(d), year, pub)
            if day is not None:
                found.append(DateMention(day, 1, m.start(), m.end(), m.group(0)))
    for m in _WEEKDAY.finditer(sentence):
        target = _WEEKDAYS.index(m.group("w").lower())
        back = (pub.weekday() - target) % 7
        found.append(DateMention(pub - _dt.timedelta(days=back), 1, m.start(), m.end(), m.group(0)))
    if anchor is not None:
        for m in _RELATIVE_SHIFT.finditer(sentence):
            if m.group("same"):
                shift = 0
            elif m.group("next") or m.group("after") == "after":
                shift = 1
            elif m.group("after") == "before":
                shift = -1
            else:
                n = m.group("n").lower()
                shift = int(n) if n.isdigit() else _SHIFT_WORDS[n]
                shift = -shift if m.group("dir").lower() in ("earlier", "before") else shift
            found.append(DateMention(anchor + _dt.timedelta(days=shift), 1, m.start(), m.end(), m.group(0)))
    for m in _RELATIVE_DAY.finditer(sentence):
        word = m.group("r").lower()
        shift = 1 if word in ("yesterday", "last night", "overnight") else 0
        found.append(DateMention(pub - _dt.timedelta(days=shift), 1, m.start(), m.end(), m.group(0)))
    if not found:
        for m in _RELATIVE_WEEK.finditer(sentence):
            found.append(DateMention(pub, 2, m.start(), m.end(), m.group(0)))
            break
    if not found:
        for m in _MONTH_ONLY.finditer(sentence):
            month = _MONTHS[m.group("m").lower().rstrip(".")] if m.group("m") else pub.month
            day = _with_year(month, 1, None, pub)
            if day is not None:
                found.append(DateMention(day, 3, m.start(), m.end(), m.group(0)))
            break
    found.sort(key=lambda d: (d.start, d.day))
    unique: list[DateMention] = []
    for mention in found:
        if not any(u.day == mention.day and u.precision == mention.precision for u in unique):
            unique.append(mention)
    return unique
