"""Score a reprint against its source, bead by bead and for the whole document.

Same language: sacrebleu chrF, BLEU and TER (with their signatures, so two reports can
be compared honestly). Across languages: cross-lingual similarity from the sentence
encoder. Always: coverage of both sides and monotonicity of the alignment.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

from ..types import AlignedPair, Alignment, PairScores, Scores, SegmentedDocument

# sacrebleu's default 13a tokeniser splits on spaces; languages written without them
# need their own tokeniser or every sentence is a single token.
_TOKENIZE = {"zh": "zh", "ja": "char", "ko": "char", "th": "char"}


@lru_cache(maxsize=8)
def _metrics(lang: str):
    from sacrebleu.metrics import BLEU, CHRF, TER

    tok = _TOKENIZE.get(lang, "13a")
    bleu = BLEU(tokenize=tok, effective_order=True)
    bleu_corpus = BLEU(tokenize=tok)
    chrf = CHRF()
    ter = TER(asian_support=lang in _TOKENIZE)
    return bleu, bleu_corpus, chrf, ter


def _join(doc: SegmentedDocument, idx: Sequence[int]) -> str:
    return " ".join(doc.segments[i].text for i in idx)


def monotonicity(pairs: Sequence[AlignedPair]) -> float:
    """Share of pairs of linked beads that keep their relative order on both sides.

    1.0 when the reprint follows the source's order; lower when paragraphs were moved.
    """
    linked = [(min(p.source), min(p.reprint)) for p in pairs if p.source and p.reprint]
    if len(linked) < 2:
        return 1.0
    linked.sort()
    total = 0
    ordered = 0
    # O(n^2) is fine for article-sized alignments (a few hundred beads at most).
    for i in range(len(linked)):
        for j in range(i + 1, len(linked)):
            if linked[i][0] == linked[j][0]:
                continue
            total += 1
            ordered += linked[j][1] > linked[i][1]
    return ordered / total if total else 1.0


def coverage(alignment: Alignment, n_source: int, n_reprint: int) -> tuple[float | None, float | None]:
    """(share of source sentences aligned to something, share of reprint sentences)."""
    src = sum(len(p.source) for p in alignment.pairs if p.source and p.reprint)
    rep = sum(len(p.reprint) for p in alignment.pairs if p.source and p.reprint)
    return (src / n_source if n_source else None, rep / n_reprint if n_reprint else None)


def score_pair(
    source: SegmentedDocument,
    reprint: SegmentedDocument,
    alignment: Alignment,
    *,
    qe: Sequence[float | None] | None = None,
) -> Scores:
    """Scores of ``reprint`` against ``source`` along ``alignment``.

    ``qe`` (optional) gives a QE score per bead, parallel to ``alignment.pairs``.
    """
    same_lang = source.language == reprint.language
    pair_scores: list[PairScores] = []
    hyps: list[str] = []
    refs: list[str] = []
    xsims: list[float] = []
    weights: list[int] = []
    signatures: dict[str, str] = {}
    if same_lang:
        bleu, bleu_corpus, chrf, ter = _metrics(reprint.language)
    for k, p in enumerate(alignment.pairs):
        q = qe[k] if qe is not None and k < len(qe) else None
        if not (p.source and p.reprint):
            pair_scores.append(PairScores(qe=q))
            continue
        ref = _join(source, p.source)
        hyp = _join(reprint, p.reprint)
        if same_lang:
            pair_scores.append(
                PairScores(
                    chrf=round(chrf.sentence_score(hyp, [ref]).score, 2),
                    bleu=round(bleu.sentence_score(hyp, [ref]).score, 2),
                    ter=round(ter.sentence_score(hyp, [ref]).score, 2),
                    xsim=round(p.similarity, 4),
                    qe=q,
                )
            )
            hyps.append(hyp)
            refs.append(ref)
        else:
            pair_scores.append(PairScores(xsim=round(p.similarity, 4), qe=q))
        xsims.append(p.similarity)
        weights.append(len(hyp))

    doc_chrf = doc_bleu = doc_ter = None
    if same_lang and hyps:
        doc_chrf = round(chrf.corpus_score(hyps, [refs]).score, 2)
        doc_bleu = round(bleu_corpus.corpus_score(hyps, [refs]).score, 2)
        doc_ter = round(ter.corpus_score(hyps, [refs]).score, 2)
        signatures = {
            "chrf": str(chrf.get_signature()),
            "bleu": str(bleu_corpus.get_signature()),
            "ter": str(ter.get_signature()),
        }
    xsim = None
    if xsims:
        xsim = round(sum(s * w for s, w in zip(xsims, weights)) / max(1, sum(weights)), 4)
    src_cov, rep_cov = coverage(alignment, len(source.segments), len(reprint.segments))
    qs = [q for q in (qe or []) if q is not None]
    return Scores(
        chrf=doc_chrf,
        bleu=doc_bleu,
        ter=doc_ter,
        xsim=xsim,
        qe=round(sum(qs) / len(qs), 4) if qs else None,
        source_coverage=None if src_cov is None else round(src_cov, 4),
        reprint_coverage=None if rep_cov is None else round(rep_cov, 4),
        monotonicity=round(monotonicity(alignment.pairs), 4),
        pairs=tuple(pair_scores),
        signatures=signatures,
    )
