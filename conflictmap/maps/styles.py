"""Map styling read from ``conflictmap/data/map_styles.json``: event-type colours and shapes,
geo-precision radii, zone confidence line styles and basemap colours.

Examples
--------
>>> event_type_styles(["Battles", "Protests", "Battles"])[0]["shape"]
'cross'
>>> [s["label"] for s in event_type_styles(["Something new", None])]
['Something new', 'Unknown type']
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any, Iterable

from ..htmlsafe import is_missing

STYLES_PATH = Path(__file__).resolve().parent.parent / "data" / "map_styles.json"

__all__ = ["styles", "event_type_styles", "confidence_style", "precision_label"]


@functools.lru_cache(maxsize=1)
def styles() -> dict[str, Any]:
    """The parsed style file."""
    with STYLES_PATH.open(encoding="utf-8") as handle:
        return json.load(handle)


def event_type_styles(types: Iterable[Any]) -> list[dict[str, str]]:
    """One style ``{label, color, shape}`` per distinct event type, in first-seen order.

    Known ACLED types get their fixed style; other types get fallback colours and shapes in
    order, so a legend generated from the data is stable for the same data.
    """
    table = styles()
    known = table["event_types"]
    out: list[dict[str, str]] = []
    seen: set[str] = set()
    extra = 0
    for value in types:
        label = table["unknown_type_label"] if is_missing(value) or str(value).strip() == "" else str(value).strip()
        if label in seen:
            continue
        seen.add(label)
        if label in known:
            style = dict(known[label])
        else:
            colors, shapes = table["fallback_colors"], table["fallback_shapes"]
            style = {"color": colors[extra % len(colors)], "shape": shapes[extra % len(shapes)]}
            extra += 1
        style["label"] = label
        out.append(style)
    return out


def confidence_style(confidence: Any) -> dict[str, Any]:
    """Line style for a zone confidence (``confirmed`` when missing or unknown).

    Examples
    --------
    >>> confidence_style("contested")["dash"]
    '8 6'
    >>> confidence_style(None)["label"]
    'confirmed'
    """
    table = styles()["zone_confidence"]
    key = "confirmed" if is_missing(confidence) else str(confidence).strip().lower()
    return dict(table.get(key, table["confirmed"]), key=key if key in table else "confirmed")


def precision_label(precision: int) -> str:
    """Human label of an ACLED geo_precision code.

    Examples
    --------
    >>> precision_label(3)
    'region or admin area'
    """
    entry = styles()["geo_precision"].get(str(precision))
    return entry["label"] if entry else "unknown"
