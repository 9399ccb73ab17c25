"""Small, renderer-neutral helpers shared by the terminal, JSON and HTML reports.

The renderers must agree on what they show (which document is a reprint's source, which
pairs are the weakest, what sentence a finding sits in), so those decisions live here
once instead of three times. Nothing here imports rich or formats markup.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

from ..types import (
    CATEGORIES,
    SEVERITIES,
    VERDICT_LABELS,
    AlignedPair,
    AuditResult,
    DocumentResult,
    Finding,
    SegmentedDocument,
    Verdict,
    severity_rank,
)
from ..text.wording import join_words

#: Severities from the most to the least serious, the order reports list findings in.
SEVERITY_ORDER: tuple[str, ...] = tuple(reversed(SEVERITIES))

#: Severity colours of every HTML report (the audit page and the batch report.html):
#: ink (text, badges) and a light background (highlighted spans). One palette, so an
#: editor who learnt "orange is major" on one page reads the other the same way.
SEVERITY_COLOURS: dict[str, tuple[str, str]] = {
    "critical": ("#b3261e", "#fde0de"),
    "major": ("#9a5200", "#ffe6bf"),
    "minor": ("#1d5fa6", "#dbe9fa"),
}
_CSS_VAR = {"critical": "crit", "major": "major", "minor": "minor"}

#: CSS for the palette: ``--crit``/``--crit-bg`` (and major, minor) custom properties,
#: ``.badge.sev-<severity>`` labels and ``.sev-ink-<severity>`` coloured text.
SEVERITY_CSS: str = (
    ":root{" + ";".join(f"--{_CSS_VAR[s]}:{ink};--{_CSS_VAR[s]}-bg:{bg}" for s, (ink, bg) in SEVERITY_COLOURS.items()) + "}\n"
    ".badge{display:inline-block;padding:1px 7px;border-radius:3px;font-size:.72rem;font-weight:700;"
    "text-transform:uppercase;letter-spacing:.04em;color:#fff;white-space:nowrap}\n"
    + "".join(f".badge.sev-{s}{{background:var(--{_CSS_VAR[s]})}}" for s in SEVERITY_ORDER) + "\n"
    + "".join(f".sev-ink-{s}{{color:var(--{_CSS_VAR[s]});font-weight:700}}" for s in SEVERITY_ORDER) + "\n"
)


def source_of(result: AuditResult, dr: DocumentResult) -> DocumentResult | None:
    """The source DocumentResult of a reprint, or None (no link, or source not in the set).

    A source given only as context (``auditor check --source``) is found there too, so
    its sentences can be shown beside the draft's.
    """
    if dr.link is None:
        return None
    for other in (*result.documents, *result.context):
        if other.id == dr.link.source_id:
            return other
    return None


def is_reprint(dr: DocumentResult) -> bool:
    """Linked to a source as a copy or translation (a ``same_story`` link is not a reprint)."""
    return dr.link is not None and dr.link.relation != "same_story"


def bead_text(sd: SegmentedDocument | None, indices: Sequence[int]) -> str:
    """The sentences of one side of an alignment bead, joined with a space."""
    if sd is None:
        return ""
    n = len(sd.segments)
    return " ".join(sd.segments[i].text for i in indices if 0 <= i < n)


def pair_kind(pair: AlignedPair) -> str:
    """``"omission"`` (source only), ``"addition"`` (reprint only) or ``"match"``."""
    if pair.source and not pair.reprint:
        return "omission"
    if pair.reprint and not pair.source:
        return "addition"
    return "match"


def select_pairs(
    pairs: Sequence[AlignedPair], max_pairs: int | None
) -> tuple[list[tuple[int, AlignedPair]], int]:
    """The beads to show and how many are hidden.

    Up to ``max_pairs`` beads are shown in document order. Beyond that an editor wants
    the problems, not the agreement, so the weakest beads (lowest similarity; omissions
    and additions usually score 0) are kept, weakest first, and the rest counted.
    """
    indexed = list(enumerate(pairs))
    if max_pairs is None or max_pairs <= 0 or len(indexed) <= max_pairs:
        return indexed, 0
    weakest = sorted(indexed, key=lambda ip: (_num(ip[1].similarity), ip[0]))
    return weakest[:max_pairs], len(indexed) - max_pairs


def _num(x: float | None) -> float:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return -math.inf
    return float(x)


def severity_counts(findings: Iterable[Finding]) -> dict[str, int]:
    """Findings counted per severity, most serious first, zeros included."""
    counts = {s: 0 for s in SEVERITY_ORDER}
    for f in findings:
        counts[f.severity] = counts.get(f.severity, 0) + 1
    return counts


def category_counts(result: AuditResult) -> dict[str, dict[str, int]]:
    """``{category: {severity: n}}`` over all documents, worst first; empty rows dropped.

    Rows are ordered by critical, then major, then minor counts (what an editor should
    look at first), ties in taxonomy order so the order is stable.
    """
    table: dict[str, dict[str, int]] = {}
    for dr in result.documents:
        for f in dr.findings:
            row = table.setdefault(f.category, {s: 0 for s in SEVERITY_ORDER})
            row[f.severity] = row.get(f.severity, 0) + 1
    def key(cat: str) -> tuple[object, ...]:
        row = table[cat]
        taxonomy = CATEGORIES.index(cat) if cat in CATEGORIES else len(CATEGORIES)
        return (*(-row[s] for s in SEVERITY_ORDER), taxonomy, cat)

    return {c: table[c] for c in sorted(table, key=key)}


def by_severity(findings: Iterable[Finding]) -> list[Finding]:
    """Most serious first, then in reading order."""
    return sorted(findings, key=lambda f: (-_rank(f.severity), f.start, f.end, f.category))


def by_position(findings: Iterable[Finding]) -> list[Finding]:
    """Reading order, ties broken so the order never depends on detector run order."""
    return sorted(
        findings, key=lambda f: (f.start, f.end, -_rank(f.severity), f.category, f.detector, f.message)
    )


def _rank(severity: str) -> int:
    try:
        return severity_rank(severity)
    except ValueError:
        return -1


def context_bounds(sd: SegmentedDocument, finding: Finding, window: int = 100) -> tuple[int, int]:
    """Character bounds of the sentence(s) holding a finding, for showing it in context.

    Falls back to a window around the span when the document has no segment there
    (for instance when the span sits in text the segmenter skipped).
    """
    covering = [s for s in sd.segments if s.start < finding.end and finding.start < s.end]
    if covering:
        start = min(min(s.start for s in covering), finding.start)
        end = max(max(s.end for s in covering), finding.end)
        return start, end
    text = sd.text
    return max(0, finding.start - window), min(len(text), finding.end + window)


def reprint_segment_indices(sd: SegmentedDocument, finding: Finding) -> list[int]:
    """Indices of the reprint sentences a finding touches (its own ``segment`` first)."""
    idx = [s.index for s in sd.segments if s.start < finding.end and finding.start < s.end]
    if finding.segment is not None and finding.segment not in idx:
        idx.insert(0, finding.segment)
    return idx


def aligned_source_sentence(
    result: AuditResult, dr: DocumentResult, finding: Finding
) -> str | None:
    """The source sentence(s) aligned with the sentence that holds ``finding``."""
    src = source_of(result, dr)
    if src is None or dr.alignment is None:
        return None
    wanted = set(reprint_segment_indices(dr.doc, finding))
    indices: list[int] = []
    for pair in dr.alignment.pairs:
        if wanted.intersection(pair.reprint):
            indices.extend(i for i in pair.source if i not in indices)
    return bead_text(src.doc, sorted(indices)) or None


def find_wording(sentence: str, wording: str | None) -> int:
    """Where ``wording`` (a finding's source words) stands in ``sentence``, case-folded, as
    whole words: the Spanish "y" is not the "y" of "Sainsbury's". -1 when it is not there."""
    if not wording:
        return -1
    lead = r"(?<!\w)" if wording[0].isalnum() else ""
    tail = r"(?!\w)" if wording[-1].isalnum() else ""
    m = re.search(lead + re.escape(wording) + tail, sentence, flags=re.IGNORECASE)
    return m.start() if m else -1


def fmt_float(x: float | None, digits: int = 1) -> str:
    """A score for people: fixed digits, an en dash when missing or not a number."""
    if x is None or (isinstance(x, float) and (math.isnan(x) or math.isinf(x))):
        return "–"
    return f"{x:.{digits}f}"


def fmt_pct(x: float | None) -> str:
    """A 0..1 ratio as a whole percentage, an en dash when missing."""
    if x is None or (isinstance(x, float) and (math.isnan(x) or math.isinf(x))):
        return "–"
    return f"{100 * x:.0f}%"


def score_summary(dr: DocumentResult) -> str:
    """One line of the scores that matter for this document's relation.

    Same-language copies are judged by chrF/BLEU/TER; translations have no reference in
    their own language, so their cross-lingual similarity is shown instead.
    """
    s = dr.scores
    if s is None:
        return "–"
    parts: list[str] = []
    if s.chrf is not None:
        parts.append(f"chrF {fmt_float(s.chrf)}")
    if s.bleu is not None:
        parts.append(f"BLEU {fmt_float(s.bleu)}")
    if s.ter is not None:
        parts.append(f"TER {fmt_float(s.ter)}")
    if not parts and s.xsim is not None:
        parts.append(f"xsim {fmt_float(s.xsim, 2)}")
    return " ".join(parts) if parts else "–"


def site_or_file(dr: DocumentResult) -> str:
    """The publisher when known, else the file name (what an editor recognises)."""
    return dr.doc.document.site or file_name(dr)


_HEX_RUN = re.compile(r"^[0-9a-f]{12,}$", re.IGNORECASE)
_ID_PARTS = re.compile(r"[_\-. ]+")
SHORT_HASH = 8  # characters kept of an id that is nothing but a hash


def short_names(result: AuditResult) -> dict[str, str]:
    """A short, unique name per document id, for narrow layouts.

    Scraped file names carry long hashes ("000_020213ffb606731c"): the hash tells an
    editor nothing and pushes everything else off an 80-column line, so hex runs of 12 or
    more characters are dropped ("000"); an id that is only a hash keeps its first 8
    characters. Where two ids would shorten to the same name both keep their full id.
    Context documents (a check's source) are named too.
    """
    docs = (*result.documents, *result.context)
    wanted: dict[str, str] = {}
    for dr in docs:
        parts = [p for p in _ID_PARTS.split(dr.id) if p]
        kept = [p for p in parts if not _HEX_RUN.match(p)]
        if not kept:
            wanted[dr.id] = dr.id[:SHORT_HASH] if _HEX_RUN.match(dr.id) else dr.id
        elif len(kept) == len(parts):
            wanted[dr.id] = dr.id
        else:
            wanted[dr.id] = "-".join(kept)
    seen: dict[str, int] = {}
    for name in wanted.values():
        seen[name] = seen.get(name, 0) + 1
    return {i: (n if seen[n] == 1 else i) for i, n in wanted.items()}


_RELATION_WORDS = {
    "verbatim_copy": "verbatim copy",
    "edited_copy": "edited copy",
    "round_trip": "round trip",
    "translation": "translation",
}


def verdict_basis(result: AuditResult, dr: DocumentResult, names: dict[str, str] | None = None) -> str:
    """What the verdict was judged from, in words ("judged from its text; its source 001 ...").

    ``Verdict.mode`` names the model that ran, not whether a source exists: a
    same-language copy is judged by the text-only model although it is linked to its
    source, so "no source" would misstate what the audit knew. The wording therefore
    comes from the mode and the link together.
    """
    v = dr.verdict
    names = names if names is not None else short_names(result)
    link = dr.link if is_reprint(dr) else None
    if link is None:
        if v is not None and v.mode == "with_source":
            return "compared with its source"
        return "judged from its text alone (no source in this set)"
    src = names.get(link.source_id, link.source_id)
    kind = _RELATION_WORDS.get(link.relation, link.relation.replace("_", " "))
    if link.mismatch:
        return f"judged from its text; the declared source {src} does not match it"
    if v is not None and v.mode == "with_source":
        return f"compared with its source {src} ({kind})"
    if link.forced:
        where = "was given"
    elif any(d.id == link.source_id for d in result.documents):
        where = "is in this set"
    else:
        where = "is known"
    return f"judged from its text; its source {src} {where} ({kind})"


def p_breakdown(v: Verdict | None) -> str | None:
    """The verdict's probability in its parts, each figure labelled for what it is.

    The headline is ``p_machine_translation`` (the verdict's); the detector model's own
    figure is a component, shown only with what moved the verdict away from it, e.g.
    "detector model alone: 0.70; with the rule evidence and the text-only prior: 0.46".
    None when there is nothing to break down (no verdict probability, no detector model,
    or nothing moved the verdict from the model's figure).
    """
    if v is None or v.p_machine_translation is None or v.p_model is None or not v.p_terms:
        return None
    return (f"detector model alone: {v.p_model:.2f}; "
            f"with {join_words(v.p_terms)}: {v.p_machine_translation:.2f}")


def verdict_tally(result: AuditResult) -> dict[str, int]:
    """How many documents got each verdict label, most frequent first (ties by label order)."""
    counts: dict[str, int] = {}
    for dr in result.documents:
        if dr.verdict is not None:
            counts[dr.verdict.label] = counts.get(dr.verdict.label, 0) + 1
    order = {label: k for k, label in enumerate(VERDICT_LABELS)}
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], order.get(kv[0], len(order)), kv[0])))


def file_name(dr: DocumentResult) -> str:
    """The input's file name (last path component)."""
    d = dr.doc.document
    return d.path.replace("\\", "/").rsplit("/", 1)[-1] or d.path
