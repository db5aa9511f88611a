"""Benchmark: ``find_places`` on a 10,000-word report.

The report is built from the sentence templates in ``benchmarks/report_sentences.txt`` with
gazetteer settlement names put in (so we know what should be found). Prints, in one run:

* ``find_places(text)`` time and peak memory (first call in the process: the name index is
  built before timing), the number of mentions and how many inserted names were found,
* the naive alternative: a word-bounded regular expression per gazetteer name scanned over the
  whole text, timed on a sample of names and extrapolated to all of them, with the ratio and
  the same count of inserted names found.

Usage::

    python benchmarks/bench_find_places.py [--words 10000] [--seed 3] [--quick]

This is a script, not a timed test.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _measure import machine, measure, report  # noqa: E402


def make_text(gz, words: int, seed: int) -> tuple[str, list[tuple[int, int]]]:
    """A report of about ``words`` words and the spans of the place names put in it."""
    rng = np.random.default_rng(seed)
    lines = [ln.strip() for ln in (HERE / "report_sentences.txt").read_text("utf-8").splitlines()
             if ln.strip() and not ln.startswith("#")]
    sett = gz.places[(gz.places["feature_type"] == "settlement") & (gz.places["population"].fillna(0) > 0)]
    pool = [n for n in sett["name"].tolist() if n and n[0].isupper() and len(n) >= 4]
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    count = 0
    paragraph = 0
    while count < words:
        template = lines[int(rng.integers(len(lines)))]
        pieces = template.split("{p}")
        sentence = pieces[0]
        offset = length + len(pieces[0])
        for piece in pieces[1:]:
            name = pool[int(rng.integers(len(pool)))]
            spans.append((offset, offset + len(name)))
            sentence += name + piece
            offset += len(name) + len(piece)
        sep = "\n\n" if paragraph >= 5 else " "
        paragraph = 0 if sep == "\n\n" else paragraph + 1
        parts.append(sentence + sep)
        length += len(sentence) + len(sep)
        count += len(sentence.split())
    return "".join(parts), spans


def found_share(spans: list[tuple[int, int]], found: list[tuple[int, int]]) -> float:
    starts = {}
    for s, e in found:
        starts.setdefault(s, set()).add(e)
    hit = sum(1 for s, e in spans if e in starts.get(s, ()))
    return hit / max(1, len(spans))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--words", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--sample", type=int, default=3_000, help="names timed for the naive scan")
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke test)")
    args = parser.parse_args(argv)
    if args.quick:
        args.words, args.sample = 500, 200

    from conflictmap import get_gazetteer
    from conflictmap.events.places_in_text import find_places
    from conflictmap.geocoding.matching import NameIndex

    print(f"find_places ({machine()})")
    with measure() as load:
        gz = get_gazetteer()
        NameIndex.for_gazetteer(gz)
    report("load gazetteer + build index (once)", load)
    text, spans = make_text(gz, args.words, args.seed)
    print(f"  text: {len(text.split()):,} words, {len(text):,} characters, {len(spans):,} place names put in")

    with measure() as ours:
        table = find_places(text)
    share = found_share(spans, list(zip(table["start"], table["end"])))
    report("find_places(text)", ours, f"{len(table):,} mentions; inserted names found {share:.1%}")

    names = sorted({n for n in gz.names["name"] if isinstance(n, str) and len(n) >= 3})
    if args.quick:  # a sample of names, extrapolated
        rng = np.random.default_rng(args.seed)
        scan = [names[i] for i in rng.choice(len(names), size=min(args.sample, len(names)), replace=False)]
    else:
        scan = names
    found: list[tuple[int, int]] = []
    with measure() as naive:
        for name in scan:
            found += [(m.start(), m.end()) for m in re.finditer(r"\b" + re.escape(name) + r"\b", text)]
    naive.seconds = naive.seconds / len(scan) * len(names)
    what = "extrapolated" if len(scan) < len(names) else "all names"
    report(f"alternative: one regex per name ({what})", naive,
           f"{len(names):,} names; ratio {naive.seconds / ours.seconds:.1f}x slower")
    if len(scan) == len(names):
        print(f"  naive scan: {len(found):,} hits, inserted names found {found_share(spans, found):.1%} "
              "(case-sensitive exact spellings; no choice between same-named places)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
