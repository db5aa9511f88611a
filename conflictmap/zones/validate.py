"""Validate a zone set: normalise, repair, clean and check it in one call.

:func:`validate_zones` is what :func:`conflictmap.validate_zones` and
:func:`~conflictmap.zones.io.read_zones` run. It sits above both the zone model
(:mod:`conflictmap.zones.model`: schema, repair, checks) and the cleaning that builds on it
(:mod:`conflictmap.zones.clean`), so neither imports the other back.
"""

from __future__ import annotations

import logging
from typing import Any

import geopandas as gpd
from shapely.geometry.base import BaseGeometry

from ..errors import InputError
from .clean import clean_zones
from .model import PROBLEM_KINDS, ZoneIssue, ZoneReport, check_zones, normalize_zones, repair_geometries

log = logging.getLogger(__name__)

__all__ = ["validate_zones"]


def validate_zones(zones: gpd.GeoDataFrame, *, outline: BaseGeometry | None = None, repair: bool = True,
                   strict: bool = False, tolerance_km2: float = 0.01, clean: bool = True,
                   **normalize_options: Any) -> tuple[gpd.GeoDataFrame, ZoneReport]:
    """Normalise, repair and check a zone set; return the clean zones and a :class:`ZoneReport`.

    With ``repair`` invalid geometry is fixed with ``make_valid``; with ``clean`` (as well) stray
    fragments, thin spikes and pin-holes are handed to their neighbours
    (:func:`conflictmap.zones.clean.clean_zones`), each repair listed in the report. With
    ``strict=True`` an overlap, gap or empty feature raises :class:`InputError` naming the
    first bad feature. ``normalize_options`` go to :func:`normalize_zones`.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> z = gpd.GeoDataFrame({"faction": ["SDF", "SAA"]}, geometry=[box(0, 0, 2, 1), box(1, 0, 3, 1)], crs=4326)
    >>> validate_zones(z, strict=True)
    Traceback (most recent call last):
    ...
    conflictmap.errors.InputError: row 0, value "feature 0 (faction 'sdf') and feature 1 (faction 'government')": features share area (12308.5 km2)
    """
    zones = normalize_zones(zones, **normalize_options)
    issues: list[ZoneIssue] = []
    if repair:
        zones, issues = repair_geometries(zones)
        if clean:
            zones, cleaned = clean_zones(zones)
            issues += cleaned
    report = check_zones(zones, outline=outline, tolerance_km2=tolerance_km2)
    report.issues[:0] = issues
    for issue in report.issues:
        log.info("%s", issue)
    if strict:
        for issue in report.issues:
            if issue.kind in PROBLEM_KINDS:
                raise InputError(f"{issue.detail} ({issue.area_km2:.1f} km2)" if issue.area_km2 else issue.detail,
                                 row=issue.rows[0] if issue.rows else None, value=issue.feature)
    return zones, report
