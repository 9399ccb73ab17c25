"""Small builders shared by tests: documents without running the whole pipeline."""

from __future__ import annotations

import re

from auditor.types import AlignedPair, Alignment, Document, Segment, SegmentedDocument


def seg_doc(sentences: list[str], lang: str = "en", doc_id: str = "doc", sep: str = " ") -> SegmentedDocument:
    """A SegmentedDocument whose sentences are exactly ``sentences`` joined by ``sep``."""
    text = sep.join(sentences)
    segs = []
    pos = 0
    for i, s in enumerate(sentences):
        start = text.index(s, pos)
        segs.append(Segment(i, start, start + len(s), s, lang, 1.0))
        pos = start + len(s)
    doc = Document(id=doc_id, path=f"{doc_id}.txt", text=text, language=lang)
    return SegmentedDocument(doc, tuple(segs), lang, 1.0)


def one_to_one(source: SegmentedDocument, reprint: SegmentedDocument) -> Alignment:
    n = min(len(source.segments), len(reprint.segments))
    return Alignment(source.id, reprint.id, tuple(AlignedPair((i,), (i,), 1.0) for i in range(n)))
