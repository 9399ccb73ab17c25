"""Versioned JSON report (schema ``auditor.report/1``).

The JSON report is the contract other tools build on (newsroom dashboards, CI gates,
the HTML renderer of another team), so its shape is fixed by a JSON Schema shipped next
to this module (``schema/report-v1.json``) and it is deterministic: keys in a fixed
order, findings sorted by position, floats rounded to 4 decimals and non-finite floats
written as ``null`` (JSON has no NaN), so two runs on the same input diff cleanly.

Keys beyond the minimal contract (``text``, ``site``, ``url``, ``warnings``, ``segments``, the extra
scores, ``mode``, the verdict's ``p_model``/``p_terms``, finding ``id``/``segment``/``evidence``, per-bead ``scores``,
``alignment_method`` and the top-level ``summary``) are documented in the schema.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

from ..types import AuditResult, DocumentResult, Finding, PairScores, Scores
from .common import by_position, is_reprint, severity_counts, source_of

SCHEMA_ID = "auditor.report/1"
SCHEMA_FILE = "report-v1.json"
_DIGITS = 4


def _f(x: float | None) -> float | None:
    """Round for a stable, readable report; NaN and infinities become null."""
    if x is None:
        return None
    x = float(x)
    if math.isnan(x) or math.isinf(x):
        return None
    r = round(x, _DIGITS)
    return 0.0 if r == 0 else r  # no "-0.0"


def _jsonable(value: object) -> Any:
    """Detector evidence made JSON-safe and deterministic (tuples to lists, keys sorted)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return _f(value)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return [_jsonable(v) for v in sorted(value, key=repr)]
    try:  # numpy scalars and the like
        return _jsonable(value.item())  # type: ignore[attr-defined]
    except (AttributeError, ValueError, TypeError):
        return str(value)


def _scores(s: Scores | None) -> dict[str, Any]:
    if s is None:
        s = Scores()
    return {
        "chrf": _f(s.chrf),
        "bleu": _f(s.bleu),
        "ter": _f(s.ter),
        "xsim": _f(s.xsim),
        "source_coverage": _f(s.source_coverage),
        "qe": _f(s.qe),
        "qe_note": s.qe_note,
        "reprint_coverage": _f(s.reprint_coverage),
        "monotonicity": _f(s.monotonicity),
        "signatures": {k: str(s.signatures[k]) for k in sorted(s.signatures)},
    }


def _pair_scores(p: PairScores) -> dict[str, float | None]:
    return {"chrf": _f(p.chrf), "bleu": _f(p.bleu), "ter": _f(p.ter), "xsim": _f(p.xsim), "qe": _f(p.qe)}


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "id": f.id,
        "start": f.start,
        "end": f.end,
        "text": f.text,
        "category": f.category,
        "severity": f.severity,
        "message": f.message,
        "source_text": f.source_text,
        "detector": f.detector,
        "segment": f.segment,
        "evidence": _jsonable(f.evidence),
    }


def _document(result: AuditResult, dr: DocumentResult, include_text: bool) -> dict[str, Any]:
    d = dr.doc.document
    out: dict[str, Any] = {
        "id": dr.id,
        "path": d.path,
        "language": dr.doc.language,
        "title": d.title,
        "date": d.date,
        "site": d.site,
        "url": d.url,
        # problems reading the article (why the fallback HTML extractor ran): never only on stderr
        "warnings": [d.warning] if d.warning else [],
    }
    if include_text:
        out["text"] = d.text
    out["segments"] = [
        {"start": s.start, "end": s.end, "language": s.language, "caption": s.is_caption}
        for s in dr.doc.segments
    ]
    if dr.link is not None:
        src = source_of(result, dr)
        out["source"] = {
            "id": dr.link.source_id,
            "language": src.doc.language if src is not None else "und",
            "relation": dr.link.relation,
            "score": _f(dr.link.score),
            "forced": dr.link.forced,
        }
        if dr.link.mismatch:
            out["source"]["mismatch"] = dr.link.mismatch
    else:
        out["source"] = None
    out["scores"] = _scores(dr.scores)
    pair_scores = dr.scores.pairs if dr.scores is not None else ()
    beads: list[dict[str, Any]] = []
    if dr.alignment is not None:
        parallel = len(pair_scores) == len(dr.alignment.pairs)
        for i, p in enumerate(dr.alignment.pairs):
            bead: dict[str, Any] = {
                "source": list(p.source),
                "reprint": list(p.reprint),
                "similarity": _f(p.similarity),
            }
            if parallel:
                bead["scores"] = _pair_scores(pair_scores[i])
            beads.append(bead)
    out["alignment"] = beads
    out["alignment_method"] = dr.alignment.method if dr.alignment is not None else None
    v = dr.verdict
    out["verdict"] = (
        None
        if v is None
        else {
            "label": v.label,
            "p_machine_translation": _f(v.p_machine_translation),
            "p_model": _f(v.p_model),
            "p_terms": list(v.p_terms),
            "evidence": [str(e) for e in v.evidence],
            "mode": v.mode,
            "reasons": [str(r) for r in v.reasons],
        }
    )
    out["findings"] = [_finding(f) for f in by_position(dr.findings)]
    return out


def to_json(result: AuditResult, *, include_text: bool = True) -> dict[str, Any]:
    """The report as plain JSON-ready data (schema ``auditor.report/1``).

    ``include_text=False`` drops each document's full ``text`` (for confidential drafts
    or small CI artefacts); findings keep their span text, so they stay readable.
    """
    all_findings = [f for dr in result.documents for f in dr.findings]
    return {
        "schema": SCHEMA_ID,
        "signature": result.signature,
        "summary": {
            "documents": len(result.documents),
            "reprints": sum(1 for dr in result.documents if is_reprint(dr)),
            "findings": severity_counts(all_findings),
            "errors": len(result.errors),
        },
        "documents": [_document(result, dr, include_text) for dr in result.documents],
        "errors": [{"path": e.path, "reason": e.reason} for e in result.errors],
    }


def dumps(result: AuditResult, *, include_text: bool = True) -> str:
    """The report serialised: UTF-8 friendly, 2-space indented, newline-terminated."""
    return json.dumps(to_json(result, include_text=include_text), ensure_ascii=False, indent=2) + "\n"


def write_json(result: AuditResult, dest: str | Path | TextIO, *, include_text: bool = True) -> None:
    """Write the report to a path (parents created, UTF-8) or to an open text stream."""
    data = dumps(result, include_text=include_text)
    if isinstance(dest, (str, Path)):
        path = Path(dest)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(data, encoding="utf-8")
    else:
        dest.write(data)


def load_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) that every report from :func:`to_json` satisfies."""
    from importlib import resources

    text = (resources.files(__package__) / "schema" / SCHEMA_FILE).read_text(encoding="utf-8")
    return json.loads(text)
