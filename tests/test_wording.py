"""Message wording (issue 11, item 10): counted nouns, lists, and each message that had
"1 clusters", "6 time(s) in elsewhere in this article", "a, b, c" or a Monday phrase
explaining a Sunday."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from auditor.checks import dates, entities, omissions, spelling, untranslated
from auditor.checks.base import CheckContext
from auditor.text.wording import count, join_words, plural, times
from auditor.types import AlignedPair, Alignment
from tests.helpers import one_to_one, seg_doc

ROOT = Path(__file__).resolve().parent.parent


# ---- the helpers --------------------------------------------------------------------

@pytest.mark.parametrize("noun,want", [("cluster", "clusters"), ("entry", "entries"), ("day", "days"),
                                        ("match", "matches"), ("box", "boxes"), ("word", "words")])
def test_plural(noun, want):
    assert plural(noun) == want


def test_count_and_times():
    assert [count(n, "article") for n in (0, 1, 2)] == ["0 articles", "1 article", "2 articles"]
    assert count(1, "source sentence") == "1 source sentence"
    assert count(3, "person", "people") == "3 people"
    assert [times(n) for n in (1, 2, 6)] == ["once", "twice", "6 times"]


def test_join_words():
    assert join_words([]) == ""
    assert join_words(["a"]) == "a"
    assert join_words(["a", "b"]) == "a and b"
    assert join_words(["a", "b", "c"]) == "a, b and c"
    assert join_words(("x", "y", "z"), "or") == "x, y or z"


def _literal_texts(tree):
    """The literal text of every string in the code that is not a docstring (f-string
    fields left out: they are code)."""
    import ast

    docstrings = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)}
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            yield node.lineno, "".join(v.value for v in node.values if isinstance(v, ast.Constant))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


def test_no_message_template_pastes_a_plural():
    """No "noun(s)" in any string of the code (messages use auditor.text.wording)."""
    import ast

    bad = []
    for path in sorted((ROOT / "auditor").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for lineno, text in _literal_texts(tree):
            if re.search(r"(?<!http)[a-z]\(s\)", text):
                bad.append(f"{path.relative_to(ROOT)}:{lineno}: {text[:80]!r}")
    assert bad == []


# ---- dates: the weekday actually found, the source's own wording ---------------------

def _dates(sentence, source=None, lang="es"):
    doc = seg_doc([sentence], "en", "rep")
    if source is None:
        return dates.run(CheckContext(doc))
    src = seg_doc([source], lang, "src")
    return dates.run(CheckContext(doc, src, one_to_one(src, doc)))


def test_this_sunday_is_explained_with_sunday_forms():
    (f,) = _dates("Blinken met Wang Yi this Sunday in Beijing.")
    assert "“este domingo”" in f.message and "“neste domingo”" in f.message and "“ce dimanche”" in f.message
    assert "“on Sunday”" in f.message
    assert "lunes" not in f.message and "Monday" not in f.message
    assert "Spanish “este domingo”, Portuguese “neste domingo” or French “ce dimanche”" in f.message


def test_this_sunday_against_el_domingo_quotes_the_source():
    (f,) = _dates("Blinken met Wang Yi this Sunday in Beijing.", "Blinken se reunió el domingo con Wang Yi en Pekín.")
    assert f.source_text and "domingo" in f.source_text
    assert f"“{f.source_text}”" in f.message and "not what the source says" in f.message
    assert "este" not in f.message and "lunes" not in f.message and "“on Sunday”" in f.message


def test_this_weekday_against_a_deictic_source_quotes_it():
    (f,) = _dates("Blinken met Wang Yi this Monday in Beijing.", "Blinken encontrou Wang Yi nesta segunda-feira.", "pt")
    assert f.source_text == "nesta segunda-feira"
    assert "renders the source’s “nesta segunda-feira” word for word" in f.message and "“on Monday”" in f.message


def test_weekday_calque_table_covers_every_weekday():
    for wd in range(7):
        assert dates._calque_sources(wd).count("“") == 3


# ---- entities -----------------------------------------------------------------------

def test_title_drift_counts_in_words_and_names_places_readably():
    others = (seg_doc(["Foreign Minister Qin Gang met Blinken.", "Foreign Minister Qin Gang spoke."], "en", "o1"),
              seg_doc(["Chinese Foreign Minister Qin Gang agreed to visit."], "en", "o2"))
    rep = seg_doc(["Blinken spoke with State Councilor Qin Gang in Beijing."], "en", "rep")
    (f,) = entities.run(CheckContext(doc=rep, cluster=others))
    assert "“Foreign Minister” 3 times in o1 and o2:" in f.message
    assert "(s)" not in f.message
    # the consensus partly inside this article: "elsewhere in this article and in o1"
    rep2 = seg_doc(["Blinken spoke with State Councilor Qin Gang in Beijing.",
                    "Foreign Minister Qin Gang smiled.", "Foreign Minister Qin Gang left."], "en", "rep2")
    found = [x for x in entities.run(CheckContext(doc=rep2, cluster=others[:1])) if x.text == "State Councilor"]
    assert found and "4 times elsewhere in this article and in o1:" in found[0].message
    assert "in elsewhere" not in found[0].message


def test_cluster_event_lists_articles_with_and(tmp_path):
    from tests.helpers import lines_doc

    examples = ROOT / "examples" / "blinken-2023-06"
    corpus = [lines_doc(str(p), doc_id=p.name[:3]) for p in sorted(examples.glob("*.txt"))]
    doc = corpus[4]
    fs = [f for f in entities.run(CheckContext(doc=doc, cluster=tuple(corpus[:4])))
          if f.evidence.get("rule") == "cluster-event"]
    assert fs
    ids = fs[0].evidence["documents"]
    assert len(ids) >= 2
    assert f"{join_words(ids)} describe the same occasion" in fs[0].message


# ---- omissions, spelling, untranslated ------------------------------------------------

def test_omission_message_counts_sentences_and_words():
    src = seg_doc(["Xi met Blinken in Beijing on Monday.", "Talks.", "They agreed to keep talking."], "en", "src")
    rep = seg_doc(["Xi met Blinken in Beijing on Monday.", "They agreed to keep talking."], "en", "rep")
    al = Alignment(src.id, rep.id, (AlignedPair((0,), (0,), 1.0), AlignedPair((1,), (), 0.0),
                                    AlignedPair((2,), (1,), 1.0)))
    msgs = [f.message for f in omissions.run(CheckContext(doc=rep, source=src, alignment=al))]
    assert any(m.startswith("1 source sentence (1 word) missing") for m in msgs), msgs


def test_added_sentences_in_a_run_are_one_finding_and_an_edge_run_says_so():
    """Consecutive reprint sentences with no source are one addition (one passage), and a
    run after the last aligned sentence says the source may be an excerpt."""
    src = seg_doc(["El ministro habló.", "Dijo que volvería.", "No dio fechas."], "es", "src")
    rep = seg_doc(["The minister spoke.", "He arrived by train on 12 May.", "Crowds waited for hours.",
                   "He said he would return.", "He gave no dates.", "Talks began in 2021.", "They stalled in 2022."],
                  "en", "rep")
    al = Alignment(src.id, rep.id, (AlignedPair((0,), (0,), 0.9), AlignedPair((), (1,), 0.0), AlignedPair((), (2,), 0.0),
                                    AlignedPair((1,), (3,), 0.9), AlignedPair((2,), (4,), 0.9),
                                    AlignedPair((), (5,), 0.0), AlignedPair((), (6,), 0.0)))
    fs = [f for f in omissions.run(CheckContext(doc=rep, source=src, alignment=al)) if f.category == "accuracy/addition"]
    assert len(fs) == 2, [f.message for f in fs]
    inner, edge = sorted(fs, key=lambda f: f.start)
    text = rep.document.text
    assert text[inner.start:inner.end].startswith("He arrived") and text[inner.start:inner.end].endswith("hours.")
    assert inner.message.startswith("2 sentences (11 words) with no counterpart") and "excerpt" not in inner.message
    assert inner.evidence["reprint_sentences"] == [1, 2] and inner.evidence["outside_the_source"] == "no"
    assert "after the last sentence the source has: the source may be an excerpt" in edge.message
    assert edge.evidence["reprint_sentences"] == [5, 6] and edge.evidence["outside_the_source"] == "after"
    assert inner.severity == "major"  # a translation's added passage with a date is meaning added
    one = Alignment(src.id, rep.id, (AlignedPair((0,), (0,), 0.9), AlignedPair((), (2,), 0.0),
                                     AlignedPair((1,), (3,), 0.9)))
    (single,) = [f for f in omissions.run(CheckContext(doc=rep, source=src, alignment=one))
                 if f.category == "accuracy/addition"]
    assert single.message == "sentence with no counterpart in the source (added text)" and single.severity == "minor"


def test_spelling_counts_use_words():
    doc = seg_doc(["Blinken met Qin in Beijing.", "Qin Gang said talks were candid.", "Qin smiled.",
                   "Talks between Qins and Blinken lasted hours."], "en", "d")
    fs = [f for f in spelling.run(CheckContext(doc=doc)) if f.evidence.get("rule") == "spurious-plural"]
    assert fs and "(used 3 times)" in fs[0].message


def test_untranslated_messages_name_the_language():
    doc = seg_doc(["The minister spoke.", "El ministro habló con los periodistas durante más de una hora en Pekín."],
                  "en", "d")
    msgs = [f.message for f in untranslated.run(CheckContext(doc=doc)) if f.evidence.get("rule") == "sentence"]
    assert msgs and msgs[0].startswith("This sentence is in Spanish,"), msgs


def test_untranslated_phrase_counts_function_words():
    doc = seg_doc(["The minister said that the talks were de la mayor importancia para los dos países today."],
                  "en", "d")
    msgs = [f.message for f in untranslated.run(CheckContext(doc=doc)) if "function word" in f.message]
    assert msgs, "no untranslated phrase found"
    n = int(re.search(r"\((\d+) \w+ function (words?)\)", msgs[0]).group(1))
    assert f"({count(n, 'Spanish function word')})" in msgs[0]


# ---- batch ----------------------------------------------------------------------------

def test_batch_summary_line_singular_and_plural():
    from auditor.batch.runner import BatchSummary
    from auditor.batch.summary import summary_line

    one = summary_line(BatchSummary(out_dir="x", articles=1, audited=1, errors=0, new=1, clusters=1,
                                    multi_clusters=0, seconds=1.0))
    assert "1[/] article (" in one and "1 cluster," in one and "0 errors" in one
    assert "1 clusters" not in one and "1 articles" not in one
    many = summary_line(BatchSummary(out_dir="x", articles=5, audited=4, errors=1, new=5, clusters=2, seconds=1.0))
    assert "5[/] articles" in many and "1 error;" in many and "2 clusters" in many


def test_batch_error_reasons_count_words_and_lines(tmp_path):
    from auditor.batch.prepare import to_document
    from auditor.batch.sources import PageError, RawPage, iter_inputs

    got = to_document(RawPage("p", "p.txt", "text", b"Hello."))
    assert isinstance(got, PageError) and got.reason == "empty page (only 1 word of text)", got
    data = gzip.compress(b'{"text": "one line of a feed with some words"}\n' * 3)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[:-6])
    reasons = [i.reason for i in iter_inputs([str(path)]) if isinstance(i, PageError)]
    assert reasons and re.match(r"truncated or corrupt gzip after \d+ lines? \(", reasons[0])
    assert "after 1 lines" not in reasons[0]


def test_site_report_counts(tmp_path):
    from auditor.batch.site_report import write_site_report
    from auditor.batch.store import Store

    st = Store(str(tmp_path / "o"))
    st.add_results([{"id": "a", "path": "a.html", "site": "a.example", "status": "audited", "verdict": "original",
                     "p_mt": 0.1, "n_findings": 1, "result": {"id": "a", "findings": [
                         {"start": 0, "end": 1, "category": "fluency/spelling", "severity": "minor"}]}}])
    st.close()
    html = Path(write_site_report(str(tmp_path / "o" / "audit.sqlite"), str(tmp_path / "r.html"))).read_text()
    assert "1 article from 1 site:" in html and "0 errors;" in html
    assert "1 article, 0 errors, 0 machine-translated, 1 finding." in html
    assert "1 articles" not in html and "1 sites" not in html and "1 findings" not in html


# ---- one language-name table, one plural helper ---------------------------------------

def test_language_names_come_from_one_table(tmp_path, monkeypatch):
    """Messages of numbers, terminology and the verdict reasons name languages from
    ``models/text/language-names.tsv``: a name changed there changes them all."""
    from auditor.text import tables, wording
    from auditor.verdict import reasons

    assert reasons.language_name("es") == wording.language_name("es") == "Spanish"
    assert reasons.language_name("pt-BR") == "Portuguese"
    assert reasons.language_name(None) == reasons.language_name("und") == "in an undetermined language"
    src = tables.text_models_dir()
    alt = tmp_path / "text"
    alt.mkdir()
    for f in src.iterdir():
        if f.is_file():
            (alt / f.name).write_bytes(f.read_bytes())
    names = (alt / "language-names.tsv").read_text(encoding="utf-8").replace("\tSpanish", "\tCastilian")
    (alt / "language-names.tsv").write_text(names, encoding="utf-8")
    monkeypatch.setenv("AUDITOR_MODELS_DIR", str(tmp_path))
    tables.read_rows.cache_clear()
    try:
        assert reasons.language_name("es") == "Castilian"
        assert "Castilian" in reasons.not_assessed_reason("es", ("en",))
        from auditor.checks import terminology

        assert terminology.language_name("es") == "Castilian"
    finally:
        monkeypatch.delenv("AUDITOR_MODELS_DIR")
        tables.read_rows.cache_clear()


def test_renderers_count_with_the_shared_helper():
    from auditor.report import html, terminal

    for mod in (html, terminal):
        assert not hasattr(mod, "_plural")
        assert mod.count is count
