"""String helpers for the error injector: words with offsets, folded matching, clauses.

Matching folds case and accents one character for one character, so a match in the
folded text is a span of the original text (no offset bookkeeping).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

Span = tuple[int, int]
_WS_WORD = re.compile(r"\S+")
_TRAIL = re.compile(r"[\s.!?…:;\"'»”’)\]]+$")


def word_spans(text: str) -> list[Span]:
    """(start, end) of every whitespace-delimited word: the unit that gets OK/BAD."""
    return [(m.start(), m.end()) for m in _WS_WORD.finditer(text)]


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    low = ch.lower()
    if len(low) != 1:
        low = ch
    if low in "’‘":
        return "'"
    base = unicodedata.normalize("NFD", low)
    return base[0] if base else ch


@lru_cache(maxsize=1024)
def fold(text: str) -> str:
    """Lower-case, accent-free copy of ``text`` with exactly the same length."""
    return "".join(_fold_char(ch) for ch in text)


@lru_cache(maxsize=1024)
def _lower_same_len(text: str) -> str:
    return "".join(low if len(low := ch.lower()) == 1 else ch for ch in text)


def match_case(original: str, new: str) -> str:
    """``new`` written with the capitalisation of ``original`` (UPPER, Title or as is)."""
    if not new:
        return new
    if len(original) > 1 and original.isupper():
        return new.upper()
    if original[:1].isupper():
        return new[0].upper() + new[1:]
    return new


def find_phrase(text: str, phrase: str, *, suffix: int = 0, exact_case: bool = False, accents: bool = False) -> list[Span]:
    """Whole-word occurrences of ``phrase`` in ``text``, case- and accent-insensitive
    unless ``exact_case`` (or ``accents``: case-insensitive, accents kept, so Spanish
    "él" is not "el"); ``suffix`` tolerates that many extra word characters (inflection)."""
    phrase = phrase.strip()
    if not phrase:
        return []
    if exact_case:
        hay, needle = text, phrase
    elif accents:
        hay, needle = _lower_same_len(text), _lower_same_len(phrase)
    else:
        hay, needle = fold(text), fold(phrase)
    body = r"\s+".join(re.escape(p) for p in needle.split())
    tail = rf"\w{{0,{suffix}}}" if suffix else ""
    return [(m.start(), m.end()) for m in re.finditer(rf"(?<!\w){body}{tail}(?!\w)", hay)]


def clause_bounds(text: str, clause_words: frozenset[str]) -> tuple[list[int], int]:
    """Clause starts (0, each ``,``/``;`` followed by a space, each clause word after a
    space) and where the last clause ends (before the closing punctuation)."""
    end = len(text) - len(m.group()) if (m := _TRAIL.search(text)) else len(text)
    bounds = {0}
    for m in re.finditer(r"[,;](?=\s)", text):
        if m.start() < end and not (text[m.start() - 1:m.start()].isdigit() and text[m.end() + 1:m.end() + 2].isdigit()):
            bounds.add(m.start())
    if clause_words:
        low = {w.lower() for w in clause_words}
        for m in re.finditer(r"(?<=\s)[^\W\d_]+", text):
            if m.group().lower() in low and m.start() < end and text[m.start() - 2:m.start() - 1] not in (",", ";"):
                bounds.add(m.start())
    return sorted(b for b in bounds if b < end), end
