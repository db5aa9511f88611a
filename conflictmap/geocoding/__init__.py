"""Geocoding: turn a place name from a conflict report into a gazetteer place.

One job per module, lowest first (a module imports only the ones above it in this list, and
:mod:`conflictmap.gazetteer` sits between the name rules and the matching):

* :mod:`~conflictmap.geocoding.normalize`: folding rules and name keys (Latin and Arabic script);
* :mod:`~conflictmap.geocoding.query`: reading a location text ("near X", "X district of Y");
* :mod:`~conflictmap.geocoding.matching`: the name index, candidates, ranking and the calibrated
  decision (:class:`Match`);
* :mod:`~conflictmap.geocoding.fuzzy`: the name index's rapidfuzz search over its keys;
* :mod:`~conflictmap.geocoding.index_store`: the stored name index (loaded instead of rebuilt);
* :mod:`~conflictmap.geocoding.hints`: reading governorate / district hints and context parts;
* :mod:`~conflictmap.geocoding.bilingual`: reading a Latin and an Arabic name together;
* :mod:`~conflictmap.geocoding.corrections`, :mod:`~conflictmap.geocoding.fallback`: the analyst's
  fixes and an optional online geocoder;
* :mod:`~conflictmap.geocoding.geocoder`: :class:`Geocoder`, geopy's interface over all of them;
* :mod:`~conflictmap.geocoding.batch`: :func:`geocode` on a pandas table.

Public names are imported lazily (``import conflictmap.geocoding`` loads nothing else), so
that the gazetteer can use the name rules without loading the geocoder.

Examples
--------
>>> from conflictmap.geocoding import Geocoder, normalize_name
>>> normalize_name("  Kafr   Nabl ")
'Kafr Nabl'
>>> Geocoder().resolve("Kafr Nabl", admin1="Idlib").status
'matched'
"""

from __future__ import annotations

from .._lazy import lazy_exports

# public name -> module of this package that defines it (keep sorted by module)
_EXPORTS: dict[str, str] = {
    "geocode": "batch",
    "matches_to_frame": "batch",
    "OUTPUT_COLUMNS": "batch",
    "combine_scripts": "bilingual",
    "CORRECTION_COLUMNS": "corrections",
    "read_corrections": "corrections",
    "CachedFallback": "fallback",
    "Geocoder": "geocoder",
    "HintReader": "hints",
    "cache_dir": "index_store",
    "load_or_build": "index_store",
    "ADMIN_TYPES": "matching",
    "Candidate": "matching",
    "Context": "matching",
    "Match": "matching",
    "NameIndex": "matching",
    "decide": "matching",
    "rank": "matching",
    "is_arabic": "normalize",
    "name_key": "normalize",
    "normalize_name": "normalize",
    "ParsedQuery": "query",
    "parse_location": "query",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
