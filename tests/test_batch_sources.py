"""Streaming readers and page -> Document conversion, including every bad-input case."""

from __future__ import annotations

import gzip
import random

import pytest

from auditor.batch.prepare import PageError, html_depth_exceeds, prepare_page, to_document
from auditor.batch.sources import MAX_SLUG, RawPage, iter_file, iter_inputs, page_id, site_of, url_slug
from auditor.types import Document
from tests.fixtures.batch.make import (deep_html, page_html, story_pages, write_dir, write_jsonl,
                                       write_warc, STORIES)


def _items(paths, **kw):
    return list(iter_inputs([str(p) for p in paths], **kw))


def test_directory_reads_html_and_txt_skips_other_files(tmp_path):
    root = write_dir(tmp_path / "site", n=3)
    items = _items([root])
    assert [type(i).__name__ for i in items] == ["RawPage"] * 4
    assert sorted(i.kind for i in items) == ["html", "html", "html", "text"]
    assert all(not i.path.endswith(".png") for i in items)
    docs = [to_document(i) for i in items]
    assert all(isinstance(d, Document) for d in docs), docs
    assert "more than two hundred schools" in docs[0].text
    assert "All rights reserved" not in docs[0].text  # boilerplate removed by ingest


def test_ids_are_deterministic_and_distinct(tmp_path):
    root = write_dir(tmp_path / "site", n=3)
    a = [i.id for i in _items([root])]
    b = [i.id for i in _items([root])]
    assert a == b and len(set(a)) == len(a)
    assert page_id(str(root / "x"), "1") != page_id(str(root / "x"), "2")


def test_ids_are_the_ones_audit_gives(tmp_path):
    """File stems, "#2" on a clash in input order, a file named twice read once."""
    from auditor.ingest import load_documents

    root = write_dir(tmp_path / "site", n=2)
    (root / "sub").mkdir()
    (root / "sub" / "page000.txt").write_text("Another article. " * 10, encoding="utf-8")
    (root / ".hidden.txt").write_text("Hidden notes. " * 10, encoding="utf-8")
    items = _items([root, root / "notes.txt"])
    docs, _ = load_documents([str(root)])
    assert [i.id for i in items] == [d.id for d in docs] == ["notes", "page000", "page001", "page000#2"]
    assert [i.path for i in items] == [d.path for d in docs]


def test_jsonl_ids_are_record_ids_or_stem_and_line(tmp_path):
    from auditor.ingest import load_documents

    path = tmp_path / "feed.jsonl"
    path.write_text('{"id": "wire-1", "text": "First article with enough words in it."}\n'
                    '{"text": "Second article with enough words in it."}\n'
                    '{"id": 7, "text": "Third article with enough words in it."}\n'
                    '{"id": "wire-1", "text": "Fourth article with enough words in it."}\n', encoding="utf-8")
    items = _items([path])
    docs, _ = load_documents([str(path)])
    assert [i.id for i in items] == [d.id for d in docs] == ["wire-1", "feed:2", "7", "wire-1#2"]
    assert [to_document(i).id for i in items] == [i.id for i in items]


def test_warc_ids_are_url_slugs(tmp_path):
    pages = story_pages(2) + [story_pages(1)[0]]  # the first URL crawled twice
    items = _items([write_warc(tmp_path / "c.warc.gz", pages)])
    assert [i.id for i in items] == ["wire.example-news-0", "wire.example-news-1", "wire.example-news-0#2"]
    assert url_slug("https://www.a.example/x/y.html?id=4") == "a.example-x-y.html-id-4"
    long = url_slug("https://a.example/" + "word-" * 60)
    assert len(long) <= MAX_SLUG + 9 and long != url_slug("https://a.example/" + "word-" * 61)


@pytest.mark.parametrize("gz", [False, True])
def test_jsonl_and_jsonl_gz(tmp_path, gz):
    path = write_jsonl(tmp_path / ("feed.jsonl.gz" if gz else "feed.jsonl"), n=4, gz=gz)
    items = _items([path])
    assert len(items) == 4 and all(i.kind == "record" for i in items)
    assert items[0].path.endswith(":1")
    docs = [to_document(i) for i in items]
    assert all(isinstance(d, Document) for d in docs)
    assert docs[0].site == "site0.example" and docs[1].site == "site1.example"
    assert docs[0].id == items[0].id  # the batch id wins over the record's default id
    assert "tram line" in docs[1].text  # html field extracted


@pytest.mark.parametrize("gz", [False, True])
def test_warc_response_records_with_metadata(tmp_path, gz):
    pages = story_pages(3) + [("https://wire.example/logo.png", b"\x89PNG....", "image/png")]
    path = write_warc(tmp_path / ("c.warc.gz" if gz else "c.warc"), pages, gz=gz)
    items = _items([path])
    assert len(items) == 3  # request records and the image are skipped
    assert [i.url for i in items] == [f"https://wire.example/news/{k}" for k in range(3)]
    assert all(i.site == "wire.example" and i.date == "2024-05-06" for i in items)
    assert all("@" in i.path for i in items)
    doc = to_document(items[1])
    assert isinstance(doc, Document) and doc.url.endswith("/news/1") and "tram" in doc.text
    assert doc.site == "wire.example"


def test_site_of():
    assert site_of("https://www.Example.com/a?b") == "example.com"
    assert site_of("not a url") is None and site_of(None) is None


# ---- bad input: every case is an error row with its reason, never an exception ----------

def test_truncated_gzip_jsonl_keeps_earlier_records(tmp_path):
    data = gzip.compress(("\n".join(f'{{"text": "Line {k} of a long feed with words."}}' for k in range(2000)) + "\n").encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    items = _items([path])
    assert isinstance(items[-1], PageError) and "gzip" in items[-1].reason
    assert sum(isinstance(i, RawPage) for i in items) > 0


def test_truncated_warc_gz(tmp_path):
    path = write_warc(tmp_path / "c.warc.gz", story_pages(3), gz=True)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * 0.8)])
    items = _items([path])
    assert isinstance(items[-1], PageError)
    assert "truncated WARC record" in items[-1].reason or "corrupt WARC" in items[-1].reason
    assert sum(isinstance(i, RawPage) for i in items) >= 1


def test_corrupt_warc_record(tmp_path):
    path = write_warc(tmp_path / "c.warc", story_pages(2), gz=False)
    path.write_bytes(path.read_bytes() + b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: banana\r\n\r\nxx")
    items = _items([path])
    assert sum(isinstance(i, RawPage) for i in items) == 2
    assert isinstance(items[-1], PageError) and "corrupt WARC" in items[-1].reason


def test_binary_file(tmp_path):
    p = tmp_path / "x.html"
    p.write_bytes(b"\x00\x01\x02binary" * 100)
    got = to_document(_items([p])[0])
    assert isinstance(got, PageError) and got.reason == "binary file"


def test_undecodable_text(tmp_path):
    rnd = random.Random(1)
    p = tmp_path / "x.txt"
    p.write_bytes(bytes(rnd.randrange(128, 256) for _ in range(3000)))
    got = to_document(_items([p])[0])
    assert isinstance(got, PageError) and "undecodable" in got.reason
    q = tmp_path / "y.txt"
    q.write_bytes(b"\xff\xfe" + b"\x00\xd8" * 100)  # a UTF-16 BOM then broken surrogates
    got = to_document(_items([q])[0])
    assert isinstance(got, PageError) and "invalid utf-16" in got.reason


@pytest.mark.parametrize("body", [b"", b"   \n ", b"<html><body><nav>Home</nav></body></html>"])
def test_empty_pages(tmp_path, body):
    p = tmp_path / "e.html"
    p.write_bytes(body)
    got = to_document(_items([p])[0])
    assert isinstance(got, PageError) and "empty" in got.reason


def test_huge_page_is_an_error_row_without_reading_it(tmp_path):
    p = tmp_path / "big.html"
    with open(p, "wb") as fh:
        fh.write(b"<p>word word word!</p>" * (20 * 1024 * 1024 // 22) + b"\n" * (20 * 1024 * 1024 % 22))
    items = _items([p])
    assert isinstance(items[0], PageError)
    assert items[0].reason.startswith("page too large (20.0 MB > 5.0 MB limit)")


def test_huge_warc_record(tmp_path):
    big = b"<html><body>" + b"<p>x</p>" * (6 * 1024 * 1024 // 8) + b"</body></html>"
    path = write_warc(tmp_path / "c.warc.gz", story_pages(1) + [("https://a.example/big", big, "text/html")])
    items = _items([path])
    assert isinstance(items[0], RawPage)
    assert isinstance(items[1], PageError) and "page too large" in items[1].reason
    assert items[1].url == "https://a.example/big"


def test_huge_jsonl_line(tmp_path):
    p = tmp_path / "f.jsonl"
    p.write_bytes(b'{"text": "' + b"a" * (200 * 1024) + b'"}\n{"text": "Short one. Fine."}\n')
    items = _items([p], max_page_bytes=100 * 1024)
    assert isinstance(items[0], PageError) and "page too large" in items[0].reason
    assert isinstance(items[1], RawPage) and items[1].path.endswith(":2")


def test_deeply_nested_html(tmp_path):
    assert html_depth_exceeds(deep_html(5000)) and not html_depth_exceeds(deep_html(50))
    p = tmp_path / "deep.html"
    p.write_bytes(deep_html(100_000))
    got = to_document(_items([p])[0])
    assert isinstance(got, PageError) and "nested too deeply" in got.reason
    ok = tmp_path / "ok.html"
    ok.write_bytes(deep_html(40))
    assert isinstance(to_document(_items([ok])[0]), Document)


def test_invalid_json_line(tmp_path):
    p = tmp_path / "f.jsonl"
    p.write_text('{"text": "Good line here."}\n{not json\n', encoding="utf-8")
    items = _items([p])
    assert isinstance(to_document(items[1]), PageError)
    assert "invalid JSON" in to_document(items[1]).reason


def test_missing_input_is_an_error_row(tmp_path):
    items = _items([tmp_path / "nope.warc.gz"])
    assert isinstance(items[0], PageError) and "no such file" in items[0].reason


def test_prepare_page_never_raises_and_sketches(tmp_path):
    page = RawPage("p1", "x.html", "html", page_html(*STORIES[0]).encode())
    got = prepare_page(page, encoder_name="hashing")
    assert got.sketch.language == "en" and got.sketch.vector is not None
    # the detected language stays in the sketch: the Document is the one ``audit`` reads
    assert got.document.language is None and got.sketch.minhash.shape == (64,)
    bad = RawPage("p2", "y.html", "html", b"\x00" * 10)
    assert isinstance(prepare_page(bad, encoder_name="hashing"), PageError)


def test_iter_file_on_unreadable_path(tmp_path):
    d = tmp_path / "sub.html"
    d.mkdir()
    items = list(iter_file(str(d)))
    assert isinstance(items[0], PageError)
