"""conflictmap: geocode places from Syrian conflict reports and map events and control zones.

Public names are imported lazily so that ``import conflictmap`` stays fast and optional
dependencies are only needed by the features that use them.

Examples
--------
>>> import conflictmap
>>> conflictmap.__version__
'0.1.0'
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it (one line each; keep sorted by module)
_EXPORTS: dict[str, str] = {
    "ConflictmapError": "conflictmap.errors",
    "GazetteerError": "conflictmap.errors",
    "GeocoderError": "conflictmap.errors",
    "InputError": "conflictmap.errors",
    "Gazetteer": "conflictmap.gazetteer",
    "get_gazetteer": "conflictmap.gazetteer",
    "normalize_name": "conflictmap.normalize",
    "Geocoder": "conflictmap.geocoder",
    "Match": "conflictmap.matching",
    "geocode": "conflictmap.batch",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'conflictmap' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
