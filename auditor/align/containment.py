"""Containment of one same-language run in another: the sign of a cut or extended sentence.

An edited copy often shortens a quote ("... a stable track," Wang said) or extends a
sentence with a clause. Its character n-grams still match the original well, but the
lengths differ, and the length cue that separates a 2-1 bead from a 1-1 plus a skip
would reject the link: the shorter sentence would be reported omitted and the longer
one added, the same words twice. When nearly all word pairs of the shorter run occur
in the longer one, the runs are the same text, one cut or extended, and their length
difference is not evidence against the link.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

_WORD = re.compile(r"\w+", re.UNICODE)


def _bigrams(text: str) -> frozenset[tuple[str, str]]:
    words = _WORD.findall(text.lower())
    if len(words) == 1:
        return frozenset({(words[0], "")})
    return frozenset(zip(words, words[1:]))


def containment(
    source_texts: Sequence[str], reprint_texts: Sequence[str], shapes: Sequence[tuple[int, int]], *, min_words: int = 6
) -> dict[tuple[int, int], np.ndarray]:
    """``{(p, q): C}``: ``C[a, b]`` is the share of the shorter run's word bigrams found in
    the longer run (source ``a..a+p-1``, reprint ``b..b+q-1``); 0 when the shorter run
    has fewer than ``min_words`` words (short strings are contained by chance)."""
    out: dict[tuple[int, int], np.ndarray] = {}
    cache: dict[tuple[int, int, int], frozenset] = {}

    def grams(side: int, a: int, k: int) -> frozenset:
        key = (side, a, k)
        got = cache.get(key)
        if got is None:
            texts = source_texts if side == 0 else reprint_texts
            got = cache[key] = _bigrams(" ".join(texts[a : a + k]))
        return got

    n, m = len(source_texts), len(reprint_texts)
    for p, q in shapes:
        mat = np.zeros((max(0, n - p + 1), max(0, m - q + 1)))
        for a in range(mat.shape[0]):
            ga = grams(0, a, p)
            for b in range(mat.shape[1]):
                gb = grams(1, b, q)
                short, long_ = (ga, gb) if len(ga) <= len(gb) else (gb, ga)
                if len(short) + 1 < min_words or not short:
                    continue
                mat[a, b] = len(short & long_) / len(short)
        out[(p, q)] = mat
    return out


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _contains_run(hay: list[str], needle: list[str]) -> bool:
    k = len(needle)
    return any(hay[i : i + k] == needle for i in range(len(hay) - k + 1))


def absorb_contained(pairs: list, source_texts: Sequence[str], reprint_texts: Sequence[str], *, max_merge: int,
                     min_words: int = 3) -> list:
    """Join an unlinked sentence to the neighbouring bead whose other side holds its words.

    A subhead the source ran into its next sentence ("- End 'downward spiral' - At the
    ornate ...") is its own sentence in a copy; the dynamic program links the long
    sentence 1-1 and leaves the subhead as an addition, though its words are right
    there in the source sentence. An unlinked sentence of at least ``min_words`` words
    that occur contiguously, in order, in the adjacent bead's other side (and not
    already in the bead's own side) belongs to that bead.
    """
    from ..types import AlignedPair

    out = list(pairs)
    changed = True
    while changed:
        changed = False
        for k, pr in enumerate(out):
            if pr.source and pr.reprint:
                continue
            own_is_src = bool(pr.source)
            idx = pr.source[0] if own_is_src else pr.reprint[0]
            words = _words((source_texts if own_is_src else reprint_texts)[idx])
            if len(words) < min_words:
                continue
            for nb in (k - 1, k + 1):
                if not 0 <= nb < len(out):
                    continue
                bead = out[nb]
                if not (bead.source and bead.reprint):
                    continue
                side, other = (bead.source, bead.reprint) if own_is_src else (bead.reprint, bead.source)
                if not (idx == side[0] - 1 or idx == side[-1] + 1) or len(side) >= max_merge:
                    continue
                other_words = _words(" ".join((reprint_texts if own_is_src else source_texts)[i] for i in other))
                side_words = _words(" ".join((source_texts if own_is_src else reprint_texts)[i] for i in side))
                if _contains_run(other_words, words) and not _contains_run(side_words, words):
                    grown = tuple(sorted((*side, idx)))
                    new = AlignedPair(grown, bead.reprint, bead.similarity) if own_is_src else AlignedPair(
                        bead.source, grown, bead.similarity)
                    out[nb] = new
                    del out[k]
                    changed = True
                    break
            if changed:
                break
    return out
