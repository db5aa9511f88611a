"""Reading and writing event tables."""

import pandas as pd
import pytest

from conflictmap.errors import InputError
from conflictmap.events.io import read_events, write_events


@pytest.fixture
def events():
    return read_events(pd.DataFrame({
        "event_id_cnty": ["T1", "T2", "T3"],
        "event_date": ["2020-06-30", "2020-06-30", "2020-07-01"],
        "event_type": ["Battles", "Explosions/Remote violence", "Strategic developments"],
        "sub_event_type": ["Armed clash", "Shelling/artillery/missile attack", "Other"],
        "actor1": ["Military Forces of Syria (2000-)", None, "SDF: Syrian Democratic Forces"],
        "location": ["Kansafrah", "Kashal Ubayd", "الحسكة"],
        "latitude": [35.659, 36.606, None], "longitude": [36.485, 38.729, None],
        "fatalities": [0, 0, None],
        "notes": ["fighting, \"quoted\"\nsecond line", "shells", "prison closed"],
    }))


def test_dataframe_gives_points_and_keeps_rows_without_coordinates(events):
    assert len(events) == 3
    assert events.crs.to_epsg() == 4326
    assert events.geometry.iloc[0].x == pytest.approx(36.485)  # (lon, lat)
    assert events.geometry.iloc[2] is None


@pytest.mark.parametrize("suffix", [".csv", ".geojson", ".parquet"])
def test_round_trip(events, tmp_path, suffix):
    path = write_events(events, tmp_path / f"events{suffix}")
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temp file left behind
    back = read_events(path)
    assert list(back.event_id_cnty) == ["T1", "T2", "T3"]
    assert list(back.location) == ["Kansafrah", "Kashal Ubayd", "الحسكة"]
    assert back.notes.iloc[0] == "fighting, \"quoted\"\nsecond line"
    assert back.event_date.iloc[2] == pd.Timestamp("2020-07-01")
    assert back.geometry.iloc[1].y == pytest.approx(36.606)
    assert back.geometry.iloc[2] is None or back.geometry.iloc[2].is_empty
    assert pd.isna(back.fatalities.iloc[2]) and back.fatalities.iloc[0] == 0


def test_excel_with_column_mapping(tmp_path):
    pytest.importorskip("openpyxl")
    path = tmp_path / "sheet.xlsx"
    pd.DataFrame({"Date": ["2020-06-26"], "Type": ["Battles"], "Place": ["al-Sukhna"], "Killed": [2]}).to_excel(path, index=False)
    events = read_events(path, columns={"Date": "event_date", "Type": "event_type", "Place": "location",
                                        "Killed": "fatalities"})
    assert events.location.iloc[0] == "al-Sukhna" and events.fatalities.iloc[0] == 2


def test_csv_error_names_file_row_and_column(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("event_date,event_type,location,fatalities\n2020-06-26,Battles,Kahil,1\n2020-06-26,Battles,Kahil,-2\n")
    with pytest.raises(InputError) as info:
        read_events(path)
    assert info.value.row == 1 and info.value.column == "fatalities"
    assert "bad.csv" in str(info.value)
    marked = read_events(path, errors="mark")
    assert len(marked) == 2 and list(marked.valid) == [True, False]


def test_unknown_format_and_missing_file(tmp_path):
    with pytest.raises(InputError, match="unknown event file type"):
        read_events(tmp_path / "x.docx") if (tmp_path / "x.docx").write_text("x") else None
    with pytest.raises(InputError, match="file not found"):
        read_events(tmp_path / "none.csv")
    with pytest.raises(InputError, match="unknown output format"):
        write_events(pd.DataFrame(), tmp_path / "x.docx")


def test_failed_write_leaves_old_file(tmp_path, events, monkeypatch):
    path = write_events(events, tmp_path / "e.csv")
    before = path.read_text()

    def broken(self, *args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", broken)
    with pytest.raises(OSError):
        write_events(events.iloc[:1], path)
    assert path.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["e.csv"]


def test_example_events_csv_is_valid():
    from conflictmap.events.schema import DATA_DIR

    events = read_events(DATA_DIR / "examples" / "events_2020-06.csv")
    assert len(events) >= 15
    assert events.source_url.str.startswith("https://").all()
    assert (events.notes.str.len() > 20).all()
