"""A name and the English word for its kind after it: "the al-Assad suburb" is Dahiyat al-Asad.

The gazetteer writes a name's generic word in Arabic before it (Jabal X, Dahiyat X, Jisr X); reports
often translate the word and put it after the name ("X mount", "the X suburb", "the X bridge"). A
mention followed by such a word (``generic_words_en.csv``) is the place the gazetteer knows as
'<Arabic word> <name>' by a known spelling, when there is one, and the word joins the mention.

>>> from conflictmap.events.places_in_text import find_places
>>> find_places("Jets struck the Zawiya mountains.").loc[0, ["mention", "place_name"]].tolist()
['Zawiya mountains', 'Jabal al-Zawiyah']
"""

from __future__ import annotations

import re

from ..geocoding.matching import STRONG_METHODS, Candidate, NameIndex
from ..geocoding.query import generic_words_en
from .place_mention import PlaceMention

_NEXT_WORD = re.compile(r"^\s+([A-Za-z]+)\b")


def read_generic_words(text: str, index: NameIndex, mentions: list[PlaceMention]) -> None:
    """Answer each mention followed by an English generic word with the places the gazetteer names with
    the Arabic one before the name (their candidates replace the name's own)."""
    words = generic_words_en()
    for m in mentions:
        nxt = _NEXT_WORD.match(text[m.end:m.end + 24])
        arabic = words.get(nxt.group(1).casefold(), ()) if nxt else ()
        found: dict[int, Candidate] = {}
        for word in arabic:
            for cand in index.lookup(f"{word} {m.mention}", fuzzy=False):
                if cand.method in STRONG_METHODS:
                    found.setdefault(cand.row, cand)
        if found:
            m.candidates = list(found.values())
            m.end += nxt.end()
            m.mention = text[m.start:m.end]
