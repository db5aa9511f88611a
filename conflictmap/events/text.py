"""Split report text into paragraphs and sentences, keeping character spans.

Examples
--------
>>> text = "Fighting resumed near Kansafrah. No casualties were reported.\\n\\nIn Daraa, the army withdrew."
>>> [(s.paragraph, s.text) for s in split_sentences(text)]
[(0, 'Fighting resumed near Kansafrah.'), (0, 'No casualties were reported.'), (1, 'In Daraa, the army withdrew.')]
>>> s = split_sentences(text)[2]
>>> text[s.start:s.end] == s.text
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Sentence", "split_sentences"]

# a sentence ends at . ! ? (optionally followed by closing quotes/brackets) before white space and
# an upper-case letter, a digit, a quote or Arabic script; not after common abbreviations or initials
_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9\u0600-\u06FF])")
_ABBREVIATIONS = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|Gen|Lt|Col|Maj|Capt|Sgt|St|Mt|No|vs|etc|approx|U\.S|U\.N|e\.g|i\.e)\.|\b[A-Z]\.)$")
_PARAGRAPH = re.compile(r"\n[ \t]*\n+")


@dataclass(frozen=True)
class Sentence:
    """A sentence of a report: its text, character span in the report and paragraph number."""

    text: str
    start: int
    end: int
    paragraph: int


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for m in _PARAGRAPH.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return spans


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences with their ``[start, end)`` spans and paragraph numbers.

    Paragraphs are separated by blank lines; a paragraph that starts with a lower-case letter
    continues the previous one (reports broken across lines). Empty paragraphs are skipped.

    Examples
    --------
    >>> [s.text for s in split_sentences("Gen. Smith said U.S. forces left. Then clashes began.")]
    ['Gen. Smith said U.S. forces left.', 'Then clashes began.']
    >>> [s.paragraph for s in split_sentences("The ambassador\\n\\nsaid on June 29 that... More.\\n\\nNext.")]
    [0, 0, 0, 1]
    """
    sentences: list[Sentence] = []
    paragraph = -1
    for start, end in _paragraph_spans(text):
        block = text[start:end]
        stripped = block.strip()
        if not stripped:
            continue
        if not (sentences and stripped[0].islower()):
            paragraph += 1
        offset = start + (len(block) - len(block.lstrip()))
        body = stripped
        pos = 0
        for m in _END.finditer(body):
            if _ABBREVIATIONS.search(body[pos:m.start()]):
                continue
            piece = body[pos:m.start()]
            _add(sentences, piece, offset + pos, paragraph)
            pos = m.end()
        _add(sentences, body[pos:], offset + pos, paragraph)
    return sentences


def _add(sentences: list[Sentence], piece: str, start: int, paragraph: int) -> None:
    lead = len(piece) - len(piece.lstrip())
    piece = piece.strip()
    if piece:
        sentences.append(Sentence(piece, start + lead, start + lead + len(piece), paragraph))
