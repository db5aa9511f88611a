"""Notes written the way ACLED's coders write them today ("On 9 May 2020, ... (District, Governorate)."):
invented sentences, each for one reading that such notes need."""

from __future__ import annotations

from conflictmap.events.draft import draft_events


def drafts(note: str):
    return draft_events(note, published="2020-06-01")


def test_a_district_ending_in_an_apostrophe_is_the_bracketed_area_not_a_second_place() -> None:
    # "(Izra', Dar'a)": the ayn's apostrophe ends the district's name; it is the area of the place before it
    d = drafts("On 17 May 2020, unidentified militants threw a hand grenade at a house in Jasim (Izra', Dar'a), "
               "wounding two children.")
    assert d["location"].tolist() == ["Jasim"]
    assert d.iloc[0]["sub_event_type"] == "Grenade"


def test_killing_him_is_one_death() -> None:
    d = drafts("On 4 May 2020, a landmine left by ISIS exploded near a shepherd in Ma'dan (Ar-Raqqa, Ar-Raqqa), "
               "killing him.")
    assert d["fatalities"].tolist() == [1]
    assert d.iloc[0]["actor1"] == "Islamic State (Syria)"


def test_an_exchange_of_prisoners_is_an_agreement_between_the_two_sides() -> None:
    d = drafts("On 19 May 2020, the Syrian government and the SDF exchanged prisoners in Tabqa "
               "(Ath-Thawrah, Ar-Raqqa).")
    assert len(d) == 1
    row = d.iloc[0]
    assert (row["event_type"], row["sub_event_type"]) == ("Strategic developments", "Agreement")
    assert {row["actor1"], row["actor2"]} == {"Government of Syria (2000-)", "SDF: Syrian Democratic Forces"}


def test_syrian_government_forces_are_the_army_not_the_government() -> None:
    d = drafts("On 7 May 2020, Syrian government forces shelled Kafr Nabl (Maarrat An Nu'man, Idleb).")
    assert d.iloc[0]["actor1"] == "Military Forces of Syria (2000-)"


def test_a_patrol_turned_back_is_no_disrupted_weapons_use() -> None:
    d = drafts("On 9 June 2020, US forces intercepted a Russian patrol near Tall Tamr (Al-Hasakeh, Al-Hasakeh) and "
               "prevented it from advancing.")
    assert d.iloc[0]["sub_event_type"] == "Other"
    missiles = drafts("On 9 June 2020, air defences intercepted two missiles over Masyaf (Masyaf, Hama).")
    assert missiles.iloc[0]["sub_event_type"] == "Disrupted weapons use"


def test_the_toll_after_what_a_protest_was_against_is_the_event_s_own() -> None:
    d = drafts("On 11 June 2020, SDF forces fired at protesters in Al-Busayrah (Deir-ez-Zor, Deir-ez-Zor) who were "
               "protesting against arrests, killing one protester.")
    assert d.iloc[0]["fatalities"] == 1
    assert d.iloc[0]["sub_event_type"] == "Excessive force against protesters"


def test_firing_on_civilians_is_an_attack_firing_on_a_town_is_shelling() -> None:
    d = drafts("On 20 June 2020, Turkish forces fired on civilians trying to cross the border near Darkush "
               "(Jisr Ash-Shugur, Idleb), wounding a woman.")
    assert (d.iloc[0]["sub_event_type"], d.iloc[0]["actor2"]) == ("Attack", "Civilians (Syria)")
    town = drafts("On 20 June 2020, regime forces fired on the town of Kafr Nabl (Maarrat An Nu'man, Idleb).")
    assert town.iloc[0]["sub_event_type"] == "Shelling/artillery/missile attack"


def test_fields_set_alight_are_property_destruction_tires_burnt_in_a_protest_are_not() -> None:
    d = drafts("On 21 June 2020, ISIS cells set wheat fields alight in Tall Tamr (Al-Hasakeh, Al-Hasakeh).")
    assert d.iloc[0]["sub_event_type"] == "Looting/property destruction"
    protest = drafts("On 19 June 2020, residents of Tafas (Dar'a, Dar'a) set tires on fire in protest against arrests.")
    assert protest.iloc[0]["event_type"] == "Protests"


def test_one_person_shot_dead_after_a_relative_clause_is_one_death() -> None:
    d = drafts("On 14 June 2020, a former commander who had joined the reconciliation deal was shot dead by unknown "
               "gunmen in Jasim (Izra', Dar'a).")
    assert d["fatalities"].tolist() == [1]


def test_unknown_fatalities_coded_as_a_figure_take_the_figure() -> None:
    d = drafts("On 11 May 2020, HTS members clashed with Hurras al-Din fighters in Idleb city (Idleb, Idleb). "
               "Fatalities unknown, coded as 3.")
    assert d["fatalities"].tolist() == [3]


def test_people_detained_are_civilians() -> None:
    d = drafts("On 17 May 2020, regime forces detained three young men and a media activist at a checkpoint in "
               "Izra' (Izra', Dar'a).")
    assert (d.iloc[0]["sub_event_type"], d.iloc[0]["actor2"]) == ("Arrests", "Civilians (Syria)")


def test_a_sit_in_or_a_vigil_is_a_protest() -> None:
    d = drafts("On 10 June 2020, residents held a sit-in in front of the mosque in Tafas (Dar'a, Dar'a) to demand the "
               "release of detainees.")
    assert (d.iloc[0]["sub_event_type"], d.iloc[0]["actor1"]) == ("Peaceful protest", "Protesters (Syria)")
    vigil = drafts("On 16 May 2020, women staged a vigil in Qamishli (Qamishli, Al-Hasakeh) against Turkish attacks.")
    assert vigil.iloc[0]["sub_event_type"] == "Peaceful protest"


def test_a_merger_or_a_defection_is_a_change_to_a_group() -> None:
    d = drafts("On 1 July 2020, five factions announced their merger into a new operations room in Al Bab "
               "(Al Bab, Aleppo).")
    assert d.iloc[0]["sub_event_type"] == "Change to group/activity"
    defection = drafts("On 2 July 2020, a regime soldier defected to the rebels in Tafas (Dar'a, Dar'a).")
    assert defection.iloc[0]["sub_event_type"] == "Change to group/activity"


def test_beaten_or_tortured_to_death_is_a_death() -> None:
    mob = drafts("On 4 July 2020, a mob of residents beat a man to death in Al-Mayadin (Al Mayadin, Deir-ez-Zor) "
                 "after accusing him of theft.")
    assert (mob.iloc[0]["sub_event_type"], mob.iloc[0]["fatalities"]) == ("Mob violence", 1)
    prison = drafts("On 2 July 2020, a detainee was tortured to death in a prison in Sednaya (Al Tall, Rural Damascus).")
    assert prison["fatalities"].tolist() == [1]


def test_a_region_named_with_its_district_in_brackets_is_drafted_at_the_region() -> None:
    # "(Ariha, Idleb)" says where Jabal al-Zawiya lies; the region is the smaller area, not the district
    d = drafts("On 16 May 2020, Russian warplanes carried out airstrikes on Jabal al-Zawiya (Ariha, Idleb).")
    assert d["location"].tolist() == ["Jabal al-Zawiya"]


def test_deaths_told_other_ways_count() -> None:
    assert drafts("On 8 June 2020, an airstrike on Binnish (Idleb, Idleb) claimed the lives of 4 people."
                  )["fatalities"].tolist() == [4]
    assert drafts("On 8 June 2020, an IED planted in a car exploded in Al Bab (Al Bab, Aleppo), killing the driver."
                  )["fatalities"].tolist() == [1]
    # the injured named after the dead are no deaths
    assert drafts("On 8 June 2020, shelling hit Ariha (Ariha, Idleb). Two people were killed and five others injured."
                  )["fatalities"].tolist() == [2]


def test_the_likely_author_of_an_unidentified_strike_is_actor1() -> None:
    d = drafts("On 14 July 2020, unidentified aircraft, likely US-led coalition, struck a car carrying Hurras al-Din "
               "commanders near Idleb city (Idleb, Idleb), killing 2 of them.")
    row = d.iloc[0]
    assert (row["actor1"], row["actor2"], row["fatalities"]) == ("International Coalition", "Hurras al-Din", 2)


def test_a_sniper_from_a_named_force_is_that_force() -> None:
    d = drafts("On 15 July 2020, a civilian was killed by a sniper from regime forces in Kafr Nabl "
               "(Maarrat An Nu'man, Idleb).")
    assert (d.iloc[0]["actor1"], d.iloc[0]["actor2"]) == ("Military Forces of Syria (2000-)", "Civilians (Syria)")


def test_a_group_that_fights_itself_is_both_sides() -> None:
    d = drafts("On 8 June 2020, fighters of the Syrian National Army clashed among themselves in Ras al-Ain "
               "(Ras Al Ain, Al-Hasakeh) over looted property, leaving one dead.")
    row = d.iloc[0]
    assert (row["actor1"], row["actor2"], row["fatalities"]) == ("Syrian National Army", "Syrian National Army", 1)
    two = drafts("On 8 June 2020, HTS and Hurras al-Din clashed with each other in Arab Said (Idleb, Idleb).")
    assert (two.iloc[0]["actor1"], two.iloc[0]["actor2"]) == ("HTS: Hayat Tahrir al-Sham", "Hurras al-Din")


def test_the_occupants_of_a_vehicle_are_people() -> None:
    d = drafts("On 7 June 2020, a Turkish drone struck an SDF vehicle on the road between Qamishli and Amuda "
               "(Qamishli, Al-Hasakeh), killing its two occupants.")
    assert d["fatalities"].sum() == 2


def test_protesters_named_first_are_the_protest() -> None:
    d = drafts("On 19 June 2020, protesters gathered in Tafas (Dar'a, Dar'a) against the arrest of a local man.")
    assert (d.iloc[0]["sub_event_type"], d.iloc[0]["actor1"]) == ("Peaceful protest", "Protesters (Syria)")


def test_a_car_burned_is_property_destruction_an_infiltration_a_clash() -> None:
    car = drafts("On 25 July 2020, unknown perpetrators burned a car belonging to a council member in Jasim "
                 "(Izra', Dar'a).")
    assert car.iloc[0]["sub_event_type"] == "Looting/property destruction"
    clash = drafts("On 26 July 2020, YPG fighters infiltrated Turkish-backed positions near Marea (A'zaz, Aleppo). "
                   "Clashes ensued; 3 SNA fighters were killed.")
    row = clash.iloc[0]
    assert (row["sub_event_type"], row["actor1"], row["fatalities"]) == ("Armed clash", "YPG: Peoples Protection Units", 3)


def test_a_patrol_with_another_force_starting_from_a_town_is_at_the_town() -> None:
    d = drafts("On 10 June 2020, Russian military police began joint patrols with Turkish forces along the M4 highway, "
               "starting from the town of Tronba (Saraqab, Idleb).")
    assert d["location"].tolist() == ["Tronba"]
    row = d.iloc[0]
    assert (row["sub_event_type"], row["actor1"], row["actor2"]) == (
        "Other", "Military Forces of Russia (2000-)", "Military Forces of Turkey (2016-)")


def test_a_relative_named_after_a_counted_person_is_one_more_death() -> None:
    d = drafts("On 8 June 2020, regime forces shelled Ariha (Ariha, Idleb), killing a man and his wife.")
    assert d["fatalities"].tolist() == [2]
    wounded = drafts("On 8 June 2020, regime forces shelled Ariha (Ariha, Idleb), wounding a man and his wife.")
    assert wounded["fatalities"].tolist() == [0]


def test_the_bracket_after_a_named_area_is_where_the_area_lies_not_the_incident_place() -> None:
    d = drafts("On 24 May 2020, a landmine exploded in the Jabal al-Zawiya area (Ariha, Idleb), killing a child.")
    assert d["location"].tolist() == ["Jabal al-Zawiya"]
    assert d.iloc[0]["geo_precision"] == 3


def test_forces_dispersing_the_protest_of_the_sentence_before_make_it_a_protest_with_intervention() -> None:
    d = drafts("On 13 June 2020, residents of Salkhad (Salkhad, As-Sweida) protested against the "
               "deteriorating living conditions. Security forces dispersed them and arrested two protesters.")
    assert d["location"].tolist() == ["Salkhad"]
    assert (d.iloc[0]["event_type"], d.iloc[0]["sub_event_type"]) == ("Protests", "Protest with intervention")
    assert d.iloc[0]["actor1"] == "Protesters (Syria)"


def test_what_a_side_answered_is_the_other_sides_incident() -> None:
    d = drafts("On 19 June 2020, HTS shelled regime positions in Kafr Nobol (Ma'arrat An Nu'man, Idleb) in "
               "response to regime shelling on Kansafrah (Ariha, Idleb).")
    by_place = {r["location"]: r for _, r in d.iterrows()}
    assert set(by_place) == {"Kafr Nobol", "Kansafrah"}
    assert by_place["Kafr Nobol"]["actor1"] == "HTS: Hayat Tahrir al-Sham"
    assert by_place["Kansafrah"]["actor1"] == "Military Forces of Syria (2000-)"


def test_killing_him_and_his_son_is_two_deaths() -> None:
    d = drafts("On 17 June 2020, gunmen stormed the house of a teacher in Kansafrah (Ariha, Idleb) and killed him "
               "and his son.")
    assert d["fatalities"].tolist() == [2]


def test_border_guards_firing_on_people_crossing_attack_civilians() -> None:
    d = drafts("On 8 July 2020, Turkish border guards opened fire on Syrians trying to cross the border near "
               "Darkush (Jisr-Ash-Shugur, Idleb), killing one.")
    row = d.iloc[0]
    assert (row["event_type"], row["sub_event_type"]) == ("Violence against civilians", "Attack")
    assert (row["actor1"], row["actor2"], row["fatalities"]) == (
        "Military Forces of Turkey (2016-)", "Civilians (Syria)", 1)
    smuggler = drafts("On 9 July 2020, the Turkish gendarmerie shot dead a smuggler near Darkush (Jisr-Ash-Shugur, Idleb).")
    assert smuggler.iloc[0]["actor2"] == "Civilians (Syria)"


def test_a_highway_near_a_town_with_its_area_in_brackets_is_drafted_at_the_town() -> None:
    # the bracket is the town's area; the highway crosses governorates and is no village to place there
    d = drafts("On 3 July 2020, an IED exploded near a Turkish patrol on the M4 highway near Ariha (Idleb). "
               "No casualties reported.")
    assert d["location"].tolist() == ["Ariha"]
    assert d["geo_precision"].tolist() == [2]


def test_a_highway_with_only_its_area_in_brackets_is_drafted_at_the_area() -> None:
    d = drafts("On 3 July 2020, an IED exploded on the M4 highway (Ariha, Idleb). No casualties reported.")
    assert d["location"].tolist() == ["M4 highway"]
    assert d["admin1"].tolist() == ["Idleb"] and d["geo_precision"].tolist() == [3]


def test_people_arrested_in_raids_is_an_arrest_not_a_clash() -> None:
    d = drafts("On 22 May 2020, the SDF arrested 12 people in raids in Thiban (Al Mayadin, Deir-ez-Zor).")
    assert (d.iloc[0]["event_type"], d.iloc[0]["sub_event_type"]) == ("Strategic developments", "Arrests")


def test_the_first_name_in_the_bracket_is_the_district_even_when_the_governorate_bears_it_too() -> None:
    # two villages of this name lie in Al-Hasakeh governorate; only one in its Al-Hasakeh district
    d = drafts("On 2 June 2020, Turkish-backed factions and the SDF clashed near Tal Tamr (Al-Hasakeh, Al-Hasakeh).")
    assert d["location"].tolist() == ["Tal Tamr"]
    assert d.iloc[0]["match_status"] == "matched"


def test_the_body_of_someone_kidnapped_earlier_is_one_death() -> None:
    # "who had been kidnapped" tells what happened to the man before; the body found is the death
    d = drafts("On 1 July 2020, the body of a man who had been kidnapped days earlier was found in Dael (Dar'a, Dar'a).")
    assert d["fatalities"].tolist() == [1]


def test_a_word_inside_a_place_name_split_by_an_apostrophe_is_no_actor() -> None:
    # the "man" of "Nu'man" is no civilian: the opponent named after "clashes with" is actor2
    d = drafts("On 28 January 2020, Syrian government forces regained control of Maarrat An Nu'man city "
               "(Maarrat An Nu'man, Idleb) after clashes with HTS.")
    assert d.iloc[0]["actor2"] == "HTS: Hayat Tahrir al-Sham"


def test_killing_him_along_with_his_brother_is_two_deaths() -> None:
    d = drafts("On 30 May 2020, gunmen stormed the house of a former commander in Tafas (Dar'a, Dar'a) and killed him "
               "along with his brother.")
    assert d["fatalities"].tolist() == [2]


def test_an_airport_named_in_full_stays_where_it_is_whatever_the_bracket_says() -> None:
    # the airport lies outside the governorate of the city it serves: it is no unknown village to place there
    d = drafts("On 2 July 2020, Israeli missiles hit positions near Damascus International Airport (Damascus, Damascus).")
    assert d["location"].tolist() == ["Damascus International Airport"]
    assert d.iloc[0]["match_status"] == "matched" and d.iloc[0]["geo_precision"] == 2


def test_the_regimes_security_branches_are_its_forces() -> None:
    d = drafts("On 8 June 2020, unidentified gunmen opened fire on a car carrying members of the Military Security "
               "branch near Nawa (Dar'a, Dar'a), killing 2 of them.")
    row = d.iloc[0]
    assert (row["sub_event_type"], row["actor2"]) == ("Armed clash", "Military Forces of Syria (2000-)")


def test_a_faction_named_as_its_coalitions_unit_is_the_faction() -> None:
    # "the SNA's Hamza Division": one party, the division; the coalition only owns it
    d = drafts("On 13 May 2020, clashes broke out between the SNA's Hamza Division and the Sultan Murad Division "
               "in Afrin city (Afrin, Aleppo).")
    assert (d.iloc[0]["actor1"], d.iloc[0]["actor2"]) == ("Hamza Division", "Sultan Murad Division")


def test_killing_its_rider_is_one_death() -> None:
    d = drafts("On 26 May 2020, an unidentified drone targeted a motorcycle on the outskirts of Sarmada (Harim, Idleb), "
               "killing its rider.")
    assert d["fatalities"].tolist() == [1]


def test_a_place_of_its_governorate_is_the_place_not_part_of_a_longer_name() -> None:
    # "Kansafrah of Idlib": "of" and a known governorate after a village say where it lies
    d = drafts("On 3 June 2020, regime forces shelled Kansafrah of Idlib.")
    assert d["location"].tolist() == ["Kansafrah"]
    assert d.iloc[0]["admin1"] == "Idleb" and d.iloc[0]["match_status"] == "matched"


def test_targeted_with_no_weapon_named_is_shelling() -> None:
    d = drafts("On 4 June 2020, regime forces targeted Kansafrah (Ariha, Idleb). No casualties were reported.")
    assert d["sub_event_type"].tolist() == ["Shelling/artillery/missile attack"]


def test_fighters_opening_fire_in_a_village_is_an_armed_clash() -> None:
    d = drafts("On 5 June 2020, YPG fighters opened fire with medium machine guns in Ayn Issa (Tell Abiad, Ar-Raqqa).")
    assert (d.iloc[0]["location"], d.iloc[0]["sub_event_type"]) == ("Ayn Issa", "Armed clash")


def test_killing_one_of_the_latter_is_one_death() -> None:
    d = drafts("On 2 July 2020, local gunmen clashed with regime forces in Bishwara (Izra', Dar'a), killing one of the latter.")
    assert d["fatalities"].tolist() == [1]


def test_the_driver_and_his_companion_are_two_deaths() -> None:
    d = drafts("On 4 July 2020, an IED exploded targeting a car in Afrin (Afrin, Aleppo), killing the driver and his companion.")
    assert d["fatalities"].tolist() == [2]


def test_burning_tyres_against_an_arrest_is_a_protest_not_an_arrest() -> None:
    d = drafts("On 16 July 2020, dozens of people burned tyres in Sweida city (As-Sweida, As-Sweida) against the arrest "
               "of a local man.")
    assert (d.iloc[0]["event_type"], d.iloc[0]["sub_event_type"]) == ("Protests", "Peaceful protest")


def test_the_group_named_before_attack_is_its_author() -> None:
    # "in an ISIS attack": ISIS acts, though it stands after "killed ... in"
    d = drafts("On 7 July 2020, two SDF fighters were killed and three wounded in an ISIS attack on their checkpoint "
               "in Diban (Al Mayadin, Deir-ez-Zor).")
    assert (d.iloc[0]["actor1"], d.iloc[0]["actor2"]) == ("Islamic State (Syria)", "SDF: Syrian Democratic Forces")
    # ... but "X repelled a Y attack": X is the subject ACLED codes first
    d = drafts("On 8 July 2020, rebel fighters repelled an IS attack on Bishwara (Izra', Dar'a).")
    assert d.iloc[0]["actor1"] == "Opposition Rebels (Syria)"


def test_he_later_died_counts_one_death() -> None:
    d = drafts("On 9 June 2020, unidentified gunmen shot a man near his house in Bishwara (Izra', Dar'a). "
               "He later died of his wounds.")
    assert d["fatalities"].tolist() == [1]


def test_a_village_near_a_region_is_the_place() -> None:
    # "in the Badia near X": X is where it happened (near it), the desert only its area
    d = drafts("On 6 June 2020, ISIS militants ambushed a bus in the Badia near Ash Shula (Deir-ez-Zor, Deir-ez-Zor), "
               "killing 8 soldiers.")
    assert d["location"].tolist() == ["Ash Shula"]
    assert d.iloc[0]["geo_precision"] == 2


def test_a_single_soldier_names_his_army() -> None:
    d = drafts("On 4 June 2020, an IED exploded near Mhambal (Ariha, Idleb), wounding a Turkish soldier.")
    assert d.iloc[0]["actor2"] == "Military Forces of Turkey (2016-)"


def test_the_driver_was_killed_in_the_next_sentence_is_one_death() -> None:
    d = drafts("On 7 June 2020, a drone struck a vehicle near Sarmada (Harim, Idleb). The driver was killed.")
    assert d["fatalities"].tolist() == [1]


def test_arrests_in_a_raid_with_a_list_between_are_arrests() -> None:
    d = drafts("On 8 June 2020, the SDF arrested 7 people, including a woman, in a raid on Bishwara (Al-Hasakeh, "
               "Al-Hasakeh).")
    assert d["sub_event_type"].tolist() == ["Arrests"]


def test_the_side_a_victim_had_joined_is_actor2() -> None:
    d = drafts("On 14 June 2020, an unidentified group assassinated a former commander who had joined the 5th Corps "
               "in Tafas (Dar'a, Dar'a).")
    assert d.iloc[0]["actor1"] == "Unidentified Armed Group (Syria)"
    assert d.iloc[0]["actor2"] == "5th Assault Corps"


def test_unclear_whether_he_was_killed_is_no_death() -> None:
    d = drafts("On 9 June 2020, unknown gunmen shot the head of a local committee in Tafas (Dar'a, Dar'a). It is unclear "
               "whether he died.")
    assert d["fatalities"].tolist() == [0]


def test_a_joint_patrol_conducted_is_a_strategic_development_of_its_lead_force() -> None:
    d = drafts("On 5 June 2020, a joint Russian-Turkish patrol was conducted along the M4 highway near Mhambal "
               "(Ariha, Idleb).")
    assert (d.iloc[0]["sub_event_type"], d.iloc[0]["actor1"]) == ("Other", "Military Forces of Russia (2000-)")


def test_a_russian_air_strike_names_russia() -> None:
    d = drafts("On 2 July 2020, a Russian air strike hit a camp near Kafr Takharim (Harim, Idleb), injuring 4 civilians.")
    assert d.iloc[0]["actor1"] == "Military Forces of Russia (2000-)"


def test_two_clans_clashing_are_one_actor_on_both_sides() -> None:
    d = drafts("On 9 July 2020, clashes broke out between two clans in Bishwara (Deir-ez-Zor, Deir-ez-Zor), leaving 3 dead.")
    assert d.iloc[0]["actor1"] == d.iloc[0]["actor2"] == "Unidentified Tribal Militia (Syria)"


def test_air_strikes_named_as_support_are_not_the_event() -> None:
    # "backed by coalition air strikes": the support; the ground force's assault is the event
    d = drafts("On 10 July 2020, the SDF, backed by coalition air strikes, stormed an IS hideout in Bishwara "
               "(Deir-ez-Zor, Deir-ez-Zor).")
    assert (d.iloc[0]["event_type"], d.iloc[0]["actor1"]) == ("Battles", "SDF: Syrian Democratic Forces")
    # ... but a strike that is the event stays one
    d = drafts("On 10 July 2020, coalition air strikes hit an IS hideout in Bishwara (Deir-ez-Zor, Deir-ez-Zor).")
    assert d.iloc[0]["sub_event_type"] == "Air/drone strike"


def test_a_driver_killed_is_a_civilian_but_a_bomb_driver_is_not() -> None:
    d = drafts("On 10 June 2020, an IS cell attacked an oil tanker on the road near Bishwara (Deir-ez-Zor, Deir-ez-Zor), "
               "killing the driver.")
    assert (d.iloc[0]["event_type"], d.iloc[0]["actor2"]) == ("Violence against civilians", "Civilians (Syria)")
    d = drafts("On 11 June 2020, an IS SVBIED exploded near an SDF post in Bishwara (Deir-ez-Zor, Deir-ez-Zor), killing "
               "the driver of the SVBIED.")
    assert d.iloc[0]["actor2"] != "Civilians (Syria)"


def test_killing_both_after_a_figure_is_that_figure() -> None:
    d = drafts("On 23 June 2020, an unknown drone struck a vehicle carrying two commanders in Idleb city (Idleb, Idleb), "
               "killing both.")
    assert d["fatalities"].tolist() == [2]


def test_sniper_fire_from_a_group_names_the_group() -> None:
    d = drafts("On 21 June 2020, a Syrian government soldier was injured by sniper fire from HTS near Kafr Nabl "
               "(Maarrat An Nu'man, Idleb).")
    assert d.iloc[0]["actor1"] == "HTS: Hayat Tahrir al-Sham"


def test_a_village_near_which_a_governorates_countryside_is_named_is_the_place() -> None:
    d = drafts("On 6 June 2020, ISIS militants attacked a checkpoint in the eastern countryside of Homs near As-Sukhnah "
               "(Tadmor, Homs), killing 3 soldiers.")
    assert d["location"].tolist() == ["As-Sukhnah"]


def test_a_military_exercise_is_a_strategic_development() -> None:
    d = drafts("On 3 June 2020, US forces conducted a military exercise near the Al-Tanf base (Tadmor, Homs).")
    assert (d.iloc[0]["event_type"], d.iloc[0]["sub_event_type"]) == ("Strategic developments", "Other")
    assert d.iloc[0]["actor1"] == "International Coalition"


def test_a_crowd_that_attacks_is_mob_violence_by_rioters() -> None:
    for note in ("On 5 July 2020, angry residents attacked and beat a member of the local council in Kansafrah "
                 "(Ariha, Idleb).",
                 "On 6 July 2020, a mob stormed the police station in Kansafrah (Ariha, Idleb) and set fire to it.",
                 "On 8 July 2020, members of two families clashed with knives and sticks in Jisr al-Shughur "
                 "(Jisr Ash-Shugur, Idleb), injuring 4 people."):
        row = drafts(note).iloc[0]
        assert (row["event_type"], row["sub_event_type"], row["actor1"]) == ("Riots", "Mob violence", "Rioters (Syria)"), note
    # a group that is attacked is the victim, not a mob
    row = drafts("On 9 July 2020, a group of residents were attacked by HTS gunmen in Kansafrah (Ariha, Idleb).").iloc[0]
    assert row["event_type"] == "Violence against civilians"
    row = drafts("On 9 July 2020, HTS and Ahrar al-Sham fighters clashed with heavy weapons in Kansafrah (Ariha, Idleb).").iloc[0]
    assert row["event_type"] == "Battles"


def test_an_unknown_village_listed_between_two_villages_is_drafted_as_written() -> None:
    d = drafts("On 27 July 2020, regime forces shelled Kansafrah, Bishwara and Maarzaf (Ariha, Idleb).")
    assert d["location"].tolist() == ["Kansafrah", "Bishwara", "Maarzaf"]
    row = d.iloc[1]
    assert row["match_status"] == "unresolved" and row["admin1"] == "Idleb"
    # with nothing to place it, it is still drafted, with no point
    d = drafts("On 27 July 2020, regime forces shelled Kansafrah, Maarzaf, Bishwara and Jisr al-Shughur.")
    assert "Bishwara" in d["location"].tolist()
    # an actor in a list of villages is no village
    d = drafts("On 27 July 2020, regime forces shelled Kansafrah, Hezbollah and Maarzaf (Ariha, Idleb).")
    assert "Hezbollah" not in d["location"].tolist()


def test_an_intercepted_infiltration_attempt_is_a_clash_not_disrupted_weapons_use() -> None:
    row = drafts("On 3 August 2020, Turkish forces and the SNA intercepted an attempt by the SDF to infiltrate their "
                 "positions near Ayn Issa (Ain Issa, Ar-Raqqa). 3 SDF fighters were killed.").iloc[0]
    assert (row["event_type"], row["sub_event_type"], row["fatalities"]) == ("Battles", "Armed clash", 3)
    row = drafts("On 14 June 2020, Syrian air defences intercepted Israeli missiles fired at regime positions near "
                 "Masyaf (Masyaf, Hama).").iloc[0]
    assert row["sub_event_type"] == "Disrupted weapons use"


def test_a_range_of_days_with_its_year_takes_that_year() -> None:
    # published before the days named (a report read later, or a wrong publication date): the year given wins
    d = draft_events("Between 14 and 16 August 2020, regime forces shelled Kansafrah (Ariha, Idleb) repeatedly.",
                     published="2020-07-10")
    assert (str(d.iloc[0]["event_date"].date()), d.iloc[0]["time_precision"]) == ("2020-08-14", 2)
    d = draft_events("On 14-16 August 2020, regime forces shelled Kansafrah (Ariha, Idleb).", published="2021-01-05")
    assert str(d.iloc[0]["event_date"].date()) == "2020-08-14"


def test_family_members_killed_are_counted_civilians() -> None:
    row = drafts("On 26 August 2020, unidentified gunmen killed a father and his three sons in Kansafrah "
                 "(Ariha, Idleb).").iloc[0]
    assert (row["event_type"], row["actor2"], row["fatalities"]) == ("Violence against civilians", "Civilians (Syria)", 4)
    row = drafts("On 28 August 2020, a mortar shell fired by regime forces killed 2 siblings in Kansafrah "
                 "(Ariha, Idleb).").iloc[0]
    assert (row["actor2"], row["fatalities"]) == ("Civilians (Syria)", 2)


def test_fighters_killed_with_a_civilian_by_a_bomb_are_its_target() -> None:
    row = drafts("On 29 August 2020, two SNA fighters and a civilian were killed when a car bomb exploded near a "
                 "checkpoint in Jisr al-Shughur (Jisr Ash-Shugur, Idleb).").iloc[0]
    assert (row["actor1"], row["actor2"], row["fatalities"]) == (
        "Unidentified Armed Group (Syria)", "Syrian National Army", 3)


def test_deaths_the_next_sentence_says_were_also_killed_are_added() -> None:
    row = drafts("On 5 September 2020, ISIS militants attacked an NDF position near Mayadin (Al Mayadin, Deir-ez-Zor), "
                 "killing 3 NDF members. 2 ISIS militants were also killed.").iloc[0]
    assert row["fatalities"] == 5
    row = drafts("On 5 September 2020, ISIS militants attacked an NDF position near Mayadin (Al Mayadin, Deir-ez-Zor), "
                 "killing 3 regime and allied militia fighters.").iloc[0]
    assert row["fatalities"] == 3


def test_an_abduction_with_deaths_is_an_attack() -> None:
    row = drafts("On 31 August 2020, unknown gunmen kidnapped a man near Ayn Issa (Ain Issa, Ar-Raqqa) and killed him.").iloc[0]
    assert (row["sub_event_type"], row["fatalities"]) == ("Attack", 1)
    row = drafts("On 31 August 2020, ISIS gunmen killed 5 shepherds and kidnapped 3 others near Ayn Issa "
                 "(Ain Issa, Ar-Raqqa).").iloc[0]
    assert (row["sub_event_type"], row["fatalities"]) == ("Attack", 5)
    row = drafts("On 31 August 2020, unknown gunmen kidnapped two men near Ayn Issa (Ain Issa, Ar-Raqqa).").iloc[0]
    assert row["sub_event_type"] == "Abduction/forced disappearance"


def test_an_explosion_caused_by_a_drone_is_a_drone_strike_by_its_side() -> None:
    row = drafts("On 20 August 2020, an explosion hit a Syrian National Army position in Ayn Issa (Ain Issa, Ar-Raqqa), "
                 "reportedly caused by an SDF drone.").iloc[0]
    assert (row["sub_event_type"], row["actor1"], row["actor2"]) == (
        "Air/drone strike", "SDF: Syrian Democratic Forces", "Syrian National Army")


def test_the_day_wounds_were_sustained_is_not_a_second_event() -> None:
    # the note's day is the event's; the earlier day only tells when the man was wounded
    d = drafts("On 12 May 2020, a civilian died of wounds he sustained on 3 May 2020 when regime forces shelled "
               "Kansafrah (Ariha, Idleb).")
    assert d["event_date"].dt.strftime("%Y-%m-%d").tolist() == ["2020-05-12"]
    assert d["fatalities"].tolist() == [1]
    d = drafts("On 12 May 2020, the body of a man who had been abducted by unknown gunmen on 2 May was found "
               "in Tafas (Dar'a, Dar'a).")
    assert d["event_date"].dt.strftime("%Y-%m-%d").tolist() == ["2020-05-12"]
    # with no other day the day named is still the event's
    d = drafts("HTS arrested a man on 3 May in Kansafrah.")
    assert d["event_date"].dt.strftime("%Y-%m-%d").tolist() == ["2020-05-03"]


def test_iranian_militias_are_irans_forces() -> None:
    d = drafts("On 15 May 2020, unidentified aircraft struck positions of Iranian militias near Mayadin "
               "(Mayadin, Deir ez-Zor). No fatalities reported.")
    assert (d.iloc[0]["actor1"], d.iloc[0]["actor2"]) == ("Unidentified Military Forces (Syria)",
                                                          "Military Forces of Iran (1979-)")
    d = drafts("On 15 May 2020, pro-Iranian militias shelled Kansafrah (Ariha, Idleb).")
    assert d.iloc[0]["actor1"] == "Military Forces of Iran (1979-)"


def test_a_road_named_after_a_town_and_located_near_a_village_is_at_the_village() -> None:
    # "the Ariha road near Kansafrah": the road leads to Ariha; the incident is by Kansafrah
    d = drafts("On 16 May 2020, an IED exploded on the Ariha road near Kansafrah (Ariha, Idleb). No fatalities.")
    assert d["location"].tolist() == ["Kansafrah"]
    d = drafts("On 16 May 2020, gunmen ambushed a car on the Tafas road near Dael (Dar'a, Dar'a), killing two.")
    assert d[["location", "fatalities"]].values.tolist() == [["Dael", 2]]
    # a road named alone is still placed at its town
    d = drafts("On 16 May 2020, an IED exploded on the Tafas road (Dar'a, Dar'a). No fatalities.")
    assert d["location"].tolist() == ["Tafas"]


def test_bodies_handed_over_are_no_deaths_and_no_transfer_of_territory() -> None:
    d = drafts("On 11 May 2020, the Syrian regime handed over the bodies of 5 fighters to their families in Tafas "
               "(Dar'a, Dar'a).")
    assert d[["event_type", "sub_event_type", "fatalities"]].values.tolist() == [
        ["Strategic developments", "Other", 0]]
    # a town handed over is still a transfer of territory
    d = drafts("On 11 May 2020, HTS handed over Kansafrah (Ariha, Idleb) to the Turkish army.")
    assert d.iloc[0]["sub_event_type"] == "Non-violent transfer of territory"


def test_a_new_checkpoint_a_patrol_and_a_convoy_sent_are_strategic_developments() -> None:
    for note in ("On 8 May 2020, HTS established a new checkpoint in Kansafrah (Ariha, Idleb).",
                 "On 9 May 2020, Russian military police patrolled the M4 highway near Kansafrah (Ariha, Idleb).",
                 "On 15 May 2020, the Turkish army sent a military convoy of 30 vehicles to its positions near "
                 "Kansafrah (Ariha, Idleb)."):
        d = drafts(note)
        assert d[["location", "event_type", "sub_event_type"]].values.tolist() == [
            ["Kansafrah", "Strategic developments", "Other"]], note


def test_an_unknown_village_last_in_a_list_with_its_area_after_it_is_drafted() -> None:
    d = drafts("On 3 May 2020, regime forces shelled Kansafrah, Maarzaf and Bishwara in Jabal al-Zawiya. "
               "No fatalities reported.")
    assert d["location"].tolist() == ["Kansafrah", "Maarzaf", "Bishwara"]
    row = d.iloc[2]
    assert row["match_status"] == "unresolved" and row["admin1"] == "Idleb"


def test_a_field_set_on_fire_is_property_destruction() -> None:
    d = drafts("On 9 May 2020, unknown persons set fire to a wheat field in Tafas (Dar'a, Dar'a). No casualties.")
    assert d[["location", "sub_event_type"]].values.tolist() == [["Tafas", "Looting/property destruction"]]


def test_an_airdrop_operation_that_arrests_is_an_arrest() -> None:
    d = drafts("On 6 May 2020, the SDF and Coalition forces conducted an airdrop operation in Mayadin "
               "(Mayadin, Deir ez-Zor), arresting an ISIS leader.")
    assert d[["location", "sub_event_type"]].values.tolist() == [["Mayadin", "Arrests"]]


def test_an_acronym_explained_in_brackets_is_no_village() -> None:
    for note, acronym in (("On 5 May 2020, regime forces fired IRAM (improvised rocket-assisted munitions) rockets at "
                           "Kansafrah (Ariha, Idleb). No fatalities reported.", "IRAM"),
                          ("On 5 May 2020, HTS fighters destroyed a regime BMP (infantry fighting vehicle) near "
                           "Kansafrah (Ariha, Idleb).", "BMP")):
        d = drafts(note)
        assert d["location"].tolist() == ["Kansafrah"], acronym


def test_a_neighbourhood_named_after_its_city_is_a_part_of_that_city() -> None:
    # Ashrafiyeh is also a quarter of Aleppo city: here it is Afrin's, not a second incident 40 km away
    d = drafts("On 5 May 2020, Turkish forces fired rockets at the city of Afrin in the neighbourhood of "
               "Ashrafiyeh, killing one civilian.")
    assert d[["location", "fatalities"]].values.tolist() == [["Afrin", 1]]
    d = drafts("On 5 May 2020, Turkish forces shelled Afrin city in the Ashrafiyeh neighbourhood.")
    assert d["location"].tolist() == ["Afrin"]


def test_who_intercepts_a_weapon_is_actor1_and_whose_weapon_it_was_actor2() -> None:
    d = drafts("On 7 May 2020, regime forces intercepted a drone launched by HTS over Masyaf (Masyaf, Hama).")
    row = d.iloc[0]
    assert (row["sub_event_type"], row["actor1"], row["actor2"]) == (
        "Disrupted weapons use", "Military Forces of Syria (2000-)", "HTS: Hayat Tahrir al-Sham")
    # an IED planted by a group that then explodes is still that group's
    d = drafts("On 7 May 2020, an IED planted by ISIS exploded near an SDF patrol in Ayn Issa (Ain Issa, Ar-Raqqa).")
    assert d.iloc[0]["actor1"] == "Islamic State (Syria)"


def test_the_parties_to_an_agreement_are_actor1_and_actor2() -> None:
    d = drafts("On 7 May 2020, Russia and Turkey agreed on a ceasefire in Idleb governorate.")
    row = d.iloc[0]
    assert (row["sub_event_type"], row["actor1"], row["actor2"]) == (
        "Agreement", "Military Forces of Russia (2000-)", "Military Forces of Turkey (2016-)")


def test_men_arrested_or_killed_are_civilians_and_unknown_men_an_armed_group() -> None:
    d = drafts("On 14 May 2020, the regime's 4th Division raided houses in Tafas (Dar'a, Dar'a), arresting 3 men.")
    assert (d.iloc[0]["sub_event_type"], d.iloc[0]["actor2"]) == ("Arrests", "Civilians (Syria)")
    d = drafts("On 14 May 2020, two men were killed by a landmine in Maarzaf (Ariha, Idleb).")
    assert d.iloc[0]["actor2"] == "Civilians (Syria)"
    d = drafts("On 14 May 2020, masked men kidnapped two men in Tafas (Dar'a, Dar'a).")
    assert (d.iloc[0]["actor1"], d.iloc[0]["actor2"]) == ("Unidentified Armed Group (Syria)", "Civilians (Syria)")


def test_fire_exchanged_sporadically_is_still_an_armed_clash() -> None:
    d = drafts("On 3 May 2020, regime forces exchanged sporadic fire with rebel fighters near Kansafrah (Ariha, Idleb).")
    assert (d["location"].tolist(), d.iloc[0]["sub_event_type"]) == (["Kansafrah"], "Armed clash")


def test_an_armed_group_named_without_its_inner_article_is_still_that_group() -> None:
    # aliases carry "al-" inside a name ("Jaysh al-Islam"); reports often drop it
    d = drafts("On 3 May 2020, Jaysh Islam fighters shelled regime positions in Tafas (Dar'a, Dar'a).")
    assert d.iloc[0]["actor1"] == "Jaysh al-Islam"


def test_people_marching_in_support_of_a_besieged_town_protest() -> None:
    d = drafts("On 3 May 2020, hundreds of people marched in Ayn Issa (Ain Issa, Ar-Raqqa) in support of the people "
               "of Afrin.")
    assert d["location"].tolist() == ["Ayn Issa"]
    assert (d.iloc[0]["event_type"], d.iloc[0]["actor1"]) == ("Protests", "Protesters (Syria)")
