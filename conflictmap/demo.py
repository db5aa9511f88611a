"""The main job: a map of the example events over the July 2020 control zones, as one HTML file.

Run it with ``python -m conflictmap.demo [OUTPUT.html]`` (``make demo`` does it in a fresh
virtual environment). The file opens offline: every script, stylesheet and icon is inlined.

Examples
--------
>>> import tempfile, pathlib
>>> path = build_demo_map(pathlib.Path(tempfile.mkdtemp()) / "demo.html")
>>> path.stat().st_size > 100_000
True
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Sequence

log = logging.getLogger(__name__)

DEFAULT_OUTPUT = Path("out/demo_map.html")
TITLE = "Syria, June-July 2020: reported incidents over approximate control zones"


def build_demo_map(path: str | Path = DEFAULT_OUTPUT) -> Path:
    """Build the demo map from the bundled example events and zones and save it to ``path``."""
    from .events import load_example_events
    from .export import save_html
    from .maps.conflict_map import conflict_map
    from .zones import load_example_zones

    events = load_example_events()
    zones = load_example_zones()
    m = conflict_map(events, zones, title=TITLE, as_of="2020-07-01")
    out = save_html(m, Path(path), self_contained=True)
    log.info("wrote %s (%d events, %d zones)", out, len(events), len(zones))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m conflictmap.demo", description=__doc__.split("\n\n")[0])
    parser.add_argument("output", nargs="?", default=str(DEFAULT_OUTPUT), help="HTML file to write")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    out = build_demo_map(args.output)
    sys.stdout.write(f"demo map written to {out}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
