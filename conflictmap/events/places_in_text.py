"""Find the gazetteer places a report text mentions.

Token windows of up to six words are looked up by their transliteration key
(:func:`conflictmap.geocoding.normalize.name_key`), longest first, so "Jisr al-Shughur", "Jisr ash-Shughour"
and "جسر الشغور" all find the same town. A window must look like a name: its words capitalised,
Arabic script, or name particles ("al", "ash") and feature words ("desert", "highway") between
them; a one-word Arabic-script name needs a word such as "في" or "قرية" before it
(``conflictmap/data/place_text_words.csv``). One-word names that are also English words ("Same" and Hama, "Now" and Nawa; the list is
``conflictmap/data/english_place_clashes.csv``) only count mid-sentence and spelled exactly as a
gazetteer name. Words inside actor names ("Hayat Tahrir al-Sham") and links are skipped.

Among same-name places the one that fits the text wins: the governorate the caller gives, the
governorates and places named in the same sentence, then paragraph, then the whole text
("Al-Ruwayha ... in southern Idlib" is Idlib's Ruwayhah, not Deir ez-Zor's). Words around a
mention set its precision and role: "near X", "the countryside of X" (near: precision 2),
"southern Idlib", "Daraa province", "the eastern countryside of Idlib" (the area), "northwest of Ayn
Issa", "rockets fired from X", "towards X", "between X and Y", "sources in X", "A near B" (a reference
point, not the event's place; cues in ``conflictmap/data/place_roles.csv``), "Kahil Jizah" (the
second name only locates the first). A city district ("the Sheikh Maqsoud neighbourhood of Aleppo",
"Aleppo's Salah al-Din district") is kept only at a place within ``PART_KM`` of its city (a gazetteer
``neighbourhood`` when there is one); an unknown district leaves the city as the place, near it.

A place named with its area beside it ("X village in northwest Aleppo", "X town in the south eastern
countryside of Idleb", "X village in B district in the northern countryside of Aleppo", "the X area of
northern Homs") is resolved with all the clues those areas give together: the governorate, the district
or sub-district, and the direction (measured from the area's seat: "northern Hama" is north of the city
of Hama), among the places of that name inside the governorate, other spellings included; when none is
there, it is drafted as written at the area, ``unresolved``, precision 3, never at a namesake elsewhere.

Examples
--------
>>> found = find_places("Late on June 30, fighting resumed near Kansafrah and Al-Ruwayha in southern Idlib.")
>>> found[["mention", "place_id", "admin1", "role"]].values.tolist()
[['Kansafrah', 'gn:168572', 'Idleb', 'location'], ['Al-Ruwayha', 'gn:165178', 'Idleb', 'location'], ['Idlib', 'ocha:SY07', 'Idleb', 'area']]
>>> find_places("He has a shin injury and the same plan.").empty
True
"""

from __future__ import annotations

import bisect
import logging
import re
from collections import defaultdict
from dataclasses import replace
from functools import lru_cache
from typing import Any, Sequence

import pandas as pd

from ..geocoding.matching import (ADMIN_TYPES, TIE_MARGIN, Candidate, Context, Match, NameIndex, decide, haversine_km,
                                  rank)
from ..geocoding.normalize import consonants, is_arabic, name_key, normalize_name
from ..geocoding.query import is_part_word
from .actors import ActorMention, find_actors, side_words, theatre_of
from .place_areas import _fit_to_area
from .place_mention import (_CUE_WINDOW, _DIRECTION, _FEATURE_WORD, _JOIN, _LIST_GAP, _LOCATES_GAP, PlaceMention,
                            _after, _before, _by_sentence, _english_clashes, _Spans, _text_words, admin1_pcode,
                            area_seat)
from .place_facilities import facility_after, resolve_facilities
from .place_generic_words import read_generic_words
from .place_unplaced import _unplaced_villages
from .regex_heads import PatternSet
from .schema import read_data_csv
from .text import Sentence, split_sentences

log = logging.getLogger(__name__)

__all__ = ["PlaceMention", "find_places", "find_place_mentions", "admin1_pcode", "summary_sentence", "area_seat"]

MAX_WORDS = 6
NEARBY_KM = 60.0  # places named together are expected within this distance

# a word, with the apostrophes inside it ("Ma'arrat") and one that ends it ("Izra'", an ayn or hamza)
_TOKEN = re.compile(r"[^\W_]+(?:['\u2019\u02bf\u02be`][^\W_]+)*(?:['\u2019\u02bf\u02be](?=[\s,;:)]|\.(?!\w)|$))?")
_URL = re.compile(r"(?:https?://|www\.)\S+|\]\([^)]*\)")
_REFERENCE_BEFORE = re.compile(rf"\b{_DIRECTION}(?:ern)?\s+of\s+(?:the\s+)?(?:(?:town|city|village)\s+of\s+)?$", re.I)
_KM_BEFORE = re.compile(rf"\b\d+\s*(?:km|kilomet(?:er|re)s?)\s+(?:{_DIRECTION}\s+)?(?:of|from)\s+(?:the\s+)?$", re.I)
_NEAR_BEFORE = re.compile(
    r"\b(?:near|nearby|around|outside|close\s+to|next\s+to|on\s+the\s+outskirts\s+of|outskirts\s+of|"
    r"vicinity\s+of|countryside\s+of|surroundings\s+of|frontlines?\s+(?:of|near))\s+(?:the\s+)?"
    r"(?:(?:villages?|towns?|city|hamlet|area)\s+of\s+)?$", re.I)
_AREA_ADJ_BEFORE = re.compile(
    r"\b(?:(?:north|south|east|west)(?:ern)?|north-?eastern|north-?western|south-?eastern|south-?western|"
    r"northeast|northwest|southeast|southwest|central|rural|greater|eastern\s+rural|western\s+rural)\s+$", re.I)
_THE_BEFORE = re.compile(r"(?<![\w-])the\s+$", re.I)  # "the Badia": English writes a region's name with "the"
_SETTLEMENT_BEFORE = re.compile(r"\b(?:villages?|towns?|city|hamlet|camp)\s+of\s+(?:the\s+)?$", re.I)
_SETTLEMENT_AFTER = re.compile(r"^\s+(?:city|town|village)\b", re.I)
_SETTLEMENT_IN_AREA = re.compile(r"^\s+(?:city|town|village)\s*(?:,\s*)?(?:in|of|near|on)\s+(?:the\s+)?\S*(?-i:[A-Z])",
                                 re.I)
# "the Jobar neighbourhood", "the quarter of X": a city quarter (a village of that name elsewhere is no rival)
_QUARTER_BEFORE = re.compile(r"\b(?:neighbou?rhoods?|quarters?)\s+of\s+(?:the\s+)?$", re.I)
_QUARTER_AFTER = re.compile(r"^\s+(?:neighbou?rhoods?|quarters?)\b", re.I)
# "in Afrin, likely in the vicinity of X": the report narrows the place down; the first is only its area
_NARROWED_AFTER = re.compile(r"^,\s*(?:most\s+)?(?:likely|probably|possibly|reportedly)\s+(?:in|near|at|around)\b", re.I)
_ADMIN_BEFORE = re.compile(r"\b(?:province|governorate|district)\s+of\s+(?:the\s+)?$", re.I)
_ADMIN_AFTER = re.compile(r"^\s+(?:province|governorate)\b", re.I)
_DISTRICT_AFTER = re.compile(r"^\s+district\b", re.I)
_SUBDISTRICT_AFTER = re.compile(r"^\s+(?:sub-?district|township|nahiya)\b", re.I)
_IN_SUBDISTRICT_OF = re.compile(r"\b(?:sub-?district|township|nahiya)\s+of\s+(?:the\s+)?$", re.I)
_AREA_AFTER = re.compile(rf"^\s+(?:{_DIRECTION}(?:ern)?\s+|(?:north|south)\s+(?:eastern|western)\s+)?"
                         r"(?:countryside|outskirts|area|region|desert)\b", re.I)
_POLITICAL_AFTER = re.compile(r"^\s+(?:government|regime|authorities|administration|agreement|accords?|talks|format|"
                              r"news|tv|channel|agency|network|radio|media|press|newspaper)\b"
                              # "Dar'a's factions": armed groups of the place, not an incident place
                              r"|^['\u2019]s\s+(?:(?:armed|rebel|opposition|local)\s+)?(?:factions|rebels|fighters|"
                              r"militias|armed\s+groups|brigades|opposition)\b", re.I)
# "the Abu al-Hasan battalion", "al-Sheikh Othman Battalion": a unit named after a person or place
_UNIT_AFTER = re.compile(r"^(?:\s+(?-i:[A-Z])[\w'\u2019-]*){0,2}\s+(?:battalions?|brigades?)\b", re.I)
# "the Hama Health Directorate", "the Manbij Military Council": a place naming an institution;
# "Aleppo street in Damascus", "Tahrir Square": a street or square named after a place
_INSTITUTION_AFTER = re.compile(r"^(?:\s+[A-Z][\w'\u2019-]*){0,2}\s+(?:Directorate|Council|Police|Committee|Command)\b"
                                r"|^\s+(?i:street|avenue|square)\b")
_ADJECTIVE_BEFORE = re.compile(r"\b(?:pro|anti)-$", re.I)
_ORGANISATION_BEFORE = re.compile(  # capitalised: "the Army of Idlib" names a group, "the army of" does not
    r"\b(?:Army|Council|Brigades?|Battalions?|Division|Front|Movement|Corps|Gathering|Union|Committee|"
    r"Directorate|Regiment|Liberation|Revolutionaries|Shield|Lions|Falcons|Knights|Martyrs|Sons|Men)"
    r"\s+of\s+(?:the\s+)?$")
# "Jaramana city on the outskirts of Damascus", "the X area near Aleppo": a city or area beside the place locates it
_LOCATES_GAP_FEATURE = re.compile(
    r"^\s*,?\s+(?:city|area|neighbou?rhood|district|suburb)\s+(?:(?:on\s+)?the\s+outskirts\s+of|in\s+the\s+vicinity\s+of|"
    r"near|close\s+to|outside)\s+(?:the\s+)?(?:(?:town|city|village)\s+of\s+)?$", re.I)
# "in the Badia near X": a village near a region
_NEAR_GAP = re.compile(r"^\s*,?\s+(?:near|close\s+to|outside|(?:on\s+)?the\s+outskirts\s+of|in\s+the\s+vicinity\s+of)\s+"
                       r"(?:the\s+)?(?:(?:town|city|village)\s+of\s+)?$", re.I)
# "A, Aleppo." / "A town in Idleb": a governorate named after a place in it says where that place is
_CONTEXT_COMMA_GAP = re.compile(r"^\s*,\s*$")
_CONTEXT_IN_GAP = re.compile(rf"^\s*,?\s+(?:(?:{_FEATURE_WORD}\s+)?in|of)\s+(?:the\s+)?$", re.I)  # "X of Idlib"
_CONTEXT_AREA_OF_GAP = re.compile(r"^\s+areas?\s+of\s+(?:the\s+)?$", re.I)
_CONTEXT_END = re.compile(r"^\s*(?:[.,;:)]|$|province\b|governorate\b|\b(?:countryside|desert|suburbs|outskirts)\b)", re.I)
# "the Damascus-Homs highway": the towns a road joins are its ends, not incident places
_ROAD_WORDS = r"(?:highway|road|motorway|railway|route|international\s+road)"
_ROAD_START = re.compile(rf"^\s*-\s*(?:[\w'\u2019]+[ -]){{0,4}}?{_ROAD_WORDS}\b", re.I)
_ROAD_END_BEFORE = re.compile(r"\w\s*-\s*$")
_ROAD_END_AFTER = re.compile(rf"^\s+(?:international\s+)?{_ROAD_WORDS}\b", re.I)
# "on the Ariha road near Kansafrah": a road named after the town it leads to, located by another place
_ROAD_LOCATED_AFTER = re.compile(rf"^\s+{_ROAD_WORDS}\s+(?:near|outside|close\s+to|next\s+to|"
                                 rf"(?:north|south|east|west)\w*\s+of)\s", re.I)
# "Jandairis (Afrin, Aleppo)": the district and governorate ACLED's notes put in brackets after a place
_BRACKET_BEFORE = re.compile(r"\w[\w'\u2019.-]*\s*\((?:[^()]{0,60},\s*)?$")
_BRACKET_AFTER = re.compile(r"^(?:\s*,[^()]{0,60})?\s*\)")
_CITY_AFTER = re.compile(r"^\s+cit(?:y|ies)\b", re.I)


@lru_cache(maxsize=1)
def _role_cues() -> list[tuple[re.Pattern[str], str, str]]:
    """The cues of ``conflictmap/data/place_roles.csv``: (compiled pattern, side, role)."""
    table = read_data_csv("place_roles.csv")
    out = []
    for row in table.itertuples(index=False):
        if row.side == "sentence":
            continue  # sentence cues: see summary_sentence
        body = row.pattern + ("$" if row.side == "before" else "")
        out.append((re.compile(("^" if row.side == "after" else "") + body, re.IGNORECASE), row.side, row.role))
    return out


@lru_cache(maxsize=1)
def _sentence_cues() -> dict[str, re.Pattern[str]]:
    """The ``sentence`` cues of ``place_roles.csv``, one pattern per role (alternatives joined)."""
    table = read_data_csv("place_roles.csv")
    table = table[table.side == "sentence"]
    return {role: re.compile("|".join(f"(?:{p})" for p in group["pattern"]), re.IGNORECASE)
            for role, group in table.groupby("role")}


def summary_sentence(sentence: str) -> str | None:
    """Whether a sentence only sums up what the sentences before it reported: ``"summary"`` when it
    opens with an event noun and the places it hit ("Shelling on A, B and C caused damage.",
    "Clashes in A and B left 10 dead."), ``"bookkeeping"`` when it says how deaths or places were
    counted ("fatalities split between the 3 locations"), else None. After a sentence that reported
    an incident, such a sentence names the places of other reports: it adds to the incidents before
    it and drafts none of its own (cues in ``conflictmap/data/place_roles.csv``, side ``sentence``).

    Examples
    --------
    >>> summary_sentence("Shelling on Kafr Ruma, Hass and Kansafrah caused damage.")
    'summary'
    >>> summary_sentence("Deaths were split evenly between the 2 locations.")
    'bookkeeping'
    >>> summary_sentence("Regime forces shelled Kafr Ruma.") is None
    True
    """
    cues = _sentence_cues()
    text = sentence.strip()
    if "bookkeeping" in cues and cues["bookkeeping"].search(text):
        return "bookkeeping"
    if "summary" in cues and cues["summary"].match(text):
        return "summary"
    return None


@lru_cache(maxsize=1)
def _before_cues() -> PatternSet[str]:
    """The ``before`` cues (searched for at the end of the text before a mention) with their roles; the
    text before a mention is up to ``_CUE_WINDOW`` long and most cues cannot match it (``regex_heads``)."""
    return PatternSet([(pattern, role) for pattern, side, role in _role_cues() if side == "before"])


def _cue_roles(before: str, after: str) -> set[str]:
    roles = {role for pattern, role in _before_cues().candidates(before) if pattern.search(before)}
    return roles | {role for pattern, side, role in _role_cues() if side != "before" and pattern.match(after)}


def _can_be(m: PlaceMention, feature_type: str) -> bool:
    """True when one of the mention's candidates is of ``feature_type`` ("Afrin": a town, a district and a
    sub-district)."""
    return any(c.feature_type == feature_type for c in m.candidates)


@lru_cache(maxsize=16384)
def _kind(token: str) -> str:
    """What a token is to a name: ``arabic``, ``particle`` (al-), ``feature`` (village), ``cap`` or ``lower``
    (kept for the latest tokens: a report repeats its words)."""
    if is_arabic(token):
        return "arabic"
    low = token.lower()
    words = _text_words()
    if low in words.get("particle", ()):
        return "particle"
    if low in words.get("feature", ()):
        return "feature"
    if low in words.get("stopword", ()):
        return "lower"
    if token[:1].isupper():
        return "cap"
    return "lower"


@lru_cache(maxsize=1)
def _name_continuations() -> frozenset[str]:
    """Words that may follow a place name without making it part of a longer one: the qualifiers of
    ``qualifiers.csv`` (village, district, Sharqi, Kabir, ...), the feature and ``site_after`` words."""
    quals = read_data_csv("qualifiers.csv")["word"].str.strip().str.lower()
    words = _text_words()
    return frozenset(quals) | words.get("feature", frozenset()) | words.get("site_after", frozenset())


CITY_POPULATION = 50000  # a city this large names its own quarters ("Homs al-Qadima"): its name followed by more stays


def _inside_longer_name(text: str, toks: list[tuple[str, int, int]], kinds: list[str], i: int, n: int,
                        candidates: list[Candidate], index: NameIndex, last_end: int) -> bool:
    """True when the window ``toks[i:i+n]`` is only part of a longer capitalised name the gazetteer does not
    know: a capitalised word joined before it ("Jaysh Khalid", "Ibn Sina"; not "Northern" or "Turkish", the
    ``name_adjective`` words), or after it a capitalised word or "al-X" ("Tal al-Nabi Yunus", "Liwa al-Quds";
    not a qualifier such as "village" or "Sharqi", and not after a city's name: "Homs al-Qadima"). Two known
    names side by side ("Kahil Jizah": a village and the area it lies in) are two names."""
    if i > 0:
        word = toks[i - 1][0]
        if word[:1].isupper() and kinds[i - 1] in ("cap", "particle") and _JOIN.match(text[toks[i - 1][2]:toks[i][1]]) \
                and word.lower() not in _text_words().get("name_adjective", ()) and toks[i - 1][2] != last_end:
            return True
    j = i + n
    if j >= len(toks) or not _JOIN.match(text[toks[j - 1][2]:toks[j][1]]):
        return False
    word = toks[j][0]
    if word.lower() in _name_continuations():
        return False
    if kinds[j] == "cap" and text[toks[j - 1][2]:toks[j][1]] == " ":
        if name_key(word) in index.key:
            return False  # "Kahil Jizah": the next word is a known name of its own
    elif kinds[j] == "particle" and j + 1 < len(toks) and toks[j + 1][0][:1].isupper() \
            and _JOIN.match(text[toks[j][2]:toks[j + 1][1]]) and toks[j + 1][0].lower() not in _name_continuations():
        if word.lower() == "of" and _known_name_at(text, toks, j + 1, index):
            return False  # "Kansafrah of Idlib": a known place after "of" says where the first one lies
    else:
        return False
    if n == 1 and toks[i][0].lower() in _text_words().get("generic", ()):
        return True  # "Tal al-Nabi Yunus": a generic first word is never the city meant
    return not any(c.feature_type == "settlement" and c.population >= CITY_POPULATION for c in candidates)


def _known_name_at(text: str, toks: list[tuple[str, int, int]], j: int, index: NameIndex) -> bool:
    """True when a known place name (of up to three words) begins at token ``j``."""
    for n in range(1, 4):
        if j + n > len(toks) or (n > 1 and not _JOIN.match(text[toks[j + n - 2][2]:toks[j + n - 1][1]])):
            break
        if name_key(text[toks[j][1]:toks[j + n - 1][2]]) in index.key:
            return True
    return False


def _window_ok(kinds: Sequence[str], words: Sequence[str]) -> bool:
    if not any(k in ("cap", "arabic") for k in kinds):
        return False
    if kinds[0] not in ("cap", "arabic", "particle") or kinds[-1] not in ("cap", "arabic", "feature"):
        return False
    if any(k == "lower" for k in kinds):
        return False
    if len(words) == 1:
        word = words[0]
        if not is_arabic(word) and (word.isupper() and len(word) <= 4):  # acronyms are not places
            return False
    return True


def _is_title_case(sentence: str) -> bool:
    words = [w for w in _TOKEN.findall(sentence) if w[:1].isalpha() and not is_arabic(w)]
    long_words = [w for w in words if len(w) > 3]
    return len(long_words) >= 3 and sum(w[:1].isupper() for w in long_words) >= 0.7 * len(long_words)


def _no_possessive(token: str, start: int, end: int) -> tuple[str, int, int]:
    """"Idlib's" is the token "Idlib" (the possessive is no part of the name)."""
    if len(token) > 3 and token[-2] in "'\u2019" and token[-1] in "sS":
        return token[:-2], start, end - 2
    return token, start, end


def _scan(text: str, sentences: list[Sentence], index: NameIndex, actors: list[ActorMention]) -> list[PlaceMention]:
    masked = _Spans([(m.start(), m.end()) for m in _URL.finditer(text)] + [(a.start, a.end) for a in actors])
    clashes = _english_clashes()
    generic = _text_words().get("generic", frozenset())
    mentions: list[PlaceMention] = []
    looked_up: dict[str, list[Candidate]] = {}  # a report names its places again and again
    for s_no, sentence in enumerate(sentences):
        title = _is_title_case(sentence.text)
        toks = [_no_possessive(m.group(0), sentence.start + m.start(), sentence.start + m.end())
                for m in _TOKEN.finditer(sentence.text)]
        toks = [t for t in toks if not masked.covers(t[1])]
        kinds = [_kind(w) for w, _, _ in toks]
        # joined[j]: token j and the next may belong to one name (only a space or hyphen between them)
        joined = [bool(_JOIN.match(text[toks[j][2]:toks[j + 1][1]])) for j in range(len(toks) - 1)]
        # run[i]: how many tokens from i on are joined and none a plain lower-case word (a name's longest reach)
        run = [0] * (len(toks) + 1)
        for j in range(len(toks) - 1, -1, -1):
            if kinds[j] != "lower":
                run[j] = 1 + (run[j + 1] if j + 1 < len(toks) and joined[j] else 0)
        i = 0
        while i < len(toks):
            found, skip = None, 0
            if kinds[i] not in ("cap", "arabic", "particle") or (
                    toks[i][0] in _ENGLISH_PARTICLES and i + 1 < len(toks) and text[toks[i][2]:toks[i + 1][1]] == " "):
                i += 1  # "an IS-planted mine", "as Turkish forces": English words, no article of a name
                continue
            for n in range(min(MAX_WORDS, run[i]), 0, -1):
                window = toks[i:i + n]
                words = [w for w, _, _ in window]
                if not _window_ok(kinds[i:i + n], words):
                    continue
                start, end = window[0][1], window[-1][2]
                surface = text[start:end]
                key = name_key(surface)
                if not key or (len(key.replace(" ", "")) < 3 and not is_arabic(key)):
                    continue
                # a name of two words or more that no place bears as written may be a vowel variant of
                # one (other vowels, the same consonants: "Maarat Harma"), when it is the whole name
                # ... and so may one word after a preposition ("shelled a hospital in Meshmishan")
                # ... or, written with an article, a Latin reading of a place's Arabic name ("al-Rashdeen" where
                # the place's own Latin name is misspelt; capitalised English words read as Arabic are many)
                known = key in index.key or key.replace(" ", "") in index.compact or (
                    key in index.roman and bool(_WRITTEN_ARTICLE.match(surface)))
                vowels_only = False
                if not known and n == run[i] and (n >= 2 or (i > 0 and toks[i - 1][0].lower() in _PLACE_PREPOSITIONS)):
                    cons = consonants(surface)
                    vowels_only = len(cons) >= 5 and cons in index.cons
                if not known and not vowels_only:
                    continue
                if n == 1 and is_arabic(surface):
                    previous = toks[i - 1][0] if i > 0 else ""
                    cues = _text_words().get("arabic_cue", ())
                    if previous not in cues or surface in cues:
                        continue
                if n == 1 and surface.lower() in generic and i + 1 < len(toks) and (
                        (_kind(toks[i + 1][0]) == "cap" and _JOIN.match(text[end:toks[i + 1][1]]))
                        or text[end:toks[i + 1][1]] == "-"):
                    continue  # "Tal" of an unknown "Tal Baydar", "Bab" of "Bab Tuma", "Deir" of "Deir-e-Zor"
                if n == 1 and not is_arabic(surface) and surface.lower() in clashes:
                    sentence_start = start == toks[0][1]
                    if title or sentence_start or surface.casefold() not in index.exact:
                        continue
                if surface not in looked_up:
                    looked_up[surface] = index.lookup(surface, fuzzy=False)
                candidates = [c for c in looked_up[surface]
                              if c.method in ("exact", "alias", "key", "compact", "romanised")
                              or (vowels_only and c.method == "vowels")]
                if candidates and not title and _inside_longer_name(text, toks, kinds, i, n, candidates, index,
                                                                    mentions[-1].end if mentions else -1):
                    skip = run[i]  # "Jaysh Khalid ibn Walid", "Tal al-Nabi Yunus": no part of the name is a place
                    break
                if candidates:
                    found = PlaceMention(surface, start, end, s_no, sentence.paragraph, candidates)
                    i += n
                    break
            if found is None:
                i += max(skip, 1)
            else:
                mentions.append(found)
    return mentions


_WRITTEN_ARTICLE = re.compile(r"(?i)(?:al|el|a[dnrstz]|ash)-\w")
_ENGLISH_PARTICLES = frozenset({"an", "as", "at"})  # lower-case and before a space: English, not "an-Nabk"
_PLACE_PREPOSITIONS = frozenset({"in", "on", "at", "near", "towards", "of"})
_LIST_LOOKBACK = 3  # mentions before a name that may be listed with it ("A, B and C")


def _fuzzy_list_items(text: str, sentences: list[Sentence], mentions: list[PlaceMention],
                      index: NameIndex) -> list[PlaceMention]:
    """Capitalised words listed with found places ("Kansafrah, Al-Ruwayha and Bayanin"), after "the
    village of" or before "town" / "village" / "city" are looked up with spelling tolerance inside the
    governorates of the text."""
    taken = _Spans([(m.start, m.end) for m in mentions])
    by_sentence = _by_sentence(mentions)
    pcodes = {c.admin1_pcode for m in mentions for c in m.candidates[:1] if c.admin1_pcode}
    extra: list[PlaceMention] = []
    name_re = re.compile(r"(?:(?:al|el|ad|ar|as|ash|at|az)-)?[A-Z][\w'\u2019]+(?:[ -](?:(?:al|el|ash|as|ad|ar|at|az)-)?[A-Z][\w'\u2019]+){0,2}")
    for s_no, sentence in enumerate(sentences):
        in_sentence = by_sentence.get(s_no, [])
        ends = [p.end for p in in_sentence]
        for m in name_re.finditer(sentence.text):
            start, end = sentence.start + m.start(), sentence.start + m.end()
            if taken.overlaps(start, end):
                continue
            before = text[max(sentence.start, start - 60):start]
            # a list gap is short: only the mentions just before can be listed with this name
            k = bisect.bisect_right(ends, start)
            listed = any(_LIST_GAP.match(text[p.end:start]) for p in in_sentence[max(0, k - _LIST_LOOKBACK):k])
            named_a_place = listed or _SETTLEMENT_BEFORE.search(before) is not None
            after = text[end:sentence.end]
            # "X town" with no area after it (with one, the village is looked up inside that area later):
            # only its vowel variants, below
            settlement_after = _SETTLEMENT_AFTER.match(after) and not _SETTLEMENT_IN_AREA.match(after)
            if not (named_a_place or settlement_after):
                continue
            if m.group(0).lower() in _english_clashes() or find_actors(m.group(0)):
                continue
            cands = [c for c in index.lookup(m.group(0), admin1_pcodes=sorted(pcodes), fuzzy=True)
                     if c.method in ("vowels", "fuzzy", "skeleton") and c.score >= 80 and c.feature_type == "settlement"
                     and (not pcodes or c.admin1_pcode in pcodes)]
            if not named_a_place:
                # only "X town" itself says it is a place: other vowels of a known name, not a look-alike
                cands = [c for c in cands if c.method == "vowels"]
            if cands:
                extra.append(PlaceMention(m.group(0), start, end, s_no, sentence.paragraph, cands,
                                          type_hint="settlement"))
    return extra


def _governorate_context(prev: PlaceMention, m: PlaceMention, gap: str, after: str) -> bool:
    """True when ``m`` names the governorate of the place before it ("A, Aleppo.", "A town in Idleb")."""
    pcodes = {c.admin1_pcode for c in m.candidates if c.feature_type == "admin1"}
    if not pcodes or _CITY_AFTER.match(after):
        return False
    if not any(c.admin1_pcode in pcodes for c in prev.candidates):
        return False
    if _CONTEXT_COMMA_GAP.match(gap):
        return bool(_CONTEXT_END.match(after))
    if _CONTEXT_AREA_OF_GAP.match(gap) and _CONTEXT_END.match(after):
        # "the X area of Aleppo": the governorate, unless X may be a part of the city of that name
        cities = [c for c in m.candidates if c.feature_type == "settlement" and c.admin1_pcode in pcodes]
        return not any(haversine_km(p.longitude, p.latitude, c.longitude, c.latitude) <= PART_KM
                       for p in prev.candidates for c in cities)
    return bool(_CONTEXT_IN_GAP.match(gap))


def _qualify(text: str, sentences: list[Sentence], mentions: list[PlaceMention]) -> None:
    for i, m in enumerate(mentions):
        s = sentences[m.sentence]
        before = _before(text, s.start, m.start)
        after = _after(text, m.end, s.end)
        if _REFERENCE_BEFORE.search(before) or _KM_BEFORE.search(before):
            m.reference = True
            m.near = True
        cues = _cue_roles(before, after)
        if "reference" in cues:
            m.reference = True
            m.near = True
        if "near" in cues:
            m.near = True
        if "area" in cues:
            if _can_be(m, "admin1"):
                m.area, m.admin_level = True, 1  # "the eastern countryside of Idlib": the governorate
            else:
                m.near = True  # "the countryside of Kafr Nabl": near the town
        if "frame" in cues and re.match(r"^\s*,", after) and _can_be(m, "admin1"):
            m.area, m.admin_level = True, 1
        if _BRACKET_BEFORE.search(before) and _BRACKET_AFTER.match(after) \
                and any(c.feature_type in (*ADMIN_TYPES, "region") for c in m.candidates):
            m.area, m.extra["bracket"] = True, True  # the area the place before it lies in
            if before.rstrip().endswith("(") and _BRACKET_AFTER.match(after).group(0).lstrip().startswith(",") \
                    and _can_be(m, "admin2"):
                m.admin_level = 2  # "(Al-Hasakeh, Al-Hasakeh)": ACLED's district, then its governorate
            elif not before.rstrip().endswith("(") and _can_be(m, "admin1"):
                m.admin_level = 1
        if _ROAD_START.match(after) or (_ROAD_END_BEFORE.search(before) and _ROAD_END_AFTER.match(after)) \
                or _ROAD_LOCATED_AFTER.match(after):
            m.reference = True
            m.near = True
        if _NEAR_BEFORE.search(before) and "area" not in cues:
            m.near = True
        if _AREA_ADJ_BEFORE.search(before) or _AREA_AFTER.match(after):
            m.area = True
        if _NARROWED_AFTER.match(after):
            if any(c.feature_type in ADMIN_TYPES for c in m.candidates):
                m.area = True
            else:
                m.reference, m.near = True, True
        if _THE_BEFORE.search(before) and not (_SETTLEMENT_BEFORE.search(before) or _QUARTER_BEFORE.search(before)
                                               or _AREA_AFTER.match(after)) \
                and any(c.feature_type == "region" for c in m.candidates):
            # "in the Badia": the region, not a village whose name reads alike
            m.candidates = [c for c in m.candidates if c.feature_type != "settlement"]
        if _SETTLEMENT_BEFORE.search(before) or _SETTLEMENT_AFTER.match(after):
            m.type_hint = "settlement"
        elif _QUARTER_BEFORE.search(before) or _QUARTER_AFTER.match(after):
            m.type_hint = "neighbourhood"
        if _IN_SUBDISTRICT_OF.search(before) and _can_be(m, "admin2"):
            m.admin_level, m.area = 2, True  # "the Sheikh al-Hadid sub-district of Afrin": Afrin district
        elif _ADMIN_BEFORE.search(before) or _ADMIN_AFTER.match(after):
            m.admin_level = 1
        elif _DISTRICT_AFTER.match(after) and not re.match(r"^\s+district\s+of\b", after, re.I):
            m.admin_level = 2
        elif _DISTRICT_AFTER.match(after) and _can_be(m, "admin2"):
            # "Afrin district of Aleppo": a district ("the X district of Aleppo": a city part)
            m.admin_level, m.area = 2, True
        elif _SUBDISTRICT_AFTER.match(after):
            m.admin_level, m.area = 3, True  # "the Bulbul sub-district", "Raju township": the area
        if i > 0:
            prev = mentions[i - 1]
            gap = text[prev.end:m.start] if m.start - prev.end <= _CUE_WINDOW else "\x00"
            facility = facility_after(gap)
            if facility is not None:
                gap = gap[facility[2]:]  # "the X Military Airbase in Idleb": the facility's words are X's
            if m.extra.get("bracket"):
                pass
            elif prev.sentence == m.sentence and _governorate_context(prev, m, gap, after):
                m.area, m.admin_level = True, 1  # "Raju village in northwest Afrin, Aleppo": Aleppo governorate
            elif prev.sentence == m.sentence and _LIST_GAP.match(gap) and _names_governorate(prev) \
                    and _names_governorate(m) and not _CITY_AFTER.match(after) \
                    and not _CITY_AFTER.match(_after(text, prev.end, s.end)):
                # "in Idleb and Hama": two governorates named together are the provinces, not their cities
                for g in (prev, m):
                    g.area, g.admin_level = True, 1
            elif prev.sentence == m.sentence and _LIST_GAP.match(gap):  # "villages of A, B and C"
                m.near = m.near or prev.near
                m.type_hint = m.type_hint or prev.type_hint
                m.reference = m.reference or prev.reference
            elif prev.sentence == m.sentence and re.fullmatch(r"\s+", gap) and not prev.reference:
                m.reference = True  # "Kahil Jizah": the second name locates the first
                m.compound_of = i - 1
            elif prev.sentence == m.sentence and _NEAR_GAP.match(gap) and prev.candidates and not m.area \
                    and not prev.reference and _can_be(m, "settlement") \
                    and (prev.area or all(c.feature_type == "region" for c in prev.candidates)):
                # "in the Badia near X", "in the eastern countryside of Homs near X": the village is where it
                # happened, the region or governorate only its area
                m.near = True
            elif prev.sentence == m.sentence and (_LOCATES_GAP.match(gap) or _LOCATES_GAP_FEATURE.match(gap)) \
                    and (not prev.reference or prev.compound_of is not None) and not m.area \
                    and not _AREA_ADJ_BEFORE.search(before):
                # "shelled Ras al-Ain near Saraqib": the second place locates the first; "Kansafrah in Jabal
                # al-Zawiya near Ariha": the third locates the first too
                m.reference = True
                m.near = True
                m.compound_of = i - 1 if not prev.reference else prev.compound_of


PART_KM = 15.0  # a named district or neighbourhood lies within this distance of its city
_PART_NAME = (r"(?!(?:The|A|An)\s)"  # "The neighbourhood of X": an article starting the sentence names no part
              r"(?:(?:al|el|ash|as|ad|ar|at|az|an)[- ])?[A-Z][\w'\u2019-]*"
              r"(?:[ -](?:(?:al|el|ash|as|ad|ar|at|az|an)-)?[A-Z][\w'\u2019-]*){0,3}")


@lru_cache(maxsize=1)
def _part_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    words = "|".join(sorted(_text_words().get("city_part", frozenset()), key=len, reverse=True)) or "district"
    city = r"(?:the\s+)?(?:city\s+of\s+)?"
    side = r"(?:(?i:north|south|east|west)(?:-(?i:east|west))?\w*\s+)?"  # "north-west of"
    return (
        # "the Sheikh Maqsoud neighbourhood of Aleppo", "the X district west of Aleppo": the text before the city
        re.compile(rf"(?P<part>{_PART_NAME})\s+(?i:{words})\s+{side}(?i:of|in)\s+(?i:{city})$"),
        # "the neighbourhood of Jobar in Damascus"
        re.compile(rf"(?i:\b(?:{words})\s+of\s+)(?P<part>{_PART_NAME})\s+(?i:in|of)\s+(?i:{city})$"),
        # "Aleppo's Salah al-Din district", "Damascus city's X district", "the city of Afrin, in the
        # neighbourhood of X", "Afrin city in the X neighbourhood": the text after the city
        re.compile(rf"^(?:\s+(?i:city))?(?:['\u2019]s\s+(?P<part>{_PART_NAME})\s+(?i:{words})\b"
                   rf"|\s*,?\s+(?i:in|at)\s+(?i:the\s+)(?:(?i:{words})\s+of\s+(?P<part2>{_PART_NAME})(?![\w'\u2019-])"
                   rf"|(?P<part3>{_PART_NAME})\s+(?i:{words})\b))"),
    )


#: "the X area of Aleppo city": an area of a city only when the word city follows the city's name
_AREA_OF_CITY = re.compile(rf"(?P<part>{_PART_NAME})\s+(?i:areas?)\s+(?i:of|in)\s+(?i:the\s+)?$")
_CITY_WORD_AFTER = re.compile(r"^\s+(?i:city)\b")


def _mark_city_parts(text: str, sentences: list[Sentence], mentions: list[PlaceMention]) -> None:
    """Find "X district of Y" / "Y's X district": Y is the city (a settlement), the mentions inside X
    are its part (they must lie near Y, see :func:`_check_city_parts`)."""
    before_re, of_re, after_re = _part_patterns()
    starts = [m.start for m in mentions]
    for j, city in enumerate(mentions):
        s = sentences[city.sentence]
        before, after = _before(text, s.start, city.start), _after(text, city.end, s.end)
        if _AREA_AFTER.match(after) or _ADMIN_AFTER.match(after):
            continue  # "Afrin district in Aleppo northern countryside": the governorate, not a city
        base = city.start - len(before)  # the text offset of before[0]
        # "the X area in Damascus city's Y district": Y, the part the city's name is followed by, first
        found = after_re.match(after)
        if found:
            group = next(g for g in ("part", "part2", "part3") if found.group(g))
            span = (city.end + found.start(group), city.end + found.end(group))
        else:
            found = before_re.search(before) or of_re.search(before) or (
                _AREA_OF_CITY.search(before) if _CITY_WORD_AFTER.match(after) else None)
            if not found:
                continue
            span = (base + found.start("part"), base + found.end("part"))
        if any(span[0] <= m.start and m.end <= span[1] and m.admin_level == 2
               and _can_be(m, "admin2") for m in mentions):
            continue  # "X village in northwest Afrin district of Aleppo": a district of the governorate
        named = next((i for i in range(bisect.bisect_left(starts, span[0]), bisect.bisect_right(starts, span[1]))
                      if (mentions[i].start, mentions[i].end) == span), None)
        if found.re is not after_re and named is not None and _can_be(mentions[named], "admin1") \
                and not _can_be(city, "admin1"):
            # "the Damascus neighbourhood of X": the governorate's city is the city, X its part
            _as_city(mentions[named], (city.start, city.end))
            _as_part(city, named)
            continue
        if not any(c.feature_type == "settlement" for c in city.candidates):
            continue  # "X suburb in Rural Damascus": a governorate, no city that has parts
        _as_city(city, span)
        spans = [span]
        # "the X area in the Y district of Damascus", "the X area in Damascus city's Y district": X lies in
        # the city too (a namesake of X far from it is not the place)
        upto = min(span[0], city.start)
        ahead = _before(text, s.start, upto)
        sub = _AREA_OF_CITY.search(ahead)
        if sub:
            spans.append((upto - len(ahead) + sub.start("part"), upto - len(ahead) + sub.end("part")))
        for lo, hi in spans:
            for m in mentions[bisect.bisect_left(starts, lo):bisect.bisect_right(starts, hi)]:
                if lo <= m.start and m.end <= hi:
                    _as_part(m, j)


def _as_city(city: PlaceMention, span: tuple[int, int]) -> None:
    """Mark ``city`` as the city whose part is named at ``span``: it only locates that part."""
    city.type_hint, city.near, city.reference, city.compound_of = "settlement", True, False, None
    city.area, city.admin_level = False, None
    city.extra["part_span"] = span


def _as_part(m: PlaceMention, city: int) -> None:
    """Mark ``m`` as a neighbourhood of the city mention at index ``city``."""
    m.extra["part_of"] = city
    m.type_hint, m.reference, m.compound_of, m.near = "neighbourhood", False, None, False


def _check_city_parts(index: NameIndex, mentions: list[PlaceMention]) -> list[PlaceMention]:
    """Keep a named city part only at a place near its city (else drop it: "the Salah al-Din district
    of Aleppo" is no village of that name elsewhere); the city then locates the part, or, when the part
    is unknown, is the incident's place with precision 2."""
    dropped: set[int] = set()
    for i, m in enumerate(mentions):
        j = m.extra.get("part_of")
        if j is None:
            continue
        city = mentions[j].match
        if city is None or m.match is None:
            dropped.add(i)
            continue
        near = [c for c in m.candidates
                if haversine_km(c.longitude, c.latitude, city.longitude, city.latitude) <= PART_KM]
        if not near:
            dropped.add(i)
            continue
        if haversine_km(m.match.longitude, m.match.latitude, city.longitude, city.latitude) > PART_KM:
            ranked = rank(index, near, Context(anchors=((city.longitude, city.latitude, PART_KM),)))
            m.match = decide(index, m.mention, ranked)
    parts_kept: dict[int, int] = {}
    for i, m in enumerate(mentions):
        j = m.extra.get("part_of")
        if j is not None and i not in dropped:
            parts_kept.setdefault(j, i)
    for j, i in parts_kept.items():
        mentions[j].reference, mentions[j].compound_of = True, i  # the city only locates its known part
    if dropped:
        log.debug("dropped %d city-part mention(s) far from their city", len(dropped))
    return [m for i, m in enumerate(mentions) if i not in dropped]


def _spelled_city_parts(index: NameIndex, text: str, mentions: list[PlaceMention]) -> list[PlaceMention]:
    """The named part of a city that no mention found ("the Kawairas district of Damascus" when the
    gazetteer spells the district with other vowels): looked up with spelling tolerance among the city's own
    neighbourhoods and districts (within ``PART_KM`` of it), so the city locates its part instead of
    being the incident place. A part no neighbourhood there resembles is left to the city."""
    out: list[PlaceMention] = []
    for j, city in enumerate(mentions):
        span = city.extra.get("part_span")
        if span is None or city.compound_of is not None or city.match is None or city.match.longitude is None:
            continue
        part = re.sub(r"^(?i:the)\s+", "", text[span[0]:span[1]])
        near = [c for c in index.lookup(part, fuzzy=True) if c.feature_type == "neighbourhood"
                and haversine_km(c.longitude, c.latitude, city.match.longitude, city.match.latitude) <= PART_KM]
        if not near:
            continue
        context = Context(anchors=((city.match.longitude, city.match.latitude, PART_KM),))
        found = decide(index, part, rank(index, near, context))
        if found.place_id is None:
            continue
        start = span[1] - len(part)
        out.append(PlaceMention(part, start, span[1], city.sentence, city.paragraph, near, type_hint="neighbourhood",
                                match=found, extra={"part_of": j, "spelled_part": True}))
        city.reference, city.compound_of = True, len(mentions) + len(out) - 1  # the city only locates its part
    return out


def _evidence(mentions: list[PlaceMention], level: str) -> dict[int, set[str]]:
    """Governorates named unambiguously, by sentence or paragraph number (``level``), or in the whole
    text (``level`` "text", key 0)."""
    out: dict[int, set[str]] = defaultdict(set)
    for m in mentions:
        pcodes = {c.admin1_pcode for c in m.candidates if c.admin1_pcode}
        if m.admin_level == 1 or m.area:  # "Hama countryside", "A, Aleppo.": the governorate, not a namesake
            pcodes = {c.admin1_pcode for c in m.candidates if c.feature_type == "admin1" and c.admin1_pcode} or pcodes
        key = 0 if level == "text" else getattr(m, level)
        if len(pcodes) == 1:
            out[key] |= pcodes
        else:
            out.setdefault(key, set())
    return out


_MAX_ANCHORS = 40  # distinct places of a sentence that may help choose among a mention's namesakes


def _anchors(points: dict[tuple[float, float], int], position: int) -> tuple[tuple[float, float, float], ...]:
    """The distinct points of a sentence's resolved places as anchors; in a sentence naming more than
    ``_MAX_ANCHORS`` distinct places, the ones named closest to ``position``."""
    chosen = list(points)
    if len(chosen) > _MAX_ANCHORS:
        chosen = sorted(chosen, key=lambda p: abs(points[p] - position))[:_MAX_ANCHORS]
    return tuple((lon, lat, NEARBY_KM) for lon, lat in chosen)


_AREA_ORDER = ("admin1", "admin2", "admin3", "region")


def _area_candidates(m: PlaceMention) -> list[Candidate]:
    """For a mention named as an area ("southern Idlib", "Daraa province") keep only the areas of
    the level asked for, else the highest level present: the governorate, not its namesake
    district, sub-district or capital. With no level asked ("the X area"), a region of that name
    stays beside them for the ranking to weigh."""
    if not (m.area or m.admin_level):
        return m.candidates
    regions = [] if m.admin_level else [c for c in m.candidates if c.feature_type == "region"]
    wanted = [f"admin{m.admin_level}"] if m.admin_level else [t for t in _AREA_ORDER if t != "region"]
    for ftype in wanted:
        found = [c for c in m.candidates if c.feature_type == ftype]
        if found:
            return found + regions
    return regions or m.candidates


_NO_ANCHOR_TYPES = (*ADMIN_TYPES, "region", "road")  # an area's or a highway's point locates nothing near it


def _is_point(m: PlaceMention) -> bool:
    """A resolved place that locates the others of its sentence (a city's part does not: its city does,
    and the part is checked against the city only afterwards)."""
    return m.match is not None and m.match.status == "matched" and m.match.feature_type not in _NO_ANCHOR_TYPES \
        and m.extra.get("part_of") is None


def _names_governorate(m: PlaceMention) -> bool:
    """A bare name a governorate bears ("Idleb and Hama"): its city or the governorate is meant, not a
    namesake village the places named beside it would draw it to."""
    if m.area or m.admin_level or m.type_hint == "neighbourhood":
        return False
    key = name_key(m.mention)
    return any(c.feature_type == "admin1" and key in (name_key(c.name), name_key(c.matched_name)) for c in m.candidates)


_PART_UNKNOWN_PENALTY = 10.0  # a name's own place, its part word unknown, below a vowel variant of the whole name


def _join_parts(text: str, index: NameIndex, mentions: list[PlaceMention]) -> list[PlaceMention]:
    """"al-Karak al-Sharqi", "Luwaybdah al-Sharqiyah": a part word (Sharqi, Tahtani, Kabir ...) right after a
    name is part of that name, not a place of its own. The whole name is looked up by a known spelling or a
    vowel variant; when the gazetteer has no such place the name's place is kept (see :func:`_part_not_known`)."""
    out: list[PlaceMention] = []
    for m in mentions:
        _with_base_places(index, m)
        prev = out[-1] if out else None
        if prev is None or prev.sentence != m.sentence or not is_part_word(m.mention) \
                or not re.fullmatch(r"\s+", text[prev.end:m.start]):
            out.append(m)
            continue
        whole = text[prev.start:m.end]
        found = [c for c in index.lookup(whole) if c.method in ("exact", "alias", "key", "compact", "vowels")]
        if any(c.method != "vowels" for c in found):
            prev.candidates = [c for c in found if c.method != "vowels"]
        else:
            prev.extra["part_not_known"], prev.extra["base_name"] = m.mention, prev.mention
            if found:
                # only a vowel variant of the whole name (in another governorate, maybe): the name's own places,
                # the part unknown, stay candidates a step below it, for the area named to choose among
                prev.extra["base_ids"] = frozenset(c.place_id for c in prev.candidates)
                prev.candidates = found + [c._replace(score=c.score - _PART_UNKNOWN_PENALTY) for c in prev.candidates]
        prev.end, prev.mention = m.end, whole
    return out


def _with_base_places(index: NameIndex, m: PlaceMention) -> None:
    """"Nasriyeh al-Sharqiya" read whole as a vowel variant of a name elsewhere: the places of its name
    without the part word (Nasriyeh) are candidates too, a step below, for the area named to choose."""
    words = m.mention.split()
    if len(words) < 2 or not is_part_word(words[-1]) or any(c.method != "vowels" for c in m.candidates):
        return
    base = [c for c in index.lookup(" ".join(words[:-1]), fuzzy=False)
            if c.method in ("exact", "alias", "key", "compact")]
    if base:
        m.extra["part_not_known"], m.extra["base_name"] = words[-1], " ".join(words[:-1])
        m.extra["base_ids"] = frozenset(c.place_id for c in base)
        m.candidates = m.candidates + [c._replace(score=c.score - _PART_UNKNOWN_PENALTY) for c in base]


def _part_not_known(mentions: list[PlaceMention]) -> None:
    """A name whose part word the gazetteer does not know ("X Tahtani" where only X is known) is placed at
    X, near it (precision 2), and is no promise."""
    for m in mentions:
        part = m.extra.get("part_not_known")
        if part and m.match is not None and m.match.place_id and m.match.place_id in m.extra.get(
                "base_ids", (m.match.place_id,)):
            m.match = replace(m.match, status="ambiguous", geo_precision=max(m.match.geo_precision or 1, 2),
                              reason=f"{m.mention!r} not in the gazetteer; placed at {m.match.name}, which it is part of")


TOWN_KM = 25.0  # a place said to lie in a town lies within this distance of the town's point
_IN_GAP = re.compile(r"^\s+in\s+(?:the\s+)?(?:(?:town|city)\s+of\s+)?$", re.I)


def _in_its_town(text: str, mentions: list[PlaceMention]) -> None:
    """"Shells fell on Bishwara in Damascus": a place said to lie in a town is none of its namesakes far from
    that town. When every place of its name lies farther than :data:`TOWN_KM`, it is drafted as written near
    the town (precision 2, ``unresolved``); a city quarter named as such is left to the city-part steps."""
    for r in mentions:
        if not r.reference or r.compound_of is None or r.match is None or r.match.status != "matched" \
                or r.match.feature_type != "settlement":
            continue
        m = mentions[r.compound_of]
        if m.match is None or m.match.feature_type not in ("settlement", "neighbourhood") or m.area or m.reference \
                or m.type_hint == "neighbourhood" \
                or m.extra.get("part_of") is not None or not _IN_GAP.match(text[m.end:r.start]):
            continue
        if any(haversine_km(c.longitude, c.latitude, r.match.longitude, r.match.latitude) <= TOWN_KM
               for c in m.candidates):
            continue
        m.match = replace(r.match, query=m.mention, status="unresolved", geo_precision=2,
                          method="near the town named beside it",
                          reason=f"no place called {m.mention!r} in or near {r.match.name}; placed near it")
        m.extra["unplaced"] = True


def _admin_named(m: PlaceMention) -> bool:
    """A governorate or district named as such ("Hama countryside", "Afrin district"), or a bare governorate
    name: an admin area, not a point the places named beside it would choose among namesakes."""
    return bool(m.admin_level) or (m.area and _can_be(m, "admin1")) or _names_governorate(m)


_OFF_CONTEXT = frozenset({"outside admin hint", "far from context"})  # rank()'s notes on a candidate off the context


def _resolve(index: NameIndex, mentions: list[PlaceMention], admin1: str | None) -> None:
    hint = admin1_pcode(admin1, index) if admin1 else None
    by_sentence = _evidence(mentions, "sentence")
    by_paragraph = _evidence(mentions, "paragraph")
    whole = _evidence(mentions, "text")[0] if mentions else set()
    # the points of each sentence's resolved places (anchors for the others), with where each was named;
    # the minimum distance to any anchor is what counts, so one point stands for all its mentions
    points: dict[int, dict[tuple[float, float], int]] = defaultdict(dict)
    answers: dict[tuple[Any, ...], Match] = {}  # a name named again in the same context gets the same answer

    def answer(m: PlaceMention, context: Context) -> Match:
        """``decide(rank(...))`` for the mention in ``context`` (both are pure: an answer is kept for the report)."""
        candidates = _area_candidates(m)
        want_area = m.area or bool(m.admin_level)
        key = (m.mention, tuple(candidates), context, want_area, m.type_hint, m.near, m.area)
        if key not in answers:
            ranked = rank(index, candidates, context, want_area=want_area, type_hint=m.type_hint)
            if not m.admin_level and len(candidates) < len(m.candidates) and ranked \
                    and _OFF_CONTEXT & set(ranked[0].notes):
                # "the Al-Mallah area north of Aleppo": an admin area of the name far from where the text
                # places it is no better than the place of that name there
                every = rank(index, m.candidates, context, want_area=want_area, type_hint=m.type_hint)
                if every and not _OFF_CONTEXT & set(every[0].notes):
                    ranked = every
            answers[key] = decide(index, m.mention, ranked, near=m.near, area=m.area)
        return answers[key]

    # first the mentions that have one possible governorate, then the others with their help
    order = sorted(range(len(mentions)), key=lambda i: len({c.admin1_pcode for c in mentions[i].candidates}))
    for i in order:
        m = mentions[i]
        options = {c.admin1_pcode for c in m.candidates if c.admin1_pcode}
        pcodes: set[str] = set()
        for level in ({hint} if hint else set(), by_sentence[m.sentence], by_paragraph[m.paragraph], whole):
            if level & options:
                pcodes = level & options
                break
        # a governorate or district named as such, or a bare governorate name, is not drawn to the points
        # named beside it
        anchors = () if _admin_named(m) else _anchors(points[m.sentence], m.start)
        context = Context(admin1_pcodes=frozenset(pcodes), anchors=anchors,
                          prefer_admin_level=m.admin_level, strict_admin=bool(pcodes))
        m.match = answer(m, context)
        if _is_point(m):
            points[m.sentence].setdefault((m.match.longitude, m.match.latitude), m.start)
    # a second pass lets a mention resolved later help one resolved earlier
    for m in mentions:
        if m.match is not None and m.match.status == "ambiguous" and not _admin_named(m):
            anchors = _anchors(points[m.sentence], m.start)
            if anchors:
                context = Context(anchors=anchors, prefer_admin_level=m.admin_level)
                m.match = answer(m, context)
                if _is_point(m):
                    points[m.sentence].setdefault((m.match.longitude, m.match.latitude), m.start)


def _prefer_theatre(index: NameIndex, sentences: list[Sentence], mentions: list[PlaceMention],
                    actors: list[ActorMention]) -> None:
    """Where the actors a mention's sentence names (else its paragraph) have fought (``theatre_of``) weighs on
    its answer: among same-name places that match equally well, the one in those governorates is taken
    ("Turkish forces shelled X" is the X of the northern governorates), and an answer outside them is no
    promise (17 of the 18 matched answers of ACLED's notes it holds back were another place), unless an area
    named beside the place says where it lies. Either way the answer is ``ambiguous``: where an actor fights
    is a prior, not a proof."""
    if not sentences or not actors:
        return
    starts = [s.start for s in sentences]
    by_sentence: dict[int, list[ActorMention]] = defaultdict(list)
    by_paragraph: dict[int, list[ActorMention]] = defaultdict(list)
    for actor in actors:
        k = max(bisect.bisect_right(starts, actor.start) - 1, 0)
        by_sentence[k].append(actor)
        by_paragraph[sentences[k].paragraph].append(actor)
    theatres: dict[int, tuple[frozenset[str], tuple[str, ...]]] = {}
    paragraph_theatres: dict[int, tuple[frozenset[str], tuple[str, ...]]] = {}
    for m in mentions:
        match = m.match
        if match is None or match.status not in ("ambiguous", "matched") or not match.candidates or m.area \
                or m.admin_level or m.extra.get("fitted_to_area") or m.extra.get("in_named_area") \
                or match.candidates[0].place_id != match.place_id:
            continue
        if m.sentence not in theatres:  # once per sentence: a paragraph may name thousands of actors
            theatres[m.sentence] = theatre_of(by_sentence[m.sentence])
            if not theatres[m.sentence][0]:
                if m.paragraph not in paragraph_theatres:
                    paragraph_theatres[m.paragraph] = theatre_of(by_paragraph[m.paragraph])
                theatres[m.sentence] = paragraph_theatres[m.paragraph]
        govs, named = theatres[m.sentence]
        top = match.candidates[0]
        if not govs or top.admin1 in govs:
            continue
        who = " and ".join(named)
        tied = [c for c in match.candidates if top.score - c.score < TIE_MARGIN]
        inside = [c for c in tied if c.admin1 in govs]
        if inside:
            pick = inside[0]
            new = decide(index, m.mention, [pick, *(c for c in match.candidates if c is not pick)], near=m.near,
                         area=m.area)
            m.match = replace(new, status="ambiguous", reason=(
                f"{len(tied)} places match equally well; the one in {pick.admin1} is taken, where {who} fought"))
        elif match.status == "matched":
            m.match = replace(match, status="ambiguous",
                              reason=f"it lies in {top.admin1}, outside the governorates where {who} fought")


def find_place_mentions(text: str, *, gazetteer: Any = None, admin1: str | None = None,
                        sentences: list[Sentence] | None = None) -> list[PlaceMention]:
    """The :class:`PlaceMention` objects behind :func:`find_places`, in text order."""
    if not isinstance(text, str):
        from ..errors import InputError

        raise InputError(f"text must be a string, got {type(text).__name__}", column="text")
    if gazetteer is None:
        from ..gazetteer import get_gazetteer

        gazetteer = get_gazetteer()
    index = NameIndex.for_gazetteer(gazetteer)
    sentences = split_sentences(text) if sentences is None else sentences
    actors = find_actors(text)
    mentions = _scan(text, sentences, index, actors)
    mentions += _fuzzy_list_items(text, sentences, mentions, index)
    # "the Damascus government", "the Sochi agreement": a name used for an actor or an accord
    # ... and "the Abu al-Hasan battalion": a name before a unit word names the unit
    mentions = [m for m in mentions
                if not (_POLITICAL_AFTER.match(after := _after(text, m.end, sentences[m.sentence].end))
                        or _UNIT_AFTER.match(after) or _INSTITUTION_AFTER.match(after))]
    # "Hayaat Tahrir al-Sham" spelt so that only "Tahrir al-Sham" is known: a capitalised word right
    # before an organisation's capitalised name is part of that name
    name_starts = _actor_name_starts(actors)
    mentions = [m for m in mentions if not (m.mention[:1].isupper() and _starts_after_space(text, m.end, name_starts))]
    # "the Free Army of Idlib", "the Military Council of Quneitra": a place in an organisation's name;
    # "a pro-Afrin demonstration": a place in an adjective
    mentions = [m for m in mentions
                if not _ORGANISATION_BEFORE.search(before := _before(text, sentences[m.sentence].start, m.start))
                and not _ADJECTIVE_BEFORE.search(before)]
    mentions.sort(key=lambda m: m.start)
    mentions = _join_parts(text, index, mentions)
    read_generic_words(text, index, mentions)
    _qualify(text, sentences, mentions)
    _mark_city_parts(text, sentences, mentions)
    _resolve(index, mentions, admin1)
    _in_its_town(text, mentions)
    mentions = _check_city_parts(index, mentions)
    mentions += _spelled_city_parts(index, text, mentions)
    mentions.sort(key=lambda m: m.start)
    _fit_to_area(text, sentences, index, mentions)
    _prefer_theatre(index, sentences, mentions, actors)
    resolve_facilities(text, index, mentions)
    _part_not_known(mentions)
    mentions += _unplaced_villages(text, sentences, mentions, index, admin1)
    mentions.sort(key=lambda m: m.start)
    _one_place_per_name(mentions)
    _one_place_per_slash(text, mentions)
    return mentions


def _actor_name_starts(actors: list[ActorMention]) -> frozenset[int]:
    """Where the text names an organisation by a capitalised name of two words or more ("Tahrir al-Sham",
    not "HTS" nor a side and a force: "Turkish forces")."""
    sides = side_words()
    return frozenset(a.start for a in actors
                     if a.text[:1].isupper() and len(a.text.split()) > 1 and a.text.split()[0].lower() not in sides)


def _starts_after_space(text: str, end: int, starts: frozenset[int]) -> bool:
    """Whether one of ``starts`` follows ``end`` after spaces alone."""
    j = end
    while j < len(text) and text[j] == " ":
        j += 1
    return j > end and j in starts


def _evidence_strength(m: PlaceMention) -> int:
    """How well a mention's answer is supported: 3 placed with the area named beside it, 2 matched,
    1 a best guess, 0 none."""
    if m.match is None or (m.match.place_id is None and not m.extra.get("unplaced")):
        return 0
    if m.extra.get("fitted_to_area") or (m.extra.get("unplaced") and m.match.place_id is not None):
        return 3
    return 2 if m.match.status == "matched" else 1


def _name_of(m: PlaceMention) -> str:
    return re.sub(r"^(?:al|el|a[dhrstz]|ash)[- ]", "", normalize_name(m.mention).casefold())


def _one_place_per_name(mentions: list[PlaceMention]) -> None:
    """A name written twice in one paragraph is one place: every mention of it takes the answer of
    the mention with the strongest support ("X village in northern Hama ... shelling on X"), so a
    bare repeat is not resolved again to a namesake elsewhere. Areas and a city's parts keep their own."""
    groups: dict[tuple[int, str], list[PlaceMention]] = defaultdict(list)
    for m in mentions:
        if m.role == "area" or m.extra.get("part_of") is not None or m.match is None:
            continue
        groups[(m.paragraph, _name_of(m))].append(m)
    for group in groups.values():
        if len(group) < 2:
            continue
        lead = max(group, key=lambda m: (_evidence_strength(m), -m.start))
        strength = _evidence_strength(lead)
        for m in group:
            if m is lead or _evidence_strength(m) >= strength or m.match.place_id == lead.match.place_id:
                continue
            m.match = replace(lead.match, query=m.mention)
            if lead.extra.get("unplaced"):
                m.extra["unplaced"] = True
            m.extra["same_name_as"] = lead.start


def _one_place_per_slash(text: str, mentions: list[PlaceMention]) -> None:
    """Two names of one place joined by a slash ("A/B village"): the better supported name is the place;
    the other becomes a reference to it, so the place is drafted once."""
    for a, b in zip(mentions, mentions[1:]):
        if a.sentence != b.sentence or text[a.end:b.start] != "/" or a.role == "area" or b.role == "area":
            continue
        keep, other = (b, a) if _slash_strength(b) > _slash_strength(a) else (a, b)
        other.reference, other.near, other.area = True, True, False
        other.extra.pop("unplaced", None)
        other.extra["same_place_as"] = keep.start


def _slash_strength(m: PlaceMention) -> tuple[bool, bool]:
    """Which of two names of one place to keep: a name the gazetteer knows, then a 'matched' one."""
    known = m.match is not None and m.match.place_id is not None and not m.extra.get("unplaced")
    return known, known and m.match.status == "matched"


def find_places(text: str, *, gazetteer: Any = None, admin1: str | None = None) -> pd.DataFrame:
    """Every gazetteer place a text mentions, with its span and the place chosen for it.

    Parameters
    ----------
    text
        Report text (English with Latin or Arabic-script names, or Arabic).
    gazetteer
        A :class:`~conflictmap.gazetteer.Gazetteer`; the bundled one by default.
    admin1
        Governorate the text is about, if known (any spelling, or a P-code such as ``SY07``).

    Returns
    -------
    pandas.DataFrame
        One row per mention in text order: ``mention, start, end, sentence, paragraph, role``
        (location / area / reference), ``near``, ``place_id, place_name, feature_type, admin1,
        admin1_pcode, longitude, latitude, geo_precision, match_status`` (matched / ambiguous),
        ``match_method, match_score, match_reason, candidates`` (place ids, best first).

    Examples
    --------
    >>> find_places("اشتباكات في جسر الشغور")[["mention", "place_id"]].values.tolist()
    [['جسر الشغور', 'gn:169023']]
    >>> find_places("Shelling hit Kashal Ubayd, northwest of Ayn Issa.")[["mention", "role", "admin1"]].values.tolist()
    [['Kashal Ubayd', 'location', 'Ar-Raqqa'], ['Ayn Issa', 'reference', 'Ar-Raqqa']]
    """
    rows = []
    for m in find_place_mentions(text, gazetteer=gazetteer, admin1=admin1):
        match = m.match
        rows.append({
            "mention": m.mention, "start": m.start, "end": m.end, "sentence": m.sentence,
            "paragraph": m.paragraph, "role": m.role, "near": m.near,
            "place_id": match.place_id, "place_name": match.name, "feature_type": match.feature_type,
            "admin1": match.admin1 or (match.name if match.feature_type == "admin1" else ""),
            "admin1_pcode": match.admin1_pcode or "",
            "longitude": match.longitude, "latitude": match.latitude,
            "geo_precision": match.geo_precision, "match_status": match.status,
            "match_method": match.method, "match_score": match.score, "match_reason": match.reason,
            "candidates": [c.place_id for c in match.candidates],
        })
    columns = ["mention", "start", "end", "sentence", "paragraph", "role", "near", "place_id", "place_name",
               "feature_type", "admin1", "admin1_pcode", "longitude", "latitude", "geo_precision",
               "match_status", "match_method", "match_score", "match_reason", "candidates"]
    return pd.DataFrame(rows, columns=columns)
