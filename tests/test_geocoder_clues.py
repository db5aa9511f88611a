"""Every clue a row carries: admin1 + admin2 + admin3 together, a direction inside a
governorate, a point the row already has; ``match_reason`` says which clue decided.

Namesakes are picked from the gazetteer itself (never from the development sets)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import conflictmap
from conflictmap import Geocoder
from conflictmap.errors import InputError
from conflictmap.geocoding.matching import (DIRECTION_DEAD_ZONE, Candidate, Context, direction_share,
                                             haversine_km, rank)
from conflictmap.geocoding.query import parse_location, split_direction


@pytest.fixture(scope="module")
def geocoder():
    return Geocoder()


@pytest.fixture(scope="module")
def rules():
    """The hand rules alone: the clues' effect on ranking and on the rules' status."""
    return Geocoder(confidence=None)


def _pairs(geocoder, same: str, differ: str, n: int = 4, min_km: float = 15.0) -> list[tuple[dict, dict]]:
    """Names borne by exactly two settlements in the whole country, which share ``same`` and differ
    in ``differ`` (admin columns), lie ``min_km`` apart and are found only by their exact name."""
    places = geocoder.gazetteer.places
    sett = places[places["feature_type"] == "settlement"]
    counts = sett["name"].value_counts()
    twice = sett[sett["name"].map(counts) == 2].sort_values(["name", "place_id"])
    out = []
    for name, grp in twice.groupby("name", sort=True):
        a, b = grp.to_dict("records")
        if a[same] != b[same] or a[differ] == b[differ] or not a[same] or not a[differ] or not b[differ]:
            continue
        if haversine_km(a["longitude"], a["latitude"], b["longitude"], b["latitude"]) < min_km:
            continue
        hits = {h.place_id for h in geocoder.index.lookup(name) if h.method in ("exact", "alias", "key", "compact")}
        if hits != {a["place_id"], b["place_id"]}:
            continue
        out.append((a, b))
        if len(out) == n:
            break
    if not out:
        pytest.skip(f"no namesakes sharing {same} and differing in {differ}")
    return out


def test_a_district_hint_is_kept_when_a_governorate_hint_is_given_too(geocoder):
    for a, b in _pairs(geocoder, "admin1_pcode", "admin2_pcode"):
        for place in (a, b):
            m = geocoder.resolve(place["name"], admin1=place["admin1"], admin2=place["admin2"])
            assert m.status == "matched" and m.place_id == place["place_id"], (place["name"], m.reason)
            assert m.reason == "the admin2 hint picks it among places of this name"


def test_a_sub_district_hint_settles_namesakes_of_one_district(geocoder):
    for a, b in _pairs(geocoder, "admin2_pcode", "admin3_pcode", min_km=8.0):
        for place in (a, b):
            m = geocoder.resolve(place["name"], admin1=place["admin1"], admin2=place["admin2"],
                                 admin3=place["admin3"])
            assert m.status == "matched" and m.place_id == place["place_id"], (place["name"], m.reason)
            assert "admin3 hint" in m.reason
            # alone, a sub-district hint is as strict as the others (a P-code works as well)
            m = geocoder.resolve(place["name"], admin3=place["admin3_pcode"])
            assert m.place_id == place["place_id"] and m.status == "matched"


def test_a_sub_district_hint_that_disagrees_does_not_veto_a_lone_place(geocoder):
    a, _ = _pairs(geocoder, "admin2_pcode", "admin3_pcode", n=1, min_km=8.0)[0]
    areas = geocoder.gazetteer.areas(3)
    other = areas[(areas["pcode"].str[:6] == a["admin2_pcode"]) & (areas["pcode"] != a["admin3_pcode"])]
    # sources draw sub-district borders differently: the district and governorate still hold
    m = geocoder.resolve(a["name"], admin1=a["admin1"], admin2=a["admin2"], admin3=other["pcode"].iloc[0])
    assert m.place_id == a["place_id"]


def test_unknown_admin3_hint_is_said(geocoder):
    m = geocoder.resolve("Kansafra", admin3="Nowhere-subdistrict-xyz")
    assert "admin3 hint 'Nowhere-subdistrict-xyz' names no sub-district; ignored" in m.reason


def _north_south(geocoder):
    """Namesakes of one governorate, one in its north, one in its south (of the governorate's seat, its
    capital, in a box the size of the governorate's)."""
    out = []
    for a, b in _pairs(geocoder, "admin1_pcode", "admin2_pcode", n=60):
        geom = geocoder.gazetteer.geometry(f"ocha:{a['admin1_pcode']}")
        x0, y0, x1, y1 = geom.bounds
        seat = geocoder.hints.seat(frozenset([a["admin1_pcode"]]))
        if seat is not None:
            hw, hh = (x1 - x0) / 2, (y1 - y0) / 2
            x0, y0, x1, y1 = seat[0] - hw, seat[1] - hh, seat[0] + hw, seat[1] + hh
        share = direction_share((0.0, 1.0, x0, y0, x1, y1), np.array([a["longitude"], b["longitude"]]),
                                np.array([a["latitude"], b["latitude"]]))
        if share.max() > 0.3 and share.min() < -0.3:
            north, south = (a, b) if share[0] > share[1] else (b, a)
            out.append((north, south))
    if not out:
        pytest.skip("no north/south namesakes")
    return out[:3]


def test_a_direction_is_measured_from_the_areas_seat(geocoder):
    # "northern Idleb" is north of Idlib city, the governorate's capital, not of its outline's middle
    seat = geocoder.hints.seat(frozenset(["SY07"]))
    city = geocoder.resolve("Idlib city")
    assert seat is not None and haversine_km(*seat, city.longitude, city.latitude) < 2
    direction, _ = geocoder.hints.direction(frozenset(["SY07"]), "N", "northern Idleb")
    dx, dy, x0, y0, x1, y1 = direction
    assert abs((x0 + x1) / 2 - seat[0]) < 1e-9 and abs((y0 + y1) / 2 - seat[1]) < 1e-9
    assert geocoder.hints.seat(frozenset(["SY03"])) is None  # Rural Damascus: no town of its name


def test_direction_words_are_read():
    assert split_direction("southeast Idleb") == ("Idleb", "SE")
    assert split_direction("northern Hama countryside") == ("Hama", "N")
    assert split_direction("Hama") == ("Hama", "")
    assert parse_location("Kafr Nabl, southern Idlib").bearings == (("Idlib", "S"),)
    assert parse_location("Barissa west of Abu al-Duhur").bearings == ()  # a place west of another


def test_a_direction_inside_the_governorate_narrows_the_candidates(geocoder, rules):
    for north, south in _north_south(geocoder):
        gov = north["admin1"]
        m = rules.resolve(north["name"], admin1=f"northern {gov}")
        assert m.place_id == north["place_id"] and m.status == "matched", m.reason
        assert "direction 'northern" in m.reason
        m = rules.resolve(f"{south['name']}, southern {gov} countryside")
        assert m.place_id == south["place_id"] and m.status == "matched", m.reason
        assert m.geo_precision == 1
        # the model may ask for review, but the direction still picks the best guess
        assert geocoder.resolve(f"{south['name']}, southern {gov} countryside").place_id == south["place_id"]
        # without the direction the two tie
        assert rules.resolve(north["name"], admin1=gov).status == "ambiguous"


def test_the_middle_of_an_area_is_not_the_side_a_direction_names(geocoder):
    """"X, northern Aleppo": a candidate about the middle of the governorate is not in its north
    (``deciding_clue`` says so too), so a candidate in the north overtakes it although it was found
    by a weaker spelling (5 points behind)."""
    index = geocoder.index
    direction, _ = geocoder.hints.direction(frozenset(["SY02"]), "N", "northern Aleppo")
    # villages alike in what rank() adds whatever the query (population, number of names)
    sett = np.flatnonzero((index.feature_type == "settlement") & (index.admin1_pcode == "SY02")
                          & (index.population < 1000) & (index.name_count <= 3))
    share = direction_share(direction, index.lon[sett], index.lat[sett])
    north, middle = int(sett[np.argmax(share)]), int(sett[np.argmin(np.abs(share))])
    assert share.max() > 0.3 and abs(share).min() <= DIRECTION_DEAD_ZONE

    def cand(row: int, score: float) -> Candidate:
        return Candidate(row, str(index.place_id[row]), str(index.name[row]), "X", "exact", score,
                         "settlement", "SY02", "Aleppo", float(index.lon[row]), float(index.lat[row]))

    ranked = rank(index, [cand(middle, 100.0), cand(north, 95.0)], Context(direction=direction))
    assert ranked[0].row == north, [(c.name, c.score) for c in ranked]
    assert "other side of the area" not in ranked[1].notes  # the middle is no other side either
    # without the direction the middle one stays first
    assert rank(index, [cand(middle, 100.0), cand(north, 95.0)], Context())[0].row == middle


def test_a_place_on_the_other_side_of_the_area_a_direction_names_is_no_promise(rules):
    """"X, southern Aleppo" answered by the only X of Aleppo, in its north: the X meant may be a village
    the gazetteer lacks, so the answer is kept but ``ambiguous``, and its reason says why."""
    index = rules.index
    places = rules.gazetteer.places
    sett = places[(places["feature_type"] == "settlement") & (places["admin1_pcode"] == "SY02")]
    once = sett[sett["name"].map(places["name"].value_counts()) == 1].sort_values("place_id")
    direction, _ = rules.hints.direction(frozenset(["SY02"]), "N", "northern Aleppo")
    share = direction_share(direction, once["longitude"].to_numpy(), once["latitude"].to_numpy())
    checked = 0
    for rec in once[share > 0.5].to_dict("records"):
        if {h.place_id for h in index.lookup(rec["name"]) if h.method in ("exact", "alias", "key")} != {rec["place_id"]}:
            continue
        north = rules.resolve(rec["name"], admin1="northern Aleppo")
        if north.status != "matched":
            continue  # the rules hold it back for another reason
        south = rules.resolve(rec["name"], admin1="southern Aleppo")
        assert south.place_id == rec["place_id"] and south.status == "ambiguous", (rec["name"], south.reason)
        assert south.reason.startswith("it lies on the other side of the area"), south.reason
        checked += 1
        if checked == 3:
            break
    assert checked, "no village alone of its name in the north of Aleppo"


def test_a_point_the_row_carries_picks_the_namesake_near_it(geocoder):
    for a, b in _pairs(geocoder, "admin1_pcode", "admin2_pcode", n=2, min_km=40.0):
        for place in (a, b):
            near = (place["latitude"] + 0.05, place["longitude"] - 0.05)  # a few km off
            m = geocoder.resolve(place["name"], near=near)
            assert m.place_id == place["place_id"] and m.status == "matched"
            assert m.reason.startswith("the given point picks it")


def test_batch_reads_admin3_and_point_columns(geocoder):
    (a, b), = _pairs(geocoder, "admin1_pcode", "admin2_pcode", n=1, min_km=40.0)
    df = pd.DataFrame({"loc": [a["name"], b["name"], a["name"], "Kansafra", a["name"]],
                       "a3": [a["admin3"], b["admin3"], None, None, None],
                       "lat": [None, None, b["latitude"], None, "north"],
                       "lon": [None, None, b["longitude"], None, "east"]})
    out = conflictmap.geocode(df, name="loc", admin3="a3", latitude="lat", longitude="lon", geocoder=geocoder)
    assert len(out) == len(df) and out["loc"].tolist() == df["loc"].tolist()
    assert out["place_id"].tolist()[:3] == [a["place_id"], b["place_id"], b["place_id"]]
    assert out["match_status"].tolist()[:4] == ["matched"] * 4
    assert out["match_status"].iat[4] == "unresolved" and "not a number" in out["match_reason"].iat[4]
    # the input's lat/lon columns are kept as they are; the answer's point is geo_latitude there
    with pytest.raises(InputError, match="both latitude"):
        conflictmap.geocode(df, name="loc", latitude="lat")
    with pytest.raises(InputError, match="no admin3 column"):
        conflictmap.geocode(df, name="loc", admin3="nope")


def _clue_frame(geocoder) -> pd.DataFrame:
    (a, b), = _pairs(geocoder, "admin2_pcode", "admin3_pcode", n=1, min_km=8.0)
    return pd.DataFrame({"place": [a["name"], b["name"], a["name"], None, b["name"]] * 3,
                         "gov": [a["admin1"], b["admin1"], None, "Idlib", "SY07"] * 3,
                         "district": [a["admin2"], b["admin2"], None, None, ""] * 3,
                         "sub": [a["admin3"], b["admin3"], None, None, b["admin3_pcode"]] * 3,
                         "y": [None, None, b["latitude"], 35.0, np.nan] * 3,
                         "x": [None, None, b["longitude"], 36.0, np.nan] * 3})


def test_dask_path_reads_admin3_and_point_columns(geocoder):
    dd = pytest.importorskip("dask.dataframe")
    import dask

    df = _clue_frame(geocoder)
    kw = dict(name="place", admin1="gov", admin2="district", admin3="sub", latitude="y", longitude="x")
    expected = conflictmap.geocode(df, **kw)
    with dask.config.set({"dataframe.convert-string": False}):
        ddf = dd.from_pandas(df, npartitions=3)
    got = conflictmap.geocode(ddf, **kw).compute(scheduler="sync")
    pd.testing.assert_frame_equal(got, expected)
    assert expected["match_status"].tolist()[:3] == ["matched"] * 3


def test_cli_admin3_and_point_columns(geocoder, tmp_path, capsys):
    from conflictmap.cli import main

    df = _clue_frame(geocoder)
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    df.to_csv(src, index=False)
    code = main(["geocode", str(src), "-o", str(dst), "--name-column", "place", "--admin1-column", "gov",
                 "--admin2-column", "district", "--admin3-column", "sub", "--latitude-column", "y",
                 "--longitude-column", "x", "--no-progress"])
    assert code == 0
    out = pd.read_csv(dst, dtype=str, keep_default_na=False)
    expected = conflictmap.geocode(pd.read_csv(src), name="place", admin1="gov", admin2="district", admin3="sub",
                                   latitude="y", longitude="x")
    assert len(out) == len(df) and out["place_id"].tolist() == expected["place_id"].fillna("").astype(str).tolist()


def test_service_table_admin3_and_point_columns(geocoder):
    from conflictmap.service.params import ParamError
    from conflictmap.service.table import geocode_table, pick_columns

    df = _clue_frame(geocoder).rename(columns={"sub": "admin3"})
    columns = pick_columns(df, {"name_column": "place", "latitude_column": "y", "longitude_column": "x"})
    assert (columns.admin3, columns.latitude, columns.longitude) == ("admin3", "y", "x")
    out = geocode_table(geocoder, df, columns)
    expected = conflictmap.geocode(df, name="place", admin3="admin3", latitude="y", longitude="x", geocoder=geocoder)
    assert out["place_id"].tolist() == expected["place_id"].tolist()
    with pytest.raises(ParamError, match="both latitude_column"):
        pick_columns(df, {"name_column": "place", "latitude_column": "y"})


def test_service_search_takes_an_admin3_hint(geocoder):
    from conflictmap.service.lookup import LookupService, SearchQuery

    (a, b), = _pairs(geocoder, "admin2_pcode", "admin3_pcode", n=1, min_km=8.0)
    service = LookupService(geocoder)
    for place in (a, b):
        found = service.search(SearchQuery(text=place["name"], admin1=place["admin1"], admin3=place["admin3"], limit=1))
        assert found and found[0].place_id == place["place_id"]


def test_a_two_consonant_respelling_is_found_inside_the_hinted_governorate(rules):
    # "Al 'Awafit" (Dar'a) spelt with other vowels: country-wide two consonants say nothing, inside the
    # governorate the row names the one village of those consonants that reads close is the best guess
    m = rules.resolve("Al-Aweifeit", admin1="Dar'a")
    assert (m.name, m.admin1, m.method, m.status) == ("Al 'Awafit", "Dar'a", "vowels", "ambiguous")
    # no such village in Homs reads close to it; without a hint nothing is offered
    assert rules.resolve("Al-Aweifeit", admin1="Homs").name != "Al 'Awafit"
    assert rules.index.short_vowel_variants("Al-Aweifeit", []) == []
    # the index offers it for Dar'a's P-code, as a vowel variant
    (cand,) = rules.index.short_vowel_variants("Al-Aweifeit", ["SY12"])
    assert (cand.name, cand.method) == ("Al 'Awafit", "vowels")


@pytest.mark.parametrize("query", ["Zamalka, Eastern Ghouta", "Kafr Batna, Eastern Ghouta", "Yabroud, Western Qalamoun"])
def test_a_region_whose_name_begins_with_a_direction_is_that_region_as_context(geocoder, query):
    # not the east of some village called Ghouta: the places named with it would be far off
    m = geocoder.resolve(query)
    assert m.status == "matched" and "far from" not in m.reason
    assert m.name == geocoder.resolve(query.split(",")[0], admin1="Rural Damascus").name


def test_a_direction_before_a_governorate_still_narrows_it(geocoder):
    assert geocoder.resolve("Jubb al Khamis, eastern Aleppo").admin2 == "Menbij"
    assert geocoder.resolve("Jubb al Khamis, northwest Aleppo").admin2 == "A'zaz"


@pytest.mark.parametrize("query, quarter", [
    ("Aleppo, Sheikh Maqsoud neighbourhood", "Sheikh Maqsoud neighbourhood, Aleppo"),
    ("Damascus city, Jobar quarter", "Jobar neighbourhood, Damascus"),
])
def test_a_city_then_its_quarter_is_the_quarter(geocoder, query, quarter):
    m = geocoder.resolve(query)
    assert m.feature_type == "neighbourhood" and m.place_id == geocoder.resolve(quarter).place_id


def test_a_weak_look_alike_outside_the_area_named_gives_way_to_the_area(geocoder):
    # no quarter of Hama is called so; a village of another governorate spelt alike is no answer
    m = geocoder.resolve("Hama, Jarrah quarter")
    assert m.status == "ambiguous" and m.admin1 == "Hama" and m.geo_precision >= 2 and "from the context" in m.reason


def test_a_place_named_exactly_stays_itself_outside_the_area_named(geocoder):
    assert geocoder.resolve("Saraqib, Hama").name == geocoder.resolve("Saraqib").name


def test_an_unknown_name_is_placed_roughly_at_a_context_place_even_one_of_several_namesakes(geocoder):
    m = geocoder.resolve("Dulfakin, Hamam")
    assert m.status == "ambiguous" and m.name == geocoder.resolve("Hamam").name and m.geo_precision >= 2
    assert "from the context" in m.reason


def test_a_matched_context_place_is_preferred_to_an_ambiguous_one(geocoder):
    m = geocoder.resolve("Dulfakin near Hamam, Sarmin")
    assert m.name == geocoder.resolve("Sarmin").name


def test_a_direction_word_and_a_type_word_around_a_known_name_keep_the_whole_name(geocoder):
    # "Western X village": the village is X al-Gharbiyah, not somewhere west of a village X
    m = geocoder.resolve("Western Ghariyah village")
    assert m.name == geocoder.resolve("Ghariyah al-Gharbiyah").name and m.geo_precision == 1
