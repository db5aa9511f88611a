"""Event schema, ACLED taxonomy and validation."""

import datetime as dt

import pandas as pd
import pytest

from conflictmap.errors import InputError
from conflictmap.events.schema import (
    event_columns,
    events_table,
    event_taxonomy,
    parse_event_date,
    parse_fatalities,
    required_columns,
    validate_events,
)


def _table(**overrides):
    base = {
        "event_date": ["2020-06-26", "2020-06-30", "2020-07"],
        "event_type": ["Battles", "explosions/remote violence", "Strategic developments"],
        "sub_event_type": ["Armed clash", "shelling/artillery/missile attack", "Non-violent transfer of territory"],
        "location": ["al-Sukhna", "Kashal Ubayd", "Kahil"],
        "fatalities": [2, "0", ""],
    }
    base.update(overrides)
    return pd.DataFrame(base)


def test_taxonomy_is_acled():
    tax = event_taxonomy()
    assert set(tax.event_type) == {"Battles", "Explosions/Remote violence", "Violence against civilians",
                                   "Protests", "Riots", "Strategic developments"}
    assert not tax.duplicated(["event_type", "sub_event_type"]).any()
    assert (tax.disorder_type != "").all()


def test_schema_lists_acled_and_provenance_columns():
    cols = list(event_columns().column)
    for name in ["event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "actor1",
                 "actor2", "admin1", "location", "latitude", "longitude", "geo_precision", "fatalities",
                 "source", "source_url", "notes", "place_id", "match_status", "report_id",
                 "source_sentence", "span_start", "span_end"]:
        assert name in cols
    assert required_columns() == ["event_date", "event_type", "location"]


def test_valid_table_is_normalised_and_keeps_every_row_in_order():
    df = _table(extra=["a", "b", "c"])
    df.index = [10, 11, 12]
    out = validate_events(df)
    assert list(out.index) == [10, 11, 12]
    assert list(out.location) == ["al-Sukhna", "Kashal Ubayd", "Kahil"]
    assert list(out.event_type) == ["Battles", "Explosions/Remote violence", "Strategic developments"]
    assert out.sub_event_type.iloc[1] == "Shelling/artillery/missile attack"
    assert list(out.time_precision) == [1, 1, 3]
    assert out.event_date.iloc[1] == pd.Timestamp("2020-06-30")
    assert out.fatalities.iloc[0] == 2 and pd.isna(out.fatalities.iloc[2])
    assert list(out.disorder_type) == ["Political violence", "Political violence", "Strategic developments"]
    assert list(out.event_id_cnty) == ["CM000001", "CM000002", "CM000003"]
    assert out.columns[-1] == "extra"  # extra columns kept, after the schema


@pytest.mark.parametrize(
    "column, value, message",
    [
        ("event_date", "2020-02-30", "not a valid date"),
        ("event_date", "yesterday", "not a date"),
        ("event_date", "30 June 2020", "a column uses one form"),
        ("event_date", "03/04/2020", "a column uses one form"),
        ("event_type", "Skirmish", "unknown event type"),
        ("sub_event_type", "Air/drone strike", "not a sub-event type of 'Battles'"),
        ("fatalities", -3, "cannot be negative"),
        ("fatalities", "many", "whole number"),
        ("location", "", "a value is required"),
    ],
)
def test_bad_value_names_row_column_and_value(column, value, message):
    values = list(_table()[column])
    values[1 if column != "sub_event_type" else 0] = value
    df = _table(**{column: values})
    with pytest.raises(InputError) as info:
        validate_events(df)
    err = info.value
    assert err.column == column
    assert err.row == (1 if column != "sub_event_type" else 0)
    assert message in str(err)


def test_mark_mode_collects_every_problem_and_drops_nothing():
    df = _table(event_type=["Battles", "Nonsense", "Strategic developments"], fatalities=[2, "0", -1])
    out = validate_events(df, errors="mark")
    assert len(out) == 3
    assert list(out.valid) == [True, False, False]
    assert "event_type" in out.problems.iloc[1] and "fatalities" in out.problems.iloc[2]
    with pytest.raises(InputError) as info:
        validate_events(df)
    assert len(info.value.problems) == 2
    assert "1 more problem" in str(info.value)


def test_missing_required_column_is_named():
    with pytest.raises(InputError, match="location"):
        validate_events(_table().drop(columns="location"), errors="mark")


def test_coordinates_and_precision_checked():
    df = _table(latitude=[34.9, 95.0, None], longitude=[38.9, 38.7, 36.2], geo_precision=[1, 4, None])
    out = validate_events(df, errors="mark")
    assert "latitude" in out.problems.iloc[1] and "geo_precision" in out.problems.iloc[1]
    assert "together" in out.problems.iloc[2]
    assert out.valid.iloc[0]


def test_duplicate_ids_are_reported():
    with pytest.raises(InputError, match="duplicate event id"):
        validate_events(_table(event_id_cnty=["A1", "A2", "A1"]))


def test_acled_style_export_loads_unchanged():
    acled = pd.DataFrame({
        "event_id_cnty": ["SYR100", "SYR101"], "event_date": ["26 June 2020", "30 June 2020"], "year": [2020, 2020],
        "time_precision": [1, 2], "disorder_type": ["Political violence", "Political violence"],
        "event_type": ["Battles", "Explosions/Remote violence"],
        "sub_event_type": ["Armed clash", "Air/drone strike"], "actor1": ["Islamic State (Syria)", "Military Forces of Russia (2000-)"],
        "inter1": [2, 8], "admin1": ["Homs", "Idlib"], "location": ["Al Sukhneh", "Kansafra"],
        "latitude": [34.88, 35.66], "longitude": [38.87, 36.49], "geo_precision": [1, 2], "fatalities": [2, 0],
        "tags": ["", ""], "timestamp": [1593388800, 1593388800],
    })
    out = validate_events(acled)
    assert list(out.event_id_cnty) == ["SYR100", "SYR101"]
    assert list(out.time_precision) == [1, 2]
    assert list(out.year) == [2020, 2020] and list(out.inter1) == [2, 8]


def test_parsers():
    assert parse_event_date(dt.date(2020, 6, 26)) == (pd.Timestamp("2020-06-26"), 1)
    assert parse_event_date("June 26, 2020")[0] == pd.Timestamp("2020-06-26")
    assert parse_event_date("26/06/2020")[0] == pd.Timestamp("2020-06-26")
    with pytest.raises(ValueError, match="ambiguous"):
        parse_event_date("03/04/2020")
    assert parse_fatalities("2 to 7") == 2  # ACLED: the lowest figure
    assert parse_fatalities("10+") == 10
    with pytest.raises(ValueError):
        parse_fatalities(2.5)


@pytest.mark.parametrize("columns", [
    {"event_date": ["2020-06-26", "2020-06-30"], "event_type": ["Battles", "Riots"], "location": ["Kahil", "Ayn Issa"],
     "fatalities": [2, None], "latitude": [35.1, None], "longitude": [36.2, None], "geo_precision": [1, 2],
     "match_score": [100.0, None], "actor1": ["Military Forces of Syria (2000-)", None], "span_start": [0, 40],
     "place_role": ["location", "area"]},
    # values a check must still catch or clean: padded text, a blank cell, a bad precision, a negative count,
    # a latitude out of range, a whole number given as text, a column outside the schema
    {"event_date": ["2020-06-26", "2020-06-30"], "event_type": ["Battles", " Riots "], "location": ["Kahil", ""],
     "fatalities": [-1, 3], "latitude": [95.0, 35.0], "longitude": [36.0, 36.5], "geo_precision": [4, 1],
     "actor1": [" Military Forces of Syria (2000-)", "\u00a0Syrian Democratic Forces"], "time_precision": [1, None], "span_end": ["5", 7],
     "disorder_type": ["Political violence", None], "mine": [1, "x"]},
])
def test_events_table_changes_nothing_validation_gives(columns):
    # drafting builds its table with events_table so that validation finds most columns done;
    # whatever the values, validating it must give what validating a plain table of them gives
    plain = validate_events(pd.DataFrame(columns), errors="mark")
    typed = events_table(columns)
    assert list(typed.columns[:3]) == ["event_id_cnty", "event_date", "time_precision"]
    assert str(typed.dtypes["geo_precision"]) == "Int64" or "x" in columns.get("mine", [])
    pd.testing.assert_frame_equal(validate_events(typed, errors="mark"), plain)


def test_a_column_already_clean_is_not_rebuilt():
    table = validate_events(_table())
    again = validate_events(table)
    pd.testing.assert_frame_equal(again, table)
    for column in ("location", "fatalities", "latitude", "geo_precision"):
        assert again[column].dtype == table[column].dtype
