"""``auditor batch`` keeps the fallback extractor's warning: store, results.jsonl, report.html, summary.

The real CLI runs in a fresh process with ``lxml.html.clean`` made unimportable (the
broken install of issue 11) on a folder with the ticker/byline test page and a plain
text article. The page's row must name the fallback extractor and carry its warning;
the site report counts the fallback pages per site and shows the warning in the
article's section; the terminal summary says how many pages used the fallback. With
trafilatura working, nothing of this appears.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.batch.store import Store
from tests.test_fallback_warning import SAYS_FALLBACK, SAYS_WHY
from tests.test_html_extractor import _BROKEN_LXML, PAGE

ROOT = Path(__file__).resolve().parents[1]
TEXT = ROOT / "examples" / "blinken-2023-06" / "000_020213ffb606731c.txt"


def _batch(tmp: Path, *, broken: bool) -> tuple[str, Path]:
    src = tmp / "in"
    src.mkdir()
    shutil.copy(PAGE, src / PAGE.name)
    shutil.copy(TEXT, src / TEXT.name)
    prefix = ["-c", _BROKEN_LXML] if broken else ["-m", "auditor"]
    env = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1"}
    proc = subprocess.run([sys.executable, *prefix, "batch", "in", "--out", "out", "--no-qe", "--no-progress"],
                          capture_output=True, text=True, timeout=300, cwd=tmp, env=env)
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    assert proc.returncode == 0, proc.stderr
    return " ".join(proc.stdout.split()), tmp / "out"


def _rows(out: Path) -> dict[str, dict]:
    db = sqlite3.connect(out / "audit.sqlite")
    db.row_factory = sqlite3.Row
    return {r["id"]: dict(r) for r in db.execute("SELECT id, site, extractor, warning FROM articles")}


@pytest.fixture(scope="module")
def broken_run(tmp_path_factory) -> tuple[str, Path]:
    return _batch(tmp_path_factory.mktemp("batch-fallback"), broken=True)


def test_store_and_jsonl_keep_the_warning(broken_run) -> None:
    _, out = broken_run
    rows = _rows(out)
    page, text = rows["breaking-news"], rows[TEXT.stem]
    assert page["extractor"] == "fallback"
    assert SAYS_FALLBACK in page["warning"] and SAYS_WHY in page["warning"]
    assert text["extractor"] is None and text["warning"] is None  # a text file has no extractor
    logged = {r["id"]: r for r in map(json.loads, (out / "results.jsonl").read_text(encoding="utf-8").splitlines())}
    assert logged["breaking-news"]["warning"] == page["warning"] and logged["breaking-news"]["extractor"] == "fallback"
    assert "warning" not in logged[TEXT.stem]


def test_site_report_counts_and_shows_the_fallback(broken_run) -> None:
    _, out = broken_run
    html = (out / "report.html").read_text(encoding="utf-8")
    site = _rows(out)["breaking-news"]["site"]
    assert site
    assert '<p class="warning" role="note"><strong>Warning:</strong> 1 page read by the built-in fallback' in html
    assert "<th>fallback extractor</th>" in html
    # The page's site row: ... findings, then 1 page read by the fallback; the text's site 0.
    row = next(line for line in html.splitlines() if line.startswith(f'<tr><td><a href="#s-') and f">{site}</a>" in line)
    assert row.endswith('<td class="n">1</td></tr>'), row
    other = next(line for line in html.splitlines() if line.startswith('<tr><td><a href="#s-') and site not in line)
    assert other.endswith('<td class="n">0</td></tr>'), other
    assert "1 page read by the fallback HTML extractor" in html  # in the site's own section
    section = html[html.index('<section class="article" id="a-breaking-news">'):]
    section = section[:section.index("</section>")]
    assert '<p class="warning" role="note"><strong>Warning:</strong> HTML text from the ' + SAYS_FALLBACK in section
    assert SAYS_WHY in section


def test_terminal_summary_says_how_many(broken_run) -> None:
    terminal, _ = broken_run
    assert "Warning: 1 page used the fallback HTML extractor, not trafilatura" in terminal
    assert SAYS_WHY in terminal


def test_nothing_said_when_trafilatura_runs(tmp_path) -> None:
    terminal, out = _batch(tmp_path, broken=False)
    rows = _rows(out)
    assert rows["breaking-news"]["extractor"].startswith("trafilatura-")
    assert all(r["warning"] is None for r in rows.values())
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'class="warning"' not in html and "fallback extractor" not in html
    assert "fallback" not in terminal
    assert '"warning"' not in (out / "results.jsonl").read_text(encoding="utf-8")


def test_resumed_older_store_gets_the_columns(tmp_path) -> None:
    """A store written before the columns existed is resumed, not broken."""
    db = sqlite3.connect(tmp_path / "audit.sqlite")
    db.executescript("""
    CREATE TABLE articles (
      id TEXT PRIMARY KEY, path TEXT, url TEXT, site TEXT, title TEXT, date TEXT,
      language TEXT, status TEXT NOT NULL, reason TEXT, cluster TEXT, cluster_size INTEGER,
      verdict TEXT, p_mt REAL, relation TEXT, source_id TEXT,
      n_findings INTEGER DEFAULT 0, n_minor INTEGER DEFAULT 0, n_major INTEGER DEFAULT 0,
      n_critical INTEGER DEFAULT 0, result TEXT);
    INSERT INTO articles (id, status, result) VALUES ('old', 'audited', '{"id": "old"}');
    """)
    db.commit()
    db.close()
    st = Store(str(tmp_path), resume=True)
    try:
        st.add_results([{"id": "new", "status": "audited", "extractor": "fallback", "warning": "w", "result": {"id": "new"}}])
        assert st.fallback_pages() == (1, "w")
        got = dict(st.db.execute("SELECT id, result FROM articles").fetchall())
        assert json.loads(got["new"]) == {"id": "new"} and json.loads(got["old"]) == {"id": "old"}
    finally:
        st.close()
