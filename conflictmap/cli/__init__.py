"""Command line interface: ``conflictmap COMMAND ...`` and ``python -m conflictmap``.

Each command lives in its own module under ``conflictmap.cli`` and provides
``register(subparsers)`` (adding its parser, with an example in its help) and a ``run(args)``
function set as the parser default ``func``. The CLI is a thin layer over the library: errors
are reported as one clear line on stderr and a non-zero exit status.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from typing import Sequence

from ..errors import ConflictmapError

log = logging.getLogger(__name__)

#: command modules, in the order shown by --help
COMMANDS = ["geocode", "places", "extract", "map", "zones", "gazetteer", "serve"]


def build_parser() -> argparse.ArgumentParser:
    """Build the top-level parser with every available command."""
    parser = argparse.ArgumentParser(
        prog="conflictmap",
        description="Geocode Syrian conflict reports and map events and control zones.",
        epilog="Run 'conflictmap COMMAND --help' for a command's options and an example.",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"{__name__}.{name}_cmd")
        except ModuleNotFoundError as exc:
            if exc.name == f"{__name__}.{name}_cmd":
                continue  # command not built yet
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    if args.version:
        from .. import __version__

        sys.stdout.write(f"conflictmap {__version__}\n")
        return 0
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:  # `conflictmap ... | head`: the reader left; not an error
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        except OSError:
            pass
        return 0
    except (ConflictmapError, OSError) as exc:
        sys.stderr.write(f"conflictmap {args.command}: error: {exc}\n")
        return 1
    except KeyboardInterrupt:  # pragma: no cover
        sys.stderr.write("interrupted\n")
        return 130
