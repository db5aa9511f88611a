"""Events: the event schema, readers and writers, attaching events to places and drafting events
from report text.

See ``DEVELOPING.md`` (Events) and ``conflictmap/data/event_columns.csv`` for the columns.
"""

from __future__ import annotations

__all__ = [
    "validate_events",
    "read_events",
    "write_events",
    "attach_events",
    "find_places",
    "draft_events",
    "load_example_events",
]


def __getattr__(name: str):  # lazy: keep ``import conflictmap.events`` light
    import importlib

    modules = {
        "validate_events": "schema",
        "read_events": "io",
        "write_events": "io",
        "attach_events": "attach",
        "find_places": "places_in_text",
        "draft_events": "draft",
        "load_example_events": "examples",
    }
    if name not in modules:
        raise AttributeError(f"module 'conflictmap.events' has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{modules[name]}"), name)
