"""Heatmap of the incidents currently selected by the time slider (Leaflet.heat, inlined offline).

Examples
--------
>>> import folium, pandas as pd
>>> from conflictmap.maps.incidents import incidents_layer
>>> m = folium.Map(tiles=None)
>>> inc = incidents_layer(pd.DataFrame({"latitude": [35.0], "longitude": [38.0]}), m)
>>> heat = heatmap_layer(inc, m)
>>> heat.layer_name
'Heatmap'
"""

from __future__ import annotations

from typing import Any

from branca.element import JavascriptLink
from folium.elements import JSCSSMixin
from folium.template import Template

from ..htmlsafe import script_json
from . import jslib
from .element import LiteralLayer
from .incidents import IncidentsLayer
from .tree import attach

__all__ = ["HeatmapLayer", "heatmap_layer"]

#: the Leaflet.heat URL folium uses; save_html inlines the pinned npm copy
HEAT_JS = "https://cdn.jsdelivr.net/gh/python-visualization/folium@main/folium/templates/leaflet_heat.min.js"


class HeatmapLayer(JSCSSMixin, LiteralLayer):
    """Heatmap drawn from an :class:`IncidentsLayer`'s current selection (no data duplicated)."""

    default_js = [("leaflet-heat.js", HEAT_JS)]
    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = new L.ConflictmapHeat({{ this.incidents.get_name() }}, {{ this.options_js }});
Conflictmap.layers[{{ this.get_name()|tojson }}] = {{ this.get_name() }};
{% endmacro %}
""")

    def __init__(self, incidents: IncidentsLayer, *, name: str = "Heatmap", show: bool = False,
                 radius: int = 18, blur: int = 15, min_opacity: float = 0.35, max_zoom: int = 12):
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "Heatmap"
        self.incidents = incidents
        self.options = {"radius": radius, "blur": blur, "minOpacity": min_opacity, "maxZoom": max_zoom}

    @property
    def options_js(self) -> str:
        return script_json(self.options)

    def render(self, **kwargs):
        figure = self.get_root()
        for name, url in self.default_js:
            figure.header.add_child(JavascriptLink(url), name=name)  # before heat.js, which needs it
        jslib.require(figure, "heat")
        super().render(**kwargs)


def heatmap_layer(incidents: IncidentsLayer, m: Any = None, *, name: str = "Heatmap", show: bool = False,
                  radius: int = 18, blur: int = 15) -> HeatmapLayer:
    """A heatmap layer following ``incidents`` (and the time slider); hidden until ticked by default."""
    return attach(HeatmapLayer(incidents, name=name, show=show, radius=radius, blur=blur), m)
