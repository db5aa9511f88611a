"""Read the event type and the fatality figure of a report sentence.

The word lists live in ``conflictmap/data/event_verbs.csv`` (event words with their ACLED types,
hedges, fatality, injury and capture words, the person nouns a figure counts) and
``conflictmap/data/number_words.csv``.

Examples
--------
>>> classify("ISIS cells ambushed an army unit, killing 2 soldiers.").sub_event_type
'Armed clash'
>>> classify("Artillery shelling targeted positions of HTS.").event_type
'Explosions/Remote violence'
>>> classify("The army captured the village.", state_actor=True).sub_event_type
'Government regains territory'
>>> classify("The road is quiet.") is None
True
>>> count_fatalities("they killed 2 Russian personnel and 2 Syrian soldiers in intense fighting")
4
>>> count_fatalities("killing 2 soldiers, injuring a third one and capturing a vehicle")
2
>>> count_fatalities("captured 2 battle tanks") is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from .schema import read_data_csv

__all__ = ["EventType", "classify", "is_hedged", "count_fatalities", "load_event_verbs"]


@dataclass(frozen=True)
class EventType:
    """The event type a sentence reports, with the words that decided it."""

    event_type: str
    sub_event_type: str
    trigger: str
    start: int
    end: int


@lru_cache(maxsize=1)
def load_event_verbs() -> pd.DataFrame:
    """The event word table (``pattern, kind, event_type, sub_event_type, state_sub_event_type, priority``).

    Examples
    --------
    >>> sorted(load_event_verbs().kind.unique())
    ['capture', 'event', 'fatal', 'hedge', 'injury', 'person']
    """
    table = read_data_csv("event_verbs.csv")
    table["priority"] = pd.to_numeric(table["priority"], errors="coerce").fillna(0)
    return table


def _wrap(pattern: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])(?:" + pattern + r")(?![\w-])", re.IGNORECASE)


@lru_cache(maxsize=1)
def _compiled() -> dict[str, list[tuple[re.Pattern[str], pd.Series]]]:
    out: dict[str, list[tuple[re.Pattern[str], pd.Series]]] = {}
    for _, row in load_event_verbs().iterrows():
        out.setdefault(row["kind"], []).append((_wrap(row["pattern"]), row))
    return out


@lru_cache(maxsize=1)
def _numbers() -> tuple[re.Pattern[str], dict[str, int]]:
    table = read_data_csv("number_words.csv")
    words = {w.lower(): int(v) for w, v in zip(table.word, table.value)}
    alternatives = sorted(words, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w.,-])(?:(?P<digits>\d{1,4})(?![\w.,]\d)|(?P<word>"
                         + "|".join(re.escape(w) for w in alternatives) + r"))(?![\w-])", re.IGNORECASE)
    return pattern, words


def classify(sentence: str, *, state_actor: bool = False) -> EventType | None:
    """The ACLED event and sub-event type a sentence's words suggest, or None.

    Parameters
    ----------
    sentence
        One sentence of a report.
    state_actor
        True when actor1 is a state force (ACLED inter 1): territory taken becomes
        "Government regains territory".

    Examples
    --------
    >>> classify("Late on June 30, fighting resumed near Kansafrah.").trigger
    'fighting'
    >>> classify("The army withdrew from the village after 5 soldiers were killed.").sub_event_type
    'Non-violent transfer of territory'
    """
    best: tuple[float, int, EventType] | None = None
    for kind in ("event", "fatal"):
        for pattern, row in _compiled().get(kind, []):
            m = pattern.search(sentence)
            if not m:
                continue
            sub = row["state_sub_event_type"] if (state_actor and row["state_sub_event_type"]) else row["sub_event_type"]
            found = EventType(row["event_type"], sub, m.group(0), m.start(), m.end())
            rank = (float(row["priority"]), -m.start())
            if best is None or rank > best[:2]:
                best = (rank[0], rank[1], found)
    return best[2] if best else None


def is_hedged(sentence: str) -> bool:
    """True when the sentence states a condition, plan, threat or accusation, not an event.

    Examples
    --------
    >>> is_hedged("HTS says it is ready to accept a ceasefire only if its rivals leave.")
    True
    >>> is_hedged("HTS accepted a ceasefire.")
    False
    """
    return any(p.search(sentence) for p, _ in _compiled().get("hedge", []))


def _spans(sentence: str, kind: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for p, _ in _compiled().get(kind, []) for m in p.finditer(sentence)]


def count_fatalities(sentence: str, *, window: int = 60) -> int | None:
    """Deaths a sentence reports: the sum of the figures next to a death word, or None.

    A figure counts when it is followed (within three words) by a person noun ("soldiers",
    "civilians", ...) and the nearest outcome word within ``window`` characters says death
    ("killed") rather than injury ("wounded") or capture ("captured"). "Several"/"dozens"
    follow ACLED's convention for vague figures.

    Examples
    --------
    >>> count_fatalities("at least 5 soldiers were recently killed in the countryside")
    5
    >>> count_fatalities("resulted in the killing of 8 Syrian troops")
    8
    >>> count_fatalities("three civilians were wounded and two were killed")
    >>> count_fatalities("killed two civilians and wounded 5 others")
    2
    """
    fatal = _spans(sentence, "fatal")
    if not fatal:
        return None
    others = _spans(sentence, "injury") + _spans(sentence, "capture")
    persons = [p for p, _ in _compiled().get("person", [])]
    number_re, words = _numbers()
    total, counted = 0, False
    for m in number_re.finditer(sentence):
        following = re.findall(r"[\w'-]+", sentence[m.end():m.end() + 50])[:3]
        if not any(p.fullmatch(word) for word in following for p in persons):
            continue
        value = int(m.group("digits")) if m.group("digits") else words[m.group("word").lower()]

        def distance(span: tuple[int, int]) -> int:
            return max(span[0] - m.end(), m.start() - span[1], 0)

        near_fatal = min((distance(s) for s in fatal), default=10**6)
        near_other = min((distance(s) for s in others), default=10**6)
        if near_fatal <= window and near_fatal <= near_other:
            total += value
            counted = True
    return total if counted else None
