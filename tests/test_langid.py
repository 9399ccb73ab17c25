"""Tests for auditor.text.langid: deterministic detection, code normalisation, per-sentence decisions."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from auditor.text.langid import (
    MIN_SWITCH_PROB,
    MIN_SWITCH_WORDS,
    detect_language,
    normalize_lang,
    sentence_languages,
)

NTREX = Path(__file__).resolve().parents[2] / "shared" / "data" / "ntrex"

EN = "The secretary of state arrived in Beijing on Sunday for talks with the Chinese foreign minister."
ES = "El secretario de Estado llegó a Pekín el domingo para conversar con el canciller chino."
FR = "Le secrétaire d'État est arrivé dimanche à Pékin pour des entretiens avec le ministre chinois."
DE = "Der Außenminister ist am Sonntag in Peking eingetroffen, um mit dem chinesischen Minister zu sprechen."
PT = "O secretário de Estado chegou a Pequim no domingo para conversar com o chanceler chinês."


# --- normalize_lang --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("EN", "en"),
        ("es", "es"),
        (" fr ", "fr"),
        ("pt-BR", "pt"),
        ("pt_PT", "pt"),
        ("zh-cn", "zh"),
        ("zh-Hans", "zh"),
        ("spa", "es"),
        ("eng", "en"),
        ("ger", "de"),
        ("deu", "de"),
        ("fra", "fr"),
        ("Spanish", "es"),
        ("iw", "he"),
    ],
)
def test_normalize_lang_accepts(code: str, expected: str) -> None:
    assert normalize_lang(code) == expected


@pytest.mark.parametrize("code", ["", "   ", "xx", "zz-top", "english2", "q", "1234", "klingon"])
def test_normalize_lang_rejects_with_clear_message(code: str) -> None:
    with pytest.raises(ValueError, match="language code"):
        normalize_lang(code)


# --- detect_language ---------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "lang"), [(EN, "en"), (ES, "es"), (FR, "fr"), (DE, "de"), (PT, "pt")])
def test_detect_language(text: str, lang: str) -> None:
    code, conf = detect_language(text)
    assert code == lang
    assert 0.5 < conf <= 1.0


def test_detect_language_chinese_is_iso_639_1() -> None:
    code, conf = detect_language("美国国务卿布林肯星期日抵达北京，与中国外交部长举行会谈。")
    assert code == "zh" and 0.0 <= conf <= 1.0


@pytest.mark.parametrize("text", ["", "   ", "12345 67.89", "!!! ??? ...", "\n\n"])
def test_detect_language_without_letters(text: str) -> None:
    assert detect_language(text) == ("und", 0.0)


def test_detect_language_is_deterministic_within_a_process() -> None:
    texts = [EN, ES, FR, DE, PT, "Ok", "Hola amigo", "Bonjour"]
    first = [detect_language(t) for t in texts]
    second = [detect_language(t) for t in texts]
    assert first == second


def test_detect_language_is_deterministic_across_processes() -> None:
    """Two fresh interpreters (fresh langdetect state) must give identical answers."""
    code = (
        "from auditor.text.langid import detect_language, sentence_languages\n"
        "ts = ['Hola amigo', 'Bonjour', 'Ok then', 'Ich bin hier und du bist dort drüben im Haus']\n"
        "print([detect_language(t) for t in ts], sentence_languages(ts, 'en', 1.0, min_words=1))\n"
    )
    root = Path(__file__).resolve().parents[1]
    runs = [
        subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True).stdout
        for _ in range(2)
    ]
    assert runs[0] == runs[1] and runs[0].strip()


# --- sentence_languages ------------------------------------------------------------------------


def test_thresholds_are_sane() -> None:
    assert MIN_SWITCH_WORDS >= 3 and 0.5 <= MIN_SWITCH_PROB <= 1.0


def test_english_sentence_inside_spanish_document() -> None:
    sentences = [
        "El secretario de Estado llegó a Pekín el domingo por la tarde.",
        "The secretary of state said that the talks had been candid and constructive.",
        "La visita es la primera de un alto funcionario en cinco años.",
    ]
    got = sentence_languages(sentences, "es", 1.0)
    assert [lang for lang, _ in got] == ["es", "en", "es"]
    assert got[1][1] >= MIN_SWITCH_PROB


def test_short_sentences_keep_document_language() -> None:
    # far too short to trust the detector, whatever they look like
    got = sentence_languages(["Ok.", "Bonjour!", "Danke schön.", "Hello there"], "es", 0.8)
    assert got == [("es", 0.8)] * 4


def test_sentence_without_letters_keeps_document_language_with_zero_confidence() -> None:
    assert sentence_languages(["12.000", "—"], "en", 1.0) == [("en", 0.0), ("en", 0.0)]


def test_spanish_sentence_in_english_document() -> None:
    got = sentence_languages([EN, ES], "en", 1.0)
    assert [lang for lang, _ in got] == ["en", "es"]


def test_confidences_in_range() -> None:
    for lang, conf in sentence_languages([EN, ES, FR, DE, PT, "x"], "fr", 0.7):
        assert isinstance(lang, str) and 0.0 <= conf <= 1.0


@pytest.mark.skipif(not NTREX.exists(), reason="NTREX data not available")
def test_per_sentence_accuracy_on_ntrex_excerpt() -> None:
    """English NTREX sentences stay "en"; English sentences mixed into a Spanish document switch."""
    en = NTREX.joinpath("newstest2019-src.eng.txt").read_text(encoding="utf-8").splitlines()[:300]
    es = NTREX.joinpath("newstest2019-ref.spa.txt").read_text(encoding="utf-8").splitlines()[:300]
    got = sentence_languages(en, "en", 1.0)
    assert sum(lang == "en" for lang, _ in got) / len(en) >= 0.99

    mixed = [en[(i + 150) % 300] if i % 5 == 0 else es[i] for i in range(100)]
    gold = ["en" if i % 5 == 0 else "es" for i in range(100)]
    got = [lang for lang, _ in sentence_languages(mixed, "es", 1.0)]
    host_kept = sum(g == p for g, p in zip(gold, got) if g == "es") / gold.count("es")
    long_en = [i for i, g in enumerate(gold) if g == "en" and len(mixed[i].split()) >= MIN_SWITCH_WORDS]
    switched = sum(got[i] == "en" for i in long_en) / len(long_en)
    assert host_kept >= 0.98
    assert switched >= 0.9


def test_stopword_shortcut_decides_only_clear_running_text():
    from auditor.text.langid import _stopword_language

    es = ("El gobierno de la nación anunció que los precios de la energía bajarán durante el invierno, "
          "según el ministro, porque las reservas están llenas y los mercados se han calmado. ") * 3
    assert _stopword_language(es)[0] == "es"
    assert _stopword_language("Dundee Stars 5-3 Belfast Giants") is None  # too little evidence
    mixed = es + (" The government said that the prices would fall because the reserves are full and "
                  "the markets have calmed down, which was what the minister had said before. ") * 3
    assert _stopword_language(mixed) is None  # two languages: langdetect decides
