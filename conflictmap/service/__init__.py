"""A local, offline geocoding service that speaks Nominatim's HTTP API (``conflictmap serve``).

geopy's ``Nominatim(domain="127.0.0.1:8080", scheme="http")``, QGIS's Nominatim geocoder and any
Nominatim client work against it. Needs the ``serve`` extra (Starlette and uvicorn):
``pip install 'conflictmap[serve]'``.

Modules: :mod:`~conflictmap.service.app` (routes), :mod:`~conflictmap.service.lookup` (the
shared geocoder and search/reverse), :mod:`~conflictmap.service.nominatim` (output formats),
:mod:`~conflictmap.service.params` (parameter checks), :mod:`~conflictmap.service.table`
(``POST /geocode``), :mod:`~conflictmap.service.limits` (size, time and thread bounds, access
log), :mod:`~conflictmap.service.server` (uvicorn, foreground or background thread).

Examples
--------
>>> from conflictmap.service import BackgroundServer
>>> import json, urllib.request
>>> with BackgroundServer() as server:
...     with urllib.request.urlopen(server.url + "/search?q=Kansafra&limit=1&addressdetails=1") as answer:
...         json.loads(answer.read())[0]["address"]["state"]
'Idleb'
"""

from __future__ import annotations

import importlib
from typing import Any

from .._optional import import_optional

__all__ = ["create_app", "serve", "BackgroundServer", "LookupService", "Limits"]

_EXPORTS = {"create_app": "app", "serve": "server", "BackgroundServer": "server", "LookupService": "lookup",
            "Limits": "limits"}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'conflictmap.service' has no attribute {name!r}")
    for package in ("starlette", "uvicorn", "anyio"):
        import_optional(package, extra="serve", purpose="conflictmap serve")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
