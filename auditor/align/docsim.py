"""Cheap document similarity for the linker (which article is whose source?).

Defined as the symmetric mean best-match similarity: for each sentence of one
document, its highest cosine with any sentence of the other; averaged over both
documents' sentences. Copies and translations score high (most sentences have a
counterpart, ~0.7-1.0), articles that only share a topic score low (~0.2-0.4 with
USE), and a short reprint of a long source is not punished as hard as by a cosine of
mean embeddings would. It reuses the encoder's cache, so the aligner later pays nothing
to embed the same sentences again.
"""

from __future__ import annotations

import numpy as np

from ..encoders import Encoder, base_language, get_encoder
from ..types import SegmentedDocument
from .similarity import cosine_matrix


def document_similarity(a: SegmentedDocument, b: SegmentedDocument, encoder: Encoder | None = None) -> float:
    """Symmetric mean best-match sentence similarity in [0, 1]; 0.0 if either is empty.

    ``encoder=None`` picks character n-grams for two documents in the same language and
    the multilingual encoder suited to the pair otherwise.
    """
    ta = [s.text for s in a.segments]
    tb = [s.text for s in b.segments]
    if not ta or not tb:
        return 0.0
    if encoder is None:
        same = base_language(a.language) == base_language(b.language)
        encoder = get_encoder("hashing") if same else get_encoder("auto", [a.language, b.language])
    sims = np.clip(cosine_matrix(encoder.encode(ta), encoder.encode(tb)), 0.0, 1.0)
    total = sims.max(axis=1).sum() + sims.max(axis=0).sum()
    return float(total / (len(ta) + len(tb)))
