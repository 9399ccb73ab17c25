"""A model-free encoder: hashed character n-gram counts.

Used for monolingual similarity (two English copies of one wire story share most of
their character n-grams, so this recognises identical and lightly edited sentences as
~1.0 without loading any model) and for fast tests. It is deterministic across
processes because it hashes with CRC32, not Python's salted ``hash``. It carries no
cross-lingual meaning beyond shared names and numbers.
"""

from __future__ import annotations

import math
import re
import unicodedata
import zlib

import numpy as np

from .base import DEFAULT_CACHE_SIZE, CachedEncoder

_NON_WORD = re.compile(r"[\W_]+")


def normalise_for_ngrams(text: str) -> str:
    """Case-fold, unify Unicode forms, turn punctuation and runs of spaces into one space.

    Punctuation is dropped because a reprint that changes quotation marks or a full
    stop has still copied the sentence; the detectors, not the similarity, judge it.
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    return _NON_WORD.sub(" ", text).strip()


class HashingEncoder(CachedEncoder):
    """Character n-grams (``min_n``..``max_n``) of padded words hashed into ``dim`` buckets.

    Counts are log-scaled (1 + log tf) so a repeated word does not dominate, then the
    row is L2-normalised: the dot product of two rows is a character-n-gram cosine.
    """

    languages = None

    def __init__(self, dim: int = 4096, min_n: int = 3, max_n: int = 4, cache_size: int = DEFAULT_CACHE_SIZE) -> None:
        super().__init__(cache_size)
        if min_n < 1 or max_n < min_n:
            raise ValueError("need 1 <= min_n <= max_n")
        self.dim = dim
        self.min_n = min_n
        self.max_n = max_n
        self.name = f"hashing-char{min_n}-{max_n}"

    @property
    def signature(self) -> str:
        return f"{self.name}:dim{self.dim}"

    def counts(self, text: str) -> dict[int, int]:
        """Bucket -> count of the text's character n-grams (each word padded by spaces)."""
        buckets: dict[int, int] = {}
        norm = normalise_for_ngrams(text)
        if not norm:
            return buckets
        padded = f" {norm} "
        for n in range(self.min_n, self.max_n + 1):
            for k in range(len(padded) - n + 1):
                gram = padded[k : k + n]
                if gram.isspace():
                    continue
                b = zlib.crc32(gram.encode("utf-8")) % self.dim
                buckets[b] = buckets.get(b, 0) + 1
        return buckets

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for b, c in self.counts(text).items():
                out[i, b] = 1.0 + math.log(c)
        return out
