"""Whether an audit passes the pre-publication gate, and why (pure function of result + policy).

The gate fails a run when a finding at or above the configured severity was not
accepted, when a reprint's QE score falls below ``min-qe``, when a document's
machine-translation probability exceeds ``max-p-mt``, or when an input could not be
read at all (a gate that passes what it never saw is worse than none). A ``min-qe``
that could not be applied (no QE score: the pair is not covered, the article is a copy,
QE is disabled) does not fail the article, but it is never silent either: the outcome
carries a note "min-qe not checked: <why>" that every format shows. Accepted
findings are still reported, and an acceptance that matches nothing becomes a warning,
so stale exceptions do not pile up in the config unnoticed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..report.common import short_names
from ..types import AuditResult, DocumentResult, Finding, severity_rank
from .config import GateConfig

EXIT_PASS = 0
EXIT_FAIL = 1
EXIT_USAGE = 2  # usage or input error (bad flags, bad config, unreadable input)


@dataclass(frozen=True)
class GateOutcome:
    """The gate's decision.

    ``failing`` holds ``(document id, finding)`` for every non-accepted finding at or
    above ``fail_on``; ``accepted`` holds ``(document id, finding, reason)`` for every
    finding an acceptance matched (whatever its severity); ``document_reasons`` maps a
    failing document id (or an unreadable input's path) to why it failed.
    """

    passed: bool
    reasons: list[str]
    failing: list[tuple[str, Finding]]
    accepted: list[tuple[str, Finding, str]]
    warnings: list[str] = field(default_factory=list)
    fail_on: str = "major"
    document_reasons: dict[str, list[str]] = field(default_factory=dict)
    #: Checks that were configured but could not run, as shown to the user
    #: ("004 (path): min-qe not checked: QE not available for es→en").
    notes: list[str] = field(default_factory=list)
    #: The same per document id: ``[(check, reason)]``, e.g. ``[("min-qe", "QE not available for es→en")]``.
    not_checked: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def failed(self, doc_id: str) -> bool:
        """True when the document ``doc_id`` fails the gate."""
        return doc_id in self.document_reasons

    def accepted_reason(self, doc_id: str, finding: Finding) -> str | None:
        """The acceptance reason of ``finding`` in ``doc_id``, or None if it was not accepted."""
        for did, f, reason in self.accepted:
            if did == doc_id and f.id == finding.id:
                return reason
        return None


def _sorted(findings) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.start, f.end, -severity_rank(f.severity), f.category, f.id))


def _fmt(x: float) -> str:
    return f"{x:.2f}"


def document_label(dr: DocumentResult, names: dict[str, str]) -> str:
    """How gate messages name a document: the reports' short name plus the file path.

    The short name is what the terminal and HTML reports call the article ("004"); the
    path is what an editor opens to fix it. Standard input has no path to name.
    """
    name = names.get(dr.id, dr.id)
    path = dr.doc.document.path
    if not path or path == name:
        return name
    return f"{name} ({'standard input' if path == '-' else path})"


_COPY_WORDS = {
    "verbatim_copy": "a verbatim copy",
    "edited_copy": "an edited copy",
    "round_trip": "a round trip",
    "same_story": "the same story, not a translation",
}


def qe_not_checked_reason(d: DocumentResult, config: GateConfig) -> str:
    """Why a document has no QE score for ``min-qe`` to compare, in the user's words."""
    s = d.scores
    if d.link is not None and d.link.mismatch:
        return d.link.mismatch
    if s is not None and s.qe_note:
        return s.qe_note  # the QE model's own answer: "QE not available for es→en"
    if "qe" in config.disable:
        return "QE is disabled"
    if d.link is None:
        return "no source given"
    if d.link.relation != "translation":
        return f"QE estimates translations only, and this is {_COPY_WORDS.get(d.link.relation, d.link.relation)}"
    return "no QE score was produced (no QE model in this build, or no aligned sentence pair)"


def evaluate(result: AuditResult, config: GateConfig) -> GateOutcome:
    """Decide the gate for ``result`` under ``config`` (deterministic, no I/O)."""
    threshold = severity_rank(config.fail_on)
    accept = {a.id: a.reason for a in config.accept}
    used: set[str] = set()
    failing: list[tuple[str, Finding]] = []
    accepted: list[tuple[str, Finding, str]] = []
    doc_reasons: dict[str, list[str]] = {}
    names = short_names(result)
    labels: dict[str, str] = {}
    not_checked: dict[str, list[tuple[str, str]]] = {}
    notes: list[str] = []

    for d in result.documents:
        mine: list[str] = []
        blocking: list[Finding] = []
        for f in _sorted(d.findings):
            if f.id in accept:
                used.add(f.id)
                accepted.append((d.id, f, accept[f.id]))
            elif severity_rank(f.severity) >= threshold:
                blocking.append(f)
        if blocking:
            failing.extend((d.id, f) for f in blocking)
            counts = ", ".join(
                f"{n} {sev}"
                for sev in ("critical", "major", "minor")
                if (n := sum(1 for f in blocking if f.severity == sev))
            )
            noun = "finding" if len(blocking) == 1 else "findings"
            mine.append(f"{len(blocking)} {noun} at or above {config.fail_on} ({counts})")
        if d.link is not None and d.link.mismatch:
            # Checked against nothing: a gate must not pass a draft it could not compare.
            mine.append(f"{d.link.mismatch}; give the draft's real source or check it without --source")
        qe = d.scores.qe if d.scores is not None else None
        if config.min_qe is not None and qe is not None and qe < config.min_qe:
            mine.append(f"QE score {_fmt(qe)} below the minimum {_fmt(config.min_qe)}")
        elif config.min_qe is not None and qe is None:
            # No score is not a low score: the article is not failed for it, but the
            # outcome says the check did not run and why.
            why = qe_not_checked_reason(d, config)
            not_checked.setdefault(d.id, []).append(("min-qe", why))
            notes.append(f"{document_label(d, names)}: min-qe not checked: {why}")
        p_mt = d.verdict.p_machine_translation if d.verdict is not None else None
        if config.max_p_mt is not None and p_mt is not None and p_mt > config.max_p_mt:
            mine.append(f"machine-translation probability {_fmt(p_mt)} above the maximum {_fmt(config.max_p_mt)}")
        elif config.max_p_mt is not None and p_mt is None and d.verdict is not None:
            # not assessed (a language or a direction the detector was not trained on): said, not passed silently
            why = d.verdict.reasons[0] if d.verdict.reasons else "no machine-translation probability"
            not_checked.setdefault(d.id, []).append(("max-p-mt", why))
            notes.append(f"{document_label(d, names)}: max-p-mt not checked: {why}")
        if mine:
            doc_reasons[d.id] = mine
            labels[d.id] = document_label(d, names)

    for err in result.errors:
        doc_reasons.setdefault(err.path, []).append(f"could not be read: {err.reason}")

    reasons = [f"{labels.get(doc, doc)}: {why}" for doc, whys in doc_reasons.items() for why in whys]
    warnings = [
        f"accepted finding {a.id} ({a.reason}) matches no finding in this run; "
        "remove it from the config if the text was fixed"
        for a in config.accept
        if a.id not in used
    ]
    return GateOutcome(
        passed=not reasons,
        reasons=reasons,
        failing=failing,
        accepted=accepted,
        warnings=warnings,
        fail_on=config.fail_on,
        document_reasons=doc_reasons,
        notes=notes,
        not_checked=not_checked,
    )


def exit_code(result: AuditResult, outcome: GateOutcome) -> int:
    """0 when the gate passes, 1 when it fails, 2 when an input could not be read."""
    if result.errors:
        return EXIT_USAGE
    return EXIT_PASS if outcome.passed else EXIT_FAIL
