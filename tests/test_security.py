"""Security: no network, every data string escaped in HTML, atomic writes, user files never run code."""

from __future__ import annotations

import os
import pickle
import re
import socket
from html.parser import HTMLParser
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

import conflictmap
from conflictmap.errors import ConflictmapError, ExportError, InputError
from conflictmap.export import render_html, save_html
from conflictmap.maps.conflict_map import conflict_map
from conflictmap.maps.legend import legend_html

# each payload would run script or break out of its context if written into HTML unescaped
XSS = [
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(2)</script>",
    "<svg/onload=alert(3)>",
    "<iframe srcdoc='<script>alert(4)</script>'>",
    "\"><script>alert(5)</script>",
    "'><body onload=alert(6)>",
    "<a href=\"javascript:alert(7)\">click</a>",
    "<!--<script>alert(8)//-->",
    "<style>@import 'http://evil.example/x.css';</style>",
    "<math><mi xlink:href=\"javascript:alert(9)\">x</mi></math>",
    "\u003cscript\u003ealert(10)\u003c/script\u003e",
    "<ScRiPt>alert(11)</sCrIpT>",
]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def _tags(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def _assert_clean(html: str, baseline: str) -> None:
    """No payload appears raw; no tag, handler or javascript: URL was injected."""
    for payload in XSS:
        assert payload not in html, f"raw payload in HTML: {payload!r}"
    for bad in ("<svg/onload", "<ScRiPt>", "<iframe srcdoc", "<img src=x"):
        assert bad not in html
    tags, base = _tags(html), _tags(baseline)
    count = lambda ts, name: sum(1 for t, _ in ts if t == name)  # noqa: E731
    for name in ("script", "img", "svg", "iframe", "body", "style", "a", "math"):
        assert count(tags, name) == count(base, name), f"<{name}> count changed by data"
    for tag, attrs in tags:
        for key, value in attrs:
            assert not (key.startswith("on") and value and "alert" in value), (tag, key, value)
            assert not (value or "").strip().lower().startswith("javascript:"), (tag, key, value)


def _events(texts: list[str]) -> pd.DataFrame:
    n = len(texts)
    return pd.DataFrame({
        "event_id_cnty": [f"X{i}" for i in range(n)],
        "event_date": pd.date_range("2020-06-01", periods=n, freq="D").strftime("%Y-%m-%d"),
        "event_type": ["Battles"] * n, "sub_event_type": ["Armed clash"] * n,
        "actor1": texts, "actor2": texts[::-1], "location": texts, "admin1": ["Idlib"] * n,
        "latitude": np.linspace(35.5, 35.9, n), "longitude": np.linspace(36.4, 36.8, n),
        "geo_precision": [1] * n, "fatalities": list(range(n)), "source": texts, "notes": texts,
        "source_url": ["javascript:alert(1)"] * n,
    })


def _zones(texts: list[str]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({
        "faction": ["government", "sdf"], "valid_from": ["2020-01-01", "2020-01-01"], "valid_to": [None, None],
        "confidence": ["confirmed", "contested"], "source": texts[:2], "note": texts[-2:],
    }, geometry=[box(36.0, 35.0, 36.5, 35.5), box(36.5, 35.0, 37.0, 35.5)], crs=4326)


@pytest.fixture(scope="module")
def benign():
    return [f"text{i}" for i in range(len(XSS))]


@pytest.fixture(scope="module")
def maps(benign):
    """The same map built from harmless text and from the XSS corpus."""
    def build(texts: list[str]) -> str:
        m = conflict_map(_events(texts), _zones(texts), title=texts[0] + texts[1], zones_attribution=texts[2])
        return render_html(m)

    return build(benign), build(XSS)


def test_conflict_map_escapes_every_data_string(maps):
    baseline, html = maps
    _assert_clean(html, baseline)
    # the text is there, only escaped (popups and tooltips are filled from JSON in the page)
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in html or "&lt;img src=x onerror=alert(1)&gt;" in html


@pytest.mark.parametrize("where", ["incidents", "zones", "heatmap", "basemap"])
def test_layer_names_and_attribution_are_escaped(benign, where):
    import folium

    from conflictmap.maps.basemap import basemap_layer
    from conflictmap.maps.heatmap import heatmap_layer
    from conflictmap.maps.incidents import incidents_layer
    from conflictmap.maps.zones_layer import zones_layer

    def build(texts: list[str]) -> str:
        m = folium.Map(location=[35.5, 36.5], zoom_start=8, tiles=None)
        name = " ".join(texts[:4])
        if where in ("incidents", "heatmap"):
            layer = incidents_layer(_events(texts), m, name=name)
            if where == "heatmap":
                heatmap_layer(layer, m, name=name)
        elif where == "zones":
            zones_layer(_zones(texts), m, name=name, attribution=texts[5])
        else:
            basemap_layer(m, name=name, attribution=texts[6], towns=[(texts[7], Point(36.6, 35.6), 500_000)])
        folium.LayerControl().add_to(m)
        return render_html(m)

    _assert_clean(build(XSS), build(benign))


@pytest.mark.parametrize("payload", XSS)
def test_legend_escapes_title_labels_and_note(payload):
    html = legend_html(payload, [{"label": payload, "color": "#f00", "shape": "circle"}], note=payload)
    base = legend_html("t", [{"label": "l", "color": "#f00", "shape": "circle"}], note="n")
    _assert_clean(html, base)


def test_colours_from_data_cannot_inject_css(benign):
    from conflictmap.htmlsafe import css_color

    for value in ("red;background:url(javascript:alert(1))", "#fff\"><script>", "expression(alert(1))"):
        assert css_color(value) == "#777777"


# ------------------------------------------------------------------ no network
def test_whole_offline_pipeline_opens_no_socket(monkeypatch, tmp_path):
    """Geocoding, extraction, attaching and writing a map never create a socket."""
    def refuse(*args, **kwargs):
        raise AssertionError("a socket was opened")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    g = conflictmap.Geocoder()
    assert g.geocode("Kafr Nabl") is not None and g.geocode("Nowhere-xyz") is None
    out = conflictmap.geocode(pd.DataFrame({"location": ["Saraqib", "Nowhere-xyz"]}))
    assert out["match_status"].tolist()[1] == "unresolved"  # no fallback asked
    from conflictmap.events import attach_events, find_places

    assert len(find_places("Shelling hit Kafr Nabl and Saraqib.")) == 2
    events = attach_events(_events(["Kafr Nabl", "Saraqib"])).events
    save_html(conflict_map(events), tmp_path / "map.html")
    assert (tmp_path / "map.html").stat().st_size > 0


def test_conftest_blocks_outside_addresses():
    with pytest.raises(Exception, match="blocked"):
        socket.create_connection(("192.0.2.1", 80), timeout=0.5)  # TEST-NET-1, never routable


# ------------------------------------------------------------------ atomic writes
class _Boom(RuntimeError):
    pass


def _failing_replace(*args, **kwargs):
    raise _Boom("disk full at the last moment")


def _leftovers(folder: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


def test_save_html_failure_leaves_old_file_and_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "map.html"
    target.write_text("old map", encoding="utf-8")
    m = conflict_map(_events(["Kafr Nabl", "Saraqib"]))
    monkeypatch.setattr(os, "replace", _failing_replace)
    with pytest.raises((_Boom, ExportError)):
        save_html(m, target)
    assert target.read_text(encoding="utf-8") == "old map"
    assert _leftovers(tmp_path, {"map.html"}) == []


def test_save_html_failure_mid_write(tmp_path, monkeypatch):
    """The write itself fails half way: no partial file anywhere."""
    target = tmp_path / "new.html"
    m = conflict_map(_events(["Kafr Nabl", "Saraqib"]))
    real_write_text = Path.write_text

    def half_write(self, text, *args, **kwargs):
        real_write_text(self, text[: len(text) // 2], *args, **kwargs)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_text", half_write)
    with pytest.raises(ExportError, match="cannot write"):
        save_html(m, target)
    monkeypatch.undo()
    assert not target.exists()
    assert _leftovers(tmp_path, set()) == []


@pytest.mark.parametrize("suffix", [".geojson", ".parquet", ".csv"])
def test_write_events_failure_keeps_existing_file(tmp_path, monkeypatch, suffix):
    from conflictmap.events import read_events, write_events

    events = read_events(_events(["Kafr Nabl", "Saraqib"]))
    target = tmp_path / f"events{suffix}"
    write_events(events, target)
    before = target.read_bytes()
    monkeypatch.setattr(os, "replace", _failing_replace)
    with pytest.raises((_Boom, ConflictmapError)):
        write_events(events.iloc[:1], target)
    monkeypatch.undo()
    assert target.read_bytes() == before
    assert _leftovers(tmp_path, {target.name}) == []


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".parquet"])
def test_write_zones_failure_keeps_existing_file(tmp_path, monkeypatch, suffix):
    from conflictmap.zones.io import write_zones

    zones = _zones(["a", "b", "c", "d"])
    target = tmp_path / f"zones{suffix}"
    write_zones(zones, target)
    before = target.read_bytes()
    monkeypatch.setattr(os, "replace", _failing_replace)
    with pytest.raises((_Boom, ConflictmapError)):
        write_zones(zones.iloc[:1], target)
    monkeypatch.undo()
    assert target.read_bytes() == before
    assert _leftovers(tmp_path, {target.name}) == []


def test_save_corrections_failure_keeps_existing_file(tmp_path, monkeypatch):
    from conflictmap.events.attach import save_corrections

    target = tmp_path / "corrections.csv"
    review = pd.DataFrame({"location": ["Ruwayha"], "admin1": [""], "correct_place_id": ["gn:165179"]})
    save_corrections(review, target)
    before = target.read_bytes()
    monkeypatch.setattr(os, "replace", _failing_replace)
    with pytest.raises(_Boom):
        save_corrections(review.assign(correct_place_id="gn:168572"), target)
    monkeypatch.undo()
    assert target.read_bytes() == before
    # the lock file (merge_corrections: <file>.lock, kept for the next writer) is all that is beside it
    assert _leftovers(tmp_path, {target.name, target.name + ".lock"}) == []


# ------------------------------------------------------------------ loading never runs code
class _Trap:
    """Unpickling this would create the marker file."""

    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (Path(self.marker),))


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".geojson", ".xlsx"])
def test_pickle_disguised_as_data_is_not_unpickled(tmp_path, suffix):
    from conflictmap.events import read_events

    marker = tmp_path / "PWNED"
    path = tmp_path / f"events{suffix}"
    path.write_bytes(pickle.dumps(_Trap(str(marker))))
    with pytest.raises((ConflictmapError, ValueError, OSError)):
        read_events(path)
    assert not marker.exists()


def test_pickle_disguised_as_zones_or_places_is_not_unpickled(tmp_path):
    from conflictmap.zones.io import read_zones

    marker = tmp_path / "PWNED"
    for name in ("zones.parquet", "zones.geojson"):
        path = tmp_path / name
        path.write_bytes(pickle.dumps(_Trap(str(marker))))
        with pytest.raises(Exception):
            read_zones(path)
    places = tmp_path / "places.csv"
    places.write_bytes(pickle.dumps(_Trap(str(marker))))
    with pytest.raises(ConflictmapError):
        conflictmap.get_gazetteer().with_user_places(places)
    with pytest.raises(ConflictmapError):
        conflictmap.Gazetteer.load(tmp_path / "zones.parquet")
    assert not marker.exists()


def test_spreadsheet_formulas_are_read_as_text(tmp_path):
    from conflictmap.events import read_events, write_events

    formulas = ["=cmd|' /C calc'!A0", "=HYPERLINK(\"http://evil.example\",\"x\")", "@SUM(1+1)", "+1+1"]
    path = tmp_path / "events.csv"
    _events(formulas).drop(columns=["latitude", "longitude"]).to_csv(path, index=False)
    events = read_events(path)
    assert events["notes"].tolist() == formulas  # kept as the text it is, nothing evaluated
    assert events["location"].tolist() == formulas
    out = tmp_path / "out.csv"
    write_events(events, out)
    assert pd.read_csv(out, dtype=str)["notes"].tolist() == formulas


def test_corrections_file_is_data_only(tmp_path):
    path = tmp_path / "corrections.csv"
    path.write_text("name,place_id\n__import__('os').system('touch PWNED'),gn:168572\n", encoding="utf-8")
    g = conflictmap.Geocoder(corrections=path)
    assert g.resolve("__import__('os').system('touch PWNED')").place_id == "gn:168572"
    assert not Path("PWNED").exists() and not (tmp_path / "PWNED").exists()


def test_no_eval_or_pickle_in_the_package():
    """Nothing in the package evaluates or unpickles data."""
    root = Path(conflictmap.__file__).parent
    pattern = re.compile(r"\b(eval|exec)\(|pickle\.loads?\(|yaml\.load\(|read_pickle\(|allow_pickle=True")
    hits = [f"{p.relative_to(root)}:{i}" for p in root.rglob("*.py")
            for i, line in enumerate(p.read_text("utf-8").splitlines(), 1) if pattern.search(line)]
    assert hits == []


def test_input_error_is_raised_for_unknown_file_types(tmp_path):
    from conflictmap.events import read_events

    path = tmp_path / "events.pkl"
    path.write_bytes(pickle.dumps({"a": 1}))
    with pytest.raises(InputError, match="unknown event file type"):
        read_events(path)
