"""Incidents layer: every event on one canvas with clustering, popups, tooltips, a legend from
the data, drawn location uncertainty and a panel listing events with no point.

Examples
--------
>>> import folium, pandas as pd
>>> events = pd.DataFrame({"latitude": [36.2, 35.9, None], "longitude": [37.15, 36.6, None],
...                        "event_type": ["Battles", "Protests", "Battles"],
...                        "event_date": pd.to_datetime(["2020-06-01", "2020-06-03", "2020-06-05"])})
>>> m = folium.Map(tiles=None)
>>> layer = incidents_layer(events, m)
>>> layer.payload["n"], layer.payload["unresolved"]["n"]
(2, 1)
>>> "L.ConflictmapIncidents" in m.get_root().render()
True
"""

from __future__ import annotations

import logging
from typing import Any, Mapping

import pandas as pd
from folium.template import Template

from ..errors import ConflictmapError
from ..htmlsafe import script_json
from . import jslib
from .element import LiteralLayer
from .legend import Legend, legend_html
from .payload import build_payload, encode
from .tree import attach, map_of

log = logging.getLogger(__name__)

__all__ = ["IncidentsLayer", "incidents_layer", "area_lookup"]


class IncidentsLayer(LiteralLayer):
    """A folium layer drawing an incidents payload (see :mod:`conflictmap.maps.payload`).

    In the page the Leaflet layer is ``Conflictmap.layers[<name>]``; it follows the time slider
    and offers ``stats()`` (counts of drawn events, clusters and single markers).
    """

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = new L.ConflictmapIncidents({{ this.data_name }}, {{ this.js_options }});
Conflictmap.layers[{{ this.get_name()|tojson }}] = {{ this.get_name() }};
Conflictmap.registerTimeLayer({{ this.map_name }}, {{ this.get_name() }});
{% if this.unresolved_panel %}
new L.Control.ConflictmapUnresolved({{ this.get_name() }}, {title: {{ this.unresolved_title }}}).addTo({{ this.map_name }});
{% endif %}
{% endmacro %}
""")

    def __init__(self, payload: dict[str, Any], *, name: str = "Incidents", show: bool = True,
                 control: bool = True, cluster: bool = True, compress: bool | None = None,
                 unresolved_panel: bool = True):
        super().__init__(name=name, overlay=True, control=control, show=show)
        self._name = "Incidents"
        self.payload = payload
        self.compress = compress
        self.cluster = cluster
        self.unresolved_panel = unresolved_panel and payload["unresolved"]["n"] > 0
        self.unresolved_title = script_json("Not on the map")

    @property
    def payload_js(self) -> str:
        return encode(self.payload, self.compress)

    @property
    def js_options(self) -> str:
        options: dict[str, Any] = {}
        if not self.cluster:
            options["clusterMaxZoom"] = 0
            options["colocatedCell"] = 1
        return script_json(options)

    def render(self, **kwargs):
        self.map_name = map_of(self).get_name()
        jslib.require(self.get_root(), "incidents")
        self.data_name = jslib.add_data(self, self.payload_js)
        super().render(**kwargs)


def area_lookup(events: pd.DataFrame, areas: Any = None, gazetteer: Any = None) -> dict[str, Any]:
    """Polygons for the ``place_id`` of geo_precision-3 events.

    ``areas`` is a mapping ``place_id -> geometry`` or a GeoDataFrame with a ``place_id`` column
    (or index); otherwise ``gazetteer.places`` is used, loading the default gazetteer when none is
    given and it is available (``gazetteer=False`` disables the lookup).
    """
    if "place_id" not in events.columns or "geo_precision" not in events.columns:
        return {}
    prec = pd.to_numeric(events["geo_precision"], errors="coerce")
    wanted = set(events.loc[prec == 3, "place_id"].dropna().astype(str))
    if not wanted:
        return {}
    if gazetteer is False and areas is None:
        return {}
    if isinstance(areas, Mapping):
        return {pid: areas[pid] for pid in wanted if pid in areas}
    frame = areas
    if frame is None:
        if gazetteer is None:
            try:
                from ..gazetteer import get_gazetteer

                gazetteer = get_gazetteer()
            except (ImportError, AttributeError, ConflictmapError, OSError) as exc:
                log.info("no gazetteer for area outlines (%s); geo_precision-3 events drawn as circles", exc)
                return {}
        frame = gazetteer.places
    if "place_id" in getattr(frame, "columns", []):
        frame = frame.set_index("place_id", drop=False)
    hits = frame.loc[frame.index.intersection(list(wanted))]
    return {str(pid): geom for pid, geom in zip(hits.index, hits.geometry)}


def incidents_layer(events: pd.DataFrame, m: Any = None, *, name: str = "Incidents", legend: bool = True,
                    show: bool = True, cluster: bool = True, areas: Any = None, gazetteer: Any = None,
                    precision2_radius_m: float | None = None, max_text: int = 400,
                    compress: bool | None = None, unresolved_panel: bool = True,
                    legend_position: str = "bottomright") -> IncidentsLayer:
    """Build the incidents layer (and add it to ``m`` when given).

    Parameters
    ----------
    events
        DataFrame/GeoDataFrame with geometry or latitude/longitude; ACLED columns are used when
        present (event_date, event_type, actor1/2, fatalities, location, admin1, geo_precision,
        source, source_url, source_sentence or notes, place_id, match_status, match_reason).
        Rows with no point are listed in a panel, never dropped.
    m
        Map (or feature group) to add the layer to.
    legend
        Add a legend of the event types present, with counts.
    cluster
        Group nearby events into numbered clusters (co-located events stay grouped at any zoom).
    areas, gazetteer
        Where to find admin polygons for geo_precision-3 events (see :func:`area_lookup`).
    precision2_radius_m
        Radius of the uncertainty circle of geo_precision-2 events.
    max_text
        Longest quoted sentence kept in a popup.
    compress
        Gzip the embedded data (default: when it exceeds about 1 MB).

    Returns
    -------
    IncidentsLayer
    """
    lookup = area_lookup(events, areas, gazetteer)
    payload = build_payload(events, areas=lookup, precision2_radius_m=precision2_radius_m, max_text=max_text)
    layer = IncidentsLayer(payload, name=name, show=show, cluster=cluster, compress=compress,
                           unresolved_panel=unresolved_panel)
    if legend:
        items = [dict(t, index=k) for k, t in enumerate(payload["types"])]
        undated = int((payload["day"] < 0).sum())
        note = f"{undated:,} undated event(s) always shown" if undated else None
        layer.add_child(Legend(legend_html(f"{name}: event types", items, note=note), position=legend_position))
    log.info("incidents layer: %d located, %d unresolved", payload["n"], payload["unresolved"]["n"])
    return attach(layer, m)
