"""Entity detector, names put in the wrong sentence (``auditor/checks/name_swaps.py``)."""

from __future__ import annotations

import pytest

from auditor.checks import entities
from auditor.checks.base import CheckContext
from auditor.checks.name_swaps import same_name
from tests.helpers import one_to_one, seg_doc

SRC = ["Los ladrones robaron 26.750 dólares en Newport on the Levee.",
       "El detective Dennis McCarthy escribió el comunicado.",
       "La policía de Newport pide ayuda."]


def _run(src_lines, rep_lines, src_lang="es"):
    src = seg_doc(src_lines, src_lang, "src")
    rep = seg_doc(rep_lines, "en", "rep")
    fs = entities.run(CheckContext(doc=rep, source=src, alignment=one_to_one(src, rep)))
    for f in fs:
        assert rep.text[f.start:f.end] == f.text
    return [f for f in fs if f.evidence.get("rule") == "source-name-swap"]


def test_a_story_name_in_the_wrong_sentence_quotes_the_name_it_replaced():
    fs = _run(SRC, ["Thieves stole $26,750 at McCarthy on the Levee.",
                    "Detective Dennis McCarthy wrote the release.",
                    "Newport police are asking for help."])
    assert [(f.text, f.source_text, f.severity) for f in fs] == [("McCarthy", "Newport", "major")]
    assert f"“Newport”" in fs[0].message


def test_sources_in_another_script_are_not_compared():
    src = ["Воры украли деньги в Ньюпорте.", "Детектив Деннис Маккарти написал отчёт.", "Полиция Ньюпорта просит помощи."]
    rep = ["Thieves stole money at McCarthy.", "Detective Dennis McCarthy wrote the release.", "Newport police ask for help."]
    assert _run(src, rep, "ru") == []


def test_same_name_reads_inflections_and_spelling_variants_but_keeps_other_names_apart():
    assert same_name("sulawesis", "sulawesi")
    assert same_name("molinaris", "molinari")
    assert same_name("ram", "rahm")  # one letter more, none changed
    assert not same_name("paul", "saul")
    assert not same_name("palu", "peru")


@pytest.mark.parametrize("src,rep", [
    # a faithful translation
    (SRC, ["Thieves stole $26,750 at Newport on the Levee.", "Detective Dennis McCarthy wrote the release.",
           "Newport police are asking for help."]),
    # "Alemania" / "Germany": neither document writes the other's form
    (["Alemania y Francia firmaron el acuerdo en Berlín.", "Scholz habló con Macron en París."],
     ["Germany and France signed the deal in Berlin.", "Scholz spoke to Macron in Paris."]),
    # a name added for a pronoun
    (["Dijo que no firmaría.", "McCarthy llegó el lunes a Newport."],
     ["McCarthy said he would not sign.", "McCarthy arrived in Newport on Monday."]),
    # another part of one of the source's full names
    (["A nova ama Giselle Maurice chegou em 2016.", "O casal disse que despedir Giselle foi lógico."],
     ["The new nanny, Giselle Maurice, arrived in 2016.", "The couple said firing Maurice was reasonable."]),
    # the rest of a name the source sentence writes alone
    (["Trump habló con el Tribunal Supremo.", "Donald Trump llegó a Estados Unidos.", "USA Today lo publicó."],
     ["Donald Trump spoke to the Supreme Court.", "Donald Trump arrived in the United States.",
      "USA Today published it."]),
    # an acronym of the source name
    (["Llegó a United States el lunes.", "La cadena USA Network lo emitió."],
     ["He arrived in the USA on Monday.", "The USA Network channel aired it."]),
    # Measured: accepting any capitalised source word as the replaced name ("every mention
    # of Sulawesi was swapped") flagged 30 names per 1,000 sentences of NTREX's human
    # translations ("HIV" for "VIH", "China" for "Pékin"), so the reprint must write it.
    (["Un terremoto sacudió la isla de Sulawesi el viernes.", "En la ciudad de Palu hubo un festival."],
     ["An earthquake hit the island of Palu on Friday.", "In the city of Palu there was a festival."]),
])
def test_names_that_are_not_swaps(src, rep):
    assert _run(src, rep) == []
