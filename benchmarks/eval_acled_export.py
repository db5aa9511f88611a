"""An ACLED export with points, read and attached as an analyst would: how many rows go to review
and how many of the coders' points move (issue 23's target: at most 5% to review, no point moved).

The export is ``../shared/eval/acled_notes_dev.csv`` (ACLED's Syria events of January-February
2018; measuring only, never shipped): a copy is written with its dates back in ACLED's
``28-Feb-18`` form and its pre-2019 event types as they are, and read with ``read_events``.
``attach_events`` then runs twice in the same run: ``keep_coordinates=False`` (the behaviour before
issue 23: the gazetteer point replaces the coder's) and the default (the coder's point is kept and
chooses among the places of the row's name). Figures per row. The other development sets
(``airwars_dev.csv``, ``ucdp_dev.csv``: a place text, its governorate and point per row) are then
attached the same two ways.

Usage::

    python benchmarks/eval_acled_export.py [--export PATH] [--show 15]
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

import conflictmap
from conflictmap.geocoding.matching import haversine_km

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
DEFAULT = EVAL / "acled_notes_dev.csv"
#: the other development sets: one row per place text with its point (no dates or types)
POINT_SETS = ("airwars_dev.csv", "ucdp_dev.csv")


def as_export(path: Path, out: Path) -> pd.DataFrame:
    """The dev table written back as ACLED's export tool writes it (dates ``28-Feb-18``)."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    days = pd.to_datetime(table["event_date"])
    table["event_date"] = days.dt.day.astype(str) + "-" + days.dt.strftime("%b") + "-" + days.dt.strftime("%y")
    table.to_csv(out, index=False)
    return table


def figures(label: str, events: pd.DataFrame, review: pd.DataFrame, lon0: np.ndarray, lat0: np.ndarray,
            seconds: float) -> dict:
    km = haversine_km(lon0, lat0, events["longitude"].to_numpy(float), events["latitude"].to_numpy(float))
    km = np.where(np.isnan(km), np.inf, km)
    status = events["match_status"].value_counts().to_dict()
    row = {"run": label, "rows": len(events), "to review": len(review), "review share": len(review) / len(events),
           "points moved": int((km > 0).sum()), "moved > 1 km": int((km > 1).sum()),
           "moved > 20 km": int((km > 20).sum()), "matched": status.get("matched", 0),
           "ambiguous": status.get("ambiguous", 0), "unresolved": status.get("unresolved", 0),
           "seconds": seconds}
    matched = events["match_status"].eq("matched").to_numpy()
    place_km = haversine_km(lon0, lat0, *_place_points(events))
    row["matched place > 5 km from the coder's point"] = int((matched & (place_km > 5)).sum())
    return row


def _place_points(events: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The gazetteer point of each row's place_id (NaN where there is none)."""
    places = conflictmap.get_gazetteer().places.set_index("place_id")
    ids = events["place_id"].astype(object).where(events["place_id"].notna(), None)
    lon = ids.map(places["longitude"]).to_numpy(dtype=float)
    lat = ids.map(places["latitude"]).to_numpy(dtype=float)
    return lon, lat


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--export", type=Path, default=DEFAULT, help="the dev table (ISO dates)")
    parser.add_argument("--show", type=int, default=15, help="review reasons to list")
    args = parser.parse_args(argv)
    if not args.export.exists():
        print(f"{args.export} not found; nothing to measure")
        return 0
    logging.basicConfig(level=logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "acled_export.csv"
        raw = as_export(args.export, path)
        t0 = time.perf_counter()
        events = conflictmap.read_events(path)
        read_s = time.perf_counter() - t0
    print(f"read_events: {len(events)} rows of {len(raw)} in {read_s:.2f} s; dates read "
          f"{events.event_date.min().date()} to {events.event_date.max().date()}; "
          f"old event types mapped: {int(events.event_type_original.notna().sum())}")
    lon0 = pd.to_numeric(raw["longitude"]).to_numpy(float)
    lat0 = pd.to_numeric(raw["latitude"]).to_numpy(float)
    rows = []
    runs = [("before: keep_coordinates=False", {"keep_coordinates": False}), ("after: default", {})]
    for label, kwargs in runs:
        t0 = time.perf_counter()
        attached, review = conflictmap.attach_events(events, **kwargs)
        rows.append(figures(label, attached, review, lon0, lat0, time.perf_counter() - t0))
        if label.startswith("after"):
            reasons = review["match_reason"].fillna("").str.replace(r"\d+(\.\d+)? km", "N km", regex=True)
            kinds = reasons.str.replace(r"^.*, N km from the nearest .*$", "<name>, N km from the nearest <place>",
                                        regex=True)
    table = pd.DataFrame(rows).set_index("run").T
    with pd.option_context("display.width", 160, "display.max_colwidth", 80):
        print(table.to_string(float_format=lambda v: f"{v:.3f}"))
        print(f"\nreview reasons after (top {args.show}):")
        print(kinds.str.slice(0, 100).value_counts().head(args.show).to_string())
    other_sets(figures)
    return 0


def other_sets(measure_run) -> None:
    """The other development sets read as tables with points: before and after, same run."""
    rows = []
    for name in POINT_SETS:
        path = EVAL / name
        if not path.exists():
            continue
        raw = pd.read_csv(path, dtype={"location": str, "admin1": str}, keep_default_na=False)
        table = raw[["location", "admin1", "latitude", "longitude"]].assign(event_date="2020-01-01",
                                                                           event_type="Battles")
        lon0, lat0 = table["longitude"].to_numpy(float), table["latitude"].to_numpy(float)
        for label, keep in (("before", False), ("after", True)):
            t0 = time.perf_counter()
            attached, review = conflictmap.attach_events(table, keep_coordinates=keep)
            rows.append(measure_run(f"{name} {label}", attached, review, lon0, lat0, time.perf_counter() - t0))
    if rows:
        print("\nthe other development sets as tables with points (before: keep_coordinates=False):")
        cols = ["rows", "to review", "review share", "points moved", "matched", "ambiguous", "unresolved",
                "matched place > 5 km from the coder's point"]
        print(pd.DataFrame(rows).set_index("run")[cols].T.to_string(float_format=lambda v: f"{v:.3f}"))


if __name__ == "__main__":
    sys.exit(main())
