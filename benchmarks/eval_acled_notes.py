"""Accuracy of ``draft_events`` on ACLED's own notes, held to what ACLED's coders coded from them.

The dev file (``../shared/eval/acled_notes_dev.csv``, see ``../shared/eval/PROVENANCE.txt``) holds
ACLED events in Syria with the coder's English ``notes``. Rows sharing one note and one date are
one *case*: the note is drafted once (published on the event date) and the case's coded events are
the truth for it. Printed figures:

- recall: coded events of geo_precision 1 with a draft of their note within 5 km;
- precision: drafts within 5 km of a coded event (any precision) of their note;
- of the found ones (each coded event paired with its nearest draft within 5 km, ties to the draft
  that agrees most): event type right (ACLED's 2018 types mapped to today's, as in PROVENANCE.txt),
  actor1 right (the same organisation: names compared through the actor table, ACLED's unit
  suffix "Military Forces of Syria (2000-) Syrian Arab Air Force" dropped), fatalities equal, date equal;
- the same per coded event type and per month (a rule tuned on one month is seen on the other);
- how many drafts are villages the gazetteer lacks (drafted as written: never within 5 km of a coded
  point) and the precision of the others;
- milliseconds per note (wall-clock, and the process's CPU time: the machine may be shared).

Usage::

    python benchmarks/eval_acled_notes.py [--dev PATH] [--limit N] [--show-errors N] [--json]
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from conflictmap.events.actors import find_actors, load_actors
from conflictmap.events.draft import draft_events
from conflictmap.geocoding.matching import haversine_km

from _measure import targets_line  # the benchmarks' own helpers (this folder)

log = logging.getLogger("eval_acled_notes")

DEV = Path(__file__).resolve().parents[2] / "shared" / "eval" / "acled_notes_dev.csv"
RADIUS_KM = 5.0
TARGETS = {"recall": 0.90, "precision": 0.90, "type": 0.94, "actor1": 0.90, "fatalities": 0.92, "date": 0.99}
# ACLED's pre-2019 event types and today's (PROVENANCE.txt): (event_type, sub_event_type or None)
OLD_TYPES = {
    "Remote violence": ("Explosions/Remote violence", None),
    "Battle-No change of territory": ("Battles", "Armed clash"),
    "Battle-Government regains territory": ("Battles", "Government regains territory"),
    "Battle-Non-state actor overtakes territory": ("Battles", "Non-state actor overtakes territory"),
    "Violence against civilians": ("Violence against civilians", None),
    "Strategic development": ("Strategic developments", None),
    "Non-violent transfer of territory": ("Strategic developments", "Non-violent transfer of territory"),
    "Headquarters or base established": ("Strategic developments", "Headquarters or base established"),
}


def today_type(old: str, inter1: Any) -> tuple[str, str | None]:
    """Today's (event type, sub-event type or None) of an ACLED 2018 type.

    Examples
    --------
    >>> today_type("Remote violence", 1)
    ('Explosions/Remote violence', None)
    >>> today_type("Riots/Protests", 5)
    ('Riots', None)
    """
    if old == "Riots/Protests":
        return ("Riots" if str(inter1) == "5" else "Protests"), None
    return OLD_TYPES.get(old, (old, None))


def load_cases(path: Path | str = DEV) -> list[dict[str, Any]]:
    """The dev rows grouped by (notes, event_date): one case per note and day, in file order."""
    frame = pd.read_csv(path, dtype={"inter1": str, "inter2": str}, keep_default_na=False)
    cases: dict[tuple[str, str], dict[str, Any]] = {}
    for row in frame.to_dict("records"):
        key = (row["notes"], row["event_date"])
        case = cases.setdefault(key, {"notes": row["notes"], "event_date": row["event_date"], "events": []})
        row["latitude"], row["longitude"] = float(row["latitude"]), float(row["longitude"])
        row["geo_precision"] = int(row["geo_precision"])
        row["fatalities"] = int(row["fatalities"] or 0)
        case["events"].append(row)
    return list(cases.values())


_UNIT = re.compile(r"^(.*?\(\d{4}-\))\s+\S.*$")  # "Military Forces of Syria (2000-) Syrian Arab Air Force"
_YEARS = re.compile(r"\s*\(\d{4}-\)\s*")


def organisation(name: Any) -> str:
    """A key for the organisation an actor name names (ours or ACLED's spelling of it).

    Examples
    --------
    >>> organisation("Military Forces of Syria (2000-) Syrian Arab Air Force") == organisation("Military Forces of Syria (2000-)")
    True
    >>> organisation("QSD: Syrian Democratic Forces") == organisation("SDF: Syrian Democratic Forces")
    True
    >>> organisation("") == organisation(None) == ""
    True
    """
    return _organisation("" if name is None or (isinstance(name, float) and pd.isna(name)) else str(name))


@lru_cache(maxsize=None)
def _organisation(name: str) -> str:
    if not name.strip():
        return ""
    text = name.strip()
    unit = _UNIT.match(text)
    if unit:
        text = unit.group(1)
    table = load_actors()
    for row in table.itertuples(index=False):
        names = {row.actor, *[a.strip() for a in str(getattr(row, "acled_names", "") or "").split("|") if a.strip()]}
        if text in names or _YEARS.sub(" ", text).strip() in {_YEARS.sub(" ", n).strip() for n in names}:
            return row.key
    found = find_actors(text)
    if len(found) == 1 and found[0].end - found[0].start >= 0.5 * len(text):
        return found[0].key
    return _YEARS.sub(" ", text).strip().lower()


def _agree(exp: dict[str, Any], d: pd.Series) -> dict[str, bool]:
    want_type, want_sub = today_type(exp["event_type"], exp["inter1"])
    return {
        "type": d.event_type == want_type,
        "sub_type": want_sub is None or d.sub_event_type == want_sub,
        "actor1": organisation(d.actor1) == organisation(exp["actor1"]),
        "fatalities": int(d.fatalities if pd.notna(d.fatalities) else 0) == exp["fatalities"],
        "date": str(d.event_date.date()) == exp["event_date"],
    }


def score_case(case: dict[str, Any], drafts: pd.DataFrame) -> dict[str, Any]:
    """Recall, precision and the fields of the found events of one case."""
    pts = [(d.longitude, d.latitude) for d in drafts.itertuples()] if len(drafts) else []
    found: list[tuple[dict[str, Any], dict[str, bool] | None, pd.Series | None]] = []
    for exp in case["events"]:
        if exp["geo_precision"] != 1:
            continue
        options = []
        for j, (lon, lat) in enumerate(pts):
            if pd.isna(lon):
                continue
            km = haversine_km(lon, lat, exp["longitude"], exp["latitude"])
            if km <= RADIUS_KM:
                agree = _agree(exp, drafts.iloc[j])
                options.append((round(km, 1), -sum(agree.values()), j, agree))
        best = min(options, key=lambda o: o[:3]) if options else None
        found.append((exp, best[3] if best else None, drafts.iloc[best[2]] if best else None))
    good = good_placed = unplaced = 0
    statuses = list(drafts.match_status) if len(drafts) else []
    for (lon, lat), status in zip(pts, statuses):
        unplaced += status == "unresolved"
        if not pd.isna(lon) and any(haversine_km(lon, lat, e["longitude"], e["latitude"]) <= RADIUS_KM
                                    for e in case["events"]):
            good += 1
            good_placed += status != "unresolved"
    return {"found": found, "drafts": len(pts), "good_drafts": good, "unplaced_drafts": unplaced,
            "good_placed_drafts": good_placed}


def _empty() -> dict[str, float]:
    return dict.fromkeys(["cases", "coded", "found", "drafts", "good_drafts", "unplaced_drafts", "good_placed_drafts",
                          "type", "sub_type", "actor1", "fatalities", "date"], 0)


def evaluate(cases: list[dict[str, Any]], *, errors: list[str] | None = None) -> dict[str, Any]:
    """Counts overall, per month and per coded event type, and the time spent drafting."""
    groups: dict[str, dict[str, float]] = {}
    seconds = cpu = 0.0
    for n, case in enumerate(cases):
        t0, c0 = time.perf_counter(), time.process_time()
        drafts = draft_events(case["notes"], published=case["event_date"], report_id=f"case{n}")
        seconds += time.perf_counter() - t0
        cpu += time.process_time() - c0
        result = score_case(case, drafts)
        month = case["event_date"][:7]
        for name in ("all", f"month {month}"):
            g = groups.setdefault(name, _empty())
            g["cases"] += 1
            g["drafts"] += result["drafts"]
            g["good_drafts"] += result["good_drafts"]
            g["unplaced_drafts"] += result["unplaced_drafts"]
            g["good_placed_drafts"] += result["good_placed_drafts"]
        for exp, agree, got in result["found"]:
            for name in ("all", f"month {case['event_date'][:7]}", f"type {exp['event_type']}"):
                g = groups.setdefault(name, _empty())
                g["coded"] += 1
                if agree is not None:
                    g["found"] += 1
                    for k, v in agree.items():
                        g[k] += v
            if errors is not None:
                if agree is None:
                    errors.append(f"MISSED {exp['location']!r} [{exp['event_type']}] in: {case['notes']}")
                elif not all(agree.values()):
                    errors.append(f"WRONG {','.join(k for k, v in agree.items() if not v)} at {exp['location']!r} "
                                  f"[{exp['event_type']} | {exp['actor1']} | {exp['fatalities']}] drafted "
                                  f"[{got.event_type}: {got.sub_event_type} | {got.actor1} | {got.fatalities}] "
                                  f"in: {case['notes']}")
        if errors is not None and result["good_drafts"] < result["drafts"]:
            bad = [f"{d.location} ({d.place_name})" for d in drafts.itertuples()
                   if not any(haversine_km(d.longitude, d.latitude, e["longitude"], e["latitude"]) <= RADIUS_KM
                              for e in case["events"])]
            errors.append(f"EXTRA {'; '.join(bad)} in: {case['notes']}")
    out = {}
    for name, g in groups.items():
        found = g["found"] or 1
        out[name] = {**g, "recall": g["found"] / (g["coded"] or 1),
                     "precision": g["good_drafts"] / (g["drafts"] or 1),
                     **{f"{k}_share": g[k] / found for k in ("type", "sub_type", "actor1", "fatalities", "date")}}
    out["ms_per_note"] = 1000 * seconds / max(len(cases), 1)
    out["cpu_ms_per_note"] = 1000 * cpu / max(len(cases), 1)
    return out


def _line(name: str, e: dict[str, Any]) -> str:
    prec = f"{e['precision']:7.1%}" if e["drafts"] else "      -"
    return (f"{name:48} {int(e['coded']):5d} {int(e['found']):5d} {e['recall']:7.1%} {prec} "
            f"{e['type_share']:6.1%} {e['sub_type_share']:6.1%} {e['actor1_share']:7.1%} "
            f"{e['fatalities_share']:6.1%} {e['date_share']:6.1%}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dev", default=str(DEV))
    parser.add_argument("--limit", type=int, default=0, help="only the first N cases")
    parser.add_argument("--show-errors", type=int, default=0, metavar="N")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    cases = load_cases(args.dev)
    if args.limit:
        cases = cases[: args.limit]
    errors: list[str] = []
    result = evaluate(cases, errors=errors)
    if args.json:
        print(json.dumps(result, indent=1, sort_keys=True))
        return 0
    o = result["all"]
    print(f"draft_events on {len(cases)} ACLED notes ({int(o['coded'])} coded precision-1 events, "
          f"{int(o['drafts'])} drafts): {result['ms_per_note']:.1f} ms per note "
          f"(CPU {result['cpu_ms_per_note']:.1f} ms; the machine may be shared)")
    print(f"{'':48} {'coded':>5} {'found':>5} {'recall':>7} {'precis':>7} {'type':>6} {'subtyp':>6} "
          f"{'actor1':>7} {'fatal':>6} {'date':>6}")
    print(_line("all", o))
    for name in sorted(k for k in result if k.startswith("month")):
        print(_line(name, result[name]))
    for name in sorted((k for k in result if k.startswith("type")), key=lambda k: -result[k]["coded"]):
        print(_line(name, result[name]))
    placed = int(o["drafts"] - o["unplaced_drafts"])
    print(f"drafts of villages the gazetteer lacks (unresolved, drafted as written at an area or with no point): "
          f"{int(o['unplaced_drafts'])}; precision of the other {placed} drafts: "
          f"{o['good_placed_drafts'] / max(placed, 1):.1%}")
    checks = {"recall": o["recall"], "precision": o["precision"], "type": o["type_share"],
              "actor1": o["actor1_share"], "fatalities": o["fatalities_share"], "date": o["date_share"]}
    print(targets_line(checks, TARGETS))
    for line in errors[: args.show_errors]:
        print("  " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
