"""`conflictmap serve`: a real uvicorn server on 127.0.0.1 (free port, background thread), spoken
to by geopy's real Nominatim client and by raw HTTP; everything stays on loopback and every
request has a timeout."""

from __future__ import annotations

import http.client
import io
import json
import logging
import math
import subprocess
import sys
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

from geopy.geocoders import Nominatim  # noqa: E402

from conflictmap.geocoding.batch import OUTPUT_COLUMNS  # noqa: E402
from conflictmap.service import BackgroundServer, Limits, LookupService  # noqa: E402

TIMEOUT = 20  # seconds, for every HTTP call
BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
ARABIC = range(0x0600, 0x0700)


@pytest.fixture(scope="module")
def service(geocoder):
    return LookupService(geocoder)


@pytest.fixture(scope="module")
def server(service):
    limits = Limits(max_body_bytes=300_000, max_rows=2_000, workers=4)
    with BackgroundServer(service, limits=limits) as srv:
        yield srv


@pytest.fixture(scope="module")
def cors_server(service):
    with BackgroundServer(service, cors_origins=["http://localhost:3000"]) as srv:
        yield srv


@pytest.fixture(scope="module")
def nominatim(server):
    return Nominatim(domain=server.domain, scheme="http", user_agent="conflictmap-tests", timeout=TIMEOUT)


def request(srv, method: str, target: str, body: bytes | None = None, headers: dict | None = None,
            chunked: bool = False):
    """(status, headers, body) of one raw HTTP request; the target is sent exactly as given."""
    conn = http.client.HTTPConnection(srv.host, srv.port, timeout=TIMEOUT)
    try:
        if chunked:
            conn.putrequest(method, target, skip_accept_encoding=True)
            for key, value in (headers or {}).items():
                conn.putheader(key, value)
            conn.putheader("Transfer-Encoding", "chunked")
            conn.endheaders()
            for start in range(0, len(body or b""), 65536):
                piece = body[start:start + 65536]
                conn.send(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            conn.send(b"0\r\n\r\n")
        else:
            conn.request(method, target, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def get_json(srv, target: str, **kw):
    status, headers, body = request(srv, "GET", target, **kw)
    assert headers["content-type"].startswith("application/json"), (target, headers, body[:200])
    return status, json.loads(body)


def search_url(**params) -> str:
    return "/search?" + urllib.parse.urlencode(params)


# ---------------------------------------------------------------------------- geopy's real client
def test_geopy_geocode_matches_the_in_process_geocoder(nominatim, geocoder):
    for query in ("Kansafra, Jabal al-Zawiya, south of Idlib", "Saraqib", "Kafr Nabl"):
        remote = nominatim.geocode(query)
        local = geocoder.geocode(query)
        assert remote is not None and local is not None
        assert remote.raw["place_id"] == local.raw["place_id"]
        assert remote.address == local.address
        assert remote.latitude == pytest.approx(local.latitude, abs=1e-6)
        assert remote.longitude == pytest.approx(local.longitude, abs=1e-6)
        assert remote.raw["match_status"] == local.raw["match_status"]
        assert remote.raw["match_method"] == local.raw["match_method"]


def test_geopy_unknown_name_is_none(nominatim):
    assert nominatim.geocode("Nowhere-on-earth-xyz") is None


def test_geopy_exactly_one_false_gives_the_ranked_candidates(nominatim, geocoder):
    found = nominatim.geocode("Ruwayhah", exactly_one=False)
    match = geocoder.resolve("Ruwayhah")
    assert match.status == "ambiguous"
    assert [loc.raw["place_id"] for loc in found] == [c.place_id for c in match.candidates][: len(found)]
    assert len(found) >= 2 and all(loc.raw["match_status"] == "ambiguous" for loc in found)
    assert [c["place_id"] for c in found[0].raw["match_candidates"]][:2] == [c.place_id for c in match.candidates[:2]]


def test_geopy_limit(nominatim):
    assert len(nominatim.geocode("Ruwayhah", exactly_one=False, limit=1)) == 1


def test_geopy_bounded_viewbox_keeps_only_places_inside(nominatim):
    box = [(34.9, 40.2), (35.4, 40.7)]  # (lat, lon) corners around Deir ez-Zor's Ruwayhah
    found = nominatim.geocode("Ruwayhah", exactly_one=False, viewbox=box, bounded=True)
    assert found and all(34.9 <= loc.latitude <= 35.4 and 40.2 <= loc.longitude <= 40.7 for loc in found)
    assert "Deir" in found[0].raw["display_name"]
    unbounded = nominatim.geocode("Ruwayhah", exactly_one=False)
    assert len(unbounded) > len(found)


def test_geopy_viewbox_without_bounded_prefers_the_box(nominatim):
    best = nominatim.geocode("Ruwayhah", viewbox=[(34.9, 40.2), (35.4, 40.7)])
    assert 34.9 <= best.latitude <= 35.4


def test_geopy_reverse(nominatim, geocoder):
    loc = nominatim.reverse((35.6594, 36.4855))
    assert loc.raw["place_id"] == geocoder.reverse((35.6594, 36.4855)).raw["place_id"]
    assert loc.raw["address"]["country_code"] == "sy" and loc.raw["address"]["state"]
    assert loc.raw["distance_km"] < 1
    assert len(nominatim.reverse((35.6594, 36.4855), exactly_one=False)) == 1


def test_geopy_reverse_zoom_gives_the_admin_area_around_the_point(nominatim):
    state = nominatim.reverse((35.6594, 36.4855), zoom=5)
    county = nominatim.reverse((35.6594, 36.4855), zoom=8)
    assert state.raw["addresstype"] == "state" and state.raw["feature_type"] == "admin1"
    assert county.raw["addresstype"] == "county" and county.raw["address"]["state"] == state.raw["name"]


def test_geopy_reverse_outside_the_gazetteer(nominatim, server):
    assert nominatim.reverse((48.85, 2.35)) is None
    assert get_json(server, "/reverse?lat=48.85&lon=2.35") == (200, {"error": "Unable to geocode"})


def test_geopy_structured_query(nominatim):
    loc = nominatim.geocode({"city": "Ruwayhah", "state": "Deir ez-Zor"})
    assert "Deir" in loc.raw["display_name"]


# ---------------------------------------------------------------------------- formats
def _check_box(box_strings, lat, lon):
    south, north, west, east = (float(v) for v in box_strings)
    assert all(isinstance(v, str) for v in box_strings)
    assert south <= lat <= north and west <= lon <= east


def test_json_and_jsonv2_fields(server):
    for fmt, cls in (("json", "class"), ("jsonv2", "category")):
        status, out = get_json(server, search_url(q="Kansafra", format=fmt, addressdetails=1))
        assert status == 200 and len(out) == 1
        place = out[0]
        assert isinstance(place["lat"], str) and isinstance(place["lon"], str)
        _check_box(place["boundingbox"], float(place["lat"]), float(place["lon"]))
        assert place[cls] == "place" and place["type"] in ("village", "town", "city")
        assert ({"class", "category"} - {cls}).isdisjoint(place)
        assert place["place_id"] == "gn:168572" and "osm_type" not in place and "osm_id" not in place
        assert place["address"]["state"] and place["address"]["county"] and place["address"]["country"] == "Syria"
        assert place["licence"] and 0 <= place["importance"] <= 1
        for key in ("match_status", "match_method", "match_score", "geo_precision", "match_candidates"):
            assert key in place


def test_default_format_is_jsonv2(server):
    _, out = get_json(server, "/search?q=Saraqib")
    assert "category" in out[0]


def test_geojson(server):
    status, out = get_json(server, search_url(q="Ruwayhah", format="geojson", limit=5))
    assert status == 200 and out["type"] == "FeatureCollection" and len(out["features"]) >= 2
    for feature in out["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        x0, y0, x1, y1 = feature["bbox"]
        assert x0 <= lon <= x1 and y0 <= lat <= y1
        assert feature["properties"]["match_status"] == "ambiguous"


def test_geocodejson(server):
    status, out = get_json(server, search_url(q="Kansafra, Idlib", format="geocodejson", addressdetails=1))
    assert status == 200 and out["geocoding"]["version"] == "0.1.0"
    assert out["geocoding"]["query"] == "Kansafra, Idlib"
    geo = out["features"][0]["properties"]["geocoding"]
    assert geo["label"].startswith("Kansafrah") and geo["state"] and geo["admin"]["level4"] == geo["state"]


def test_polygon_geojson_gives_the_admin_outline(server):
    _, out = get_json(server, search_url(q="Idlib governorate", polygon_geojson=1, format="jsonv2"))
    assert out[0]["geojson"]["type"] in ("Polygon", "MultiPolygon")


def test_reverse_formats(server):
    for fmt in ("json", "jsonv2"):
        status, out = get_json(server, f"/reverse?lat=35.6594&lon=36.4855&format={fmt}")
        assert status == 200 and isinstance(out, dict) and out["address"]["country_code"] == "sy"
    _, out = get_json(server, "/reverse?lat=35.6594&lon=36.4855&format=geojson")
    assert len(out["features"]) == 1
    _, out = get_json(server, "/reverse?lat=35.6594&lon=36.4855&format=geocodejson")
    assert out["geocoding"]["query"] == "35.6594,36.4855"


def test_arabic_names_when_arabic_is_preferred(server):
    _, out = get_json(server, search_url(q="Kansafra", addressdetails=1), headers={"Accept-Language": "ar,en;q=0.5"})
    assert any(ord(ch) in ARABIC for ch in out[0]["display_name"])
    assert out[0]["address"]["country"] == "سوريا"
    _, out = get_json(server, search_url(q="Kansafra", **{"accept-language": "en"}),
                      headers={"Accept-Language": "ar"})
    assert out[0]["display_name"].startswith("Kansafrah")


def test_arabic_query(server, geocoder, gazetteer):
    arabic = gazetteer.get("gn:164816")["name_ar"]  # Saraqib
    _, out = get_json(server, search_url(q=arabic, limit=1))
    assert out and out[0]["place_id"] == geocoder.geocode(arabic).raw["place_id"]


def test_countrycodes(server):
    assert get_json(server, search_url(q="Saraqib", countrycodes="tr"))[1] == []
    assert len(get_json(server, search_url(q="Saraqib", countrycodes="tr,SY"))[1]) == 1


def test_admin1_hint_extension(server):
    _, out = get_json(server, search_url(q="Ruwayhah", admin1="Deir ez-Zor", limit=1, addressdetails=1))
    assert out[0]["address"]["state"].startswith("Deir")


def test_structured_query_for_another_country_finds_nothing(server):
    assert get_json(server, search_url(city="Saraqib", country="France"))[1] == []
    assert len(get_json(server, search_url(city="Saraqib", country="Syria"))[1]) == 1


def test_unresolved_and_empty_queries_give_an_empty_list(server):
    assert get_json(server, search_url(q="Nowhere-on-earth-xyz")) == (200, [])
    assert get_json(server, "/search") == (200, [])
    assert get_json(server, search_url(q="Saraqib", featureType="country")) == (200, [])


def test_status(server):
    status, headers, body = request(server, "GET", "/status")
    assert (status, body) == (200, b"OK")
    status, out = get_json(server, "/status?format=json")
    assert out["status"] == 0 and out["message"] == "OK" and out["software_version"]


# ---------------------------------------------------------------------------- malformed and hostile requests
BAD = [
    ("/search?q=Saraqib&limit=abc", "limit"),
    ("/search?q=Saraqib&limit=0", "limit"),
    ("/search?q=Saraqib&limit=100000", "limit"),
    ("/search?q=Saraqib&limit=1e3", "limit"),
    ("/search?q=Saraqib&viewbox=1,2,3", "viewbox"),
    ("/search?q=Saraqib&viewbox=a,b,c,d", "viewbox"),
    ("/search?q=Saraqib&viewbox=36,35,36,36", "viewbox"),
    ("/search?q=Saraqib&viewbox=nan,35,37,36", "viewbox"),
    ("/search?q=Saraqib&viewbox=36,35,37,inf", "viewbox"),
    ("/search?q=Saraqib&viewbox=36,35,370,36", "viewbox"),
    ("/search?q=Saraqib&bounded=maybe", "bounded"),
    ("/search?q=Saraqib&addressdetails=2", "addressdetails"),
    ("/search?q=Saraqib&format=xml", "format"),
    ("/search?q=Saraqib&format=html", "format"),
    ("/search?q=Saraqib&countrycodes=syr", "countrycodes"),
    ("/search?q=Saraqib&json_callback=alert", "json_callback"),
    ("/search?q=Saraqib&city=Idlib", "city"),
    ("/search?q=%ff%fe", "q"),
    ("/search?q=Sar%C3", "q"),
    ("/search?q=%zzSaraqib", "q"),
    ("/search?q=Sara%00qib", "q"),
    ("/search?q=" + "x" * 5000, "q"),
    ("/search?%ff=1", "the parameter name"),
    ("/reverse?lat=abc&lon=36", "lat"),
    ("/reverse?lat=nan&lon=36", "lat"),
    ("/reverse?lat=NaN&lon=36", "lat"),
    ("/reverse?lat=inf&lon=36", "lat"),
    ("/reverse?lat=-Infinity&lon=36", "lat"),
    ("/reverse?lat=91&lon=36", "lat"),
    ("/reverse?lat=35&lon=-181", "lon"),
    ("/reverse?lat=35&lon=1e400", "lon"),
    ("/reverse?lon=36", "lat"),
    ("/reverse?lat=35", "lon"),
    ("/reverse?lat=35&lon=36&zoom=19", "zoom"),
    ("/reverse?lat=35&lon=36&zoom=x", "zoom"),
    ("/status?format=xml", "format"),
]


@pytest.mark.parametrize("target, parameter", BAD)
def test_bad_parameter_is_a_400_that_names_it(server, target, parameter):
    status, headers, body = request(server, "GET", target)
    assert status == 400, body[:300]
    assert headers["content-type"].startswith("application/json")
    err = json.loads(body)["error"]
    assert err["code"] == 400 and err["parameter"] == parameter
    assert len(err["value"]) <= 80 and len(err["message"]) < 400
    assert b"Traceback" not in body and b"File \"" not in body


def test_huge_url_is_refused_and_the_server_lives_on(server):
    try:  # uvicorn answers 400 and closes the connection, possibly while the request is still being sent
        status, _, body = request(server, "GET", "/search?q=" + "x" * 200_000)
    except (ConnectionResetError, BrokenPipeError):
        status, body = 400, b""
    assert 400 <= status < 500 and b"Traceback" not in body
    assert request(server, "GET", "/status")[0] == 200


@pytest.mark.parametrize("target", ["/../../etc/passwd", "/search/../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
                                    "/..%2f..%2fetc%2fpasswd", "/static/../../conflictmap/data/places.parquet",
                                    "//etc/passwd", "/search.php/../../etc/passwd"])
def test_path_traversal_is_a_404(server, target):
    status, headers, body = request(server, "GET", target)
    assert status == 404 and headers["content-type"].startswith("application/json")
    assert b"root:" not in body and json.loads(body)["error"]["code"] == 404


def test_unknown_path_and_method(server):
    status, out = get_json(server, "/nothing-here")
    assert status == 404 and "no such endpoint" in out["error"]["message"]
    assert request(server, "POST", "/search", body=b"{}")[0] == 405
    assert request(server, "GET", "/geocode")[0] == 405


def test_error_messages_quote_user_values_cut_short(server):
    status, out = get_json(server, "/reverse?lat=" + "9" * 3000 + "x&lon=1")
    assert status == 400 and len(out["error"]["value"]) <= 80 and len(json.dumps(out)) < 600


# ---------------------------------------------------------------------------- POST /geocode
def post(srv, body: bytes, content_type: str, query: str = "", accept: str | None = None, **kw):
    headers = {"Content-Type": content_type}
    if accept:
        headers["Accept"] = accept
    return request(srv, "POST", "/geocode" + query, body=body, headers=headers, **kw)


def _names(gazetteer, n=120):
    names = gazetteer.places.loc[gazetteer.places["feature_type"] == "settlement", "name"].head(n).tolist()
    return names + ["Kafr Nabl", "", "   ", "Nowhere-on-earth-xyz", "Kafr Nabl", "Ruwayhah", "كنصفرة", "Ruwayhah"]


def test_geocode_json_round_trip_keeps_every_row_in_order(server, gazetteer, geocoder):
    import conflictmap

    names = _names(gazetteer)
    rows = [{"name": n, "admin1": "Idlib" if i % 3 == 0 else None, "row": i} for i, n in enumerate(names)]
    status, headers, body = post(server, json.dumps(rows).encode(), "application/json")
    assert status == 200 and headers["content-type"].startswith("application/json")
    out = pd.DataFrame(json.loads(body))
    assert len(out) == len(rows) and out["row"].tolist() == list(range(len(rows)))
    assert out["name"].tolist() == names
    expected = conflictmap.geocode(pd.DataFrame(rows), name="name", admin1="admin1", geocoder=geocoder)
    assert list(out.columns) == [c for c in expected.columns if c != "geometry"]
    for col in ("place_id", "match_status", "match_method", "geo_admin1"):
        assert out[col].fillna("").astype(str).tolist() == expected[col].fillna("").astype(str).tolist(), col
    assert out["latitude"].fillna(0).tolist() == pytest.approx(expected["latitude"].fillna(0).tolist(), abs=1e-6)


def test_geocode_json_list_of_strings(server):
    status, _, body = post(server, json.dumps(["Saraqib", "", "Saraqib"]).encode(), "application/json")
    out = json.loads(body)
    assert status == 200 and [r["name"] for r in out] == ["Saraqib", "", "Saraqib"]
    assert [r["match_status"] for r in out] == ["matched", "unresolved", "matched"]
    assert out[1]["latitude"] is None and out[1]["match_reason"]
    assert set(OUTPUT_COLUMNS) <= set(out[0])


def test_geocode_csv_round_trip_keeps_every_row_and_cell(server, gazetteer, geocoder):
    import conflictmap

    names = _names(gazetteer, 60)
    table = pd.DataFrame({"code": [f"{i:04d}" for i in range(len(names))], "place": names,
                          "gov": ["Idlib" if i % 2 else "" for i in range(len(names))]})
    body = table.to_csv(index=False).encode()
    status, headers, answer = post(server, body, "text/csv; charset=utf-8", "?name_column=place&admin1_column=gov")
    assert status == 200 and headers["content-type"].startswith("text/csv")
    out = pd.read_csv(io.BytesIO(answer), dtype=str, keep_default_na=False)
    assert len(out) == len(table) and out["code"].tolist() == table["code"].tolist()
    assert out["place"].tolist() == table["place"].tolist()
    assert list(out.columns) == ["code", "place", "gov"] + OUTPUT_COLUMNS
    expected = conflictmap.geocode(table, name="place", admin1="gov", geocoder=geocoder)
    assert out["place_id"].tolist() == expected["place_id"].fillna("").astype(str).replace("None", "").tolist()
    assert out["match_status"].tolist() == expected["match_status"].tolist()


def test_geocode_answer_format_from_accept_header_or_format_param(server):
    csv_body = b"location\nSaraqib\n"
    status, headers, body = post(server, csv_body, "text/csv", accept="application/json")
    assert status == 200 and json.loads(body)[0]["place_name"] == "Saraqib"
    status, headers, body = post(server, b'["Saraqib"]', "application/json", "?format=csv")
    assert headers["content-type"].startswith("text/csv") and b"Saraqib" in body
    status, headers, body = post(server, b'["Saraqib"]', "application/json", accept="text/csv")
    assert headers["content-type"].startswith("text/csv")


def test_geocode_tsv_body(server):
    status, _, body = post(server, "place\tgov\nSaraqib\tIdlib\n".encode(), "text/tab-separated-values",
                           "?name_column=place&admin1_column=gov&format=json")
    assert status == 200 and json.loads(body)[0]["match_status"] == "matched"


def test_geocode_arabic_column(server, gazetteer, geocoder):
    import conflictmap

    arabic = gazetteer.get("gn:168572")["name_ar"]  # Kansafrah
    rows = [{"name": "", "name_ar": arabic}, {"name": "Kansafra", "name_ar": arabic}, {"name": "", "name_ar": ""}]
    status, _, body = post(server, json.dumps(rows).encode(), "application/json")
    out = json.loads(body)
    expected = conflictmap.geocode(pd.DataFrame(rows), name="name", name_ar="name_ar", geocoder=geocoder)
    assert status == 200 and expected["match_status"].iloc[0] != "unresolved"  # the Arabic name alone places it
    assert [r["match_status"] for r in out] == expected["match_status"].tolist()
    assert [r["place_id"] or "" for r in out] == expected["place_id"].fillna("").replace("None", "").tolist()


@pytest.mark.parametrize("body, content_type, parameter, code", [
    (b"not json", "application/json", "body", 400),
    (b'{"name": "Saraqib"}', "application/json", "body", 400),
    (b'[["Saraqib"]]', "application/json", "body[0]", 400),
    (b'[{"name": "Saraqib", "x": {"a": 1}}]', "application/json", "body[0].x", 400),
    (b'[{"name": NaN}]', "application/json", "body", 400),
    (b'["Sar\xff\xfeaqib"]', "application/json", "body", 400),
    (b"", "text/csv", "body", 400),
    (b'place\n"unclosed\n', "text/csv", "body", 400),
    (b"city\nSaraqib\n", "text/csv", "name_column", 400),
    (b"Saraqib", "text/plain", "content-type", 415),
    (b"Saraqib", "application/x-www-form-urlencoded", "content-type", 415),
    (b'["Saraqib"]', "application/json; charset=latin-1", "content-type", 415),
    (b'["Saraqib"]', "", "content-type", 415),
])
def test_geocode_bad_bodies(server, body, content_type, parameter, code):
    headers = {"Content-Type": content_type} if content_type else {}
    status, _, answer = request(server, "POST", "/geocode", body=body, headers=headers)
    assert status == code, answer[:300]
    err = json.loads(answer)["error"]
    assert err["parameter"] == parameter and len(err["value"]) <= 80


def test_geocode_unknown_column_param(server):
    status, _, body = post(server, b"place\nSaraqib\n", "text/csv", "?name_column=nope")
    assert status == 400 and json.loads(body)["error"]["parameter"] == "name_column"


def test_oversized_post_is_a_413(server):
    big = json.dumps(["Saraqib"] * 40_000).encode()  # ~440 kB, over the 300 kB limit of this server
    status, _, body = post(server, big, "application/json")
    assert status == 413 and json.loads(body)["error"]["code"] == 413
    status, _, body = post(server, big, "application/json", chunked=True)  # no Content-Length to check
    assert status == 413
    assert request(server, "GET", "/status")[0] == 200


def test_too_many_rows_is_a_413(server):
    status, _, body = post(server, json.dumps(["a"] * 2_001).encode(), "application/json")
    assert status == 413 and "rows" in json.loads(body)["error"]["message"]


# ---------------------------------------------------------------------------- concurrency
def test_concurrent_requests_get_the_answers_of_sequential_ones(server, gazetteer):
    names = _names(gazetteer, 150)
    targets = [search_url(q=n, limit=3) for n in names] + [f"/reverse?lat={35 + i / 100}&lon=36.5" for i in range(50)]
    sequential = [get_json(server, t) for t in targets]
    with ThreadPoolExecutor(max_workers=16) as pool:
        concurrent = list(pool.map(lambda t: get_json(server, t), targets * 2, timeout=120))
    assert concurrent == sequential * 2


# ---------------------------------------------------------------------------- CORS
def test_no_cors_headers_by_default(server):
    _, headers, _ = request(server, "GET", "/search?q=Saraqib", headers={"Origin": "http://evil.example"})
    assert not any(k.startswith("access-control-") for k in headers)
    status, headers, _ = request(server, "OPTIONS", "/search", headers={
        "Origin": "http://evil.example", "Access-Control-Request-Method": "GET"})
    assert status == 405 and "access-control-allow-origin" not in headers


def test_cors_only_for_the_given_origin(cors_server):
    _, headers, _ = request(cors_server, "GET", "/search?q=Saraqib", headers={"Origin": "http://localhost:3000"})
    assert headers["access-control-allow-origin"] == "http://localhost:3000"
    _, headers, _ = request(cors_server, "GET", "/search?q=Saraqib", headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in headers
    status, headers, _ = request(cors_server, "OPTIONS", "/search", headers={
        "Origin": "http://localhost:3000", "Access-Control-Request-Method": "GET"})
    assert status == 200 and headers["access-control-allow-origin"] == "http://localhost:3000"


# ---------------------------------------------------------------------------- limits and logging
def test_request_past_its_time_limit_is_a_503(service):
    with BackgroundServer(service, limits=Limits(request_seconds=1e-6)) as srv:
        status, out = get_json(srv, search_url(q="Kafr Nabl, south of Idlib"))
    assert status == 503 and "longer than" in out["error"]["message"]


def test_one_log_line_per_request_with_control_characters_escaped(server, caplog):
    with caplog.at_level(logging.INFO, logger="conflictmap.service.access"):
        request(server, "GET", "/status?x=%0Afake%20line")
        request(server, "GET", "/nothing")
    lines = [r.getMessage() for r in caplog.records if r.name == "conflictmap.service.access"]
    assert len(lines) == 2
    assert "/status" in lines[0] and " 200 " in lines[0] and "\n" not in lines[0]
    assert "/nothing" in lines[1] and " 404 " in lines[1]


def test_binds_loopback_by_default(service):
    with BackgroundServer(service) as srv:
        assert srv.host == "127.0.0.1" and srv._sock.getsockname()[0] == "127.0.0.1"


# ---------------------------------------------------------------------------- CLI
def test_cli_parser_defaults_and_help(capsys):
    from conflictmap.cli import build_parser

    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.cors, args.user_places, args.corrections) == ("127.0.0.1", 8080, [], None, None)
    args = build_parser().parse_args(["serve", "--cors", "http://a", "--cors", "http://b", "--port", "9000"])
    assert args.cors == ["http://a", "http://b"] and args.port == 9000
    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "--help"])
    text = capsys.readouterr().out
    assert "Example: conflictmap serve" in text and "127.0.0.1" in text and "--cors" in text


def test_cli_bad_port_is_one_line_error(capsys):
    from conflictmap.cli import main

    assert main(["serve", "--port", "70000"]) == 1
    err = capsys.readouterr().err
    assert "--port" in err and "Traceback" not in err


# ---------------------------------------------------------------------------- benchmark script
def test_bench_service_quick_runs():
    done = subprocess.run([sys.executable, str(BENCH / "bench_service.py"), "--quick"], capture_output=True,
                          text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    for text in ("requests", "errors 0", "median", "p95", "in-process Geocoder.geocode"):
        assert text in done.stdout, (text, done.stdout)


def test_no_nan_in_json_answers(server):
    _, out = get_json(server, search_url(q="Ruwayhah", limit=10, format="geojson"))
    text = json.dumps(out)
    assert "NaN" not in text and not any(isinstance(v, float) and math.isnan(v) for v in out["features"][0]["bbox"])


def test_structured_state_only_is_the_governorate(server):
    _, out = get_json(server, search_url(state="Idlib", limit=1))
    assert out[0]["addresstype"] == "state" and out[0]["feature_type"] == "admin1"


def test_foreign_host_header_is_refused(server):
    """DNS rebinding: a hostile name that resolves to 127.0.0.1 must not get answers."""
    status, out = get_json(server, "/search?q=Saraqib", headers={"Host": f"evil.example:{server.port}"})
    assert status == 400 and out["error"]["parameter"] == "host"
    for host in (f"127.0.0.1:{server.port}", f"localhost:{server.port}"):
        assert get_json(server, "/search?q=Saraqib", headers={"Host": host})[0] == 200


def test_geopy_options_language_country_featuretype(nominatim):
    loc = nominatim.geocode("Saraqib", addressdetails=True, language="ar", country_codes="sy", featuretype="city",
                            namedetails=True, extratags=True)
    assert loc.raw["address"]["country"] == "سوريا" and loc.raw["feature_type"] == "settlement"
    assert loc.raw["namedetails"]["name"] and "name:ar" in loc.raw["namedetails"]
    assert nominatim.geocode("Saraqib", country_codes=["tr"]) is None
    assert nominatim.geocode("Idlib", featuretype="state").raw["feature_type"] == "admin1"
