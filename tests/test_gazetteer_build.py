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
    for name in ("places.parquet", "neighbours.geojson", "sources.csv"):
        assert filecmp.cmp(tmp_path / name, DATA / name, shallow=False), f"{name} differs from a fresh build"


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
        assert row["source"].strip() and row["source_url"].startswith("https://")
