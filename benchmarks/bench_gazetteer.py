"""Benchmark: loading the gazetteer and building its name index.

Prints, in one run on this machine:

* ``Gazetteer.load()`` cold (first load in a fresh process; the target is well under 0.5 s) and
  warm (median of repeated loads, file in the OS cache),
* building the name index (``Geocoder()``: every name, key and skeleton of every place),
* the alternatives an analyst would use on the same table written in the same run: a GeoJSON
  read with ``geopandas.read_file`` and a plain CSV (no geometry) read with ``pandas.read_csv``,
  with the ratios,
* peak memory of each step.

Usage::

    python benchmarks/bench_gazetteer.py [--repeat 5] [--quick]

This is a script, not a timed test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import machine, measure, report  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="warm loads to take the median of")
    parser.add_argument("--quick", action="store_true", help="one warm load (smoke test)")
    args = parser.parse_args(argv)
    repeat = 1 if args.quick else max(1, args.repeat)

    print(f"Gazetteer load ({machine()})")
    import geopandas  # noqa: F401  -- imports are not part of the load figure
    import pandas as pd

    from conflictmap.gazetteer import Gazetteer
    from conflictmap.geocoding.geocoder import Geocoder

    with measure() as cold:
        gz = Gazetteer.load()
    report(f"Gazetteer.load() cold ({len(gz):,} places)", cold,
           "target < 0.5 s: " + ("OK" if cold.seconds < 0.5 else "MISSED"))
    warm = []
    with measure() as warm_step:
        for _ in range(repeat):
            t0 = time.perf_counter()
            Gazetteer.load()
            warm.append(time.perf_counter() - t0)
    warm_step.seconds = statistics.median(warm)
    report(f"Gazetteer.load() warm (median of {repeat})", warm_step)

    with measure() as names:
        n_names = len(gz.names)
    report(f"names table ({n_names:,} names)", names)
    with measure() as index:
        Geocoder(gz)
    report("name index (Geocoder())", index)

    with tempfile.TemporaryDirectory() as tmp:
        geojson = Path(tmp) / "places.geojson"
        gz.places.to_file(geojson, driver="GeoJSON")
        with measure() as alt:
            geopandas.read_file(geojson)
        report("alternative: geopandas.read_file(GeoJSON)", alt,
               f"ratio = {alt.seconds / warm_step.seconds:.1f}x slower than load()")
        csv = Path(tmp) / "places.csv"
        pd.DataFrame(gz.places.drop(columns="geometry")).to_csv(csv, index=False)
        with measure() as plain:
            pd.read_csv(csv)
        report("alternative: pandas.read_csv (no geometry)", plain,
               f"ratio load()/read_csv = {warm_step.seconds / plain.seconds:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
