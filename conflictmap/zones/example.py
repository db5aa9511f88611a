"""The curated example: control of Syria as of July 2020 (approximate).

Built at load time from two reviewable files under ``conflictmap/data/zones/``:

``syria_2020-07_admin3.csv``
    every OCHA sub-district (admin 3 P-code) with its main holder, confidence, source and note;
    rows with ``refine=points`` are redrawn from the town points.
``syria_2020-07_points.csv``
    town control points (gazetteer ``place_id`` or lon/lat) along the Idlib front, the Peace
    Spring strip, the Euphrates at Deir ez-Zor, the Golan line, and al-Tanf (55 km zone).

Inside the refined sub-districts each point's Voronoi cell (limited to 25 km from the point,
or its ``radius_km``) replaces the sub-district's faction; the rest keeps it.

Examples
--------
>>> zones = load_example_zones()
>>> sorted(zones.faction.unique())
['coalition_tanf', 'golan', 'government', 'hts', 'sdf', 'sna_turkey']
>>> str(zones.as_of.iloc[0].date())
'2020-07-01'
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely

from .builders import read_table, zones_from_admin_table, zones_from_points
from .clean import clean_zones, coverage_area, fill_gaps
from .model import dissolve_zones, overlay_zones

__all__ = ["load_example_zones", "example_inputs", "EXAMPLE_AS_OF"]

log = logging.getLogger(__name__)

EXAMPLE_AS_OF = "2020-07-01"
#: default distance limit of a town point's cell inside refined sub-districts
POINT_REACH_KM = 25.0
_DATA = Path(__file__).resolve().parent.parent / "data" / "zones"


def example_inputs() -> dict[str, Path]:
    """Paths of the curated control table and town points.

    Examples
    --------
    >>> sorted(example_inputs())
    ['points', 'table']
    """
    return {"table": _DATA / "syria_2020-07_admin3.csv", "points": _DATA / "syria_2020-07_points.csv"}


def load_example_zones(*, gazetteer: Any = None, dissolve: bool = True) -> gpd.GeoDataFrame:
    """Zones of Syria as of July 2020 (approximate), one row per faction and confidence.

    ``dissolve=False`` keeps one row per sub-district or town cell (with ``pcode`` / ``name``).
    """
    if gazetteer is None:
        return _cached(dissolve).copy()
    return _build(gazetteer, dissolve)


@functools.lru_cache(maxsize=2)
def _cached(dissolve: bool) -> gpd.GeoDataFrame:
    return _build(None, dissolve)


def _build(gazetteer: Any, dissolve: bool) -> gpd.GeoDataFrame:
    paths = example_inputs()
    table = read_table(paths["table"])
    units = zones_from_admin_table(table, level=3, gazetteer=gazetteer, as_of=EXAMPLE_AS_OF, dissolve=False)
    refine = units[units["refine"].astype(str).str.strip() == "points"]
    area = shapely.union_all(refine.geometry.values)
    cells = zones_from_points(paths["points"], clip=area, gazetteer=gazetteer, max_distance_km=POINT_REACH_KM,
                              as_of=EXAMPLE_AS_OF, dissolve=False)
    cells = cells[~cells.geometry.is_empty]
    zones = overlay_zones(units, cells)
    if dissolve:
        zones = dissolve_zones(zones)
    # debris first (so that it does not steer the gap filling), then every point of the country in
    # exactly one zone: the outline, with a margin for border towns, is shared out to the nearest
    # zone; then the debris the filling made
    zones, repaired = clean_zones(zones)
    zones, filled = fill_gaps(zones, coverage_area(gazetteer))
    zones, again = clean_zones(zones)
    repaired += again
    log.info("example zones: %d sub-districts, %d refined by %d town cells; %d gap fill(s), %d repair(s)",
             len(units), len(refine), len(cells), len(filled), len(repaired))
    for issue in repaired:
        log.info("example zones: %s", issue)
    zones.attrs["repairs"] = [str(issue) for issue in filled + repaired]
    return zones
