"""Language scope: text-only verdicts only for the languages the model was trained on."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from rich.console import Console

from auditor.pipeline import AuditConfig, audit, audit_documents
from auditor.report import load_schema, render_html, render_terminal, to_json
from auditor.types import Document
from auditor.verdict import text_only_languages

FIX = Path(__file__).parent / "fixtures" / "scope"
jsonschema = pytest.importorskip("jsonschema")
REASON = "text-only machine-translation detection is trained for English; this article is German"


def _docs(dated: bool) -> list[Document]:
    out = []
    for name, date in (("hamburg_de", "2023-06-01"), ("hamburg_en", "2023-06-02")):
        text = (FIX / f"{name}.txt").read_text(encoding="utf-8")
        out.append(Document(id=name, path=f"{name}.txt", text=text, date=date if dated else None))
    return out


@pytest.fixture(scope="module")
def german_alone():
    return audit([str(FIX / "hamburg_de.txt")], AuditConfig(qe=False))


def test_the_text_only_model_covers_english():
    assert text_only_languages() == ("en",)


def test_german_article_alone_is_not_assessed_with_the_reason(german_alone):
    v = german_alone.documents[0].verdict
    assert german_alone.documents[0].doc.language == "de"
    assert v.label == "not_assessed" and v.p_machine_translation is None
    assert v.reasons == (REASON,) and REASON in v.evidence


def test_not_assessed_in_json_terminal_and_html(german_alone):
    data = to_json(german_alone)
    jsonschema.Draft202012Validator(load_schema()).validate(data)
    v = data["documents"][0]["verdict"]
    assert v["label"] == "not_assessed" and v["p_machine_translation"] is None and v["reasons"] == [REASON]
    buf = io.StringIO()
    render_terminal(german_alone, Console(file=buf, width=200, color_system=None, force_terminal=False))
    out = buf.getvalue()
    assert "not assessed" in out and REASON in out and "p(MT) n/a" in out
    page = render_html(german_alone)
    assert REASON in page and "not assessed" in page
    assert page.count(REASON) == 1  # said once, as the reason, not again as evidence


def test_with_source_verdict_still_runs_for_a_german_original():
    res = audit_documents(_docs(dated=True), AuditConfig(qe=False))
    en, de = res.by_id("hamburg_en"), res.by_id("hamburg_de")
    assert en.link is not None and en.link.relation == "translation" and en.link.source_id == "hamburg_de"
    assert en.verdict.mode == "with_source" and en.verdict.p_machine_translation is not None
    assert en.verdict.label in ("machine_translation", "human_translation")
    assert "German original" in en.verdict.reasons[0]
    assert de.verdict.label == "not_assessed" and REASON in de.verdict.reasons


def test_english_translation_of_a_german_source_is_judged_with_source_both_ways():
    res = audit_documents(_docs(dated=False), AuditConfig(qe=False))
    # whichever direction is chosen, the translation side is judged with its source
    judged = [d for d in res.documents if d.link is not None and d.link.relation == "translation"]
    assert judged and all(d.verdict.mode == "with_source" and d.verdict.label != "not_assessed" for d in judged)


def test_english_text_alone_is_still_assessed():
    text = (FIX / "hamburg_en.txt").read_text(encoding="utf-8")
    res = audit_documents([Document(id="en", path="en.txt", text=text)], AuditConfig(qe=False, link=False))
    v = res.documents[0].verdict
    assert v.label != "not_assessed" and v.p_machine_translation is not None and v.mode == "text_only"


def test_declared_language_outside_scope_is_not_assessed():
    text = (FIX / "hamburg_en.txt").read_text(encoding="utf-8")
    doc = replace(Document(id="x", path="x.txt", text=text), language="it")
    res = audit_documents([doc], AuditConfig(qe=False, link=False, lang="it"))
    v = res.documents[0].verdict
    assert v.label == "not_assessed" and v.reasons[0].endswith("this article is Italian")


def test_translation_into_another_language_is_not_assessed_with_the_reason():
    """The with-source model was trained on translations into English; a German
    translation of an English original gets no number (it would call Bergamot's
    Portuguese 'human translation' 49 times out of 49), and says why."""
    res = audit_documents(_docs(dated=True), AuditConfig(qe=False), pairs=[("hamburg_de", "hamburg_en")])
    de = res.by_id("hamburg_de")
    assert de.link is not None and de.link.relation == "translation" and de.link.source_id == "hamburg_en"
    v = de.verdict
    assert v.label == "not_assessed" and v.p_machine_translation is None and v.mode == "with_source"
    want = ("machine-translation detection against a source is trained for translations into English; "
            "this article translates the English original into German")
    assert v.reasons == (want,) and any("translation of hamburg_en" in e for e in v.evidence)
    data = to_json(res)
    jsonschema.Draft202012Validator(load_schema()).validate(data)
    buf = io.StringIO()
    render_terminal(res, Console(file=buf, width=200, color_system=None, force_terminal=False))
    assert want in buf.getvalue()
