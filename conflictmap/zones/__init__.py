"""Control zones: who holds what, as dated polygons per faction.

Modules
-------
``model``      schema, normalisation, geometry repair, overlap and gap report
``clean``      stray fragments, spikes and pin-holes removed; gaps filled; points located in zones
``io``         read / write GeoJSON, GeoPackage, shapefile and GeoParquet
``builders``   zones from an admin-unit control table or from town control points (Voronoi)
``snapshots``  several dated zone sets and "the zones as of date D"
``example``    the curated map of Syria as of July 2020
"""

from __future__ import annotations

from .._lazy import lazy_exports

_EXPORTS = {
    "ZONE_COLUMNS": "model", "CONFIDENCE_LEVELS": "model", "ZoneIssue": "model", "ZoneReport": "model",
    "normalize_zones": "model", "validate_zones": "validate", "check_zones": "model",
    "repair_geometries": "model", "dissolve_zones": "model", "overlay_zones": "model", "area_km2": "model",
    "read_zones": "io", "write_zones": "io",
    "clean_zones": "clean", "fill_gaps": "clean", "coverage_area": "clean", "locate_points": "clean",
    "simplify_zones": "clean",
    "zones_from_admin_table": "builders", "zones_from_points": "builders", "read_table": "builders",
    "ZoneSnapshots": "snapshots", "zones_as_of": "snapshots",
    "load_example_zones": "example", "example_inputs": "example",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
