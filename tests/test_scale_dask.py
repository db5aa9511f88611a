"""Dask scale-out: results on a multi-process LocalCluster equal the pandas path."""

from __future__ import annotations

import os

import pandas as pd
import pytest

dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("dask.distributed")

import conflictmap  # noqa: E402
from conflictmap.errors import GeocoderError, InputError  # noqa: E402
from conflictmap import attach_events  # noqa: E402  (conflictmap.tables: pandas or Dask)
from conflictmap.scale import attach_events_dask, geocode_dask, worker_geocoder  # noqa: E402

NAMES = ["Kafr Nabl", "Kansafra, Jabal al-Zawiya", None, "Ruwayhah", "  ", "Nowhere-xyz", "Maarat al-Numan",
         "كفرنبل", "Jisr ash-Shughur", "Daraa province", float("nan"), "Tell Abiad", "Saraqib village",
         "x" * 300, "Deir ez-Zor city"]
GOVS = ["Idlib", "Idlib", "Idlib", "Deir ez-Zor", None, "Aleppo", "Idleb", "", "Idlib", None, "Idlib",
        "Raqqa", "Idlib", "Atlantis", "Deir-ez-Zor"]


def _frame(repeat: int = 4) -> pd.DataFrame:
    df = pd.DataFrame({"location": NAMES * repeat, "gov": GOVS * repeat,
                       "value": range(len(NAMES) * repeat)})
    df.index = pd.RangeIndex(100, 100 + len(df))  # a non-default index must survive
    return df


def _from_pandas(df: pd.DataFrame, npartitions: int):
    # keep the pandas dtypes so the computed table can be compared with the pandas path as is
    with dask.config.set({"dataframe.convert-string": False}):
        return dd.from_pandas(df, npartitions=npartitions)


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None,
                                       host="127.0.0.1", silence_logs=40)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def test_geocode_on_cluster_equals_pandas(client):
    df = _frame()
    expected = conflictmap.geocode(df, name="location", admin1="gov")
    ddf = _from_pandas(df, npartitions=5)
    lazy = conflictmap.geocode(ddf, name="location", admin1="gov")
    assert isinstance(lazy, dd.DataFrame)
    assert list(lazy.columns) == list(expected.columns)
    got = lazy.compute()
    pd.testing.assert_frame_equal(got, expected)
    assert len(got) == len(df)


def test_latin_and_arabic_columns_on_cluster_equal_pandas(client):
    df = _frame(repeat=2)
    arabic = ["كفرنبل", "كنصفرة", None, "الرويحة", "", "Kafr Nabl", float("nan"), "كفرنبل", "جسر الشغور", None,
              "سراقب", "تل أبيض", "", "ب" * 200, "دير الزور"]
    df["location_ar"] = arabic * 2
    expected = conflictmap.geocode(df, name="location", name_ar="location_ar", admin1="gov")
    assert expected["match_method"].astype(str).str.contains(":").any()  # the Arabic column was read
    got = conflictmap.geocode(_from_pandas(df, npartitions=3), name="location", name_ar="location_ar",
                              admin1="gov").compute()
    pd.testing.assert_frame_equal(got, expected)


def test_index_built_once_per_worker(client):
    ddf = _from_pandas(_frame(), npartitions=6)
    geocode_dask(ddf, admin1="gov").compute()

    def built(dask_worker=None):
        from conflictmap import scale

        return os.getpid(), len(scale._GEOCODERS), id(worker_geocoder())

    first = client.run(built)
    geocode_dask(ddf, admin1="gov").compute()
    second = client.run(built)
    assert len(first) == 2
    for addr, (pid, count, ident) in first.items():
        assert pid != os.getpid()  # really other processes
        assert count == 1  # one geocoder per process, not one per partition
        assert second[addr][2] == ident  # and it is reused by the next computation


def test_each_distinct_query_is_resolved_once_across_partitions(client):
    """Every name occurs in every partition, yet the workers together answer each distinct
    (name, hint) once: as many look-ups as the pandas path makes, not one set per partition."""
    df = _frame(repeat=6)
    g = conflictmap.Geocoder()
    g.clear_cache()
    conflictmap.geocode(df, name="location", admin1="gov", geocoder=g)
    info = g._resolve_cached.cache_info()
    pandas_calls = info.hits + info.misses

    def reset(dask_worker=None):
        worker_geocoder().clear_cache()

    def calls(dask_worker=None):
        info = worker_geocoder()._resolve_cached.cache_info()
        return info.hits + info.misses

    client.run(reset)
    got = geocode_dask(_from_pandas(df, npartitions=6), admin1="gov").compute()
    assert len(got) == len(df)
    assert sum(client.run(calls).values()) == pandas_calls
    assert pandas_calls < len(df) / 4


def test_default_string_conversion_keeps_results(client):
    """With dask's default pyarrow strings the located columns are still the pandas ones."""
    df = _frame(2)
    got = geocode_dask(dd.from_pandas(df, npartitions=3), admin1="gov").compute()
    expected = conflictmap.geocode(df, admin1="gov")
    cols = list(conflictmap.geocoding.batch.OUTPUT_COLUMNS) + ["geometry"]
    pd.testing.assert_frame_equal(got[cols], expected[cols])
    assert got["location"].fillna("<missing>").tolist() == expected["location"].fillna("<missing>").tolist()


def test_user_gazetteer_is_shipped(client):
    gz = conflictmap.get_gazetteer().with_user_places(pd.DataFrame(
        [{"name": "Camp Zulu Example", "longitude": 36.61, "latitude": 35.91}]))
    df = pd.DataFrame({"location": ["Camp Zulu Example", "Kafr Nabl", "Camp Zulu Example"]})
    got = geocode_dask(_from_pandas(df, 2), gazetteer=gz).compute()
    expected = conflictmap.geocode(df, geocoder=conflictmap.Geocoder(gz))
    pd.testing.assert_frame_equal(got, expected)
    assert got["place_id"].tolist()[0] == "user:1"
    # the bundled gazetteer does not know it: proof the custom one reached the workers
    plain = geocode_dask(_from_pandas(df, 2)).compute()
    assert plain["place_id"].iloc[0] != "user:1"


def test_custom_geocoder_with_corrections(client):
    g = conflictmap.Geocoder(corrections={"Our base": "gn:168572"})
    df = pd.DataFrame({"location": ["Our base", "Kafr Nabl"]})
    got = conflictmap.geocode(_from_pandas(df, 2), geocoder=g).compute()
    assert got["place_id"].tolist()[0] == "gn:168572"
    pd.testing.assert_frame_equal(got, conflictmap.geocode(df, geocoder=g))


def test_fallback_geocoder_is_refused():
    g = conflictmap.Geocoder()
    g._fallback = object()  # what Geocoder(fallback=...) sets; never called here
    with pytest.raises(GeocoderError, match="fallback"):
        geocode_dask(_from_pandas(pd.DataFrame({"location": ["a"]}), 1), geocoder=g)


def test_missing_column_is_clear():
    with pytest.raises(InputError, match="no name column 'place'"):
        conflictmap.geocode(_from_pandas(_frame(1), 2), name="place")


EVENTS = pd.DataFrame({
    "event_date": ["2020-06-30", "2020-07-01", "2020-07-01", "2020-07-02", "2020-07-02", "2020-07-03", "2020-07-03",
                   "2020-07-04"],
    "event_type": ["Battles", "Explosions/Remote violence", "Battles", "Battles", "Violence against civilians",
                   "Battles", "Battles", "Protests"],
    "location": ["Kansafra", "Ruwayha", "Kafr Nabl", "Jabal al-Zawiya", "Nowhere-xyz", "Maarat al-Numan", "Saraqib", "Idlib"],
    "admin1": ["Idlib", "", "Idlib", "Idlib", None, None, "Idlib", "Idlib"],
    "event_id_cnty": ["SYR1", None, "SYR2", "SYR3", None, "SYR4", None, "SYR5"],
    "fatalities": [1, 0, 2, 0, None, 3, 0, 0],
})


def test_attach_events_on_cluster_equals_pandas(client):
    expected = attach_events(EVENTS)
    got = attach_events(_from_pandas(EVENTS, 3))  # the public function dispatches to dask
    events = got.events.compute()
    pd.testing.assert_frame_equal(events, expected.events)
    assert events["event_id_cnty"].tolist()[1] == "CM000002"  # ids numbered over the whole table
    review = got.review.compute().reset_index(drop=True)
    # review_table's text dtypes follow the data (object when a partition's review has no place id)
    def plain(df):
        return df.astype(object).where(df.notna(), None)

    pd.testing.assert_frame_equal(plain(review), plain(expected.review))
    assert review["row"].tolist() == [1, 4]


def test_the_pandas_paths_send_a_dask_table_to_the_public_functions():
    """Only conflictmap.tables (conflictmap.geocode / attach_events) dispatches to Dask."""
    from conflictmap.events.attach import attach_events as attach_table
    from conflictmap.geocoding.batch import geocode as geocode_table

    ddf = _from_pandas(EVENTS, 2)
    with pytest.raises(InputError, match=r"conflictmap.geocode\(\) also takes a Dask DataFrame"):
        geocode_table(ddf)
    with pytest.raises(InputError, match=r"conflictmap.attach_events\(\) also takes a Dask DataFrame"):
        attach_table(ddf)
    assert conflictmap.geocode is conflictmap.tables.geocode and conflictmap.attach_events is attach_events


def test_attach_events_duplicate_across_partitions(client):
    events = EVENTS.assign(event_id_cnty=["SYR1", None, "SYR2", "SYR3", None, "SYR1", None, "SYR5"])
    with pytest.raises(InputError, match="duplicate event id") as info:
        attach_events(events)
    assert info.value.row == 5
    with pytest.raises(InputError, match="duplicate event id") as info:
        attach_events_dask(_from_pandas(events, 4))
    assert info.value.row == 5
    expected = attach_events(events, errors="mark").events
    got = attach_events_dask(_from_pandas(events, 4), errors="mark").events.compute()
    pd.testing.assert_frame_equal(got, expected)
    assert not got.loc[5, "valid"] and "duplicate event id" in got.loc[5, "problems"]


def test_attach_events_mark_mode_keeps_bad_rows(client):
    events = EVENTS.assign(location=["Kansafra", None, "Kafr Nabl", "Saraqib", "Nowhere-xyz", "", "Saraqib", "Idlib"],
                           event_date=["2020-06-30", "2020-07-01", "not a date", "2020-07-02", "2020-07-02",
                                       "2020-07-03", "2020-07-03", "2020-07-04"])
    expected = attach_events(events, errors="mark").events
    got = attach_events_dask(_from_pandas(events, 3), errors="mark").events.compute()
    pd.testing.assert_frame_equal(got, expected)
    assert len(got) == len(events)
    assert got["valid"].tolist() == [True, False, False, True, True, False, True, True]
