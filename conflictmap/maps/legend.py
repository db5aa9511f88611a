"""Map legends built from data: every label is escaped here, swatches are inline SVG.

Examples
--------
>>> html = legend_html("Incidents", [{"label": "<b>x</b>", "color": "#d7191c", "shape": "star", "count": 3}])
>>> "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html
True
"""

from __future__ import annotations

import math
from typing import Any, Iterable

from folium.template import Template

from ..errors import InputError
from ..htmlsafe import css_color, script_json, text
from . import jslib
from .element import LiteralMacroElement
from .tree import map_of

__all__ = ["Legend", "legend_html", "shape_svg", "line_svg"]

#: the corners a Leaflet control may sit in
POSITIONS = ("topleft", "topright", "bottomleft", "bottomright")


def _points(shape: str, c: float, s: float) -> str | None:
    if shape == "triangle":
        pts = [(c, c - s * 1.1), (c + s, c + s * 0.75), (c - s, c + s * 0.75)]
    elif shape == "diamond":
        pts = [(c, c - s * 1.15), (c + s, c), (c, c + s * 1.15), (c - s, c)]
    elif shape == "star":
        pts = []
        for k in range(10):
            r = s * 1.25 if k % 2 == 0 else s * 0.55
            a = math.pi / 5 * k - math.pi / 2
            pts.append((c + r * math.cos(a), c + r * math.sin(a)))
    elif shape == "cross":
        w = s * 0.38
        pts = [(c - w, c - s), (c + w, c - s), (c + w, c - w), (c + s, c - w), (c + s, c + w), (c + w, c + w),
               (c + w, c + s), (c - w, c + s), (c - w, c + w), (c - s, c + w), (c - s, c - w), (c - w, c - w)]
    elif shape == "hexagon":
        pts = [(c + s * math.cos(math.pi / 3 * k), c + s * math.sin(math.pi / 3 * k)) for k in range(6)]
    else:
        return None
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)


def shape_svg(shape: str, color: str, size: int = 16) -> str:
    """Inline SVG of an incident marker shape (same shapes as the canvas drawing).

    Examples
    --------
    >>> shape_svg("circle", "#000").startswith("<svg")
    True
    """
    c, s, fill = size / 2, size * 0.36, css_color(color)
    if shape == "square":
        body = f'<rect x="{c - s * 0.85:.1f}" y="{c - s * 0.85:.1f}" width="{s * 1.7:.1f}" height="{s * 1.7:.1f}"'
    else:
        pts = _points(shape, c, s)
        body = f'<polygon points="{pts}"' if pts else f'<circle cx="{c}" cy="{c}" r="{s:.1f}"'
    return (f'<svg class="cm-swatch-svg" width="{size}" height="{size}" viewBox="0 0 {size} {size}" aria-hidden="true">'
            f'{body} fill="{fill}" stroke="#222" stroke-width="1"/></svg>')


def line_svg(color: str, dash: str | None = None, fill_opacity: float = 0.3, hatch: bool = False,
             width: int = 26, height: int = 16) -> str:
    """Inline SVG of an area swatch with the zone's outline style (dashes, hatching)."""
    fill = css_color(color)
    dash_attr = f' stroke-dasharray="{text(dash)}"' if dash else ""
    hatch_lines = ""
    if hatch:
        hatch_lines = "".join(
            f'<line x1="{x}" y1="{height}" x2="{x + height}" y2="0" stroke="{fill}" stroke-width="1.2"/>'
            for x in range(-height, width, 5))
    return (f'<svg class="cm-swatch-svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" aria-hidden="true">'
            f'<rect x="1.5" y="1.5" width="{width - 3}" height="{height - 3}" fill="{fill}" fill-opacity="{fill_opacity:g}"'
            f' stroke="{fill}" stroke-width="2"{dash_attr}/>{hatch_lines}</svg>')


def legend_html(title: str, items: Iterable[dict[str, Any]], note: str | None = None, note_id: str | None = None) -> str:
    """HTML of one legend block. Items: ``label``, ``color`` and ``shape`` or ``line`` (a dict of
    :func:`line_svg` options), optional ``count``. All text is escaped."""
    rows = []
    for item in items:
        if "line" in item:
            swatch = line_svg(item.get("color", "#777"), **item["line"])
        else:
            swatch = shape_svg(item.get("shape", "circle"), item.get("color", "#777"))
        count = f' <span class="cm-count">{int(item["count"]):,}</span>' if item.get("count") is not None else ""
        data = f' data-index="{int(item["index"])}"' if item.get("index") is not None else ""
        rows.append(f'<div class="cm-legend-row"{data}>{swatch}<span class="cm-legend-label">{text(item["label"])}</span>{count}</div>')
    note_html = ""
    if note is not None:
        id_attr = f' id="{text(note_id)}"' if note_id else ""
        note_html = f'<div class="cm-legend-note"{id_attr}>{text(note)}</div>'
    return f'<div class="cm-legend-block"><div class="cm-legend-title">{text(title)}</div>{"".join(rows)}{note_html}</div>'


class Legend(LiteralMacroElement):
    """A legend control; add it to a map or to a layer (it then follows that layer's map).

    Several legends at the same position stack. ``html`` must come from :func:`legend_html`.
    """

    _template = Template("""
{% macro script(this, kwargs) %}
(function () {
  var ctl = L.control({position: {{ this.position|tojson }}});
  ctl.onAdd = function () {
    var div = L.DomUtil.create("div", "cm-legend leaflet-bar");
    div.innerHTML = {{ this.html_js }};
    div.setAttribute("data-legend", {{ this.get_name()|tojson }});
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    return div;
  };
  ctl.addTo({{ this.map_name }});
  window.Conflictmap && (Conflictmap.layers[{{ this.get_name()|tojson }}] = ctl);
})();
{% endmacro %}
""")

    def __init__(self, html: str, position: str = "bottomright"):
        if position not in POSITIONS:
            raise InputError(f"legend position must be one of {', '.join(POSITIONS)}", column="position", value=position)
        super().__init__()
        self._name = "Legend"
        self.html = html
        self.position = position

    @property
    def html_js(self) -> str:
        return script_json(self.html)

    def render(self, **kwargs):
        self.map_name = map_of(self).get_name()
        jslib.require(self.get_root(), "style")
        super().render(**kwargs)
