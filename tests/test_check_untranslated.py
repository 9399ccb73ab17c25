"""Untranslated detector: whole sentences and function-word phrases of another language."""

from __future__ import annotations

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
