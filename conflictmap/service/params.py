"""Reading and checking request parameters: a bad one is an HTTP 400 that names it and its value.

The query string is decoded strictly (percent-encoding and UTF-8), so a mangled value is
reported instead of being silently replaced; values quoted back in error messages are cut to
:data:`QUOTE_CHARS` characters.

Examples
--------
>>> params = parse_query_string(b"q=Kafr%20Nabl&limit=3&format=jsonv2")
>>> params["q"], get_int(params, "limit", default=10, low=1, high=50)
('Kafr Nabl', 3)
>>> get_int({"limit": "ten"}, "limit", default=10, low=1, high=50)
Traceback (most recent call last):
...
conflictmap.service.params.ParamError: parameter 'limit', value 'ten': not a whole number
>>> get_viewbox({"viewbox": "36.9,35.4,36.3,36.1"})
(36.3, 35.4, 36.9, 36.1)
>>> languages("ar,en;q=0.5")
['ar', 'en']
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Iterable
from urllib.parse import unquote_to_bytes

from ..errors import InputError

__all__ = ["ParamError", "QUOTE_CHARS", "parse_query_string", "get_text", "get_int", "get_float", "get_bool",
           "get_choice", "get_viewbox", "get_countrycodes", "languages", "quote"]

#: longest user value quoted back in an error message
QUOTE_CHARS = 80

_BAD_PERCENT = re.compile(rb"%(?![0-9A-Fa-f]{2})")
_COUNTRY_CODE = re.compile(r"^[a-z]{2}$")
_LANG = re.compile(r"^[a-z]{1,8}$")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ParamError(InputError):
    """A request parameter (or the body) is malformed; answered with HTTP ``status`` (400).

    Examples
    --------
    >>> err = ParamError("lat", "abc", "not a number")
    >>> err.as_json()["error"]["parameter"], err.status
    ('lat', 400)
    """

    def __init__(self, parameter: str, value: object, message: str, *, status: int = 400):
        self.parameter = parameter
        self.quoted = quote(value)
        self.status = status
        super().__init__(f"parameter {parameter!r}, value {self.quoted!r}: {message}")
        self.reason = message

    def as_json(self) -> dict:
        """Nominatim's error shape (``{"error": {"code", "message"}}``) plus the parameter and value."""
        return {"error": {"code": self.status, "message": str(self), "parameter": self.parameter,
                          "value": self.quoted}}


def quote(value: object, limit: int = QUOTE_CHARS) -> str:
    """``value`` as text cut to ``limit`` characters (an ellipsis marks the cut).

    >>> quote("x" * 100, limit=10)
    'xxxxxxxxx…'
    """
    text = value.decode("utf-8", "backslashreplace") if isinstance(value, bytes) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_query_string(raw: bytes) -> dict[str, str]:
    """Decode ``a=1&b=2`` strictly; a repeated parameter keeps its last value (as PHP does).

    Raises
    ------
    ParamError
        For a ``%`` not followed by two hex digits or a value that is not UTF-8.
    """
    out: dict[str, str] = {}
    for part in raw.split(b"&"):
        if not part:
            continue
        key_b, _, value_b = part.partition(b"=")
        key = _decode(key_b, "the parameter name", key_b)
        out[key] = _decode(value_b, key, value_b)
    return out


def _decode(raw: bytes, name: str, shown: bytes) -> str:
    if _BAD_PERCENT.search(raw):
        raise ParamError(name, shown, "bad percent-encoding (a '%' must be followed by two hex digits)")
    try:
        return unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        raise ParamError(name, shown, "not UTF-8 text") from None


def get_text(params: Mapping[str, str], name: str, *, max_chars: int, default: str = "") -> str:
    """A text parameter, stripped, at most ``max_chars`` long."""
    value = params.get(name)
    if value is None:
        return default
    if len(value) > max_chars:
        raise ParamError(name, value, f"longer than {max_chars} characters ({len(value)})")
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
        raise ParamError(name, value, "contains control characters")
    return value.strip()


def get_int(params: Mapping[str, str], name: str, *, default: int | None, low: int, high: int) -> int | None:
    """A whole number in ``[low, high]`` (``default`` when absent or empty)."""
    value = params.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ParamError(name, value, "not a whole number") from None
    if not low <= number <= high:
        raise ParamError(name, value, f"must be between {low} and {high}")
    return number


def get_float(params: Mapping[str, str], name: str, *, low: float, high: float, required: bool = False) -> float | None:
    """A finite number in ``[low, high]``; NaN and infinities are refused."""
    value = params.get(name, "").strip()
    if not value:
        if required:
            raise ParamError(name, value, "is required")
        return None
    return _number(name, value, value, low, high)


def _number(name: str, text: str, shown: str, low: float, high: float) -> float:
    try:
        number = float(text)
    except ValueError:
        raise ParamError(name, shown, "not a number") from None
    if not math.isfinite(number):
        raise ParamError(name, shown, "must be a finite number")
    if not low <= number <= high:
        raise ParamError(name, shown, f"must be between {low:g} and {high:g}")
    return number


def get_bool(params: Mapping[str, str], name: str, *, default: bool) -> bool:
    """``0/1`` (also ``true/false``, ``yes/no``, as clients such as geopy send)."""
    value = params.get(name)
    if value is None:
        return default
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False if text else default
    raise ParamError(name, value, "must be 0 or 1")


def get_choice(params: Mapping[str, str], name: str, choices: Iterable[str], *, default: str) -> str:
    """One of ``choices`` (case-insensitive)."""
    value = params.get(name, "").strip()
    if not value:
        return default
    allowed = list(choices)
    if value.lower() not in allowed:
        raise ParamError(name, value, f"must be one of {', '.join(allowed)}")
    return value.lower()


def get_viewbox(params: Mapping[str, str]) -> tuple[float, float, float, float] | None:
    """``viewbox=<x1>,<y1>,<x2>,<y2>`` (any two corners, lon/lat) as (min_lon, min_lat, max_lon, max_lat)."""
    value = params.get("viewbox", "").strip()
    if not value:
        return None
    parts = value.split(",")
    if len(parts) != 4:
        raise ParamError("viewbox", value, "must be four numbers: lon1,lat1,lon2,lat2")
    x1, x2 = (_number("viewbox", parts[i], value, -180.0, 180.0) for i in (0, 2))
    y1, y2 = (_number("viewbox", parts[i], value, -90.0, 90.0) for i in (1, 3))
    if x1 == x2 or y1 == y2:
        raise ParamError("viewbox", value, "the two corners must span a real box")
    return (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))


def get_countrycodes(params: Mapping[str, str]) -> frozenset[str]:
    """``countrycodes=sy,tr`` as a set of ISO 3166-1 alpha-2 codes (empty: no restriction)."""
    value = params.get("countrycodes", "").strip()
    if not value:
        return frozenset()
    codes = [c.strip().lower() for c in value.split(",") if c.strip()]
    bad = [c for c in codes if not _COUNTRY_CODE.match(c)]
    if bad:
        raise ParamError("countrycodes", value, "must be comma-separated two-letter ISO 3166-1 codes")
    return frozenset(codes)


def languages(value: str | None) -> list[str]:
    """Primary language tags of an ``Accept-Language`` value, most preferred first.

    Malformed entries are skipped (browsers send all sorts); ``q`` weights order the rest.

    >>> languages("en-GB,ar;q=0.9,*;q=0.1")
    ['en', 'ar']
    """
    if not value:
        return []
    ranked: list[tuple[float, int, str]] = []
    for i, item in enumerate(value.split(",")[:20]):
        tag, _, rest = item.strip().partition(";")
        weight = 1.0
        if rest.strip().startswith("q="):
            try:
                weight = float(rest.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().lower().split("-")[0].split("_")[0]
        if _LANG.match(primary) and math.isfinite(weight) and weight > 0:
            ranked.append((-weight, i, primary))
    return list(dict.fromkeys(tag for _, _, tag in sorted(ranked)))
