"""Bertalign's published two-pass algorithm (Liu & Zhu, 2022), as a benchmark baseline.

Written from the paper's description, for side-by-side runs on *our* sentence vectors;
it is not shipped in ``auditor`` and uses none of Bertalign's code.

1. Every run of 1..max_align-1 consecutive sentences of both sides is embedded (that is
   the encoding cost the comparison reports).
2. First pass: each source sentence's top-k most similar target sentences; a 1-1 / skip
   dynamic program in a wide diagonal band gains a 1-1 link's cosine when the target is
   among the source's top k (else nothing). Its 1-1 links are the anchor path.
3. Second pass: a dynamic program over all bead shapes x-y with x + y <= max_align in a
   window of ``win`` target sentences around the anchor path. A link scores the cosine of
   the two runs' embeddings minus the average similarity of each run to the sentences
   just outside the other run (the margin), times a length penalty
   log2(1 + short/long) on the character lengths (target scaled by the documents'
   length ratio); a skip scores ``skip``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

NEG = float("-inf")


def _runs(texts: Sequence[str], k: int) -> list[str]:
    """Run ending at index e (e >= k-1) joined by spaces; position e in the list."""
    return [" ".join(texts[e - k + 1 : e + 1]) for e in range(k - 1, len(texts))]


def embed_runs(encoder, texts: Sequence[str], max_run: int) -> tuple[dict[int, np.ndarray], dict[int, np.ndarray]]:
    """{k: (len(texts), dim) vectors of the run of k sentences *ending* at each index}
    (rows for indices < k-1 stay zero) and the matching UTF-8 byte lengths."""
    vecs: dict[int, np.ndarray] = {}
    lens: dict[int, np.ndarray] = {}
    n = len(texts)
    for k in range(1, max_run + 1):
        v = np.zeros((n, encoder.dim), dtype=np.float32)
        ln = np.zeros(n, dtype=np.float64)
        runs = _runs(texts, k)
        if runs:
            v[k - 1 :] = encoder.encode(runs)
            ln[k - 1 :] = [len(r.encode("utf-8")) for r in runs]
        vecs[k], lens[k] = v, ln
    return vecs, lens


def _first_pass(s1: np.ndarray, t1: np.ndarray, top_k: int) -> list[tuple[int, int]]:
    n, m = len(s1), len(t1)
    sims = s1 @ t1.T
    k = min(top_k, m)
    gain = np.zeros((n, m))
    top = np.argsort(-sims, axis=1)[:, :k]
    for i in range(n):
        gain[i, top[i]] = sims[i, top[i]]
    win = max(250, int(max(n, m) * 0.06))
    ratio = m / n
    score = np.full((n + 1, m + 1), NEG)
    back = np.zeros((n + 1, m + 1), dtype=np.int8)
    score[0, 0] = 0.0
    for i in range(n + 1):
        centre = int(ratio * i)
        for j in range(max(0, centre - win), min(m, centre + win) + 1):
            if i == 0 and j == 0:
                continue
            best, arg = NEG, -1
            if j > 0 and score[i, j - 1] > best:
                best, arg = score[i, j - 1], 0
            if i > 0 and score[i - 1, j] > best:
                best, arg = score[i - 1, j], 1
            if i > 0 and j > 0 and score[i - 1, j - 1] + gain[i - 1, j - 1] > best:
                best, arg = score[i - 1, j - 1] + gain[i - 1, j - 1], 2
            score[i, j], back[i, j] = best, arg
    path = []
    i, j = n, m
    while i > 0 or j > 0:
        a = back[i, j]
        if a == 2:
            path.append((i, j))
            i, j = i - 1, j - 1
        elif a == 1:
            i -= 1
        else:
            j -= 1
    return path[::-1]


def _window(path: list[tuple[int, int]], win: int, n: int, m: int) -> list[tuple[int, int]]:
    """Allowed target range per DP row, from the first-pass anchor points (1-based ends)."""
    pts = list(path)
    if not pts or pts[-1] != (n, m):
        if pts and (pts[-1][0] == n or pts[-1][1] == m):
            pts.pop()
        pts.append((n, m))
    rows: list[tuple[int, int]] = [(0, 0)] * (n + 1)
    prev_s, prev_t = 0, 0
    for s, t in pts:
        rng = (max(0, prev_t - win), min(m, t + win))
        for r in range(prev_s + 1, s + 1):
            rows[r] = rng
        prev_s, prev_t = s, t
    rows[0] = rows[1] if n >= 1 else (0, m)
    return rows


def _neighbour_sim(vec: np.ndarray, run: int, end: int, db1: np.ndarray) -> float:
    """Mean similarity of ``vec`` to the sentence before and after a run (0 where none)."""
    left, right = end - run, end + 1  # 0-based indices of the neighbours
    vals = []
    if left >= 0:
        vals.append(float(vec @ db1[left]))
    if right < len(db1):
        vals.append(float(vec @ db1[right]))
    if not vals:
        return 0.0
    return sum(vals) / len(vals) if len(vals) == 2 else vals[0]


def align_bertalign(
    encoder,
    source: Sequence[str],
    target: Sequence[str],
    *,
    max_align: int = 5,
    top_k: int = 3,
    win: int = 5,
    skip: float = -0.1,
) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Beads (source indices, target indices) in order, as Bertalign's algorithm finds them."""
    n, m = len(source), len(target)
    if n == 0 or m == 0:
        return [((i,), ()) for i in range(n)] + [((), (j,)) for j in range(m)]
    sv, sl = embed_runs(encoder, source, max_align - 1)
    tv, tl = embed_runs(encoder, target, max_align - 1)
    ratio = sl[1].sum() / max(tl[1].sum(), 1.0)
    path = _first_pass(sv[1], tv[1], top_k)
    rows = _window(path, win, n, m)
    shapes = [(0, 1), (1, 0)] + [(x, y) for x in range(1, max_align) for y in range(1, max_align) if x + y <= max_align]
    score = np.full((n + 1, m + 1), NEG)
    back = np.full((n + 1, m + 1), -1, dtype=np.int16)
    score[0, 0] = 0.0
    for i in range(n + 1):
        lo, hi = rows[i]
        for j in range(lo, hi + 1):
            if i == 0 and j == 0:
                continue
            best, arg = NEG, -1
            for a, (x, y) in enumerate(shapes):
                pi, pj = i - x, j - y
                if pi < 0 or pj < 0 or not (rows[pi][0] <= pj <= rows[pi][1]) or score[pi, pj] == NEG:
                    continue
                if x == 0 or y == 0:
                    gain = skip
                else:
                    s_vec, t_vec = sv[x][i - 1], tv[y][j - 1]
                    gain = float(s_vec @ t_vec)
                    margin = 0.5 * (_neighbour_sim(s_vec, y, j - 1, tv[1]) + _neighbour_sim(t_vec, x, i - 1, sv[1]))
                    gain -= margin
                    ls, lt = sl[x][i - 1], tl[y][j - 1] * ratio
                    gain *= float(np.log2(1.0 + min(ls, lt) / max(ls, lt, 1e-9)))
                g = score[pi, pj] + gain
                if g > best:
                    best, arg = g, a
            score[i, j], back[i, j] = best, arg
    beads = []
    i, j = n, m
    while i > 0 or j > 0:
        x, y = shapes[back[i, j]]
        beads.append((tuple(range(i - x, i)), tuple(range(j - y, j))))
        i, j = i - x, j - y
    return beads[::-1]
