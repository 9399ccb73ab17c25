"""The machine-translation verdict: a label, a probability and the evidence behind it.

Two situations, and the verdict says which one it is in:

* ``with_source``: the article was linked to a source in another language. Evidence:
  how regular the alignment is (machine translation keeps one sentence for one
  sentence, in order, with nothing cut), cross-lingual similarity, and the findings.
* ``text_only``: no source in another language. Evidence: translationese and
  machine-translation tells in the English text alone, as found by the detectors
  (false-friend renderings, source-language date order, spurious sentence breaks,
  direct speech that lost its quotation marks, calques, corrupted possessives).

The probability comes from the learned detector (:mod:`auditor.mtdetect`, a calibrated
logistic model per mode trained on WMT22 human vs machine translations), combined with
two rule terms that the WMT data cannot teach it (documented weights below):

    z = logit(p_model) + TELL_WEIGHT * tells + min(0, regularity)   (with_source)
    z = logit(p_model) + TELL_WEIGHT * tells + TEXT_ONLY_PRIOR       (text_only)

* ``tells``: the rule detectors' MT tells (calques, false friends, lost quotes, broken
  dates). WMT rarely shows them, so the model learned little from them, but on news
  reprints they are the strongest evidence there is.
* ``regularity`` (only ever a penalty): WMT human translations are sentence-aligned by
  construction, so the model cannot learn that a human rewrite merges, drops and
  reorders sentences; an irregular alignment lowers the log-odds.
* ``TEXT_ONLY_PRIOR``: the text-only model is calibrated at an even prior (half of its
  training candidates are MT); an article with no source in the set is less likely a
  priori to be machine-translated, so its log-odds are shifted down.

With no tells and a regular alignment, p is the model's calibrated probability (plus
the prior shift in text-only mode). Without a shipped model (``DetectorUnavailable``)
the hand-weighted score of earlier versions is used.

Two further cases:

* ``round_trip`` (same language, same sentences in other words, see
  :mod:`auditor.link.roundtrip`): the relation itself is the strongest evidence, so
  ``z = ROUND_TRIP_PRIOR + logit(p_text) + TELL_WEIGHT * tells`` (mode ``with_source``:
  the original is in the set).
* Scope: the text-only model was trained on English only (``TEXT_ONLY_LANGUAGES``, or
  the detector's ``meta.text_only_languages``). An article in another language with no
  source in another language gets ``not_assessed`` and the reason, never a number
  learned from English function-word rates. The with-source model was trained on
  translations *into* English (``WITH_SOURCE_LANGUAGES``, ``meta.with_source_languages``),
  from any source language the encoder reads; a translation into another language gets
  ``not_assessed`` with the reason (measured: on held-out en->pt machine translation it
  called none of 49 MT, so its "human translation" would be a made-up claim).

Every verdict also carries ``reasons``: its top reasons in plain words
(:mod:`.reasons`, templates in ``models/verdict/reasons.json``).
"""

from __future__ import annotations

import math
from collections import Counter

from ..types import DocumentResult, SegmentedDocument, Verdict
from . import reasons as plain

# Detectors whose findings are tells of machine translation (not of editing).
TELL_DETECTORS = ("dates", "terminology", "punctuation", "spelling", "entities", "untranslated", "numbers", "drift")
THRESHOLD = 0.5
#: Weight of the rule-tell term in log-odds (the hand-set weight of the rule-only verdict).
TELL_WEIGHT = 0.9
#: Log-odds shift of text-only verdicts when the detector file states none (v1, whose
#: text-only model was calibrated at an even prior on WMT windows). Detector v2 is
#: calibrated on real pages and carries its own shift, chosen on the realpages training
#: stories (``meta.training.text_only.verdict.text_only_prior``, see mtdetect.calibrate).
TEXT_ONLY_PRIOR = -1.0
#: Log-odds of a round trip before the text model and the tells: a copy that keeps every
#: sentence, in order, with a third of its word runs, is what MT there and back produces.
#: Chosen on the NTREX train documents (benchmarks/bench_roundtrip.py reports held-out ones).
ROUND_TRIP_PRIOR = 2.0
#: Languages the text-only model was trained on, unless the detector file says otherwise.
TEXT_ONLY_LANGUAGES: tuple[str, ...] = ("en",)
#: Languages the with-source model's translations were in (WMT22 X->en, NTREX pt->en).
WITH_SOURCE_LANGUAGES: tuple[str, ...] = ("en",)


def _sigmoid(z: float) -> float:
    z = max(min(z, 50.0), -50.0)
    return 1.0 / (1.0 + math.exp(-z))


def _tells(result: DocumentResult) -> tuple[float, list[str]]:
    """Weighted count of MT tells among the findings, and one evidence line per kind."""
    weight = {"critical": 1.6, "major": 1.2, "minor": 0.45}
    z = 0.0
    kinds: Counter[tuple[str, str]] = Counter()
    for f in result.findings:
        if f.detector not in TELL_DETECTORS:
            continue
        z += weight[f.severity]
        kinds[(f.detector, f.category)] += 1
    # Diminishing returns: ten of the same slip are less than ten different ones.
    lines = []
    for (det, cat), n in sorted(kinds.items(), key=lambda kv: -kv[1]):
        lines.append(f"{n} {cat} finding{'s' if n > 1 else ''} ({det})")
    distinct = len(kinds)
    return min(z, 6.0) + 0.4 * distinct, lines


def _regularity(result: DocumentResult) -> tuple[float, list[str]]:
    """Alignment regularity of a cross-language pair: MT keeps 1-1, in order, complete."""
    al, sc = result.alignment, result.scores
    if al is None or sc is None or not al.pairs:
        return 0.0, []
    linked = [p for p in al.pairs if p.source and p.reprint]
    one_one = sum(1 for p in linked if len(p.source) == 1 and len(p.reprint) == 1)
    share = one_one / len(linked) if linked else 0.0
    cov = sc.source_coverage or 0.0
    mono = sc.monotonicity if sc.monotonicity is not None else 1.0
    z = 2.5 * (share - 0.8) + 2.0 * (cov - 0.8) + 2.0 * (mono - 0.95)
    ev = [
        f"{share:.0%} of aligned beads are one sentence to one sentence",
        f"source coverage {cov:.0%}, order kept {mono:.0%}",
    ]
    if sc.xsim is not None:
        ev.append(f"cross-lingual similarity {sc.xsim:.2f}")
    return z, ev


def _learned(result: DocumentResult, docs: dict[str, SegmentedDocument], mode: str) -> tuple[float, list[str]] | None:
    """Calibrated log-odds of the learned detector and its evidence, or None without a model."""
    from ..mtdetect import DetectorUnavailable, extract_features, load_detector, predict

    try:
        detector = load_detector()
    except DetectorUnavailable:
        return None
    missing: list[str] = []
    stacked = detector.models[mode].stack if mode in detector.models else {}
    head_model = detector.head() if "e5_mt" in stacked else None
    cross = None
    try:
        cross = detector.cross() if mode == "with_source" else None
        feats = extract_features(result, docs, mode, lexicons=detector.lexicons, e5_head=head_model, cross_mt=cross)
    except RuntimeError as exc:  # the token encoder did not load: judged without its terms, and said
        feats = extract_features(result, docs, mode, lexicons=detector.lexicons)
        has_cross = cross is not None or (mode == "with_source" and bool(detector.cross_mt))
        what = [w for w, on in (("the e5 head", head_model is not None), ("the e5 cross-encoder", has_cross)) if on]
        missing.append(f"{exc}; judged without {' and '.join(what) or 'the e5 terms'}")
    p, lines = predict(feats, mode, detector)
    lines = [*lines, *missing]
    p = min(max(p, 1e-6), 1 - 1e-6)
    head = f"MT detector v{detector.version} ({mode.replace('_', ' ')}), the detector model alone: p={p:.2f}"
    return math.log(p / (1 - p)), [head, *lines]


def _moved_by(tells: float, regularity: float, *, cross: bool, round_trip: bool) -> tuple[str, ...]:
    """What moved the verdict's probability away from the detector model's, in plain words.

    The reports show the verdict's probability as the headline and the model's as a
    labelled component; these are the names they give the terms in between.
    """
    terms = []
    if tells > 0:
        terms.append("the rule evidence")
    if cross and regularity < 0:
        terms.append("the irregular alignment")
    if round_trip:
        terms.append("the round-trip prior")
    elif not cross:
        terms.append("the text-only prior")
    return tuple(terms)


def _meta_languages(key: str, default: tuple[str, ...]) -> tuple[str, ...]:
    """A language list from the detector's metadata, else ``default``."""
    from ..mtdetect import DetectorUnavailable, load_detector

    try:
        langs = load_detector().meta.get(key)
    except DetectorUnavailable:
        langs = None
    return tuple(langs) if langs else default


def text_only_languages() -> tuple[str, ...]:
    """Languages the text-only model covers (the detector's metadata, else English)."""
    return _meta_languages("text_only_languages", TEXT_ONLY_LANGUAGES)


def with_source_languages() -> tuple[str, ...]:
    """Target languages the with-source model was trained on (the detector's metadata, else English)."""
    return _meta_languages("with_source_languages", WITH_SOURCE_LANGUAGES)


def text_only_prior() -> float:
    """The text-only prior shift: the detector's (chosen on real pages), else TEXT_ONLY_PRIOR."""
    from ..mtdetect import DetectorUnavailable, load_detector

    try:
        got = load_detector().meta.get("training", {}).get("text_only", {}).get("verdict", {}).get("text_only_prior")
    except DetectorUnavailable:
        got = None
    return float(got) if got is not None else TEXT_ONLY_PRIOR


def _in_scope(language: str | None, scope: tuple[str, ...]) -> bool:
    return bool(language) and language.split("-")[0].lower() in scope


def judge(result: DocumentResult, docs: dict[str, SegmentedDocument]) -> Verdict:
    """Label one article from its link, alignment, scores and findings."""
    link = result.link
    doc = result.doc
    tells, tell_lines = _tells(result)
    source = docs.get(link.source_id) if link is not None else None
    cross = link is not None and link.relation == "translation" and source is not None
    round_trip = link is not None and link.relation == "round_trip" and source is not None
    scope = text_only_languages()
    targets = with_source_languages()
    if cross and not _in_scope(doc.language, targets):
        # Trained on translations into English only: into another language the with-source
        # model calls nothing MT (held-out en->pt Bergamot MT: 0 of 49), so no number is given.
        reason = plain.not_assessed_with_source_reason(doc.language, targets, source.language)
        return Verdict(label="not_assessed", p_machine_translation=None, mode="with_source", reasons=(reason,),
                       evidence=(reason, f"translation of {link.source_id} ({source.language} → {doc.language})"))
    if not cross and not _in_scope(doc.language, scope):
        reason = plain.not_assessed_reason(doc.language, scope)
        evidence = [reason]
        if link is not None and link.relation != "same_story":
            evidence.append(f"{link.relation.replace('_', ' ')} of {link.source_id} (same language)")
        return Verdict(label="not_assessed", p_machine_translation=None, evidence=tuple(evidence),
                       mode="text_only", reasons=(reason,))
    mode = "with_source" if cross or round_trip else "text_only"
    learned = _learned(result, docs, "with_source" if cross else "text_only")
    evidence: list[str] = []
    regular = True
    if cross:
        reg, reg_lines = _regularity(result)
        regular = reg >= 0.0
        if learned is not None:
            z = learned[0] + TELL_WEIGHT * tells + min(0.0, reg)
        else:
            z = -1.6 + 0.9 * tells + reg
        evidence.append(f"translation of {link.source_id} ({source.language} → {doc.language})")
        evidence.extend(reg_lines)
    elif round_trip:
        z = ROUND_TRIP_PRIOR + (learned[0] if learned is not None else 0.0) + TELL_WEIGHT * tells
        ev = link.evidence
        evidence.append(f"round trip of {link.source_id} (same language, direction: {ev.get('direction', 'n/a')})")
        ca = max(ev.get("containment_a_in_b", 0.0), ev.get("containment_b_in_a", 0.0),
                 ev.get("containment_reprint_in_source", 0.0), ev.get("containment_source_in_reprint", 0.0))
        evidence.append(f"{ev.get('round_trip_share', link.score):.0%} of sentences say the same in order "
                        f"(median similarity {ev.get('round_trip_median_similarity', float('nan')):.2f}); "
                        f"five-word-run overlap {ca:.0%}")
    else:
        z = (learned[0] + TELL_WEIGHT * tells + text_only_prior()) if learned is not None else -2.6 + 0.9 * tells
        if link is not None and link.relation in ("verbatim_copy", "edited_copy"):
            evidence.append(f"{link.relation.replace('_', ' ')} of {link.source_id} (same language)")
        else:
            evidence.append("no source in another language in the set: judged from the text alone")
    evidence.extend(tell_lines or ["no machine-translation tells found in the text"])
    if learned is not None:
        evidence.extend(learned[1])
    p = round(_sigmoid(z), 4)
    if p >= THRESHOLD:
        label = "machine_translation"
    elif cross:
        label = "human_translation"
    elif link is not None and link.relation in ("verbatim_copy", "edited_copy"):
        label = link.relation
    elif round_trip:
        label = "edited_copy"  # rewritten sentence by sentence, but not by a machine
    else:
        label = "original"
    relation = link.relation if link is not None and link.relation != "same_story" else None
    why = plain.top_reasons(relation=relation, source_language=source.language if source is not None else None,
                            regular=regular, findings=result.findings, detectors=TELL_DETECTORS,
                            p_model=_sigmoid(learned[0]) if learned is not None else None,
                            machine=label == "machine_translation")
    p_model = round(_sigmoid(learned[0]), 4) if learned is not None else None
    terms = _moved_by(tells, reg if cross else 0.0, cross=cross, round_trip=round_trip) if learned is not None else ()
    return Verdict(label=label, p_machine_translation=p, evidence=tuple(evidence), mode=mode, reasons=why,
                   p_model=p_model, p_terms=terms)
