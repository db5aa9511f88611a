"""Skip the word patterns a text cannot match, before running them.

The word tables (``event_verbs.csv``) hold dozens of case-insensitive patterns, and a sentence is
searched with each of them; most find nothing. Every match of most patterns begins with one of a
few plain texts ("shell", "artillery", "air strike", ...): when the sentence holds none of them,
the pattern cannot match and need not run. :func:`literal_heads` reads these texts from the
pattern itself (:mod:`re`'s own parser), so the check can only skip a pattern that would have found
nothing: the results are the same, only faster.

Examples
--------
>>> heads = literal_heads(re.compile(r"(?<![\\w-])(?:shell(?:ed|ing|s)?|artillery|[Mm]ortars?)(?![\\w-])", re.I))
>>> heads
('shell', 'artillery', 'mortar')
>>> words = PatternSet([(re.compile(r"shell(?:ed|ing)|artillery", re.I), "shelling")])
>>> [what for _, what in words.candidates("Regime ARTILLERY hit the town.")], words.candidates("Jets struck.")
(['shelling'], [])
>>> literal_heads(re.compile(r"(?:[\\w'-]+\\s+){0,2}killed", re.I)) is None  # a match may begin anywhere
True
"""

from __future__ import annotations

import re
from typing import Any, Generic, Sequence, TypeVar

try:  # Python 3.11+
    from re import _constants as _sre
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _sre  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

__all__ = ["literal_heads", "folded", "PatternSet"]

_MAX_HEADS = 64  # texts made by joining the alternatives of one part to those of the part before
_ZERO_WIDTH = (_sre.ASSERT, _sre.ASSERT_NOT, _sre.AT)
# the characters besides ASCII letters that an ASCII letter matches case-insensitively (İ ı ſ K):
# a text holding one is searched with every pattern
_CASE_TRAPS = re.compile("[\u0130\u0131\u017f\u212a]")

T = TypeVar("T")


def _heads(items: Sequence[tuple[Any, Any]]) -> tuple[list[str], bool]:
    """Lower-case texts one of which every match of the parsed ``items`` begins with, and whether
    every match is exactly one of them (so that what follows may be added to them)."""
    heads = [""]
    for i, (op, av) in enumerate(items):
        if op in _ZERO_WIDTH:
            continue  # a look-around or \\b takes no characters
        if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT) and heads == [""]:
            low, _, body = av
            first, _ = _heads(body.data)
            if low > 0:
                return first, False  # "s+": begins as its body does
            rest, _ = _heads(items[i + 1:])  # "(?:the )?capture of": as its body does or as what follows
            return first + rest, False
        if op is _sre.LITERAL and av < 128:
            options, whole = [chr(av).lower()], True
        elif op is _sre.IN and all(kind is _sre.LITERAL and value < 128 for kind, value in av):
            options, whole = sorted({chr(value).lower() for _, value in av}), True  # "[- ]"
        elif op is _sre.SUBPATTERN:
            options, whole = _heads(av[-1].data)
        elif op is _sre.BRANCH:
            options, whole = [], True
            for alternative in av[1]:
                more, complete = _heads(alternative.data)
                options += more
                whole = whole and complete
        else:
            return heads, False  # a repeat, a class of characters, ...: the plain text ends here
        if len(heads) > 1 and len(heads) * len(options) > _MAX_HEADS:
            return heads, False  # enough to tell texts apart; longer heads would only multiply
        heads = [h + o for h in heads for o in options]
        if not whole:
            return heads, False
    return heads, True


def literal_heads(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Lower-case ASCII texts one of which every match of ``pattern`` begins with (in the pattern's
    order, without repeats), or None when a match may begin with anything.

    Examples
    --------
    >>> literal_heads(re.compile(r"(?:car|truck)[- ]bombs?|ieds?", re.I))
    ('car bomb', 'car-bomb', 'truck bomb', 'truck-bomb', 'ied')
    >>> literal_heads(re.compile(r"(?<!had )lost\\s+", re.I))
    ('lost',)
    """
    heads, _ = _heads(_sre_parse.parse(pattern.pattern, pattern.flags).data)
    if not heads or any(not h for h in heads):
        return None
    return tuple(dict.fromkeys(heads))


def folded(text: str) -> str | None:
    """``text`` lower-cased for :meth:`PatternSet.candidates`, or None when it holds one of the few
    characters that match an ASCII letter case-insensitively (then every pattern may match).

    Examples
    --------
    >>> folded("Jets Struck"), folded("\u0130dlib")
    ('jets struck', None)
    """
    if not text.isascii() and _CASE_TRAPS.search(text):
        return None
    return text.lower()


class PatternSet(Generic[T]):
    """Patterns with what goes with each (a table row), and the texts their matches begin with.

    One search of a folded text finds every head it holds (``_finder``: at each position the
    longest head there, in a regex grouped by first letter; the shorter heads found at the same
    position are its beginnings, so ``_entries_of`` a head lists the entries any beginning of it
    belongs to).

    Examples
    --------
    >>> words = PatternSet([(re.compile("shell(?:ed|ing)", re.I), "shelling"), (re.compile("clash", re.I), "clash"),
    ...                     (re.compile(r"\\w+ killed", re.I), "killed")])
    >>> [what for _, what in words.candidates("They shelled it.")]
    ['shelling', 'killed']
    """

    def __init__(self, entries: Sequence[tuple[re.Pattern[str], T]]):
        self.entries = list(entries)
        self.heads = [literal_heads(pattern) for pattern, _ in self.entries]
        self._always = [i for i, heads in enumerate(self.heads) if heads is None]
        every = sorted({h for heads in self.heads if heads for h in heads}, key=lambda h: (-len(h), h))
        self._entries_of = {head: [i for i, heads in enumerate(self.heads)
                                   if heads and any(head.startswith(h) for h in heads)] for head in every}
        by_first: dict[str, list[str]] = {}
        for head in every:  # longest first in each group: the regex reports the longest head at a position
            by_first.setdefault(head[0], []).append(re.escape(head[1:]))
        self._finder = re.compile("(?=(" + "|".join(
            f"{re.escape(first)}(?:{'|'.join(rests)})" for first, rests in by_first.items()) + "))") if every else None

    def candidates(self, text: str) -> list[tuple[re.Pattern[str], T]]:
        """The entries whose pattern may match ``text``, in their order."""
        low = folded(text)
        if low is None or self._finder is None:
            return self.entries
        found = set(self._always)
        for m in self._finder.finditer(low):
            found.update(self._entries_of[m.group(1)])
        return [self.entries[i] for i in sorted(found)]
