"""The rows of a table that need an analyst's decision, and the decisions, kept on disk.

:class:`Review` is what the notebook widget (:mod:`conflictmap.reviewing.widget`) calls; a script or
a test drives it the same way. It takes the output of :func:`conflictmap.geocode` or
:func:`conflictmap.attach_events` (its ``ambiguous`` and ``unresolved`` rows need a decision) or of
:func:`conflictmap.draft_events` (every draft needs one). A decision is written to the
corrections file (and the user places file) at once (:mod:`conflictmap.reviewing.store`), so a
review opened again on the same files shows only what is still undecided, and
``attach_events(..., corrections=PATH)`` / ``Geocoder(corrections=PATH)`` apply it.

A decision about a name (``geocode`` / ``attach_events`` rows) holds for every row with that
name and ``admin1`` hint, as the geocoder applies it; a draft is decided on its own.

Examples
--------
>>> import pandas as pd, tempfile, pathlib
>>> import conflictmap as cm
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> table = cm.geocode(pd.DataFrame({"location": ["Kafr Nabl", "Ruwayha", "Ruwayha", "Qqqzzx"]}))
>>> rv = Review(table, corrections=folder / "fixes.csv", user_places=folder / "mine.csv")
>>> rv.pending[["location", "match_status"]].values.tolist()
[['Ruwayha', 'ambiguous'], ['Ruwayha', 'ambiguous'], ['Qqqzzx', 'unresolved']]
>>> rv.pending.loc[1, "candidates"][:2]
['gn:165178', 'gn:165179']
>>> rv.decide(1, place_id="gn:165179")
'gn:165179'
>>> rv.decide(3, reject=True)
>>> rv.pending.empty, rv.progress()
(True, (3, 3))
>>> out = rv.result()
>>> out[["location", "place_id", "match_method", "match_status"]].values.tolist()[1:3]
[['Ruwayha', 'gn:165179', 'correction', 'matched'], ['Ruwayha', 'gn:165179', 'correction', 'matched']]
>>> out.loc[3, ["match_status", "match_reason"]].tolist()
['unresolved', 'not a place (correction)']
>>> Review(table, corrections=folder / "fixes.csv").pending.empty   # the decisions are on disk
True
"""

from __future__ import annotations

import json
import logging
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..errors import InputError
from ..geocoding.corrections import read_corrections
from ..geocoding.normalize import name_key, normalize_name
from .store import add_user_place, draft_key, write_corrections

log = logging.getLogger(__name__)

__all__ = ["Review", "Decision", "MAX_CANDIDATES"]

MAX_CANDIDATES = 9  # keys 1-9
NEEDS_DECISION = ("ambiguous", "unresolved")
# match_method of rows that need no decision: another country's rows (attach_events' OUTSIDE_METHOD)
NO_DECISION_METHODS = ("country",)
_DRAFT_COLUMNS = {"source_sentence", "span_start", "span_end", "place_name", "type_words"}
_AREA_TYPES = {"admin1", "admin2", "admin3", "region"}
_NOTE = "cm.review"


@dataclass(frozen=True)
class Decision:
    """What the files say about one row: ``kind`` is ``place``, ``new place`` or ``not a place``
    (``rejected`` for a draft); ``place_id`` is empty for the last two."""

    kind: str
    place_id: str


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT:
        return ""
    return str(value)


def _hint(value: Any) -> str:
    return normalize_name(_text(value))[:100]


def _parse_candidates(raw: Any) -> list[dict[str, Any]]:
    text = _text(raw)
    if not text:
        return []
    try:
        items = json.loads(text)
    except ValueError:
        return []
    return [c for c in items if isinstance(c, dict) and c.get("place_id")] if isinstance(items, list) else []


class Review:
    """The rows of ``table`` that need a decision, and the decisions kept in two files.

    Parameters
    ----------
    table
        Output of :func:`conflictmap.geocode`, :func:`conflictmap.attach_events` (the events, or
        the ``(events, review)`` pair it returns) or :func:`conflictmap.draft_events`.
    corrections
        The corrections file (created at the first decision).
    user_places
        The user places file, where a point picked for a place the gazetteer lacks goes; its
        places are also offered as candidates' details. Needed only to add places.
    name, admin1
        The location column (default ``location``) and the governorate hint column (default:
        ``admin1_hint`` of ``attach_events``; ``admin1`` when ``geocode`` wrote its own as
        ``geo_admin1``; else none).
    gazetteer
        The base gazetteer (the bundled one by default); user places are added on top of it.
    """

    def __init__(self, table: Any, *, corrections: str | os.PathLike, user_places: str | os.PathLike | None = None,
                 name: str | None = None, admin1: str | None = None, gazetteer: Any = None):
        if isinstance(table, tuple) and table and isinstance(table[0], pd.DataFrame):
            table = table[0]  # attach_events' (events, review)
        if not isinstance(table, pd.DataFrame):
            raise InputError("review needs a pandas table (geocode, attach_events or draft_events output)",
                             value=type(table).__name__)
        if not table.index.is_unique:
            raise InputError("the table's index has repeated labels; review table.reset_index(drop=True)",
                             column="index")
        self.table = table
        self.corrections = Path(corrections)
        self.user_places = Path(user_places) if user_places is not None else None
        self.drafts = _DRAFT_COLUMNS <= set(table.columns)
        self.name = name or "location"
        if self.name not in table.columns:
            raise InputError(f"no {self.name!r} column to review", column=self.name)
        if admin1 is None:
            if "admin1_hint" in table.columns:
                admin1 = "admin1_hint"
            elif "geo_admin1" in table.columns and "admin1" in table.columns:
                admin1 = "admin1"
        elif admin1 not in table.columns:
            raise InputError(f"no {admin1!r} column for the admin1 hint", column=admin1)
        self.admin1 = None if self.drafts else admin1
        if not self.drafts and "match_status" not in table.columns:
            raise InputError("table has no match_status column: geocode or attach it first", column="match_status")
        self._base_gazetteer = gazetteer
        self._gazetteer = None
        self._geocoder = None
        self._keys = self._row_keys()
        self._decisions = self._read_decisions()
        self._candidate_cache: dict[Any, list[dict[str, Any]]] = {}
        self.queue: list[Any] = [label for label in self._keys if self._decision_of(label) is None]

    # ------------------------------------------------------------------ rows and keys
    def _row_keys(self) -> dict[Any, tuple[str, str]]:
        """Every row that needs (or needed) a decision -> the key its decision is kept under."""
        table = self.table
        if self.drafts:
            cols = [table[c].map(_text) for c in ("report_id", "span_start", "span_end")] \
                if "report_id" in table.columns else None
            keys = {}
            for i, label in enumerate(table.index):
                rid, start, end = (c.iat[i] for c in cols) if cols else ("", "", "")
                keys[label] = (draft_key(rid, start, end, _text(table[self.name].iat[i])), "")
            return keys
        todo = table[table["match_status"].astype(str).isin(NEEDS_DECISION)]
        if "match_method" in todo.columns:
            todo = todo[~todo["match_method"].astype(str).isin(NO_DECISION_METHODS)]
        names = todo[self.name].map(_text)
        has_name = names.map(normalize_name) != ""  # an empty cell has no name to decide about
        todo, names = todo[has_name], names[has_name]
        hints = todo[self.admin1].map(_hint) if self.admin1 else pd.Series("", index=todo.index)
        folded = {n: name_key(n) for n in names.unique()}
        return {label: (folded[n], h) for label, n, h in zip(todo.index, names, hints)}

    def _read_decisions(self) -> dict[tuple[str, str], str]:
        table = read_corrections(self.corrections, missing_ok=True)
        out: dict[tuple[str, str], str] = {}
        for row in table.to_dict("records"):
            key = (row["name"], "") if self.drafts else (name_key(row["name"]), _hint(row["admin1"]))
            out[key] = row["place_id"].strip()
        return out

    def _decision_of(self, label: Any) -> Decision | None:
        key = self._keys[label]
        pid = self._decisions.get(key)
        if pid is None and not self.drafts:
            pid = self._decisions.get((key[0], ""))  # a correction without a hint holds for every hint
        if pid is None:
            return None
        if not pid:
            return Decision("rejected" if self.drafts else "not a place", "")
        return Decision("new place" if pid.startswith("user:") else "place", pid)

    def decision(self, index: Any) -> Decision | None:
        """The decision the files hold for row ``index`` (None when undecided)."""
        self._check_row(index)
        return self._decision_of(index)

    def _check_row(self, index: Any) -> None:
        if index not in self._keys:
            if index in self.table.index:
                raise InputError("this row needs no decision (it is matched)", row=index)
            raise InputError("no such row in the reviewed table", row=index)

    # ------------------------------------------------------------------ gazetteer and candidates
    @property
    def gazetteer(self):
        """The gazetteer with the user places file added (reloaded after a new place)."""
        if self._gazetteer is None:
            base = self._base_gazetteer
            if base is None:
                from ..gazetteer import get_gazetteer

                base = self._base_gazetteer = get_gazetteer()
            if self.user_places is not None and self.user_places.exists():
                self._gazetteer = base.with_user_places(str(self.user_places))
            else:
                self._gazetteer = base
        return self._gazetteer

    def candidates(self, index: Any) -> list[dict[str, Any]]:
        """Ranked candidates of row ``index`` (at most 9): dicts with ``place_id, name, admin1,
        feature_type, longitude, latitude, score, method``."""
        self._check_row(index)
        found = self._candidate_cache.get(index)
        if found is None:
            found = self._candidate_cache[index] = self._find_candidates(index)
        return found

    def _find_candidates(self, index: Any) -> list[dict[str, Any]]:
        row = self.table.loc[index]
        cands = _parse_candidates(row.get("match_candidates")) if "match_candidates" in self.table.columns else []
        if not cands and (self.drafts or _text(row.get("match_status")) == "unresolved"):
            # a draft carries no candidates; an unresolved row may have look-alikes too weak to keep
            hint = _text(row[self.admin1]) if self.admin1 else ""
            cands = self._resolved_candidates(_text(row[self.name]), hint)
        own = _text(row.get("place_id"))
        ids = [c["place_id"] for c in cands]
        if own and own not in ids and own in self.gazetteer:
            rec = self.gazetteer.get(own)
            cands.insert(0, {"place_id": own, "name": rec["name"], "admin1": rec["admin1"],
                             "feature_type": rec["feature_type"], "longitude": rec["longitude"],
                             "latitude": rec["latitude"], "score": _num(row.get("match_score")),
                             "method": _text(row.get("match_method"))})
        elif own in ids and ids[0] != own and self.drafts:
            cands.insert(0, cands.pop(ids.index(own)))
        return cands[:MAX_CANDIDATES]

    def _resolved_candidates(self, text: str, hint: str = "") -> list[dict[str, Any]]:
        if not normalize_name(text):
            return []
        if self._geocoder is None:
            from ..geocoding.geocoder import Geocoder

            self.gazetteer  # noqa: B018 - loads the base gazetteer
            self._geocoder = Geocoder(self._base_gazetteer)  # its stored index; user places are not needed here
        match = self._geocoder.resolve(text, admin1=hint or None)
        return [c.as_dict() for c in match.candidates]

    # ------------------------------------------------------------------ what is left
    @property
    def pending(self) -> pd.DataFrame:
        """The undecided rows (in table order) with a ``candidates`` column: place_ids in rank order."""
        labels = [label for label in self._keys if self._decision_of(label) is None]
        out = self.table.loc[labels].copy()
        out["candidates"] = pd.Series([[c["place_id"] for c in self.candidates(label)] for label in labels],
                                      index=out.index, dtype=object)
        return out

    def progress(self) -> tuple[int, int]:
        """(decided, total) over the rows that were undecided when the review was opened."""
        return sum(self._decision_of(label) is not None for label in self.queue), len(self.queue)

    def own_point(self, index: Any) -> tuple[float, float] | None:
        """The point row ``index`` brought itself (an export's coordinates), as (lon, lat), if any.

        ``input_longitude`` / ``input_latitude`` when ``attach_events`` moved the point; else the
        row's ``longitude`` / ``latitude`` when they are not its place's gazetteer point (a kept
        point) or the row has no place.
        """
        row = self.table.loc[index]
        lon, lat = _num(row.get("input_longitude")), _num(row.get("input_latitude"))
        if lon is not None and lat is not None:
            return lon, lat
        lon, lat = _num(row.get("longitude")), _num(row.get("latitude"))
        if lon is None or lat is None or self.drafts:
            return None
        pid = _text(row.get("place_id"))
        if pid and pid in self.gazetteer:
            rec = self.gazetteer.get(pid)
            if abs(rec["longitude"] - lon) < 1e-4 and abs(rec["latitude"] - lat) < 1e-4:
                return None  # the geocoder's point, not the row's
        return lon, lat

    def place_name(self, index: Any) -> str:
        """The name a new place picked for row ``index`` gets (the location cell; a draft's mention)."""
        return normalize_name(_text(self.table.at[index, self.name]))

    # ------------------------------------------------------------------ deciding
    def decide(self, index: Any, place_id: str | None = None, point: Sequence[float] | None = None,
               reject: bool = False) -> str | None:
        """Decide row ``index``: a gazetteer ``place_id``, a new place at ``point`` (lon, lat) with the
        row's name, or ``reject`` (not a place; for a draft: not an event). Written to disk at once.

        Returns the place_id decided (None for a rejection).

        Raises
        ------
        InputError
            An unknown row or place id, a point outside Syria, no ``user_places`` file for a new
            place, or not exactly one of ``place_id``, ``point`` and ``reject``.
        """
        self._check_row(index)
        given = [place_id is not None, point is not None, bool(reject)]
        if sum(given) != 1:
            raise InputError("give exactly one of place_id, point or reject=True", row=index)
        key = self._keys[index]
        if place_id is not None:
            place_id = str(place_id).strip()
            if place_id not in self.gazetteer:
                raise InputError("not a gazetteer place id", row=index, column="place_id", value=place_id)
        elif point is not None:
            place_id = self._new_place(index, point)
        row = {"name": key[0] if self.drafts else _text(self.table.at[index, self.name]),
               "admin1": "" if self.drafts or not self.admin1 else _text(self.table.at[index, self.admin1]),
               "place_id": place_id or "", "note": _NOTE + (": draft" if self.drafts else "")}
        write_corrections(self.corrections, [row])
        self._decisions[(row["name"], "") if self.drafts else (name_key(row["name"]), _hint(row["admin1"]))] = \
            row["place_id"]
        log.info("row %s: %s", index, place_id or ("rejected" if self.drafts else "not a place"))
        return place_id or None

    def _new_place(self, index: Any, point: Sequence[float]) -> str:
        if self.user_places is None:
            raise InputError("pass user_places=PATH to add a place the gazetteer lacks", row=index)
        try:
            lon, lat = float(point[0]), float(point[1])
        except (TypeError, ValueError, IndexError):
            raise InputError("point must be (longitude, latitude)", row=index, value=point) from None
        minx, miny, maxx, maxy = self.gazetteer.outline().bounds
        if not (np.isfinite([lon, lat]).all() and minx - 0.5 <= lon <= maxx + 0.5 and miny - 0.5 <= lat <= maxy + 0.5):
            raise InputError("point is not in Syria (give longitude, latitude)", row=index, value=point)
        name = self.place_name(index)
        if not name:
            raise InputError("the row has no name to give a new place", row=index, column=self.name)
        pid = add_user_place(self.user_places, name=name, point=(round(lon, 6), round(lat, 6)))
        self._gazetteer = None  # reloaded with the new place when next needed
        return pid

    # ------------------------------------------------------------------ the table with decisions
    def result(self) -> pd.DataFrame:
        """The table with every decision in the files applied to its rows.

        A chosen or new place sets ``place_id``, ``place_name``, the point, the admin areas,
        ``match_method`` "correction", ``match_status`` "matched" and ``match_score`` 100; "not a
        place" and a rejected draft leave no place, ``match_status`` "unresolved" with the reason.
        A row that brought its own point keeps it (:meth:`own_point`), as ``attach_events`` keeps
        it. Every row comes out, in order; rows without a decision are unchanged.
        """
        out = self.table.copy()
        decided = {label: d for label in self._keys if (d := self._decision_of(label)) is not None}
        if not decided:
            return out
        gz = self.gazetteer
        cols = self._output_columns(out)
        for c in ("match_candidates",):
            if c in out.columns:
                out[c] = out[c].astype(object)
        for field in ("place_id", "match_method", "match_status", "match_reason"):
            if cols[field] not in out.columns:
                out[cols[field]] = pd.Series(pd.NA, index=out.index, dtype="string")
        labels = list(decided)
        for label in labels:
            d = decided[label]
            if d.place_id:
                rec = gz.get(d.place_id)
                values = {"place_id": d.place_id, "place_name": rec["name"], "latitude": rec["latitude"],
                          "longitude": rec["longitude"], "admin1": rec["admin1"], "admin2": rec["admin2"],
                          "admin3": rec["admin3"], "match_score": 100.0, "match_method": "correction",
                          "match_status": "matched", "match_candidates": "",
                          "match_reason": "new place picked in review" if d.kind == "new place" else "chosen in review",
                          "geo_precision": self._precision(label, rec)}
            else:
                reason = "draft rejected in review" if self.drafts else "not a place (correction)"
                values = {"place_id": None, "place_name": None, "latitude": np.nan, "longitude": np.nan,
                          "match_score": np.nan, "match_method": "correction", "match_status": "unresolved",
                          "match_candidates": "", "match_reason": reason}
            if self.own_point(label) is not None:  # a row keeps its own point, as attach_events does
                values.pop("latitude"), values.pop("longitude")
            for field, value in values.items():
                column = cols.get(field)
                if column in out.columns:
                    out.at[label, column] = value
        if "geometry" in out.columns and hasattr(out, "set_geometry"):
            import shapely

            lon = out.loc[labels, cols["longitude"]].astype(float).to_numpy()
            lat = out.loc[labels, cols["latitude"]].astype(float).to_numpy()
            points = shapely.points(lon, lat)
            out.loc[labels, "geometry"] = np.where(np.isnan(lon) | np.isnan(lat), None, points)
        return out

    def _output_columns(self, table: pd.DataFrame) -> dict[str, str | None]:
        cols: dict[str, str | None] = {}
        for field in ("place_id", "place_name", "latitude", "longitude", "admin1", "admin2", "admin3",
                      "match_score", "match_method", "match_status", "match_reason", "match_candidates",
                      "geo_precision"):
            if f"geo_{field}" in table.columns:
                cols[field] = f"geo_{field}"
            elif field == self.admin1 or field == self.name:
                cols[field] = None  # never overwrite the input's own columns
            else:
                cols[field] = field
        return cols

    def _precision(self, label: Any, rec: dict[str, Any]) -> int:
        if rec["feature_type"] in _AREA_TYPES:
            return 3
        if self.drafts and "place_role" in self.table.columns and _text(self.table.at[label, "place_role"]).startswith("near"):
            return 2
        return 1

    def __repr__(self) -> str:
        decided, total = self.progress()
        return f"<Review {decided} of {total} decided; corrections {self.corrections}>"


def _num(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number
