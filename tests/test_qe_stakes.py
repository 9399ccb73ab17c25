"""What a QE span puts at stake, and how it becomes a finding's category and message."""

from __future__ import annotations

from tests.helpers import one_to_one, seg_doc

from auditor.pipeline import AuditConfig, _quality_estimate
from auditor.qe.interface import ErrorSpan, QEResult
from auditor.checks.drift import count_negations
from auditor.qe.stakes import inside_name, kept_as_source, negation_kept, same_name_or_number, severity, stakes
from auditor.types import Scores


def test_stakes_name_number_negation_title():
    assert stakes("Rajoy", "Sánchez", "en", "es") == ("name",)
    assert stakes("31", "35", "en", "es") == ("number",)
    assert "negation" in stakes("did not", "sí", "en", "es")
    assert stakes("house", "casa", "en", "es", in_title=True) == ("title",)
    assert stakes("The house", "la casa", "en", "es", mt_at_start=True) == ()  # a capital that starts a sentence


def test_a_negation_on_both_sides_is_kept_not_at_stake():
    assert "negation" not in stakes("is not compatible", "no es compatible", "en", "es")
    assert "negation" not in stakes("does not", "no es", "en", "es")
    assert "negation" in stakes("is compatible", "no es compatible", "en", "es")  # lost
    assert "negation" in stakes("did not", "sí", "en", "es")  # added
    assert "negation" in stakes("did not", None, "en", "es")  # no source words: the MT side decides
    assert "negation" in stakes("wasn't", "era", "en", "es")


def test_same_name_or_number_is_case_sensitive_and_needs_a_name_or_number():
    assert same_name_or_number("20.", "20", ("number",))
    assert same_name_or_number("Interior.", "Interior", ("name",))
    assert not same_name_or_number("infantino", "Infantino", ("name",))  # lost capital: a real error
    assert not same_name_or_number("21", "20", ("number",))
    assert not same_name_or_number("am", "am", ())  # that one is untranslated, not a name
    assert not same_name_or_number("20", None, ("number",))


def test_german_capitals_are_nouns_not_names():
    assert stakes("moderator", "TV-Moderator", "en", "de") == ()
    assert stakes("Merkel", "Merkel", "en", "de") == ("name",)  # the English side still says so
    assert stakes("moderator", "Moderador", "en", "es") == ("name",)  # a capital inside a Spanish sentence


def test_a_name_made_of_pieces_of_a_source_compound_is_the_sources_own():
    assert same_name_or_number("Europa Park", "Europa-Park", ("name",))
    assert same_name_or_number("NEKTON", "NEKTON-S", ("name",))
    assert same_name_or_number("John F.", "John-F", ("name",))
    assert not same_name_or_number("Europa Park", "Heide-Park", ("name",))
    assert not same_name_or_number("Sánchez", "Rajoy", ("name",))
    assert not same_name_or_number("31", "35 años", ("number",))


def test_negation_kept_when_the_source_sentence_negates_as_often():
    assert negation_kept("is not", "It is not known.", "Это неизвестно, и это не важно.", "en", "ru")
    assert negation_kept("couldn't.", "I couldn't.", "できませんでした。", "en", "ja")
    assert not negation_kept("is not", "It is not known.", "Это известно.", "en", "ru")  # an added negation
    assert not negation_kept("is not", "It is not known.", "Zná se to.", "en", "xx")  # no list for the language
    assert not negation_kept("the vote was not counted", "The vote was not counted.", "No se contó.", "en", "es")
    assert count_negations("他不在家，没有人。", "zh") == 2
    assert negation_kept("veulent pas", "Ils ne veulent pas.", "They don't want to.", "fr", "en")  # ne ... pas is one


def test_severity_from_probability_and_stakes():
    assert severity(0.7, ()) == "minor"
    assert severity(0.9, ()) == "major"
    assert severity(0.7, ("name",)) == "major"
    assert severity(0.9, (), raised_by=0.25) == "minor"  # a raised floor moves the "sure" line
    assert severity(0.9, ("name",), raised_by=0.25) == "major"


def test_a_span_spelt_as_its_source_words_is_untranslated_but_not_a_name_or_number():
    assert kept_as_source("am", "am", ())
    assert kept_as_source("‘casa’", "casa", ())
    assert not kept_as_source("house", "casa", ())
    assert not kept_as_source("Welt", "Welt", ("name",))
    assert not kept_as_source("2023", "2023", ("number",))
    assert not kept_as_source("am", None, ())


def test_inside_name():
    t = "Later, the Welt am Sonntag reported on it."
    assert inside_name(t, t.index(" am ") + 1, t.index(" am ") + 3)
    assert not inside_name(t, t.index("reported"), t.index("reported") + 8)
    u = "Later, the paper am Sonntag reported."
    assert not inside_name(u, u.index(" am ") + 1, u.index(" am ") + 3)


def _findings(spans, rep_text="Later, the paper am Sonntag reported on it."):
    src = seg_doc(["Später berichtete die Welt am Sonntag darüber."], "de", "src")
    rep = seg_doc([rep_text], "en", "rep")
    text = rep.segments[0].text
    res = QEResult([0.4], [spans(text)], [[]], 0.4, "qe:test")
    _, found = _quality_estimate(src, rep, one_to_one(src, rep), Scores(), AuditConfig(), res)
    return found


def test_qe_findings_say_untranslated_for_kept_source_words_and_renders_otherwise():
    src_text = "Später berichtete die Welt am Sonntag darüber."
    a = src_text.index("am")
    (f,) = _findings(lambda t: [ErrorSpan(t.index(" am ") + 1, t.index(" am ") + 3, "am", 0.9, a, a + 2, "am")])
    assert f.category == "accuracy/untranslated" and "left untranslated" in f.message and "renders" not in f.message
    b = src_text.index("berichtete")
    (g,) = _findings(lambda t: [ErrorSpan(t.index("reported"), t.index("reported") + 8, "reported", 0.9,
                                          b, b + 10, "berichtete")])
    assert g.category == "accuracy/mistranslation" and "‘reported’ renders ‘berichtete’" in g.message


def test_no_finding_for_a_names_own_words_kept_as_in_the_source():
    src_text = "Später berichtete die Welt am Sonntag darüber."
    a = src_text.index("am")
    assert _findings(lambda t: [ErrorSpan(t.index(" am ") + 1, t.index(" am ") + 3, "am", 0.9, a, a + 2, "am")],
                     "Later, the Welt am Sonntag reported on it.") == []


def test_no_finding_for_a_number_spelt_as_its_source_or_for_punctuation_alone():
    src_text = "Später berichtete die Welt am Sonntag 20 Mal darüber."
    rep = "Later, the paper reported on it 20. times – twice."
    a = src_text.index("20")
    src = seg_doc([src_text], "de", "src")
    doc = seg_doc([rep], "en", "rep")
    text = doc.segments[0].text
    spans = [ErrorSpan(text.index("20."), text.index("20.") + 3, "20.", 0.95, a, a + 2, "20"),
             ErrorSpan(text.index("–"), text.index("–") + 1, "–", 0.95),
             ErrorSpan(text.index("twice"), text.index("twice") + 5, "twice", 0.95)]
    res = QEResult([0.4], [spans], [[]], 0.4, "qe:test")
    _, found = _quality_estimate(src, doc, one_to_one(src, doc), Scores(), AuditConfig(), res)
    assert [f.text for f in found] == ["twice"]


def test_no_finding_for_a_negation_the_source_has():
    src = seg_doc(["La medida no es compatible con la ley."], "es", "src")
    doc = seg_doc(["The measure is not compatible with the law."], "en", "rep")
    text = doc.segments[0].text
    a = src.segments[0].text.index("no es")
    spans = [ErrorSpan(text.index("is not"), text.index("is not") + 6, "is not", 0.95, a, a + 5, "no es")]
    res = QEResult([0.4], [spans], [[]], 0.4, "qe:test")
    _, found = _quality_estimate(src, doc, one_to_one(src, doc), Scores(), AuditConfig(), res)
    assert found == []
    src2 = seg_doc(["La medida es compatible con la ley."], "es", "src")  # the negation was added
    _, found2 = _quality_estimate(src2, doc, one_to_one(src2, doc), Scores(), AuditConfig(), res)
    assert [f.text for f in found2] == ["is not"] and found2[0].severity == "major"


def test_a_models_finding_floor_drops_spans_below_it(tmp_path):
    from auditor.qe.neural import read_finding_thresholds

    (tmp_path / "t.tsv").write_text("# lang\tmin p\nzh\t0.8\nja\t0.7\n", encoding="utf-8")
    assert read_finding_thresholds(tmp_path / "t.tsv") == {"zh": 0.8, "ja": 0.7}
    assert read_finding_thresholds(tmp_path / "missing.tsv") == {}
    src = seg_doc(["La medida es compatible con la ley."], "es", "src")
    doc = seg_doc(["The measure is compatible with the law."], "en", "rep")
    text = doc.segments[0].text
    spans = [ErrorSpan(text.index("measure"), text.index("measure") + 7, "measure", 0.75),
             ErrorSpan(text.index("law"), text.index("law") + 3, "law", 0.95)]
    for floor, kept in ((None, ["measure", "law"]), (0.8, ["law"])):
        res = QEResult([0.4], [spans], [[]], 0.4, "qe:test", {"finding_threshold": floor} if floor else {})
        _, found = _quality_estimate(src, doc, one_to_one(src, doc), Scores(), AuditConfig(), res)
        assert [f.text for f in found] == kept


def test_the_shipped_finding_floors_and_predict_reports_them():
    from auditor.qe.interface import QEModel
    from auditor.qe.neural import FINDING_THRESHOLDS, default_model_dir, read_finding_thresholds

    floors = read_finding_thresholds(default_model_dir() / FINDING_THRESHOLDS)
    assert set(floors) == {"ja", "ru", "zh"} and all(0.6 < v < 1.0 for v in floors.values())

    class Fixed(QEModel):
        name = "fixed"
        word_threshold = 0.6

        def _predict(self, sources, translations, src_lang, tgt_lang, batch_size):
            return [0.5] * len(sources), [[] for _ in sources]

        def finding_threshold(self, src_lang, tgt_lang):
            return floors.get(src_lang)

    assert Fixed().predict(["你好。"], ["Hello."], "zh", "en").metadata == {"finding_threshold": 0.85,
                                                                         "word_threshold": 0.6}
    assert Fixed().predict(["Hola."], ["Hello."], "es", "en").metadata == {}
