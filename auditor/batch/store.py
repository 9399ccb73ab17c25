"""The result store: ``DIR/audit.sqlite`` (the truth) and ``DIR/results.jsonl`` (a log).

Tables:

* ``pages``: pass-1 spill, one row per readable page: its Document (zlib-compressed
  JSON) and its sketch (MinHash signature, lead embedding as float16). Documents live
  here, not in memory, between the two passes.
* ``articles``: one row per article *done*: audited (verdict, counts, the per-document
  JSON of :func:`auditor.report.json.to_json`) or an error row with its reason. Each
  row keeps the HTML extractor that read the page and its ingest warning
  (``Document.extractor``/``warning``: the fallback extractor ran, and why), so the
  report and the summary can say which pages were read by the fallback.
* ``findings``: one row per finding of an audited article.
* ``meta``: run settings (the audit signature).

Every write is one transaction (a pass-1 chunk, a whole cluster), so a killed run leaves
either all of a cluster's rows or none. ``results.jsonl`` is appended *after* the commit
and fsynced; on resume it is reconciled with sqlite (a torn last line is cut, rows the
kill kept out of the log are appended), so neither file loses or duplicates an article.
"""

from __future__ import annotations

import json
import os
import sqlite3
import zlib
from dataclasses import asdict
from typing import Any, Iterable, Iterator, Sequence

import numpy as np

from ..ingest.html import FALLBACK
from ..types import Document, OffsetMap
from .prepare import Prepared, Sketch
from .sources import PageError

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS pages (
  id TEXT PRIMARY KEY, path TEXT, language TEXT, n_words INTEGER,
  document BLOB, minhash BLOB, vector BLOB
);
CREATE TABLE IF NOT EXISTS articles (
  id TEXT PRIMARY KEY, path TEXT, url TEXT, site TEXT, title TEXT, date TEXT,
  language TEXT, status TEXT NOT NULL, reason TEXT, cluster TEXT, cluster_size INTEGER,
  verdict TEXT, p_mt REAL, relation TEXT, source_id TEXT,
  n_findings INTEGER DEFAULT 0, n_minor INTEGER DEFAULT 0, n_major INTEGER DEFAULT 0,
  n_critical INTEGER DEFAULT 0, extractor TEXT, warning TEXT, result TEXT
);
CREATE TABLE IF NOT EXISTS findings (
  article_id TEXT, start INTEGER, "end" INTEGER, category TEXT, severity TEXT,
  detector TEXT, message TEXT, text TEXT, source_text TEXT
);
CREATE INDEX IF NOT EXISTS findings_article ON findings(article_id);
CREATE INDEX IF NOT EXISTS articles_site ON articles(site);
"""

ARTICLE_COLUMNS = (
    "id", "path", "url", "site", "title", "date", "language", "status", "reason", "cluster",
    "cluster_size", "verdict", "p_mt", "relation", "source_id", "n_findings", "n_minor",
    "n_major", "n_critical", "extractor", "warning", "result",
)
#: Columns added after the first stores were written: a resumed older store gets them.
ADDED_COLUMNS = {"extractor": "TEXT", "warning": "TEXT"}


class StoreExists(Exception):
    """``--out`` already holds a store and ``--resume`` was not given."""


def encode_document(doc: Document) -> bytes:
    d = asdict(doc)
    d["offsets"] = None if doc.offsets is None else [list(doc.offsets.clean_starts), list(doc.offsets.orig_starts)]
    return zlib.compress(json.dumps(d, ensure_ascii=False).encode("utf-8"), 3)


def decode_document(blob: bytes) -> Document:
    d = json.loads(zlib.decompress(blob).decode("utf-8"))
    off = d.pop("offsets")
    d["captions"] = tuple(tuple(c) for c in d.get("captions") or ())
    return Document(**d, offsets=None if off is None else OffsetMap(tuple(off[0]), tuple(off[1])))


class Store:
    """One batch's sqlite database and JSONL log (single writer: the parent process)."""

    def __init__(self, out_dir: str, *, resume: bool = False) -> None:
        os.makedirs(out_dir, exist_ok=True)
        self.out_dir = out_dir
        self.db_path = os.path.join(out_dir, "audit.sqlite")
        self.jsonl_path = os.path.join(out_dir, "results.jsonl")
        existed = os.path.exists(self.db_path)
        if existed and not resume:
            raise StoreExists(f"{self.db_path} already exists: pass --resume to continue that run, or choose another --out")
        self.db = sqlite3.connect(self.db_path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        have = {r[1] for r in self.db.execute("PRAGMA table_info(articles)")}
        for name, kind in ADDED_COLUMNS.items():
            if name not in have:
                self.db.execute(f"ALTER TABLE articles ADD COLUMN {name} {kind}")
        if resume:
            self.reconcile_jsonl()
        self._log = open(self.jsonl_path, "a", encoding="utf-8")

    # ---- pass 1 -------------------------------------------------------------------
    def known_ids(self) -> set[str]:
        """Ids already prepared (pages) or finished (articles, error rows included)."""
        ids = {r[0] for r in self.db.execute("SELECT id FROM pages")}
        ids.update(r[0] for r in self.db.execute("SELECT id FROM articles"))
        return ids

    def add_prepared(self, items: Sequence[Prepared | PageError]) -> None:
        """Store a chunk of pass-1 results in one transaction (errors become articles)."""
        rows_p = []
        errors = []
        for it in items:
            if isinstance(it, PageError):
                errors.append(it)
                continue
            s = it.sketch
            vec = None if s.vector is None else s.vector.astype(np.float16).tobytes()
            rows_p.append((it.document.id, it.document.path, s.language, s.n_words,
                           encode_document(it.document), s.minhash.astype(np.uint64).tobytes(), vec))
        with self._tx():
            self.db.executemany("INSERT OR IGNORE INTO pages VALUES (?,?,?,?,?,?,?)", rows_p)
            logged = self._insert_errors(errors)
        self._append_log(logged)

    def _insert_errors(self, errors: Iterable[PageError]) -> list[dict[str, Any]]:
        logged = []
        for e in errors:
            row = {"id": e.id, "path": e.path, "url": e.url, "site": e.site, "status": "error", "reason": e.reason}
            cur = self.db.execute(
                "INSERT OR IGNORE INTO articles (id, path, url, site, status, reason) VALUES (?,?,?,?,?,?)",
                (e.id, e.path, e.url, e.site, "error", e.reason))
            if cur.rowcount:
                logged.append(row)
        return logged

    def sketches(self) -> Iterator[Sketch]:
        """Sketches of pages not yet done, in id order."""
        q = ("SELECT id, language, n_words, minhash, vector FROM pages ORDER BY id")
        for pid, lang, n_words, mh, vec in self.db.execute(q):
            v = None if vec is None else np.frombuffer(vec, dtype=np.float16).astype(np.float32)
            yield Sketch(pid, lang, np.frombuffer(mh, dtype=np.uint64), v, n_words)

    def documents(self, ids: Sequence[str]) -> list[Document]:
        q = f"SELECT id, document FROM pages WHERE id IN ({','.join('?' * len(ids))})"
        got = {pid: decode_document(blob) for pid, blob in self.db.execute(q, list(ids))}
        return [got[i] for i in ids if i in got]

    # ---- pass 2 -------------------------------------------------------------------
    def done_ids(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT id FROM articles")}

    def add_results(self, rows: Sequence[dict[str, Any]]) -> int:
        """Commit one cluster's article rows (+ findings) atomically; returns rows added."""
        logged = []
        with self._tx():
            for row in rows:
                values = [row.get(c) for c in ARTICLE_COLUMNS]
                values[ARTICLE_COLUMNS.index("result")] = json.dumps(row.get("result"), ensure_ascii=False) if row.get("result") is not None else None
                cur = self.db.execute(
                    f"INSERT OR IGNORE INTO articles ({','.join(ARTICLE_COLUMNS)}) VALUES ({','.join('?' * len(ARTICLE_COLUMNS))})",
                    values)
                if not cur.rowcount:
                    continue  # already stored by an earlier (interrupted) run
                findings = (row.get("result") or {}).get("findings") or []
                self.db.executemany(
                    'INSERT INTO findings VALUES (?,?,?,?,?,?,?,?,?)',
                    [(row["id"], f.get("start"), f.get("end"), f.get("category"), f.get("severity"),
                      f.get("detector"), f.get("message"), f.get("text"), f.get("source_text")) for f in findings])
                logged.append(row)
        self._append_log(logged)
        return len(logged)

    def set_meta(self, key: str, value: str) -> None:
        with self._tx():
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?,?)", (key, value))

    def fallback_pages(self) -> tuple[int, str | None]:
        """Articles read by the fallback HTML extractor, and their most frequent warning."""
        n = self.db.execute("SELECT COUNT(*) FROM articles WHERE extractor = ?", (FALLBACK,)).fetchone()[0]
        top = self.db.execute("SELECT warning FROM articles WHERE extractor = ? AND warning IS NOT NULL "
                              "GROUP BY warning ORDER BY COUNT(*) DESC, warning LIMIT 1", (FALLBACK,)).fetchone()
        return n, top[0] if top else None

    def counts(self) -> dict[str, int]:
        out = {"audited": 0, "error": 0}
        for status, n in self.db.execute("SELECT status, COUNT(*) FROM articles GROUP BY status"):
            out[status] = n
        return out

    # ---- plumbing -----------------------------------------------------------------
    def _tx(self):
        db = self.db

        class _Tx:
            def __enter__(self_inner):
                db.execute("BEGIN IMMEDIATE")

            def __exit__(self_inner, exc_type, exc, tb):
                db.execute("ROLLBACK" if exc_type else "COMMIT")
                return False

        return _Tx()

    def _append_log(self, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        for row in rows:
            self._log.write(json.dumps(_log_row(row), ensure_ascii=False) + "\n")
        self._log.flush()
        os.fsync(self._log.fileno())

    def reconcile_jsonl(self) -> int:
        """Make results.jsonl hold exactly the stored articles; returns lines appended."""
        seen: set[str] = set()
        good_end = 0
        if os.path.exists(self.jsonl_path):
            with open(self.jsonl_path, "rb") as fh:
                for line in fh:
                    if not line.endswith(b"\n"):
                        break  # torn write of a killed run
                    try:
                        seen.add(json.loads(line)["id"])
                    except (ValueError, KeyError, TypeError):
                        break
                    good_end += len(line)
            with open(self.jsonl_path, "r+b") as fh:
                fh.truncate(good_end)
        missing = []
        cols = ",".join(ARTICLE_COLUMNS)
        for values in self.db.execute(f"SELECT {cols} FROM articles ORDER BY rowid"):
            row = dict(zip(ARTICLE_COLUMNS, values))
            if row["id"] in seen:
                continue
            row["result"] = json.loads(row["result"]) if row["result"] else None
            missing.append(row)
        with open(self.jsonl_path, "a", encoding="utf-8") as log:
            for row in missing:
                log.write(json.dumps(_log_row(row), ensure_ascii=False) + "\n")
            log.flush()
            os.fsync(log.fileno())
        return len(missing)

    def close(self) -> None:
        try:
            self._log.close()
        finally:
            self.db.close()


def _log_row(row: dict[str, Any]) -> dict[str, Any]:
    """The JSONL form of an article row: metadata, then the per-document result."""
    return {k: v for k, v in row.items() if v is not None}
