"""Benchmark: how fast the geocoder starts, against ``python -c "import pandas"`` in the same run.

Every figure is the median wall time of several fresh processes (same Python, runs of the
different commands interleaved so that other load on the machine hits them alike):

* ``python -c "import pandas"``: the yardstick (an analyst's script starts with it anyway),
* ``python -c "import conflictmap"``,
* ``conflictmap places Kansafrah`` (the console script; target at most 3x ``import pandas``),
* ``Geocoder()`` once ``from conflictmap import Geocoder`` has run, timed inside the process
  (target under 0.3 s with the stored index), and its parts: gazetteer load, index key, index load,
* the first start with an empty cache (the index is built and stored) and a start with the
  stored index disabled (an unwritable cache folder), i.e. what every start cost before.

The stored index lives in a temporary cache folder (``CONFLICTMAP_CACHE_DIR``) made for the run,
so the user's cache is not touched. It also lists the heavy modules the ``places`` command
imports (none of folium, branca, dask, matplotlib, jupyter should appear).

Usage::

    python benchmarks/bench_startup.py [--repeat 7] [--quick]

This is a script, not a timed test.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import fmt_s, machine  # noqa: E402

HEAVY = ("folium", "branca", "dask", "distributed", "matplotlib", "jupyter", "IPython", "notebook", "tqdm",
         "pyogrio", "fiona", "requests", "rapidfuzz", "geopandas", "shapely", "pyproj", "geopy", "pyarrow")
NOT_ON_LOOKUP_PATH = ("folium", "branca", "dask", "distributed", "matplotlib", "jupyter", "IPython", "notebook")

_GEOCODER_PARTS = """
import json, time
from conflictmap import Geocoder, get_gazetteer
from conflictmap.geocoding import index_store
from conflictmap.geocoding.matching import NameIndex
t0, c0 = time.perf_counter(), time.process_time()
g = Geocoder()
total, cpu = time.perf_counter() - t0, time.process_time() - c0
# the parts, measured again on a second gazetteer object of the same content (same key)
t0 = time.perf_counter(); gz = type(get_gazetteer()).load(); t_gz = time.perf_counter() - t0
t0 = time.perf_counter(); key = index_store.index_key(NameIndex, gz); t_key = time.perf_counter() - t0
t0 = time.perf_counter(); index_store.load(NameIndex, gz, index_store.stored_path(key), key)
t_load = time.perf_counter() - t0
print(json.dumps({"geocoder": total, "geocoder_cpu": cpu, "gazetteer": t_gz, "key": t_key, "load": t_load}))
"""

_MODULES = """
import sys
from conflictmap.cli import main
main(["places", "Kansafrah"])
print("\\nMODULES " + " ".join(sorted({m.split(".")[0] for m in sys.modules})))
"""


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stderr[-2000:]}")
    return elapsed, done.stdout


def _places_cmd() -> list[str]:
    script = Path(sys.executable).with_name("conflictmap")
    if script.exists():
        return [str(script), "places", "Kansafrah"]
    return [sys.executable, "-m", "conflictmap", "places", "Kansafrah"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="fresh processes per command (median)")
    parser.add_argument("--quick", action="store_true", help="one run each (smoke test)")
    args = parser.parse_args(argv)
    repeat = 1 if args.quick else max(3, args.repeat)
    py = sys.executable
    cache = Path(tempfile.mkdtemp(prefix="cm-bench-cache-"))
    env = dict(os.environ, CONFLICTMAP_CACHE_DIR=str(cache), PYTHONDONTWRITEBYTECODE="0")
    try:
        print(f"Start-up ({machine()}; {repeat} fresh processes per figure, median)")
        # the first start builds and stores the index
        cold, _ = _run(_places_cmd(), env)
        stored = sorted(cache.glob("nameindex-*.npz"))
        size = sum(p.stat().st_size for p in stored) / 1e6
        # a start that cannot use a stored index (unwritable cache folder): what each start cost before
        nocache = None
        if not args.quick:
            blocked = cache / "not-a-folder"
            blocked.write_text("a file where the cache folder should be")
            nocache, _ = _run(_places_cmd(), dict(env, CONFLICTMAP_CACHE_DIR=str(blocked / "sub")))

        timings: dict[str, list[float]] = {"pandas": [], "conflictmap": [], "places": []}
        parts: list[dict[str, float]] = []
        for _ in range(repeat):
            timings["pandas"].append(_run([py, "-c", "import pandas"], env)[0])
            timings["conflictmap"].append(_run([py, "-c", "import conflictmap"], env)[0])
            timings["places"].append(_run(_places_cmd(), env)[0])
            parts.append(json.loads(_run([py, "-c", _GEOCODER_PARTS], env)[1].strip().splitlines()[-1]))
        med = {k: statistics.median(v) for k, v in timings.items()}
        part = {k: statistics.median(p[k] for p in parts) for k in parts[0]}
        ratio = med["places"] / med["pandas"]

        def line(label: str, seconds: float, note: str = "") -> None:
            print(f"  {label:<52} {fmt_s(seconds):>10}{('   ' + note) if note else ''}", flush=True)

        line('python -c "import pandas" (yardstick)', med["pandas"])
        line('python -c "import conflictmap"', med["conflictmap"], f"{med['conflictmap'] / med['pandas']:.2f}x pandas")
        line("conflictmap places Kansafrah (stored index)", med["places"],
             f"{ratio:.2f}x import pandas; target <= 3x: {'OK' if ratio <= 3 else 'MISSED'}")
        line("conflictmap places Kansafrah, first start (build + store)", cold,
             f"{cold / med['pandas']:.1f}x import pandas; {len(stored)} file, {size:.1f} MB")
        if nocache is not None:
            line("conflictmap places Kansafrah, no usable cache (rebuilt)", nocache,
                 f"{nocache / med['pandas']:.1f}x import pandas; {nocache / med['places']:.1f}x the stored-index start")
        line("Geocoder() after 'from conflictmap import Geocoder'", part["geocoder"],
             f"target < 0.3 s: {'OK' if part['geocoder'] < 0.3 else 'MISSED'}; CPU {fmt_s(part['geocoder_cpu'])}; "
             f"{part['geocoder'] / med['pandas']:.2f}x import pandas")
        line("  of which: Gazetteer.load()", part["gazetteer"])
        line("  of which: index key (gazetteer + code hash)", part["key"])
        line("  of which: stored index load", part["load"])
        print(f"  runs (s): pandas {_fmt_runs(timings['pandas'])}; places {_fmt_runs(timings['places'])}; "
              f"Geocoder() {_fmt_runs([p['geocoder'] for p in parts])}")

        _, out = _run([py, "-c", _MODULES], env)
        loaded = set(out.rsplit("MODULES ", 1)[-1].split())
        heavy = [m for m in HEAVY if m in loaded]
        bad = [m for m in NOT_ON_LOOKUP_PATH if m in loaded]
        print(f"  heavy packages the places command imports: {', '.join(heavy) or 'none'}")
        print(f"  map / Dask / plotting / notebook packages on the look-up path: {', '.join(bad) or 'none'}")
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    return 0


def _fmt_runs(values: list[float]) -> str:
    return " ".join(f"{v:.2f}" for v in values)


if __name__ == "__main__":
    sys.exit(main())
