"""Which places of a report are incident places (issue 22, places): summing-up sentences, areas named as
containers, ... Every sentence here was written for these tests; none comes from ACLED's notes."""

from __future__ import annotations

import pytest

from conflictmap.events.draft import draft_events
from conflictmap.events.places_in_text import find_places, summary_sentence


@pytest.mark.parametrize("sentence, kind", [
    ("Shelling on Kafr Ruma, Hass and Kansafrah caused material damage.", "summary"),
    ("Clashes in Saraqib and Sarmin left several fighters dead.", "summary"),
    ("Aerial bombardment on Binnish and Taftanaz wounded four people.", "summary"),
    ("The unknown number of deaths was coded as 10 and split between the two villages.", "bookkeeping"),
    ("Accounting for two known deaths in Hass, the rest were given to Kafr Ruma.", "bookkeeping"),
    ("The remaining 6 fatalities were: two for Hass and four for Kafr Ruma.", "bookkeeping"),
    ("Regime forces shelled Kafr Ruma with artillery.", None),
    ("Clashes broke out in Saraqib on Monday.", None),  # "Clashes broke out": a report, not a sum
])
def test_summary_sentences(sentence, kind):
    assert summary_sentence(sentence) == kind


def test_summing_up_sentence_drafts_no_new_places():
    text = ("Regime forces shelled Kafr Ruma in southern Idlib on Monday, wounding a woman. "
            "Shelling on Kafr Ruma, Hass and Kansafrah caused material damage.")
    drafts = draft_events(text, published="2019-03-05")
    assert drafts.location.tolist() == ["Kafr Ruma"]


def test_summing_up_sentence_gives_its_deaths_to_the_incident_before():
    text = ("Regime forces shelled Kafr Ruma in southern Idlib on Monday. "
            "Shelling on Kafr Ruma and Hass killed three civilians.")
    drafts = draft_events(text, published="2019-03-05")
    assert drafts.location.tolist() == ["Kafr Ruma"]
    assert int(drafts.fatalities.iloc[0]) == 3


def test_a_first_sentence_that_lists_places_still_drafts_them():
    drafts = draft_events("Shelling on Kafr Ruma and Hass in southern Idlib caused damage on Monday.",
                          published="2019-03-05")
    assert sorted(drafts.location) == ["Hass", "Kafr Ruma"]


def test_summary_after_an_area_only_report_still_drafts_its_places():
    text = ("Fighting went on in southern Idlib on Monday. "
            "Clashes in Kafr Ruma and Hass left five fighters dead.")
    drafts = draft_events(text, published="2019-03-05")
    assert {"Kafr Ruma", "Hass"} <= set(drafts.location)


@pytest.mark.parametrize("text", [
    "Rebels captured a number of towns and villages in Idlib, including Kansafrah, on Monday.",
    "Rebels captured villages in Idlib, such as Kansafrah, on Monday.",
])
def test_a_governorate_that_holds_the_places_is_an_area(text):
    found = find_places(text).set_index("mention")
    assert found.loc["Idlib", "role"] == "area"
    drafts = draft_events(text, published="2019-03-05")
    assert drafts.location.tolist() == ["Kansafrah"]


def test_an_incident_known_only_by_its_governorate_is_coded_at_its_main_town():
    d = draft_events("Regime forces shelled villages in the northern countryside of Hama on Monday.",
                     published="2019-03-05").iloc[0]
    assert d.geo_precision == 3 and d.place_id == "ocha:SY05"
    assert d.match_method.endswith("+seat") and "Hama" in d.match_reason
    city = find_places("Clashes in Hama city.").iloc[0]
    assert abs(d.latitude - city.latitude) < 0.05 and abs(d.longitude - city.longitude) < 0.05


def test_only_the_smallest_area_named_is_drafted():
    drafts = draft_events("Turkish jets struck the Sharan area in the eastern countryside of Aleppo on Monday.",
                          published="2019-03-05")
    assert drafts.location.tolist() == ["Sharan"]


@pytest.mark.parametrize("text, absent", [
    ("Jets struck the Tal al-Nabi Yunus area near Saraqib on Monday.", "Tal"),
    ("The Jaysh Khalid ibn Walid group shelled the town of Saraqib on Monday.", "Khalid"),
    ("The Liwa al-Quds militia shelled Saraqib on Monday.", "Liwa"),
    ("Shells hit the Ibn Sina hospital in the town of Saraqib on Monday, wounding two nurses.", "Sina"),
])
def test_a_name_inside_a_longer_unknown_name_is_no_place(text, absent):
    found = find_places(text)
    assert absent not in found.mention.tolist()
    assert draft_events(text, published="2019-03-05").location.tolist() == ["Saraqib"]


@pytest.mark.parametrize("text, kept", [
    ("Shells fell on the Homs al-Qadima area of Homs city on Monday.", "Homs"),  # a city's own quarter
    ("Turkish forces shelled Jandairis in northern Aleppo on Monday.", "Jandairis"),
    ("Jets struck the Kafr Nabl Dam on Monday.", "Kafr Nabl"),
    ("A strike hit the Saraqib Research Center on Monday.", "Saraqib"),
])
def test_a_place_followed_by_a_site_or_its_quarter_is_kept(text, kept):
    assert kept in find_places(text).mention.tolist()


@pytest.mark.parametrize("text, name, admin1", [
    # "Kafr Rum" is a village of Aleppo; named with southern Idlib it is Idlib's Kafr Ruma
    ("Regime forces shelled Kafr Rum town in southern Idlib on Monday.", "Kafr Ruma", "Idleb"),
    ("Regime forces shelled Al Karnaz town in southern Idlib on Monday.", "Al Karnaza", "Idleb"),
])
def test_a_place_named_with_its_governorate_is_looked_for_there(text, name, admin1):
    row = find_places(text).iloc[0]
    assert (row.place_name, row.admin1) == (name, admin1)
    assert draft_events(text, published="2019-03-05").iloc[0].admin1 == admin1


def test_a_place_in_the_governorate_named_is_kept():
    row = find_places("Regime forces shelled Kafr Rum town in western Aleppo on Monday.").iloc[0]
    assert (row.place_name, row.admin1) == ("Kafr Rum", "Aleppo")


@pytest.mark.parametrize("text, roles", [
    ("Jets struck Maabatli village in the Afrin District in Aleppo western countryside on Monday.",
     {"Maabatli": "location", "Aleppo": "area"}),
    ("Jets struck Sukhnah in the eastern desert of Homs on Monday.", {"Sukhnah": "location", "Homs": "area"}),
    ("A man from Kafr Nabl died in Saraqib on Monday.", {"Kafr Nabl": "reference", "Saraqib": "location"}),
])
def test_roles_of_areas_and_origins(text, roles):
    found = dict(find_places(text)[["mention", "role"]].values.tolist())
    assert {k: found.get(k) for k in roles} == roles


def test_a_news_outlet_named_after_a_town_is_no_place():
    assert find_places("Harasta News reported that the talks had ended.").empty


@pytest.mark.parametrize("text, roles", [
    ("Regime forces shelled Hass town in the southern countryside of Maarat al-Numan on Monday.",
     {"Hass": "location", "Maarat al-Numan": "reference"}),
    ("Clashes broke out near Harasta on the Damascus-Homs international highway on Monday.",
     {"Harasta": "location", "Homs": "reference"}),
    # a town named after the area a village lies in locates the village too, it is no second incident
    ("Regime forces shelled Kansafrah in Jabal al-Zawiya near Ariha on Monday.",
     {"Kansafrah": "location", "Ariha": "reference"}),
])
def test_places_that_only_locate_another(text, roles):
    found = dict(find_places(text)[["mention", "role"]].values.tolist())
    assert {k: found.get(k) for k in roles} == roles


@pytest.mark.parametrize("name", ["Ahmadiyah", "Bilaliyah"])
def test_a_same_name_guess_far_from_the_places_named_with_it_is_not_drafted(name):
    # every place called so lies far from Saraqib: the guess is a namesake, not the village meant
    text = f"Jets struck Saraqib and {name} on Monday."
    found = find_places(text).set_index("mention")
    assert found.loc[name, "match_status"] == "ambiguous"
    assert draft_events(text, published="2019-03-05").location.tolist() == ["Saraqib"]
    alone = draft_events(f"Jets struck {name} on Monday.", published="2019-03-05")
    assert alone.location.tolist() == [name]  # named alone, the guess is all there is: drafted


def test_summary_after_a_sub_district_report_drafts_no_new_places():
    text = ("Turkish forces fought YPG fighters across the Maabatli sub-district on Monday. "
            "Clashes in Maabatli and Mabata left ten fighters dead.")
    drafts = draft_events(text, published="2019-03-05")
    assert drafts.location.tolist() == ["Maabatli"]
    assert drafts.iloc[0].match_method.endswith("+seat")  # the sub-district, at its town


@pytest.mark.parametrize("text, absent", [
    ("Fighters of the Free Army of Idlib clashed with HTS in Saraqib on Monday.", "Idlib"),
    ("The Military Council of Quneitra shelled Saraqib on Monday.", "Quneitra"),
    # a place naming an institution, a street named after a city, a word spelt onto a group's name
    ("A member of the Idlib Health Directorate was killed in Saraqib on Monday.", "Idlib"),
    ("Fighters of the Manbij Military Council clashed with rebels near Arima on Monday.", "Manbij"),
    ("Shells fell on the Aleppo street area of Damascus on Monday.", "Aleppo"),
    ("Fighters of Hayaat Tahrir al-Sham captured Saraqib on Monday.", "Hayaat"),
])
def test_a_place_in_an_organisation_name_is_no_place(text, absent):
    assert absent not in find_places(text).mention.tolist()


def test_a_lower_case_group_word_before_a_place_keeps_it():
    assert find_places("The army of the regime shelled the outskirts of Idlib.").mention.tolist() == ["Idlib"]


def test_unknown_village_in_the_countryside_of_a_town_is_drafted_near_the_town():
    drafts = draft_events("Turkish artillery shelled Qurtubil Wusta village in the western countryside of Azaz.",
                          published="2019-03-05")
    assert drafts.location.tolist() == ["Qurtubil Wusta"]  # Azaz only says where it is
    d = drafts.iloc[0]
    assert d.match_status == "unresolved" and d.geo_precision == 2 and d.match_method == "near the town named beside it"
    assert d.place_id == draft_events("Turkish artillery shelled Azaz.", published="2019-03-05").place_id.iloc[0]


@pytest.mark.parametrize("text, place", [
    ("Shells fell on Qudsaya city on the outskirts of Damascus on Monday, wounding a woman.", "Qudsaya"),
    ("Rockets hit the Sahnaya area near Damascus on Monday.", "Sahnaya"),
])
def test_a_city_named_to_locate_another_place_is_no_incident_place(text, place):
    assert draft_events(text, published="2019-03-05").location.tolist() == [place]


@pytest.mark.parametrize("text, places", [
    # a governorate's armed groups, an English article before an acronym, a launch base, a misspelt
    # governorate joined by hyphens: none of them is an incident place
    ("Residents of Saraqib protested on Monday, calling on Idlib's factions to open new fronts.", ["Saraqib"]),
    ("Two children were killed in Manbij on Monday by an IS-planted mine.", ["Manbij"]),
    ("Coalition jets flying from their base at Tabqa struck ISIS positions in Hajin on Monday.", ["Hajin"]),
    ("Heavy clashes took place on Monday in Diban town in eastern Deir-e-Zor.", ["Diban"]),
    # what a protest is about happened elsewhere: the protest is where the people gathered
    ("People in Binnish protested on Friday against the shelling of Ariha.", ["Binnish"]),
    ("People in Binnish demonstrated on Friday in solidarity with the people of Afrin.", ["Binnish"]),
    ("Residents of Saraqib demonstrated on Friday, condemning the bombing of Ariha.", ["Saraqib"]),
    ("People protested against the regime in Ariha on Friday.", ["Ariha"]),
])
def test_words_that_look_like_places_but_are_no_incident_place(text, places):
    from conflictmap.events.draft import draft_events

    assert draft_events(text, published="2019-03-04")["location"].tolist() == places


def test_an_event_word_in_what_a_protest_condemns_does_not_make_the_event():
    from conflictmap.events.draft import draft_events

    d = draft_events("Residents of Saraqib demonstrated on Friday, condemning the bombing of Ariha.", published="2019-03-04")
    assert d["event_type"].tolist() == ["Protests"]


@pytest.mark.parametrize("text", [
    "Turkish jets struck Kansafrah/Qnsfra village on Monday.",
    "Turkish jets struck Qnsfra/Kansafrah village on Monday.",
])
def test_two_names_of_one_place_joined_by_a_slash_are_one_incident(text):
    from conflictmap.events.draft import draft_events

    drafts = draft_events(text, published="2019-03-04")
    assert drafts["location"].tolist() == ["Kansafrah"]
    roles = dict(find_places(text)[["mention", "role"]].values.tolist())
    assert roles.get("Qnsfra", "reference") == "reference"  # a name the scan finds is a reference to the place


def test_an_article_starting_the_sentence_is_no_city_part():
    # "The neighbourhood of X ...": read as "<The> neighbourhood of <city X>", X became a city and lost
    # the neighbourhood hint that picks Jobar's quarter of Damascus over Jawbar, a village of Homs
    found = find_places("The neighbourhood of Jobar was shelled on Monday.")
    assert found.mention.tolist() == ["Jobar"] and found.admin1.tolist() == ["Damascus"]


@pytest.mark.parametrize("text", [
    "Shells fell on the Aleppo neighbourhood of Sheikh Maqsoud on Monday.",
    "Shells fell on the Sheikh Maqsoud neighbourhood of Aleppo on Monday.",
])
def test_the_city_neighbourhood_of_x_is_x(text):
    # "the <governorate's city> neighbourhood of X" names X, a part of the city, as "the X neighbourhood of
    # <city>" does; the city only locates it
    drafts = draft_events(text, published="2019-03-05")
    assert drafts.location.tolist() == ["Sheikh Maqsoud"] and drafts.iloc[0].admin1 == "Aleppo"


def test_a_town_near_a_wide_region_is_where_the_incident_is_drafted():
    d = draft_events("IS fighters attacked an army checkpoint in the Badia near al-Sukhnah on Monday.",
                     published="2020-06-10")
    assert d["location"].tolist() == ["al-Sukhnah"] and d["geo_precision"].tolist() == [2]


@pytest.mark.parametrize("text", ["Regime forces shelled the Badia on Monday.",
                                  "Regime forces shelled positions in the Badia on Monday."])
def test_a_name_written_with_the_is_the_region_not_a_village_that_reads_alike(text):
    found = find_places(text)
    assert found[["mention", "feature_type"]].values.tolist() == [["Badia", "region"]]
