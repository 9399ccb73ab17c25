"""Entity detector: alias table, source disagreements, cluster consensus, title drift."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.checks import entities
from auditor.checks.base import CheckContext
from auditor.checks.entities import find_mentions, load_aliases
from tests.helpers import lines_doc, one_to_one, seg_doc

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "blinken-2023-06"


def _check(doc, findings):
    for f in findings:
        assert doc.text[f.start : f.end] == f.text
        assert f.category == "accuracy/entity"
        assert f.detector == "entities"


@pytest.fixture(scope="module")
def corpus():
    paths = sorted(EXAMPLES.glob("*.txt"))
    return [lines_doc(str(p), doc_id=p.name[:3]) for p in paths]


def test_alias_table_has_multilingual_groupings():
    ids = {(a.id, a.lang) for a in load_aliases()}
    for cid in ("G7", "G20", "UN", "NATO", "EU", "WHO", "IMF", "WTO", "ASEAN", "APEC", "BRICS", "OPEC", "UNSC"):
        assert any(i == cid for i, _ in ids), cid
    assert {m.id for m in find_mentions("la cumbre del Grupo de los Veinte y la OTAN")} == {"G20", "NATO"}
    assert {m.id for m in find_mentions("the Group of Seven and the G-20")} == {"G7", "G20"}


def test_acronyms_are_case_sensitive_and_bodies_need_no_owner():
    assert find_mentions("il y a un accord et une who") == []
    assert [m.id for m in find_mentions("the UN Security Council met")] == ["UNSC"]
    assert all(m.id != "UNSC" for m in find_mentions("the White House National Security Council said"))


def test_models_dir_env_override(tmp_path, monkeypatch):
    (tmp_path / "entities").mkdir()
    (tmp_path / "entities" / "aliases.csv").write_text("id,alias,lang,kind\nXYZ,Foo Union,en,organisation\n")
    monkeypatch.setenv("AUDITOR_MODELS_DIR", str(tmp_path))
    assert entities.models_dir() == tmp_path
    assert [a.id for a in load_aliases(str(tmp_path / "entities" / "aliases.csv"))] == ["XYZ"]


def test_source_grouping_swap_is_flagged_against_spanish_source():
    src = seg_doc(["Biden y Xi se reunieron en la cumbre del G20 en Bali en noviembre."], "es", "src")
    rep = seg_doc(["Biden and Xi met at the Group of Seven summit in Bali in November."], "en", "rep")
    fs = entities.run(CheckContext(doc=rep, source=src, alignment=one_to_one(src, rep)))
    _check(rep, fs)
    assert [f.text for f in fs] == ["Group of Seven"]
    assert fs[0].severity == "critical"  # anchored in place and time: a checkable false claim
    assert "G20" in fs[0].message and fs[0].source_text


def test_same_grouping_in_another_language_is_clean():
    src = seg_doc(["La cumbre del Grupo de los Veinte se celebró en Bali."], "es", "src")
    rep = seg_doc(["The G20 summit was held in Bali."], "en", "rep")
    assert entities.run(CheckContext(doc=rep, source=src, alignment=one_to_one(src, rep))) == []


def test_person_swap_against_source():
    src = seg_doc(["El ministro Wang Yi dijo que el diálogo continuará."], "es", "src")
    rep = seg_doc(["Minister Qin Gang said the dialogue would continue."], "en", "rep")
    fs = entities.run(CheckContext(doc=rep, source=src, alignment=one_to_one(src, rep)))
    _check(rep, fs)
    assert [f.text for f in fs] == ["Qin Gang"] and fs[0].severity == "major"


def test_translated_institution_names_are_not_people():
    src = seg_doc(["La Casa Blanca y el Tribunal Supremo respondieron."], "es", "src")
    rep = seg_doc(["The White House and the Supreme Court responded."], "en", "rep")
    assert entities.run(CheckContext(doc=rep, source=src, alignment=one_to_one(src, rep))) == []


def test_cluster_consensus_on_reference_corpus(corpus):
    doc = corpus[4]
    fs = entities.run(CheckContext(doc=doc, cluster=tuple(d for d in corpus if d is not doc)))
    _check(doc, fs)
    g7 = [f for f in fs if f.evidence.get("rule") == "cluster-event"]
    assert [f.text for f in g7] == ["Group of Seven"]
    assert g7[0].severity == "major"
    assert "001" in g7[0].message and "002" in g7[0].message


def test_title_drift_on_reference_corpus(corpus):
    doc = corpus[4]
    fs = entities.run(CheckContext(doc=doc, cluster=tuple(d for d in corpus if d is not doc)))
    titles = [f for f in fs if f.evidence.get("rule") == "title-drift"]
    assert [f.text for f in titles] == ["State Councilor"]
    assert titles[0].severity == "minor" and "Foreign Minister" in titles[0].message


def test_faithful_copies_in_corpus_are_clean(corpus):
    for doc in corpus[:2]:
        fs = entities.run(CheckContext(doc=doc, cluster=tuple(d for d in corpus if d is not doc)))
        assert [f for f in fs if f.severity != "minor"] == []


def test_different_occasion_is_not_a_contradiction():
    doc = seg_doc(["Leaders met at the G7 summit in Hiroshima in May."], "en", "a")
    other1 = seg_doc(["Biden and Xi met at the G20 summit in Bali in November."], "en", "b")
    other2 = seg_doc(["The Group of 20 summit in Bali in November was tense."], "en", "c")
    assert entities.run(CheckContext(doc=doc, cluster=(other1, other2))) == []


def test_no_cluster_no_source_no_findings():
    doc = seg_doc(["Biden and Xi met at the Group of Seven summit in Indonesia last November."], "en")
    assert entities.run(CheckContext(doc=doc)) == []


def test_title_drift_contradicting_spanish_source_is_major():
    others = (
        seg_doc(["Foreign Minister Qin Gang met Blinken.", "Foreign Minister Qin Gang spoke."], "en", "o1"),
        seg_doc(["Chinese Foreign Minister Qin Gang agreed to visit."], "en", "o2"),
    )
    src = seg_doc(["Blinken habló con el canciller Qin Gang en Pekín."], "es", "src")
    rep = seg_doc(["Blinken spoke with State Councilor Qin Gang in Beijing."], "en", "rep")
    fs = entities.run(CheckContext(doc=rep, source=src, alignment=one_to_one(src, rep), cluster=others))
    _check(rep, fs)
    assert [(f.text, f.severity) for f in fs] == [("State Councilor", "major")]
    fs2 = entities.run(CheckContext(doc=rep, cluster=others))
    assert [(f.text, f.severity) for f in fs2] == [("State Councilor", "minor")]


def test_past_titles_are_not_drift():
    others = (seg_doc(["Foreign Minister Qin Gang met Blinken.", "Foreign Minister Qin Gang spoke."], "en", "o1"),)
    rep = seg_doc(["Former Ambassador Qin Gang met Blinken."], "en", "rep")
    assert entities.run(CheckContext(doc=rep, cluster=others)) == []
