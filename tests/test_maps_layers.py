"""Map layers in Python: payload building, tolerance of messy input, zones, basemap, slider, conflict_map, CLI."""

from __future__ import annotations

import json
import re

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from shapely.geometry import LineString, Point, Polygon, box

import conflictmap
from conflictmap.errors import InputError
from conflictmap.htmlsafe import css_color, safe_url, script_json, text
from conflictmap.maps.basemap import basemap_layer
from conflictmap.maps.conflict_map import conflict_map
from conflictmap.maps.heatmap import heatmap_layer
from conflictmap.maps.incidents import incidents_layer
from conflictmap.maps.legend import legend_html
from conflictmap.maps.payload import build_payload, dumps, encode, event_days, event_points
from conflictmap.maps.timeline import time_slider
from conflictmap.maps.zones_layer import zones_layer


def strings(value) -> list:
    """A payload string list: a list, or {"j": joined with U+001F, '' for missing}."""
    if isinstance(value, dict):
        return [v or None for v in value["j"].split("\x1f")]
    return value


def column_values(col: dict) -> list:
    if "idx" in col:
        return [None if k < 0 else strings(col["dict"])[k] for k in col["idx"]]
    return strings(col["values"])


def small_events() -> pd.DataFrame:
    return pd.DataFrame({
        "event_date": pd.to_datetime(["2020-06-01", "2020-06-05", None, "2020-06-07"]),
        "event_type": ["Battles", "Protests", None, "Battles"],
        "actor1": ["A", np.nan, "C", "D"],
        "latitude": [36.2, 35.9, np.nan, 33.5],
        "longitude": [37.15, 36.6, np.nan, 36.3],
        "geo_precision": [1, 2, np.nan, 3],
        "fatalities": [3, np.nan, 0, 1],
        "notes": ["n1", None, "n3", "n4"],
    })


# --- htmlsafe -------------------------------------------------------------------------------

@pytest.mark.parametrize("payload", ["<img src=x onerror=alert(1)>", "</script><script>alert(1)</script>",
                                     "\"' onmouseover=alert(1) x='", "a\u2028b\u2029c"])
def test_script_json_never_contains_raw_markup(payload):
    out = script_json({"v": payload})
    assert "<" not in out and ">" not in out and "\u2028" not in out and "\u2029" not in out
    assert json.loads(out)["v"] == payload


def test_text_and_url_and_color_helpers():
    assert text("<b>&</b>") == "&lt;b&gt;&amp;&lt;/b&gt;"
    assert text(pd.NA) == "" and text(pd.NaT) == "" and text(np.nan) == ""
    assert safe_url("https://x.org/a") == "https://x.org/a"
    for bad in ("javascript:alert(1)", "JaVaScRiPt:alert(1)", "//x.org", "https://x.org/\"onmouseover=", None):
        assert safe_url(bad) is None
    assert css_color("url(javascript:x)") == "#777777"


# --- payload ----------------------------------------------------------------------------------

def test_payload_keeps_every_row_located_or_unresolved():
    p = build_payload(small_events())
    assert p["n"] == 3 and p["unresolved"]["n"] == 1
    assert p["day"].tolist() == [18414, 18418, 18420]
    assert p["prec"].tolist() == [1, 2, 3]
    labels = [t["label"] for t in p["types"]]
    assert labels == ["Battles", "Protests", "Unknown type"]
    assert [t["count"] for t in p["types"]] == [2, 1, 1]
    assert column_values(p["cols"]["fatalities"]) == ["3", None, "1"]
    assert column_values(p["unresolved"]["cols"]["quote"]) == ["n3"]
    assert p["day_range"] == [18414, 18420]


def test_payload_prefers_geometry_and_converts_crs():
    gdf = gpd.GeoDataFrame({"event_type": ["Battles", "Battles"]},
                           geometry=[Point(37.0, 36.0), None], crs="EPSG:4326").to_crs("EPSG:3857")
    lon, lat = event_points(gdf)
    assert lon[0] == pytest.approx(37.0) and lat[0] == pytest.approx(36.0)
    assert np.isnan(lon[1])
    # geometry missing but latitude/longitude given -> taken from the columns
    gdf2 = gpd.GeoDataFrame({"latitude": [35.0], "longitude": [38.0]}, geometry=[None], crs="EPSG:4326")
    assert event_points(gdf2)[0][0] == pytest.approx(38.0)
    # polygons use a point on their surface
    lon3, lat3 = event_points(gpd.GeoDataFrame(geometry=[box(36, 35, 37, 36)], crs="EPSG:4326"))
    assert 36 <= lon3[0] <= 37 and 35 <= lat3[0] <= 36


def test_payload_minimal_frame_and_all_nan():
    p = build_payload(pd.DataFrame({"latitude": [np.nan, np.nan], "longitude": [np.nan, np.nan]}))
    assert p["n"] == 0 and p["unresolved"]["n"] == 2 and p["day_range"] is None
    p2 = build_payload(pd.DataFrame({"latitude": [35.0], "longitude": [38.0]}))
    assert p2["n"] == 1 and p2["day"].tolist() == [-1]


@pytest.mark.parametrize("frame, column", [
    (pd.DataFrame({"latitude": [95.0], "longitude": [38.0]}), "latitude"),
    (pd.DataFrame({"latitude": ["north"], "longitude": [38.0]}), "latitude"),
    (pd.DataFrame({"latitude": [35.0], "longitude": [38.0], "geo_precision": [7]}), "geo_precision"),
    (pd.DataFrame({"latitude": [35.0], "longitude": [38.0], "event_date": ["31/31/2020"]}), "event_date"),
    (pd.DataFrame({"lat": [35.0]}), "geometry"),
])
def test_bad_input_names_row_column_value(frame, column):
    with pytest.raises(InputError) as info:
        build_payload(frame)
    assert info.value.column == column


def test_event_days_accepts_strings_and_timezones():
    frame = pd.DataFrame({"event_date": pd.to_datetime(["2020-06-01 23:00"]).tz_localize("UTC")})
    assert event_days(frame).tolist() == [18414]
    assert event_days(pd.DataFrame({"event_date": ["2020-06-02", ""]})).tolist() == [18415, -1]


def test_encode_compresses_large_payloads_and_stays_script_safe():
    big = {"values": ["</script>" + str(k) for k in range(200_000)]}
    out = encode(big)
    assert out.startswith('{"gz":["') and "</" not in out
    import base64
    import gzip

    def inflate(encoded: str) -> str:
        return "".join(gzip.decompress(base64.b64decode(piece)).decode() for piece in json.loads(encoded)["gz"])

    assert json.loads(inflate(out)) == big


def test_encode_cuts_gzip_pieces_that_join_back(monkeypatch):
    import base64
    import gzip

    from conflictmap.maps import payload as payload_mod

    monkeypatch.setattr(payload_mod, "GZIP_CHUNK", 1000)
    data = {"ar": ["قرية %d" % k for k in range(2000)], "n": np.arange(5000)}
    pieces = json.loads(encode(data, compress=True))["gz"]
    assert len(pieces) > 10
    text = "".join(gzip.decompress(base64.b64decode(p)).decode("utf-8") for p in pieces)
    back = json.loads(text)
    assert back["ar"] == data["ar"] and back["n"]["dtype"] == "u2"
    assert np.frombuffer(base64.b64decode(back["n"]["b64"]), dtype="<u2").tolist() == list(range(5000))


@pytest.mark.parametrize("values, dtype", [([0, 255], "u1"), ([-1, 100], "i1"), ([0, 70000], "i4"),
                                           ([-1, 40000], "i4"), ([-300, 300], "i2"), ([5, 65535], "u2")])
def test_typed_arrays_take_the_smallest_type(values, dtype):
    import base64

    from conflictmap.maps.payload import typed_array

    out = typed_array(np.array(values))
    assert out["dtype"] == dtype
    assert np.frombuffer(base64.b64decode(out["b64"]), dtype="<" + dtype).tolist() == values
    with pytest.raises(ValueError):
        typed_array(np.array([0, 2**40]))


def test_text_columns_fast_paths_keep_values():
    from conflictmap.maps.payload import Coded, string_list

    n = 20_000
    sentences = pd.Series([f" sentence {k} " if k % 7 else None for k in range(n)])
    sentences[3] = ""
    sentences[5] = "a\x1fb"  # the list separator is replaced, never sent
    coded = Coded.of(sentences, max_len=20)
    values = coded.values()
    assert values[1] == "sentence 1" and values[0] is None and values[3] is None
    assert values[5] == "a b" and values[1234] == "sentence 1234"
    assert Coded.of(pd.Series(["x" * 30] * 3), max_len=10).values()[0] == "x" * 9 + "\u2026"
    col = coded.column(np.arange(n))
    assert "values" in col and isinstance(col["values"], dict)
    assert column_values(col) == values
    assert "\x1f" not in "".join(v for v in values if v)
    # no space at the edges: no trimming pass, same values
    clean = Coded.of(pd.Series(["\u0642\u0631\u064a\u0629", "b", "b", None]))
    assert clean.values() == ["\u0642\u0631\u064a\u0629", "b", "b", None] and len(clean.uniques) == 2
    assert Coded.of(pd.Series(["\u00a0x\u3000", "x"])).values() == ["x", "x"]
    assert string_list(pa.array(["a", None] * 40))["j"].split("\x1f")[:3] == ["a", "", "a"]


def test_precision3_outline_from_areas_mapping():
    events = small_events().assign(place_id=["a", "b", None, "ocha:SY01"])
    layer = incidents_layer(events, areas={"ocha:SY01": box(36, 33, 37, 34)})
    assert layer.payload["poly"] == [-1, -1, 0]
    assert len(layer.payload["polys"]) == 1


# --- layers and legend ------------------------------------------------------------------------

def test_legend_generated_from_data_and_escaped():
    events = small_events().assign(event_type=["<b>x</b>", "Protests", None, "Battles"])
    m = folium.Map(tiles=None)
    incidents_layer(events, m)
    html = m.get_root().render()
    legend = [c for c in m._children.values()][0]._children
    rendered = [child.html for child in legend.values() if hasattr(child, "html")][0]
    assert "&lt;b&gt;x&lt;/b&gt;" in rendered and "<b>x</b>" not in rendered
    assert "Protests" in rendered and "Unknown type" in rendered
    assert "<b>x</b>" not in html  # nowhere in the page, not even in the embedded data
    assert legend_html("t", []).count("cm-legend-row") == 0


def test_layers_compose_and_render_with_or_without_map():
    events = small_events()
    layer = incidents_layer(events)  # m=None: returned, not attached
    assert layer._parent is None
    m = folium.Map(tiles=None)
    layer.add_to(m)
    heat = heatmap_layer(layer, m)
    slider = time_slider(m, window_days=7)
    html = m.get_root().render()
    assert heat.get_name() in html and "L.Control.ConflictmapTimeline" in html
    assert slider.options["windowDays"] == 7 and slider.start_day == 18414 and slider.end_day == 18420
    assert html.count("conflictmap core") == 1  # shared script included once
    with pytest.raises(InputError):
        incidents_layer(events).get_root().render()  # a layer needs a map to render


def zones_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({
        "faction": ["government", "SDF", "Martians", "government"],
        "confidence": ["confirmed", "contested", "approximate", None],
        "valid_from": pd.to_datetime(["2020-01-01", "2020-01-01", "2020-01-01", "2020-07-01"]),
        "valid_to": pd.to_datetime(["2020-06-30", None, None, None]),
        "as_of": pd.to_datetime(["2020-01-01", "2020-01-01", "2020-01-01", "2020-07-01"]),
        "source": ["s", "s", "s", "s"], "note": ["<script>x</script>", None, np.nan, ""],
    }, geometry=[box(36, 33, 37, 34), box(39, 35, 41, 37), box(37, 35, 38, 36), box(36, 33, 37.5, 34)],
        crs="EPSG:4326")


def test_zones_layer_styles_snapshots_and_escaping():
    layer = zones_layer(zones_frame(), folium.Map(tiles=None))
    feats = layer.data["features"]
    assert len(feats) == 4  # unknown factions are drawn, not dropped
    from conflictmap.factions import get_faction

    assert feats[0]["properties"]["color"] == get_faction("government").color
    assert feats[1]["properties"]["dash"] == "8 6" and feats[1]["properties"]["hatch"] is True
    assert feats[2]["properties"]["dash"] == "2 5"
    assert "&lt;script&gt;" in feats[0]["properties"]["tip"]
    assert layer.layer_name == "Control zones (as of 2020-07-01)"
    assert layer.data["initial"] == int(np.datetime64("2020-07-01", "D").astype(int))
    # as_of keeps only zones valid that day
    earlier = zones_layer(zones_frame(), as_of="2020-03-01")
    assert len(earlier.data["features"]) == 3
    assert "as of 2020-01-01" in earlier.layer_name
    with pytest.raises(InputError):
        zones_layer(pd.DataFrame({"faction": ["x"]}))


def test_basemap_from_given_geometries_escapes_attribution():
    layer = basemap_layer(outline=box(36, 32, 42, 37), areas=[box(36, 32, 39, 37)],
                          towns=[("Big <town>", Point(37, 36), 100_000), ("Small", Point(38, 35), 10),
                                 ("Mid", Point(38, 34), 30_000)],
                          roads=[LineString([(36, 33), (37, 36)])], attribution="<b>credit</b>", gazetteer=False)
    assert [t[2] for t in layer.data["towns"]] == ["Big <town>", "Mid"]
    assert [t[3] for t in layer.data["towns"]] == [True, False]
    assert layer.data["attribution"] == "&lt;b&gt;credit&lt;/b&gt;"
    assert layer.data["land"]["features"] and layer.data["roads"]["features"]
    html = folium.Map(tiles=None).add_child(layer).get_root().render()
    assert "<town>" not in html and "<b>credit" not in html


def test_conflict_map_builds_everything_and_is_exported():
    m = conflict_map(small_events(), zones_frame(), as_of="2020-06-05", title="T <x>", basemap=False)
    kinds = {type(c).__name__ for c in m._children.values()}
    assert {"IncidentsLayer", "ZonesLayer", "HeatmapLayer", "TimeSlider", "LayerControl", "MapTitle"} <= kinds
    slider = [c for c in m._children.values() if type(c).__name__ == "TimeSlider"][0]
    assert slider.options["value"] == 18418
    assert conflictmap.conflict_map is conflict_map
    for name in ("save_html", "incidents_layer", "zones_layer", "basemap_layer", "heatmap_layer", "time_slider"):
        assert callable(getattr(conflictmap, name))
    assert "<x>" not in m.get_root().render()


def test_conflict_map_repr_html_is_self_contained():
    m = conflict_map(small_events(), basemap=False)
    page = m._repr_html_()
    assert "srcdoc=" in page and "cdn.jsdelivr" not in page


# --- CLI --------------------------------------------------------------------------------------

def test_cli_map_writes_offline_file(tmp_path, capsys):
    from conflictmap.cli import main

    events = small_events()
    events["event_id_cnty"] = [f"SYR{k}" for k in range(len(events))]
    events["location"] = ["Aleppo", "Idlib", "Nowhere", "Damascus"]
    events["event_type"] = ["Battles", "Protests", "Battles", "Battles"]
    src = tmp_path / "events.csv"
    events.to_csv(src, index=False)
    zones_path = tmp_path / "zones.geojson"
    zones_frame().iloc[:2].to_file(zones_path, driver="GeoJSON")
    out = tmp_path / "out" / "map.html"
    rc = main(["map", str(src), "--zones", str(zones_path), "--as-of", "2020-06-05", "-o", str(out),
               "--title", "CLI map", "--no-basemap"])
    assert rc == 0
    page = out.read_text()
    assert "L.ConflictmapIncidents" in page and "L.ConflictmapZones" in page
    assert not re.search(r"<script[^>]+src=", page) and not re.search(r"<link[^>]+stylesheet", page)
    assert "4 event(s), 3 on the map" in capsys.readouterr().err
    assert main(["map", str(tmp_path / "missing.csv"), "-o", str(tmp_path / "x.html")]) == 1
    assert not (tmp_path / "x.html").exists()


# --- property: whatever the text, the page never carries it as markup --------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=25, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>&\"'/ \u2028\u2029script=onerrorimgx()")), max_size=40))
def test_any_note_text_is_inert_in_the_page(note):
    events = pd.DataFrame({"latitude": [35.0, np.nan], "longitude": [38.0, np.nan], "notes": [note, note],
                           "event_type": [note or None, "Battles"], "location": [note, note]})
    m = folium.Map(tiles=None)
    incidents_layer(events, m, compress=False)
    page = m.get_root().render()
    body = page.split("<body>", 1)[1]
    scripts = re.findall(r"<script>(.*?)</script>", body, flags=re.S)
    data = "".join(s for s in scripts if "ConflictmapIncidents(" in s)
    assert re.search(r"new L\.ConflictmapIncidents\(incidents_\w+_data,", data)
    payload = re.search(r"var incidents_\w+_data = (.*?);\n", data, flags=re.S).group(1)
    assert "<" not in payload and json.loads(payload)["n"] == 1
    assert "\u2028" not in data and "\u2029" not in data


def test_precision3_outline_from_the_gazetteer():
    try:
        from conflictmap.gazetteer import get_gazetteer

        gz = get_gazetteer()
    except Exception as exc:  # noqa: BLE001 - compiled gazetteer data may be absent
        pytest.skip(f"gazetteer not available: {exc}")
    events = pd.DataFrame({"latitude": [36.4, 36.2], "longitude": [37.5, 37.1], "geo_precision": [3, 3],
                           "place_id": ["ocha:SY0202", "gn:does-not-exist"]})
    layer = incidents_layer(events, gazetteer=gz)
    assert layer.payload["poly"] == [0, -1]  # the second is drawn as a dashed circle instead
    ring = layer.payload["polys"][0][0]
    xs, ys = ring[0::2], ring[1::2]
    assert min(xs) < 3750000 < max(xs) and min(ys) < 3640000 < max(ys)  # Al Bab district around the point


# --- place labels -------------------------------------------------------------------------------

from label_places import XSS_IMG, synthetic_events, synthetic_places  # noqa: E402

from conflictmap.maps.labels import event_places, label_payload, label_table, labels_layer  # noqa: E402


def test_label_tiers_zooms_and_priority_order():
    places = synthetic_places()
    table = label_table(places)
    tier_of = dict(zip(table["name"], table["tier"]))
    assert tier_of["Madinat Kabira"] == "city" and tier_of["Town 0"] == "town"
    assert tier_of["Sub-district Seat"] == "small_town"  # by feature code
    assert tier_of["Much Named"] == "small_town"  # by number of names
    assert tier_of["Village 0"] == "village" and tier_of["Quarter 3"] == "neighbourhood"
    assert tier_of["Test Plain"] == "region" and "Governorate" not in tier_of  # admin areas are not labelled
    zoom = dict(zip(table["tier"], table["minzoom"]))
    assert zoom["city"] < zoom["town"] < zoom["small_town"] < zoom["village"] < zoom["neighbourhood"]
    assert zoom["village"] == 10 and zoom["neighbourhood"] == 13
    assert table.loc[table["tier"] == "region", "area"].all() and not table.loc[table["tier"] == "town", "area"].any()
    assert table.loc[table["tier"] == "region", "maxzoom"].iloc[0] > 0
    order = table["tier"].drop_duplicates().tolist()
    assert order == ["city", "town", "region", "small_town", "village", "neighbourhood"]
    villages = table[table["tier"] == "village"]
    assert villages["score"].is_monotonic_decreasing  # named-more villages first within the tier
    # the region's point comes from its columns; without them from its polygon
    no_xy = places.assign(longitude=np.nan, latitude=np.nan)
    region = label_table(no_xy).set_index("name").loc["Test Plain"]
    assert 36.35 < region["lon"] < 36.55 and 35.75 < region["lat"] < 35.95


def test_event_places_come_first_and_earlier():
    places = synthetic_places()
    events = synthetic_events(places)
    evp = event_places(events, places)
    assert len(evp) == 5  # four by place_id, one by its location name near its point
    by_name = places.loc[evp.index, "name"].tolist()
    assert places[places["name"].str.startswith("Village ")].iloc[600]["name"] in by_name
    table = label_table(places, events)
    hit = table[table["n_events"] > 0]
    assert len(hit) == 5 and (hit["minzoom"] == 9).all()  # villages labelled one zoom earlier
    plain = label_table(places).set_index("name")
    assert (hit.set_index("name")["score"] > plain.loc[hit["name"], "score"]).all()
    first_village = table[table["tier"] == "village"].iloc[0]
    assert first_village["n_events"] > 0
    # an event far from any same-named place is not attached to it
    far = events.iloc[[4]].assign(longitude=40.0)
    assert len(event_places(far, places)) == 0
    assert len(event_places(None, places)) == 0


def test_label_payload_is_columnar_rounded_and_script_aware():
    table = label_table(synthetic_places(), synthetic_events(synthetic_places()))
    p = label_payload(table, script="en")
    n = p["n"]
    assert n == len(table)
    for key in ("x", "y", "t", "z", "zmax", "en"):
        assert len(p[key]) == n
    assert "ar" not in p and p["scale"] == 10_000
    assert p["x"][0] == round(table["lon"].iloc[0] * 1e4)
    assert len(p["ev"]["i"]) == 5
    assert p["ev"]["d0"] == [int(table["first_day"].iloc[i]) for i in p["ev"]["i"]]
    assert all(a <= b for a, b in zip(p["ev"]["d0"], p["ev"]["d1"]))
    assert [p["tiers"][t]["key"] for t in p["t"][:2]] == ["city", "city"]
    both = label_payload(table, script="both")
    assert len(both["ar"]) == n and both["en"] == p["en"]
    assert both["ar"].count(None) == table["name_ar"].isna().sum() > 0
    ar = label_payload(table, script="ar")
    assert "en" not in ar
    missing = [k for k, a in enumerate(ar["ar"]) if a is None]
    assert missing and all(ar["fallback"][k] == table["name"].iloc[k] for k in missing)
    assert all(ar["fallback"][k] is None for k, a in enumerate(ar["ar"]) if a is not None)
    with pytest.raises(InputError):
        label_payload(table, script="fr")
    # compact: well under 60 bytes of JSON per label
    size = len(dumps(p).encode())
    assert size / n < 60


def test_labels_layer_contract_and_escaping():
    places = synthetic_places()
    layer = labels_layer(places, script="both")
    assert layer._parent is None  # m=None: not added anywhere
    m = folium.Map(tiles=None)
    assert labels_layer(places, m=m, events=synthetic_events(places), compress=False)._parent is m
    page = m.get_root().render()
    assert "L.ConflictmapLabels" in page and "Conflictmap.registerTimeLayer" in page
    assert XSS_IMG not in page and "<img" not in page
    data = re.search(r"var labels_\w+_data = (.*?);\n", page, flags=re.S).group(1)
    assert "<" not in data and ">" not in data
    assert json.loads(data)["en"].count(XSS_IMG) == 1
    # compressed by default when large, and still inert
    compressed = labels_layer(places, m=folium.Map(tiles=None), compress=True)
    assert compressed.payload_js.startswith('{"gz":["')
    with pytest.raises(InputError):
        labels_layer(places, script="latin")
    with pytest.raises(InputError):
        label_table(places, tiers=["hamlet"])
    only = label_table(places, tiers=["city", "region"])
    assert set(only["tier"]) == {"city", "region"}
    with pytest.raises(InputError):
        label_table(pd.DataFrame({"title": ["x"]}))


def test_conflict_map_labels_option():
    places = synthetic_places()

    class Gz:  # the two things conflict_map needs from a gazetteer here
        def __init__(self, frame):
            self.places = frame

    events = synthetic_events(places)
    m = conflict_map(events, basemap=False, labels="ar", gazetteer=Gz(places))
    layers = [c for c in m._children.values() if type(c).__name__ == "LabelsLayer"]
    assert len(layers) == 1 and layers[0].payload["script"] == "ar"
    assert len(layers[0].payload["ev"]["i"]) == 5
    off = conflict_map(events, basemap=False, labels=False, gazetteer=Gz(places))
    assert not [c for c in off._children.values() if type(c).__name__ == "LabelsLayer"]
    with pytest.raises(InputError):
        conflict_map(events, basemap=False, labels="latin", gazetteer=Gz(places))
