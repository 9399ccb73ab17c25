"""Pass 1 in a worker: raw page -> Document + compact sketch (or an error row).

The sketch is what clustering needs and nothing more, so that a whole crawl's sketches
fit in memory while the documents themselves are spilled to the store:

* a MinHash signature of the word 5-shingles (same-language copies), and
* the mean USE embedding of the *lead* (first few sentences): a translation keeps the
  lead, and encoding a handful of sentences instead of the whole article keeps pass 1
  cheap (the full text is encoded later, only for articles that are in a cluster).

Guards run before any parser sees the page: size cap (done by the reader), HTML nesting
depth (lxml/trafilatura recurse), binary and undecodable bytes, pages with no text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace

import numpy as np

from ..text.wording import count
from ..types import Document, IngestError
from .sources import PageError, RawPage

#: Pages nested deeper than this are error rows (parsers recurse on the tree).
MAX_HTML_DEPTH = 512
NUM_PERM = 64
MIN_WORDS = 5  # fewer words of text than this: an "empty page" (menus, cookie walls)
MINHASH_SCHEME = "affine32"  # datasketch >= 2 needs it to rebuild a signature from stored values
LEAD_SENTENCES = 4
LEAD_CHARS = 400  # per sentence: a 3,000-character "sentence" (a table) costs as much as ten

_TAG = re.compile(rb"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^>]*?(/?)>")
# Elements that never nest or that HTML closes implicitly: not counted as depth.
_FLAT = {
    b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta",
    b"param", b"source", b"track", b"wbr", b"p", b"li", b"option", b"td", b"th", b"tr",
    b"dt", b"dd", b"!doctype",
}


@dataclass(frozen=True)
class Sketch:
    """What clustering sees of an article (about 1 KB)."""

    id: str
    language: str
    minhash: np.ndarray  # uint64 (NUM_PERM,)
    vector: np.ndarray | None  # float32 mean lead embedding, L2-normalised; None without text
    n_words: int


@dataclass(frozen=True)
class Prepared:
    document: Document
    sketch: Sketch


def html_depth_exceeds(data: bytes, limit: int = MAX_HTML_DEPTH) -> bool:
    """True when the tag nesting goes deeper than ``limit`` (a linear scan, no parser)."""
    depth = 0
    for m in _TAG.finditer(data):
        name = m.group(2).lower()
        if name in _FLAT or m.group(3):
            continue
        if m.group(1):
            depth = max(0, depth - 1)
        else:
            depth += 1
            if depth > limit:
                return True
    return False


def _decode(page: RawPage) -> tuple[str, str | None] | PageError:
    """(text, encoding) of a page, the encoding named as ``audit`` names it."""
    from ..ingest.encoding import Decoded, _looks_binary, decode_bytes

    if page.charset:
        try:
            text = page.data.decode(page.charset)
            if text.strip():
                return text, page.charset
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong header: let detection decide
    dec = decode_bytes(page.data)
    if not isinstance(dec, Decoded):
        reason = dec.reason
        if reason == "empty file":
            reason = "empty page"
        elif reason == "binary file" and not _looks_binary(page.data):
            reason = "undecodable text (no character set fits)"  # no NULs/controls: broken text
        return PageError(page.id, page.path, reason, page.url, page.site)
    if dec.text.count("\ufffd") > max(8, len(dec.text) // 50):
        return PageError(page.id, page.path, "undecodable text", page.url, page.site)
    return dec.text, dec.encoding


def to_document(page: RawPage, lang: str | None = None) -> Document | PageError:
    """The Document of a page, using the ingest helpers (boilerplate removal, offsets)."""
    from ..ingest.html import document_from_html, looks_like_html
    from ..ingest.jsonl import record_to_document
    from ..ingest.text import document_from_text

    def err(reason: str, url: str | None = None, site: str | None = None) -> PageError:
        return PageError(page.id, page.path, reason, url or page.url, site or page.site)

    if not page.data.strip():
        return err("empty page")
    kind = page.kind
    if kind == "record":
        try:
            rec = json.loads(page.data)
        except (ValueError, UnicodeDecodeError) as exc:
            return err(f"invalid JSON: {str(exc)[:100]}")
        if isinstance(rec, dict) and isinstance(rec.get("html"), str) and not (rec.get("text") or "").strip():
            if html_depth_exceeds(rec["html"].encode("utf-8", "replace")):
                return err(f"HTML nested too deeply (more than {MAX_HTML_DEPTH} levels)")
        try:
            got = record_to_document(rec, where=page.path, default_id=page.id, lang=lang)
        except RecursionError:
            return err("HTML nested too deeply (parser recursion limit)")
        if isinstance(got, IngestError):
            return err(got.reason)
        if len(got.text.split()) < MIN_WORDS:
            return err(f"empty page (only {count(len(got.text.split()), 'word')} of text)")
        return replace(got, id=page.id, site=got.site or site_of_url(got.url))
    decoded = _decode(page)
    if isinstance(decoded, PageError):
        return decoded
    text, encoding = decoded
    if kind == "auto":
        from ..ingest.html import looks_like_html as _l

        kind = "html" if _l(text) else "text"
    if kind == "html" or (kind == "text" and looks_like_html(text) and page.url):
        if html_depth_exceeds(page.data):
            return err(f"HTML nested too deeply (more than {MAX_HTML_DEPTH} levels)")
        try:
            got = document_from_html(text, doc_id=page.id, path=page.path, url=page.url,
                                     site=page.site, lang=lang, encoding=encoding)
        except RecursionError:
            return err("HTML nested too deeply (parser recursion limit)")
    else:
        got = document_from_text(text, doc_id=page.id, path=page.path, url=page.url, site=page.site,
                                 lang=lang, date=page.date, encoding=encoding)
    if isinstance(got, IngestError):
        reason = "empty page (no article text)" if got.reason == "no article text found" else got.reason
        return err(reason)
    n_words = len(got.text.split())
    if n_words < MIN_WORDS:
        return err(f"empty page (only {count(n_words, 'word')} of text)")
    if got.date is None and page.date:
        got = replace(got, date=page.date)
    if got.site is None:
        got = replace(got, site=site_of_url(got.url))
    return got


def site_of_url(url: str | None) -> str | None:
    from .sources import site_of

    return site_of(url)


def sketch_document(doc: Document, encoder=None, *, lead: int = LEAD_SENTENCES) -> Sketch:
    """Language, MinHash signature and mean lead embedding of a document."""
    from ..link.shingles import normalise_words, shingles
    from ..text.langid import detect_language, normalize_lang
    from ..text.segment import split_sentences

    language = None
    if doc.language:
        try:
            language = normalize_lang(doc.language)
        except ValueError:
            language = None
    if language is None:
        language, _ = detect_language(doc.text)
    sh = shingles(doc.text)
    mh = _minhash(sh)
    vector = None
    if encoder is not None:
        spans = split_sentences(doc.text, language)[:lead]
        texts = [doc.text[s:e][:LEAD_CHARS] for s, e in spans]
        if doc.title:
            texts.insert(0, doc.title[:LEAD_CHARS])
        if texts:
            emb = encoder.encode(texts)
            v = emb.mean(axis=0)
            n = float(np.linalg.norm(v))
            vector = (v / n).astype(np.float32) if n > 0 else None
    return Sketch(doc.id, language, mh, vector, len(normalise_words(doc.text)))


def _minhash(sh: frozenset[str]) -> np.ndarray:
    from datasketch import MinHash

    m = MinHash(num_perm=NUM_PERM, seed=1, scheme=MINHASH_SCHEME)
    if sh:
        m.update_batch([s.encode("utf-8") for s in sh])
    return np.asarray(m.hashvalues, dtype=np.uint64)


def prepare_page(page: RawPage, lang: str | None = None, encoder_name: str = "use") -> Prepared | PageError:
    """Pass-1 task: never raises (an unexpected failure is an error row with its reason)."""
    try:
        doc = to_document(page, lang=lang)
        if isinstance(doc, PageError):
            return doc
        encoder = _encoder(encoder_name)
        # The detected language stays in the sketch only: pass 2 hands the document to the
        # pipeline exactly as ``audit`` reads it (a language on the Document would be taken
        # as declared metadata, with full confidence, and change the per-sentence calls).
        return Prepared(doc, sketch_document(doc, encoder))
    except RecursionError:
        return PageError(page.id, page.path, "HTML nested too deeply (parser recursion limit)", page.url, page.site)
    except MemoryError:
        return PageError(page.id, page.path, "out of memory while parsing the page", page.url, page.site)
    except Exception as exc:  # one bad page must never stop the batch
        return PageError(page.id, page.path, f"cannot process page ({type(exc).__name__}: {str(exc)[:120]})",
                         page.url, page.site)


def _encoder(name: str):
    if name in ("none", ""):
        return None
    from ..encoders import get_encoder

    return get_encoder(name)
