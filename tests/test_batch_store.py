"""The sqlite + JSONL store: transactions, idempotent inserts, JSONL reconciliation."""

from __future__ import annotations

import json

import numpy as np
import pytest

from auditor.batch.prepare import Prepared, Sketch
from auditor.batch.sources import PageError
from auditor.batch.store import Store, StoreExists, decode_document, encode_document
from auditor.types import Document, OffsetMap


def _doc(i: str) -> Document:
    return Document(id=i, path=f"{i}.html", text="Some text here. More text.", title="T", url="https://a.example/x",
                    site="a.example", captions=((0, 4),), offsets=OffsetMap((0, 5), (10, 20)))


def _prep(i: str) -> Prepared:
    return Prepared(_doc(i), Sketch(i, "en", np.arange(64, dtype=np.uint64), np.ones(8, np.float32) / 8 ** 0.5, 5))


def _row(i: str, findings=()):
    return {"id": i, "path": f"{i}.html", "site": "a.example", "status": "audited", "verdict": "original",
            "p_mt": 0.1, "n_findings": len(findings), "result": {"id": i, "findings": list(findings)}}


def test_document_round_trip():
    d = _doc("x")
    assert decode_document(encode_document(d)) == d


def test_refuses_existing_store_without_resume(tmp_path):
    Store(str(tmp_path)).close()
    with pytest.raises(StoreExists):
        Store(str(tmp_path))
    Store(str(tmp_path), resume=True).close()


def test_pass1_spill_and_sketches(tmp_path):
    st = Store(str(tmp_path))
    st.add_prepared([_prep("b"), _prep("a"), PageError("e", "bad.html", "binary file")])
    assert [s.id for s in st.sketches()] == ["a", "b"]
    assert st.documents(["b", "a"])[0].id == "b"
    assert st.known_ids() == {"a", "b", "e"}
    assert st.counts() == {"audited": 0, "error": 1}
    st.close()


def test_results_are_idempotent_and_logged(tmp_path):
    st = Store(str(tmp_path))
    f = {"start": 0, "end": 4, "category": "accuracy/date", "severity": "major", "detector": "dates",
         "message": "m", "text": "Some"}
    assert st.add_results([_row("a", [f]), _row("b")]) == 2
    assert st.add_results([_row("a", [f])]) == 0  # already stored: not twice
    assert st.db.execute("SELECT COUNT(*) FROM findings").fetchone()[0] == 1
    st.close()
    lines = (tmp_path / "results.jsonl").read_text().splitlines()
    assert [json.loads(x)["id"] for x in lines] == ["a", "b"]


def test_failed_transaction_leaves_nothing(tmp_path):
    st = Store(str(tmp_path))
    bad = _row("c")
    bad["result"] = {"findings": [{"start": object()}]}  # not bindable: sqlite raises mid-cluster
    with pytest.raises(Exception):
        st.add_results([_row("a"), bad])
    assert st.counts() == {"audited": 0, "error": 0}
    st.close()


def test_resume_reconciles_torn_and_missing_jsonl(tmp_path):
    st = Store(str(tmp_path))
    st.add_results([_row("a"), _row("b"), _row("c")])
    st.close()
    log = tmp_path / "results.jsonl"
    lines = log.read_text().splitlines(keepends=True)
    log.write_text(lines[0] + lines[1][:10])  # "killed" mid-write; "c" never logged
    st = Store(str(tmp_path), resume=True)
    st.close()
    ids = [json.loads(x)["id"] for x in log.read_text().splitlines()]
    assert sorted(ids) == ["a", "b", "c"]
