"""Hand-built features of a (source, translation) pair, for the built-in QE model.

Why hand-built: a multilingual transformer (what CometKiwi/TransQuest fine-tune) is
far too slow for a 2-core laptop, while adequacy and fluency leave cheap traces:
words with no plausible translation in the source (lexicon), source words nobody
translated (coverage), numbers that appear or vanish, untranslated copies,
repetition loops typical of NMT hallucination, rare target words, length ratios,
and the cross-lingual sentence-embedding cosine when the encoder covers both
languages. Every feature is defined for any length and for empty strings.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .lexicon import Lexicon
from .tokens import is_number, is_punct, key, tokenize

SEGMENT_FEATURES: tuple[str, ...] = (
    "lex_avail", "mean_lex_fwd", "share_mt_unexplained", "mean_lex_rev", "src_coverage",
    "share_src_uncovered", "mt_mean_logfreq", "mt_oov_share", "src_mean_logfreq", "src_oov_share",
    "log_len_src", "log_len_mt", "len_ratio", "char_ratio", "num_missing", "num_extra", "punct_diff",
    "end_punct_match", "copy_share", "cap_absent_share", "repeat_share", "max_bigram_repeat",
    "emb_avail", "emb_cos", "empty",
)

WORD_FEATURES: tuple[str, ...] = (
    "lex_avail", "lex_fwd", "lex_rev", "lex_fwd_prev", "lex_fwd_next", "tgt_logfreq", "tgt_oov",
    "in_source", "is_number", "number_absent", "is_punct", "cap_absent", "rel_pos", "is_first",
    "is_last", "repeated", "tok_len", "has_rev", "seg_mean_lex_fwd", "seg_src_coverage", "seg_len_ratio",
)

UNEXPLAINED = 0.02


@dataclass(frozen=True)
class PairFeatures:
    """Features of one pair: the segment vector and one row per translation token."""

    segment: np.ndarray  # (len(SEGMENT_FEATURES),)
    words: np.ndarray  # (n_tokens, len(WORD_FEATURES))
    tokens: list[tuple[int, int, str]]  # translation tokens with offsets


def _lex_scores(lex: Lexicon, src_set: set[str], t: str) -> tuple[float, float]:
    """max_s p(t|s) and max_s p(s|t) over the source words present."""
    rev = lex.rev.get(t)
    if not rev:
        return 0.0, 0.0
    fwd = back = 0.0
    tl = lex.tgt_links.get(t, 0) or 1
    if len(rev) < len(src_set):
        items = ((s, c) for s, c in rev.items() if s in src_set)
    else:
        items = ((s, rev[s]) for s in src_set if s in rev)
    for s, c in items:
        f = c / (lex.src_links.get(s, 0) or 1)
        b = c / tl
        fwd = f if f > fwd else fwd
        back = b if b > back else back
    return fwd, back


def pair_features(
    source: str, translation: str, lex: Lexicon | None, emb_cos: float | None = None
) -> PairFeatures:
    """Segment and word features for one pair (``lex``/``emb_cos`` None when unavailable)."""
    s_toks = tokenize(source)
    t_toks = tokenize(translation)
    s_keys = [key(t) for _, _, t in s_toks]
    t_keys = [key(t) for _, _, t in t_toks]
    src_set = set(s_keys)
    src_words = [k for k in s_keys if not is_punct(k)]
    t_words_idx = [i for i, k in enumerate(t_keys) if not is_punct(k)]

    fwd = np.zeros(len(t_keys), dtype=np.float32)
    back = np.zeros(len(t_keys), dtype=np.float32)
    has_rev = np.zeros(len(t_keys), dtype=np.float32)
    tfreq = np.zeros(len(t_keys), dtype=np.float32)
    cover: list[float] = []
    if lex is not None:
        for i, k in enumerate(t_keys):
            fwd[i], back[i] = _lex_scores(lex, src_set, k)
            has_rev[i] = 1.0 if k in lex.rev else 0.0
            tfreq[i] = lex.tgt_logfreq(k)
        t_set = set(t_keys)
        for k in src_words:
            ts = lex.links.get(k)
            if not ts:
                cover.append(0.0)
                continue
            denom = lex.src_links.get(k, 0) or 1
            cover.append(max((c / denom for t, c in ts.items() if t in t_set), default=0.0))
    in_src = np.array([1.0 if k in src_set else 0.0 for k in t_keys], dtype=np.float32)

    s_nums = Counter(k.replace(",", ".") for k in s_keys if is_number(k))
    t_nums = Counter(k.replace(",", ".") for k in t_keys if is_number(k))
    src_caps = {k for k in s_keys}
    n_t, n_s = len(t_keys), len(s_keys)

    # repetition
    seen: set[str] = set()
    repeated = np.zeros(n_t, dtype=np.float32)
    for i, k in enumerate(t_keys):
        if not is_punct(k) and len(k) > 1:
            if k in seen:
                repeated[i] = 1.0
            seen.add(k)
    bigrams = Counter(zip(t_keys, t_keys[1:]))
    max_bi = max(bigrams.values(), default=1)

    cap_absent = np.array(
        [1.0 if i > 0 and tok[:1].isupper() and t_keys[i] not in src_caps else 0.0 for i, (_, _, tok) in enumerate(t_toks)],
        dtype=np.float32,
    )
    lex_avail = 1.0 if lex is not None else 0.0
    widx = np.array(t_words_idx, dtype=np.int64)

    def wmean(arr: np.ndarray) -> float:
        return float(arr[widx].mean()) if len(widx) else 0.0

    unexplained = (fwd < UNEXPLAINED) & (in_src == 0)
    punct_s = sum(1 for k in s_keys if is_punct(k))
    punct_t = sum(1 for k in t_keys if is_punct(k))
    end_s = s_keys[-1] if s_keys and is_punct(s_keys[-1]) else ""
    end_t = t_keys[-1] if t_keys and is_punct(t_keys[-1]) else ""
    copy_words = [i for i in t_words_idx if len(t_keys[i]) > 1 and not is_number(t_keys[i])]
    seg = np.array(
        [
            lex_avail,
            wmean(fwd),
            float(unexplained[widx].mean()) if len(widx) and lex is not None else 0.0,
            wmean(back),
            float(np.mean(cover)) if cover else 0.0,
            float(np.mean([c < UNEXPLAINED for c in cover])) if cover else 0.0,
            wmean(tfreq),
            float((tfreq[widx] == 0).mean()) if len(widx) and lex is not None else 0.0,
            float(np.mean([lex.src_logfreq(k) for k in src_words])) if lex is not None and src_words else 0.0,
            float(np.mean([lex.src_uni.get(k, 0) == 0 for k in src_words])) if lex is not None and src_words else 0.0,
            math.log1p(n_s) / 5.0,
            math.log1p(n_t) / 5.0,
            math.log((n_t + 1) / (n_s + 1)),
            math.log((len(translation) + 1) / (len(source) + 1)),
            sum((s_nums - t_nums).values()) / (sum(s_nums.values()) + 1),
            sum((t_nums - s_nums).values()) / (sum(t_nums.values()) + 1),
            abs(punct_s - punct_t) / (n_t + n_s + 1),
            1.0 if end_s == end_t else 0.0,
            float(np.mean([in_src[i] for i in copy_words])) if copy_words else 0.0,
            float(cap_absent.mean()) if n_t else 0.0,
            float(repeated.mean()) if n_t else 0.0,
            math.log(max_bi),
            0.0 if emb_cos is None else 1.0,
            0.0 if emb_cos is None else float(emb_cos),
            1.0 if not source.strip() or not translation.strip() else 0.0,
        ],
        dtype=np.float32,
    )
    words = np.zeros((n_t, len(WORD_FEATURES)), dtype=np.float32)
    if n_t:
        pos = np.arange(n_t, dtype=np.float32)
        words[:, 0] = lex_avail
        words[:, 1] = fwd
        words[:, 2] = back
        words[1:, 3] = fwd[:-1]
        words[:-1, 4] = fwd[1:]
        words[:, 5] = tfreq
        words[:, 6] = (tfreq == 0) * lex_avail
        words[:, 7] = in_src
        isnum = np.array([1.0 if is_number(k) else 0.0 for k in t_keys], dtype=np.float32)
        words[:, 8] = isnum
        words[:, 9] = np.array(
            [1.0 if is_number(k) and k.replace(",", ".") not in s_nums else 0.0 for k in t_keys], dtype=np.float32
        )
        words[:, 10] = np.array([1.0 if is_punct(k) else 0.0 for k in t_keys], dtype=np.float32)
        words[:, 11] = cap_absent
        words[:, 12] = pos / max(1, n_t - 1)
        words[0, 13] = 1.0
        words[-1, 14] = 1.0
        words[:, 15] = repeated
        words[:, 16] = np.array([min(len(k), 20) / 10.0 for k in t_keys], dtype=np.float32)
        words[:, 17] = has_rev
        words[:, 18] = seg[1]
        words[:, 19] = seg[4]
        words[:, 20] = seg[12]
    return PairFeatures(seg, words, t_toks)


def batch_features(
    sources: Sequence[str], translations: Sequence[str], lex: Lexicon | None, cosines: Sequence[float] | None
) -> list[PairFeatures]:
    """:func:`pair_features` for every pair (``cosines`` None when no encoder covers the pair)."""
    return [
        pair_features(s, t, lex, None if cosines is None else float(cosines[i]))
        for i, (s, t) in enumerate(zip(sources, translations))
    ]
