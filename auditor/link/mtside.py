"""Which side of a translation pair reads as the translation: the MT detector's text-only view.

When dates, ``--source`` and the story's link structure say nothing, the linker used to
fall back on a language prior ("English first"). On real pages that prior is wrong for
exactly the case the auditor exists for: an English machine-translated reprint of a
Spanish or French original would be called the *source* of its own original. The MT
detector's text-only model (trained on English; :mod:`auditor.mtdetect`) reads the
English side: a probability at or above :data:`MT_EVIDENCE_THRESHOLD` says the English
text is a (machine) translation, so it is the translation of the other side. Below it,
the language prior stands (an English original of a professional translation reads as
an original, see benchmarks/bench_link_ntrex.py).

The cue orients only a pair whose two articles have no other translation partner. An
article matched by translations in several languages is the story's pivot (one article
has one source, not four), and the detector's false positives on English originals would
otherwise turn the pivot into the translation of each: one NTREX English original reads
p 0.70 and, with its es/fr/de/pt translations in the set, would become the translation
of its German version.

The probability here is the detector model on the text alone, before any checks run
(the checks need the link), so the verdict's own text-only probability, which also
counts the checks' findings, is not the same number and cannot be reused.
"""

from __future__ import annotations

from typing import Callable

from ..types import DocumentResult, SegmentedDocument

#: p(MT) of the English side at or above which it is taken as the translation. Chosen on
#: the realpages training stories (benchmarks/bench_realpages_link.py reports dev stories).
MT_EVIDENCE_THRESHOLD = 0.5

#: A callable giving the text-only p(MT) of an article, or None where the detector does
#: not assess its language or is not installed.
MtProbability = Callable[[SegmentedDocument], "float | None"]


def text_only_probability() -> MtProbability:
    """A memoised p(MT) reader over the shipped detector (loaded on first use)."""
    cache: dict[str, float | None] = {}

    def p_of(doc: SegmentedDocument) -> float | None:
        if doc.id in cache:
            return cache[doc.id]
        cache[doc.id] = _probability(doc)
        return cache[doc.id]

    return p_of


def _probability(doc: SegmentedDocument) -> float | None:
    from ..mtdetect import DetectorUnavailable, extract_features, load_detector, predict
    from ..verdict import text_only_languages

    if doc.language not in text_only_languages():
        return None
    try:
        detector = load_detector()
    except DetectorUnavailable:
        return None
    result = DocumentResult(doc=doc)
    try:
        feats = extract_features(result, {doc.id: doc}, "text_only", lexicons=detector.lexicons,
                                 e5_head=detector.head())
    except RuntimeError:  # the token encoder did not load: the model without its head
        feats = extract_features(result, {doc.id: doc}, "text_only", lexicons=detector.lexicons)
    p, _ = predict(feats, "text_only", detector)
    return float(p)


def translated_side(a: SegmentedDocument, b: SegmentedDocument, p_of: MtProbability,
                    threshold: float = MT_EVIDENCE_THRESHOLD) -> tuple[str | None, dict[str, float]]:
    """The id of the side that reads as a translation (or None), and the evidence.

    Only a pair with exactly one side in the detector's languages is read: the detector
    says nothing about the other side's language.
    """
    pa, pb = p_of(a), p_of(b)
    if (pa is None) == (pb is None):
        return None, {}
    side, p = (a, pa) if pa is not None else (b, pb)
    ev = {"mt_evidence_p": round(float(p), 4), "mt_evidence_threshold": threshold}
    return (side.id if p >= threshold else None), ev
