"""A place named with its area beside it ("X village in northwest Aleppo", "X village in B district
in the eastern countryside of Aleppo", "the X area of southern Quneitra") is resolved with every clue
the areas give together, and never at a namesake outside the area named."""

from __future__ import annotations

import pytest

from conflictmap.events.place_areas import _bearing
from conflictmap.events.draft import draft_events
from conflictmap.events.places_in_text import find_place_mentions, find_places


def first(text: str) -> dict:
    return find_places(text).iloc[0].to_dict()


# Jubb al Khamis: one village in A'zaz district (north-west of Aleppo city), one in Menbij district (east)
AZAZ_LON, MENBIJ_LON = 36.98, 38.11


@pytest.mark.parametrize("text, lon", [
    ("Turkish forces shelled Jubb al Khamis village in northwest Aleppo. No fatalities reported.", AZAZ_LON),
    ("Regime forces shelled Jubb al Khamis village in eastern Aleppo. No fatalities reported.", MENBIJ_LON),
    ("Warplanes struck Jubb al Khamis village in the eastern countryside of Aleppo.", MENBIJ_LON),
    ("Warplanes struck Jubb al Khamis village in Aleppo eastern countryside.", MENBIJ_LON),
])
def test_the_direction_named_picks_the_namesake_on_that_side(text: str, lon: float) -> None:
    row = first(text)
    assert row["mention"] == "Jubb al Khamis" and row["admin1"] == "Aleppo"
    assert row["longitude"] == pytest.approx(lon, abs=0.02)


@pytest.mark.parametrize("text, lon", [
    ("Warplanes struck Jubb al Khamis village in Menbij district, Aleppo.", MENBIJ_LON),
    ("Warplanes struck Jubb al Khamis village in A'zaz district in the northern countryside of Aleppo.", AZAZ_LON),
    # "X village, likely in B district": the district the writer thinks of still narrows the namesakes
    ("Regime forces took Jubb al Khamis village, likely in Menbij district, on Monday.", MENBIJ_LON),
    ("Regime forces took Jubb al Khamis village, probably in the A'zaz district, on Monday.", AZAZ_LON),
])
def test_the_district_named_picks_the_namesake_in_it(text: str, lon: float) -> None:
    row = first(text)
    assert row["mention"] == "Jubb al Khamis"
    assert row["longitude"] == pytest.approx(lon, abs=0.02)


@pytest.mark.parametrize("text, area", [
    ("Regime forces shelled Zabraqan town in eastern Idleb. No fatalities reported.", "Idleb"),
    ("Shells fell on Zabraqan village in the countryside of Hama, causing material damage.", "Hama"),
])
def test_a_namesake_outside_the_area_named_is_never_kept(text: str, area: str) -> None:
    # the only Zabraqan is in Tartous: the village is drafted as written at the governorate named
    row = first(text)
    assert row["mention"] == "Zabraqan"
    assert row["role"] == "location"
    assert row["admin1"] == area and row["place_name"] == area
    assert row["match_status"] == "unresolved" and row["geo_precision"] == 3
    assert "Zabraqan" in row["match_reason"]


@pytest.mark.parametrize("text, area", [
    ("Warplanes struck Jubb al Khamis village in the Aghtrin area of A'zaz district.", "Aghtrin"),
    ("Warplanes struck Jubb al Khamis village in the Suran area of northern A'zaz.", "Suran"),
    ("Warplanes struck Jubb al-Khamis village in the Aghtrin area of northern Aleppo.", "Aghtrin"),
    ("Warplanes struck Jubb al Khamis village in the Maskana area of Menbij district.", "Maskana"),
])
def test_a_namesake_in_another_sub_district_is_not_the_village(text: str, area: str) -> None:
    # the A'zaz Jubb al Khamis lies in Nabul sub-district, the Menbij one in Al-Khafsa, each more than 15 km
    # from the sub-district named: whatever the spelling, neither is the village named there
    row = first(text)
    assert row["mention"].startswith("Jubb al")
    assert row["place_name"] == area and row["match_status"] == "unresolved" and row["geo_precision"] == 3


def test_an_area_named_with_its_governorate_lies_in_it() -> None:
    # Fakhura is a sub-district of Lattakia; the Fakhura of Quneitra is a village
    found = find_places("Regime forces shelled the Fakhura area of southern Quneitra. No fatalities reported.")
    row = found.iloc[0]
    assert row["mention"] == "Fakhura" and row["admin1"] == "Quneitra"


def test_a_place_named_alone_is_left_to_the_other_clues() -> None:
    # no area beside it: nothing is forced into a governorate
    row = first("Regime forces shelled Zabraqan with artillery.")
    assert row["admin1"] == "Tartous" and row["place_name"] == "Zabraqan"


def test_an_area_named_further_on_is_not_the_place_s_area() -> None:
    # "... Zabraqan, while IS attacked positions in eastern Idleb": Idleb is another incident's area
    mentions = find_place_mentions("Regime forces shelled Zabraqan, while IS fighters attacked regime positions "
                                   "in eastern Idleb.")
    assert mentions[0].match.admin1 == "Tartous"


@pytest.mark.parametrize("phrase, bearing", [
    ("the south eastern countryside of", "SE"),
    (" village in northwest ", "NW"),
    (" town in the north-eastern countryside of ", "NE"),
    ("southern", "S"),
    (" town in central ", ""),
    (" village in the countryside of ", ""),
])
def test_bearing_of_a_phrase(phrase: str, bearing: str) -> None:
    assert _bearing(phrase) == bearing


@pytest.mark.parametrize("text, mention, place", [
    ("Regime forces shelled Khifsin village in the countryside of Hama. No fatalities reported.", "Khifsin", "Khafsin"),
    ("Shells fell on Qirtiman town in western Hama, causing material damage.", "Qirtiman", "Qurtuman"),
])
def test_a_village_spelt_otherwise_is_found_inside_the_area_named(text: str, mention: str, place: str) -> None:
    # no gazetteer name is spelt this way: the village of the same consonants in that governorate,
    # a best guess (never 'matched' on a respelling), rather than the governorate itself
    row = first(text)
    assert row["mention"] == mention and row["place_name"] == place and row["admin1"] == "Hama"
    assert row["role"] == "location" and row["match_status"] == "ambiguous" and row["geo_precision"] == 1


def test_a_respelling_outside_the_area_named_is_not_taken() -> None:
    # Khafsin lies in Hama, far from Deir-ez-Zor: "Khifsin village in eastern Deir-ez-Zor" stays there, as written
    row = first("Regime forces shelled Khifsin village in eastern Deir-ez-Zor.")
    assert row["mention"] == "Khifsin" and row["admin1"] == "Deir-ez-Zor" and row["match_status"] == "unresolved"


def test_a_short_name_spelt_otherwise_is_found_inside_the_area_named() -> None:
    # "Al 'Awafit" (Dar'a) has two consonants: the index's consonant lookup leaves such names out country-wide,
    # inside the governorate named beside it the one village of those consonants is the best guess
    row = first("Regime forces shelled Al-Aweifeit town in eastern Dar'a. No fatalities reported.")
    assert row["place_name"] == "Al 'Awafit" and row["admin1"] == "Dar'a"
    assert row["match_status"] == "ambiguous" and row["match_method"] == "vowels"


def test_a_short_name_is_not_moved_to_a_village_that_reads_otherwise() -> None:
    # in Homs the only village of those two consonants (f, t) reads nothing like it: drafted at Homs, as written
    row = first("Regime forces shelled Al-Oweifeit town in eastern Homs.")
    assert row["mention"] == "Al-Oweifeit" and row["admin1"] == "Homs"
    assert row["match_status"] == "unresolved" and row["geo_precision"] == 3


def test_a_namesake_the_direction_alone_picks_is_a_best_guess() -> None:
    # a direction word sets the namesake apart, but is no proof: ambiguous; the district named is: matched
    by_direction = first("Regime forces shelled Jubb al Khamis village in eastern Aleppo.")
    by_district = first("Warplanes struck Jubb al Khamis village in A'zaz district of Aleppo.")
    assert by_direction["match_status"] == "ambiguous" and "direction" in by_direction["match_reason"]
    assert by_district["match_status"] == "matched"


def test_a_name_repeated_in_a_paragraph_stays_at_the_place_its_area_gave() -> None:
    # the first mention is placed by the direction named beside it; the bare repeat in the next
    # sentence is the same village, not a namesake resolved afresh
    text = ("Regime forces shelled Jubb al Khamis village in eastern Aleppo. "
            "Shelling on Jubb al Khamis caused material damage.")
    rows = find_places(text)
    rows = rows[rows["mention"] == "Jubb al Khamis"]
    assert len(rows) == 2
    assert rows["place_id"].nunique() == 1
    assert rows["longitude"].tolist() == pytest.approx([MENBIJ_LON] * 2, abs=0.02)


def test_a_repeat_in_another_paragraph_is_resolved_on_its_own() -> None:
    text = ("Regime forces shelled Jubb al Khamis village in eastern Aleppo.\n\n"
            "Turkish forces shelled Jubb al Khamis village in northwest Aleppo.")
    rows = find_places(text)
    rows = rows[rows["mention"] == "Jubb al Khamis"]
    assert rows["longitude"].tolist() == pytest.approx([MENBIJ_LON, AZAZ_LON], abs=0.02)


def test_an_unknown_spelling_with_its_area_further_off_is_looked_up_there_by_its_vowels() -> None:
    # "X town and the surrounding area of southern Idlib": the area is not read as X's own clue,
    # yet a vowel variant of a village inside it is the village (a best guess)
    row = first("Government forces shelled Kinsafrah town and the surrounding area of southern Idlib on Monday.")
    assert row["mention"] == "Kinsafrah" and row["place_name"] == "Kansafrah"
    assert row["match_status"] == "ambiguous" and row["match_method"] == "vowels"


def test_a_look_alike_with_its_area_further_off_is_not_taken() -> None:
    # a fuzzy look-alike is accepted only from an area read as the village's own clue
    near = first("Government forces shelled Kansafrot town in southern Idlib on Monday.")
    assert near["place_name"] == "Kansafrah" and near["match_method"] == "fuzzy"
    off = first("Government forces shelled Kansafrot town and the surrounding area of southern Idlib on Monday.")
    assert off["mention"] == "Kansafrot" and off["match_status"] == "unresolved"
    assert off["match_method"] == "area beside it" and off["admin1"] == "Idleb"


@pytest.mark.parametrize("name", ["Kabla", "Kobala", "Madaiya"])
def test_a_village_no_place_of_the_area_resembles_is_drafted_as_written_at_the_area(name: str) -> None:
    # invented names whose nearest namesakes read too far off to be taken: the village is still the
    # incident, as written at the district named beside it, never replaced by the district itself
    from conflictmap.events.draft import draft_events

    text = f"Turkish forces shelled {name} village in northwest Afrin, Aleppo. No fatalities reported."
    row = first(text)
    assert row["mention"] == name and row["match_status"] == "unresolved"
    assert row["match_method"] == "area beside it" and row["place_name"] == "Afrin"
    drafts = draft_events(text, published="2019-03-04")
    assert drafts["location"].tolist() == [name]
    assert drafts["geo_precision"].tolist() == [3]


def test_an_unknown_village_after_a_word_ending_in_a_particle_keeps_its_own_name() -> None:
    # "near X village": the "ar" that ends "near" is no article of the name
    row = first("Turkish forces shelled places near Kobala village in Afrin District in northern Aleppo.")
    assert row["mention"] == "Kobala"


def test_a_town_named_without_its_area_is_looked_up_by_its_spelling_in_the_text_s_governorates() -> None:
    # "X town" whose spelling no place bears, and no area after it: a look-alike among the settlements
    # (a best guess, never matched); with an area after it the village is looked up inside that area
    row = first("Warplanes struck Sarmeeda town, wounding 3 civilians.")
    assert row["mention"] == "Sarmeeda" and row["place_name"] == "Sarmada"
    assert row["match_status"] == "ambiguous"


@pytest.mark.parametrize("text, place", [
    # the district a sub-district or village is said to lie in is its area, not a second incident place
    ("Turkish artillery hit farms in the Sheikh al-Hadid sub-district of Afrin (Aleppo) on Monday.", "Sheikh al-Hadid"),
    ("Jets struck Basuta village in southern Afrin district of Aleppo on Monday.", "Basuta"),
    ("YPG fighters ambushed a patrol in Jandairis area in Afrin district in northern Aleppo on Monday.", "Jandairis"),
])
def test_the_district_a_place_lies_in_is_no_second_incident(text: str, place: str) -> None:
    from conflictmap.events.draft import draft_events

    drafts = draft_events(text, published="2019-03-04")
    assert drafts["location"].tolist() == [place]
    afrin = find_places(text).set_index("mention").loc["Afrin"]
    assert afrin["role"] == "area" and afrin["feature_type"] == "admin2"


def test_an_area_narrowed_to_one_of_its_parts_is_not_drafted_beside_it() -> None:
    from conflictmap.events.draft import draft_events

    drafts = draft_events("Two fighters were killed in clashes in Afrin, likely in the Sheikh al-Hadid area, on Monday.",
                          published="2019-03-04")
    assert drafts["location"].tolist() == ["Sheikh al-Hadid"]


@pytest.mark.parametrize("text, place", [
    ("Turkish forces shelled the Jandairis area of Aleppo, causing damage.", "Jandairis"),
    ("Turkish forces shelled the Tall Rifaat area of Aleppo.", "Tall Refaat"),
])
def test_the_governorate_after_an_area_of_a_town_is_its_area_not_the_city(text: str, place: str) -> None:
    # "the X area of Aleppo" with X far from Aleppo city: Aleppo is the governorate, no incident of its own
    drafts = draft_events(text, published="2018-01-05")
    assert drafts["place_name"].tolist() == [place]
    places = find_places(text).set_index("mention")
    assert places.loc["Aleppo", "role"] == "area"


def test_a_part_of_the_city_named_before_it_keeps_the_city() -> None:
    # "the X area of Aleppo" with X a quarter of Aleppo city: Aleppo stays the city
    places = find_places("Clashes took place in the Sheikh Maqsoud area of Aleppo.").set_index("mention")
    assert places.loc["Aleppo", "role"] == "location" and places.loc["Aleppo", "place_name"] == "Aleppo"


@pytest.mark.parametrize("text", [
    "Warplanes struck the villages of Jubb al Khamis and Mushayrifah in Menbij district.",
    "Warplanes struck the villages of Jubb al Khamis and Al Judaydah in the eastern countryside of Aleppo.",
])
def test_the_area_after_a_list_is_the_area_of_every_place_listed(text: str) -> None:
    # each listed name has a namesake in A'zaz district too: the area named after the list settles all of them
    row = first(text)
    assert row["mention"] == "Jubb al Khamis"
    assert row["longitude"] == pytest.approx(MENBIJ_LON, abs=0.02)


@pytest.mark.parametrize("text, town", [
    ("Turkish warplanes bombed Zorblat village in the Raju area of northern Afrin.", "Raju"),
    ("Shells fell on Zorblat village in Hama countryside.", "Hama"),
])
def test_a_village_drafted_at_its_area_is_placed_at_the_area_s_main_town(text: str, town: str) -> None:
    # where ACLED codes what it knows only by its area: the area's town of the same name, not its middle
    row = first(text)
    assert row["mention"] == "Zorblat" and row["match_status"] == "unresolved" and row["geo_precision"] == 3
    seat = find_places(f"Fighting in {town} town.").iloc[0]
    assert (row["longitude"], row["latitude"]) == pytest.approx((seat["longitude"], seat["latitude"]), abs=1e-6)
    assert "main town" in row["match_reason"]


def test_an_area_known_by_a_place_the_gazetteer_lacks_is_drafted_as_written_there() -> None:
    # "the X area of northern Aleppo" with no place X: X as written at the governorate's main town
    drafts = draft_events("Turkish forces shelled the Zorblat area in northern Aleppo. No fatalities reported.",
                          published="2018-01-05")
    assert drafts["location"].tolist() == ["Zorblat"]
    row = drafts.iloc[0]
    assert row["match_status"] == "unresolved" and row["geo_precision"] == 3 and row["admin1"] == "Aleppo"


def test_an_area_with_no_area_right_after_it_is_no_village() -> None:
    # "the X area of Turkey, near Y in northern Afrin": Afrin is Y's area, not X's
    places = find_places("Turkish forces shelled YPG positions from the Zorblat area of Turkey, near Rajo "
                         "in northern Afrin.")
    assert "Zorblat" not in places["mention"].tolist()


def test_a_place_on_the_other_side_of_the_area_from_the_direction_named_is_no_promise() -> None:
    # the only Kansafrah of Idleb lies in its south: "in northern Idleb" may be a village the gazetteer lacks
    north = draft_events("Regime forces shelled Kansafrah village in northern Idleb.", published="2018-01-01").iloc[0]
    assert (north["place_name"], north["match_status"]) == ("Kansafrah", "ambiguous")
    assert north["match_reason"].startswith("it lies on the other side of the area from the direction 'N Idleb'")
    south = draft_events("Regime forces shelled Kansafrah village in southern Idleb.", published="2018-01-01").iloc[0]
    assert (south["place_name"], south["match_status"]) == ("Kansafrah", "matched")


@pytest.mark.parametrize("text", ["Russian jets struck Idlib and Hama.",
                                  "Rebels expanded their control in Idleb and Hama, taking several villages."])
def test_two_governorates_named_together_are_the_provinces(text: str) -> None:
    found = find_places(text)
    assert list(found.role) == ["area", "area"]
    assert set(found.feature_type) == {"admin1"}


def test_two_governorate_cities_named_as_cities_stay_cities() -> None:
    found = find_places("Russian jets struck Idlib and Hama cities.")
    assert list(found.role) == ["location", "location"]
    assert set(found.feature_type) == {"settlement"}


def test_a_village_after_including_with_its_side_of_the_governorate_is_drafted() -> None:
    # "Umm Zurzabad" is no gazetteer name: drafted as written at the governorate named after it
    drafts = draft_events("Regime forces took control of several villages, including Umm Zurzabad in southern Idleb. "
                          "No fatalities reported.", published="2018-01-20")
    assert list(drafts.location) == ["Umm Zurzabad"]
    assert drafts.iloc[0].match_status == "unresolved" and drafts.iloc[0].admin1 == "Idleb"


def test_a_place_named_near_a_town_in_an_area_lies_in_that_area() -> None:
    # the one Kashal Ubayd the gazetteer knows lies in Ar-Raqqa: not the village near Kansafrah in Idleb
    found = find_places("Regime forces shelled Kashal Ubayd village near Kansafrah town in the southern "
                        "countryside of Idleb.").set_index("mention")
    assert found.loc["Kashal Ubayd", "match_status"] != "matched"
    assert found.loc["Kashal Ubayd", "admin1"] == "Idleb"
    # and the governorate named as the area stays the governorate, not a best guess
    assert found.loc["Idleb", "match_status"] == "matched" and found.loc["Idleb", "role"] == "area"


@pytest.mark.parametrize("text, mention", [
    # a generic head that is an English word too (tell, tall) begins a longer name: still a village
    ("Government forces took control of Tall Dulfakin in southern Idleb.", "Tall Dulfakin"),
    ("Government forces captured Tell Dulfakin village in southern Idleb.", "Tell Dulfakin"),
    # a site of the place: "the X archaeological site / ruins in <side> <area>"
    ("Government forces took control of the Bishwara archaeological site in southern Idleb.", "Bishwara"),
    ("Government forces took control of the Bishwara ruins in southern Idleb.", "Bishwara"),
])
def test_a_place_the_gazetteer_lacks_named_as_a_hill_or_a_site_is_drafted_as_written_at_its_area(
        text: str, mention: str) -> None:
    rows = draft_events(text, published="2020-06-30")
    assert len(rows) == 1
    row = rows.iloc[0]
    assert row["location"] == mention and row["match_status"] == "unresolved"
    assert row["match_method"] == "area beside it" and row["admin1"] == "Idleb" and row["geo_precision"] == 3


def test_an_english_word_alone_before_village_is_still_no_unknown_village() -> None:
    # "Now village": an English word is no village name the gazetteer lacks
    assert find_places("People gathered in the square. Now village elders met the governor.").empty


def test_a_village_in_a_governorate_named_like_its_seat_is_looked_for_in_the_governorate() -> None:
    """"X town in Idleb": Idleb the governorate, not the city. A village spelt unlike any known name
    ("Kinsafrah") is the vowel variant of one there (Kansafrah, 30 km from Idlib city), not an
    unknown village placed near the city."""
    d = draft_events("Regime forces shelled Kinsafrah town in Idleb.", published="2018-02-01")
    assert d["location"].tolist() == ["Kinsafrah"]
    row = d.iloc[0]
    assert (row["place_name"], row["admin1"], row["geo_precision"]) == ("Kansafrah", "Idleb", 1)
    # an unknown village there is drafted at the governorate (its seat's point), not near the city
    row = draft_events("Regime forces shelled Bishwara town in Idleb.", published="2018-02-01").iloc[0]
    assert (row["match_status"], row["geo_precision"]) == ("unresolved", 3)
    # "near Idleb" is the city
    row = draft_events("Regime forces shelled Bishwara village near Idleb.", published="2018-02-01").iloc[0]
    assert row["geo_precision"] == 2


@pytest.mark.parametrize("text, area, admin1", [
    ("On 17 June 2020, regime forces shelled Bishwara in Idleb. No fatalities reported.", "Idleb", "Idleb"),
    ("On 17 June 2020, regime forces shelled Bishwara in southern Idleb.", "Idleb", "Idleb"),
    ("On 17 June 2020, regime forces shelled Bishwara in Ariha district.", "Ariha", "Idleb"),
    ("On 17 June 2020, the SDF raided Bishwara in Deir ez-Zor and arrested two men.", "Deir-ez-Zor", "Deir-ez-Zor"),
    ("On 17 June 2020, unknown gunmen attacked Abu Bishwara in Daraa, killing one.", "Dar'a", "Dar'a"),
])
def test_an_unknown_name_an_attack_falls_on_is_drafted_at_the_area_named_after_it(
        text: str, area: str, admin1: str) -> None:
    """"shelled X in Idleb" with X unknown to the gazetteer: X is the incident place, drafted as written
    at the area (unresolved), never an incident matched at the area's seat city."""
    d = draft_events(text, published="2020-07-01")
    assert len(d) == 1
    row = d.iloc[0]
    assert "Bishwara" in row["location"] and row["match_status"] == "unresolved"
    assert (row["place_name"], row["admin1"]) == (area, admin1)


def test_a_known_village_or_an_actor_after_an_attack_verb_is_not_an_unknown_village() -> None:
    d = draft_events("On 17 June 2020, Russian warplanes struck Kansafrah in Idleb.", published="2020-07-01")
    assert d[["location", "match_status"]].values.tolist() == [["Kansafrah", "matched"]]
    d = draft_events("On 17 June 2020, regime forces shelled HTS positions in Idleb.", published="2020-07-01")
    assert "HTS" not in " ".join(d["location"])
    d = draft_events("On 17 June 2020, Turkish forces targeted Monday in Idleb.", published="2020-07-01")
    assert "Monday" not in " ".join(d["location"])
