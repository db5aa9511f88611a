"""How quickly the review widget opens on 1,000 pending rows, and how quickly a decision is on disk.

Targets (issue 23): the widget is ready in under 1 s for 1,000 pending rows; a decision is on
disk in under 100 ms. Prints figures; this is a script, not a timed test.

* **ready (Python)**: ``cm.review(table, ...)`` on a geocoded table with N pending rows (what to
  review, the ranked candidates of every row, the basemap, the first row's view), cold (first
  call in the process) and warm; compared with building every row's view up front (what a widget
  that sends all rows at once would do) - the payload size too.
* **ready (browser)**: the widget's own script (``conflictmap/data/review/review.js``) rendering
  that state in headless Chromium with a stand-in for the notebook's model (no Jupyter), and
  redrawing for the next row. Skipped without playwright / chromium.
* **decision on disk**: ``Review.decide`` until the corrections file is replaced (empty file, and
  one that already holds 5,000 corrections), the widget's key handler (decision + next row
  shown), and ``save_corrections`` (the review-table path of ``attach_events``) for comparison.

Usage::

    python benchmarks/bench_review.py [--rows 1000] [--decisions 50] [--no-browser] [--quick]
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _measure import measure  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
JS = HERE.parent / "conflictmap" / "data" / "review" / "review.js"


def pending_table(rows: int):
    """A geocoded table with ``rows`` ambiguous rows: settlement names several places share, then
    misspelt names (the last letter doubled: fuzzy answers, never ``matched``). Deterministic."""
    import conflictmap as cm

    gz = cm.get_gazetteer()
    names = gz.places.loc[gz.places["feature_type"] == "settlement", "name"]
    counts = names.value_counts()
    shared = sorted(counts[counts >= 2].index)
    misspelt = [n + n[-1] for n in sorted(set(names)) if len(n) > 4]
    table = cm.geocode(pd.DataFrame({"location": shared + misspelt[: rows * 3]}))
    todo = table[table["match_status"] == "ambiguous"].head(rows)
    return table.loc[todo.index].reset_index(drop=True)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def bench_ready(table, folder: Path) -> dict:
    import conflictmap as cm
    from conflictmap.reviewing import basemap as basemap_module

    with measure() as cold:
        widget = cm.review(table, corrections=folder / "ready.csv", user_places=folder / "ready_places.csv")
    basemap_module._CACHE.clear()
    warm = []
    for _ in range(3):
        t0 = time.perf_counter()
        widget = cm.review(table, corrections=folder / "ready.csv", user_places=folder / "ready_places.csv")
        warm.append(time.perf_counter() - t0)
    state = {"basemap": widget.basemap, "item": widget.item, "progress": widget.progress, "message": widget.message}
    state_bytes = len(json.dumps(state))
    t0 = time.perf_counter()
    items = [widget._item(label, i) for i, label in enumerate(widget.review.queue)]
    all_items = time.perf_counter() - t0
    all_bytes = len(json.dumps(items)) + len(json.dumps(widget.basemap))
    print(f"pending rows                               {len(widget.review.queue):8d}")
    print(f"cm.review() ready, cold (first call)       {ms(cold.seconds)}   peak +{cold.peak_mib:.0f} MiB")
    print(f"cm.review() ready, warm (median of 3)      {ms(statistics.median(warm))}")
    print(f"  state sent to the page                   {state_bytes / 1024:8.1f} KiB")
    print(f"every row's view built up front            {ms(all_items)}   "
          f"x{all_items / statistics.median(warm):.1f} the widget's warm start")
    print(f"  payload of every row up front            {all_bytes / 1024:8.1f} KiB   "
          f"x{all_bytes / state_bytes:.1f} the widget's")
    return {"widget": widget, "state": state}


def bench_browser(widget, state: dict) -> None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("browser render                             skipped (no playwright)")
        return
    if not Path(CHROMIUM).exists():
        print("browser render                             skipped (no chromium)")
        return
    next_item = widget._item(widget.review.queue[1], 1)
    script = """async ([src, state, nextItem]) => {
      const handlers = {};
      const model = { get: k => state[k], on: (n, f) => { handlers[n] = f; }, off: () => {}, send: () => {} };
      const url = URL.createObjectURL(new Blob([src], { type: "text/javascript" }));
      const mod = await import(url);
      const host = document.createElement("div"); document.body.appendChild(host);
      const t0 = performance.now();
      mod.default.render({ model, el: host });
      await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
      const t1 = performance.now();
      state.item = nextItem;
      handlers["change:item"]();
      await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
      const t2 = performance.now();
      return [t1 - t0, t2 - t1, document.querySelectorAll(".cmr-cand-row").length];
    }"""
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        page.route("**/*", lambda route: route.abort())
        page.set_content("<!doctype html><html><body></body></html>")
        runs = [page.evaluate(script, [JS.read_text(encoding="utf-8"), state, next_item]) for _ in range(3)]
        browser.close()
    first = statistics.median(r[0] for r in runs) / 1000
    redraw = statistics.median(r[1] for r in runs) / 1000
    print(f"browser: first row drawn (render + paint)  {ms(first)}")
    print(f"browser: next row drawn                    {ms(redraw)}")


def bench_decisions(table, folder: Path, decisions: int) -> None:
    import conflictmap as cm
    from conflictmap.events.attach import save_corrections
    from conflictmap.reviewing.decisions import Review

    def run(corrections: Path) -> list[float]:
        review = Review(table, corrections=corrections)
        times = []
        for label in review.queue[:decisions]:
            choice = review.candidates(label)[-1]["place_id"]
            t0 = time.perf_counter()
            review.decide(label, place_id=choice)
            times.append(time.perf_counter() - t0)
        return times

    empty = run(folder / "decide_empty.csv")
    big = folder / "decide_big.csv"
    filler = pd.DataFrame({"name": [f"earlier name {i}" for i in range(5000)], "admin1": "",
                           "place_id": "gn:165178", "note": "earlier"})
    filler.to_csv(big, index=False)
    full = run(big)

    widget = cm.review(table, corrections=folder / "decide_widget.csv")
    keyed = []
    for _ in range(min(decisions, len(widget.review.queue))):
        t0 = time.perf_counter()
        widget._on_msg(widget, {"action": "choose", "n": 1, "position": widget.position}, [])
        keyed.append(time.perf_counter() - t0)

    gz = cm.get_gazetteer()
    review_rows = pd.DataFrame({"location": table["location"].head(decisions), "admin1": "",
                                "correct_place_id": table["place_id"].head(decisions)})
    saved = []
    target = folder / "save_corrections.csv"
    for i in range(len(review_rows)):
        t0 = time.perf_counter()
        save_corrections(review_rows.iloc[[i]], target, gazetteer=gz)
        saved.append(time.perf_counter() - t0)

    def line(label: str, values: list[float]) -> None:
        print(f"{label:43s}{ms(statistics.median(values))} median, {ms(max(values))} max (n={len(values)})")

    line("decision on disk, new corrections file", empty)
    line("decision on disk, file of 5,000 rows", full)
    line("key press handled (disk + next row shown)", keyed)
    line("save_corrections() of one row (compare)", saved)
    print(f"  decide / save_corrections                {statistics.median(empty) / statistics.median(saved):8.2f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--decisions", type=int, default=50)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--quick", action="store_true", help="100 rows, 10 decisions, no browser")
    args = parser.parse_args(argv)
    if args.quick:
        args.rows, args.decisions, args.no_browser = 100, 10, True
    logging.basicConfig(level=logging.WARNING)
    print(f"== review widget: {args.rows} pending rows ==")
    t0 = time.perf_counter()
    table = pending_table(args.rows)
    print(f"table: geocode() of the names               {ms(time.perf_counter() - t0)} (not part of the figures)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ready = bench_ready(table, folder)
        if not args.no_browser:
            bench_browser(ready["widget"], ready["state"])
        bench_decisions(table, folder, args.decisions)
    return 0


if __name__ == "__main__":
    sys.exit(main())
