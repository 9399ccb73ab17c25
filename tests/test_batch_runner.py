"""End-to-end batch runs: every input format, bad inputs counted, resume after a kill,
the process pool and the Dask engine (on a LocalCluster).

Runs use the hashing encoder and no QE so that no model loads: the point here is the
plumbing (streaming, storing, resuming, engines), not the audit's quality.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from auditor.batch.runner import BatchConfig, run_batch_audit
from auditor.batch.store import StoreExists
from tests.fixtures.batch.make import (deep_html, filler_story, page_html, story_pages, write_dir, write_jsonl,
                                       write_warc)

ROOT = Path(__file__).resolve().parent.parent
FAST = dict(encoder="hashing", qe=False)


def _mixed_inputs(tmp: Path) -> list[str]:
    d = write_dir(tmp / "pages", n=3)
    (d / "binary.html").write_bytes(b"\x00\x01" * 500)
    (d / "deep.html").write_bytes(deep_html(20_000))
    (d / "empty.txt").write_bytes(b"")
    j = write_jsonl(tmp / "feed.jsonl.gz", n=4, gz=True)
    bad_gz = tmp / "cut.jsonl.gz"
    bad_gz.write_bytes(j.read_bytes()[:-20])
    w = write_warc(tmp / "crawl.warc.gz", story_pages(3, "wire.example")
                   + [("https://big.example/x", b"<p>" + b"y" * (1024 * 1024 + 10) + b"</p>", "text/html")])
    return [str(d), str(j), str(bad_gz), str(w)]


def _rows(out: Path) -> list[tuple]:
    with sqlite3.connect(out / "audit.sqlite") as db:
        return db.execute("SELECT id, status, reason, site FROM articles ORDER BY id").fetchall()


def _jsonl_ids(out: Path) -> list[str]:
    return [json.loads(x)["id"] for x in (out / "results.jsonl").read_text().splitlines()]


def test_mixed_inputs_and_bad_input_rows(tmp_path):
    inputs = _mixed_inputs(tmp_path)
    out = tmp_path / "out"
    s = run_batch_audit(inputs, str(out), BatchConfig(max_page_bytes=1024 * 1024, **FAST))
    rows = _rows(out)
    reasons = [r[2] for r in rows if r[1] == "error"]
    assert s.articles == len(rows) and s.errors == len(reasons) and s.audited == len(rows) - len(reasons)
    assert s.audited == 4 + 4 + 3 + 3  # dir (3 html + 1 txt), jsonl, truncated jsonl's records, warc
    for needle in ("binary file", "nested too deeply", "empty page", "gzip", "page too large"):
        assert any(needle in r for r in reasons), (needle, reasons)
    assert sum(s.error_reasons.values()) == s.errors
    assert sorted(_jsonl_ids(out)) == sorted(r[0] for r in rows)
    assert "wire.example" in {r[3] for r in rows}
    # the WARC copies of the dir's stories cluster with them (same text, same language)
    with sqlite3.connect(out / "audit.sqlite") as db:
        assert db.execute("SELECT MAX(cluster_size) FROM articles").fetchone()[0] >= 2


def test_existing_store_needs_resume_and_resume_redoes_nothing(tmp_path):
    inputs = _mixed_inputs(tmp_path)
    out = tmp_path / "out"
    first = run_batch_audit(inputs, str(out), BatchConfig(**FAST))
    with pytest.raises(StoreExists):
        run_batch_audit(inputs, str(out), BatchConfig(**FAST))
    again = run_batch_audit(inputs, str(out), BatchConfig(resume=True, **FAST))
    assert again.new == 0 and again.articles == first.articles and again.resumed == first.articles
    assert len(_jsonl_ids(out)) == first.articles


def test_kill_mid_run_then_resume_loses_and_duplicates_nothing(tmp_path):
    pages = [(f"https://s{k % 3}.example/{k}", page_html(*filler_story(k), site=f"s{k % 3}.example").encode(),
              "text/html") for k in range(60)]
    warc = write_warc(tmp_path / "c.warc.gz", pages)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "auditor.batch", str(warc), "--out", str(out), "--encoder", "hashing",
           "--no-qe", "--no-report", "-q"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db_path = out / "audit.sqlite"
    killed_at = None
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        if db_path.exists():
            try:
                with sqlite3.connect(db_path, timeout=1) as db:
                    n = db.execute("SELECT COUNT(*) FROM articles WHERE status='audited'").fetchone()[0]
            except sqlite3.Error:
                n = 0
            if n >= 5:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                killed_at = n
                break
        time.sleep(0.05)
    assert killed_at is not None, "the run finished before it could be killed"
    stored = _rows(out)
    assert 5 <= len(stored) < 60
    s = run_batch_audit([str(warc)], str(out), BatchConfig(resume=True, **FAST))
    rows = _rows(out)
    assert s.resumed == len(stored) and s.new == 60 - len(stored)
    assert len(rows) == 60 and all(r[1] == "audited" for r in rows)
    ids = _jsonl_ids(out)
    assert len(ids) == len(set(ids)) == 60
    # rows stored before the kill are untouched (same ids, nothing redone)
    assert {r[0] for r in stored} <= {r[0] for r in rows}


@pytest.fixture(scope="module")
def small_baseline(tmp_path_factory):
    """A small mixed input and its inline (jobs=1) run, shared by the engine tests."""
    tmp = tmp_path_factory.mktemp("baseline")
    d = write_dir(tmp / "pages", n=3)
    (d / "binary.html").write_bytes(b"\x00\x01" * 500)
    w = write_warc(tmp / "crawl.warc.gz", story_pages(2, "wire.example"))
    inputs = [str(d), str(w)]
    s = run_batch_audit(inputs, str(tmp / "inline"), BatchConfig(jobs=1, **FAST))
    return inputs, s, [r[:2] for r in _rows(tmp / "inline")]


def test_process_pool_matches_inline(tmp_path, small_baseline):
    inputs, a, rows = small_baseline
    b = run_batch_audit(inputs, str(tmp_path / "b"), BatchConfig(jobs=2, **FAST))
    assert (a.articles, a.audited, a.errors) == (b.articles, b.audited, b.errors)
    assert [r[:2] for r in _rows(tmp_path / "b")] == rows


def test_dask_engine_on_local_cluster(tmp_path, small_baseline):
    pytest.importorskip("distributed")
    inputs, a, rows = small_baseline
    d = run_batch_audit(inputs, str(tmp_path / "d"), BatchConfig(jobs=2, engine="dask", **FAST))
    assert (d.articles, d.audited, d.errors) == (a.articles, a.audited, a.errors)
    assert [r[:2] for r in _rows(tmp_path / "d")] == rows


def test_unknown_engine(tmp_path):
    with pytest.raises(ValueError):
        run_batch_audit([], str(tmp_path / "x"), BatchConfig(engine="spark"))


def test_a_candidate_group_the_linker_splits_is_audited_story_by_story():
    """Unrelated articles proposed together are audited apart (as ``audit`` on each story)."""
    from auditor.batch.runner import audit_cluster
    from auditor.ingest import document_from_text
    from auditor.pipeline import AuditConfig, audit_documents
    from tests.fixtures.batch.make import STORIES

    def doc(i, k, extra=""):
        return document_from_text("\n\n".join(STORIES[k][1]) + extra, doc_id=i, path=f"{i}.txt")

    other = ("El ayuntamiento aprobó ayer una nueva línea de tranvía entre el aeropuerto y la estación central.\n\n"
             "Las obras empezarán la próxima primavera y durarán unos tres años, según el alcalde.\n\n"
             "Los críticos dijeron que el presupuesto de la obra es demasiado optimista para la ciudad.")
    docs = [doc("a", 0), doc("b", 0, "\n\nThe council met on Friday."),
            document_from_text(other, doc_id="c", path="c.txt")]  # another story (and language)
    rows = {r["id"]: r for r in audit_cluster(docs, {**FAST, "disabled": []})}
    assert {i: (r["cluster"], r["cluster_size"]) for i, r in rows.items()} == {"a": ("a", 2), "b": ("a", 2), "c": ("c", 1)}
    alone = audit_documents([docs[2]], AuditConfig(encoder="hashing", qe=False))
    assert rows["c"]["verdict"] == alone.documents[0].verdict.label
    assert rows["c"]["n_findings"] == len(alone.documents[0].findings)
    assert rows["a"]["relation"] and rows["a"]["relation"] != "same_story"
