"""Selective merge embedding: text-embed a window only where a merge is plausible."""

from __future__ import annotations

import numpy as np
import pytest

from auditor.align import AlignParams, align
from auditor.align.similarity import selective_span_vectors, span_similarity
from auditor.encoders import HashingEncoder
from auditor.types import Document, Segment, SegmentedDocument


class CountingEncoder(HashingEncoder):
    """Hashing vectors (deterministic, model-free) that records what it was asked."""

    def __init__(self) -> None:
        super().__init__(dim=1024)
        self.asked: list[str] = []

    def encode(self, texts):
        self.asked.extend(texts)
        return super().encode(texts)


SRC = [
    "The minister arrived in Beijing on Sunday for two days of talks.",
    "He met his counterpart at the state guesthouse.",
    "Both sides described the meeting as candid and constructive.",
    "Trade and export controls were on the agenda.",
    "A joint statement is expected on Monday evening.",
]


def doc(sentences, lang, doc_id):
    text, segs, pos = "", [], 0
    for i, s in enumerate(sentences):
        text += s + " "
        segs.append(Segment(i, pos, pos + len(s), s, lang, 1.0))
        pos = len(text)
    return SegmentedDocument(Document(doc_id, doc_id, text, language=lang), tuple(segs), lang, 1.0)


def test_clean_pair_embeds_no_window_and_matches_concat():
    enc = CountingEncoder()
    s, r = doc(SRC, "en", "s"), doc(SRC, "xx", "r")  # "xx": not monolingual, so embeddings decide
    sel = align(s, r, encoder=enc, params=AlignParams(merge_embedding="selective"))
    assert all(t in SRC for t in enc.asked)  # every sentence anchored: only sentences encoded
    full = align(s, r, encoder=CountingEncoder(), params=AlignParams(merge_embedding="concat"))
    assert [(p.source, p.reprint) for p in sel.pairs] == [(p.source, p.reprint) for p in full.pairs]
    assert [(p.source, p.reprint) for p in sel.pairs] == [((i,), (i,)) for i in range(len(SRC))]


def test_merged_sentence_gets_text_embedded_windows():
    merged = SRC[:1] + [SRC[1] + " " + SRC[2]] + SRC[3:]
    enc = CountingEncoder()
    s_emb, _ = selective_span_vectors(enc, SRC, merged, 3, min_similarity=0.5, min_margin=0.05)
    window = SRC[1] + " " + SRC[2]
    assert window in enc.asked  # the source window around the unanchored sentence
    np.testing.assert_allclose(s_emb[2][1], HashingEncoder(dim=1024).encode([window])[0], atol=1e-6)
    res = align(doc(SRC, "en", "s"), doc(merged, "xx", "r"), encoder=CountingEncoder(),
                params=AlignParams(merge_embedding="selective"))
    assert ((1, 2), (1,)) in [(p.source, p.reprint) for p in res.pairs]


def test_fewer_texts_than_concat_and_same_shapes():
    other = ["Completely unrelated sentence about football scores.", "Weather will be sunny."]
    rep = SRC[:2] + other + SRC[2:]
    a, b = CountingEncoder(), CountingEncoder()
    sel = span_similarity(SRC, rep, monolingual=False, encoder=a, max_merge=3, merge_embedding="selective")
    full = span_similarity(SRC, rep, monolingual=False, encoder=b, max_merge=3, merge_embedding="concat")
    assert len(set(a.asked)) < len(set(b.asked))
    assert {k: v.shape for k, v in sel.raw.items()} == {k: v.shape for k, v in full.raw.items()}
    np.testing.assert_allclose(sel.raw[(1, 1)], full.raw[(1, 1)])


def test_unknown_mode_is_rejected():
    with pytest.raises(ValueError, match="selective"):
        span_similarity(SRC, SRC, monolingual=False, encoder=CountingEncoder(), max_merge=3, merge_embedding="bogus")
