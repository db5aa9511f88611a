"""ACLED's event types before 2019, read as today's ``event_type`` and ``sub_event_type``.

Exports made before ACLED's 2019 taxonomy change (and datasets packaged from them) say
"Remote violence" or "Battle-Government regains territory". The mapping is
``conflictmap/data/acled_old_event_types.csv``; "Riots/Protests" is split by ACLED's ``inter1``
code of actor1 (5 rioters, 6 protesters).

Examples
--------
>>> old_event_type("Battle-Government regains territory")
('Battles', 'Government regains territory')
>>> old_event_type("Remote violence")
('Explosions/Remote violence', None)
>>> old_event_type("riots/protests", inter1="6"), old_event_type("Riots/Protests", inter1="Rioters")
(('Protests', None), ('Riots', None))
>>> old_event_type("Riots/Protests")
Traceback (most recent call last):
...
ValueError: an old ACLED 'Riots/Protests' is Riots or Protests by the inter1 code of actor1 (5 Riots, 6 Protests); inter1 is missing
>>> old_event_type("Skirmish") is None
True
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any

import pandas as pd

from .._data import data_rows

__all__ = ["OLD_TYPE_COLUMN", "old_event_type", "is_old_event_type"]

#: the column that keeps the event type as an old export gave it
OLD_TYPE_COLUMN = "event_type_original"


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower().replace(" / ", "/"))


def _code(value: Any) -> str:
    """An inter code as text ('6' for 6, 6.0 and '6', 'protesters' for 'Protesters'); '' when missing."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value).strip()
    try:
        number = float(text)
    except ValueError:
        return text.casefold()
    return str(int(number)) if number.is_integer() else text


@lru_cache(maxsize=1)
def _table() -> dict[str, dict[str, tuple[str, str | None]]]:
    """{folded old type: {inter1 code or '': (event_type, sub_event_type or None)}}."""
    table: dict[str, dict[str, tuple[str, str | None]]] = {}
    for row in data_rows("acled_old_event_types.csv"):
        table.setdefault(_fold(row["old_event_type"]), {})[_code(row["inter1"])] = (
            row["event_type"], row["sub_event_type"] or None)
    return table


def is_old_event_type(value: Any) -> bool:
    """True when ``value`` is one of ACLED's pre-2019 event types.

    Examples
    --------
    >>> is_old_event_type("Strategic development"), is_old_event_type("Strategic developments")
    (True, False)
    """
    return isinstance(value, str) and _fold(value) in _table()


def old_event_type(value: Any, inter1: Any = None) -> tuple[str, str | None] | None:
    """Today's (event_type, sub_event_type or None) of an old ACLED type; None when ``value``
    is not one.

    Raises
    ------
    ValueError
        An old type that needs ``inter1`` to be read (Riots/Protests) without a code that says.
    """
    if not isinstance(value, str):
        return None
    by_code = _table().get(_fold(value))
    if by_code is None:
        return None
    if "" in by_code:
        return by_code[""]
    code = _code(inter1)
    if code in by_code:
        return by_code[code]
    said = f"inter1 is {code!r}" if code else "inter1 is missing"
    codes = ", ".join(f"{c} {t}" for c, (t, _) in sorted(by_code.items()) if c.isdigit())
    types = " or ".join(sorted({t for t, _ in by_code.values()}, reverse=True))
    raise ValueError(f"an old ACLED {value.strip()!r} is {types} by the inter1 code of actor1 ({codes}); {said}")
