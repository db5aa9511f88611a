"""Reading report sentences: splitting, dates, actors, event types, fatalities (no gazetteer needed)."""

import datetime as dt

import pytest

from conflictmap.events.actors import assign_roles, find_actors, load_actors
from conflictmap.events.dates import find_dates
from conflictmap.events.text import split_sentences
from conflictmap.events.verbs import classify, count_fatalities, is_hedged

PUB = dt.date(2020, 7, 1)


def test_sentences_keep_spans_and_paragraphs():
    text = "Title line\n\nOn June 29 jets struck Ariha. Gen. Ali said U.S. forces left.\n\nNew paragraph here!"
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == ["Title line", "On June 29 jets struck Ariha.",
                                          "Gen. Ali said U.S. forces left.", "New paragraph here!"]
    assert [s.paragraph for s in sentences] == [0, 1, 1, 2]
    assert all(text[s.start:s.end] == s.text for s in sentences)


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("Late on June 30, clashes erupted.", [("2020-06-30", 1)]),
        ("As of June 26 the fighting resumed.", [("2020-06-26", 1)]),
        ("On June 25 and June 26, jets struck.", [("2020-06-25", 1), ("2020-06-26", 1)]),
        ("On June 25 and 26, jets struck.", [("2020-06-25", 1), ("2020-06-26", 1)]),
        ("On 28 June, 2 soldiers died.", [("2020-06-28", 1)]),
        ("Yesterday a mine exploded.", [("2020-06-30", 1)]),
        ("On Sunday a mine exploded.", [("2020-06-28", 1)]),
        ("Soldiers were recently killed.", [("2020-07-01", 2)]),
        ("Earlier this month a raid took place.", [("2020-07-01", 3)]),
        ("Three villages were shelled, killing 12 people.", []),
        ("The June 2019 agreement collapsed on May 3, 2020.", [("2020-05-03", 1)]),
    ],
)
def test_dates_resolve_against_publication(sentence, expected):
    got = [(str(d.day), d.precision) for d in find_dates(sentence, PUB)]
    assert got == expected


def test_year_rolls_back_across_new_year():
    assert [str(d.day) for d in find_dates("On December 31 a drone struck.", "2021-01-02")] == ["2020-12-31"]


def test_actor_list_covers_the_brief():
    text = ("Syrian Army, SAA, NDF, Russian Aerospace Forces, Hayat Tahrir al-Sham, HTS, Horas al-Din, "
            "Hurras al-Din, Ansar al-Din, Fa Ithbatu, National Front for Liberation, Turkish-backed militants, "
            "SNA, SDF, ISIS, 5th Assault Corps")
    keys = [m.key for m in find_actors(text)]
    assert keys == ["saa", "saa", "ndf", "russia", "hts", "hts", "hurras_al_din", "hurras_al_din", "ansar_al_din",
                    "fa_ithbatu", "nlf", "sna", "sna", "sdf", "isis", "fifth_corps"]
    from conflictmap.factions import all_factions  # sides must be factions of the zone registry

    assert set(load_actors().side) - {""} <= {f.key for f in all_factions()}


def test_acronyms_are_case_sensitive_and_words_whole():
    assert find_actors("This is it; the isis of history") == []
    assert [m.key for m in find_actors("IS claimed the attack")] == ["isis"]
    assert find_actors("The armys") == []


def test_roles():
    r = assign_roles("Forces of Turkish-backed militant groups shelled positions of the Syrian Democratic Forces near X.")
    assert (r.actor1, r.actor2) == ("Syrian National Army", "SDF: Syrian Democratic Forces")
    r = assign_roles("Hayat Tahrir al-Sham attacked positions of Horas al-Din and Ansar al-Din near Y.")
    assert (r.actor1, r.actor2, r.assoc_actor_2) == ("HTS: Hayat Tahrir al-Sham", "Hurras al-Din", ["Ansar al-Din Front"])
    r = assign_roles("Positions of the SDF were shelled by the Turkish Army.")
    assert (r.actor1, r.actor2) == ("Military Forces of Turkey (2016-)", "SDF: Syrian Democratic Forces")
    r = assign_roles("Clashes between the SDF and ISIS cells continue.")
    assert (r.actor1, r.actor2) == ("SDF: Syrian Democratic Forces", "Islamic State (Syria)")
    assert r.inter1 == 2


@pytest.mark.parametrize(
    "sentence, event_type, sub_event_type",
    [
        ("ISIS cells ambushed an army unit.", "Battles", "Armed clash"),
        ("Russian jets carried out airstrikes on hideouts.", "Explosions/Remote violence", "Air/drone strike"),
        ("Artillery shelling targeted positions of HTS.", "Explosions/Remote violence", "Shelling/artillery/missile attack"),
        ("Intense clashes erupted near the town.", "Battles", "Armed clash"),
        ("The militants captured the village.", "Battles", "Non-state actor overtakes territory"),
        ("The army withdrew from the village.", "Strategic developments", "Non-violent transfer of territory"),
        ("An IED exploded on the road.", "Explosions/Remote violence", "Remote explosive/landmine/IED"),
        ("Gunmen kidnapped two men.", "Violence against civilians", "Abduction/forced disappearance"),
        ("Residents protested against the council.", "Protests", "Peaceful protest"),
        ("Two soldiers were killed near the town.", "Battles", "Armed clash"),
    ],
)
def test_event_type_from_verbs(sentence, event_type, sub_event_type):
    found = classify(sentence)
    assert (found.event_type, found.sub_event_type) == (event_type, sub_event_type)


def test_no_event_words_and_battle_tanks():
    assert classify("Both sides are now using battle tanks.") is None
    assert classify("The situation remains complicated.") is None


def test_hedges():
    assert is_hedged("The group says it is ready to accept a ceasefire only if checkpoints are removed.")
    assert not is_hedged("The army shelled the village.")


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("ISIS cells ambushed an army unit killing 2 soldiers, injuring a third one and capturing a vehicle.", 2),
        ("They killed 2 Russian personnel and 2 Syrian soldiers in intense fighting.", 4),
        ("At least 5 soldiers were recently killed in the countryside.", 5),
        ("The raid resulted in the killing of 8 Syrian troops.", 8),
        ("Jets destroyed one weapon depot and 2 vehicles.", None),
        ("Dozens of civilians were killed.", 12),
        ("Three fighters were wounded.", None),
        ("Shelling killed four civilians and wounded 11 others.", 4),
    ],
)
def test_fatalities(sentence, expected):
    assert count_fatalities(sentence) == expected


# --- relative dates, ranges, weekdays (issue 16) ---------------------------------------------------

@pytest.mark.parametrize(
    "sentence, anchor, expected",
    [
        ("Two days later, an IED exploded.", dt.date(2021, 5, 18), [("2021-05-20", 1)]),
        ("Three days earlier, ISIS cells abducted two men.", dt.date(2022, 9, 8), [("2022-09-05", 1)]),
        ("The SDF retook the village the next day.", dt.date(2023, 7, 28), [("2023-07-29", 1)]),
        ("On the same day, artillery shelled Binnish.", dt.date(2021, 8, 7), [("2021-08-07", 1)]),
        ("Two days later, an IED exploded.", None, []),  # nothing to count from
        ("Between 1 and 3 April, shelling hit Sarja.", None, [("2020-04-01", 2)]),
        ("From June 3 to June 5 the army shelled the town.", None, [("2020-06-03", 2)]),
        ("Clashes on 3-20 June left dozens dead.", None, [("2020-06-03", 3)]),
        ("Gunmen killed a man on Tuesday.", None, [("2020-06-30", 1)]),  # 1 July 2020 was a Wednesday
        ("Last night, jets struck Harim.", None, [("2020-06-30", 1)]),
    ])
def test_relative_dates_and_ranges(sentence, anchor, expected):
    assert [(str(d.day), d.precision) for d in find_dates(sentence, PUB, anchor)] == expected


def test_roles_follow_the_verb_and_its_voice():
    r = assign_roles("An IED exploded near a military vehicle, injuring three SDF members.")
    assert (r.actor1, r.actor2) == (None, "SDF: Syrian Democratic Forces")
    r = assign_roles("Syrian troops were hit by an IED near Jasim.")
    assert (r.actor1, r.actor2) == (None, "Military Forces of Syria (2000-)")
    r = assign_roles("The SDF positions were shelled by Turkish artillery.")
    assert (r.actor1, r.actor2) == ("Military Forces of Turkey (2016-)", "SDF: Syrian Democratic Forces")
    r = assign_roles("Unknown gunmen killed a council member.")
    assert (r.actor1, r.actor2) == ("Unidentified Armed Group (Syria)", "Civilians (Syria)")
    r = assign_roles("Clashes erupted on Sunday between the Asayish and government forces.")
    assert (r.actor1, r.actor2) == ("Asayish", "Military Forces of Syria (2000-)")
    r = assign_roles("The army's 4th Division fought ISIS remnants.")
    assert (r.actor1, r.actor2) == ("Military Forces of Syria (2000-)", "Islamic State (Syria)")
    r = assign_roles("A drone strike killed a commander of Hurras al-Din.")
    assert (r.actor1, r.actor2) == (None, "Hurras al-Din")


def test_actor_words_inside_weapons_still_type_the_event():
    text = "Turkish drones struck a car near Tal Tamr."
    spans = [(m.start, m.end) for m in find_actors(text)]
    assert spans  # "Turkish drones" is an actor ...
    assert classify(text, ignore=spans).sub_event_type == "Air/drone strike"  # ... and the weapon
    text = "Fighters of the 5th Assault Corps deployed."
    assert classify(text, ignore=[(m.start, m.end) for m in find_actors(text)]).sub_event_type == "Other"


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("Gunmen assassinated a local SDF commander.", "Attack"),
        ("A second bomb exploded in the market.", "Remote explosive/landmine/IED"),
        ("Turkish artillery pounded the town.", "Shelling/artillery/missile attack"),
        ("Israeli jets fired missiles at positions near the airport.", "Air/drone strike"),
        ("A separate strike hit Binnish.", "Air/drone strike"),
        ("An explosive remnant of war detonated in a field.", "Remote explosive/landmine/IED"),
    ])
def test_more_event_words(sentence, expected):
    assert classify(sentence).sub_event_type == expected


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("shelling killed four civilians, including two children", 4),
        ("between 5 and 8 soldiers were killed", 5),
        ("clashes left 5 to 7 fighters dead", 5),
        ("the army lost dozens of soldiers in the battle", 12),
        ("the clashes left three dead", 3),
        ("for a third day on March 12, losing nine soldiers", 9),
        ("killing a commander of Hurras al-Din", 1),
        ("a soldier was wounded", None),
    ])
def test_fatalities_by_acled_rules(sentence, expected):
    assert count_fatalities(sentence) == expected
