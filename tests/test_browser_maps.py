"""Exported maps in headless Chromium with every network request blocked.

Needs Debian's chromium (/usr/bin/chromium) and playwright; skipped cleanly when either is missing.
Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Polygon, box

from conflictmap.export import save_html
from conflictmap.maps.conflict_map import conflict_map

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_SCRIPT = "</script><script>alert(2)</script>"


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("Debian chromium is not installed")
    with sync_api.sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


class OfflinePage:
    """A page that may load only the one file; records JS errors, console errors, dialogs, blocked URLs."""

    def __init__(self, browser, path: Path):
        self.page = browser.new_page(viewport={"width": 1100, "height": 750})
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.blocked: list[str] = []
        self.url = path.resolve().as_uri()
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        self.page.on("dialog", self._dialog)
        self.page.route("**/*", self._route)
        self.page.goto(self.url)
        # every layer has its data, and the opening fitBounds zoom animation is over (a setView made
        # during it would be undone when it ends)
        self.page.wait_for_function("window.Conflictmap && Object.values(Conflictmap.layers)"
                                    ".every(function (l) { return (!l.ready || l._d) && !(l._map && l._map._animatingZoom); })")

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _route(self, route):
        if route.request.url == self.url:
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def js(self, expression: str):
        return self.page.evaluate(expression)

    def layer(self, prefix: str) -> str:
        return f"Object.entries(Conflictmap.layers).find(function (e) {{ return e[0].indexOf({prefix!r}) === 0; }})[1]"

    def drawn(self, layer_js: str, single: bool = False) -> tuple[float, float, int]:
        """Page coordinates and member count of the first drawn marker (or single marker)."""
        script = ("(function (l, single) { var off = l._map.containerPointToLayerPoint([0, 0]).subtract(l._frame.topLeft);"
                  " var size = l._map.getSize(); var it = l._drawn.filter(function (d) { var x = d.x - off.x, y = d.y - off.y;"
                  " return (!single || d.members.length === 1) && x > 60 && y > 60 && x < size.x - 300 && y < size.y - 150; })[0];"
                  " return [it.x - off.x, it.y - off.y, it.members.length]; })(" + layer_js + ", " + ("true" if single else "false") + ")")
        x, y, n = self.js(script)
        return x, y, n

    def close(self):
        self.page.close()


def demo_events(n: int = 60, seed: int = 3) -> pd.DataFrame:
    """Events around Idlib and Deir ez-Zor over June 2020, with every ACLED column."""
    rng = np.random.default_rng(seed)
    types = ["Battles", "Explosions/Remote violence", "Violence against civilians", "Protests"]
    centres = np.array([[36.63, 35.93], [40.14, 35.33]])
    pick = rng.integers(0, 2, n)
    lon = centres[pick, 0] + rng.normal(0, 0.25, n)
    lat = centres[pick, 1] + rng.normal(0, 0.2, n)
    dates = pd.Timestamp("2020-06-01") + pd.to_timedelta(np.arange(n) % 30, unit="D")
    return pd.DataFrame({
        "event_id_cnty": [f"SYR{k:05d}" for k in range(n)],
        "event_date": dates,
        "time_precision": 1,
        "event_type": [types[k % len(types)] for k in range(n)],
        "sub_event_type": "Armed clash",
        "actor1": "Military Forces of Syria (2000-)",
        "actor2": [None if k % 3 else "HTS: Hayat Tahrir al-Sham" for k in range(n)],
        "admin1": np.where(pick == 0, "Idlib", "Deir ez-Zor"),
        "location": np.where(pick == 0, "Idlib", "Deir ez-Zor"),
        "latitude": lat,
        "longitude": lon,
        "geo_precision": [1 + k % 3 for k in range(n)],
        "fatalities": [k % 5 for k in range(n)],
        "source": "SANA",
        "source_url": "https://example.org/report/1",
        "notes": "Clashes reported.",
        "place_id": None,
        "match_status": "matched",
        "match_reason": None,
        "source_sentence": "Government forces shelled positions near the town.",
    })


def demo_zones() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({
        "faction": ["government", "hts", "sdf", "government"],
        "confidence": ["confirmed", "contested", "approximate", "confirmed"],
        "valid_from": pd.to_datetime(["2020-06-01", "2020-06-01", "2020-06-01", "2020-06-16"]),
        "valid_to": pd.to_datetime(["2020-06-15", None, None, None]),
        "as_of": pd.to_datetime(["2020-06-01", "2020-06-01", "2020-06-01", "2020-06-16"]),
        "source": "test", "note": [XSS_IMG, None, None, None],
    }, geometry=[Polygon([(36, 33), (38, 33), (38.5, 35), (37, 35.5), (36.2, 35.3)]), box(36.2, 35.6, 36.9, 36.3),
                 box(38.8, 35.0, 41.5, 37.2), Polygon([(36, 33), (38.3, 33), (38.6, 35.2), (37, 35.6), (36.2, 35.3)])],
        crs="EPSG:4326")


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    events = demo_events()
    extra = pd.DataFrame({"event_id_cnty": ["SYR99999"], "event_date": pd.to_datetime(["2020-06-10"]),
                          "event_type": ["Battles"], "location": ["Unknown village"], "latitude": [np.nan],
                          "longitude": [np.nan], "match_status": ["unresolved"], "match_reason": ["no candidate"]})
    events = pd.concat([events, extra], ignore_index=True)
    m = conflict_map(events, demo_zones(), title="Demo map", basemap=False)
    return save_html(m, tmp_path_factory.mktemp("maps") / "demo.html")


def test_demo_map_loads_offline_with_markers_zones_legend_and_slider(browser, demo_file):
    page = OfflinePage(browser, demo_file)
    try:
        inc = page.layer("incidents")
        stats = page.js(f"{inc}.stats()")
        assert stats["total"] == 60 and stats["active"] == 60
        assert stats["drawnEvents"] == 60  # every located event is drawn, as a marker or in a cluster
        assert stats["clusters"] + stats["singles"] >= 2
        assert stats["unresolvedShown"] == 1
        assert "Not on the map: 1 event" in page.js("document.querySelector('.cm-unresolved summary').textContent")
        # zones: the latest snapshot (3 zones valid on 2020-06-30) drawn as SVG paths
        assert page.js(f"{page.layer('zones')}.shownCount()") == 3
        assert page.js("document.querySelectorAll('.leaflet-overlay-pane svg path').length") >= 3
        legend = page.js("Array.from(document.querySelectorAll('.cm-legend')).map(function (e) { return e.textContent; }).join('|')")
        for label in ("Battles", "Protests", "Syrian government", "contested", "as of 2020-06-16"):
            assert label in legend
        # slider: go back to the first day -> fewer events, older zone snapshot
        page.js(f"{page.layer('time_slider')}.setValue({int(np.datetime64('2020-06-01', 'D').astype(int))})")
        early = page.js(f"{inc}.stats()")
        assert early["active"] == 2  # events of 2020-06-01 only (cumulative mode)
        assert early["drawnEvents"] == 2
        assert page.js(f"{page.layer('zones')}.shownCount()") == 3
        assert "as of 2020-06-01" in page.js("document.body.textContent")
        # heatmap (hidden by default) follows the same selection when ticked
        page.js(f"{inc}._map.addLayer({page.layer('heatmap')})")
        assert page.js(f"{page.layer('heatmap')}._heat._latlngs.length") == 2
        assert page.js("document.querySelectorAll('canvas.leaflet-heatmap-layer').length") == 1
        # play control advances the slider
        slider = page.layer("time_slider")
        page.js(f"{slider}.options.interval = 20; {slider}.play()")
        page.page.wait_for_timeout(300)
        page.js(f"{slider}.pause()")
        assert page.js(f"{slider}.value()") > int(np.datetime64("2020-06-01", "D").astype(int))
        assert page.js(f"{inc}.stats()")["active"] > 2
        ARTIFACTS.mkdir(exist_ok=True)
        page.js(f"{page.layer('time_slider')}.setValue({int(np.datetime64('2020-06-30', 'D').astype(int))})")
        page.page.wait_for_timeout(400)
        page.page.screenshot(path=str(ARTIFACTS / "demo_map.png"))
        assert page.errors == [] and page.dialogs == [] and page.blocked == []
    finally:
        page.close()


def test_popup_and_tooltip_show_event_fields(browser, demo_file):
    page = OfflinePage(browser, demo_file)
    try:
        inc = page.layer("incidents")
        page.js(f"{inc}._map.setView([{inc}._d.lat[0] / 1e5, {inc}._d.lon[0] / 1e5], 13, {{animate: false}})")
        page.page.wait_for_timeout(300)
        x, y, _ = page.drawn(inc, single=True)
        page.page.mouse.move(x, y)
        page.page.wait_for_timeout(200)
        assert "2020-06" in page.js("(document.querySelector('.cm-tooltip') || {}).textContent || ''")
        page.page.mouse.click(x, y)
        page.page.wait_for_selector(".cm-popup")
        popup = page.js("document.querySelector('.leaflet-popup-content').textContent")
        for text in ("Date", "Actors", "Military Forces of Syria", "Fatalities", "Geo-precision", "Quoted sentence",
                     "Government forces shelled"):
            assert text in popup
        assert page.js("document.querySelector('.leaflet-popup-content a').getAttribute('href')") == "https://example.org/report/1"
        assert page.errors == [] and page.blocked == []
    finally:
        page.close()


def test_html_payloads_in_data_render_as_text(browser, tmp_path):
    events = demo_events(4)
    events["notes"] = [XSS_IMG, XSS_SCRIPT, XSS_IMG, XSS_SCRIPT]
    events["source_sentence"] = None
    events["source_url"] = "javascript:alert(3)"
    events["source"] = XSS_IMG
    events["event_type"] = [XSS_IMG, XSS_SCRIPT, "Battles", "Battles"]
    events["location"] = [XSS_SCRIPT, XSS_IMG, "x", "y"]
    events["latitude"] = 35.93
    events["longitude"] = 36.63
    unresolved = events.iloc[:1].assign(latitude=np.nan, longitude=np.nan)
    # the payload in every zone's note: which snapshot is on screen when the tooltips open depends on
    # when the time slider has applied its first day
    m = conflict_map(pd.concat([events, unresolved], ignore_index=True), demo_zones().assign(note=XSS_IMG),
                     title=XSS_SCRIPT + XSS_IMG,
                     basemap=False)
    path = save_html(m, tmp_path / "xss.html")
    page = OfflinePage(browser, path)
    try:
        inc = page.layer("incidents")
        page.js(f"{inc}._map.setView([35.93, 36.63], 16, {{animate: false}})")
        page.page.wait_for_timeout(300)
        # all four events sit on one spot: clicking the group lists every popup
        x, y, members = page.drawn(inc)
        assert members == 4
        page.page.mouse.click(x, y)
        page.page.wait_for_selector(".cm-popup")
        page.js("document.querySelector('.cm-unresolved details').open = true")
        page.page.wait_for_timeout(200)
        popup_text = page.js("document.querySelector('.leaflet-popup-content').textContent")
        assert XSS_IMG in popup_text and XSS_SCRIPT in popup_text  # shown as text
        body = page.js("document.body.textContent")
        assert (XSS_SCRIPT + XSS_IMG) in body  # title
        assert page.js("document.querySelectorAll('img[src=x], .leaflet-popup-content img, .cm-legend img, .cm-title img').length") == 0
        assert page.js("document.querySelectorAll('.cm-legend script, .cm-popup script, .cm-unresolved script').length") == 0
        assert page.js("document.querySelectorAll('a[href^=javascript]').length") == 0
        legend = page.js("Array.from(document.querySelectorAll('.cm-legend')).map(function (e) { return e.textContent; }).join('|')")
        assert XSS_IMG in legend and XSS_SCRIPT in legend
        assert XSS_IMG in page.js("document.querySelector('.cm-unresolved-list').textContent")
        # zone tooltip with the payload in its note
        page.js(f"{page.layer('zones')}.eachLayer(function (g) {{ g.eachLayer(function (p) {{ p.openTooltip(); }}); }})")
        assert XSS_IMG in page.js("Array.from(document.querySelectorAll('.leaflet-tooltip')).map(function (e) { return e.textContent; }).join('|')")
        page.page.wait_for_timeout(200)
        assert page.dialogs == [], page.dialogs
        assert page.errors == [], page.errors
        assert page.blocked == [], page.blocked
    finally:
        page.close()


def test_screenshot_of_full_map_with_offline_basemap(browser, tmp_path):
    pytest.importorskip("pyarrow")
    try:
        from conflictmap.gazetteer import get_gazetteer

        get_gazetteer()
    except Exception as exc:  # noqa: BLE001 - gazetteer data may be absent in a bare checkout
        pytest.skip(f"gazetteer not available: {exc}")
    m = conflict_map(demo_events(200), demo_zones(), title="Offline basemap")
    path = save_html(m, tmp_path / "full.html")
    page = OfflinePage(browser, path)
    try:
        assert page.js("document.querySelectorAll('.cm-label').length") > 10  # place labels (labels.js)
        assert "GeoNames" in page.js("document.querySelector('.leaflet-control-attribution').textContent")
        page.page.wait_for_timeout(300)
        ARTIFACTS.mkdir(exist_ok=True)
        page.page.screenshot(path=str(ARTIFACTS / "full_map.png"))
        assert page.errors == [] and page.blocked == []
    finally:
        page.close()


def test_payload_in_many_gzip_pieces_with_joined_strings_decodes(browser, tmp_path, monkeypatch):
    import folium

    from conflictmap.maps import payload as payload_mod
    from conflictmap.maps.incidents import incidents_layer

    monkeypatch.setattr(payload_mod, "GZIP_CHUNK", 2000)
    m = folium.Map(location=[35, 38], zoom_start=7, tiles=None)
    layer = incidents_layer(demo_events(300), m, compress=True, gazetteer=False)
    assert len(layer.payload_js.split('","')) > 5  # several gzip pieces
    page = OfflinePage(browser, save_html(m, tmp_path / "pieces.html"))
    try:
        inc = page.layer("incidents")
        assert page.js(f"{inc}.stats()")["total"] == 300
        assert page.js(f"typeof {inc}._d.cols.event_id.values.j") == "string"  # joined on the wire
        assert page.js(f"Conflictmap.column({inc}._d.cols.event_id, 5)") == "SYR00005"
        assert page.js(f"Conflictmap.column({inc}._d.cols.actors, 1)") == "Military Forces of Syria (2000-)"
        assert page.errors == [] and page.blocked == []
    finally:
        page.close()
