"""The numbers detector: figures changed against the source, separator leaks."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.checks import numbers
from auditor.checks.base import CheckContext
from tests.helpers import lines_doc, one_to_one, seg_doc

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "blinken-2023-06"


def check(sentences, lang="en", source=None, source_lang="es"):
    doc = seg_doc(sentences, lang, "rep")
    if source is None:
        ctx = CheckContext(doc)
    else:
        src = seg_doc(source, source_lang, "src")
        ctx = CheckContext(doc, src, one_to_one(src, doc))
    found = numbers.run(ctx)
    for f in found:
        assert doc.text[f.start:f.end] == f.text
        assert f.detector == "numbers"
    return found


def rules(found):
    return [(f.text, f.severity, f.evidence["rule"]) for f in found]


def test_contract():
    assert numbers.NAME == "numbers"


def test_scale_word_changed():
    found = check(["The plan costs US$ 2.5 billion."], source=["El plan cuesta 2,5 millones de dólares."])
    assert rules(found) == [("US$ 2.5 billion", "major", "source-value")]
    f = found[0]
    assert f.category == "accuracy/number"
    assert f.source_text == "2,5 millones de dólares"
    assert "thousand times" in f.message


def test_spanish_billon_is_a_million_million():
    found = check(["The debt reached 2 billion euros."], source=["La deuda alcanzó 2 billones de euros."])
    assert rules(found) == [("2 billion euros", "major", "source-value")]
    assert check(["The debt reached 2 trillion euros."], source=["La deuda alcanzó 2 billones de euros."]) == []


def test_duration_changed():
    found = check(["They talked for five hours."], source=["Hablaron durante siete horas y media."])
    assert rules(found) == [("five hours", "major", "source-value")]
    assert "7.5 hours" in found[0].message


def test_percent_and_count_changed():
    assert rules(check(["Inflation rose 25%."], source=["La inflación subió un 2,5 %."])) == [
        ("25%", "major", "source-value")]
    assert rules(check(["Three people died."], source=["Murieron dos personas."])) == [
        ("Three", "major", "source-value")]
    assert rules(check(["About 1,000 people came."], source=["Vinieron unas 1.400 personas."])) == [
        ("1,000", "major", "source-value")]


def test_german_source():
    found = check(["Prices rose by 12 percent."], source=["Die Preise stiegen um 21 Prozent."], source_lang="de")
    assert rules(found) == [("12 percent", "major", "source-value")]


def test_dot_thousands_leak_confirmed_by_source():
    found = check(["More than 1.000 people attended."], source=["Más de 1.000 personas asistieron."])
    assert rules(found) == [("1.000", "major", "dot-thousands-source")]
    assert "1,000" in found[0].message


def test_dot_thousands_text_only_is_minor():
    found = check(["More than 25.000 people attended."])
    assert rules(found) == [("25.000", "minor", "dot-thousands")]


@pytest.mark.parametrize("reprint,source,lang", [
    ("The plan costs $2.5 million.", "El plan cuesta 2,5 millones de dólares.", "es"),
    ("More than 1,000 people attended.", "Más de 1.000 personas asistieron.", "es"),
    ("More than 1,000 people attended.", "Más de 1,000 personas asistieron.", "es"),
    ("They talked for seven and a half hours.", "Hablaron durante siete horas y media.", "es"),
    ("They talked for seven and a half hours.", "Ils ont parlé pendant sept heures et demie.", "fr"),
    ("A 30-minute meeting followed.", "Siguió una reunión de media hora.", "es"),
    ("Inflation rose 2.5 per cent.", "La inflación subió un 2,5 %.", "es"),
    ("About 7,000 people came.", "Vinieron unas 6.950 personas.", "es"),
    ("Some 1,500 people came.", "Environ 1 500 personnes sont venues.", "fr"),
    ("Both leaders met for 11 hours over two days.", "Los dos líderes se reunieron 11 horas en dos días.", "es"),
    ("Rain of up to 10 inches fell.", "Cayeron hasta 25 centímetros de lluvia.", "es"),
    ("It was a sunny 80 degrees.", "Hacía un día soleado de 27 grados.", "es"),
    ("Another six million people need aid.", "Six autres millions de personnes ont besoin d'aide.", "fr"),
    ("Talks began at 10:30 a.m. on June 18, 2023.", "Las conversaciones empezaron a las 10.30 el 18 de junio de 2023.", "es"),
])
def test_agreeing_figures_are_not_flagged(reprint, source, lang):
    assert check([reprint], source=[source], source_lang=lang) == []


def test_figure_omitted_is_minor():
    found = check(["Inflation rose."], source=["La inflación subió un 2,5 %."])
    assert [(f.severity, f.category) for f in found] == [("minor", "accuracy/omission")]
    assert found[0].text == "Inflation rose."


def test_clean_text_only():
    assert check(["Blinken held 5.5 hours of talks with 1,200 officials in 2023, a 3.5% rise."]) == []
    assert check(["The rate is 1.250 per cent and the ratio 2.5."]) == []


def test_no_source_language_means_text_only():
    doc = seg_doc(["More than 1,000 people attended."], "en", "rep")
    src = seg_doc(["这是一个句子。"], "zh", "src")
    assert numbers.run(CheckContext(doc, src, one_to_one(src, doc))) == []


def test_reference_corpus_text_only_is_quiet():
    for name in ("002_2e1ec42307e5552b.txt", "004_acf96132f0f084c7.txt"):
        doc = lines_doc(str(EXAMPLES / name))
        found = numbers.run(CheckContext(doc))
        for f in found:
            assert doc.text[f.start:f.end] == f.text
        assert [f for f in found if f.severity != "minor"] == []


def test_age_against_a_bare_source_count():
    found = check(["The 43-year-old was arrested."], source=["Der 13-Jährige wurde festgenommen."], source_lang="de")
    assert rules(found) == [("43-year-old", "major", "source-value")]
    assert "age of 13" in found[0].message
    assert check(["The 13-year-old was arrested."], source=["Der 13-Jährige wurde festgenommen."], source_lang="de") == []
    assert check(["A 13-year-old boy was hurt."], source=["Un niño de 13 años resultó herido."]) == []


def test_amount_whose_currency_the_source_spells_unusually():
    found = check(["The scheme will cost £5.8bn."], source=["Das Programm wird 2,8 Milliarden britische Pfund kosten."],
                  source_lang="de")
    assert rules(found) == [("£5.8bn", "major", "source-value")]
    assert check(["The scheme will cost £2.8bn."], source=["Das Programm wird 2,8 Milliarden britische Pfund kosten."],
                 source_lang="de") == []


@pytest.mark.parametrize("reprint,source,lang", [
    ("He paid her $375,000.", "Le pagó 375 000 $.", "es"),
    ("Bail was set at $350,000.", "Foi estabelecida uma fiança de 350 000 USD.", "pt"),
    ("A 17-year-old, two 18-year-olds and a 20-year-old were arrested.",
     "La police a arrêté quatre jeunes gens (âgés de 17, 18 et 20 ans).", "fr"),
    ("He became 1-of-4 players to do so.", "Wurde einer von 4 Spielern, die das schafften.", "de"),
    ("The team won 4-1 on Saturday.", "El equipo ganó 1-0 el sábado.", "es"),
    ("Rain of up to 10 inches fell.", "Bis zu 25 Zentimeter Regen fielen.", "de"),
])
def test_regrouped_or_converted_figures_are_not_flagged(reprint, source, lang):
    assert check([reprint], source=[source], source_lang=lang) == []


@pytest.mark.parametrize("reprint,source,lang,want", [
    (["More than 803 people have died."], ["Más de 800 personas murieron."], "es", ("803", "800")),
    (["Turnout needs to be 52 percent plus one vote."], ["Die Wahlbeteiligung muss bei 50 Prozent plus einer Stimme liegen."],
     "de", ("52 percent", "50 Prozent")),
    (["She will run for president in 2021."], ["Ela vai candidatar-se à presidência em 2020."], "pt", ("2021", "2020")),
])
def test_a_finer_figure_than_the_source_is_a_change_not_rounding(reprint, source, lang, want):
    found = check(reprint, source=source, source_lang=lang)
    assert [(f.text, f.source_text, f.severity) for f in found] == [(*want, "major")]


def test_a_rounder_figure_than_the_source_is_rounding():
    assert check(["Almost 7,000 people were evacuated."], source=["Casi 6.950 personas fueron evacuadas."]) == []
