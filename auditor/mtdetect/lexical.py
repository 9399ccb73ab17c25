"""A learned lexical fingerprint: naive-Bayes log-odds of word n-grams, MT vs human.

Why: hand-made style features (sentence length, punctuation) separate machine from
human translation only weakly; what differs more is wording. Machine translation
prefers the literal, frequent rendering ("in order to", "it is necessary"), keeps
source word order in set phrases, and human translators use more idiom. A
naive-Bayes table of unigram and bigram log-ratios learned on the training split is a
small, inspectable, numpy-free model of that. The document score is the mean
log-ratio over the n-grams of the text that are in the table.

The table is stored in the detector file (``lexicon``); training scores its own
training documents by cross-fitting (each fold scored by a table learned without it),
so the downstream logistic regression never sees an overfitted value.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Iterable, Sequence

_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+|[^\w\s]", re.UNICODE)


_TYPOGRAPHY = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "«": '"', "»": '"', "„": '"', "–": "-", "—": "-"})


def ngrams(text: str) -> list[str]:
    """Lower-cased word and punctuation unigrams plus bigrams (joined by a space).

    Typography is folded first (curly to straight quotes, dashes to hyphens): in WMT the
    human references are typeset and MT output is not, and a table that learned
    "don’t" versus "don't" would be learning the publisher's keyboard, not the wording.
    """
    toks = [t.lower() for t in _TOKEN.findall(text.translate(_TYPOGRAPHY))]
    toks = ["<num>" if t.isdigit() else t for t in toks]
    return toks + [f"{a} {b}" for a, b in zip(toks, toks[1:])]


def train_lexicon(positive: Iterable[str], negative: Iterable[str], min_count: int = 4,
                  size: int = 4000, alpha: float = 1.0) -> dict[str, float]:
    """Log-ratio p(g | positive) / p(g | negative) of the ``size`` most informative n-grams.

    Counted once per document (presence, not frequency), so one document that repeats a
    phrase cannot dominate; informativeness is |log-ratio| times sqrt(document count).
    """
    pos: Counter[str] = Counter()
    neg: Counter[str] = Counter()
    n_pos = n_neg = 0
    for text in positive:
        pos.update(set(ngrams(text)))
        n_pos += 1
    for text in negative:
        neg.update(set(ngrams(text)))
        n_neg += 1
    if not n_pos or not n_neg:
        return {}
    scored = []
    for g in set(pos) | set(neg):
        c = pos[g] + neg[g]
        if c < min_count:
            continue
        lr = math.log((pos[g] + alpha) / (n_pos + 2 * alpha)) - math.log((neg[g] + alpha) / (n_neg + 2 * alpha))
        scored.append((abs(lr) * math.sqrt(c), g, lr))
    scored.sort(reverse=True)
    return {g: round(lr, 4) for _, g, lr in scored[:size]}


def lexical_score(text: str, lexicon: dict[str, float]) -> float:
    """Mean log-ratio over the distinct n-grams of ``text`` found in ``lexicon`` (0 when none)."""
    if not lexicon:
        return 0.0
    vals = [lexicon[g] for g in set(ngrams(text)) if g in lexicon]
    return sum(vals) / len(vals) if vals else 0.0


def cross_fit_scores(texts: Sequence[str], labels: Sequence[int], groups: Sequence[str],
                     folds: int = 5, **kw) -> list[float]:
    """Out-of-fold lexical scores: each group's texts scored by a table learned without that fold."""
    uniq = sorted(set(groups))
    fold_of = {g: i % folds for i, g in enumerate(uniq)}
    out = [0.0] * len(texts)
    for k in range(folds):
        pos = [t for t, y, g in zip(texts, labels, groups) if y == 1 and fold_of[g] != k]
        neg = [t for t, y, g in zip(texts, labels, groups) if y == 0 and fold_of[g] != k]
        lex = train_lexicon(pos, neg, **kw)
        for i, g in enumerate(groups):
            if fold_of[g] == k:
                out[i] = lexical_score(texts[i], lex)
    return out


def stable_lexicon(positive_by_system: dict[str, list[str]], negative: Sequence[str], **kw) -> dict[str, float]:
    """A table of only the n-grams that two disjoint halves of the MT systems agree on.

    Why: a table learned on all systems at once picks up each system's own phrasing
    (v1 did: its AUC fell on a newer test year). Learning one table on every other
    system and one on the rest, and keeping an n-gram only where both tables have it
    with the same sign (at the smaller of the two log-ratios), leaves the wording that
    machine translation shares across systems.
    """
    systems = sorted(positive_by_system)
    if len(systems) < 2:
        return train_lexicon([t for ts in positive_by_system.values() for t in ts], negative, **kw)
    halves = [systems[0::2], systems[1::2]]
    a, b = (train_lexicon([t for s in half for t in positive_by_system[s]], negative, **kw) for half in halves)
    out = {}
    for g, va in a.items():
        vb = b.get(g)
        if vb is not None and va * vb > 0:
            out[g] = round(math.copysign(min(abs(va), abs(vb)), va), 4)
    return out
