"""HTML articles: main text via trafilatura, captions and hostile pages handled here.

trafilatura is good at finding the article body but drops photo captions and gives up
on pathological pages (lxml silently truncates documents nested thousands of levels
deep, and a 20 MB page takes minutes). So: trafilatura for ordinary pages, and a small
block collector of our own, fed by lxml (fast) or by the standard-library parser (no
depth limit), for captions and as the fallback extractor. Text found in the page is
plain text from then on: ``<script>`` or ``[bold]`` inside an article stays as words.

The fallback keeps what trafilatura would drop (a "Breaking: ..." ticker, the headline,
the byline), so it never runs unannounced: the Document names its extractor
(``trafilatura-X.Y.Z`` or ``fallback``, which the signature repeats) and, when the
fallback ran, carries a warning that says why.
"""

from __future__ import annotations

import html as html_lib
import re
from html.parser import HTMLParser
from urllib.parse import urlparse

from ..types import Document, IngestError
from . import boilerplate as bp
from .assemble import Para, assemble
from .titles import strip_site_suffix
from .encoding import Decoded, decode_bytes
from .text import RawLine, clean_paragraphs

__all__ = ["document_from_html", "extractor_name", "looks_like_html", "site_from_url", "FALLBACK"]

# Pages larger than this skip trafilatura (its cost grows badly with size).
TRAFILATURA_MAX_CHARS = 2_000_000

_BLOCK = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li ul ol dl dt dd blockquote figcaption figure section article "
    "header main pre table tr td th br hr caption address center".split()
)
_SKIP = frozenset(
    "script style noscript template svg math nav footer aside form button select textarea "
    "iframe object embed head title".split()
)
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_HTML_SNIFF = re.compile(r"^\s*(?:<!doctype\s+html|<html\b|<head\b|<body\b|<!--|<(?:div|p|article|meta|title)\b)", re.I)
_WS = re.compile(r"\s+")


def looks_like_html(text: str) -> bool:
    """True when text is markup (for stdin and unknown extensions)."""
    head = text[:4096]
    if _HTML_SNIFF.match(head):
        return True
    return len(re.findall(r"</?(?:p|div|span|a|br|html|body|article)\b[^>]*>", head, re.I)) >= 3


def site_from_url(url: str | None) -> str | None:
    """Host without "www." ("https://www.example.com/a" -> "example.com")."""
    if not url:
        return None
    try:
        host = urlparse(url if "//" in url else "//" + url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


class _Collector:
    """Turns start/end/data events into paragraphs, flagging those inside captions."""

    def __init__(self) -> None:
        self.paras: list[tuple[str, bool]] = []
        self._buf: list[str] = []
        self._skip = 0
        self._stack: list[tuple[str, bool]] = []  # (tag, opened a caption)
        self._caption = 0

    def start(self, tag: str, attrs: dict[str, str | None]) -> None:
        if tag in _VOID:
            if tag in _BLOCK:
                self._flush()
            return
        cls = " ".join(v or "" for k, v in attrs.items() if k in ("class", "id", "itemprop")).lower()
        is_cap = tag == "figcaption" or "caption" in cls
        if tag in _BLOCK or is_cap:
            self._flush()
        if tag in _SKIP:
            self._skip += 1
        if is_cap:
            self._caption += 1
        self._stack.append((tag, is_cap))

    def end(self, tag: str) -> None:
        if tag in _VOID:
            return
        # Pop to the matching open tag (tolerates unclosed inner tags).
        for k in range(len(self._stack) - 1, -1, -1):
            if self._stack[k][0] == tag:
                for t, cap in self._stack[k:]:
                    if t in _SKIP:
                        self._skip -= 1
                    if cap:
                        self._flush()
                        self._caption -= 1
                del self._stack[k:]
                break
        if tag in _BLOCK:
            self._flush()

    def data(self, text: str | None) -> None:
        if text and not self._skip:
            self._buf.append(text)

    def _flush(self) -> None:
        text = " ".join("".join(self._buf).split())
        self._buf = []
        if text:
            self.paras.append((text, self._caption > 0))

    def close(self) -> list[tuple[str, bool]]:
        self._flush()
        return self.paras


class _StdlibFeeder(HTMLParser):
    """Standard-library parser: slow, but no nesting limit."""

    def __init__(self, collector: _Collector) -> None:
        super().__init__(convert_charrefs=True)
        self.c = collector

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.c.start(tag, dict(attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.c.start(tag, dict(attrs))
        if tag not in _VOID:
            self.c.end(tag)

    def handle_endtag(self, tag: str) -> None:
        self.c.end(tag)

    def handle_data(self, data: str) -> None:
        self.c.data(data)


def _collect_lxml(markup: str) -> list[tuple[str, bool]] | None:
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.document_fromstring(markup, parser=lxml.html.HTMLParser(huge_tree=True))
    except (etree.ParserError, ValueError):
        return None
    c = _Collector()
    for event, el in etree.iterwalk(root, events=("start", "end")):
        if not isinstance(el.tag, str):  # comment or processing instruction: only its tail
            if event == "end":
                c.data(el.tail)
            continue
        if event == "start":
            c.start(el.tag.lower(), dict(el.attrib))
            c.data(el.text)
        else:
            c.end(el.tag.lower())
            c.data(el.tail)
    return c.close()


_FAST_BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "figcaption", "pre")


def _collect_lxml_fast(markup: str) -> list[tuple[str, bool]] | None:
    """Huge pages: only the obvious text blocks, found and flattened in C by lxml."""
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.document_fromstring(markup, parser=lxml.html.HTMLParser(huge_tree=True))
    except (etree.ParserError, ValueError):
        return None
    etree.strip_elements(root, *(_SKIP - {"head", "title"}), etree.Comment, with_tail=False)
    out: list[tuple[str, bool]] = []
    for el in root.iter(*_FAST_BLOCKS):
        if next(el.iterancestors(*_FAST_BLOCKS), None) is not None:
            continue
        text = " ".join(el.text_content().split())
        if text:
            cls = (el.get("class") or "").lower()
            out.append((text, el.tag == "figcaption" or "caption" in cls))
    return out


def _collect_stdlib(markup: str) -> list[tuple[str, bool]]:
    c = _Collector()
    p = _StdlibFeeder(c)
    p.feed(markup)
    p.close()
    return c.close()


def _visible_chars(markup: str) -> int:
    body = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", markup)
    return len(_WS.sub("", re.sub(r"<[^>]*>", " ", body)))


def _collect(markup: str) -> list[tuple[str, bool]]:
    """Paragraphs of the page; lxml unless it lost text (deep nesting), then stdlib.

    lxml stops building the tree at its depth limit and returns what it has, so a page
    whose collected text is far shorter than its visible characters is parsed again by
    the standard-library parser, which has no depth limit.
    """
    huge = len(markup) > TRAFILATURA_MAX_CHARS
    got = _collect_lxml_fast(markup) if huge else _collect_lxml(markup)
    if got is not None:
        have = sum(len(t) - t.count(" ") for t, _ in got)
        if have >= 0.5 * _visible_chars(markup):
            return got
    return _collect_stdlib(markup)


def _meta(markup: str) -> dict[str, str]:
    """<title>, og/article meta and the canonical link, by regex (cheap, any page size)."""
    head = markup[:200_000]
    out: dict[str, str] = {}
    m = re.search(r"(?is)<title[^>]*>(.*?)</title>", head)
    if m:
        out["title"] = _WS.sub(" ", html_lib.unescape(m.group(1))).strip()
    for tag in re.findall(r"(?is)<meta\b[^>]*>", head):
        key = re.search(r'(?i)\b(?:property|name|itemprop)\s*=\s*["\']([^"\']+)', tag)
        val = re.search(r'(?i)\bcontent\s*=\s*["\']([^"\']*)', tag)
        if key and val:
            out.setdefault(key.group(1).lower(), html_lib.unescape(val.group(1)).strip())
    m = re.search(r'(?is)<link\b[^>]*rel\s*=\s*["\']canonical["\'][^>]*>', head)
    if m:
        href = re.search(r'(?i)href\s*=\s*["\']([^"\']+)', m.group(0))
        if href:
            out["canonical"] = href.group(1)
    return out


#: Name of the fallback extractor in the signature ("html:fallback").
FALLBACK = "fallback"
_TRAFILATURA: tuple[object, str] | None = None  # (module, "trafilatura-X.Y.Z"), or (None, why not)


def _load_trafilatura() -> tuple[object, str]:
    """trafilatura and its signature name, or ``(None, reason)`` when it cannot be imported.

    Imported once per process. An import failure is not hidden: every HTML document read
    without trafilatura carries the reason as a warning and the signature says
    ``html:fallback``. (lxml 5.2 moved ``lxml.html.clean``, which trafilatura's jusText
    needs, into the separate ``lxml_html_clean`` package; a missing one used to pass here
    unnoticed.)
    """
    global _TRAFILATURA
    if _TRAFILATURA is None:
        try:
            import trafilatura
        except Exception as exc:  # noqa: BLE001 - ImportError or a broken dependency inside it
            _TRAFILATURA = (None, f"trafilatura cannot be imported ({type(exc).__name__}: {exc})")
        else:
            _TRAFILATURA = (trafilatura, f"trafilatura-{getattr(trafilatura, '__version__', 'unknown')}")
    return _TRAFILATURA


def _trafilatura(markup: str) -> tuple[list[str], dict[str, str | None]] | str:
    """trafilatura's article lines and metadata, or the reason it gave none."""
    module, name = _load_trafilatura()
    if module is None:
        return name
    try:
        doc = module.bare_extraction(  # type: ignore[attr-defined]
            markup, include_comments=False, favor_precision=True, with_metadata=True, include_tables=False
        )
    except Exception as exc:  # noqa: BLE001 - a third-party failure on one page must not sink the run
        return f"trafilatura failed on this page ({type(exc).__name__}: {exc})"
    if doc is None:
        return "trafilatura found no article body"
    d = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = d.get("text") or ""
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    if not lines:
        return "trafilatura found no article body"
    meta = {k: d.get(k) for k in ("title", "date", "sitename", "hostname", "url")}
    return lines, meta


def extractor_name() -> str:
    """The signature name of the extractor ordinary pages get: ``trafilatura-X.Y.Z`` or ``fallback``."""
    module, name = _load_trafilatura()
    return name if module is not None else FALLBACK


_ENTITY = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?")
_MAX_TRIES = 40


def _walk(markup: str, text: str, j: int) -> tuple[tuple[int, int], ...] | None:
    """Match ``text`` against the page from ``j``, skipping tags, decoding entities and
    collapsing whitespace; the runs (offset in text, offset in page) on success."""
    runs: list[tuple[int, int]] = []
    i, n, m = 0, len(text), len(markup)
    open_run = False
    while i < n:
        if j >= m:
            return None
        c = markup[j]
        if c == "<":
            if markup.startswith("<!--", j):
                k = markup.find("-->", j)
                j = m if k < 0 else k + 3
            else:
                k = markup.find(">", j)
                if k < 0:
                    return None
                j = k + 1
            open_run = False
            continue
        t = text[i]
        if c == "&":
            ent = _ENTITY.match(markup, j)
            if ent:
                dec = html_lib.unescape(ent.group())
                if dec != ent.group():
                    if text.startswith(dec, i) or (dec.isspace() and t.isspace()):
                        runs.append((i, j))
                        i += max(1, len(dec)) if not dec.isspace() else 1
                        j = ent.end()
                        open_run = False
                        continue
                    return None
        if t.isspace() and not (c == t and (j + 1 >= m or not markup[j + 1].isspace())):
            if c.isspace():
                if not open_run:
                    runs.append((i, j))
                i += 1
                j += 1
                open_run = False
                while j < m and markup[j].isspace():
                    j += 1
                continue
            if runs:  # a space the extractor put at a tag boundary
                i += 1
                continue
            return None
        if c == t:
            if not open_run:
                runs.append((i, j))
                open_run = True
            i += 1
            j += 1
            continue
        if c.isspace():
            j += 1
            open_run = False
            continue
        return None
    return tuple(runs)


def _locate(markup: str, text: str, cursor: int) -> tuple[tuple[int, int], ...] | None:
    """Runs placing ``text`` in the raw page, searching forward from ``cursor`` first."""
    k = markup.find(text, cursor)
    if k < 0:
        k = markup.find(text)
    if k >= 0:
        return ((0, k),)
    head = text.split()[0] if text.split() else text
    anchor = head[:40]
    for start in (cursor, 0):
        j = markup.find(anchor, start)
        tries = 0
        while j >= 0 and tries < _MAX_TRIES:
            runs = _walk(markup, text, j)
            if runs:
                return runs
            tries += 1
            j = markup.find(anchor, j + 1)
    return None


def document_from_html(
    html: str | bytes,
    *,
    doc_id: str,
    path: str,
    url: str | None = None,
    date: str | None = None,
    site: str | None = None,
    title: str | None = None,
    lang: str | None = None,
    encoding: str | None = None,
) -> Document | IngestError:
    """A Document from an HTML page; IngestError("no article text found") when empty.

    Offsets map each paragraph to where it occurs literally in the page string (None
    when some paragraph was rebuilt by the extractor and cannot be found).
    """
    if isinstance(html, bytes):
        dec = decode_bytes(html)
        if not isinstance(dec, Decoded):
            return IngestError(path, dec.reason)
        markup, encoding = dec.text, encoding or dec.encoding
    else:
        markup = html
    meta = _meta(markup)
    lines: list[str] = []
    tmeta: dict[str, str | None] = {}
    if len(markup) <= TRAFILATURA_MAX_CHARS:
        got = _trafilatura(markup)
    else:
        got = f"page over {TRAFILATURA_MAX_CHARS:,} characters: trafilatura skipped"
    if isinstance(got, str):
        why_not = got
    else:
        (lines, tmeta), why_not = got, None
    extractor, warning = (_load_trafilatura()[1] if why_not is None else FALLBACK), None
    blocks = _collect(markup)
    if not blocks:
        lines = []  # all visible text sits in nav/footer/script: trafilatura scraped chrome
    elif not lines:
        lines = [t for t, _ in blocks]
        warning = (f"HTML text from the built-in fallback extractor, which may keep tickers, bylines "
                   f"and navigation: {why_not}")
    captions = [t for t, cap in blocks if cap]
    url = url or tmeta.get("url") or meta.get("og:url") or meta.get("canonical")
    if not title and warning is not None:  # the fallback reads <title> as it is: cut " | Site"
        title = strip_site_suffix(meta.get("og:title") or meta.get("title"), site_name=meta.get("og:site_name"),
                                  host=site_from_url(url))
    title = title or tmeta.get("title") or meta.get("og:title") or meta.get("title")
    date = date or tmeta.get("date") or (meta.get("article:published_time") or meta.get("date") or "")[:10] or None
    site = site or tmeta.get("sitename") or meta.get("og:site_name") or site_from_url(url)
    raw = [RawLine(t, -1, None) for t in lines]
    paras, _ = clean_paragraphs(raw, parse_header=False, title=title)
    paras = _merge_captions(paras, captions, markup)
    if not paras:
        return IngestError(path, "no article text found")
    located: list[Para] = []
    # Search the body first: <meta name="description"> often repeats the lede verbatim.
    body = re.search(r"(?i)<body\b", markup)
    cursor = body.start() if body else 0
    for p in paras:
        runs = _locate(markup, p.text, cursor)
        if runs is None:
            located.append(Para(p.text, None, None, p.caption))
            continue
        cursor = runs[-1][1] + 1
        located.append(Para(p.text, runs[0][1], None, p.caption, runs))
    built = assemble(located)
    return Document(
        id=doc_id,
        path=path,
        text=built.text,
        title=title,
        date=date,
        url=url,
        site=site,
        language=lang,
        encoding=encoding,
        captions=built.captions,
        offsets=built.offsets,
        extractor=extractor,
        warning=warning,
    )


def _merge_captions(paras: list[Para], captions: list[str], markup: str) -> list[Para]:
    """Mark captions the extractor kept; insert the ones it dropped in page order."""
    out = list(paras)
    if not captions:
        return out
    where_of: list[int] = []
    body = re.search(r"(?i)<body\b", markup)
    cursor = body.start() if body else 0
    for p in out:
        runs = _locate(markup, p.text, cursor)
        where_of.append(runs[0][1] if runs else -1)
        if runs:
            cursor = runs[-1][1] + 1
    for cap in captions:
        if bp.is_boilerplate(cap):
            continue
        same = [i for i, p in enumerate(out) if p.text == cap]
        if same:
            out[same[0]] = Para(cap, None, None, True)
            continue
        runs = _locate(markup, cap, body.start() if body else 0)
        where = runs[0][1] if runs else -1
        insert_at = len(out)
        if where >= 0:
            insert_at = 0
            for i, w in enumerate(where_of):
                if 0 <= w < where:
                    insert_at = i + 1
        out.insert(insert_at, Para(cap, None, None, True))
        where_of.insert(insert_at, where)
    return out
