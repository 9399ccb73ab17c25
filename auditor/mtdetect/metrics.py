"""Evaluation measures, in numpy alone (no scikit-learn in the project)."""

from __future__ import annotations

from typing import Sequence

import numpy as np


def roc_auc(y: Sequence[int], score: Sequence[float]) -> float:
    """Area under the ROC curve from ranks (Mann-Whitney U); ties count one half.

    NaN when one class is missing (an AUC is undefined then, not 0.5).
    """
    y = np.asarray(y, dtype=int)
    s = np.asarray(score, dtype=float)
    n_pos, n_neg = int((y == 1).sum()), int((y == 0).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s), dtype=float)
    sorted_s = s[order]
    i = 0
    while i < len(s):  # average ranks over runs of equal scores
        j = i
        while j + 1 < len(s) and sorted_s[j + 1] == sorted_s[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2.0 + 1.0
        i = j + 1
    return float((ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def accuracy(y: Sequence[int], p: Sequence[float], threshold: float = 0.5) -> float:
    y = np.asarray(y, dtype=int)
    return float(((np.asarray(p) >= threshold).astype(int) == y).mean()) if len(y) else float("nan")


def reliability(y: Sequence[int], p: Sequence[float], bins: int = 10) -> list[tuple[float, float, float, int]]:
    """Per equal-width bin of predicted p: (low edge, mean predicted, observed rate, count)."""
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    out = []
    idx = np.minimum((p * bins).astype(int), bins - 1)
    for b in range(bins):
        mask = idx == b
        if mask.any():
            out.append((b / bins, float(p[mask].mean()), float(y[mask].mean()), int(mask.sum())))
    return out


def expected_calibration_error(y: Sequence[int], p: Sequence[float], bins: int = 10) -> float:
    """Count-weighted mean gap between predicted p and observed rate over equal-width bins."""
    n = len(y)
    if not n:
        return float("nan")
    return float(sum(c * abs(mp - rate) for _, mp, rate, c in reliability(y, p, bins)) / n)
