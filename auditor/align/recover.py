"""Third pass: link sentences an edited copy moved out of order.

Copy editors move paragraphs; a monotone alignment can only skip them (a 1-0 here and
a 0-1 there). Among the sentences the dynamic program left unlinked, a pair that is
each other's best match and strongly similar is almost certainly the same sentence, so
it becomes an extra, out-of-order 1-1 bead.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def recover_moved(
    raw11: np.ndarray, unlinked_source: Sequence[int], unlinked_reprint: Sequence[int], *, threshold: float
) -> list[tuple[int, int, float]]:
    """``(source, reprint, similarity)`` links among unlinked sentences, greedy by similarity.

    A link needs ``similarity >= threshold`` and must be the best remaining match of
    both sentences, so one strong sentence cannot claim a weaker twin's partner.
    """
    if not len(unlinked_source) or not len(unlinked_reprint):
        return []
    src = np.asarray(unlinked_source)
    rep = np.asarray(unlinked_reprint)
    sub = raw11[np.ix_(src, rep)].copy()
    links = []
    while sub.size:
        flat = int(np.argmax(sub))
        a, b = divmod(flat, sub.shape[1])
        sim = float(sub[a, b])
        if not np.isfinite(sim) or sim < threshold:
            break
        links.append((int(src[a]), int(rep[b]), sim))
        sub[a, :] = -np.inf
        sub[:, b] = -np.inf
    return links
