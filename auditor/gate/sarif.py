"""SARIF 2.1.0 output of an audit, for code-scanning UIs and CI annotations.

Findings become SARIF results whose regions point at lines and columns of the file the
user committed, not of the cleaned text the detectors read: the clean offset goes
through the document's :class:`~auditor.types.OffsetMap` to the decoded file text and
is then counted into lines (CR, LF and CRLF all end a line) and columns (1-based, in
Unicode code points, declared with ``columnKind``). When the file cannot be read back,
or no offset map exists and the file differs from the clean text, the region is given
in clean-text lines and columns and the result says so in ``properties.regionBase``.

Output is deterministic: results are sorted by document and offset, rules by id, and
nothing time-dependent (timestamps, absolute temp paths) is written.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import quote

from ..types import AuditResult, Document, Finding, severity_rank

if TYPE_CHECKING:
    from .outcome import GateOutcome

SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
FINGERPRINT_KEY = "auditorFindingId/v1"

#: Short descriptions of the MQM categories (the rule metadata shown by SARIF viewers).
CATEGORY_DESCRIPTIONS: dict[str, str] = {
    "accuracy/mistranslation": "The translation does not say what the source says.",
    "accuracy/terminology": "A term is rendered wrongly (false friend, wrong title or office).",
    "accuracy/omission": "Content of the source is missing from the reprint.",
    "accuracy/addition": "The reprint adds content that is not in the source.",
    "accuracy/untranslated": "Text was left in the source language.",
    "accuracy/number": "A number or quantity disagrees with the source or is malformed.",
    "accuracy/date": "A date disagrees with the source or is malformed.",
    "accuracy/entity": "A name, event or organisation disagrees with the source.",
    "fluency/punctuation": "Punctuation is wrong (spurious breaks, lost or unbalanced quotes).",
    "fluency/spelling": "A word or name is misspelt or corrupted.",
    "fluency/grammar": "The sentence is ungrammatical.",
    "style/literal": "A literal calque of the source wording.",
}

_NEWLINE = re.compile(r"\r\n|\r|\n")


# ---------------------------------------------------------------------------- locations


@dataclass(frozen=True)
class Region:
    """A 1-based region; ``end_column`` is the column just after the last character."""

    start_line: int
    start_column: int
    end_line: int
    end_column: int
    base: str  # "file": lines of the original file; "clean-text": lines of Document.text


class LineIndex:
    """Line starts of a text, for offset -> (line, column) in O(log lines)."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of character ``offset`` (columns in code points)."""
        k = bisect.bisect_right(self.starts, offset) - 1
        return k + 1, offset - self.starts[k] + 1


class Locator:
    """Maps findings of documents to regions, reading each source file at most once.

    ``root`` is the directory relative document paths are read from (the CLI's working
    directory); the decoding is the one ingest recorded in ``Document.encoding``.
    """

    def __init__(self, root: Path | None = None) -> None:
        self.root = root if root is not None else Path.cwd()
        self._cache: dict[str, tuple[LineIndex, LineIndex | None, str | None]] = {}

    def _indexes(self, doc: Document) -> tuple[LineIndex, LineIndex | None, str | None]:
        got = self._cache.get(doc.id)
        if got is None:
            original = self._read(doc)
            if original is not None and doc.offsets is None and original != doc.text:
                original = None  # no map and not verbatim: file positions would be guesses
            got = (LineIndex(doc.text), LineIndex(original) if original is not None else None, original)
            self._cache[doc.id] = got
        return got

    def _read(self, doc: Document) -> str | None:
        if not doc.path or "://" in doc.path:
            return None
        path = Path(doc.path)
        path = path if path.is_absolute() else self.root / path
        try:
            data = path.read_bytes()
        except OSError:
            return None
        try:
            return data.decode(doc.encoding or "utf-8")
        except (LookupError, UnicodeDecodeError):
            return None

    def region(self, doc: Document, finding: Finding) -> Region:
        """The finding's region in the file when possible, else in the clean text."""
        clean_index, orig_index, original = self._indexes(doc)
        start, end = finding.start, max(finding.end, finding.start + 1)
        if orig_index is not None and original is not None:
            omap = doc.offsets
            o_start = omap.to_original(start) if omap is not None else start
            # map the last character, not ``end``: inserted characters map forward
            o_end = (omap.to_original(end - 1) + 1) if omap is not None else end
            if 0 <= o_start < o_end <= len(original):
                sl, sc = orig_index.position(o_start)
                el, ec = orig_index.position(o_end)
                return Region(sl, sc, el, ec, "file")
        sl, sc = clean_index.position(start)
        el, ec = clean_index.position(end)
        return Region(sl, sc, el, ec, "clean-text")


def artifact_uri(path: str, root: Path | None = None) -> str:
    """A relative, forward-slash, percent-encoded URI for a document path.

    Absolute paths under ``root`` are made relative to it (CI shows paths relative to the
    repository); URLs are kept as they are; other absolute paths become ``file://`` URIs.
    """
    if "://" in path:
        return path
    p = Path(path)
    if p.is_absolute():
        base = (root if root is not None else Path.cwd()).resolve()
        try:
            p = p.resolve().relative_to(base)
        except ValueError:
            return p.resolve().as_uri()
    posix = PurePosixPath(*p.parts).as_posix() if p.parts else path
    return quote(posix.replace("\\", "/"), safe="/-._~")


# -------------------------------------------------------------------------------- SARIF


def _level(severity: str) -> str:
    return "warning" if severity == "minor" else "error"


def _rule_name(category: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[/_\-]", category))


def _message(finding: Finding) -> str:
    text = finding.message.strip()
    if finding.source_text:
        text += f" Source: {finding.source_text}"
    return text


def to_sarif(result: AuditResult, outcome: GateOutcome | None = None, *, root: Path | None = None) -> dict:
    """The audit as a SARIF 2.1.0 log (a JSON-ready dict with one run).

    ``outcome`` adds suppressions for accepted findings and the gate decision in the
    run's properties; ``root`` is the directory relative paths are read from and
    absolute paths are made relative to (default: the working directory).
    """
    from .. import __version__

    locator = Locator(root)
    accepted = {(doc_id, f.id): reason for doc_id, f, reason in (outcome.accepted if outcome else [])}
    docs = sorted(result.documents, key=lambda d: (d.id, d.doc.document.path))
    categories = sorted({f.category for d in docs for f in d.findings})
    rule_index = {c: i for i, c in enumerate(categories)}
    rules = [
        {
            "id": c,
            "name": _rule_name(c),
            "shortDescription": {"text": CATEGORY_DESCRIPTIONS.get(c, c)},
            "properties": {"tags": ["translation", "mqm", c.split("/")[0]]},
        }
        for c in categories
    ]

    results: list[dict] = []
    for d in docs:
        doc = d.doc.document
        uri = artifact_uri(doc.path, root)
        ordered = sorted(d.findings, key=lambda f: (f.start, f.end, -severity_rank(f.severity), f.category, f.id))
        for f in ordered:
            region = locator.region(doc, f)
            reason = accepted.get((d.id, f.id))
            res: dict = {
                "ruleId": f.category,
                "ruleIndex": rule_index[f.category],
                "level": _level(f.severity),
                "message": {"text": _message(f)},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": uri},
                            "region": {
                                "startLine": region.start_line,
                                "startColumn": region.start_column,
                                "endLine": region.end_line,
                                "endColumn": region.end_column,
                                "snippet": {"text": f.text},
                            },
                        }
                    }
                ],
                "partialFingerprints": {FINGERPRINT_KEY: f.id},
            }
            if reason is not None:
                res["suppressions"] = [{"kind": "external", "justification": reason}]
            props: dict = {
                "severity": f.severity,
                "category": f.category,
                "detector": f.detector,
                "accepted": reason is not None,
                "documentId": d.id,
            }
            if region.base != "file":
                props["regionBase"] = region.base
            if f.source_text is not None:
                props["sourceText"] = f.source_text
            res["properties"] = props
            results.append(res)

    notifications = [
        {
            "level": "error",
            "message": {"text": f"{e.path}: {e.reason}"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(e.path, root)}}}],
        }
        for e in sorted(result.errors, key=lambda e: (e.path, e.reason))
    ]
    # A draft read in a degraded way (the fallback HTML extractor ran) was still checked,
    # but its text may hold page chrome: a warning, not an error, so the run stays valid.
    for d in result.documents:
        doc = d.doc.document
        if doc.warning:
            notifications.append({
                "level": "warning",
                "message": {"text": f"{doc.path}: {doc.warning}"},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(doc.path, root)}}}],
                "properties": {"documentId": d.id, "extractor": doc.extractor},
            })
    if outcome is not None:
        # A configured check that could not run (min-qe without a QE score) is a note,
        # so a code-scanning UI shows that the gate did not look, not that all was well.
        paths = {d.id: d.doc.document.path for d in result.documents}
        for doc_id, items in sorted(outcome.not_checked.items()):
            for check, why in items:
                notifications.append({
                    "level": "note",
                    "message": {"text": f"{check} not checked: {why}"},
                    "locations": [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(paths[doc_id], root)}}}],
                    "properties": {"documentId": doc_id, "check": check, "notChecked": True},
                })
    invocation: dict = {"executionSuccessful": not result.errors}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications

    run_props: dict = {
        "signature": result.signature,
        "verdictModes": sorted({d.verdict.mode for d in result.documents if d.verdict is not None}),
    }
    if outcome is not None:
        run_props["gate"] = {
            "passed": outcome.passed,
            "failOn": outcome.fail_on,
            "reasons": list(outcome.reasons),
            "warnings": list(outcome.warnings),
            "notes": list(outcome.notes),
        }
    run = {
        "tool": {
            "driver": {
                "name": "auditor",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": rules,
            }
        },
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": run_props,
    }
    return {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def render_sarif(result: AuditResult, outcome: GateOutcome | None = None, *, root: Path | None = None) -> str:
    """:func:`to_sarif` serialised: UTF-8-safe JSON, 2-space indent, trailing newline."""
    return json.dumps(to_sarif(result, outcome, root=root), indent=2, ensure_ascii=False) + "\n"
