"""Batch audits of whole aggregator crawls: ``auditor batch``.

Two passes over streamed inputs (directories, JSONL(.gz), WARC(.gz)):

1. every page becomes a Document (or an error row) plus a compact *sketch* (MinHash
   signature of its word shingles, mean sentence embedding of its lead); the document
   itself is spilled to the sqlite store so that memory stays bounded;
2. sketches are clustered (MinHash LSH for copies, blocked nearest neighbours over the
   embeddings for translations) and each cluster is audited by
   :func:`auditor.pipeline.audit_documents` in a worker (local processes or Dask).

Results are committed per cluster to ``DIR/audit.sqlite`` and appended to
``DIR/results.jsonl``, so a killed run resumes where it stopped. Only the standard
library is imported here: ``auditor --help`` must stay instant.
"""

from __future__ import annotations

__all__ = ["BatchConfig", "BatchSummary", "run_batch_audit"]


def __getattr__(name: str):  # PEP 562: keep `import auditor.batch` cheap
    if name in __all__:
        from . import runner

        return getattr(runner, name)
    raise AttributeError(name)
