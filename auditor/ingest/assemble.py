"""Build clean text, its OffsetMap and caption spans from kept paragraphs.

Every ingester (plain text, HTML, JSONL) ends the same way: a list of paragraphs, each
a verbatim slice of the decoded input (or of the extractor's output when no slice can
be found), joined by "\\n". Keeping that in one place is what makes the offset
invariant testable: a character of the clean text is either copied from
``original[orig_start + k]`` or it is a separator the ingester inserted.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..types import OffsetMap

__all__ = ["Para", "Assembled", "assemble"]


@dataclass(frozen=True)
class Para:
    """One kept paragraph.

    ``orig_start`` is where ``text`` starts in the original decoded text (None when it
    cannot be located); ``newline_at`` is the offset of a "\\n" in the original right
    after the paragraph, so the separator that follows can map to a real character.
    """

    text: str
    orig_start: int | None = None
    newline_at: int | None = None
    caption: bool = False
    # Extra runs inside the paragraph, (offset in text, offset in original), for text
    # that was rebuilt from pieces (HTML with inline tags and entities).
    runs: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Assembled:
    text: str
    offsets: OffsetMap | None
    captions: tuple[tuple[int, int], ...]


def assemble(paras: list[Para], *, require_all: bool = True) -> Assembled:
    """Join paragraphs with "\\n" and record runs.

    With ``require_all`` an unlocatable paragraph makes the whole map None (the caller
    promised exact offsets or none); otherwise an unlocatable paragraph simply continues
    the previous run (monotonic, approximate), the best an extractor-rebuilt text allows.
    """
    parts: list[str] = []
    clean_starts: list[int] = []
    orig_starts: list[int] = []
    captions: list[tuple[int, int]] = []
    exact = True
    pos = 0
    pending_sep: int | None = None  # clean offset of a separator that maps to the next run
    for i, para in enumerate(paras):
        if i:
            prev = paras[i - 1]
            if prev.newline_at is not None:
                clean_starts.append(pos)
                orig_starts.append(prev.newline_at)
            else:
                pending_sep = pos
            parts.append("\n")
            pos += 1
        if para.orig_start is None:
            exact = False
        else:
            if pending_sep is not None:
                clean_starts.append(pending_sep)
                orig_starts.append(para.orig_start)
                pending_sep = None
            clean_starts.append(pos)
            orig_starts.append(para.orig_start)
            for off, orig in para.runs:
                if off > 0:
                    clean_starts.append(pos + off)
                    orig_starts.append(orig)
        if para.caption:
            captions.append((pos, pos + len(para.text)))
        parts.append(para.text)
        pos += len(para.text)
    offsets: OffsetMap | None = OffsetMap(tuple(clean_starts), tuple(orig_starts))
    if not clean_starts or (require_all and not exact):
        offsets = None
    return Assembled("".join(parts), offsets, tuple(captions))
