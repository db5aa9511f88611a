"""read_events on an ACLED export written in ACLED's ``9-May-20`` form against the same export
with ISO dates: the ratio of the two times, same run (issue 23's target: at most 1.5x).

The export is synthetic (seeded): ACLED's columns, days over four years, types of today's and of
ACLED's pre-2019 taxonomy, gazetteer names and points, made-up notes. Each file is read
``--repeat`` times in turn and the best time of each is compared.

Usage::

    python benchmarks/bench_read_events.py [--rows 100000] [--repeat 3] [--quick]
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _measure import measure  # noqa: E402

from conflictmap import get_gazetteer  # noqa: E402
from conflictmap.events.date_column import parse_date_column  # noqa: E402
from conflictmap.events.io import read_events  # noqa: E402
from conflictmap.events.schema import event_taxonomy  # noqa: E402

WORDS = ("clashes shelling forces village town killed wounded reported near between attack drone "
         "artillery positions fighters civilians group opened fire targeted countryside").split()


def make_export(rows: int, seed: int = 0) -> pd.DataFrame:
    """A synthetic ACLED export of ``rows`` rows with ISO dates (see the module docstring)."""
    rng = np.random.default_rng(seed)
    gz = get_gazetteer().places
    towns = gz[gz.feature_type == "settlement"].sample(2000, random_state=seed)
    pick = rng.integers(0, len(towns), rows)
    days = pd.Timestamp("2017-01-01") + pd.to_timedelta(rng.integers(0, 4 * 365, rows), unit="D")
    tax = event_taxonomy()
    old = ["Remote violence", "Battle-No change of territory", "Strategic development"]
    types = np.where(rng.random(rows) < 0.3, rng.choice(old, rows), rng.choice(tax.event_type.unique(), rows))
    notes = [" ".join(rng.choice(WORDS, 12)) for _ in range(min(rows, 5000))]
    return pd.DataFrame({
        "event_id_cnty": [f"SYR{i}" for i in range(rows)],
        "event_date": days.strftime("%Y-%m-%d"),
        "year": days.year,
        "time_precision": 1,
        "event_type": types,
        "actor1": rng.choice(["Military Forces of Syria (2000-)", "Islamic State (Syria)", "Unidentified Armed Group (Syria)"], rows),
        "inter1": rng.choice([1, 2, 3], rows),
        "country": "Syria",
        "iso3": "SYR",
        "admin1": towns.admin1.to_numpy()[pick],
        "admin2": towns.admin2.to_numpy()[pick],
        "location": towns.name.to_numpy()[pick],
        "latitude": towns.latitude.to_numpy()[pick].round(4),
        "longitude": towns.longitude.to_numpy()[pick].round(4),
        "geo_precision": rng.choice([1, 2], rows),
        "source": "Synthetic",
        "notes": [notes[i % len(notes)] for i in range(rows)],
        "fatalities": rng.integers(0, 5, rows),
    })


def acled_form(iso: pd.Series) -> pd.Series:
    """ISO dates written as ACLED's export tool writes them: ``9-May-20``."""
    days = pd.to_datetime(iso)
    return days.dt.day.astype(str) + "-" + days.dt.strftime("%b") + "-" + days.dt.strftime("%y")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="2,000 rows, one repeat (smoke test)")
    args = parser.parse_args(argv)
    rows, repeat = (2000, 1) if args.quick else (args.rows, args.repeat)
    logging.basicConfig(level=logging.WARNING)
    export = make_export(rows)
    with tempfile.TemporaryDirectory() as tmp:
        iso_path, acled_path = Path(tmp) / "iso.csv", Path(tmp) / "acled.csv"
        export.to_csv(iso_path, index=False)
        export.assign(event_date=acled_form(export.event_date)).to_csv(acled_path, index=False)
        read_events(iso_path.parent / "iso.csv")  # warm: imports, taxonomy, date forms
        best = {"ISO 2020-05-09": np.inf, "ACLED 9-May-20": np.inf}
        peaks = {}
        for _ in range(repeat):
            for label, path in (("ISO 2020-05-09", iso_path), ("ACLED 9-May-20", acled_path)):
                with measure() as step:
                    out = read_events(path)
                best[label] = min(best[label], step.seconds)
                peaks[label] = step.peak_mib
                assert len(out) == rows
        same = read_events(iso_path).event_date.equals(read_events(acled_path).event_date)
    # the date column alone, and pandas' own parser given the format (the alternative)
    iso_col, acled_col = export.event_date.astype(object), acled_form(export.event_date).astype(object)
    column = {}
    for label, run in (("parse_date_column, ISO", lambda: parse_date_column(iso_col)),
                       ("parse_date_column, 9-May-20", lambda: parse_date_column(acled_col)),
                       ("pd.to_datetime(format='%Y-%m-%d')", lambda: pd.to_datetime(iso_col, format="%Y-%m-%d")),
                       ("pd.to_datetime(format='%d-%b-%y')", lambda: pd.to_datetime(acled_col, format="%d-%b-%y"))):
        times = []
        for _ in range(repeat):
            with measure() as step:
                run()
            times.append(step.seconds)
        column[label] = min(times)
    print(f"read_events on a synthetic ACLED export of {rows:,} rows (best of {repeat})")
    for label, seconds in best.items():
        print(f"  {label:<16} {seconds:7.2f} s   peak +{peaks[label]:.0f} MiB")
    ratio = best["ACLED 9-May-20"] / best["ISO 2020-05-09"]
    print(f"  ratio 9-May-20 / ISO: {ratio:.2f}x (target <= 1.5x); same dates read: {same}")
    print("the event_date column alone:")
    for label, seconds in column.items():
        print(f"  {label:<36} {seconds * 1000:8.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
