"""The verdict's top reasons in plain words (no numbers), built from the evidence."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from rich.console import Console

from auditor.pipeline import AuditConfig, audit
from auditor.report import render_terminal, to_json
from auditor.types import Finding
from auditor.verdict import TELL_DETECTORS
from auditor.verdict import reasons as plain

ROOT = Path(__file__).resolve().parents[1]


def _finding(text: str, detector: str, category: str, message: str, severity: str = "minor", rule: str = "x",
             start: int = 0) -> Finding:
    return Finding(start=start, end=start + len(text), text=text, category=category, severity=severity,
                   message=message, detector=detector, evidence={"rule": rule})


LITERAL = [
    _finding("this Monday", "dates", "style/literal", "“this Monday” reads as a literal rendering of Spanish “este lunes”"),
    _finding("the chancellor", "terminology", "accuracy/terminology",
             "“chancellor”: a literal rendering of Spanish “canciller”", severity="major", start=40),
]


def test_translation_reasons_name_the_source_language():
    got = plain.top_reasons(relation="translation", source_language="es", regular=True, findings=(),
                            detectors=TELL_DETECTORS, p_model=0.5)
    assert got[0] == "sentence-for-sentence rendering of the Spanish original"
    loose = plain.top_reasons(relation="translation", source_language="fr", regular=False, findings=(),
                              detectors=TELL_DETECTORS, p_model=0.5)
    assert loose[0].startswith("a free rendering of the French original")


def test_literal_tells_become_one_reason_with_the_wording_and_language():
    got = plain.top_reasons(relation=None, source_language=None, regular=True, findings=LITERAL,
                            detectors=TELL_DETECTORS, p_model=0.9)
    assert "‘the chancellor’ and ‘this Monday’ are word-for-word Spanish" in got
    assert got[-1].startswith("reads like machine output")


def test_round_trip_reason():
    got = plain.top_reasons(relation="round_trip", source_language="en", regular=True, findings=(),
                            detectors=TELL_DETECTORS, p_model=0.5)
    assert got[0] == "went through another language and back: same sentences, different words"


def test_findings_of_other_detectors_are_not_reasons():
    f = _finding("x y", "omissions", "accuracy/omission", "a sentence of the source is missing")
    got = plain.top_reasons(relation=None, source_language=None, regular=True, findings=[f],
                            detectors=TELL_DETECTORS, p_model=0.1)
    assert got == (plain.templates()["no_tells"], plain.templates()["model"]["low"])


def test_reasons_come_from_the_template_file(tmp_path, monkeypatch):
    data = json.loads(plain.REASONS_FILE.read_text(encoding="utf-8"))
    data["relation"]["round_trip"] = "there and back again"
    path = tmp_path / "reasons.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(plain, "REASONS_FILE", path)
    plain.templates.cache_clear()
    try:
        got = plain.top_reasons(relation="round_trip", source_language="en", regular=True, findings=(),
                                detectors=TELL_DETECTORS, p_model=None)
        assert got[0] == "there and back again"
    finally:
        plain.templates.cache_clear()


@pytest.fixture(scope="module")
def corpus():
    paths = sorted(str(p) for p in (ROOT / "examples" / "blinken-2023-06").glob("*.txt"))
    return audit(paths, AuditConfig())


def test_example_corpus_reasons_are_plain_words(corpus):
    for d in corpus.documents:
        assert d.verdict.reasons, d.id
        for r in d.verdict.reasons:
            # measurements (probabilities, shares, scores) stay in JSON/HTML; quoted wording may hold digits
            assert not re.search(r"\d\.\d|\d\s*%|p\s*[=(]|log-odds", r), r
    mt = corpus.by_id("004_acf96132f0f084c7").verdict
    assert any("word-for-word Spanish" in r for r in mt.reasons)
    edited = corpus.by_id("000_020213ffb606731c").verdict
    assert edited.reasons[0].startswith("an edited copy")


def test_terminal_prints_the_reasons_and_json_keeps_the_numbers(corpus):
    buf = io.StringIO()
    render_terminal(corpus, Console(file=buf, width=120, color_system=None, force_terminal=False))
    out = buf.getvalue()
    assert "Why 004" in out and "word-for-word Spanish" in out
    data = to_json(corpus)
    v = next(d for d in data["documents"] if d["id"].startswith("004"))["verdict"]
    assert v["reasons"] == list(corpus.by_id("004_acf96132f0f084c7").verdict.reasons)
    assert any(re.search(r"p=\d", e) for e in v["evidence"])


def test_punctuation_only_spans_are_not_quoted_empty():
    """A doubled period (' .') has no words to quote: the reason quotes the other breaks, never ‘’."""
    breaks = [
        _finding("talks. about", "punctuation", "fluency/punctuation", "a period breaks the phrase", start=0),
        _finding(" .", "punctuation", "fluency/punctuation", "a second period follows the first", start=30),
        _finding("deal. with", "punctuation", "fluency/punctuation", "a period breaks the phrase", start=60),
    ]
    got = plain.tell_reasons(breaks, TELL_DETECTORS, None)
    text = " ".join(r for _, r in got)
    assert "‘’" not in text
    assert "‘talks. about’" in text and "‘deal. with’" in text
    only_marks = plain.tell_reasons([breaks[1]], TELL_DETECTORS, None)
    assert all("‘’" not in r for _, r in only_marks)


def test_a_regular_translation_judged_human_is_not_argued_as_machine_output():
    """'sentence-for-sentence rendering' argues for MT; under a human-translation verdict the
    relation is stated as a fact and the model's reading, which decided it, is given."""
    mt = plain.top_reasons(relation="translation", source_language="de", regular=True, findings=(),
                           detectors=TELL_DETECTORS, p_model=0.45, machine=True)
    human = plain.top_reasons(relation="translation", source_language="de", regular=True, findings=(),
                              detectors=TELL_DETECTORS, p_model=0.45, machine=False)
    assert mt[0] == "sentence-for-sentence rendering of the German original"
    assert human[0] == "a sentence-for-sentence translation of the German original"
    assert "the wording alone does not decide it" in human and "the wording alone does not decide it" not in mt
    rt = plain.top_reasons(relation="round_trip", source_language="en", regular=True, findings=(),
                           detectors=TELL_DETECTORS, p_model=0.1, machine=False)
    assert rt[0] == "the same sentences as another article in the set, in other words"


def test_source_disagreements_are_not_called_garbled_or_drifted():
    month = _finding("October", "dates", "accuracy/date", "“October” is October, but the source sentence says “enero”",
                     rule="source-month-name")
    name = _finding("McCarthy", "entities", "accuracy/entity", "“McCarthy” here, where the source sentence has “Newport”",
                    rule="source-name-swap", start=30)
    got = plain.top_reasons(relation="translation", source_language="es", regular=True, findings=[month, name],
                            detectors=TELL_DETECTORS, p_model=0.5)
    assert "a date does not match the original: ‘October’" in got
    assert "a name stands where the original has another: ‘McCarthy’" in got
    assert not any("garbled" in r or "drifted" in r for r in got)
