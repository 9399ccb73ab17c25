"""JUnit XML output of the gate, for CI systems that show test reports (GitLab, Jenkins…).

One ``<testcase>`` per document: a document that fails the gate carries a
``<failure>`` listing the blocking findings by ``line:column`` (the same file positions
as the SARIF output), a passing one a ``<system-out>`` summary, and an input that could
not be read an ``<error>``. The XML is built with :mod:`xml.etree.ElementTree`, which
escapes markup in article text; characters XML 1.0 cannot carry at all (NUL, most C0
controls, lone surrogates) are replaced first so hostile input cannot break the file.
Output is deterministic: fixed attribute order, no timestamps or durations.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from ..types import AuditResult, DocumentResult, Finding, severity_rank
from .outcome import GateOutcome
from .sarif import Locator

SUITE_NAME = "auditor check"
CLASSNAME = "auditor"
FAILURE_TYPE = "auditor.gate"
ERROR_TYPE = "auditor.ingest"

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _clean(text: str) -> str:
    """Text XML 1.0 can hold: forbidden characters become U+FFFD."""
    return _XML_INVALID.sub("\ufffd", text)


def _line(locator: Locator, d: DocumentResult, f: Finding, note: str = "") -> str:
    r = locator.region(d.doc.document, f)
    src = f" (source: {f.source_text})" if f.source_text else ""
    return f"{r.start_line}:{r.start_column} {f.severity} {f.category} [{f.id}] {f.message}{src}{note}"


def _ordered(findings) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.start, f.end, -severity_rank(f.severity), f.category, f.id))


def to_junit(result: AuditResult, outcome: GateOutcome, *, root: Path | None = None) -> str:
    """The gate as a JUnit XML document (a string with an XML declaration).

    ``root`` is the directory relative document paths are read from to compute
    line:column positions (default: the working directory).
    """
    locator = Locator(root)
    docs = list(result.documents)
    errors = sorted(result.errors, key=lambda e: (e.path, e.reason))
    n_fail = sum(1 for d in docs if outcome.failed(d.id))

    suites = ET.Element("testsuites")
    suites.set("name", "auditor")
    suite = ET.SubElement(suites, "testsuite")
    for el in (suites, suite):
        if el is suite:
            el.set("name", SUITE_NAME)
        el.set("tests", str(len(docs) + len(errors)))
        el.set("failures", str(n_fail))
        el.set("errors", str(len(errors)))
        el.set("skipped", "0")

    props = ET.SubElement(suite, "properties")
    for name, value in (("fail-on", outcome.fail_on), ("signature", result.signature)):
        p = ET.SubElement(props, "property")
        p.set("name", name)
        p.set("value", _clean(value))
    for i, warning in enumerate(outcome.warnings):
        p = ET.SubElement(props, "property")
        p.set("name", f"warning.{i + 1}")
        p.set("value", _clean(warning))
    for i, note in enumerate(outcome.notes):  # a configured check that did not run
        p = ET.SubElement(props, "property")
        p.set("name", f"not-checked.{i + 1}")
        p.set("value", _clean(note))

    blocking_ids = {(doc_id, f.id) for doc_id, f in outcome.failing}
    for d in docs:
        case = ET.SubElement(suite, "testcase")
        case.set("classname", CLASSNAME)
        case.set("name", _clean(d.id))
        case.set("file", _clean(d.doc.document.path))
        findings = _ordered(d.findings)
        p_mt = "n/a" if d.verdict is None or d.verdict.p_machine_translation is None else f"{d.verdict.p_machine_translation:.2f}"
        mode = f"verdict: {d.verdict.label} (p_mt {p_mt}, {d.verdict.mode})" if d.verdict else "verdict: none"
        skipped = [f"{check} not checked: {why}" for check, why in outcome.not_checked.get(d.id, [])]
        if skipped:
            case_props = ET.SubElement(case, "properties")
            for k, text in enumerate(skipped):
                p = ET.SubElement(case_props, "property")
                p.set("name", f"not-checked.{k + 1}")
                p.set("value", _clean(text))
        if outcome.failed(d.id):
            reasons = outcome.document_reasons[d.id]
            failure = ET.SubElement(case, "failure")
            failure.set("message", _clean("; ".join(reasons)))
            failure.set("type", FAILURE_TYPE)
            lines = [*reasons, *skipped, mode]
            lines += [_line(locator, d, f) for f in findings if (d.id, f.id) in blocking_ids]
            failure.text = _clean("\n".join(lines))
        else:
            out = ET.SubElement(case, "system-out")
            n_acc = sum(1 for f in findings if outcome.accepted_reason(d.id, f) is not None)
            lines = [
                f"passed: no findings at or above {outcome.fail_on} "
                f"({len(findings) - n_acc} below it, {n_acc} accepted); {mode}",
                *skipped,
            ]
            for f in findings:
                reason = outcome.accepted_reason(d.id, f)
                lines.append(_line(locator, d, f, f" [accepted: {reason}]" if reason is not None else ""))
            out.text = _clean("\n".join(lines))

    for e in errors:
        case = ET.SubElement(suite, "testcase")
        case.set("classname", CLASSNAME)
        case.set("name", _clean(e.path))
        case.set("file", _clean(e.path))
        error = ET.SubElement(case, "error")
        error.set("message", _clean(e.reason))
        error.set("type", ERROR_TYPE)
        error.text = _clean(f"{e.path}: {e.reason}")

    ET.indent(suites, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
