"""ACLED's coding conventions in draft_events and place finding (issue 22). Every sentence here was
written for these tests; none comes from ACLED's notes."""

from __future__ import annotations

import datetime as _dt

import pandas as pd
import pytest

from conflictmap.events.actors import find_actors, load_actors
from conflictmap.events.draft import draft_events
from conflictmap.events.places_in_text import find_places


def _one(text: str, published: str = "2019-03-04"):
    drafts = draft_events(text, published=published)
    assert len(drafts) == 1, drafts[["location", "sub_event_type", "actor1"]]
    return drafts.iloc[0]


@pytest.mark.parametrize("text", [
    "Syrian or Russian jets bombed Saraqib on Monday, destroying a bakery.",
    "Jets, likely regime or Russian, carried out raids on Kafr Nabl, wounding a child.",
])
def test_unattributed_syrian_or_russian_strikes(text):
    d = _one(text)
    assert d.actor1 == "Allied Syrian and/or Russian Forces"
    assert d.sub_event_type == "Air/drone strike"


def test_unattributed_shelling_has_acled_unidentified_group():
    d = _one("Several mortar rounds landed on Jaramana on Monday, damaging two cars.")
    assert d.sub_event_type == "Shelling/artillery/missile attack"
    assert d.actor1 == "Unidentified Armed Group (Syria)"


def test_fire_origin_holder_is_the_perpetrator():
    d = _one("Rockets fired from SDF-held areas hit Marea on Monday.")
    assert d.actor1 == "SDF: Syrian Democratic Forces"
    assert "SDF-held" in d.actor_words


def test_named_perpetrator_in_next_sentence_replaces_stand_in():
    drafts = draft_events("Shelling hit Kafr Nabl on Monday. The Syrian army was blamed by residents for it.",
                          published="2019-03-04")
    # "blamed" is a hedge word: the second sentence adds no incident but may name the perpetrator
    assert len(drafts) == 1
    assert drafts.iloc[0].actor1 in ("Unidentified Armed Group (Syria)", "Military Forces of Syria (2000-)")


@pytest.mark.parametrize("text,actor", [
    ("Faylaq al-Rahman fighters clashed with government troops near Harasta on Monday.", "FaR: Al-Rahman Corps"),
    ("Ahrar al-Sham fighters ambushed an HTS convoy near Sarmada on Monday.", "AAS: Ahrar al-Sham"),
    ("Suqour al-Sham fighters clashed with IS near Sarmin on Monday.", "Suquor al-Sham"),
    ("Olive Branch forces took control of Maydan Ikbis after clashes with the YPG on Monday.", "Operation Olive Branch"),
    ("Kurdish forces, likely the YPG, ambushed a Turkish patrol near Maydan Ikbis on Monday.", "YPG: Peoples Protection Units"),
])
def test_organisation_names_are_actors_not_places(text, actor):
    d = _one(text)
    assert d.actor1 == actor
    places = find_places(text)
    # no word of the organisation's name is read as a place
    spans = [(m.start, m.end) for m in find_actors(text)]
    for row in places.itertuples():
        assert not any(a <= row.start < b for a, b in spans), row.mention


def test_a_mixed_case_abbreviation_is_matched_as_written():
    # ACLED's "JaN" is Jaysh al-Nasr; the month "Jan" and the word "far" are nobody
    assert [a.key for a in find_actors("JaN fighters shelled it on 3 Jan.")] == ["jaysh_al_nasr"]
    assert find_actors("The village lies far from the front.") == []
    assert [a.key for a in find_actors("FaR fighters shelled it.")] == ["faylaq_al_rahman"]


def test_rebel_and_islamist_factions_are_acled_actors():
    assert find_actors("the rebel factions")[0].actor == "Opposition Rebels (Syria)"
    assert find_actors("Islamist faction fighters")[0].actor == "Islamist Militia (Syria)"
    assert find_actors("Faction fighters shelled it")[0].actor == "Opposition Rebels (Syria)"


def test_protest_has_protesters_as_actor1():
    d = _one("Residents of Jasim protested on Monday against rising bread prices.")
    assert d.event_type == "Protests"
    assert d.actor1 == "Protesters (Syria)"


def test_acled_names_column_lists_other_spellings():
    table = load_actors().set_index("key")
    assert "QSD: Syrian Democratic Forces" in table.loc["sdf", "acled_names"].split("|")


@pytest.mark.parametrize("text,governorate", [
    ("Turkish artillery shelled Maydan Ikbis village in northwest Afrin, Aleppo. No one was hurt.", "Aleppo"),
    ("Warplanes struck Khan Shaykhun town in Idleb on Monday.", "Idleb"),
    ("Government forces shelled Kafr Zita in the northern countryside of Hama.", "Hama"),
])
def test_governorate_named_beside_a_village_is_context(text, governorate):
    drafts = draft_events(text, published="2019-03-04")
    assert len(drafts) == 1
    assert drafts.iloc[0].location != governorate
    roles = find_places(text).set_index("mention").role
    assert roles[governorate] in ("area", "reference")


def test_city_named_as_a_city_is_still_an_incident_place():
    drafts = draft_events("An IED exploded in Idlib city on Monday, killing two civilians.", published="2019-03-04")
    assert list(drafts.location) == ["Idlib"] and drafts.iloc[0].geo_precision == 1


def test_road_ends_are_not_incident_places():
    drafts = draft_events("Clashes broke out on the Damascus-Homs highway near Harasta on Monday.",
                          published="2019-03-04")
    assert list(drafts.location) == ["Harasta"]


@pytest.mark.parametrize("text,sub_event_type", [
    # the event word ends a built actor name ("Turkish airstrikes"): it still says what happened
    ("Turkish airstrikes hit Maydan Ikbis on Monday.", "Air/drone strike"),
    ("Government forces gained full control of Kansafrah on Monday.", "Government regains territory"),
    ("The SNA announced the capture of Maydan Ikbis from the YPG on Monday.", "Non-state actor overtakes territory"),
    # ACLED: an exchange of shelling between two forces is a battle
    ("Government forces and HTS exchanged artillery fire around Kafr Nabl on Monday.", "Armed clash"),
    # ACLED codes one battle when clashes come with the shelling or strikes that back them
    ("Government forces clashed with HTS fighters in Kafr Nabl amid heavy shelling and air strikes on Monday.",
     "Armed clash"),
    # territory taken under shelling is the territory change
    ("Regime forces captured Abu al-Duhur amid intensive shelling on Monday.", "Government regains territory"),
    ("Regime helicopters dropped explosive barrels on Kafr Nabl on Monday.", "Air/drone strike"),
    ("Warplanes raided Saraqib on Monday, causing material damage.", "Air/drone strike"),
    # an attack of unstated means on a town, nobody killed: ACLED's shelling, not a clash read from "casualties"
    ("Regime forces targeted the town of Kafr Nabl on Monday, with no casualties reported.",
     "Shelling/artillery/missile attack"),
    ("An explosion of unknown origin hit a depot in Azaz on Monday, killing 4 fighters.",
     "Remote explosive/landmine/IED"),
    # one side firing on a town from afar, no clash: ACLED's shelling, as "targeted" is
    ("Government troops opened heavy machine gun fire on Kafr Nabl town on Monday, damaging homes.",
     "Shelling/artillery/missile attack"),
    # a note that opens with its category ("Movement of forces: ...") says the kind of event itself
    ("Non-violent activity: Government troops opened machine gun fire on Kafr Nabl town on Monday.", "Other"),
    ("Movement of forces: Government troops entered the town of Saraqib on Monday.", "Other"),
    ("Formation of armed group: Three brigades in Kafr Nabl announced on Monday that they had merged.",
     "Change to group/activity"),
    # territory taken: "managed to capture / control", "restored control"
    ("HTS fighters managed to capture the village of Kansafrah from rival factions on Monday.",
     "Non-state actor overtakes territory"),
    ("Government forces managed to control Kansafrah village on Monday.", "Government regains territory"),
    ("Rebels restored control over Kansafrah town on Monday.", "Non-state actor overtakes territory"),
    # an attempt, an advance, a raid, a destroyed vehicle: a battle with no change of hands
    ("Turkish forces tried to capture the YPG-held town of Maydan Ikbis on Monday.", "Armed clash"),
    ("Government forces advanced in Kansafrah village on Monday.", "Armed clash"),
    ("YPG fighters destroyed a Turkish military vehicle in the town of Maydan Ikbis on Monday.", "Armed clash"),
    ("IS fighters attacked a gathering of government forces near Saraqib on Monday.", "Armed clash"),
    # the target named ("an ammunition depot"), an aside between commas, a single jet, a drone used
    ("Turkish forces targeted an ammunition depot of the YPG in Maydan Ikbis village on Monday.",
     "Shelling/artillery/missile attack"),
    ("Government forces targeted, by unknown means, Kansafrah village on Monday.", "Shelling/artillery/missile attack"),
    ("A Turkish jet hit targets in the vicinity of Maydan Ikbis on Monday.", "Air/drone strike"),
    ("Warplanes, likely Russian , raided Kansafrah village on Monday, causing damage.", "Air/drone strike"),
    ("Russian warplanes caused heavy damage to a hospital in the town of Saraqib on Monday.", "Air/drone strike"),
    ("IS fighters used a drone to target the town of Kansafrah on Monday, injuring two people.", "Air/drone strike"),
    # sniper fire on a town's people, a body found: attacks
    ("A civilian was injured by sniper fire in the town of Saraqib on Monday.", "Attack"),
    ("Government forces sniped a civilian in the town of Saraqib on Monday.", "Attack"),
    ("A man's body was found on the outskirts of Saraqib on Monday.", "Attack"),
    # taken without a fight: a non-violent transfer, even told after "after"
    ("Government forces retook the village of Kansafrah after IS fighters withdrew without a fight on Monday.",
     "Non-violent transfer of territory"),
    ("HTS fighters managed to regain control of Kansafrah on Monday.", "Non-state actor overtakes territory"),
    ("Turkish warplanes killed a shepherd in Maydan Ikbis on Monday.", "Air/drone strike"),
    ("Warplanes believed to belong to the International Coalition struck the town of Kansafrah on Monday.",
     "Air/drone strike"),
    # gunmen who shot someone: an attack on a civilian, a clash with a fighter
    ("Unidentified gunmen shot a shepherd in Tafas on Monday.", "Attack"),
    ("Unidentified gunmen shot a commander of an Islamist faction in Tafas on Monday.", "Armed clash"),
    # a force that enters a place under an agreement takes it without a fight
    ("Government forces entered the Sheikh Maqsoud neighbourhood of Aleppo after an agreement with the SDF on Monday.",
     "Non-violent transfer of territory"),
    ("Russia and Turkey reached an agreement on a ceasefire in Idlib on Monday.", "Agreement"),
    ("Government forces entered Manbij on Monday after SDF forces left the city.", "Non-violent transfer of territory"),
    # what a crowd demands is no event of its own
    ("Residents of Kafr Nabl demonstrated on Monday, demanding that the rival factions stop their fighting.",
     "Peaceful protest"),
])
def test_event_words(text, sub_event_type):
    assert _one(text).sub_event_type == sub_event_type


def test_village_the_gazetteer_cannot_place_is_drafted_at_its_governorate():
    text = "Government forces shelled Qurtubil Wusta village in Hama countryside on Monday."
    d = _one(text)
    assert d.location == "Qurtubil Wusta"  # the name as written
    assert d.match_status == "unresolved" and d.geo_precision == 3
    assert d.place_name == "Hama" and "not in the gazetteer" in d.match_reason


def test_unplaced_village_with_no_area_named_is_drafted_as_written_without_a_point():
    # no governorate or district named anywhere: the analyst still sees the incident, with no point
    d = _one("Government forces shelled Qurtubil Wusta village on Monday, killing 2 civilians.")
    assert d.location == "Qurtubil Wusta" and d.match_status == "unresolved"
    assert pd.isna(d.latitude) and pd.isna(d.longitude) and d.geometry is None and pd.isna(d.place_id)
    assert d.match_method == "as written" and "no point" in d.match_reason and int(d.fatalities) == 2
    assert "at Qurtubil Wusta (no point)" in d.notes


def test_unplaced_village_takes_the_one_governorate_its_paragraph_names():
    text = ("Fighting flared in southern Idlib on Monday. Government forces shelled the village of "
            "Qurtubil Wusta, wounding a child.")
    drafts = draft_events(text, published="2019-03-04")
    d = drafts.set_index("location").loc["Qurtubil Wusta"]
    assert d.match_status == "unresolved" and d.geo_precision == 3 and d.place_name == "Idleb"
    assert d.match_method == "governorate of the paragraph"


def test_unplaced_village_takes_the_reports_governorate_when_the_text_names_none():
    d = draft_events("Government forces shelled the village of Qurtubil Wusta on Monday.", published="2019-03-04",
                     admin1="Hama").iloc[0]
    assert (d.location, d.place_name, d.geo_precision) == ("Qurtubil Wusta", "Hama", 3)
    assert d.match_method == "governorate of the report"
    # also in a later paragraph that names no place at all
    text = "Fighting flared on Monday.\n\nGovernment forces shelled the village of Qurtubil Wusta, wounding a child."
    d = draft_events(text, published="2019-03-04", admin1="Hama").iloc[0]
    assert (d.location, d.place_name, d.geo_precision) == ("Qurtubil Wusta", "Hama", 3)


def test_governorate_named_as_context_decides_among_namesakes():
    # "Qantara" names villages in several governorates; the one in the governorate named beside it wins
    found = find_places("Government shelling hit Qantara village in Hama countryside on Monday.")
    row = found.set_index("mention").loc["Qantara"]
    assert row.admin1_pcode == "SY05"


def test_places_on_the_outskirts_of_a_city_and_sub_districts():
    drafts = draft_events("Shells fell on Jaramana on the outskirts of Damascus city on Monday.", published="2019-03-04")
    assert list(drafts.location) == ["Jaramana"]
    roles = find_places("Turkish forces shelled villages in Bulbul sub-district on Monday.").set_index("mention").role
    assert roles["Bulbul"] == "area"


@pytest.mark.parametrize("text,deaths", [
    ("A shepherd was killed by a landmine near Kishkiyeh on Monday.", 1),
    ("Government shelling on Saqba on Monday led to the killing of 3 people and the injury of several others.", 3),
    ("Shelling hit Saqba on Monday, leading to the death of an old woman.", 1),
    ("Government forces fired rockets at the town of Saqba on Monday, killing at least three.", 3),
    ("The body of a young man was found on the outskirts of Saqba on Monday.", 1),
    ("Government forces sniped a civilian in Saqba on Monday, which led to his death.", 1),
    ("Shelling hit a woman in Saqba on Monday and resulted in her death.", 1),
])
def test_fatalities_as_acled_counts_them(text, deaths):
    assert int(_one(text).fatalities) == deaths


def test_second_attack_on_the_same_town_is_its_own_event():
    drafts = draft_events("Syrian or Russian jets carried out raids on Saqba, as government forces shelled the town "
                          "on Monday.", published="2019-03-04")
    got = sorted(zip(drafts.sub_event_type, drafts.actor1))
    # the government's own forces act in the same report: ACLED codes the either-or strike to them
    assert got == [("Air/drone strike", "Military Forces of Syria (2000-)"),
                   ("Shelling/artillery/missile attack", "Military Forces of Syria (2000-)")]
    assert set(drafts.location) == {"Saqba"}


@pytest.mark.parametrize("text,location,precision", [
    # ACLED's current notes put the district and governorate in brackets after the place
    ("On 9 May 2020, government forces shelled Kansafrah (Ariha, Idleb). No fatalities were reported.",
     "Kansafrah", 1),
    ("On 9 May 2020, an IED exploded in Jandairis (Afrin, Aleppo), wounding two fighters.", "Jandairis", 1),
    # an unknown village named in that form is placed at the district in brackets
    ("On 9 May 2020, government forces shelled Qurtubil Wusta (Ariha, Idleb).", "Qurtubil Wusta", 3),
])
def test_current_acled_notes_with_areas_in_brackets(text, location, precision):
    d = _one(text, published="2020-05-10")
    assert d.location == location and int(d.geo_precision) == precision
    assert str(d.event_date.date()) == "2020-05-09"


def test_unattributed_air_strike_has_acled_unidentified_military_forces():
    d = _one("Airstrikes hit the outskirts of Kafr Nabl on Monday, damaging a school.")
    assert d.sub_event_type == "Air/drone strike"
    assert d.actor1 == "Unidentified Military Forces (Syria)"


# --- actors and fatalities as ACLED codes them (issue 22, second pass) ---

def test_coded_figure_in_the_next_sentence_is_the_fatalities():
    d = _one("Government forces clashed with HTS fighters in Kafr Nabl on Monday. "
             "An unknown number of fatalities coded as 10.")
    assert int(d.fatalities) == 10


def test_coded_figure_is_split_over_the_places_before_it():
    drafts = draft_events("Regime forces shelled Saraqib, Binnish and Taftanaz on Monday with casualties reported. "
                          "Unknown number of fatalities coded to 10 and split across the events.", published="2019-03-05")
    assert list(drafts.location) == ["Saraqib", "Binnish", "Taftanaz"]
    assert list(drafts.fatalities) == [4, 3, 3]


def test_coded_figure_for_the_attacker_in_a_current_note():
    d = _one("On 9 May 2020, HTS fighters detonated a car bomb at a regime checkpoint near Kafr Nabl. "
             "No casualties were reported, but fatalities are coded as 1 for the driver.")
    assert int(d.fatalities) == 1


def test_deaths_of_one_attack_on_three_places_are_split_evenly():
    drafts = draft_events("Government forces shelled Saraqib, Binnish and Taftanaz on Monday, killing 7 civilians.",
                          published="2019-03-05")
    assert list(drafts.fatalities) == [3, 2, 2]


def test_deaths_of_one_attack_on_two_places_stay_at_the_first():
    drafts = draft_events("Government forces shelled Saraqib and Binnish on Monday, killing 5 civilians.",
                          published="2019-03-05")
    assert list(drafts.fatalities) == [5, 0]


@pytest.mark.parametrize("text,deaths", [
    ("HTS executed two men in Saraqib on Monday.", 2),
    ("Regime forces shelled Saraqib on Monday, leading to the later death of a woman from her injuries.", 1),
])
def test_execution_and_later_death_are_deaths(text, deaths):
    assert int(_one(text).fatalities) == deaths


def test_bare_figure_after_a_death_verb():
    assert int(_one("Regime artillery hit Saraqib on Monday, killing three and injuring nine.").fatalities) == 3


def test_either_or_strike_goes_to_the_force_acting_beside_it():
    drafts = draft_events("Syrian or Russian warplanes struck Kafr Nabl on Monday while regime helicopters dropped "
                          "barrel bombs on the town.", published="2019-03-05")
    assert set(drafts.actor1) == {"Military Forces of Syria (2000-)"}
    assert drafts.actor2.isna().all()  # the regime's helicopters are not the target
    assert "named acting in the report" in drafts.iloc[0].notes


def test_opening_phrase_names_the_opponent():
    d = _one("Following clashes with rebel factions, regime forces took control of Abu al-Duhur on Monday.")
    assert (d.actor1, d.actor2) == ("Military Forces of Syria (2000-)", "Opposition Rebels (Syria)")
    assert d.sub_event_type == "Government regains territory"


def test_joint_force_is_led_by_its_state_army():
    d = _one("Rebel factions and Turkish troops captured Maydan Ikbis from the YPG on Monday.")
    assert d.actor1 == "Military Forces of Turkey (2016-)"
    assert d.assoc_actor_1 == "Opposition Rebels (Syria)"
    assert d.actor2 == "YPG: Peoples Protection Units"


def test_barrel_bombs_name_the_syrian_air_force():
    d = _one("Helicopters dropped barrel bombs on Saraqib on Monday.")
    assert d.actor1 == "Military Forces of Syria (2000-)"
    assert "barrel bombs" in d.notes


def test_ally_strike_in_one_clause_with_the_regime_goes_to_the_regime():
    d = _one("Russian jets bombed while regime artillery shelled the town of Saraqib on Monday.")
    assert d.actor1 == "Military Forces of Syria (2000-)"
    # alone, or in a clause of its own, the ally keeps its strike
    assert _one("Russian warplanes struck Saraqib on Monday.").actor1 == "Military Forces of Russia (2000-)"


def test_opening_phrase_with_a_list_of_opponents():
    d = _one("Following clashes with HTS, the TIP, and rebel factions, regime forces and allied militias "
             "advanced to take control of Abu al-Duhur on Monday.")
    assert (d.actor1, d.actor2) == ("Military Forces of Syria (2000-)", "HTS: Hayat Tahrir al-Sham")


def test_syrian_air_forces_is_the_government():
    assert _one("The Syrian air forces conducted air strikes on Saraqib on Monday.").actor1 == \
        "Military Forces of Syria (2000-)"


def test_deaths_distributed_over_the_places_a_note_lists():
    drafts = draft_events("Government forces shelled Saraqib, Binnish and Taftanaz on Monday, killing 4 civilians. "
                          "Distributed fatalities over the activities in Binnish and Taftanaz.", published="2019-03-05")
    assert dict(zip(drafts.location, drafts.fatalities)) == {"Saraqib": 0, "Binnish": 2, "Taftanaz": 2}


def test_coded_figure_distributed_over_a_list_with_a_place_not_drafted():
    drafts = draft_events("Regime forces clashed with rebels in Saraqib and Binnish on Monday. Unknown fatalities "
                          "coded as 10. Distributed fatalities over the activities in Sarmin, Saraqib and Binnish.",
                          published="2019-03-05")
    # 10 over the three places listed: 4 to Sarmin (not drafted), 3 each here
    assert dict(zip(drafts.location, drafts.fatalities)) == {"Saraqib": 3, "Binnish": 3}


@pytest.mark.parametrize("text,deaths", [
    ("Regime forces shelled Saraqib, Binnish and Taftanaz on Monday, killing 7 civilians, with 3 allocated to "
     "Binnish and 2 each allocated to Saraqib and Taftanaz.", {"Saraqib": 2, "Binnish": 3, "Taftanaz": 2}),
    ("Regime forces shelled Saraqib, Binnish and Taftanaz on Monday. 8 civilians were killed, with Taftanaz "
     "allocated 4 fatalities and all other locations allocated 2 each.", {"Saraqib": 2, "Binnish": 2, "Taftanaz": 4}),
])
def test_deaths_as_a_note_allocates_them(text, deaths):
    drafts = draft_events(text, published="2019-03-05")
    assert dict(zip(drafts.location, drafts.fatalities)) == deaths


@pytest.mark.parametrize("text,deaths", [
    # the figures after "including" are part of the first
    ("Air strikes on Saraqib on Monday killed 30 civilians, including 12 women and 6 children.", 30),
    # "several civilians were injured": the figure's own verb is an injury
    ("A child was killed and several civilians were injured by regime shelling of Saraqib on Monday.", 1),
])
def test_figures_that_are_not_more_deaths(text, deaths):
    assert int(_one(text).fatalities) == deaths


def test_a_car_targeted_is_not_shelling():
    d = _one("On 9 May 2020, unknown gunmen targeted a car in Azaz (Azaz, Aleppo), killing the driver.")
    assert d.sub_event_type != "Shelling/artillery/missile attack"


@pytest.mark.parametrize("text,against", [
    ("A demonstration took place in Saraqib on Monday in protest of the Turkish shelling of the region.",
     "Military Forces of Turkey (2016-)"),
    ("Residents of Saraqib protested against HTS on Monday.", "HTS: Hayat Tahrir al-Sham"),
    ("On 9 May 2020, people protested in Idlib city against HTS.", "HTS: Hayat Tahrir al-Sham"),
])
def test_protest_against_a_force_or_an_attack(text, against):
    drafts = draft_events(text, published="2019-03-04")
    d = drafts.iloc[0]
    # the protest, not the shelling it is against; the crowd is actor1 and alone, as ACLED codes a peaceful
    # protest (the force it is against is named in actor_words, not made actor2)
    assert (d.sub_event_type, d.actor1, pd.isna(d.actor2)) == ("Peaceful protest", "Protesters (Syria)", True)
    assert f"protested against ({against})" in d.actor_words


@pytest.mark.parametrize("text, actor1, actor2", [
    ("On 4 May 2020, HTS and Hurras al-Din clashed in Kafr Takharim (Harim, Idleb).", "HTS", "Hurras al-Din"),
    ("On 5 May 2020, HTS and Hurras al-Din fighters fought each other near Armanaz.", "HTS", "Hurras al-Din"),
    # a shared object keeps the two on one side
    ("On 6 May 2020, regime forces and Hezbollah fought ISIS near Sukhnah.", "Military Forces of Syria",
     "Islamic State"),
    ("On 7 May 2020, HTS and Ahrar al-Sham clashed with regime forces near Kafranbel.", "HTS",
     "Military Forces of Syria"),
    ("On 8 May 2020, regime forces and HTS exchanged artillery fire in Fatira (Idleb).", "Military Forces of Syria",
     "HTS"),
    ("On 9 May 2020, regime forces and HTS exchanged heavy machine gun fire near Sarmin.", "Military Forces of Syria",
     "HTS"),
])
def test_two_groups_that_clashed_are_the_two_sides(text, actor1, actor2):
    ev = draft_events(text, published=_dt.date(2020, 5, 10))
    assert len(ev) == 1
    assert ev.loc[0, "actor1"].startswith(actor1) and ev.loc[0, "actor2"].startswith(actor2)


def test_a_bomb_that_targeted_a_groups_vehicle_has_the_group_as_its_target():
    ev = draft_events("On 8 May 2020, an IED exploded targeting a car of SDF members near Ayn Issa, "
                      "killing one SDF member.", published=_dt.date(2020, 5, 10))
    assert ev.loc[0, "sub_event_type"] == "Remote explosive/landmine/IED"
    assert ev.loc[0, "actor2"] == "SDF: Syrian Democratic Forces"
    assert ev.loc[0, "actor1"] != "SDF: Syrian Democratic Forces"


def test_a_coded_figure_after_a_summing_up_sentence_is_kept():
    """The places pass reads "Unknown number of fatalities coded as N." as a sentence that only adds to
    the incident before it; the coder's figure must still replace the counted deaths."""
    ev = draft_events("Coalition warplanes struck Hajin town in eastern Deir ez-Zor, causing IS casualties. "
                      "Unknown number of IS fatalities coded as 10.", published=_dt.date(2018, 1, 5))
    assert len(ev) == 1 and ev.loc[0, "fatalities"] == 10


@pytest.mark.parametrize("text", [
    "Jets whose nationality is not known if they were Syrian or Russian carried out air strikes on Saraqib.",
    "It is unclear if the drones that struck Binnish on Monday were Turkish.",
])
def test_an_open_question_about_who_struck_is_not_a_condition(text):
    d = _one(text)
    assert d.sub_event_type == "Air/drone strike" and d.location in ("Saraqib", "Binnish")


def test_a_condition_still_gives_no_draft():
    assert draft_events("Rebels will shell Saraqib if they are attacked.", published="2019-03-04").empty


def test_planes_that_carried_out_strikes_are_an_air_strike():
    d = _one("Russian Su-24 planes carried out strikes on Kafr Nabl on Monday.")
    assert d.sub_event_type == "Air/drone strike" and d.location == "Kafr Nabl"


@pytest.mark.parametrize("text, place", [
    ("HTS controlled Kafr Nabl town in the southern countryside of Idlib on Monday.", "Kafr Nabl"),
    ("Rebel factions controlled the village of Binnish after HTS withdrew.", "Binnish"),
])
def test_a_force_that_controlled_a_village_took_it(text, place):
    d = _one(text)
    assert d.event_type == "Battles" and "territory" in d.sub_event_type and d.location == place


def test_areas_a_force_controls_are_not_taken():
    d = _one("Regime forces shelled the HTS-controlled areas of Saraqib on Monday.")
    assert d.sub_event_type == "Shelling/artillery/missile attack"


@pytest.mark.parametrize("text, sub", [
    ("Tiger Force fighters led the regime recapture of the village of Binnish from HTS.", "Government regains territory"),
    ("Regime forces asserted control over the village of Binnish on Monday.", "Government regains territory"),
    ("Sham Legion fighters announced taking control of Binnish village from YPG fighters.",
     "Non-state actor overtakes territory"),
    ("Rebels advanced and imposed their control over the Binnish area.", "Non-state actor overtakes territory"),
])
def test_territory_taken_in_other_words(text, sub):
    d = _one(text)
    assert (d.location, d.sub_event_type) == ("Binnish", sub)


@pytest.mark.parametrize("text, sub", [
    ("Two IEDs hidden in cars exploded in the town of Binnish, wounding a doctor.", "Remote explosive/landmine/IED"),
    ("IS fighters detonated two SVBIEDs at a checkpoint in Binnish.", "Suicide bomb"),
])
def test_bombs_in_plural_and_suicide_vehicle_bombs(text, sub):
    assert _one(text).sub_event_type == sub


@pytest.mark.parametrize("text, event_type", [
    ("A council member was shot by unknown gunmen in Saraqib on Monday.", "Violence against civilians"),
    ("An HTS commander was injured after being shot by unidentified gunmen in Saraqib on Monday.", "Battles"),
    ("Unknown gunmen fired an RPG at a Turkish army vehicle in Marea on Monday.", "Explosions/Remote violence"),
    ("IS fighters continued their attack on Sukhnah on Monday.", "Battles"),
    ("Rebels launched a counterattack against YPG fighters in Marea on Monday.", "Battles"),
])
def test_shootings_rpgs_and_attacks_launched(text, event_type):
    assert _one(text).event_type == event_type


def test_a_plane_shot_down_is_not_a_shooting():
    assert _one("Regime air defences shot down a drone near Saraqib on Monday.").sub_event_type == "Disrupted weapons use"


@pytest.mark.parametrize("text, place", [
    ("The body of a shepherd was found on the outskirts of Saraqib on Monday.", "Saraqib"),
    ("A young man was found dead near Binnish on Monday.", "Binnish"),
])
def test_a_body_found_is_an_attack_by_an_unidentified_group(text, place):
    d = _one(text)
    assert (d.location, d.sub_event_type, d.actor1) == (place, "Attack", "Unidentified Armed Group (Syria)")


def test_a_body_found_at_a_village_the_gazetteer_lacks_is_drafted_as_written():
    d = _one("The body of a young man was found on the outskirts of the village of Qurtubil Wusta on Monday.")
    assert d.location == "Qurtubil Wusta" and d.match_status == "unresolved" and d.sub_event_type == "Attack"


def test_a_place_said_to_lie_in_a_part_of_an_area_is_drafted_as_written():
    # "took control of X in southern Aleppo": X is the incident place, not the governorate's seat
    d = _one("Government forces took control of Tal Qurzubi in southern Aleppo on Monday.")
    assert d.location == "Tal Qurzubi" and d.match_status == "unresolved" and d.geo_precision == 3
    assert d.sub_event_type == "Government regains territory"


@pytest.mark.parametrize("text, name", [
    ("Warplanes carried out strikes on Jabal Qurzubi in the eastern desert of Homs on Monday.", "Jabal Qurzubi"),
    ("Turkish forces shelled YPG positions in Qurzubi mountains in the northern countryside of Aleppo on Monday.",
     "Qurzubi"),
])
def test_a_site_said_to_lie_in_a_part_of_an_area_is_drafted_as_written(text, name):
    d = _one(text)
    assert d.location == name and d.match_status == "unresolved" and d.geo_precision == 3


def test_the_force_expelled_from_a_town_is_the_target():
    d = _one("Rebel factions expelled HTS fighters from Binnish on Monday.")
    assert d.event_type == "Battles" and "territory" in d.sub_event_type
    assert (d.actor1, d.actor2) == ("Opposition Rebels (Syria)", "HTS: Hayat Tahrir al-Sham")


@pytest.mark.parametrize("text, sub, actor1, actor2", [
    ("On 17 May 2020, Turkish forces established a new military point near Kafr Nabl (Idleb).",
     "Headquarters or base established", "Military Forces of Turkey (2016-)", None),
    ("On 19 May 2020, regime forces dispersed a demonstration in Tafas (Dar'a).",
     "Protest with intervention", "Protesters (Syria)", "Military Forces of Syria (2000-)"),
    ("On 19 May 2020, SDF forces dispersed a protest in Diban by firing live bullets, wounding 2 protesters.",
     "Excessive force against protesters", "SDF: Syrian Democratic Forces", "Protesters (Syria)"),
    ("On 24 May 2020, regime forces burned agricultural land in Kafr Zeita (Hama).",
     "Looting/property destruction", "Military Forces of Syria (2000-)", None),
    # people taken in a raid: the arrests are the event, the raid how they were made; the men taken are
    # civilians, as "a man" and "young men" are
    ("On 2 June 2020, SDF forces arrested 4 men in a dawn raid in Diban (Deir ez-Zor).",
     "Arrests", "SDF: Syrian Democratic Forces", "Civilians (Syria)"),
    ("On 2 June 2020, SDF forces carried out a raid in Diban, arresting 3 men.",
     "Arrests", "SDF: Syrian Democratic Forces", "Civilians (Syria)"),
    ("On 3 June 2020, SDF forces raided Diban, clashing with gunmen.",
     "Armed clash", "SDF: Syrian Democratic Forces", "Unidentified Armed Group (Syria)"),
    # a device that goes off by itself: the side named after it is what it hit
    ("On 4 June 2020, an IED exploded near a Turkish military patrol in Ariha (Idleb), wounding 2 soldiers.",
     "Remote explosive/landmine/IED", "Unidentified Armed Group (Syria)", "Military Forces of Turkey (2016-)"),
    ("On 5 June 2020, a roadside bomb planted by ISIS struck an SDF vehicle near Diban.",
     "Remote explosive/landmine/IED", "Islamic State (Syria)", "SDF: Syrian Democratic Forces"),
    ("On 6 June 2020, ISIS militants detonated an IED on a regime bus near Tadmur, killing 4 soldiers.",
     "Remote explosive/landmine/IED", "Islamic State (Syria)", "Military Forces of Syria (2000-)"),
    # a weapon stopped before it did harm: disrupted weapons use, by the side that stopped it
    ("On 7 June 2020, regime air defences intercepted two Israeli missiles over Masyaf (Hama).",
     "Disrupted weapons use", "Military Forces of Syria (2000-)", "Military Forces of Israel (1948-)"),
    ("On 8 June 2020, HTS defused an IED planted on the road near Sarmada.",
     "Disrupted weapons use", "HTS: Hayat Tahrir al-Sham", None),
    # crowds that turn violent: a mob attacking someone, stones thrown at a patrol
    ("On 9 June 2020, a mob attacked a member of the local council in Jasim (Dar'a).",
     "Mob violence", "Rioters (Syria)", None),
    ("On 10 June 2020, residents threw stones at a Turkish patrol in Derbasiyah.",
     "Violent demonstration", "Rioters (Syria)", "Military Forces of Turkey (2016-)"),
    # sexual violence; a protest that security forces broke up; a patrol with nothing else reported
    ("On 11 June 2020, a girl was raped by gunmen in Jarabulus (Aleppo).",
     "Sexual violence", "Unidentified Armed Group (Syria)", "Civilians (Syria)"),
    ("On 12 June 2020, residents protested in Saraqib against prices, and police dispersed the crowd with tear gas.",
     "Protest with intervention", "Protesters (Syria)", None),
    ("On 13 June 2020, Russian and Turkish forces conducted a joint patrol on the road between Saraqib and Ariha.",
     "Other", "Military Forces of Russia (2000-)", None),
])
def test_current_taxonomy_sub_events(text, sub, actor1, actor2):
    d = _one(text)
    assert (d.sub_event_type, d.actor1) == (sub, actor1)
    assert (None if pd.isna(d.actor2) else d.actor2) == actor2


def test_an_accusation_hedges_only_the_events_it_tells_of():
    assert draft_events("The SDF accused Turkish forces of shelling Ayn Issa on Monday.",
                        published="2019-03-04").empty
    d = _one("A demonstration took place in Saraqib on Monday after the council was accused of corruption.")
    assert d.event_type == "Protests"


@pytest.mark.parametrize("text", [
    "Clashes took place between Ahrar al-Sham and HTS fighters in Kansafrah town, where HTS re-established "
    "control of the town on Monday.",
    "Clashes took place between Ahrar al-Sham and HTS fighters in Kansafrah town, where HTS managed to "
    "re-establish control of the town on Monday.",
])
def test_the_side_the_territory_words_are_said_of_is_actor1(text):
    d = _one(text)
    assert d.sub_event_type == "Non-state actor overtakes territory"
    assert d.actor1 == "HTS: Hayat Tahrir al-Sham" and d.actor2 == "AAS: Ahrar al-Sham"


def test_deaths_after_the_last_place_of_a_list_belong_to_the_attack_on_the_list():
    drafts = draft_events("Government forces carried out air strikes on the towns of Saraqib, Kafr Nabl, and Ariha "
                          "on Monday, which resulted in 8 civilian deaths.", published="2019-03-04")
    assert len(drafts) == 3
    assert set(drafts.sub_event_type) == {"Air/drone strike"}


@pytest.mark.parametrize("text, town", [
    # an incident told only at an area is coded at the area's main town, precision 3: a district at its
    # town, a region at the town that bears the region's name
    ("Turkish forces shelled villages in Afrin district on Monday.", "‘Afrīn"),
    ("Government forces shelled the Houla area of northern Homs on Monday.", "Kafr Lāhā"),
    # "the X area" with no governorate: the region of that name, not a sub-district a respelling reaches
    ("Government forces shelled the al-Houla area on Monday.", "Kafr Lāhā"),
])
def test_an_area_incident_is_coded_at_the_areas_main_town(text, town):
    from conflictmap.gazetteer import get_gazetteer
    from conflictmap.geocoding.matching import haversine_km

    d = _one(text)
    places = get_gazetteer().places
    seat = places[places["name"] == town].iloc[0]
    assert d.geo_precision == 3
    assert haversine_km(d.longitude, d.latitude, seat.longitude, seat.latitude) < 0.5
    assert town in d.match_reason


@pytest.mark.parametrize("text, actor1, assoc", [
    # a state's side word leading another force: the state's military leads, the force is associated
    ("Turkish-led Operation Olive Branch forces captured Maydan Ikbis from YPG fighters on Monday.",
     "Military Forces of Turkey (2016-)", "Operation Olive Branch"),
    ("Turkish and rebel Olive Branch factions took control of Maydan Ikbis from YPG fighters on Monday.",
     "Military Forces of Turkey (2016-)", "Operation Olive Branch"),
    # backed or supported: the force named first leads, its backer is associated or not named at all
    ("Euphrates Shield forces, supported by the Turkish military, shelled the YPG-held village of Tannab on Monday.",
     "Operation Euphrates Shield", "Military Forces of Turkey (2016-)"),
    ("Turkish-backed factions shelled the YPG-held village of Tannab on Monday.", "Syrian National Army", None),
])
def test_the_force_that_leads_a_joint_operation_is_actor1(text, actor1, assoc):
    d = _one(text)
    assert d.actor1 == actor1
    assert (None if pd.isna(d.assoc_actor_1) or d.assoc_actor_1 == "" else d.assoc_actor_1) == assoc


@pytest.mark.parametrize("text, actor1", [
    ("Warplanes, likely Turkish, carried out raids on Jandairis on Monday.", "Military Forces of Turkey (2016-)"),
    ("Warplanes, believed to be Coalition, struck Hajin on Monday.", "International Coalition"),
    # several candidates, or a force the report itself calls unidentified: nobody is named
    ("A drone, likely Syrian, Russian, or Turkish, struck Zamalka on Monday.", "Unidentified Military Forces (Syria)"),
    ("Unidentified military forces, likely Turkish, shelled Kafr Janna on Monday.", "Unidentified Armed Group (Syria)"),
])
def test_a_side_given_as_the_likely_author_is_actor1(text, actor1):
    assert _one(text).actor1 == actor1


@pytest.mark.parametrize("text, place", [
    ("Turkish warplanes destroyed a YPG depot in Afrin, likely in the vicinity of Maydan Ikbis, on Monday.",
     "Maydan Ikbis"),
    ("Regime forces shelled Saraqib, likely near Kafr Amim, on Monday.", "Kafr Amim"),
])
def test_the_place_a_report_narrows_down_to_is_the_incident_place(text, place):
    assert _one(text).location == place


def test_the_town_that_locates_a_place_in_a_region_is_the_incident_place():
    # "the orchards between A and B in the Eastern Ghouta": A (near it) says more than the region
    d = _one("Regime helicopters dropped barrel bombs on the orchards between Harasta and Duma in the "
             "Eastern Ghouta on Monday.")
    assert d.location == "Harasta" and d.geo_precision == 2


def test_the_finest_area_named_is_the_place_of_an_area_incident():
    # a sub-district named inside a district: the sub-district, not the district
    d = _one("The Turkish army shelled the Raju area in Afrin District in the northern countryside of Aleppo on Monday.")
    assert d.location == "Raju"


@pytest.mark.parametrize("text, deaths", [
    ("On 14 June 2020, Israeli missiles struck positions near Albu Kamal, killing 5 militiamen.", 5),
    ("On 15 June 2020, regime forces fired on protesters in Jasim (Dar'a), killing 2 protesters.", 2),
    ("On 16 June 2020, residents of Saraqib protested against the killing of a man by unknown gunmen.", 0),
])
def test_who_a_death_figure_counts_and_a_death_told_as_a_motive(text, deaths):
    assert _one(text).fatalities == deaths


@pytest.mark.parametrize("text, actor1, actor2", [
    # "members of X" opening a sentence are X acting, not X hit
    ("On 5 June 2020, members of the Fourth Division shot and killed a young man at a checkpoint in Tafas.",
     "Military Forces of Syria (2000-)", "Civilians (Syria)"),
    ("On 6 June 2020, gunmen killed two members of the Hamza Division in Afrin city.",
     "Unidentified Armed Group (Syria)", "Hamza Division"),
    ("On 7 June 2020, the Sultan Murad Division and the Hamza Division clashed in Ras al-Ain.",
     "Sultan Murad Division", "Hamza Division"),
    ("On 8 June 2020, the PKK attacked a Turkish base near Tal Abyad with mortars.",
     "PKK: Kurdistan Workers Party", "Military Forces of Turkey (2016-)"),
    ("On 9 June 2020, tribesmen attacked an SDF checkpoint in Diban, killing 1 SDF fighter.",
     "Unidentified Tribal Militia (Syria)", "SDF: Syrian Democratic Forces"),
])
def test_units_and_factions_named_by_their_own_names(text, actor1, actor2):
    d = _one(text)
    assert (d.actor1, None if pd.isna(d.actor2) else d.actor2) == (actor1, actor2)


@pytest.mark.parametrize("text, sub, actor1, actor2", [
    # "A lost X to B": B took the place
    ("On 8 June 2020, regime forces lost Kafr Nabudah to HTS after heavy clashes.",
     "Non-state actor overtakes territory", "HTS: Hayat Tahrir al-Sham", "Military Forces of Syria (2000-)"),
    ("On 9 June 2020, HTS lost control of Kafr Nabudah to regime forces.",
     "Government regains territory", "Military Forces of Syria (2000-)", "HTS: Hayat Tahrir al-Sham"),
    ("On 10 June 2020, the SDF lost the village of Diban to Arab tribal fighters.",
     "Non-state actor overtakes territory", "Unidentified Tribal Militia (Syria)", "SDF: Syrian Democratic Forces"),
])
def test_the_side_a_place_was_lost_to_took_it(text, sub, actor1, actor2):
    d = _one(text)
    assert (d.sub_event_type, d.actor1, d.actor2) == (sub, actor1, actor2)


def test_soldiers_lost_to_shelling_is_no_territory():
    d = _one("On 11 June 2020, the regime lost 5 soldiers to HTS shelling in Kafr Nabudah.")
    assert d.sub_event_type == "Shelling/artillery/missile attack" and d.actor1 == "HTS: Hayat Tahrir al-Sham"


def test_a_place_they_had_lost_is_what_came_before():
    d = _one("On 12 June 2020, regime forces regained all the positions they had lost earlier in the day to ISIS "
             "near Tadmur.")
    assert d.sub_event_type == "Government regains territory" and d.actor1 == "Military Forces of Syria (2000-)"


def test_the_side_that_lost_a_place_and_took_it_back_acts_in_the_second_clause():
    drafts = draft_events("On 8 June 2020, HTS lost Kafr Nabudah to regime forces but recaptured it on 10 June 2020.",
                          published="2020-07-01")
    assert drafts[["actor1", "actor2"]].values.tolist() == [
        ["Military Forces of Syria (2000-)", "HTS: Hayat Tahrir al-Sham"],
        ["HTS: Hayat Tahrir al-Sham", "Military Forces of Syria (2000-)"]]


def test_a_group_claiming_to_capture_a_place_took_it():
    row = _one("Hurras al-Din fighters claimed to capture a hilltop in Kansafrah from regime forces.")
    assert row["location"] == "Kansafrah"
    assert (row["event_type"], row["sub_event_type"]) == ("Battles", "Non-state actor overtakes territory")
    assert row["actor1"] == "Hurras al-Din"


def test_marching_or_gathering_in_solidarity_is_a_protest():
    row = _one("Hundreds of residents gathered in Saraqib in solidarity with the displaced of Kafr Nabl.")
    assert (row["event_type"], row["location"]) == ("Protests", "Saraqib")
    assert row["actor1"] == "Protesters (Syria)"
    marched = draft_events("Dozens of women were marching through Binnish in solidarity with detainees.",
                           published="2019-03-04")
    assert marched["event_type"].tolist() == ["Protests"]


@pytest.mark.parametrize("text, actor1", [
    ("Regime forces gathered in Saraqib against the rebels.", "Military Forces of Syria (2000-)"),
    ("Turkish troops massed near Sarmada.", "Military Forces of Turkey (2016-)"),
])
def test_armed_men_gathering_is_a_movement_of_forces_not_a_protest(text, actor1):
    row = _one(text)
    assert (row["event_type"], row["sub_event_type"], row["actor1"]) == ("Strategic developments", "Other", actor1)


def test_people_gathering_against_an_armed_group_still_protest():
    row = _one("Residents of Binnish gathered against HTS.")
    assert (row["event_type"], row["actor1"], pd.isna(row["actor2"])) == ("Protests", "Protesters (Syria)", True)
    assert "HTS: Hayat Tahrir al-Sham" in row["actor_words"]


def test_a_man_killed_by_gunmen_is_a_civilian():
    row = _one("Gunmen killed a man in Jisr al-Shughur.")
    assert (row["event_type"], row["sub_event_type"], row["actor2"]) == (
        "Violence against civilians", "Attack", "Civilians (Syria)")


@pytest.mark.parametrize("text, actor2", [
    ("Unknown gunmen shot dead a man affiliated with the SDF near Ayn Issa.", "SDF: Syrian Democratic Forces"),
    ("Gunmen killed a young man who had joined the 5th Corps in Kansafrah.", "5th Assault Corps"),
    ("An IED killed a man reportedly belonging to HTS in Jisr al-Shughur.", "HTS: Hayat Tahrir al-Sham"),
])
def test_a_person_named_as_a_member_of_an_armed_group_is_that_group(text, actor2):
    row = _one(text)
    assert row["actor2"] == actor2
    assert row["event_type"] != "Violence against civilians"


def test_air_defences_intercepting_missiles_act_first():
    row = _one("Syrian air defences intercepted Israeli missiles over Masyaf.")
    assert (row["sub_event_type"], row["actor1"], row["actor2"]) == (
        "Disrupted weapons use", "Military Forces of Syria (2000-)", "Military Forces of Israel (1948-)")


@pytest.mark.parametrize("text", [
    "A civilian was killed in Binnish.",
    "The body of a young man bearing signs of torture and gunshot wounds was found in Binnish.",
])
def test_a_civilian_killed_by_no_one_named_is_an_attack_by_an_unidentified_group(text):
    row = _one(text)
    assert (row["event_type"], row["sub_event_type"], row["actor1"], row["actor2"]) == (
        "Violence against civilians", "Attack", "Unidentified Armed Group (Syria)", "Civilians (Syria)")


def test_a_member_of_a_unit_shot_dead_is_one_death_of_that_side():
    row = _one("A member of the regime's military intelligence was shot dead by unknown gunmen in Nawa.")
    assert (row["actor1"], row["actor2"], row["fatalities"]) == (
        "Unidentified Armed Group (Syria)", "Military Forces of Syria (2000-)", 1)


def test_a_clash_with_no_side_named_as_its_author_is_an_unidentified_groups():
    row = _one("A member of HTS was shot dead in Binnish.")
    assert (row["event_type"], row["actor1"], row["actor2"]) == (
        "Battles", "Unidentified Armed Group (Syria)", "HTS: Hayat Tahrir al-Sham")


def test_fighters_killed_in_clashes_with_a_group_were_fought_by_it():
    row = _one("Two SDF fighters were killed in fighting with ISIS near Ayn Issa.")
    assert (row["actor1"], row["actor2"], row["fatalities"]) == (
        "Islamic State (Syria)", "SDF: Syrian Democratic Forces", 2)


@pytest.mark.parametrize("text, event_type, actor1, actor2", [
    ("ISIS fighters attacked SDF fighters in Ayn Issa.", "Battles", "Islamic State (Syria)",
     "SDF: Syrian Democratic Forces"),
    ("SDF fighters were attacked in Ayn Issa.", "Battles", "Unidentified Armed Group (Syria)",
     "SDF: Syrian Democratic Forces"),
    ("Gunmen attacked a civilian in Jisr al-Shughur.", "Violence against civilians",
     "Unidentified Armed Group (Syria)", "Civilians (Syria)"),
])
def test_attacked_is_a_clash_or_an_attack_on_civilians_by_its_target(text, event_type, actor1, actor2):
    row = _one(text)
    assert (row["event_type"], row["actor1"], row["actor2"]) == (event_type, actor1, actor2)


@pytest.mark.parametrize("text, actor2", [
    ("Regime forces attacked rebel positions in Kafr Nabl.", "Opposition Rebels (Syria)"),
    ("Warplanes struck opposition positions in Kansafrah.", "Opposition Rebels (Syria)"),
    ("Turkish artillery shelled Kurdish positions near Ayn Issa.", "YPG: Peoples Protection Units"),
])
def test_rebel_opposition_and_kurdish_positions_name_their_side(text, actor2):
    assert _one(text)["actor2"] == actor2


def test_the_islamist_forces_of_a_named_group_are_that_group():
    row = _one("The rebel and Islamist forces of Hayat Tahrir al-Sham took control of Kansafrah.")
    assert row["actor1"] == "HTS: Hayat Tahrir al-Sham"


def test_a_nationality_adjective_is_no_place():
    places = find_places("Coalition warplanes struck ISIS positions on the Syrian-Iraqi border near Ayn Issa.")
    assert places["mention"].tolist() == ["Ayn Issa"]


def test_a_battalion_named_after_a_person_or_place_is_no_place():
    places = find_places("The Abu al-Hasan battalion and al-Sheikh Othman Battalion merged with Zinki in Binnish.")
    assert places["mention"].tolist() == ["Binnish"]


@pytest.mark.parametrize("text, actor2", [
    ("On 3 June 2020, HTS withdrew from the Atmeh border crossing with Turkey (Harim, Idleb).", None),
    ("On 4 June 2020, HTS members shot a man who tried to cross into Turkey near Salqin (Harim, Idleb).",
     "Civilians (Syria)"),
])
def test_a_country_named_as_where_a_border_or_a_way_leads_is_no_party(text: str, actor2: str | None) -> None:
    from conflictmap.events.draft import draft_events

    row = draft_events(text, published="2020-06-30").iloc[0]
    assert "Turkey" not in str(row["actor2"])
    assert (None if pd.isna(row["actor2"]) else row["actor2"]) == actor2


def test_a_country_that_acts_is_still_a_party() -> None:
    from conflictmap.events.draft import draft_events

    row = draft_events("On 5 June 2020, Turkey shelled Tal Rifaat (A'zaz, Aleppo).", published="2020-06-30").iloc[0]
    assert row["actor1"] == "Military Forces of Turkey (2016-)"


def test_a_person_and_a_relative_killed_together_are_two_deaths_at_the_place_named():
    from conflictmap.events.draft import draft_events

    text = ("On 9 June 2020, Russian jets struck the outskirts of Sarmin and Binnish (Idleb, Idleb). "
            "A woman and her son were killed in Binnish.")
    drafts = draft_events(text, published="2020-06-13").set_index("location")
    assert drafts.loc["Binnish", "fatalities"] == 2 and drafts.loc["Sarmin", "fatalities"] == 0


@pytest.mark.parametrize("text, sub_event_type", [
    ("On 6 June 2020, the SDF captured 3 ISIS members in a raid on Al-Busayrah (Deir-ez-Zor, Deir-ez-Zor).", "Arrests"),
    ("On 6 June 2020, the SDF announced the capture of an ISIS cell leader in Al-Busayrah (Deir-ez-Zor, Deir-ez-Zor).",
     "Arrests"),
    ("On 6 June 2020, HTS captured the village of Tanjara (Al-Ghab, Hama).", "Non-state actor overtakes territory"),
    ("On 6 June 2020, HTS captured three villages from ISIS fighters near Tanjara (Al-Ghab, Hama).",
     "Non-state actor overtakes territory"),
    ("On 6 June 2020, rebels clashed with regime forces in Tanjara (Al-Ghab, Hama) and captured seven soldiers.",
     "Armed clash"),
])
def test_people_captured_are_an_arrest_a_place_captured_is_territory(text, sub_event_type):
    from conflictmap.events.draft import draft_events

    assert draft_events(text, published="2020-06-30").iloc[0]["sub_event_type"] == sub_event_type
