"""What every detector receives and returns.

A detector is a module under ``auditor/checks/`` with ``run(ctx: CheckContext) ->
list[Finding]``. It reads the reprint (``ctx.doc``), and, when the audit found one, its
source and the sentence alignment between them; it never prints, never touches the
network, and must return spans that satisfy ``doc.text[start:end] == finding.text``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..types import Alignment, CATEGORIES, Finding, SEVERITIES, Segment, SegmentedDocument


@dataclass(frozen=True)
class CheckContext:
    doc: SegmentedDocument  # the article being checked (the reprint)
    source: SegmentedDocument | None = None  # its source, when one was linked
    alignment: Alignment | None = None  # source <-> doc sentence alignment
    cluster: tuple[SegmentedDocument, ...] = ()  # the other articles of the set
    options: dict[str, object] = field(default_factory=dict)  # detector settings (glossaries...)

    def aligned_source(self, seg_index: int) -> list[Segment]:
        """Source sentences aligned with reprint sentence ``seg_index`` (maybe empty)."""
        if self.alignment is None or self.source is None:
            return []
        for pair in self.alignment.pairs:
            if seg_index in pair.reprint:
                return [self.source.segments[i] for i in pair.source]
        return []

    def aligned_source_text(self, seg_index: int) -> str | None:
        segs = self.aligned_source(seg_index)
        return " ".join(s.text for s in segs) if segs else None

    @property
    def source_language(self) -> str | None:
        return self.source.language if self.source is not None else None


def segment_at(doc: SegmentedDocument, offset: int) -> Segment | None:
    """The sentence containing character ``offset`` of the document's clean text."""
    for seg in doc.segments:
        if seg.start <= offset < seg.end:
            return seg
    return None


def make_finding(
    doc: SegmentedDocument,
    start: int,
    end: int,
    *,
    category: str,
    severity: str,
    message: str,
    detector: str,
    source_text: str | None = None,
    evidence: dict[str, object] | None = None,
) -> Finding:
    """Build a Finding from offsets into ``doc.text``, checking the contract."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}")
    if severity not in SEVERITIES:
        raise ValueError(f"unknown severity {severity!r}")
    if not (0 <= start < end <= len(doc.text)):
        raise ValueError(f"span {start}:{end} outside the text")
    seg = segment_at(doc, start)
    return Finding(
        start=start,
        end=end,
        text=doc.text[start:end],
        category=category,
        severity=severity,
        message=message,
        detector=detector,
        source_text=source_text,
        segment=seg.index if seg else None,
        evidence=dict(evidence or {}),
    )
