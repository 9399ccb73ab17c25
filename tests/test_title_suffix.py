"""The fallback HTML extractor cuts the site's name off a page title.

trafilatura strips " | Harbour Herald" itself; the built-in fallback read <title> as it
was, so a page read by it was named "Port strike ends after nine days | Harbour Herald"
in every report. The rule (auditor/ingest/titles.py, separators and small words as data
in models/text/) cuts a trailing segment that is the og:site_name or the host name, or
is short and title-cased, and leaves headlines whose tail is their own.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from auditor.ingest import document_from_html
from auditor.ingest.titles import separators, site_name_words, strip_site_suffix
from tests.test_html_extractor import _BROKEN_LXML, PAGE


@pytest.mark.parametrize("title, kw, expected", [
    ("Port strike ends after nine days | Harbour Herald", {}, "Port strike ends after nine days"),
    ("Port strike ends after nine days – Harbour Herald", {"site_name": "Harbour Herald"},
     "Port strike ends after nine days"),
    ("Port strike ends after nine days - harbour-herald.example", {"host": "www.harbour-herald.example"},
     "Port strike ends after nine days"),
    ("Port strike ends after nine days - HARBOURHERALD", {"host": "harbour-herald.example"},
     "Port strike ends after nine days"),
    ("Port strike ends — The Times of India", {"site_name": "The Times of India"}, "Port strike ends"),
    ("Huelga en el puerto termina - Diario de la Costa", {}, "Huelga en el puerto termina"),
    ("Port strike ends after nine days | Business | Harbour Herald", {"site_name": "Harbour Herald"},
     "Port strike ends after nine days"),
    # Kept: the tail is the headline's own, or nothing would be left.
    ("Port strike ends after nine days - live updates", {}, None),
    ("Biden - Xi meeting ends without a deal", {}, None),
    ("Blinken Meets Xi - Talks Resume", {}, None),  # title-cased headline: no evidence
    ("Home | Harbour Herald", {}, None),
    ("Port strike ends after nine days", {"site_name": "Harbour Herald"}, None),
    ("Port strike ends|Harbour Herald", {}, None),  # a separator is spaced on both sides
    (None, {}, None),
])
def test_strip_site_suffix(title, kw, expected) -> None:
    assert strip_site_suffix(title, **kw) == (title if expected is None else expected)


def test_rule_is_data() -> None:
    assert {"|", "-", "–", "—"} <= set(separators())
    assert {"of", "the", "de", "la"} <= site_name_words()


def _table_page(title: str, *, site: str | None = None, canonical: str | None = None) -> str:
    """A page trafilatura finds no body in (text only in a table): the fallback reads it."""
    head = f"<title>{title}</title>"
    if site:
        head += f'<meta property="og:site_name" content="{site}">'
    if canonical:
        head += f'<link rel="canonical" href="{canonical}">'
    return (f"<html><head>{head}</head><body><table><tr><td>Cell one has a sentence that is long enough "
            "to be text in a table.</td></tr></table></body></html>")


def test_fallback_path_cuts_the_suffix() -> None:
    d = document_from_html(_table_page("Dock workers vote to end strike | Harbour Herald", site="Harbour Herald"),
                           doc_id="t", path="t.html")
    assert d.extractor == "fallback" and d.title == "Dock workers vote to end strike"
    d = document_from_html(_table_page("Dock workers vote to end strike - harbour-herald.example",
                                       canonical="https://www.harbour-herald.example/a"), doc_id="t", path="t.html")
    assert d.title == "Dock workers vote to end strike"
    # A title the caller gives (a JSONL record's) is its own: never cut.
    d = document_from_html(_table_page("Dock workers vote | Harbour Herald"), doc_id="t", path="t.html",
                           title="Given title | Harbour Herald")
    assert d.title == "Given title | Harbour Herald"


def test_cli_on_the_fallback_names_the_article_by_its_headline() -> None:
    proc = subprocess.run([sys.executable, "-c", _BROKEN_LXML, "audit", str(PAGE), "--no-qe", "--json", "-"],
                          capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stderr and proc.returncode == 0, proc.stderr
    (doc,) = json.loads(proc.stdout)["documents"]
    assert "html:fallback" in json.loads(proc.stdout)["signature"].split("|")
    assert doc["title"] == "Port strike ends after nine days"
    assert doc["site"] == "Harbour Herald"
