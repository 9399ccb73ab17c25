"""``--lang`` names the language of the articles under audit; a declared source keeps its own.

``auditor audit en.txt --source es.txt --lang en`` (the pattern in ``audit --help``) used
to turn the Spanish source into "English": its sentences came out as untranslated
majors and the translation was called an edited copy. The pair here is real: the first
lines of an NTREX-128 document in English and in its professional Spanish translation,
cut at test time. Skipped when the shared data is not present.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from ntrex import data_dir, load_ntrex  # noqa: E402

from auditor.cli import main  # noqa: E402

pytestmark = pytest.mark.skipif(not (data_dir() / "DOCUMENT_IDS.tsv").exists(), reason="NTREX data not available")

DOC = "cnn.304400"  # any NTREX document would do; the last one in the file


@pytest.fixture(scope="module")
def pair(tmp_path_factory) -> tuple[str, str]:
    lines = load_ntrex()[DOC]
    d = tmp_path_factory.mktemp("pair")
    (d / "en.txt").write_text("\n".join(lines["en"][:12]) + "\n", encoding="utf-8")
    (d / "es.txt").write_text("\n".join(lines["es"][:12]) + "\n", encoding="utf-8")
    return str(d / "en.txt"), str(d / "es.txt")


def _json(argv: list[str], capsys) -> dict:
    code = main([*argv, "--no-qe", "--json", "-"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def _langs(report: dict) -> dict[str, str]:
    return {d["id"]: d["language"] for d in report["documents"]}


def _untranslated(report: dict) -> int:
    return sum(f["category"] == "accuracy/untranslated" for d in report["documents"] for f in d["findings"])


@pytest.mark.parametrize("form", ["audit", "compare"])
def test_lang_names_the_reprint_and_the_source_keeps_spanish(pair, form, capsys) -> None:
    en, es = pair
    argv = ["audit", en, "--source", es, "--lang", "en"] if form == "audit" else ["compare", es, en, "--lang", "en"]
    report = _json(argv, capsys)
    assert _langs(report) == {"en": "en", "es": "es"}
    reprint = next(d for d in report["documents"] if d["id"] == "en")
    assert reprint["source"]["id"] == "es" and reprint["source"]["relation"] == "translation"
    assert _untranslated(report) == 0


def test_check_lang_names_the_draft(pair, capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # no project config
    en, es = pair
    code = main(["check", en, "--source", es, "--lang", "en", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code in (0, 1)
    draft = next(d for d in report["documents"] if d["id"] == "en")
    assert draft["language"] == "en" and draft["source"]["relation"] == "translation"
    assert _untranslated(report) == 0


def test_without_a_declared_source_lang_applies_to_every_input(pair, capsys) -> None:
    en, es = pair
    assert set(_langs(_json(["audit", en, es, "--lang", "en"], capsys)).values()) == {"en"}
    assert _langs(_json(["audit", en, es], capsys)) == {"en": "en", "es": "es"}
