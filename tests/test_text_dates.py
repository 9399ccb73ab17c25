"""The multilingual date grammar: forms, parsed fields, spans and malformation flags."""

from __future__ import annotations

import pytest

from auditor.text.dates import day_exists, find_dates, weekday_of


def one(text: str, lang: str = "en"):
    found = find_dates(text, lang)
    assert len(found) == 1, found
    m = found[0]
    assert text[m.start:m.end] == m.text
    return m


@pytest.mark.parametrize(
    "text,lang,form,ymd",
    [
        ("June 18, 2023", "en", "month-day-year", (2023, 6, 18)),
        ("18 June 2023", "en", "day-month-year", (2023, 6, 18)),
        ("on the 18th of June", "en", "day-month", (None, 6, 18)),
        ("June 18", "en", "month-day", (None, 6, 18)),
        ("in June 2023", "en", "month-year", (2023, 6, None)),
        ("18 de junio de 2023", "es", "day-month-year", (2023, 6, 18)),
        ("el 1º de mayo", "es", "day-month", (None, 5, 1)),
        ("le 18 juin 2023", "fr", "day-month-year", (2023, 6, 18)),
        ("le 1er juin", "fr", "day-month", (None, 6, 1)),
        ("am 18. Juni 2023", "de", "day-month-year", (2023, 6, 18)),
        ("18 de junho de 2023", "pt", "day-month-year", (2023, 6, 18)),
        ("19 giugno 2023", "it", "day-month-year", (2023, 6, 19)),
        ("18/06/2023", "es", "numeric", (2023, 6, 18)),
        ("06/18/2023", "en", "numeric", (2023, 6, 18)),
        ("2023-06-18", "en", "iso", (2023, 6, 18)),
    ],
)
def test_forms(text, lang, form, ymd):
    m = one(text, lang)
    assert m.form == form
    assert (m.year, m.month, m.day) == ymd
    assert m.flags == ()


@pytest.mark.parametrize(
    "text,lang,weekday,relative",
    [
        ("on Monday", "en", 0, None),
        ("this Monday", "en", 0, "this"),
        ("Earlier this Monday morning", "en", 0, "earlier this"),
        ("el lunes", "es", 0, None),
        ("este domingo", "es", 6, "este"),
        ("ce lundi", "fr", 0, "ce"),
        ("am Montag", "de", 0, None),
        ("am Sonntagabend", "de", 6, None),
        ("nesta segunda-feira", "pt", 0, "nesta"),
    ],
)
def test_weekdays(text, lang, weekday, relative):
    m = one(text, lang)
    assert m.weekday == weekday
    assert m.relative == relative
    assert m.form == ("relative-weekday" if relative else "weekday")


def test_weekday_attached_to_date():
    m = one("Monday, June 19, 2023")
    assert (m.weekday, m.month, m.day, m.year) == (0, 6, 19, 2023)
    m = one("el domingo 18 de junio", "es")
    assert (m.weekday, m.month, m.day) == (6, 6, 18)
    m = one("am Sonntag, 18. Juni 2023", "de")
    assert (m.weekday, m.day, m.year) == (6, 18, 2023)


def test_two_months_for_one_day():
    text = "in Beijing on April 18. June 2023. Credit: AFP"
    m = one(text)
    assert m.text == "April 18. June 2023"
    assert m.flags == ("two-months",)
    assert (m.day, m.month, m.alt_month, m.year) == (18, 6, 4, 2023)


def test_impossible_and_calque_flags():
    assert one("June 31").flags == ("impossible-day",)
    assert one("30 February 2023").flags == ("impossible-day",)
    assert one("29 February 2023").flags == ("impossible-day",)
    assert one("29 February 2024").flags == ()
    assert one("the 18 of June").flags == ("of-order",)
    assert one("the 18th of June").flags == ()
    assert one("on 18. June 2023").flags == ("ordinal-dot",)


@pytest.mark.parametrize(
    "text",
    [
        "You may march on May 5,000 times.",  # modal verb, number with thousands separator
        "He scored 18. June was a good month.",  # sentence end, then a month
        "the score was 12-10 in March",
        "COVID-19 spread in 2020.",
        "Version 1.2.3 shipped",
        "the may fair",
    ],
)
def test_non_dates(text):
    assert [m for m in find_dates(text, "en") if m.day is not None] == []


def test_weekday_names_are_flagged_as_names():
    assert one("the Sunday Times reported").flags == ("name",)
    assert one("on Black Friday").flags == ("name",)
    assert one("on Sunday in Paris").flags == ()


def test_helpers():
    assert weekday_of(2023, 6, 18) == 6
    assert weekday_of(2023, 2, 30) is None
    assert day_exists(2, 29) and not day_exists(2, 29, 2023) and not day_exists(6, 31)


def test_unknown_language_falls_back_to_english():
    assert one("June 18, 2023", "xx").month == 6


@pytest.mark.parametrize("lang", ["es", "pt", "it"])
def test_no_empty_month_matches(lang):
    # Languages without month abbreviations must not match a day followed by nothing.
    assert find_dates("Hubo 18 de ellos y 5 más.", lang) == []
