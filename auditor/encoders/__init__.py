"""Sentence encoders behind one small interface (see :class:`Encoder`).

``get_encoder("auto", languages)`` returns a shared, lazily loaded instance: USE v3
for its 16 languages, multilingual-e5-small for the rest, or the model-free
character-n-gram ``HashingEncoder``. Nothing heavy is imported until ``encode``.
"""

from .base import CachedEncoder, EmbeddingCache, Encoder, EncoderUnavailable, l2_normalise
from .e5 import E5Encoder
from .hashing import HashingEncoder
from .registry import ENCODER_NAMES, base_language, choose_encoder_name, clear_encoders, get_encoder
from .use import USE_LANGUAGES, USEEncoder

__all__ = [
    "CachedEncoder",
    "E5Encoder",
    "ENCODER_NAMES",
    "EmbeddingCache",
    "Encoder",
    "EncoderUnavailable",
    "HashingEncoder",
    "USEEncoder",
    "USE_LANGUAGES",
    "base_language",
    "choose_encoder_name",
    "clear_encoders",
    "get_encoder",
    "l2_normalise",
]
