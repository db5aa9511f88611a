"""Zones cover the whole country once, with no stray fragments: the example snapshot and the
cleaning / gap-filling tools on small made-up zone sets."""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import Polygon, box

from conflictmap.zones.clean import (COVERAGE_MARGIN_KM, MIN_AREA_KM2, MIN_WIDTH_M, clean_zones, coverage_area,
                                     fill_gaps, locate_points, simplify_zones)
from conflictmap.zones.example import load_example_zones
from conflictmap.zones.io import read_zones, write_zones
from conflictmap.zones.model import METRIC_CRS, area_km2, check_zones
from conflictmap.zones.validate import validate_zones


@pytest.fixture(scope="module")
def zones():
    return load_example_zones()


def test_every_settlement_lies_in_exactly_one_zone(zones, gazetteer):
    places = gazetteer.places
    settlements = places[places["feature_type"] == "settlement"]
    assert len(settlements) > 10_000
    first, count = locate_points(zones, settlements["longitude"].to_numpy(), settlements["latitude"].to_numpy())
    outside = settlements[count == 0]
    twice = settlements[count > 1]
    assert outside.empty, f"{len(outside)} settlements in no zone, e.g. {outside['name'].head(5).tolist()}"
    assert twice.empty, f"{len(twice)} settlements in two zones, e.g. {twice['name'].head(5).tolist()}"


def test_border_towns_are_in_their_zone(zones, gazetteer):
    places = gazetteer.places
    names = places["name"].fillna("") + "|" + places["alt_names"].fillna("")
    for name, admin1, faction in (("Ras al-Ain", "SY08", "sna_turkey"), ("Tall Abyad", "SY11", "sna_turkey"),
                                  ("Kobani", "SY02", "sdf")):
        rows = places[(places["feature_type"] == "settlement") & (places["admin1_pcode"] == admin1)
                      & names.str.split("|").map(lambda ns: name in ns)]
        assert len(rows), name
        row = rows.sort_values("population", ascending=False, na_position="last").iloc[0]
        first, count = locate_points(zones, [row.longitude], [row.latitude])
        assert count[0] == 1, name
        assert zones.faction.iloc[first[0]] == faction, name


def test_snapshot_covers_the_outline_with_margin_no_gap_no_overlap(zones, gazetteer):
    area = coverage_area(gazetteer)
    report = check_zones(zones, outline=area, tolerance_km2=0.001)
    assert report.ok, str(report)
    assert not report.issues
    union = shapely.union_all(zones.geometry.values)
    assert shapely.difference(gazetteer.outline(), union).area == pytest.approx(0.0, abs=1e-9)
    # the zones stop at the margin
    assert area_km2(shapely.difference(union, area)) < 0.01
    assert 1.0 < COVERAGE_MARGIN_KM < 10.0


def _parts_and_rings(geoms):
    parts = shapely.get_parts(np.asarray(geoms, dtype=object))
    rings = [shapely.Polygon(r) for p in parts for r in [p.exterior, *p.interiors]]
    return parts, rings


def test_no_stray_fragments_in_the_example(zones):
    parts, rings = _parts_and_rings(zones.geometry.values)
    part_km2 = area_km2(gpd.GeoSeries(parts, crs=4326)).to_numpy()
    ring_km2 = area_km2(gpd.GeoSeries(rings, crs=4326)).to_numpy()
    assert part_km2.min() >= MIN_AREA_KM2, f"{(part_km2 < MIN_AREA_KM2).sum()} parts below {MIN_AREA_KM2} km2"
    assert ring_km2.min() >= MIN_AREA_KM2, f"{(ring_km2 < MIN_AREA_KM2).sum()} rings below {MIN_AREA_KM2} km2"
    # no zero-width slivers: every part is at least a few hundred metres across on average
    metric = gpd.GeoSeries(parts, crs=4326).to_crs(METRIC_CRS)
    mean_width_m = 2 * metric.area / metric.length
    assert mean_width_m.min() > MIN_WIDTH_M


def test_the_repairs_are_reported(zones):
    repairs = zones.attrs["repairs"]
    assert any(r.startswith("fragment: ") and "given to feature" in r for r in repairs)
    assert any(r.startswith("filled: ") for r in repairs)


def _two(a, b, factions=("hts", "sdf")):
    return gpd.GeoDataFrame({"faction": list(factions)}, geometry=[a, b], crs=4326)


def test_clean_hands_a_sliver_to_the_zone_around_it(caplog):
    sliver = box(36.5, 35.2, 36.500001, 35.8)
    zones = _two(box(36, 35, 37, 36).difference(sliver), box(37, 35, 38, 36).union(sliver))
    with caplog.at_level(logging.INFO, logger="conflictmap.zones.clean"):
        clean, issues = clean_zones(zones)
    assert [(i.kind, i.feature) for i in issues] == [("fragment", "feature 1 (faction 'sdf')")]
    assert "given to feature 0 (faction 'hts')" in issues[0].detail
    assert "1 repair(s)" in caplog.text
    assert clean.geometry[0].equals(box(36, 35, 37, 36))
    assert clean.geometry[1].equals(box(37, 35, 38, 36))


def test_clean_cuts_a_thin_spike_and_keeps_the_partition():
    spike = box(36.99, 35.5, 37.01, 35.5003)  # 900 m into the neighbour, 33 m wide
    zones = _two(box(36, 35, 37, 36).union(spike), box(37, 35, 38, 36).difference(spike))
    clean, issues = clean_zones(zones)
    assert [i.kind for i in issues] == ["spike"]
    assert area_km2(shapely.intersection(clean.geometry[0], clean.geometry[1])) < 1e-6
    assert clean.geometry[0].bounds[2] == pytest.approx(37.0, abs=1e-6)
    assert area_km2(shapely.union_all(clean.geometry.values)) == pytest.approx(area_km2(box(36, 35, 38, 36)), rel=1e-9)


def test_clean_keeps_a_real_island_and_closes_a_pin_hole():
    island = box(36.0, 35.0, 36.002, 35.002)  # 0.04 km2, nothing around it
    body = Polygon(box(37, 35, 38, 36).exterior.coords, [box(37.5, 35.5, 37.5005, 35.5005).exterior.coords])
    zones = _two(shapely.MultiPolygon([island, box(36.1, 35, 36.9, 36)]), body)
    clean, issues = clean_zones(zones)
    assert [i.kind for i in issues] == ["hole"]
    assert clean.geometry[0].equals(zones.geometry[0])
    assert len(clean.geometry[1].interiors) == 0


def test_fill_gaps_splits_a_gap_half_way_and_follows_snapshots():
    zones = gpd.GeoDataFrame({"faction": ["hts", "sdf", "government"],
                              "as_of": ["2020-01-01", "2020-01-01", "2020-07-01"]},
                             geometry=[box(36, 35, 37, 36), box(38, 35, 39, 36), box(36, 35, 37, 36)], crs=4326)
    filled, issues = fill_gaps(zones, box(36, 35, 39, 36))
    assert filled.geometry[0].bounds[2] == pytest.approx(37.5, abs=0.01)
    assert filled.geometry[1].bounds[0] == pytest.approx(37.5, abs=0.01)
    assert filled.geometry[2].equals(box(36, 35, 39, 36))  # alone in its snapshot: takes it all
    assert len(issues) == 3 and {i.kind for i in issues} == {"filled"}
    assert check_zones(filled, outline=box(36, 35, 39, 36)).ok


def test_fill_gaps_is_not_cut_into_a_comb_by_a_sliver():
    sliver = box(37.0, 35.0, 37.000001, 36.0)  # zero-width strip of sdf along hts' edge
    zones = _two(box(36, 35, 37, 36), box(37.5, 35, 38, 36).union(sliver))
    filled, _ = fill_gaps(zones, box(36, 35, 38, 36))
    assert len(shapely.get_parts(filled.geometry[0])) == 1
    assert len(shapely.get_parts(_polygonal_union(filled.geometry[1]))) <= 2


def _polygonal_union(geom):
    return shapely.union_all(shapely.get_parts(geom))


def test_read_zones_cleans_and_reports(tmp_path, caplog):
    sliver = box(36.5, 35.2, 36.500001, 35.8)
    zones = _two(box(36, 35, 37, 36).difference(sliver), box(37, 35, 38, 36).union(sliver))
    path = write_zones(zones, tmp_path / "z.geojson")
    with caplog.at_level(logging.INFO, logger="conflictmap.zones.io"):
        back = read_zones(path)
    assert len(shapely.get_parts(back.geometry[1])) == 1
    assert any("fragment" in r for r in back.attrs["repairs"])
    assert "repaired fragment" in caplog.text
    raw, report = validate_zones(zones, clean=False)
    assert len(shapely.get_parts(raw.geometry[1])) == 2 and report.ok


def test_simplify_zones_keeps_shared_borders_shared(zones):
    simple = simplify_zones(zones, 0.002)
    assert shapely.get_num_coordinates(simple.geometry.values).sum() < shapely.get_num_coordinates(zones.geometry.values).sum()
    report = check_zones(simple, tolerance_km2=0.05)
    assert report.ok, str(report)
