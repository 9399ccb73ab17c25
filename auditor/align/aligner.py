"""Sentence alignment of a reprint with its source: ``align(source, reprint) -> Alignment``.

Three passes, in the spirit of Bertalign and Vecalign:

1. anchors: confident, mutually best 1-1 links kept in order (:mod:`.anchors`);
2. a banded dynamic program near the anchors that chooses among beads of up to
   ``max_merge`` (4) sentences a side and 1-0 / 0-1 skips, normalising every similarity
   by its background (:mod:`.dp`, :mod:`.similarity`). Across languages the scores are
   calibrated per document pair and merged runs are embedded as text only near the
   first pass's skips and merges (:mod:`.crosslingual`); within one language a cut or
   extended sentence keeps its link (:mod:`.containment`);
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
from .containment import absorb_contained, containment
from .crosslingual import (
    MIN_SCALE,
    MIN_SENTENCES,
    calibration_scale,
    embed_windows,
    encoder_reference,
    loose_windows,
    margins,
    reference_scale,
    weighted_span_vectors,
)
from .similarity import _vectors, length_mismatch, link_shapes, span_similarity


def is_monolingual(source: SegmentedDocument, reprint: SegmentedDocument) -> bool:
    """Same primary language on both sides (unknown languages count as different)."""
    a, b = base_language(source.language or "und"), base_language(reprint.language or "und")
    return a == b and a != "und"


def align(
    source: SegmentedDocument,
    reprint: SegmentedDocument,
    *,
    encoder: Encoder | None = None,
    max_merge: int = 4,
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

    if not mono and params.merge_embedding in ("refine", "concat", "mean"):
        enc = encoder if encoder is not None else get_encoder("auto", (source.language, reprint.language))
        pairs = _align_crosslingual(
            [s.text for s in source.segments], [s.text for s in reprint.segments], enc, max_merge, params
        )
        return Alignment(source.id, reprint.id, tuple(pairs), f"dp-crosslingual:{enc.name}")

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
        src_t, rep_t = [s.text for s in source.segments], [s.text for s in reprint.segments]
        mismatch = length_mismatch(src_t, rep_t, shapes, ratio=1.0 if mono else None)
        if mono:  # a cut or extended sentence is the same text: its length change is no evidence
            cont = containment(src_t, rep_t, [k for k in shapes if max(k) <= 2])
            for k, c in cont.items():
                # full waiver from ``containment`` on, none below 0.5, linear between
                waive = np.clip((params.containment - c) / (params.containment - 0.5), 0.0, 1.0)
                mismatch[k] = mismatch[k] * waive
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
    if mono:
        pairs = absorb_contained(
            pairs, [s.text for s in source.segments], [s.text for s in reprint.segments], max_merge=max_merge
        )
    return Alignment(source.id, reprint.id, tuple(pairs), sim.method)


def _align_crosslingual(
    src: list[str], rep: list[str], enc: Encoder, max_merge: int, params: AlignParams
) -> list[AlignedPair]:
    """Calibrated, encoder-agnostic cross-language alignment (:mod:`.crosslingual`)."""
    n, m = len(src), len(rep)
    shapes = link_shapes(max_merge)
    longest = max(max(s) for s in shapes)
    s_len = np.array([len(t) + 1.0 for t in src])
    r_len = np.array([len(t) + 1.0 for t in rep])
    s_sp = weighted_span_vectors(_vectors(enc, src), s_len, longest)
    r_sp = weighted_span_vectors(_vectors(enc, rep), r_len, longest)
    if params.merge_embedding == "concat":
        s_sp = embed_windows(enc, src, s_sp, {(a, k) for k in range(2, longest + 1) for a in range(n - k + 1)})
        r_sp = embed_windows(enc, rep, r_sp, {(a, k) for k in range(2, longest + 1) for a in range(m - k + 1)})
    mismatch = length_mismatch(src, rep, shapes)
    penalty = {k: params.cal_length_weight * np.maximum(mismatch[k] - params.length_tolerance, 0.0) for k in shapes}
    scale = None
    parallel = True
    ref = encoder_reference(enc.name)
    tiny = ref is not None and min(n, m) < MIN_SENTENCES  # too few sentences for a background

    def solve() -> tuple[list[tuple[int, int, int, int]], dict, dict]:
        nonlocal scale, parallel
        raw, mar = margins(s_sp, r_sp, shapes, fixed_background=ref[1] if tiny else None)
        if scale is None:
            if tiny:
                scale = ref[0]
            else:
                scale, parallel = reference_scale(calibration_scale(mar[(1, 1)], MIN_SCALE), ref)
        cal = {k: v / scale for k, v in mar.items()}
        anchors = find_anchors(
            cal[(1, 1)], cal[(1, 1)], min_similarity=params.cal_anchor_min, min_margin=params.cal_anchor_margin
        )
        lo, hi = band_from_anchors(anchors, n, m, params.band)
        scores = {k: cal[k] - penalty[k] for k in shapes}
        beads = banded_dp(
            scores, n, m, shapes, lo, hi, merge_penalty=params.cal_merge_penalty,
            threshold=params.cal_link_threshold if parallel else params.cal_link_threshold_unrelated,
        )
        return beads, raw, cal

    beads, raw, cal = solve()
    if params.merge_embedding == "refine":
        done_s: set[tuple[int, int]] = set()
        done_r: set[tuple[int, int]] = set()
        for _ in range(params.refine_rounds):
            win_s, win_r = loose_windows(beads, n, m, longest, cal[(1, 1)], params.cal_window_min)
            win_s, win_r = win_s - done_s, win_r - done_r
            if not win_s and not win_r:
                break
            s_sp = embed_windows(enc, src, s_sp, win_s)
            r_sp = embed_windows(enc, rep, r_sp, win_r)
            done_s |= win_s
            done_r |= win_r
            beads, raw, cal = solve()
    pairs = [
        AlignedPair(tuple(range(a, a + p)), tuple(range(b, b + q)), float(np.clip(raw[(p, q)][a, b], 0, 1)) if p and q else 0.0)
        for a, p, b, q in beads
    ]
    unlinked_src = [pr.source[0] for pr in pairs if not pr.reprint]
    unlinked_rep = [pr.reprint[0] for pr in pairs if not pr.source]
    moved = recover_moved(cal[(1, 1)], unlinked_src, unlinked_rep, threshold=params.cal_recover)
    if moved:
        raw11 = raw[(1, 1)]
        pairs = _insert_moved(pairs, [(i, j, float(np.clip(raw11[i, j], 0, 1))) for i, j, _ in moved])
    return pairs


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
