"""Villages the gazetteer does not know, named as such ("the village of X", "X town", "X (...)", listed
between two villages it knows: "Kansafrah, X and Maarzaf", or what an attack fell on in an area: "shelled X
in Idleb").

Such a name is still an incident place: it is drafted as written, at the area named beside it, near
the town that locates it, at the one governorate its paragraph names or the report's, or with no
point at all (:func:`_unplaced_villages`), ``unresolved``, so the analyst sees it.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import defaultdict
from dataclasses import replace

from ..geocoding.matching import Candidate, Context, Match, NameIndex, decide, rank
from ..geocoding.query import leading_names
from .actors import find_actors
from .dates import _MONTHS, _WEEKDAYS
from .place_areas import _AREA_NEAR, _area_clues_after, _clues_of, _resolve_in_area, _unplaced_at
from .place_mention import (_LOCATES_GAP, PlaceMention, _by_sentence, _english_clashes, _is_area_type, _Spans,
                            _text_words, admin1_pcode, area_seat)
from .text import Sentence

_NAME = r"\b(?:(?:[Aa]l|[Ee]l|[Aa][dhrstz]|[Aa]sh)[- ])?[A-Z][\w'\u2019]+(?:[ -](?:(?:al|el|ad|ar|as|ash|at|az)[- ])?[A-Z][\w'\u2019]+){0,3}"


_SIDE = r"(?i:north|south|east|west)\w*(?:[\s-](?i:north|south|east|west)\w*)?"
# a site named after a place that a report locates in part of an area ("X mountains in northern Y")
_SITE = r"(?:\s+(?i:mountains?|hills?|plain|valley|(?:defen[cs]e\s+)?base|(?:archa?eological\s+)?site|ruins))?"
_UNPLACED = re.compile(rf"\b(?i:villages?|towns?|hamlet)\s+of\s+(?:the\s+)?(?P<a>{_NAME})|(?P<b>{_NAME})\s+(?i:village|town)\b"
                       rf"|(?P<c>{_NAME})\s+\((?=[^()]{{1,80}}\))"
                       # "took control of X in northern Afrin": a name said to lie in a direction of an area
                       rf"|(?:(?<=\b(?:of|on|in|at) )|(?<=\b(?:of|on|in|at) the )|(?<=\bincluding ))(?<!area of )(?P<d>{_NAME})(?={_SITE}\s+in\s+(?:the\s+)?{_SIDE}\s+"
                       rf"(?:(?i:countryside|desert|outskirts)\s+of\s+(?:the\s+)?)?[A-Z])"
                       # "the X area of northern Aleppo": an area known by a place's name
                       rf"|(?P<e>{_NAME})(?=\s+(?i:area)\s+(?i:of|in)\s)")


_DIRECTION_IN = re.compile(r"\bin\s+(?:the\s+)?(?:north|south|east|west)")
# "shelled Kansafrah, X and Maarzaf": a name between two places of one list, as the gap between them reads
_LIST_MEMBER = re.compile(rf"\s*,\s*(?P<f>{_NAME})\s*(?:,\s*(?:and\s+)?|,?\s+and\s+)$")
# "shelled X in Idleb", "captured X in the countryside of Hama": a name an ``acted_on`` verb of
# place_text_words.csv falls on, followed by the area it lies in
_IN_AREA = rf"(?=\s*,?\s+in\s+(?:the\s+)?(?:{_SIDE}\s+)?(?:(?i:countryside|outskirts|desert)\s+of\s+(?:the\s+)?)?[A-Z])"


@functools.lru_cache(maxsize=1)
def _acted_on() -> re.Pattern[str]:
    verbs = "|".join(sorted(map(re.escape, _text_words().get("acted_on", frozenset())), key=len, reverse=True))
    return re.compile(rf"\b(?i:{verbs or '(?!)'})\s+(?:the\s+)?(?P<g>{_NAME}){_IN_AREA}")


_CALENDAR = frozenset(_WEEKDAYS) | frozenset(_MONTHS)  # "targeted Monday in Idleb" names a day, not a village
_LIST_LAST = re.compile(rf"\s*,?\s+and\s+(?P<h>{_NAME}){_IN_AREA}")
# "X town in Daraa": only "in" between the village and a governorate's seat
_IN_ONLY = re.compile(r"\s*,?\s+(?:(?i:village|town|hamlet)\s+)?in\s+")


def _unplaced_villages(text: str, sentences: list[Sentence], mentions: list[PlaceMention],
                       index: NameIndex, admin1: str | None = None) -> list[PlaceMention]:
    """Villages named as such ("the village of X", "X town") whose name as written is no gazetteer name.
    With the governorate or district named just after them ("X town in Hama countryside") they are
    looked up inside that area with spelling tolerance (another spelling of a village there, see
    :func:`_resolve_in_area`), else drafted at the area, precision 3; a town that locates them ("X
    village in the countryside of Azaz") places them near it, precision 2; else the one governorate
    their paragraph names (or the report's ``admin1``), precision 3; with no area anywhere they have
    no point at all. Always status ``unresolved`` (so that the analyst sees the incident) and never
    moved to a place of another name outside the area."""
    taken = _Spans([(m.start, m.end) for m in mentions] + [(a.start, a.end) for a in find_actors(text)])
    clashes = _english_clashes()
    stop = _text_words().get("stopword", frozenset())
    generic = _text_words().get("generic", frozenset())
    by_sentence = _by_sentence(mentions)
    paragraph_areas, several_areas, given_area = _paragraph_governorates(mentions, index, admin1)
    out: list[PlaceMention] = []
    for s_no, sentence in enumerate(sentences):
        in_sentence = by_sentence.get(s_no, [])
        starts = [m.start for m in in_sentence]
        for group, name, start, end in _named_villages(text, sentence, in_sentence):
            first = name.split()[0].split("-")[0].lower()
            # an English word heads no village name ("Now village"), but a generic head of a longer name does
            # ("Tell Kursi": tell, tall, bab ... begin names of hills, gates, springs)
            english = first in clashes and not (first in generic and len(re.split(r"[\s-]+", name)) > 1)
            if taken.overlaps(start, end) or english or first in stop or first in ("the", "a", "an"):
                continue
            if group == "c" and name.isupper() and " " not in name:
                continue  # "IRAM (improvised rocket-assisted munitions)", "a BMP (...)": an acronym explained, no village
            first_after = bisect.bisect_left(starts, end)
            near = in_sentence[first_after:bisect.bisect_right(starts, end + _AREA_NEAR)]
            areas = [m for m in near if m.match is not None and m.match.place_id
                     and (m.role == "area" or _is_area_type(m.match.feature_type))]
            town = next((m for m in near if m.match is not None and m.match.place_id and not _is_area_type(m.match.feature_type)
                         and _LOCATES_GAP.match(text[end:m.start])), None)
            governorate = None
            if town is not None and not areas and _IN_ONLY.fullmatch(text, end, town.start):
                # "X town in Daraa": the governorate, not the city of its name (both read alike)
                governorate = _governorate_of_seat(town)
                if governorate is not None:
                    town.reference = True
                    areas, town = [governorate], None
            if areas and (town is None or areas[0].start < town.start):
                # the areas read together when they follow the village ("X town in B district in
                # northern A"), else the first area named after it alone ("X town and its
                # surroundings in A")
                clues = _area_clues_after(text, end, in_sentence, first_after, sentence.end) \
                    if governorate is None else _clues_of(governorate)
                loose = clues is None  # an area further off: a look-alike spelling there is too weak a sign
                if loose and group == "e":
                    continue  # "the Kilis area of Turkey, near X in northern Afrin": Afrin is not its area
                clues = clues or _clues_of(areas[0])
                # "the X area of Y" names no settlement: another spelling of one there, not a look-alike
                placed = _resolve_in_area(index, name, clues, type_hint="settlement",
                                          look_alikes=not loose and group != "e") if clues is not None else None
                if placed is not None:
                    out.append(PlaceMention(name, start, end, s_no, sentence.paragraph, list(placed.candidates),
                                            type_hint="settlement", match=placed,
                                            extra={"fitted_to_area": clues.areas[0].mention}))
                    continue
                match = _leading_words_place(index, name, areas[0].match.admin1_pcode) or _unplaced_at(
                    areas[0].match, name, "not in the gazetteer", seat=area_seat(areas[0]))
            elif town is not None:
                # "X village in the northern countryside of Afrin": near the town that locates it, which
                # is no incident place of its own
                town.reference, town.near = True, True
                match = replace(town.match, query=name, status="unresolved", geo_precision=2,
                                method="near the town named beside it",
                                reason=f"not in the gazetteer; placed near the town named beside it ({town.match.name})")
            elif group in ("c", "d", "e", "g", "h"):
                continue  # "Name (...)", "X in northern ...", "X area of ...", "shelled X in ..." with no area
                # beside them: no village
            elif sentence.paragraph in paragraph_areas:
                named = paragraph_areas[sentence.paragraph]
                match = _leading_words_place(index, name, named.match.admin1_pcode) or _unplaced_at(
                    named.match, name, "not in the gazetteer", "the one governorate its paragraph names",
                    "governorate of the paragraph", seat=area_seat(named))
            elif given_area is not None and sentence.paragraph not in several_areas:
                match = _leading_words_place(index, name, given_area.admin1_pcode) or _unplaced_at(
                    given_area, name, "not in the gazetteer", "the report's governorate", "governorate of the report")
            else:
                match = _leading_words_place(index, name, None) or Match(
                    query=name, status="unresolved", method="as written",
                    reason="not in the gazetteer, and the text names no area it lies in: no point")
            out.append(PlaceMention(name, start, end, s_no, sentence.paragraph, [], match=match,
                                    extra={"unplaced": True}))
    return out


_WHOLE_NAME_METHODS = ("exact", "alias", "key", "compact")  # a known spelling of the whole of the leading words


def _leading_words_place(index: NameIndex, name: str, admin1_pcode: str | None) -> Match | None:
    """"Kansafrah al-Bishwara" when only Kansafrah is known: the settlement its leading words name by a known
    spelling (in the governorate ``admin1_pcode`` when the text names one), as a best guess near it
    (``ambiguous``, precision 2), as the geocoder places such a name; else None."""
    for base in leading_names(name):
        cands = [c for c in index.lookup(base, fuzzy=False) if c.method in _WHOLE_NAME_METHODS
                 and c.feature_type == "settlement" and admin1_pcode in (None, c.admin1_pcode)]
        if cands:
            context = Context(admin1_pcodes=frozenset({admin1_pcode} if admin1_pcode else ()))
            found = decide(index, base, rank(index, cands, context, type_hint="settlement", spelling=base))
            return replace(found, query=name, status="ambiguous", geo_precision=2, method="leading words",
                           reason=f"not in the gazetteer; its leading words name {found.name}, placed there")
    return None


def _governorate_of_seat(town: PlaceMention) -> PlaceMention | None:
    """``town`` (a governorate's seat: Daraa, Idlib, Hama ...) read as the governorate of its name, or
    None when the town is no such seat."""
    match = town.match
    if match is None or match.feature_type != "settlement" or not match.admin1_pcode:
        return None
    cand = next((c for c in town.candidates if c.feature_type == "admin1" and c.admin1_pcode == match.admin1_pcode
                 and c.method in ("exact", "alias", "key")), None)
    if cand is None:
        return None
    return replace(town, match=_governorate_match(town.mention, cand), area=True, reference=False, near=False)


def _governorate_match(query: str, cand: Candidate) -> Match:
    """A governorate candidate as the matched area an unknown village is drafted at (precision 3)."""
    return Match(query=query, status="matched", place_id=cand.place_id, name=cand.name,
                 longitude=cand.longitude, latitude=cand.latitude, feature_type="admin1",
                 admin1=cand.admin1 or cand.name, admin1_pcode=cand.admin1_pcode, geo_precision=3)


def _named_villages(text: str, sentence: Sentence, in_sentence: list[PlaceMention]) -> list[tuple[str, str, int, int]]:
    """``(group, name, start, end)`` of the names a sentence gives as villages: those :data:`_UNPLACED`
    finds ("the village of X", "X town", "X (...)" ...), and a name listed between two places the
    text names as villages ("Kansafrah, X and Maarzaf"), group ``f``."""
    out = []
    low = sentence.text.lower()
    if "village" in low or "town" in low or "hamlet" in low or "(" in low or "area" in low or _DIRECTION_IN.search(low):
        for found in _UNPLACED.finditer(sentence.text):
            group = next(g for g in "abcde" if found.group(g))
            out.append((group, found.group(group), sentence.start + found.start(group), sentence.start + found.end(group)))
    if " in " in sentence.text:
        seen = {x[2] for x in out}
        for found in _acted_on().finditer(sentence.text):
            name = found.group("g")
            if sentence.start + found.start("g") not in seen and name.lower() not in _CALENDAR:
                out.append(("g", name, sentence.start + found.start("g"), sentence.start + found.end("g")))
    for before, after in zip(in_sentence, in_sentence[1:]):
        if after.start <= before.end or not all(m.match is not None and m.match.feature_type == "settlement"
                                                 and not m.area for m in (before, after)):
            continue  # a list of villages, not of city quarters or areas
        gap = _LIST_MEMBER.match(text, before.end, after.start)
        if gap is not None and gap.end() == after.start:
            out.append(("f", gap.group("f"), gap.start("f"), gap.end("f")))
        elif re.fullmatch(r"\s*,\s*", text[before.end:after.start]):
            # "Kansafrah, Maarzaf and X in Jabal al-Zawiya": the list's last name, with the area after it
            last = _LIST_LAST.match(text, after.end, sentence.end)
            if last is not None:
                out.append(("h", last.group("h"), last.start("h"), last.end("h")))
    return sorted(out, key=lambda x: x[2])


def _paragraph_governorates(mentions: list[PlaceMention], index: NameIndex,
                            admin1: str | None) -> tuple[dict[int, PlaceMention], set[int], Match | None]:
    """Where a village named without its area lies: per paragraph, the one governorate it names as such;
    the paragraphs that name several (no answer); and the report's ``admin1`` as an area, for every
    paragraph that names none."""
    named: dict[int, dict[str, PlaceMention]] = defaultdict(dict)
    for m in mentions:
        if m.match is not None and m.match.feature_type == "admin1" and m.match.admin1_pcode and m.role == "area":
            named[m.paragraph].setdefault(m.match.admin1_pcode, m)
    one = {p: next(iter(g.values())) for p, g in named.items() if len(g) == 1}
    several = {p for p, g in named.items() if len(g) > 1}
    given = None
    if admin1:
        pcode = admin1_pcode(admin1, index)
        cand = next((c for c in index.lookup(admin1, fuzzy=False) if c.feature_type == "admin1"
                     and c.admin1_pcode == pcode), None) if pcode else None
        if cand is not None:
            given = _governorate_match(admin1, cand)
    return one, several, given
