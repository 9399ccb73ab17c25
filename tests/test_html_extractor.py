"""The HTML extractor that ran is the real one, and a fallback never runs unannounced.

The fixture page has what trafilatura removes and the built-in fallback keeps: a
"Breaking: ..." ticker, navigation, the headline, a byline and a footer. These tests
fail when trafilatura is not the extractor that ran (a broken install once passed every
test on the fallback), and check that a forced fallback says so in the document, on
stderr and in the signature.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from auditor.ingest import load_documents

PAGE = Path(__file__).parent / "fixtures" / "ingest" / "breaking-news.html"

# Runs the real CLI with lxml.html.clean made unimportable: the failure a fresh install
# with lxml >= 5.2 and no lxml_html_clean had.
_BROKEN_LXML = (
    "import sys; sys.modules['lxml_html_clean'] = None; sys.modules['lxml.html.clean'] = None; "
    "from auditor.cli import main; sys.exit(main(sys.argv[1:]))"
)


def _audit_json(*prefix: str) -> tuple[dict, str, int]:
    cmd = [sys.executable, *prefix, "audit", str(PAGE), "--no-qe", "--json", "-"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    return json.loads(proc.stdout), proc.stderr, proc.returncode


def test_trafilatura_is_importable() -> None:
    import trafilatura  # a fresh install must be able to load it (lxml_html_clean present)

    assert trafilatura.bare_extraction is not None


def test_real_extractor_reads_the_page() -> None:
    import trafilatura

    docs, errors = load_documents([str(PAGE)])
    assert errors == []
    d = docs[0]
    assert d.extractor == f"trafilatura-{trafilatura.__version__}"
    assert d.warning is None
    assert "Breaking" not in d.text and "Ferry services" not in d.text  # ticker
    assert "Ana Ribeiro" not in d.text  # byline
    assert "Copyright" not in d.text and "Privacy policy" not in d.text and "Politics" not in d.text
    assert "Port strike ends after nine days" not in d.text  # the headline is the title, not body text
    assert d.text.startswith("Dock workers at the city's container port voted on Sunday")
    assert d.title == "Port strike ends after nine days"
    assert d.date == "2024-03-04"


def test_cli_signature_names_trafilatura() -> None:
    import trafilatura

    data, stderr, rc = _audit_json("-m", "auditor")
    assert rc == 0
    assert f"html:trafilatura-{trafilatura.__version__}" in data["signature"].split("|")
    assert "warning" not in stderr
    text = data["documents"][0]["text"]
    assert "Breaking" not in text and "Ana Ribeiro" not in text


def test_fallback_is_announced() -> None:
    data, stderr, rc = _audit_json("-c", _BROKEN_LXML)
    assert rc == 0
    assert "html:fallback" in data["signature"].split("|")
    # One warning line naming the page, the fallback and the import error.
    warn = [ln for ln in stderr.splitlines() if ln.startswith("auditor: warning:")]
    assert len(warn) == 1 and str(PAGE) in warn[0] and "fallback" in warn[0]
    assert "trafilatura cannot be imported" in warn[0] and "lxml.html.clean" in warn[0]
    # The fallback's text is the reason it must not run silently.
    assert data["documents"][0]["text"].startswith("Breaking: Ferry services")


def test_fallback_when_trafilatura_finds_no_body() -> None:
    from auditor.ingest import document_from_html

    # Text only inside a table: trafilatura (tables off) returns no body; ours reads it.
    markup = ("<html><body><table><tr><td>Cell one has a sentence that is long enough to be "
              "text in a table.</td></tr></table></body></html>")
    d = document_from_html(markup, doc_id="t", path="t.html")
    assert d.extractor == "fallback"
    assert d.warning is not None and "trafilatura found no article body" in d.warning
    assert d.text.startswith("Cell one has a sentence")
