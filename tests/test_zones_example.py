"""The curated July 2020 map: covers Syria, no overlaps, known towns in the right zone."""

from __future__ import annotations

import itertools
import math

import pytest
import shapely

from conflictmap.factions import get_faction
from conflictmap.geocoding.normalize import name_key
from conflictmap.zones.builders import read_table
from conflictmap.zones.clean import coverage_area
from conflictmap.zones.example import example_inputs, load_example_zones
from conflictmap.zones.model import CONFIDENCE_LEVELS, area_km2, check_zones


@pytest.fixture(scope="module")
def zones():
    return load_example_zones()


def test_covers_syria(zones, gazetteer):
    area = coverage_area(gazetteer)
    union = shapely.union_all(zones.geometry.values)
    assert area_km2(union) == pytest.approx(area_km2(area), rel=1e-4)
    assert area_km2(shapely.difference(gazetteer.outline(), union)) < 1e-6
    assert not [i for i in check_zones(zones, outline=area, tolerance_km2=0.01).issues]


def test_no_overlaps(zones):
    for (i, a), (j, b) in itertools.combinations(enumerate(zones.geometry), 2):
        assert area_km2(shapely.intersection(a, b)) < 0.01, (zones.faction[i], zones.faction[j])


def _town(gazetteer, name, admin1):
    places = gazetteer.places
    key = name_key(name)
    names = places["name"].fillna("") + "|" + places["alt_names"].fillna("")
    matches = names.map(lambda text: key in {name_key(n) for n in text.split("|") if n})
    hits = places[(places.feature_type == "settlement") & (places.admin1_pcode == admin1) & matches]
    assert len(hits) >= 1, name
    row = hits.sort_values("population", ascending=False, na_position="last").iloc[0]
    return shapely.Point(row.longitude, row.latitude)


KNOWN = [
    ("Idlib", "SY07", "hts"), ("Jisr ash Shughur", "SY07", "hts"),
    ("Kafr Nabl", "SY07", "government"), ("Saraqib", "SY07", "government"),
    ("Maarrat an Numan", "SY07", "government"), ("Khan Shaykhun", "SY07", "government"),
    ("Afrin", "SY02", "sna_turkey"), ("Azaz", "SY02", "sna_turkey"), ("Jarabulus", "SY02", "sna_turkey"),
    ("Ayn Isa", "SY11", "sdf"), ("Manbij", "SY02", "sdf"), ("Ath Thawrah", "SY11", "sdf"),
    ("Tall Abyad", "SY11", "sna_turkey"), ("Ras al Ayn", "SY08", "sna_turkey"), ("Tall Tamr", "SY08", "sdf"),
    ("Mayadin", "SY09", "government"), ("Tadmur", "SY04", "government"), ("Abu Kamal", "SY09", "government"),
    ("Hajin", "SY09", "sdf"), ("Qamishli", "SY08", "sdf"), ("Damascus", "SY01", "government"),
    ("Kabanah", "SY06", "hts"), ("Kinnsibba", "SY06", "government"), ("Latakia", "SY06", "government"),
    ("al-Tanf garrison", None, "coalition_tanf"),
]


@pytest.mark.parametrize("name,admin1,faction", KNOWN)
def test_known_town_in_right_zone(zones, gazetteer, name, admin1, faction):
    if admin1 is None:
        place = gazetteer.get("cm:al-tanf-base")
        point = shapely.Point(place["longitude"], place["latitude"])
    else:
        point = _town(gazetteer, name, admin1)
    inside = zones[zones.geometry.intersects(point)]
    assert len(inside) == 1, f"{name} lies in {len(inside)} zones"
    assert inside.faction.iloc[0] == faction, f"{name}: {inside.faction.iloc[0]}"


def test_rows_cite_source_and_confidence():
    for key in ("table", "points"):
        table = read_table(example_inputs()[key])
        assert (table["source"].str.len() > 10).all()
        assert table["confidence"].isin(CONFIDENCE_LEVELS).all()
        assert all(get_faction(f) for f in table["faction"])
    table = read_table(example_inputs()["table"])
    assert len(table) == 272 and table["pcode"].is_unique


def test_tanf_zone_is_55_km_circle(zones):
    tanf = zones[zones.faction == "coalition_tanf"].geometry.iloc[0]
    circle = math.pi * 55 ** 2
    assert 0.6 * circle < area_km2(tanf) <= circle * 1.001  # clipped at the Jordan and Iraq borders


def test_zones_carry_date_and_source(zones):
    assert (zones.as_of.dt.strftime("%Y-%m-%d") == "2020-07-01").all()
    assert (zones.source.str.len() > 0).all()
