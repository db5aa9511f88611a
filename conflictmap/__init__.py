"""conflictmap: geocode places from Syrian conflict reports and map events and control zones.

Public names are imported lazily so that ``import conflictmap`` stays fast and optional
dependencies are only needed by the features that use them.

Examples
--------
>>> import conflictmap
>>> conflictmap.__version__
'0.1.0'
"""

from __future__ import annotations

from ._lazy import lazy_exports

__version__ = "0.1.0"

# public name -> module that defines it (one line each; keep sorted by module)
_EXPORTS: dict[str, str] = {
    "ConflictmapError": "conflictmap.errors",
    "GazetteerError": "conflictmap.errors",
    "GeocoderError": "conflictmap.errors",
    "InputError": "conflictmap.errors",
    "Gazetteer": "conflictmap.gazetteer",
    "get_gazetteer": "conflictmap.gazetteer",
    "normalize_name": "conflictmap.geocoding.normalize",
    "Geocoder": "conflictmap.geocoding.geocoder",
    "Match": "conflictmap.geocoding.matching",
    "geocode": "conflictmap.tables",
    "attach_events": "conflictmap.tables",
    "geocode_dask": "conflictmap.scale",
    "attach_events_dask": "conflictmap.scale",
    "read_events": "conflictmap.events.io",
    "write_events": "conflictmap.events.io",
    "validate_events": "conflictmap.events.schema",
    "find_places": "conflictmap.events.places_in_text",
    "draft_events": "conflictmap.events.draft",
    "load_example_events": "conflictmap.events.examples",
    "Faction": "conflictmap.factions",
    "get_faction": "conflictmap.factions",
    "all_factions": "conflictmap.factions",
    "read_zones": "conflictmap.zones.io",
    "write_zones": "conflictmap.zones.io",
    "validate_zones": "conflictmap.zones.validate",
    "zones_from_admin_table": "conflictmap.zones.builders",
    "zones_from_points": "conflictmap.zones.builders",
    "ZoneSnapshots": "conflictmap.zones.snapshots",
    "zones_as_of": "conflictmap.zones.snapshots",
    "load_example_zones": "conflictmap.zones.example",
    "save_html": "conflictmap.export",
    "conflict_map": "conflictmap.maps.conflict_map",
    "static_map": "conflictmap.maps.static",
    "labels_layer": "conflictmap.maps.labels",
    "incidents_layer": "conflictmap.maps.incidents",
    "zones_layer": "conflictmap.maps.zones_layer",
    "basemap_layer": "conflictmap.maps.basemap",
    "heatmap_layer": "conflictmap.maps.heatmap",
    "time_slider": "conflictmap.maps.timeline",
    "review": "conflictmap.reviewing.widget",
    "Review": "conflictmap.reviewing.decisions",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals(), extra=("__version__",))
