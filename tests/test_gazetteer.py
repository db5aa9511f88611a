"""The compiled gazetteer: schema, validation rules, curated records, user extension."""

from __future__ import annotations


import pandas as pd
import pytest
import shapely

from conflictmap import Gazetteer
from conflictmap.errors import CuratedRowError, GazetteerError
from conflictmap.gazetteer import FEATURE_TYPES, PLACE_COLUMNS
from conflictmap.matching import haversine_km
from conflictmap.normalize import is_arabic, name_key


def test_more_than_ten_thousand_places(gazetteer):
    assert len(gazetteer) > 10_000
    counts = gazetteer.places.feature_type.value_counts()
    assert counts["settlement"] > 10_000
    assert (counts["admin1"], counts["admin2"], counts["admin3"]) == (14, 62, 272)


def test_schema_and_types(gazetteer):
    p = gazetteer.places
    assert list(p.columns[: len(PLACE_COLUMNS)]) == PLACE_COLUMNS
    assert p.crs.to_epsg() == 4326
    assert p.place_id.is_unique
    assert set(p.feature_type) <= FEATURE_TYPES
    assert p.longitude.dtype == float and p.latitude.dtype == float
    assert str(p.population.dtype) == "Int64"
    assert (p.name.str.strip() != "").all()
    assert p.place_id.str.match(r"^(gn|wof|ocha|cm):").all()


def test_every_point_inside_syria_and_its_admin_area(gazetteer):
    p = gazetteer.places
    outline = gazetteer.outline()
    pts = shapely.points(p.longitude, p.latitude)
    inside = shapely.dwithin(outline, pts, 0.035)  # ~3 km: border precision of the sources
    assert inside.all(), p.loc[~inside, ["place_id", "name"]].head()
    areas = gazetteer.areas(3).set_index("pcode").geometry
    sett = p[p.feature_type == "settlement"]
    geoms = areas.reindex(sett.admin3_pcode).to_numpy()
    ok = shapely.dwithin(geoms, shapely.points(sett.longitude, sett.latitude), 0.05)
    assert ok.mean() == 1.0, sett.loc[~ok, ["place_id", "name", "admin3_pcode"]].head()
    spts = shapely.points(sett.longitude, sett.latitude)
    strict = shapely.contains(geoms, spts)
    in_syria = shapely.contains(outline, spts)
    # a point inside Syria lies inside the sub-district it claims; one just over the border
    # (source precision) was given the nearest sub-district
    assert strict[in_syria].all(), sett.loc[in_syria & ~strict, ["place_id", "name", "admin3_pcode"]].head()
    assert (~in_syria).sum() < 160


def test_admin_codes_consistent(gazetteer):
    p = gazetteer.places
    sett = p[p.feature_type == "settlement"]
    assert (sett.admin3_pcode.str.len() == 8).all()
    assert (sett.admin3_pcode.str[:6] == sett.admin2_pcode).all()
    assert (sett.admin2_pcode.str[:4] == sett.admin1_pcode).all()
    names = gazetteer.areas(1).set_index("pcode").name
    assert (sett.admin1 == sett.admin1_pcode.map(names)).all()


def test_arabic_names_are_arabic(gazetteer):
    ar = gazetteer.places.name_ar
    ar = ar[ar != ""]
    assert len(ar) > 5000
    assert ar.map(is_arabic).all()


def test_admin_areas_have_polygons_and_aliases(gazetteer):
    for level in (1, 2, 3):
        areas = gazetteer.areas(level)
        assert areas.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).all()
        assert areas.geometry.is_valid.all()
        assert (areas.name_ar != "").all()
    gov = gazetteer.areas(1).set_index("pcode")
    assert "Idlib" in gov.loc["SY07", "alt_names"].split("|")
    # the coverage of sub-districts has no overlaps after simplification
    adm3 = gazetteer.areas(3)
    total = adm3.to_crs(32637).area.sum()
    union = shapely.union_all(adm3.to_crs(32637).geometry.values).area
    assert abs(total - union) / union < 1e-4


def test_duplicates_merged_but_namesakes_kept(gazetteer):
    p = gazetteer.places
    sett = p[p.feature_type == "settlement"]
    keys = sett.name.map(name_key)
    manbij = sett[keys == name_key("Manbij")]
    assert len(manbij) == 1
    azaz = sett[sett.alt_names.str.contains("Izaz") | (sett.name == "Izaz")]
    assert len(azaz) == 1 and "A'zaz" in p.loc[p.place_id == azaz.place_id.iat[0], "admin2"].iat[0]
    ruw = sett[keys == name_key("Ruwayhah")]
    assert {"SY07", "SY09"} <= set(ruw.admin1_pcode)
    yaq = sett[keys == name_key("Al Ya'qubiyah")]
    assert {"SY07", "SY02"} <= set(yaq.admin1_pcode)
    ras = sett[keys == name_key("Ra's al 'Ayn")]
    assert ras.admin1_pcode.nunique() >= 4


def test_curated_records_cite_a_source(gazetteer):
    cur = gazetteer.places[gazetteer.places.source == "curated"]
    assert len(cur) >= 20
    assert (cur.note.str.len() > 10).all()
    types = set(cur.feature_type)
    assert {"region", "road", "base", "airport", "crossing", "prison", "settlement"} <= types
    roads = cur[cur.feature_type == "road"]
    assert roads.geometry.geom_type.eq("LineString").all()
    arab_said = gazetteer.get("cm:arab-said")
    assert arab_said["admin1_pcode"] == "SY07" and arab_said["source_url"]


def test_seed_places_exist_within_tolerance(shared_dir, geocoder):
    seeds = pd.read_csv(shared_dir / "eval/seed_places.csv", keep_default_na=False)
    for rec in seeds.itertuples():
        m = geocoder.resolve(rec.query, admin1=rec.admin1_hint or None)
        assert m.status == "matched", (rec.query, m.reason)
        if rec.expected_lat:
            d = haversine_km(float(rec.expected_lon), float(rec.expected_lat), m.longitude, m.latitude)
            assert d <= float(rec.tolerance_km), (rec.query, m.name, float(d))
        else:
            assert m.place_id.startswith("cm:") and m.admin1_pcode == "SY07"


def test_attribution_credits_every_source(gazetteer):
    text = gazetteer.attribution
    for word in ("Who's On First", "GeoNames", "OCHA", "OpenSyria", "Natural Earth"):
        assert word in text
    assert set(gazetteer.sources.source_key) >= {"wof", "geonames", "ocha", "opensyria", "naturalearth", "curated"}


def test_user_places_win_and_are_validated(gazetteer, tmp_path):
    csv = tmp_path / "mine.csv"
    csv.write_text("place_id,name,alt_names,longitude,latitude\n"
                   ",Checkpoint 7,CP7,36.62,35.93\n"
                   "gn:168572,Kansafra village,Kansafra|Kinsafra,,\n", encoding="utf-8")
    gz = gazetteer.with_user_places(csv)
    assert len(gz) == len(gazetteer) + 1
    new = gz.get("user:1")
    assert new["admin1_pcode"] == "SY07" and new["source"] == "user"
    assert "Kinsafra" in gz.get("gn:168572")["alt_names"].split("|")
    from conflictmap import Geocoder

    assert Geocoder(gz).resolve("CP7").place_id == "user:1"
    assert Geocoder(gz).resolve("Kinsafra", admin1="Idlib").place_id == "gn:168572"
    # the bundled gazetteer is unchanged
    assert "user:1" not in gazetteer


def test_user_row_contradicting_bundled_point_moves_it_with_a_warning(gazetteer, caplog):
    df = pd.DataFrame([{"place_id": "gn:168572", "name": "", "longitude": 36.5, "latitude": 35.7}])
    gz = gazetteer.with_user_places(df)
    rec = gz.get("gn:168572")
    assert (rec["longitude"], rec["latitude"]) == (36.5, 35.7) and rec["source"] == "user"
    assert "moves gn:168572" in caplog.text


@pytest.mark.parametrize("row,column", [
    ({"name": "X", "longitude": "abc", "latitude": "35"}, "longitude"),
    ({"name": "X", "longitude": "500", "latitude": "35"}, "longitude"),
    ({"name": "", "longitude": "36", "latitude": "35"}, "name"),
    ({"name": "X", "longitude": "36", "latitude": "35", "name_ar": "not arabic"}, "name_ar"),
    ({"name": "X", "longitude": "36", "latitude": "35", "feature_type": "castle"}, "feature_type"),
])
def test_bad_user_rows_are_named(gazetteer, row, column):
    with pytest.raises(CuratedRowError) as info:
        gazetteer.with_user_places(pd.DataFrame([row]))
    assert info.value.column == column and info.value.row == 1
    assert "row 1" in str(info.value)


def test_load_errors(tmp_path):
    with pytest.raises(GazetteerError, match="not found"):
        Gazetteer.load(tmp_path / "missing.parquet")
    bad = tmp_path / "places.parquet"
    bad.write_bytes(b"not parquet")
    with pytest.raises(GazetteerError, match="cannot read"):
        Gazetteer.load(bad)


def test_duplicate_name_report(gazetteer):
    dup = gazetteer.duplicate_names()
    assert len(dup) > 100
    assert dup.groupby("name_key").size().min() >= 2
