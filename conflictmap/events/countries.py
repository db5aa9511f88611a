"""Which rows of an event table lie in another country.

ACLED's multi-country exports say the country of every row (``country``, ``iso3``, ``iso``). The
gazetteer is Syria's: a row of another country is never geocoded (Najran in Saudi Arabia is not
the Syrian village of that name); it comes out ``unresolved``, "outside Syria (Saudi Arabia)", its
point untouched. How tables write Syria is ``conflictmap/data/syria_country_codes.csv``.

Examples
--------
>>> import pandas as pd
>>> table = pd.DataFrame({"country": ["Syria", "Saudi Arabia", None], "iso3": ["SYR", "SAU", "LBN"]})
>>> outside_syria(table).tolist()
[<NA>, 'Saudi Arabia', 'LBN']
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from .._data import data_rows

__all__ = ["COUNTRY_COLUMNS", "outside_syria"]

#: the columns read, in order: the first one a row fills decides
COUNTRY_COLUMNS = ("country", "iso3", "iso")


@lru_cache(maxsize=1)
def _syria() -> dict[str, frozenset[str]]:
    values: dict[str, set[str]] = {}
    for row in data_rows("syria_country_codes.csv"):
        values.setdefault(row["column"], set()).add(row["value"].strip().casefold())
    return {column: frozenset(v) for column, v in values.items()}


def _text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def outside_syria(events: pd.DataFrame) -> pd.Series:
    """For each row, the country it says when that is not Syria (as written), else NA.

    A row is judged by the first of ``country``, ``iso3``, ``iso`` it fills; a table without
    these columns is all in Syria. The country's name is given when the table has one.
    """
    out = pd.Series(pd.NA, index=events.index, dtype="string")
    present = [c for c in COUNTRY_COLUMNS if c in events.columns]
    if not present:
        return out
    syria = _syria()
    decided = pd.Series(False, index=events.index)
    names = events["country"].map(_text) if "country" in events.columns else pd.Series("", index=events.index)
    for column in present:
        texts = events[column].map(_text)
        filled = (texts != "") & ~decided
        other = filled & ~texts.str.casefold().isin(syria.get(column, frozenset()))
        out[other] = names[other].where(names[other] != "", texts[other])
        decided |= filled
    return out
