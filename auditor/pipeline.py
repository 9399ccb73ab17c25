"""The one call the CLI and the batch runner wrap: ``audit(paths, config) -> AuditResult``.

Stages run in order (ingest, segment, link, align, score, check, verdict) and pass
frozen dataclasses; no stage prints or touches the network. Heavy libraries (the
sentence encoder, sacrebleu) load on first use, once per process.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Sequence

from .types import (
    Alignment,
    AuditResult,
    Document,
    DocumentResult,
    Finding,
    IngestError,
    Link,
    SegmentedDocument,
    severity_rank,
)

# Detectors, in report order. Each is a module auditor.checks.<name> with run(ctx).
DETECTORS: tuple[str, ...] = (
    "dates",
    "numbers",
    "terminology",
    "entities",
    "pronouns",
    "punctuation",
    "spelling",
    "repeats",
    "untranslated",
    "omissions",
    "drift",
)

ProgressFn = Callable[[str, int, int], None]


@dataclass(frozen=True)
class AuditConfig:
    """Everything that changes an audit's result (it goes into the signature)."""

    lang: str | None = None  # force the language of every article but a declared source
    source: str | None = None  # path of a file to use as the source of every other article
    segmented: bool = False  # inputs are one sentence per line
    encoder: str = "auto"  # "auto" | "use" | "e5" | "hashing"
    link: bool = True  # False: judge each article alone (text-only)
    disabled: tuple[str, ...] = ()  # detector names to skip
    glossaries: tuple[str, ...] = ()  # user glossary files (CSV / TBX)
    qe_model: str | None = None  # path of an external QE checkpoint
    qe: bool = True  # score aligned pairs with the QE model
    options: dict[str, object] = field(default_factory=dict)


def _segment(
    docs: Sequence[Document], config: AuditConfig, sources: frozenset[str] = frozenset()
) -> list[SegmentedDocument]:
    """Sentences and languages. ``--lang`` names the language of the articles under audit:
    a declared source (``sources``: ``--source``, compare's SOURCE) keeps its own."""
    from .text.segment import segment_document

    return [segment_document(d, lang=None if d.id in sources else config.lang) for d in docs]


class _Embedder:
    """Sentence embeddings per document, computed once per run."""

    def __init__(self, encoder) -> None:
        self.encoder = encoder
        self._cache: dict[str, object] = {}

    def __call__(self, doc: SegmentedDocument):
        import numpy as np

        got = self._cache.get(doc.id)
        if got is None:
            texts = [s.text for s in doc.segments]
            got = self.encoder.encode(texts) if texts else np.zeros((0, self.encoder.dim), dtype="float32")
            self._cache[doc.id] = got
        return got


class _LazyEmbedder(_Embedder):
    """An :class:`_Embedder` whose encoder (the one ``auto`` picks) loads on first use."""

    def __init__(self, languages) -> None:
        self._languages = tuple(languages)
        self._encoder = None
        self._cache = {}

    @property
    def encoder(self):
        if self._encoder is None:
            from .encoders import get_encoder

            self._encoder = get_encoder("auto", languages=self._languages)
        return self._encoder


def run_checks(
    doc: SegmentedDocument,
    *,
    source: SegmentedDocument | None,
    alignment: Alignment | None,
    cluster: tuple[SegmentedDocument, ...],
    config: AuditConfig,
    extra: Iterable[Finding] = (),
) -> tuple[Finding, ...]:
    """Run every enabled detector and merge their findings (no duplicate spans)."""
    from .checks.base import CheckContext

    options = dict(config.options)
    options.setdefault("glossaries", list(config.glossaries))
    ctx = CheckContext(doc=doc, source=source, alignment=alignment, cluster=cluster, options=options)
    findings: list[Finding] = list(extra)
    for name in DETECTORS:
        if name in config.disabled:
            continue
        try:
            module = importlib.import_module(f".checks.{name}", __package__)
        except ModuleNotFoundError as exc:  # a detector not shipped in this build
            if exc.name and exc.name.endswith(f"checks.{name}"):
                continue
            raise
        findings.extend(module.run(ctx))
    return merge_findings(findings)


#: Word-level QE spans at or above this error probability become findings. The model's
#: spans already exceed its own word threshold (v2: chosen on dev, see models/qe-v2), so
#: this floor only keeps out near-coin-flip words.
QE_SPAN_THRESHOLD = 0.3


#: QE models already loaded in this process, by (loader, path). ``load_qe_model`` builds
#: a new model on every call, and each built-in model re-reads its gzipped lexicons
#: (about 0.5 s per language pair): per document in a batch that was a tenth of the CPU.
_QE_MODELS: dict[tuple[object, str | None], object] = {}


def qe_model(config: AuditConfig):
    """The QE model for this run (loaded once per process), or None when not shipped."""
    try:
        from .qe import QEModelError, load_qe_model
    except ImportError:
        return None
    key = (load_qe_model, config.qe_model)
    if key in _QE_MODELS:
        return _QE_MODELS[key]
    try:
        model = load_qe_model(config.qe_model)
    except QEModelError:
        if config.qe_model:  # the user's checkpoint: the CLI reports it as a usage error
            raise
        model = None  # a build without the built-in model: audit without QE
    _QE_MODELS[key] = model
    return model


def _qe_inputs(source, doc, alignment):
    """The beads QE scores: (bead index, pair), the reprint sentences, source and reprint texts."""
    beads = [(k, p) for k, p in enumerate(alignment.pairs) if p.source and p.reprint]
    src_texts = [" ".join(source.segments[i].text for i in p.source) for _, p in beads]
    pieces = [[doc.segments[i] for i in p.reprint] for _, p in beads]
    return beads, pieces, src_texts, [" ".join(s.text for s in segs) for segs in pieces]


def qe_batch(jobs, config) -> dict:
    """QE results per reprint id for ``(source, doc, alignment)`` translation jobs.

    One ``predict`` call per language pair for all the documents of the run (batched
    across the cluster: the encoder's length buckets fill better than per document).
    """
    from .qe.interface import QEResult

    model = None if "qe" in config.disabled else qe_model(config)
    if model is None:
        return {}
    by_pair: dict[tuple[str, str], list] = {}
    for source, doc, alignment in jobs:
        by_pair.setdefault((source.language, doc.language), []).append((doc.id, _qe_inputs(source, doc, alignment)))
    out = {}
    for (sl, tl), items in by_pair.items():
        srcs = [t for _, inp in items for t in inp[2]]
        reps = [t for _, inp in items for t in inp[3]]
        if not srcs:
            continue
        res = model.predict(srcs, reps, sl, tl)
        pos = 0
        for doc_id, inp in items:
            n = len(inp[2])
            sc = res.scores[pos:pos + n]
            system = (sum(sc) / n) if n and res.available else None
            out[doc_id] = QEResult(sc, res.spans[pos:pos + n], res.word_probs[pos:pos + n], system, res.signature,
                                   dict(res.metadata), available=res.available, reason=res.reason)
            pos += n
    return out


def _quality_estimate(source, doc, alignment, scores, config, result=None):
    """QE score per aligned bead, a document aggregate, and word-level spans as findings.

    Called for translations only (on a same-language copy a QE model has nothing to
    estimate); ``result`` is this document's share of :func:`qe_batch` when it ran.
    Spans become ``accuracy/mistranslation`` findings (detector ``qe``) whose
    ``source_text`` is the source words the span renders (QE v2's alignment) or, without
    them, the source sentence; the sentence stays in the evidence. A span that is its
    source words spelt the same (not a name or number) is ``accuracy/untranslated``, and
    none is reported for the lower-case words of a name kept as the source has them. Severity: see
    :mod:`auditor.qe.stakes`.
    """
    from .checks.base import make_finding
    from .qe.srcspans import is_punct
    from .qe.stakes import inside_name, kept_as_source, negation_kept, same_name_or_number, severity, stakes
    from .types import PairScores

    if "qe" in config.disabled:
        return scores, []
    beads, pieces, src_texts, rep_texts = _qe_inputs(source, doc, alignment)
    if not beads:
        return scores, []
    if result is None:
        model = qe_model(config)
        if model is None:
            return scores, []
        result = model.predict(src_texts, rep_texts, source.language, doc.language)
    if not result.available:  # a pair the model does not cover: say so, never a number
        return replace(scores, qe=None, qe_note=result.reason,
                       signatures={**scores.signatures, "qe": result.signature}), []
    n = len(alignment.pairs)
    pair_scores = list(scores.pairs) if len(scores.pairs) == n else [PairScores()] * n
    findings: list[Finding] = []
    weighted = total = 0.0
    title = (doc.document.title or "").strip()
    # the model's calibrated floor for this pair (QE v2: per source language, so that its
    # findings on professional translations stay rare; models/qe-v2/finding-thresholds.tsv)
    floor = max(QE_SPAN_THRESHOLD, float(result.metadata.get("finding_threshold") or 0.0))
    raised = (floor - float(result.metadata["word_threshold"])) if "word_threshold" in result.metadata else 0.0
    for (k, _), segs, src, score, spans in zip(beads, pieces, src_texts, result.scores, result.spans):
        pair_scores[k] = replace(pair_scores[k], qe=round(float(score), 4))
        n_words = sum(len(s.text.split()) for s in segs)
        weighted += n_words * float(score)
        total += n_words
        rep = " ".join(s.text for s in segs)
        for span in spans:
            if span.p_error < floor or is_punct(span.text):
                continue  # a lone dash or quotation mark is the punctuation check's, not a mistranslation
            start, last = _bead_offset(segs, span.start), _bead_offset(segs, span.end - 1)
            if start is None or last is None or not (0 <= start <= last < len(doc.text)):
                continue
            at_stake = stakes(span.text, span.src_text, doc.language, source.language,
                              mt_at_start=not rep[:span.start].strip() or rep[:span.start].rstrip()[-1:] in ".!?",
                              src_at_start=span.src_start is not None and (
                                  not src[:span.src_start].strip() or src[:span.src_start].rstrip()[-1:] in ".!?"),
                              in_title=bool(title) and span.text in title and any(s.text.strip() in title for s in segs))
            evidence = {"p_error": round(float(span.p_error), 3), "source_sentence": src}
            if at_stake:
                evidence["at_stake"] = list(at_stake)
            category = "accuracy/mistranslation"
            kept = kept_as_source(span.text, span.src_text, at_stake)
            if kept and inside_name(rep, span.start, span.end):
                continue  # a name's own words kept as the source has them ("Welt am Sonntag"): as it should be
            if same_name_or_number(span.text, span.src_text, at_stake):
                continue  # the source's own name or figure, spelt as the source has it
            if negation_kept(span.text, rep, src, doc.language, source.language):
                continue  # a negation the source sentence has too: rendered, not flipped
            if kept:
                category = "accuracy/untranslated"
                message = (f"‘{span.text}’ is the source’s own wording, left untranslated: the QE model estimates "
                           f"it is wrong here (p={span.p_error:.2f})")
            elif span.src_text:
                message = (f"‘{span.text}’ renders ‘{span.src_text}’: the QE model estimates this rendering "
                           f"is wrong (p={span.p_error:.2f})")
            else:
                message = f"the QE model estimates this wording is wrong (p={span.p_error:.2f})"
            findings.append(make_finding(
                doc, start, last + 1, category=category, severity=severity(span.p_error, at_stake, raised),
                message=message, detector="qe", source_text=span.src_text or src, evidence=evidence))
    scores = replace(scores, qe=round(weighted / (total or 1), 4), pairs=tuple(pair_scores))
    if result.signature:
        scores = replace(scores, signatures={**scores.signatures, "qe": result.signature})
    return scores, findings


def _bead_offset(segs, offset: int) -> int | None:
    """Document offset of a character of a bead's text (its sentences joined by spaces)."""
    pos = 0
    for s in segs:
        n = len(s.text)
        if offset < pos + n:
            return s.start + (offset - pos)
        pos += n + 1
    return None


def merge_findings(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """Sort by position and drop duplicates: the same span and category reported twice,
    or a span fully inside another finding of the same category (keep the more severe).
    A QE span that overlaps a rule finding is dropped: the rule says what is wrong more precisely."""
    findings = list(findings)
    rules = [f for f in findings if f.detector != "qe"]
    findings = rules + [q for q in findings if q.detector == "qe"
                        and not any(r.start < q.end and q.start < r.end for r in rules)]
    ordered = sorted(findings, key=lambda f: (f.start, -(f.end - f.start), -severity_rank(f.severity), f.detector))
    kept: list[Finding] = []
    for f in ordered:
        dup = False
        for g in kept:
            if g.category == f.category and g.start <= f.start and f.end <= g.end:
                dup = True
                break
        if not dup:
            kept.append(f)
    return tuple(sorted(kept, key=lambda f: (f.start, f.end, f.category)))


def audit(
    paths: Sequence[str] | None = None,
    config: AuditConfig = AuditConfig(),
    *,
    documents: Sequence[Document] | None = None,
    errors: Sequence[IngestError] = (),
    progress: ProgressFn | None = None,
    stdin=None,
) -> AuditResult:
    """Audit a set of articles: link, align, score, check and judge each one."""
    from .ingest import load_documents

    docs: list[Document] = list(documents or [])
    errs: list[IngestError] = list(errors)
    if paths:
        got, bad = load_documents(list(paths), stdin=stdin, segmented=config.segmented, lang=config.lang)
        docs.extend(got)
        errs.extend(bad)
    forced_source_id: str | None = None
    if config.source:
        # Read without --lang: that names the reprints' language, not the source's.
        got, bad = load_documents([config.source], segmented=config.segmented)
        errs.extend(bad)
        if got:
            src = got[0]
            # The source may also have been given among the inputs: use that one.
            same = [i for i, d in enumerate(docs) if d.path == src.path]
            if same:
                docs[same[0]] = replace(docs[same[0]], language=src.language)
                forced_source_id = docs[same[0]].id
            else:
                taken = {d.id for d in docs}
                if src.id in taken:
                    src = replace(src, id=f"{src.id}#source")
                docs.insert(0, src)
                forced_source_id = src.id
    return audit_documents(docs, config, errors=errs, forced_source=forced_source_id, progress=progress)


def audit_documents(
    docs: Sequence[Document],
    config: AuditConfig = AuditConfig(),
    *,
    errors: Sequence[IngestError] = (),
    forced_source: str | None = None,
    pairs: Sequence[tuple[str, str]] | None = None,
    progress: ProgressFn | None = None,
) -> AuditResult:
    """The audit proper, on documents already ingested.

    ``pairs`` (reprint id, source id) replaces linking with declared pairs (``compare``).
    """
    from .link import force_link, link_documents

    def tick(stage: str, done: int, total: int) -> None:
        if progress is not None:
            progress(stage, done, total)

    declared_sources = {src for _, src in pairs or ()} | ({forced_source} if forced_source else set())
    seg = _segment(docs, config, frozenset(declared_sources))
    tick("segment", len(seg), len(seg))
    by_id = {d.id: d for d in seg}
    encoder = None
    pair_encoders = None
    semantic = None  # the round-trip test's sentence encoder (see link.roundtrip)
    embed = None
    links: dict[str, Link] = {}
    if seg and (config.link or pairs):
        from .encoders import get_encoder
        from .encoders.registry import PairEncoders, pair_languages

        languages = sorted({d.language for d in seg})
        # A document too short for its language to be sure ("(Applause)" read as
        # Estonian) does not choose the set-wide encoder; cross-language pairs get the
        # encoder of their own two languages (pair_embedder below).
        choosing = sorted(set(pair_languages(*((d.language, len(d.text.split())) for d in seg)))) or languages
        name = config.encoder
        if name == "auto" and len(languages) == 1:
            # One language: shingles decide copies and alignment is lexical, so a neural
            # encoder would only cost its load time (seconds on a laptop CPU).
            name = "hashing"
        encoder = get_encoder(name, languages=choosing)
        embed = _Embedder(encoder)
        pair_encoders = PairEncoders(config.encoder)
        pair_encoders.used[encoder.name] = encoder
        by_encoder: dict[str, _Embedder] = {encoder.name: embed}

        def pair_embedder(a: SegmentedDocument, b: SegmentedDocument) -> _Embedder:
            """Embeddings from the encoder chosen for this pair's two languages."""
            langs = pair_languages((a.language, len(a.text.split())), (b.language, len(b.text.split())))
            enc = pair_encoders.for_languages(langs) if langs else encoder
            if enc.name not in by_encoder:
                by_encoder[enc.name] = _Embedder(enc)
            return by_encoder[enc.name]

        def pair_embed(a: SegmentedDocument, b: SegmentedDocument):
            e = pair_embedder(a, b)
            return e(a), e(b), e.encoder.name

        # Round trips are same-language pairs whose words differ: hashing cannot see
        # them, so they get the real sentence encoder (loaded only if a pair needs it).
        semantic = _LazyEmbedder(languages) if encoder.name.startswith("hashing") else embed
        if pairs is not None:
            for rep, src in pairs:
                pe = pair_embedder(by_id[rep], by_id[src])
                links[rep] = force_link(by_id[rep], by_id[src], pe, semantic, encoder_name=pe.encoder.name)
        elif forced_source is not None:
            for d in seg:
                if d.id != forced_source:
                    pe = pair_embedder(d, by_id[forced_source])
                    links[d.id] = force_link(d, by_id[forced_source], pe, semantic, encoder_name=pe.encoder.name)
        else:
            from .link.mtside import text_only_probability

            links = link_documents(seg, embed, encoder_name=encoder.name, semantic_embed=semantic,
                                   pair_embed=pair_embed, mt_probability=text_only_probability())
    tick("link", len(seg), len(seg))

    from .align import align
    from .score import score_pair

    results: list[DocumentResult] = []
    prepared = []
    for d in seg:
        link = links.get(d.id)
        alignment = scores = None
        source = None
        if link is not None and (link.relation != "same_story" or link.forced):
            source = by_id[link.source_id]
            # A round trip shares meaning, not words: align it with the sentence encoder.
            enc = semantic.encoder if link.relation == "round_trip" else encoder
            if source.language != d.language:  # the encoder of this pair's languages
                enc = pair_embedder(source, d).encoder
            alignment = align(source, d, encoder=enc)
            scores = score_pair(source, d, alignment)
        prepared.append((d, link, source, alignment, scores))
    # QE estimates translation quality: on a same-language copy it has nothing to say.
    # It runs on translations only, in one batch per language pair for the whole run.
    qe_jobs = [(source, d, alignment) for d, link, source, alignment, scores in prepared
               if alignment is not None and scores is not None and config.qe and link.relation == "translation"
               and not link.mismatch]
    qe_results = qe_batch(qe_jobs, config) if qe_jobs else {}
    text_findings: dict[str, list[Finding]] = {}  # source-less findings of same-language copies, for the verdict
    for n, (d, link, source, alignment, scores) in enumerate(prepared):
        qe_findings: list[Finding] = []
        # A declared source that does not look like this article's source (an unrelated
        # text given by mistake) is shown with its alignment, but nothing is checked
        # against it: every sentence would be an "addition" and every aligned pair noise.
        mismatch = link.mismatch if link is not None else None
        if alignment is not None and scores is not None and config.qe and link.relation == "translation":
            if mismatch:
                scores = replace(scores, qe_note=f"QE not run: {mismatch}")
            else:
                scores, qe_findings = _quality_estimate(source, d, alignment, scores, config,
                                                        result=qe_results.get(d.id))
        # The cluster is the article's story: every other input of a linked audit; with
        # declared pairs (compare --pairs) only its own source; none with --no-link.
        if pairs is not None:
            cluster = (source,) if source is not None else ()
        elif config.link:
            cluster = tuple(o for o in seg if o.id != d.id)
        else:
            cluster = ()
        findings = run_checks(d, source=None if mismatch else source, alignment=None if mismatch else alignment,
                              cluster=cluster, config=config, extra=qe_findings)
        if source is not None and not mismatch and link.relation not in ("translation", "round_trip"):
            # A same-language copy is judged from its text alone: what its comparison with
            # the original found (cuts, additions, changed negations) is editing, not MT,
            # and the text-only model was trained and calibrated on source-less findings.
            text_findings[d.id] = run_checks(d, source=None, alignment=None, cluster=cluster, config=config)
        results.append(DocumentResult(doc=d, link=link, alignment=alignment, scores=scores, findings=findings))
        tick("check", n + 1, len(seg))

    from .verdict import judge

    results = [replace(r, verdict=_judge(r, by_id, judge, text_findings.get(r.doc.id))) for r in results]
    extractors = sorted({d.extractor for d in docs if d.extractor})
    if isinstance(semantic, _LazyEmbedder) and semantic._encoder is not None:  # a round-trip test ran
        pair_encoders.used.setdefault(semantic._encoder.name, semantic._encoder)
    # the signature names every encoder that ran (pairs may use different ones)
    return AuditResult(tuple(results), tuple(errors), signature(config, pair_encoders, extractors=extractors))


def _judge(r: DocumentResult, by_id, judge, text_findings: list[Finding] | None = None):
    """The verdict; against a declared source that does not match, judged from the text.

    The with-source verdict reads the alignment's regularity, which against an
    unrelated text measures nothing, so the article is judged as if it had no source and
    the mismatch is the first reason and the first evidence line. ``text_findings``
    (a same-language copy's findings without its source) replace the findings for the
    text-only verdict; the report keeps all of them.
    """
    mismatch = r.link.mismatch if r.link is not None else None
    if mismatch is None:
        return judge(replace(r, findings=tuple(text_findings)) if text_findings is not None else r, by_id)
    v = judge(replace(r, link=None, alignment=None, scores=None), by_id)
    note = mismatch[0].upper() + mismatch[1:] + "; judged from its text alone"
    return replace(v, reasons=(note, *v.reasons),
                   evidence=(note, *(e for e in v.evidence if "judged from the text alone" not in e)))


def signature(config: AuditConfig, encoder=None, *, extractors: Sequence[str] = ()) -> str:
    """sacrebleu-style signature: every setting and version that changes the numbers.

    ``extractors`` are the HTML extractors that produced the inputs' text
    (``html:trafilatura-2.3.1``, ``html:fallback``): the fallback reads pages differently.
    """
    from . import __version__

    parts = [f"auditor:{__version__}"]
    if encoder is not None:
        parts.append(f"enc:{getattr(encoder, 'signature', encoder.name)}")
    if extractors:
        parts.append("html:" + ",".join(extractors))
    parts.append(f"link:{'on' if config.link else 'off'}")
    if config.lang:
        parts.append(f"lang:{config.lang}")
    if config.segmented:
        parts.append("seg:lines")
    try:
        import sacrebleu

        parts.append(f"sacrebleu:{sacrebleu.__version__}")
    except Exception:  # pragma: no cover - sacrebleu is a hard dependency
        pass
    from .text.langid import component as langid_component

    parts.append(langid_component())  # langdetect + the short-text model (or its absence)
    if config.disabled:
        parts.append("off:" + ",".join(sorted(config.disabled)))
    if config.qe_model:
        parts.append(f"qe:{config.qe_model}")
    return "|".join(parts)


def compare(source: str, reprints: Sequence[str], config: AuditConfig = AuditConfig()) -> AuditResult:
    """Audit declared pairs: every path in ``reprints`` against ``source``."""
    return compare_pairs([(source, r) for r in reprints], config)


def compare_pairs(
    pairs: Sequence[tuple[str, str]],
    config: AuditConfig = AuditConfig(),
    *,
    progress: ProgressFn | None = None,
    stdin=None,
) -> AuditResult:
    """Audit many declared (source_path, reprint_path) pairs in one process.

    Each file is read once even if it appears in several pairs; models load once. The
    report has one document per reprint (sources appear as documents too, so that their
    sentences can be shown beside the reprint's). A path "-" reads ``stdin``.
    """
    from .ingest import load_documents

    paths: list[str] = []
    for src, rep in pairs:
        for p in (src, rep):
            if p not in paths:
                paths.append(p)
    docs, errs = load_documents(paths, stdin=stdin, segmented=config.segmented)
    if config.lang:  # --lang names the reprints' language; a file that is only a source keeps its own
        reprints = {rep for _, rep in pairs}
        docs = [replace(d, language=config.lang) if d.path in reprints else d for d in docs]
    by_path = {d.path: d.id for d in docs}
    id_pairs = []
    for src, rep in pairs:
        if src in by_path and rep in by_path and src != rep:
            id_pairs.append((by_path[rep], by_path[src]))
    return audit_documents(docs, config, errors=errs, pairs=id_pairs, progress=progress)
