"""Tests of auditor.ingest: formats, metadata rules, boilerplate, captions, offsets, errors."""

from __future__ import annotations

from pathlib import Path

from auditor.ingest import load_documents

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "blinken-2023-06"


def test_example_directory_loads_all_five() -> None:
    docs, errors = load_documents([str(EXAMPLES)])
    assert errors == []
    assert [d.id for d in docs] == sorted(p.stem for p in EXAMPLES.glob("*.txt"))
