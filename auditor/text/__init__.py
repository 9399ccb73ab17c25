"""Text utilities: sentence segmentation and language identification (no heavy imports)."""

from __future__ import annotations

from .langid import detect_language, normalize_lang
from .segment import segment_document, split_sentences

__all__ = ["detect_language", "normalize_lang", "segment_document", "split_sentences"]
