"""``conflictmap places``: look one name up and show the match and its ranked candidates."""

from __future__ import annotations

import argparse
import json
import logging
import sys

import pandas as pd

from ..errors import InputError

log = logging.getLogger(__name__)

_DESCRIPTION = """Look a place name up in the gazetteer and show what the geocoder decides (matched,
ambiguous or unresolved, with the reason) and the ranked candidates it weighed.

NAME is written as a report writes it ("al Zayniyeh village", "Kansafra, Jabal al-Zawiya");
--admin1 / --admin2 narrow it to a governorate or district (any spelling or a P-code).

Example: conflictmap places Ruwayhah --admin1 Idlib -n 5
"""

COLUMNS = ["rank", "place_id", "name", "matched_name", "method", "score", "feature_type", "admin1",
           "latitude", "longitude"]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("places", help="look a name up and show the ranked candidates",
                                   description=_DESCRIPTION,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("name", metavar="NAME", help="place name as written in the report")
    parser.add_argument("--admin1", metavar="X", help="governorate hint (name in any spelling or P-code)")
    parser.add_argument("--admin2", metavar="X", help="district hint")
    parser.add_argument("-n", "--limit", type=int, default=10, metavar="N",
                        help="show at most N candidates (default: 10)")
    parser.add_argument("--corrections", metavar="FILE", help="CSV of analyst corrections: name,place_id[,admin1]")
    parser.add_argument("--user-places", metavar="FILE", help="CSV of your own places and aliases")
    parser.add_argument("--json", action="store_true", help="print the match as JSON instead of a table")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..geocoding.geocoder import Geocoder
    from ..gazetteer import load_gazetteer

    if args.limit < 1:
        raise InputError("-n must be at least 1", value=args.limit)
    if not args.name.strip():
        raise InputError("give a place name", value=args.name)
    geocoder = Geocoder(load_gazetteer(args.user_places), corrections=args.corrections)
    match = geocoder.resolve(args.name, admin1=args.admin1, admin2=args.admin2)
    candidates = [c.as_dict() for c in match.candidates[: args.limit]]
    if args.json:
        record = match.as_dict()
        record["candidates"] = candidates
        sys.stdout.write(json.dumps(record, ensure_ascii=False, indent=2, default=_json_default) + "\n")
        return 0
    sys.stdout.write(summary_line(match) + "\n")
    if match.reason:
        sys.stdout.write(f"  reason: {match.reason}\n")
    if candidates:
        table = pd.DataFrame(candidates)
        table.insert(0, "rank", range(1, len(table) + 1))
        table["latitude"] = table["latitude"].round(5)
        table["longitude"] = table["longitude"].round(5)
        sys.stdout.write(f"\ncandidates ({len(candidates)} of {len(match.candidates)}):\n")
        sys.stdout.write(table[COLUMNS].to_string(index=False) + "\n")
    return 0


def summary_line(match) -> str:
    """One line describing a :class:`~conflictmap.geocoding.matching.Match`.

    Examples
    --------
    >>> from conflictmap.geocoding.matching import Match
    >>> summary_line(Match(query="Xyz", status="unresolved"))
    "'Xyz': unresolved"
    """
    if match.status == "unresolved" or match.place_id is None:
        return f"{match.query!r}: unresolved"
    where = ", ".join(p for p in (match.admin2, match.admin1) if p and p != match.name)
    return (f"{match.query!r}: {match.status} -> {match.name} ({match.place_id}, {match.feature_type}"
            f"{', ' + where if where else ''}) at {match.latitude:.5f}, {match.longitude:.5f}; "
            f"precision {match.geo_precision}, score {match.score:.0f} by {match.method}")


def _json_default(value):
    try:
        return value.item()  # numpy scalars
    except AttributeError:
        return str(value)
