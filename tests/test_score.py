"""Scores: sacrebleu metrics with signatures, coverage and monotonicity."""

from __future__ import annotations

from auditor.score import monotonicity, score_pair
from auditor.types import AlignedPair, Alignment
from tests.helpers import one_to_one, seg_doc

SRC = ["The two sides made progress.", "Blinken met Xi in Beijing.", "Talks lasted five hours."]


def test_identical_copy_scores_perfectly():
    a, b = seg_doc(SRC, doc_id="a"), seg_doc(SRC, doc_id="b")
    s = score_pair(a, b, one_to_one(a, b))
    assert s.chrf == 100.0 and s.bleu == 100.0 and s.ter == 0.0
    assert s.source_coverage == 1.0 and s.reprint_coverage == 1.0 and s.monotonicity == 1.0
    assert s.signatures["bleu"].startswith("nrefs:1|") and "tok:13a" in s.signatures["bleu"]
    assert "nc:6" in s.signatures["chrf"] and "tok:tercom" in s.signatures["ter"]
    assert len(s.pairs) == 3 and s.pairs[0].chrf == 100.0


def test_edits_lower_the_scores_and_omissions_lower_coverage():
    a = seg_doc(SRC, doc_id="a")
    b = seg_doc(["The two sides made some progress.", "Talks lasted seven hours."], doc_id="b")
    al = Alignment("a", "b", (AlignedPair((0,), (0,), 0.9), AlignedPair((1,), (), 0.0), AlignedPair((2,), (1,), 0.8)))
    s = score_pair(a, b, al)
    assert 0 < s.chrf < 100 and s.ter > 0
    assert s.source_coverage == round(2 / 3, 4) and s.reprint_coverage == 1.0
    assert s.pairs[1].chrf is None


def test_cross_language_uses_similarity_not_bleu():
    a = seg_doc(SRC, doc_id="a")
    b = seg_doc(["Las dos partes avanzaron.", "Blinken se reunió con Xi.", "Las conversaciones duraron cinco horas."],
                lang="es", doc_id="b")
    al = Alignment("a", "b", tuple(AlignedPair((i,), (i,), 0.8) for i in range(3)))
    s = score_pair(a, b, al)
    assert s.chrf is None and s.bleu is None and s.xsim == 0.8


def test_monotonicity_drops_when_paragraphs_move():
    inorder = [AlignedPair((i,), (i,), 1.0) for i in range(4)]
    moved = [AlignedPair((0,), (2,), 1.0), AlignedPair((1,), (3,), 1.0), AlignedPair((2,), (0,), 1.0),
             AlignedPair((3,), (1,), 1.0)]
    assert monotonicity(inorder) == 1.0
    assert monotonicity(moved) < 0.5
