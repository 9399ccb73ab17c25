"""Compound number words read by text2num inside find_quantities, as our own cases."""

from __future__ import annotations

import pytest

from auditor.text.numbers import find_quantities


def values(text: str, lang: str) -> list[float]:
    found = find_quantities(text, lang)
    for q in found:
        assert text[q.start:q.end] == q.text
    return [q.value for q in found]


@pytest.mark.parametrize(
    "text,lang,want",
    [
        ("They found six hundred and twelve ballots.", "en", 612),
        ("Hay cuatrocientos treinta y dos casos.", "es", 432),
        ("Ils étaient quatre-vingt-douze.", "fr", 92),
        ("Il y avait soixante-quinze blessés.", "fr", 75),
        ("Es kamen dreihundertvierzig Gäste.", "de", 340),
        ("Ci sono centoquarantotto iscritti.", "it", 148),
        ("São trezentos e sessenta dias.", "pt", 360),
    ],
)
def test_compound_number_words(text: str, lang: str, want: float) -> None:
    assert values(text, lang) == [want]


def test_compound_keeps_its_unit() -> None:
    q = find_quantities("Il a purgé quatre-vingt-trois jours.", "fr")
    assert [(q0.value, q0.kind, q0.unit) for q0 in q] == [(83.0, "duration", "day")]


def test_words_that_are_no_one_number_stay_separate() -> None:
    assert values("between nine and ten hours", "en") == [9, 10]
    assert values("cinco ou seis", "pt") == [5, 6]


def test_thousand_before_a_large_scale_is_the_scale() -> None:
    assert values("dos mil millones de dólares", "es") == [2e9]


def test_the_real_text2num_reads_compound_words(monkeypatch) -> None:
    """The pinned text2num package (module ``text_to_num``) is what runs: without it the
    compound reading fails loudly instead of falling back to a partial reading."""
    import sys

    from auditor.text import numbers

    assert numbers._text2num().__module__.startswith("text_to_num")
    numbers._text2num.cache_clear()
    monkeypatch.setitem(sys.modules, "text_to_num", None)  # import now raises ImportError
    try:
        with pytest.raises(ImportError):
            numbers._compound_value("six hundred and twelve", "en")
    finally:
        numbers._text2num.cache_clear()


def test_the_declared_text2num_distribution_installs_the_module_we_import() -> None:
    """pyproject declares the distribution ``text2num``; it installs the module ``text_to_num``
    (there is no module ``text2num``), and that module is the one this install provides."""
    import importlib.metadata as md
    import importlib.util

    assert md.version("text2num") == "3.1.0"
    assert "text2num" in md.packages_distributions().get("text_to_num", [])
    assert importlib.util.find_spec("text_to_num") is not None
