"""Date forms found missing against dateparser's test strings, and MT artefacts, as our own cases."""

from __future__ import annotations

import pytest

from auditor.checks import dates as date_check
from auditor.checks.base import CheckContext
from auditor.text import dates_fallback
from auditor.text.dates import find_dates
from tests.helpers import one_to_one, seg_doc


def ymd(text: str, lang: str) -> list[tuple]:
    found = find_dates(text, lang)
    for m in found:
        assert text[m.start:m.end] == m.text
    return [(m.year, m.month, m.day) for m in found if m.month]


@pytest.mark.parametrize(
    "text,lang,want",
    [
        ("La final será el 21 junio 2024 en Lima.", "es", (2024, 6, 21)),
        ("Publicado el 4 Noviembre, 2019.", "es", (2019, 11, 4)),
        ("Publicado em 3 março 2022", "pt", (2022, 3, 3)),
    ],
)
def test_day_month_without_de(text, lang, want):
    assert ymd(text, lang) == [want]


@pytest.mark.parametrize(
    "text,lang,want",
    [
        ("Actualizado marzo 8, 2021 a las 10:00", "es", (2021, 3, 8)),
        ("Mis à jour janvier 3 2019", "fr", (2019, 1, 3)),
        ("Aggiornato Aprile 2, 2020", "it", (2020, 4, 2)),
    ],
)
def test_month_first_with_year(text, lang, want):
    assert ymd(text, lang) == [want]


def test_month_first_without_year_is_not_a_date_outside_english():
    assert ymd("Ganaron marzo 8 a 2", "es") == []


@pytest.mark.parametrize(
    "text,lang,want",
    [
        ("Llegó el 3 Ene y se fue.", "es", (None, 1, 3)),
        ("Publié le 4 fév. 2020", "fr", (2020, 2, 4)),
        ("Arrivato il 8 ott 2021", "it", (2021, 10, 8)),
        ("Stand: 7 Okt 2018", "de", (2018, 10, 7)),
        ("Erschienen am 9 mrz 2001", "de", (2001, 3, 9)),
        ("Atualizado em 2 out 2017", "pt", (2017, 10, 2)),
    ],
)
def test_abbreviated_months(text, lang, want):
    assert ymd(text, lang) == [want]


@pytest.mark.parametrize("text,lang,want", [("Stand: 10-Okt-2016", "de", (2016, 10, 10)),
                                            ("Filed 5-Jan-2019", "en", (2019, 1, 5))])
def test_hyphenated_day_month_year(text, lang, want):
    assert ymd(text, lang) == [want]


def test_time_right_after_the_date():
    assert ymd("Posted 12 December 10:30 GMT", "en") == [(None, 12, 12)]
    assert ymd("Sat Jan 05 14:00:00 2019", "en") == [(2019, 1, 5)]


def test_years_before_1800_when_the_clause_ends():
    assert ymd("Colón llegó el 12 de octubre de 1492.", "es") == [(1492, 10, 12)]
    assert ymd("On June 5 1500 people marched.", "en") == [(None, 6, 5)]


def test_lowercase_english_month_between_day_and_year():
    assert ymd("filed on 25th march 2015, she said", "en") == [(2015, 3, 25)]
    assert ymd("you may march 5 times", "en") == []


def test_day_before_month_is_not_misread_as_month_day():
    assert ymd("On 12 December 10 people were killed.", "en") == [(None, 12, 12)]


@pytest.mark.parametrize(
    "text,flag",
    [
        ("signed on June 18. 2023.", "year-dot"),
        ("signed on March 18 June 2023 in Paris", "two-months"),
        ("dated 31/06/2023.", "impossible-day"),
        ("on the 5th of May of 2021", "of-year"),
        ("on 18 June of 2023", "of-year"),
    ],
)
def test_mt_artefacts_are_flagged(text, flag):
    found = find_dates(text, "en")
    assert len(found) == 1 and flag in found[0].flags


def test_lookalikes_are_not_flagged():
    assert [m.flags for m in find_dates("He was born in May of 2001.", "en")] == [()]
    assert ymd("It ended on June 18. 2023 was a hard year.", "en") == [(None, 6, 18)]


def _check(reprint, source, source_lang):
    doc = seg_doc(reprint, "en", "rep")
    src = seg_doc(source, source_lang, "src")
    return date_check.run(CheckContext(doc, src, one_to_one(src, doc)))


@pytest.mark.parametrize(
    "sentence,rule",
    [
        ("The accord was signed on June 18. 2023.", "year-dot"),
        ("The accord was signed on March 18 June 2023.", "two-months"),
        ("The accord was signed on 31/06/2023.", "impossible-day"),
        ("The accord was signed on the 5th of May of 2021.", "of-year"),
    ],
)
def test_date_check_reports_artefacts(sentence, rule):
    doc = seg_doc([sentence], "en", "rep")
    found = date_check.run(CheckContext(doc))
    assert [f.evidence["rule"] for f in found] == [rule]


def test_source_date_outside_the_grammar_is_read_by_dateparser():
    assert dates_fallback.available()
    found = _check(["The talks took place on 19 June 2023."], ["Переговоры прошли 18 июня 2023 года."], "ru")
    assert [(f.text, f.evidence["rule"]) for f in found] == [("19 June 2023", "source-date")]
    assert str(found[0].evidence["source_dates_read_by"]).startswith("dateparser ")
    assert not _check(["The talks took place on 18 June 2023."], ["Переговоры прошли 18 июня 2023 года."], "ru")


def test_unreadable_source_date_is_said_in_the_evidence(monkeypatch):
    monkeypatch.setattr(date_check, "read_full_dates", lambda text, lang: ())
    found = _check(["The accord was signed on 31 June 2023."], ["El acuerdo se firmó el día treinta y uno de junio de 2023."], "es")
    assert [f.evidence["rule"] for f in found] == ["impossible-day"]
    assert "not compared" in str(found[0].evidence["source_dates_unread"])


def test_dateparser_readings_must_print_year_and_day():
    # dateparser completes "20日" (the 20th) into a full date; the source never printed one
    assert dates_fallback.read_full_dates("在２０日，他说。", "zh") == ()
    got = dates_fallback.read_full_dates("会谈于２０２３年６月１８日举行。", "zh")
    assert [(m.year, m.month, m.day) for m in got] == [(2023, 6, 18)]


def test_same_digits_in_the_source_are_no_change():
    assert not _check(["The decree is dated 10.04.2022."], ["Указ датований 10.04.2022."], "uk")


def test_a_day_the_source_prints_is_not_called_changed_when_dateparser_read_part_of_it():
    found = _check(["The referendum of 17 March 1991 was ignored on 8 December 1991."],
                   ["Referendum ze 17. března 1991 bylo 8. prosince 1991 ignorováno."], "cs")
    assert [f.evidence["rule"] for f in found] == []
