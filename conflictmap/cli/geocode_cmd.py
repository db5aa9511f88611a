"""``conflictmap geocode``: geocode the place-name column of a table, keeping every row."""

from __future__ import annotations

import argparse
import logging
import sys

from ..errors import InputError

log = logging.getLogger(__name__)

_DESCRIPTION = """Geocode a table of place names offline against the conflictmap gazetteer.

Every input row and column comes out unchanged, followed by latitude, longitude, place_id,
place_name, admin1, admin2, admin3, geo_precision (ACLED: 1 place, 2 near a place, 3 region),
match_score, match_method, match_status (matched / ambiguous / unresolved), match_reason and
match_candidates (ranked candidates of ambiguous rows, as JSON). An input column that clashes
with an output name is kept and the output is written as geo_<name>.

INPUT is .csv, .tsv or .xlsx; OUTPUT is .csv, .tsv, .geojson, .gpkg or .parquet.
A corrections CSV (name,place_id[,admin1]) fixes names the geocoder gets wrong; a user places
CSV (see 'conflictmap gazetteer add') adds places and aliases.

With --arabic-column the Arabic-script name of each row is read with the Latin one: agreement
makes an answer confident, two confident answers that disagree are ambiguous, and match_method
says which script decided (both:key, latin:fuzzy, arabic:alias ...).

Example: conflictmap geocode incidents.csv -o incidents_geo.csv --name-column location --admin1-column admin1
Example: conflictmap geocode airwars.csv -o out.csv --name-column location --arabic-column location_ar --admin1-column admin1
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("geocode", help="geocode the place names of a table (CSV/Excel)",
                                   description=_DESCRIPTION,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("input", metavar="INPUT", help="table with a place-name column (.csv, .tsv, .xlsx)")
    parser.add_argument("-o", "--output", required=True, metavar="OUTPUT",
                        help="file to write (.csv, .tsv, .geojson, .gpkg, .parquet)")
    parser.add_argument("--name-column", default="location", metavar="COL",
                        help="column with the place names (default: location)")
    parser.add_argument("--arabic-column", metavar="COL",
                        help="column with the same place names in Arabic script, read together with --name-column")
    parser.add_argument("--admin1-column", metavar="COL", help="column with governorate hints (any spelling or P-code)")
    parser.add_argument("--admin2-column", metavar="COL", help="column with district hints")
    parser.add_argument("--admin3-column", metavar="COL", help="column with sub-district hints")
    parser.add_argument("--latitude-column", metavar="COL",
                        help="column with a latitude the row already carries (with --longitude-column): "
                             "places near that point are preferred")
    parser.add_argument("--longitude-column", metavar="COL", help="column with the row's longitude")
    parser.add_argument("--corrections", metavar="FILE", help="CSV of analyst corrections: name,place_id[,admin1]")
    parser.add_argument("--user-places", metavar="FILE", help="CSV of your own places and aliases")
    parser.add_argument("--min-confidence", type=float, metavar="P",
                        help="matched when match_confidence is at least P (0-1; default: the model's threshold, "
                             "at most 2%% of rows matched but wrong on each development set)")
    parser.add_argument("--candidates", type=int, default=5, metavar="N",
                        help="ranked candidates kept for ambiguous rows (default: 5)")
    progress = parser.add_mutually_exclusive_group()
    progress.add_argument("--progress", dest="progress", action="store_true", default=None,
                          help="always show a progress bar (default: on long batches)")
    progress.add_argument("--no-progress", dest="progress", action="store_false", help="never show a progress bar")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..geocoding.batch import geocode
    from ..geocoding.geocoder import Geocoder
    from ..gazetteer import load_gazetteer
    from ._tables import check_not_input, check_output, read_table, write_table

    if args.candidates < 0:
        raise InputError("--candidates must be 0 or more", value=args.candidates)
    check_output(args.output)
    check_not_input(args.output, args.input, args.corrections, args.user_places)
    table = read_table(args.input)
    gazetteer = load_gazetteer(args.user_places)
    geocoder = Geocoder(gazetteer, corrections=args.corrections)
    result = geocode(table, name=args.name_column, name_ar=args.arabic_column, admin1=args.admin1_column,
                     admin2=args.admin2_column, admin3=args.admin3_column, latitude=args.latitude_column,
                     longitude=args.longitude_column, min_confidence=args.min_confidence,
                     geocoder=geocoder, progress=args.progress, candidates=args.candidates)
    path = write_table(result, args.output)
    status_col = "geo_match_status" if "geo_match_status" in result.columns else "match_status"
    counts = result[status_col].value_counts()
    parts = [f"{int(counts.get(s, 0))} {s}" for s in ("matched", "ambiguous", "unresolved")]
    sys.stderr.write(f"wrote {path}: {len(result)} row(s), {', '.join(parts)}\n")
    return 0
