"""Run a batch: stream -> prepare (pass 1) -> cluster -> audit clusters (pass 2) -> store.

Engines share one loop (:func:`_pipelined`) that keeps at most ``in_flight`` tasks
submitted, so memory stays bounded however long the input is:

* ``local`` with ``jobs == 1``: tasks run inline in this process (no pickling);
* ``local`` with ``jobs > 1``: a ``ProcessPoolExecutor``; models load once per worker
  (process-wide encoder singletons) and BLAS/torch use one thread each;
* ``dask``: ``client.submit`` on a ``distributed`` cluster (``--scheduler ADDRESS``, or
  a ``LocalCluster`` of ``jobs`` single-threaded worker processes).

The parent is the only writer of the store. Library code: never prints; progress goes
through the ``progress(phase, done, total)`` callback.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable, Iterator, Sequence

from .cluster import ClusterConfig, cluster_sketches, story_threshold
from .sources import DEFAULT_MAX_PAGE_BYTES, PageError, RawPage, iter_inputs

ProgressFn = Callable[[str, int, "int | None"], None]


@dataclass(frozen=True)
class BatchConfig:
    jobs: int = 1
    engine: str = "local"  # "local" | "dask"
    scheduler: str | None = None  # dask scheduler address; None: a LocalCluster
    resume: bool = False
    lang: str | None = None
    encoder: str = "use"  # sketches and cluster audits ("hashing": no model, same-language only)
    qe: bool = True
    #: the fast v1 tier by default: QE v2 (``builtin-v2``) covers every pair of ~94 languages
    #: but took ``bench_batch.py`` from 16.7 to 3.5 articles/s with 2 jobs (see the README)
    qe_model: str | None = "builtin-v1"
    disabled: tuple[str, ...] = ()
    max_page_bytes: int = DEFAULT_MAX_PAGE_BYTES
    cluster: ClusterConfig = field(default_factory=ClusterConfig)
    chunk: int = 8  # pages per pass-1 task (amortises inter-process overhead)
    in_flight: int = 0  # tasks submitted at once; 0: 3 x jobs


@dataclass
class BatchSummary:
    """What the run did; ``articles = audited + errors`` over the whole store."""

    out_dir: str
    articles: int = 0
    audited: int = 0
    errors: int = 0
    resumed: int = 0  # articles already stored when this run started
    new: int = 0  # articles stored by this run
    clusters: int = 0
    multi_clusters: int = 0
    machine_translated: int = 0
    fallback: int = 0  # pages read by the built-in fallback HTML extractor (trafilatura did not run)
    fallback_warning: str | None = None  # the most frequent of their warnings (it says why)
    seconds: float = 0.0
    error_reasons: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.new / self.seconds if self.seconds > 0 else 0.0


# ---- worker side ----------------------------------------------------------------------

#: Environment that makes numeric libraries single-threaded in worker processes.
SINGLE_THREAD_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                     "AUDITOR_THREADS": "1"}


def _init_worker() -> None:
    """Pool initializer: one thread per worker (the cores are the parallelism).

    Environment variables only reach OpenBLAS before numpy is loaded, and a spawned
    worker has already imported numpy (with the batch modules) when this runs, so the
    limit is also applied at run time (``threadpoolctl``) and to torch. Two BLAS threads
    per worker on two cores made USE encoding about four times slower (spinning).
    """
    for key, value in SINGLE_THREAD_ENV.items():
        os.environ.setdefault(key, value)
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    except Exception:  # threadpoolctl missing: the spawn environment still applies
        pass
    try:
        import torch

        torch.set_num_threads(1)
    except Exception:  # torch is optional for the batch itself
        pass


def prepare_chunk(pages: Sequence[RawPage], lang: str | None, encoder: str) -> list:
    """Pass-1 task: a chunk of pages -> Prepared | PageError each."""
    from .prepare import prepare_page

    return [prepare_page(p, lang=lang, encoder_name=encoder) for p in pages]


def audit_cluster(docs: Sequence[Any], options: dict[str, Any]) -> list[dict[str, Any]]:
    """Pass-2 task: audit one candidate cluster; one row per article, never raises.

    The articles are handed to :func:`auditor.pipeline.audit_documents` with the settings
    ``auditor audit`` uses, so a story gets the same links, findings and verdicts
    whichever command read it. Clustering proposes a group from sketches; the pipeline's
    linker has the last word: when its links split the group into unrelated stories,
    each story is audited on its own (an unrelated article must not be context for
    another story's entity and spelling rules). A cluster whose joint audit fails is
    retried article by article (text-only), so one pathological article cannot take its
    neighbours down with it.
    """
    cluster_id = docs[0].id if docs else ""
    try:
        return _audit_stories(list(docs), options)
    except Exception as exc:
        if len(docs) == 1:
            return [_error_row(docs[0], f"audit failed ({type(exc).__name__}: {str(exc)[:160]})", cluster_id, 1)]
        rows = []
        for d in docs:
            try:
                rows.extend(_audit([d], options, d.id, link=False))
            except Exception as exc2:
                rows.append(_error_row(d, f"audit failed ({type(exc2).__name__}: {str(exc2)[:160]})", d.id, 1))
        return rows


def audit_config(options: dict[str, Any], *, link: bool = True):
    """The AuditConfig of ``auditor audit`` with the batch's options (one place, so the two agree)."""
    from ..pipeline import AuditConfig

    encoder = options.get("encoder", "use")
    return AuditConfig(lang=options.get("lang"), encoder="auto" if encoder == "use" else encoder, link=link,
                       qe=bool(options.get("qe", True)), disabled=tuple(options.get("disabled", ())),
                       qe_model=options.get("qe_model", "builtin-v1"))


def link_components(result) -> list[list[str]]:
    """Groups of article ids that the result's links connect (every relation counts)."""
    parent = {d.id: d.id for d in result.documents}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for d in result.documents:
        if d.link is not None and d.link.source_id in parent:
            parent[find(d.id)] = find(d.link.source_id)
    groups: dict[str, list[str]] = {}
    for d in result.documents:
        groups.setdefault(find(d.id), []).append(d.id)
    return sorted(groups.values(), key=lambda g: g[0])


def _audit_stories(docs: list[Any], options: dict[str, Any]) -> list[dict[str, Any]]:
    """Audit ``docs`` together; if the links leave several stories, audit each alone."""
    from ..pipeline import audit_documents

    result = audit_documents(docs, audit_config(options))
    parts = link_components(result) if len(docs) > 1 else [[d.id for d in docs]]
    if len(parts) == 1:
        return _rows(result, parts[0][0], len(docs))
    by_id = {d.id: d for d in docs}
    rows: list[dict[str, Any]] = []
    for part in parts:  # each strictly smaller than docs: the recursion ends
        rows.extend(_audit_stories([by_id[i] for i in part], options))
    return rows


def _audit(docs: Sequence[Any], options: dict[str, Any], cluster_id: str, *, link: bool) -> list[dict[str, Any]]:
    from ..pipeline import audit_documents

    return _rows(audit_documents(list(docs), audit_config(options, link=link)), cluster_id, len(docs))


def _rows(result, cluster_id: str, size: int) -> list[dict[str, Any]]:
    from ..report.json import to_json

    data = to_json(result, include_text=False)
    rows = []
    for d, j in zip(result.documents, data["documents"]):
        sev = Counter(f.severity for f in d.findings)
        meta = d.doc.document
        rows.append({
            "id": d.id, "path": meta.path, "url": meta.url, "site": meta.site, "title": meta.title,
            "date": meta.date, "language": d.doc.language, "status": "audited", "reason": None,
            "cluster": cluster_id, "cluster_size": size,
            "verdict": d.verdict.label if d.verdict else None,
            "p_mt": d.verdict.p_machine_translation if d.verdict else None,
            "relation": d.link.relation if d.link else None,
            "source_id": d.link.source_id if d.link else None,
            "n_findings": len(d.findings), "n_minor": sev.get("minor", 0), "n_major": sev.get("major", 0),
            "n_critical": sev.get("critical", 0), "extractor": meta.extractor, "warning": meta.warning, "result": j,
        })
    return rows


def _error_row(doc: Any, reason: str, cluster_id: str, size: int) -> dict[str, Any]:
    return {"id": doc.id, "path": doc.path, "url": doc.url, "site": doc.site, "title": doc.title,
            "date": doc.date, "language": doc.language, "status": "error", "reason": reason,
            "cluster": cluster_id, "cluster_size": size,
            "extractor": doc.extractor, "warning": doc.warning}


# ---- engines --------------------------------------------------------------------------

class _Inline:
    """jobs=1: run each task at once in this process."""

    def submit(self, fn: Callable, *args: Any):
        from concurrent.futures import Future

        fut: Future = Future()
        try:
            fut.set_result(fn(*args))
        except BaseException as exc:  # noqa: BLE001 - delivered through the future
            fut.set_exception(exc)
        return fut

    def wait_first(self, futures: Iterable[Any]) -> set:
        return set(futures)

    def close(self) -> None:
        pass


class _Pool:
    """A process pool that replaces itself when a worker dies (OOM kill, segfault)."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self._pool = None

    def _get(self):
        if self._pool is None:
            import multiprocessing as mp
            from concurrent.futures import ProcessPoolExecutor

            # Spawned workers inherit the environment: set before they import numpy.
            for key, value in SINGLE_THREAD_ENV.items():
                os.environ.setdefault(key, value)
            self._pool = ProcessPoolExecutor(max_workers=self.jobs, initializer=_init_worker,
                                             mp_context=mp.get_context("spawn"))
        return self._pool

    def submit(self, fn: Callable, *args: Any):
        from concurrent.futures.process import BrokenProcessPool

        try:
            return self._get().submit(fn, *args)
        except BrokenProcessPool:
            self._pool = None
            return self._get().submit(fn, *args)

    def wait_first(self, futures: Iterable[Any]) -> set:
        from concurrent.futures import FIRST_COMPLETED, wait

        done, _ = wait(list(futures), return_when=FIRST_COMPLETED)
        if any(isinstance(f.exception(), Exception) and "BrokenProcessPool" in type(f.exception()).__name__ for f in done):
            self._pool = None  # next submit starts a fresh pool
        return done

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class _Dask:
    """Tasks on a distributed cluster (an address, or a LocalCluster of ``jobs`` workers)."""

    def __init__(self, jobs: int, scheduler: str | None) -> None:
        from distributed import Client, LocalCluster

        self._cluster = None
        if scheduler:
            self.client = Client(scheduler)
        else:
            self._cluster = LocalCluster(n_workers=max(1, jobs), threads_per_worker=1, processes=True,
                                         dashboard_address=None)
            self.client = Client(self._cluster)
        self.client.run(_init_worker)

    def submit(self, fn: Callable, *args: Any):
        return self.client.submit(fn, *args, pure=False)

    def wait_first(self, futures: Iterable[Any]) -> set:
        from distributed import wait

        done, _ = wait(list(futures), return_when="FIRST_COMPLETED")
        return set(done)

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_engine(config: BatchConfig):
    if config.engine == "dask":
        return _Dask(config.jobs, config.scheduler)
    if config.engine != "local":
        raise ValueError(f"unknown engine {config.engine!r} (local or dask)")
    return _Inline() if config.jobs <= 1 else _Pool(config.jobs)


def _pipelined(engine, tasks: Iterator[tuple[Any, Callable, tuple]], in_flight: int) -> Iterator[tuple[Any, Any, BaseException | None]]:
    """Submit tasks keeping at most ``in_flight`` pending; yield (key, result, error) as they finish."""
    pending: dict[Any, Any] = {}

    def drain(block_all: bool) -> Iterator[tuple[Any, Any, BaseException | None]]:
        while pending and (block_all or len(pending) >= in_flight):
            for fut in engine.wait_first(pending):
                key = pending.pop(fut)
                try:
                    yield key, fut.result(), None
                except BaseException as exc:  # noqa: BLE001 - a task's failure, reported
                    yield key, None, exc

    for key, fn, args in tasks:
        pending[engine.submit(fn, *args)] = key
        yield from drain(False)
    yield from drain(True)


# ---- the run ----------------------------------------------------------------------------

def _chunks(items: Iterable[Any], n: int) -> Iterator[list[Any]]:
    buf: list[Any] = []
    for it in items:
        buf.append(it)
        if len(buf) >= n:
            yield buf
            buf = []
    if buf:
        yield buf


def run_batch_audit(
    inputs: Sequence[str],
    out_dir: str,
    config: BatchConfig = BatchConfig(),
    *,
    progress: ProgressFn | None = None,
) -> BatchSummary:
    """Audit every page of ``inputs`` into ``out_dir`` (audit.sqlite, results.jsonl).

    Raises :class:`auditor.batch.store.StoreExists` when ``out_dir`` holds a store and
    ``config.resume`` is false. Everything else that goes wrong with an input becomes an
    error row.
    """
    from .store import Store

    def tick(phase: str, done: int, total: int | None) -> None:
        if progress is not None:
            progress(phase, done, total)

    t0 = time.perf_counter()
    store = Store(out_dir, resume=config.resume)
    summary = BatchSummary(out_dir=out_dir)
    try:
        summary.resumed = len(store.done_ids())
        known = store.known_ids()
        in_flight = config.in_flight or 3 * max(1, config.jobs)
        engine = make_engine(config)
        try:
            _pass1(store, engine, inputs, known, config, in_flight, tick)
            _pass2(store, engine, config, in_flight, tick, summary)
        finally:
            engine.close()
        counts = store.counts()
        summary.audited = counts.get("audited", 0)
        summary.errors = counts.get("error", 0)
        summary.articles = summary.audited + summary.errors
        summary.new = summary.articles - summary.resumed
        # The audited clusters (a candidate group the linker splits counts as its stories).
        summary.clusters, summary.multi_clusters = store.db.execute(
            "SELECT COUNT(DISTINCT cluster), COUNT(DISTINCT CASE WHEN cluster_size > 1 THEN cluster END) "
            "FROM articles WHERE status='audited'").fetchone()
        summary.machine_translated = store.db.execute(
            "SELECT COUNT(*) FROM articles WHERE verdict='machine_translation'").fetchone()[0]
        summary.fallback, summary.fallback_warning = store.fallback_pages()
        summary.error_reasons = dict(store.db.execute(
            "SELECT reason, COUNT(*) FROM articles WHERE status='error' GROUP BY reason ORDER BY 2 DESC").fetchall())
    finally:
        store.close()
    summary.seconds = time.perf_counter() - t0
    return summary


def _pass1(store, engine, inputs, known, config, in_flight, tick) -> None:
    seen = 0

    def tasks() -> Iterator[tuple[Any, Callable, tuple]]:
        nonlocal seen
        errors: list[PageError] = []
        pages: list[RawPage] = []
        for item in iter_inputs(inputs, config.max_page_bytes):
            if item.id in known:
                continue
            known.add(item.id)  # the same file named twice is read once
            seen += 1
            if isinstance(item, PageError):
                errors.append(item)
                if len(errors) >= 64:
                    store.add_prepared(errors)
                    errors = []
                continue
            pages.append(item)
            if len(pages) >= config.chunk:
                yield len(pages), prepare_chunk, (pages, config.lang, config.encoder)
                pages = []
        if errors:
            store.add_prepared(errors)
        if pages:
            yield len(pages), prepare_chunk, (pages, config.lang, config.encoder)

    done = 0
    for n, result, exc in _pipelined(engine, tasks(), in_flight):
        if exc is not None:  # the worker died: the chunk's pages are lost to this run
            continue
        store.add_prepared(result)
        done += n
        tick("read", done, None)


def _pass2(store, engine, config, in_flight, tick, summary) -> None:
    sketches = list(store.sketches())
    cluster_config = config.cluster
    if cluster_config.story_cosine is None:
        cluster_config = replace(cluster_config, story_cosine=story_threshold(config.encoder, cluster_config))
    clusters = cluster_sketches(sketches, cluster_config)
    del sketches
    done_ids = store.done_ids()
    todo = [c for c in clusters if any(i not in done_ids for i in c)]
    total = sum(len(c) for c in todo)
    options = {"encoder": config.encoder, "qe": config.qe, "disabled": list(config.disabled), "lang": config.lang,
               "qe_model": config.qe_model}

    def tasks() -> Iterator[tuple[Any, Callable, tuple]]:
        for c in todo:
            yield c, audit_cluster, (store.documents(list(c)), options)

    done = 0
    tick("audit", 0, total)
    for ids, rows, exc in _pipelined(engine, tasks(), in_flight):
        if exc is not None:
            docs = store.documents(list(ids))
            rows = [_error_row(d, f"worker failed ({type(exc).__name__}: {str(exc)[:160]})", ids[0], len(ids))
                    for d in docs]
        store.add_results(rows)
        done += len(ids)
        tick("audit", done, total)
