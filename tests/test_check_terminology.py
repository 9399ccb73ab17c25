"""The terminology detector: false friends with a source, role/readout rules text-only."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.checks import terminology
from auditor.checks.base import CheckContext
from auditor.types import Finding
from tests.helpers import lines_doc, one_to_one, seg_doc

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "blinken-2023-06"
FIX = Path(__file__).parent / "fixtures" / "glossary"
NTREX = Path("/work/shared/data/ntrex")


def check_spans(doc, findings: list[Finding]) -> None:
    for f in findings:
        assert doc.text[f.start : f.end] == f.text
        assert f.detector == terminology.NAME
        assert f.message


def text_only(sentences: list[str], cluster=()) -> list[Finding]:
    doc = seg_doc(sentences, "en")
    found = terminology.run(CheckContext(doc=doc, cluster=tuple(cluster)))
    check_spans(doc, found)
    return found


def with_source(src: list[str], rep: list[str], src_lang: str = "es", options=None) -> list[Finding]:
    s = seg_doc(src, src_lang, doc_id="src")
    r = seg_doc(rep, "en", doc_id="rep")
    found = terminology.run(CheckContext(doc=r, source=s, alignment=one_to_one(s, r), options=options or {}))
    check_spans(r, found)
    return found


# -- the reference corpus ---------------------------------------------------------------------


def test_reference_004_chancellor_heading_and_reading():
    doc = lines_doc(str(EXAMPLES / "004_acf96132f0f084c7.txt"))
    found = terminology.run(CheckContext(doc=doc))
    check_spans(doc, found)
    by_text = {f.text.lower(): f for f in found}
    assert set(by_text) == {"chancellor", "reading"}
    ch = by_text["chancellor"]
    assert ch.severity == "major" and ch.category == "accuracy/terminology"
    assert doc.segments[ch.segment].text == "Meeting with the chancellor"
    assert "foreign minister" in ch.message and "China" in ch.message and "Qin Gang" in ch.message
    rd = by_text["reading"]
    assert "in a reading of the meeting" in doc.segments[rd.segment].text
    assert "readout" in rd.message and rd.severity == "minor"


def test_reference_002_reading_by_xinhua():
    doc = lines_doc(str(EXAMPLES / "002_2e1ec42307e5552b.txt"))
    found = terminology.run(CheckContext(doc=doc))
    check_spans(doc, found)
    assert [f.text for f in found] == ["reading"]
    assert "Xinhua" in doc.segments[found[0].segment].text


@pytest.mark.parametrize("name", ["000_020213ffb606731c.txt", "001_318b605aa1cf8430.txt", "003_395f7e35265b66e0.txt"])
def test_reference_clean_copies_are_silent(name):
    doc = lines_doc(str(EXAMPLES / name))
    assert terminology.run(CheckContext(doc=doc)) == []


# -- text only: chancellor ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence,country",
    [
        ("China's chancellor Qin Gang met Blinken in Beijing.", "China"),
        ("The Chinese chancellor said the talks were candid.", "China"),
        ("Mexican chancellor Marcelo Ebrard travelled to Washington.", "Mexico"),
        ("Argentina's foreign chancellor spoke on Monday.", "Argentina"),
        ("He met the chancellor of Brazil on Tuesday.", "Brazil"),
    ],
)
def test_chancellor_attached_to_country_without_one(sentence, country):
    found = text_only([sentence])
    assert len(found) == 1
    f = found[0]
    assert f.text.lower() == "chancellor" and f.severity == "major"
    assert country in f.message and "foreign minister" in f.message
    assert f.evidence["rule"] == "chancellor_role"


def test_chancellor_for_person_called_foreign_minister_elsewhere():
    found = text_only([
        "Foreign Minister Ana Pérez of Chile opened the summit.",
        "Later, Chancellor Pérez told reporters the deal was close.",
    ])
    assert [f.text for f in found] == ["Chancellor"]
    assert "Pérez" in found[0].message


def test_chancellor_named_in_cluster_only():
    other = seg_doc(["Peru's foreign minister, Javier González, arrived on Sunday."], "en", doc_id="other")
    found = text_only(["Chancellor Javier González said the border would reopen."], cluster=[other])
    assert len(found) == 1 and "set of articles" in found[0].message
    assert text_only(["Chancellor Javier González said the border would reopen."]) == []


def test_bare_chancellor_in_article_about_foreign_minister():
    found = text_only([
        "Blinken arrives in Beijing",
        "US Secretary of State Antony Blinken landed in Beijing on Sunday.",
        "He held talks with Chinese Foreign Minister Qin Gang for five hours.",
        "Meeting with the chancellor",
        "The two sides agreed to keep talking.",
    ])
    assert [f.text for f in found] == ["chancellor"]
    assert found[0].severity == "major"


@pytest.mark.parametrize(
    "sentences",
    [
        ["German Chancellor Olaf Scholz met Chinese Premier Li Qiang in Berlin."],
        ["Austrian Chancellor Karl Nehammer visited China's foreign minister."],
        ["The chancellor of the University of California announced new rules for Chinese students."],
        ["Chancellor of the Exchequer Jeremy Hunt said China's economy was slowing."],
        ["Chancellor Angela Merkel met the Chinese foreign minister in Beijing."],
        ["Former chancellor Merkel spoke to Mexico's president."],
        ["The vice chancellor of the Chinese University of Hong Kong resigned."],
        ["Lord Chancellor Alex Chalk met Chinese officials."],
        ["Chinese Foreign Minister Qin Gang met Blinken.", "The chancellor, Olaf Scholz, will visit Beijing next month."],
        ["The school district's chancellor said Chinese classes would expand."],
        ["Chancellor Scholz spoke with China's foreign minister on Monday."],
        ["Swiss chancellor Walter Thurnherr met Chinese diplomats."],
        ["Ancient Chinese chancellor Li Si served the first emperor of the Qin dynasty."],
    ],
)
def test_legitimate_chancellors_are_not_flagged(sentences):
    assert text_only(sentences) == []


def test_bare_chancellor_with_german_context_is_not_flagged():
    assert text_only([
        "Chinese Foreign Minister Qin Gang flew to Berlin on Monday.",
        "Meeting with the chancellor",
        "The chancellor promised closer trade ties with China.",
    ]) == []


def test_bare_chancellor_without_foreign_minister_is_not_flagged():
    # No evidence of the foreign-minister sense: stay silent.
    assert text_only(["The chancellor resigned on Friday after the vote."]) == []
    # Mentions of a country without chancellors are not evidence either.
    assert text_only([
        "UC Berkeley Chancellor Carol Christ met US lawmakers in Washington.",
        "The US Congress is debating student visas for Chinese applicants.",
        "China has protested the new rules.",
        "US officials said the rules would take effect in June.",
        "The chancellor said she would lobby against them.",
    ]) == []


# -- text only: readout ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Biden and Xi spoke for two hours, the White House said in a reading of the call.",
        "At the talks Xi urged restraint, according to a reading by Chinese state news agency Xinhua.",
        "According to the Chinese reading of the meeting, Wang warned Washington.",
        "A reading released by the State Department said the talks were candid.",
    ],
)
def test_reading_for_readout(sentence):
    found = text_only([sentence])
    assert [f.text for f in found] == ["reading"]
    assert "readout" in found[0].message
    assert found[0].evidence["rule"] == "readout"


@pytest.mark.parametrize(
    "sentence",
    [
        "She gave a reading of the poem at the memorial.",
        "Lawmakers began reading the bill on Tuesday.",
        "The second reading of the bill passed the Senate.",
        "A careful reading of the meeting minutes shows no vote was taken.",
        "In a close reading of the meeting transcript, analysts found gaps.",
        "According to a reading by the thermometer, it was 40C.",
        "He enjoys reading by the fire after meetings.",
        "The reading on the meter was wrong.",
        "Actually, the minister said she was currently in Madrid.",
        "In his reading of the talks, Beijing had conceded nothing.",
        "According to a reading by the Met Office, temperatures hit 40C.",
        "Xi urged restraint, according to a reading by Chinese state news agency Xinhua.",
    ],
)
def test_readings_that_are_not_readouts(sentence):
    # (The last one has no meeting or call in view: a "reading by" an agency alone
    # could be a measurement, so the rule stays silent.)
    assert text_only([sentence]) == []


def test_reading_by_agency_after_a_meeting_sentence():
    found = text_only([
        "Blinken and Wang held talks for three hours on Monday.",
        "Wang urged restraint, according to a reading by the Chinese foreign ministry.",
    ])
    assert [f.text for f in found] == ["reading"]


# -- with a source ---------------------------------------------------------------------------


def test_canciller_rendered_chancellor_with_source():
    found = with_source(
        ["El canciller chino, Qin Gang, recibió a Blinken."],
        ["The Chinese chancellor, Qin Gang, received Blinken."],
    )
    assert len(found) == 1
    f = found[0]
    assert f.text == "chancellor" and f.severity == "major"
    assert f.source_text == "canciller"  # the source's own wording, not its whole sentence
    assert "canciller" in f.message and "foreign minister" in f.message
    assert f.evidence["source_term"] == "canciller"


def test_source_finding_even_where_text_rule_is_silent():
    found = with_source(["La cancillera habló con la prensa."], ["The chancellor spoke to the press."])
    assert [f.text for f in found] == ["chancellor"]
    assert found[0].source_text is not None


def test_canciller_aleman_is_chancellor():
    assert with_source(
        ["El canciller alemán, Olaf Scholz, viajó a Pekín."],
        ["German Chancellor Olaf Scholz travelled to Beijing."],
    ) == []


def test_billon_rendered_billion_is_an_amount_error():
    found = with_source(
        ["La deuda supera los dos billones de dólares."],
        ["The debt exceeds two billion dollars."],
    )
    assert len(found) == 1 and found[0].text == "billion"
    assert found[0].severity == "major" and "trillion" in found[0].message


def test_mil_millones_billion_is_correct():
    assert with_source(["El plan cuesta 5.000 millones, o cinco mil millones."], ["The plan costs five billion."]) == []
    assert with_source(["La deuda es de un billón de euros."], ["The debt is one trillion euros."]) == []


def test_false_friends_with_source_lemma_and_accent_tolerant():
    found = with_source(
        [
            "Actualmente hay tres fiscales en el caso.",
            "Los sindicatos convocaron manifestaciones.",
            "La ministra está embarazada.",
            "Este lunes se reunieron en Madrid.",
        ],
        [
            "Actually there are three fiscals on the case.",
            "The syndicates called manifestations.",
            "The minister is embarrassed.",
            "This Monday they met in Madrid.",
        ],
    )
    texts = sorted(f.text for f in found)
    assert texts == sorted(["Actually", "fiscals", "syndicates", "manifestations", "embarrassed", "This Monday"])
    monday = next(f for f in found if f.text == "This Monday")
    assert monday.severity == "minor"


def test_this_weekday_for_a_coming_day_is_idiomatic():
    assert with_source(
        ["Este sábado, Nueva York albergará un festival."],
        ["This Saturday New York will host a festival."],
    ) == []
    found = with_source(["Este sábado se reunieron."], ["This Saturday they met."])
    assert [f.text for f in found] == ["This Saturday"] and found[0].category == "style/literal"


def test_correct_renderings_are_silent_with_source():
    assert with_source(
        [
            "Actualmente hay tres fiscales en el caso.",
            "En realidad, el ministro asistió a la reunión.",
            "Asistió a la cumbre del G20.",
            "El fiscal acusó al exministro de fraude fiscal.",
        ],
        [
            "There are currently three prosecutors on the case.",
            "Actually, the minister attended the meeting.",
            "He attended the G20 summit.",
            "The prosecutor accused the former minister of tax fraud.",
        ],
    ) == []


def test_source_in_same_language_uses_text_rules_only():
    s = seg_doc(["China's chancellor met Blinken."], "en", doc_id="src")
    r = seg_doc(["China's chancellor met Blinken."], "en", doc_id="rep")
    found = terminology.run(CheckContext(doc=r, source=s, alignment=one_to_one(s, r)))
    assert len(found) == 1 and found[0].source_text is None


def test_other_source_languages():
    fr = with_source(["Le ministre assistera actuellement au sommet."], ["The minister will actually assist the summit."], "fr")
    assert sorted(f.text for f in fr) == ["actually", "assist"]
    de = with_source(["Die Schulden betragen zwei Billionen Euro."], ["The debt is two billion euros."], "de")
    assert [f.text for f in de] == ["billion"]
    pt = with_source(["O chanceler brasileiro viajou."], ["The Brazilian chancellor travelled."], "pt")
    assert [f.text for f in pt] == ["chancellor"]
    it = with_source(["Il ministro è attualmente a Roma."], ["The minister is actually in Rome."], "it")
    assert [f.text for f in it] == ["actually"]


def test_alternatives_matching_one_word_count_once():
    # "aktuell|aktuelle|..." all match "aktuell": one source occurrence, and the expected
    # rendering ("now") is there once, so the emphatic "actually" is not a calque.
    assert with_source(
        ["Ich brauche aktuell sehr lange, um alles zu planen."],
        ["I just now need a long time to actually plan everything."],
        "de",
    ) == []
    found = with_source(["Die Zahlen sind aktuell schlecht."], ["The figures are actually bad."], "de")
    assert [f.text for f in found] == ["actually"]


def test_user_glossary_option():
    found = with_source(
        ["El alcalde habló."],
        ["The alcalde spoke."],
        options={"glossaries": [str(FIX / "desk.es-en.csv")]},
    )
    assert [f.text for f in found] == ["alcalde"]
    assert found[0].category == "accuracy/untranslated" and found[0].severity == "minor"
    tbx = with_source(["El canciller habló."], ["The chancellor spoke."], options={"glossaries": str(FIX / "v2.tbx")})
    assert [f.text for f in tbx] == ["chancellor"]


def test_no_alignment_means_text_only():
    s = seg_doc(["El canciller habló."], "es", doc_id="src")
    r = seg_doc(["The chancellor spoke."], "en", doc_id="rep")
    assert terminology.run(CheckContext(doc=r, source=s)) == []


# -- precision on clean English ---------------------------------------------------------------


@pytest.mark.skipif(not (NTREX / "newstest2019-src.eng.txt").exists(), reason="shared data not available")
def test_clean_news_excerpt_is_silent():
    en = (NTREX / "newstest2019-src.eng.txt").read_text(encoding="utf-8").splitlines()[:400]
    es = (NTREX / "newstest2019-ref.spa.txt").read_text(encoding="utf-8").splitlines()[:400]
    for i in range(0, 400, 20):
        rep = [x for x in en[i : i + 20] if x.strip()]
        assert text_only(rep) == [], rep
    for i in range(0, 200, 20):
        pairs = [(a, b) for a, b in zip(es[i : i + 20], en[i : i + 20]) if a.strip() and b.strip()]
        assert with_source([a for a, _ in pairs], [b for _, b in pairs]) == []


def test_house_glossary_forbids_a_rendering_without_a_source(tmp_path):
    """A user's glossary is a house rule: its forbidden rendering is flagged even text-only."""
    from auditor.checks import terminology
    from auditor.checks.base import CheckContext
    from tests.helpers import seg_doc

    gloss = tmp_path / "house.csv"
    gloss.write_text("source_term,target_term,forbidden,note\npacto fiscal,tax agreement,fiscal pact,house style\n",
                     encoding="utf-8")
    doc = seg_doc(["The unions signed the Fiscal Pact on Monday.", "Nobody mentioned a pact otherwise."], "en")
    found = terminology.run(CheckContext(doc=doc, options={"glossaries": [str(gloss)]}))
    assert [f.text for f in found] == ["Fiscal Pact"]
    assert "tax agreement" in found[0].message and found[0].detector == "terminology"
    assert terminology.run(CheckContext(doc=doc)) == []


def test_the_source_wording_is_quoted_as_written():
    from auditor.checks.terminology import source_wording
    from auditor.glossary import builtin_glossaries

    terms = [t for t in builtin_glossaries("es", "en") if "canciller" in t.sources]
    assert terms
    assert source_wording(terms[0], "Der Text sagt: El Canciller chino, Qin Gang.") == "Canciller"
    assert source_wording(terms[0], "Nada aquí.") is None
