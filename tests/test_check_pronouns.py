"""Pronoun detector: gender changed between the source sentence and the reprint."""

from __future__ import annotations

import pytest

from auditor.checks import pronouns
from auditor.checks.base import CheckContext
from auditor.pipeline import DETECTORS
from tests.helpers import one_to_one, seg_doc


def check(reprint, source, lang="en", source_lang="es"):
    rep = seg_doc(reprint, lang, "rep")
    src = seg_doc(source, source_lang, "src")
    found = pronouns.run(CheckContext(rep, src, one_to_one(src, rep)))
    for f in found:
        assert rep.text[f.start:f.end] == f.text and f.detector == "pronouns"
    return [(f.text, f.source_text, f.severity) for f in found]


def test_the_detector_runs_in_the_audit():
    assert "pronouns" in DETECTORS


@pytest.mark.parametrize("reprint,source,src_lang,lang,want", [
    (["She died later in hospital, after he had called."], ["Él murió más tarde en el hospital."], "es", "en",
     []),  # both genders in the reprint: undecidable
    (["She died later in hospital."], ["Ele morreu mais tarde, disse o irmão dele."], "pt", "en", [("She", "Ele", "major")]),
    (["He said he would think about it."], ["Ella dijo que lo pensaría."], "es", "en", [("He", "Ella", "major")]),
    (["Tränen füllten ihre Augen, als er erzählte."], ["Tears filled his eyes as he spoke."], "en", "de", []),
    (["Eu não sei o que aconteceu a ele."], ["I don't know what happened to her."], "en", "pt", [("ele", "her", "major")]),
])
def test_a_pronoun_of_the_other_gender_is_flagged(reprint, source, src_lang, lang, want):
    assert check(reprint, source, lang=lang, source_lang=src_lang) == want


@pytest.mark.parametrize("reprint,source,src_lang", [
    (["She is a great captain."], ["Es un gran capitán."], "es"),  # pro-drop: nothing to compare
    (["He told her she had won."], ["Él le dijo a ella que había ganado."], "es"),  # both genders
    (["She said she was tired."], ["Ella dijo que estaba cansada."], "es"),
    # French is not judged: "elle" for la Corée du Nord, the impersonal "il était raisonnable"
    (["His complaints were familiar."], ["Elle a réitéré ses reproches."], "fr"),
    (["Firing her was reasonable."], ["Il était raisonnable de la licencier."], "fr"),
])
def test_agreeing_or_undecidable_sentences_are_clean(reprint, source, src_lang):
    assert check(reprint, source, source_lang=src_lang) == []


def test_only_as_many_pronouns_as_the_source_has_are_flagged():
    # one source pronoun: the first of three is flagged ("she took her phone from her")
    assert check(["She took her phone from her."], ["Él le quitó el teléfono."]) == [("She", "Él", "major")]


def test_no_source_no_findings():
    rep = seg_doc(["She died later."], "en", "rep")
    assert pronouns.run(CheckContext(rep)) == []
