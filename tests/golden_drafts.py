"""Snapshot of what ``find_places`` and ``draft_events`` give on normal text (the corpus paragraphs).

``tests/test_long_text.py`` compares today's output with ``tests/data/golden_drafts.json`` so that a
speed change (for example to the mention loops of ``events/places_in_text.py``) cannot change an
answer unnoticed. When an accuracy change is meant to change answers, rebuild the file and say so
in the commit::

    python tests/golden_drafts.py
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "data" / "report_paragraphs.jsonl"
GOLDEN = HERE / "data" / "golden_drafts.json"


def texts() -> list[tuple[str, str, str]]:
    """(id, text, published): every corpus paragraph, and all of them as one long report."""
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    out = [(r["id"], r["text"], r["published"]) for r in rows]
    out.append(("all-in-one", "\n\n".join(r["text"] for r in rows), rows[-1]["published"]))
    return out


def _v(value: Any) -> Any:
    import pandas as pd

    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def snapshot(text: str, published: str) -> dict[str, Any]:
    """The mentions (span, role, place, status) and drafts (span, date, type, actors, place, deaths) of a text."""
    from conflictmap.events.draft import draft_events
    from conflictmap.events.places_in_text import find_places

    places = find_places(text)
    drafts = draft_events(text, published=published, report_id="golden")
    return {
        "places": [[int(r.start), int(r.end), r.role, bool(r.near), _v(r.place_id), r.match_status]
                   for r in places.itertuples()],
        "drafts": [[int(d.span_start), int(d.clause_start), str(d.event_date.date()), int(d.time_precision),
                    d.sub_event_type, _v(d.actor1), _v(d.actor2), d.place_id, d.place_role, int(d.fatalities)]
                   for d in drafts.itertuples()],
    }


def build() -> dict[str, Any]:
    return {key: snapshot(text, published) for key, text, published in texts()}


if __name__ == "__main__":
    GOLDEN.write_text(json.dumps(build(), indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN}")
