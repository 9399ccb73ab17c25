"""QE coverage honesty end to end: an uncovered pair is null plus a reason, never a number.

The built-in v1 model used to give 0.6098 to every segment of every pair outside its
seven MLQE-PE pairs. Here an audit of an English source with a Spanish (uncovered) and
a German (covered) translation must report ``scores.qe: null`` with the reason for the
first, a real score for the second, in the audit JSON and in the terminal report.
"""

from __future__ import annotations

import json

import pytest

from auditor.cli import main

EN = "The talks lasted five hours.\nBlinken met Xi in Beijing on Monday.\nBoth sides said they made progress.\n"
ES = ("Las conversaciones duraron cinco horas.\nBlinken se reunió con Xi en Pekín el lunes.\n"
      "Ambas partes dijeron que habían avanzado.\n")
DE = ("Die Gespräche dauerten fünf Stunden.\nBlinken traf Xi am Montag in Peking.\n"
      "Beide Seiten sagten, sie hätten Fortschritte gemacht.\n")


@pytest.fixture()
def files(tmp_path):
    out = []
    for name, text in (("en.txt", EN), ("es.txt", ES), ("de.txt", DE)):
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        out.append(str(p))
    return out


def test_audit_json_null_qe_with_reason_for_uncovered_pair(files, capsys):
    en, es, de = files
    assert main(["compare", en, es, de, "--segmented", "--qe-model", "builtin-v1", "--json", "-"]) == 0
    rep = json.loads(capsys.readouterr().out)
    by_path = {d["path"]: d for d in rep["documents"]}
    es_scores, de_scores = by_path[es]["scores"], by_path[de]["scores"]
    assert es_scores["qe"] is None and es_scores["qe_note"] == "QE not available for en→es"
    assert "qe" in es_scores["signatures"]  # the model that declined is named
    assert all(p["qe"] is None for p in by_path[es]["alignment"] if "qe" in p)
    assert not any(f["detector"] == "qe" for f in by_path[es]["findings"])
    assert isinstance(de_scores["qe"], float) and 0.0 <= de_scores["qe"] <= 1.0 and de_scores["qe_note"] is None


def test_terminal_report_says_qe_not_available(files, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    en, es, de = files
    assert main(["compare", en, es, de, "--segmented", "--qe-model", "builtin-v1"]) == 0
    out = capsys.readouterr().out
    assert "QE not available for en→es" in out
    assert "QE n/a" in out
    assert "QE 0." in out  # the covered en→de translation still has its score


def test_html_report_says_qe_not_available(files, tmp_path, capsys):
    en, es, de = files
    out = tmp_path / "r.html"
    assert main(["compare", en, es, de, "--segmented", "--qe-model", "builtin-v1", "--html", str(out), "--quiet"]) == 0
    html = out.read_text(encoding="utf-8")
    assert "QE not available for en→es" in html or "QE not available for en&#8594;es" in html
