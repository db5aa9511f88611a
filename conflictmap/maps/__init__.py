"""Folium map layers for conflict events and control zones.

Each layer function takes ``m=None`` and returns the layer, so they compose::

    m = folium.Map(tiles=None)
    basemap_layer(m)
    zones_layer(zones, m)
    inc = incidents_layer(events, m)
    heatmap_layer(inc, m)
    labels_layer(m=m, events=events)
    time_slider(m)

:func:`conflict_map` builds all of it in one call; :func:`static_map` draws the same content with
matplotlib for print.
"""

from __future__ import annotations

from .._lazy import lazy_exports

_EXPORTS = {
    "conflict_map": "conflict_map",
    "ConflictMap": "conflict_map",
    "incidents_layer": "incidents",
    "IncidentsLayer": "incidents",
    "zones_layer": "zones_layer",
    "ZonesLayer": "zones_layer",
    "basemap_layer": "basemap",
    "heatmap_layer": "heatmap",
    "labels_layer": "labels",
    "LabelsLayer": "labels",
    "time_slider": "timeline",
    "set_time": "timeline",
    "Legend": "legend",
    "legend_html": "legend",
    "static_map": "static",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
