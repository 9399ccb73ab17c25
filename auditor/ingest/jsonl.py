"""JSONL (and .jsonl.gz / .json) article collections: one article per record.

A crawl export is thousands of lines; one bad line must not lose the others, so each
line either becomes a Document or an IngestError naming ``path:lineno`` and the reason.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ..types import Document, IngestError
from .html import document_from_html, site_from_url
from .text import document_from_text

__all__ = ["iter_jsonl", "looks_like_jsonl"]


def looks_like_jsonl(text: str) -> bool:
    """Every non-empty line is a JSON object (or the whole text is a JSON array of them)."""
    if text.lstrip().startswith("["):
        try:
            value = json.loads(text)
        except ValueError:
            return False
        return isinstance(value, list) and all(isinstance(v, dict) for v in value)
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        return False
    for ln in lines:
        s = ln.strip()
        if not (s.startswith("{") and s.endswith("}")):
            return False
        try:
            if not isinstance(json.loads(s), dict):
                return False
        except ValueError:
            return False
    return True


def _str(value: Any) -> str | None:
    if value is None:
        return None
    s = str(value).strip()
    return s or None


def record_to_document(
    rec: Any, *, where: str, default_id: str, segmented: bool = False, lang: str | None = None,
    encoding: str | None = None,
) -> Document | IngestError:
    """One JSON object -> Document; the reason otherwise."""
    if not isinstance(rec, dict):
        return IngestError(where, f"not a JSON object ({type(rec).__name__})")
    doc_id = _str(rec.get("id")) or default_id
    url = _str(rec.get("url"))
    title = _str(rec.get("title"))
    date = _str(rec.get("date"))
    site = _str(rec.get("site")) or site_from_url(url)
    language = lang or _str(rec.get("language") or rec.get("lang"))
    text, html = rec.get("text"), rec.get("html")
    if isinstance(text, str) and text.strip():
        return document_from_text(
            text, doc_id=doc_id, path=where, segmented=segmented, lang=language, encoding=encoding,
            title=title, date=date, url=url, site=site, parse_header=title is None and date is None,
        )
    if isinstance(html, str) and html.strip():
        return document_from_html(
            html, doc_id=doc_id, path=where, url=url, date=date, site=site, title=title,
            lang=language, encoding=encoding,
        )
    return IngestError(where, "no text or html field")


def iter_jsonl(
    text: str, *, path: str, stem: str, segmented: bool = False, lang: str | None = None,
    encoding: str | None = None,
) -> Iterator[Document | IngestError]:
    """Documents of a JSONL text (or of a .json array / object), one per record."""
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            records = json.loads(text)
        except ValueError:
            records = None
        if isinstance(records, list):
            for i, rec in enumerate(records, 1):
                yield record_to_document(
                    rec, where=f"{path}:{i}", default_id=f"{stem}:{i}", segmented=segmented,
                    lang=lang, encoding=encoding,
                )
            return
    any_line = False
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        any_line = True
        where = f"{path}:{lineno}"
        try:
            rec = json.loads(line)
        except ValueError as e:
            yield IngestError(where, f"invalid JSON: {e}")
            continue
        yield record_to_document(
            rec, where=where, default_id=f"{stem}:{lineno}", segmented=segmented, lang=lang,
            encoding=encoding,
        )
    if not any_line:
        yield IngestError(path, "empty file")
