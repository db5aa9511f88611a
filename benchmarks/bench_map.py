"""Benchmark: our incidents layer vs ``GeoDataFrame.explore()`` vs plain folium markers.

For each size (default 10,000 / 50,000 / 100,000 synthetic incidents) and each method, in one run:

* Python time to build the map and write it with ``save_html`` (every asset inlined, so all three
  open offline and are compared on equal terms),
* file size,
* time until the map is ready in headless Chromium with the network blocked: navigation start
  until the page's ``load`` event, our layers' ``ready`` promises, and two animation frames.

Usage::

    python benchmarks/bench_map.py [--sizes 10000 50000 100000] [--methods ours explore markers]
                                   [--timeout 180] [--out test-artifacts/bench_map.json]

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
from conflictmap.maps.incidents import incidents_layer
from conflictmap.maps.styles import styles

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]
TARGETS = {"build_s": 3.0, "size_mb": 15.0, "ready_s": 2.0}
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


def run(sizes: list[int], methods: list[str], timeout_s: float, workdir: Path) -> list[dict]:
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for n in sizes:
                events = synthetic_events(n)
                for method in methods:
                    path = workdir / f"{method}_{n}.html"
                    start = time.perf_counter()
                    save_html(METHODS[method](events), path)
                    build_s = time.perf_counter() - start
                    size_mb = os.path.getsize(path) / 1e6
                    ready_s = browser_ready_seconds(browser, path, timeout_s)
                    row = {"n": n, "method": method, "build_s": round(build_s, 2), "size_mb": round(size_mb, 2),
                           "ready_s": None if ready_s is None else round(ready_s, 2)}
                    results.append(row)
                    print(json.dumps(row), flush=True)
                    path.unlink()
        finally:
            browser.close()
    return results


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
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for a page to be ready")
    parser.add_argument("--out", type=Path, default=ROOT / "test-artifacts" / "bench_map.json")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    if not Path(CHROMIUM).exists():
        sys.stderr.write("needs Debian chromium at /usr/bin/chromium\n")
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        results = run(args.sizes, args.methods, args.timeout, Path(tmp))
    print("\n| incidents | method | build+save (s) | file (MB) | ready in Chromium (s) |")
    print("|---:|---|---:|---:|---:|")
    for r in results:
        ready = r["ready_s"] if r["ready_s"] is not None else f"> {args.timeout:.0f}"
        print(f"| {r['n']:,} | {r['method']} | {r['build_s']} | {r['size_mb']} | {ready} |")
    for line in verdict(results, max(args.sizes)):
        print(line)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
