"""Similarity of sentence spans: the matrices the aligner's dynamic program reads.

For every bead shape (p source sentences, q reprint sentences) the aligner needs the
similarity of every run of p consecutive source sentences with every run of q
consecutive reprint sentences.

* Cross-language pairs: a run is embedded as the *concatenation* of its sentences (as
  Bertalign and Vecalign do). On NTREX en-es a merged Spanish sentence is clearly
  closer to the embedded English concatenation than to the mean of the two English
  vectors, and that difference decides whether the DP sees a 2-1 bead or a 1-1 plus
  a skip. The windows cost one extra encoder call (cached like every sentence).
  ``merge_embedding="mean"`` uses the normalised mean of sentence vectors instead
  (no extra encoding; less accurate merges); ``"selective"`` embeds a window as text
  only when it holds a sentence that is not a confident 1-1 anchor
  (:func:`selective_span_vectors`).
* Same-language pairs: character n-grams of the concatenated run (the mean of unit
  vectors would give "He smiled." as much weight as a 200-character sentence, so a
  merge with a short sentence would look *less* similar than the long one alone),
  blended with the embedding cosine when an encoder is given (there the mean of
  sentence vectors, to spare the model extra work), so identical or lightly edited
  sentences score ~1.0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..encoders import Encoder, HashingEncoder, get_encoder

# Bead shapes the dynamic program may use, besides the skips (1,0) and (0,1).
ALL_SHAPES: tuple[tuple[int, int], ...] = (
    (1, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1), (1, 4), (4, 1), (2, 3), (3, 2)
)


def link_shapes(max_merge: int) -> tuple[tuple[int, int], ...]:
    """Shapes (p, q) with max(p, q) <= min(max_merge, 4) and p + q <= max_merge + 1
    (2-2 from 3 on, 1-4 / 4-1 / 2-3 / 3-2 at 4)."""
    if max_merge < 1:
        raise ValueError("max_merge must be >= 1")
    return tuple(s for s in ALL_SHAPES if max(s) <= max_merge and sum(s) <= max_merge + 1)


def span_vectors(unit: np.ndarray, max_len: int) -> dict[int, np.ndarray]:
    """``{k: V_k}`` where row a of ``V_k`` is the normalised mean of ``unit[a:a+k]``."""
    out: dict[int, np.ndarray] = {1: unit}
    n = unit.shape[0]
    for k in range(2, max_len + 1):
        if n < k:
            out[k] = np.zeros((0, unit.shape[1]), dtype=np.float32)
            continue
        cs = np.cumsum(np.vstack([np.zeros((1, unit.shape[1]), np.float32), unit]), axis=0)
        summed = cs[k:] - cs[:-k]
        norms = np.linalg.norm(summed, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        out[k] = (summed / norms).astype(np.float32)
    return out


@dataclass
class SpanSimilarity:
    """Raw and background-normalised similarity of every source run with every reprint run.

    ``raw[(p, q)][a, b]`` is the similarity in [0, 1] of source sentences ``a..a+p-1``
    with reprint sentences ``b..b+q-1``; ``norm`` is the same minus half the sum of
    the two runs' mean similarity to all single sentences of the other side.
    """

    raw: dict[tuple[int, int], np.ndarray]
    norm: dict[tuple[int, int], np.ndarray]
    method: str
    monolingual: bool


def concat_span_vectors(encoder: Encoder, texts: Sequence[str], max_len: int) -> dict[int, np.ndarray]:
    """``{k: V_k}`` where row a of ``V_k`` embeds ``" ".join(texts[a:a+k])``.

    Sentences and all windows go to the encoder in one call, so a batching model pays
    one forward pass; cached sentences (embedded earlier by the linker) cost nothing.
    """
    texts = list(texts)
    windows = {k: [" ".join(texts[a : a + k]) for a in range(len(texts) - k + 1)] for k in range(2, max_len + 1)}
    flat = texts + [w for k in sorted(windows) for w in windows[k]]
    vecs = _vectors(encoder, flat)
    out = {1: vecs[: len(texts)]}
    pos = len(texts)
    for k in sorted(windows):
        out[k] = vecs[pos : pos + len(windows[k])]
        pos += len(windows[k])
    return out


def selective_span_vectors(
    encoder: Encoder,
    source_texts: Sequence[str],
    reprint_texts: Sequence[str],
    max_len: int,
    *,
    min_similarity: float,
    min_margin: float,
) -> tuple[dict[int, np.ndarray], dict[int, np.ndarray]]:
    """Span vectors that embed a window's text only where a merge is plausible.

    Embedding every 2- and 3-sentence window as text costs about five times the
    sentences' own encoding (the windows repeat each sentence 2 + 3 times), and it only
    matters where the dynamic program may choose a merge. A sentence that is a
    confident 1-1 anchor (mutual best match, clear margin: the aligner's first pass)
    is not part of a merge in practice, so a window made only of anchored sentences
    takes the cheap normalised mean; a window holding any unanchored sentence is
    embedded as text, as in ``"concat"`` mode. Clean translations are mostly anchors,
    so they cost about what ``"mean"`` costs; perturbed regions get concat accuracy.
    """
    from .anchors import find_anchors

    s1, r1 = _vectors(encoder, source_texts), _vectors(encoder, reprint_texts)
    raw = np.clip(cosine_matrix(s1, r1), 0.0, 1.0).astype(np.float64)
    norm = _normalise({(1, 1): raw}, ((1, 1),), len(source_texts), len(reprint_texts))[(1, 1)]
    anchors = find_anchors(raw, norm, min_similarity=min_similarity, min_margin=min_margin)
    s_anchored = np.zeros(len(source_texts), dtype=bool)
    r_anchored = np.zeros(len(reprint_texts), dtype=bool)
    for i, j in anchors:
        s_anchored[i] = True
        r_anchored[j] = True
    s_mean, r_mean = span_vectors(s1, max_len), span_vectors(r1, max_len)
    want: list[str] = []
    slots: list[tuple[dict[int, np.ndarray], int, int]] = []
    for texts, anchored, mean in ((source_texts, s_anchored, s_mean), (reprint_texts, r_anchored, r_mean)):
        for k in range(2, max_len + 1):
            mean[k] = mean[k].copy()
            for a in range(len(texts) - k + 1):
                if not anchored[a : a + k].all():
                    want.append(" ".join(texts[a : a + k]))
                    slots.append((mean, k, a))
    if want:
        vecs = _vectors(encoder, want)
        for (table, k, a), vec in zip(slots, vecs):
            table[k][a] = vec
    return s_mean, r_mean


def _vectors(encoder: Encoder, texts: Sequence[str]) -> np.ndarray:
    return encoder.encode(list(texts)) if texts else np.zeros((0, encoder.dim), np.float32)


def cosine_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b.T`` computed row by row for the small matrices alignment deals with.

    A multi-threaded BLAS matrix product of two 60x512 matrices can take tens of
    milliseconds on a busy machine (threads spin waiting for cores), while a few dozen
    matrix-vector products take well under one; large inputs still use one product.
    """
    if a.shape[0] == 0 or b.shape[0] == 0:
        return np.zeros((a.shape[0], b.shape[0]), dtype=np.float32)
    if a.shape[0] > 256:
        return a @ b.T
    return np.stack([b @ row for row in a])


def _pair_matrices(
    src: dict[int, np.ndarray], rep: dict[int, np.ndarray], shapes: Sequence[tuple[int, int]]
) -> dict[tuple[int, int], np.ndarray]:
    return {(p, q): cosine_matrix(src[p], rep[q]) for p, q in shapes}


def span_similarity(
    source_texts: Sequence[str],
    reprint_texts: Sequence[str],
    *,
    monolingual: bool,
    encoder: Encoder | None,
    max_merge: int,
    lexical_weight: float = 0.5,
    languages: Sequence[str] = (),
    merge_embedding: str = "concat",
    anchor_min_similarity: float = 0.5,
    anchor_min_margin: float = 0.05,
) -> SpanSimilarity:
    """Build the span-similarity matrices for the shapes allowed by ``max_merge``."""
    shapes = link_shapes(max_merge)
    mats: dict[tuple[int, int], np.ndarray]
    if monolingual:
        lex = get_encoder("hashing")
        s_lex = concat_span_vectors(lex, source_texts, max_merge)
        r_lex = concat_span_vectors(lex, reprint_texts, max_merge)
        mats = _pair_matrices(s_lex, r_lex, shapes)
        method = "dp-monolingual:lexical"
        if encoder is not None and not isinstance(encoder, HashingEncoder) and lexical_weight < 1.0:
            s_emb = span_vectors(_vectors(encoder, source_texts), max_merge)
            r_emb = span_vectors(_vectors(encoder, reprint_texts), max_merge)
            emb = _pair_matrices(s_emb, r_emb, shapes)
            w = lexical_weight
            mats = {k: w * mats[k] + (1.0 - w) * np.clip(emb[k], 0.0, 1.0) for k in shapes}
            method += f"+{encoder.name}"
    else:
        enc = encoder if encoder is not None else get_encoder("auto", languages)
        if merge_embedding == "concat":
            s_emb = concat_span_vectors(enc, source_texts, max_merge)
            r_emb = concat_span_vectors(enc, reprint_texts, max_merge)
        elif merge_embedding == "mean":
            s_emb = span_vectors(_vectors(enc, source_texts), max_merge)
            r_emb = span_vectors(_vectors(enc, reprint_texts), max_merge)
        elif merge_embedding == "selective":
            s_emb, r_emb = selective_span_vectors(
                enc, source_texts, reprint_texts, max_merge,
                min_similarity=anchor_min_similarity, min_margin=anchor_min_margin)
        else:
            raise ValueError(f"merge_embedding must be 'concat', 'mean' or 'selective', not {merge_embedding!r}")
        mats = _pair_matrices(s_emb, r_emb, shapes)
        method = f"dp-crosslingual:{enc.name}"
    raw = {k: np.clip(v, 0.0, 1.0).astype(np.float64) for k, v in mats.items()}
    norm = _normalise(raw, shapes, len(source_texts), len(reprint_texts))
    return SpanSimilarity(raw=raw, norm=norm, method=method, monolingual=monolingual)


def _normalise(
    raw: dict[tuple[int, int], np.ndarray], shapes: Sequence[tuple[int, int]], n: int, m: int
) -> dict[tuple[int, int], np.ndarray]:
    """Subtract each run's background similarity (Vecalign's remedy for "hub" sentences).

    Short or generic sentences are similar to everything; a link is only credible when
    the pair is more similar than either member is to the rest of the other document.
    """
    if n == 0 or m == 0:
        return {k: v.copy() for k, v in raw.items()}
    out = {}
    for p, q in shapes:
        row_bg = _background(raw[(p, 1)], axis=1)
        col_bg = _background(raw[(1, q)], axis=0)
        out[(p, q)] = raw[(p, q)] - 0.5 * (row_bg[:, None] + col_bg[None, :])
    return out


def _background(mat: np.ndarray, axis: int) -> np.ndarray:
    """Mean similarity along ``axis`` leaving out the best match (the likely true link).

    Leaving the best out keeps a one-sentence document from cancelling its own match.
    """
    count = mat.shape[axis]
    if count <= 1:
        return np.zeros(mat.shape[1 - axis])
    return (mat.sum(axis=axis) - mat.max(axis=axis)) / (count - 1)


def length_mismatch(
    source_texts: Sequence[str],
    reprint_texts: Sequence[str],
    shapes: Sequence[tuple[int, int]],
    ratio: float | None = None,
) -> dict[tuple[int, int], np.ndarray]:
    """``|log(len(reprint run) / (c * len(source run)))|`` for every pair of runs (Gale-Church's cue).

    Similarity alone barely tells a 2-1 bead from a 1-1 bead plus a skip when one of
    the two merged sentences is short: adding it hardly moves the run's vector. Lengths
    do: a reprint sentence that holds two source sentences is about as long as both.
    ``c`` is the reprint/source character ratio of the two documents (Spanish runs
    ~10-20 % longer than English), so translations are not penalised for their language.
    """
    src = np.array([len(t) for t in source_texts], dtype=np.float64)
    rep = np.array([len(t) for t in reprint_texts], dtype=np.float64)
    out: dict[tuple[int, int], np.ndarray] = {}
    if not len(src) or not len(rep):
        return {k: np.zeros((max(0, len(src) - k[0] + 1), max(0, len(rep) - k[1] + 1))) for k in shapes}
    if ratio is None:
        ratio = max(rep.sum(), 1.0) / max(src.sum(), 1.0)
    cs = np.concatenate([[0.0], np.cumsum(src)])
    cr = np.concatenate([[0.0], np.cumsum(rep)])
    for p, q in shapes:
        ls = cs[p:] - cs[:-p] + (p - 1) if len(src) >= p else np.zeros(0)
        lr = cr[q:] - cr[:-q] + (q - 1) if len(rep) >= q else np.zeros(0)
        out[(p, q)] = np.abs(np.log((lr[None, :] + 10.0) / (ratio * ls[:, None] + 10.0)))
    return out
