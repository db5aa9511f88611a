"""Reviewing doubtful rows in the notebook: :func:`review` opens a widget over :class:`Review`.

``cm.review(table, corrections=PATH, user_places=PATH)`` shows the rows of a
:func:`~conflictmap.geocode` / :func:`~conflictmap.attach_events` table that are ``ambiguous`` or
``unresolved``, or the drafts of :func:`~conflictmap.draft_events`, one at a time with their
candidates on a small offline map. Every decision goes to the corrections file (and the user places
file) at once. ``Review`` is the same without the widget (for scripts and tests).
"""

from __future__ import annotations

from .._lazy import lazy_exports

_EXPORTS = {
    "Review": "decisions",
    "Decision": "decisions",
    "review": "widget",
    "ReviewWidget": "widget",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
