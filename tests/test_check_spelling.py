"""Name-spelling detector: plural possessives, stray -s, doubled names, near misses."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.checks import spelling
from auditor.checks.base import CheckContext
from tests.helpers import lines_doc, seg_doc

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "blinken-2023-06"


def _run(doc, cluster=()):
    fs = spelling.run(CheckContext(doc=doc, cluster=tuple(cluster)))
    for f in fs:
        assert doc.text[f.start : f.end] == f.text
        assert f.category == "fluency/spelling" and f.detector == "spelling"
    return fs


BASE = [
    "US Secretary of State Antony Blinken arrived in Beijing on Sunday.",
    "Blinken met Foreign Minister Qin Gang for talks.",
    "Qin said the talks were candid, and Blinken agreed.",
    "Later, Blinken spoke to reporters.",
]


@pytest.fixture(scope="module")
def corpus():
    paths = sorted(EXAMPLES.glob("*.txt"))
    return [lines_doc(str(p), doc_id=p.name[:3]) for p in paths]


def test_reference_corpus_002(corpus):
    doc = corpus[2]
    fs = _run(doc, [d for d in corpus if d is not doc])
    texts = [f.text for f in fs]
    assert texts.count("Blinkens’") == 4
    assert "Qins" in texts
    assert all(f.severity == "minor" for f in fs)


def test_reference_copies_are_clean(corpus):
    for doc in (corpus[0], corpus[1], corpus[3]):
        assert _run(doc, [d for d in corpus if d is not doc]) == []


def test_plural_possessive_of_singular_name():
    doc = seg_doc(BASE + ["Blinkens’ trip was the first in five years."])
    fs = _run(doc)
    assert [f.text for f in fs] == ["Blinkens’"]
    assert "Blinken’s" in fs[0].message


def test_correct_possessives_are_clean():
    doc = seg_doc(BASE + ["Blinken's trip was the first in five years.", "Blinken’s aides agreed."])
    assert _run(doc) == []
    family = seg_doc([
        "Tom Jones and Ann Jones live here.", "Jones said the house was old.", "Jones agreed.",
        "The Joneses' house was sold.", "The Smiths’ car was parked outside.",
    ])
    assert _run(family) == []


def test_spurious_plural_on_name():
    doc = seg_doc(BASE + ["It was the meeting between Qins and Blinken that mattered."])
    assert [f.text for f in _run(doc)] == ["Qins"]


def test_real_plural_names_are_clean():
    doc = seg_doc([
        "Serena Williams won, and Williams thanked the crowd.", "Williams will play again on Monday.",
        "The Democrats and the Americans both voted.", "Both Clintons attended with the Kennedys.",
    ])
    assert _run(doc) == []


def test_doubled_name_token():
    doc = seg_doc(["Foreign policy chief Wang Yi met Blinken.", "Later Wang Yi Yi said the talks were useful."])
    fs = _run(doc)
    assert [f.text for f in fs] == ["Wang Yi Yi"]


def test_near_miss_of_frequent_name():
    doc = seg_doc(BASE + ["Blinken left on Monday.", "Reporters asked Blinkin about Taiwan."])
    fs = _run(doc)
    assert [f.text for f in fs] == ["Blinkin"]
    assert "Blinken" in fs[0].message


def test_different_people_with_similar_names_are_clean():
    doc = seg_doc([
        "Boris Johnson spoke first.", "Johnson said the plan was ready.", "Johnson left early.",
        "Later Mark Johnston, a farmer, said Johnson was wrong.",
        "Xi met Xu in Beijing.", "Xi said Xi and Xu agreed.",
    ])
    assert _run(doc) == []


def test_demonym_plural_and_other_language_source_are_clean():
    doc = seg_doc(["Czech officials met.", "The Czech Republic agreed, Czech media said.", "Czech Television reported.",
                   "Just like Czechs like dumplings, Slovaks like cheese."])
    assert _run(doc) == []
    from auditor.checks.base import CheckContext as Ctx
    en = seg_doc(["Indonesian officials said the Indonesian Red Cross was helping."], "en", "r")
    de = seg_doc(["Indonesien sagte, Indonesien helfe.", "Indonesien und Indonesien.", "Indonesien."], "de", "s")
    assert spelling.run(Ctx(doc=en, source=de)) == []


def test_rare_similar_surnames_are_not_corrections():
    doc = seg_doc(["Ms Davis spoke.", "Davis said it was fine.", "Davis left.", "Her friend Ms Davies agreed."])
    assert _run(doc) == []
