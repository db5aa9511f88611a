"""Run every benchmark, each in a fresh process (so load times are cold and memory figures
do not mix), and print their reports one after the other.

Usage::

    python benchmarks/run_all.py [--quick] [--skip map] [--only geocode find_places]

``--quick`` passes tiny sizes to every script (a smoke test, a few seconds each). The map
benchmark (``bench_map.py``, headless Chromium) runs with its own defaults, or its smallest size
with ``--quick``. This is a script, not a timed test.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = {
    "review": ["bench_review.py"],
    "gazetteer": ["bench_gazetteer.py"],
    "startup": ["bench_startup.py"],
    "geocode": ["bench_geocode.py"],
    "find_places": ["bench_find_places.py"],
    "map": ["bench_map.py"],
    "service": ["bench_service.py"],
    "hostile": ["bench_hostile.py"],
    "text_events": ["eval_text_events.py"],
    "read_events": ["bench_read_events.py"],
}
QUICK = {
    "review": ["--quick"],
    "gazetteer": ["--quick"], "startup": ["--quick"], "geocode": ["--quick"], "find_places": ["--quick"],
    "map": ["--sizes", "2000", "--methods", "ours", "--frames", "2000"],
    "service": ["--quick"],
    "hostile": ["--quick"],
    "text_events": ["--split", "tune"],
    "read_events": ["--quick"],
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke test)")
    parser.add_argument("--only", nargs="+", choices=list(BENCHES), default=list(BENCHES))
    parser.add_argument("--skip", nargs="+", choices=list(BENCHES), default=[])
    args = parser.parse_args(argv)
    failed = []
    for name in args.only:
        if name in args.skip:
            continue
        script = HERE / BENCHES[name][0]
        if not script.exists():
            print(f"[{name}] {script.name} not found; skipped\n")
            continue
        cmd = [sys.executable, str(script)] + (QUICK[name] if args.quick else [])
        print(f"=== {name}: {' '.join(Path(c).name if i < 2 else c for i, c in enumerate(cmd))}", flush=True)
        t0 = time.perf_counter()
        code = subprocess.call(cmd)
        print(f"=== {name}: exit {code} after {time.perf_counter() - t0:.1f} s\n", flush=True)
        if code:
            failed.append(name)
    if failed:
        print("failed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
