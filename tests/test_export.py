"""save_html and the pinned offline assets."""

from __future__ import annotations

import base64
import hashlib
import os
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import folium
import pytest
from folium import plugins

from conflictmap import assets
from conflictmap.errors import ExportError
from conflictmap.export import inline_assets, remote_references, save_html
from conflictmap.maps.heatmap import HEAT_JS


def test_every_pinned_package_is_fetched_with_its_integrity():
    missing = assets.missing_packages()
    assert missing == [], f"run 'python -m conflictmap.assets fetch' first; missing: {missing}"


def test_manifest_covers_folium_defaults_and_the_plugins_we_use():
    urls = [url for _, url in folium.Map.default_js + folium.Map.default_css]
    urls += [url for _, url in plugins.MarkerCluster.default_js + plugins.MarkerCluster.default_css]
    urls += [HEAT_JS, *(url for _, url in plugins.HeatMap.default_js)]
    unknown = [url for url in urls if not assets.known_url(url)]
    assert unknown == [], f"folium {folium.__version__} uses assets not pinned in vendor_assets.json: {unknown}"
    # the pinned versions are the ones in folium's URLs
    packages = assets.manifest()["packages"]
    for url in urls:
        entry = assets.manifest()["urls"][url]
        if "package" in entry and "substitute" not in entry:
            version = packages[entry["package"]]["version"]
            assert version in url, (url, version)
        elif "python" in entry:
            assert assets.asset_for_url(url).text.strip()


def test_integrity_values_look_like_npm_sha512():
    for name, spec in assets.manifest()["packages"].items():
        assert re.fullmatch(r"sha512-[A-Za-z0-9+/]{86}==", spec["integrity"]), name
        assert spec["keep"], name


def test_fetch_refuses_a_tarball_with_the_wrong_integrity(monkeypatch, tmp_path):
    def fake_pack(spec, dest):
        path = Path(dest) / "fake.tgz"
        path.write_bytes(b"not the real package")
        return path

    monkeypatch.setattr(assets, "_npm_pack", fake_pack)
    monkeypatch.setattr(assets, "VENDOR_DIR", tmp_path / "vendor")
    with pytest.raises(ExportError, match="integrity mismatch"):
        assets.fetch_package("jquery", force=True)
    assert not (tmp_path / "vendor" / "jquery").exists()
    sample = tmp_path / "sample.bin"
    sample.write_bytes(b"not the real package")
    digest = base64.b64encode(hashlib.sha512(b"not the real package").digest()).decode()
    assert assets._integrity_of(sample) == "sha512-" + digest


def test_tar_members_outside_package_are_refused():
    assert assets._wanted("package/dist/leaflet.js", ["dist/leaflet.js"]) == "dist/leaflet.js"
    assert assets._wanted("package/../../etc/passwd", ["../"]) is None
    assert assets._wanted("package/dist/images/x.png", ["dist/images/"]) == "dist/images/x.png"
    assert assets._wanted("package/src/x.js", ["dist/"]) is None


def test_css_urls_become_data_uris_and_woff2_is_preferred():
    css = assets.asset_for_url("https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css").text
    refs = re.findall(r"url\(([^)]*)\)", css)
    assert refs and all(ref.strip("\"'").startswith("data:") for ref in refs)
    assert "font/woff2" in css and "font/ttf" not in css
    leaflet = assets.asset_for_url("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css").text
    assert "data:image/png;base64," in leaflet


class _TagCounter(HTMLParser):
    def __init__(self):
        super().__init__()
        self.opened: Counter = Counter()
        self.closed: Counter = Counter()

    def handle_starttag(self, tag, attrs):
        self.opened[tag] += 1

    def handle_endtag(self, tag):
        self.closed[tag] += 1


def full_map() -> folium.Map:
    m = folium.Map(location=[35, 38], zoom_start=6, tiles=None)
    folium.Marker([35, 38], popup="x", icon=folium.Icon(icon="info-sign", angle=45)).add_to(m)
    cluster = plugins.MarkerCluster().add_to(m)
    folium.Marker([35.1, 38.1]).add_to(cluster)
    plugins.HeatMap([[35, 38]]).add_to(m)
    return m


def test_save_html_inlines_everything(tmp_path):
    path = save_html(full_map(), tmp_path / "sub" / "map.html")
    page = path.read_text(encoding="utf-8")
    assert remote_references(page) == []
    assert not re.search(r"<script[^>]+\bsrc=", page)
    assert not re.search(r"<link[^>]+rel=.stylesheet", page)
    assert "L.markerClusterGroup" in page and "fa-rotate-45" in page and "Glyphicons Halflings" in page
    counter = _TagCounter()
    counter.feed(page)
    assert counter.opened["script"] == counter.closed["script"] > 5
    assert counter.opened["style"] == counter.closed["style"] > 3
    assert [p.name for p in path.parent.iterdir()] == ["map.html"]  # no temp file left


def test_save_html_not_self_contained_keeps_links(tmp_path):
    page = save_html(folium.Map(tiles=None), tmp_path / "m.html", self_contained=False).read_text()
    assert "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js" in page


def test_unknown_asset_is_an_error_and_nothing_is_written(tmp_path):
    m = folium.Map(tiles=None)
    m.default_js = m.default_js + [("other", "https://example.org/other.js")]
    target = tmp_path / "map.html"
    target.write_text("previous version")
    with pytest.raises(ExportError, match="example.org/other.js"):
        save_html(m, target)
    assert target.read_text() == "previous version"
    assert sorted(os.listdir(tmp_path)) == ["map.html"]


def test_failed_write_leaves_no_partial_file(tmp_path, monkeypatch):
    import conflictmap.export as export

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(export.os, "replace", broken_replace)
    with pytest.raises(ExportError, match="disk full"):
        save_html(folium.Map(tiles=None), tmp_path / "map.html")
    assert os.listdir(tmp_path) == []


def test_inline_assets_escapes_closing_script_tags(monkeypatch):
    fake = assets.Asset("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js", "js", 'var s = "</script><b>";')
    monkeypatch.setattr(assets, "asset_for_url", lambda url: fake)
    out = inline_assets('<script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"></script>')
    assert out.count("</script>") == 1 and "<\\/script><b>" in out


def test_assets_cli_check(capsys):
    assert assets.main(["check"]) == 0
