"""Events: the event schema, readers and writers, attaching events to places and drafting events
from report text.

See ``DEVELOPING.md`` (Events) and ``conflictmap/data/event_columns.csv`` for the columns.
"""

from __future__ import annotations

from .._lazy import lazy_exports

_EXPORTS = {  # lazy: keep ``import conflictmap.events`` light
    "validate_events": "schema",
    "read_events": "io",
    "write_events": "io",
    "attach_events": "attach",
    "find_places": "places_in_text",
    "draft_events": "draft",
    "load_example_events": "examples",
}

__all__ = list(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
