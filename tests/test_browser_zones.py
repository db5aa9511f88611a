"""The example zones drawn in headless Chromium (every network request refused): no stray outline
fragments at village zoom, every settlement under exactly one zone path.

Needs Debian's chromium (/usr/bin/chromium) and playwright; skipped cleanly when either is missing.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from test_browser_maps import browser  # noqa: F401 - the fixture is used by name

from conflictmap.export import save_html
from conflictmap.maps.conflict_map import conflict_map
from conflictmap.maps.zones_layer import zones_layer
from conflictmap.zones.clean import simplify_zones
from conflictmap.zones.example import load_example_zones

pytestmark = pytest.mark.browser

#: views at zoom 10 where refined lines meet (lat, lon): Idlib front, Peace Spring strip,
#: Euphrates at Deir ez-Zor, Golan, al-Tanf, north of Aleppo
VIEWS = [(35.75, 36.6), (36.7, 39.6), (35.3, 40.1), (33.1, 35.85), (33.45, 38.6), (36.45, 37.1)]
#: a ring this small (px2 at zoom 10, about 125 m a pixel) or this thin (mean width in px) is a stray stroke
MIN_RING_PX2 = 3.0
MIN_RING_WIDTH_PX = 1.0
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _open(browser, m, folder: Path):
    path = save_html(m, folder / "zones.html")
    url = path.resolve().as_uri()
    blocked: list[str] = []
    errors: list[str] = []
    page = browser.new_page(viewport={"width": 1100, "height": 750})
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def route(r):
        if r.request.url == url:
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(url)
    page.wait_for_function("window.Conflictmap && Object.keys(Conflictmap.layers).length > 0")
    page.evaluate("window.cmMap = Object.values(window).find(function (v) { return v instanceof L.Map; })")
    return page, errors, blocked


@pytest.fixture(scope="module")
def page(browser, tmp_path_factory):
    """The example zones as ``conflict_map`` draws them by default."""
    m = conflict_map(None, load_example_zones(), basemap=False, slider=False, layer_control=False)
    opened = _open(browser, m, tmp_path_factory.mktemp("zones"))
    yield opened
    opened[0].close()


@pytest.fixture(scope="module")
def coverage_page(browser, tmp_path_factory):
    """The example zones simplified as one coverage (``simplify_zones``) and drawn unsimplified."""
    import folium

    m = folium.Map(location=[35, 38.5], zoom_start=7, tiles=None)
    zones_layer(simplify_zones(load_example_zones(), 0.0005), m, simplify=0)
    opened = _open(browser, m, tmp_path_factory.mktemp("zones_coverage"))
    yield opened
    opened[0].close()


def rings_of(d: str) -> list[np.ndarray]:
    """Pixel rings of an SVG path ``d`` as Leaflet writes it (``M x yL x y ... z`` per ring)."""
    rings = []
    for chunk in d.split("M")[1:]:
        values = [float(v) for v in _NUMBER.findall(chunk)]
        if len(values) >= 2:
            rings.append(np.array(values[: len(values) // 2 * 2]).reshape(-1, 2))
    return rings


def ring_size(ring: np.ndarray) -> tuple[float, float]:
    """(area in px2, mean width in px = 2 * area / perimeter)."""
    x, y = ring[:, 0], ring[:, 1]
    area = abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2.0
    closed = np.vstack([ring, ring[:1]])
    perimeter = float(np.hypot(*np.diff(closed, axis=0).T).sum())
    return area, (2.0 * area / perimeter if perimeter else 0.0)


def test_rings_helpers_measure_pixels():
    ring = rings_of("M0 0L10 0L10 2L0 2z")[0]
    assert ring_size(ring) == pytest.approx((20.0, 40 / 24))
    assert ring_size(rings_of("M5 5L9 5L5 5z")[0])[0] == 0.0


@pytest.mark.parametrize("lat,lon", VIEWS)
def test_no_stray_outline_fragments_at_zoom_10(page, lat, lon):
    page, errors, blocked = page
    page.evaluate(f"cmMap.setView([{lat}, {lon}], 10, {{animate: false}})")
    page.wait_for_timeout(150)
    paths = page.evaluate("Array.from(document.querySelectorAll('.leaflet-overlay-pane svg path'))"
                          ".map(function (p) { return p.getAttribute('d') || ''; })")
    rings = [r for d in paths if d.strip() != "M0 0" for r in rings_of(d)]  # "M0 0": Leaflet's empty path
    assert rings, "no zone drawn"
    stray = []
    for ring in rings:
        area, width = ring_size(ring)
        if area < MIN_RING_PX2 or width < MIN_RING_WIDTH_PX:
            stray.append((round(area, 1), round(width, 2), ring[:3].tolist()))
    assert not stray, f"{len(stray)} stray ring(s) of {len(rings)} near {lat}, {lon}: {stray[:5]}"
    assert not errors and not blocked


def _settlement_counts(page):
    """Every settlement of the gazetteer, and how many of the page's polygons (as Leaflet holds
    them, after any simplification) contain it."""
    from conflictmap.gazetteer import get_gazetteer

    places = get_gazetteer().places
    sample = places[places["feature_type"] == "settlement"]
    points = [[float(y), float(x)] for x, y in zip(sample["longitude"], sample["latitude"])]
    counts = page.evaluate("""(points) => {
      function inRing(ring, lat, lng) {
        var inside = false;
        for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
          var a = ring[i], b = ring[j];
          if (((a.lat > lat) !== (b.lat > lat)) && (lng < (b.lng - a.lng) * (lat - a.lat) / (b.lat - a.lat) + a.lng)) { inside = !inside; }
        }
        return inside;
      }
      function inPolygon(rings, lat, lng) {  // rings: outer then holes
        if (!inRing(rings[0], lat, lng)) { return false; }
        for (var k = 1; k < rings.length; k++) { if (inRing(rings[k], lat, lng)) { return false; } }
        return true;
      }
      var polygons = [];
      cmMap.eachLayer(function (layer) {
        if (layer instanceof L.Polygon) {
          var ll = layer.getLatLngs();
          if (ll.length && !Array.isArray(ll[0][0])) { ll = [ll]; }
          ll.forEach(function (rings) { polygons.push(rings); });
        }
      });
      return points.map(function (p) {
        var n = 0;
        polygons.forEach(function (rings) { if (inPolygon(rings, p[0], p[1])) { n++; } });
        return n;
      });
    }""", points)
    return sample, np.array(counts)


def test_every_settlement_is_under_exactly_one_zone_in_the_page(page):
    """As conflict_map draws them by default: zones_layer simplifies each snapshot as one coverage,
    so a shared border moves the same way for both its zones and no place falls in two or none."""
    sample, counts = _settlement_counts(page[0])
    assert len(counts) == len(sample) > 10_000
    bad = sample[counts != 1]
    assert bad.empty, f"{len(bad)} settlements not under exactly one zone: {bad['name'].head(5).tolist()}"


def test_every_settlement_is_under_exactly_one_zone_coverage_simplified(coverage_page):
    sample, counts = _settlement_counts(coverage_page[0])
    assert len(counts) == len(sample) > 10_000
    bad = sample[counts != 1]
    assert bad.empty, f"{len(bad)} settlements not under exactly one zone: {bad['name'].head(5).tolist()}"
    assert not coverage_page[1] and not coverage_page[2]
