"""The dates detector: grammar breaks, weekday contradictions, source disagreements, calques."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.checks import dates
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
    found = dates.run(ctx)
    for f in found:
        assert doc.text[f.start:f.end] == f.text
        assert f.detector == "dates"
    return found


def rules(found):
    return [(f.text, f.severity, f.evidence["rule"]) for f in found]


def test_contract():
    assert dates.NAME == "dates"


def test_two_months_caption():
    found = check(["Blinken and Qin shake hands in Beijing on April 18. June 2023. Credit: AFP"])
    assert rules(found) == [("April 18. June 2023", "major", "two-months")]
    f = found[0]
    assert f.category == "accuracy/date"
    assert "18 June 2023" in f.message and "April" in f.message


def test_impossible_day():
    assert rules(check(["The deadline is June 31, 2023."])) == [("June 31, 2023", "major", "impossible-day")]


def test_weekday_contradicts_date():
    found = check(["The talks began on Monday, June 18, 2023."])
    assert rules(found) == [("Monday, June 18, 2023", "major", "weekday-contradicts-date")]
    assert "Sunday" in found[0].message


def test_weekday_contradiction_uses_article_year():
    found = check(["The visit ended on June 20, 2023.", "It began on Monday, June 18."])
    assert rules(found) == [("Monday, June 18", "major", "weekday-contradicts-date")]
    assert found[0].evidence["year_inferred"] is True


def test_word_order_calques_are_minor():
    assert rules(check(["He arrived on the 18 of June."])) == [("the 18 of June", "minor", "of-order")]
    assert rules(check(["He arrived on 18. June 2023."])) == [("18. June 2023", "minor", "ordinal-dot")]


@pytest.mark.parametrize(
    "sentence",
    [
        "Blinken arrived in Beijing on June 18, 2023.",
        "The talks ended on Monday, June 19, 2023.",  # 19 June 2023 was a Monday
        "The talks began on 18 June 2023.",  # British order
        "The talks began on Sunday 18 June.",
        "He met Xi on Monday and left on Tuesday.",
        "It will be decided this Monday, officials said.",  # future: idiomatic
        "The Sunday Times reported the visit.",
        "He was born on the 18th of June 1990.",
        "Max Raabe had wanted to celebrate his birthday in Leipzig this Sunday.",
    ],
)
def test_clean_english_is_not_flagged(sentence):
    assert check([sentence]) == []


@pytest.mark.parametrize(
    "sentence,rule",
    [
        ("Earlier this Monday morning, Blinken met China's top diplomat.", "earlier-this-weekday"),
        ("This Monday is expected to be a key test for both powers.", "this-weekday-as-subject"),
        ("The first day of the visit, this Sunday, was marked by tensions.", "this-weekday-apposition"),
        ("Blinken met Wang Yi this Monday in Beijing.", "this-weekday-past-narrative"),
    ],
)
def test_this_weekday_calque(sentence, rule):
    found = check([sentence])
    assert [(f.severity, f.category, f.evidence["rule"]) for f in found] == [("minor", "style/literal", rule)]
    spanish = {"Monday": "este lunes", "Sunday": "este domingo"}[found[0].text.split()[-1]]
    assert spanish in found[0].message  # the weekday actually found (issue 11)


def test_source_date_disagrees():
    found = check(["The meeting took place on June 19."], source=["La reunión tuvo lugar el 18 de junio."])
    assert rules(found) == [("June 19", "major", "source-date")]
    assert found[0].source_text == "18 de junio"


def test_source_weekday_disagrees():
    found = check(["Blinken met Xi on Monday, June 19."], source=["Blinken se reunió con Xi el domingo 18 de junio."])
    assert ("Monday, June 19", "major", "source-date") in rules(found)
    found = check(["Blinken met Xi on Monday."], source=["Blinken se reunió con Xi el domingo."])
    assert rules(found) == [("Monday", "major", "source-weekday")]


def test_reprint_weekday_against_source_full_date():
    found = check(["He spoke on Monday."], source=["Habló el 18 de junio de 2023."])
    assert rules(found) == [("Monday", "major", "source-weekday")]


def test_a_bare_month_the_source_names_differently():
    found = check(["Biden said he would decide officially by October, the AP reported."],
                  source=["Selon l’AP, Biden a déclaré qu’il prendrait une décision officielle d’ici janvier."],
                  source_lang="fr")
    assert rules(found) == [("October", "major", "source-month-name")]
    assert found[0].source_text == "janvier"
    # a name is not a month, and a full date stays the date rule's (one finding, not two)
    assert check(["Theresa May spoke in June."], source=["Theresa May habló en junio."]) == []
    found = check(["The meeting took place on July 18."], source=["La reunión tuvo lugar el 18 de junio."])
    assert rules(found) == [("July 18", "major", "source-date")]


@pytest.mark.parametrize(
    "reprint,source,lang",
    [
        (["He will decide by January, the agency said."], ["Decidirá en enero, dijo la agencia."], "es"),
        (["Between May and June, prices rose."], ["Entre junio y mayo subieron los precios."], "es"),
        (["The meeting took place on June 18."], ["La reunión tuvo lugar el 18 de junio."], "es"),
        (["They met on Sunday, June 18, 2023."], ["Se reunieron el domingo 18 de junio de 2023."], "es"),
        (["They met on Sunday."], ["Ils se sont rencontrés dimanche."], "fr"),
        (["They met on 18 June 2023."], ["Sie trafen sich am 18. Juni 2023."], "de"),
        (["They met on Monday."], ["Eles se encontraram nesta segunda-feira."], "pt"),
        (["The talks ran from June 18 to June 20."], ["Las conversaciones fueron del 18 al 20 de junio."], "es"),
        (["Rain late Sunday and early Monday, then Tuesday."], ["Lluvia el domingo y el martes."], "es"),
    ],
)
def test_agreeing_source_is_not_flagged(reprint, source, lang):
    assert [f for f in check(reprint, source=source, source_lang=lang) if f.category == "accuracy/date"] == []


def test_this_monday_against_este_lunes_is_no_date_error():
    found = check(["Blinken met Wang Yi this Monday in Beijing."],
                  source=["Blinken se reunió este lunes con Wang Yi en Pekín."])
    assert [f.category for f in found] == ["style/literal"]
    assert found[0].source_text == "este lunes"


def test_two_months_confirmed_by_source():
    found = check(["Qin and Blinken in Beijing on April 18. June 2023."],
                  source=["Qin y Blinken en Pekín el 18 de junio de 2023."])
    assert rules(found) == [("April 18. June 2023", "major", "two-months")]


def test_reference_reprint_004():
    doc = lines_doc(str(EXAMPLES / "004_acf96132f0f084c7.txt"))
    found = dates.run(CheckContext(doc))
    for f in found:
        assert doc.text[f.start:f.end] == f.text
    texts = {(f.text, f.severity) for f in found}
    assert ("April 18. June 2023", "major") in texts
    assert ("Earlier this Monday", "minor") in texts
    assert ("This Monday", "minor") in texts
    assert ("this Sunday", "minor") in texts
    assert not any(f.text.startswith("June 18, 2023") or f.text == "June 19, 2023" for f in found)


@pytest.mark.parametrize("name", ["000_020213ffb606731c.txt", "001_318b605aa1cf8430.txt", "003_395f7e35265b66e0.txt"])
def test_wire_copies_are_clean(name):
    doc = lines_doc(str(EXAMPLES / name))
    assert [f for f in dates.run(CheckContext(doc)) if f.severity != "minor"] == []


def test_month_year_background_gives_no_year_hint():
    # "March 2022" is background; it must not date "Saturday, December 11" (a Saturday in 2021).
    assert check(["The law was passed in March 2022.", "It was reported on Saturday, December 11."]) == []
