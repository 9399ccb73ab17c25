"""Sentence alignment of a reprint with its source: ``align(source, reprint) -> Alignment``.

Three passes, in the spirit of Bertalign and Vecalign:

1. anchors: confident, mutually best 1-1 links kept in order (:mod:`.anchors`);
2. a banded dynamic program near the anchors that chooses among 1-1, 1-2, 2-1, 2-2,
   1-3, 3-1 links and 1-0 / 0-1 skips, scoring merged runs by their mean embedding and
   normalising every similarity by its background (:mod:`.dp`, :mod:`.similarity`);
3. recovery of moved sentences among what stayed unlinked (:mod:`.recover`).

Every source and every reprint sentence ends up in exactly one bead.
"""

from __future__ import annotations

import numpy as np

from ..encoders import Encoder, base_language, get_encoder
from ..types import AlignedPair, Alignment, SegmentedDocument
from .anchors import band_from_anchors, find_anchors
from .dp import banded_dp
from .params import AlignParams
from .recover import recover_moved
from .similarity import length_mismatch, link_shapes, span_similarity


def is_monolingual(source: SegmentedDocument, reprint: SegmentedDocument) -> bool:
    """Same primary language on both sides (unknown languages count as different)."""
    a, b = base_language(source.language or "und"), base_language(reprint.language or "und")
    return a == b and a != "und"


def align(
    source: SegmentedDocument,
    reprint: SegmentedDocument,
    *,
    encoder: Encoder | None = None,
    max_merge: int = 3,
    params: AlignParams | None = None,
) -> Alignment:
    """Align the sentences of ``reprint`` with those of ``source``.

    Same-language documents are compared with character n-grams (blended with
    ``encoder`` when one is given); other pairs with ``encoder`` or, when None, the
    multilingual encoder :func:`auditor.encoders.get_encoder` picks for the two
    languages. ``max_merge`` bounds how many sentences one side of a bead may hold.
    """
    params = params or AlignParams()
    n, m = len(source.segments), len(reprint.segments)
    mono = is_monolingual(source, reprint)
    shapes = link_shapes(max_merge)
    if n == 0 or m == 0:
        if mono:
            method = "dp-monolingual:lexical"
        else:  # name the encoder that would have been used; get_encoder loads nothing
            enc = encoder if encoder is not None else get_encoder("auto", (source.language, reprint.language))
            method = f"dp-crosslingual:{enc.name}"
        pairs = [AlignedPair((i,), (), 0.0) for i in range(n)] + [AlignedPair((), (j,), 0.0) for j in range(m)]
        return Alignment(source.id, reprint.id, tuple(pairs), method)

    sim = span_similarity(
        [s.text for s in source.segments],
        [s.text for s in reprint.segments],
        monolingual=mono,
        encoder=encoder,
        max_merge=max_merge,
        lexical_weight=params.lexical_weight,
        languages=(source.language, reprint.language),
        merge_embedding=params.merge_embedding,
        anchor_min_similarity=params.anchor_min_similarity,
        anchor_min_margin=params.anchor_min_margin,
    )
    anchors = find_anchors(
        sim.raw[(1, 1)], sim.norm[(1, 1)], min_similarity=params.anchor_min_similarity, min_margin=params.anchor_min_margin
    )
    lo, hi = band_from_anchors(anchors, n, m, params.band)
    dp_scores = sim.norm
    weight = params.length_weight_monolingual if mono else params.length_weight
    if weight:
        tol = params.length_tolerance_monolingual if mono else params.length_tolerance
        mismatch = length_mismatch([s.text for s in source.segments], [s.text for s in reprint.segments], shapes)
        dp_scores = {k: sim.norm[k] - weight * np.maximum(mismatch[k] - tol, 0.0) for k in shapes}
    beads = banded_dp(
        dp_scores, n, m, shapes, lo, hi, threshold=params.link_threshold, merge_penalty=params.merge_penalty
    )
    pairs: list[AlignedPair] = []
    for a, p, b, q in beads:
        if p and q:
            pairs.append(AlignedPair(tuple(range(a, a + p)), tuple(range(b, b + q)), float(sim.raw[(p, q)][a, b])))
        else:
            pairs.append(AlignedPair(tuple(range(a, a + p)), tuple(range(b, b + q)), 0.0))

    threshold = params.recover_lexical if mono else params.recover_crosslingual
    unlinked_src = [pr.source[0] for pr in pairs if not pr.reprint]
    unlinked_rep = [pr.reprint[0] for pr in pairs if not pr.source]
    moved = recover_moved(sim.raw[(1, 1)], unlinked_src, unlinked_rep, threshold=threshold)
    if moved:
        pairs = _insert_moved(pairs, moved)
    return Alignment(source.id, reprint.id, tuple(pairs), sim.method)


def _insert_moved(pairs: list[AlignedPair], moved: list[tuple[int, int, float]]) -> list[AlignedPair]:
    """Replace the recovered skips by 1-1 beads placed where the reprint sentence was."""
    by_rep = {j: (i, s) for i, j, s in moved}
    moved_src = {i for i, _, _ in moved}
    out = []
    for pr in pairs:
        if not pr.source and pr.reprint[0] in by_rep:
            i, s = by_rep[pr.reprint[0]]
            out.append(AlignedPair((i,), pr.reprint, s))
        elif not pr.reprint and pr.source[0] in moved_src:
            continue
        else:
            out.append(pr)
    return out
