"""Attach events to gazetteer places, list what needs review, and remember the analyst's fixes.

:func:`attach_events` geocodes the ``location`` column with the ``admin1`` hint through
:func:`conflictmap.geocode` and returns every input row, plus a review table of the rows that are
ambiguous or unresolved with their candidates. The analyst writes the right place id into the
review table's ``correct_place_id`` column and calls :func:`save_corrections`; the corrections file
(``name, admin1, place_id, note``) is applied on the next run.

Examples
--------
>>> import pandas as pd, tempfile, pathlib
>>> table = pd.DataFrame({"event_date": ["2020-06-30", "2020-06-30"], "event_type": ["Battles", "Battles"],
...                       "location": ["Kansafra", "Ruwayha"], "admin1": ["Idlib", ""]})
>>> events, review = attach_events(table)
>>> events[["location", "place_id", "match_status"]].values.tolist()
[['Kansafra', 'gn:168572', 'matched'], ['Ruwayha', 'gn:165178', 'ambiguous']]
>>> review[["location", "match_status"]].values.tolist()
[['Ruwayha', 'ambiguous']]
>>> with tempfile.TemporaryDirectory() as tmp:
...     fixes = pathlib.Path(tmp) / "corrections.csv"
...     _ = save_corrections(review.assign(correct_place_id="gn:165179"), fixes)
...     events, review = attach_events(table, corrections=fixes)
>>> events.loc[1, ["place_id", "match_method"]].tolist(), len(review)
(['gn:165179', 'correction'], 0)
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any, Literal, NamedTuple

import geopandas as gpd
import pandas as pd

from ..errors import InputError
from .._atomic import atomic_path
from ..geocoding.corrections import CORRECTION_COLUMNS, read_corrections
from .io import read_events, to_geodataframe

log = logging.getLogger(__name__)

__all__ = ["Attached", "attach_events", "review_table", "save_corrections", "load_corrections"]

REVIEW_COLUMNS = ["row", "event_id_cnty", "location", "admin1", "match_status", "match_reason", "place_id",
                  "place_name", "candidates", "correct_place_id"]
_FROM_GEOCODER = ["place_id", "place_name", "admin2", "admin3", "match_score", "match_method", "match_status",
                  "match_reason", "match_candidates"]


class Attached(NamedTuple):
    """What :func:`attach_events` returns: the events and the rows to review."""

    events: gpd.GeoDataFrame
    review: pd.DataFrame


def load_corrections(path: str | os.PathLike) -> pd.DataFrame:
    """Read a corrections file (``name, admin1, place_id, note``); empty when it does not exist.

    Examples
    --------
    >>> load_corrections("/nonexistent/corrections.csv").columns.tolist()
    ['name', 'admin1', 'place_id', 'note']
    """
    return read_corrections(path, missing_ok=True)


def _candidates_text(raw: Any) -> str:
    if not isinstance(raw, str) or not raw:
        return ""
    try:
        items = json.loads(raw)
    except ValueError:
        return raw
    return "; ".join(f"{c.get('place_id')} {c.get('name')} ({c.get('admin1') or c.get('feature_type')})" for c in items)


def review_table(events: pd.DataFrame) -> pd.DataFrame:
    """The rows of attached events that are ambiguous or unresolved, with their candidates.

    ``row`` is the event's index label; ``correct_place_id`` is left empty for the analyst.
    """
    todo = events[events["match_status"] != "matched"]
    review = pd.DataFrame({
        "row": todo.index,
        "event_id_cnty": todo["event_id_cnty"].to_numpy(),
        "location": todo["location"].to_numpy(),
        "admin1": todo["admin1_hint"].to_numpy() if "admin1_hint" in todo.columns else todo["admin1"].to_numpy(),
        "match_status": todo["match_status"].to_numpy(),
        "match_reason": todo["match_reason"].to_numpy(),
        "place_id": todo["place_id"].to_numpy(),
        "place_name": todo["place_name"].to_numpy() if "place_name" in todo.columns else None,
        "candidates": [_candidates_text(c) for c in todo.get("match_candidates", pd.Series("", index=todo.index))],
        "correct_place_id": "",
    })
    return review[REVIEW_COLUMNS].reset_index(drop=True)


def save_corrections(review: pd.DataFrame, path: str | os.PathLike, *, gazetteer: Any = None) -> Path:
    """Add the analyst's fixes (rows of ``review`` with a ``correct_place_id``) to a corrections file.

    A fix for a (name, admin1) already in the file replaces it. Place ids are checked against
    the gazetteer; the file is written atomically.

    Raises
    ------
    InputError
        A ``correct_place_id`` that is not a gazetteer place (naming the review row).
    """
    if "correct_place_id" not in review.columns or "location" not in review.columns:
        raise InputError("review table needs 'location' and 'correct_place_id' columns", column="correct_place_id")
    if gazetteer is None:
        from ..gazetteer import get_gazetteer

        gazetteer = get_gazetteer()
    fixes = review[review["correct_place_id"].fillna("").astype(str).str.strip() != ""]
    new_rows = []
    for label, row in fixes.iterrows():
        pid = str(row["correct_place_id"]).strip()
        if pid not in gazetteer:
            raise InputError("not a gazetteer place id", row=label, column="correct_place_id", value=pid)
        admin1 = row.get("admin1", "")
        new_rows.append({"name": str(row["location"]), "admin1": "" if pd.isna(admin1) else str(admin1),
                         "place_id": pid, "note": str(row.get("note", "") or "")})
    path = Path(path)
    table = load_corrections(path)
    if new_rows:
        added = pd.DataFrame(new_rows, columns=CORRECTION_COLUMNS)
        table = pd.concat([table, added], ignore_index=True).drop_duplicates(["name", "admin1"], keep="last")
    with atomic_path(path) as tmp:
        table.to_csv(tmp, index=False, encoding="utf-8")
    log.info("saved %d correction(s) to %s (%d in all)", len(new_rows), path, len(table))
    return path


def attach_events(
    events: Any,
    *,
    gazetteer: Any = None,
    corrections: str | os.PathLike | None = None,
    keep_coordinates: bool = False,
    errors: Literal["raise", "mark"] = "raise",
) -> Attached:
    """Attach every event to a gazetteer place.

    Parameters
    ----------
    events
        A (Geo)DataFrame or a file :func:`~conflictmap.events.io.read_events` reads (an ACLED
        export works as it is). Uses the ``location`` column and the ``admin1`` hint.
    gazetteer
        A :class:`~conflictmap.gazetteer.Gazetteer`; the bundled one by default.
    corrections
        A corrections file (see :func:`save_corrections`); applied before any other match. It
        need not exist yet.
    keep_coordinates
        Rows that come with coordinates (an ACLED export) keep them; the place found is still
        recorded. By default the gazetteer point is used and the input's coordinates are kept in
        ``input_latitude`` / ``input_longitude``.
    errors
        Validation mode, see :func:`~conflictmap.events.schema.validate_events`.

    Returns
    -------
    Attached
        ``events``: GeoDataFrame with every input row in order, the schema columns filled from
        the gazetteer (``latitude, longitude, place_id, geo_precision, match_*``, ``admin1`` the
        governorate found, ``admin1_hint`` the one given) plus ``place_name, admin2, admin3,
        match_candidates``; ``review``: the ambiguous and unresolved rows (:func:`review_table`).
        (:func:`conflictmap.attach_events` also takes a Dask DataFrame and gives both as lazy Dask
        DataFrames: :func:`conflictmap.scale.attach_events_dask` runs this function per partition.)
    """
    if type(events).__module__.startswith("dask"):  # the Dask path runs this per partition
        raise InputError("conflictmap.events.attach_events() takes a pandas table or a file; "
                         "conflictmap.attach_events() also takes a Dask DataFrame", value=type(events).__name__)
    from ..geocoding.batch import geocode
    from ..geocoding.geocoder import Geocoder

    frame = pd.DataFrame(read_events(events, errors=errors)).drop(columns="geometry")
    if corrections is not None and not Path(corrections).exists():
        corrections = None  # nothing corrected yet
    geocoder = Geocoder(gazetteer, corrections=corrections)
    query = pd.DataFrame({"q_location": frame["location"], "q_admin1": frame["admin1"]}, index=frame.index)
    found = pd.DataFrame(geocode(query, name="q_location", admin1="q_admin1", geocoder=geocoder))

    had_point = frame["latitude"].notna() & frame["longitude"].notna()
    if had_point.any() and not keep_coordinates:
        frame["input_latitude"] = frame["latitude"]
        frame["input_longitude"] = frame["longitude"]
    use_input = had_point if keep_coordinates else pd.Series(False, index=frame.index)
    frame["latitude"] = frame["latitude"].where(use_input, found["latitude"]).astype(float)
    frame["longitude"] = frame["longitude"].where(use_input, found["longitude"]).astype(float)
    frame["admin1_hint"] = frame["admin1"]
    matched = found["match_status"] != "unresolved"
    frame["admin1"] = found["admin1"].where(matched & found["admin1"].notna(), frame["admin1"]).astype("string")
    given = frame["geo_precision"]
    found_precision = found["geo_precision"].astype("Int64")
    frame["geo_precision"] = pd.concat([given, found_precision], axis=1).max(axis=1).astype("Int64")
    for column in _FROM_GEOCODER:
        values = found[column]
        frame[column] = values.astype("string") if column != "match_score" else values.astype(float)
    attached = to_geodataframe(frame)
    review = review_table(attached)
    counts = attached["match_status"].value_counts().to_dict()
    log.info("attached %d event(s): %s", len(attached), counts)
    return Attached(attached, review)
