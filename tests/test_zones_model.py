"""Zone model: normalisation, repair, overlap / gap report, dissolve and overlay."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Polygon, box

from conflictmap.errors import InputError
from conflictmap.zones.model import (ZONE_COLUMNS, area_km2, check_zones, dissolve_zones, normalize_zones,
                                     overlay_zones, repair_geometries)
from conflictmap.zones.validate import validate_zones


def frame(factions, geoms, **columns):
    return gpd.GeoDataFrame({"faction": factions, **columns}, geometry=geoms, crs=4326)


def test_normalize_maps_aliases_and_fills_schema():
    zones = normalize_zones(frame(["SAA", "Hayat Tahrir al-Sham"], [box(0, 0, 1, 1), box(1, 0, 2, 1)],
                                 confidence=["Confirmed", None], extra=["x", "y"]),
                            as_of="2020-07-01", source="analyst sketch")
    assert list(zones.columns) == ZONE_COLUMNS[:-1] + ["extra", "geometry"]
    assert list(zones.faction) == ["government", "hts"]
    assert list(zones.confidence) == ["confirmed", "approximate"]
    assert (zones.source == "analyst sketch").all()
    assert (zones.as_of == pd.Timestamp("2020-07-01")).all()
    assert zones.crs.to_epsg() == 4326


def test_normalize_reprojects_and_names_bad_rows():
    metric = frame(["sdf"], [box(38, 35, 39, 36)]).to_crs(3857)
    assert normalize_zones(metric).geometry[0].bounds == pytest.approx((38, 35, 39, 36))
    with pytest.raises(InputError) as info:
        normalize_zones(frame(["sdf", "Martians"], [box(0, 0, 1, 1)] * 2))
    assert info.value.row == 1 and info.value.value == "Martians"
    with pytest.raises(InputError) as info:
        normalize_zones(frame(["sdf"], [box(0, 0, 1, 1)], as_of=["31/31/2020"]))
    assert info.value.column == "as_of"
    with pytest.raises(InputError) as info:
        normalize_zones(frame(["sdf"], [box(0, 0, 1, 1)], confidence=["maybe"]))
    assert info.value.column == "confidence"
    with pytest.raises(InputError):
        normalize_zones(frame(["sdf"], [box(0, 0, 1, 1)], valid_from=["2020-05-01"], valid_to=["2020-01-01"]))


def test_repair_fixes_bowtie_and_names_feature():
    bowtie = Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    zones, issues = repair_geometries(frame(["sdf", "hts"], [box(2, 2, 3, 3), bowtie], name=["ok", "Kafr X"]))
    assert zones.geometry.is_valid.all()
    assert [i.kind for i in issues] == ["invalid"]
    assert "Kafr X" in issues[0].feature and "feature 1" in issues[0].feature
    assert zones.geometry[1].area == pytest.approx(0.5)


def test_overlap_and_gap_report():
    zones = frame(["sdf", "government", "hts"], [box(38, 35, 39, 36), box(38.5, 35, 40, 36), box(41, 35, 42, 36)],
                  name=["a", "b", "c"])
    report = check_zones(zones, outline=box(38, 35, 42, 36))
    overlaps, gaps = report.of_kind("overlap"), report.of_kind("gap")
    assert len(overlaps) == 1 and overlaps[0].rows == (0, 1)
    assert "'a'" in overlaps[0].feature and "'b'" in overlaps[0].feature
    assert overlaps[0].area_km2 == pytest.approx(area_km2(box(38.5, 35, 39, 36)), rel=1e-3)
    assert len(gaps) == 1 and "lon 40.5" in gaps[0].feature
    assert not report.ok
    clean = check_zones(frame(["sdf", "hts"], [box(0, 0, 1, 1), box(1, 0, 2, 1)]), outline=box(0, 0, 2, 1))
    assert clean.ok and not clean.issues


def test_overlaps_only_within_a_snapshot():
    zones = frame(["sdf", "government"], [box(0, 0, 1, 1)] * 2, as_of=["2019-01-01", "2020-01-01"])
    assert check_zones(normalize_zones(zones)).ok


def test_validate_strict_raises_on_overlap():
    with pytest.raises(InputError) as info:
        validate_zones(frame(["sdf", "hts"], [box(0, 0, 2, 1), box(1, 0, 3, 1)]), strict=True)
    assert "share area" in str(info.value)


def test_dissolve_and_overlay():
    zones = normalize_zones(frame(["sdf", "YPG", "hts"], [box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)],
                                  source=["a", "b", "a"]))
    merged = dissolve_zones(zones)
    assert list(merged.faction) == ["hts", "sdf"]  # registry order
    assert merged.set_index("faction").loc["sdf", "source"] == "a; b"
    assert merged.set_index("faction").loc["sdf", "geometry"].area == pytest.approx(2.0)
    top = normalize_zones(frame(["government"], [box(0.5, 0, 2.5, 1)]))
    layered = overlay_zones(merged, top)
    assert check_zones(layered, outline=box(0, 0, 3, 1)).ok
    assert sum(g.area for g in layered.geometry) == pytest.approx(3.0)
