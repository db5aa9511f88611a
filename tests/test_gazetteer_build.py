"""The gazetteer build: reproducible from ../shared, loud and precise about bad curated rows."""

from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BUILD = REPO / "gazetteer" / "build.py"
DATA = REPO / "conflictmap" / "data"
REVIEW = REPO / "gazetteer" / "review" / "linkage.csv"


def _run(shared: Path, out: Path, curated: Path | None = None) -> subprocess.CompletedProcess:
    cmd = [sys.executable, str(BUILD), "--shared", str(shared), "--out", str(out)]
    if curated is not None:
        cmd += ["--curated", str(curated)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_build_reproduces_the_committed_data(shared_dir, tmp_path):
    """Building from the sources gives byte-identical files to the ones shipped."""
    if not BUILD.exists():
        pytest.skip("not in a checkout")
    result = _run(shared_dir, tmp_path)
    assert result.returncode == 0, result.stderr
    assert _same_parquet(tmp_path / "places.parquet", DATA / "places.parquet"), "places.parquet differs from a fresh build"
    for name in ("neighbours.geojson", "sources.csv"):
        assert filecmp.cmp(tmp_path / name, DATA / name, shallow=False), f"{name} differs from a fresh build"
    assert filecmp.cmp(tmp_path / "linkage.csv", REVIEW, shallow=False), "the linkage review differs"
    assert "OCHA COD-PS summary: community" in result.stderr  # the build says what it linked


# what a Parquet file records of the libraries that wrote it (their versions): not the data
_WRITER_FIELDS = {"pandas": ("pandas_version", "creator"), "geo": ("creator",)}


def _same_parquet(a: Path, b: Path) -> bool:
    """The same rows, columns, types and metadata in two Parquet files, whatever versions of pandas,
    geopandas and pyarrow wrote them (each records its own version: a patch release changes the bytes)."""
    import json

    import pyarrow.parquet as pq

    ta, tb = pq.read_table(a), pq.read_table(b)

    def meta(table):
        out = {}
        for key, value in (table.schema.metadata or {}).items():
            record = json.loads(value)
            for field in _WRITER_FIELDS.get(key.decode(), ()):
                record.pop(field, None)
            out[key] = record
        return out

    return ta.replace_schema_metadata(None).equals(tb.replace_schema_metadata(None)) and meta(ta) == meta(tb)


def test_parquet_comparison_sees_data_and_ignores_writer_versions(tmp_path):
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    def write(path, values, version):
        meta = {b"pandas": json.dumps({"columns": ["x"], "pandas_version": version}).encode()}
        pq.write_table(pa.table({"x": values}).replace_schema_metadata(meta), path)

    write(tmp_path / "a.parquet", [1, 2], "3.1.1")
    write(tmp_path / "b.parquet", [1, 2], "3.1.2")
    write(tmp_path / "c.parquet", [1, 3], "3.1.1")
    assert _same_parquet(tmp_path / "a.parquet", tmp_path / "b.parquet")
    assert not _same_parquet(tmp_path / "a.parquet", tmp_path / "c.parquet")


@pytest.fixture(scope="module")
def build_module():
    if not BUILD.exists():
        pytest.skip("not in a checkout")
    import importlib.util

    saved = list(sys.path)
    try:  # the script puts the checkout on sys.path; keep the suite on the installed package
        spec = importlib.util.spec_from_file_location("gazetteer_build", BUILD)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path[:] = saved
    return module


@pytest.fixture(scope="module")
def resolver(build_module, gazetteer):
    """The build's resolver over the shipped settlements and governorates (no ../shared needed)."""
    places = gazetteer.places
    settlements = places[places.feature_type == "settlement"].reset_index(drop=True)
    return build_module.Resolver(settlements, places[places.feature_type == "admin1"])


@pytest.mark.parametrize("file,needle,replacement,message", [
    ("places.csv", "cm:arab-said,Arab Said,عرب سعيد", "cm:arab-said,Arab Said,Arab Said", "places.csv, row 2, column 'name_ar'"),
    ("places.csv", "36.475,35.925,Idlib", "36.475,35.925,Narnia", "places.csv, row 2, column 'admin1'"),
    ("places.csv", "36.475,35.925,Idlib", "46.475,35.925,Idlib", "point is outside Syria"),
    ("places.csv", "36.475,35.925,Idlib", "east,35.925,Idlib", "coordinates are not numbers"),
    ("features.csv", "Kansafrah@Idleb", "Kansafrahx@Idleb", "'Kansafrahx@Idleb': no such place"),
    ("features.csv", "SY07|SY020001", "SY99|SY020001", "unknown P-code"),
    ("aliases.csv", "Afrin@Aleppo,Efrin", "Afrin@Nowhere,Efrin", "unknown governorate"),
    ("aliases.csv", "Afrin@Aleppo,Efrin", "Afrin,Efrin", "written Name@Governorate"),
])
def test_bad_curated_row_is_refused_and_named(build_module, resolver, gazetteer, tmp_path, file, needle,
                                              replacement, message):
    from conflictmap.errors import CuratedRowError

    source = REPO / "gazetteer" / "curated" / file
    text = source.read_text(encoding="utf-8")
    assert needle in text
    path = tmp_path / file
    path.write_text(text.replace(needle, replacement, 1), encoding="utf-8")
    outline = gazetteer.outline()
    places = resolver.places
    with pytest.raises(CuratedRowError) as info:
        if file == "places.csv":
            build_module.curated_points(path, resolver, outline)
        elif file == "features.csv":
            admin = gazetteer.places[gazetteer.places.feature_type.str.startswith("admin")].assign(
                PCODE=lambda d: d.place_id.str.slice(5))
            build_module.curated_features(path, resolver, places, admin, outline)
        else:
            build_module.apply_aliases(path, resolver, places.copy())
    assert message in str(info.value)


def test_curated_files_are_valid_as_shipped(build_module, resolver, gazetteer):
    curated = REPO / "gazetteer" / "curated"
    points = build_module.curated_points(curated / "places.csv", resolver, gazetteer.outline())
    assert len(points) >= 20 and points.source_url.str.startswith("https://").all()
    for row in build_module.read_curated_csv(curated / "features.csv", ["source"]):
        assert row["source"].strip() and row["source_url"].startswith(("https://", "http://"))


# ----------------------------------------------------------------------------- OCHA COD-PS rows
KANSAFRAH = (36.48547, 35.65935)  # gn:168572, sub-district SY070501


@pytest.fixture(scope="module")
def admin_frame(gazetteer):
    """The shipped admin polygons in the build's own layout (PCODE, NAME_EN, NAME_AR, level)."""
    import geopandas as gpd

    adm = gazetteer.places[gazetteer.places.feature_type.isin(["admin1", "admin2", "admin3"])]
    return gpd.GeoDataFrame({"PCODE": adm.place_id.str.slice(5).to_numpy(), "NAME_EN": adm.name.to_numpy(),
                             "NAME_AR": adm.name_ar.to_numpy(), "level": adm.feature_type.str[-1].astype(int).to_numpy()},
                            geometry=adm.geometry.to_numpy(), crs="EPSG:4326")


def _admin3_of(gazetteer, lon, lat):
    import shapely

    areas = gazetteer.areas(3)
    hit = areas[shapely.contains(areas.geometry.to_numpy(), shapely.Point(lon, lat))]
    return hit.pcode.iat[0]


def _community(pcode, name, lon, lat, admin3, name_ar=""):
    return {"pcode": pcode, "name_en": name, "name_ar": name_ar, "lng": lon, "lat": lat, "admin3_pcode": admin3}


def test_bad_community_rows_are_named_and_refused_or_repaired(build_module, gazetteer, admin_frame):
    adm3 = dict(zip(admin_frame[admin_frame.level == 3].PCODE, admin_frame[admin_frame.level == 3].geometry))
    lon, lat = KANSAFRAH
    rows = [
        _community("C9001", "Kansafra", lon, lat, "SY070501"),
        _community("C9001", "Other name", lon + 0.01, lat, "SY070501"),      # duplicate P-code, differs
        _community("C9002", "Twice", lon + 0.02, lat, "SY070501"),
        _community("C9002", "Twice", lon + 0.02, lat, "SY070501"),           # repeated identical row
        _community("X12", "Bad code", lon, lat, "SY070501"),                 # malformed P-code
        _community("C9003", "", lon, lat, "SY070501"),                       # no name
        _community("C9004", "No point", "abc", lat, "SY070501"),             # coordinates not numbers
        _community("C9005", "In Turkey", 37.5, 38.5, "SY070501"),            # far outside Syria
        _community("C9006", "Far away", 38.5, 35.3, "SY070501"),             # far from its sub-district
        _community("C9007", "Unknown unit", lon, lat, "SY999999"),           # no such sub-district
    ]
    kept, issues = build_module.ocha_ps.check_communities(rows, gazetteer.outline(), adm3)
    by = {(i.pcode, i.action): i.reason for i in issues}
    assert "duplicate P-code" in by[("C9001", "refused")] and "Kansafra" in by[("C9001", "refused")]
    assert "identical" in by[("C9002", "refused")]
    assert "malformed" in by[("X12", "refused")]
    assert "without a name" in by[("C9003", "refused")]
    assert "not numbers" in by[("C9004", "refused")]
    assert "not an OCHA sub-district" in by[("C9007", "repaired")]
    assert list(kept.pcode) == ["C9001", "C9002", "C9005", "C9006", "C9007"]
    far = kept.set_index("pcode").far
    assert far["C9005"] and far["C9006"] and not far["C9001"]
    assert kept.set_index("pcode").name_en["C9001"] == "Kansafra"  # the first record is kept


def test_point_just_over_the_border_is_moved_inside_on_purpose(build_module, gazetteer, admin_frame):
    import shapely

    adm3 = dict(zip(admin_frame[admin_frame.level == 3].PCODE, admin_frame[admin_frame.level == 3].geometry))
    # Mazraet Deir Elashayer (C2442) as OCHA has it: 3.5 km over the Lebanese border
    rows = [_community("C2442", "Mazraet Deir Elashayer", 36.013241, 33.573832, "SY030800")]
    kept, issues = build_module.ocha_ps.check_communities(rows, gazetteer.outline(), adm3)
    assert [(i.pcode, i.action) for i in issues] == [("C2442", "repaired")]
    assert "outside Syria; moved to" in issues[0].reason
    rec = kept.iloc[0]
    assert adm3["SY030800"].contains(shapely.Point(rec.longitude, rec.latitude)) and not rec.far


def _loc(gazetteer, place_ids, **moved):
    """Shipped settlements as the build's locality table (their OCHA links removed)."""
    p = gazetteer.places
    loc = p[p.place_id.isin(place_ids)].drop(columns="geometry").reset_index(drop=True)
    loc = loc.assign(admin4_pcode="", merged_ids="", note="", parent_id="", city="")
    loc["source_id"] = loc.source_id.str.replace(r"\|ocha:C\d+", "", regex=True)
    for pid, (lon, lat, adm3) in moved.items():
        i = loc.index[loc.place_id == pid.replace("_", ":")][0]
        loc.loc[i, ["longitude", "latitude", "admin3_pcode"]] = [lon, lat, adm3]
    return loc


def test_linkage_links_one_to_one_and_refuses_far_rows(build_module, gazetteer, admin_frame):
    adm3 = dict(zip(admin_frame[admin_frame.level == 3].PCODE, admin_frame[admin_frame.level == 3].geometry))
    lon, lat = KANSAFRAH
    loc = _loc(gazetteer, ["gn:168572"])
    rows = [
        _community("C9001", "Kansafra", lon + 0.002, lat, "SY070501", "كنصفرة"),
        _community("C9010", "Kansafrah", lon + 0.03, lat + 0.01, "SY070501"),  # a second village, 3 km off
        _community("C9005", "In Turkey", 37.5, 38.5, "SY070501"),
    ]
    com, _ = build_module.ocha_ps.check_communities(rows, gazetteer.outline(), adm3)
    out, new, review, refused = build_module.link_communities(loc, com, admin_frame)
    kans = out.set_index("place_id").loc["gn:168572"]
    assert kans.admin4_pcode == "C9001" and "ocha:C9001" in kans.merged_ids.split("|")
    assert kans["name"] == "Kansafrah"  # the place keeps its name and id
    assert list(new.place_id) == ["ocha:C9010"]  # never merged into the already linked namesake
    assert new.admin3_pcode.iat[0] == "SY070501" and new.source.iat[0] == "ocha_ps"
    assert refused == ["C9005"]
    decisions = {r["pcode"]: r["decision"] for r in review}
    assert decisions == {"C9001": "linked", "C9010": "new", "C9005": "refused"}
    why = {r["pcode"]: r["reason"] for r in review}
    assert "already linked to another community" in why["C9010"]
    assert "outside Syria" in why["C9005"]


def test_far_apart_points_of_one_place_are_decided_from_the_sub_district(build_module, gazetteer, admin_frame):
    """A GeoNames point 20 km from OCHA's, outside the sub-district OCHA lists, is rejected into note."""
    adm3 = dict(zip(admin_frame[admin_frame.level == 3].PCODE, admin_frame[admin_frame.level == 3].geometry))
    lon, lat = KANSAFRAH
    far_lon = lon + 0.22  # ~20 km east
    claimed = _admin3_of(gazetteer, far_lon, lat)
    assert claimed != "SY070501"
    loc = _loc(gazetteer, ["gn:168572"])
    rows = [_community("C9020", "Kansafra", far_lon, lat, claimed, "كنصفرة")]
    com, _ = build_module.ocha_ps.check_communities(rows, gazetteer.outline(), adm3)
    out, new, review, refused = build_module.link_communities(loc, com, admin_frame)
    assert new.empty and not refused
    kans = out.set_index("place_id").loc["gn:168572"]
    assert (kans.longitude, kans.latitude) == (round(far_lon, 6), lat)
    assert kans.admin3_pcode == claimed  # admin codes follow the point kept
    assert f"GeoNames/WOF point {lon:.5f},{lat:.5f} rejected" in kans.note
    assert review[0]["decision"] == "conflict" and "rejected" in review[0]["reason"]


def test_bad_neighbourhood_rows_are_named(build_module, gazetteer):
    import geopandas as gpd
    import shapely

    square = shapely.box(37.15, 36.20, 37.16, 36.21)  # in Aleppo city
    raw = gpd.GeoDataFrame({
        "PCODE": ["N9001", "N9001", "N9002", "N9003", "bad"],
        "NAME_EN": ["Quarter", "Again", "Lost parent", "", "X"], "NAME_AR": ["", "", "", "", ""],
        "ADM4_PCODE": ["C1007", "C1007", "C99999", "C1007", "C1007"],
        "LONGITUDE": [37.155] * 5, "LATITUDE": [36.205] * 5,
    }, geometry=[square] * 5, crs="EPSG:4326")
    kept, issues = build_module.ocha_ps.check_neighbourhoods(raw, gazetteer.outline(), {"C1007"})
    by = {(i.pcode, i.action): i.reason for i in issues}
    assert "duplicate" in by[("N9001", "refused")]
    assert "parent community" in by[("N9002", "repaired")]
    assert "without a name" in by[("N9003", "refused")]
    assert "malformed" in by[("bad", "refused")]
    assert list(kept.pcode) == ["N9001", "N9002"] and kept.parent_pcode.tolist() == ["C1007", ""]


def test_linkage_names_agree_at_levels(build_module):
    linkage = build_module.linkage
    k = linkage.name_keys
    assert linkage.compare_names(k(["Kansafra"]), k(["Kansafrah", "كنسفرة"]))[0] == 4
    assert linkage.compare_names(k(["Jorin", "جورين"]), k(["Jurin"]))[0] == 4
    assert linkage.compare_names(k(["Ariha"]), k(["Saraqib"]))[0] == 0
    # distinct villages of the same name 8 km apart in different sub-districts are not linked
    assert not linkage.community_rule(4, 8.0, False, False)
    assert linkage.community_rule(4, 8.0, True, False)


def test_build_module_examples(build_module):
    """The docstring examples of the build and its linkage modules run (they are not in the package)."""
    import doctest

    for module in (build_module, build_module.linkage, build_module.ocha_ps):
        result = doctest.testmod(module)
        assert result.failed == 0 and result.attempted > 0, module.__name__


def test_a_composite_community_name_gives_each_village_as_an_alias(build_module, gazetteer, admin_frame):
    """OCHA writes two villages in one community name ("A - B", "A_B" in Arabic); each part is an
    alias, but a part naming the town the community lies by (an admin area: "Elbab") is not."""
    adm3 = dict(zip(admin_frame[admin_frame.level == 3].PCODE, admin_frame[admin_frame.level == 3].geometry))
    lon, lat = 37.52, 36.37  # near al-Bab
    rows = [_community("C9101", "Qawqa - Tell Shaeer", lon, lat, "SY020200", "قوقا_تل شعير"),
            _community("C9102", "Hjeilet - Elbab", lon + 0.05, lat, "SY020200", "الحجيلة- الباب")]
    com, _ = build_module.ocha_ps.check_communities(rows, gazetteer.outline(), adm3)
    _, new, _, _ = build_module.link_communities(_loc(gazetteer, []), com, admin_frame)
    alts = dict(zip(new.place_id, new.alt_names.str.split("|")))
    assert {"Qawqa", "Tell Shaeer", "قوقا", "تل شعير"} <= set(alts["ocha:C9101"])
    assert "Hjeilet" in alts["ocha:C9102"] and "الحجيلة" in alts["ocha:C9102"]
    assert not {"Elbab", "الباب"} & set(alts["ocha:C9102"])


def test_shipped_gazetteer_splits_composite_community_names(gazetteer):
    """In the shipped data: OCHA's "Maaret Elnaasan - Maaret Elhaski" answers to each village's name."""
    places = gazetteer.places.set_index("place_id")
    composite = places[places.name.str.contains(" - ", regex=False) & (places.source == "ocha_ps")]
    assert len(composite) > 50
    split = composite.alt_names.str.split("|").map(len) >= 2
    assert split.mean() > 0.9, composite[~split].name.head().tolist()


def test_a_wrong_alias_is_removed_from_the_places_it_does_not_name(build_module, resolver, tmp_path):
    from conflictmap.errors import CuratedRowError

    places = resolver.places.copy()
    col = places.columns.get_loc("alt_names")
    afrin = next(i for i, (n, a) in enumerate(zip(places.name, places.admin1)) if n == "‘Afrīn" and a == "Aleppo")
    places.iat[afrin, col] = places.iat[afrin, col] + "|Kobanî"  # the source error the curated row undoes
    kobani = resolver.place("'Ayn al 'Arab@Aleppo", source="test", row=0, column="x")
    assert "Kobanî" in places.iat[kobani, col].split("|")
    # the shipped file's Kobanî row alone (its other rows undo other source errors, gone from the shipped places)
    shipped = (REPO / "gazetteer" / "curated" / "not_aliases.csv").read_text(encoding="utf-8").splitlines()
    rows = [line for line in shipped if line.startswith(("#", "alias,", "Kobanî,"))]
    curated = tmp_path / "not_aliases.csv"
    curated.write_text("\n".join(rows) + "\n", encoding="utf-8")
    build_module.drop_wrong_aliases(curated, resolver, places)
    assert "Kobanî" not in places.iat[afrin, col].split("|")
    assert "Kobanî" in places.iat[kobani, col].split("|")  # the place it names keeps it
    # as shipped no other place carries it any more: a row that no longer applies is refused, by name
    with pytest.raises(CuratedRowError) as info:
        build_module.drop_wrong_aliases(curated, resolver, resolver.places.copy())
    assert "not_aliases.csv, row 2, column 'alias'" in str(info.value)
