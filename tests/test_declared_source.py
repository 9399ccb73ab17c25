"""A declared source that is not the article's source: said once, not as 30 "additions".

``auditor check draft --source wrong.txt`` used to align the draft with an unrelated text
and report every sentence as a major addition. The declared pair is still linked (the
user said so), but the linker's own test (the share of sentences with a counterpart, or
the shared five-word runs of a copy) decides whether it looks like a source; when it
does not, nothing is checked against it, the verdict is judged from the text, and the
report, the stderr warning and the gate say "the declared source does not look like the
source of this article: only N of M sentences match". Real texts: NTREX-128 documents
(an English document with the Spanish of another one), the example corpus and a realpages
Spanish original of another story.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from ntrex import data_dir, load_ntrex  # noqa: E402

from auditor.cli import main  # noqa: E402
from auditor.pipeline import AuditConfig, compare_pairs  # noqa: E402

EXAMPLES = ROOT / "examples" / "blinken-2023-06"
MT_REPRINT = next(EXAMPLES.glob("004_*"))
AFP_SHORT = next(EXAMPLES.glob("000_*"))
AFP_LONG = next(EXAMPLES.glob("001_*"))
BERLUSCONI_ES = ROOT.parent / "shared" / "data" / "realpages" / "sources" / "002.es.txt"

needs_ntrex = pytest.mark.skipif(not (data_dir() / "DOCUMENT_IDS.tsv").exists(), reason="NTREX data not available")


def _write(tmp_path: Path, name: str, lines: list[str]) -> str:
    p = tmp_path / name
    p.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    return str(p)


@pytest.fixture(scope="module")
def ntrex_pairs(tmp_path_factory):
    """Three English NTREX documents, each with its own Spanish and with another one's."""
    docs = load_ntrex()
    ids = [d for d in docs if len(docs[d]["en"]) >= 8][:4]
    tmp = tmp_path_factory.mktemp("ntrex")
    true, wrong = [], []
    for k, d in enumerate(ids[:3]):
        en = _write(tmp, f"{d}.en.txt", docs[d]["en"])
        true.append((_write(tmp, f"{d}.es.txt", docs[d]["es"]), en))
        other = ids[k + 1]
        wrong.append((_write(tmp, f"{other}.es.txt", docs[other]["es"]), en))
    return true, wrong


@needs_ntrex
def test_a_real_translation_is_not_a_mismatch(ntrex_pairs):
    true, _ = ntrex_pairs
    result = compare_pairs(true, AuditConfig(qe=False))
    reprints = [d for d in result.documents if d.link is not None]
    assert len(reprints) == 3
    for d in reprints:
        assert d.link.relation == "translation" and d.link.mismatch is None, d.link.evidence
        assert d.link.evidence["declared_match_share"] >= 0.5


@needs_ntrex
def test_an_unrelated_translation_is_said_once_not_per_sentence(ntrex_pairs):
    _, wrong = ntrex_pairs
    result = compare_pairs(wrong, AuditConfig(qe=False))
    reprints = [d for d in result.documents if d.link is not None]
    assert len(reprints) == 3
    for d in reprints:
        note = d.link.mismatch
        assert note is not None and "does not look like the source of this article: only" in note, d.link.evidence
        n, m = int(d.link.evidence["declared_matched"]), int(d.link.evidence["declared_sentences"])
        assert f"only {n} of {m} sentences match" in note and n < m / 4
        # nothing checked against the wrong text: no addition or omission at all
        assert not [f for f in d.findings if f.category in ("accuracy/addition", "accuracy/omission")]
        assert not [f for f in d.findings if f.detector == "qe"]
        assert d.verdict.mode == "text_only" and d.verdict.reasons[0].startswith("The declared source")
        assert d.alignment is not None  # still shown, as the evidence of the mismatch


def test_the_example_with_a_spanish_page_of_another_story(tmp_path, monkeypatch, capsys):
    if not BERLUSCONI_ES.exists():
        pytest.skip("realpages data not available")
    monkeypatch.chdir(tmp_path)
    code = main(["check", str(MT_REPRINT), "--source", str(BERLUSCONI_ES), "--format", "json"])
    captured = capsys.readouterr()
    doc = json.loads(captured.out)["documents"][0]
    assert code == 1
    assert "does not look like the source of this article" in doc["source"]["mismatch"]
    assert "does not look like the source of this article" in captured.err  # the stderr warning
    additions = [f for f in doc["findings"] if f["category"] in ("accuracy/addition", "accuracy/omission")]
    assert additions == []
    gate = json.loads(captured.out)["gate"]
    assert any("does not look like the source" in r for r in gate["reasons"])
    main(["check", str(MT_REPRINT), "--source", str(BERLUSCONI_ES)])
    text = capsys.readouterr().out
    assert "does not match" in text and "the declared source does not match the draft" in text


def test_same_language_copy_and_non_copy(tmp_path, monkeypatch, capsys):
    result = compare_pairs([(str(AFP_LONG), str(AFP_SHORT)), (str(AFP_LONG), str(MT_REPRINT))], AuditConfig(qe=False))
    by_path = {d.doc.document.path: d for d in result.documents}
    copy, other = by_path[str(AFP_SHORT)], by_path[str(MT_REPRINT)]
    assert copy.link.relation == "edited_copy" and copy.link.mismatch is None
    # 004 covers the story but copies nothing of 001: not its source
    assert other.link.mismatch is not None
    assert not [f for f in other.findings if f.category in ("accuracy/addition", "accuracy/omission")]
