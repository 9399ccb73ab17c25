"""First pass: confident 1-1 anchors and the band they define for the second pass.

Like Bertalign, the aligner first finds sentence pairs it can trust without context
(mutual best matches, clearly above the rest), keeps the heaviest chain of them that is
in order, and lets the dynamic program search only near that chain. Anchors only
shape the band; they are not forced into the result, so a 2-1 bead next to an anchor is
still found.
"""

from __future__ import annotations

import numpy as np


def find_anchors(raw: np.ndarray, norm: np.ndarray, *, min_similarity: float, min_margin: float) -> list[tuple[int, int]]:
    """Mutual best 1-1 matches with raw similarity >= ``min_similarity`` whose normalised
    score beats the runner-up of their row and column by ``min_margin``, kept in order."""
    n, m = raw.shape
    if n == 0 or m == 0:
        return []
    row_best = norm.argmax(axis=1)
    col_best = norm.argmax(axis=0)
    cands: list[tuple[int, int, float]] = []
    for i in range(n):
        j = int(row_best[i])
        if col_best[j] != i or raw[i, j] < min_similarity:
            continue
        score = norm[i, j]
        row_second = np.partition(norm[i], -2)[-2] if m > 1 else -np.inf
        col_second = np.partition(norm[:, j], -2)[-2] if n > 1 else -np.inf
        if score - max(row_second, col_second) < min_margin:
            continue
        cands.append((i, j, float(raw[i, j])))
    return heaviest_monotone_chain(cands)


def heaviest_monotone_chain(cands: list[tuple[int, int, float]]) -> list[tuple[int, int]]:
    """The chain of candidates increasing in both indices with the largest total weight.

    Candidates come sorted by source index with distinct source and reprint indices
    (mutual best matches), so an O(k^2) weighted longest-increasing-subsequence is enough.
    """
    if not cands:
        return []
    cands = sorted(cands)
    best = [w for _, _, w in cands]
    prev = [-1] * len(cands)
    for k, (i, j, w) in enumerate(cands):
        for t in range(k):
            if cands[t][0] < i and cands[t][1] < j and best[t] + w > best[k]:
                best[k] = best[t] + w
                prev[k] = t
    k = int(np.argmax(best))
    chain = []
    while k >= 0:
        chain.append((cands[k][0], cands[k][1]))
        k = prev[k]
    return chain[::-1]


def band_from_anchors(anchors: list[tuple[int, int]], n: int, m: int, width: int) -> tuple[list[int], list[int]]:
    """For each DP row r (source sentences consumed, 0..n) the column range [lo, hi].

    Between two consecutive anchor points the whole rectangle is allowed (it may hide
    merges, skips or reorderings), widened by ``width`` columns on each side.
    """
    points = [(0, 0)]
    for i, j in anchors:
        points.append((i, j))
        points.append((i + 1, j + 1))
    points.append((n, m))
    lo = [m] * (n + 1)
    hi = [0] * (n + 1)
    for (r0, c0), (r1, c1) in zip(points, points[1:]):
        a, b = max(0, min(c0, c1) - width), min(m, max(c0, c1) + width)
        for r in range(max(0, min(r0, r1) - width), min(n, max(r0, r1) + width) + 1):
            if a < lo[r]:
                lo[r] = a
            if b > hi[r]:
                hi[r] = b
    return lo, hi
