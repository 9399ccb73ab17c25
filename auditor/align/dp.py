"""Second pass: banded dynamic programming over bead shapes (Gale-Church / Vecalign style).

Maximises the total gain of a monotone path from (0, 0) to (n, m). A bead linking
source run ``a..a+p`` with reprint run ``b..b+q`` gains its normalised similarity minus
the link threshold, minus a penalty per extra sentence; a skip (1-0 or 0-1) gains 0.
So a weak link loses to two skips, and a merge must earn its penalty.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

NEG = float("-inf")


def banded_dp(
    norm: dict[tuple[int, int], np.ndarray],
    n: int,
    m: int,
    shapes: Sequence[tuple[int, int]],
    lo: Sequence[int],
    hi: Sequence[int],
    *,
    threshold: float,
    merge_penalty: float,
) -> list[tuple[int, int, int, int]]:
    """The best path as beads ``(a, p, b, q)``: source a..a+p-1 with reprint b..b+q-1."""
    moves: list[tuple[int, int]] = [(1, 0), (0, 1), *shapes]
    gains = {s: (np.asarray(norm[s]) - threshold - merge_penalty * (s[0] + s[1] - 2)).tolist() for s in shapes}
    score: list[dict[int, float]] = [dict() for _ in range(n + 1)]
    back: list[dict[int, int]] = [dict() for _ in range(n + 1)]
    score[0][0] = 0.0
    for r in range(n + 1):
        row_score = score[r]
        row_back = back[r]
        for c in range(lo[r], hi[r] + 1):
            if r == 0 and c == 0:
                continue
            best, best_k = NEG, -1
            for k, (p, q) in enumerate(moves):
                pr, pc = r - p, c - q
                if pr < 0 or pc < 0:
                    continue
                prev = score[pr].get(pc)
                if prev is None:
                    continue
                g = prev + (gains[(p, q)][pr][pc] if p and q else 0.0)
                if g > best:
                    best, best_k = g, k
            if best_k >= 0:
                row_score[c] = best
                row_back[c] = best_k
    if m not in score[n]:
        raise RuntimeError("alignment band does not reach the end; widen the band")
    beads = []
    r, c = n, m
    while r > 0 or c > 0:
        p, q = moves[back[r][c]]
        r, c = r - p, c - q
        beads.append((r, p, c, q))
    return beads[::-1]
