"""Error spans of QE v2: contiguous flagged MT words merged, with the source words they render.

A span's source side comes from the word alignment the features were computed with
(:mod:`auditor.qe.wordalign`, mutual best matches at the alignment layer): per MT word
of the span, the source words linked to it, or, for a word without a link, its most
similar source word (``best_src``) when that similarity is at least :data:`MIN_FALLBACK_COS`.
Of those source words the largest run without a gap of more than :data:`MAX_GAP` words
is kept, so one stray link cannot stretch the quote over half the sentence. The quote is
``source[src_start:src_end]``, always an exact substring of the source.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from .interface import ErrorSpan

MIN_FALLBACK_COS = 0.45
MAX_GAP = 2


def _source_run(indices: Sequence[int]) -> list[int]:
    idx = sorted(set(indices))
    if not idx:
        return []
    runs, cur = [], [idx[0]]
    for i in idx[1:]:
        if i - cur[-1] <= MAX_GAP + 1:
            cur.append(i)
        else:
            runs.append(cur)
            cur = [i]
    runs.append(cur)
    return max(runs, key=len)


def source_words_for(feat, mt_indices: Sequence[int]) -> list[int]:
    """Indices of the source words MT words ``mt_indices`` render (see the module docstring)."""
    by_word: dict[int, list[int]] = {}
    for i, j in feat.links:
        by_word.setdefault(j, []).append(i)
    found: list[int] = []
    for j in mt_indices:
        if j in by_word:
            found.extend(by_word[j])
        elif feat.best_src and feat.best_src[j] >= 0 and float(feat.word_scalar[j, 0]) >= MIN_FALLBACK_COS:
            found.append(feat.best_src[j])
    return _source_run(found)


def flagged_spans(source: str, translation: str, feat, probs: np.ndarray, threshold: float) -> list[ErrorSpan]:
    """Merged :class:`ErrorSpan` objects for the MT words whose p(BAD) exceeds ``threshold``."""
    out: list[ErrorSpan] = []
    words = feat.mt_words
    j = 0
    while j < len(words):
        if probs[j] <= threshold:
            j += 1
            continue
        k = j
        while k + 1 < len(words) and probs[k + 1] > threshold:
            k += 1
        a, b = words[j][0], words[k][1]
        src = source_words_for(feat, range(j, k + 1))
        if src:
            sa, sb = feat.src_words[src[0]][0], feat.src_words[src[-1]][1]
            out.append(ErrorSpan(a, b, translation[a:b], float(probs[j:k + 1].max()), sa, sb, source[sa:sb]))
        else:
            out.append(ErrorSpan(a, b, translation[a:b], float(probs[j:k + 1].max())))
        j = k + 1
    return out
