"""Untranslated detector: whole sentences and function-word phrases of another language."""

from __future__ import annotations

import pytest

from auditor.checks import untranslated
from auditor.checks.base import CheckContext
from auditor.types import Segment, SegmentedDocument
from tests.helpers import one_to_one, seg_doc


def _run(doc, source=None):
    ctx = CheckContext(doc=doc, source=source, alignment=one_to_one(source, doc) if source else None)
    fs = untranslated.run(ctx)
    for f in fs:
        assert doc.text[f.start : f.end] == f.text
        assert f.category == "accuracy/untranslated" and f.detector == "untranslated"
    return fs


def _relabel(doc: SegmentedDocument, index: int, lang: str, conf: float) -> SegmentedDocument:
    """The same document with one sentence's language decision replaced (as the segmenter would)."""
    segs = list(doc.segments)
    s = segs[index]
    segs[index] = Segment(s.index, s.start, s.end, s.text, lang, conf)
    return SegmentedDocument(doc.document, tuple(segs), doc.language, doc.lang_confidence)


def test_sentence_left_in_spanish_is_major():
    doc = _relabel(seg_doc(["Blinken arrived in Beijing.", "El secretario llegó a Pekín el domingo por la tarde."]),
                   1, "es", 0.99)
    fs = _run(doc)
    assert [f.text for f in fs] == ["El secretario llegó a Pekín el domingo por la tarde."]
    assert fs[0].severity == "major" and fs[0].evidence["rule"] == "sentence"


def test_low_confidence_or_short_foreign_sentence_is_not_flagged():
    doc = _relabel(seg_doc(["Blinken arrived in Beijing.", "Hasta la vista, baby."]), 1, "es", 0.99)
    assert _run(doc) == []  # fewer than five words
    doc2 = _relabel(seg_doc(["Blinken arrived.", "Real Madrid beat Barcelona on Sunday night."]), 1, "es", 0.6)
    assert _run(doc2) == []


def test_function_word_profile_catches_unlabelled_sentence():
    doc = seg_doc(["Blinken arrived in Beijing.", "El ministro dijo que el gobierno de la nación está listo."])
    fs = _run(doc)
    assert len(fs) == 1 and fs[0].severity == "major"


def test_phrase_left_in_spanish_is_minor():
    doc = seg_doc(["The minister said que el gobierno de la nación would respond on Monday."])
    fs = _run(doc)
    assert len(fs) == 1 and fs[0].severity == "minor" and fs[0].evidence["language"] == "es"
    assert fs[0].text.startswith("que el gobierno de la")


def test_phrase_left_in_german():
    doc = seg_doc(["Officials said und der Kanzler ist nicht sure about the plan."])
    fs = _run(doc)
    assert len(fs) == 1 and fs[0].evidence["language"] == "de"


def test_proper_nouns_loanwords_and_quotes_are_clean():
    doc = seg_doc([
        "He was taken to the Hospital de la Paz in Madrid.",
        "Carlos de la Rosa, who played for Real Madrid, scored twice.",
        "Blinken met Qin at the Diaoyutai State Guest House.",
        "The fiesta was the crème de la crème of the season, a true tour de force.",
        "The film “Y tu mamá también” was shown at the festival.",
        "The junta met at the plaza near the bodega.",
    ])
    assert _run(doc) == []


def test_same_language_source_with_the_phrase_is_clean():
    src = seg_doc(["The minister said que el gobierno de la nación would respond."], "en", "s")
    rep = seg_doc(["The minister said que el gobierno de la nación would respond."], "en", "r")
    assert _run(rep, src) == []


def test_headlines_and_product_names_misidentified_by_langdetect_are_clean():
    """A confident but wrong language call on names, listings or headlines is not backed
    by the text (no foreign function words), so nothing is flagged."""
    lines = ["The shop lists its bestsellers.", "Dimax Micro Ultimate Mattress, size 160x200 cm, firm.",
             "Elite League: Dundee Stars 5-3 Belfast Giants", "Putin really didn't like Maidan at all."]
    doc = seg_doc(lines)
    for k, lang in ((1, "it"), (2, "de"), (3, "id")):
        doc = _relabel(doc, k, lang, 0.99)
    assert _run(doc) == []


# ----------------------------------------------------------- runs copied from the source


def _copied(reprint, source, lang="es", source_lang="en"):
    from auditor.checks.base import CheckContext
    from tests.helpers import one_to_one, seg_doc

    rep = seg_doc(reprint, lang, "rep")
    src = seg_doc(source, source_lang, "src")
    found = untranslated.run(CheckContext(rep, src, one_to_one(src, rep)))
    return [(f.text, f.source_text, f.severity) for f in found if f.evidence.get("rule") == "copied-from-source"]


def test_words_copied_from_the_source_are_untranslated():
    assert _copied(["El conductor se preparaba para recargarlo con más deliver more money, escribió el detective."],
                   ["The driver was preparing to deliver more money, the detective wrote."]) \
        == [("deliver more money", "deliver more money", "minor")]


@pytest.mark.parametrize("reprint,source", [
    # names and institutions are kept by translators
    (["La Government of Wales Act fue aprobada en 1998."], ["The Government of Wales Act was passed in 1998."]),
    (["Vive en Palu desde 2010."], ["She has lived in Palu since 2010."]),
    # a faithful translation shares no run
    (["El conductor se preparaba para llevar más dinero."], ["The driver was preparing to deliver more money."]),
])
def test_names_and_faithful_translations_are_not_copied_runs(reprint, source):
    assert _copied(reprint, source) == []


def test_a_same_language_copy_has_no_copied_runs():
    assert _copied(["The driver was preparing to deliver more money."],
                   ["The driver was preparing to deliver more money."], lang="en") == []
