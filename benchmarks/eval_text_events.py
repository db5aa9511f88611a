"""Accuracy of ``draft_events`` on hand-coded report paragraphs (``tests/data/report_paragraphs.jsonl``).

Every paragraph of the corpus was written for this project (news wire, monitoring-group daily,
think-tank update, humanitarian situation report) and coded by hand as an analyst would code it
for ACLED: place (with its point), date, event type and sub-type, actor1, actor2, fatalities, and
the places the text names only as references or areas. The corpus has two parts: ``tune`` (used
while developing the rules) and ``heldout`` (looked at only to check that the rules generalise).

Drafts and coded incidents of a paragraph are paired one to one: a draft may pair with an
incident when it lies within 5 km of the incident's point; among those, pairs that agree on the day
and the sub-event type come first, then those that agree on the most other fields. Printed figures:

- recall: share of coded incidents paired with a draft;
- precision: share of drafts paired with a coded incident (a duplicate or a reference place
  drafted as an incident counts against it);
- on the paired ones: sub-event type (and event type), date, time precision, actor1, actor2,
  both actors, fatalities;
- drafts placed at a place the coders marked as a reference only;
- the same figures per style.

Usage::

    python benchmarks/eval_text_events.py [--split tune|heldout|all] [--show-errors 20]
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path
from typing import Any

import pandas as pd

from conflictmap.events.draft import draft_events
from conflictmap.geocoding.matching import haversine_km

from _measure import targets_line  # the benchmarks' own helpers (this folder)

log = logging.getLogger("eval_text_events")

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "report_paragraphs.jsonl"
RADIUS_KM = 5.0
TARGETS = {"recall": 0.90, "precision": 0.90, "type": 0.85, "date": 0.90, "actors": 0.80}


def load_corpus(path: Path | str = CORPUS, split: str = "all") -> list[dict[str, Any]]:
    """The corpus paragraphs of ``split`` (``tune``, ``heldout`` or ``all``)."""
    rows = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if split == "all" or r["split"] == split]


def _norm(value: Any) -> Any:
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def _agreement(exp: dict[str, Any], d: pd.Series) -> dict[str, bool]:
    return {
        "type": d.sub_event_type == exp["sub_event_type"],
        "event_type": d.event_type == exp["event_type"],
        "date": str(d.event_date.date()) == exp["event_date"],
        "time_precision": int(d.time_precision) == int(exp.get("time_precision", 1)),
        "actor1": _norm(d.actor1) == _norm(exp["actor1"]),
        "actor2": _norm(d.actor2) == _norm(exp["actor2"]),
        "fatalities": int(_norm(d.fatalities) or 0) == int(exp.get("fatalities") or 0),
    }


def score_paragraph(par: dict[str, Any], drafts: pd.DataFrame) -> dict[str, Any]:
    """Pair one paragraph's drafts with its coded incidents; return the pairs and the leftovers."""
    options = []
    for i, exp in enumerate(par["events"]):
        for j, d in drafts.iterrows():
            if pd.isna(d.longitude):
                continue
            km = haversine_km(d.longitude, d.latitude, exp["longitude"], exp["latitude"])
            if km <= RADIUS_KM:
                agree = _agreement(exp, d)
                options.append(((agree["date"] + agree["type"], sum(agree.values())), -km, i, j, agree))
    # several drafts at one place: pair those that agree on the day and type first, then on the rest
    options.sort(key=lambda o: (o[0], o[1]), reverse=True)
    used_e, used_d, pairs = set(), set(), []
    for _, _, i, j, agree in options:
        if i in used_e or j in used_d:
            continue
        used_e.add(i)
        used_d.add(j)
        pairs.append((i, j, agree))
    missed = [par["events"][i] for i in range(len(par["events"])) if i not in used_e]
    extra = drafts.loc[[j for j in drafts.index if j not in used_d]]
    return {"pairs": pairs, "missed": missed, "extra": extra}


def evaluate(paragraphs: list[dict[str, Any]], *, errors: list[str] | None = None) -> dict[str, Any]:
    """Figures of ``draft_events`` on ``paragraphs``: overall and per style.

    Returns a dict with ``overall`` and ``by_style`` (each: counts and shares), and fills
    ``errors`` (when given) with one line per miss, extra draft or wrong field.
    """
    per_style: dict[str, dict[str, float]] = {}
    for par in paragraphs:
        drafts = draft_events(par["text"], published=par["published"], report_id=par["id"])
        result = score_paragraph(par, drafts)
        refs = {r.lower() for r in par.get("references", [])}
        for style in ("all", par["style"]):
            s = per_style.setdefault(style, dict.fromkeys(
                ["paragraphs", "coded", "drafts", "paired", "type", "event_type", "date", "time_precision",
                 "actor1", "actor2", "actors", "fatalities", "reference_drafts"], 0))
            s["paragraphs"] += 1
            s["coded"] += len(par["events"])
            s["drafts"] += len(drafts)
            s["paired"] += len(result["pairs"])
            for _, _, agree in result["pairs"]:
                for key in ("type", "event_type", "date", "time_precision", "actor1", "actor2", "fatalities"):
                    s[key] += agree[key]
                s["actors"] += agree["actor1"] and agree["actor2"]
            s["reference_drafts"] += int(result["extra"].location.str.lower().isin(refs).sum()) if len(drafts) else 0
        if errors is not None:
            for exp in result["missed"]:
                errors.append(f"{par['id']} MISSED {exp['location']} {exp['event_date']} {exp['sub_event_type']}")
            for _, d in result["extra"].iterrows():
                errors.append(f"{par['id']} EXTRA  {d.location} ({d.place_name}) {d.event_date.date()} {d.sub_event_type}")
            for i, j, agree in result["pairs"]:
                exp, d = par["events"][i], drafts.loc[j]
                wrong = [k for k in ("type", "date", "actor1", "actor2", "fatalities") if not agree[k]]
                if wrong:
                    got = {"type": d.sub_event_type, "date": str(d.event_date.date()), "actor1": d.actor1,
                           "actor2": d.actor2, "fatalities": d.fatalities}
                    want = {"type": exp["sub_event_type"], "date": exp["event_date"], "actor1": exp["actor1"],
                            "actor2": exp["actor2"], "fatalities": exp.get("fatalities")}
                    errors.append(f"{par['id']} WRONG  {exp['location']}: "
                                  + "; ".join(f"{k} {got[k]!r} (coded {want[k]!r})" for k in wrong))
    out: dict[str, Any] = {"by_style": {}}
    for style, s in per_style.items():
        paired = s["paired"] or 1
        shares = {
            "recall": s["paired"] / (s["coded"] or 1),
            "precision": s["paired"] / (s["drafts"] or 1),
            **{k: s[k] / paired for k in ("type", "event_type", "date", "time_precision", "actor1", "actor2",
                                          "actors", "fatalities")},
        }
        entry = {**s, **{f"{k}_share": v for k, v in shares.items()}}
        if style == "all":
            out["overall"] = entry
        else:
            out["by_style"][style] = entry
    return out


def _line(name: str, e: dict[str, Any]) -> str:
    return (f"{name:10} {e['paragraphs']:4d} {e['coded']:5d} {e['drafts']:6d} {e['recall_share']:7.1%} "
            f"{e['precision_share']:7.1%} {e['type_share']:6.1%} {e['date_share']:6.1%} "
            f"{e['actor1_share']:7.1%} {e['actor2_share']:7.1%} {e['actors_share']:7.1%} "
            f"{e['fatalities_share']:6.1%}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", default=str(CORPUS))
    parser.add_argument("--split", choices=["tune", "heldout", "all"], default="tune")
    parser.add_argument("--show-errors", type=int, default=0, metavar="N", help="print N error lines")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    paragraphs = load_corpus(args.corpus, args.split)
    t0 = time.perf_counter()
    errors: list[str] = []
    result = evaluate(paragraphs, errors=errors)
    seconds = time.perf_counter() - t0
    o = result["overall"]
    print(f"draft_events on {len(paragraphs)} hand-coded paragraphs ({args.split}), "
          f"{o['coded']} coded incidents, {o['drafts']} drafts, {seconds:.1f} s")
    print(f"{'style':10} {'par':>4} {'coded':>5} {'drafts':>6} {'recall':>7} {'precis':>7} {'type':>6} "
          f"{'date':>6} {'actor1':>7} {'actor2':>7} {'both':>7} {'fatal':>6}")
    print(_line("all", o))
    for style, e in sorted(result["by_style"].items()):
        print(_line(style, e))
    print(f"event type (not sub-type) right: {o['event_type_share']:.1%}; time precision right: "
          f"{o['time_precision_share']:.1%}; drafts at reference-only places: {o['reference_drafts']}")
    checks = {"recall": o["recall_share"], "precision": o["precision_share"], "type": o["type_share"],
              "date": o["date_share"], "actors": o["actors_share"]}
    print(targets_line(checks, TARGETS))
    for line in errors[: args.show_errors]:
        print("  " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
