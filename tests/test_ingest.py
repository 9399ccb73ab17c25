"""Tests of auditor.ingest: formats, metadata rules, boilerplate, captions, offsets, errors.

The reference corpus is read in place (examples/); every other input is a tiny fixture
under tests/fixtures/ingest/ or is generated in tmp_path by the test itself.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import types
from pathlib import Path

import pytest

from auditor.ingest import document_from_html, document_from_text, iter_documents, load_documents
from auditor.ingest import boilerplate as bp
from auditor.types import Document, IngestError

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "blinken-2023-06"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"


def _example(prefix: str) -> Path:
    return next(EXAMPLES.glob(f"{prefix}_*.txt"))


@pytest.fixture(scope="module")
def corpus() -> dict[str, Document]:
    docs, errors = load_documents([str(EXAMPLES)])
    assert errors == []
    return {d.id[:3]: d for d in docs}


def _assert_exact(doc: Document, original: str) -> None:
    """Every clean character is the original character it maps to (inserted ones aside)."""
    assert doc.offsets is not None
    for i, ch in enumerate(doc.text):
        o = doc.offsets.to_original(i)
        if ch == "\n" and original[o] != "\n":
            continue  # a paragraph separator the ingester inserted
        if ch == " " and original[o] in "\r\n\t":
            continue  # the space that joins a hard-wrapped line
        assert original[o] == ch, (i, ch, original[o : o + 10])


def _text_error(tmp_path: Path, name: str, data: bytes) -> IngestError:
    p = tmp_path / name
    p.write_bytes(data)
    docs, errors = load_documents([str(p)])
    assert docs == []
    assert len(errors) == 1 and errors[0].path == str(p)
    return errors[0]


# --- the reference corpus: metadata rules -------------------------------------------------


def test_directory_is_sorted_and_complete(corpus: dict[str, Document]) -> None:
    docs, _ = load_documents([str(EXAMPLES)])
    assert [d.id for d in docs] == sorted(p.stem for p in EXAMPLES.glob("*.txt"))
    assert all(d.encoding == "utf-8" and not d.segmented for d in docs)
    assert docs[0].path == str(_example("000"))


def test_date_line_with_domain_gives_date_and_site_then_title_line(corpus: dict[str, Document]) -> None:
    d = corpus["000"]
    assert (d.date, d.site) == ("2023-06-19", "UrduPoint.com")
    assert d.title == "China, US See Progress In Blinken Visit"
    assert not d.text.startswith("China, US")  # the title and its repeat are metadata
    assert "Published June 19, 2023" not in d.text  # dateline widget
    assert d.text.rstrip().endswith("nothing has changed in US policy.")


def test_date_line_without_rest_and_no_title(corpus: dict[str, Document]) -> None:
    d = corpus["002"]
    assert (d.date, d.site, d.title) == ("2023-06-20", None, None)
    assert d.text.startswith("China and the United States agreed")


def test_date_line_with_words_gives_title(corpus: dict[str, Document]) -> None:
    d = corpus["003"]
    assert d.date == "2023-06-19" and d.site is None
    assert d.title == "China's Xi Jinping makes positive comments after meeting with Blinken"
    assert d.text.startswith("Beijing, China - US Secretary of State")
    assert "Blinken and Chinese foreign minister talk for hours" in d.text  # a subheading stays


def test_date_line_site_name_then_headline_paragraph() -> None:
    raw = (
        "date 2024-03-04 Diario del Plata\n\nEl gobierno anuncia nuevas medidas\n\n"
        "El gobierno anunció el lunes un paquete de medidas económicas para frenar la inflación.\n"
    )
    d = document_from_text(raw, doc_id="x", path="x.txt")
    assert isinstance(d, Document)
    assert (d.date, d.site, d.title) == ("2024-03-04", "Diario del Plata", "El gobierno anuncia nuevas medidas")
    assert d.text.startswith("El gobierno anunció el lunes")
    _assert_exact(d, raw)


def test_date_line_rest_that_is_body_text_stays_in_the_body() -> None:
    first = ("MILAN (AP) — Silvio Berlusconi, the billionaire media mogul who was Italy's "
             "longest-serving premier, has died at age 86.")
    raw = f" date 2023-06-12 {first}\nHis television network announced his death on Monday.\n"
    d = document_from_text(raw, doc_id="x", path="x.txt")
    assert isinstance(d, Document)
    assert (d.date, d.site, d.title) == ("2023-06-12", None, None)
    assert d.text.split("\n") == [first, "His television network announced his death on Monday."]
    _assert_exact(d, raw)


def test_date_line_rest_that_is_a_widget_or_a_short_headline() -> None:
    raw = "date 2023-08-21 By John Ensor\n\nTalks resume\n\nMinisters met in Lisbon on Monday to discuss fishing rights.\n"
    d = document_from_text(raw, doc_id="x", path="x.txt")
    assert isinstance(d, Document)
    assert (d.site, d.title) == (None, "Talks resume")
    assert d.text == "Ministers met in Lisbon on Monday to discuss fishing rights."
    d = document_from_text("date 2023-07-21 1/5\n\nTalks resume\n\nMinisters met in Lisbon on Monday.\n", doc_id="z", path="z.txt")
    assert isinstance(d, Document) and (d.site, d.title, d.text) == (None, "Talks resume", "Ministers met in Lisbon on Monday.")
    raw = "date 2023-06-14   1. Skip to content\nTalks resume\n\nMinisters met in Lisbon on Monday.\n"
    d = document_from_text(raw, doc_id="f", path="f.txt")
    assert isinstance(d, Document) and (d.title, d.text) == ("Talks resume", "Ministers met in Lisbon on Monday.")
    # a short line ending like a sentence is article text, not furniture
    d = document_from_text("date 2023-05-21 Floods kill at least 14 people.\nRescuers searched all night.\n", doc_id="g", path="g.txt")
    assert isinstance(d, Document) and d.text.startswith("Floods kill at least 14 people.\n")
    # a short headline followed by body text is a headline, not a site name
    d = document_from_text("date 2023-06-19 Xi meets Blinken\nMinisters met in Beijing on Monday to discuss trade.\n",
                           doc_id="y", path="y.txt")
    assert isinstance(d, Document) and (d.site, d.title) == (None, "Xi meets Blinken")


def test_widgets_boilerplate_and_footer_removed_in_001(corpus: dict[str, Document]) -> None:
    d = corpus["001"]
    assert d.title == "China, US see progress in Blinken visit but close no gaps"
    assert d.date is None and d.site is None
    for junk in ("25.7 C", "Friday, March 1, 2024", "Advertisement", "Popular Articles"):
        assert junk not in d.text
    assert d.text.startswith("Chinese leader Xi Jinping said Monday he saw headway")
    assert "– End ‘downward spiral’ –" in d.text
    assert "“We have made progress and we are moving forward,”" in d.text
    assert d.text.endswith("at the latest G20 summit in New Delhi.")
    assert "\n\n" not in d.text


def test_byline_counters_and_footer_removed_in_004(corpus: dict[str, Document]) -> None:
    d = corpus["004"]
    assert d.title == "China and US Hold Talks: Blinken’s Mission for Diplomatic Stability"
    for junk in ("by worldysnews", "0 comment", "You may also like", "Leave a Comment", "Wrodlys News"):
        assert junk not in d.text
    assert "(CNN) — US Secretary of State Antony Blinken began his meeting" in d.text
    assert "Strained relationship" in d.text
    assert d.text.rstrip().endswith("undermine the purpose of the trip")
    assert d.text.count("China challenges Biden: abide by our sovereignty") == 1


def test_captions_marked_in_004(corpus: dict[str, Document]) -> None:
    d = corpus["004"]
    spans = [d.text[a:b] for a, b in d.captions]
    leah = [s for s in spans if "Credit: LEAH MILLIS/" in s]
    assert len(leah) == 2
    assert any("on April 18. June 2023." in s for s in leah)
    assert all(s.startswith("US Secretary of State Antony Blinken") for s in leah)
    for a, b in d.captions:  # whole lines, never part of a body paragraph
        assert (a == 0 or d.text[a - 1] == "\n") and (b == len(d.text) or d.text[b] == "\n")
    assert not any("Hua Chunying" in s for s in spans)  # body paragraphs are not captions
    assert corpus["000"].captions == ()


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_offsets_exact_on_examples(corpus: dict[str, Document], prefix: str) -> None:
    original = _example(prefix).read_text(encoding="utf-8")
    _assert_exact(corpus[prefix], original)


# --- plain text rules ---------------------------------------------------------------------


def test_crlf_offsets_exact() -> None:
    raw = "Talks in Lisbon\r\n\r\nMinisters met on Monday.\r\nAdvertisement\r\n\r\n\r\nThey agreed   to meet again.\r\n"
    d = document_from_text(raw, doc_id="x", path="x.txt")
    assert isinstance(d, Document)
    assert d.title == "Talks in Lisbon"
    assert d.text == "Ministers met on Monday.\nThey agreed   to meet again."
    _assert_exact(d, raw)
    assert "\r" not in d.text


def test_old_mac_line_breaks_map_separators_to_next_paragraph() -> None:
    raw = "First paragraph is here.\rSecond paragraph is here."
    d = document_from_text(raw, doc_id="x", path="x.txt")
    assert isinstance(d, Document) and d.text == "First paragraph is here.\nSecond paragraph is here."
    _assert_exact(d, raw)
    sep = d.text.index("\n")
    assert d.offsets is not None and d.offsets.to_original(sep) == raw.index("Second")


def test_hard_wrapped_lines_are_joined_with_exact_offsets() -> None:
    raw = (
        "Talks resume\r\n\r\nForeign ministers from twelve countries met in the\r\n"
        "capital to discuss fishing rights, officials said,\r\nand agreed to meet again.\r\n"
        "Heading without a period\r\nA new paragraph starts here.\r\n"
    )
    d = document_from_text(raw, doc_id="x", path="x.txt")
    assert isinstance(d, Document) and d.title == "Talks resume"
    assert d.text.split("\n") == [
        "Foreign ministers from twelve countries met in the capital to discuss fishing rights, "
        "officials said, and agreed to meet again.",
        "Heading without a period",  # next line starts upper-case: a separate paragraph
        "A new paragraph starts here.",
    ]
    _assert_exact(d, raw)


def test_markdown_headings_and_colon_date_line(tmp_path: Path) -> None:
    raw = "date: 2023-06-19 example.org\n\n# Talks in Lisbon\n\n## Day one\n\nMinisters met on Monday.\n"
    p = tmp_path / "story.md"
    p.write_text(raw, encoding="utf-8")
    d = load_documents([str(p)])[0][0]
    assert (d.date, d.site, d.title) == ("2023-06-19", "example.org", "Talks in Lisbon")
    assert d.text == "Day one\nMinisters met on Monday."
    _assert_exact(d, raw)


def test_title_rules_negative() -> None:
    d = document_from_text("A first sentence that ends.\n\nAnother one.", doc_id="x", path="x.txt")
    assert isinstance(d, Document) and d.title is None and d.text.startswith("A first sentence")
    long_line = "word " * 60
    d = document_from_text(long_line + "\n\nBody text.", doc_id="x", path="x.txt")
    assert isinstance(d, Document) and d.title is None
    d = document_from_text("Headline without blank line\nBody text follows here.", doc_id="x", path="x.txt")
    assert isinstance(d, Document) and d.title is None
    assert d.text.startswith("Headline without blank line")


def test_multilingual_boilerplate_removed_body_kept() -> None:
    lines = [
        "El canciller chino se reunió con el secretario de Estado el lunes en Pekín.",
        "Related articles",
        "Publicidad",
        "Te puede interesar: Las claves de la visita",
        "Publicité",
        "Lire aussi : La visite en cinq points",
        "Anzeige",
        "Werbung",
        "Lesen Sie auch: Was die Reise bedeutet",
        "Publicidade",
        "Leia também: O que muda",
        "1.234 comentarios",
        "12 shares",
        "Read more: Five things to know",
        "The advertisement market was not discussed, officials said on Monday.",
        "Lo más leído",
        "Otra noticia cualquiera del pie de página.",
    ]
    d = document_from_text("\n".join(lines), doc_id="x", path="x.txt")
    assert isinstance(d, Document)
    assert d.text.split("\n") == [lines[0], lines[14]]
    # near the end, a weak marker ("Related articles") ends the article
    tail = document_from_text("\n".join([lines[0], lines[14], "Related articles", "Some teaser headline"]), doc_id="y", path="y.txt")
    assert isinstance(tail, Document) and tail.text.split("\n") == [lines[0], lines[14]]


def test_plain_text_captions_and_negatives() -> None:
    lines = [
        "Los ministros llegan a la cumbre de Lisboa el 19 de junio de 2023. Foto: EFE",
        "Der Minister spricht in Berlin. Bild: dpa",
        "Protesters gather outside the venue on Sunday. /AP",
        "The minister told Reuters on Monday that the talks would continue next week.",
        "The photo shoot was cancelled because of the rain, the organisers said.",
    ]
    d = document_from_text("\n".join(lines), doc_id="x", path="x.txt")
    assert isinstance(d, Document)
    spans = [d.text[a:b] for a, b in d.captions]
    assert spans == lines[:3]


def test_boilerplate_predicates() -> None:
    assert bp.is_boilerplate("- Advertisement -") and bp.is_boilerplate("ANZEIGE")
    assert bp.is_boilerplate("25.7 C") and bp.is_boilerplate("0 comment")
    assert not bp.is_boilerplate("Advertisement revenue fell by 12 percent last year.")
    assert bp.is_header_widget("Friday, March 1, 2024")
    assert bp.is_header_widget("Actualizado 20/06/2023 10:00 CET")
    assert not bp.is_header_widget("Group of 20 summit")
    assert bp.is_footer_marker("You may also like") and not bp.is_footer_marker("You may also like it")
    assert bp.is_byline("by worldysnews") and not bp.is_byline("By the end of the day, it was over.")


def test_dated_bylines_are_page_furniture_anywhere(tmp_path: Path) -> None:
    for line in ("By J. Doe • 21 August 2023 • 8:45", "By John Ensor • 21 August 2023 • 8:45",
                 "Por Ana de la Torre | 20/06/2023 10:00 CET", "By Jane Roe, June 19, 2023",
                 "By J. Doe and A. Roe · Reuters · Updated 8:45 GMT", "By Jane Roe | 5 min read"):
        assert bp.is_dated_byline(line) and bp.is_byline(line), line
    for line in ("By the end of the day, it was over.", "By 8:45 the talks had ended • officials said",
                 "By Monday • the talks resumed", "By Jane Roe • Reuters", "By train • 8:45",
                 "By the numbers: 21 August 2023", "By J. Doe"):
        assert not bp.is_dated_byline(line), line
    body = ("Talks between the two governments resumed in Beijing on Monday after a long pause.\n\n"
            "By J. Doe • 21 August 2023 • 8:45\n\n"
            "Officials on both sides said the meeting had been useful and would be repeated soon.\n")
    p = tmp_path / "story.txt"
    p.write_text(body, encoding="utf-8")
    docs, errors = load_documents([str(p)])
    assert not errors
    assert "J. Doe" not in docs[0].text and "8:45" not in docs[0].text
    assert "resumed in Beijing" in docs[0].text and "would be repeated soon" in docs[0].text


def test_example_corpus_has_no_dated_byline_to_drop() -> None:
    """The new rule removes only bylines: no line of the example corpus has that shape,
    so its ingest output is what it was."""
    lines = [ln for f in sorted(EXAMPLES.glob("*.txt")) for ln in f.read_text(encoding="utf-8").splitlines()]
    assert lines and [ln for ln in lines if bp.is_dated_byline(ln)] == []


def test_segmented_keeps_lines_exactly(tmp_path: Path) -> None:
    raw = "date 2023-06-19 example.com\r\nAdvertisement\r\n\r\n  Sentence two.  \r\nSentence three.\r\n"
    p = tmp_path / "sents.txt"
    p.write_bytes(raw.encode("utf-8"))
    docs, errors = load_documents([str(p)], segmented=True, lang="es")
    assert errors == [] and len(docs) == 1
    d = docs[0]
    assert d.segmented and d.language == "es" and d.title is None
    assert d.text.split("\n") == ["date 2023-06-19 example.com", "Advertisement", "  Sentence two.  ", "Sentence three."]
    _assert_exact(d, raw)


def test_lang_override_copied(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_text("Una frase en español.", encoding="utf-8")
    docs, _ = load_documents([str(p)], lang="es")
    assert docs[0].language == "es"
    docs, _ = load_documents([str(p)])
    assert docs[0].language is None


# --- encodings and bad input --------------------------------------------------------------


@pytest.mark.parametrize("codec", ["latin-1", "cp1252"])
def test_legacy_encoding_decodes(tmp_path: Path, codec: str) -> None:
    text = "La canción de Müller.\n\nEl niño habló con la prensa en la mañana del lunes."
    p = tmp_path / "legacy.txt"
    p.write_bytes(text.encode(codec))
    docs, errors = load_documents([str(p)])
    assert errors == []
    d = docs[0]
    assert d.encoding in ("cp1252", "latin-1")
    assert d.text.startswith("La canción de Müller.")
    assert "niño" in d.text and "mañana" in d.text


def test_bom_and_utf16(tmp_path: Path) -> None:
    p = tmp_path / "bom.txt"
    p.write_bytes("\ufeffCafé con leche por la mañana.".encode("utf-8"))
    d = load_documents([str(p)])[0][0]
    assert d.encoding == "utf-8-sig" and d.text == "\ufeffCafé con leche por la mañana."[1:]
    p16 = tmp_path / "u16.txt"
    p16.write_bytes("Müller spricht.".encode("utf-16"))
    d = load_documents([str(p16)])[0][0]
    assert d.text == "Müller spricht." and d.encoding.startswith("utf-16")


def test_binary_empty_and_missing(tmp_path: Path) -> None:
    assert _text_error(tmp_path, "img.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20).reason == "binary file"
    assert _text_error(tmp_path, "empty.txt", b"").reason == "empty file"
    assert _text_error(tmp_path, "blank.txt", b"  \n\n \r\n").reason == "empty file"
    docs, errors = load_documents([str(tmp_path / "nope.txt")])
    assert docs == [] and errors == [IngestError(str(tmp_path / "nope.txt"), "no such file or directory")]


def test_only_boilerplate_is_an_error(tmp_path: Path) -> None:
    assert _text_error(tmp_path, "ads.txt", b"Advertisement\n\nPublicidad\n").reason == "no article text found"


def test_directory_without_articles(tmp_path: Path) -> None:
    (tmp_path / "photo.png").write_bytes(b"\x89PNG")
    (tmp_path / "sub").mkdir()
    docs, errors = load_documents([str(tmp_path)])
    assert docs == [] and errors == [IngestError(str(tmp_path), "no articles found in directory")]


def test_directory_ignores_other_files_but_named_file_is_tried(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.md").write_text("Nested article text here.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Top article text here.", encoding="utf-8")
    (tmp_path / "notes.dat").write_text("Not picked from a directory.", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("Hidden.", encoding="utf-8")
    docs, errors = load_documents([str(tmp_path)])
    assert errors == [] and [d.id for d in docs] == ["a", "z"]
    docs, errors = load_documents([str(tmp_path / "notes.dat")])
    assert errors == [] and docs[0].text == "Not picked from a directory."


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "secret.txt"
    p.write_text("Secret text.", encoding="utf-8")
    if os.geteuid() != 0:
        p.chmod(0)
    else:  # root reads anything: simulate the OS refusing
        import auditor.ingest as ingest

        real_open = open

        def refusing_open(path, *a, **k):  # type: ignore[no-untyped-def]
            if str(path) == str(p):
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, *a, **k)

        monkeypatch.setattr(ingest, "open", refusing_open, raising=False)
    docs, errors = load_documents([str(p)])
    assert docs == [] and errors == [IngestError(str(p), "permission denied")]


# --- ids, stdin, streaming ----------------------------------------------------------------


def test_ids_unique_within_one_call() -> None:
    f = str(_example("003"))
    docs, _ = load_documents([f, f, f])
    assert [d.id for d in docs] == ["003_395f7e35265b66e0", "003_395f7e35265b66e0#2", "003_395f7e35265b66e0#3"]
    assert all(d.path == f for d in docs)


def test_stdin_text_html_and_jsonl() -> None:
    docs, errors = load_documents(["-"], stdin=io.BytesIO("Una noticia de prueba.\n".encode("utf-8")))
    assert errors == [] and docs[0].id == "stdin" and docs[0].path == "-"
    assert docs[0].text == "Una noticia de prueba."
    page = (FIXTURES / "article.html").read_bytes()
    docs, _ = load_documents(["-"], stdin=io.BytesIO(page))
    assert docs[0].title == "Ministers meet in Lisbon"
    lines = b'{"id": "a", "text": "First article."}\n\n{"id": "b", "text": "Second article."}\n'
    docs, _ = load_documents(["-"], stdin=io.BytesIO(lines))
    assert [d.id for d in docs] == ["a", "b"]
    array = b'[{"id": "c", "text": "Third article."}]'
    docs, _ = load_documents(["-"], stdin=io.BytesIO(array))
    assert [d.id for d in docs] == ["c"]
    docs, errors = load_documents(["-"])
    assert docs == [] and errors[0].path == "-"


def test_iter_documents_streams_in_order(tmp_path: Path) -> None:
    it = iter_documents([str(tmp_path / "missing.txt"), str(_example("002"))])
    assert isinstance(it, types.GeneratorType)
    first, second = list(it)
    assert isinstance(first, IngestError) and isinstance(second, Document)


# --- JSONL --------------------------------------------------------------------------------


def test_jsonl_records_and_bad_lines() -> None:
    path = str(FIXTURES / "articles.jsonl")
    docs, errors = load_documents([path])
    by_id = {d.id: d for d in docs}
    assert set(by_id) == {"lisbon-en", "articles:3", "lisbon-html"}
    en = by_id["lisbon-en"]
    assert (en.title, en.date, en.language, en.site) == ("Ministers meet in Lisbon", "2023-06-19", "en", "example-times.com")
    assert en.text == "Foreign ministers met in Lisbon on Monday.\nThe talks lasted six hours."
    assert en.path == f"{path}:1"
    es = by_id["articles:3"]
    assert es.site == "diario-ejemplo.es" and "Publicidad" not in es.text and es.language == "es"
    assert by_id["lisbon-html"].text.startswith("Foreign ministers met in Lisbon")
    reasons = {e.path: e.reason for e in errors}
    assert set(reasons) == {f"{path}:2", f"{path}:4"}
    assert reasons[f"{path}:2"].startswith("invalid JSON")
    assert reasons[f"{path}:4"] == "no text or html field"


def test_jsonl_gz_and_json_array(tmp_path: Path) -> None:
    recs = [{"text": "Uno dos tres."}, {"id": "x", "html": "<p>Hola mundo desde una página.</p>"}]
    gz = tmp_path / "batch.jsonl.gz"
    gz.write_bytes(gzip.compress("\n".join(json.dumps(r) for r in recs).encode("utf-8")))
    docs, errors = load_documents([str(gz)], lang="es")
    assert errors == [] and [d.id for d in docs] == ["batch:1", "x"]
    assert all(d.language == "es" for d in docs)
    arr = tmp_path / "batch.json"
    arr.write_text(json.dumps(recs), encoding="utf-8")
    docs, errors = load_documents([str(arr)])
    assert errors == [] and [d.id for d in docs] == ["batch:1", "x"]


# --- HTML ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def page() -> tuple[str, Document]:
    raw = (FIXTURES / "article.html").read_text(encoding="utf-8")
    docs, errors = load_documents([str(FIXTURES / "article.html")])
    assert errors == []
    return raw, docs[0]


def test_html_metadata(page: tuple[str, Document]) -> None:
    _, d = page
    assert d.id == "article" and d.title == "Ministers meet in Lisbon"
    assert d.date == "2023-06-19" and d.site == "The Example Times"
    assert d.url == "https://www.example-times.com/world/ministers-meet-lisbon"


def test_html_body_boilerplate_and_hostile_text(page: tuple[str, Document]) -> None:
    _, d = page
    paras = d.text.split("\n")
    assert paras[0].startswith("Foreign ministers from twelve countries met in Lisbon")
    assert "Advertisement" not in d.text and "Copyright" not in d.text and "Home" not in d.text
    assert "<script> and [bold]" in d.text  # markup-like article words stay plain text
    assert "joint statement & a promise" in d.text
    assert "\n\n" not in d.text


def test_html_captions_marked_in_page_order(page: tuple[str, Document]) -> None:
    _, d = page
    spans = [d.text[a:b] for a, b in d.captions]
    assert spans == [
        "Ministers pose for a photo in Lisbon on June 19, 2023. Photo: Jane Doe/Example Agency",
        "Delegates arrive at the conference centre (Credit: Example Agency)",
    ]
    paras = d.text.split("\n")
    assert paras[1] == spans[0]  # after the paragraph that precedes the figure


def test_html_offsets_point_into_page(page: tuple[str, Document]) -> None:
    raw, d = page
    assert d.offsets is not None
    start = 0
    for para in d.text.split("\n"):
        o = d.offsets.to_original(start)
        assert raw[o : o + 12] == para[:12]
        start += len(para) + 1
    i = d.text.index("six hours")  # inside <b>: still exact
    assert raw[d.offsets.to_original(i) :].startswith("six hours")


def test_html_offsets_skip_meta_description() -> None:
    lede = "Ministers from twelve countries met in Lisbon on Monday to discuss fishing rights."
    markup = (
        f'<html><head><meta name="description" content="{lede}"></head><body><article>'
        f"<p>{lede}</p><p>They agreed to meet again in September after six hours of talks.</p>"
        "</article></body></html>"
    )
    d = document_from_html(markup, doc_id="m", path="m.html")
    assert isinstance(d, Document) and d.offsets is not None and d.text.startswith(lede)
    assert d.offsets.to_original(0) == markup.index(f"<p>{lede}") + 3


def test_html_comments_are_not_text() -> None:
    markup = (
        "<html><body><!-- tracking pixel here --><article><p>Only the article sentence is text, "
        "and it is long enough to keep.</p><!-- ad slot --></article></body></html>"
    )
    for got in (document_from_html(markup, doc_id="c", path="c.html"),):
        assert isinstance(got, Document) and "pixel" not in got.text and "ad slot" not in got.text
    from auditor.ingest.html import _collect_lxml, _collect_stdlib

    assert _collect_lxml(markup) == _collect_stdlib(markup)
    assert all("pixel" not in t for t, _ in _collect_lxml(markup) or [])


def test_html_empty_pages() -> None:
    for markup in ("<html><body></body></html>", "<html><body><script>var a = 1;</script><nav>Home</nav></body></html>"):
        got = document_from_html(markup, doc_id="e", path="e.html")
        assert got == IngestError("e.html", "no article text found")


def test_html_deeply_nested() -> None:
    depth = 5000
    markup = "<html><body>" + "<div>" * depth + "<p>Deep text survives even at the bottom of the page.</p>" + "</div>" * depth
    got = document_from_html(markup, doc_id="deep", path="deep.html")
    assert isinstance(got, Document) and got.text == "Deep text survives even at the bottom of the page."


def test_html_huge_page() -> None:
    paras = [f"Paragraph {i} of the very long page says something about the talks." for i in range(2000)]
    blob = "x" * (20 * 1024 * 1024)
    markup = (
        "<html><head><title>Huge</title><script>var data = '" + blob + "';</script></head><body><article>"
        + "".join(f"<p>{p}</p>" for p in paras)
        + "</article></body></html>"
    )
    got = document_from_html(markup.encode("utf-8"), doc_id="huge", path="huge.html")
    assert isinstance(got, Document)
    assert got.text.split("\n") == paras and got.encoding == "utf-8"


def test_import_is_lazy() -> None:
    import subprocess
    import sys

    code = (
        "import sys, auditor.ingest; "
        "heavy = [m for m in ('trafilatura', 'lxml', 'charset_normalizer', 'torch') if m in sys.modules]; "
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
