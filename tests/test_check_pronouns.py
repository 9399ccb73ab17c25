"""Pronoun detector: gender changed between the source sentence and the reprint."""

from __future__ import annotations

import pytest

from auditor.checks import pronouns
from auditor.checks.base import CheckContext
from auditor.pipeline import DETECTORS
from tests.helpers import one_to_one, seg_doc


def check(reprint, source, lang="en", source_lang="fr"):
    rep = seg_doc(reprint, lang, "rep")
    src = seg_doc(source, source_lang, "src")
    found = pronouns.run(CheckContext(rep, src, one_to_one(src, rep)))
    for f in found:
        assert rep.text[f.start:f.end] == f.text and f.detector == "pronouns"
    return [(f.text, f.source_text, f.severity) for f in found]


def test_the_detector_runs_in_the_audit():
    assert "pronouns" in DETECTORS


@pytest.mark.parametrize("reprint,source,src_lang,lang,want", [
    (["She died later in hospital."], ["Il est décédé plus tard à l’hôpital."], "fr", "en", [("She", "Il", "major")]),
    (["He said he would think about it."], ["Ella dijo que lo pensaría."], "es", "en", [("He", "Ella", "major")]),
    (["Tränen füllten ihre Augen, als er erzählte."], ["Tears filled his eyes as he spoke."], "en", "de", []),
    (["Eu não sei o que aconteceu a ele."], ["I don't know what happened to her."], "en", "pt", [("ele", "her", "major")]),
])
def test_a_pronoun_of_the_other_gender_is_flagged(reprint, source, src_lang, lang, want):
    assert check(reprint, source, lang=lang, source_lang=src_lang) == want


@pytest.mark.parametrize("reprint,source,src_lang", [
    (["She is a great captain."], ["Es un gran capitán."], "es"),  # pro-drop: nothing to compare
    (["He told her she had won."], ["Il lui a dit qu’elle avait gagné."], "fr"),  # both genders
    (["She says there are two options."], ["Il y a deux options, dit-elle."], "fr"),  # impersonal "il"
    (["She said it was time to go."], ["Il est temps de partir."], "fr"),
    (["She said she was tired."], ["Elle a dit qu’elle était fatiguée."], "fr"),
])
def test_agreeing_or_undecidable_sentences_are_clean(reprint, source, src_lang):
    assert check(reprint, source, source_lang=src_lang) == []


def test_elided_pronouns_are_read_and_extra_ones_are_not_flagged():
    # "lorsqu’il" holds "il"; one source pronoun, so only the first of three is flagged
    assert check(["When she arrived, she took her phone."], ["Lorsqu’il est arrivé, il a pris le téléphone."]) \
        == [("she", "il", "major"), ("she", "il", "major")]
    assert check(["She took her phone from her."], ["Il aurait pris le téléphone."]) == [("She", "Il", "major")]


def test_no_source_no_findings():
    rep = seg_doc(["She died later."], "en", "rep")
    assert pronouns.run(CheckContext(rep)) == []
