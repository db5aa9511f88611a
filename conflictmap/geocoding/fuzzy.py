"""Fuzzy search over the name index's compact keys: rapidfuzz, blocked so that it stays fast.

:class:`FuzzyKeySearch` is the fuzzy half of :class:`~conflictmap.geocoding.matching.NameIndex`
(which inherits it): :meth:`~FuzzyKeySearch._freeze` sorts the index's compact keys into choice
lists (Latin, Arabic, per governorate) once it is built, and :meth:`~FuzzyKeySearch._fuzzy_search`
scores a query against the keys that share its first consonant and could reach the cutoff by
their length. The choice lists are attributes of the index, so the stored index
(:mod:`conflictmap.geocoding.index_store`) keeps them; the per-query pools are memoised.

Examples
--------
>>> from conflictmap.gazetteer import get_gazetteer
>>> from conflictmap.geocoding.matching import NameIndex
>>> index = NameIndex.for_gazetteer(get_gazetteer())
>>> [choice for choice, score, _ in index._fuzzy_search("kafrnabel", (), 78.0, 3)][:1]
['kafrnabl']
"""

from __future__ import annotations

import bisect
import functools
import math
from collections import defaultdict

from rapidfuzz import fuzz, process

from .normalize import is_arabic

__all__ = ["FuzzyKeySearch", "first_consonant"]


class FuzzyKeySearch:
    """Fuzzy search over ``self.compact`` (compact key -> [(row, name)]), by ``self.admin1_pcode``.

    A mixin: the index that inherits it provides ``compact`` and ``admin1_pcode`` and calls
    :meth:`_freeze` at the end of its construction.
    """

    def _freeze(self) -> None:
        latin = sorted(k for k in self.compact if k and not is_arabic(k))
        arabic = sorted(k for k in self.compact if k and is_arabic(k))
        self._fuzzy_latin = latin
        self._fuzzy_arabic = arabic
        # per-governorate choice lists for hinted fuzzy search
        by_adm: dict[str, set[str]] = defaultdict(set)
        for k, entries in self.compact.items():
            for row, _ in entries:
                by_adm[self.admin1_pcode[row]].add(k)
        self._fuzzy_by_admin1 = {a: sorted(v) for a, v in by_adm.items()}

    def _fuzzy_search(self, c: str, admin1_pcodes: tuple[str, ...], cutoff: float, limit: int) -> list:
        """rapidfuzz over the compact keys that share the query's first consonant.

        Spellings of one name rarely differ in their first consonant once q/k/g, vowels and
        articles are folded; searching that block alone is ten times faster and, measured on
        4,000 noisy names, missed 6 that the full search would have found (1 %)."""
        arabic = is_arabic(c)
        first = "" if arabic else first_consonant(c)
        keys, lens = self._pool(arabic, first, admin1_pcodes)
        # fuzz.ratio >= cutoff needs the lengths within a factor r/(2-r) of each other
        r = cutoff / 100.0
        lo, hi = math.ceil(len(c) * r / (2 - r) - 1e-9), math.floor(len(c) * (2 - r) / r + 1e-9)
        window = keys[bisect.bisect_left(lens, lo):bisect.bisect_right(lens, hi)]
        return process.extract(c, window, scorer=fuzz.ratio, limit=limit, score_cutoff=cutoff)

    @functools.lru_cache(maxsize=2048)
    def _pool(self, arabic: bool, first: str, admin1_pcodes: tuple[str, ...]) -> tuple[list[str], list[int]]:
        """The fuzzy search's choices (Arabic keys; or Latin keys of the hinted governorates or all,
        blocked on the first consonant) sorted by length, and their lengths."""
        if arabic:
            pool = self._fuzzy_arabic
        elif first:
            pool = self._block_choices(first, admin1_pcodes)
        else:
            pool = self._admin_choices(admin1_pcodes) if admin1_pcodes else self._fuzzy_latin
        keys = sorted(pool, key=lambda k: (len(k), k))
        return keys, [len(k) for k in keys]

    @functools.lru_cache(maxsize=256)
    def _admin_choices(self, admin1_pcodes: tuple[str, ...]) -> list[str]:
        return sorted({x for a in admin1_pcodes for x in self._fuzzy_by_admin1.get(a, ())})

    @functools.lru_cache(maxsize=1024)
    def _block_choices(self, first: str, admin1_pcodes: tuple[str, ...]) -> list[str]:
        pool = self._admin_choices(admin1_pcodes) if admin1_pcodes else self._fuzzy_latin
        return [k for k in pool if first_consonant(k) == first]


def first_consonant(key: str) -> str:
    """First consonant of a Latin compact key ('' if none): the blocking key of the fuzzy search.

    >>> first_consonant("ainissa"), first_consonant("haiu")
    ('n', '')
    """
    for ch in key:
        if ch not in "aiuh":
            return ch
    return ""
