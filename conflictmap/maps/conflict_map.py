"""``conflict_map(events, zones=None, ...)``: the whole map in one call, shown inline in Jupyter.

Examples
--------
>>> import pandas as pd
>>> events = pd.DataFrame({"latitude": [36.2, 35.1], "longitude": [37.15, 36.7],
...                        "event_type": ["Battles", "Protests"],
...                        "event_date": pd.to_datetime(["2020-06-01", "2020-06-20"])})
>>> m = conflict_map(events, basemap=False, title="Demo")
>>> sorted(type(c).__name__ for c in m._children.values())  # doctest: +NORMALIZE_WHITESPACE
['FitBounds', 'HeatmapLayer', 'IncidentsLayer', 'LabelsLayer', 'LayerControl', 'MapTitle', 'TimeSlider']
"""

from __future__ import annotations

import html as _html
import logging
from typing import Any

import folium
import numpy as np
from folium.template import Template

from ..errors import ConflictmapError, ExportError, InputError
from ..htmlsafe import has_template_syntax, script_json, text
from . import jslib
from .element import LiteralMacroElement
from .basemap import basemap_layer
from .heatmap import heatmap_layer
from .incidents import incidents_layer
from .labels import SCRIPTS, labels_layer
from .payload import event_points
from .styles import styles
from .timeline import _day, set_time, time_slider
from .tree import map_of
from .zones_layer import zones_layer

log = logging.getLogger(__name__)

__all__ = ["ConflictMap", "MapTitle", "conflict_map"]


class ConflictMap(folium.Map):
    """A ``folium.Map`` whose Jupyter display is self-contained (works with no network)."""

    def _repr_html_(self, **kwargs) -> str:
        from ..export import render_html

        try:
            page = render_html(self, self_contained=True)
        except ExportError as exc:
            log.warning("showing the map with online assets: %s", exc)
            return super()._repr_html_(**kwargs)
        return ('<div style="width:100%;"><div style="position:relative;width:100%;height:0;padding-bottom:60%;">'
                f'<iframe srcdoc="{_html.escape(page, quote=True)}" style="position:absolute;width:100%;height:100%;'
                'left:0;top:0;border:none !important;" allowfullscreen></iframe></div></div>')


class MapTitle(LiteralMacroElement):
    """A title box at the top of the map (escaped text)."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function () {
  var div = L.DomUtil.create("div", "cm-title", {{ this.map_name }}.getContainer());
  div.textContent = {{ this.title_js }};
})();
{% endmacro %}
""")

    def __init__(self, title: str):
        super().__init__()
        self._name = "MapTitle"
        self.title = title

    @property
    def title_js(self) -> str:
        return script_json(self.title)

    def render(self, **kwargs):
        self.map_name = map_of(self).get_name()
        jslib.require(self.get_root(), "style")
        super().render(**kwargs)


def _tile_layer(tiles: str) -> folium.TileLayer:
    """folium's tile layer for a provider name or an ``http(s)`` URL template, checked first."""
    url_like = isinstance(tiles, str) and (":" in tiles or "/" in tiles)
    if (not isinstance(tiles, str) or has_template_syntax(tiles) or any(ch in tiles for ch in "<>\"'`\r\n")
            or (url_like and not tiles.lower().startswith(("http://", "https://")))):
        raise InputError("tiles must be a provider name (e.g. OpenStreetMap) or an http(s) URL template "
                         "such as https://tile.example.org/{z}/{x}/{y}.png", column="tiles", value=tiles)
    try:
        return folium.TileLayer(tiles, name=text(f"{tiles} tiles (online)"), overlay=False, control=True, show=True)
    except ValueError as exc:  # folium: an unknown provider, or a URL without an attribution
        raise InputError(f"tiles {tiles!r}: {exc}", column="tiles", value=tiles) from None


def _bounds(events: Any, zones: Any) -> list[list[float]] | None:
    xs, ys = [], []
    if events is not None and len(events):
        lon, lat = event_points(events)
        ok = ~(np.isnan(lon) | np.isnan(lat))
        xs += [lon[ok].min(), lon[ok].max()] if ok.any() else []
        ys += [lat[ok].min(), lat[ok].max()] if ok.any() else []
    if zones is not None and len(zones):
        z = zones.to_crs("EPSG:4326") if zones.crs is not None and not zones.crs.equals("EPSG:4326") else zones
        minx, miny, maxx, maxy = z.total_bounds
        if np.isfinite([minx, miny, maxx, maxy]).all():
            xs += [minx, maxx]
            ys += [miny, maxy]
    if not xs:
        return None
    return [[float(min(ys)), float(min(xs))], [float(max(ys)), float(max(xs))]]


def conflict_map(events: Any = None, zones: Any = None, *, as_of: Any = None, title: str | None = None,
                 tiles: str | None = None, basemap: bool = True, gazetteer: Any = None,
                 heatmap: bool = True, slider: bool = True, window_days: int | None = None,
                 cluster: bool = True, labels: str | bool | None = "en", layer_control: bool = True,
                 zones_attribution: str | None = None, width: str = "100%", height: str = "100%", **map_kwargs: Any) -> ConflictMap:
    """Build the complete map: offline basemap, optional tiles, control zones, incidents with
    legend and unresolved list, heatmap, one time slider and a layer control.

    Parameters
    ----------
    events
        Events table (see :func:`conflictmap.maps.incidents.incidents_layer`), or None.
    zones
        Control zones GeoDataFrame (see :func:`conflictmap.maps.zones_layer.zones_layer`), or None.
    as_of
        Date the map opens at: zone snapshot valid then, incidents up to then (the slider can
        still move; nothing is dropped).
    title
        Title shown at the top of the map.
    tiles
        A folium tile name or URL for an online basemap (off by default: the offline basemap
        needs no network).
    basemap
        Draw the offline basemap from the gazetteer.
    heatmap
        Add a heatmap layer (hidden until ticked in the layer control).
    slider
        Add the time slider (when there are dates).
    window_days
        Offer and select a "last N days" window on the slider.
    labels
        Place labels from the gazetteer as page text: ``"en"`` (Latin names), ``"ar"`` (Arabic,
        right-to-left) or ``"both"``; ``False``/``None`` for none (the basemap then labels its
        largest towns itself). See :func:`conflictmap.maps.labels.labels_layer`.

    Returns
    -------
    ConflictMap
        A ``folium.Map``; it displays inline in Jupyter and can be written with
        :func:`conflictmap.save_html`.
    """
    view = styles()["default_view"]
    m = ConflictMap(location=[view["center_lat"], view["center_lon"]], zoom_start=view["zoom"], tiles=None,
                    width=width, height=height, prefer_canvas=False, **map_kwargs)
    if labels is True:
        labels = "en"
    if labels and labels not in SCRIPTS:
        raise InputError(f"labels must be one of {', '.join(SCRIPTS)} or False", column="labels", value=labels)
    label_layer = None
    if labels and gazetteer is not False:
        try:
            label_layer = labels_layer(events=events, script=labels, gazetteer=gazetteer)
        except (ImportError, AttributeError, OSError, ConflictmapError) as exc:
            log.warning("no gazetteer for place labels (%s); the map has none", exc)
    if basemap:
        # with place labels on, the basemap draws its town dots only (the labels layer names them)
        basemap_layer(m, gazetteer=gazetteer, label_population=None if label_layer is None else 10**12)
    if tiles:
        _tile_layer(tiles).add_to(m)
    if zones is not None:
        zones_layer(zones, m, attribution=zones_attribution)
    inc = None
    if events is not None:
        inc = incidents_layer(events, m, cluster=cluster, gazetteer=gazetteer)
        if heatmap:
            heatmap_layer(inc, m)
    if label_layer is not None:
        label_layer.add_to(m)
    end_day = _day(as_of) if as_of is not None else None
    if slider:
        slider_el = time_slider(m, window_days=window_days, value=as_of)
        if slider_el is not None and end_day is not None and end_day > slider_el.end_day:
            slider_el.options["end"] = end_day
            slider_el.options["value"] = end_day
        if slider_el is None and end_day is not None:
            set_time(m, as_of)
    elif end_day is not None:
        set_time(m, as_of)
    if title:
        MapTitle(title).add_to(m)
    bounds = _bounds(events, zones)
    if bounds is not None:
        m.fit_bounds(bounds, padding=(20, 20), max_zoom=11)
    if layer_control:
        folium.LayerControl(collapsed=False, position="topright").add_to(m)
    log.info("conflict map built%s", f": {text(title)}" if title else "")
    return m
