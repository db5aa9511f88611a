"""The review widget (anywidget: JupyterLab, Notebook 7, VS Code) over a :class:`Review`.

The widget shows one row at a time: its text (for a draft, the sentence with the place and the
words that set the type, actors and date marked), the ranked candidates with admin areas and
distances, and a small offline map (:mod:`conflictmap.reviewing.basemap`) with the candidates
numbered. Keys: 1-9 choose a candidate, a click on the map then Enter adds a new place there,
``x`` marks "not a place" (rejects a draft), ``s`` skips, arrows / ``n`` ``p`` move. The buttons
call the same Python methods a script calls (:meth:`ReviewWidget.decide`). The script and the
style sheet are files of the package (``conflictmap/data/review/``): nothing is fetched, and the
script writes every string from the data with ``textContent``.

Examples
--------
>>> import pandas as pd, tempfile, pathlib
>>> import conflictmap as cm
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> table = cm.geocode(pd.DataFrame({"location": ["Ruwayha", "Kafr Nabl"]}))
>>> w = review(table, corrections=folder / "fixes.csv", user_places=folder / "mine.csv")
>>> w.progress["total"], w.item["text"], [c["n"] for c in w.item["candidates"]]
(1, 'Ruwayha', [1, 2])
>>> w.decide(0, place_id=w.pending.loc[0, "candidates"][1])
'gn:165179'
>>> w.progress["decided"], w.message
(1, 'All 1 rows decided.')
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from .._optional import import_optional
from ..errors import InputError
from ..geocoding.matching import haversine_km
from .basemap import basemap, nearby_places, project
from .decisions import Review, _num, _text

anywidget = import_optional("anywidget", extra="review", purpose="the review widget (cm.review)")
traitlets = import_optional("traitlets", extra="review", purpose="the review widget (cm.review)")

log = logging.getLogger(__name__)

__all__ = ["review", "ReviewWidget"]

_ASSETS = Path(__file__).resolve().parents[1] / "data" / "review"
_MIN_SPAN = 0.25  # degrees of latitude the map shows at least
_MARK_KINDS = ("place", "type", "actor", "date")


def review(table: Any, *, corrections: str | os.PathLike, user_places: str | os.PathLike | None = None,
           name: str | None = None, admin1: str | None = None, gazetteer: Any = None) -> "ReviewWidget":
    """A widget to decide the doubtful rows of ``table``; every decision is saved at once.

    Parameters
    ----------
    table
        Output of :func:`conflictmap.geocode`, :func:`conflictmap.attach_events` or
        :func:`conflictmap.draft_events`.
    corrections
        The corrections file decisions go to (``attach_events(..., corrections=PATH)`` and
        ``Geocoder(corrections=PATH)`` apply it).
    user_places
        The user places file points picked on the map go to (load it with
        ``Gazetteer.load(extra=PATH)`` / ``load_gazetteer(PATH)`` so the new places are known).
    name, admin1, gazetteer
        See :class:`~conflictmap.reviewing.decisions.Review`.

    Returns
    -------
    ReviewWidget
        Display it in a notebook; ``.pending``, ``.decide()`` and ``.result()`` work without a display.
    """
    rv = Review(table, corrections=corrections, user_places=user_places, name=name, admin1=admin1,
                gazetteer=gazetteer)
    return ReviewWidget(rv)


class ReviewWidget(anywidget.AnyWidget):
    """The notebook face of a :class:`Review`: one row at a time, keyboard first."""

    _esm = _ASSETS / "review.js"
    _css = _ASSETS / "review.css"
    basemap = traitlets.Dict().tag(sync=True)
    item = traitlets.Dict().tag(sync=True)
    progress = traitlets.Dict().tag(sync=True)
    message = traitlets.Unicode("").tag(sync=True)

    def __init__(self, review: Review, **kwargs: Any):
        super().__init__(**kwargs)
        self.review = review
        self.position = 0
        self.basemap = basemap(review.gazetteer)
        self.on_msg(self._on_msg)
        first = self._next_undecided(-1)
        self._show(0 if first is None else first)

    # ------------------------------------------------------------------ the Python API
    @property
    def pending(self) -> pd.DataFrame:
        """The undecided rows with their ``candidates`` (see :attr:`Review.pending`)."""
        return self.review.pending

    def decide(self, index: Any, place_id: str | None = None, point: Sequence[float] | None = None,
               reject: bool = False) -> str | None:
        """Decide row ``index`` (see :meth:`Review.decide`) and move the display on."""
        pid = self.review.decide(index, place_id=place_id, point=point, reject=reject)
        self._after_decision(index, pid)
        return pid

    def result(self) -> pd.DataFrame:
        """The table with every decision applied (see :meth:`Review.result`)."""
        return self.review.result()

    # ------------------------------------------------------------------ messages from the page
    def _on_msg(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        action = content.get("action")
        try:
            position = int(content.get("position", self.position))
        except (TypeError, ValueError):
            return
        queue = self.review.queue
        if not queue or not 0 <= position < len(queue):
            return
        label = queue[position]
        try:
            if action == "goto":
                self._show(position)
            elif action == "choose":
                n = int(content.get("n", 0))
                cands = self.review.candidates(label)
                if not 1 <= n <= len(cands):
                    self.message = f"There is no candidate {n}."
                    return
                self.decide(label, place_id=cands[n - 1]["place_id"])
            elif action == "point":
                self.decide(label, point=(float(content["lon"]), float(content["lat"])))
            elif action == "reject":
                self.decide(label, reject=True)
            elif action == "skip":
                following = self._next_undecided(position)
                self._show(following if following is not None else (position + 1) % len(queue))
        except (InputError, KeyError, TypeError, ValueError) as exc:
            self.message = str(exc)
            log.warning("review: %s", exc)

    # ------------------------------------------------------------------ display
    def _after_decision(self, index: Any, pid: str | None) -> None:
        queue = self.review.queue
        decided, total = self.review.progress()
        name = self.review.place_name(index) if index in self.review._keys else str(index)
        if pid:
            rec = self.review.gazetteer.get(pid)
            said = f"{name!s} -> {rec['name']} ({pid}) saved."
        else:
            said = f"{name!s}: {'draft rejected' if self.review.drafts else 'not a place'}, saved."
        position = queue.index(index) if index in queue else self.position
        following = self._next_undecided(position)
        if following is None:
            self._show(position)
            self.message = f"All {total} rows decided."
        else:
            self._show(following)
            self.message = said
        log.info("review: %s (%d of %d decided)", said, decided, total)

    def _next_undecided(self, position: int) -> int | None:
        queue = self.review.queue
        n = len(queue)
        for step in range(1, n + 1):
            i = (position + step) % n
            if self.review.decision(queue[i]) is None:
                return i
        return None

    def _show(self, position: int) -> None:
        queue = self.review.queue
        decided, total = self.review.progress()
        self.position = position
        with self.hold_sync():  # one message: the page never shows a row with the progress of another
            self.item = self._item(queue[position], position) if queue else {}
            self.progress = {"decided": decided, "total": total, "position": position}
            self.message = "" if queue else "Nothing to review: every row that needs a decision has one."

    def _item(self, label: Any, position: int) -> dict[str, Any]:
        rv = self.review
        row = rv.table.loc[label]
        gz = rv.gazetteer
        ref = rv.own_point(label)
        cands = []
        for n, cand in enumerate(rv.candidates(label), start=1):
            rec = gz.get(cand["place_id"]) if cand["place_id"] in gz else {}
            lon, lat = _num(cand.get("longitude")), _num(cand.get("latitude"))
            cands.append({"n": n, "place_id": str(cand["place_id"]), "name": _text(cand.get("name")),
                          "feature_type": _text(cand.get("feature_type") or rec.get("feature_type")),
                          "admin": [_text(rec.get(a) or (cand.get(a) if a == "admin1" else "")) for a in
                                    ("admin1", "admin2", "admin3")],
                          "lon": lon, "lat": lat, "xy": list(project(lon, lat)) if lon is not None else None,
                          "score": _num(cand.get("score"))})
        origin = ref or ((cands[0]["lon"], cands[0]["lat"]) if cands and cands[0]["lon"] is not None else None)
        for cand in cands:
            cand["km"] = (round(float(haversine_km(*origin, cand["lon"], cand["lat"])), 1)
                          if origin and cand["lon"] is not None and (ref or cand["n"] > 1) else None)
        decision = rv.decision(label)
        chosen = None
        if decision is not None:
            chosen = {"kind": decision.kind, "place_id": decision.place_id,
                      "name": gz.get(decision.place_id)["name"] if decision.place_id and decision.place_id in gz else ""}
        points = [(c["lon"], c["lat"]) for c in cands if c["lon"] is not None] + ([ref] if ref else [])
        bbox = _view(points, gz.outline().bounds)
        key = rv._keys[label]
        item = {
            "position": position, "label": str(label), "kind": "draft" if rv.drafts else "row",
            "text": _text(row[rv.name]), "name": rv.place_name(label),
            "hint": _text(row[rv.admin1]) if rv.admin1 else "",
            "status": _text(row.get("match_status")), "reason": _text(row.get("match_reason")),
            "rows": sum(1 for k in rv._keys.values() if k == key) if not rv.drafts else 1,
            "candidates": cands, "ref": list(project(*ref)) if ref else None,
            "distance_from": "the row's own point" if ref else ("candidate 1" if origin else ""),
            "decision": chosen,
            "view": [*project(bbox[0], bbox[3]), *project(bbox[2], bbox[1])],
            "places": nearby_places(gz, bbox, exclude=frozenset(c["place_id"] for c in cands),
                                    **({} if points else {"limit": 120, "labels": 10})),
        }
        if rv.drafts:
            sentence = _text(row.get("source_sentence"))
            item["sentence"] = sentence
            item["marks"] = _marks(sentence, row)
            item["draft"] = {k: _text(row.get(k)) for k in ("event_date", "event_type", "sub_event_type", "actor1",
                                                            "actor2", "fatalities", "place_role", "place_name")}
            if item["draft"]["event_date"]:
                item["draft"]["event_date"] = item["draft"]["event_date"][:10]
        return item


# ---------------------------------------------------------------------------- helpers


def _view(points: list[tuple[float, float]], country: tuple[float, float, float, float]) -> tuple[float, ...]:
    """(min lon, min lat, max lon, max lat) around ``points``, padded; the whole country without any."""
    if not points:
        return country
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    span = max(max(lats) - min(lats), (max(lons) - min(lons)) * 0.82, _MIN_SPAN)
    cy, cx = (max(lats) + min(lats)) / 2, (max(lons) + min(lons)) / 2
    half_lat, half_lon = span * 0.65, span * 0.65 / 0.82
    return (cx - half_lon, cy - half_lat, cx + half_lon, cy + half_lat)


def _marks(sentence: str, row: pd.Series) -> list[dict[str, Any]]:
    """Where the place, type, actor and date words of a draft are in its sentence (no overlaps)."""
    words = {"place": [_text(row.get("location"))], "type": [_text(row.get("type_words"))],
             "actor": [part.split("->")[0].strip() for part in _text(row.get("actor_words")).split(";")],
             "date": [_text(row.get("date_words"))]}
    folded = sentence.casefold()
    found = []
    for kind in _MARK_KINDS:
        for word in words[kind]:
            if len(word) < 2:
                continue
            at = folded.find(word.casefold())
            if at >= 0:
                found.append((at, at + len(word), kind))
    found.sort()
    out, end = [], 0
    for start, stop, kind in found:
        if start >= end:
            out.append({"start": start, "end": stop, "kind": kind})
            end = stop
    return out
