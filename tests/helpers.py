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


def lines_doc(path: str, lang: str = "en", doc_id: str | None = None) -> SegmentedDocument:
    """A rough SegmentedDocument of a text file: every non-empty line is one segment.

    For detector tests that want real article text without the full pipeline.
    """
    from pathlib import Path

    text = Path(path).read_text(encoding="utf-8")
    segs = []
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            start = text.index(stripped, pos)
            segs.append(Segment(len(segs), start, start + len(stripped), stripped, lang, 1.0))
        pos += len(line) + 1
    did = doc_id or Path(path).stem
    doc = Document(id=did, path=str(path), text=text, language=lang)
    return SegmentedDocument(doc, tuple(segs), lang, 1.0)


def check_context(sentences: list[str], lang: str = "en", source: list[str] | None = None,
                  source_lang: str = "es"):
    """(reprint, CheckContext) for a detector test: the sentences, with their source aligned one to one."""
    from auditor.checks.base import CheckContext

    doc = seg_doc(sentences, lang, "rep")
    if source is None:
        return doc, CheckContext(doc)
    src = seg_doc(source, source_lang, "src")
    return doc, CheckContext(doc, src, one_to_one(src, doc))
