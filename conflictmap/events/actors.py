"""The curated actor list and finding actors in report text.

Actors and their aliases live in ``conflictmap/data/actors.csv``. Aliases match as whole words,
case-insensitively, except all-capital acronyms (``IS``, ``SAA``, ``HTS``), which must match
exactly so that "is" is not the Islamic State. Longer aliases win over shorter ones inside them.

Examples
--------
>>> [(m.actor, m.text) for m in find_actors("ISIS cells ambushed an army unit near al-Sukhna.")]
[('Islamic State (Syria)', 'ISIS cells'), ('Military Forces of Syria (2000-)', 'army unit')]
>>> [m.key for m in find_actors("This is what HTS and Horas al-Din said.")]
['hts', 'hurras_al_din']
>>> roles = assign_roles("Late on June 30, fighting resumed between the Syrian Army and Turkish-backed militants.")
>>> roles.actor1, roles.actor2
('Military Forces of Syria (2000-)', 'Syrian National Army')
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache

import pandas as pd

from .schema import read_data_csv

__all__ = ["ActorMention", "Roles", "load_actors", "find_actors", "assign_roles", "theatre_of"]


@dataclass(frozen=True)
class ActorMention:
    """An actor named in a text: canonical name, key, faction side, ACLED inter code, span."""

    actor: str
    key: str
    side: str
    inter: int
    text: str
    start: int
    end: int


@dataclass
class Roles:
    """Actors of one event: ``actor1`` (initiator), ``actor2`` (target) and their associates."""

    actor1: str | None = None
    actor2: str | None = None
    assoc_actor_1: list[str] = field(default_factory=list)
    assoc_actor_2: list[str] = field(default_factory=list)
    inter1: int | None = None
    mentions: list[ActorMention] = field(default_factory=list)


@lru_cache(maxsize=1)
def load_actors() -> pd.DataFrame:
    """The curated actor table (``actor, key, side, inter, aliases``).

    Examples
    --------
    >>> actors = load_actors()
    >>> actors.set_index("key").loc["russia", "side"]
    'government'
    """
    table = read_data_csv("actors.csv")
    table["inter"] = table["inter"].astype(int)
    return table


@lru_cache(maxsize=1)
def _theatres() -> dict[str, frozenset[str]]:
    """``actor key -> governorates it fought in`` (``conflictmap/data/actor_theatres.csv``)."""
    table = read_data_csv("actor_theatres.csv")
    return {row.key: frozenset(g.strip() for g in row.governorates.split("|") if g.strip())
            for row in table.itertuples(index=False)}


def theatre_of(actors: Iterable[ActorMention]) -> tuple[frozenset[str], tuple[str, ...]]:
    """The governorates where every actor named together has fought, and the actors that narrowed them.

    Actors without a row in ``conflictmap/data/actor_theatres.csv`` (those that fought everywhere)
    narrow nothing; actors whose theatres share no governorate give no answer (empty set).

    Examples
    --------
    >>> govs, by = theatre_of(find_actors("Turkish forces shelled SDF positions."))
    >>> sorted(govs), by
    (['Al-Hasakeh', 'Aleppo', 'Ar-Raqqa'], ('Military Forces of Turkey (2016-)', 'SDF: Syrian Democratic Forces'))
    >>> theatre_of(find_actors("Regime forces shelled the town."))
    (frozenset(), ())
    """
    theatres = _theatres()
    found: frozenset[str] | None = None
    named: list[str] = []
    for actor in actors:
        govs = theatres.get(actor.key)
        if govs is None or actor.actor in named:
            continue
        found = govs if found is None else found & govs
        named.append(actor.actor)
    if not found:
        return frozenset(), ()
    return found, tuple(named)


def _is_acronym(alias: str) -> bool:
    """Whether an alias is an abbreviation matched with its case as written ("HTS", and "JaN", which is
    not the month "Jan").

    >>> _is_acronym("HTS"), _is_acronym("JaN"), _is_acronym("Jaysh")
    (True, True, False)
    """
    letters = re.sub(r"[^A-Za-z]", "", alias)
    capitals = sum(c.isupper() for c in letters)
    return bool(letters) and len(letters) <= 6 and " " not in alias and (letters.isupper() or capitals >= 2)


@lru_cache(maxsize=1)
def _built_aliases() -> dict[str, list[str]]:
    """Aliases made of a side word and a force word (``conflictmap/data/actor_words.csv``), by actor key.

    Examples
    --------
    >>> "Syrian government helicopters" in _built_aliases()["saa"], "Turkey" in _built_aliases()["turkey"]
    (True, True)
    """
    table = read_data_csv("actor_words.csv")
    forces = [w for w in table.loc[table.kind == "force", "word"]]
    out: dict[str, list[str]] = {}
    for row in table.itertuples(index=False):
        if row.kind == "side":
            out.setdefault(row.key, []).extend(
                f"{row.word} {middle}{force}" for force in forces for middle in ("", "government ", "military "))
        elif row.kind == "country":
            out.setdefault(row.key, []).append(row.word)
    return out


_INNER_ARTICLE = re.compile(r"(?<=\s)[ae]l[-\s]+(?=\w)", re.IGNORECASE)  # "ibn al-Walid" -> "ibn Walid"


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, tuple[str, str, str, int]]]:
    actors = load_actors()
    lookup: dict[str, tuple[str, str, str, int]] = {}
    exact: list[str] = []
    folded: list[str] = []
    built = _built_aliases()
    for row in actors.itertuples(index=False):
        for alias in [a.strip() for a in row.aliases.split("|") if a.strip()] + [row.actor] + built.get(row.key, []):
            info = (row.actor, row.key, row.side, int(row.inter))
            if _is_acronym(alias):
                lookup.setdefault(alias, info)
                exact.append(alias)
            else:
                # "Khalid ibn Walid Army": reports drop an article inside a name
                for form in dict.fromkeys((alias, _INNER_ARTICLE.sub("", alias))):
                    lookup.setdefault(form.lower(), info)
                    folded.append(form)

    def build(aliases: list[str], fold: bool) -> re.Pattern[str]:
        body = _trie_pattern(aliases, fold)
        # not inside a word an apostrophe splits ("man" of "Maarrat An Nu'man"); a quote after a space is no part
        return re.compile(r"(?<![\w-])(?<!\w['\u2019])(?:" + body + r")(?![\w-])", re.IGNORECASE if fold else 0)

    return build(exact, False), build(folded, True), lookup


def _trie_pattern(aliases: list[str], fold: bool) -> str:
    """One regular expression for many aliases, their common beginnings written once.

    A plain alternation of a thousand aliases is tried alias by alias at every character of the
    text; the trie is tried once. At each step the longer continuation is tried before the alias
    ends, so the longest alias that ends at a word boundary wins, as in an alternation sorted
    longest first. A space stands for any run of white space.

    Examples
    --------
    >>> p = re.compile(_trie_pattern(["IS", "ISIS", "ISIS cells"], False))
    >>> p.fullmatch("ISIS  cells") is not None, p.match("ISIS cells").group(0)
    (True, 'ISIS cells')
    """
    trie: dict = {}
    for alias in set(aliases):
        node = trie
        for ch in re.sub(r"\s+", " ", alias.strip()):
            node = node.setdefault(ch.lower() if fold else ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        options = [(r"\s+" if ch == " " else re.escape(ch)) + emit(child)
                   for ch, child in sorted(node.items()) if ch]
        ends = "" in node
        if not options:
            return ""
        body = options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"
        return f"(?:{body})?" if ends else body

    return emit(trie)


def find_actors(text: str) -> list[ActorMention]:
    """Every curated actor named in ``text``, in text order (overlaps resolved longest first).

    Examples
    --------
    >>> [m.actor for m in find_actors("SDF security forces closed the prison.")]
    ['SDF: Syrian Democratic Forces']
    >>> find_actors("The village is quiet.")
    []
    """
    exact, folded, lookup = _patterns()
    hits: list[ActorMention] = []
    for pattern, fold in ((exact, False), (folded, True)):
        for m in pattern.finditer(text):
            key = re.sub(r"\s+", " ", m.group(0))
            info = lookup.get(key.lower() if fold else key)
            if info is None:
                continue
            hits.append(ActorMention(*info, text=m.group(0), start=m.start(), end=m.end()))
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    chosen: list[ActorMention] = []
    for hit in hits:
        if chosen and hit.start < chosen[-1].end:
            if hit.end - hit.start > chosen[-1].end - chosen[-1].start:
                chosen[-1] = hit
            continue
        chosen.append(hit)
    chosen = [m for m in chosen if not _a_country_as_a_place(text, m)
              and not (m.inter == 7 and _BOMB_DRIVER_AFTER.match(text, m.end))]
    return _without_possessors(text, _with_attributed_sides(text, _with_leading_sides(text, chosen)))


# "the driver of the SVBIED": the attacker, not a civilian
_BOMB_DRIVER_AFTER = re.compile(r"\s+of\s+(?:the\s+|an?\s+|two\s+|its\s+)?(?:[\w-]+\s+)?(?:SV|V)?BIED|\s+of\s+(?:the\s+|an?\s+)?"
                                r"(?:car|truck|suicide)\s+bomb", re.I)
_POSSESSIVE_GAP = re.compile(r"['\u2019]s\s+")
# "the border crossing with Turkey", "tried to cross into Turkey": the country is where, not who
_COUNTRY_AS_PLACE = re.compile(r"\b(?:(?:borders?|crossings?|frontiers?)\s+(?:with|of)|into|towards?|inside)\s+$",
                               re.IGNORECASE)


@lru_cache(maxsize=1)
def _country_words() -> frozenset[str]:
    table = read_data_csv("actor_words.csv")
    return frozenset(w.lower() for w in table.loc[table.kind == "country", "word"])


def _a_country_as_a_place(text: str, m: ActorMention) -> bool:
    """A country's name on its own ('country' rows of ``actor_words.csv``) right after a word that makes
    it a place: a border or crossing with it, a way into or towards it.

    >>> [a.actor for a in find_actors("HTS closed the border crossing with Turkey.")]
    ['HTS: Hayat Tahrir al-Sham']
    """
    return m.text.lower() in _country_words() and _COUNTRY_AS_PLACE.search(text, max(0, m.start - 40), m.start) is not None


def _without_possessors(text: str, mentions: list[ActorMention]) -> list[ActorMention]:
    """"the SNA's Hamza Division": an organisation named as the owner of the one after it is that one's
    parent, not a party of its own: the two are one mention of the named unit (spanning both, so the
    words before the owner still tell the unit's role)."""
    out: list[ActorMention] = []
    skip = False
    for m, nxt in zip(mentions, [*mentions[1:], None]):
        if skip:
            skip = False
            continue
        if nxt is not None and nxt.inter != _CIVILIAN and nxt.text[:1].isupper() \
                and _POSSESSIVE_GAP.fullmatch(text, m.end, nxt.start):
            out.append(replace(nxt, text=text[m.start:nxt.end], start=m.start))
            skip = True
            continue
        out.append(m)
    return out


@lru_cache(maxsize=1)
def _side_words() -> dict[str, ActorMention]:
    """The one-word ``side`` rows of ``actor_words.csv`` ("Turkish", "regime", "coalition"), lower-cased,
    with the actor each names (its span left at -1)."""
    table = read_data_csv("actor_words.csv")
    actors = load_actors().set_index("key")
    found: dict[str, ActorMention] = {}
    for row in table[table.kind == "side"].itertuples(index=False):
        if row.key in actors.index and " " not in row.word and "-" not in row.word:
            a = actors.loc[row.key]
            found[row.word.lower()] = ActorMention(a["actor"], row.key, a["side"], int(a["inter"]), row.word, -1, -1)
    return found


@lru_cache(maxsize=1)
def side_words() -> frozenset[str]:
    """The one-word side words ("Turkish", "regime", ...), lower-cased: with a force word they name an actor.

    >>> "turkish" in side_words(), "tahrir" in side_words()
    (True, False)
    """
    return frozenset(_side_words())


def _alternation(words: Iterable[str]) -> str:
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


@lru_cache(maxsize=1)
def _leading_side() -> tuple[re.Pattern[str], dict[str, ActorMention]]:
    """A side word that leads another force ("Turkish-led X", "Turkish and rebel X factions"), and the
    actor of each such word (the capitalised one-word sides: nationalities)."""
    found = {w: a for w, a in _side_words().items() if a.text[:1].isupper()}
    pattern = re.compile(rf"\b(?P<side>{_alternation(found)})(?:-led\s+|\s+and\s+"
                         rf"(?:(?:rebel|islamist|opposition|allied|the|and|fsa)\s+){{0,5}})$", re.IGNORECASE)
    return pattern, found


# "Unidentified military forces, likely Turkish, ...": the report leaves the author unnamed (ACLED too)
_UNNAMED_BEFORE = re.compile(r"\b(?:unidentified|unknown)\b[^,.;]*$", re.IGNORECASE)


@lru_cache(maxsize=1)
def _attributed_side() -> tuple[re.Pattern[str], dict[str, ActorMention]]:
    """A side word given as the likely author ("Warplanes, likely Turkish, struck X"), and its actor."""
    found = _side_words()
    words = _alternation(found)
    # one side alone: "likely Syrian, Russian, or Turkish" names none
    pattern = re.compile(rf",\s*(?:most\s+)?(?:likely|probably|possibly|believed\s+to\s+be)\s+(?:the\s+)?(?P<side>{words})"
                         rf"(?=\s*,)(?!\s*,\s*(?:or\s+|and\s+)?(?:{words})\b)", re.IGNORECASE)
    return pattern, found


def _with_attributed_sides(text: str, mentions: list[ActorMention]) -> list[ActorMention]:
    """Add the actor a side word names when a report gives it as the likely author between commas
    ("Warplanes, likely Turkish, carried out raids"): ACLED codes the strike to that side."""
    pattern, sides = _attributed_side()
    added = [replace(sides[m.group("side").lower()], text=m.group("side"), start=m.start("side"), end=m.end("side"))
             for m in pattern.finditer(text)
             if not any(a.start < m.end("side") and m.start("side") < a.end for a in mentions)
             and not _UNNAMED_BEFORE.search(text, max(0, m.start() - 40), m.start())]
    return sorted(mentions + added, key=lambda a: a.start) if added else mentions


def _with_leading_sides(text: str, mentions: list[ActorMention]) -> list[ActorMention]:
    """Add the state force a side word names when it leads another force named right after it:
    "Turkish-led Olive Branch forces", "Turkish and rebel Olive Branch factions" (ACLED: the Turkish
    military with the factions associated). "Turkish-backed factions" are the factions alone."""
    pattern, sides = _leading_side()
    if not sides:
        return mentions
    out: list[ActorMention] = []
    for m in mentions:
        hit = pattern.search(text, max(0, m.start - 60), m.start)
        if hit is not None and hit.end() == m.start:
            lead = sides[hit.group("side").lower()]
            if lead.key != m.key and not (out and out[-1].end > hit.start("side")):
                out.append(replace(lead, text=hit.group("side"), start=hit.start("side"), end=hit.end("side")))
        out.append(m)
    return out


# words that name a force as another's support ("backed by", "with the support of", "under the cover of")
SUPPORT_PHRASE = (r"\b(?:(?:supported|backed|assisted|aided|helped|covered)\s+by|with\s+(?:the\s+)?(?:support|backing|help|cover)"
                  r"\s+of|under\s+(?:the\s+)?cover\s+of)\b")
_SUPPORT_BEFORE = re.compile(rf"{SUPPORT_PHRASE}\s+(?:the\s+)?$", re.IGNORECASE)
# words between two actors that keep them on one side ("X and Y", "X, its allies Y")
_SAME_SIDE = re.compile(r"^(?:\s|,|and|the|its|their|allied|allies|with|backed by|supported by|\d+|two|three)*$", re.IGNORECASE)
# "clashed with", "fighting, likely with": the side named next was fought
_CLASH_WORDS = r"(?:clash(?:ed|es)?|fighting|fought|battles?)(?:,?\s+likely)?\s+with"
# words just before an actor that make it the target of the action: a preposition right before it
# ("positions of", "against", "on") or a verb a few words before it ("killing two fighters of")
_TARGET_CUE = re.compile(
    r"(?:\b(?:positions\s+of|against|targeting|targeted|on|at|from|belonging\s+to)\s+"
    r"(?:the\s+|an?\s+|\d+\s+|some\s+|several\s+)?(?:\w+\s+){0,1}(?:of\s+(?:the\s+)?)?"
    r"|\b(?:killed|killing|killing\s+of|ambushed|attacked|shelled|struck|hit|bombed|injuring|wounding|injured|"
    r"wounded|assassinated|kidnapped|abducted|arrested|detained|executed|shot(?:\s+dead)?|pounded|stormed|"
    r"captured|seized|expelled|"
    rf"{_CLASH_WORDS})\s+"
    r"(?:(?!between\b|by\b|and\b|when\b)[\w'-]+\s+){0,4}?"
    # "assassinated a commander who had joined the 5th Corps": the victim's side
    r"|\bwho\s+(?:had\s+|has\s+)?(?:joined|belonged\s+to|worked\s+(?:for|with))\s+(?:the\s+)?)$",
    re.IGNORECASE)
# "in clashes with X": X fought (a target only beside an actor that acted)
_CLASH_WITH = re.compile(rf"\b{_CLASH_WORDS}\s+(?:the\s+)?"
                         r"(?:[\w'-]+\s+){0,2}?$", re.IGNORECASE)
# "Syrian troops were hit by ...", "an SDF patrol was targeted": the actor named before a passive verb is hit
_PASSIVE_AFTER = re.compile(
    r"^(?:['\u2019]s)?\s+(?:[\w'-]+\s+){0,3}?"
    # "two SNA fighters and a civilian were killed": victims of another kind named with them
    r"(?:and\s+(?:an?\s+|one\s+|two\s+|three\s+|\d+\s+)?(?:civilians?|child(?:ren)?|wom[ae]n|m[ae]n|others?|passers-by)\s+)?"
    r"(?:was|were|had\s+been|have\s+been|has\s+been|got|came\s+under)\s+(?:\w+\s+)?"
    r"(?:hit|targeted|attacked|ambushed|struck|shelled|killed|wounded|injured|bombed|captured|abducted|"
    r"kidnapped|arrested|detained|assassinated|executed|shot|fire|attack)\b", re.IGNORECASE)
# "attacked by X" (not "a checkpoint run by X", "backed by X": those name a holder or patron)
# "lost the village to X": X took it
_INITIATOR_CUE = re.compile(r"(?<!\brun )(?<!\bheld )(?<!\bmanned )(?<!\bcontrolled )(?<!\boperated )"
                            r"(?<!\bbacked )(?<!\bsupported )(?<!\bled )(?<!\bowned )\bby\s+(?:the\s+)?$"
                            # "killed by a sniper from regime forces", "by a drone of the Turkish army"
                            r"|\bby\s+(?:an?\s+)?(?:sniper|drone|mine|landmine|shell|rocket|missile|patrol|member|members|"
                            r"fighters?|gunm[ae]n|unit|group|cell)(?:\s+(?:fire|shots?|bullets?|strikes?))?\s+(?:from|of|belonging\s+to|affiliated\s+(?:to|with))\s+(?:the\s+)?$"
                            r"|(?<!\bhad )(?<!\bhave )(?<!\bhas )\blost\s+(?:control\s+(?:of|over)\s+)?[^.;,]{1,60}?\s+to\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$",
                            re.IGNORECASE)
# "regime forces intercepted a drone launched by HTS", "shot down a missile fired by X": ACLED's actor1 of a
# disrupted weapon is who disrupted it; whose weapon it was is actor2
_DISRUPTED_BY = re.compile(r"\b(?:intercept(?:ed|ing)|shot\s+down|shooting\s+down|downed|dismantled|defused)\b[^.;]{0,60}?"
                           r"\b(?:launched|fired|sent|flown|operated|planted|belonging)\s+(?:by|to)\s+(?:the\s+)?$",
                           re.IGNORECASE)
# "in an ISIS attack on ...", "an HTS raid": an actor named as the author of an attack (the word after it)
_AUTHOR_OF_AFTER = re.compile(r"^\s+(?:(?:suicide|drone|air|artillery|rocket|mortar|sniper|night|surprise|ground)\s+)?"
                              r"(?:attacks?|assaults?|ambush(?:es)?|raids?|offensive|infiltration)\b", re.IGNORECASE)
_AUTHOR_OF_BEFORE = re.compile(r"(?<!repelled )(?<!repulsed )(?<!thwarted )(?<!foiled )(?<!repel )"  # "X repelled a Y attack": X acts
                               r"\b(?:an?|in|during|after|following)\s+$", re.IGNORECASE)
_HOLDER_CUE = re.compile(r"\b(?:run|held|manned|controlled|operated|owned)\s+by\s+(?:the\s+)?$", re.IGNORECASE)
# "rival SNA factions", "two SNA groups": one actor on both sides
# "fighters of the SNA clashed among themselves": the group fights itself
_AMONG_THEMSELVES = re.compile(r"^(?:\s+[\w'-]+){0,3}?\s+(?:clashed|fought|quarrell?ed)\s+(?:(?:among|amongst|between|with)\s+)?"
                               r"(?:themselves|each\s+other|one\s+another)\b", re.IGNORECASE)
_INTRA_BEFORE = re.compile(r"\b(?:rival|two|several|competing|feuding)\s+$", re.IGNORECASE)
_INTRA_AFTER = re.compile(r"^\s+(?:factions|groups|brigades|units|militias|commanders)\b", re.IGNORECASE)
_PAIR_NAME = re.compile(r"(?:members\s+of\s+)?(?:two|rival)\s", re.IGNORECASE)  # "two clans": one actor, both sides
_BETWEEN = re.compile(r"\bbetween\s+(?:the\s+)?$", re.IGNORECASE)
_AND_ONLY = re.compile(r"^\s+and\s+(?:the\s+)?$", re.IGNORECASE)
# a verb whose subject fights (or deals with) itself: "X and Y clashed" (not "X and Y clashed with Z")
_MUTUAL_AFTER = re.compile(r"^(?:\s+(?:fighters|forces|members|militants))?\s+(?:have\s+|had\s+)?"
                           r"(?:clashed|fought|exchanged\s+(?:(?:heavy|intense|mutual|artillery|rocket|mortar|machine[- ]?gun|sniper)\s+)*"
                           r"(?:fire|shelling|shells|gunfire|bombardment|targeting|attacks)"
                           # "X and Y exchanged prisoners": the two parties of an agreement
                           r"|exchanged\s+(?:[\w-]+\s+){0,2}?(?:prisoners|detainees|captives|bodies))\b"
                           r"(?=\s*(?:$|[,.;(]|(?:again|(?:with\s+)?each\s+other|(?:with\s+)?one\s+another|in|near|on|at|around|inside|"
                           r"outside|over|for|after|during)\b))",
                           re.IGNORECASE)
# an actor that is the subject of the main clause after an opening phrase ("..., regime forces advanced")
_SUBJECT = re.compile(r"^(?:\s+[\w'/-]+){0,7}?\s+(?:advanced|took|captured|seized|regained|retook|recaptured|"
                      r"established|shelled|clashed|attacked|managed|stormed|entered|repelled|launched|targeted|"
                      r"withdrew|imposed|gained|struck|bombed)\b", re.IGNORECASE)
# a sentence that opens with what came before the event ("Following clashes with X, ...", "After ...")
_OPENING = re.compile(r"^\s*(?:following|after|amid)\b[^;]*$", re.IGNORECASE)
# "a man reportedly belonging to the SDF", "a young man who had joined the 5th Corps": a member, not a civilian
_MEMBER_GAP = re.compile(r"\s+(?:(?:reportedly|allegedly|said\s+to\s+be|who\s+(?:was|is|had\s+been))\s+)?"
                         r"(?:belonging\s+to|affiliated\s+(?:to|with)|(?:an?\s+)?(?:former\s+)?members?\s+of|"
                         r"working\s+(?:for|with)|(?:who\s+(?:had\s+)?)?joined)\s+(?:the\s+)?", re.IGNORECASE)
_SOURCE_CUE = re.compile(r"(?:according to|supporters of|sources? (?:close to|of)|pro-|\bsays?\b|claimed)\s*(?:the\s+)?$", re.IGNORECASE)


_STATE = (1, 8)  # ACLED inter codes of state forces and foreign state forces
_CIVILIAN = 7  # ACLED inter code of civilians


def _groups(text: str, mentions: list[ActorMention]) -> list[list[ActorMention]]:
    groups: list[list[ActorMention]] = []
    units: list[int] = []  # the forces of each group, a side word and the force it leads counting as one
    for mention in mentions:
        if groups:
            prev = groups[-1][-1]
            gap = text[prev.end:mention.start]
            between = _BETWEEN.search(text[:groups[-1][0].start]) is not None and units[-1] == 1
            # "Following clashes with rebels, regime forces took control": the comma closes the opening phrase
            before = text[:groups[-1][0].start]
            opening = "," in gap and _OPENING.match(before) is not None and _TARGET_CUE.search(before) is not None \
                and _SUBJECT.match(text[mention.end:]) is not None
            # "HTS and Hurras al-Din clashed": two actors who fought each other, not one side
            mutual = len(groups[-1]) == 1 and _AND_ONLY.match(gap) is not None \
                and _MUTUAL_AFTER.match(text[mention.end:]) is not None
            # "Turkish-led X", "Turkish and rebel X factions": the side word leads the force after it
            led = _leading_side()[0].fullmatch(text, prev.start, mention.start) is not None
            if led or (_SAME_SIDE.match(gap) and not between and not opening and not mutual):
                groups[-1].append(mention)
                units[-1] += 0 if led else 1
                continue
        groups.append([mention])
        units.append(1)
    return groups


def assign_roles(sentence: str, mentions: list[ActorMention] | None = None) -> Roles:
    """Pick actor1, actor2 and associated actors from one sentence.

    Actors joined by "and" or commas act together; "between X and Y" splits them; an actor after
    a target cue ("positions of", "against", "killing", ...) is actor2 and one after "by" is
    actor1; otherwise the first group named initiates. An actor named only as a source
    ("according to supporters of X") is skipped when others are named.

    Examples
    --------
    >>> r = assign_roles("The Syrian Air Force and the Russian Aerospace Forces conducted airstrikes on ISIS hideouts.")
    >>> r.actor1, r.assoc_actor_1, r.actor2
    ('Military Forces of Syria (2000-)', ['Military Forces of Russia (2000-)'], 'Islamic State (Syria)')
    >>> r = assign_roles("Artillery shelling targeted positions of Hayat Tahrir al-Sham.")
    >>> r.actor1, r.actor2
    (None, 'HTS: Hayat Tahrir al-Sham')
    >>> r = assign_roles("Syrian troops were hit by an IED near Jasim.")
    >>> r.actor1, r.actor2
    (None, 'Military Forces of Syria (2000-)')
    >>> r = assign_roles("An IED exploded near a military vehicle, injuring three SDF members.")
    >>> r.actor1, r.actor2
    (None, 'SDF: Syrian Democratic Forces')
    >>> assign_roles("Unknown gunmen killed a council member.").actor2
    'Civilians (Syria)'
    >>> assign_roles("Clashes between rival SNA factions erupted in al-Bab.").actor2
    'Syrian National Army'
    >>> assign_roles("Unidentified aircraft, likely US-led coalition, struck a car of Hurras al-Din.").actor1
    'International Coalition'
    """
    mentions = find_actors(sentence) if mentions is None else mentions
    roles = Roles(mentions=list(mentions))
    if not mentions:
        return roles
    real = [m for m in mentions if not _SOURCE_CUE.search(sentence[:m.start])]
    members = {id(m) for m, nxt in zip(mentions, mentions[1:])
               if m.inter == _CIVILIAN and nxt.inter != _CIVILIAN and _MEMBER_GAP.fullmatch(sentence, m.end, nxt.start)}
    real = [m for m in real if id(m) not in members]
    groups = _groups(sentence, real or mentions)
    initiators, targets, neutral = [], [], []
    for group in groups:
        before = sentence[:group[0].start]
        after = sentence[group[-1].end:]
        if _DISRUPTED_BY.search(before):
            targets.append(group)  # "intercepted a drone launched by X": X's weapon was disrupted
        elif _INITIATOR_CUE.search(before) or (_AUTHOR_OF_BEFORE.search(before) and _AUTHOR_OF_AFTER.match(after)):
            initiators.append(group)
        elif _TARGET_CUE.search(before) or _PASSIVE_AFTER.match(after) or _HOLDER_CUE.search(before) \
                or all(m.inter == 7 for m in group):
            targets.append(group)  # civilians are only ever a target
        else:
            neutral.append(group)
    ordered1 = initiators + [g for g in neutral if not all(m.inter == 7 for m in g)]
    if not ordered1 and len(targets) > 1:
        # "five faction fighters were killed in clashes with IS": the side they fought is the other actor
        ordered1 = [g for g in targets if _CLASH_WITH.search(sentence[:g[0].start])
                    and not _PASSIVE_AFTER.match(sentence[g[-1].end:])][:1]
        targets = [g for g in targets if g not in ordered1]
    first = ordered1[0] if ordered1 else None
    if first is not None and first[0].actor.startswith("Unidentified"):
        # "unidentified aircraft, likely US-led coalition, struck X": the likely author acts
        likely = next((g for g in groups if g[0].start >= first[-1].end), None)
        if likely is not None and _LIKELY_GAP.fullmatch(sentence, first[-1].end, likely[0].start):
            first = likely
    rest = [g for g in targets + ordered1 if g is not first]
    # "the army's 4th Division fought ISIS": the other side is the first group of another actor
    second = next((g for g in rest if first is None or g[0].actor != first[0].actor), None)
    for group, slot in ((first, 1), (second, 2)):
        if group is None:
            continue
        names: list[str] = []
        # ACLED leads a joint force with its state or foreign army ("FSA and Turkish troops captured X":
        # the Turkish military, the factions associated)
        # ... but a force named as the others' support ("X, supported by the Turkish military") does not lead
        lead = [m for m in group if m.inter in _STATE and not _SUPPORT_BEFORE.search(sentence[:m.start])] \
            if group[0].inter not in _STATE else []
        for m in lead[:1] + group:
            if m.actor not in names:
                names.append(m.actor)
        if slot == 1:
            roles.actor1, roles.assoc_actor_1, roles.inter1 = names[0], names[1:], group[0].inter
        else:
            roles.actor2, roles.assoc_actor_2 = names[0], [n for n in names[1:] if n != roles.actor1]
    if roles.actor1 is not None and roles.actor1 == roles.actor2:
        roles.actor2, roles.assoc_actor_2 = None, []
    if roles.actor1 is not None and roles.actor2 is None and first is not None and len(groups) == 1 \
            and ((_INTRA_BEFORE.search(sentence[:first[0].start]) and _INTRA_AFTER.match(sentence[first[-1].end:]))
                 or (len({m.actor for m in first}) == 1 and _AMONG_THEMSELVES.match(sentence[first[-1].end:]))
                 or _PAIR_NAME.match(first[0].text)):
        roles.actor2 = roles.actor1  # "clashes between rival SNA factions": the group fights itself
    return roles


# "landmines, likely ISIS, killed ...": a side given as the likely author of what went before
_LIKELY_GAP = re.compile(r"\s*,\s*(?:most\s+)?(?:likely|probably|possibly|believed\s+to\s+be)\s+(?:the\s+)?", re.IGNORECASE)
_ATTRIBUTED = re.compile(r",\s*(?:most\s+)?(?:likely|probably|possibly)\s+(?:by\s+)?(?:the\s+)?$", re.IGNORECASE)


def device_target(roles: Roles, sentence: str, device_at: int) -> bool:
    """Make actor1 the target when a device goes off by itself and actor1 is named only after it.

    In "An IED exploded near a Turkish convoy" nobody is said to have placed the bomb: the side
    named after the device word (and not after "by") is what it hit, and actor1 is left for ACLED's
    unidentified perpetrator. A side named before the device ("ISIS militants detonated an IED") or
    after "by" ("planted by ISIS") stays actor1. Changes ``roles`` in place; True when it did.

    Examples
    --------
    >>> text = "An IED exploded near a Turkish military convoy, injuring 3 soldiers."
    >>> r = assign_roles(text)
    >>> r.actor1
    'Military Forces of Turkey (2016-)'
    >>> device_target(r, text, text.index("IED")), r.actor1, r.actor2
    (True, None, 'Military Forces of Turkey (2016-)')
    >>> text = "An IED planted by ISIS exploded near a Turkish military convoy."
    >>> r = assign_roles(text)
    >>> device_target(r, text, text.index("IED")), r.actor1
    (False, 'Islamic State (Syria)')
    >>> text = "Landmines, likely ISIS, exploded near a Turkish military convoy."
    >>> r = assign_roles(text)
    >>> device_target(r, text, text.index("Landmines")), r.actor1
    (False, 'Islamic State (Syria)')
    """
    if roles.actor1 is None:
        return False
    named = [m for m in roles.mentions if m.actor == roles.actor1]
    if not named or any(m.start < device_at or _INITIATOR_CUE.search(sentence[:m.start])
                        or _ATTRIBUTED.search(sentence[:m.start]) for m in named):
        return False
    if roles.actor2 is None:
        roles.actor2, roles.assoc_actor_2 = roles.actor1, list(roles.assoc_actor_1)
    roles.actor1, roles.assoc_actor_1, roles.inter1 = None, [], None
    return True
