"""Draft events from report text, already attached to gazetteer places.

Each clause that reports an incident (an event word such as "ambushed", "airstrikes", "shelled",
"clashes", "captured", "withdrew" and an incident location) gives one draft per place and per day
it names; a sentence may hold several ("shelled A, and jets bombed B"). Only incident locations draft
events: references ("rockets fired from X", "north of X", "between X and Y") and areas ("the eastern
countryside of Idlib") give context, and a clause with no incident location is drafted near its
first reference (precision 2). The date is resolved against the publication date ("yesterday",
weekdays) and the last day the text named ("two days later", "on the same day"); a clause without
one takes the date of the sentence before it in the paragraph, else the publication date with week
precision. Actor1 is the perpetrator and actor2 the target (verb cues, passive voice, "by X");
the actors of the paragraph fill in a missing side, and an IED, suicide bomb or attack on civilians
with no named perpetrator gets ACLED's unidentified armed group. Fatalities follow ACLED's rules
(lowest figure, "dozens" = 12, a figure the text says was coded, one incident's deaths split evenly over
three or more places or as the text distributes or allocates them). A sentence that adds to the incident before it ("Two civilians were
killed in Jarjanaz.", "The coalition is suspected of the strike.") fills its deaths and actors; one
that only names an area ("fighting in southern Idlib") gives its actors and deaths to the paragraph's
draft of the same type at named places. Sentences that state a condition or a plan ("ready to accept
a ceasefire only if ...") give no draft.

Every draft keeps the sentence and its character span, the clause, and the words that decided its
type, actors and date, so an analyst can accept or fix it.

Examples
--------
>>> text = ("Late on June 30, Turkish-backed militants shelled SDF positions near Kashal Ubayd, "
...         "northwest of Ayn Issa, killing 2 fighters.")
>>> drafts = draft_events(text, published="2020-07-01", source="Example Agency")
>>> d = drafts.iloc[0]
>>> str(d.event_date.date()), d.sub_event_type, d.actor1, d.actor2, d.location, d.place_id, int(d.fatalities)
('2020-06-30', 'Shelling/artillery/missile attack', 'Syrian National Army', 'SDF: Syrian Democratic Forces', 'Kashal Ubayd', 'gn:168609', 2)
>>> text[d.span_start:d.span_end] == d.source_sentence
True
"""

from __future__ import annotations

import bisect
import datetime as _dt
import hashlib
import logging
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import geopandas as gpd
import pandas as pd

from ..errors import InputError
from ..geocoding.matching import ADMIN_TYPES, haversine_km
from .actors import _CIVILIAN, ActorMention, Roles, assign_roles, device_target, find_actors, load_actors
from .dates import DateMention, as_date, find_dates
from .io import to_geodataframe
from .places_in_text import CITY_POPULATION, PlaceMention, area_seat, find_place_mentions, summary_sentence
from .schema import events_table, read_data_csv, validate_events
from .text import Sentence, split_sentences
from .verbs import (EventType, allocated_deaths, classify, clause_breaks, coded_fatalities, count_fatalities,
                    distributed_over,
                    first_action, has_action, is_hedged, split_fatalities,
                    refers_back,
                    starts_new_incident, tells_earlier_date, unnamed_actor1)

log = logging.getLogger(__name__)

__all__ = ["draft_events"]

_ARMED = (1, 2, 3, 4, 8)  # ACLED inter codes of armed actors
_LINES = ("road",)  # feature types whose point says little about where on them an incident was
# what may stand before the verb of a clause that has no subject of its own ("and, on the same day, stormed")
_LEAD_WORDS = re.compile(r"(?:[\s,;:]|\b(?:and|then|also|later|subsequently|afterwards|on|in|at|the|same|day|"
                         r"next|following|that|night|morning|evening|hours|early|late)\b)*", re.IGNORECASE)
#: sub-event types of a device that goes off by itself: a side named after it is what it hit
_DEVICES = ("Remote explosive/landmine/IED", "Suicide bomb", "Grenade")
_CROWD = ("Protests", "Riots")  # event types whose actor1 is the crowd (ACLED's Protesters / Rioters)
# provenance columns a draft has besides the event schema (in this order)
DRAFT_COLUMNS = ["place_name", "place_role", "type_words", "actor_words", "date_words", "clause_start", "clause_end"]


@dataclass
class _Clause:
    """One incident's stretch of a sentence (report offsets)."""

    text: str
    start: int
    end: int


@dataclass
class _Incident:
    sentence: Sentence
    clause: _Clause
    event: EventType
    roles: Roles
    dates: list[DateMention]
    date_basis: str
    places: list[PlaceMention]
    area_only: bool
    fatalities: int | None
    fatality_place: int | None = None  # index in places of the place the deaths are counted at (None: split)
    place_deaths: list[int] | None = None  # deaths per place when a coder's figure was split over a note
    notes: list[str] = field(default_factory=list)
    actor_words: list[str] = field(default_factory=list)
    unnamed_actor1: bool = False  # actor1 is ACLED's stand-in for a perpetrator the text does not name


def _place_key(m: PlaceMention) -> str:
    """What identifies a drafted place: its gazetteer id, or for a village drafted as written, its name."""
    if m.extra.get("unplaced") or not m.match.place_id:
        return f"as written:{m.mention.lower()}"
    return m.match.place_id


def _is_area(m: PlaceMention) -> bool:
    return not m.extra.get("unplaced") and m.match is not None and m.match.feature_type in (*ADMIN_TYPES, "region")


def _places_for(clause: _Clause, mentions: list[PlaceMention]) -> tuple[list[PlaceMention], bool]:
    """The places a clause's incident happened at, and whether they are only areas.

    Incident locations first (an area or region named beside villages is context: "al-Bara and
    Kansafrah in Jabal al-Zawiya"); without one, the first reference point, near it ("south of
    al-Mayadin", "between Palmyra and al-Sukhna", "towards Sarmada"); else the areas named.
    """
    here = [m for m in mentions if clause.start <= m.start < clause.end and m.match is not None
            and (m.match.place_id or m.extra.get("unplaced"))]
    locations = [m for m in here if m.role == "location"]
    points = [m for m in locations if not _is_area(m)]
    if (points and all(m.match.feature_type in _LINES for m in points)) or (
            locations and not points and all(m.match.feature_type == "region" for m in locations)):
        # "on the Palmyra-Deir Ezzor highway east of al-Sukhna", "in the Badia near al-Sukhna": a town
        # locates a point on a road or in a wide region better than the road's or the region's own point
        towns = [m for m in here if m.role == "reference" and not _is_area(m) and m.match.feature_type not in _LINES]
        if towns:
            return towns[:1], False
    if points:
        # "patrols along the M4 highway, starting from the town of X": the town, not the road's one point
        points = [m for m in points if m.match.feature_type not in _LINES] or points
        return _unique(_near_the_sure_ones(points)), False
    references = [m for m in here if m.role == "reference" and m.compound_of is None and not _is_area(m)]
    if references:
        # "the orchards between Harasta and Duma in the Eastern Ghouta": the town that locates the
        # place says more than the region or district named with it
        return references[:1], False
    areas = [m for m in here if m.role == "area"]
    if locations:
        # "the Eastern Ghouta, in the Duma district": a district or sub-district named beside a region
        # says more than the region; a bracketed one ("Jabal al-Zawiya (Ariha, Idleb)") only says where it lies
        finer = [m for m in areas if not m.extra.get("bracket") and _AREA_DEPTH.get(m.match.feature_type, 0)
                 > max(_AREA_DEPTH.get(n.match.feature_type, 0) for n in locations)]
        if not finer:
            return _unique(_near_the_sure_ones(locations)), False
        areas = finer
    # "the Jabal al-Zawiya area (Ariha, Idleb)": the bracket only says where the area before it lies
    areas = [m for m in areas if not m.extra.get("bracket")] or areas
    if len(areas) > 1:
        # "the Sharan area in the eastern countryside of Aleppo": the smallest area named; the larger
        # ones only say where it is
        depth = max(_AREA_DEPTH.get(m.match.feature_type, 0) for m in areas)
        areas = [m for m in areas if _AREA_DEPTH.get(m.match.feature_type, 0) == depth]
    return _unique(areas), bool(areas)


_AREA_DEPTH = {"admin1": 1, "region": 2, "admin2": 2.5, "admin3": 3}


_TOGETHER_KM = 100.0  # places of one incident clause lie within this distance of each other


def _near_the_sure_ones(places: list[PlaceMention]) -> list[PlaceMention]:
    """Places named together lie together: an ``ambiguous`` place (a same-name guess, not a city) farther
    than ``_TOGETHER_KM`` from every ``matched`` place of the same clause is a wrong namesake, not drafted."""
    sure = [m for m in places if m.match.status == "matched" and not m.extra.get("unplaced")
            and m.match.feature_type != "road"]  # a highway's point says nothing of where along it
    if not sure:
        return places
    return [m for m in places if m.match.status != "ambiguous" or _is_city(m) or any(
        haversine_km(m.match.longitude, m.match.latitude, s.match.longitude, s.match.latitude) <= _TOGETHER_KM
        for s in sure)]


def _is_city(m: PlaceMention) -> bool:
    return any(c.place_id == m.match.place_id and c.population >= CITY_POPULATION for c in m.candidates)


def _governorate_only(inc: _Incident) -> bool:
    """An incident placed only at governorates ("fighting in southern Idlib"): the places a sentence after
    it sums up are news, not other reports' places."""
    return inc.area_only and all(p.match.feature_type == "admin1" for p in inc.places)


def _summed_up(earlier: list[_Incident], places: list[PlaceMention]) -> list[_Incident]:
    """The incidents a summing-up sentence adds to: those at the places it names, else the first."""
    ids = {_place_key(p) for p in places}
    return [inc for inc in earlier if ids & {_place_key(p) for p in inc.places}] or earlier[:1]


def _unique(mentions: list[PlaceMention]) -> list[PlaceMention]:
    out: list[PlaceMention] = []
    seen: set[str] = set()
    for m in mentions:
        key = _place_key(m)
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out


def _clauses(sentence: Sentence, mentions: list[PlaceMention]) -> list[_Clause]:
    """Split a sentence where it passes to another incident ("Jets bombed A, and artillery shelled B").

    A stretch becomes its own clause only when it names a place and has an event word or action
    verb of its own, and so does the stretch before it; otherwise the stretches stay together.
    """
    text = sentence.text
    breaks = clause_breaks(text)
    cuts = [0] + [b for _, b in breaks] + [len(text)]
    seps = [(0, 0)] + breaks
    pieces = [(cuts[i], (seps[i + 1][0] if i + 1 < len(seps) else len(text))) for i in range(len(cuts) - 1)]
    own = [m for m in mentions if sentence.start <= m.start < sentence.end]

    def named(a: int, b: int) -> bool:
        # a place named, or one pointed back to ("..., as regime forces shelled the town")
        return any(sentence.start + a <= m.start < sentence.start + b for m in own) or (
            a > 0 and refers_back(text[a:b]))

    merged: list[list[int]] = []
    for a, b in pieces:
        piece_ok = named(a, b) and has_action(text[a:b])
        if merged and not (piece_ok and named(*merged[-1]) and has_action(text[merged[-1][0]:merged[-1][1]])):
            merged[-1][1] = b
        else:
            merged.append([a, b])
    # a first stretch without a place belongs to the one after it
    if len(merged) > 1 and not named(*merged[0]):
        merged[1][0] = merged[0][0]
        merged.pop(0)
    return [_Clause(text[a:b], sentence.start + a, sentence.start + b) for a, b in merged]


def _subjectless(text: str, actors: list[ActorMention]) -> bool:
    """True when a clause begins with its verb, before any actor: "and stormed a Hurras al-Din hideout"."""
    first_actor = min((a.start for a in actors), default=len(text))
    verb = first_action(text)
    if verb is None or verb > first_actor:
        return False
    lead = text[:verb]
    for d in find_dates(lead, _dt.date(2000, 1, 1)):
        lead = lead.replace(d.phrase, " ")
    return bool(_LEAD_WORDS.fullmatch(lead))


_TERRITORY = ("Non-state actor overtakes territory", "Government regains territory")
# between the side that takes a place and the words that say so: "HTS fighters re-established control",
# "where HTS managed to capture", "the army later recaptured"
_TAKER_GAP = re.compile(r"^\s*(?:(?:fighters|forces|troops|militants|members|units?|militias?)\s+)?"
                        r"(?:(?:later|then|also|finally|eventually|reportedly|have|had|has)\s+)?"
                        r"(?:(?:managed|were able|was able|succeeded)\s+to\s+)?$", re.I)


_LOST = re.compile(r"lost\b", re.I)


def _taker(text: str, actors: list[ActorMention], trigger: int) -> ActorMention | None:
    """The actor named as the subject of the territory words at ``trigger``, or None."""
    before = [a for a in actors if a.end <= trigger and _TAKER_GAP.match(text[a.end:trigger])]
    return before[-1] if before else None


def _taker_first(roles: Roles, taker: ActorMention | None) -> str | None:
    """Make the side that took the place actor1 when the roles had it as the target ("Clashes between
    A and B, where B re-established control": B took it). Returns a note, or None."""
    if taker is None or taker.actor == roles.actor1 or taker.actor != roles.actor2:
        return None
    old1, assoc1 = roles.actor1, roles.assoc_actor_1
    roles.actor1, roles.assoc_actor_1, roles.inter1 = roles.actor2, roles.assoc_actor_2, taker.inter
    roles.actor2, roles.assoc_actor_2 = old1, assoc1
    return "actor1: the side the territory words are said of"


@lru_cache(maxsize=1)
def _event_force_words() -> tuple[str, ...]:
    """Force words of ``actor_words.csv`` that are event words too ("Turkish airstrikes", "regime shelling")."""
    table = read_data_csv("actor_words.csv")
    words = [w for w in table.loc[table.kind == "force", "word"] if classify(w) is not None]
    return tuple(sorted(words, key=len, reverse=True))


_CROWDS = frozenset({"Protesters (Syria)", "Rioters (Syria)"})


def _name_spans(actors: list[ActorMention]) -> list[tuple[int, int]]:
    """The spans of actor names that event words inside them do not count from ("5th Assault Corps"),
    less a final force word that says what happened ("Turkish airstrikes": the strikes count)."""
    spans = []
    for a in actors:
        if a.actor in _CROWDS:
            continue  # "Protesters gathered in X": the crowd's name is the event's word
        end = a.end
        low = a.text.lower()
        for word in _event_force_words():
            if low.endswith(" " + word.lower()):
                end = a.end - len(word)
                break
        spans.append((a.start, end))
    return spans


def _shift(actors: list[ActorMention], offset: int, start: int, end: int) -> list[ActorMention]:
    return [replace(a, start=a.start - offset, end=a.end - offset) for a in actors if start <= a.start < end]


def _fill_actors(roles: Roles, context: Roles | None) -> list[str]:
    notes: list[str] = []
    if context is None:
        return notes
    if roles.actor1 is None and context.actor1 and context.actor1 != roles.actor2:
        roles.actor1, roles.assoc_actor_1, roles.inter1 = context.actor1, list(context.assoc_actor_1), context.inter1
        notes.append("actor1 from the paragraph")
    if roles.actor2 is None:
        named = roles.mentions + context.mentions
        own_side = _side(roles.actor1, named)
        for name in [context.actor2, context.actor1]:
            # the people harmed belong to one incident: civilians are never carried over; nor is an ally of
            # actor1 its opponent ("Regime artillery pounded A. Russian jets also struck B.")
            if name and name != roles.actor1 and name != "Civilians (Syria)" \
                    and not (own_side and _side(name, named) == own_side):
                roles.actor2 = name
                roles.assoc_actor_2 = list(context.assoc_actor_2) if name == context.actor2 else []
                notes.append("actor2 from the paragraph")
                break
    return notes


def _side(name: str | None, mentions: list[ActorMention]) -> str:
    """The side of the control-zone registry an actor named in ``mentions`` holds or backs ("" if none): the
    army and Russia both the government's."""
    return next((m.side for m in mentions if m.actor == name and m.side), "")


def _inter(roles: Roles, slot: int) -> int | None:
    name = roles.actor1 if slot == 1 else roles.actor2
    for m in roles.mentions:
        if m.actor == name:
            return m.inter
    return roles.inter1 if slot == 1 else None


def _retype(event: EventType, roles: Roles) -> tuple[EventType, str | None]:
    """ACLED's rule on targets: violence against civilians only when civilians are targeted; a
    killing reported with no battle word whose victims are civilians is an attack on civilians."""
    inter2 = _inter(roles, 2)
    if event.event_type == "Violence against civilians" and event.sub_event_type == "Attack" and inter2 in _ARMED:
        return replace(event, event_type="Battles", sub_event_type="Armed clash"), "armed target: armed clash"
    if event.sub_event_type == "Armed clash" and inter2 == _CIVILIAN and event.trigger.lower().startswith("attack"):
        # "gunmen attacked a civilian": an attack word whose target is civilians
        return (replace(event, event_type="Violence against civilians", sub_event_type="Attack"),
                "civilians attacked: attack")
    if event.kind == "fatal" and inter2 == _CIVILIAN:
        return replace(event, event_type="Violence against civilians", sub_event_type="Attack"), "civilians killed: attack"
    return event, None


@lru_cache(maxsize=4)
def _resolved_attributions(kind: str) -> dict[str, str]:
    """Keys of ACLED's either-or attributions (``resolves``) or allies (``joins``) and the key they resolve to."""
    table = read_data_csv("actor_words.csv")
    rows = table[table.kind == kind]
    return dict(zip(rows.word, rows.key))


def _resolve_attribution(roles: Roles, named_keys: set[str], kind: str = "resolves") -> str | None:
    """"Syrian or Russian warplanes bombed while regime forces shelled the town": one side of the either-or
    acts in the same report (``resolves``) or the ally's partner in the same clause (``joins``), and ACLED
    codes the bombardment to it."""
    first = next((m for m in roles.mentions if m.actor == roles.actor1), None)
    if first is None:
        return None
    target = _resolved_attributions(kind).get(first.key)
    if target is None or target not in named_keys:
        return None
    row = load_actors().set_index("key").loc[target]
    roles.actor1, roles.inter1 = str(row["actor"]), int(row["inter"])
    roles.mentions = roles.mentions + [replace(first, actor=roles.actor1, key=target, inter=roles.inter1)]
    if roles.actor2 == roles.actor1:
        roles.actor2, roles.assoc_actor_2 = None, []  # its ground forces were named beside it, not hit
    return f"actor1: {first.text!r} with {roles.actor1} named acting in the report"


@lru_cache(maxsize=1)
def _weapons() -> list[tuple[re.Pattern[str], str]]:
    table = read_data_csv("actor_words.csv")
    rows = table[table.kind == "weapon"]
    return [(re.compile(r"(?<![\w-])(?:" + w + r")(?![\w-])", re.IGNORECASE), k) for w, k in zip(rows.word, rows.key)]


def _weapon_user(roles: Roles, text: str) -> str | None:
    """"Helicopters dropped barrel bombs on X" names no perpetrator, but only one force uses the weapon
    (``weapon`` rows of actor_words.csv)."""
    for pattern, key in _weapons():
        m = pattern.search(text)
        if m is None:
            continue
        row = load_actors().set_index("key").loc[key]
        roles.actor1, roles.inter1 = str(row["actor"]), int(row["inter"])
        roles.mentions = roles.mentions + [ActorMention(roles.actor1, key, str(row["side"]), roles.inter1,
                                                        m.group(0), m.start(), m.end())]
        if roles.actor2 == roles.actor1:
            roles.actor2, roles.assoc_actor_2 = None, []
        return f"actor1: {m.group(0)!r} are used by {roles.actor1} only"
    return None


def _words(roles: Roles) -> list[str]:
    return [f"{m.text} -> {'actor1' if m.actor == roles.actor1 else 'actor2'}" for m in roles.mentions
            if m.actor in (roles.actor1, roles.actor2)]


def _day_dates(dates: list[DateMention]) -> list[DateMention]:
    return [d for d in dates if d.precision == 1] or dates


def _incidents(text: str, published: _dt.date, sentences: list[Sentence],
               mentions: list[PlaceMention]) -> list[_Incident]:
    incidents: list[_Incident] = []
    paragraph_roles: dict[int, Roles] = {}
    paragraph_dates: dict[int, list[DateMention]] = {}
    last_group: dict[int, list[_Incident]] = {}  # the incidents of the paragraph's latest reporting sentence
    paragraph_incidents: dict[int, list[_Incident]] = {}  # every incident of the paragraph so far
    anchor: _dt.date | None = None  # the last day the text named
    starts = [m.start for m in mentions]  # mentions are in text order
    sentence_actors = [find_actors(sentence.text) for sentence in sentences]
    paragraph_keys: dict[int, set[str]] = {}  # the actors each paragraph names
    for sentence, actors in zip(sentences, sentence_actors):
        paragraph_keys.setdefault(sentence.paragraph, set()).update(a.key for a in actors)
    for sentence, actors in zip(sentences, sentence_actors):
        own = mentions[bisect.bisect_left(starts, sentence.start):bisect.bisect_left(starts, sentence.end)]
        sentence_roles = assign_roles(sentence.text, actors)
        context = None if starts_new_incident(sentence.text) else paragraph_roles.get(sentence.paragraph)
        if sentence_roles.actor1 or sentence_roles.actor2:
            paragraph_roles[sentence.paragraph] = Roles(
                sentence_roles.actor1, sentence_roles.actor2, list(sentence_roles.assoc_actor_1),
                list(sentence_roles.assoc_actor_2), sentence_roles.inter1, list(sentence_roles.mentions))
        hedged = is_hedged(sentence.text)
        group: list[_Incident] = []
        previous: _Incident | None = None
        earlier = paragraph_incidents.get(sentence.paragraph, [])
        summary = summary_sentence(sentence.text) if any(not _governorate_only(inc) for inc in earlier) \
            and not hedged else None
        for clause in _clauses(sentence, own):
            offset = clause.start - sentence.start
            c_actors = _shift(actors, offset, offset, offset + len(clause.text))
            roles = assign_roles(clause.text, c_actors)
            event = classify(clause.text, state_actor=roles.inter1 == 1,
                             ignore=_name_spans(c_actors))
            if event is None and previous is not None and has_action(clause.text):
                event = previous.event  # "shelled A and struck B": the same kind of attack
            elif event is not None and event.kind == "fatal" and previous is not None:
                event = previous.event  # "struck A, B, and C, which killed 8": deaths of the same attack
            dates = find_dates(clause.text, published, anchor)
            # "died on 12 June of wounds sustained on 3 June": the earlier day is not the event's
            dates = [d for d in dates if not tells_earlier_date(clause.text, d.start)] or dates
            if dates:
                anchor = max(d.day for d in _day_dates(dates) if d.precision == 1) if any(
                    d.precision == 1 for d in dates) else anchor
            places, area_only = _places_for(clause, own)
            if summary is not None:
                # "Shelling on A, B and C caused damage." after the report of A: the other places are
                # other reports' incidents; the sentence only adds to the incidents before it
                _apply_followup(_summed_up(earlier, places), roles, count_fatalities(clause.text),
                                [p for p in places if any(_place_key(p) == _place_key(q)
                                                          for inc in earlier for q in inc.places)], event,
                                coded=coded_fatalities(clause.text))
                continue
            if not hedged and not group:
                followup = _followup(event, places, last_group.get(sentence.paragraph, []), clause.text, dates)
                if followup is not None:
                    _apply_followup(followup, roles, count_fatalities(clause.text), places, event,
                                    coded=coded_fatalities(clause.text), more=_ALSO_DIED.search(clause.text) is not None)
                    continue
            if event is None or hedged:
                if dates:
                    paragraph_dates[sentence.paragraph] = _day_dates(dates)
                continue
            if not places and group and refers_back(clause.text):
                places, area_only = list(group[-1].places), group[-1].area_only  # "..., as X shelled the town"
            elif not places and refers_back(clause.text) and last_group.get(sentence.paragraph):
                places = [p for inc in last_group[sentence.paragraph][:1] for p in inc.places]
                area_only = last_group[sentence.paragraph][0].area_only
            if not places:
                log.debug("a clause reports %s but names no place: %r", event.sub_event_type, clause.text)
                continue
            notes: list[str] = []
            uncoded_words: list[str] = []  # actors named but not coded ("protested against HTS")
            if previous is not None and _LOST.match(previous.event.trigger) and roles.actor1 is None and not c_actors \
                    and previous.roles.actor2:
                # "A lost X to B but recaptured it": A, the subject of both verbs, is the one acting now
                inter = next((m.inter for m in previous.roles.mentions if m.actor == previous.roles.actor2), None)
                roles = Roles(previous.roles.actor2, previous.roles.actor1, list(previous.roles.assoc_actor_2),
                              list(previous.roles.assoc_actor_1), inter, list(previous.roles.mentions))
                notes.append("actor1: the side that lost the place in the clause before")
            if previous is not None and previous.roles.actor1 and _subjectless(clause.text, c_actors) \
                    and previous.roles.actor1 not in (roles.actor1, roles.actor2):
                # "HTS arrested a cleric in A and, on the same day, stormed a Hurras al-Din hideout in B":
                # the clause has no subject of its own; the actor it names is the target
                target = roles.actor2 or roles.actor1
                target_assoc = roles.assoc_actor_2 if roles.actor2 else roles.assoc_actor_1
                roles = Roles(previous.roles.actor1, target, list(previous.roles.assoc_actor_1),
                              list(target_assoc), previous.roles.inter1,
                              list(roles.mentions) + [m for m in previous.roles.mentions
                                                      if m.actor == previous.roles.actor1])
                notes.append("actor1 from the clause before (no subject of its own)")
            if previous is not None and previous.event.sub_event_type == event.sub_event_type:
                # "Regime forces shelled A and struck B": the same attacker, unless the clause names one
                if roles.actor1 is None and previous.roles.actor1 and previous.roles.actor1 != roles.actor2:
                    roles.actor1, roles.assoc_actor_1 = previous.roles.actor1, list(previous.roles.assoc_actor_1)
                    roles.inter1 = previous.roles.inter1
                    roles.mentions = roles.mentions + [m for m in previous.roles.mentions if m.actor == roles.actor1]
                    notes.append("actor1 from the clause before")
                if roles.actor2 is None and not c_actors and previous.roles.actor2 != "Civilians (Syria)":
                    roles.actor2, roles.assoc_actor_2 = previous.roles.actor2, list(previous.roles.assoc_actor_2)
                    if roles.actor2:
                        notes.append("actor2 from the clause before")
            notes += _fill_actors(roles, context)
            if event.sub_event_type in _TERRITORY and clause.text[event.start:event.end] == event.trigger \
                    and not _LOST.match(event.trigger):  # "A lost X to B": B took it (actors.py reads that)
                why = _taker_first(roles, _taker(clause.text, c_actors, event.start))
                if why:
                    notes.append(why)
            if roles.inter1 == 1 and event.sub_event_type == "Non-state actor overtakes territory":
                event = classify(clause.text, state_actor=True, ignore=_name_spans(c_actors)) or event
            event, why = _retype(event, roles)
            if why:
                notes.append(why)
            if event.event_type == "Violence against civilians" and roles.actor2 is None:
                roles.actor2 = "Civilians (Syria)"  # ACLED: the targets of violence against civilians
                notes.append("actor2: civilians, the targets of violence against civilians")
            unnamed = False
            if event.sub_event_type in _DEVICES and device_target(roles, clause.text, event.start):
                notes.append("the side named after the device is its target")
            if roles.actor1 is None and event.event_type == "Explosions/Remote violence":
                holder = _fired_from_holder(clause.text)
                if holder is not None and holder.actor != roles.actor2:
                    roles.actor1, roles.inter1 = holder.actor, holder.inter
                    roles.mentions = roles.mentions + [holder]
                    notes.append("actor1: the side holding the place fired from")
            if roles.actor1 is None:
                why = _weapon_user(roles, clause.text)
                if why:
                    notes.append(why)
            if event.event_type in _CROWD and unnamed_actor1(event.sub_event_type) \
                    and roles.actor1 != unnamed_actor1(event.sub_event_type):
                # ACLED: the crowd is actor1; a force a riot is against is actor2, but a peaceful protest
                # has the crowd alone ("protested against Turkey": no actor2 in 29 of ACLED's 30 dev protests)
                opposed = next((m for m in roles.mentions if m.inter not in (_CIVILIAN, 5, 6)), None)
                against = opposed.actor if opposed is not None else None
                if event.sub_event_type == "Peaceful protest" and opposed is not None:
                    uncoded_words.append(f"{opposed.text} -> protested against ({opposed.actor}), not coded")
                    against = None
                roles.actor1, roles.actor2, roles.assoc_actor_1, roles.assoc_actor_2 = None, against, [], []
                roles.inter1 = None
                notes.append("a protest: the crowd is actor1")
            if event.sub_event_type == "Agreement" and roles.actor2 is None and roles.assoc_actor_1:
                # "Russia and Turkey agreed on a ceasefire": ACLED codes the two parties as actor1 and actor2
                roles.actor2, roles.assoc_actor_1 = roles.assoc_actor_1[0], roles.assoc_actor_1[1:]
                notes.append("an agreement: the second party is actor2")
            if roles.actor1 is None and unnamed_actor1(event.sub_event_type):
                roles.actor1 = unnamed_actor1(event.sub_event_type)
                unnamed = True
                notes.append(f"no perpetrator named: ACLED's {roles.actor1}")
            why = _resolve_attribution(roles, paragraph_keys.get(sentence.paragraph, set())) or \
                _resolve_attribution(roles, {a.key for a in c_actors if a.actor != roles.actor1}, "joins")
            if why:
                notes.append(why)
            if dates:
                basis = "date from the sentence"
                dates = _day_dates(dates)
                paragraph_dates[sentence.paragraph] = dates
            elif group and group[-1].dates:
                dates, basis = group[-1].dates, group[-1].date_basis
            elif sentence.paragraph in paragraph_dates:
                dates, basis = paragraph_dates[sentence.paragraph], "date from the paragraph"
            else:
                dates = [DateMention(published, 2, -1, -1, "")]
                basis = "no date given: report date, week precision"
            coded = coded_fatalities(clause.text)
            if coded is not None:
                notes.append(f"deaths: the figure the text says was coded ({coded})")
            inc = _Incident(sentence, clause, event, roles, dates, basis, places, area_only,
                            coded if coded is not None else count_fatalities(clause.text), notes=notes,
                            actor_words=_words(roles) + uncoded_words, unnamed_actor1=unnamed)
            group.append(inc)
            previous = inc
        if group:
            incidents += group
            last_group[sentence.paragraph] = group
            paragraph_incidents.setdefault(sentence.paragraph, []).extend(group)
        listed = distributed_over(sentence.text)
        if listed:
            _distribute([inc for inc in incidents if inc.sentence.paragraph == sentence.paragraph], listed)
        allocation = allocated_deaths(sentence.text)
        if allocation:
            _allocate([inc for inc in incidents if inc.sentence.paragraph == sentence.paragraph], allocation)
    return _absorb_area_incidents(incidents)


_HELD_ORIGIN = re.compile(r"\bfrom\s+(?:the\s+)?(?:positions\s+of\s+)?(?P<side>[\w'-]+?)-(?:held|controlled)\b",
                          re.IGNORECASE)


def _fired_from_holder(text: str) -> ActorMention | None:
    """The actor holding the place a strike came from: "artillery fired from government-held X"."""
    m = _HELD_ORIGIN.search(text)
    if m is None:
        return None
    found = [a for a in find_actors(f"{m.group('side')} forces") if a.inter != _CIVILIAN]
    if not found:
        return None
    return replace(found[0], text=m.group(0), start=m.start(), end=m.end())


def _followup(event: EventType | None, places: list[PlaceMention], group: list[_Incident],
              text: str, dates: list[DateMention]) -> list[_Incident] | None:
    """The incidents a clause only adds to, or None when it reports an incident of its own.

    A clause right after sentences that reported incidents adds to them (deaths, the victims, the
    perpetrator) when it names no place, does not point back at one and reports no other incident
    (no event word of another kind, no day of its own: "Six fighters were killed.", "The US-led
    coalition is suspected of carrying out the strike."), or when its only event word is a death
    word and it names only places of those incidents ("Two civilians were killed in Jarjanaz.").
    """
    if not group:
        return None
    if not places:
        if event is not None and event.kind == "event" and (
                refers_back(text) or dates or (event.sub_event_type != group[0].event.sub_event_type
                                               and not _intervened(event, group))):
            return None  # another incident, at a place the text does not name (or names before)
        return group
    if event is None or event.kind != "fatal":
        return None
    ids = {_place_key(p) for p in places}
    named = [inc for inc in group if ids & {_place_key(p) for p in inc.places}]
    return named or None


_INTERVENTION = ("Protest with intervention", "Excessive force against protesters")
_ABDUCTION = "Abduction/forced disappearance"


def _intervened(event: EventType, group: list[_Incident]) -> bool:
    """True when ``event`` is what forces did to the protest ``group`` reported ("Security forces dispersed
    them and arrested several protesters."): the same protest, with intervention."""
    return event.sub_event_type in _INTERVENTION and all(inc.event.event_type == "Protests" for inc in group) \
        and _INTERVENTION.index(event.sub_event_type) >= max(
            (_INTERVENTION.index(inc.event.sub_event_type) for inc in group
             if inc.event.sub_event_type in _INTERVENTION), default=-1)


# "2 ISIS militants were also killed": deaths on top of those the sentence before counted
_ALSO_DIED = re.compile(r"\b(?:were|was|have\s+been|had\s+been)\s+also\s+(?:killed|shot\s+dead)|\balso\s+(?:died|killed|"
                        r"lost\s+their\s+lives)\b", re.I)


def _apply_followup(targets: list[_Incident], roles: Roles, fatalities: int | None,
                    places: list[PlaceMention], event: EventType | None, *, coded: int | None = None,
                    more: bool = False) -> None:
    ids = {_place_key(p) for p in places}
    first = targets[0]
    if event is not None and _intervened(event, targets):
        for inc in targets:
            if inc.event.sub_event_type != event.sub_event_type:
                inc.event = replace(inc.event, sub_event_type=event.sub_event_type)
                inc.notes.append(f"{event.sub_event_type.lower()}: the next sentence ('{event.trigger}')")
    if coded is not None:
        # "Unknown number of fatalities coded as 10": the coder's figure for the incidents before, split
        # over their places as ACLED splits it over the events of a note
        slots = [(inc, i) for inc in targets for i in range(len(inc.places))]
        shares = split_fatalities(coded, len(slots))
        for inc in targets:
            inc.place_deaths = [0] * len(inc.places)
            inc.fatalities = 0
        for (inc, i), share in zip(slots, shares):
            inc.place_deaths[i] = share
            inc.fatalities = (inc.fatalities or 0) + share
        for inc in targets:
            inc.notes.append(f"deaths: the figure the next sentence says was coded ({coded}), split over the places")
    elif fatalities and not first.fatalities:
        first.fatalities = fatalities
        if ids:
            first.fatality_place = next((i for i, p in enumerate(first.places) if _place_key(p) in ids), 0)
        first.notes.append("deaths from the next sentence")
    elif fatalities and more and len(targets) == 1 and first.place_deaths is None:
        first.fatalities += fatalities
        first.notes.append("more deaths from the next sentence ('also killed')")
    deaths_only = event is not None and event.kind == "fatal"
    # in "Two HTS fighters died." the actor named is a victim: it can only fill a missing target;
    # otherwise an actor the next sentence names is the missing side: the perpetrator ("The coalition
    # is suspected of carrying out the strike.") or, when that is known, the other party ("Iranian-backed
    # militias were using the site.")
    named = roles.actor1 if not deaths_only else None
    for inc in targets:
        victim = roles.actor2 or (roles.actor1 if deaths_only else None)
        if named and (inc.roles.actor1 is None or inc.unnamed_actor1) and named != inc.roles.actor2 \
                and named != "Civilians (Syria)":
            inc.roles.actor1, inc.unnamed_actor1 = named, False
            inc.notes.append("actor1 from the next sentence")
            inc.actor_words.append(f"{named} -> actor1 (next sentence)")
        elif named and victim is None:
            victim = named
        if victim and inc.roles.actor2 is None and victim != inc.roles.actor1:
            inc.roles.actor2 = victim
            inc.notes.append("actor2 from the next sentence")
            inc.actor_words.append(f"{victim} -> actor2 (next sentence)")
            if inc.event.kind == "fatal":
                inc.event = _retype(inc.event, inc.roles)[0]


def _absorb_area_incidents(incidents: list[_Incident]) -> list[_Incident]:
    """An incident placed only at an area ("fighting in southern Idlib") is the same incident as
    one of the same type at named places in its paragraph: give that one its actors and deaths and drop it."""
    kept: list[_Incident] = []
    by_paragraph: dict[int, list[_Incident]] = {}
    for inc in incidents:
        by_paragraph.setdefault(inc.sentence.paragraph, []).append(inc)
    for inc in incidents:
        if inc.area_only:
            partners = [o for o in by_paragraph[inc.sentence.paragraph] if o is not inc and not o.area_only
                        and o.sentence.paragraph == inc.sentence.paragraph
                        and o.event.event_type == inc.event.event_type
                        and any(p.match.admin1_pcode == a.match.admin1_pcode for p in o.places for a in inc.places)]
            if partners:
                for other in partners:
                    other.notes += _fill_actors(other.roles, inc.roles)
                if inc.fatalities and not partners[0].fatalities:
                    partners[0].fatalities = inc.fatalities
                    partners[0].notes.append("deaths from the area sentence")
                continue
        kept.append(inc)
    return kept


# ACLED splits one figure over the events of a note ("Shelling on A, B and C killed 7": 3, 2, 2); with two
# places reports mostly count the deaths where the incident happened first (our corpus), so the split starts at 3
_SPLIT_FROM = 3


def _name_key(name: str) -> str:
    return re.sub(r"^(?:al|el|ar|as|ad|ash|an|at|az)(?=[a-z]{3})", "", re.sub(r"[^a-z]", "", name.lower()))


def _distribute(incs: list[_Incident], listed: list[str]) -> None:
    """"Distributed fatalities over the activities in A, B and C": the paragraph's deaths split evenly over
    the places listed, in the list's order (``verbs.split_fatalities``); places not listed get none."""
    total = sum(sum(_place_deaths(inc)) for inc in incs)
    if not total:
        return
    shares = split_fatalities(total, len(listed))
    keys = [_name_key(n) for n in listed]
    given = [[0] * len(inc.places) for inc in incs]
    used: set[int] = set()
    for inc, deaths in zip(incs, given):
        for i, place in enumerate(inc.places):
            for j, key in enumerate(keys):
                names = {_name_key(place.mention), _name_key(place.match.name or "")} - {""}
                if j not in used and key and any(key in n or n in key for n in names):
                    deaths[i] = shares[j]
                    used.add(j)
                    break
    if not used:
        return  # none of the places listed was drafted: keep the deaths as they were
    for inc, deaths in zip(incs, given):
        inc.place_deaths, inc.fatalities = deaths, sum(deaths)
        inc.notes.append("deaths split over the places the text lists")


_OTHERS = re.compile(r"\b(?:all\s+)?(?:the\s+)?other\s+(?:locations|places|events|areas|towns|villages)\b", re.I)


def _allocate(incs: list[_Incident], allocation: list[tuple[str, int]]) -> None:
    """"with 3 allocated to A, 2 each to B and C, and all other locations allocated 1 each": the deaths of
    the paragraph's places as the text allocates them (``verbs.allocated_deaths``)."""
    lists = [([_name_key(n) for n in re.split(r",\s*(?:and\s+)?|\s+and\s+", names)], n) for names, n in allocation]
    default = next((n for names, n in allocation if _OTHERS.search(names)), 0)
    given = [[default] * len(inc.places) for inc in incs]
    matched = False
    for inc, deaths in zip(incs, given):
        for i, place in enumerate(inc.places):
            names = {_name_key(place.mention), _name_key(place.match.name or "")} - {""}
            for keys, n in lists:
                if any(k and (k in name or name in k) for k in keys for name in names):
                    deaths[i], matched = n, True
                    break
    if not matched:
        return
    for inc, deaths in zip(incs, given):
        inc.place_deaths, inc.fatalities = deaths, sum(deaths)
        inc.notes.append("deaths as the text allocates them to places")


def _place_deaths(inc: _Incident) -> list[int]:
    """Deaths per place of an incident: at the place a sentence named for them, at the first of two places,
    else ACLED's even split over three or more (``verbs.split_fatalities``)."""
    n = len(inc.places)
    if inc.place_deaths is not None and len(inc.place_deaths) == n:
        return list(inc.place_deaths)
    total = inc.fatalities or 0
    if inc.fatality_place is not None or n < _SPLIT_FROM:
        return [total if i == (inc.fatality_place or 0) else 0 for i in range(n)]
    return split_fatalities(total, n)


def _note(inc: _Incident, place: PlaceMention) -> str:
    match = place.match
    if match.name is None:  # a village drafted as written, with no point
        where = f"at {place.mention} (no point)"
    else:
        where = f"{'near' if place.near else 'at'} {match.name}" + (f" ({match.admin1})" if match.admin1 else "")
    parts = [f"Draft: {inc.event.sub_event_type.lower()} ('{inc.event.trigger}') {where}"]
    parts.append(inc.date_basis)
    parts += inc.notes
    if match.status != "matched":
        parts.append(f"place {match.status}: {match.reason}")
    return "; ".join(parts) + "."


def _place_role(place: PlaceMention) -> str:
    if place.role == "reference":
        return "near reference"
    return "near" if place.near else place.role


def draft_events(
    text: str,
    *,
    published: Any,
    source: str | None = None,
    source_url: str | None = None,
    report_id: str | None = None,
    admin1: str | None = None,
    gazetteer: Any = None,
) -> gpd.GeoDataFrame:
    """Draft one event per incident a report describes, attached to gazetteer places.

    Parameters
    ----------
    text
        The report text.
    published
        Publication date of the report (date, datetime, Timestamp or ``YYYY-MM-DD``); dates in the
        text ("on June 25", "late on June 30", "yesterday") are resolved against it.
    source, source_url
        Publisher and address, copied to every draft.
    report_id
        Id of the report; by default a hash of the text. Event ids are ``<report_id>-<n>``.
    admin1
        Governorate the report is about, if known (helps choose among same-name places).
    gazetteer
        A :class:`~conflictmap.gazetteer.Gazetteer`; the bundled one by default.

    Returns
    -------
    geopandas.GeoDataFrame
        The event schema (see ``conflictmap/data/event_columns.csv``) plus ``place_name``; one
        row per incident, place and day, with ``source_sentence``, ``span_start`` and ``span_end``
        pointing into ``text`` and a generated ``notes`` line saying how each field was read.
        Empty (with every column) when the text reports no incident at a known place.

    Raises
    ------
    InputError
        When ``text`` is not a string or ``published`` is not a date.

    Examples
    --------
    >>> draft_events("The weather was fine.", published="2020-07-01").empty
    True
    """
    if not isinstance(text, str):
        raise InputError(f"text must be a string, got {type(text).__name__}", column="text")
    try:
        pub = as_date(published)
    except (TypeError, ValueError):
        raise InputError("published must be a date (YYYY-MM-DD)", column="published", value=published) from None
    report_id = report_id or "R" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
    sentences = split_sentences(text)
    mentions = find_place_mentions(text, gazetteer=gazetteer, admin1=admin1, sentences=sentences)
    rows: list[dict[str, Any]] = []
    for inc in _incidents(text, pub, sentences, mentions):
        if inc.event.sub_event_type == _ABDUCTION and (inc.fatalities or 0) > 0:
            # ACLED: people abducted and killed (or killed beside those abducted) make an attack
            inc.event = replace(inc.event, sub_event_type="Attack")
            inc.notes.append("abduction with deaths: attack")
        deaths = _place_deaths(inc)
        for p_no, place in enumerate(inc.places):
            match = place.match
            for d_no, date in enumerate(inc.dates):
                counted = d_no == 0 and deaths[p_no] > 0
                fatalities = deaths[p_no] if d_no == 0 else 0
                geo_precision = match.geo_precision
                if place.role == "reference" and geo_precision == 1:
                    geo_precision = 2  # drafted near a reference point
                seat = area_seat(place) if inc.area_only else None
                if seat is not None:  # ACLED codes an incident known only by its area at the area's town
                    match = replace(match, longitude=seat.longitude, latitude=seat.latitude,
                                    method=f"{match.method}+seat", reason=f"{match.name}: coded at {seat.name}, "
                                    f"its main town (precision 3)")
                    geo_precision = 3
                rows.append({
                    "event_id_cnty": f"{report_id}-{len(rows) + 1:03d}",
                    "event_date": pd.Timestamp(date.day),
                    "time_precision": date.precision,
                    "event_type": inc.event.event_type,
                    "sub_event_type": inc.event.sub_event_type,
                    "actor1": inc.roles.actor1,
                    "assoc_actor_1": "; ".join(inc.roles.assoc_actor_1) or None,
                    "actor2": inc.roles.actor2,
                    "assoc_actor_2": "; ".join(inc.roles.assoc_actor_2) or None,
                    "admin1": match.admin1 or (match.name if match.feature_type == "admin1" else None),
                    "location": place.mention,
                    "latitude": match.latitude,
                    "longitude": match.longitude,
                    "geo_precision": geo_precision,
                    "fatalities": fatalities,
                    "source": source,
                    "source_url": source_url,
                    "notes": _note(inc, place) + (f" {fatalities} of the incident's {inc.fatalities} deaths counted "
                                                  "at this place and day."
                                                  if counted and (len(inc.places) > 1 or len(inc.dates) > 1)
                                                  and inc.fatalities else ""),
                    "place_id": match.place_id,
                    "match_status": match.status,
                    "match_method": match.method,
                    "match_score": match.score,
                    "match_reason": match.reason or None,
                    "report_id": report_id,
                    "source_sentence": inc.sentence.text,
                    "span_start": inc.sentence.start,
                    "span_end": inc.sentence.end,
                    "place_name": match.name,
                    "place_role": _place_role(place),
                    "type_words": inc.event.trigger,
                    "actor_words": "; ".join(inc.actor_words) or None,
                    "date_words": date.phrase or None,
                    "clause_start": inc.clause.start,
                    "clause_end": inc.clause.end,
                })
    # column by column: pandas reads a list of dicts key by key, row by row
    frame = events_table({name: [row[name] for row in rows] for name in rows[0]}) if rows else pd.DataFrame(
        columns=["event_date", "event_type", "location", *DRAFT_COLUMNS])
    log.info("drafted %d event(s) from report %s", len(rows), report_id)
    return to_geodataframe(validate_events(frame, errors="raise"))


