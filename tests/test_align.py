"""Tests of auditor.align: beads, partition invariant, moved sentences, cross-lingual NTREX."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from auditor.align import AlignParams, align, coverage, document_similarity, is_monolingual, monotonicity
from auditor.align.similarity import length_mismatch, link_shapes
from auditor.encoders import Encoder, get_encoder
from auditor.types import AlignedPair, Alignment, SegmentedDocument
from tests.helpers import seg_doc

NTREX = Path(__file__).resolve().parents[2] / "shared" / "data" / "ntrex"

STORY = [
    "US Secretary of State Antony Blinken arrived in Beijing on Sunday for a two-day visit.",
    "He is the highest-ranking American official to visit China in five years.",
    "Blinken met Foreign Minister Qin Gang for more than five hours of talks.",
    "Both sides described the discussions as candid and constructive.",
    "The trip had been postponed in February after a Chinese balloon crossed US airspace.",
    "Qin accepted an invitation to visit Washington at a mutually convenient time.",
    "Tensions over Taiwan and export controls on chips remain unresolved.",
    "Blinken is expected to meet President Xi Jinping on Monday afternoon.",
]


@pytest.fixture(scope="module")
def use() -> Encoder:
    enc = get_encoder("use")
    enc.encode(["warm up"])
    return enc


def beads(al: Alignment) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(p.source, p.reprint) for p in al.pairs]


def assert_partition(al: Alignment, n: int, m: int) -> None:
    """Every source index and every reprint index appears in exactly one bead."""
    src = sorted(i for p in al.pairs for i in p.source)
    rep = sorted(j for p in al.pairs for j in p.reprint)
    assert src == list(range(n))
    assert rep == list(range(m))
    for p in al.pairs:
        assert p.source or p.reprint
        assert 0.0 <= p.similarity <= 1.0
        if not p.source or not p.reprint:
            assert p.similarity == 0.0


def doc(sentences: list[str], lang: str = "en", doc_id: str = "doc") -> SegmentedDocument:
    return seg_doc(sentences, lang=lang, doc_id=doc_id)


# ---------------------------------------------------------------- monolingual


def test_identical_documents_align_one_to_one() -> None:
    al = align(doc(STORY, doc_id="src"), doc(STORY, doc_id="rep"))
    assert beads(al) == [((i,), (i,)) for i in range(len(STORY))]
    assert all(p.similarity == pytest.approx(1.0, abs=1e-4) for p in al.pairs)
    assert al.method == "dp-monolingual:lexical"
    assert (al.source_id, al.reprint_id) == ("src", "rep")
    assert monotonicity(al) == 1.0
    assert coverage(al, len(STORY), len(STORY)) == (1.0, 1.0)


def test_lightly_edited_sentences_still_score_high() -> None:
    edited = list(STORY)
    edited[0] = edited[0].replace("Sunday", "Sunday,").replace("two-day", "two day")
    edited[3] = "Both sides called the discussions candid and constructive."
    al = align(doc(STORY), doc(edited))
    assert beads(al) == [((i,), (i,)) for i in range(len(STORY))]
    assert al.pairs[0].similarity > 0.9
    assert al.pairs[3].similarity > 0.7


def test_truncated_sentence_stays_linked_one_to_one() -> None:
    # A copy editor cut the second half of a sentence: still the same sentence (the
    # omission detector needs the link), not a skip, despite the length mismatch.
    edited = list(STORY)
    edited[4] = "The trip had been postponed in February."
    al = align(doc(STORY), doc(edited))
    assert beads(al) == [((i,), (i,)) for i in range(len(STORY))]


def test_merge_with_a_short_sentence_is_found() -> None:
    # Similarity barely changes when a short sentence joins a long one; lengths decide.
    source = STORY[:3] + ["He smiled."] + STORY[3:]
    reprint = STORY[:2] + [STORY[2] + " He smiled."] + STORY[3:]
    al = align(doc(source), doc(reprint))
    assert ((2, 3), (2,)) in beads(al)


def test_length_mismatch_is_zero_for_equal_runs() -> None:
    texts = ["a" * 40, "b" * 40, "c" * 80]
    mm = length_mismatch(texts, [texts[0] + " " + texts[1], texts[2]], link_shapes(2))
    assert mm[(2, 1)][0, 0] == pytest.approx(0.0, abs=0.05)
    assert mm[(1, 1)][0, 0] > 0.5


def test_merged_sentences_give_a_two_to_one_bead() -> None:
    reprint = STORY[:2] + [STORY[2] + " " + STORY[3]] + STORY[4:]
    al = align(doc(STORY), doc(reprint))
    assert ((2, 3), (2,)) in beads(al)
    assert_partition(al, len(STORY), len(reprint))
    merged = next(p for p in al.pairs if p.source == (2, 3))
    assert merged.similarity > 0.9


def test_split_sentence_gives_a_one_to_two_bead() -> None:
    source = STORY[:4] + [STORY[4] + " " + STORY[5]] + STORY[6:]
    al = align(doc(source), doc(STORY))
    assert ((4,), (4, 5)) in beads(al)
    assert_partition(al, len(source), len(STORY))


def test_three_to_one_bead() -> None:
    reprint = STORY[:1] + [" ".join(STORY[1:4])] + STORY[4:]
    al = align(doc(STORY), doc(reprint))
    assert ((1, 2, 3), (1,)) in beads(al)


def test_max_merge_one_allows_only_one_to_one_and_skips() -> None:
    reprint = STORY[:2] + [STORY[2] + " " + STORY[3]] + STORY[4:]
    al = align(doc(STORY), doc(reprint), max_merge=1)
    assert all(len(p.source) <= 1 and len(p.reprint) <= 1 for p in al.pairs)
    assert_partition(al, len(STORY), len(reprint))
    with pytest.raises(ValueError):
        align(doc(STORY), doc(reprint), max_merge=0)


def test_link_shapes() -> None:
    assert link_shapes(1) == ((1, 1),)
    assert set(link_shapes(2)) == {(1, 1), (1, 2), (2, 1)}
    assert set(link_shapes(3)) == {(1, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1)}


def test_dropped_sentence_gives_a_one_to_zero_bead() -> None:
    reprint = STORY[:5] + STORY[6:]
    al = align(doc(STORY), doc(reprint))
    assert ((5,), ()) in beads(al)
    assert sum(1 for p in al.pairs if p.source and p.reprint) == len(reprint)
    src_cov, rep_cov = coverage(al, len(STORY), len(reprint))
    assert src_cov == pytest.approx(7 / 8) and rep_cov == 1.0


def test_added_sentence_gives_a_zero_to_one_bead() -> None:
    extra = "Follow our live coverage for the latest updates from the region."
    reprint = STORY[:3] + [extra] + STORY[3:]
    al = align(doc(STORY), doc(reprint))
    assert ((), (3,)) in beads(al)
    assert_partition(al, len(STORY), len(reprint))
    assert coverage(al, len(STORY), len(reprint)) == (1.0, pytest.approx(8 / 9))


def test_unrelated_documents_link_nothing() -> None:
    other = [
        "Heavy rain flooded several villages in the north of the country overnight.",
        "The central bank kept interest rates unchanged for the third month.",
        "A new museum of modern art opened its doors to the public.",
        "Local football fans celebrated the club's promotion until dawn.",
    ]
    al = align(doc(STORY), doc(other))
    assert not [p for p in al.pairs if p.source and p.reprint]
    assert coverage(al, len(STORY), len(other)) == (0.0, 0.0)


def test_moved_paragraph_is_recovered_out_of_order() -> None:
    # The last two sentences moved to the top, as copy editors do with a paragraph.
    reprint = STORY[6:] + STORY[:6]
    al = align(doc(STORY), doc(reprint))
    assert_partition(al, len(STORY), len(reprint))
    links = {(p.source, p.reprint) for p in al.pairs if p.source and p.reprint}
    expected = {((i,), ((i + 2) % 8,)) for i in range(8)}
    assert links == expected
    assert monotonicity(al) < 1.0
    assert coverage(al, 8, 8) == (1.0, 1.0)


def test_moved_and_edited_sentence_is_recovered() -> None:
    reprint = [STORY[7].replace("Monday afternoon", "Monday")] + STORY[:7]
    al = align(doc(STORY), doc(reprint))
    assert ((7,), (0,)) in beads(al)


def test_weak_unordered_matches_are_not_recovered() -> None:
    # Same topic, different wording: recovery must not link them.
    reprint = STORY[:6] + ["Washington and Beijing still disagree about Taiwan and semiconductors."]
    al = align(doc(STORY), doc(reprint))
    assert ((6,), ()) in beads(al) and ((), (6,)) in beads(al) or ((6,), (6,)) in beads(al)
    assert monotonicity(al) == 1.0


@pytest.mark.parametrize("n,m,cov", [(0, 0, (1.0, 1.0)), (0, 3, (1.0, 0.0)), (3, 0, (0.0, 1.0))])
def test_empty_documents(n: int, m: int, cov: tuple[float, float]) -> None:
    al = align(doc(STORY[:n]), doc(STORY[:m]))
    assert_partition(al, n, m)
    assert all(not p.source or not p.reprint for p in al.pairs)
    assert coverage(al, n, m) == cov
    assert monotonicity(al) == 1.0
    assert al.method == "dp-monolingual:lexical"


def test_empty_crosslingual_document_loads_no_model() -> None:
    al = align(doc([], "en"), doc(STORY[:2], "es"))
    assert beads(al) == [((), (0,)), ((), (1,))]
    assert al.method == "dp-crosslingual:use-v3"


def test_single_sentence_documents() -> None:
    al = align(doc(STORY[:1]), doc(STORY[:1]))
    assert beads(al) == [((0,), (0,))]
    al = align(doc(STORY[:1]), doc(STORY[5:6]))
    assert_partition(al, 1, 1)


@pytest.mark.parametrize("seed", range(12))
def test_partition_invariant_under_random_edits(seed: int) -> None:
    rng = random.Random(seed)
    reprint: list[str] = []
    for s in STORY:
        r = rng.random()
        if r < 0.15:
            continue  # dropped
        if r < 0.3 and reprint:
            reprint[-1] = reprint[-1] + " " + s  # merged
        else:
            reprint.append(s)
        if rng.random() < 0.1:
            reprint.append(f"Advertisement number {seed}.")
    rng.shuffle(reprint) if seed % 4 == 0 else None
    al = align(doc(STORY), doc(reprint), max_merge=rng.choice([1, 2, 3]))
    assert_partition(al, len(STORY), len(reprint))
    assert 0.0 <= monotonicity(al) <= 1.0


def test_languages_decide_monolingual() -> None:
    assert is_monolingual(doc(STORY, "en"), doc(STORY, "en-GB"))
    assert not is_monolingual(doc(STORY, "en"), doc(STORY, "es"))
    assert not is_monolingual(doc(STORY, "und"), doc(STORY, "und"))


def test_alignment_of_sixty_sentences_is_fast() -> None:
    src = [f"{STORY[i % 8]} (paragraph {i})" for i in range(60)]
    rep = src[:30] + src[31:] + ["An added line about something else entirely."]
    a, b = doc(src), doc(rep)
    align(a, b)  # warm the lexical cache
    t0 = time.perf_counter()
    al = align(a, b)
    elapsed = time.perf_counter() - t0
    assert_partition(al, 60, 60)
    assert elapsed < 1.0  # ~0.1 s on an idle core; generous for a loaded CI machine


# ---------------------------------------------------------------- metrics


def test_monotonicity_and_coverage_on_hand_built_alignments() -> None:
    def al(*pairs: tuple[tuple[int, ...], tuple[int, ...]]) -> Alignment:
        return Alignment("s", "r", tuple(AlignedPair(s, r, 1.0 if s and r else 0.0) for s, r in pairs))

    assert monotonicity(al(((0,), (0,)), ((1,), (1,)), ((2,), ()))) == 1.0
    assert monotonicity(al(((0,), (1,)), ((1,), (0,)))) == 0.0
    assert monotonicity(al(((0,), (2,)), ((1,), (0,)), ((2,), (1,)))) == pytest.approx(1 / 3)
    assert monotonicity(al()) == 1.0
    assert coverage(al(((0, 1), (0,)), ((2,), ()), ((), (1,))), 3, 2) == (pytest.approx(2 / 3), 0.5)
    assert coverage(al(), 0, 0) == (1.0, 1.0)


# ---------------------------------------------------------------- document similarity


def test_document_similarity_monolingual() -> None:
    other = doc(["The central bank kept interest rates unchanged.", "Markets barely moved after the decision."])
    assert document_similarity(doc(STORY), doc(STORY)) == pytest.approx(1.0, abs=1e-4)
    copy = document_similarity(doc(STORY), doc(STORY[:5]))
    unrelated = document_similarity(doc(STORY), other)
    assert copy > 0.7 > 0.3 > unrelated
    assert document_similarity(doc([]), doc(STORY)) == 0.0


# ---------------------------------------------------------------- cross-lingual (USE, real NTREX)


def _first_ntrex_document(code: str) -> tuple[list[str], list[str]]:
    """English lines and their ``code`` translation for the first NTREX document."""
    if not NTREX.is_dir():
        pytest.skip("NTREX data not available")
    ids = (NTREX / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()
    en = (NTREX / "newstest2019-src.eng.txt").read_text(encoding="utf-8").splitlines()
    tr = (NTREX / f"newstest2019-ref.{code}.txt").read_text(encoding="utf-8").splitlines()
    first = ids[0].split("\t")[0]
    n = next((k for k, d in enumerate(ids) if d.split("\t")[0] != first), len(ids))
    return en[:n], tr[:n]


@pytest.mark.parametrize("code,lang", [("spa", "es"), ("fra", "fr"), ("deu", "de"), ("por", "pt")])
def test_crosslingual_ntrex_one_to_one(use: Encoder, code: str, lang: str) -> None:
    en, tr = _first_ntrex_document(code)
    assert len(en) >= 10
    al = align(doc(en, "en", "en"), doc(tr, lang, lang), encoder=use)
    assert al.method == "dp-crosslingual:use-v3"
    assert_partition(al, len(en), len(tr))
    correct = sum(1 for p in al.pairs if p.source == p.reprint and len(p.source) == 1)
    assert correct / len(en) >= 0.9
    assert document_similarity(doc(en, "en"), doc(tr, lang), use) > 0.6


def test_crosslingual_merge_drop_and_insert(use: Encoder) -> None:
    en, es = _first_ntrex_document("spa")
    reprint = es[:2] + [es[2] + " " + es[3]] + es[4:6] + es[7:]
    foreign = "El Banco Central Europeo mantuvo sin cambios los tipos de interés."
    reprint.insert(8, foreign)
    al = align(doc(en, "en"), doc(reprint, "es"), encoder=use)
    assert_partition(al, len(en), len(reprint))
    got = beads(al)
    assert ((2, 3), (2,)) in got
    assert ((6,), ()) in got
    assert ((), (8,)) in got


def test_crosslingual_unrelated_documents_score_low(use: Encoder) -> None:
    en, _ = _first_ntrex_document("spa")
    es = [
        "El Banco Central Europeo mantuvo sin cambios los tipos de interés.",
        "Las lluvias torrenciales inundaron varios pueblos del norte.",
        "El museo abrió sus puertas al público el sábado.",
    ]
    assert document_similarity(doc(en, "en"), doc(es, "es"), use) < 0.4


def test_monolingual_with_encoder_blends_embeddings(use: Encoder) -> None:
    al = align(doc(STORY), doc(STORY), encoder=use)
    assert al.method == "dp-monolingual:lexical+use-v3"
    assert all(p.similarity == pytest.approx(1.0, abs=1e-3) for p in al.pairs)


def test_params_signature() -> None:
    assert "thr:" in AlignParams().signature
