"""Synthetic spelling variants of the gazetteer's own names, a guard against overfitting.

The two development sets come from two sources with their own spelling habits; rules tuned on
them may fit those habits alone. This module writes a third set from the gazetteer itself: for
places that carry an Arabic name, a small transliteration generator respells the name the way
reports do, and the Arabic letters decide which respellings are plausible (``q``/``k``/``g``
only where the Arabic has ق, ``dh``/``z``/``th`` only for ذ or ظ, ``th``/``s``/``t`` only for
ث, an article only where the Arabic writes ال ...). A second generator varies the Arabic
spelling itself with the letters reports and gazetteers write for one another (ص/س, ط/ت,
ض/د, ظ/ز/ذ, ث/س/ت, ق/ك, ة/ه, ى/ي, hamza seats, a written or dropped ال).

Habits (each variant applies one to three of them, chosen with a seeded random generator, so
the set is the same on every run for the same gazetteer):

article al/el/as-/ash- (assimilated before a sun letter) or dropped; ou/u; ee/i; ei/ay; q/k/g;
kh/h; dh/z/th; th/s/t; ch/sh; dj/j; doubled letters written single or doubled; -iyah/-iyeh/-ieh/
-iya; -ah/-a/-eh; Tal/Tell/Tall/Tel; Kafr/Kfar/Kafar; Deir/Dayr/Dair; Ain/Ayn/Ein; Khirbet/
Khirbat/Khirba.

Examples
--------
>>> import random
>>> rng = random.Random(1)
>>> v = latin_variant("Kafr Nabl", "كفر نبل", rng)
>>> v != "Kafr Nabl" and v.lower().replace(" ", "").endswith("nabl")
True
>>> arabic_variant("كنسفرة", random.Random(3)) != "كنسفرة"
True
"""

from __future__ import annotations

import random
import re
from typing import Callable

import pandas as pd

__all__ = ["latin_variant", "arabic_variant", "synthetic_set", "HABITS"]

_SUN = "tdrzsnl"  # first letters after which the article assimilates (t, th, d, dh, r, z, s, sh, n)
_ARTICLE = re.compile(r"^(?:al|el|as|ash|ad|at|az|ar|an|es|esh|ed|et|ez|er|en)[- ]", re.I)
_WORD_ARTICLE = re.compile(r"(?<=\s)(?:al|el|as|ash|ad|at|az|ar|an|es|esh|ed|et|ez|er|en)[- ]", re.I)


def _article(name: str, ar: str, rng: random.Random) -> str | None:
    has_article = bool(_ARTICLE.match(name) or _WORD_ARTICLE.search(name))
    if not has_article:
        if not ar.startswith("ال"):
            return None
        return rng.choice(["al-", "el-", "Al ", "al "]) + name
    def repl(m: re.Match[str]) -> str:
        rest = name[m.end():]
        first = rest[:2].lower()
        options = ["al-", "el-", "al ", "Al-", ""]
        if first[:1] in _SUN:
            sun = "sh" if first == "sh" else first[:1]
            options += [f"a{sun}-", f"e{sun}-", f"a{sun} "]
        return rng.choice(options)
    pattern = _ARTICLE if _ARTICLE.match(name) else _WORD_ARTICLE
    out = pattern.sub(repl, name, count=1)
    return out if out != name else None


def _sub(pattern: str, choices: list[str], needs: str = "") -> Callable[[str, str, random.Random], str | None]:
    """A habit replacing one occurrence of ``pattern`` by one of ``choices`` (when the Arabic
    name holds one of the letters in ``needs``, or always when ``needs`` is empty)."""
    rx = re.compile(pattern, re.I)

    def habit(name: str, ar: str, rng: random.Random) -> str | None:
        if needs and not any(ch in ar for ch in needs):
            return None
        hits = list(rx.finditer(name))
        if not hits:
            return None
        m = rng.choice(hits)
        old = m.group(0)
        new = rng.choice([c for c in choices if c.lower() != old.lower()] or choices)
        if old[:1].isupper():
            new = new[:1].upper() + new[1:]
        return name[:m.start()] + new + name[m.end():]
    return habit


def _doubling(name: str, ar: str, rng: random.Random) -> str | None:
    doubled = [m for m in re.finditer(r"([bcdfjklmnqrstz])\1", name)]
    if doubled and rng.random() < 0.6:
        m = rng.choice(doubled)
        return name[:m.start()] + m.group(1) + name[m.end():]
    single = [m for m in re.finditer(r"(?<=[aeiou])([bdfjklmnrstz])(?=[aeiou])", name)]
    if not single:
        return None
    m = rng.choice(single)
    return name[:m.start()] + m.group(1) * 2 + name[m.end():]


#: (habit name, function(name, arabic, rng) -> new name or None when it does not apply)
HABITS: tuple[tuple[str, Callable[[str, str, random.Random], str | None]], ...] = (
    ("article", _article),
    ("ou/u", _sub(r"ou|(?<=[^aeiou])u(?=[^aeiouy]|$)", ["ou", "u", "oo", "o"], "و")),
    ("ee/i", _sub(r"ee|(?<=[^aeiou])i(?=[^aeiouy]|$)", ["ee", "i"], "ي")),
    ("ei/ay", _sub(r"ei|ay|ai|ey", ["ei", "ay", "ai", "ey"], "ي")),
    ("q/k/g", _sub(r"q|(?<![kc])k(?!h)", ["q", "k", "g"], "ق")),
    ("kh/h", _sub(r"kh", ["h", "kh", "kh"], "خ")),
    ("dh/z/th", _sub(r"dh|z", ["dh", "z", "th"], "ذظ")),
    ("th/s/t", _sub(r"th", ["s", "t", "th"], "ث")),
    ("ch/sh", _sub(r"sh", ["ch", "sh"], "ش")),
    ("dj/j", _sub(r"(?<!d)j", ["dj", "j"], "ج")),
    ("doubling", _doubling),
    ("-iyah", _sub(r"(?:iyyah|iyyeh|iyah|iyeh|ieh|iya|iyya|iye)$", ["iyah", "iyeh", "ieh", "iya", "iyya"])),
    ("-ah", _sub(r"(?<=[^aeiouy])(?:ah|eh|a)$", ["ah", "a", "eh"], "ةه")),
    ("Tal/Tell", _sub(r"\b(?:tal|tall|tell|tel)\b", ["Tal", "Tell", "Tall", "Tel"])),
    ("Kafr/Kfar", _sub(r"\b(?:kafr|kfar|kafar|kefr)\b", ["Kafr", "Kfar", "Kafar", "Kefr"])),
    ("Deir/Dayr", _sub(r"\b(?:deir|dayr|dair|der)\b", ["Deir", "Dayr", "Dair"])),
    ("Ain/Ayn", _sub(r"\b(?:ain|ayn|ein|ayin)\b", ["Ain", "Ayn", "Ein"])),
    ("Khirbet", _sub(r"\b(?:khirbet|khirbat|khirba|khirbeh)\b", ["Khirbet", "Khirbat", "Khirba", "Khirbeh"])),
)


def latin_variant(name: str, arabic: str, rng: random.Random, *, max_habits: int = 3) -> str:
    """A respelling of ``name`` with one to ``max_habits`` habits that fit its Arabic ``arabic``.

    Returns ``name`` unchanged when no habit applies.
    """
    wanted = rng.randint(1, max_habits)
    order = list(range(len(HABITS)))
    rng.shuffle(order)
    out, applied = name, 0
    for i in order:
        new = HABITS[i][1](out, arabic, rng)
        if new and new != out:
            out, applied = new, applied + 1
            if applied >= wanted:
                break
    return re.sub(r"\s+", " ", out).strip(" -")


#: Arabic letters written for one another, each with the letters that stand in for it
_AR_SWAPS = {"ص": "س", "س": "ص", "ط": "ت", "ت": "ط", "ض": "د", "ظ": "زذ", "ذ": "ز", "ز": "ذ", "ث": "ست",
             "ق": "ك", "ة": "ه", "ى": "ي", "ي": "ى", "أ": "ا", "إ": "ا", "آ": "ا", "ا": "أ", "ئ": "ي", "ؤ": "و"}


def arabic_variant(name: str, rng: random.Random, *, max_changes: int = 2) -> str:
    """The Arabic ``name`` with one or two letters written as reports write them, or its
    article added or dropped."""
    out = name
    for _ in range(rng.randint(1, max_changes)):
        spots = [i for i, ch in enumerate(out) if ch in _AR_SWAPS]
        if spots and rng.random() < 0.75:
            i = rng.choice(spots)
            out = out[:i] + rng.choice(_AR_SWAPS[out[i]]) + out[i + 1:]
        elif out.startswith("ال"):
            out = out[2:]
        else:
            out = "ال" + out
    return out


def synthetic_set(places: pd.DataFrame, n: int = 600, seed: int = 12) -> pd.DataFrame:
    """One Latin and one Arabic variant for each of ``n`` settlements with an Arabic name.

    Parameters
    ----------
    places : the gazetteer's places table (``Gazetteer.places``)
    n : how many places to draw
    seed : the random seed (the same gazetteer and seed give the same set)

    Returns
    -------
    DataFrame with ``location`` (Latin variant), ``location_ar`` (Arabic variant), ``admin1``
    (the place's governorate), ``latitude``, ``longitude``, ``place_id``, ``source_name``.
    """
    pool = places[(places.feature_type == "settlement") & (places.name_ar.fillna("") != "")
                  & places.name.str.fullmatch(r"[A-Za-z' -]+", na=False)]
    pool = pool.sort_values("place_id")
    rng = random.Random(seed)
    picks = rng.sample(range(len(pool)), min(n, len(pool)))
    rows = []
    for i in picks:
        p = pool.iloc[i]
        latin = p["name"]
        for _ in range(5):
            latin = latin_variant(p["name"], p["name_ar"], rng)
            if latin != p["name"]:
                break
        rows.append({"location": latin, "location_ar": arabic_variant(p["name_ar"], rng), "admin1": p["admin1"],
                     "latitude": p["latitude"], "longitude": p["longitude"], "place_id": p["place_id"],
                     "source_name": p["name"]})
    return pd.DataFrame(rows)
