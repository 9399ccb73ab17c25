"""The multilingual number/quantity parser: digits, words, separators, units, kinds."""

from __future__ import annotations

import pytest

from auditor.text.numbers import find_quantities, same_value


def one(text, lang="en"):
    found = find_quantities(text, lang)
    assert len(found) == 1, found
    q = found[0]
    assert text[q.start:q.end] == q.text
    return q


@pytest.mark.parametrize("text,lang,value,unit", [
    ("They talked for seven and a half hours.", "en", 7.5, "hour"),
    ("Hablaron durante siete horas y media.", "es", 7.5, "hour"),
    ("Ils ont parlé sept heures et demie.", "fr", 7.5, "hour"),
    ("Sie sprachen sieben Stunden.", "de", 7.0, "hour"),
    ("Conversaram durante sete horas e meia.", "pt", 7.5, "hour"),
    ("The talks lasted 11 hours.", "en", 11.0, "hour"),
    ("a 30-minute meeting", "en", 30.0, "minute"),
    ("the first visit in five years", "en", 5.0, "year"),
    ("I ran nine-and-a-half laps in two weeks", "en", 2.0, "week"),
])
def test_durations(text, lang, value, unit):
    q = [q for q in find_quantities(text, lang) if q.kind == "duration"][0]
    assert text[q.start:q.end] == q.text
    assert (q.value, q.unit) == (value, unit)


def test_half_units_compare_in_seconds():
    half = one("a half-hour call")
    media = one("una reunión de media hora", "es")
    thirty = one("a 30-minute meeting")
    assert half.seconds == media.seconds == thirty.seconds == 1800
    assert same_value(half, thirty) and same_value(media, thirty)


def test_word_half_number():
    q = [q for q in find_quantities("nine-and-a-half victories", "en")][0]
    assert q.value == 9.5 and q.text == "nine-and-a-half"


@pytest.mark.parametrize("text,lang,value", [
    ("1,000.5 people", "en", 1000.5),
    ("1.000,5 personas", "es", 1000.5),
    ("1.000,5 Menschen", "de", 1000.5),
    ("1 000 personnes", "fr", 1000.0),
    ("1\u202f000 personnes", "fr", 1000.0),
    ("1.000 pessoas", "pt", 1000.0),
    ("1,000 people", "en", 1000.0),
    ("2.5 people", "en", 2.5),
    ("2,5 personas", "es", 2.5),
])
def test_locale_separators(text, lang, value):
    assert one(text, lang).value == value


def test_english_dot_thousands_is_flagged_with_both_readings():
    q = one("More than 1.000 people attended.")
    assert q.value == 1.0 and q.alternatives == (1000.0,)
    assert "dot-thousands" in q.flags


def test_spanish_mexican_comma_thousands_keeps_the_other_reading():
    q = one("1,000 personas", "es")
    assert 1000.0 in q.readings


@pytest.mark.parametrize("text,lang,value,unit", [
    ("The plan costs US$ 2.5 billion.", "en", 2.5e9, "USD"),
    ("El plan cuesta 2,5 millones de dólares.", "es", 2.5e6, "USD"),
    ("It costs €15.", "en", 15.0, "EUR"),
    ("It costs $3bn.", "en", 3e9, "USD"),
    ("La deuda es de 2 billones de euros.", "es", 2e12, "EUR"),
    ("Das kostet 3 Milliarden Euro.", "de", 3e9, "EUR"),
])
def test_money(text, lang, value, unit):
    q = one(text, lang)
    assert (q.kind, q.value, q.unit) == ("money", value, unit)


@pytest.mark.parametrize("text,lang", [
    ("Inflation rose 20%.", "en"), ("Inflation rose 20 per cent.", "en"),
    ("Inflation rose 20 percent.", "en"), ("La inflación subió un 20 por ciento.", "es"),
    ("L'inflation a augmenté de 20 %.", "fr"), ("Die Inflation stieg um 20 Prozent.", "de"),
])
def test_percent(text, lang):
    q = one(text, lang)
    assert (q.kind, q.value) == ("percent", 20.0)


def test_ordinal_and_year_and_count():
    assert one("the 3rd time").kind == "ordinal"
    assert one("in 2023 they met").kind == "year"
    q = one("Three people died.")
    assert (q.kind, q.value) == ("count", 3.0)


def test_scales_in_words():
    q = one("a million people")
    assert q.value == 1e6
    assert one("six million people").value == 6e6
    assert one("1,6 million de personnes", "fr").value == 1.6e6


def test_articles_and_dates_and_times_are_not_quantities():
    assert find_quantities("A man met an official.", "en") == []
    assert find_quantities("He met Wang on June 18, 2023 at 10:30 a.m.", "en") == []
    assert find_quantities("Se reunieron el 18 de junio de 2023 a las 10 horas.", "es") == []
    assert find_quantities("The team won 4-1 and is open 24/7.", "en") == []


def test_prepositions_do_not_make_times():
    assert one("Les cotes sont montées à 1,6 million.", "fr").value == 1.6e6
    assert one("Die Preise stiegen um 10 Prozent.", "de").kind == "percent"
    assert one("ratings doubled to 1.05 million").value == 1.05e6


def test_same_value_rounding_but_not_change():
    a = one("About 7,000 people.")
    assert same_value(a, one("Unas 6.950 personas.", "es"))
    assert not same_value(one("About 1,000 people."), one("Unas 1.400 personas.", "es"))
    assert same_value(one("seven and a half hours"), one("siete horas y media", "es"))
    assert not same_value(one("five hours"), one("siete horas y media", "es"))
    assert same_value(one("1,000 people"), one("1.000 personas", "es"))


def test_ages():
    for text, lang in [("a 13-year-old boy", "en"), ("he is 13 years old", "en"), ("der 13-Jährige", "de")]:
        q = one(text, lang)
        assert (q.kind, q.value, q.unit) == ("duration", 13.0, "year")
        assert "age" in q.flags
    assert "age" not in one("for 13 years", "en").flags


@pytest.mark.parametrize("text,lang", [("Le pagó 375 000 $.", "es"), ("fiança de 375 000 USD", "pt"),
                                       ("Es kostet 375 000 Euro.", "de")])
def test_space_grouped_thousands(text, lang):
    assert one(text, lang).value == 375000.0


def test_english_does_not_group_with_spaces():
    assert [q.value for q in find_quantities("In 2019 200 people came.", "en")] == [2019.0, 200.0]
