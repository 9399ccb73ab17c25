"""Sentence alignment between a source article and a reprint (same or other language).

``align(source, reprint)`` returns an :class:`auditor.types.Alignment` whose beads
partition both documents' sentences; ``monotonicity`` and ``coverage`` summarise it;
``document_similarity`` is the cheap document-level score the linker uses.
"""

from .aligner import align, is_monolingual
from .docsim import document_similarity
from .metrics import coverage, monotonicity
from .params import AlignParams

__all__ = ["AlignParams", "align", "coverage", "document_similarity", "is_monolingual", "monotonicity"]
