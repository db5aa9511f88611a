"""The benchmark scripts run (tiny sizes) and print their figures; not a timing test."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.mark.parametrize("script, expect", [
    ("bench_review.py", ["cm.review() ready, cold", "decision on disk, new corrections file",
                         "save_corrections() of one row", "key press handled"]),
    ("bench_gazetteer.py", ["Gazetteer.load() cold", "name index", "geopandas.read_file", "peak +"]),
    ("bench_geocode.py", ["geocode() one distinct name", "geocode(df): 5,000 rows", "df.apply(geocode)",
                          "extractOne", "right place"]),
    ("bench_find_places.py", ["find_places(text)", "one regex per name", "inserted names found"]),
    ("bench_startup.py", ["import pandas", "x import pandas", "Geocoder()", "stored index load",
                          "look-up path: none"]),
    ("bench_read_events.py", ["ratio 9-May-20 / ISO", "same dates read: True", "pd.to_datetime"]),
    ("bench_hostile.py", ["slow-loris connections", "stock uvicorn, before", "while tables run",
                          "after SIGTERM"]),
])
def test_benchmark_script_runs_quick(script, expect):
    done = subprocess.run([sys.executable, str(BENCH / script), "--quick"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    for text in expect:
        assert text in done.stdout, (text, done.stdout)


def test_noisy_names_are_distinct_and_traceable():
    sys.path.insert(0, str(BENCH))
    try:
        from bench_geocode import make_names
    finally:
        sys.path.remove(str(BENCH))
    from conflictmap import get_gazetteer

    gz = get_gazetteer()
    names = make_names(gz, 300, seed=1)
    assert len(names) == 300 and names["location"].is_unique
    assert names["source_id"].isin(gz.places["place_id"]).all()
    assert (names["location"] != names["source_id"].map(gz.places.set_index("place_id")["name"])).mean() > 0.5
