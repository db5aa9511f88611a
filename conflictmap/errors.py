"""Exception hierarchy: every error conflictmap raises derives from :class:`ConflictmapError`.

Examples
--------
>>> from conflictmap.errors import ConflictmapError, InputError
>>> issubclass(InputError, ConflictmapError) and issubclass(InputError, ValueError)
True
>>> str(InputError("date is not a date", row=3, column="event_date", value="31/31/2020"))
"row 3, column 'event_date', value '31/31/2020': date is not a date"
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ConflictmapError",
    "GazetteerError",
    "CuratedRowError",
    "InputError",
    "GeocoderError",
    "ExportError",
    "OptionalDependencyError",
]


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value) if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class ConflictmapError(Exception):
    """Base class of every error raised by conflictmap."""


class GazetteerError(ConflictmapError):
    """The gazetteer data is missing, corrupt or inconsistent."""


class InputError(ConflictmapError, ValueError):
    """Bad user input; names the row, column and value where they are known."""

    def __init__(self, message: str, *, row: Any = None, column: str | None = None, value: Any = None,
                 source: str | None = None):
        self.row = row
        self.column = column
        self.value = value
        self.source = source
        self.reason = message
        parts = []
        if source is not None:
            parts.append(str(source))
        if row is not None:
            parts.append(f"row {row}")
        if column is not None:
            parts.append(f"column {column!r}")
        if value is not None:
            parts.append(f"value {_short(value)}")
        prefix = ", ".join(parts)
        super().__init__(f"{prefix}: {message}" if prefix else message)


class CuratedRowError(GazetteerError, InputError):
    """A curated gazetteer row (bundled or user-supplied) is invalid."""


class GeocoderError(ConflictmapError):
    """The geocoder was misused or its optional fallback provider failed."""


class ExportError(ConflictmapError):
    """A map or table could not be written."""


class OptionalDependencyError(ConflictmapError, ImportError):
    """An optional dependency is missing; the message says how to install it."""

    def __init__(self, package: str, extra: str | None = None, purpose: str = ""):
        hint = f"pip install 'conflictmap[{extra}]'" if extra else f"pip install {package}"
        what = f" for {purpose}" if purpose else ""
        super().__init__(f"{package} is needed{what}; install it with: {hint}")
        self.package = package
