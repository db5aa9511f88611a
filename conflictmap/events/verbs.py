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
from typing import Any, Sequence

import pandas as pd

from .actors import SUPPORT_PHRASE
from .regex_heads import PatternSet
from .schema import read_data_csv

__all__ = ["EventType", "classify", "has_action", "clause_breaks", "is_hedged", "count_fatalities",
           "unnamed_actor1", "refers_back", "starts_new_incident", "fatal_spans", "first_action",
           "load_event_verbs", "coded_fatalities", "split_fatalities", "distributed_over", "allocated_deaths"]


@dataclass(frozen=True)
class EventType:
    """The event type a sentence reports, with the words that decided it."""

    event_type: str
    sub_event_type: str
    trigger: str
    start: int
    end: int
    kind: str = "event"  # 'fatal' when only a death word ("were killed") decided it


@lru_cache(maxsize=1)
def load_event_verbs() -> pd.DataFrame:
    """The event word table (``pattern, kind, event_type, sub_event_type, state_sub_event_type, priority``).

    Examples
    --------
    >>> sorted(load_event_verbs().kind.unique())[:5]
    ['anaphora', 'background', 'capture', 'claim', 'clause_break']
    """
    table = read_data_csv("event_verbs.csv")
    table["priority"] = pd.to_numeric(table["priority"], errors="coerce").fillna(0)
    return table


_SUPPORT = re.compile(SUPPORT_PHRASE, re.I)
_SUPPORT_END = re.compile(r"[,;.]|\s(?:and|as|while)\s|$")
BACKGROUND_PENALTY = 30  # priority taken from an event word told as background ("after gunmen withdrew")


def _wrap(pattern: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])(?:" + pattern + r")(?![\w-])", re.IGNORECASE)


@lru_cache(maxsize=1)
def _compiled() -> dict[str, list[tuple[re.Pattern[str], dict[str, Any]]]]:
    """The patterns of each kind, in the table's order, with their rows (as dicts: read in hot loops)."""
    out: dict[str, list[tuple[re.Pattern[str], dict[str, Any]]]] = {}
    for _, row in load_event_verbs().iterrows():
        out.setdefault(row["kind"], []).append((_wrap(row["pattern"]), row.to_dict()))
    return out


@lru_cache(maxsize=1)
def _pattern_set() -> PatternSet[dict[str, Any]]:
    """Every pattern of the table, with the texts its matches begin with (``regex_heads``)."""
    return PatternSet([entry for entries in _compiled().values() for entry in entries])


@lru_cache(maxsize=1024)
def _possible(text: str) -> dict[str, list[tuple[re.Pattern[str], dict[str, Any]]]]:
    """The patterns of each kind that may match ``text``, in the table's order: those whose every
    match begins with words ``text`` lacks are left out, as they would find nothing. Kept for the
    latest texts: a clause is searched for several kinds of words, by several functions."""
    out: dict[str, list[tuple[re.Pattern[str], dict[str, Any]]]] = {}
    for entry in _pattern_set().candidates(text):
        out.setdefault(entry[1]["kind"], []).append(entry)
    return out


def _candidates(kind: str, text: str) -> list[tuple[re.Pattern[str], dict[str, Any]]]:
    """The patterns of ``kind`` (with their rows) that may match ``text`` (see :func:`_possible`)."""
    return _possible(text).get(kind, [])


_MONTH_WORDS = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
_MONTH_BEFORE = re.compile(_MONTH_WORDS + r"\s+(?:[0-3]?\d\s*(?:-|and|to)\s*)?$", re.IGNORECASE)
_MONTH_AFTER = re.compile(r"^(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH_WORDS + r"(?![\w])", re.IGNORECASE)


@lru_cache(maxsize=1)
def _numbers() -> tuple[re.Pattern[str], dict[str, int]]:
    table = read_data_csv("number_words.csv")
    words = {w.lower(): int(v) for w, v in zip(table.word, table.value)}
    alternatives = sorted(words, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w.,-])(?:(?P<digits>\d{1,4})(?![\w.,]\d)|(?P<word>"
                         + "|".join(re.escape(w) for w in alternatives) + r"))(?![\w-])", re.IGNORECASE)
    return pattern, words


def _inside(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(a <= start and end <= b for a, b in spans)


# "no casualties were reported", "neither injuries nor fatalities": a death word that says nobody died
_NEGATED = re.compile(r"\b(?:no|nor|neither|without|zero)\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)


def classify(sentence: str, *, state_actor: bool = False,
             ignore: Sequence[tuple[int, int]] = ()) -> EventType | None:
    """The ACLED event and sub-event type a sentence's words suggest, or None.

    Parameters
    ----------
    sentence
        One sentence (or clause) of a report.
    state_actor
        True when actor1 is a state force (ACLED inter 1): territory taken becomes
        "Government regains territory".
    ignore
        Character spans (e.g. actor names such as "5th Assault Corps") inside which an event word
        does not count; a match that only starts or ends inside one ("Turkish drones struck") counts.

    Examples
    --------
    >>> classify("Late on June 30, fighting resumed near Kansafrah.").trigger
    'fighting'
    >>> classify("The army withdrew from the village after 5 soldiers were killed.").sub_event_type
    'Non-violent transfer of territory'
    >>> classify("The 5th Assault Corps deployed.", ignore=[(4, 21)]).sub_event_type
    'Other'
    >>> classify("Turkish drones struck a car.", ignore=[(0, 14)]).sub_event_type
    'Air/drone strike'
    >>> classify("The army regained control of the village after local gunmen withdrew.").sub_event_type
    'Non-state actor overtakes territory'
    >>> classify("No casualties were reported.") is None
    True
    """
    best: tuple[float, int, EventType] | None = None
    background = min((m.start() for p, _ in _candidates("background", sentence) for m in p.finditer(sentence)),
                     default=len(sentence) + 1)
    # "the SDF, backed by coalition air strikes, advanced": the support named aside is not the event
    supports = [(m.end(), min(_SUPPORT_END.search(sentence, m.end()).start(), m.end() + 60))
                for m in _SUPPORT.finditer(sentence)]
    for kind in ("event", "fatal"):
        for pattern, row in _candidates(kind, sentence):
            m = next((m for m in pattern.finditer(sentence) if not _inside(m.start(), m.end(), ignore)
                      and not (kind == "fatal" and _NEGATED.search(sentence[max(0, m.start() - 40):m.start()]))),
                     None)
            if m is None:
                continue
            sub = row["state_sub_event_type"] if (state_actor and row["state_sub_event_type"]) else row["sub_event_type"]
            found = EventType(row["event_type"], sub, m.group(0), m.start(), m.end(), kind)
            told_aside = m.start() > background or (
                row["event_type"] == "Explosions/Remote violence" and _inside(m.start(), m.end(), supports))
            rank = (float(row["priority"]) - (BACKGROUND_PENALTY if told_aside else 0), -m.start())
            if best is None or rank > best[:2]:
                best = (rank[0], rank[1], found)
    return best[2] if best else None


def has_action(text: str) -> bool:
    """True when ``text`` has an event word or an action verb ("struck", "shelled") of its own.

    Examples
    --------
    >>> has_action("and struck Binnish"), has_action("and Binnish")
    (True, False)
    """
    return any(p.search(text) for kind in ("event", "fatal", "clause_verb") for p, _ in _candidates(kind, text))


def first_action(text: str) -> int | None:
    """Offset of the first action verb ("struck", "stormed", ``clause_verb`` words) in ``text``, or None.

    Examples
    --------
    >>> first_action("on the same day, stormed a hideout")
    17
    """
    starts = [m.start() for p, _ in _candidates("clause_verb", text) for m in p.finditer(text)]
    return min(starts) if starts else None


@lru_cache(maxsize=1)
def _breaks() -> re.Pattern[str]:
    breaks = [row["pattern"] for _, row in _compiled().get("clause_break", [])]
    verbs = [row["pattern"] for _, row in _compiled().get("clause_verb", [])]
    events = [row["pattern"] for _, row in _compiled().get("event", [])]
    and_verb = r"\s+and\s+(?=(?:[\w'-]+\s+){0,2}?(?:" + "|".join(verbs + events) + r")(?![\w-]))"
    return re.compile("|".join([f"(?:{b})" for b in breaks] + [and_verb]), re.IGNORECASE)


def clause_breaks(sentence: str) -> list[tuple[int, int]]:
    """Where a sentence may pass from one incident to the next: ``(start, end)`` of each separator.

    The separators are the ``clause_break`` patterns of ``event_verbs.csv`` and a plain "and"
    followed (within two words) by an event word or an action verb.

    Examples
    --------
    >>> s = "Jets bombed Idlib city, killing 11 civilians, and artillery shelled Darat Izza."
    >>> [s[a:b] for a, b in clause_breaks(s)]
    [', and ']
    >>> s = "The army shelled Kafr Ruma and struck Hass."
    >>> [s[a:b] for a, b in clause_breaks(s)]
    [' and ']
    >>> clause_breaks("Clashes between the army and HTS near Kafr Nabl.")
    []
    """
    return [(m.start(), m.end()) for m in _breaks().finditer(sentence) if m.end() > m.start()]


def is_hedged(sentence: str) -> bool:
    """True when the sentence states a condition, plan, threat or accusation, not an event. An
    accusation (``claim`` words) hedges only the event words after it: an event reported before it
    still stands.

    Examples
    --------
    >>> is_hedged("HTS says it is ready to accept a ceasefire only if its rivals leave.")
    True
    >>> is_hedged("HTS accepted a ceasefire.")
    False
    >>> is_hedged("The SDF accused Turkish forces of shelling Ayn Issa.")
    True
    >>> is_hedged("Residents of Saraqib protested after the council was accused of corruption.")
    False
    """
    if any(p.search(sentence) for p, _ in _candidates("hedge", sentence)):
        return True
    claims = [m.start() for p, _ in _candidates("claim", sentence) for m in p.finditer(sentence)]
    return bool(claims) and classify(sentence[:min(claims)]) is None


def fatal_spans(sentence: str) -> list[tuple[int, int]]:
    """Spans of the death words in ``sentence``, in text order.

    Examples
    --------
    >>> s = "Fighters clashed in Jandairis, leaving three dead."
    >>> [s[a:b] for a, b in fatal_spans(s)]
    ['dead']
    """
    return sorted(_spans(sentence, "fatal"))


def _spans(sentence: str, kind: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for p, _ in _candidates(kind, sentence) for m in p.finditer(sentence)]


def tells_earlier_date(text: str, start: int) -> bool:
    """True when the date at ``start`` of ``text`` tells when something before the event happened
    ("died of wounds sustained on 3 June": an ``earlier_date`` phrase of the table ends right before it).

    Examples
    --------
    >>> s = "On 12 June, a man died of wounds he sustained on 3 June."
    >>> tells_earlier_date(s, s.index("3 June")), tells_earlier_date(s, s.index("12 June"))
    (True, False)
    """
    before = text[max(0, start - 80):start]
    return any(m.end() >= len(before.rstrip()) for p, _ in _candidates("earlier_date", before)
               for m in p.finditer(before))


def unnamed_actor1(sub_event_type: str) -> str | None:
    """The actor1 ACLED codes for an event of ``sub_event_type`` whose perpetrator is not named.

    Examples
    --------
    >>> unnamed_actor1("Remote explosive/landmine/IED")
    'Unidentified Armed Group (Syria)'
    >>> unnamed_actor1("Air/drone strike")
    'Unidentified Military Forces (Syria)'
    >>> unnamed_actor1("Arrests") is None
    True
    """
    for _, row in _compiled().get("unnamed_actor1", []):
        if row["sub_event_type"] == sub_event_type:
            return str(row["pattern"])
    return None


def starts_new_incident(text: str) -> bool:
    """True when a sentence says it reports another incident ("In a separate incident", "Elsewhere").

    Examples
    --------
    >>> starts_new_incident("In a separate incident, a bomb exploded."), starts_new_incident("Then it exploded.")
    (True, False)
    """
    return any(p.search(text) for p, _ in _candidates("new_incident", text))


def refers_back(text: str) -> bool:
    """True when ``text`` points back to a place named before ("retook the village", "there").

    Examples
    --------
    >>> refers_back("The SDF retook the village the next day."), refers_back("The SDF advanced.")
    (True, False)
    """
    return any(p.search(text) for p, _ in _candidates("anaphora", text))


# "a child was killed", "a young man died": one person, the subject of a death verb
# "a member of the regime's military intelligence was shot dead": one death, the person's unit after "of"
_ONE_DIED = re.compile(r"^\s+(?:[\w'-]+\s+){1,3}?(?:of\s+(?:the\s+)?(?:[\w'\u2019-]+\s+){1,4}?)?"
                       r"(?:(?:who|whom|whose)\s+[^,.;]{1,80}?\s+)?"
                       r"(?:was|has\s+been|had\s+been)\s+(?:\w+\s+)?"
                       r"(?:killed|shot\s+dead|executed|assassinated|found\s+dead|(?:beaten|stoned|burned|burnt|tortured|starved)"
                       r"\s+to\s+death)\b|^\s+(?:[\w'-]+\s+){1,3}?"
                       r"(?:died|succumbed)\b"
                       # "a woman and her daughter were killed": the first of a pair (the relative: _KIN_AFTER)
                       r"|^\s+(?:[\w'-]+\s+){0,2}?(?:man|woman|child|boy|girl|civilian|person|father|mother|farmer|shepherd|"
                       r"driver)\s+(?:and|along\s+with|together\s+with)\s+(?:his|her)\s+(?:[\w'-]+\s+){0,2}?[\w'-]+\s+"
                       r"(?:were|have\s+been|had\s+been)\s+(?:\w+\s+)?(?:killed|shot\s+dead|executed|found\s+dead)\b", re.I)


# "two were killed and five others injured": a figure whose noun is followed by an injury word alone
_HURT_BARE_AFTER = re.compile(r"^(?:\s+(?!(?:and|or|while|but|as|with|in|at|near|on)\b)[\w'-]+){1,3}?\s+(?:\w+ly\s+)?"
                              r"(?:injured|wounded|hurt)\b", re.I)
_ONE_DEATH = re.compile(r"\b(?:his|her)\s+death\b", re.I)  # "which led to his death": one person
# "he later died", "the driver was killed": one person named before, with no figure
_HE_DIED = re.compile(r"(?<!whether )(?<!\bif )\b(?:(?:he|she)\s+(?:later\s+|subsequently\s+|then\s+|eventually\s+|also\s+)?"
                      r"(?:died|succumbed)|the\s+(?:[\w'-]+\s+)?(?:driver|man|woman|boy|girl|child|civilian|soldier|fighter|"
                      r"commander|officer|member|passenger|rider|shepherd|farmer)\s+(?:later\s+|subsequently\s+|then\s+|"
                      r"eventually\s+|also\s+)?(?:died|succumbed|was\s+killed|was\s+shot\s+dead))\b", re.I)
# "killed the driver", "killing its rider": one person, the singular noun after "the" (or its, his ...) right
# after a death word
_THE_AFTER = re.compile(r"\s+(?:the|its|his|her|their)\s+(?P<words>(?:[\w'-]+\s+){0,2}[\w'-]+)", re.I)
# "a man and his wife", "a woman and her child": one relative more after a counted figure
_KIN_AFTER = re.compile(r"\b(?:(?:an?|one)\s+(?:[\w'-]+\s+){0,2}?(?:man|woman|child|boy|girl|civilian|person|father|mother|"
                        r"farmer|shepherd|driver)|him|her)\s+(?:and|along\s+with|together\s+with)\s+(?:his|her)\s+(?:wife|husband|son|daughter|child|baby|brother|"
                        r"sister|mother|father|nephew|niece|cousin|grandson|granddaughter)\b", re.I)
# "the driver and his companion": one more person after a singular one counted
_COMPANION_AFTER = re.compile(r"\s+(?:and|along\s+with|together\s+with)\s+(?:his|her)\s+(?:wife|husband|son|daughter|child|"
                              r"baby|brother|sister|mother|father|nephew|niece|cousin|grandson|granddaughter|companion|"
                              r"friend|colleague|assistant|bodyguard|escort)\b", re.I)
_PLURAL_NOUNS = frozenset({"people", "men", "women", "children", "police", "personnel", "staff", "troops", "dead"})
# "several civilians were injured": a figure whose own passive verb is an injury or capture
_HURT_AFTER = re.compile(r"^(?:\s+(?!(?:who|whom|that|which)\b)[\w'-]+){1,4}?\s+(?:were|was|have\s+been|has\s+been|had\s+been)\s+(?:\w+\s+)?"
                         r"(?:injured|wounded|hurt|captured|arrested|detained|kidnapped|abducted)\b", re.I)
# what may follow a bare figure after a death verb ("killing three and injuring nine", "killed two.")
_BARE_GAP = re.compile(r"\s*(?:(?:at\s+least|around|about|some|nearly|almost|up\s+to|more\s+than|over|approximately)\s+)?")  # "killing at least three"
_OF_THEM = re.compile(r"\s+of\s+(?:them|the\s+(?:latter|former))\b", re.I)  # "killing one of the latter"
_KILL_BEFORE = re.compile(r"\b(?:kill(?:ed|ing|s)?|execut(?:ed|ing))\s+(?:(?:at\s+least|around|about|some)\s+)?$", re.I)
_BARE_END = re.compile(r"\s*(?:$|[.,;]|and\b|with\b|in\b|while\b|along\s+with\b|together\s+with\b)", re.I)
# where a motive ends: the clause's end or the next clause ("..., and police fired on them")
_MOTIVE_END = re.compile(r"[;.]|,\s*(?:and|but|while|as|when)\b|\s+(?:while|but)\b|$"
                         # "..., who protested against the arrests, killing one protester": the event's own toll
                         r"|,\s*(?:killing|wounding|injuring)\s+(?:at\s+least\s+)?(?:\d|an?\b|one\b|two\b|three\b)")
# between a death word and "a" that is one person: "killing a commander", "the killing of a man"
_ARTICLE_GAP = re.compile(r"\s{1,2}(?:of\s+)?", re.I)


def count_fatalities(sentence: str, *, window: int = 60) -> int | None:
    """Deaths a sentence reports: the sum of the figures next to a death word, or None.

    A figure counts when it is followed (within three words) by a person noun ("soldiers",
    "civilians", ...) and the nearest outcome word within ``window`` characters says death
    ("killed") rather than injury ("wounded") or capture ("captured"). Following ACLED: a range
    ("5 to 8 soldiers", "between 5 and 8") counts its lowest figure, a figure after "including"
    is part of one already counted, "a"/"an" right after a death word is one person, and vague
    words ("several", "dozens") take the values of ``number_words.csv``.

    Examples
    --------
    >>> count_fatalities("at least 5 soldiers were recently killed in the countryside")
    5
    >>> count_fatalities("resulted in the killing of 8 Syrian troops")
    8
    >>> count_fatalities("three civilians were wounded and two were killed")
    >>> count_fatalities("killed two civilians and wounded 5 others")
    2
    >>> count_fatalities("shelling killed four civilians, including two children")
    4
    >>> count_fatalities("between 5 and 8 soldiers were killed")
    5
    >>> count_fatalities("gunmen killed a council member"), count_fatalities("the clashes left dozens dead")
    (1, 12)
    >>> count_fatalities("a car bomb killed two guards and a civilian")
    3
    >>> count_fatalities("a commander who had joined a reconciliation deal last year was shot dead by gunmen")
    1
    >>> count_fatalities("shelling killed a man and his wife"), count_fatalities("shelling wounded a man and his wife")
    (2, None)
    >>> count_fatalities("a drone struck their car, killing 2 of them"), count_fatalities("9 fatalities, 6 of them HTS")
    (2, 9)
    >>> count_fatalities("two people were killed and five others injured"), count_fatalities("the IED killed the driver")
    (2, 1)
    >>> count_fatalities("a mob beat a man to death"), count_fatalities("a detainee was tortured to death")
    (1, 1)
    >>> count_fatalities("a shepherd was killed by a mine"), count_fatalities("killing 1 person")
    (1, 1)
    >>> count_fatalities("a mine exploded near a shepherd, killing him."), count_fatalities("her two sons were killed")
    (1, 2)
    >>> count_fatalities("the killing of 4 people and the injury of several others")
    4
    >>> count_fatalities("rockets hit the market, killing three and injuring nine")
    3
    >>> count_fatalities("rockets hit the town, killing at least three.")
    3
    >>> count_fatalities("strikes killed 30 civilians, including 12 women and 6 children")
    30
    >>> count_fatalities("a child was killed and several civilians were injured by shelling")
    1
    >>> count_fatalities("which led to the killing of a commander"), count_fatalities("Two fatalities were reported.")
    (1, 2)
    >>> count_fatalities("people protested against the killing of a man by gunmen")
    >>> count_fatalities("crowds protested against the killing of a man, and guards shot two protesters dead")
    2
    >>> count_fatalities("guards fired at people protesting against arrests, killing one protester")
    1
    >>> count_fatalities("a sniper shot a fighter, which led to his death")
    1
    >>> count_fatalities("the body of a man who had been kidnapped days earlier was found")
    1
    >>> count_fatalities("gunmen stormed a house and killed him along with his brother")
    2
    >>> count_fatalities("a drone targeted a motorcycle, killing its rider")
    1
    >>> count_fatalities("A woman and her daughter were killed."), count_fatalities("a man and his two sons were killed")
    (2, 3)
    >>> count_fatalities("the strikes killed 45 regime and allied militia fighters")
    45
    """
    fatal = _spans(sentence, "fatal")
    if not fatal:
        return None
    # "protested against the killing of a man": deaths named as a motive are not the event's own
    motives = [(end, _MOTIVE_END.search(sentence, end).start()) for _, end in _spans(sentence, "motive")]
    others = _spans(sentence, "injury") + _spans(sentence, "capture")
    subsets = [end for _, end in _spans(sentence, "subset")]
    persons = [p for p, _ in _compiled().get("person", [])]
    number_re, words = _numbers()
    total, counted = 0, False
    counted_at: set[int] = set()  # where the counted figures begin
    previous_end, previous_value = -100, None
    subset_end: int | None = None
    for m in number_re.finditer(sentence):
        article = m.group("word") is not None and m.group("word").lower() in ("a", "an")
        pronoun = m.group("word") is not None and m.group("word").lower() in ("him", "her")
        after = re.findall(r"[\w'-]+", sentence[m.end():m.end() + 70])
        # "7 regime and allied militia fighters": two sides' words joined by "and" before the noun
        following = after[:5] if len(after) > 2 and after[1].lower() == "and" else after[:3]
        # "killing three and injuring nine": a bare figure right after the death verb counts people
        bare = not article and any(0 <= m.start() - e <= 20 and _BARE_GAP.fullmatch(sentence[e:m.start()])
                                   for _, e in fatal) and (_BARE_END.match(sentence[m.end():]) is not None or (
            # "struck a car carrying commanders, killing 2 of them" (not "9 fatalities, 6 of them HTS")
            _OF_THEM.match(sentence[m.end():]) is not None and _KILL_BEFORE.search(sentence[:m.start()]) is not None))
        if not bare and (pronoun or not any(p.fullmatch(word) for word in following for p in persons)):
            continue  # "him" / "her" count one person right after a death word only ("killing him.")
        if _inside(m.start(), m.end(), motives):
            continue
        value = int(m.group("digits")) if m.group("digits") else words[m.group("word").lower()]
        if counted and bare and (m.group("word") or "").lower() == "both":
            continue  # "carrying two commanders, killing both": the two already counted
        if any(0 <= m.start() - end <= 3 for end in subsets) or (
                subset_end is not None and re.fullmatch(r"[\w\s'-]*?(?:,\s*(?:and\s+)?|\s+and\s+)", sentence[subset_end:m.start()])):
            subset_end = m.end()  # "including 20 women and 7 children": already in the figure before
            continue
        subset_end = None
        if _HURT_AFTER.match(sentence[m.end():m.end() + 80]) or _HURT_BARE_AFTER.match(sentence[m.end():m.end() + 80]):
            continue  # "several civilians were injured": the figure's own verb says what happened to them
        if m.group("digits") and (_MONTH_BEFORE.search(sentence[:m.start()]) or _MONTH_AFTER.match(sentence[m.end():])):
            continue  # the day of a date ("on March 12, losing nine soldiers")

        def distance(span: tuple[int, int]) -> int:
            return max(span[0] - m.end(), m.start() - span[1], 0)

        near_fatal = min((distance(s) for s in fatal), default=10**6)
        near_other = min((distance(s) for s in others), default=10**6)
        listed = previous_value is not None and re.search(r"(?:,|\band)\s+$", sentence[previous_end:m.start()])
        one_died = article and _ONE_DIED.match(sentence[m.end():]) is not None
        if article and not any(_ARTICLE_GAP.fullmatch(sentence[e:m.start()]) for _, e in fatal) and not listed \
                and not one_died and not _inside(m.start(), m.end(), fatal):  # "beat a man to death"
            continue  # "a" is one person right after the death word ("killing a commander") or in a list
            # of figures ("killing two guards and a civilian")
        if (near_fatal <= window or one_died) and near_fatal <= near_other:
            gap = sentence[previous_end:m.start()]
            if previous_value is not None and re.fullmatch(r"\s*(?:-|to|or|and|and up to|or even)\s*", gap, re.I):
                total -= previous_value  # "5 to 8 soldiers": the lowest figure
                value = min(value, previous_value)
            total += value
            counted = True
            previous_end, previous_value = m.end(), value
            counted_at.add(m.start())
    for kin in _KIN_AFTER.finditer(sentence):
        if kin.start() in counted_at:
            total += 1  # "killing a man and his wife": the relative named after a counted person is one more
    for _, end in fatal:
        one = _THE_AFTER.match(sentence, end)
        if one is None or _inside(one.start(), one.end(), motives):
            continue
        for w in re.finditer(r"[\w'-]+", one.group("words")):
            word = w.group(0)
            if any(p.fullmatch(word) for p in persons):
                if not word.lower().endswith("s") and word.lower() not in _PLURAL_NOUNS:
                    total, counted = total + 1, True  # "killed the driver", "killing the local commander"
                    if _COMPANION_AFTER.match(sentence, one.start("words") + w.end()):
                        total += 1  # "killing the driver and his companion": one more
                break
    if not counted and any((_ONE_DEATH.search(sentence, start, end + 1) or _HE_DIED.search(sentence, max(start - 40, 0), end))
                           and not _inside(start, end, motives) for start, end in fatal):
        total, counted = 1, True  # "which led to his death", "he later died": one person, with no figure to count
    return total if counted else None


def coded_fatalities(sentence: str) -> int | None:
    """The figure a coder's note says was recorded ("Unknown number of fatalities coded as 10"), or None.

    ACLED's notes state the figure they coded when a report gives none ("fatalities coded to 10") or
    counts an attacker ("coding fatalities to one to account for the driver"); the ``coded_total``
    patterns of ``event_verbs.csv`` read it.

    Examples
    --------
    >>> coded_fatalities("Casualties on both sides; an unknown number of fatalities coded as 10.")
    10
    >>> coded_fatalities("No victims reported, but coding fatalities to one for the bomber.")
    1
    >>> coded_fatalities("Four soldiers were killed.") is None
    True
    """
    _, words = _numbers()
    for pattern, _ in _candidates("coded_total", sentence):
        m = pattern.search(sentence)
        if m is None:
            continue
        if m.group("n") is None:
            continue
        n = m.group("n").lower()
        if n.isdigit():
            return int(n)
        if n in words and n not in ("a", "an"):
            return words[n]
    return None


def split_fatalities(total: int, parts: int) -> list[int]:
    """ACLED's split of one figure over the events of a note: even shares, the remainder to the first.

    Examples
    --------
    >>> split_fatalities(10, 4), split_fatalities(1, 3), split_fatalities(0, 2)
    ([3, 3, 2, 2], [1, 0, 0], [0, 0])
    """
    if parts <= 0:
        return []
    share, rest = divmod(max(total, 0), parts)
    return [share + (1 if i < rest else 0) for i in range(parts)]


def distributed_over(sentence: str) -> list[str] | None:
    """The places a coder's note says the deaths were split over, in its order, or None.

    Examples
    --------
    >>> distributed_over("Distributed fatalities over the activities in Binnish, Sarmin and Taftanaz.")
    ['Binnish', 'Sarmin', 'Taftanaz']
    >>> distributed_over("Five civilians were killed.") is None
    True
    """
    for pattern, _ in _candidates("distribute", sentence):
        m = pattern.search(sentence)
        if m is None:
            continue
        names = [n.strip(" \t\"'") for n in re.split(r",\s*(?:and\s+)?|\s+and\s+", m.group("places"))]
        return [n for n in names if n] or None
    return None


_ALLOCATED = re.compile(r"(?P<pre>[\w-]+)\s+(?:fatalit(?:y|ies)\s+)?(?:each\s+)?(?:allocated|coded)\s+(?:each\s+)?(?:to|at)\s+"
                        r"|(?:allocated|coded)\s+(?P<post>[\w-]+)(?:\s+(?:additional\s+)?fatalit(?:y|ies))?(?:\s+each)?"
                        r"|(?:,\s*(?:and\s+)?|\s+and\s+)(?P<more>[\w-]+)\s+(?:fatalit(?:y|ies)\s+)?(?:each\s+)?(?:to|at)\s+",
                        re.IGNORECASE)
_LIST_START = re.compile(r".*(?:\bwith\b|\blocations\b,?|\bevents\b,?|:)", re.IGNORECASE | re.DOTALL)
# an allocation starts with one of these words (_ALLOCATED's "and 1 to B" only continues one)
_ALLOCATION_WORD = re.compile(r"allocated|coded", re.IGNORECASE)


def allocated_deaths(sentence: str) -> list[tuple[str, int]]:
    """A coder's allocation of deaths to places ("with 3 allocated to A, 2 each allocated to B and C",
    "with A allocated 4 and B and C allocated 3 each"): ``(text naming the places, deaths each)`` pairs.

    Examples
    --------
    >>> allocated_deaths("11 killed, with 3 allocated to Binnish, 2 each allocated to Sarmin and Taftanaz.")
    [('Binnish', 3), ('Sarmin and Taftanaz', 2)]
    >>> allocated_deaths("10 split between 3 locations, with Binnish allocated 4 and Sarmin and Taftanaz allocated 3 each.")
    [('Binnish', 4), ('Sarmin and Taftanaz', 3)]
    >>> allocated_deaths("3 killed, with 2 fatalities allocated to Binnish and 1 to Sarmin.")
    [('Binnish', 2), ('Sarmin', 1)]
    >>> allocated_deaths("Nothing was allocated.")
    []
    """
    if not _ALLOCATION_WORD.search(sentence):
        return []
    _, words = _numbers()

    def value(token: str) -> int | None:
        t = token.lower()
        return int(t) if t.isdigit() else (words.get(t) if t not in ("a", "an") else None)

    matches = []
    for m in _ALLOCATED.finditer(sentence):
        if value(m.group("pre") or m.group("post") or m.group("more") or "") is None:
            continue
        if m.group("more") and not matches:
            continue  # "and 1 to B" continues an allocation named before it
        matches.append(m)
    out: list[tuple[str, int]] = []
    boundary = 0
    head = _LIST_START.match(sentence[:matches[0].start()]) if matches else None
    if head:
        boundary = head.end()
    for i, m in enumerate(matches):
        if m.group("pre") or m.group("more"):
            end = matches[i + 1].start() if i + 1 < len(matches) else len(sentence)
            names, boundary = sentence[m.end():end], end
            n = value(m.group("pre") or m.group("more"))
        else:
            names, boundary = sentence[boundary:m.start()], m.end()
            n = value(m.group("post"))
        names = re.sub(r"^[\s,]*(?:and\s+)?|[\s,.;]*(?:(?:and|with)\s*)?$", "", names)
        if names and n is not None:
            out.append((names, n))
    return out
