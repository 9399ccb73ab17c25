"""Punctuation/structure detector: spurious breaks, lost and unbalanced quotation marks."""

from __future__ import annotations

from pathlib import Path

from auditor.checks import punctuation
from auditor.checks.base import CheckContext
from tests.helpers import lines_doc, one_to_one, seg_doc

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "blinken-2023-06"


def _run(doc, source=None):
    ctx = CheckContext(doc=doc, source=source, alignment=one_to_one(source, doc) if source else None)
    fs = punctuation.run(ctx)
    for f in fs:
        assert doc.text[f.start : f.end] == f.text
        assert f.category == "fluency/punctuation" and f.detector == "punctuation"
    return fs


def _rules(fs):
    return [f.evidence["rule"] for f in fs]


def test_fragment_after_spurious_break():
    doc = seg_doc(["Relations soured over a dispute over a balloon.", "Chinese surveillance.", "Talks resumed."])
    fs = _run(doc)
    assert _rules(fs) == ["fragment"]
    assert "Chinese surveillance." in fs[0].text


def test_lowercase_word_after_period():
    doc = seg_doc(["Ties soured over trade, from Taiwan to government issues. spying.", "He left."])
    fs = _run(doc)
    assert _rules(fs) == ["lowercase-after-period"] and fs[0].text == "issues. spying"
    doc2 = seg_doc(["He said there was no place. for compromise."])
    assert [f.text for f in _run(doc2)] == ["place. for"]


def test_double_period():
    doc = seg_doc(["The report came from the news agency Xinhua. .", "Talks went on."])
    fs = _run(doc)
    assert _rules(fs) == ["double-period"] and fs[0].text.strip() == "."


def test_stray_opening_quote():
    doc = seg_doc(["China has growing influence in the world. ‘Indo-Pacific.", "The US warned China."], sep="\n")
    fs = _run(doc)
    assert _rules(fs) == ["unbalanced-quote"]
    assert fs[0].text.startswith("‘Indo-Pacific") and "stray quote" in fs[0].message


def test_unquoted_first_person_speech_text_only():
    doc = seg_doc([
        "In every meeting, I stressed that direct engagement is the best way to manage differences, "
        "Blinken told reporters in Beijing.",
        "The trip lasted two days.",
    ])
    fs = _run(doc)
    # the speaker is named: the marks are lost, the meaning is not (minor)
    assert _rules(fs) == ["unquoted-speech"] and fs[0].severity == "minor"
    assert fs[0].text.startswith("In every meeting, I stressed")


def test_unquoted_speech_running_into_an_unattributed_paragraph_is_major():
    doc = seg_doc([
        "In every meeting, I stressed that direct engagement is the best way to manage differences, "
        "Blinken told reporters in Beijing.",
        "I heard the same from my Chinese counterparts.",
        "We both agree on the need to stabilize our relationship.",
        "The trip lasted two days.",
    ], sep="\n")
    fs = _run(doc)
    by_text = {f.text: f for f in fs}
    assert by_text["I heard the same from my Chinese counterparts."].severity == "major"
    assert by_text["We both agree on the need to stabilize our relationship."].severity == "major"
    assert [f.severity for f in fs if f.evidence["rule"] == "unquoted-speech"] == ["minor"]
    # the same sentences inside the attributed paragraph are minor
    one = seg_doc([
        "I heard the same from my Chinese counterparts.",
        "We both agree on the need to stabilize our relationship, Blinken told reporters in Beijing.",
    ])
    assert {f.severity for f in _run(one)} == {"minor"} and len(_run(one)) == 2


def test_reference_corpus_002_lost_quotes():
    doc = lines_doc(str(next(EXAMPLES.glob("002_*.txt"))))
    fs = _run(doc)
    speech = [f for f in fs if f.evidence["rule"].startswith("unquoted-speech")]
    assert any(f.text.startswith("In every meeting, I stressed") for f in speech)
    # attributed in their paragraph: minor; the paragraph after "…, Blinken told
    # reporters at Beijing." that names no speaker: major
    majors = sorted(f.text for f in speech if f.severity == "major")
    assert majors == ["I heard the same from my Chinese counterparts.",
                      "We both agree on the need to stabilize our relationship."]
    assert all(f.severity == "minor" for f in fs if not f.evidence["rule"].startswith("unquoted-speech"))
    rules = set(_rules(fs))
    assert {"double-period", "lowercase-after-period", "unbalanced-quote"} <= rules


def test_reference_corpus_faithful_copy_is_clean():
    doc = lines_doc(str(next(EXAMPLES.glob("001_*.txt"))))
    assert [f for f in _run(doc) if f.severity != "minor"] == []


def test_lost_quotes_against_source():
    src = seg_doc(["«Tenemos mucho trabajo por delante y lo haremos juntos», dijo el ministro."], "es", "s")
    rep = seg_doc(["We have a lot of work ahead and we will do it together, the minister said."], "en", "r")
    fs = _run(rep, src)
    assert _rules(fs) == ["lost-quotes"] and fs[0].severity == "major"
    assert fs[0].source_text


def test_kept_quotes_against_source_are_clean():
    src = seg_doc(["«Tenemos mucho trabajo por delante», dijo el ministro."], "es", "s")
    for rep_text in ("“We have a lot of work ahead,” the minister said.",
                     "'We have a lot of work ahead,' the minister said."):
        rep = seg_doc([rep_text], "en", "r")
        assert _run(rep, src) == []


def test_unbalanced_double_quote():
    doc = seg_doc(["Blinken said the balloon “created conditions that undermine the trip.", "Talks resumed."],
                  sep="\n")
    fs = _run(doc)
    assert _rules(fs) == ["unbalanced-quote"] and fs[0].severity == "minor"


def test_clean_text_negatives():
    doc = seg_doc([
        "The talks were led by U.S. President Joe Biden.",
        "Chinese officials said the meeting went well.",
        "“We are making progress,” Blinken said.",
        "“I think so,” she replied. “We will see.”",
        "The event starts at 9 a.m. on Monday, with speeches, music, etc. and ends at noon.",
        "He added that we should all be careful, officials said.",
    ])
    assert _run(doc) == []


def test_quote_spanning_sentences_and_paragraphs_is_clean():
    doc = seg_doc([
        "“We were going to war with North Korea.",
        "Many people would have been killed.",
        "Now we have this great relationship,” he said.",
        "“It is a good start. I think we will meet again.",
        "“My team will follow up,” he added.",
    ], sep="\n")
    assert _run(doc) == []


def test_verb_with_object_is_not_an_attribution():
    doc = seg_doc(["We were unhappy with the work and in the end they added various expenses to our bill."])
    assert _run(doc) == []


def test_told_with_long_object_is_an_attribution():
    doc = seg_doc(["The two sides agreed to follow what President Biden and I reached in Bali, "
                   "Xi told the US Secretary of State in Beijing."])
    assert _rules(_run(doc)) == ["unquoted-speech"]


def test_quoted_title_in_source_is_not_speech():
    src = seg_doc(["Sustituirá al presentador de «I'm A Celebrity Get Me Out Of Here» el lunes."], "es", "s")
    rep = seg_doc(["She will replace the host of I'm A Celebrity Get Me Out Of Here on Monday."], "en", "r")
    assert _run(rep, src) == []


def test_lost_quote_without_attribution_is_minor():
    src = seg_doc(["«El asilo nunca pretendió aliviar todos los problemas del mundo entero»."], "es", "s")
    rep = seg_doc(["Asylum was never meant to alleviate all problems of the whole world."], "en", "r")
    fs = _run(rep, src)
    assert _rules(fs) == ["lost-quotes"] and fs[0].severity == "minor"


def test_lowercase_signoff_and_lowercase_writers_are_clean():
    doc = seg_doc(["The index rose by 65 percent on the previous day. dpa",
                   "i ordered the chair in november and had it delivered. i would order again."], sep="\n")
    assert _run(doc) == []


def test_apostrophe_typed_as_opening_quote_and_spaced_straight_quote_are_clean():
    doc = seg_doc(["Why didn‘t the man call the police?",
                   "He said \"you can see the evidence of it... \" and left."], sep="\n")
    assert _run(doc) == []


def test_german_guillemets_face_the_other_way():
    """German quotes »so« (» opens, « closes), Spanish and French «así»: neither is a stray
    quote; a German quotation left open still is."""
    de = seg_doc(["Zunächst berichtete der Rechercheverbund von NDR, WDR und »Süddeutscher Zeitung«, etwas später "
                  "die »Welt am Sonntag« und der SPIEGEL.",
                  "Die Behörde teilte mit, sie habe das Verfahren »wegen des Verdachts« eingestellt."], "de")
    assert _run(de) == []
    en = seg_doc(["Initially, the research network of NDR, WDR and »Süddeutsche Zeitung« reported, a little later "
                  "the »Welt am Sonntag« and SPIEGEL."])
    assert _run(en) == []
    es = seg_doc(["El ministro dijo que «no hay otra salida» y que «el país lo sabe».", "La reunión terminó."], "es")
    assert _run(es) == []
    open_de = seg_doc(["Er sagte, »das Verfahren sei eingestellt worden, und die Behörde schwieg.",
                       "Die »Welt am Sonntag« berichtete."], "de", sep="\n")
    assert _rules(_run(open_de)) == ["unbalanced-quote"]
