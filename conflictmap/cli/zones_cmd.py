"""``conflictmap zones``: build control zones from a table or town points, or write the example."""

from __future__ import annotations

import argparse
import logging
import sys

from ..errors import InputError

log = logging.getLogger(__name__)

_DESCRIPTION = """Build control-zone polygons (GeoJSON, GeoPackage, shapefile or GeoParquet).

  build    from an admin-unit control table (--table: pcode or name -> faction) or from town
           control points (--points: place_id or longitude/latitude -> faction, Voronoi cells)
  example  the curated, approximate map of Syria as of July 2020

Example: conflictmap zones build --table control.csv --level 3 -o zones.geojson
Example: conflictmap zones example -o syria_2020-07.geojson
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("zones", help="build control zones", description=_DESCRIPTION,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="zones_command", metavar="SUBCOMMAND")
    build = sub.add_parser("build", help="zones from a control table or town points",
                           formatter_class=argparse.RawDescriptionHelpFormatter,
                           description="Build zones from a control table or town control points.\n\n"
                                       "Example: conflictmap zones build --points towns.csv --max-distance-km 15 -o zones.gpkg")
    source = build.add_mutually_exclusive_group(required=True)
    source.add_argument("--table", help="CSV of admin units: pcode or name, faction[, confidence, source, note]")
    source.add_argument("--points", help="CSV of town points: place_id or longitude/latitude, faction[, radius_km]")
    build.add_argument("--level", type=int, choices=(1, 2, 3), help="admin level of --table (default: finest in the table)")
    build.add_argument("--max-distance-km", type=float, help="limit each --points cell to this distance")
    build.add_argument("--as-of", help="date of the control data (YYYY-MM-DD)")
    build.add_argument("--source", help="source to record where the input has none")
    build.add_argument("-o", "--output", required=True, help="output file (.geojson, .gpkg, .shp, .parquet)")
    build.set_defaults(func=run)
    example = sub.add_parser("example", help="write the curated July 2020 map of Syria",
                             formatter_class=argparse.RawDescriptionHelpFormatter,
                             description="Write the curated, approximate control map of Syria as of July 2020.\n\n"
                                         "Example: conflictmap zones example -o syria_2020-07.geojson")
    example.add_argument("-o", "--output", required=True, help="output file (.geojson, .gpkg, .shp, .parquet)")
    example.set_defaults(func=run)
    parser.set_defaults(func=run, zones_command=None)


def run(args: argparse.Namespace) -> int:
    from ..zones.builders import zones_from_admin_table, zones_from_points
    from ..zones.example import load_example_zones
    from ..zones.io import write_zones

    from ._tables import check_date, check_not_input

    check_not_input(args.output, getattr(args, "table", None), getattr(args, "points", None))
    if getattr(args, "as_of", None) is not None:
        args.as_of = check_date(args.as_of, "--as-of")
    if getattr(args, "max_distance_km", None) is not None and not args.max_distance_km > 0:
        raise InputError("--max-distance-km must be more than 0", value=args.max_distance_km)
    if args.zones_command == "example":
        zones = load_example_zones()
    elif args.zones_command == "build":
        options = dict(as_of=args.as_of, source=args.source)
        if args.table:
            if args.max_distance_km is not None:
                raise InputError("--max-distance-km applies to --points only")
            zones = zones_from_admin_table(args.table, level=args.level, **options)
        else:
            if args.level is not None:
                raise InputError("--level applies to --table only")
            zones = zones_from_points(args.points, max_distance_km=args.max_distance_km, **options)
    else:
        raise InputError("give a subcommand: conflictmap zones build ... or conflictmap zones example -o FILE")
    path = write_zones(zones, args.output)
    sys.stderr.write(f"wrote {len(zones)} zones ({', '.join(sorted(zones.faction.unique()))}) to {path}\n")
    return 0
