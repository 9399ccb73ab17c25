"""Gate decision (evaluate), SARIF 2.1.0 and JUnit XML renderers: fast, no models."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

from auditor.checks.base import make_finding
from auditor.gate import (
    Accepted,
    GateConfig,
    evaluate,
    exit_code,
    render_sarif,
    to_junit,
    to_sarif,
)
from auditor.types import (
    AuditResult,
    Document,
    DocumentResult,
    IngestError,
    OffsetMap,
    Segment,
    SegmentedDocument,
    Verdict,
)
from tests.fixtures.report_sample import XSS_SCRIPT, sample_result

SCHEMA_PATH = Path(__file__).parent / "fixtures" / "sarif-2.1.0.json"


@pytest.fixture(scope="module")
def sarif_validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


@pytest.fixture
def result() -> AuditResult:
    return sample_result()


@pytest.fixture
def clean_result() -> AuditResult:
    """The sample without its ingest error, so only findings and scores decide."""
    return replace(sample_result(), errors=())


def finding_of(result: AuditResult, doc_id: str, text: str):
    return next(f for f in result.by_id(doc_id).findings if f.text == text)


# -------------------------------------------------------------------------- evaluate


def test_default_gate_fails_on_major_and_critical(clean_result: AuditResult) -> None:
    out = evaluate(clean_result, GateConfig())
    assert not out.passed
    assert {f.severity for _, f in out.failing} == {"major", "critical"}
    assert {d for d, _ in out.failing} == {"worldys-004"}
    assert out.reasons == ["worldys-004 (examples/sample/worldys-004.txt): 3 findings at or above major (1 critical, 2 major)"]
    assert out.failed("worldys-004") and not out.failed("copy-001")
    assert exit_code(clean_result, out) == 1


@pytest.mark.parametrize("fail_on, n_failing, failing_docs", [
    ("critical", 1, {"worldys-004"}),
    ("major", 3, {"worldys-004"}),
    ("minor", 6, {"worldys-004", "copy-001"}),
])
def test_fail_on_boundaries(clean_result: AuditResult, fail_on: str, n_failing: int, failing_docs: set) -> None:
    out = evaluate(clean_result, GateConfig(fail_on=fail_on))
    assert len(out.failing) == n_failing
    assert set(out.document_reasons) == failing_docs


def _renamed(res: AuditResult, old: str, new_id: str, path: str) -> AuditResult:
    """``res`` with document ``old`` given a scraped-file id and path."""
    docs = []
    for d in res.documents:
        if d.id == old:
            sd = d.doc
            sd = replace(sd, document=replace(sd.document, id=new_id, path=path))
            d = replace(d, doc=sd)
        docs.append(d)
    return replace(res, documents=tuple(docs))


def test_gate_messages_use_the_short_name_and_the_path(clean_result: AuditResult) -> None:
    path = "examples/blinken-2023-06/004_acf96132f0f084c7.txt"
    res = _renamed(clean_result, "worldys-004", "004_acf96132f0f084c7", path)
    out = evaluate(res, GateConfig())
    assert out.reasons == [f"004 ({path}): 3 findings at or above major (1 critical, 2 major)"]
    assert "acf96132" not in out.reasons[0].split("(")[0]  # the hash only appears inside the path
    assert out.failed("004_acf96132f0f084c7")  # decisions stay keyed by the full id
    res = _renamed(clean_result, "worldys-004", "004_acf96132f0f084c7", "-")
    assert evaluate(res, GateConfig()).reasons[0].startswith("004 (standard input): ")


def test_no_findings_passes() -> None:
    res = replace(sample_result(), errors=())
    res = replace(res, documents=tuple(replace(d, findings=()) for d in res.documents))
    out = evaluate(res, GateConfig(fail_on="minor"))
    assert out.passed and out.reasons == [] and out.failing == []
    assert exit_code(res, out) == 0


def test_accepted_findings_do_not_fail(clean_result: AuditResult) -> None:
    crit = finding_of(clean_result, "worldys-004", "Group of Seven")
    out = evaluate(clean_result, GateConfig(fail_on="critical", accept=(Accepted(crit.id, "checked by desk"),)))
    assert out.passed
    assert out.accepted == [("worldys-004", crit, "checked by desk")]
    assert out.warnings == []
    assert out.accepted_reason("worldys-004", crit) == "checked by desk"


def test_accepting_one_leaves_the_rest_failing(clean_result: AuditResult) -> None:
    crit = finding_of(clean_result, "worldys-004", "Group of Seven")
    out = evaluate(clean_result, GateConfig(accept=(Accepted(crit.id, "ok"),)))
    assert not out.passed
    assert crit not in [f for _, f in out.failing] and len(out.failing) == 2


def test_stale_acceptance_warns(clean_result: AuditResult) -> None:
    out = evaluate(clean_result, GateConfig(fail_on="critical", accept=(Accepted("F0000000000", "old"),)))
    assert len(out.warnings) == 1
    assert "F0000000000" in out.warnings[0] and "matches no finding" in out.warnings[0]
    assert not out.passed  # a stale acceptance suppresses nothing


def test_min_qe(clean_result: AuditResult) -> None:
    cfg = GateConfig(fail_on="critical", accept=(Accepted(finding_of(clean_result, "worldys-004", "Group of Seven").id, "ok"),))
    assert evaluate(clean_result, replace(cfg, min_qe=0.58)).passed  # boundary: not below
    out = evaluate(clean_result, replace(cfg, min_qe=0.6))
    assert not out.passed
    assert out.reasons == ["worldys-004 (examples/sample/worldys-004.txt): QE score 0.58 below the minimum 0.60"]  # docs without QE untouched


def _uncovered(res: AuditResult) -> AuditResult:
    """The sample with the Spanish-English translation's QE declined as the model does."""
    docs = tuple(
        replace(d, scores=replace(d.scores, qe=None, qe_note="QE not available for es→en"))
        if d.id == "worldys-004" else d
        for d in res.documents
    )
    return replace(res, documents=docs)


def test_min_qe_without_a_score_passes_but_says_it_did_not_run(clean_result: AuditResult) -> None:
    g7 = finding_of(clean_result, "worldys-004", "Group of Seven")
    res = _uncovered(clean_result)
    cfg = GateConfig(fail_on="critical", min_qe=0.99, accept=(Accepted(g7.id, "ok"),))
    out = evaluate(res, cfg)
    assert out.passed  # a missing score is not a low score
    assert "worldys-004 (examples/sample/worldys-004.txt): min-qe not checked: QE not available for es→en" in out.notes
    assert out.not_checked["worldys-004"] == [("min-qe", "QE not available for es→en")]
    # every article without a score says why: a copy, an article with no source
    assert out.not_checked["copy-001"] == [("min-qe", "QE estimates translations only, and this is an edited copy")]
    assert out.not_checked["afp-src"] == [("min-qe", "no source given")]
    assert "worldys-004" not in evaluate(clean_result, cfg).not_checked  # a real score is checked
    assert evaluate(res, replace(cfg, min_qe=None)).notes == []  # nothing configured, nothing to say
    disabled = evaluate(_uncovered(clean_result), replace(cfg, disable=("qe",)))
    assert disabled.not_checked["copy-001"] == [("min-qe", "QE is disabled")]


def test_min_qe_not_checked_in_sarif_and_junit(clean_result: AuditResult, tmp_path: Path, sarif_validator) -> None:
    res = _uncovered(clean_result)
    out = evaluate(res, GateConfig(min_qe=0.5))
    log = to_sarif(res, out, root=tmp_path)
    assert sarif_validator.is_valid(log)
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    mine = [n for n in notes if n["properties"]["documentId"] == "worldys-004"]
    assert len(mine) == 1 and mine[0]["level"] == "note"
    assert mine[0]["message"]["text"] == "min-qe not checked: QE not available for es→en"
    assert any("min-qe not checked: QE not available for es→en" in n for n in log["runs"][0]["properties"]["gate"]["notes"])
    root = ET.fromstring(to_junit(res, out, root=tmp_path).encode("utf-8"))
    suite_props = {p.get("name"): p.get("value") for p in root.find("testsuite").find("properties")}
    assert any("min-qe not checked: QE not available for es→en" in v for k, v in suite_props.items() if k.startswith("not-checked."))
    case = next(c for c in root.iter("testcase") if c.get("name") == "worldys-004")
    props = {p.get("name"): p.get("value") for p in case.find("properties")}
    assert props == {"not-checked.1": "min-qe not checked: QE not available for es→en"}
    assert "min-qe not checked: QE not available for es→en" in case.find("failure").text  # fails for its findings


def test_max_p_mt(clean_result: AuditResult) -> None:
    base = GateConfig(fail_on="critical", accept=(Accepted(finding_of(clean_result, "worldys-004", "Group of Seven").id, "ok"),))
    assert evaluate(clean_result, replace(base, max_p_mt=0.934)).passed  # boundary: not above
    out = evaluate(clean_result, replace(base, max_p_mt=0.1))
    assert set(out.document_reasons) == {"worldys-004", "dw-003"}
    assert "machine-translation probability 0.93 above the maximum 0.10" in out.document_reasons["worldys-004"][0]


def test_ingest_errors_fail_with_exit_2(result: AuditResult) -> None:
    out = evaluate(result, GateConfig(fail_on="critical", accept=(Accepted(finding_of(result, "worldys-004", "Group of Seven").id, "ok"),)))
    assert not out.passed
    assert out.reasons == ["feeds/broken.warc.gz: could not be read: truncated gzip stream at byte 18432"]
    assert exit_code(result, out) == 2


# ---------------------------------------------------------------------------- SARIF


def test_sarif_validates_against_schema(result: AuditResult, sarif_validator, tmp_path: Path) -> None:
    crit = finding_of(result, "worldys-004", "Group of Seven")
    out = evaluate(result, GateConfig(accept=(Accepted(crit.id, "desk checked"),)))
    for log in (to_sarif(result, root=tmp_path), to_sarif(result, out, root=tmp_path)):
        errors = sorted(sarif_validator.iter_errors(log), key=str)
        assert errors == [], errors[0].message if errors else ""


def test_schema_catches_a_broken_log(result: AuditResult, sarif_validator, tmp_path: Path) -> None:
    log = to_sarif(result, root=tmp_path)
    log["runs"][0]["results"][0]["level"] = "fatal"
    assert not sarif_validator.is_valid(log)


def test_sarif_results(result: AuditResult, tmp_path: Path) -> None:
    crit = finding_of(result, "worldys-004", "Group of Seven")
    out = evaluate(result, GateConfig(accept=(Accepted(crit.id, "desk checked"),)))
    log = to_sarif(result, out, root=tmp_path)
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "auditor" and driver["version"]
    used = sorted({f.category for d in result.documents for f in d.findings})
    assert [r["id"] for r in driver["rules"]] == used
    assert all(r["shortDescription"]["text"] for r in driver["rules"])
    results = run["results"]
    assert len(results) == sum(len(d.findings) for d in result.documents)
    keys = [(r["properties"]["documentId"], r["locations"][0]["physicalLocation"]["region"]["startLine"],
             r["locations"][0]["physicalLocation"]["region"]["startColumn"]) for r in results]
    assert keys == sorted(keys)
    by_text = {r["locations"][0]["physicalLocation"]["region"]["snippet"]["text"]: r for r in results}
    g7 = by_text["Group of Seven"]
    assert g7["ruleId"] == "accuracy/entity" and driver["rules"][g7["ruleIndex"]]["id"] == "accuracy/entity"
    assert g7["level"] == "error"
    assert g7["message"]["text"].endswith(" Source: G20")
    assert g7["partialFingerprints"] == {"auditorFindingId/v1": crit.id}
    assert g7["suppressions"] == [{"kind": "external", "justification": "desk checked"}]
    assert g7["properties"]["accepted"] is True and g7["properties"]["severity"] == "critical"
    assert g7["properties"]["detector"] == "entities"
    assert g7["properties"]["regionBase"] == "clean-text"  # sample files do not exist on disk
    minor = by_text["18. June"]
    assert minor["level"] == "warning" and "suppressions" not in minor and minor["properties"]["accepted"] is False
    uri = g7["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "examples/sample/worldys-004.txt"
    assert run["invocations"][0]["executionSuccessful"] is False
    assert run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"].startswith("feeds/broken.warc.gz")
    assert run["properties"]["gate"]["passed"] is False
    assert run["columnKind"] == "unicodeCodePoints"


def _single_doc(doc: Document, spans: list[str], tmp_path: Path) -> AuditResult:
    seg = Segment(0, 0, len(doc.text), doc.text, "en", 1.0)
    sd = SegmentedDocument(doc, (seg,), "en", 1.0)
    findings = tuple(
        make_finding(sd, doc.text.index(s), doc.text.index(s) + len(s), category="accuracy/date",
                     severity="major", message="m", detector="dates")
        for s in spans
    )
    dr = DocumentResult(doc=sd, findings=findings, verdict=Verdict("original", 0.1))
    return AuditResult((dr,), (), "sig")


def _regions(log: dict) -> dict[str, tuple[int, int, int, int, str]]:
    out = {}
    for r in log["runs"][0]["results"]:
        reg = r["locations"][0]["physicalLocation"]["region"]
        out[reg["snippet"]["text"]] = (reg["startLine"], reg["startColumn"], reg["endLine"], reg["endColumn"],
                                       r["properties"].get("regionBase", "file"))
    return out


def test_sarif_line_column_verbatim_multiline_file(tmp_path: Path) -> None:
    text = "Señor Blinken arrived.\nHe met Qin Gang on April 18. June 2023.\n\nThe end is here"
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "a b.txt").write_text(text, encoding="utf-8")
    doc = Document(id="a", path="drafts/a b.txt", text=text, encoding="utf-8")
    log = to_sarif(_single_doc(doc, ["Blinken", "April 18. June 2023", "end"], tmp_path), root=tmp_path)
    regions = _regions(log)
    assert regions["Blinken"] == (1, 7, 1, 14, "file")  # 'ñ' is one code point
    assert regions["April 18. June 2023"] == (2, 20, 2, 39, "file")
    assert regions["end"] == (4, 5, 4, 8, "file")
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "drafts/a%20b.txt"


def test_sarif_line_column_through_offset_map(tmp_path: Path, sarif_validator) -> None:
    """HTML-ish original with CRLF line ends; the clean text was rebuilt paragraph by paragraph."""
    original = (
        "<html>\r\n<h1>Title</h1>\r\n"
        "<p>Blinken met the Chinese chancellor.</p>\r\n"
        "  <p>Photo: Blinken and Xi, April 18. June 2023.</p>\r\n</html>\r\n"
    )
    p1 = "Blinken met the Chinese chancellor."
    p2 = "Photo: Blinken and Xi, April 18. June 2023."
    clean = p1 + "\n\n" + p2
    omap = OffsetMap((0, len(p1) + 2), (original.index(p1), original.index(p2)))
    (tmp_path / "draft.html").write_bytes(original.encode("latin-1"))
    doc = Document(id="d", path=str(tmp_path / "draft.html"), text=clean, offsets=omap, encoding="latin-1")
    res = _single_doc(doc, ["chancellor", "April 18. June 2023", "Photo"], tmp_path)
    log = to_sarif(res, root=tmp_path)
    assert sarif_validator.is_valid(log)
    regions = _regions(log)
    lines = original.split("\r\n")

    def expect(s: str, line_no: int) -> tuple[int, int, int, int, str]:
        col = lines[line_no - 1].index(s) + 1
        return (line_no, col, line_no, col + len(s), "file")

    assert regions["chancellor"] == expect("chancellor", 3) == (3, 28, 3, 38, "file")
    assert regions["April 18. June 2023"] == expect("April 18. June 2023", 4)
    assert regions["Photo"] == expect("Photo", 4)
    # an absolute path under root is reported relative to it
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "draft.html"


def test_sarif_falls_back_to_clean_text(tmp_path: Path) -> None:
    text = "one\ntwo chancellor"
    missing = Document(id="m", path="gone.txt", text=text)
    assert _regions(to_sarif(_single_doc(missing, ["chancellor"], tmp_path), root=tmp_path))["chancellor"] == (
        2, 5, 2, 15, "clean-text")
    # no offset map and a file that differs from the clean text: file positions would be guesses
    (tmp_path / "diff.txt").write_text("header\n\none\ntwo chancellor", encoding="utf-8")
    differs = Document(id="x", path="diff.txt", text=text)
    assert _regions(to_sarif(_single_doc(differs, ["chancellor"], tmp_path), root=tmp_path))["chancellor"][-1] == "clean-text"


def test_sarif_is_deterministic(result: AuditResult, tmp_path: Path) -> None:
    out = evaluate(result, GateConfig())
    a = render_sarif(result, out, root=tmp_path)
    b = render_sarif(sample_result(), evaluate(sample_result(), GateConfig()), root=tmp_path)
    assert a == b
    assert "timestamp" not in a.lower() and "startTimeUtc" not in a


# ---------------------------------------------------------------------------- JUnit


def test_junit_counts(result: AuditResult, tmp_path: Path) -> None:
    out = evaluate(result, GateConfig())
    root = ET.fromstring(to_junit(result, out, root=tmp_path).encode("utf-8"))
    suites = root.findall("testsuite")
    assert len(suites) == 1 and suites[0].get("name") == "auditor check"
    suite = suites[0]
    cases = suite.findall("testcase")
    assert len(cases) == len(result.documents) + len(result.errors) == int(suite.get("tests"))
    assert all(c.get("classname") == "auditor" for c in cases)
    failed = [c for c in cases if c.find("failure") is not None]
    errored = [c for c in cases if c.find("error") is not None]
    assert [c.get("name") for c in failed] == ["worldys-004"] and suite.get("failures") == "1"
    assert [c.get("name") for c in errored] == ["feeds/broken.warc.gz"] and suite.get("errors") == "1"
    failure = failed[0].find("failure")
    assert failure.get("message").startswith("3 findings at or above major")
    assert "critical accuracy/entity" in failure.text and "Group of Seven" in failure.text
    passing = [c for c in cases if c not in failed and c not in errored]
    assert all(c.find("system-out") is not None for c in passing)


def test_junit_failure_lines_have_line_col(tmp_path: Path) -> None:
    text = "First line.\nThe chancellor spoke."
    (tmp_path / "d.txt").write_text(text, encoding="utf-8")
    res = _single_doc(Document(id="d", path="d.txt", text=text), ["chancellor"], tmp_path)
    xml = to_junit(res, evaluate(res, GateConfig()), root=tmp_path)
    failure = ET.fromstring(xml).find("testsuite/testcase/failure")
    assert "2:5 major accuracy/date" in failure.text


def test_junit_escapes_hostile_text(tmp_path: Path) -> None:
    hostile = f'{XSS_SCRIPT} ]]> & "quotes" \x00\x1b end'
    text = f"Title {hostile}"
    doc = Document(id='doc"<&>', path="h.txt", text=text)
    sd = SegmentedDocument(doc, (Segment(0, 0, len(text), text, "en", 1.0),), "en", 1.0)
    f = make_finding(sd, 6, len(text), category="accuracy/addition", severity="critical",
                     message=f"Inserted {hostile}", detector="omissions", source_text="]]><x/>")
    res = AuditResult((DocumentResult(doc=sd, findings=(f,)),), (IngestError("<bad>.txt", "]]> <script>"),), "s")
    xml = to_junit(res, evaluate(res, GateConfig()), root=tmp_path)
    assert "<script>" not in xml and "\x00" not in xml
    root = ET.fromstring(xml)
    case = root.find("testsuite/testcase")
    assert case.get("name") == 'doc"<&>'
    failure = case.find("failure")
    assert XSS_SCRIPT in failure.text and "]]>" in failure.text and "\ufffd" in failure.text
    err = root.find("testsuite/testcase/error")
    assert err.get("message") == "]]> <script>"


def test_junit_accepted_and_passing_summary(clean_result: AuditResult, tmp_path: Path) -> None:
    crit = finding_of(clean_result, "worldys-004", "Group of Seven")
    out = evaluate(clean_result, GateConfig(fail_on="critical", accept=(Accepted(crit.id, "desk checked"),)))
    root = ET.fromstring(to_junit(clean_result, out, root=tmp_path))
    assert root.find("testsuite").get("failures") == "0"
    case = next(c for c in root.iter("testcase") if c.get("name") == "worldys-004")
    text = case.find("system-out").text
    assert text.startswith("passed:") and "[accepted: desk checked]" in text


def test_junit_is_deterministic(tmp_path: Path) -> None:
    a = to_junit(sample_result(), evaluate(sample_result(), GateConfig()), root=tmp_path)
    b = to_junit(sample_result(), evaluate(sample_result(), GateConfig()), root=tmp_path)
    assert a == b and a.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert "timestamp" not in a and "time=" not in a


# ------------------------------------------------------------------ integration files

REPO = Path(__file__).resolve().parent.parent


def test_pre_commit_hook_definition() -> None:
    yaml = pytest.importorskip("yaml")
    import re

    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "auditor-check")
    assert hook["entry"] == "auditor check" and hook["language"] == "python"
    assert hook["pass_filenames"] is True and "text" in hook["types"]
    pattern = re.compile(hook["files"])
    assert all(pattern.search(p) for p in ("drafts/a.txt", "b.md", "c.html", "d.htm"))
    assert not any(pattern.search(p) for p in ("setup.py", "a.txt.bak", "style.css"))


def test_ci_example_workflow() -> None:
    yaml = pytest.importorskip("yaml")
    text = (REPO / "docs" / "ci-example.yml").read_text(encoding="utf-8")
    wf = yaml.safe_load(text)
    steps = [s for job in wf["jobs"].values() for s in job["steps"]]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "auditor check drafts/*.txt --format sarif > auditor.sarif" in runs
    assert "--format junit" in runs and "torch==2.13.0" in runs
    assert any(s.get("uses", "").startswith("github/codeql-action/upload-sarif") for s in steps)


def test_max_p_mt_without_a_probability_says_it_did_not_run(clean_result: AuditResult) -> None:
    """A verdict with no probability (not assessed) is not a low probability: the gate
    passes it but says max-p-mt was not checked, with the verdict's reason."""
    reason = "machine-translation detection against a source is trained for translations into English; x"
    docs = tuple(
        replace(d, verdict=replace(d.verdict, label="not_assessed", p_machine_translation=None, reasons=(reason,)))
        if d.id == "worldys-004" else d
        for d in clean_result.documents
    )
    res = replace(clean_result, documents=docs)
    g7 = finding_of(clean_result, "worldys-004", "Group of Seven")
    out = evaluate(res, GateConfig(fail_on="critical", max_p_mt=0.5, accept=(Accepted(g7.id, "ok"),)))
    assert ("max-p-mt", reason) in out.not_checked["worldys-004"]
    assert any(n.endswith(f"max-p-mt not checked: {reason}") for n in out.notes)
    assert not any("machine-translation probability" in r and "worldys-004" in r for r in out.reasons)
