"""Parse location strings as reports write them into a name and its context.

"Kansafra, Jabal al-Zawiya, south of Idlib" -> name ``Kansafra`` with context
``Jabal al-Zawiya`` and ``Idlib``; "countryside of Aleppo" -> name ``Aleppo`` marked as the
area around it; "al Zayniyeh village" -> name ``al Zayniyeh`` with a settlement hint;
"Idlib District" -> name ``Idlib`` at admin level 2. The qualifier words live in
``conflictmap/data/qualifiers.csv``.

Examples
--------
>>> q = parse_location("Kansafra, Jabal al-Zawiya, south of Idlib")
>>> q.name, q.context
('Kansafra', ('Jabal al-Zawiya', 'Idlib'))
>>> q = parse_location("near the village of Kafr Nabl")
>>> q.name, q.near
('Kafr Nabl', True)
>>> parse_location("Daraa province").admin_level
1
>>> parse_location("western countryside of Aleppo").area
True
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from ._data import data_rows
from .normalize import normalize_name

__all__ = ["ParsedQuery", "parse_location"]

MAX_QUERY_CHARS = 300

_SPLIT = re.compile(r"\s*(?:[,;،؛/|()\[\]]|\s-\s|\s–\s|\s—\s)\s*")
_LEADING_JUNK = re.compile(r"^(?:the|in|at|of|on|from|and|within|inside|around|between)\s+", re.I)
_TRAILING_JUNK = re.compile(r"\s+(?:area|areas|region|vicinity|outskirts|environs)$", re.I)


@dataclass(frozen=True)
class ParsedQuery:
    """A location string split into its parts.

    Attributes
    ----------
    text : the cleaned full string
    name : the place name to look up
    context : other parts (admin areas, regions or towns it lies in or near), most specific first
    near : the string said "near", "south of", "outside" ... the place (precision 2)
    area : the string named the area around a place ("countryside of X", "X countryside")
    admin_level : 1/2/3 when the string said "province", "district", "sub-district"
    type_hint : a feature type hint from words such as "village" or "town"
    """

    text: str
    name: str
    context: tuple[str, ...] = ()
    near: bool = False
    area: bool = False
    admin_level: int | None = None
    type_hint: str | None = None


@functools.lru_cache(maxsize=1)
def _qualifiers() -> dict[str, tuple[str, str]]:
    return {r["word"].lower(): (r["kind"], r["hint"] or "") for r in data_rows("qualifiers.csv")}


def _strip_part(part: str) -> tuple[str, dict]:
    """Remove qualifier words from one comma-separated part; return the rest and what was seen."""
    quals = _qualifiers()
    seen: dict = {"near": False, "area": False, "admin_level": None, "type_hint": None}
    words = part.split()
    kept: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        low = word.lower().strip(".:")
        kind, hint = quals.get(low, ("", ""))
        if kind:
            if kind == "type":
                seen["type_hint"] = hint
            elif kind == "admin":
                seen["admin_level"] = int(hint[-1])
            elif kind == "area":
                seen["area"] = True
            elif kind == "direction":
                seen["near"] = True
            # "of" / "the" after a qualifier belong to it ("south of", "countryside of the")
            while i + 1 < len(words) and words[i + 1].lower() in ("of", "the", "to", "from", "في", "of:"):
                i += 1
            i += 1
            continue
        kept.append(word)
        i += 1
    rest = " ".join(kept)
    prev = None
    while prev != rest:
        prev = rest
        rest = _LEADING_JUNK.sub("", rest).strip()
        rest = _TRAILING_JUNK.sub("", rest).strip()
    return rest, seen


def parse_location(text: object) -> ParsedQuery:
    """Split a report's location string into name and context.

    Parameters
    ----------
    text : str
        Any string; non-strings give an empty name. Very long strings are cut to
        ``MAX_QUERY_CHARS`` characters.

    Examples
    --------
    >>> parse_location("al Zayniyeh village").name
    'al Zayniyeh'
    >>> parse_location("Bshanetra, Aleppo").context
    ('Aleppo',)
    >>> parse_location(None).name
    ''
    """
    clean = normalize_name(text)[:MAX_QUERY_CHARS]
    parts = [p for p in _SPLIT.split(clean) if p and p.strip()]
    parsed: list[tuple[str, dict]] = [_strip_part(p) for p in parts]
    parsed = [(n, s) for n, s in parsed if n] or [("", parsed[0][1] if parsed else {})]
    name, seen = parsed[0]
    context = tuple(n for n, _ in parsed[1:])
    seen = dict(seen) if seen else {}
    # "south of Idlib" as a later part still marks the whole string as approximate only when
    # it is the only part; as context it just narrows the search.
    return ParsedQuery(
        text=clean, name=name, context=context, near=bool(seen.get("near")), area=bool(seen.get("area")),
        admin_level=seen.get("admin_level"), type_hint=seen.get("type_hint"),
    )
