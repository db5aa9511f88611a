"""Builders on synthetic polygons and points; io round trips; snapshots; CLI."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, box

from conflictmap.errors import InputError
from conflictmap.zones.builders import zones_from_admin_table, zones_from_points
from conflictmap.zones.io import read_zones, write_zones
from conflictmap.zones.model import area_km2, check_zones
from conflictmap.zones.snapshots import ZoneSnapshots, zones_as_of

OUTLINE = box(36, 35, 38, 36)


@pytest.fixture
def areas():
    # two governorates, each with two districts split west/east
    level1 = gpd.GeoDataFrame({"pcode": ["SY91", "SY92"], "name": ["Alpha", "Beta"]},
                              geometry=[box(36, 35, 37, 36), box(37, 35, 38, 36)], crs=4326)
    level2 = gpd.GeoDataFrame({"pcode": ["SY9100", "SY9101", "SY9200", "SY9201"],
                               "name": ["Alpha Centre", "Kafr Nabl", "Beta Centre", "Kafr Nabl"],
                               "admin1_pcode": ["SY91", "SY91", "SY92", "SY92"]},
                              geometry=[box(36, 35, 36.5, 36), box(36.5, 35, 37, 36),
                                        box(37, 35, 37.5, 36), box(37.5, 35, 38, 36)], crs=4326)
    return {1: level1, 2: level2}


def test_admin_table_levels_and_override(areas):
    table = pd.DataFrame({"pcode": ["SY91", "SY9101", "SY92"], "faction": ["HTS", "SAA", "SDF"],
                          "confidence": ["confirmed", "contested", ""], "source": ["map A", "map B", "map A"]})
    zones = zones_from_admin_table(table, areas=areas, as_of="2020-07-01")
    by = zones.set_index("faction")
    assert set(by.index) == {"hts", "government", "sdf"}
    assert by.loc["government", "geometry"].equals(box(36.5, 35, 37, 36))
    assert by.loc["government", "confidence"] == "contested"
    assert by.loc["sdf", "source"] == "map A"
    assert check_zones(zones, outline=OUTLINE).ok


def test_admin_table_name_matching(areas):
    table = pd.DataFrame({"name": ["alpha centre", "Kafar Nabl", "Kfar Nabl"], "admin1": ["", "Alpha", "SY92"],
                          "faction": ["hts", "government", "sdf"]})
    zones = zones_from_admin_table(table, areas=areas, level=2, dissolve=False)
    assert list(zones.pcode) == ["SY9100", "SY9101", "SY9201"]
    assert list(zones.faction) == ["hts", "government", "sdf"]


def test_admin_table_errors_name_the_row(areas):
    with pytest.raises(InputError) as info:
        zones_from_admin_table(pd.DataFrame({"name": ["Kafr Nabl"], "faction": ["hts"]}), areas=areas, level=2)
    assert "ambiguous" in str(info.value) and info.value.row == 0
    with pytest.raises(InputError) as info:
        zones_from_admin_table(pd.DataFrame({"pcode": ["SY91", "SY99"], "faction": ["hts", "sdf"]}), areas=areas)
    assert info.value.row == 1 and info.value.value == "SY99"
    with pytest.raises(InputError) as info:
        zones_from_admin_table(pd.DataFrame({"pcode": ["SY91"], "faction": ["Martians"]}), areas=areas)
    assert info.value.row == 0 and info.value.value == "Martians"
    with pytest.raises(InputError):
        zones_from_admin_table(pd.DataFrame({"pcode": ["SY91", "SY91"], "faction": ["hts", "sdf"]}), areas=areas)


def test_points_voronoi_clip_and_distance():
    points = pd.DataFrame({"name": ["W", "E", "E2"], "longitude": [36.5, 37.5, 37.6], "latitude": [35.5] * 3,
                           "faction": ["hts", "government", "SAA"], "source": ["s1", "s2", "s3"]})
    zones = zones_from_points(points, clip=OUTLINE, as_of="2020-07-01")
    assert list(zones.faction) == ["government", "hts"]
    assert check_zones(zones, outline=OUTLINE).ok
    hts = zones.set_index("faction").loc["hts", "geometry"]
    assert hts.contains(Point(36.9, 35.5)) and not hts.contains(Point(37.1, 35.5))
    assert zones.set_index("faction").loc["government", "source"] == "s2; s3"
    limited = zones_from_points(points, clip=OUTLINE, max_distance_km=10)
    assert area_km2(limited.set_index("faction").loc["hts", "geometry"]) == pytest.approx(314.0, rel=0.02)
    per_point = zones_from_points(points.assign(radius_km=["5", "", ""]), clip=OUTLINE, dissolve=False)
    assert area_km2(per_point.geometry[0]) == pytest.approx(78.5, rel=0.02)


def test_points_errors():
    with pytest.raises(InputError) as info:
        zones_from_points(pd.DataFrame({"name": ["A", "B"], "longitude": [36.5, 36.5], "latitude": [35.5, 35.5],
                                        "faction": ["hts", "sdf"]}), clip=OUTLINE)
    assert info.value.row == 1
    with pytest.raises(InputError) as info:
        zones_from_points(pd.DataFrame({"longitude": ["east"], "latitude": [35.5], "faction": ["hts"]}), clip=OUTLINE)
    assert info.value.row == 0


def test_points_from_gazetteer_place_ids():
    points = pd.DataFrame({"place_id": ["gn:169389", "gn:164816"], "faction": ["hts", "government"]})
    zones = zones_from_points(points, max_distance_km=20)
    idlib = zones.set_index("faction").loc["hts", "geometry"]
    assert idlib.contains(Point(36.634, 35.931))
    with pytest.raises(InputError) as info:
        zones_from_points(pd.DataFrame({"place_id": ["gn:0"], "faction": ["hts"]}))
    assert info.value.column == "place_id"


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".shp", ".parquet"])
def test_io_round_trip(tmp_path, suffix):
    zones = gpd.GeoDataFrame({"faction": ["YPG", "regime"], "as_of": ["2020-07-01"] * 2, "source": ["x", "y"]},
                             geometry=[box(40, 36, 41, 37), box(38, 35, 39, 36)], crs=4326)
    path = write_zones(zones, tmp_path / f"zones{suffix}")
    back = read_zones(path)
    assert list(back.faction) == ["sdf", "government"]
    assert back.as_of.dt.strftime("%Y-%m-%d").tolist() == ["2020-07-01"] * 2
    assert back.geometry[0].equals(box(40, 36, 41, 37))
    assert not list(tmp_path.glob(".zones*"))  # no temporary files left


def test_read_repairs_and_names_bad_feature(tmp_path, caplog):
    bowtie = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    raw = gpd.GeoDataFrame({"holder": ["SDF", "HTS"], "name": ["ok", "twisted"]},
                           geometry=[box(2, 2, 3, 3), bowtie], crs=4326)
    raw.to_file(tmp_path / "raw.geojson", engine="pyogrio")
    with caplog.at_level("WARNING"):
        zones = read_zones(tmp_path / "raw.geojson", faction_column="holder")
    assert zones.geometry.is_valid.all()
    assert "twisted" in caplog.text
    bad = gpd.GeoDataFrame({"faction": ["SDF", "Martians"]}, geometry=[box(0, 0, 1, 1)] * 2, crs=4326)
    bad.to_file(tmp_path / "bad.geojson", engine="pyogrio")
    with pytest.raises(InputError) as info:
        read_zones(tmp_path / "bad.geojson")
    assert info.value.row == 1 and "bad.geojson" in str(info.value)


def test_snapshots_and_as_of():
    a = gpd.GeoDataFrame({"faction": ["hts"]}, geometry=[box(36, 35, 37, 36)], crs=4326)
    b = gpd.GeoDataFrame({"faction": ["government"]}, geometry=[box(36, 35, 37, 36)], crs=4326)
    snaps = ZoneSnapshots([("2020-03-06", b), ("2019-12-01", a)])
    assert [str(d.date()) for d in snaps.dates] == ["2019-12-01", "2020-03-06"]
    assert list(snaps.as_of("2020-03-05").faction) == ["hts"]
    assert list(snaps.as_of("2020-03-06").faction) == ["government"]
    table = snaps.to_frame()
    assert list(zones_as_of(table, "2020-01-01").faction) == ["hts"]
    assert list(zones_as_of(table, "2021-01-01").faction) == ["government"]
    assert zones_as_of(table, "2019-01-01").empty
    again = ZoneSnapshots.from_frame(table.assign(valid_from=pd.NaT, valid_to=pd.NaT))
    assert again.dates == snaps.dates
    with pytest.raises(InputError):
        snaps.as_of("not a date")


def test_cli_build_and_example(tmp_path):
    from conflictmap.cli import main

    points = tmp_path / "p.csv"
    points.write_text("name,longitude,latitude,faction\nA,36.6,35.9,HTS\nB,36.8,35.86,SAA\n")
    out = tmp_path / "z.geojson"
    assert main(["zones", "build", "--points", str(points), "--max-distance-km", "10", "-o", str(out)]) == 0
    assert set(read_zones(out).faction) == {"hts", "government"}
    assert main(["zones", "build", "--table", str(points), "--max-distance-km", "3", "-o", str(out)]) == 1
    example = tmp_path / "ex.parquet"
    assert main(["zones", "example", "-o", str(example)]) == 0
    assert "coalition_tanf" in set(read_zones(example).faction)
