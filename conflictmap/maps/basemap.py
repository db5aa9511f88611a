"""Offline basemap drawn from the package's own data (Syria's outline, governorates, major towns
and roads, neighbouring countries) so a map is readable with no tiles at all.

Examples
--------
>>> import folium
>>> from shapely.geometry import box, LineString, Point
>>> layer = basemap_layer(outline=box(36, 32, 42, 37), towns=[("Aleppo <b>", Point(37.16, 36.2), 2_000_000)],
...                       roads=[LineString([(36.7, 34.7), (37.1, 36.2)])], attribution="Test data",
...                       gazetteer=False)
>>> layer.data["towns"]
[[37.16, 36.2, 'Aleppo <b>', True]]
>>> "Test data" in folium.Map(tiles=None).add_child(layer).get_root().render()
True
"""

from __future__ import annotations

import logging
from typing import Any, Iterable

from folium.template import Template

from ..errors import ConflictmapError
from ..htmlsafe import script_json, text
from . import jslib
from .element import LiteralLayer
from .styles import styles
from .tree import attach

log = logging.getLogger(__name__)

__all__ = ["BasemapLayer", "basemap_layer", "default_basemap_data"]


def _geojson(geoms: Iterable[Any], tolerance: float) -> dict | None:
    import shapely

    features = []
    for geom in geoms:
        if geom is None or geom.is_empty:
            continue
        if tolerance:
            geom = shapely.simplify(geom, tolerance, preserve_topology=True)
        geom = shapely.set_precision(geom, 1e-4)
        features.append({"type": "Feature", "properties": {}, "geometry": shapely.geometry.mapping(geom)})
    return {"type": "FeatureCollection", "features": features} if features else None


class BasemapLayer(LiteralLayer):
    """The offline basemap as one Leaflet feature group."""

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.conflictmapBasemap({{ this.data_js }});
Conflictmap.layers[{{ this.get_name()|tojson }}] = {{ this.get_name() }};
{% endmacro %}
""")

    def __init__(self, data: dict[str, Any], *, name: str = "Basemap (offline)", show: bool = True):
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "Basemap"
        self.data = data

    @property
    def data_js(self) -> str:
        return script_json(self.data)

    def render(self, **kwargs):
        jslib.require(self.get_root(), "basemap")
        super().render(**kwargs)


def default_basemap_data(gazetteer: Any = None) -> dict[str, Any]:
    """Outline, governorates, roads, towns (name, point, population), neighbours and attribution
    from the gazetteer (the default one when ``gazetteer`` is None)."""
    if gazetteer is None:
        from ..gazetteer import get_gazetteer

        gazetteer = get_gazetteer()
    places = gazetteer.places
    settlements = places[(places["feature_type"] == "settlement") & places["population"].notna()]
    towns = [(name, geom, int(pop)) for name, geom, pop in
             zip(settlements["name"], settlements.geometry, settlements["population"])]
    try:
        neighbours = list(gazetteer.neighbours().geometry)
    except (AttributeError, OSError, ConflictmapError) as exc:
        log.info("no neighbouring countries for the basemap: %s", exc)
        neighbours = None
    return {
        "outline": gazetteer.outline(),
        "areas": list(gazetteer.areas(1).geometry),
        "roads": list(places.loc[places["feature_type"] == "road"].geometry),
        "towns": towns,
        "neighbours": neighbours,
        "attribution": gazetteer.attribution,
    }


def basemap_layer(m: Any = None, *, gazetteer: Any = None, outline: Any = None, areas: Any = None,
                  towns: Iterable[tuple[str, Any, Any]] | None = None, roads: Iterable[Any] | None = None,
                  neighbours: Iterable[Any] | None = None, attribution: str | None = None,
                  name: str = "Basemap (offline)", show: bool = True, min_population: int | None = None,
                  label_population: int | None = None, tolerance: float = 0.005) -> BasemapLayer:
    """Build the offline basemap (and add it to ``m`` when given).

    Geometries given as arguments win; anything not given comes from the gazetteer (the default
    one unless ``gazetteer=False``). ``towns`` are ``(name, point, population)`` tuples; towns of
    at least ``min_population`` are drawn and those of ``label_population`` labelled. The
    gazetteer's attribution (or ``attribution``) is shown in the map's attribution control.
    """
    style = styles()["basemap"]
    if gazetteer is not False and any(v is None for v in (outline, areas, towns, roads, attribution)):
        try:
            defaults = default_basemap_data(gazetteer)
        except (ImportError, AttributeError, OSError, ConflictmapError) as exc:
            log.warning("no gazetteer for the offline basemap (%s); drawing only what was given", exc)
            defaults = {}
        outline = outline if outline is not None else defaults.get("outline")
        areas = areas if areas is not None else defaults.get("areas")
        towns = towns if towns is not None else defaults.get("towns")
        roads = roads if roads is not None else defaults.get("roads")
        neighbours = neighbours if neighbours is not None else defaults.get("neighbours")
        attribution = attribution if attribution is not None else defaults.get("attribution")
    if areas is not None and hasattr(areas, "geometry"):
        areas = list(areas.geometry)
    min_pop = style["towns"]["min_population"] if min_population is None else min_population
    label_pop = style["towns"]["label_min_population"] if label_population is None else label_population
    town_rows = []
    for town_name, point, population in towns or []:
        pop = 0 if population is None or population != population else int(population)
        if point is None or point.is_empty or pop < min_pop:
            continue
        town_rows.append([round(point.x, 4), round(point.y, 4), str(town_name), pop >= label_pop])
    data = {
        "neighbours": _geojson(neighbours or [], tolerance * 2),
        "land": _geojson([outline] if outline is not None else [], tolerance),
        "admin1": _geojson(areas or [], tolerance),
        "roads": _geojson(roads or [], tolerance / 2),
        "towns": town_rows,
        "style": style,
        "attribution": text(attribution) if attribution else None,
    }
    return attach(BasemapLayer(data, name=name, show=show), m)
