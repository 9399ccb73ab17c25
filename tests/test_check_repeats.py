"""Repeat detector: a phrase printed twice in a row."""

from __future__ import annotations

import pytest

from auditor.checks import repeats
from auditor.pipeline import DETECTORS
from tests.helpers import check_context


def check(sentences, source=None, lang="en", source_lang="es"):
    doc, ctx = check_context(sentences, lang, source, source_lang)
    found = repeats.run(ctx)
    for f in found:
        assert doc.text[f.start:f.end] == f.text and f.detector == "repeats" and f.severity == "minor"
        assert f"“{f.evidence['phrase']}” is printed twice" in f.message
    return [f.text for f in found]


def test_the_detector_runs_in_the_audit():
    assert "repeats" in DETECTORS


@pytest.mark.parametrize("sentence,want", [
    ("The quake triggered a tsunami and destroyed thousands of homes and destroyed thousands of homes.",
     ["and destroyed thousands of homes and destroyed thousands of homes"]),
    ("Biden will decide by January, the Associated Press reported, the Associated Press reported.",
     ["the Associated Press reported, the Associated Press reported"]),
    ("The air pump is connected is connected to an outlet.", ["is connected is connected"]),
])
def test_a_phrase_printed_twice_is_found(sentence, want):
    assert check([sentence]) == want


@pytest.mark.parametrize("sentence", [
    "I was making phone calls again and again and again.",  # ends in a short word
    "He said: “I am so happy, so happy to get the cup back.”",  # rhetoric inside a quotation
    "It was very, very cold.",  # one word
    "The plan, the plan's critics said, was late.",
])
def test_rhetoric_and_single_words_are_left_alone(sentence):
    assert check([sentence]) == []


def test_a_quotation_opened_a_sentence_earlier_is_still_rhetoric():
    assert check(["“We fought hard.", "I am so happy, so happy to get the cup back.”"]) == []
    assert check(["We fought hard.", "I am so happy, so happy to get the cup back."]) \
        == ["so happy, so happy"]


def test_a_source_that_repeats_too_is_no_finding():
    assert check(["Lies, lies and more lies, damned lies, damned lies."],
                 source=["Mentiras, mentiras y más mentiras, malditas mentiras, malditas mentiras."]) == []
    assert check(["The storm hit the coast and destroyed the homes and destroyed the homes."],
                 source=["La tormenta golpeó la costa y destruyó las casas."]) \
        == ["and destroyed the homes and destroyed the homes"]
