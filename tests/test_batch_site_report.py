"""The site-level HTML report: self-contained, every crawled string escaped."""

from __future__ import annotations

import re

import numpy as np

from auditor.batch.site_report import bar_chart, build_site_report, histogram, write_site_report
from auditor.batch.sources import PageError
from auditor.batch.store import Store

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _store(tmp_path):
    st = Store(str(tmp_path))
    f = {"start": 0, "end": 5, "category": "accuracy/terminology", "severity": "critical", "detector": "terminology",
         "message": f"wrong term {HOSTILE}", "text": HOSTILE, "source_text": "canciller"}
    rows = []
    for k in range(4):
        rows.append({"id": f"a{k}", "path": f"a{k}.html", "url": "javascript:alert(1)" if k == 0 else f"https://evil.example/{k}",
                     "site": "evil.example" if k < 3 else HOSTILE, "title": HOSTILE, "status": "audited",
                     "verdict": "machine_translation" if k % 2 else "original", "p_mt": 0.2 + 0.2 * k,
                     "n_findings": 1, "n_critical": 1, "cluster": "a0", "cluster_size": 1,
                     "result": {"id": f"a{k}", "verdict": {"evidence": [HOSTILE]}, "findings": [f]}})
    st.add_results(rows)
    st.add_prepared([PageError("e1", "bad.warc@7", f"corrupt WARC record {HOSTILE}", site="evil.example")])
    st.close()
    return str(tmp_path / "audit.sqlite")


def test_report_escapes_hostile_text_and_is_self_contained(tmp_path):
    text = build_site_report(_store(tmp_path))
    assert "<script" not in text.lower() and "onerror=alert" not in text.replace("onerror=alert(1)&gt;", "")
    assert "&lt;script&gt;" in text
    assert 'href="javascript:' not in text
    assert not re.search(r'src="(https?:)?//', text) and "<link" not in text  # nothing fetched from the web
    assert 'href="https://evil.example/1"' in text  # article links are plain links
    assert "<svg" in text and "evil.example" in text


def test_report_content(tmp_path):
    text = build_site_report(_store(tmp_path))
    assert "5 articles from" in text and "1 error;" in text and "1 errors" not in text and "2 judged machine-translated" in text
    assert 'href="#a-a1"' in text and 'id="a-a1"' in text  # worst articles link to their sections
    assert "accuracy/terminology" in text and "critical" in text
    assert "corrupt WARC record" in text


def test_write_is_atomic(tmp_path):
    dest = tmp_path / "report.html"
    write_site_report(_store(tmp_path), str(dest))
    assert dest.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert not (tmp_path / "report.html.tmp").exists()


def test_charts_escape_labels_and_handle_empty():
    assert bar_chart("t", []) == "" and histogram("t", []) == ""
    svg = bar_chart("c", [(HOSTILE, 3.0), ("b", 1.0)])
    assert "<script" not in svg and svg.count("<rect") == 2
    h = histogram("h", list(np.linspace(0, 1, 11)))
    assert h.count("<rect") == 10


def test_article_sections_say_the_quality_estimate_or_why_there_is_none(tmp_path):
    st = Store(str(tmp_path))
    f = {"start": 0, "end": 5, "category": "accuracy/mistranslation", "severity": "major", "detector": "qe",
         "message": "m", "text": "t", "source_text": "s"}
    base = {"status": "audited", "verdict": "machine_translation", "p_mt": 0.9, "n_findings": 1, "n_major": 1,
            "cluster": "a0", "cluster_size": 2, "site": "x.example"}
    st.add_results([
        {**base, "id": "a0", "path": "a0.html", "url": "https://x.example/0", "title": "Covered",
         "result": {"id": "a0", "findings": [f], "scores": {"qe": 0.4321, "qe_note": None}}},
        {**base, "id": "a1", "path": "a1.html", "url": "https://x.example/1", "title": "Uncovered",
         "result": {"id": "a1", "findings": [f], "scores": {"qe": None, "qe_note": "QE not available for es→en"}}},
    ])
    st.close()
    text = build_site_report(str(tmp_path / "audit.sqlite"))
    assert "quality estimate 0.43" in text
    assert "QE not available for es→en" in text
    assert "quality estimate 0.00" not in text


def test_a_run_without_findings_says_so_instead_of_an_empty_table(tmp_path):
    st = Store(str(tmp_path))
    st.add_results([{"id": "a0", "path": "a0.html", "url": "https://news.example/0", "site": "news.example",
                     "title": "t", "status": "audited", "verdict": "original", "p_mt": 0.1, "n_findings": 0,
                     "n_critical": 0, "cluster": "a0", "cluster_size": 1,
                     "result": {"id": "a0", "verdict": {"evidence": []}, "findings": []}}])
    st.close()
    text = build_site_report(str(tmp_path / "audit.sqlite"))
    section = text.split("<h2>Findings by category and severity</h2>", 1)[1].split("<h2>", 1)[0]
    assert "No findings." in section and "<table" not in section
