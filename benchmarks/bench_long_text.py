"""Benchmark: ``draft_events`` (what ``conflictmap extract`` runs) on long and hostile text.

Time must grow linearly with the text. Prints, in one run:

* reports of 500, 1,000 and 2,000 sentences and a 1 MB report (about 9,000 sentences), built from
  the templates of ``benchmarks/report_sentences.txt`` with gazetteer names put in (see
  ``bench_find_places.make_text``): seconds, seconds per 1,000 sentences (flat when linear) and the
  ratio to the 500-sentence report per sentence;
* one sentence naming one village 2,000 times ("... in X, X, X, ...");
* targets: the 1 MB report under 10 s, the repeated-village sentence under 2 s (wall-clock; the
  process's CPU seconds are printed beside it, as the machine may be shared).

A size is skipped (and said so) once a smaller one took longer than ``--budget`` seconds, so the
script ends on slow code too.

Usage::

    python benchmarks/bench_long_text.py [--quick] [--budget 60]

This is a script, not a timed test.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _measure import machine, measure, report  # noqa: E402
from bench_find_places import make_text  # noqa: E402

TARGETS = {"1 MB report": 10.0, "village x2000": 2.0}


def report_of(gz, sentences: int, seed: int = 5) -> str:
    """A report of about ``sentences`` sentences (about 115 characters each)."""
    text, _ = make_text(gz, sentences * 15, seed)
    return text


def repeated_village(gz, times: int = 2000) -> str:
    """One sentence naming one settlement ``times`` times."""
    sett = gz.places[(gz.places["feature_type"] == "settlement") & (gz.places["population"].fillna(0) > 5000)]
    name = sorted(n for n in sett["name"] if isinstance(n, str) and n[:1].isupper() and " " not in n)[0]
    return "Government forces shelled " + ", ".join([name] * times) + " on Tuesday."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke test)")
    parser.add_argument("--budget", type=float, default=60.0, help="skip larger sizes after a step this slow")
    args = parser.parse_args(argv)

    from conflictmap import get_gazetteer
    from conflictmap.events.draft import draft_events
    from conflictmap.events.text import split_sentences
    from conflictmap.geocoding.matching import NameIndex

    print(f"draft_events on long text ({machine()})")
    gz = get_gazetteer()
    NameIndex.for_gazetteer(gz)
    draft_events("Warplanes struck Saraqib.", published="2020-01-01")  # data files loaded before timing
    sizes = [50, 100, 200] if args.quick else [500, 1000, 2000, 0]
    per_1000: dict[int, float] = {}
    slow = None
    results: dict[str, float] = {}
    for n in sizes:
        text = report_of(gz, n) if n else None
        if not n:  # the 1 MB report
            text = report_of(gz, 9000)
            while len(text.encode("utf-8")) < 1_000_000:
                text += text[: 1_000_000 - len(text.encode("utf-8")) + 200]
        sentences = len(split_sentences(text))
        label = "1 MB report" if not n else f"{n:,}-sentence report"
        if slow is not None:
            print(f"  {label:<46} skipped: {slow}")
            continue
        cpu = time.process_time()
        with measure() as step:
            drafts = draft_events(text, published="2020-07-01")
        cpu = time.process_time() - cpu
        per_1000[n] = step.seconds / sentences * 1000
        ratio = per_1000[n] / per_1000[sizes[0]]
        report(f"{label} ({len(text):,} chars)", step,
               f"{len(drafts):,} drafts; CPU {cpu:.2f} s; {per_1000[n]:.2f} s per 1,000 sentences "
               f"({ratio:.2f}x the smallest)")
        results[label] = step.seconds
        if step.seconds > args.budget:
            slow = f"{label} took {step.seconds:.0f} s (> {args.budget:.0f} s budget)"
    text = repeated_village(gz, 200 if args.quick else 2000)
    cpu = time.process_time()
    with measure() as step:
        drafts = draft_events(text, published="2020-07-01")
    cpu = time.process_time() - cpu
    report(f"one sentence, one village x{text.count(',') + 1:,}", step, f"{len(drafts):,} drafts; CPU {cpu:.2f} s")
    results["village x2000"] = step.seconds
    if not args.quick:
        print("targets: " + ", ".join(
            f"{k} {results[k]:.2f} s {'<' if results[k] < v else '>='} {v:.0f} s" if k in results else f"{k} not run"
            for k, v in TARGETS.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
