"""Time slider: one range input with play/pause driving the incidents, heatmap and zone snapshots.

Examples
--------
>>> import folium, pandas as pd
>>> from conflictmap.maps.incidents import incidents_layer
>>> m = folium.Map(tiles=None)
>>> _ = incidents_layer(pd.DataFrame({"latitude": [35.0, 36.0], "longitude": [38.0, 37.0],
...     "event_date": pd.to_datetime(["2020-06-01", "2020-06-30"])}), m)
>>> s = time_slider(m)
>>> str(s.start), str(s.end)
('2020-06-01', '2020-06-30')
"""

from __future__ import annotations

from typing import Any, Iterable

import numpy as np
from folium.template import Template

from ..errors import InputError
from ..htmlsafe import script_json
from . import jslib
from .element import LiteralMacroElement
from .tree import map_of

__all__ = ["TimeSlider", "time_slider", "day_ranges"]


def day_ranges(element: Any) -> Iterable[list[int]]:
    """Day ranges ``[first, last]`` of every time-aware layer under ``element``."""
    for child in element._children.values():
        rng = getattr(child, "day_range", None)
        if rng is None and hasattr(child, "payload"):
            rng = child.payload.get("day_range")
        if rng:
            yield rng
        yield from day_ranges(child)


def _day(value: Any) -> int:
    import pandas as pd

    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError):
        stamp = pd.NaT
    if pd.isna(stamp):
        raise InputError(f"as_of {value!r} is not a date (expected YYYY-MM-DD)", column="as_of", value=value)
    return int(np.datetime64(stamp.date(), "D").astype(np.int64))


class TimeSlider(LiteralMacroElement):
    """The slider control; ``Conflictmap.layers[<name>]`` in the page (``setValue(day)``, ``play()``)."""

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = new L.Control.ConflictmapTimeline({{ this.options_js }}).addTo({{ this.map_name }});
Conflictmap.layers[{{ this.get_name()|tojson }}] = {{ this.get_name() }};
{% endmacro %}
""")

    def __init__(self, start: int, end: int, *, step_days: int = 1, window_days: int | None = None,
                 interval_ms: int = 400, position: str = "bottomleft", value: int | None = None):
        super().__init__()
        self._name = "TimeSlider"
        self.start_day, self.end_day = start, end
        self.start, self.end = np.datetime64(start, "D"), np.datetime64(end, "D")
        self.options = {"start": start, "end": end, "step": max(1, int(step_days)), "windowDays": window_days,
                        "interval": int(interval_ms), "position": position, "value": value}

    @property
    def options_js(self) -> str:
        return script_json(self.options)

    def render(self, **kwargs):
        self.map_name = map_of(self).get_name()
        jslib.require(self.get_root(), "timeline")
        super().render(**kwargs)


def time_slider(m: Any, *, start: Any = None, end: Any = None, step_days: int = 1,
                window_days: int | None = None, interval_ms: int = 400, position: str = "bottomleft",
                value: Any = None) -> TimeSlider | None:
    """Add one time slider to ``m`` driving every time-aware conflictmap layer on it.

    The range defaults to the dates of the layers already on ``m``; returns None (and adds
    nothing) when there are no dates at all.

    Parameters
    ----------
    window_days
        Offer a "last N days" mode (selected by default) besides "everything up to the date".
    value
        Initial date (default: the last date, so everything is shown).
    """
    ranges = list(day_ranges(m))
    first = _day(start) if start is not None else (min(r[0] for r in ranges) if ranges else None)
    last = _day(end) if end is not None else (max(r[1] for r in ranges) if ranges else None)
    if first is None or last is None:
        return None
    if last < first:
        raise InputError("time slider end is before its start", value=str(np.datetime64(last, "D")))
    slider = TimeSlider(first, last, step_days=step_days, window_days=window_days, interval_ms=interval_ms,
                        position=position, value=_day(value) if value is not None else None)
    slider.add_to(m)
    return slider


class InitialTime(LiteralMacroElement):
    """Apply a time range once when the page opens (used when there is no slider)."""

    _template = Template("""
{% macro script(this, kwargs) %}
Conflictmap.setTimeRange({{ this.map_name }}, {{ this.range_js }});
{% endmacro %}
""")

    def __init__(self, start: int | None, end: int | None):
        super().__init__()
        self._name = "InitialTime"
        self.range = (start, end)

    @property
    def range_js(self) -> str:
        return ", ".join(script_json(v) for v in self.range)

    def render(self, **kwargs):
        self.map_name = map_of(self).get_name()
        jslib.require(self.get_root(), "core")
        super().render(**kwargs)


def set_time(m: Any, end: Any, start: Any = None) -> InitialTime:
    """Show only what falls in ``[start, end]`` when the page opens (no slider needed).

    Examples
    --------
    >>> import folium
    >>> set_time(folium.Map(tiles=None), "2020-07-01").range
    (None, 18444)
    """
    element = InitialTime(_day(start) if start is not None else None, _day(end))
    element.add_to(m)
    return element
