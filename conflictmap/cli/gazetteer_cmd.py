"""``conflictmap gazetteer``: summarise the gazetteer, validate and add the user's own places."""

from __future__ import annotations

import argparse
import logging
import math
import os
import re
import sys
import unicodedata
from pathlib import Path

import pandas as pd

from ..errors import InputError

log = logging.getLogger(__name__)

_DESCRIPTION = """Inspect the gazetteer and manage your own places.

  summary   places by feature type, the sources and their licences (with --user-places:
            including your places)
  validate  check a user places CSV against the gazetteer without writing anything
  add       validate a user places CSV and merge it into your user places file, which
            'conflictmap geocode --user-places FILE' and Gazetteer.load(extra=FILE) read

A user places CSV has the columns name, longitude, latitude and optionally place_id, name_ar,
alt_names ('|'-separated), feature_type, population, source_url, note. A row whose place_id is
already in the gazetteer adds its names as aliases of that place (and moves it when it has
coordinates); any other row adds a new place.

Example: conflictmap gazetteer add new_places.csv -o my_places.csv
"""

#: a new row of the same name as a user place within this distance is that place (it updates it)
SAME_PLACE_KM = 5.0

USER_COLUMNS = ["place_id", "name", "name_ar", "alt_names", "feature_type", "population", "longitude",
                "latitude", "source_url", "note"]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("gazetteer", help="summarise the gazetteer; validate and add your own places",
                                   description=_DESCRIPTION,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="gazetteer_command", metavar="SUBCOMMAND")
    summary = sub.add_parser("summary", help="places by type, sources and licences",
                             formatter_class=argparse.RawDescriptionHelpFormatter,
                             description="Count the gazetteer's places by feature type and list the sources "
                                         "and their licences.\n\nExample: conflictmap gazetteer summary "
                                         "--by admin1 --user-places my_places.csv")
    summary.add_argument("--by", choices=("feature_type", "admin1", "source"), default="feature_type",
                         help="count places by this column (default: feature_type)")
    summary.add_argument("--user-places", metavar="FILE", help="include this user places CSV")
    summary.set_defaults(func=run)
    validate = sub.add_parser("validate", help="check a user places CSV (writes nothing)",
                              formatter_class=argparse.RawDescriptionHelpFormatter,
                              description="Check a user places CSV against the gazetteer: required columns, "
                                          "coordinates, feature types,\nArabic names, known place ids. Writes "
                                          "nothing.\n\nExample: conflictmap gazetteer validate new_places.csv")
    validate.add_argument("user_places", metavar="USER.csv", help="user places CSV")
    validate.set_defaults(func=run)
    add = sub.add_parser("add", help="validate a user places CSV and merge it into your user places file",
                         formatter_class=argparse.RawDescriptionHelpFormatter,
                         description="Validate USER.csv and merge it into the user places file OUTPUT "
                                     "(created if missing).\nA new place without a place_id gets the stable id "
                                     "user:<name>: adding a place of the same\nname within 5 km again updates it; "
                                     "a namesake farther away is another place\n(user:<name>-2). A row for the "
                                     "same place (same place_id; for aliases of a\ngazetteer place, same place_id "
                                     "and name) replaces the one in OUTPUT.\n\n"
                                     "Example: conflictmap gazetteer add new_places.csv -o my_places.csv")
    add.add_argument("user_places", metavar="USER.csv", help="user places CSV to add")
    add.add_argument("-o", "--output", required=True, metavar="OUTPUT",
                     help="user places file to create or update (.csv)")
    add.set_defaults(func=run)
    parser.set_defaults(func=run, gazetteer_command=None)


def run(args: argparse.Namespace) -> int:
    command = args.gazetteer_command
    if command == "summary":
        return _summary(args)
    if command == "validate":
        return _validate(args)
    if command == "add":
        return _add(args)
    raise InputError("give a subcommand: conflictmap gazetteer summary | validate USER.csv | add USER.csv -o FILE")


# ---------------------------------------------------------------------------- subcommands
def _summary(args: argparse.Namespace) -> int:
    from ..gazetteer import load_gazetteer

    gz = load_gazetteer(args.user_places)
    places = gz.places
    if args.by == "feature_type":
        counts = gz.summary()
    else:
        column = places[args.by].replace("", "(none)")
        counts = column.value_counts().rename("places").rename_axis(args.by).to_frame()
    out = sys.stdout
    out.write(f"{len(gz)} places\n\n{counts.to_string()}\n")
    sources = gz.sources
    if not sources.empty:
        cols = [c for c in ("source_key", "title", "licence") if c in sources.columns]
        out.write(f"\nsources:\n{sources[cols].to_string(index=False)}\n")
    out.write(f"\n{gz.attribution}\n")
    return 0


def _validate(args: argparse.Namespace) -> int:
    table = _read_user_places(args.user_places)
    new, aliases = _check(table, args.user_places)
    sys.stdout.write(f"{args.user_places}: OK, {len(table)} row(s): {new} new place(s), "
                     f"{aliases} alias/move row(s) for existing places\n")
    return 0


def _add(args: argparse.Namespace) -> int:
    output = Path(args.output)
    if output.suffix.lower() != ".csv":
        raise InputError("the user places file must be a .csv", value=str(output))
    from ._tables import check_not_input

    check_not_input(output, args.user_places)
    table = _read_user_places(args.user_places)
    _check(table, args.user_places)  # row numbers refer to the input file
    existing = _read_user_places(output) if output.exists() else pd.DataFrame(columns=USER_COLUMNS)
    table = _with_ids(table, existing)
    existing = existing.reindex(columns=list(dict.fromkeys(USER_COLUMNS + list(existing.columns))), fill_value="")
    replaced = _row_keys(existing).isin(set(_row_keys(table)))
    merged = pd.concat([existing[~replaced], table], ignore_index=True).fillna("")
    merged = merged.reindex(columns=list(dict.fromkeys(USER_COLUMNS + list(merged.columns))), fill_value="")
    _check(merged, str(output))
    _write_csv(merged, output)
    sys.stderr.write(f"wrote {output}: {len(merged)} user place row(s) ({len(table)} from {args.user_places}, "
                     f"{int(replaced.sum())} replaced)\n")
    return 0


# ---------------------------------------------------------------------------- helpers
def _read_user_places(path: str | os.PathLike) -> pd.DataFrame:
    from ._tables import read_table

    table = read_table(path)
    table.columns = [str(c).strip() for c in table.columns]
    if "name" not in table.columns and "place_id" not in table.columns:
        raise InputError("a user places CSV needs a 'name' column (and longitude, latitude for new places)",
                         source=str(path), column="name")
    if table.empty:
        raise InputError("no rows", source=str(path))
    for column in USER_COLUMNS:
        if column not in table.columns:
            table[column] = ""
    return table


def _check(table: pd.DataFrame, source: str) -> tuple[int, int]:
    """Apply the rows to the bundled gazetteer (raises on the first bad row); count new/alias rows."""
    from ..errors import CuratedRowError
    from ..gazetteer import get_gazetteer

    gz = get_gazetteer()
    try:
        gz.with_user_places(table)
    except CuratedRowError as exc:
        raise CuratedRowError(exc.reason, row=exc.row, column=exc.column, value=exc.value, source=source) from None
    known = table["place_id"].str.strip().map(lambda pid: bool(pid) and pid in gz)
    ids = table.loc[~known & (table["place_id"].str.strip() != ""), "place_id"].str.strip()
    dup = ids[ids.duplicated()]
    if not dup.empty:
        raise InputError("place_id appears twice", source=source, column="place_id", value=dup.iloc[0])
    return int((~known).sum()), int(known.sum())


def _point(row: pd.Series) -> tuple[float, float] | None:
    try:
        lon, lat = float(row.get("longitude", "")), float(row.get("latitude", ""))
    except (TypeError, ValueError):
        return None
    return (lon, lat) if math.isfinite(lon) and math.isfinite(lat) else None


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lon, lat) points."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, h)))


def _with_ids(table: pd.DataFrame, existing: pd.DataFrame | None = None) -> pd.DataFrame:
    """Give new places without a place_id a stable id ``user:<name-slug>`` (``-2``, ``-3`` ... for
    other places of the same name).

    A row of the same name within :data:`SAME_PLACE_KM` of a place already in the user's file
    takes that place's id (adding it again updates it); a namesake farther away is another
    place and gets an id of its own.
    """
    table = table.copy()
    existing = existing if existing is not None else pd.DataFrame(columns=USER_COLUMNS)
    taken = set(table["place_id"].str.strip()) | set(existing["place_id"].astype(str).str.strip())
    known = [(str(r["place_id"]).strip(), str(r["name"]).strip().casefold(), _point(r))
             for _, r in existing.iterrows() if str(r["place_id"]).startswith("user:")]
    reused: set[str] = set()
    for i in table.index[table["place_id"].str.strip() == ""]:
        name, point = table.at[i, "name"].strip(), _point(table.loc[i])
        same = [pid for pid, other, where in known
                if other == name.casefold() and pid not in reused and point and where
                and _km(point, where) <= SAME_PLACE_KM]
        if same:
            pid = same[0]
        else:
            ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
            slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "place"
            pid, n = f"user:{slug}", 1
            while pid in taken:
                n += 1
                pid = f"user:{slug}-{n}"
        taken.add(pid)
        reused.add(pid)
        table.at[i, "place_id"] = pid
    return table


def _row_keys(table: pd.DataFrame) -> pd.Series:
    """What identifies a row of a user places file: the place_id of a user place; place_id and name
    of an alias row for a gazetteer place (a place may get several alias rows)."""
    from ..gazetteer import get_gazetteer

    gz = get_gazetteer()
    pid = table["place_id"].astype(str).str.strip()
    name = table["name"].astype(str).str.strip().str.casefold()
    known = pid.map(lambda p: p in gz)
    return pid.where(~known, pid + "|" + name)


def _write_csv(table: pd.DataFrame, path: Path) -> None:
    from ._tables import write_table

    write_table(table, path)
