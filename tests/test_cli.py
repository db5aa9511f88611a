"""The command line: every command's help shows an example, commands run on small inputs, and bad
input gives one clear line on stderr and exit status 1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from conflictmap.cli import COMMANDS, build_parser, main

OWN = ["geocode", "places", "gazetteer"]


def registered() -> list[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return list(sub.choices)


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code: int, err: str, *needles: str) -> None:
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("conflictmap ") and "error:" in lines[0]
    assert "Traceback" not in err
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


@pytest.fixture
def names_csv(tmp_path: Path) -> Path:
    path = tmp_path / "names.csv"
    pd.DataFrame({
        "id": ["1", "2", "3", "4", "5"],
        "location": ["Kafr Nabl", "Ruwayhah", "Ruwayhah", "", "Kansafra, Jabal al-Zawiya"],
        "gov": ["Idlib", "", "Idleb", "Idlib", ""],
        "admin1": ["keep me", "", "", "", ""],  # clashes with an output column: kept, output is geo_admin1
        "code": ["007", "", "", "", "x"],
    }).to_csv(path, index=False)
    return path


@pytest.fixture
def user_csv(tmp_path: Path) -> Path:
    path = tmp_path / "new_places.csv"
    path.write_text("name,longitude,latitude,feature_type,alt_names,place_id\n"
                    "Tell Qarqur Test,36.35,35.85,,Qarqur test hill,\n"
                    "Kafr Nabl Junction,,,,Kafrnabl junction,gn:168661\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------------------- help
def test_every_planned_command_of_mine_is_registered():
    names = registered()
    for name in OWN:
        assert name in names
    assert set(names) <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_an_example(command, capsys):
    if command not in registered():
        pytest.skip(f"{command} command not built yet")
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert f"Example: conflictmap {command}" in out
    assert out.startswith(f"usage: conflictmap {command}")


@pytest.mark.parametrize("argv", [["gazetteer", "summary"], ["gazetteer", "validate"], ["gazetteer", "add"]])
def test_subcommand_help_shows_an_example(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv + ["--help"])
    assert exit_info.value.code == 0
    assert f"Example: conflictmap {' '.join(argv)}" in capsys.readouterr().out


def test_top_level_help_lists_commands(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for name in registered():
        assert name in out


# ---------------------------------------------------------------------------- geocode
def test_geocode_keeps_every_row_and_column(names_csv, tmp_path, capsys):
    out_path = tmp_path / "out.csv"
    code, _, err = run_cli(capsys, "geocode", str(names_csv), "-o", str(out_path), "--name-column", "location",
                           "--admin1-column", "gov")
    assert code == 0
    assert "5 row(s), 3 matched, 1 ambiguous, 1 unresolved" in err
    out = pd.read_csv(out_path, dtype=str, keep_default_na=False)
    assert len(out) == 5
    assert out["id"].tolist() == ["1", "2", "3", "4", "5"]
    assert out["code"].tolist()[0] == "007"  # input text kept exactly
    assert out["admin1"].tolist()[0] == "keep me"  # clashing input column kept
    for col in ["latitude", "longitude", "place_id", "place_name", "geo_admin1", "geo_precision", "match_score",
                "match_method", "match_status", "match_reason", "match_candidates"]:
        assert col in out.columns
    assert out["match_status"].tolist() == ["matched", "ambiguous", "matched", "unresolved", "matched"]
    assert out.loc[0, "place_id"] == "gn:168661" and out.loc[0, "geo_admin1"] == "Idleb"
    assert out.loc[2, "place_id"] == "gn:165178"  # Ruwayhah + Idleb hint
    assert out.loc[3, "match_reason"] == "empty location" and out.loc[3, "latitude"] == ""
    assert float(out.loc[4, "latitude"]) == pytest.approx(35.66, abs=0.01)
    candidates = json.loads(out.loc[1, "match_candidates"])
    assert {c["admin1"] for c in candidates} >= {"Idleb", "Deir-ez-Zor"}


def test_geocode_corrections_and_geojson_output(names_csv, tmp_path, capsys):
    corrections = tmp_path / "corrections.csv"
    corrections.write_text("name,place_id\nRuwayhah,gn:165179\n", encoding="utf-8")
    out_path = tmp_path / "out.geojson"
    code, _, _ = run_cli(capsys, "geocode", str(names_csv), "-o", str(out_path), "--name-column", "location",
                         "--corrections", str(corrections), "--no-progress")
    assert code == 0
    import geopandas as gpd

    gdf = gpd.read_file(out_path)
    assert len(gdf) == 5
    rows = gdf[gdf["location"] == "Ruwayhah"]
    assert set(rows["place_id"]) == {"gn:165179"} and set(rows["match_method"]) == {"correction"}
    assert rows.geometry.x.round(2).tolist() == [40.43, 40.43]


def test_geocode_excel_input_and_user_places(user_csv, tmp_path, capsys):
    pytest.importorskip("openpyxl")
    src = tmp_path / "in.xlsx"
    pd.DataFrame({"place": ["Qarqur test hill", "Kafrnabl junction"]}).to_excel(src, index=False)
    out_path = tmp_path / "out.tsv"
    code, _, _ = run_cli(capsys, "geocode", str(src), "-o", str(out_path), "--name-column", "place",
                         "--user-places", str(user_csv))
    assert code == 0
    out = pd.read_csv(out_path, sep="\t", dtype=str)
    assert out["match_status"].tolist() == ["matched", "matched"]
    assert out.loc[0, "place_name"] == "Tell Qarqur Test" and out.loc[0, "place_id"].startswith("user:")
    assert out.loc[1, "place_id"] == "gn:168661"


@pytest.mark.parametrize("argv, needles", [
    (["--name-column", "nope"], ["'nope'", "columns are"]),
    (["--admin1-column", "governorate"], ["'governorate'"]),
])
def test_geocode_bad_columns(names_csv, tmp_path, capsys, argv, needles):
    code, _, err = run_cli(capsys, "geocode", str(names_csv), "-o", str(tmp_path / "o.csv"), *argv)
    assert_one_line_error(code, err, *needles)
    assert not (tmp_path / "o.csv").exists()


def test_geocode_bad_files(names_csv, tmp_path, capsys):
    code, _, err = run_cli(capsys, "geocode", str(tmp_path / "missing.csv"), "-o", str(tmp_path / "o.csv"))
    assert_one_line_error(code, err, "missing.csv", "file not found")
    code, _, err = run_cli(capsys, "geocode", str(names_csv), "-o", str(tmp_path / "o.xyz"))
    assert_one_line_error(code, err, "unknown output type")
    code, _, err = run_cli(capsys, "geocode", str(names_csv), "-o", str(tmp_path / "no" / "o.csv"))
    assert_one_line_error(code, err, "output folder does not exist")
    bad_corr = tmp_path / "corr.csv"
    bad_corr.write_text("name,id\nRuwayhah,gn:1\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "geocode", str(names_csv), "-o", str(tmp_path / "o.csv"),
                           "--corrections", str(bad_corr))
    assert_one_line_error(code, err, "place_id")
    unknown = tmp_path / "corr2.csv"
    unknown.write_text("name,place_id\nRuwayhah,gn:999999999\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "geocode", str(names_csv), "-o", str(tmp_path / "o.csv"),
                           "--name-column", "location", "--corrections", str(unknown))
    assert_one_line_error(code, err, "gn:999999999")
    assert not (tmp_path / "o.csv").exists()


# ---------------------------------------------------------------------------- places
def test_places_shows_ambiguity_and_candidates(capsys):
    code, out, _ = run_cli(capsys, "places", "Ruwayhah", "-n", "1")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("'Ruwayhah': ambiguous -> Ruwayhah")
    assert "give an admin1 hint" in out
    assert "candidates (1 of 2)" in out
    table = out.split("candidates (1 of 2):\n")[1].splitlines()
    assert table[0].split()[:3] == ["rank", "place_id", "name"]
    assert len(table) == 2 and "Deir-ez-Zor" in out


def test_places_with_admin1_hint_matches(capsys):
    code, out, _ = run_cli(capsys, "places", "Ruwayhah", "--admin1", "Idlib")
    assert code == 0
    assert out.startswith("'Ruwayhah': matched -> Ruwayhah (gn:165178")


def test_places_json(capsys):
    code, out, _ = run_cli(capsys, "places", "Kafr Nabl", "--json", "-n", "1")
    assert code == 0
    record = json.loads(out)
    assert record["status"] == "matched" and record["place_id"] == "gn:168661"
    assert len(record["candidates"]) == 1 and record["admin1"] == "Idleb"


def test_places_unresolved_and_bad_input(capsys):
    code, out, _ = run_cli(capsys, "places", "Qqqqzzzzxxxx")
    assert code == 0 and "unresolved" in out
    code, _, err = run_cli(capsys, "places", "Saraqib", "-n", "0")
    assert_one_line_error(code, err, "-n")
    code, _, err = run_cli(capsys, "places", "   ")
    assert_one_line_error(code, err, "place name")


# ---------------------------------------------------------------------------- gazetteer
def test_gazetteer_summary(capsys):
    code, out, _ = run_cli(capsys, "gazetteer", "summary")
    assert code == 0
    total = int(out.split()[0])
    assert total > 10_000
    assert "settlement" in out and "CC BY 4.0" in out and out.rstrip().splitlines()[-1].startswith("Places:")
    code, out, _ = run_cli(capsys, "gazetteer", "summary", "--by", "admin1")
    assert code == 0 and "Idleb" in out and "Aleppo" in out


def test_gazetteer_summary_with_user_places(user_csv, capsys):
    _, base, _ = run_cli(capsys, "gazetteer", "summary")
    code, out, _ = run_cli(capsys, "gazetteer", "summary", "--user-places", str(user_csv))
    assert code == 0
    assert int(out.split()[0]) == int(base.split()[0]) + 1


def test_gazetteer_validate(user_csv, tmp_path, capsys):
    code, out, _ = run_cli(capsys, "gazetteer", "validate", str(user_csv))
    assert code == 0
    assert "OK, 2 row(s): 1 new place(s), 1 alias/move row(s)" in out
    bad = tmp_path / "bad.csv"
    bad.write_text("name,longitude,latitude\nGood,36.6,35.9\nBad,abc,35.9\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "gazetteer", "validate", str(bad))
    assert_one_line_error(code, err, "bad.csv", "row 2", "not numbers")
    bad.write_text("name,longitude,latitude,feature_type\nX,36.6,35.9,castle\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "gazetteer", "validate", str(bad))
    assert_one_line_error(code, err, "feature_type", "castle")
    bad.write_text("name,longitude,latitude\nNo point,,\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "gazetteer", "validate", str(bad))
    assert_one_line_error(code, err, "needs longitude and latitude")
    bad.write_text("town,x,y\nA,1,2\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "gazetteer", "validate", str(bad))
    assert_one_line_error(code, err, "'name'")


def test_gazetteer_add_merges_and_is_idempotent(user_csv, tmp_path, capsys):
    target = tmp_path / "my_places.csv"
    code, _, err = run_cli(capsys, "gazetteer", "add", str(user_csv), "-o", str(target))
    assert code == 0 and "2 user place row(s)" in err
    first = pd.read_csv(target, dtype=str, keep_default_na=False)
    assert first["place_id"].tolist() == ["user:tell-qarqur-test", "gn:168661"]
    # adding the same file again updates rows instead of duplicating them
    code, _, err = run_cli(capsys, "gazetteer", "add", str(user_csv), "-o", str(target))
    assert code == 0 and "2 replaced" in err
    assert pd.read_csv(target, dtype=str, keep_default_na=False).equals(first)
    # a second alias row for the same gazetteer place is kept beside the first
    more = tmp_path / "more.csv"
    more.write_text("name,place_id\nKafr Nobol town,gn:168661\n", encoding="utf-8")
    run_cli(capsys, "gazetteer", "add", str(more), "-o", str(target))
    merged = pd.read_csv(target, dtype=str, keep_default_na=False)
    assert len(merged) == 3
    # the file is what Gazetteer.load(extra=...) reads
    from conflictmap import Gazetteer, Geocoder

    gz = Gazetteer.load(extra=target)
    geocoder = Geocoder(gz)
    assert geocoder.resolve("Qarqur test hill").place_id == "user:tell-qarqur-test"
    assert geocoder.resolve("Kafr Nobol town").place_id == "gn:168661"


def test_gazetteer_add_rejects_bad_rows_and_keeps_the_file(user_csv, tmp_path, capsys):
    target = tmp_path / "my_places.csv"
    run_cli(capsys, "gazetteer", "add", str(user_csv), "-o", str(target))
    before = target.read_bytes()
    bad = tmp_path / "bad.csv"
    bad.write_text("name,longitude,latitude\nFar away,200,35\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "gazetteer", "add", str(bad), "-o", str(target))
    assert_one_line_error(code, err, "out of range")
    assert target.read_bytes() == before
    code, _, err = run_cli(capsys, "gazetteer", "add", str(user_csv), "-o", str(tmp_path / "x.parquet"))
    assert_one_line_error(code, err, ".csv")


def test_gazetteer_without_subcommand(capsys):
    code, _, err = run_cli(capsys, "gazetteer")
    assert_one_line_error(code, err, "subcommand")


# ---------------------------------------------------------------------------- python -m conflictmap
def _subprocess(*argv: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run([sys.executable, "-m", "conflictmap", *argv], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=120)


def test_python_m_conflictmap_runs_a_command(names_csv, tmp_path):
    done = _subprocess("geocode", names_csv.name, "-o", "geo.csv", "--admin1-column", "gov", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "5 row(s)" in done.stderr
    assert len(pd.read_csv(tmp_path / "geo.csv")) == 5


def test_python_m_conflictmap_error_is_one_line(tmp_path):
    done = _subprocess("places", "Saraqib", "-n", "0", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == ["conflictmap places: error: value 0: -n must be at least 1"]
    assert done.stdout == ""
