"""Clustering from sketches: LSH copies, embedding translations, the size cap."""

from __future__ import annotations

import numpy as np

from auditor.batch.cluster import ClusterConfig, cluster_sketches, copy_edges, translation_edges
from auditor.batch.prepare import Sketch, _minhash
from auditor.link.shingles import shingles

TEXT_A = ("The city council approved a new tram line linking the airport with the central station on Monday "
          "after a long debate. Construction is due to start next spring and should take about three years.")
TEXT_B = ("Heavy snow closed more than two hundred schools across the northern region on Tuesday, and "
          "officials said buses could not reach remote villages after roads were blocked overnight.")


def _sk(i: str, text: str, lang: str = "en", vec=None) -> Sketch:
    return Sketch(i, lang, _minhash(shingles(text)), None if vec is None else np.asarray(vec, np.float32),
                  len(text.split()))


def _unit(*xs):
    v = np.asarray(xs, np.float32)
    return v / np.linalg.norm(v)


def test_copies_cluster_and_independent_stories_do_not():
    sk = [_sk("a", TEXT_A), _sk("b", TEXT_A + " The mayor welcomed the vote."), _sk("c", TEXT_B)]
    groups = cluster_sketches(sk)
    assert ("a", "b") in groups and ("c",) in groups
    assert {e.kind for e in copy_edges(sk)} == {"copy"}


def test_copies_need_the_same_language():
    sk = [_sk("a", TEXT_A, "en"), _sk("b", TEXT_A, "es")]
    assert copy_edges(sk) == []


def test_translations_by_embedding_cross_language_only():
    sk = [_sk("en", TEXT_A, "en", _unit(1, 0.1, 0)), _sk("es", "texto", "es", _unit(1, 0.15, 0)),
          _sk("other", TEXT_B, "de", _unit(0, 1, 0))]
    edges = translation_edges(sk)
    assert [(sk[e.a].id, sk[e.b].id, e.kind) for e in edges] == [("en", "es", "translation")]
    # same language, similar but not near-identical leads: no edge
    sk2 = [_sk("x", TEXT_A, "en", _unit(1, 0.3, 0)), _sk("y", TEXT_B, "en", _unit(1, 0.0, 0.2))]
    assert translation_edges(sk2, ClusterConfig(same_language_cosine=0.99)) == []


def test_blocked_search_matches_unblocked():
    rng = np.random.default_rng(0)
    base = rng.normal(size=(30, 128))
    sk = []
    for k in range(30):
        sk.append(_sk(f"e{k}", f"english {k}", "en", base[k] / np.linalg.norm(base[k])))
        noisy = base[k] + 0.05 * rng.normal(size=128)
        sk.append(_sk(f"f{k}", f"french {k}", "fr", noisy / np.linalg.norm(noisy)))
    small = {(e.a, e.b) for e in translation_edges(sk, ClusterConfig(block=7))}
    big = {(e.a, e.b) for e in translation_edges(sk, ClusterConfig(block=4096))}
    assert small == big and len(small) >= 30
    groups = cluster_sketches(sk)
    assert sum(1 for g in groups if len(g) == 2) == 30


def test_max_cluster_splits_giant_components_deterministically():
    sk = [_sk(f"d{k:02d}", TEXT_A + f" Update number {k}.") for k in range(20)]
    groups = cluster_sketches(sk, ClusterConfig(max_cluster=6))
    assert max(len(g) for g in groups) <= 6
    assert sorted(i for g in groups for i in g) == [s.id for s in sk]
    assert groups == cluster_sketches(list(reversed(sk)), ClusterConfig(max_cluster=6))


def test_empty_and_textless():
    assert cluster_sketches([]) == []
    sk = [Sketch("z", "en", _minhash(frozenset()), None, 0)]
    assert cluster_sketches(sk) == [("z",)]


def test_story_edges_join_independent_articles_of_one_event_after_copies():
    # same language, leads close (cosine ~0.8) but far below the near-identical copy cosine
    sk = [_sk("a", TEXT_A, "en", _unit(1, 0.2, 0)), _sk("b", TEXT_B, "en", _unit(1, 0.9, 0)),
          _sk("c", "unrelated words entirely here", "en", _unit(0, 0, 1))]
    assert cluster_sketches(sk) == [("a",), ("b",), ("c",)]  # no story edges unless asked
    config = ClusterConfig(story_cosine=0.5)
    assert [(sk[e.a].id, sk[e.b].id, e.kind) for e in translation_edges(sk, config)] == [("a", "b", "story")]
    assert cluster_sketches(sk, config) == [("a", "b"), ("c",)]
    # copies merge first: with room for two, the copy pair wins over the stronger-looking story edge
    sk2 = [_sk("a", TEXT_A, "en", _unit(1, 0, 0)), _sk("b", TEXT_A + " Update.", "en", _unit(0.5, 0, 0.866)),
           _sk("s", TEXT_B, "en", _unit(1, 0.75, 0))]  # a-s cosine 0.8 (story), a-b copy by MinHash
    assert cluster_sketches(sk2, ClusterConfig(story_cosine=0.3, max_cluster=2)) == [("a", "b"), ("s",)]


def test_story_threshold_is_the_linkers_prefilter():
    from auditor.batch.cluster import story_threshold
    from auditor.link import ENCODER_THRESHOLDS

    assert story_threshold("use") == ENCODER_THRESHOLDS["use"]["prefilter"]
    assert story_threshold("hashing") == ENCODER_THRESHOLDS["hashing"]["prefilter"]
    assert story_threshold("use", ClusterConfig(story_cosine=0.6)) == 0.6
