"""Ingest: files, directories, JSONL collections and stdin -> Documents (or IngestErrors).

Bad input never raises and is never skipped silently: every path either yields
Documents or an IngestError with a reason the report can show. Formats are chosen by
extension and sniffed when unknown (stdin, odd names): markup -> HTML, every non-empty
line a JSON object -> JSONL, anything else -> plain text.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator, Sequence
from typing import BinaryIO

from ..types import Document, IngestError
from .discover import discover, kind_of, stem_of
from .encoding import Decoded, decode_bytes
from .html import document_from_html, looks_like_html
from .jsonl import iter_jsonl, looks_like_jsonl
from .text import document_from_text

__all__ = [
    "load_documents",
    "iter_documents",
    "document_from_text",
    "document_from_html",
]


def _read(path: str) -> bytes | IngestError:
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        return IngestError(path, "no such file or directory")
    except IsADirectoryError:
        return IngestError(path, "is a directory")
    except PermissionError:
        return IngestError(path, "permission denied")
    except OSError as e:
        return IngestError(path, f"cannot read: {e.strerror or e}")
    if path.lower().endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, ValueError) as e:
            return IngestError(path, f"bad gzip file: {e}")
    return data


def _from_bytes(
    data: bytes, *, path: str, stem: str, kind: str, segmented: bool, lang: str | None
) -> Iterator[Document | IngestError]:
    dec = decode_bytes(data)
    if not isinstance(dec, Decoded):
        yield IngestError(path, dec.reason)
        return
    text = dec.text
    if kind == "unknown":
        if looks_like_html(text):
            kind = "html"
        elif looks_like_jsonl(text):
            kind = "jsonl"
        else:
            kind = "text"
    if kind == "jsonl":
        yield from iter_jsonl(text, path=path, stem=stem, segmented=segmented, lang=lang, encoding=dec.encoding)
    elif kind == "html":  # a page is never one sentence per line: `segmented` does not apply
        yield document_from_html(text, doc_id=stem, path=path, lang=lang, encoding=dec.encoding)
    else:
        yield document_from_text(text, doc_id=stem, path=path, segmented=segmented, lang=lang, encoding=dec.encoding)


def _raw_iter(
    paths: Sequence[str], stdin: BinaryIO | None, segmented: bool, lang: str | None
) -> Iterator[Document | IngestError]:
    for item in discover(list(paths)):
        if item.kind == "error":
            yield IngestError(item.path, item.reason)
        elif item.kind == "stdin":
            if stdin is None:
                yield IngestError("-", "stdin requested but not available")
                continue
            try:
                data = stdin.read()
            except (OSError, ValueError) as e:
                yield IngestError("-", f"cannot read stdin: {e}")
                continue
            if isinstance(data, str):
                data = data.encode("utf-8")
            yield from _from_bytes(data, path="-", stem="stdin", kind="unknown", segmented=segmented, lang=lang)
        else:
            data = _read(item.path)
            if isinstance(data, IngestError):
                yield data
                continue
            yield from _from_bytes(
                data, path=item.path, stem=stem_of(item.path), kind=kind_of(item.path),
                segmented=segmented, lang=lang,
            )


def iter_documents(
    paths: Sequence[str],
    *,
    stdin: BinaryIO | None = None,
    segmented: bool = False,
    lang: str | None = None,
) -> Iterator[Document | IngestError]:
    """Stream Documents and IngestErrors in input order; ids are unique ("#2" on clashes)."""
    from dataclasses import replace

    seen: set[str] = set()
    for got in _raw_iter(paths, stdin, segmented, lang):
        if isinstance(got, Document):
            doc_id = got.id
            n = 1
            while doc_id in seen:
                n += 1
                doc_id = f"{got.id}#{n}"
            seen.add(doc_id)
            if doc_id != got.id:
                got = replace(got, id=doc_id)
        yield got


def load_documents(
    paths: Sequence[str],
    *,
    stdin: BinaryIO | None = None,
    segmented: bool = False,
    lang: str | None = None,
) -> tuple[list[Document], list[IngestError]]:
    """All Documents and all IngestErrors of the given paths (see iter_documents)."""
    docs: list[Document] = []
    errors: list[IngestError] = []
    for got in iter_documents(paths, stdin=stdin, segmented=segmented, lang=lang):
        (docs if isinstance(got, Document) else errors).append(got)
    return docs, errors
