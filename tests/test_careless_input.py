"""Careless input to the commands and readers (issue 24): nothing lost, nothing silently wrong.

Ragged rows and repeated column names in every reader of a user table, an output path that is
the input, bad option values, tables in UTF-16 / Windows-1256, same-name user places, control
points outside Syria, two processes saving corrections at once, SIGTERM during a write.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from conflictmap.cli import main
from conflictmap.csvtext import decode_text, parse_csv
from conflictmap.errors import InputError

RAGGED = "location,admin1\nKafr Nabl,Idlib,extra,extra2\nSaraqib\n"
RAGGED_LATER = "location,admin1\nSaraqib,Idlib\nBinnish,Idlib\nKafr Nabl,Idlib,extra\n"


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code: int, err: str, *needles: str) -> None:
    assert code == 1, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("conflictmap ") and "error:" in lines[0] and "Traceback" not in err
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the shared reader
@pytest.mark.parametrize("text, line", [(RAGGED, 2), (RAGGED_LATER, 4),
                                        ('location,admin1\n"two\nlines",x\nA,b,c\n', 4),
                                        ("# comment\n\nlocation,admin1\nA,b\nB,c,d\n", 5)])
def test_a_row_wider_than_the_header_is_an_error_naming_its_line(text, line):
    with pytest.raises(InputError, match=rf"t.csv: line {line} has \d fields but the header has 2"):
        parse_csv(text, source="t.csv", comments="leading")


def test_short_rows_quoted_separators_and_comments_still_read():
    frame = parse_csv('# note\nlocation,admin1\n"Kafr Nabl, Idlib",x\nSaraqib\n', comments="leading")
    assert frame.to_dict("records") == [{"location": "Kafr Nabl, Idlib", "admin1": "x"},
                                        {"location": "Saraqib", "admin1": ""}]


def test_repeated_column_names_are_an_error():
    with pytest.raises(InputError, match="column 'location'.*twice"):
        parse_csv("location,admin1,location\nA,b,c\n")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1256"])
def test_common_encodings_of_arabic_tables_are_decoded(encoding):
    text = "name,faction,note\nحلب,government,مدينة\nإدلب,hts,\n"
    assert decode_text(text.encode(encoding)) == text


def test_an_undetectable_encoding_is_refused_naming_the_line():
    with pytest.raises(InputError, match="line 3 is not UTF-8 text \\(byte 0xe9\\)"):
        decode_text("name\nAleppo\nCaf\u00e9\n".encode("latin-1"))


# --------------------------------------------------------------------- every reader of a table
def _reader_cases(tmp_path: Path) -> dict[str, list[str]]:
    ev = "event_date,event_type,location,latitude,longitude\n"
    return {
        "geocode": ["geocode", write(tmp_path / "in.csv", RAGGED), "-o", tmp_path / "o.csv"],
        "geocode later row": ["geocode", write(tmp_path / "in2.csv", RAGGED_LATER), "-o", tmp_path / "o.csv"],
        "geocode tsv": ["geocode", write(tmp_path / "in.tsv", "location\tadmin1\nKafr Nabl\tIdlib\tx\n"),
                        "-o", tmp_path / "o.csv"],
        "geocode corrections": ["geocode", write(tmp_path / "ok.csv", "location\nSaraqib\n"), "-o", tmp_path / "o.csv",
                                "--corrections", write(tmp_path / "fix.csv", "name,place_id\nA,gn:1,extra\n")],
        "geocode user places": ["geocode", tmp_path / "ok.csv", "-o", tmp_path / "o.csv", "--user-places",
                                write(tmp_path / "up.csv", "name,longitude,latitude\nTal X,36.5,35.5,9\n")],
        "map events": ["map", write(tmp_path / "ev.csv", ev + "2020-06-30,Battles,Kansafrah,35.659,36.485,9\n"),
                       "-o", tmp_path / "m.html"],
        "zones table": ["zones", "build", "--table", write(tmp_path / "ctl.csv", "pcode,faction\nSY07,hts,x\n"),
                        "-o", tmp_path / "z.geojson"],
        "zones points": ["zones", "build", "--points",
                         write(tmp_path / "pts.csv", "longitude,latitude,faction\n36.6,35.9,hts,1\n"),
                         "-o", tmp_path / "z.geojson"],
        "gazetteer add": ["gazetteer", "add", tmp_path / "up.csv", "-o", tmp_path / "mine.csv"],
        "gazetteer validate": ["gazetteer", "validate", tmp_path / "up.csv"],
    }


CASES = ["geocode", "geocode later row", "geocode tsv", "geocode corrections", "geocode user places", "map events",
         "zones table", "zones points", "gazetteer add", "gazetteer validate"]


@pytest.mark.parametrize("case", CASES)
def test_every_command_refuses_a_ragged_row_naming_its_line(case, tmp_path, capsys):
    argv = _reader_cases(tmp_path)[case]
    code, _, err = run_cli(capsys, *argv)
    assert_one_line_error(code, err, "line ", "fields but the header has")
    assert not (tmp_path / "o.csv").exists() and not (tmp_path / "m.html").exists()


def test_read_events_refuses_ragged_rows_and_repeated_columns(tmp_path):
    from conflictmap.events.io import read_events

    path = write(tmp_path / "ev.csv", "event_date,event_type,location\n2020-06-30,Battles,Kansafrah,x\n")
    with pytest.raises(InputError, match="ev.csv: line 2 has 4 fields"):
        read_events(path)
    write(path, "event_date,event_type,location,location\n2020-06-30,Battles,Kansafrah,Kafr Nabl\n")
    with pytest.raises(InputError, match="location.*twice"):
        read_events(path)


def test_read_events_checks_excel_sheets_too(tmp_path):
    from conflictmap.events.io import read_events

    path = tmp_path / "ev.xlsx"
    pd.DataFrame([["event_date", "event_type", "location", "location"],
                  ["2020-06-30", "Battles", "Kansafrah", "Kafr Nabl"]]).to_excel(path, header=False, index=False)
    with pytest.raises(InputError, match="location.*twice"):
        read_events(path)
    pd.DataFrame([["event_date", "event_type", "location", None],
                  ["2020-06-30", "Battles", "Kansafrah", None],
                  ["2020-07-01", "Battles", "Saraqib", "extra"]]).to_excel(path, header=False, index=False)
    with pytest.raises(InputError, match="line 3 has a value in column D"):
        read_events(path)
    pd.DataFrame([["event_date", "event_type", "location", None],
                  ["2020-06-30", "Battles", "Kansafrah", None]]).to_excel(path, header=False, index=False)
    assert read_events(path)["location"].tolist() == ["Kansafrah"]


def test_geocode_refuses_repeated_column_names_in_csv_and_excel(tmp_path, capsys):
    path = write(tmp_path / "in.csv", "location,admin1,location\nKafr Nabl,Idlib,Saraqib\n")
    code, _, err = run_cli(capsys, "geocode", path, "-o", tmp_path / "o.csv")
    assert_one_line_error(code, err, "'location'", "twice")
    xlsx = tmp_path / "in.xlsx"
    pd.DataFrame([["location", "location"], ["Kafr Nabl", "Saraqib"]]).to_excel(xlsx, header=False, index=False)
    code, _, err = run_cli(capsys, "geocode", xlsx, "-o", tmp_path / "o.csv")
    assert_one_line_error(code, err, "'location'", "twice")


def test_an_excel_value_under_no_column_name_is_an_error(tmp_path, capsys):
    xlsx = tmp_path / "in.xlsx"
    pd.DataFrame([["location", "admin1", None], ["Kafr Nabl", "Idlib", None], ["Saraqib", "Idlib", "x"]]) \
        .to_excel(xlsx, header=False, index=False)
    code, _, err = run_cli(capsys, "geocode", xlsx, "-o", tmp_path / "o.csv")
    assert_one_line_error(code, err, "line 3", "column C")


def test_geocode_keeps_every_row_of_a_good_table(tmp_path, capsys):
    path = write(tmp_path / "in.csv", "location,admin1\nKafr Nabl,Idlib\nSaraqib\n\"Binnish, Idlib\",\n")
    code, _, _ = run_cli(capsys, "geocode", path, "-o", tmp_path / "o.csv")
    assert code == 0
    out = pd.read_csv(tmp_path / "o.csv", dtype=str, keep_default_na=False)
    assert out["location"].tolist() == ["Kafr Nabl", "Saraqib", "Binnish, Idlib"]


# ------------------------------------------------------------------ outputs that are inputs
@pytest.mark.parametrize("command", ["map", "extract", "gazetteer add", "geocode", "zones build", "geocode via ./"])
def test_an_output_that_is_the_input_is_refused_and_the_input_kept(command, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    events = write(tmp_path / "ev.csv", "event_date,event_type,location,latitude,longitude\n"
                                        "2020-06-30,Battles,Kansafrah,35.659,36.485\n")
    report = write(tmp_path / "r.txt", "Jets struck Saraqib on Monday.\n")
    places = write(tmp_path / "p.csv", "name,longitude,latitude\nTal Twin,36.5,35.5\n")
    points = write(tmp_path / "pts.csv", "name,longitude,latitude,faction\nA,36.6,35.9,hts\n")
    argv, victim = {
        "map": (["map", "ev.csv", "-o", "ev.csv"], events),
        "extract": (["extract", "r.txt", "--published", "2020-06-30", "-o", "r.txt"], report),
        "gazetteer add": (["gazetteer", "add", "p.csv", "-o", "p.csv"], places),
        "geocode": (["geocode", "p.csv", "-o", str(places), "--name-column", "name"], places),
        "geocode via ./": (["geocode", "ev.csv", "-o", "ev.csv", "--corrections", "./ev.csv"], events),
        "zones build": (["zones", "build", "--points", "pts.csv", "-o", "pts.csv"], points),
    }[command]
    before = victim.read_bytes()
    code, _, err = run_cli(capsys, *argv)
    if command == "map":  # a .csv is not a map type: refused before the path check
        assert_one_line_error(code, err, "the map is written as")
        code, _, err = run_cli(capsys, "map", "ev.csv", "-o", "./sub/../ev.html", "--zones", "ev.html")
        assert_one_line_error(code, err, "is the input")
    else:
        assert_one_line_error(code, err, "is the input", victim.name)
    assert victim.read_bytes() == before


# ---------------------------------------------------------------------------- bad option values
@pytest.mark.parametrize("options, needle", [
    (["-o", "m.html", "--as-of", "yesterday"], "as_of is not a date"),
    (["-o", "m.png", "--as-of", "2020-13-01"], "as_of is not a date"),
    (["-o", "m.png", "--dpi", "0"], "--dpi"),
    (["-o", "m.png", "--dpi", "-5"], "--dpi"),
    (["-o", "m.png", "--dpi", "100000"], "--dpi"),
    (["-o", "m.html", "--window-days", "-5"], "--window-days"),
    (["-o", "m.html", "--window-days", "0"], "--window-days"),
    (["-o", "m.pdf", "--extent", "40,40,30,30"], "--extent"),
    (["-o", "m.pdf", "--extent", "nan,1,2,3"], "--extent"),
    (["-o", "m.txt"], "the map is written as"),
])
def test_map_refuses_bad_values_in_one_line(options, needle, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "ev.csv", "event_date,event_type,location,latitude,longitude\n"
                               "2020-06-30,Battles,Kansafrah,35.659,36.485\n")
    code, _, err = run_cli(capsys, "map", "ev.csv", *options)
    assert_one_line_error(code, err, needle)
    assert [p.name for p in tmp_path.iterdir()] == ["ev.csv"]


@pytest.mark.parametrize("argv, needle", [
    (["zones", "build", "--points", "pts.csv", "--max-distance-km", "-5", "-o", "z.geojson"], "--max-distance-km"),
    (["zones", "build", "--points", "pts.csv", "--max-distance-km", "nan", "-o", "z.geojson"], "--max-distance-km"),
    (["extract", "r.txt", "--published", "yesterday", "-o", "d.csv"], "published"),
    (["zones", "build", "--points", "pts.csv", "--as-of", "2020-99-99", "-o", "z.geojson"], "as_of is not a date"),
    (["geocode", "pts.csv", "-o", "o.csv", "--candidates", "-1"], "--candidates"),
    (["places", "Saraqib", "-n", "0"], "-n"),
    (["serve", "--host", ""], "--host"),
    (["serve", "--host", "  "], "--host"),
    (["serve", "--port", "70000"], "--port"),
    (["serve", "--timeout", "0"], "--timeout"),
])
def test_other_commands_refuse_bad_values_in_one_line(argv, needle, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "pts.csv", "name,longitude,latitude,faction\nA,36.6,35.9,hts\nB,36.8,35.86,SAA\n")
    write(tmp_path / "r.txt", "Jets struck Saraqib on Monday.\n")
    code, _, err = run_cli(capsys, *argv)
    assert_one_line_error(code, err, needle)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "cp1256"])
def test_zones_build_reads_utf16_and_windows_1256_tables(encoding, tmp_path, capsys):
    from conflictmap.zones.io import read_zones

    table = tmp_path / "control.csv"
    table.write_bytes("name,faction,note\nحلب,government,مدينة\nإدلب,hts,\n".encode(encoding))
    code, _, err = run_cli(capsys, "zones", "build", "--table", table, "--level", "1", "-o", tmp_path / "z.geojson")
    assert code == 0, err
    assert set(read_zones(tmp_path / "z.geojson").faction) == {"government", "hts"}


def test_extract_reads_a_utf16_report_and_refuses_latin1_in_one_line(tmp_path, capsys):
    report = tmp_path / "r.txt"
    report.write_bytes("Jets struck Saraqib on Monday, killing two civilians.\n".encode("utf-16"))
    code, _, err = run_cli(capsys, "extract", report, "--published", "2020-06-30", "-o", tmp_path / "d.csv")
    assert code == 0, err
    drafts = pd.read_csv(tmp_path / "d.csv", dtype=str, keep_default_na=False)
    assert "Saraqib" in drafts["source_sentence"].iloc[0]
    report.write_bytes("Jets struck Saraqib caf\u00e9.\n".encode("latin-1"))
    code, _, err = run_cli(capsys, "extract", report, "--published", "2020-06-30", "-o", tmp_path / "d.csv")
    assert_one_line_error(code, err, "r.txt", "line 1", "not UTF-8")


def test_zones_build_refuses_a_latin1_table_in_one_line(tmp_path, capsys):
    table = tmp_path / "control.csv"
    table.write_bytes("name,faction,note\nAleppo,government,caf\u00e9\n".encode("latin-1"))
    code, _, err = run_cli(capsys, "zones", "build", "--table", table, "-o", tmp_path / "z.geojson")
    assert_one_line_error(code, err, "control.csv", "line 2", "not UTF-8")


def test_zones_build_refuses_points_outside_syria_naming_them(tmp_path, capsys):
    points = write(tmp_path / "pts.csv", "name,longitude,latitude,faction\nParis,2.35,48.85,hts\n"
                                         "Idlib,36.63,35.93,hts\nBerlin,13.4,52.52,government\n")
    code, _, err = run_cli(capsys, "zones", "build", "--points", points, "-o", tmp_path / "z.geojson")
    assert_one_line_error(code, err, "2 control point(s) lie outside Syria", "'Paris'", "'Berlin'")
    assert "'Idlib'" not in err and not (tmp_path / "z.geojson").exists()


# ------------------------------------------------------------------------------ user places
def test_a_namesake_far_away_is_added_and_the_same_place_updated(tmp_path, capsys):
    from conflictmap import Gazetteer

    mine = tmp_path / "mine.csv"
    for i, (lon, lat) in enumerate([(36.5, 35.5), (38.0, 35.8), (36.51, 35.5)]):
        added = write(tmp_path / f"t{i}.csv", f"name,longitude,latitude\nTal Twin,{lon},{lat}\n")
        assert run_cli(capsys, "gazetteer", "add", added, "-o", mine)[0] == 0
    table = pd.read_csv(mine, dtype=str, keep_default_na=False).set_index("place_id")
    assert sorted(table.index) == ["user:tal-twin", "user:tal-twin-2"]  # the third row moved the first place
    assert table.loc["user:tal-twin", "longitude"] == "36.51" and table.loc["user:tal-twin-2", "longitude"] == "38.0"
    gz = Gazetteer.load(extra=mine)
    twins = gz.places[gz.places["name"] == "Tal Twin"]
    assert len(twins) == 2


# ---------------------------------------------------------------------- corrections, two writers
_SAVER = textwrap.dedent("""
    import sys
    import pandas as pd
    from conflictmap.events.attach import save_corrections
    from conflictmap.gazetteer import get_gazetteer

    path, tag = sys.argv[1], sys.argv[2]
    gz = get_gazetteer()
    ids = list(gz.places["place_id"][:50])
    print("ready", flush=True)
    sys.stdin.readline()  # both start saving together
    for i, pid in enumerate(ids):
        save_corrections(pd.DataFrame({"location": [f"{tag} name {i}"], "correct_place_id": [pid]}), path,
                         gazetteer=gz)
""")


def test_two_processes_saving_corrections_keep_all_of_them(tmp_path):
    path = tmp_path / "fixes.csv"
    procs = [subprocess.Popen([sys.executable, "-c", _SAVER, str(path), tag], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True) for tag in ("first", "second")]
    try:
        for proc in procs:
            assert proc.stdout.readline().strip() == "ready"
        for proc in procs:
            proc.stdin.write("go\n")
            proc.stdin.flush()
        for proc in procs:
            assert proc.wait(timeout=300) == 0
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert len(table) == 100
    assert set(table["name"]) == {f"{tag} name {i}" for tag in ("first", "second") for i in range(50)}


# ------------------------------------------------------------------------ SIGTERM mid-write
_WRITER = textwrap.dedent("""
    import sys, time
    from conflictmap._atomic import atomic_path
    with atomic_path(sys.argv[1]) as tmp:
        with open(tmp, "w") as fh:
            fh.write("partial\\n")
            fh.flush()
            print("writing", flush=True)
            time.sleep(60)
""")


@pytest.mark.skipif(not hasattr(signal, "SIGTERM") or os.name != "posix", reason="POSIX signals")
def test_sigterm_during_a_write_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    proc = subprocess.Popen([sys.executable, "-c", _WRITER, str(target)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "writing"
        assert any(p.name.endswith(".tmp") for p in tmp_path.iterdir())
        start = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == -signal.SIGTERM
        assert time.monotonic() - start < 10
    finally:
        if proc.poll() is None:
            proc.kill()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]
    assert target.read_text() == "old\n"
