"""One headline probability per verdict; the detector model's own figure is labelled.

The verdict's ``p_machine_translation`` combines the learned detector's probability with
the rule evidence, an irregular alignment and a prior. A report that printed
``p(machine translation) = 0.46`` next to ``MT detector … p=0.70`` with no word on which
is which left an editor with two unnamed probabilities. Every report now names the
verdict's figure as the headline and the model's as a component, with what moved one
to the other; the real CLI is run on the example corpus and the fallback test page.
"""

from __future__ import annotations

import dataclasses
import io
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from rich.console import Console

from auditor.report import load_schema, render_html, render_terminal, to_json
from auditor.report.common import p_breakdown
from auditor.types import Verdict
from auditor.verdict import TELL_DETECTORS
from tests.fixtures.report_sample import sample_result

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "blinken-2023-06"
PAGE = ROOT / "tests" / "fixtures" / "ingest" / "breaking-news.html"


def test_breakdown_labels_each_figure() -> None:
    v = Verdict("original", 0.46, mode="text_only", p_model=0.70, p_terms=("the rule evidence", "the text-only prior"))
    assert p_breakdown(v) == "detector model alone: 0.70; with the rule evidence and the text-only prior: 0.46"
    # Nothing to break down: no model (rule score), nothing moved it, or not assessed.
    assert p_breakdown(dataclasses.replace(v, p_model=None)) is None
    assert p_breakdown(dataclasses.replace(v, p_terms=())) is None
    assert p_breakdown(Verdict("not_assessed", None, p_model=None)) is None
    assert p_breakdown(None) is None


def _with_parts(result):
    """The sample report, its machine-translated article carrying a model figure and terms."""
    docs = list(result.documents)
    k = next(i for i, d in enumerate(docs) if d.verdict is not None and d.verdict.label == "machine_translation")
    docs[k] = dataclasses.replace(docs[k], verdict=dataclasses.replace(
        docs[k].verdict, p_model=0.7012, p_terms=("the rule evidence",), reasons=("names are mangled",)))
    return dataclasses.replace(result, documents=tuple(docs)), docs[k]


def test_renderers_show_the_headline_and_the_labelled_component() -> None:
    result, dr = _with_parts(sample_result())
    p = dr.verdict.p_machine_translation
    page = render_html(result)
    assert f"p(machine translation) = {p:.2f} (the verdict's probability)" in page
    assert f"detector model alone: 0.70; with the rule evidence: {p:.2f}" in page
    buf = io.StringIO()
    render_terminal(result, console=Console(file=buf, width=200, color_system=None, force_terminal=False))
    out = " ".join(buf.getvalue().split())
    assert f"p(MT) {p:.2f} is the verdict's probability; detector model alone: 0.70; with the rule evidence: {p:.2f}" in out
    data = to_json(result)
    (v,) = [d["verdict"] for d in data["documents"] if d["id"] == dr.id]
    assert v["p_machine_translation"] == pytest.approx(p) and v["p_model"] == 0.7012
    assert v["p_terms"] == ["the rule evidence"]
    schema = load_schema()
    jsonschema.Draft202012Validator(schema).validate(data)
    props = next(s for s in schema["$defs"]["document"]["properties"]["verdict"]["oneOf"]
                 if s.get("type") == "object")["properties"]
    assert "headline" in props["p_machine_translation"]["description"]
    assert "alone" in props["p_model"]["description"] and "p_terms" in props


def _audit(tmp_path: Path, target: Path) -> tuple[str, dict, str]:
    env = {**os.environ, "COLUMNS": "160", "NO_COLOR": "1"}
    proc = subprocess.run([sys.executable, "-m", "auditor", "audit", str(target), "--no-qe", "--json", "r.json",
                           "--html", "r.html"], capture_output=True, text=True, timeout=300, cwd=tmp_path, env=env)
    assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr, proc.stderr
    return (" ".join(proc.stdout.split()), json.loads((tmp_path / "r.json").read_text(encoding="utf-8")),
            (tmp_path / "r.html").read_text(encoding="utf-8"))


@pytest.mark.parametrize("target", [EXAMPLE, PAGE], ids=["example", "fallback-test-page"])
def test_real_verdicts_name_their_figures(tmp_path: Path, target: Path) -> None:
    terminal, report, page = _audit(tmp_path, target)
    assessed = [d for d in report["documents"] if d["verdict"] and d["verdict"]["p_machine_translation"] is not None]
    assert assessed
    # One headline per assessed article, and it is named as the verdict's.
    assert page.count(">p(machine translation) = ") == len(assessed)  # (and the bar's tooltip)
    assert len(re.findall(r"p\(machine translation\) = [0-9.]+ \(the verdict's probability\)", page)) == len(assessed)
    moved = 0
    for d in assessed:
        v = d["verdict"]
        if v["p_model"] is None:
            continue
        # The model's line in the evidence says it is the model alone, with the figure the breakdown quotes.
        (line,) = [e for e in v["evidence"] if e.startswith("MT detector")]
        assert line.endswith(f"the detector model alone: p={v['p_model']:.2f}")
        # 'the rule evidence' is named exactly when the article has findings of a tell detector.
        tells = any(f["detector"] in TELL_DETECTORS for f in d["findings"])
        assert ("the rule evidence" in v["p_terms"]) == tells, (d["id"], v["p_terms"])
        if not v["p_terms"]:
            assert v["p_machine_translation"] == pytest.approx(v["p_model"], abs=1e-3)
            continue
        moved += 1
        # The terms moved the figure: the two probabilities differ in log-odds.
        logit = lambda q: math.log(q / (1 - q))  # noqa: E731
        assert abs(logit(v["p_machine_translation"]) - logit(v["p_model"])) > 0.05
        parts = f"detector model alone: {v['p_model']:.2f}; with "
        assert parts in page and parts in terminal
        assert f"p(MT) {v['p_machine_translation']:.2f} is the verdict's probability; {parts}" in terminal
    assert moved  # text-only verdicts always carry the prior


def test_batch_report_labels_the_model_figure(tmp_path: Path) -> None:
    from auditor.batch.site_report import build_site_report
    from auditor.batch.store import Store

    st = Store(str(tmp_path))
    verdict = {"label": "original", "p_machine_translation": 0.46, "p_model": 0.7, "p_terms": ["the rule evidence"],
               "evidence": ["MT detector v2 (text only), the detector model alone: p=0.70"]}
    st.add_results([{"id": "a", "site": "example.org", "status": "audited", "verdict": "original", "p_mt": 0.46,
                     "result": {"id": "a", "verdict": verdict, "findings": []}},
                    {"id": "b", "site": "example.org", "status": "audited", "verdict": "original", "p_mt": 0.2,
                     "result": {"id": "b", "verdict": {**verdict, "p_model": None, "p_terms": []}, "findings": []}}])
    st.close()
    page = build_site_report(str(tmp_path / "audit.sqlite"))
    said = "P(MT) is the verdict&#x27;s probability; detector model alone: 0.70; with the rule evidence: 0.46"
    assert page.count(said) == 1 and page.count("P(MT) is the verdict") == 1  # not for b: no model figure
