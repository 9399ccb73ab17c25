"""Story clustering across a whole batch, from sketches only.

Two kinds of edges, both scalable:

* **copies** (same language): MinHash LSH over the shingle signatures proposes pairs in
  near-linear time; a pair is kept when the estimated Jaccard reaches ``copy_jaccard``.
* **translations** (different languages): nearest neighbours over the mean lead
  embeddings, computed as blocked dot products (``block`` rows at a time, so memory is
  ``block x N`` floats, never ``N x N``); a pair is kept above ``translation_cosine``.
  Same-language pairs need ``same_language_cosine`` (near-identical leads that MinHash
  missed, e.g. a round-trip translation back into the source language).
* **stories** (any languages): the other neighbours whose leads reach ``story_cosine``,
  the cosine at which the pipeline's linker starts to examine a pair (its prefilter,
  :data:`auditor.link.ENCODER_THRESHOLDS`). ``auditor audit`` treats all its inputs as
  one story; here the story has to be found, and an independent article about the same
  event belongs to it (the entity and spelling rules compare the story's articles).
  These edges only propose: pass 2 audits the group and splits it where the linker
  finds no relation (:func:`auditor.batch.runner.audit_cluster`).

Components are formed greedily from the strongest edges down (Kruskal; copies and
translations before story edges), never merging two groups beyond ``max_cluster``
articles: a giant component (a wire story reprinted by 300 sites) is split into
audit-sized groups instead of one quadratic audit. Singletons are audited alone
(text-only verdict).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .prepare import MINHASH_SCHEME, Sketch


@dataclass(frozen=True)
class ClusterConfig:
    copy_jaccard: float = 0.15
    lsh_threshold: float = 0.15
    translation_cosine: float = 0.70  # USE lead embeddings (benchmarks/bench_batch.py)
    same_language_cosine: float = 0.90
    story_cosine: float | None = None  # None: the linker's prefilter for the sketch encoder
    neighbours: int = 10  # nearest neighbours examined per article
    max_cluster: int = 8
    block: int = 1024


@dataclass(frozen=True)
class Edge:
    a: int
    b: int
    score: float
    kind: str  # "copy" | "translation" | "story"


def story_threshold(encoder: str, config: ClusterConfig = ClusterConfig()) -> float:
    """Lead cosine from which two articles may be one story (the linker's prefilter)."""
    if config.story_cosine is not None:
        return config.story_cosine
    from ..link import ENCODER_THRESHOLDS

    for key, value in ENCODER_THRESHOLDS.items():
        if encoder.startswith(key):
            return value["prefilter"]
    return ENCODER_THRESHOLDS["use"]["prefilter"]


def copy_edges(sketches: Sequence[Sketch], config: ClusterConfig = ClusterConfig()) -> list[Edge]:
    """Same-language near-duplicates via MinHash LSH (datasketch)."""
    from datasketch import LeanMinHash, MinHashLSH

    if not sketches:
        return []
    num_perm = len(sketches[0].minhash)
    lsh = MinHashLSH(threshold=config.lsh_threshold, num_perm=num_perm)
    hashes: dict[int, LeanMinHash] = {}
    for i, s in enumerate(sketches):
        if s.n_words == 0:
            continue
        m = LeanMinHash(seed=1, hashvalues=s.minhash, scheme=MINHASH_SCHEME)
        hashes[i] = m
        lsh.insert(i, m, check_duplication=False)
    edges: list[Edge] = []
    for i, m in hashes.items():
        for j in lsh.query(m):
            if j <= i or sketches[i].language != sketches[j].language:
                continue
            est = float(np.mean(sketches[i].minhash == sketches[j].minhash))
            if est >= config.copy_jaccard:
                edges.append(Edge(i, j, est, "copy"))
    return edges


def translation_edges(sketches: Sequence[Sketch], config: ClusterConfig = ClusterConfig()) -> list[Edge]:
    """Nearest neighbours over the lead embeddings, in blocks of rows.

    A neighbour below the copy/translation cosine but at or above ``story_cosine`` (when
    set) gives a "story" edge.
    """
    rows = [i for i, s in enumerate(sketches) if s.vector is not None]
    if len(rows) < 2:
        return []
    mat = np.stack([sketches[i].vector for i in rows]).astype(np.float32)
    langs = np.array([sketches[i].language for i in rows])
    k = min(config.neighbours, len(rows) - 1)
    edges: list[Edge] = []
    for start in range(0, len(rows), config.block):
        sims = mat[start : start + config.block] @ mat.T
        for r in range(sims.shape[0]):
            sims[r, start + r] = -1.0
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k] if k < sims.shape[1] else np.argsort(-sims, axis=1)
        for r in range(sims.shape[0]):
            gi = start + r
            for c in top[r]:
                c = int(c)
                s = float(sims[r, c])
                same = langs[gi] == langs[c]
                a, b = sorted((rows[gi], rows[c]))
                if s >= (config.same_language_cosine if same else config.translation_cosine):
                    edges.append(Edge(a, b, s, "copy" if same else "translation"))
                elif config.story_cosine is not None and s >= config.story_cosine:
                    edges.append(Edge(a, b, s, "story"))
    return _dedupe(edges)


def _dedupe(edges: list[Edge]) -> list[Edge]:
    """One edge per unordered pair (both rows propose it): a copy/translation edge over a
    story edge, then the strongest."""
    best: dict[tuple[int, int], Edge] = {}
    for e in edges:
        key = (e.a, e.b)
        cur = best.get(key)
        if cur is None or ((e.kind != "story"), e.score) > ((cur.kind != "story"), cur.score):
            best[key] = e
    return list(best.values())


def cluster_sketches(sketches: Sequence[Sketch], config: ClusterConfig = ClusterConfig()) -> list[tuple[str, ...]]:
    """Groups of article ids (singletons included), deterministic for the same input."""
    order = sorted(range(len(sketches)), key=lambda i: sketches[i].id)
    sketches = [sketches[i] for i in order]
    edges = _dedupe(copy_edges(sketches, config) + translation_edges(sketches, config))
    edges.sort(key=lambda e: (e.kind == "story", -e.score, e.a, e.b))
    parent = list(range(len(sketches)))
    size = [1] * len(sketches)

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for e in edges:
        ra, rb = find(e.a), find(e.b)
        if ra == rb or size[ra] + size[rb] > config.max_cluster:
            continue
        if size[ra] < size[rb]:
            ra, rb = rb, ra
        parent[rb] = ra
        size[ra] += size[rb]
    groups: dict[int, list[str]] = {}
    for i, s in enumerate(sketches):
        groups.setdefault(find(i), []).append(s.id)
    return sorted((tuple(sorted(g)) for g in groups.values()), key=lambda g: (-len(g), g[0]))
