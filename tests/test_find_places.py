"""find_places: gazetteer places in report text."""

from pathlib import Path

import pandas as pd
import pytest

from conflictmap.events.places_in_text import find_places
from conflictmap.geocoding.matching import haversine_km

SHARED = Path(__file__).resolve().parents[2] / "shared"


def _places(text, **kw):
    return find_places(text, **kw)


def test_multi_word_variants_and_arabic_script():
    for text in ("Clashes erupted in Jisr al-Shughur.", "Clashes erupted in Jisr ash-Shughour.",
                 "اشتباكات عنيفة في جسر الشغور", "قصف مدفعي على جسر الشغور"):
        found = _places(text)
        assert list(found.place_id) == ["gn:169023"], text


def test_longest_match_wins():
    found = _places("Government jets struck hideouts south of the Palmyra-Deir Ezzor highway.")
    assert list(found.place_id) == ["cm:road-palmyra-deir-ez-zor"]
    assert found.role.iloc[0] == "reference" and bool(found.near.iloc[0])


def test_common_words_are_not_places():
    text = ("Now the army has the same plan. Has it failed? Same as before: no shin guards, "
            "the area is calm. Hit by shells, they left. RUSSIA and Russia deny it.")
    found = _places(text)
    assert found.empty, found[["mention", "place_id"]].values.tolist()


def test_lone_arabic_word_needs_a_cue():
    assert _places("اشتباكات عنيفة").empty
    found = _places("قصف على قرية كنسفرة")
    assert list(found.place_id) == ["gn:168572"]


def test_short_names_need_capitals():
    assert _places("the tell of the story has a shin").empty
    found = _places("Shelling hit the village of Shin in Homs countryside.")
    assert "Shin" in list(found.mention)


def test_actor_names_are_not_places():
    found = _places("Hayat Tahrir al-Sham and Ansar al-Din clashed.")
    assert found.empty


def test_admin_context_chooses_among_same_name_places():
    idlib = _places("Fighting resumed near the villages of Kansafrah and Al-Ruwayha in southern Idlib.")
    ruw = idlib[idlib.mention == "Al-Ruwayha"].iloc[0]
    assert ruw.place_id == "gn:165178" and ruw.admin1 == "Idleb"
    deir = _places("Fighting erupted in Al-Ruwayha east of Deir ez-Zor city.", admin1="Deir ez-Zor")
    assert deir[deir.mention == "Al-Ruwayha"].iloc[0].place_id == "gn:165179"


def test_roles_area_reference_and_compound():
    found = _places("SNA groups shelled Kashal Ubayd, northwest of Ayn Issa, and the province of Daraa was calm.")
    roles = dict(zip(found.mention, found.role))
    assert roles == {"Kashal Ubayd": "location", "Ayn Issa": "reference", "Daraa": "area"}
    assert found.set_index("mention").loc["Ayn Issa", "admin1"] == "Ar-Raqqa"
    kahil = _places("The army withdrew from the village of Kahil Jizah.")
    assert list(zip(kahil.mention, kahil.role)) == [("Kahil", "location"), ("Jizah", "reference")]


def test_spans_point_into_text():
    text = "On June 26 clashes hit Yacubiyeh and al-Janoudiyah near Jisr al-Shughur."
    found = _places(text)
    assert all(text[s:e] == m for s, e, m in zip(found.start, found.end, found.mention))


def test_not_a_string():
    from conflictmap.errors import InputError

    with pytest.raises(InputError):
        find_places(None)


@pytest.mark.shared
def test_seed_reports_places_within_tolerance():
    seeds = SHARED / "seeds"
    expected = SHARED / "eval" / "seed_places.csv"
    if not seeds.is_dir() or not expected.exists():
        pytest.skip("../shared not present")
    found = pd.concat([find_places(p.read_text(encoding="utf-8")) for p in sorted(seeds.glob("*.txt"))])
    table = pd.read_csv(expected).dropna(subset=["expected_lat"])
    checked = 0
    for row in table.itertuples():
        name = row.query.replace(" city", "").replace(" province", "")
        hits = found[found.mention.str.casefold() == name.casefold()]
        if hits.empty:
            continue
        best = min(haversine_km(h.longitude, h.latitude, row.expected_lon, row.expected_lat) for h in hits.itertuples())
        assert best <= max(row.tolerance_km, 5), (row.query, best)
        checked += 1
    assert checked >= 12


# --- roles of place mentions (issue 16) ------------------------------------------------------------

def _roles(text):
    found = find_places(text)
    return dict(zip(found.mention, zip(found.role, found.feature_type)))


def test_governorate_countryside_is_an_area_not_its_capital():
    roles = _roles("Jets struck the villages of Jarjanaz and Maar Shamarin in the eastern countryside of Idlib.")
    assert roles["Idlib"] == ("area", "admin1")
    assert roles["Jarjanaz"][0] == roles["Maar Shamarin"][0] == "location"


@pytest.mark.parametrize("text, reference", [
    ("Rockets fired from Maarat al-Numan hit the outskirts of Kansafrah.", "Maarat al-Numan"),
    ("A drone strike hit a vehicle on the road towards Sarmada.", "Sarmada"),
    ("An IED exploded on the road between Dhiban and al-Busayrah.", "al-Busayrah"),
    ("Partners in Amuda reported that shelling hit Ras al-Ain.", "Amuda"),
    ("Shelling hit farms in Kafr Nabl's countryside.", "Kafr Nabl"),
])
def test_references_are_not_incident_locations(text, reference):
    assert _roles(text)[reference][0] == "reference"


def test_generic_first_words_and_sentence_openers_are_not_names():
    found = find_places("In Deir ez-Zor, gunmen attacked Tal Baydar and the Bab Tuma district of Damascus.")
    assert "In Deir" not in set(found.mention) and "Deir ez-Zor" in set(found.mention)
    assert not {"Tal", "Bab"} & set(found.mention)
    assert found.set_index("mention").loc["Deir ez-Zor", "feature_type"] == "admin1"  # "In X, ...": the area


def test_city_district_far_away_namesake_is_dropped():
    """The district is placed in its city (the OCHA neighbourhood), never at a look-alike far away."""
    from conflictmap.geocoding.matching import haversine_km

    found = find_places("Shelling hit the Salah al-Din district of Aleppo on Monday.")
    assert "As-Sweida" not in set(found.admin1)  # not the village "Salah" in As-Sweida
    row = found[found.role == "location"].iloc[0]
    assert row.mention == "Salah al-Din" and row.feature_type == "neighbourhood" and row.admin1 == "Aleppo"
    assert haversine_km(row.longitude, row.latitude, 37.16, 36.20) < 15  # inside Aleppo city
    assert found.set_index("mention").loc["Aleppo", "role"] == "reference"


def test_a_place_named_to_locate_another_is_a_reference():
    roles = _roles("Government forces shelled Ras al-Ain near Saraqib.")
    assert roles == {"Ras al-Ain": ("location", "settlement"), "Saraqib": ("reference", "settlement")}
    found = find_places("Government forces shelled Ras al-Ain near Saraqib.")
    assert found.set_index("mention").loc["Ras al-Ain", "admin1"] == "Idleb"  # Idlib's, beside Saraqib
    found = find_places("Turkish artillery shelled Ras al-Ain. Later, clashes erupted near Amuda.")
    assert found.set_index("mention").loc["Ras al-Ain", "admin1"] == "Al-Hasakeh"  # the paragraph decides


def test_month_abbreviations_are_whole_words():
    from conflictmap.events.dates import find_dates

    assert find_dates("Fighters clashed in Jandairis.", "2022-05-10") == []


def test_a_known_city_district_is_the_place_and_its_city_a_reference():
    """With the district in the gazetteer (OCHA neighbourhoods after the gazetteer update; here a user
    place) the district near its city wins over a namesake elsewhere."""
    import pandas as pd

    from conflictmap.gazetteer import Gazetteer

    gz = Gazetteer.load().with_user_places(pd.DataFrame([
        {"place_id": "user:far", "name": "Sheikh Maqsoud", "longitude": 40.0, "latitude": 35.0},
        {"place_id": "user:near", "name": "Sheikh Maqsoud", "longitude": 37.1528, "latitude": 36.2366}]))
    for text in ("Clashes erupted in the Sheikh Maqsoud neighbourhood of Aleppo city on Sunday.",
                 "Mortars hit Aleppo's Sheikh Maqsoud neighbourhood."):
        found = find_places(text, gazetteer=gz).set_index("mention")
        # the user's place or OCHA's neighbourhood of that name, both in the city; never the one far away
        assert found.loc["Sheikh Maqsoud", "place_id"] in ("user:near", "ocha:N0123"), text
        assert found.loc["Sheikh Maqsoud", "role"] == "location" and found.loc["Aleppo", "role"] == "reference"


def test_a_name_whose_word_opens_with_an_ayn_mark_is_one_mention():
    # "al-'Arus": the hyphen and the ayn mark stand between two words of one name
    rows = find_places("Government forces took control of Ayn al-'Arus village in northern Raqqa on Monday.")
    first = rows.iloc[0]
    assert first["mention"] == "Ayn al-'Arus"
    assert first["place_name"] == "'Ayn al 'Arus" and first["match_status"] == "matched"


def test_a_vowel_variant_listed_with_found_places_is_found():
    rows = find_places("Government forces shelled Ariha, Saraqib and Kinsafrah on Monday.")
    last = rows.iloc[-1]
    assert last["mention"] == "Kinsafrah" and last["place_name"] == "Kansafrah"
    assert last["match_method"] == "vowels" and last["match_status"] == "ambiguous"


@pytest.mark.parametrize("text, part, place", [
    # a spelling no gazetteer name has: looked up with tolerance among the city's own districts
    ("Shells fell on the Berzeh district of Damascus city on Monday.", "Berzeh", "Burza"),
    ("Shells fell on the Muhajireen district of Damascus city on Monday.", "Muhajireen", "Muhajerin"),
    # "<city> city's X district", "the X area of <city> city"
    ("Shells fell on Damascus city's Kafr Sousa district on Monday.", "Kafr Sousa", "Kafar Soussa"),
    ("Shells fell on the Qasyoun area of Damascus city on Monday.", "Qasyoun", "Qasyoun"),
    # the area inside a named district lies in the city too; the district after the city comes first
    ("Shells fell on the Madaris area in Damascus city's Midan district on Monday.", "Midan", "Midan"),
])
def test_a_city_part_is_the_place_and_the_city_locates_it(text, part, place):
    from conflictmap.geocoding.matching import haversine_km

    found = find_places(text).set_index("mention")
    assert found.loc[part, "place_name"] == place and found.loc[part, "feature_type"] == "neighbourhood"
    assert found.loc[part, "role"] == "location" and found.loc["Damascus", "role"] == "reference"
    assert haversine_km(found.loc[part, "longitude"], found.loc[part, "latitude"], 36.29, 33.51) < 8


def test_a_city_part_of_another_city_is_not_its_namesake_elsewhere():
    # Homs has a district of this name; Damascus has none: Damascus itself is the place
    found = find_places("Shells fell on Damascus city's Waer district on Monday.")
    assert list(found.mention) == ["Damascus"] and found.iloc[0].role == "location"
    found = find_places("Shells fell on the Abbasiyin area in Damascus city's Midan district on Monday.")
    assert "Dar'a" not in set(found.admin1)  # no namesake square in another governorate


@pytest.mark.parametrize("text", [
    "Regime forces shelled the Jobar neighbourhood on Monday.",
    "Regime forces shelled the neighborhood of Jobar on Monday.",
])
def test_a_place_called_a_neighbourhood_is_the_city_quarter_before_a_village_namesake(text):
    # Damascus's Jobar district and a village near Homs share the name: the word decides the best guess
    row = find_places(text).iloc[0]
    assert row.mention == "Jobar" and row.feature_type == "neighbourhood" and row.admin1 == "Damascus"


def test_a_suburb_in_a_governorate_is_no_city_part():
    found = find_places("Several shells fell on Jaramana suburb in Rural Damascus on Monday.").set_index("mention")
    assert found.loc["Jaramana", "role"] == "location" and found.loc["Rural Damascus", "role"] == "area"


def test_a_two_word_name_written_with_other_vowels_is_found_whole():
    # no place is spelt this way; Idlib's Ma'arrat Hurmah has the same consonants. Not a first word
    # alone ("Maarat") at a place of another name
    rows = find_places("Warplanes struck Maarat Hirma on Monday.")
    row = rows.iloc[0]
    assert len(rows) == 1 and row.mention == "Maarat Hirma" and row.place_name == "Ma'arrat Hurmah"
    assert row.match_method == "vowels" and row.match_status == "ambiguous"  # a look-alike is never a promise


def test_one_word_written_with_other_vowels_after_a_preposition_is_found():
    rows = find_places("Warplanes struck a bakery in Talmenes on Monday.")
    row = rows.iloc[0]
    assert row.mention == "Talmenes" and row.place_name == "Tallmannis" and row.admin1 == "Idleb"
    assert row.match_method == "vowels" and row.match_status == "ambiguous"
    # not as a sentence's first word, nor a word with too few consonants to say much
    assert find_places("Talmenes was quiet on Monday.").empty


@pytest.mark.parametrize("text", [
    "Some of the shelling hit Harasta on Monday.",
    "Since Monday, regime forces have shelled Harasta.",
])
def test_an_english_word_opening_a_sentence_is_no_place(text):
    assert list(find_places(text).mention) == ["Harasta"]


def test_a_highway_does_not_locate_the_towns_named_with_it() -> None:
    # the M4 highway's point lies in one place along it: no town near another part of the road is far from it
    places = find_places("Russian forces conducted a patrol on the M4 highway near Saraqib (Idleb, Idleb).")
    row = places.set_index("mention").loc["Saraqib"]
    assert row["match_status"] == "matched" and row["place_name"] == "Saraqib"


@pytest.mark.parametrize("text", ["Regime forces shelled Binnish and Hama.",
                                  "Warplanes struck Saraqib and Hama city."])
def test_a_governorate_name_is_not_drawn_to_a_namesake_village_near_the_places_beside_it(text):
    # a village of Aleppo bears the name Hama and lies near Idlib: "Hama" is still the city
    df = find_places(text)
    hama = df[df.mention == "Hama"].iloc[0]
    assert hama.admin1 == "Hama" and hama.match_status == "matched"
    assert haversine_km(hama.longitude, hama.latitude, 36.75, 35.13) < 5


@pytest.mark.parametrize("text", ["A pro-Binnish rally took place in Ariha.", "Anti-Damascus protesters gathered in Ariha."])
def test_a_place_inside_an_adjective_is_no_place(text):
    assert list(find_places(text).mention) == ["Ariha"]


def test_a_part_word_after_a_name_is_part_of_it_not_a_place():
    # "al-Gharbi" is no place of its own: the western part of Kafr Nabl, which the gazetteer lacks
    found = find_places("Regime forces shelled Kafr Nabl al-Gharbi.")
    assert list(found.mention) == ["Kafr Nabl al-Gharbi"]
    row = found.iloc[0]
    assert row.match_status == "ambiguous" and row.geo_precision == 2 and "part of" in row.match_reason
    plain = find_places("Regime forces shelled Kafr Nabl.").iloc[0]
    assert row.place_id == plain.place_id


def test_a_place_said_to_lie_in_a_town_is_not_a_namesake_far_from_it():
    # the gazetteer's places called Binnish all lie in Idleb: "Binnish in Damascus" is none of them
    found = find_places("Shells fell on Binnish in Damascus.").set_index("mention")
    row = found.loc["Binnish"]
    assert row.match_status == "unresolved" and row.geo_precision == 2 and row.admin1 == "Damascus"
    assert find_places("Shells fell on Binnish in Idlib.").set_index("mention").loc["Binnish", "match_status"] \
        == "matched"


@pytest.mark.parametrize("text, name", [
    ("Drones struck a position near the Omar oil field (Deir-ez-Zor, Deir-ez-Zor).", "al-Omar oil field"),
    ("Gunmen attacked a checkpoint at the Conoco gas plant in Deir-ez-Zor.", "Conoco gas field"),
])
def test_an_oil_or_gas_site_named_in_full_is_that_site_not_a_namesake_of_its_first_word(text, name):
    row = find_places(text).iloc[0]
    assert row["place_name"] == name and row["admin1"] == "Deir-ez-Zor"


@pytest.mark.parametrize("text, name", [
    ("Warplanes struck the Bishwara suburb in Idlib.", "Dahiyat Bishwara"),
    ("Shells fell near the Bishwara mount in Idlib.", "Jabal Bishwara"),
])
def test_an_english_generic_word_after_a_name_is_the_arabic_one_before_it(gazetteer, text, name):
    gz = gazetteer.with_user_places(pd.DataFrame([
        {"name": "Bishwara", "longitude": 38.40, "latitude": 36.40},  # a namesake far away, in Aleppo
        {"name": name, "longitude": 36.61, "latitude": 35.52},
    ]))
    found = find_places(text, gazetteer=gz)
    row = found.iloc[0]
    assert (row.place_id, row.mention) == ("user:2", text.split("the ")[1].split(" in")[0]), found


def test_a_name_read_from_a_place_s_arabic_name_is_a_mention_when_written_with_its_article(gazetteer):
    # the place's own Latin name is spelt unlike the report; its Arabic name's Latin reading is not
    gz = gazetteer.with_user_places(pd.DataFrame([
        {"name": "Al Qawayrisat", "name_ar": "القويرسات", "longitude": 36.61, "latitude": 35.52}]))
    found = find_places("Regime forces shelled al-Qweirsat.", gazetteer=gz)
    assert found["place_id"].tolist() == ["user:1"]
    # without the article a capitalised word read as Arabic is too often English ("Three", "Free")
    assert find_places("Regime forces shelled Qweirsat.", gazetteer=gz).empty


def test_a_part_word_name_read_as_a_far_vowel_variant_is_the_base_name_in_the_area_named(gazetteer):
    gz = gazetteer.with_user_places(pd.DataFrame([
        {"name": "Bishwara", "longitude": 36.61, "latitude": 35.52},  # Idleb
        {"name": "Al Bashwarah ash Sharqiyah", "longitude": 41.90, "latitude": 36.70},  # Al-Hasakeh
    ]))
    found = find_places("Regime forces advanced in Bishwara al-Sharqiya village in Idleb.", gazetteer=gz).iloc[0]
    assert (found.place_id, found.match_status, found.geo_precision) == ("user:1", "ambiguous", 2)
    # no area named: the vowel variant of the whole name is the best guess
    found = find_places("Regime forces advanced in Bishwara al-Sharqiya village.", gazetteer=gz).iloc[0]
    assert found.place_id == "user:2"


@pytest.mark.parametrize("text, name, admin1", [
    ("Rebels shelled the Rabi'ah area near Homs city.", "Ar Rabi'ah", "Homs"),
    ("Rebels shelled the Mansourah area west of Aleppo city.", "Mansourah", "Aleppo"),
])
def test_an_area_named_near_a_city_is_the_place_there_not_a_sub_district_of_the_name_elsewhere(text, name, admin1):
    row = find_places(text).iloc[0]
    assert (row.place_name, row.feature_type, row.admin1) == (name, "settlement", admin1)


def test_a_city_part_north_west_of_the_city_is_looked_up_among_its_quarters():
    row = find_places("Rebels clashed with regime forces in the al-Lairamun neighbourhood north-west of Aleppo city.").iloc[0]
    assert (row.mention, row.admin1, row.feature_type) == ("al-Lairamun", "Aleppo", "neighbourhood")


@pytest.mark.parametrize("text", ["Regime forces captured the village of Kansafrah al-Bishwara in Idleb.",
                                  "Regime forces shelled Kansafrah al-Bishwara village."])
def test_a_village_name_longer_than_the_gazetteer_s_is_placed_at_the_place_its_leading_words_name(text):
    from conflictmap.events.draft import draft_events

    row = draft_events(text, published="2020-06-01").iloc[0]
    assert (row.location, row.place_name, row.match_status) == ("Kansafrah al-Bishwara", "Kansafrah", "ambiguous")
    assert "leading words" in row.match_reason
