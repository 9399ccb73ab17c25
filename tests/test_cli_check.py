"""``auditor check``: the pre-publication gate end to end (exit codes, formats, offline)."""

from __future__ import annotations

import json
import socket
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from auditor.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "blinken-2023-06"
MT_REPRINT = next(EXAMPLES.glob("004_*"))
AFP_SHORT = next(EXAMPLES.glob("000_*"))
AFP_LONG = next(EXAMPLES.glob("001_*"))


@pytest.fixture(autouse=True)
def _isolated_cwd(tmp_path, monkeypatch):
    """No auditor.toml / pyproject.toml of the project leaks into the checks."""
    monkeypatch.chdir(tmp_path)


def test_machine_translated_draft_fails_with_chancellor_and_date(capsys):
    code = main(["check", str(MT_REPRINT), "--fail-on", "major", "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1
    assert out["gate"]["passed"] is False and out["gate"]["mode"] == "text_only"
    major = [f for d in out["documents"] for f in d["findings"] if f["severity"] in ("major", "critical")]
    texts = {f["text"] for f in major}
    assert "chancellor" in texts
    assert any("April 18. June 2023" in t for t in texts)


def test_clean_copy_passes_against_its_source(capsys):
    code = main(["check", str(AFP_SHORT), "--source", str(AFP_LONG), "--fail-on", "major"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "PASS" in out and "checked against the source" in out


def test_text_mode_says_text_only(capsys):
    main(["check", str(MT_REPRINT)])
    out = capsys.readouterr().out
    assert "text-only" in out and "FAIL" in out


def test_fail_line_names_the_short_name_and_the_file(capsys):
    main(["check", str(MT_REPRINT)])
    fail = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("FAIL"))
    assert fail.startswith(f"FAIL 004 ({MT_REPRINT}): "), fail


def test_sarif_and_junit_outputs_are_deterministic(tmp_path, capsys):
    a, b = tmp_path / "a.sarif", tmp_path / "b.sarif"
    assert main(["check", str(MT_REPRINT), "--format", "sarif", "-o", str(a)]) == 1
    assert main(["check", str(MT_REPRINT), "--format", "sarif", "-o", str(b)]) == 1
    assert a.read_bytes() == b.read_bytes()
    sarif = json.loads(a.read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"]
    capsys.readouterr()  # the outcome lines of the two runs written to files
    code = main(["check", str(MT_REPRINT), str(AFP_SHORT), "--format", "junit"])
    xml = capsys.readouterr().out
    suite = ET.fromstring(xml)
    cases = suite.findall(".//testcase")
    assert code == 1 and len(cases) == 2
    assert len(suite.findall(".//failure")) == 1


def test_accepted_findings_and_config(tmp_path, capsys):
    # First find the ids of the major findings, then accept them all in auditor.toml.
    main(["check", str(MT_REPRINT), "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    ids = sorted({f["id"] for d in out["documents"] for f in d["findings"] if f["severity"] != "minor"})
    assert ids
    lines = ['fail-on = "major"', ""]
    for i in ids:
        lines += ["[[accept]]", f'id = "{i}"', 'reason = "checked by the desk"', ""]
    (tmp_path / "auditor.toml").write_text("\n".join(lines), encoding="utf-8")
    code = main(["check", str(MT_REPRINT)])
    assert code == 0, capsys.readouterr().out


def test_usage_and_input_errors_exit_2(tmp_path, capsys):
    assert main(["check", str(tmp_path / "missing.txt")]) == 2
    assert "error" in capsys.readouterr().err
    (tmp_path / "auditor.toml").write_text('fail_on = "major"\n', encoding="utf-8")
    assert main(["check", str(MT_REPRINT)]) == 2
    err = capsys.readouterr().err
    assert "fail-on" in err and "Traceback" not in err
    assert main(["check", str(MT_REPRINT), "--glossary", str(tmp_path / "nope.csv"), "--config",
                 str(tmp_path / "missing.toml")]) == 2


def test_glossary_forbidden_rendering_is_a_finding(tmp_path, capsys):
    draft = tmp_path / "draft.txt"
    draft.write_text("The minister met the press on Monday. He spoke about the new fiscal pact with the unions.\n",
                     encoding="utf-8")
    gloss = tmp_path / "house.csv"
    gloss.write_text("source_term,target_term,forbidden,note\npacto fiscal,tax agreement,fiscal pact,house style\n",
                     encoding="utf-8")
    code = main(["check", str(draft), "--glossary", str(gloss), "--format", "json", "--fail-on", "minor"])
    out = json.loads(capsys.readouterr().out)
    texts = [f["text"] for d in out["documents"] for f in d["findings"] if f["category"] == "accuracy/terminology"]
    assert "fiscal pact" in texts and code == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("term;translation\nfoo;bar\n", encoding="utf-8")
    assert main(["check", str(draft), "--glossary", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.csv" in err and "Traceback" not in err


def test_a_check_never_opens_a_network_connection(tmp_path, monkeypatch, capsys):
    """Confidential drafts: a full check with a source (alignment, scores, QE) stays offline."""
    attempts: list[object] = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access attempted during auditor check")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    code = main(["check", str(AFP_SHORT), "--source", str(AFP_LONG), "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert code in (0, 1) and out["documents"]
    # Across languages too: encoder, cross-lingual alignment and the QE model all run.
    src = tmp_path / "fuente.txt"
    src.write_text(
        "El canciller chino, Qin Gang, recibió al secretario de Estado en Pekín este lunes.\n"
        "Ambos gobiernos acordaron mantener abiertos los canales de comunicación.\n"
        "La reunión duró siete horas y media, según una lectura del encuentro.\n", encoding="utf-8")
    draft = tmp_path / "draft.txt"
    draft.write_text(
        "The Chinese chancellor, Qin Gang, received the Secretary of State in Beijing this Monday.\n"
        "Both governments agreed to keep the channels of communication open.\n"
        "The meeting lasted seven and a half hours, according to a reading of the meeting.\n", encoding="utf-8")
    code = main(["check", str(draft), "--source", str(src), "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    doc = out["documents"][0]
    assert code == 1 and doc["source"]["relation"] == "translation"
    assert attempts == []


def test_check_with_source_shows_the_alignment_beside_the_source(capsys):
    main(["check", str(AFP_SHORT), "--source", str(AFP_LONG)])
    out = capsys.readouterr().out
    assert "not in this report" not in out
    assert "000 ← 001" in out and "Source (en) 001" in out  # the side-by-side alignment rendered
    assert "Reprint (en) 000" in out
    # the source is context, not a draft: it is neither counted nor listed as an article
    assert "1 article ·" in out


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_check_output_file_still_prints_the_outcome(tmp_path, capsys, fmt):
    dest = tmp_path / "reports" / f"check.{fmt}"
    code = main(["check", str(MT_REPRINT), "--format", fmt, "-o", str(dest)])
    out = capsys.readouterr().out
    assert code == 1
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("FAIL ") and f"written to {dest}" in lines[0]
    written = dest.read_text(encoding="utf-8")
    assert "\x1b" not in written  # a file gets plain text, never escape codes
    if fmt == "text":
        assert "FAIL" in written


EN_DRAFT = "The talks lasted five hours.\nBlinken met Xi in Beijing on Monday.\nBoth sides said they made progress.\n"
ES_SOURCE = ("Las conversaciones duraron cinco horas.\nBlinken se reunió con Xi en Pekín el lunes.\n"
             "Ambas partes dijeron que habían avanzado.\n")


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit"])
def test_min_qe_on_an_uncovered_pair_says_it_was_not_checked(tmp_path, capsys, fmt):
    from auditor.pipeline import AuditConfig, qe_model

    model = qe_model(AuditConfig(qe_model="builtin-v1"))
    assert model is not None and not model.covers("es", "en"), "the test needs a pair the v1 QE does not cover"
    draft, source = tmp_path / "draft.txt", tmp_path / "source.txt"
    draft.write_text(EN_DRAFT, encoding="utf-8")
    source.write_text(ES_SOURCE, encoding="utf-8")
    (tmp_path / "auditor.toml").write_text("min-qe = 0.9\n", encoding="utf-8")
    out_file = tmp_path / f"report.{fmt}"
    code = main(["check", str(draft), "--source", str(source), "--format", fmt, "-o", str(out_file),
                 "--qe-model", "builtin-v1"])
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert code == 0, line  # a missing score does not fail the draft
    assert line.startswith("PASS") and "min-qe not checked: QE not available for es→en" in line
    body = out_file.read_text(encoding="utf-8")
    assert "min-qe not checked: QE not available for es→en" in body
    if fmt == "json":
        gate = json.loads(body)["gate"]
        assert gate["not_checked"] == [{"id": "draft", "check": "min-qe", "reason": "QE not available for es→en"}]
