"""Bad input: a clear error naming the row and value, or a marked row; never a deep traceback,
never a lost row (rows in == rows out)."""

from __future__ import annotations

import logging
import math
import time

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import conflictmap
from conflictmap.errors import ConflictmapError, CuratedRowError, InputError
from conflictmap.events import attach_events, read_events, validate_events
from conflictmap.geocoding.normalize import name_key, normalize_name

ODD_NAMES = [
    "", " ", "\t\n ", "\u00a0\u2003", None, float("nan"), pd.NA, 12, 3.5,
    "x" * 10_240, "Kafr Nabl " * 1_100,                # ~10 kB strings
    "\x00Kafr\x07 Nabl\x1b", "Kafr\u200bNabl\u202e", "\x00" * 40,  # control characters
    "Kafr كفرنبل Nabl", "Кафр Набль", "كفرنبل 2020", "😀💥", "\ud800", "Ṭall Abyaḍ",  # mixed scripts
]


# ------------------------------------------------------------------ names into the geocoder
@pytest.mark.parametrize("query", ODD_NAMES, ids=lambda q: repr(q)[:20])
def test_geocoder_never_raises_on_odd_names(geocoder, query):
    t0 = time.perf_counter()
    match = geocoder.resolve(query)
    assert match.status in {"matched", "ambiguous", "unresolved"}
    if match.status == "unresolved":
        assert match.reason  # says why
    assert time.perf_counter() - t0 < 2.0  # a 10 kB string must not send the fuzzy search off
    loc = geocoder.geocode(query)
    assert loc is None or loc.raw["match_status"] in {"matched", "ambiguous"}


def test_empty_and_whitespace_names_are_marked_unresolved(geocoder):
    for query in ("", "   ", "\t\n", None, float("nan")):
        m = geocoder.resolve(query)
        assert (m.status, m.reason) == ("unresolved", "empty location")


def test_control_characters_do_not_hide_a_name(geocoder):
    plain = geocoder.resolve("Kafr Nabl")
    assert geocoder.resolve("\x00Kafr\x07 Nabl\x1b").place_id == plain.place_id
    assert geocoder.resolve("Kafr\u200b Nabl").place_id == plain.place_id
    assert normalize_name("Kafr\x00\x1b  Nabl") == "Kafr Nabl"


def test_batch_keeps_every_odd_row_in_order():
    df = pd.DataFrame({"location": ODD_NAMES, "gov": ["Idlib", None, np.nan, "", "  ", "\x00", "Atlantis",
                                                      "x" * 10_240, "SY07", "Idleb", "إدلب", None, 1, 2.5,
                                                      "Idlib", "Idlib", pd.NA, "Idlib", "\ud800", "Raqqa"]})
    df.index = [f"r{i}" for i in range(len(df))]
    out = conflictmap.geocode(df, name="location", admin1="gov")
    assert len(out) == len(df) and list(out.index) == list(df.index)
    assert set(out["match_status"]) <= {"matched", "ambiguous", "unresolved"}
    empty = out.loc[["r0", "r1", "r2", "r3", "r4", "r5"], "match_status"]
    assert (empty == "unresolved").all()
    assert out.loc["r11", "match_status"] == "matched"  # control characters stripped
    # unresolved rows have no point, matched ones have one
    assert out.loc[out["match_status"] == "unresolved", "geometry"].isna().all()
    assert out.loc[out["match_status"] == "matched", "geometry"].notna().all()


def test_nan_and_none_in_every_column_of_a_geocode_table():
    df = pd.DataFrame({"location": [None, np.nan, pd.NA, "Kafr Nabl"], "admin1": [None, np.nan, pd.NA, None],
                       "admin2": [np.nan, None, pd.NA, np.nan], "other": [None, np.nan, pd.NA, 1.0]})
    out = conflictmap.geocode(df, name="location", admin1="admin1", admin2="admin2")
    assert len(out) == 4
    assert out["match_status"].tolist() == ["unresolved"] * 3 + ["matched"]
    assert "admin1" in out.columns and "geo_admin1" in out.columns  # clash kept, output prefixed


def test_wrong_column_names_name_the_column():
    df = pd.DataFrame({"place": ["Kafr Nabl"], "province": ["Idlib"]})
    with pytest.raises(InputError, match="no name column 'location'") as info:
        conflictmap.geocode(df)
    assert info.value.column == "location"
    with pytest.raises(InputError, match="no admin1 column 'gov'"):
        conflictmap.geocode(df, name="place", admin1="gov")
    with pytest.raises(InputError, match="missing required column") as info:
        read_events(pd.DataFrame({"date": ["2020-01-01"], "type": ["Battles"], "loc": ["Kafr Nabl"]}))
    assert info.value.column == "event_date"
    with pytest.raises(InputError, match="pandas, geopandas or dask"):
        conflictmap.geocode(["Kafr Nabl"])


# ------------------------------------------------------------------ event tables
def _events(**columns) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    base = {"event_date": ["2020-06-30"] * n, "event_type": ["Battles"] * n, "location": ["Kafr Nabl"] * n}
    base.update(columns)
    return pd.DataFrame(base)


def test_nan_and_none_in_every_event_column():
    from conflictmap.events.schema import event_columns

    cols = list(event_columns()["column"])
    df = pd.DataFrame({c: [None, np.nan, pd.NA] for c in cols})
    with pytest.raises(InputError, match="a value is required") as info:
        validate_events(df)
    assert info.value.row == 0 and info.value.column == "event_date"
    marked = validate_events(df, errors="mark")
    assert len(marked) == 3 and not marked["valid"].any()
    assert marked["problems"].str.contains("event_date: a value is required").all()
    attached = attach_events(df, errors="mark").events
    assert len(attached) == 3
    assert (attached["match_status"] == "unresolved").all()


def test_unparsable_dates_name_row_and_value():
    df = _events(event_date=["2020-06-30", "32/13/2020", "yesterday", ""])
    with pytest.raises(InputError) as info:
        validate_events(df)
    err = info.value
    assert (err.row, err.column, err.value) == (1, "event_date", "32/13/2020")
    assert "32/13/2020" in str(err) and "row 1" in str(err)
    marked = validate_events(df, errors="mark")
    assert marked["valid"].tolist() == [True, False, False, False]
    assert "yesterday" in marked.loc[2, "problems"]


@pytest.mark.parametrize("lat, lon, bad", [(91.0, 36.0, "latitude"), (35.0, 181.0, "longitude"),
                                           (np.inf, 36.0, "latitude"), ("north", 36.0, "latitude"),
                                           (35.0, None, "longitude")])
def test_coordinates_out_of_range(lat, lon, bad):
    df = _events(latitude=[35.6, lat], longitude=[36.5, lon])
    with pytest.raises(InputError) as info:
        validate_events(df)
    assert info.value.row == 1 and info.value.column == bad
    marked = validate_events(df, errors="mark")
    assert marked["valid"].tolist() == [True, False]


def test_out_of_range_points_in_a_geodataframe():
    gdf = gpd.GeoDataFrame(_events(location=["a", "b"]), geometry=[shapely.Point(500, 500), shapely.Point(36, 35)],
                           crs=4326)
    with pytest.raises(InputError) as info:
        read_events(gdf)
    assert info.value.row == 0


def test_invalid_and_empty_geometries_keep_every_row():
    bowtie = shapely.Polygon([(36, 35), (37, 36), (37, 35), (36, 36)])
    gdf = gpd.GeoDataFrame(_events(location=["a", "b", "c", "d"]),
                           geometry=[shapely.Point(), bowtie, None, shapely.GeometryCollection()], crs=4326)
    out = read_events(gdf)
    assert len(out) == 4
    assert out.loc[[0, 2, 3], "latitude"].isna().all()  # empty -> no point, not a crash
    assert out.loc[1, "latitude"] == pytest.approx(35.5, abs=0.6)  # invalid polygon still placed


def test_invalid_zone_geometry_is_repaired_and_reported():
    from conflictmap.zones.validate import validate_zones

    bowtie = shapely.Polygon([(36, 35), (37, 36), (37, 35), (36, 36)])
    zones = gpd.GeoDataFrame({"faction": ["government", "sdf"]}, geometry=[bowtie, shapely.box(38, 35, 39, 36)],
                             crs=4326)
    out, report = validate_zones(zones)
    assert len(out) == 2  # repaired, not dropped
    assert out.geometry.is_valid.all()
    assert any(issue.kind == "invalid" and 0 in issue.rows for issue in report.issues)


def test_empty_zone_geometry_is_named_in_strict_mode():
    from conflictmap.zones.validate import validate_zones

    zones = gpd.GeoDataFrame({"faction": ["government", "sdf"]}, geometry=[shapely.box(38, 35, 39, 36),
                                                                          shapely.Polygon()], crs=4326)
    with pytest.raises(InputError) as info:
        validate_zones(zones, strict=True)
    assert info.value.row == 1


def test_duplicate_event_ids():
    df = _events(event_id_cnty=["SYR1", "SYR2", "SYR1"])
    with pytest.raises(InputError, match="duplicate event id") as info:
        validate_events(df)
    assert (info.value.row, info.value.value) == (2, "SYR1")
    marked = attach_events(df, errors="mark").events
    assert len(marked) == 3 and marked["valid"].tolist() == [True, True, False]


def test_ten_kilobyte_event_text_is_kept():
    big = "x" * 10_240
    out = attach_events(_events(location=[big, "Kafr Nabl"], notes=[big, "\x00\x07"])).events
    assert len(out) == 2 and out.loc[0, "match_status"] == "unresolved"
    assert out.loc[0, "notes"] == big


def test_csv_with_garbage_is_an_input_error(tmp_path):
    path = tmp_path / "events.csv"
    path.write_bytes(b"\xff\xfe\x00garbage\x00\n\x01,\x02\n")
    with pytest.raises(ConflictmapError):
        read_events(path)
    missing = tmp_path / "nope.csv"
    with pytest.raises(InputError, match="file not found"):
        read_events(missing)


# ------------------------------------------------------------------ user gazetteer rows
def test_user_row_contradicting_a_bundled_place_wins_with_a_warning(gazetteer, caplog):
    pid = "gn:168661"  # Kafr Nabl in the bundled data
    before = gazetteer.get(pid)
    with caplog.at_level(logging.WARNING, logger="conflictmap.user_places"):
        gz = gazetteer.with_user_places(pd.DataFrame([{"place_id": pid, "name": "Kafranbel centre",
                                                       "longitude": 36.57, "latitude": 35.62}]))
    assert len(gz) == len(gazetteer)  # no place lost or duplicated
    assert (gz.get(pid)["longitude"], gz.get(pid)["latitude"]) == (36.57, 35.62)
    assert gazetteer.get(pid)["longitude"] == before["longitude"]  # the bundled one is untouched
    assert any("row 1" in r.getMessage() and pid in r.getMessage() for r in caplog.records)
    assert conflictmap.Geocoder(gz).resolve("Kafranbel centre").place_id == pid


@pytest.mark.parametrize("row, column, text", [
    ({"name": "Camp X", "longitude": 400.0, "latitude": 36.0}, "longitude", "out of range"),
    ({"name": "Camp X", "longitude": "east", "latitude": 36.0}, "longitude", "not numbers"),
    ({"name": "Camp X", "longitude": np.nan, "latitude": 36.0}, "longitude", "not numbers"),
    ({"name": "Camp X", "longitude": "nan", "latitude": "nan"}, "longitude", "out of range"),
    ({"name": None, "longitude": 36.0, "latitude": 35.0}, "name", "needs a name"),
    ({"name": "Camp X", "longitude": 36.0, "latitude": 35.0, "feature_type": "castle"}, "feature_type", "one of"),
    ({"name": "Camp X", "name_ar": "Camp", "longitude": 36.0, "latitude": 35.0}, "name_ar", "Arabic"),
])
def test_bad_user_rows_name_the_row(gazetteer, row, column, text):
    table = pd.DataFrame([{"name": "Camp Good", "longitude": 36.5, "latitude": 35.5}, row])
    with pytest.raises(CuratedRowError, match=text) as info:
        gazetteer.with_user_places(table)
    assert info.value.row == 2 and info.value.column == column


def test_user_rows_with_the_same_new_id_name_the_row(gazetteer):
    table = pd.DataFrame([{"place_id": "me:1", "name": "Camp A", "longitude": 36.5, "latitude": 35.5},
                          {"place_id": "me:1", "name": "Camp B", "longitude": 36.6, "latitude": 35.6}])
    with pytest.raises(CuratedRowError) as info:
        gazetteer.with_user_places(table)
    assert info.value.row == 2 and info.value.value == "me:1"


def test_user_file_that_is_not_csv(tmp_path, gazetteer):
    path = tmp_path / "places.csv"
    path.write_bytes(b"name,longitude,latitude\n\"unclosed,36,35\n")
    with pytest.raises(CuratedRowError):
        gazetteer.with_user_places(path)


def test_name_key_is_total_on_odd_input():
    for value in ODD_NAMES:
        key = name_key(value)
        assert isinstance(key, str)
        assert not any(ord(ch) < 32 for ch in key)
    assert math.isnan(float("nan"))  # sanity for the NaN case above


@pytest.mark.parametrize("suffix, content", [(".geojson", b"{not json"), (".parquet", b"PAR1 not really"),
                                             (".csv", b"a,b\n\"unclosed\n"), (".csv", b"")])
def test_corrupt_event_files_are_input_errors(tmp_path, suffix, content):
    path = tmp_path / f"events{suffix}"
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        read_events(path)
    assert str(path) in str(info.value)


def test_surrogates_in_a_table_do_not_crash_the_batch():
    df = pd.DataFrame({"location": ["Kafr Nabl", "bad \udcff bytes", "\ud800"]}, dtype=object)
    out = conflictmap.geocode(df)
    assert out["match_status"].tolist()[0] == "matched" and len(out) == 3
