"""Optional fallback to an online geopy geocoder, rate limited and cached on disk.

Used only when the user passes ``Geocoder(fallback=SomeGeopyGeocoder(...))`` and only for names
the gazetteer cannot resolve. Every answer (or miss) is stored in a SQLite cache with the
provider's name and the time it was asked, so a name is never sent twice. Fallback answers are
always ``ambiguous``: they come from outside the curated gazetteer and need review.

Examples
--------
>>> import tempfile, pathlib
>>> class Offline:
...     def geocode(self, query, exactly_one=True, timeout=None):
...         return None
>>> fb = CachedFallback(Offline(), cache_path=pathlib.Path(tempfile.mkdtemp()) / "c.sqlite", min_delay_seconds=0)
>>> fb.lookup("Nowhere, Syria") is None
True
>>> fb.cached("Nowhere, Syria")["found"]
False
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

from geopy.extra.rate_limiter import RateLimiter

from ..errors import GeocoderError
from .matching import Match

log = logging.getLogger(__name__)

__all__ = ["CachedFallback", "default_cache_path"]


def default_cache_path() -> Path:
    """``$XDG_CACHE_HOME/conflictmap/fallback.sqlite`` (``~/.cache`` by default)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "conflictmap" / "fallback.sqlite"


class CachedFallback:
    """A geopy geocoder behind a rate limiter and a SQLite cache."""

    def __init__(self, provider: Any, *, cache_path: str | os.PathLike | None = None,
                 min_delay_seconds: float = 1.0):
        if not hasattr(provider, "geocode"):
            raise GeocoderError(f"fallback must be a geopy geocoder, not {type(provider).__name__}")
        self.provider = provider
        self.provider_name = type(provider).__name__
        self.path = Path(cache_path) if cache_path else default_cache_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS answers (provider TEXT, query TEXT, asked_at TEXT, "
                         "found INTEGER, latitude REAL, longitude REAL, address TEXT, raw TEXT, "
                         "PRIMARY KEY (provider, query))")
        self._db.commit()
        self._geocode = RateLimiter(provider.geocode, min_delay_seconds=min_delay_seconds, max_retries=1,
                                    swallow_exceptions=True, return_value_on_exception=None)

    def cached(self, query: str) -> dict[str, Any] | None:
        """The cached answer for a query, or None if it was never asked."""
        with self._lock:
            row = self._db.execute("SELECT asked_at, found, latitude, longitude, address, raw FROM answers "
                                   "WHERE provider = ? AND query = ?", (self.provider_name, query)).fetchone()
        if row is None:
            return None
        return {"asked_at": row[0], "found": bool(row[1]), "latitude": row[2], "longitude": row[3],
                "address": row[4], "raw": json.loads(row[5]) if row[5] else None}

    def lookup(self, query: str) -> dict[str, Any] | None:
        """Ask the provider (once ever per query); returns the cached record if found."""
        hit = self.cached(query)
        if hit is None:
            log.info("asking %s for %r", self.provider_name, query)
            loc = self._geocode(query, exactly_one=True)
            record = (self.provider_name, query, dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                      int(loc is not None), getattr(loc, "latitude", None), getattr(loc, "longitude", None),
                      getattr(loc, "address", None), json.dumps(getattr(loc, "raw", None), default=str))
            with self._lock:
                self._db.execute("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?)", record)
                self._db.commit()
            hit = self.cached(query)
        return hit if hit and hit["found"] else None

    def resolve(self, query: str, parsed: Any, admin1: str, geocoder: Any) -> Match | None:
        """A fallback :class:`Match` for a name the gazetteer could not resolve."""
        text = ", ".join(p for p in (parsed.name, admin1, "Syria") if p)
        hit = self.lookup(text)
        if hit is None:
            return None
        lon, lat = float(hit["longitude"]), float(hit["latitude"])
        return Match(query=query, status="ambiguous", place_id=None, name=hit["address"], longitude=lon, latitude=lat,
                     geo_precision=2 if parsed.near or parsed.area else 1, score=60.0, method="fallback",
                     reason=f"not in the gazetteer; {self.provider_name} answer from {hit['asked_at']}, needs review")
