"""``auditor batch`` and ``auditor audit`` give one story one result (issue 11, item 7).

Both real commands run on the example corpus; per document the relation, the source,
the verdict label and the set of findings (category, severity, span) must be equal, and
the batch must name documents as ``audit`` does (file stems).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "blinken-2023-06"


def _auditor(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "auditor", *argv], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)


def _key(doc: dict) -> tuple:
    src = doc.get("source") or {}
    verdict = doc.get("verdict") or {}
    findings = frozenset((f["category"], f["severity"], f["start"], f["end"]) for f in doc["findings"])
    return src.get("relation"), src.get("id"), verdict.get("label"), findings


def test_batch_and_audit_agree_on_the_example(tmp_path):
    report = tmp_path / "audit.json"
    got = _auditor("audit", str(EXAMPLE), "--json", str(report), "-q")
    assert got.returncode in (0, 1) and report.exists(), got.stderr[-2000:]
    audited = {d["id"]: _key(d) for d in json.loads(report.read_text())["documents"]}

    out = tmp_path / "batch"
    got = _auditor("batch", str(EXAMPLE), "--out", str(out), "--no-report", "-q")
    assert got.returncode == 0, got.stderr[-2000:]
    rows = [json.loads(x) for x in (out / "results.jsonl").read_text().splitlines()]
    assert all(r["status"] == "audited" for r in rows), rows
    batched = {r["id"]: _key(r["result"]) for r in rows}

    assert sorted(batched) == sorted(p.stem for p in EXAMPLE.glob("*.txt"))  # audit's ids: file stems
    assert len(audited) == 5
    for doc_id in sorted(audited):
        assert batched[doc_id] == audited[doc_id], doc_id
    # the whole example is one story: one cluster of five
    assert {(r["cluster"], r["cluster_size"]) for r in rows} == {(min(batched), 5)}
