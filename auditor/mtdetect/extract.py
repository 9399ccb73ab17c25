"""Run the real pipeline over the training windows and cache their features.

Why the pipeline and not a shortcut: at inference the detector reads features of a
``DocumentResult`` that ``audit_documents`` produced (its segmentation, alignment,
scores and findings). Training on features computed any other way would teach the
model numbers it never sees in use. Windows are fed as paragraphs (one line per
paragraph, ``segmented=False``) so the sentence splitter runs as it does on articles.

Features are cached as JSON lines (one record per example id) under
``~/.cache/auditor-mtdetect`` so a re-run of training or the benchmark is fast.

Speed (v2): a window's sentences (its source and every candidate) are encoded in one
batch before the stages run, and the encoder's text-keyed cache serves the linker and
the aligner from it, so each sentence is encoded once; the stages themselves are the
pipeline's. Throughput is measured by ``benchmarks/bench_mtdetect.py --speed``.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .data import Example

FEATURE_VERSION = "5"
ENCODER = "use"


def cache_path() -> Path:
    base = Path(os.environ.get("AUDITOR_MTDETECT_CACHE", Path.home() / ".cache" / "auditor-mtdetect"))
    return base / f"features-v{FEATURE_VERSION}.jsonl"


def load_cache(path: Path | None = None) -> dict[str, dict]:
    """Cached feature records by example id (empty when there is no cache yet)."""
    path = path or cache_path()
    out: dict[str, dict] = {}
    if path.exists():
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError:  # a half-written last line after an interruption
                    continue
                out[rec["id"]] = rec
    return out


def load_cache_dir(directory: Path | None = None) -> dict[str, dict]:
    """Every cached record in the cache folder (the main file and partial shard files)."""
    directory = directory or cache_path().parent
    out: dict[str, dict] = {}
    for path in sorted(Path(directory).glob("*.jsonl")):
        out.update(load_cache(path))
    return out


def _groups(examples: Iterable[Example]) -> list[list[Example]]:
    """Examples sharing a window (same pair and lines) are audited in one call."""
    groups: dict[tuple[str, str, int], list[Example]] = defaultdict(list)
    for ex in examples:
        groups[(ex.group if ex.corpus != "wmt22" else "", ex.pair, ex.start)].append(ex)
    return list(groups.values())


def features_of_group(group: list[Example]) -> list[dict]:
    """Audit one window's candidates against their shared source (when there is one).

    The stages are those of ``audit_documents`` (segment, force-link, align, score,
    check), called here one by one for a single reason: the aligner embeds merged
    sentence runs as the mean of their sentence vectors instead of re-encoding the
    concatenated text. That makes extraction about three times faster on this CPU and
    changes the alignment of 1-1 translations (all of WMT) very little.
    """
    from ..align import align
    from ..align.params import AlignParams
    from ..encoders import get_encoder
    from ..link import force_link
    from ..pipeline import AuditConfig, _Embedder, run_checks
    from ..score import score_pair
    from ..text.segment import segment_document
    from ..types import Document, DocumentResult
    from .features import extract_features

    config = AuditConfig(encoder=ENCODER, qe=False)
    first = group[0]
    cands = [segment_document(Document(id=ex.id, path=ex.id, text="\n".join(ex.lines), language="en"))
             for ex in group]
    source = None
    if first.source_lines and any("with_source" in ex.modes for ex in group):
        sid = f"{first.pair}:{first.start}:source"
        source = segment_document(Document(id=sid, path=sid, text="\n".join(first.source_lines),
                                           language=first.source_lang))
        encoder = get_encoder(ENCODER)
        embed = _Embedder(encoder)
        # One batch for the whole window: the linker and the aligner then hit the cache.
        encoder.encode(list(dict.fromkeys(s.text for d in (source, *cands) for s in d.segments)))
    out = []
    for ex, doc in zip(group, cands):
        rec = {"id": ex.id, "pair": ex.pair, "label": ex.label, "split": ex.split, "system": ex.system,
               "start": ex.start, "end": ex.end, "corpus": ex.corpus, "group": ex.cv_group}
        if "text_only" in ex.modes:
            alone = run_checks(doc, source=None, alignment=None, cluster=(), config=config)
            rec["text_only"] = extract_features(DocumentResult(doc=doc, findings=alone), {}, "text_only")
        if source is not None and "with_source" in ex.modes:
            link = force_link(doc, source, embed)
            alignment = align(source, doc, encoder=encoder, params=AlignParams(merge_embedding="mean"))
            scores = score_pair(source, doc, alignment)
            findings = run_checks(doc, source=source, alignment=alignment, cluster=(), config=config)
            result = DocumentResult(doc=doc, link=link, alignment=alignment, scores=scores, findings=findings)
            rec["with_source"] = extract_features(result, {source.id: source}, "with_source")
        out.append(rec)
    return out


def _worker_init() -> None:
    """One BLAS/torch thread per worker: the workers are the parallelism."""
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:  # pragma: no cover - torch is a project dependency
        pass


def extract_all(examples: list[Example], path: Path | None = None,
                progress: Callable[[int, int], None] | None = None, workers: int = 1) -> dict[str, dict]:
    """Features of every example, computing only those not cached yet (appends to the cache).

    ``workers`` > 1 audits windows in that many processes (each loads the encoder once);
    only this process writes the cache.
    """
    path = path or cache_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    cached = load_cache(path)
    todo = list(_interleave([g for g in _groups(ex for ex in examples if ex.id not in cached)]))
    with path.open("a", encoding="utf-8") as fh:
        if workers > 1 and len(todo) > 1:
            from concurrent.futures import ProcessPoolExecutor

            with ProcessPoolExecutor(max_workers=workers, initializer=_worker_init) as pool:
                results = pool.map(features_of_group, todo, chunksize=4)
                _write(results, cached, fh, progress, len(todo))
        else:
            _write(map(features_of_group, todo), cached, fh, progress, len(todo))
    return {ex.id: cached[ex.id] for ex in examples if ex.id in cached}


def _write(results: Iterable[list[dict]], cached: dict[str, dict], fh, progress, total: int) -> None:
    for k, recs in enumerate(results):
        for rec in recs:
            cached[rec["id"]] = rec
            fh.write(json.dumps(rec) + "\n")
        fh.flush()
        if progress is not None:
            progress(k + 1, total)


def _interleave(groups: list[list[Example]]) -> Iterator[list[Example]]:
    """Round-robin over pairs so an interrupted run still has every pair and split."""
    by_pair: dict[str, list[list[Example]]] = defaultdict(list)
    for g in groups:
        by_pair[g[0].pair].append(g)
    queues = list(by_pair.values())
    i = 0
    while any(queues):
        q = queues[i % len(queues)]
        if q:
            yield q.pop(0)
        i += 1
