"""Plain-text articles: header metadata, boilerplate removal, captions, exact offsets.

The shapes handled are those scrapers actually produce (see examples/): an optional
``date YYYY-MM-DD <site, headline or first text>`` line, header widgets (weather, page date) before a
headline, a headline line followed by a blank line, ad slots and counters between
paragraphs, and a footer that starts at a marker such as "You may also like". Each
kept line is one paragraph; offsets point into the decoded file text exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..types import Document, IngestError
from . import boilerplate as bp
from .assemble import Para, assemble

__all__ = ["document_from_text", "split_lines", "unwrap", "clean_paragraphs", "RawLine", "Header"]

_DATE_LINE = re.compile(r"^\s*date:?\s+(\d{4}-\d{2}-\d{2})\b[ \t]*(.*?)\s*$", re.IGNORECASE)
_MD_HEADING = re.compile(r"#{1,6}[ \t]+")
_DOMAIN = re.compile(r"^(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?:/\S*)?$", re.IGNORECASE)
_TITLE_MAX = 200
_STAMP = re.compile(
    r"(?i)\s*(?:published|updated|posted|publicado|actualizado|publié|mis à jour|veröffentlicht|"
    r"aktualisiert|atualizado|pubblicato|aggiornato)\b"
)
_LINE_BREAK = re.compile(r"\r\n|\r|\n|\u2028|\u2029|\x0b|\x0c|\x85")


@dataclass(frozen=True)
class RawLine:
    """A line of the decoded text, stripped: ``text == original[start:start + len(text)]``."""

    text: str
    start: int
    newline_at: int | None  # offset of the "\n" ending this line, if its terminator has one
    # For lines joined by unwrap(): (offset in text, offset in original) of each later piece.
    runs: tuple[tuple[int, int], ...] = ()


def split_lines(text: str) -> list[RawLine]:
    """All lines (blank ones as empty text), any line-break convention."""
    out: list[RawLine] = []
    pos = 0
    for m in _LINE_BREAK.finditer(text):
        out.append(_strip(text, pos, m.start(), _nl_in(m)))
        pos = m.end()
    if pos < len(text):
        out.append(_strip(text, pos, len(text), None))
    return out


def _nl_in(m: re.Match[str]) -> int | None:
    k = m.group().find("\n")
    return m.start() + k if k >= 0 else None


def _strip(text: str, start: int, end: int, newline_at: int | None) -> RawLine:
    line = text[start:end]
    lead = len(line) - len(line.lstrip())
    return RawLine(line.strip(), start + lead, newline_at)


_OPEN_END = re.compile(r"[\w,;]$")  # a line that stops mid-sentence


def strip_markdown_headings(lines: list[RawLine]) -> list[RawLine]:
    """"## Subhead" -> "Subhead" for .md files (the marks are not article words)."""
    out = []
    for ln in lines:
        m = _MD_HEADING.match(ln.text)
        if m and len(ln.text) > m.end():
            ln = RawLine(ln.text[m.end():], ln.start + m.end(), ln.newline_at)
        out.append(ln)
    return out


def unwrap(lines: list[RawLine]) -> list[RawLine]:
    """Join hard-wrapped lines back into paragraphs.

    Wire copy and e-mail text wrap at ~72 columns; since every newline is a sentence
    boundary downstream, a wrapped sentence would be cut in two. A line that ends
    mid-sentence (a word or a comma) followed directly by a line starting with a
    lower-case letter is one paragraph. The joining space is a character the ingester
    inserted; the pieces keep exact offsets through ``runs``.
    """
    out: list[RawLine] = []
    for ln in lines:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.text
            and ln.text
            and ln.text[0].islower()
            and _OPEN_END.search(prev.text)
        ):
            joined = prev.text + " " + ln.text
            runs = prev.runs + ((len(prev.text) + 1, ln.start),)
            out[-1] = RawLine(joined, prev.start, ln.newline_at, runs)
        else:
            out.append(ln)
    return out


@dataclass
class Header:
    """Metadata read from the top of a plain-text article."""

    title: str | None = None
    date: str | None = None
    site: str | None = None


_SITE_NAME_MAX_WORDS = 4
_SITE_NAME_MAX_CHARS = 40


def _parse_date_line(ln: RawLine, header: Header, next_text: str) -> RawLine | None:
    """Read ``date YYYY-MM-DD <rest>``; None when ``ln`` is not such a line.

    Scrapers put whatever the page starts with after the date: a domain or a site name
    ("UrduPoint.com", "Diario del Plata") with the headline as the next paragraph, a
    headline, or the first sentence of the body. So the rest is the site when it is a
    domain, or a short name followed by a headline rather than by body text; a headline
    when it reads like one; otherwise it is article text, and is returned (with its exact
    offsets) for the caller to treat as the first line of the page.
    """
    m = _DATE_LINE.match(ln.text)
    if not m:
        return None
    header.date = m.group(1)
    cut = m.start(2)
    rest = m.group(2).strip()
    remainder = RawLine(rest, ln.start + cut, ln.newline_at,
                        tuple((t - cut, o) for t, o in ln.runs if t >= cut))
    if not rest:
        return remainder
    if not any(ch.isalpha() for ch in rest):  # a slide counter ("1/5") or a clock: no text
        return RawLine("", remainder.start, ln.newline_at)
    if _DOMAIN.match(rest) or _is_site_name(rest, next_text):
        header.site = rest
        return RawLine("", remainder.start, ln.newline_at)
    if _is_headline(rest):
        header.title = rest
        return RawLine("", remainder.start, ln.newline_at)
    if _is_text(rest):
        return remainder
    # page furniture: "1. Skip to content", "By J. Doe • 21 August 2023 • 8:45", a clock and a place
    return RawLine("", remainder.start, ln.newline_at)


def _is_text(rest: str) -> bool:
    """Article text: ends like a sentence, or runs to several words."""
    words = [w for w in rest.split() if any(ch.isalpha() for ch in w)]
    return rest.endswith((".", "!", "?", "…", '"', "”", "’", "»", ")")) or len(words) >= 8


def _is_site_name(rest: str, next_text: str) -> bool:
    """A publisher's name: a few capitalised words, no figures, a headline (not body) next."""
    words = rest.split()
    return (
        len(words) <= _SITE_NAME_MAX_WORDS
        and len(rest) <= _SITE_NAME_MAX_CHARS
        and rest[0].isupper()
        and not any(ch.isdigit() for ch in rest)
        and not rest.endswith((".", "!", "?", ":", ";", ","))
        and not bp.is_byline(rest)
        and bool(next_text)
        and not bp.looks_like_sentence(next_text)
    )


def _is_headline(rest: str) -> bool:
    """A headline: short, not ending like a sentence or a clause, not a page widget."""
    return (
        len(rest) < _TITLE_MAX
        and (rest[0].isalpha() or rest[0] in "\"'“‘«¿¡")
        and "•" not in rest  # a metadata row ("By J. Doe • 21 August 2023")
        and not rest.endswith((".", "!", ";", ",", ":"))
        and not bp.looks_like_sentence(rest)
        and not (bp.is_boilerplate(rest) or bp.is_header_widget(rest) or bp.is_byline(rest))
        and len(rest.split()) >= 2
    )


def clean_paragraphs(
    lines: list[RawLine], *, parse_header: bool = True, title: str | None = None
) -> tuple[list[Para], Header]:
    """Keep article paragraphs (and captions), drop header widgets, boilerplate and footer.

    ``title`` is a headline known from metadata: it is not searched for, but a copy of it
    at the top of the body is dropped.
    """
    header = Header(title=title)
    idx = 0
    nonblank = [i for i, ln in enumerate(lines) if ln.text]
    if parse_header and nonblank:
        first = nonblank[0]
        following = lines[nonblank[1]].text if len(nonblank) > 1 else ""
        remainder = _parse_date_line(lines[first], header, following)
        if remainder is not None:
            idx = first + 1
            if remainder.text:  # article text after the date: the page's first line
                lines = [*lines[:first], remainder, *lines[first + 1:]]
                idx = first
    kept: list[Para] = []
    in_header = True  # until the first real body paragraph
    title_checked = header.title is not None or not parse_header
    total = sum(len(ln.text) for ln in lines)
    seen = 0
    for i in range(idx, len(lines)):
        ln = lines[i]
        s = ln.text
        seen += len(s)
        if not s:
            continue
        if kept and bp.is_footer_marker(s):
            break
        if kept and bp.is_weak_footer_marker(s) and total - seen < seen:
            break
        if bp.is_boilerplate(s):
            continue
        if in_header and (bp.is_header_widget(s) or bp.is_byline(s)):
            continue
        if _STAMP.match(s) and bp.is_header_widget(s):
            continue  # "Published June 19, 2023" anywhere in the body
        if bp.is_dated_byline(s):
            continue  # "By J. Doe • 21 August 2023 • 8:45" anywhere in the body
        if not title_checked:
            title_checked = True
            nxt = lines[i + 1].text if i + 1 < len(lines) else ""
            if len(s) < _TITLE_MAX and not s.endswith((".", "!", ";", ",")) and not nxt:
                header.title = s
                continue
        if header.title and in_header and s.casefold() == header.title.casefold():
            continue  # the headline repeated by the page template
        if kept and kept[-1].text == s and not bp.looks_like_sentence(s):
            continue  # a teaser duplicated by the page template
        if bp.looks_like_sentence(s):
            in_header = False
        kept.append(Para(s, ln.start, ln.newline_at, bp.is_caption(s), ln.runs))
    if kept and header.site and bp.normalize_line(kept[-1].text) == bp.normalize_line(header.site):
        kept.pop()
    return kept, header


def _segmented_paragraphs(original: str) -> list[Para]:
    """One sentence per line: keep every non-blank line verbatim (no stripping, no filter)."""
    out: list[Para] = []
    pos = 0
    for m in list(_LINE_BREAK.finditer(original)) + [None]:
        end = m.start() if m else len(original)
        line = original[pos:end]
        if line.strip():
            out.append(Para(line, pos, _nl_in(m) if m else None, bp.is_caption(line)))
        if m is None:
            break
        pos = m.end()
    return out


def document_from_text(
    text: str,
    *,
    doc_id: str,
    path: str,
    segmented: bool = False,
    lang: str | None = None,
    encoding: str | None = None,
    title: str | None = None,
    date: str | None = None,
    url: str | None = None,
    site: str | None = None,
    parse_header: bool = True,
) -> Document | IngestError:
    """A Document from decoded plain text; IngestError when no article text remains.

    Metadata given by the caller (JSONL fields) wins over what the header lines say.
    """
    if segmented:
        paras = _segmented_paragraphs(text)
        header = Header()
    else:
        lines = split_lines(text)
        if path.lower().endswith(".md"):
            lines = strip_markdown_headings(lines)
        paras, header = clean_paragraphs(unwrap(lines), parse_header=parse_header, title=title)
    if not paras:
        return IngestError(path, "no article text found")
    built = assemble(paras)
    return Document(
        id=doc_id,
        path=path,
        text=built.text,
        title=title or header.title,
        date=date or header.date,
        url=url,
        site=site or header.site,
        language=lang,
        encoding=encoding,
        captions=built.captions,
        offsets=built.offsets,
        segmented=segmented,
    )
