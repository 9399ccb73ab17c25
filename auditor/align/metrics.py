"""Summary numbers of an alignment, used by scoring and verdicts."""

from __future__ import annotations

import numpy as np

from ..types import Alignment


def monotonicity(alignment: Alignment) -> float:
    """Share of pairs of linked beads that keep their order (1.0 = perfectly monotone).

    Kendall-tau-like: over every two beads with both sides non-empty, compare the order
    of their first source sentences with the order of their first reprint sentences.
    Fewer than two linked beads count as monotone. A copy that moved a paragraph lands
    below 1; a translation usually stays at 1.
    """
    linked = [(min(p.source), min(p.reprint)) for p in alignment.pairs if p.source and p.reprint]
    if len(linked) < 2:
        return 1.0
    arr = np.asarray(linked)
    ds = np.sign(arr[:, 0][:, None] - arr[:, 0][None, :])
    dr = np.sign(arr[:, 1][:, None] - arr[:, 1][None, :])
    upper = np.triu_indices(len(linked), k=1)
    return float(np.mean(ds[upper] * dr[upper] > 0))


def coverage(alignment: Alignment, n_source: int, n_reprint: int) -> tuple[float, float]:
    """(share of source sentences linked, share of reprint sentences linked).

    A side with no sentences has nothing missing and counts as fully covered (1.0).
    Low source coverage means omissions; low reprint coverage means additions.
    """
    src = {i for p in alignment.pairs if p.source and p.reprint for i in p.source}
    rep = {j for p in alignment.pairs if p.source and p.reprint for j in p.reprint}
    return (len(src) / n_source if n_source else 1.0, len(rep) / n_reprint if n_reprint else 1.0)
