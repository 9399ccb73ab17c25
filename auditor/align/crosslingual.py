"""Cross-language alignment scores that mean the same whatever the encoder.

Cosines are not comparable across models: USE puts unrelated sentences near 0.0 and
translations near 0.75, multilingual-e5 puts both higher and closer together. A fixed
threshold on either scale is wrong for the other. So every similarity is read relative
to the document pair itself:

1. *margin*: the cosine minus each run's background (its mean similarity with the
   other side's sentences, best match left out; Vecalign's remedy for "hub" sentences);
2. *calibration*: margins divided by the median margin of the pair's mutual best 1-1
   matches, so 1.0 means "as similar as this pair's typical translated sentence" and
   0.0 "no more similar than unrelated sentences of these documents". Thresholds
   (link, anchor, recovery) are set on that scale and hold for USE and e5 alike.

Merged runs are first scored from the length-weighted mean of their sentence vectors
(no encoding), the dynamic program runs once, and only the windows near what it left
unsure (skips and merges: "loose" sentences) are embedded as text before a second run;
see :func:`loose_windows`. Clean translations cost their sentences' own encoding.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..encoders import Encoder
from .similarity import cosine_matrix

MIN_SCALE = 0.05  # encoders without a reference: below this there are no clear matches

# What each known encoder's similarities look like on real translations: the median
# calibration scale (mutual-best margin) and background cosine of document pairs, on
# the development split of benchmarks/bench_align_hard.py. Used only where a document
# pair cannot speak for itself: the scale is floored at ``SCALE_FLOOR`` of the
# reference, and replaced by it below ``NOT_PARALLEL`` (unrelated documents have small
# margins, and dividing by them would make noise look like matches: USE 0.15 vs 0.54 on
# translations; see :func:`reference_scale`), and documents with fewer
# than ``MIN_SENTENCES`` sentences on a side, whose background cannot be estimated, use
# the reference background and scale.
ENCODER_REFERENCE: dict[str, tuple[float, float]] = {  # prefix of encoder name: (scale, background)
    "use": (0.54, 0.19),
    "e5": (0.11, 0.78),
}
SCALE_FLOOR = 0.8
NOT_PARALLEL = 0.5  # a pair whose scale is below this share of the reference is not a translation
MIN_SENTENCES = 3


def reference_scale(doc_scale: float, ref: tuple[float, float] | None) -> tuple[float, bool]:
    """(the scale to divide margins by, whether the pair looks parallel).

    The pair's own scale, floored near the encoder's typical one; the reference itself
    when the pair's matches are too weak for a translation (its best matches are then
    noise and must not be inflated into links; the aligner also links more strictly)."""
    if ref is None:
        return doc_scale, True
    if doc_scale < NOT_PARALLEL * ref[0]:
        return ref[0], False
    return max(doc_scale, SCALE_FLOOR * ref[0]), True


def encoder_reference(name: str) -> tuple[float, float] | None:
    """(typical scale, typical background) of a known encoder, else None."""
    for key, value in ENCODER_REFERENCE.items():
        if name.startswith(key):
            return value
    return None


def weighted_span_vectors(unit: np.ndarray, lengths: np.ndarray, max_len: int) -> dict[int, np.ndarray]:
    """``{k: V_k}``: row a of ``V_k`` is the normalised, length-weighted mean of ``unit[a:a+k]``.

    Weighted by characters because the embedding of a concatenation is dominated by its
    longer sentences; a short sentence merged into a long one hardly moves it.
    """
    out: dict[int, np.ndarray] = {1: unit}
    n, dim = unit.shape
    weighted = unit * lengths[:, None]
    cs = np.cumsum(np.vstack([np.zeros((1, dim), np.float64), weighted]), axis=0)
    for k in range(2, max_len + 1):
        if n < k:
            out[k] = np.zeros((0, dim), dtype=np.float32)
            continue
        summed = cs[k:] - cs[:-k]
        norms = np.linalg.norm(summed, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        out[k] = (summed / norms).astype(np.float32)
    return out


def _background(mat: np.ndarray, axis: int) -> np.ndarray:
    """Mean similarity along ``axis`` leaving out the best match (the likely true link)."""
    count = mat.shape[axis]
    if count <= 1:
        return np.zeros(mat.shape[1 - axis])
    return (mat.sum(axis=axis) - mat.max(axis=axis)) / (count - 1)


def margins(
    src: dict[int, np.ndarray],
    rep: dict[int, np.ndarray],
    shapes: Sequence[tuple[int, int]],
    fixed_background: float | None = None,
) -> tuple[dict[tuple[int, int], np.ndarray], dict[tuple[int, int], np.ndarray]]:
    """(cosines, margins) of every source run with every reprint run, per bead shape;
    ``fixed_background`` replaces the documents' own background (tiny documents)."""
    raw = {(p, q): cosine_matrix(src[p], rep[q]).astype(np.float64) for p, q in shapes}
    if fixed_background is not None:
        return raw, {k: v - fixed_background for k, v in raw.items()}
    out = {}
    for p, q in shapes:
        row_bg = _background(raw[(p, 1)], axis=1)
        col_bg = _background(raw[(1, q)], axis=0)
        out[(p, q)] = raw[(p, q)] - 0.5 * (row_bg[:, None] + col_bg[None, :])
    return raw, out


def calibration_scale(margin11: np.ndarray, floor: float = MIN_SCALE) -> float:
    """Median margin of the mutual best 1-1 matches (the pair's typical true match),
    at least ``floor``."""
    n, m = margin11.shape
    if n == 0 or m == 0:
        return 1.0
    rb, cb = margin11.argmax(axis=1), margin11.argmax(axis=0)
    mutual = [margin11[i, rb[i]] for i in range(n) if cb[rb[i]] == i]
    if not mutual:
        return 1.0
    return max(float(np.median(mutual)), floor)


def loose_windows(
    beads: Sequence[tuple[int, int, int, int]],
    n: int,
    m: int,
    max_merge: int,
    cal11: np.ndarray | None = None,
    min_match: float = 0.0,
) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """Windows ``(start, size)`` of each side worth embedding as text after a first pass.

    A sentence is *loose* when the first pass put it in anything but a 1-1 bead (a
    skip or a merge): that is where a merge may hide or be wrong. A window is embedded
    when it holds a loose sentence and at most one settled neighbour, so a skipped
    sentence can join the sentence before or after it, and a merge can grow or shrink
    by one. Settled stretches cost nothing. With ``cal11`` (calibrated 1-1 scores), a
    skipped sentence whose best match on the other side is below ``min_match`` is taken
    for foreign or dropped material (nothing there resembles even part of it) and left
    out, so insertions and omissions do not buy windows.
    """
    loose_s = np.zeros(n, dtype=bool)
    loose_r = np.zeros(m, dtype=bool)
    best_s = cal11.max(axis=1) if cal11 is not None and cal11.size else np.full(n, np.inf)
    best_r = cal11.max(axis=0) if cal11 is not None and cal11.size else np.full(m, np.inf)
    for a, p, b, q in beads:
        if (p, q) == (1, 1):
            continue
        if q == 0 and best_s[a] < min_match or p == 0 and best_r[b] < min_match:
            continue
        loose_s[a : a + p] = True
        loose_r[b : b + q] = True
    out = []
    for loose, size in ((loose_s, n), (loose_r, m)):
        wins = set()
        for k in range(2, max_merge + 1):
            for a in range(size - k + 1):
                part = loose[a : a + k]
                if part.any() and (k - int(part.sum())) <= 1:
                    wins.add((a, k))
        out.append(wins)
    return out[0], out[1]


def embed_windows(
    encoder: Encoder, texts: Sequence[str], spans: dict[int, np.ndarray], windows: set[tuple[int, int]]
) -> dict[int, np.ndarray]:
    """``spans`` with the rows of ``windows`` replaced by the embedding of their text."""
    if not windows:
        return spans
    order = sorted(windows)
    vecs = encoder.encode([" ".join(texts[a : a + k]) for a, k in order])
    out = {k: v.copy() for k, v in spans.items()}
    for (a, k), vec in zip(order, vecs):
        out[k][a] = vec
    return out
