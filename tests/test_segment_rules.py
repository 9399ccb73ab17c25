"""Failure classes of the splitter found against pySBD's golden rules, as our own cases.

Each class is tested in both directions: the abbreviation keeps its sentence together,
and a real sentence end next to the same construction is still a break.
"""

from __future__ import annotations

import pytest

from auditor.text import abbreviations as ab
from auditor.text.segment import split_sentences
from auditor.text.tables import read_rows


def sents(text: str, lang: str = "en") -> list[str]:
    return [text[s:e] for s, e in split_sentences(text, lang)]


# --- elided article before an abbreviation ------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Secondo l'Avv. Bianchi la sentenza va annullata.",
        "La relazione dell'Ing. Verdi arriva domani.",
        "Lo prevede l'art. 12 della legge regionale.",
        "Lo ha confermato all'On. Conte il ministro.",
    ],
)
def test_italian_elided_article_before_abbreviation(text: str) -> None:
    assert sents(text, "it") == [text]


def test_french_elided_article_before_abbreviation() -> None:
    text = "Il invoque l'art. 49 de la Constitution pour faire passer le texte."
    assert sents(text, "fr") == [text]


def test_elided_article_before_a_plain_word_still_ends_a_sentence() -> None:
    assert sents("È arrivato l'ospite. Poi è ripartito.", "it") == ["È arrivato l'ospite.", "Poi è ripartito."]
    assert sents("Il a vu l'accident. Puis il est parti.", "fr") == ["Il a vu l'accident.", "Puis il est parti."]


# --- abbreviation + number ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,lang",
    [
        ("The figure is on p. 12 of the audit report.", "en"),
        ("Tickets cost Rs. 2,500 for the final.", "en"),
        ("Fuel rose to Rp. 10,000 a litre in Jakarta.", "en"),
        ("The suspect lived at N°. 14 on the main road.", "en"),
        ("La norma figura en el párrf. 3 del acuerdo.", "es"),
        ("Il testo è a p. 7 del documento.", "it"),
    ],
)
def test_abbreviation_before_number_is_not_a_break(text: str, lang: str) -> None:
    assert sents(text, lang) == [text]


def test_single_lowercase_letter_before_number_is_not_a_break() -> None:
    text = "Details are given in s. 4 of the act."
    assert sents(text) == [text]


def test_numeric_abbreviation_before_a_word_is_a_full_stop() -> None:
    # "Rs." is a currency sign before a number, a plain word ending before "Then".
    assert sents("They paid in Rs. Then they left.") == ["They paid in Rs.", "Then they left."]


# --- German ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Die Studie leitet Dr. phil. Anna Weber aus Bonn.",
        "Der Befund stammt von Dr. med. Jan Vogt.",
        "Der Vertrag gilt z. Z. nicht für neue Kunden.",
        "Er besuchte ein ev. Gymnasium in Köln.",
        "Sie arbeitet für eine kath. Stiftung in Trier.",
        "Die Zahlen stehen auf S. 14 des Berichts.",
    ],
)
def test_german_abbreviations_before_capitalised_nouns(text: str) -> None:
    assert sents(text, "de") == [text]


def test_german_sentence_end_before_capitalised_noun_still_breaks() -> None:
    assert sents("Sie lobte die Schule. Kinder kamen dazu.", "de") == ["Sie lobte die Schule.", "Kinder kamen dazu."]


# --- "U.S." / "a.m." before a sentence start --------------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        ("It was sold across the U.S. Several buyers complained.",
         ["It was sold across the U.S.", "Several buyers complained."]),
        ("Prices fell in the U.S. Millions of people noticed.",
         ["Prices fell in the U.S.", "Millions of people noticed."]),
        ("Was it made in the U.S. Did anyone check?", ["Was it made in the U.S.", "Did anyone check?"]),
        ("Polls opened at 7 a.m. Voters queued for hours.", ["Polls opened at 7 a.m.", "Voters queued for hours."]),
        ("The strike began at 5 p.m. Drivers stayed home.", ["The strike began at 5 p.m.", "Drivers stayed home."]),
    ],
)
def test_break_after_dotted_abbreviation_before_sentence_start(text: str, expected: list[str]) -> None:
    assert sents(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "He joined the U.S. Navy in 1990.",
        "Officials from the U.S. Treasury Department arrived.",
        "Polls opened at 7 a.m. Monday in Ohio.",
        "The speech starts at 9 p.m. ET on Friday.",
        "The flight lands at 6 a.m. GMT tomorrow.",
    ],
)
def test_dotted_abbreviation_before_proper_noun_or_time_zone_stays(text: str) -> None:
    assert sents(text) == [text]


def test_initial_before_a_question_word_is_a_break() -> None:
    assert sents("The vote went to Plan B. Did it pass?") == ["The vote went to Plan B.", "Did it pass?"]
    assert sents("Did you see John F. Kennedy Jr. there?") == ["Did you see John F. Kennedy Jr. there?"]


# --- the machine-translation artefact property holds -----------------------------------------


@pytest.mark.parametrize(
    "text,lang",
    [
        ("The talks ended in the U.S. and everyone went home.", "en"),
        ("There was no room. for compromise at the summit.", "en"),
        ("Il y a eu l'accord. pour la suite des travaux.", "fr"),
        ("Die Schule. hat geschlossen.", "de"),
    ],
)
def test_period_before_lowercase_word_is_never_a_break(text: str, lang: str) -> None:
    assert sents(text, lang) == [text]


# --- tables are data ------------------------------------------------------------------------


def test_tables_load_from_models_dir() -> None:
    assert ab.abbreviations_for("it")["avv"] == ab.TITLE
    assert ab.abbreviations_for("de")["z.z"] == ab.INNER
    assert ab.abbreviations_for("en")["a.m"] == ab.TIME
    assert "l" in ab.elisions_for("it") and "dell" in ab.elisions_for("it")
    assert "Millions" in ab.starters_for("en")
    assert "juni" in ab.months() and "jun" not in ab.months()


def test_malformed_table_is_a_clear_error(tmp_path, monkeypatch) -> None:
    (tmp_path / "text").mkdir()
    (tmp_path / "text" / "broken.tsv").write_text("en\ttitle\n", encoding="utf-8")
    monkeypatch.setenv("AUDITOR_MODELS_DIR", str(tmp_path))
    with pytest.raises(RuntimeError, match=r"broken.tsv:1: expected 3"):
        read_rows("broken.tsv", 3)
    with pytest.raises(RuntimeError, match="text table missing"):
        read_rows("absent.tsv", 2)


# --- a capital letter opening a sentence -------------------------------------------------------


def test_interview_labels_and_leading_initials_open_their_sentence() -> None:
    assert sents("Q. Why did the talks fail? A. Neither side moved.") == [
        "Q. Why did the talks fail?", "A. Neither side moved."]
    assert sents("It was signed. J. Smith said so.") == ["It was signed.", "J. Smith said so."]
    # not at a sentence start, a lone capital ends its sentence before a starter
    assert sents("They chose option A. The rest chose B.") == ["They chose option A.", "The rest chose B."]
