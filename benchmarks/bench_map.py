"""Benchmark: our incidents layer vs ``GeoDataFrame.explore()`` vs plain folium markers, the
place labels, and frame times while panning and zooming.

For each size (default 10,000 / 50,000 / 100,000 synthetic incidents) and each method, in one run:

* Python time to build the map and write it with ``save_html`` (every asset inlined, so all three
  open offline and are compared on equal terms); for ours also ``DataFrame.to_json(orient="records")``
  of the same table timed right after, and the ratio build / to_json (target <= 1),
* file size,
* time until the map is ready in headless Chromium with the network blocked: navigation start
  until the page's ``load`` event, our layers' ``ready`` promises, and two animation frames.

Place labels: number of labels from the gazetteer, bytes of their JSON and of what the page
carries (gzip + base64) for ``labels="en" | "ar" | "both"``, and that cost scaled to 15,000
settlements.

Frame times (``--frames``, default 100,000 and 1,000,000): the full ``conflict_map`` (offline
basemap, labels, incidents, slider) is panned and zoomed by script (animated ``panBy`` and
``setZoom`` over Idlib, Aleppo and the east, bounded in steps and seconds); every
``requestAnimationFrame`` delta is recorded and the median and p95 printed (goal: p95 < 50 ms at
100,000).

Usage::

    python benchmarks/bench_map.py [--sizes 10000 50000 100000] [--methods ours explore markers]
                                   [--frames 100000 1000000] [--timeout 180]
                                   [--out test-artifacts/bench_map.json]

Targets for 100,000 incidents (ours): build+save < 3 s, file < 15 MB, ready < 2 s, each better
than ``explore()`` in the same run. This is a script, not a timed test.
"""

from __future__ import annotations

import argparse
import html
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from conflictmap.export import save_html
from conflictmap.maps.conflict_map import conflict_map
from conflictmap.maps.incidents import incidents_layer
from conflictmap.maps.labels import label_payload, label_table
from conflictmap.maps.payload import dumps, encode
from conflictmap.maps.styles import styles

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]
TARGETS = {"build_s": 3.0, "size_mb": 15.0, "ready_s": 2.0}
FRAME_P95_TARGET_MS = 50.0
SETTLEMENTS_AFTER_MERGE = 15_000
ROOT = Path(__file__).resolve().parents[1]


def synthetic_events(n: int, seed: int = 0) -> gpd.GeoDataFrame:
    """``n`` incidents around real Syrian towns (from the gazetteer when available) over two years,
    with unique quoted sentences, as a GeoDataFrame with the ACLED columns the maps use."""
    rng = np.random.default_rng(seed)
    try:
        from conflictmap.gazetteer import get_gazetteer

        places = get_gazetteer().places
        towns = places[(places["feature_type"] == "settlement") & places["population"].notna()]
        names, lons, lats = towns["name"].to_numpy(), towns["longitude"].to_numpy(), towns["latitude"].to_numpy()
        admin1 = towns["admin1"].fillna("").to_numpy()
    except Exception:  # noqa: BLE001 - benchmark also runs without the gazetteer data
        k = 400
        names = np.array([f"Town {i}" for i in range(k)])
        lons, lats = rng.uniform(35.8, 42.2, k), rng.uniform(32.4, 37.2, k)
        admin1 = np.array([f"Governorate {i % 14}" for i in range(k)])
    types = list(styles()["event_types"])
    pick = rng.integers(0, len(names), n)
    lon = lons[pick] + rng.normal(0, 0.03, n)
    lat = lats[pick] + rng.normal(0, 0.03, n)
    dates = pd.Timestamp("2019-01-01") + pd.to_timedelta(rng.integers(0, 730, n), unit="D")
    actors = np.array([f"Armed group {i}" for i in range(60)])
    a1, a2 = actors[rng.integers(0, 60, n)], actors[rng.integers(0, 60, n)]
    etype = np.array(types)[rng.integers(0, len(types), n)]
    fat = rng.poisson(1.2, n)
    loc = names[pick]
    serial = rng.integers(0, 10**6, n)
    sentence = [f"{x} reportedly attacked positions held by {y} near {p} on {d:%d %B %Y}, killing {f} (ref {s})."
                for x, y, p, d, f, s in zip(a1, a2, loc, dates, fat, serial)]
    frame = pd.DataFrame({
        "event_id_cnty": [f"SYR{k:06d}" for k in range(n)],
        "event_date": dates,
        "time_precision": 1,
        "event_type": etype,
        "sub_event_type": "Armed clash",
        "actor1": a1,
        "actor2": a2,
        "admin1": admin1[pick],
        "location": loc,
        "latitude": lat,
        "longitude": lon,
        "geo_precision": rng.choice([1, 1, 1, 2], n),
        "fatalities": fat,
        "source": "Synthetic monitor",
        "source_url": [f"https://example.org/report/{k // 20}" for k in range(n)],
        "source_sentence": sentence,
    })
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")


def build_ours(events: gpd.GeoDataFrame) -> folium.Map:
    m = folium.Map(location=[35, 38.5], zoom_start=7, tiles=None)
    incidents_layer(events, m, gazetteer=False)
    return m


def build_explore(events: gpd.GeoDataFrame) -> folium.Map:
    return events.explore(tiles=None)


def build_markers(events: gpd.GeoDataFrame) -> folium.Map:
    m = folium.Map(location=[35, 38.5], zoom_start=7, tiles=None)
    for lat, lon, etype, date, sentence in zip(events["latitude"], events["longitude"], events["event_type"],
                                              events["event_date"], events["source_sentence"]):
        popup = f"<b>{html.escape(etype)}</b> {date:%Y-%m-%d}<br>{html.escape(sentence)}"
        folium.Marker([lat, lon], popup=folium.Popup(popup, max_width=300), tooltip=html.escape(etype)).add_to(m)
    return m


METHODS = {"ours": build_ours, "explore": build_explore, "markers": build_markers}

_READY_JS = """async () => {
  const layers = window.Conflictmap ? Object.values(window.Conflictmap.layers) : [];
  await Promise.all(layers.filter(l => l && l.ready).map(l => l.ready));
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  return performance.now();
}"""


def browser_ready_seconds(browser, path: Path, timeout_s: float) -> float | None:
    """Seconds from navigation start until the map is ready, or None past ``timeout_s``.

    Every wait has a client-side timeout, and each page gets its own context that is thrown away,
    so a page whose main thread is stuck cannot stall the run.
    """
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()
    url = path.resolve().as_uri()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.route("**/*", lambda route: route.continue_() if route.request.url == url else route.abort())
    deadline = time.monotonic() + timeout_s

    def left_ms() -> float:
        return max(1.0, (deadline - time.monotonic()) * 1000)

    try:
        page.goto(url, wait_until="commit", timeout=left_ms())
        page.wait_for_load_state("load", timeout=left_ms())
        page.evaluate("() => { (" + _READY_JS + ")().then(t => { window.__benchReady = t; }); return 0; }")
        page.wait_for_function("window.__benchReady !== undefined", timeout=left_ms())
        ready_ms = page.evaluate("window.__benchReady")
        if errors:
            logging.warning("%s: JS errors: %s", path.name, errors[:3])
        return ready_ms / 1000.0
    except Exception as exc:  # noqa: BLE001 - a timeout is a result here
        logging.warning("%s: not ready within %.0f s (%s)", path.name, timeout_s, type(exc).__name__)
        return None
    finally:
        try:
            context.close()
        except Exception:  # noqa: BLE001
            pass


def to_json_seconds(events: gpd.GeoDataFrame) -> float:
    """Seconds pandas takes to write the same table as row-wise JSON (the geometry column dropped:
    latitude/longitude are columns of the table)."""
    plain = pd.DataFrame(events.drop(columns="geometry"))
    start = time.perf_counter()
    plain.to_json(orient="records", date_format="iso")
    return time.perf_counter() - start


def label_figures() -> list[dict]:
    """Size of the label data from the gazetteer, per script, and scaled to 15,000 settlements."""
    try:
        from conflictmap.gazetteer import get_gazetteer

        places = get_gazetteer().places
    except Exception as exc:  # noqa: BLE001 - benchmark also runs without the gazetteer data
        logging.warning("no gazetteer, no label figures: %s", exc)
        return []
    start = time.perf_counter()
    table = label_table(places)
    table_s = time.perf_counter() - start
    settlements = int((places["feature_type"] == "settlement").sum())
    rows = []
    for script in ("en", "ar", "both"):
        payload = label_payload(table, script=script)
        raw = len(dumps(payload).encode("utf-8"))
        page = len(encode(payload, compress=True).encode("utf-8"))
        rows.append({"script": script, "labels": payload["n"], "settlements": settlements,
                     "json_kb": round(raw / 1e3, 1), "in_page_kb": round(page / 1e3, 1),
                     "in_page_kb_at_15000": round(page / 1e3 * SETTLEMENTS_AFTER_MERGE / max(settlements, 1), 1),
                     "select_s": round(table_s, 2)})
    return rows


# Scripted pans and zooms (animated, as a user's drag and wheel), bounded in steps and seconds;
# records every requestAnimationFrame delta while they run.
_FRAMES_JS = """async ([budgetMs]) => {
  const layer = Object.values(Conflictmap.layers).find(l => l && l._map);
  const map = layer._map;
  const deltas = [];
  let last = null, running = true;
  const tick = t => { if (last !== null) { deltas.push(t - last); } last = t; if (running) { requestAnimationFrame(tick); } };
  requestAnimationFrame(tick);
  const settle = () => new Promise(r => { let done = false; const fin = () => { if (!done) { done = true; r(); } };
                                          map.once("moveend", fin); setTimeout(fin, 1500); });
  const steps = [["view", 35.6, 36.7, 8], ["pan", 300, 0], ["pan", 0, 250], ["pan", -400, -100], ["zoom", 9],
                 ["pan", 250, 200], ["zoom", 10], ["pan", -300, 150], ["pan", 200, -250], ["zoom", 11],
                 ["pan", 350, 0], ["pan", 0, -300], ["zoom", 10], ["zoom", 9], ["view", 36.2, 37.2, 9],
                 ["pan", -250, 100], ["zoom", 10], ["pan", 300, 300], ["zoom", 8], ["view", 35.3, 40.1, 8],
                 ["pan", 400, 0], ["pan", -200, 200], ["zoom", 7], ["pan", 300, -100], ["zoom", 8]];
  const start = performance.now();
  let done = 0;
  for (const s of steps) {
    if (performance.now() - start > budgetMs) { break; }
    const moved = settle();
    if (s[0] === "view") { map.setView([s[1], s[2]], s[3], {animate: true}); }
    else if (s[0] === "pan") { map.panBy([s[1], s[2]], {animate: true, duration: 0.4}); }
    else { map.setZoom(s[1], {animate: true}); }
    await moved;
    await new Promise(r => setTimeout(r, 120));
    done++;
  }
  running = false;
  return {deltas: deltas, steps: done, seconds: (performance.now() - start) / 1000};
}"""


def frame_times(browser, path: Path, timeout_s: float, budget_s: float = 40.0) -> dict | None:
    """Median and p95 of frame deltas (ms) while panning and zooming the map in ``path``."""
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()
    url = path.resolve().as_uri()
    page.route("**/*", lambda route: route.continue_() if route.request.url == url else route.abort())
    try:
        page.goto(url, wait_until="load", timeout=timeout_s * 1000)
        page.wait_for_function("window.Conflictmap && Object.values(Conflictmap.layers)"
                               ".every(l => (!l.ready || l._d) && !(l._map && l._map._animatingZoom))",
                               timeout=timeout_s * 1000)
        page.set_default_timeout((budget_s + 30) * 1000)
        out = page.evaluate(_FRAMES_JS, [budget_s * 1000])
    except Exception as exc:  # noqa: BLE001 - a timeout is a result here
        logging.warning("%s: no frame times (%s)", path.name, type(exc).__name__)
        return None
    finally:
        try:
            context.close()
        except Exception:  # noqa: BLE001
            pass
    deltas = np.asarray(out["deltas"], dtype=float)
    if not len(deltas):
        return None
    return {"frames": int(len(deltas)), "steps": out["steps"], "seconds": round(out["seconds"], 1),
            "median_ms": round(float(np.median(deltas)), 1), "p95_ms": round(float(np.percentile(deltas, 95)), 1),
            "max_ms": round(float(deltas.max()), 1)}


def run(sizes: list[int], methods: list[str], timeout_s: float, workdir: Path,
        frames: list[int] | None = None) -> tuple[list[dict], list[dict]]:
    from playwright.sync_api import sync_playwright

    results: list[dict] = []
    frame_rows: list[dict] = []
    frames = frames or []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for n in sorted(set(sizes) | set(frames)):
                events = synthetic_events(n)
                for method in methods if n in sizes else []:
                    path = workdir / f"{method}_{n}.html"
                    start = time.perf_counter()
                    save_html(METHODS[method](events), path)
                    build_s = time.perf_counter() - start
                    size_mb = os.path.getsize(path) / 1e6
                    ready_s = browser_ready_seconds(browser, path, timeout_s)
                    row = {"n": n, "method": method, "build_s": round(build_s, 2), "size_mb": round(size_mb, 2),
                           "ready_s": None if ready_s is None else round(ready_s, 2)}
                    if method == "ours":
                        json_s = to_json_seconds(events)
                        row["to_json_s"] = round(json_s, 2)
                        row["build_vs_to_json"] = round(build_s / json_s, 2)
                    results.append(row)
                    print(json.dumps(row), flush=True)
                    path.unlink()
                if n in frames:
                    path = workdir / f"full_{n}.html"
                    start = time.perf_counter()
                    save_html(conflict_map(events, title=f"{n:,} incidents", heatmap=False), path)
                    row = {"n": n, "build_s": round(time.perf_counter() - start, 2),
                           "size_mb": round(os.path.getsize(path) / 1e6, 2)}
                    if n not in sizes:  # the ratio to to_json at this size too
                        json_s = to_json_seconds(events)
                        plain = workdir / f"ours_{n}.html"
                        start = time.perf_counter()
                        save_html(build_ours(events), plain)
                        ours_s = time.perf_counter() - start
                        row.update({"ours_build_s": round(ours_s, 2), "ours_size_mb": round(os.path.getsize(plain) / 1e6, 2),
                                    "to_json_s": round(json_s, 2), "build_vs_to_json": round(ours_s / json_s, 2)})
                        ready = browser_ready_seconds(browser, plain, timeout_s)
                        row["ours_ready_s"] = None if ready is None else round(ready, 2)
                        plain.unlink()
                    ready_s = browser_ready_seconds(browser, path, timeout_s)
                    row["ready_s"] = None if ready_s is None else round(ready_s, 2)
                    row.update(frame_times(browser, path, timeout_s) or {})
                    frame_rows.append(row)
                    print(json.dumps({"frames": row}), flush=True)
                    path.unlink()
        finally:
            browser.close()
    return results, frame_rows


def verdict(results: list[dict], n: int = 100_000) -> list[str]:
    """Lines checking our targets at ``n`` incidents against the absolute targets and explore()."""
    rows = {r["method"]: r for r in results if r["n"] == n}
    ours, explore = rows.get("ours"), rows.get("explore")
    if not ours:
        return []
    lines = []
    for key, limit in TARGETS.items():
        value = ours[key]
        other = explore[key] if explore else None
        ok = value is not None and value < limit and (other is None or value < other)
        lines.append(f"{key}: ours {value} (target < {limit}; explore {other if other is not None else 'timeout'}) "
                     f"-> {'OK' if ok else 'MISSED'}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000, 100_000])
    parser.add_argument("--methods", nargs="+", choices=list(METHODS), default=list(METHODS))
    parser.add_argument("--frames", type=int, nargs="*", default=[100_000, 1_000_000],
                        help="sizes at which to pan and zoom the full map and print frame times")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for a page to be ready")
    parser.add_argument("--out", type=Path, default=ROOT / "test-artifacts" / "bench_map.json")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    if not Path(CHROMIUM).exists():
        sys.stderr.write("needs Debian chromium at /usr/bin/chromium\n")
        return 2
    labels = label_figures()
    for row in labels:
        print(json.dumps({"labels": row}), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        results, frames = run(args.sizes, args.methods, args.timeout, Path(tmp), args.frames)
    print("\n| incidents | method | build+save (s) | to_json (s) | build / to_json | file (MB) | ready in Chromium (s) |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for r in results:
        ready = r["ready_s"] if r["ready_s"] is not None else f"> {args.timeout:.0f}"
        print(f"| {r['n']:,} | {r['method']} | {r['build_s']} | {r.get('to_json_s', '')} | "
              f"{r.get('build_vs_to_json', '')} | {r['size_mb']} | {ready} |")
    if labels:
        print("\n| labels | places labelled | settlements | JSON (kB) | in the page (kB) | in the page at 15,000 settlements (kB) |")
        print("|---|---:|---:|---:|---:|---:|")
        for r in labels:
            print(f"| {r['script']} | {r['labels']:,} | {r['settlements']:,} | {r['json_kb']} | {r['in_page_kb']} | "
                  f"{r['in_page_kb_at_15000']} |")
    if frames:
        print("\n| incidents (full map) | build+save (s) | file (MB) | ready (s) | frames | median frame (ms) | p95 frame (ms) | max (ms) |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in frames:
            print(f"| {r['n']:,} | {r['build_s']} | {r['size_mb']} | {r.get('ready_s')} | {r.get('frames')} | "
                  f"{r.get('median_ms')} | {r.get('p95_ms')} | {r.get('max_ms')} |")
        for r in frames:
            if "build_vs_to_json" in r:
                print(f"{r['n']:,} incidents (incidents layer only): build+save {r['ours_build_s']} s, "
                      f"to_json {r['to_json_s']} s, ratio {r['build_vs_to_json']} (target <= 1), "
                      f"{r['ours_size_mb']} MB, ready {r['ours_ready_s']} s")
    for line in verdict(results, max(args.sizes)):
        print(line)
    for r in frames:
        if r["n"] == 100_000 and r.get("p95_ms") is not None:
            ok = r["p95_ms"] < FRAME_P95_TARGET_MS
            print(f"p95 frame at 100,000: {r['p95_ms']} ms (target < {FRAME_P95_TARGET_MS:g}) -> {'OK' if ok else 'MISSED'}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"maps": results, "labels": labels, "frames": frames}, indent=2) + "\n",
                        encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
