"""Faction registry: canonical keys, display labels, aliases and one fixed colour per faction.

The registry lives in ``conflictmap/data/factions.csv``. Names are matched case- and
diacritic-insensitively and punctuation is ignored, so "Hay'at Tahrir al-Sham", "HTS" and
"hayat tahrir al sham" all give the same faction.

Examples
--------
>>> get_faction("Syrian Army").key
'government'
>>> get_faction("Hayat Tahrir al-Sham").key, get_faction("QSD").key, get_faction("Daesh").key
('hts', 'sdf', 'isis')
>>> get_faction("sdf").color
'#F0E442'
>>> [f.key for f in all_factions()][:3]
['government', 'hts', 'sna_turkey']
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from ._data import data_rows
from .errors import InputError

__all__ = ["Faction", "get_faction", "all_factions", "faction_key", "faction_colors", "alias_key"]

_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_APOSTROPHES = re.compile("['`\u2018\u2019\u02bf\u02be\u02bc\u00b4]")


@dataclass(frozen=True)
class Faction:
    """One faction: canonical ``key``, display ``label``, fill ``color`` (``#RRGGBB``), ``aliases``.

    Examples
    --------
    >>> f = get_faction("government")
    >>> f.label
    'Syrian government and allies'
    >>> "SAA" in f.aliases
    True
    """

    key: str
    label: str
    color: str
    aliases: tuple[str, ...] = ()
    description: str = ""


def alias_key(text: Any) -> str:
    """Fold a faction name for matching: no case, accents, apostrophes or punctuation.

    Examples
    --------
    >>> alias_key("Hay'at Tahrir  al-Shām")
    'hayat tahrir al sham'
    """
    value = unicodedata.normalize("NFKD", str(text))
    value = "".join(ch for ch in value if not unicodedata.combining(ch))
    value = _APOSTROPHES.sub("", value.casefold())
    return _NON_ALNUM.sub(" ", value).strip()


@functools.lru_cache(maxsize=1)
def _registry() -> tuple[tuple[Faction, ...], dict[str, Faction]]:
    factions: list[Faction] = []
    lookup: dict[str, Faction] = {}
    for number, row in enumerate(data_rows("factions.csv"), start=1):
        key = (row.get("key") or "").strip()
        color = (row.get("color") or "").strip()
        if not key or not _HEX.match(color):
            raise InputError("faction row needs a key and a #RRGGBB colour", row=number, source="factions.csv",
                             value=key or color)
        aliases = tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())
        faction = Faction(key, (row.get("label") or key).strip(), color.upper(), aliases,
                          (row.get("description") or "").strip())
        factions.append(faction)
        for name in (key, faction.label, *aliases):
            folded = alias_key(name)
            other = lookup.get(folded)
            if other is not None and other.key != key:
                raise InputError(f"alias is used by both {other.key!r} and {key!r}", row=number,
                                 source="factions.csv", value=name)
            lookup[folded] = faction
    return tuple(factions), lookup


def all_factions() -> list[Faction]:
    """Every faction of the registry, in file order.

    Examples
    --------
    >>> len(all_factions()) >= 7
    True
    """
    return list(_registry()[0])


def get_faction(name: Any) -> Faction:
    """The faction whose key, label or alias matches ``name``.

    Raises
    ------
    InputError
        naming the value when nothing matches.

    Examples
    --------
    >>> get_faction("Turkish-backed").key
    'sna_turkey'
    >>> get_faction("al-Tanf").key
    'coalition_tanf'
    >>> get_faction("Martians")
    Traceback (most recent call last):
    ...
    conflictmap.errors.InputError: column 'faction', value 'Martians': unknown faction; known: government, hts, sna_turkey, sdf, coalition_tanf, isis, golan
    """
    if isinstance(name, Faction):
        return name
    folded = alias_key(name) if name is not None else ""
    faction = _registry()[1].get(folded) if folded else None
    if faction is None:
        known = ", ".join(f.key for f in _registry()[0])
        raise InputError(f"unknown faction; known: {known}", column="faction", value=name)
    return faction


def faction_key(name: Any) -> str:
    """Canonical key of ``name`` (shortcut for ``get_faction(name).key``).

    Examples
    --------
    >>> faction_key("YPG")
    'sdf'
    """
    return get_faction(name).key


def faction_colors() -> dict[str, str]:
    """Mapping faction key -> colour, e.g. for a legend.

    Examples
    --------
    >>> faction_colors()["government"]
    '#D55E00'
    """
    return {f.key: f.color for f in _registry()[0]}
