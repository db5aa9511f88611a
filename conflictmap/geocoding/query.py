"""Parse location strings as reports write them into a name and its context.

"Kansafra, Jabal al-Zawiya, south of Idlib" -> name ``Kansafra`` with context
``Jabal al-Zawiya`` and ``Idlib``; "countryside of Aleppo" -> name ``Aleppo`` marked as the
area around it; "al Zayniyeh village" -> name ``al Zayniyeh`` with a settlement hint;
"Idlib District" -> name ``Idlib`` at admin level 2. The qualifier words live in
``conflictmap/data/qualifiers.csv``.

Examples
--------
>>> q = parse_location("Kansafra, Jabal al-Zawiya, south of Idlib")
>>> q.name, q.context
('Kansafra', ('Jabal al-Zawiya', 'Idlib'))
>>> q = parse_location("near the village of Kafr Nabl")
>>> q.name, q.near
('Kafr Nabl', True)
>>> parse_location("Daraa province").admin_level
1
>>> parse_location("western countryside of Aleppo").area
True
>>> parse_location("Kafr Nabl, southern Idlib countryside").bearings
(('Idlib', 'S'),)
>>> q = parse_location("the Midan district of Damascus")
>>> q.name, q.context, q.type_hint
('Midan', ('Damascus',), 'neighbourhood')
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .._data import data_rows
from .normalize import compact_key, is_arabic, is_generic, normalize_name

__all__ = ["ParsedQuery", "parse_location", "name_without_parts", "split_direction", "direction_words",
           "facility_words", "BEARINGS"]

MAX_QUERY_CHARS = 300

_SPLIT = re.compile(r"\s*(?:[,;،؛|()\[\]]|\s-\s|\s–\s|\s—\s)\s*")
_ALTERNATIVES = re.compile(r"\s*/\s*|\s+or\s+|\s+أو\s+", re.I)
_ALSO = re.compile(r"\s+and\s+|\s*&\s*", re.I)
_DISTANCE = re.compile(r"\b\d+(?:[.,]\d+)?\s*(?:km|kms|kilometers|kilometres|kilometer|kilometre|miles|mi)\b\.?", re.I)
# "the Saraqib-Ariha road": a road named after the towns it joins is between them (not "Deir ez-Zor road")
_ROAD_BETWEEN = re.compile(r"^(?:the\s+)?(?P<ends>[^\W\d_][\w'\u2019 \u2013\u2014-]*?)\s+(?:international\s+)?"
                           r"(?:road|highway|motorway)$", re.I)
_ARTICLES = frozenset({"al", "el", "ez", "ed", "ad", "ash", "as", "at", "az", "ar", "an", "es", "er"})
_LEADING_JUNK = re.compile(r"^(?:the|in|at|of|on|from|and|or|within|inside|around|between)\s+", re.I)
_QUALIFIER_TAILS = ("of", "the", "to", "from", "في", "of:")
_TRAILING_JUNK = re.compile(r"\s+(?:area|areas|region|vicinity|outskirts|environs)$", re.I)


@dataclass(frozen=True)
class ParsedQuery:
    """A location string split into its parts.

    Attributes
    ----------
    text : the cleaned full string
    name : the place name to look up
    context : other parts (admin areas, regions or towns it lies in or near), most specific first
    near : the string said "near", "south of", "outside" ... the place (precision 2)
    area : the string named the area around a place ("countryside of X", "X countryside")
    admin_level : 1/2/3 when the string said "province", "district", "sub-district"
    type_hint : a feature type hint from words such as "village" or "town"
    alternatives : other names the string offers for the same place ("X/Y", "X or Y")
    also : other places the string names beside it ("X and Y"): the event spans them
    detail : what follows a colon ("Hajin: house near the mosque"), a site inside the place
    site : the string named a site (camp, school, junction ...) at or near the place
    bearings : (context part, compass bearing) for a context part with a direction word before it
        ("Kafr Nabl, southern Idlib" gives ``(("Idlib", "S"),)``)
    road : the string named a road by the two towns it joins ("the Saraqib-Ariha road"): ``name`` and
        ``also`` are the towns, and the place meant lies somewhere between them
    unsplit : (context part, the part as written) for a context part a direction word was taken from
        ("Zamalka, Eastern Ghouta" gives ``(("Ghouta", "Eastern Ghouta"),)``): the part as written may be
        a region's own name
    """

    text: str
    name: str
    context: tuple[str, ...] = ()
    near: bool = False
    area: bool = False
    admin_level: int | None = None
    type_hint: str | None = None
    alternatives: tuple[str, ...] = ()
    also: tuple[str, ...] = ()
    detail: str = ""
    site: bool = False
    bearings: tuple[tuple[str, str], ...] = ()
    road: bool = False
    unsplit: tuple[tuple[str, str], ...] = ()


@functools.lru_cache(maxsize=1)
def _qualifiers() -> dict[str, tuple[str, str]]:
    return {r["word"].lower(): (r["kind"], r["hint"] or "") for r in data_rows("qualifiers.csv")}


def _strip_part(part: str) -> tuple[str, dict]:
    """Remove qualifier words from one comma-separated part; return the rest and what was seen.

    A direction word inside the part ("camp near Batinta", "Barissa west of Abu al-Duhur") cuts
    it in two: what follows is where it is (``seen["anchor"]``); when nothing but qualifiers
    comes before it, the anchor is the name and the string is "near" it."""
    quals = _qualifiers()
    seen: dict = {"near": False, "area": False, "admin_level": None, "type_hint": None, "site": False,
                  "anchor": "", "bearing": ""}
    words = _DISTANCE.sub(" ", part).split()
    kept: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        low = word.lower().strip(".:")
        kind, hint = quals.get(low, ("", ""))
        if kind and kind not in ("part", "after_area"):
            if kind == "type":
                seen["type_hint"] = hint
            elif kind == "site":
                seen["site"] = True
            elif kind == "admin":
                seen["admin_level"] = int(hint[-1])
            elif kind == "area":
                seen["area"] = True
            # "the Midan district of Damascus", "Sheikh Maqsoud neighbourhood of Aleppo": a quarter
            # of the place that follows, which is where it is
            if kind in ("type", "admin") and _names_something(kept) and i + 2 < len(words) \
                    and words[i + 1].lower() == "of":
                if kind == "admin":
                    seen["admin_level"] = None
                    seen["type_hint"] = "neighbourhood"
                anchor, _ = _strip_part(" ".join(words[i + 2:]))
                seen["anchor"] = anchor
                break
            # Arabic puts the type word before the name it qualifies ("جب الجراح قرية الدرويشية": the
            # village Darwishiyah, at Jubb al-Jarrah): what follows is the name, what came before where it is
            if kind in ("type", "site") and kept and i + 1 < len(words) and is_arabic(word):
                rest, inner = _strip_part(" ".join(words[i + 1:]))
                if rest:
                    seen["anchor"] = " ".join(kept)
                    seen["type_hint"] = seen["type_hint"] or inner["type_hint"]
                    seen["site"] = seen["site"] or inner["site"]
                    kept = rest.split()
                    break
            # "of" / "the" after a qualifier belong to it ("south of", "countryside of the")
            while i + 1 < len(words) and words[i + 1].lower() in _QUALIFIER_TAILS:
                i += 1
            if kind in ("direction", "within"):
                rest_words = words[i + 1:]
                if kept and rest_words:
                    anchor, inner = _strip_part(" ".join(rest_words))
                    seen["anchor"] = anchor
                    seen["type_hint"] = seen["type_hint"] or inner["type_hint"]
                    break
                if kind == "direction":
                    seen["near"] = True
                    seen["bearing"] = seen["bearing"] or hint
            i += 1
            continue
        kept.append(word)
        i += 1
    if seen["area"] and len(kept) > 1 and is_arabic(kept[-1]):
        # "ريف حلب الشمالي ...": after an area word, a direction adjective after the name is a direction
        while len(kept) > 1 and quals.get(kept[-1], ("", ""))[0] == "after_area":
            word = kept.pop()
            seen["near"] = True
            seen["bearing"] = seen["bearing"] or quals[word][1]
    rest = " ".join(kept)
    prev = None
    while prev != rest:
        prev = rest
        rest = _LEADING_JUNK.sub("", rest).strip()
        rest = _TRAILING_JUNK.sub("", rest).strip()
    if not rest and seen["anchor"]:
        rest, seen["anchor"], seen["near"] = seen["anchor"], "", True
    return rest, seen


def _road_ends(text: str) -> tuple[str, str] | None:
    """The two towns a road is named after ("Jisr al-Shughur-Latakia road": Jisr al-Shughur, Latakia), or
    None: the first dash that does not follow an article ("al-", "ez-") divides them."""
    road = _ROAD_BETWEEN.match(text)
    if road is None:
        return None
    ends = road.group("ends")
    for dash in re.finditer(r"\s*[-\u2013\u2014]\s*", ends):
        a, b = ends[:dash.start()].strip(), ends[dash.end():].strip()
        if a and b and a.split()[-1].lower() not in _ARTICLES and b[:1].isalpha():
            return a, b
    return None


def _names_something(words: list[str]) -> bool:
    """Whether the words kept so far hold more than leading junk ("the" of "the town of X")."""
    return bool(words) and bool(_LEADING_JUNK.sub("", " ".join(words) + " ").strip())


def is_part_word(word: str) -> bool:
    """Whether ``word``, with or without its article, is a 'part' word of ``qualifiers.csv`` (Tahtani,
    Sharqi, Kabir ...): one that names a part of a place, not a place.

    >>> is_part_word("al-Sharqiyah"), is_part_word("Tahtani"), is_part_word("al-Karak")
    (True, True, False)
    """
    bare = re.sub(r"^(?:al|el|ash|as|ad|at|az|ar|an)[-\s]", "", word.strip(".,").casefold())
    return _qualifiers().get(bare, ("", ""))[0] == "part"


_THE = re.compile(r"^the\s+", re.IGNORECASE)


def without_article(text: str) -> str:
    """``text`` without a leading "the" ("the Tabqa Dam" -> "Tabqa Dam")."""
    return _THE.sub("", text.strip())


def without_type_words(text: str) -> str:
    """``text`` without a leading "the" and the type words after the name ("Eastern Ghariyah town" ->
    "Eastern Ghariyah"): the whole name a string may give, direction words and all.

    >>> without_type_words("the Eastern Ghariyah town"), without_type_words("town")
    ('Eastern Ghariyah', 'town')
    """
    words = without_article(text).split()
    quals = _qualifiers()
    while len(words) > 1 and quals.get(words[-1].lower().strip(".:"), ("", ""))[0] == "type":
        words.pop()
    return " ".join(words)


def name_without_parts(name: str) -> str:
    """The name without its trailing 'part' words (Tahtani, Fawqani, Kabir, Sharqi ...), or ``""``
    when it has none or nothing would be left.

    >>> name_without_parts("Bokros Tahtani"), name_without_parts("Bokros al-Tahtani"), name_without_parts("Saraqib")
    ('Bokros', 'Bokros', '')
    """
    words = name.split()
    while len(words) > 1 and is_part_word(words[-1]):
        words.pop()
    base = " ".join(without_trailing_article(words))
    return base if base != name else ""


def without_trailing_article(words: list[str]) -> list[str]:
    """``words`` without an article left at their end ("Bokros al" of "Bokros al-Tahtani" cut short).

    >>> without_trailing_article(["Kansafrah", "al"]), without_trailing_article(["al"])
    (['Kansafrah'], ['al'])
    """
    return words[:-1] if len(words) > 1 and words[-1].lower() in _END_ARTICLES else words


_END_ARTICLES = frozenset({"al", "el", "ash", "as", "ad", "at", "az", "ar", "an"})


def leading_names(name: str) -> list[str]:
    """The names the leading words of a longer name make, longest first: what "Kansafrah al-Bishwara" may be
    named after when the gazetteer lacks it (a generic word alone, "Tall", and names of under four letters
    are no names).

    >>> leading_names("Kansafrah al Bishwara ash Sharqi")
    ['Kansafrah al Bishwara', 'Kansafrah']
    >>> leading_names("Tall Bishwara")
    []
    """
    words = name.split()
    out = []
    for k in range(len(words) - 1, 0, -1):
        base = " ".join(without_trailing_article(words[:k]))
        if len(compact_key(base)) >= 4 and not is_generic(base) and base not in out:
            out.append(base)
    return out


_AIR_SPLIT = re.compile(r"\bair[\s-]+(base|field|port)\b", re.IGNORECASE)


def parse_location(text: object) -> ParsedQuery:
    """Split a report's location string into name and context.

    Parameters
    ----------
    text : str
        Any string; non-strings give an empty name. Very long strings are cut to
        ``MAX_QUERY_CHARS`` characters.

    Examples
    --------
    >>> parse_location("al Zayniyeh village").name
    'al Zayniyeh'
    >>> parse_location("the town of Saraqib").name, parse_location("the Midan district of Damascus").context
    ('Saraqib', ('Damascus',))
    >>> road = parse_location("the Saraqib-Ariha road")
    >>> road.name, road.also, parse_location("Deir ez-Zor road").also, parse_location("Jisr al-Shughur-Latakia road").also
    ('Saraqib', ('Ariha',), (), ('Latakia',))
    >>> parse_location("Bshanetra, Aleppo").context
    ('Aleppo',)
    >>> q = parse_location("Aleppo city, Sheikh Maqsoud neighbourhood")
    >>> q.name, q.context, q.type_hint
    ('Sheikh Maqsoud', ('Aleppo',), 'neighbourhood')
    >>> parse_location(None).name
    ''
    """
    return _parse_clean(normalize_name(text)[:MAX_QUERY_CHARS])


@functools.lru_cache(maxsize=65536)
def _parse_clean(clean: str) -> ParsedQuery:
    """``parse_location`` of a cleaned string, memoised: the geocoder, its confidence features and the
    text path read one query several times, and a :class:`ParsedQuery` is immutable."""
    head, colon, detail = clean.partition(":")
    if not colon or not head.strip():
        head, detail = clean, ""
    parts = [p for p in _SPLIT.split(head) if p and p.strip()]
    first = parts[0] if parts else ""
    ends = _road_ends(first)
    if ends:
        first = f"{ends[0]} and {ends[1]}"  # placed at the first town, near (see Geocoder._also_match)
    # "X/Y", "X or Y": other names for one place; "X and Y": other places beside it
    alts = [a for a in _ALTERNATIVES.split(first) if a.strip()] if first else []
    first_alt = alts[0] if alts else ""
    alsos = [a for a in _ALSO.split(first_alt) if a.strip()] if first_alt else []
    name, seen = _strip_part(alsos[0]) if alsos else ("", {})
    context: list[str] = [seen["anchor"]] if seen.get("anchor") else []
    bearings: list[tuple[str, str]] = []
    unsplit: list[tuple[str, str]] = []
    for k, part in enumerate(parts[1:]):
        rest, more = _strip_part(part)
        if k == 0 and rest and name and not more["anchor"] and more["type_hint"] == "neighbourhood" \
                and seen.get("type_hint") in (None, "settlement") and len(alsos) == 1 and len(alts) == 1:
            # "Aleppo, Sheikh Maqsoud neighbourhood": the quarter is the place, the city where it is
            context.insert(0, name)
            name, seen = rest, {**seen, "type_hint": "neighbourhood"}
            continue
        context.extend(x for x in (rest, more["anchor"]) if x)
        if more["bearing"] and rest and not more["anchor"]:
            bearings.append((rest, more["bearing"]))
            unsplit.append((rest, part.strip()))
    also = tuple(x for x in (_strip_part(a)[0] for a in alsos[1:]) if x)
    alternatives = tuple(x for x in (_strip_part(a)[0] for a in alts[1:]) if x)
    if not name and (also or alternatives):  # "camp and ..." : the first place named leads
        pool = list(also or alternatives)
        name = pool.pop(0)
        also, alternatives = (tuple(pool), alternatives) if also else (also, tuple(pool))
    seen = dict(seen) if seen else {}
    return ParsedQuery(
        text=clean, name=name, context=tuple(context), near=bool(seen.get("near")), area=bool(seen.get("area")),
        admin_level=seen.get("admin_level"), type_hint=seen.get("type_hint"), alternatives=alternatives,
        also=also, detail=detail.strip(), site=bool(seen.get("site")), bearings=tuple(bearings), road=ends is not None,
        unsplit=tuple(unsplit),
    )


#: unit vectors (dx east, dy north) of the compass bearings of ``qualifiers.csv``
BEARINGS = {"N": (0.0, 1.0), "S": (0.0, -1.0), "E": (1.0, 0.0), "W": (-1.0, 0.0),
            "NE": (0.7071, 0.7071), "NW": (-0.7071, 0.7071), "SE": (0.7071, -0.7071), "SW": (-0.7071, -0.7071)}


@functools.lru_cache(maxsize=1)
def facility_words() -> dict[str, str]:
    """Site word -> the feature type of the facility it names ("airbase" -> airport), from ``qualifiers.csv``.

    >>> facility_words()["airbase"]
    'airport'
    """
    return {word: hint for word, (kind, hint) in _qualifiers().items() if kind == "site" and hint}


def facility_named(text: str) -> tuple[str, tuple[str, ...]] | None:
    """The feature type of the facility a location string names and its words, or None.

    >>> facility_named("Tiyas - Military Airbase")
    ('airport', ('airbase', 'airfield', 'airport'))
    >>> facility_named("Kafr Nabl hospital") is None
    True
    >>> facility_named("Kawairas Military Air Base")[0]
    'airport'
    """
    words = facility_words()
    # "Air Base", "air field": the site word written in two
    for word in re.findall(r"[^\W\d_]+", _AIR_SPLIT.sub(r"air\1", text.casefold())):
        ftype = words.get(word)
        if ftype:
            return ftype, tuple(sorted(w for w, t in words.items() if t == ftype))
    return None


@functools.lru_cache(maxsize=1)
def generic_words_en() -> dict[str, tuple[str, ...]]:
    """English word -> the Arabic generic words it translates (``generic_words_en.csv``).

    >>> generic_words_en()["mount"]
    ('Jabal',)
    """
    out: dict[str, list[str]] = {}
    for row in data_rows("generic_words_en.csv"):
        out.setdefault(row["english"].strip().lower(), []).append(row["arabic"].strip())
    return {word: tuple(arabic) for word, arabic in out.items()}


def generic_word_names(parsed: ParsedQuery) -> list[str]:
    """The name as the gazetteer may write it when the query gives its generic word in English after it
    (``generic_words_en.csv``): "Abu Saad hill" may be "Tall Abu Saad".

    >>> generic_word_names(parse_location("al-Assad suburb")), generic_word_names(parse_location("Kawairas bridge"))
    (['Dahiyat al-Assad'], ['Jisr Kawairas'])
    >>> generic_word_names(parse_location("Kansafrah village"))
    []
    """
    words = generic_words_en()
    name = parsed.name.split()
    out: list[str] = []
    if len(name) > 1 and name[-1].casefold() in words:  # "Kawairas bridge": a word no qualifier takes off
        out.extend(f"{arabic} {' '.join(name[:-1])}" for arabic in words[name[-1].casefold()])
    own = {w.casefold() for w in name}
    for word in re.findall(r"[^\W\d_]+", parsed.text.casefold()):
        if word not in own:
            out.extend(f"{arabic} {parsed.name}" for arabic in words.get(word, ()))
    return list(dict.fromkeys(out))


@functools.lru_cache(maxsize=1)
def direction_words() -> dict[str, str]:
    """Direction word -> compass bearing (N, SE, ...; "" for "near", "central") of ``qualifiers.csv``.

    >>> direction_words()["southeastern"], direction_words()["central"]
    ('SE', '')
    """
    return {word: hint for word, (kind, hint) in _qualifiers().items() if kind == "direction"}


@functools.lru_cache(maxsize=4096)
def split_direction(text: str) -> tuple[str, str]:
    """``(area, bearing)`` of a hint such as "southeast Idleb" or "northern Hama countryside";
    ``(text, "")`` when it has no direction word.

    >>> split_direction("southeast Idleb"), split_direction("Hama")
    (('Idleb', 'SE'), ('Hama', ''))
    """
    rest, seen = _strip_part(text)
    if seen["bearing"] and rest and not seen["anchor"]:
        return rest, seen["bearing"]
    return text, ""
