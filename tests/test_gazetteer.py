"""The compiled gazetteer: schema, validation rules, curated records, user extension."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import shapely

from conflictmap import Gazetteer
from conflictmap.errors import CuratedRowError, GazetteerError
from conflictmap.gazetteer import FEATURE_TYPES, PLACE_COLUMNS
from conflictmap.geocoding.matching import haversine_km
from conflictmap.geocoding.normalize import is_arabic, name_key

REVIEW = Path(__file__).resolve().parents[1] / "gazetteer" / "review" / "linkage.csv"


def test_more_than_thirteen_thousand_places(gazetteer):
    assert len(gazetteer) > 13_000
    counts = gazetteer.places.feature_type.value_counts()
    assert counts["settlement"] > 12_500  # composite OCHA communities link to one of their villages
    assert (counts["admin1"], counts["admin2"], counts["admin3"]) == (14, 62, 272)
    nb = gazetteer.places[gazetteer.places.feature_type == "neighbourhood"]
    assert nb.source_id.str.contains(r"ocha:N\d{4}").sum() == 414  # every OCHA neighbourhood
    assert 5 <= nb.place_id.str.match(r"^ocha:C\d+-A\d+$").sum() <= 15  # Damascus's city sectors


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
    for word in ("Who's On First", "GeoNames", "OCHA COD-AB", "OCHA COD-PS", "OpenSyria", "Natural Earth"):
        assert word in text
    assert set(gazetteer.sources.source_key) >= {"wof", "geonames", "ocha", "ocha_ps", "opensyria", "naturalearth",
                                                 "curated"}
    assert set(gazetteer.places.source) <= set(gazetteer.sources.source_key) | {"user"}


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


# ----------------------------------------------------------------------------- OCHA COD-PS
def _ccodes(places: pd.DataFrame) -> pd.Series:
    sett = places[places.feature_type == "settlement"]
    codes = sett.admin4_pcode.str.split("|").explode()
    return codes[codes != ""]


def test_every_ocha_community_is_in_the_gazetteer(shared_dir, gazetteer):
    """Each of OCHA's 7,266 C-codes is a place of its own or merged into one, exactly once."""
    rows = json.loads((shared_dir / "data/ocha-cod-ps-syr-communities/syr_pplp_adm4_communities.json")
                      .read_text(encoding="utf-8"))
    source = {r["pcode"] for r in rows}
    assert len(source) == 7266
    codes = _ccodes(gazetteer.places)
    assert codes.is_unique, codes[codes.duplicated()].head()
    review = pd.read_csv(REVIEW, dtype=str, keep_default_na=False)
    refused = set(review[(review.kind == "community") & (review.decision == "refused")].pcode)
    assert set(codes) | refused == source and not (set(codes) & refused)
    assert len(refused) <= 5


def test_ocha_ids_resolve_and_new_places_have_ocha_ids(gazetteer):
    assert gazetteer.resolve_id("ocha:C4309") == "gn:168572"  # Kansafrah keeps its GeoNames id
    kans = gazetteer.get("gn:168572")
    assert kans["admin4_pcode"] == "C4309"
    p = gazetteer.places
    new = p[p.source == "ocha_ps"]
    sett = new[new.feature_type == "settlement"]
    assert len(sett) > 2000
    assert (sett.place_id == "ocha:" + sett.admin4_pcode).all()
    assert (sett.name_ar != "").mean() > 0.99
    assert new.admin4_pcode.str.match(r"^C\d+$").all()


def test_linked_places_keep_every_name(gazetteer):
    p = gazetteer.places.set_index("place_id")
    jorin = gazetteer.get(gazetteer.resolve_id("ocha:C3178"))
    assert jorin["name_ar"] == "جورين"
    linked = p[(p.feature_type == "settlement") & p.index.str.startswith("gn:") & (p.admin4_pcode != "")]
    assert len(linked) > 4000
    # OCHA's English spelling is kept as an alias where it differs from the place's name
    mayadin = gazetteer.get(gazetteer.resolve_id("ocha:C5192"))
    assert "Al Mayadin" in [mayadin["name"]] + mayadin["alt_names"].split("|")


def test_conflicting_points_name_the_rejected_point(gazetteer):
    p = gazetteer.places
    rejected = p[p.note.str.contains("rejected", regex=False)]
    assert 5 <= len(rejected) <= 100
    assert (rejected.admin4_pcode != "").all()
    review = pd.read_csv(REVIEW, dtype=str, keep_default_na=False)
    conflicts = review[review.decision == "conflict"]
    assert len(conflicts) == len(rejected) and conflicts.reason.str.contains("rejected").all()


def test_neighbourhoods_have_polygons_parent_and_city(gazetteer):
    p = gazetteer.places
    nb = p[p.feature_type == "neighbourhood"]
    assert nb.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).all() and nb.geometry.is_valid.all()
    assert (nb.parent_id != "").all() and nb.parent_id.isin(p.place_id).all()
    assert (nb.city != "").all() and nb.admin4_pcode.str.match(r"^C\d+$").all()
    parents = p.set_index("place_id").loc[nb.parent_id]
    assert (parents.admin4_pcode.to_numpy() == nb.admin4_pcode.to_numpy()).all()
    assert shapely.contains(nb.geometry.to_numpy(), shapely.points(nb.longitude, nb.latitude)).mean() > 0.97
    maqsoud = nb[nb.place_id == gazetteer.resolve_id("ocha:N0123")].iloc[0]
    assert maqsoud.city == "Aleppo" and maqsoud.admin1_pcode == "SY02"
    assert gazetteer.get(gazetteer.resolve_id("ocha:N0268"))["city"] == "Homs"  # Baba Amr


def test_city_sectors_are_unions_of_their_neighbourhoods(gazetteer):
    p = gazetteer.places
    sectors = p[p.place_id.str.match(r"^ocha:C\d+-A\d+$")]
    assert (sectors.feature_type == "neighbourhood").all() and (sectors.city == "Damascus").all()
    midan = sectors[sectors.name == "Midan"]
    assert len(midan) == 1 and midan.name_ar.iat[0] == "الميدان"
    wastani = gazetteer.get(gazetteer.resolve_id("ocha:N0078"))  # Midan Wastani, in the Midan sector
    assert midan.geometry.iat[0].contains(shapely.Point(wastani["longitude"], wastani["latitude"]))


REGION_CHECKS = [  # region id, C-codes of towns inside it, C-codes of towns outside it
    ("cm:eastern-ghouta", ["C2338", "C2320", "C2314"], ["C2498", "C2416"]),
    ("cm:western-ghouta", ["C2498", "C2499", "C2466"], ["C2338"]),
    ("cm:qalamoun", ["C2416"], ["C2338", "C2447"]),
    ("cm:wadi-barada", ["C2447", "C2445"], ["C2416"]),
    ("cm:houla", ["C2541", "C2556"], []),
    ("cm:jabal-al-akrad", ["C3750", "C3704"], ["C3498"]),
    ("cm:jabal-al-turkman", ["C3498", "C3555"], ["C3750"]),
    ("cm:jabal-shashabo", ["C3190", "C7195"], ["C4309"]),
    ("cm:lajat", ["C6068"], ["C5993"]),
    ("cm:hawran", ["C5993"], ["C2338"]),
    ("cm:jazira", ["C4564", "C5175"], ["C5192"]),
    ("cm:shamiyah", ["C5192"], ["C5175"]),
    ("cm:euphrates-valley-deir-ez-zor", ["C5192", "C5175"], ["C2889"]),
    ("cm:yarmouk-basin", ["C6021", "C6024"], ["C5993"]),
    ("cm:jabal-al-ala", ["C4173", "C4162"], ["C4309"]),
]


@pytest.mark.parametrize("region,inside,outside", REGION_CHECKS)
def test_regions_are_built_from_admin_units(gazetteer, region, inside, outside):
    rec = gazetteer.get(region)
    assert rec["feature_type"] == "region" and rec["source_url"].startswith("http") and len(rec["note"]) > 20
    assert rec["name_ar"] and is_arabic(rec["name_ar"]) and rec["alt_names"]
    geom = rec["geometry"]
    assert geom.geom_type in ("Polygon", "MultiPolygon") and geom.is_valid
    for code, expected in [(c, True) for c in inside] + [(c, False) for c in outside]:
        town = gazetteer.get(gazetteer.resolve_id(f"ocha:{code}"))
        assert geom.contains(shapely.Point(town["longitude"], town["latitude"])) is expected, (code, town["name"])


@pytest.mark.parametrize("alias, owner, not_owner", [
    # names a source gives a place 11-21 km from the one they name (gazetteer/curated/not_aliases.csv)
    ("Menagh", "gn:166893", "gn:167596"),
    ("Ḑāḩiyat al Asad", "gn:11262037", "gn:8341880"),
])
def test_a_source_alias_stays_only_on_the_place_it_names(gazetteer, alias, owner, not_owner):
    places = gazetteer.places.set_index("place_id")
    assert alias in places.at[owner, "alt_names"].split("|")
    assert alias not in places.at[not_owner, "alt_names"].split("|")
