"""Draft events from report text, already attached to gazetteer places.

Each sentence that reports an incident (an event word such as "ambushed", "airstrikes",
"shelled", "clashes", "captured", "withdrew" and at least one place) gives one draft per place and
per day it names. The date is resolved against the publication date; a sentence without one takes
the date of the sentence before it in the paragraph, else the publication date with week
precision. Actors come from the curated actor list, with the actors of the paragraph filling in
for "they" or a missing side; fatalities are the figures next to death words. A sentence that only
names an area ("fighting in southern Idlib") adds its actors to the paragraph's drafts of the same
type at named places instead of making its own. Sentences that state a condition or a plan
("ready to accept a ceasefire only if ...") give no draft.

Every draft keeps the sentence and its character span so an analyst can accept or fix it.

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

import datetime as _dt
import hashlib
import logging
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import pandas as pd

from ..errors import InputError
from .actors import Roles, assign_roles, find_actors
from .dates import DateMention, as_date, find_dates
from .io import to_geodataframe
from .places_in_text import PlaceMention, find_place_mentions
from .schema import validate_events
from .text import Sentence, split_sentences
from .verbs import EventType, classify, count_fatalities, is_hedged

log = logging.getLogger(__name__)

__all__ = ["draft_events"]


@dataclass
class _Incident:
    sentence: Sentence
    event: EventType
    roles: Roles
    dates: list[DateMention]
    date_basis: str
    places: list[PlaceMention]
    area_only: bool
    fatalities: int | None
    notes: list[str] = field(default_factory=list)


def _places_for(sentence_no: int, mentions: list[PlaceMention]) -> tuple[list[PlaceMention], bool]:
    """The places a sentence's incident happened at, and whether they are only areas."""
    here = [m for m in mentions if m.sentence == sentence_no and m.match is not None and m.match.place_id]
    locations = [m for m in here if m.role == "location"]
    if locations:
        return locations, False
    references = [m for m in here if m.role == "reference" and m.compound_of is None]
    if references:  # "south of al-Mayadin": near the reference place
        return references, False
    areas = [m for m in here if m.role == "area"]
    return areas, bool(areas)


def _fill_actors(roles: Roles, context: Roles | None) -> list[str]:
    notes: list[str] = []
    if context is None:
        return notes
    if roles.actor1 is None and context.actor1 and context.actor1 != roles.actor2:
        roles.actor1, roles.assoc_actor_1, roles.inter1 = context.actor1, list(context.assoc_actor_1), context.inter1
        notes.append("actor1 from the paragraph")
    if roles.actor2 is None:
        for name in [context.actor2, context.actor1]:
            if name and name != roles.actor1:
                roles.actor2 = name
                roles.assoc_actor_2 = list(context.assoc_actor_2) if name == context.actor2 else []
                notes.append("actor2 from the paragraph")
                break
    return notes


def _without_actors(text: str, actors: list) -> str:
    for actor in actors:
        text = text[:actor.start] + " " * (actor.end - actor.start) + text[actor.end:]
    return text


def _incidents(text: str, published: _dt.date, sentences: list[Sentence],
               mentions: list[PlaceMention]) -> list[_Incident]:
    incidents: list[_Incident] = []
    paragraph_roles: dict[int, Roles] = {}
    paragraph_dates: dict[int, list[DateMention]] = {}
    for s_no, sentence in enumerate(sentences):
        actors = find_actors(sentence.text)
        roles = assign_roles(sentence.text, actors)
        plain = _without_actors(sentence.text, actors)  # "5th Assault Corps" is no assault
        event = classify(plain, state_actor=roles.inter1 == 1)
        dates = find_dates(sentence.text, published)
        context = paragraph_roles.get(sentence.paragraph)
        if roles.actor1 or roles.actor2:
            paragraph_roles[sentence.paragraph] = Roles(roles.actor1, roles.actor2, list(roles.assoc_actor_1),
                                                        list(roles.assoc_actor_2), roles.inter1)
        if event is None or is_hedged(sentence.text):
            if dates:
                paragraph_dates[sentence.paragraph] = [d for d in dates if d.precision == 1] or dates
            continue
        places, area_only = _places_for(s_no, mentions)
        if not places:
            log.debug("sentence %d reports %s but names no place", s_no, event.sub_event_type)
            continue
        notes = _fill_actors(roles, context)
        if roles.inter1 == 1 and event.sub_event_type == "Non-state actor overtakes territory":
            event = classify(plain, state_actor=True) or event
        if dates:
            basis = "date from the sentence"
            dates = [d for d in dates if d.precision == 1] or dates
            paragraph_dates[sentence.paragraph] = dates
        elif sentence.paragraph in paragraph_dates:
            dates, basis = paragraph_dates[sentence.paragraph], "date from the paragraph"
        else:
            dates = [DateMention(published, 2, -1, -1, "")]
            basis = "no date given: report date, week precision"
        incidents.append(_Incident(sentence, event, roles, dates, basis, places, area_only,
                                   count_fatalities(sentence.text), notes))
    return _absorb_area_incidents(incidents)


def _absorb_area_incidents(incidents: list[_Incident]) -> list[_Incident]:
    """An incident placed only at an area ("fighting in southern Idlib") is the same incident as
    one of the same type at named places in its paragraph: give that one its actors and drop it."""
    kept: list[_Incident] = []
    for inc in incidents:
        if inc.area_only:
            partners = [o for o in incidents if o is not inc and not o.area_only
                        and o.sentence.paragraph == inc.sentence.paragraph
                        and o.event.event_type == inc.event.event_type
                        and any(p.match.admin1_pcode == a.match.admin1_pcode for p in o.places for a in inc.places)]
            if partners:
                for other in partners:
                    other.notes += _fill_actors(other.roles, inc.roles)
                continue
        kept.append(inc)
    return kept


def _note(inc: _Incident, place: PlaceMention) -> str:
    match = place.match
    where = f"{'near' if place.near else 'at'} {match.name}" + (f" ({match.admin1})" if match.admin1 else "")
    parts = [f"Draft: {inc.event.sub_event_type.lower()} ('{inc.event.trigger}') {where}"]
    parts.append(inc.date_basis)
    parts += inc.notes
    if match.status != "matched":
        parts.append(f"place {match.status}: {match.reason}")
    return "; ".join(parts) + "."


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
        for p_no, place in enumerate(inc.places):
            match = place.match
            for date in inc.dates:
                fatalities = (inc.fatalities or 0) if p_no == 0 else 0
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
                    "geo_precision": match.geo_precision,
                    "fatalities": fatalities,
                    "source": source,
                    "source_url": source_url,
                    "notes": _note(inc, place) + (" Sentence fatalities counted at its first place."
                                                  if p_no == 0 and len(inc.places) > 1 and inc.fatalities else ""),
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
                })
    frame = pd.DataFrame(rows) if rows else pd.DataFrame(columns=["event_date", "event_type", "location"])
    log.info("drafted %d event(s) from report %s", len(rows), report_id)
    return to_geodataframe(validate_events(frame, errors="raise"))


