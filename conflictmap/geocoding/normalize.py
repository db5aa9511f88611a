"""Name normalisation for Arabic place names written in Latin or Arabic script.

Three levels, each a pure function of the text:

``normalize_name``
    display-level clean-up: Unicode NFKC, control characters removed, white space collapsed.
``name_key``
    the transliteration key: two spellings of the same Arabic name written by different reports
    ("Jisr al-Shughur", "Jisr ash Shughur", "Djisr el-Choughour") get the same key. Arabic script
    is folded and kept in Arabic: harakat and tatweel dropped, hamza seats and alef forms to
    bare alef/waw/ya, ta marbuta to ha, alef maqsura to ya, a written or dropped article ال,
    and the letters reports and gazetteers write for one another (ص/س, ط/ت, ض/د, ظ/ز/ذ,
    ث/ت, ق/ك; ث/س through :func:`arabic_alternatives`).
``skeleton``
    a consonant skeleton shared by Latin and Arabic script ("Kansafrah" and "كنصفرة" both give
    ``knsfr``), used only to find candidates, never to accept a match on its own.

The spelling variants of generic words (Tal/Tell, Kafr/Kfar, ...) live in
``conflictmap/data/name_variants.csv``.

Examples
--------
>>> name_key("Jisr al-Shughur") == name_key("Jisr ash-Shughour") == name_key("Djisr el Choughour")
True
>>> name_key("Kafar Nabil") == name_key("Kafr Nabil")
True
>>> name_key("Ruwayhah") == name_key("Al-Ruwayha") == name_key("Rouaïha")
True
>>> name_key("الرُّوَيْحَة") == name_key("الرويحه")
True
>>> name_key("كنصفرة") == name_key("كنسفره") and name_key("الضمير") == name_key("ضمير")
True
>>> skeleton("Kansafrah") == skeleton("كنصفرة")
True
"""

from __future__ import annotations

import functools
import re
import unicodedata

from .._data import data_rows

__all__ = ["normalize_name", "name_key", "arabic_alternatives", "compact_key", "skeleton", "consonants", "core_key", "core_of_key", "keys", "is_arabic",
           "is_generic", "tokens"]

_ARABIC_CHARS = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")
_HARAKAT = re.compile(r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]")  # incl. tatweel
_CONTROL = re.compile(r"[\u0000-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF]")
_APOSTROPHES = "'`\u2018\u2019\u02BF\u02BE\u02BB\u02BC\u00B4\u2032\u02C8\u0060\u055A"
_APOS_RE = re.compile("[" + re.escape(_APOSTROPHES) + "]")
_ARTICLE_APOS_RE = re.compile(r"\b([ae]l)[" + re.escape(_APOSTROPHES) + r"](?=[a-z])")  # "Al'Atshana": article + ayn
_NON_WORD = re.compile(r"[^0-9a-z\u0600-\u06FF ]+")
_WS = re.compile(r"\s+")

_ARABIC_FOLD = str.maketrans({
    "\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627",  # alef forms
    "\u0629": "\u0647",  # ta marbuta -> ha
    "\u0649": "\u064A",  # alef maqsura -> ya
    "\u0624": "\u0648",  # waw hamza -> waw
    "\u0626": "\u064A",  # ya hamza -> ya
    "\u0621": None,      # lone hamza
    "\u06CC": "\u064A", "\u06A9": "\u0643", "\u06AF": "\u0643", "\u06A4": "\u0641",  # Persian ya/kaf/gaf, veh
    # letters reports and gazetteers write for one another: the emphatics and the interdentals
    # fold to the plain letter they are heard as (ث also as س: see ``arabic_alternatives``)
    "\u0635": "\u0633",  # sad -> sin
    "\u0637": "\u062A",  # ta -> ta
    "\u0636": "\u062F",  # dad -> dal
    "\u0638": "\u0632", "\u0630": "\u0632",  # za, dhal -> zay
    "\u062B": "\u062A",  # tha -> ta
    "\u0642": "\u0643",  # qaf -> kaf
})
# Arabic letter -> Latin consonant class used by ``skeleton`` (vowel letters map to '')
_ARABIC_SKELETON = {
    "ب": "b", "ت": "t", "ث": "t", "ج": "j", "ح": "h", "خ": "h", "د": "d", "ذ": "z", "ر": "r",
    "ز": "z", "س": "s", "ش": "s", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "", "غ": "k",
    "ف": "f", "ق": "k", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "", "و": "", "ي": "",
    "ا": "", "ى": "", "ة": "",
}
_SUN_ARTICLES = {"ash": "s", "as": "s", "ad": "d", "adh": "d", "at": "t", "ath": "t", "az": "z",
                 "ar": "r", "an": "n", "ed": "d", "es": "s", "esh": "s", "et": "t", "ez": "z",
                 "er": "r", "en": "n", "ech": "c", "ach": "c", "ej": "j", "esch": "s", "asch": "s"}
_GLUED_ARTICLE = re.compile(r"^[ae](?:(?:sh)(?=sh)|([dtsznr])(?=\1))")
_ARTICLES = {"al", "el", "il", "ul", "l", "ال"}
_GLUED_AL = re.compile(r"^al[bcdfghjklmnpqrstvxz][a-z]{3,}$")

# ordered Latin folding rules applied to one token (after diacritics and apostrophes are gone)
# "sh" (ش) stays apart from "s" (س, ص): French "ch" and German "sch" fold to it, never to "s".
# A token-final "-at" is the plural ending (Shu'ayrat, Humayrat) and is kept; before another word
# it is the construct ta marbuta (Ma'arrat an-Nu'man, Khirbat ...) and folds with "-ah"/"-a".
# the endings (-iyah/-iyeh/-iya, -ah/-eh/-a, construct -at/-iyat) are rows of ``latin_endings.csv``
_CONSONANT_RULES = (
    (r"tch", "j"), (r"dj", "j"), (r"dh", "z"), (r"th", "t"), (r"ph", "f"), (r"gh", "k"),
    (r"kh", "h"), (r"sch", "sh"), (r"ch", "sh"), (r"ck", "k"), (r"x", "ks"),
    (r"[qcg]", "k"), (r"v", "f"), (r"p", "b"),
    (r"ou|oo|o|w", "u"), (r"ee|ie|ei|ey|ay|ai|y", "i"), (r"e", "a"),
    (r"(.)\1+", r"\1"),
)


def _endings(to: str, final: bool) -> list[str]:
    """The endings of ``latin_endings.csv`` folded to ``to``, for the last word of a name or another."""
    return [row["ending"] for row in data_rows("latin_endings.csv")
            if row["to"] == to and (row["position"] == "any" or not final)]


def _rules(final: bool) -> tuple[tuple[str, str], ...]:
    """The folding rules for a token before another word, or for the last token of a name."""
    iya, endings = (sorted(_endings(to, final), key=len, reverse=True) for to in ("iya", "a"))
    return ((f"({'|'.join(iya)})$", "iya"), (rf"(?<=[a-z]{{2}})({'|'.join(endings)})$", "a")) + _CONSONANT_RULES


def _compiled(pattern: str, repl: str) -> tuple[str | re.Pattern[str], str]:
    """A rule as :func:`_fold_token` applies it: a plain text (no regular-expression syntax, replaced
    by ``str.replace``, which gives what ``re.sub`` gives and is several times faster) or a compiled
    pattern."""
    if re.escape(pattern) == pattern and re.escape(repl) == repl:
        return pattern, repl
    return re.compile(pattern), repl


_LATIN_RULES: dict[bool, tuple[tuple[str | re.Pattern[str], str], ...]] = {
    final: tuple(_compiled(p, r) for p, r in _rules(final)) for final in (False, True)
}


def is_arabic(text: str) -> bool:
    """True when ``text`` contains Arabic-script letters.

    >>> is_arabic("كنصفرة"), is_arabic("Kansafrah")
    (True, False)
    """
    return bool(_ARABIC_CHARS.search(text or ""))


def normalize_name(text: object) -> str:
    """Display-level clean-up: NFKC, no control characters, single spaces, stripped.

    Non-string input (None, NaN, numbers) gives ``""``.

    >>> normalize_name("  Kafr\\u200b  Nabl\\n")
    'Kafr Nabl'
    >>> normalize_name(None)
    ''
    """
    if not isinstance(text, str):
        return ""
    if len(text) > _MEMO_CHARS:  # a paragraph, not a name: not worth keeping
        return _normalized(text)
    return _normalized_name(text)


_MEMO_CHARS = 200


def _normalized(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL.sub(" ", text)
    return _WS.sub(" ", text).strip()


# one name is cleaned again by every step that reads it (lookup, keys, ranking, the confidence model)
_normalized_name = functools.lru_cache(maxsize=131072)(_normalized)


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    # keep Arabic letters whole: NFKD splits some hamza forms, so recompose after removing Latin marks
    out = "".join(ch for ch in decomposed if not (unicodedata.combining(ch) and ord(ch) < 0x0600))
    return unicodedata.normalize("NFKC", out)


@functools.lru_cache(maxsize=1)
def _variant_rows() -> tuple[dict[str, str], ...]:
    return tuple(data_rows("name_variants.csv"))


@functools.lru_cache(maxsize=2)
def _variant_map(final: bool) -> dict[str, str]:
    """Folded variant -> canonical generic word, for a token before another word or for the
    last token. Words whose ``position`` is ``prefix`` (Kafr, Khirbat, ...) are generic only
    before a name: a lone "Al Kafir" or "Ghafar" is a name of its own."""
    mapping: dict[str, str] = {}
    for row in _variant_rows():
        if final and row.get("position", "any") == "prefix":
            continue
        canonical = _fold_token(_APOS_RE.sub("", row["canonical"]), final)
        for variant in (row["variants"] or "").split("|"):
            variant = _APOS_RE.sub("", _strip_marks(variant.strip().lower()))
            if variant:
                mapping[_fold_token(variant, final)] = canonical
    return mapping


@functools.lru_cache(maxsize=65536)
def _fold_token(token: str, final: bool = False) -> str:
    """Apply the folding rules until nothing changes, so keys are a fixed point ("Matakh" ->
    "matah" -> "mata" in one call), which makes ``name_key`` idempotent. ``final`` marks the
    last token of a name, whose "-at" ending is kept."""
    if not token or token.isdigit():
        return token
    for _ in range(4):
        before = token
        for pattern, repl in _LATIN_RULES[final]:
            if type(pattern) is str:
                if pattern in token:
                    token = token.replace(pattern, repl)
            else:
                token = pattern.sub(repl, token)
        if token == before:
            break
    return token


def _latin_tokens(text: str) -> list[str]:
    return list(_latin_tokens_of(text))


@functools.lru_cache(maxsize=131072)
def _latin_tokens_of(text: str) -> tuple[str, ...]:
    """The raw Latin tokens of a name (articles before a word dropped), memoised: keys,
    skeletons and consonants of one name all start from them."""
    text = _APOS_RE.sub("", _ARTICLE_APOS_RE.sub(r"\1 ", _strip_marks(text.lower())))
    text = _NON_WORD.sub(" ", text.replace("-", " ").replace("_", " "))
    raw = text.split()
    out: list[str] = []
    after_article = False
    for i, tok in enumerate(raw):
        nxt = raw[i + 1] if i + 1 < len(raw) else ""
        if len(raw) > 1 and nxt:
            if tok in _ARTICLES:
                after_article = True
                continue
            sun = _SUN_ARTICLES.get(tok)
            if sun is not None and (nxt.startswith(sun) or nxt.startswith(tok[1:])):
                after_article = True
                continue
        glued = _GLUED_ARTICLE.match(tok)
        # "Ezzor", "Arraqqa", "Ashshaddadi": a sun-letter article written joined; never right after a
        # written article ("al-Ammar", "el-Assal": the doubled letter is the word's own)
        if glued and len(tok) > 4 and not after_article:
            tok = tok[glued.end():]
        after_article = False
        out.append(tok)
    return tuple(out)


def _arabic_tokens(text: str) -> list[str]:
    text = _HARAKAT.sub("", unicodedata.normalize("NFKC", text)).translate(_ARABIC_FOLD)
    text = _NON_WORD.sub(" ", text.lower())
    out = []
    for tok in text.split():
        if tok.startswith("ال") and len(tok) > 3:
            tok = tok[2:]
        elif tok.startswith("وال") and len(tok) > 4:
            tok = tok[3:]
        out.append(tok)
    return out


def arabic_alternatives(text: object) -> list[str]:
    """Other spellings of an Arabic-script name that its key does not cover: ث is written
    ت or س; the key folds it to ت, this gives the س spelling (empty for other names).

    >>> arabic_alternatives("الثورة")
    ['السورة']
    >>> arabic_alternatives("كفرنبل"), arabic_alternatives("Thawra")
    ([], [])
    """
    clean = normalize_name(text)
    if "\u062B" not in clean or not is_arabic(clean):
        return []
    return [clean.replace("\u062B", "\u0633")]


def tokens(text: object) -> list[str]:
    """Folded tokens of a name (articles dropped, generic words canonical).

    >>> tokens("Tall al-Abyad")
    ['tal', 'abiad']
    >>> tokens("Deir ez-Zor") == tokens("Dayr az Zor") == tokens("Dair al-Zour")
    True
    """
    return list(_tokens_of(normalize_name(text)))


@functools.lru_cache(maxsize=131072)
def _tokens_of(clean: str) -> tuple[str, ...]:
    """``tokens`` of an already normalised name, memoised."""
    if not clean:
        return ()
    if is_arabic(clean):
        return tuple(_arabic_tokens(clean))
    toks = _latin_tokens(clean)
    out = []
    for i, tok in enumerate(toks):
        final = i == len(toks) - 1
        folded = _fold_token(tok, final)
        if not final and folded in _ARTICLES:  # "Aal" folds to an article: drop it as one
            continue
        if _GLUED_AL.match(folded):  # "Alsubul", "Almayathen": "al" written joined to a word
            folded = _fold_token(folded[2:], final)
        out.append(_variant_map(final).get(folded, folded))
    return tuple(out)


@functools.lru_cache(maxsize=262144)
def name_key(text: object) -> str:
    """Transliteration key: equal for spellings of the same name.

    >>> name_key("Tell Abiad") == name_key("Tal Abyad") == name_key("Tall al Abyad")
    True
    >>> name_key("  ")
    ''
    """
    return " ".join(tokens(text))


@functools.lru_cache(maxsize=1)
def _optional_words() -> frozenset[str]:
    return frozenset(_fold_token(_APOS_RE.sub("", row["canonical"]))
                     for row in _variant_rows() if row.get("optional") == "yes")


@functools.lru_cache(maxsize=1)
def _generic_words() -> frozenset[str]:
    return frozenset(_variant_map(False).values()) | frozenset(_variant_map(True).values())


def core_key(text: object) -> str:
    """``name_key`` without a leading word that reports often leave out (Tall, Khirbat, Rasm,
    Mazra'at), or ``""`` when the name has none.

    >>> core_key("Tall Abu Rasayn") == name_key("Abu Rasin"), core_key("Abu Rasayn")
    (True, '')
    """
    return core_of_key(name_key(text))


def core_of_key(key: str) -> str:
    """``core_key`` of a name whose ``name_key`` is already known (no second tokenising)."""
    first, _, rest = key.partition(" ")
    return rest if rest and first in _optional_words() else ""


def is_generic(text: object) -> bool:
    """True when a name is only generic words (Tal, Kafr, Dayr, Ayn ...), no name of its own.

    >>> is_generic("Deir"), is_generic("Tall Kabir"), is_generic("Tall Rifaat")
    (True, False, False)
    """
    toks = tokens(text)
    return bool(toks) and all(t in _generic_words() for t in toks)


def compact_key(text: object) -> str:
    """``name_key`` without spaces ("Kafr Nabl" and "Kafrnabl" agree).

    >>> compact_key("Kafr Nabl") == compact_key("Kafrnabl")
    True
    """
    return name_key(text).replace(" ", "")


@functools.lru_cache(maxsize=262144)
def skeleton(text: object) -> str:
    """Consonant skeleton shared by Latin and Arabic script.

    >>> skeleton("Jisr ash-Shughur") == skeleton("جسر الشغور")
    True
    """
    return _skeleton_of(tuple(tokens(text)))


@functools.lru_cache(maxsize=1)
def _digraphs() -> tuple[tuple[str, str], ...]:
    """``(written, class)`` of ``conflictmap/data/latin_consonants.csv``, in its order."""
    return tuple((row["written"], row["class"]) for row in data_rows("latin_consonants.csv"))


_FINAL_H = re.compile(r"(?<=[aeiou])h\b")
_VOWELS = re.compile(r"[aeiouyw]")


@functools.lru_cache(maxsize=65536)
def consonants(text: object) -> str:
    """The consonants of a name as written, digraphs kept apart ("sh" is not "s" + "h").

    Stricter than ``name_key``, which folds kh/h and drops the articles' letters: two spellings
    with the same ``consonants`` differ in vowels, doubling or articles only. Arabic script
    gives its ``skeleton``.

    >>> consonants("Al Sakhina") == consonants("Chine")
    False
    >>> consonants("Dayr al Jamil") == consonants("Dayr Jamal")
    True
    """
    clean = normalize_name(text)
    if not clean or is_arabic(clean):
        return skeleton(clean)
    out = []
    for tok in _latin_tokens(clean):
        if tok in _ARTICLES:
            continue
        tok = _FINAL_H.sub("", tok)
        for a, b in _digraphs():
            tok = tok.replace(a, b)
        out.append(_VOWELS.sub("", tok))
    return re.sub(r"(.)\1+", r"\1", "".join(out))


def keys(text: object) -> tuple[str, str]:
    """``(name_key, skeleton)`` of a name, tokenising it once.

    >>> keys("Kafr Nabl")
    ('kafr nabl', 'kfrnbl')
    """
    toks = tokens(text)
    return " ".join(toks), _skeleton_of(tuple(toks))


def _skeleton_of(toks: tuple[str, ...]) -> str:
    if not toks:
        return ""
    if is_arabic(" ".join(toks)):
        return "".join("".join(_ARABIC_SKELETON.get(ch, ch if ch.isascii() and ch.isalnum() else "")
                               for ch in tok) for tok in toks)
    joined = "".join(toks)
    return re.sub(r"(.)\1+", r"\1", re.sub(r"[aiuh]", "", joined))


@functools.lru_cache(maxsize=1)
def _romanise_table() -> tuple[dict[str, str], dict[str, str]]:
    """(letter -> reading, letter -> reading at a word's start) of ``conflictmap/data/arabic_latin.csv``."""
    inner: dict[str, str] = {}
    initial: dict[str, str] = {}
    for row in data_rows("arabic_latin.csv"):
        inner[row["letter"]] = row["latin"] or ""
        initial[row["letter"]] = row["initial"] if row["initial"] else inner[row["letter"]]
    return inner, initial


def romanise(text: object) -> str:
    """A Latin reading of an Arabic-script name by the rules of ``arabic_latin.csv`` (``""`` for
    Latin text). Harakat are dropped, the article ال is written "al", letters with no rule are
    left out; the reading has no short vowels (Arabic does not write them).

    >>> romanise("الراشدين")
    'al rashdyn'
    >>> name_key(romanise("الراشدين")) == name_key("Rashdeen")
    True
    >>> romanise("Kafr Nabl")
    ''
    """
    clean = normalize_name(text)
    if not clean or not is_arabic(clean):
        return ""
    inner, initial = _romanise_table()
    words = []
    for word in _HARAKAT.sub("", clean).split():
        lead = ""
        if word.startswith("ال") and len(word) > 3:
            lead, word = "al ", word[2:]
        out = "".join((initial if i == 0 else inner).get(ch, "") for i, ch in enumerate(word))
        if out:
            words.append(lead + out)
    return " ".join(words)
