"""Loader for the word tables of the text layer (``models/text/``).

Knowledge lives in data files, one entry a line, so that adding an abbreviation or a
month spelling is an edit to a table, not to a regular expression. Each file is read once
per process. ``AUDITOR_MODELS_DIR`` points at another ``models/`` folder (tests, installs).
A missing or malformed table is an error with the file and line in the message: a
splitter silently running without its abbreviation table would cut after every "Dr.".
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

__all__ = ["text_models_dir", "read_rows"]


def text_models_dir() -> Path:
    """The ``models/text`` folder (``$AUDITOR_MODELS_DIR/text`` when set)."""
    env = os.environ.get("AUDITOR_MODELS_DIR")
    base = Path(env) if env else Path(__file__).resolve().parents[2] / "models"
    return base / "text"


@lru_cache(maxsize=None)
def read_rows(name: str, columns: int) -> tuple[tuple[str, ...], ...]:
    """Rows of ``models/text/<name>``: tab-separated, ``columns`` fields, ``#`` comments."""
    path = text_models_dir() / name
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuntimeError(f"text table missing: {path} ({exc.strerror})") from None
    rows: list[tuple[str, ...]] = []
    for n, line in enumerate(raw.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = tuple(f.strip() for f in line.split("\t"))
        if len(fields) != columns or not all(fields):
            raise RuntimeError(f"{path}:{n}: expected {columns} tab-separated fields, got {line!r}")
        rows.append(fields)
    return tuple(rows)
