"""The review's two files: the corrections file and the user places file.

Every decision is written as soon as it is made, atomically (:mod:`conflictmap._atomic`):

* a place chosen for a name: the corrections row ``name, admin1, place_id, note``
  (:mod:`conflictmap.geocoding.corrections`, which reads it), which the geocoder applies before any other rule;
* "not a place": the same row with an empty ``place_id`` (the geocoder then answers the name
  ``unresolved``, "not a place (correction)");
* a point picked on the map: a new row of the user places file (``place_id, name, longitude,
  latitude, feature_type, note``, read by :mod:`conflictmap.user_places`) and a corrections row
  naming it;
* a drafted event (:func:`conflictmap.draft_events`) is decided on its own, not by its name: its
  row is keyed ``draft <report_id> <span_start>-<span_end> <location>`` (a name no report text
  gives), with the place chosen or an empty ``place_id`` when the draft was rejected.

:func:`~conflictmap.geocoding.corrections.write_corrections` is the one writer of the corrections
file (under its lock: read, replace the row of the same name and admin1, write atomically), the
same that :func:`conflictmap.events.attach.save_corrections` goes through.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = write_corrections(folder / "fixes.csv", [{"name": "Ruwayha", "admin1": "", "place_id": "gn:165178"}])
>>> _ = write_corrections(folder / "fixes.csv", [{"name": "Ruwayha", "admin1": "", "place_id": "gn:165179"},
...                                              {"name": "Unknown", "admin1": "", "place_id": ""}])
>>> print((folder / "fixes.csv").read_text(), end="")
name,admin1,place_id,note
Ruwayha,,gn:165179,
Unknown,,,
>>> add_user_place(folder / "mine.csv", name="Camp Alpha", point=(36.6, 35.9))
'user:camp-alpha'
>>> print((folder / "mine.csv").read_text(), end="")
place_id,name,longitude,latitude,feature_type,note
user:camp-alpha,Camp Alpha,36.6,35.9,settlement,picked on the map in cm.review
"""

from __future__ import annotations

import csv
import io
import logging
import os
import re
from pathlib import Path
from typing import Iterable, Mapping

from .._atomic import atomic_write_text
from ..geocoding.corrections import write_corrections

log = logging.getLogger(__name__)

__all__ = ["USER_PLACE_COLUMNS", "write_corrections", "add_user_place", "read_user_places", "draft_key"]

USER_PLACE_COLUMNS = ["place_id", "name", "longitude", "latitude", "feature_type", "note"]
_SLUG_RE = re.compile(r"[^0-9a-z]+")


def _csv_text(rows: Iterable[Mapping[str, str]], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([["" if row.get(c) is None else str(row.get(c)) for c in columns] for row in rows])
    return out.getvalue()


def read_user_places(path: str | os.PathLike | None) -> list[dict[str, str]]:
    """The rows of a user places file as text (empty when there is no file)."""
    if path is None or not Path(path).exists():
        return []
    with open(path, encoding="utf-8", newline="") as handle:
        return [dict(row) for row in csv.DictReader(handle)]


def _slug(name: str) -> str:
    return _SLUG_RE.sub("-", name.casefold()).strip("-")[:60] or "place"


def add_user_place(path: str | os.PathLike, *, name: str, point: tuple[float, float],
                   note: str = "picked on the map in cm.review", feature_type: str = "settlement") -> str:
    """Add a new place ``name`` at ``point`` (lon, lat) to a user places file; return its place_id.

    The id is ``user:<name as a slug>`` (with ``-2``, ``-3``... when taken). A place of the same
    name at the same point is not added twice. Columns of an existing file are kept.
    """
    lon, lat = (float(point[0]), float(point[1]))
    rows = read_user_places(path)
    for row in rows:
        if row.get("name") == name and row.get("longitude") == repr(lon) and row.get("latitude") == repr(lat):
            return row.get("place_id") or ""
    taken = {row.get("place_id", "") for row in rows}
    base = f"user:{_slug(name)}"
    pid, n = base, 1
    while pid in taken:
        n += 1
        pid = f"{base}-{n}"
    columns = list(rows[0].keys()) if rows else list(USER_PLACE_COLUMNS)
    columns += [c for c in USER_PLACE_COLUMNS if c not in columns]
    rows.append({"place_id": pid, "name": name, "longitude": repr(lon), "latitude": repr(lat),
                 "feature_type": feature_type, "note": note})
    atomic_write_text(path, _csv_text(rows, columns))
    return pid


def draft_key(report_id: object, span_start: object, span_end: object, location: object) -> str:
    """The corrections-file name under which one drafted event's decision is kept.

    >>> draft_key("R1a2b3c4d", 0, 57, "Kansafra")
    'draft R1a2b3c4d 0-57 Kansafra'
    """
    return f"draft {report_id} {span_start}-{span_end} {location}"
