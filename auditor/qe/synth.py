"""Synthetic translation errors, labelled by construction, for training and testing QE.

Why: MLQE-PE covers seven pairs and none of es/fr/de/pt→en, while reprints of those
pairs go wrong in known ways. Taking a human translation (source, reference) and
corrupting a copy gives examples whose every wrong word is known exactly: changed
numbers and dates, swapped names, negation flips, dropped and duplicated clauses,
wrong-sense and false-friend words (the glossaries' forbidden renderings and
``models/qe-synth/wrong_sense``), source words left untranslated, spurious full stops
and wrong pronoun gender. The language knowledge lives in ``models/qe-synth``
(:mod:`auditor.qe.synth_tables`); this module only edits strings and keeps offsets.

Labels: each whitespace word of the corrupted translation is OK or BAD (BAD when it
overlaps an injected error; for a dropped clause, the words either side of the gap),
with the source character spans the error renders where known. The segment score is
``1 - sum(base + weight * bad_words / words)`` over the errors (weights by error type in
``severity.csv``), clipped to [0, 1]; a clean copy scores 1.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

from .synth_edits import word_spans
from .synth_errors import CORRUPTIONS, ERROR_TYPES, Context, Draft, InjectedError, Span, available_types, names_in
from .synth_tables import SynthTables, load_tables

__all__ = ["ERROR_TYPES", "InjectedError", "SynthExample", "available_types", "clean", "inject", "names_in"]


@dataclass(frozen=True)
class SynthExample:
    """A (source, translation) pair with per-word OK/BAD labels and a segment score."""

    src: str
    mt: str
    src_lang: str
    tgt_lang: str
    words: tuple[tuple[int, int, str], ...]  # (start, end, "OK"|"BAD") per whitespace word of mt
    errors: tuple[InjectedError, ...]
    score: float
    src_spans_for_bad: tuple[tuple[int, tuple[Span, ...]], ...]  # (index into words, source spans)


# ------------------------------------------------------------------ labelling


def _label(src: str, mt: str, src_lang: str, tgt_lang: str, marks, errors, n_orig: int, tables) -> SynthExample:
    spans = word_spans(mt)
    words, by_err, bad_src = [], {}, []
    for i, (s, e) in enumerate(spans):
        hit = sorted({m[2] for m in marks if m[0] < e and s < m[1]})
        words.append((s, e, "BAD" if hit else "OK"))
        for k in hit:
            by_err[k] = by_err.get(k, 0) + 1
        srcs = tuple(sorted({sp for k in hit for sp in errors[k].src_spans}))
        if srcs:
            bad_src.append((i, srcs))
    n = max(1, n_orig)
    penalty = 0.0
    final = []
    for k, err in enumerate(errors):
        sev = tables.severity[err.type]
        bad = err.dropped_words if err.type == "omission" else by_err.get(k, 0)
        penalty += sev.base + sev.weight * bad / n
        mt_spans = tuple(sorted((m[0], m[1]) for m in marks if m[2] == k))
        final.append(InjectedError(err.type, err.severity, mt_spans, err.src_spans, err.dropped_words))
    score = round(max(0.0, min(1.0, 1.0 - penalty)), 4)
    return SynthExample(src, mt, src_lang, tgt_lang, tuple(words), tuple(final), score, tuple(bad_src))


def clean(src: str, ref: str, src_lang: str, tgt_lang: str, tables: SynthTables | None = None) -> SynthExample:
    """The human translation itself as a positive example: every word OK, score 1."""
    tables = tables or load_tables()
    return _label(src, ref, src_lang, tgt_lang, [], [], len(word_spans(ref)), tables)


def inject(
    src: str, ref: str, src_lang: str, tgt_lang: str, rng: random.Random, *, n_errors: int = 1,
    types: tuple[str, ...] | None = None, doc_names: tuple[str, ...] = (), tables: SynthTables | None = None,
) -> SynthExample | None:
    """A corrupted copy of ``ref`` with ``n_errors`` errors of ``types`` (None: any that applies).

    Types are tried in a random order until ``n_errors`` applied; None when none applies
    (a three-word headline has no clause to drop). Deterministic for the state of ``rng``.
    """
    tables = tables or load_tables()
    src, ref = unicodedata.normalize("NFC", src), unicodedata.normalize("NFC", ref)
    pool = [t for t in (types or available_types(tgt_lang)) if t in available_types(tgt_lang)]
    # a weighted random order (keys u^(1/prior)): rare, specific errors are tried before
    # the ones that apply almost anywhere (a full stop can go into any sentence)
    keys = {t: rng.random() ** (1.0 / max(1e-6, tables.severity[t].prior)) for t in pool}
    pool.sort(key=lambda t: -keys[t])
    d = Draft(ref)
    ctx = Context(src, src_lang, tgt_lang, tables, rng, tuple(doc_names), [])
    applied = 0
    for etype in pool:
        if applied >= n_errors:
            break
        before = len(ctx.errors)
        if CORRUPTIONS[etype](d, ctx):
            applied += 1
        else:
            del ctx.errors[before:]
    if not applied:
        return None
    return _label(src, d.text, src_lang, tgt_lang, d.marks, ctx.errors, len(word_spans(ref)), tables)
