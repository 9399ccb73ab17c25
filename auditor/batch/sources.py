"""Streaming readers: directories of .html/.txt, JSONL(.gz) and WARC(.gz) crawl archives.

Readers yield :class:`RawPage` records (bytes plus the metadata the container knows:
URL, crawl date, site) or :class:`PageError` rows, one page at a time, so memory stays
bounded by the largest page, whatever the size of the input. Nothing here parses HTML;
turning a page into a Document happens in a worker (:mod:`auditor.batch.prepare`).

Ids are the ones ``auditor audit`` gives the same input, so that one article has one
name whichever command read it: a file's stem (``000_x.txt`` -> ``000_x``), a JSONL
record's ``id`` field or ``<stem>:<line>``; WARC records (which ``audit`` does not
read) are named after their URL (``wire.example/news/1`` -> ``wire.example-news-1``).
A name already taken in the run gets ``#2``, ``#3``... as in ``audit``. Ids are
deterministic (the inputs are walked in a fixed order), so that ``--resume`` recognises
the pages it has already stored. Bad input never raises: a truncated gzip file, a
corrupt WARC record, an oversized page each become a PageError with a reason.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import zlib
from dataclasses import dataclass, replace
from typing import BinaryIO, Iterable, Iterator
from urllib.parse import urlsplit

from ..ingest.discover import walk
from ..text.wording import count

#: Pages larger than this are error rows ("page too large"), never read into memory.
DEFAULT_MAX_PAGE_BYTES = 5 * 1024 * 1024

PAGE_EXTENSIONS = (".html", ".htm", ".xhtml", ".txt", ".text", ".md")
JSONL_EXTENSIONS = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
WARC_EXTENSIONS = (".warc", ".warc.gz", ".arc.gz")


@dataclass(frozen=True)
class RawPage:
    """One page as read from its container, not yet decoded or parsed.

    ``kind`` is "html", "text" or "record" (a JSONL line, parsed by the worker).
    """

    id: str
    path: str  # human locator: "dir/a.html", "pages.jsonl:12", "crawl.warc.gz@4096"
    kind: str
    data: bytes
    url: str | None = None
    date: str | None = None
    site: str | None = None
    charset: str | None = None  # from the HTTP Content-Type header, when known


@dataclass(frozen=True)
class PageError:
    """An input (or part of one) that cannot become a page; stored as an error row."""

    id: str
    path: str
    reason: str
    url: str | None = None
    site: str | None = None


Item = RawPage | PageError


def page_id(path: str, locator: str = "") -> str:
    """Id of a page before it is made unique: the file's stem (as ``audit`` names it),
    followed by ``:locator`` for a part of a file (a JSONL line, a WARC offset)."""
    from ..ingest.discover import stem_of

    stem = stem_of(path)
    return f"{stem}:{locator}" if locator else stem


#: Longest URL slug kept as is; longer ones are cut and end with a short hash of the URL.
MAX_SLUG = 96
_NON_WORD = re.compile(r"[^\w.]+")


def url_slug(url: str) -> str:
    """A readable, file-name-safe id for a crawled page: host and path of its URL.

    ``https://www.wire.example/news/2023/blinken?id=4`` -> ``wire.example-news-2023-blinken-id-4``.
    A slug cut to :data:`MAX_SLUG` characters keeps the URL's identity with a short hash.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    rest = "-".join(x for x in (parts.path, parts.query) if x)
    slug = _NON_WORD.sub("-", f"{host}-{rest}" if rest else host).strip("-.") or "page"
    if len(slug) > MAX_SLUG:
        digest = hashlib.sha1(url.encode("utf-8", "surrogateescape")).hexdigest()[:8]
        slug = f"{slug[:MAX_SLUG].rstrip('-.')}-{digest}"
    return slug


def record_id(line: bytes, default: str) -> str:
    """The ``id`` field of a JSONL record (what ``audit`` uses), else ``default``."""
    if b'"id"' not in line:
        return default
    try:
        rec = json.loads(line)
    except (ValueError, UnicodeDecodeError):
        return default  # the worker reports the invalid JSON
    got = rec.get("id") if isinstance(rec, dict) else None
    name = str(got).strip() if got is not None else ""  # as auditor.ingest.jsonl reads it
    return name or default


def site_of(url: str | None) -> str | None:
    """The host of a URL without a leading ``www.`` (the "site" of a crawled page)."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def too_large_reason(size: int, limit: int) -> str:
    return f"page too large ({_mb(size)} > {_mb(limit)} limit)"


def kind_of(path: str) -> str:
    """"warc", "jsonl", "page" or "other" from the file name."""
    low = path.lower()
    if low.endswith(WARC_EXTENSIONS):
        return "warc"
    if low.endswith(JSONL_EXTENSIONS):
        return "jsonl"
    if low.endswith(PAGE_EXTENSIONS):
        return "page"
    return "other"


def iter_inputs(paths: Iterable[str], max_page_bytes: int = DEFAULT_MAX_PAGE_BYTES) -> Iterator[Item]:
    """Every page of every input, in a deterministic order, with unique ids.

    Directories are walked as ``audit`` walks them (entries sorted by name, hidden ones
    skipped); files with unknown extensions are skipped inside directories (crawl folders
    hold images and scripts) but read when named explicitly. A file named twice is read
    once. A clashing id gets ``#2``, ``#3``... in input order, as in ``audit``.
    """
    seen_files: set[str] = set()
    taken: set[str] = set()

    def files() -> Iterator[str | PageError]:
        for path in paths:
            if os.path.isdir(path):
                yield from walk(path, _readable)
            elif os.path.exists(path):
                yield path
            else:
                yield PageError(page_id(path), path, "no such file or directory")

    for got in files():
        if isinstance(got, str):
            real = os.path.realpath(got)
            if real in seen_files:
                continue
            seen_files.add(real)
            items: Iterable[Item] = iter_file(got, max_page_bytes)
        else:
            items = (got,)
        for item in items:
            uid, n = item.id, 1
            while uid in taken:
                n += 1
                uid = f"{item.id}#{n}"
            taken.add(uid)
            yield item if uid == item.id else replace(item, id=uid)


def _readable(path: str) -> bool:
    """Batch reads crawl archives and exports too, not only article files."""
    return kind_of(path) != "other"


def iter_file(path: str, max_page_bytes: int = DEFAULT_MAX_PAGE_BYTES) -> Iterator[Item]:
    """The pages of one file, by its kind."""
    kind = kind_of(path)
    try:
        if kind == "warc":
            yield from iter_warc(path, max_page_bytes)
        elif kind == "jsonl":
            yield from iter_jsonl(path, max_page_bytes)
        else:
            yield from _iter_single(path, max_page_bytes)
    except OSError as exc:  # unreadable file (permissions, I/O error)
        yield PageError(page_id(path), path, f"cannot read: {exc.strerror or exc}")


def _iter_single(path: str, max_page_bytes: int) -> Iterator[Item]:
    pid = page_id(path)
    size = os.path.getsize(path)
    if size > max_page_bytes:
        yield PageError(pid, path, too_large_reason(size, max_page_bytes))
        return
    with open(path, "rb") as fh:
        data = fh.read(max_page_bytes + 1)
    low = path.lower()
    kind = "html" if low.endswith((".html", ".htm", ".xhtml")) else "text" if low.endswith((".txt", ".text", ".md")) else "auto"
    yield RawPage(pid, path, kind, data)


def _open_maybe_gzip(path: str) -> BinaryIO:
    if path.lower().endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def iter_jsonl(path: str, max_page_bytes: int = DEFAULT_MAX_PAGE_BYTES) -> Iterator[Item]:
    """One RawPage per non-empty line; a truncated gzip ends the file with an error row."""
    lineno = 0
    try:
        with _open_maybe_gzip(path) as fh:
            while True:
                line = fh.readline(max_page_bytes + 1)
                if not line:
                    break
                lineno += 1
                where = f"{path}:{lineno}"
                if len(line) > max_page_bytes and not line.endswith(b"\n"):
                    size = len(line)
                    while True:  # skip the rest of the overlong line without keeping it
                        more = fh.readline(1 << 20)
                        size += len(more)
                        if not more or more.endswith(b"\n"):
                            break
                    yield PageError(page_id(path, str(lineno)), where, too_large_reason(size, max_page_bytes))
                    continue
                if not line.strip():
                    continue
                yield RawPage(record_id(line, page_id(path, str(lineno))), where, "record", line)
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        yield PageError(page_id(path, f"gzip:{lineno}"), f"{path}:{lineno + 1}",
                        f"truncated or corrupt gzip after {count(lineno, 'line')} ({type(exc).__name__}: {exc})")


def _header(headers, name: str) -> str | None:
    if headers is None:
        return None
    try:
        value = headers.get_header(name)
    except Exception:  # warcio headers of a malformed record
        return None
    return value.strip() if isinstance(value, str) and value.strip() else None


def _charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'").lower()
    return None


def iter_warc(path: str, max_page_bytes: int = DEFAULT_MAX_PAGE_BYTES) -> Iterator[Item]:
    """HTML (and plain-text) response records of a WARC(.gz) file.

    URL, crawl date and site come from the record headers. warcio cannot resynchronise
    after a corrupt record, so one corrupt record ends the file with an error row
    (the pages read before it are kept).
    """
    from warcio.archiveiterator import ArchiveIterator

    offset = 0
    with open(path, "rb") as fh:
        it = ArchiveIterator(fh)
        try:
            for rec in it:
                if rec.rec_type != "response":
                    continue
                url = _header(rec.rec_headers, "WARC-Target-URI")
                wlen = _header(rec.rec_headers, "Content-Length")
                if not wlen or not wlen.isdigit() or not url:
                    offset = it.get_record_offset()
                    yield PageError(url_slug(url) if url else page_id(path, str(offset)), f"{path}@{offset}",
                                    "corrupt WARC record (no target URI or bad Content-Length)", url, site_of(url))
                    continue
                date = (_header(rec.rec_headers, "WARC-Date") or "")[:10] or None
                site = site_of(url)
                ctype = _header(rec.http_headers, "Content-Type") if rec.http_headers else None
                low = (ctype or "").lower()
                if ctype is not None and "html" not in low and "text/plain" not in low:
                    continue  # images, scripts, robots.txt...
                declared = _header(rec.http_headers, "Content-Length") if rec.http_headers else None
                data = b""
                size = int(declared) if declared and declared.isdigit() else 0
                if size <= max_page_bytes:
                    # read before asking for the offset: warcio's get_record_offset()
                    # consumes the rest of the record
                    stream = rec.content_stream()
                    data = stream.read(max_page_bytes + 1)
                    if len(data) > max_page_bytes:
                        size = len(data)
                        data = b""
                        while True:
                            chunk = stream.read(1 << 20)
                            if not chunk:
                                break
                            size += len(chunk)
                offset = it.get_record_offset()
                pid = url_slug(url)
                where = f"{path}@{offset}"
                if size > max_page_bytes:
                    yield PageError(pid, where, too_large_reason(size, max_page_bytes), url, site)
                    continue
                if declared and declared.isdigit() and len(data) < int(declared):
                    yield PageError(pid, where, f"truncated WARC record ({len(data)} of {declared} bytes)", url, site)
                    continue
                kind = "text" if "text/plain" in low else "html"
                yield RawPage(pid, where, kind, data, url=url, date=date, site=site, charset=_charset(ctype))
        except Exception as exc:  # warcio raises many types on corrupt input
            yield PageError(page_id(path, f"corrupt:{offset}"), f"{path}@{offset}",
                            f"corrupt WARC record near offset {offset} ({type(exc).__name__}: {str(exc)[:120]})")
