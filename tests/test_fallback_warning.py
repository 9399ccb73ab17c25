"""When the fallback HTML extractor runs, every report says so, not only stderr.

The real CLI runs in a fresh process with ``lxml.html.clean`` made unimportable (the
broken install of issue 11), on a page whose ticker, byline and navigation only
trafilatura removes. The warning must reach the terminal report, the JSON report (a
``warnings`` list per document, in the schema), the HTML report, and ``auditor check``'s
text, JSON and SARIF output. With trafilatura working, none of them carries a warning.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from auditor.report import load_schema
from tests.test_html_extractor import _BROKEN_LXML, PAGE

SARIF_SCHEMA = Path(__file__).parent / "fixtures" / "sarif-2.1.0.json"
# What ingest/html.py says when trafilatura cannot be imported (the reason follows it).
SAYS_FALLBACK = "built-in fallback extractor"
SAYS_WHY = "trafilatura cannot be imported"


def _cli(tmp_path: Path, *argv: str, broken: bool = True) -> subprocess.CompletedProcess:
    prefix = ["-c", _BROKEN_LXML] if broken else ["-m", "auditor"]
    env = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1"}
    proc = subprocess.run([sys.executable, *prefix, *argv], capture_output=True, text=True, timeout=180,
                          cwd=tmp_path, env=env)
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    assert proc.returncode in (0, 1), (argv, proc.returncode, proc.stderr)
    return proc


def _one_line(text: str) -> str:
    return " ".join(text.split())  # the terminal wraps long lines


@pytest.fixture(scope="module")
def audit_run(tmp_path_factory) -> tuple[str, dict, str]:
    """One audit of the page on the fallback: terminal report, JSON file, HTML file."""
    tmp = tmp_path_factory.mktemp("fallback")
    proc = _cli(tmp, "audit", str(PAGE), "--no-qe", "--json", "r.json", "--html", "r.html")
    return proc.stdout, json.loads((tmp / "r.json").read_text(encoding="utf-8")), (tmp / "r.html").read_text(
        encoding="utf-8")


def test_terminal_report_shows_the_warning(audit_run) -> None:
    terminal, report, _ = audit_run
    assert "html:fallback" in report["signature"].split("|")  # the fallback is what ran
    flat = _one_line(terminal)
    assert f"Warning breaking-news: HTML text from the {SAYS_FALLBACK}" in flat
    assert SAYS_WHY in flat and "lxml.html.clean" in flat
    assert "warning: see below" in flat  # flagged in the Articles overview too


def test_json_report_lists_the_warning_per_document(audit_run) -> None:
    _, report, _ = audit_run
    (doc,) = report["documents"]
    assert len(doc["warnings"]) == 1
    assert SAYS_FALLBACK in doc["warnings"][0] and SAYS_WHY in doc["warnings"][0]
    schema = load_schema()
    assert "warnings" in schema["$defs"]["document"]["properties"]
    jsonschema.Draft202012Validator(schema).validate(report)
    bad = json.loads(json.dumps(report))
    bad["documents"][0]["warnings"] = "not a list"
    assert not jsonschema.Draft202012Validator(schema).is_valid(bad)  # the schema types the field


def test_html_report_shows_the_warning(audit_run) -> None:
    _, _, html = audit_run
    assert '<p class="warning" role="note"><strong>Warning:</strong> HTML text from the ' + SAYS_FALLBACK in html
    assert SAYS_WHY in html


def test_check_text_and_json_show_the_warning(tmp_path) -> None:
    text = _cli(tmp_path, "check", str(PAGE)).stdout
    assert f"Warning breaking-news: HTML text from the {SAYS_FALLBACK}" in _one_line(text)
    data = json.loads(_cli(tmp_path, "check", str(PAGE), "--format", "json").stdout)
    (doc,) = data["documents"]
    assert len(doc["warnings"]) == 1 and SAYS_WHY in doc["warnings"][0]


def test_check_sarif_has_a_warning_notification(tmp_path) -> None:
    sarif = json.loads(_cli(tmp_path, "check", str(PAGE), "--format", "sarif").stdout)
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))).validate(sarif)
    (invocation,) = sarif["runs"][0]["invocations"]
    notes = [n for n in invocation.get("toolExecutionNotifications", []) if n["level"] == "warning"]
    assert len(notes) == 1, invocation
    assert SAYS_FALLBACK in notes[0]["message"]["text"] and str(PAGE) in notes[0]["message"]["text"]
    assert notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("breaking-news.html")
    assert notes[0]["properties"] == {"documentId": "breaking-news", "extractor": "fallback"}
    assert invocation["executionSuccessful"] is True  # the draft was still checked


def test_no_warning_when_trafilatura_runs(tmp_path) -> None:
    proc = _cli(tmp_path, "audit", str(PAGE), "--no-qe", "--json", "r.json", "--html", "r.html", broken=False)
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert any(p.startswith("html:trafilatura-") for p in report["signature"].split("|"))
    assert report["documents"][0]["warnings"] == []
    assert "Warning" not in proc.stdout and "warning: see below" not in proc.stdout
    assert 'class="warning"' not in (tmp_path / "r.html").read_text(encoding="utf-8")
    sarif = json.loads(_cli(tmp_path, "check", str(PAGE), "--format", "sarif", broken=False).stdout)
    notes = sarif["runs"][0]["invocations"][0].get("toolExecutionNotifications", [])
    assert not [n for n in notes if n["level"] == "warning"]
