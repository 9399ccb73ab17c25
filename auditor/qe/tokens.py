"""Word tokens with character offsets, the unit of word-level QE.

Why our own tokenizer rather than MLQE-PE's: at run time we see raw web text, so
training re-tokenises the corpus's tokens with this same function and the features
mean the same thing in both places. Scripts written without spaces (Chinese,
Japanese, Thai) are split per character because no segmenter ships offline.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_CHAR_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f]")
_JOINERS = "'’-\u200d\u200c"


@lru_cache(maxsize=8192)  # characters repeat: the category lookups dominated tokenising
def _kind(ch: str) -> str:
    """"c" per-character script, "w" word (letters and combining marks), "d" digit, "s" space, "p" other."""
    if _CHAR_SCRIPT.match(ch):
        return "c"
    cat = unicodedata.category(ch)
    if cat[0] in "LM":
        return "w"
    if cat == "Nd":
        return "d"
    if ch.isspace() or cat in ("Zs", "Cc", "Cf") and ch not in "\u200d\u200c":
        return "s"
    return "p"


def tokenize(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, token)`` for every token; ``text[start:end] == token``.

    A word is a run of letters and combining marks (so Sinhala and Devanagari vowel
    signs stay inside their word), joined across an inner apostrophe, hyphen or
    zero-width joiner; a number keeps inner ``.,:/`` between digits (``1,000.5``,
    ``18:30``); every other visible character is a token of its own.
    """
    out: list[tuple[int, int, str]] = []
    n = len(text)
    i = 0
    while i < n:
        k = _kind(text[i])
        if k == "s":
            i += 1
            continue
        j = i + 1
        if k == "w":
            while j < n:
                kj = _kind(text[j])
                if kj == "w":
                    j += 1
                elif text[j] in _JOINERS and j + 1 < n and _kind(text[j + 1]) == "w":
                    j += 2
                else:
                    break
        elif k == "d":
            while j < n:
                if _kind(text[j]) == "d":
                    j += 1
                elif text[j] in ".,:/" and j + 1 < n and _kind(text[j + 1]) == "d":
                    j += 2
                else:
                    break
        out.append((i, j, text[i:j]))
        i = j
    return out


def is_number(tok: str) -> bool:
    return tok[:1].isdigit()


def is_punct(tok: str) -> bool:
    return len(tok) == 1 and not tok.isalnum()


def key(tok: str) -> str:
    """Lexicon key: case-folded token."""
    return tok.casefold()
