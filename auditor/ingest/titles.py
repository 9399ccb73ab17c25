"""The site's name cut off a page title: "Port strike ends | Harbour Herald" -> "Port strike ends".

trafilatura strips the site suffix from the titles it reads; the built-in fallback
extractor reads ``og:title`` or ``<title>`` as they are, so without this the headline of
a page read by the fallback kept " | Harbour Herald", and the reports named the article
by it. Only the fallback path calls this (``auditor/ingest/html.py``).

A trailing segment after a separator (``models/text/title-separators.txt``, spaced on
both sides) is the site's name, and cut, when it

* is the page's ``og:site_name`` or its host name (case, spaces and punctuation
  ignored: "Harbour Herald" = "harbour-herald.example" = "harbourherald"), or
* is short (at most ``SHORT_WORDS`` words and ``SHORT_CHARS`` characters) and
  title-cased (every word capitalised, a digit, or a small word of
  ``models/text/site-name-words.txt``), and the separator is a pipe or the headline
  before it is not itself title-cased: a title-cased tail after a title-cased headline
  ("Blinken Meets Xi - Talks Resume") is as likely the headline's own.

What stays must keep at least ``MIN_HEAD_WORDS`` words (and, for a short title-cased
tail, be longer than it).
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..text.tables import read_rows

SHORT_WORDS = 4
SHORT_CHARS = 40
MIN_HEAD_WORDS = 2
MAX_CUTS = 2
#: The separator that almost never occurs inside a headline.
PIPE = "|"


@lru_cache(maxsize=1)
def separators() -> tuple[str, ...]:
    """Title separators, longest first (``models/text/title-separators.txt``)."""
    return tuple(sorted((s for (s,) in read_rows("title-separators.txt", 1)), key=len, reverse=True))


@lru_cache(maxsize=1)
def site_name_words() -> frozenset[str]:
    """Lowercase words a title-cased site name may carry (``models/text/site-name-words.txt``)."""
    return frozenset(w.casefold() for (w,) in read_rows("site-name-words.txt", 1))


def _norm(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def _host_forms(host: str | None) -> set[str]:
    """The host as a site name may spell it: whole, without "www." and the TLD, its main label."""
    if not host:
        return set()
    labels = [x for x in host.casefold().split(".") if x]
    if labels and labels[0] == "www":
        labels = labels[1:]
    forms = {_norm(".".join(labels))}
    if len(labels) > 1:
        forms.add(_norm(".".join(labels[:-1])))
        forms.add(_norm(labels[-2]))
    return {f for f in forms if f}


def _title_cased(words: list[str]) -> bool:
    small = site_name_words()
    return bool(words) and words[0][:1].isupper() and all(
        w[:1].isupper() or w[:1].isdigit() or w.casefold() in small for w in words)


def _split_last(title: str) -> tuple[str, str, str] | None:
    """(head, separator, tail) at the last spaced separator, or None."""
    best: tuple[int, str] | None = None
    for sep in separators():
        k = title.rfind(f" {sep} ")
        if k > 0 and (best is None or k > best[0]):
            best = (k, sep)
    if best is None:
        return None
    k, sep = best
    return title[:k].strip(), sep, title[k + len(sep) + 2:].strip()


def _cut_once(title: str, site_name: str | None, host: str | None) -> str | None:
    """The title without its last segment when that segment is the site's name, else None."""
    parts = _split_last(title)
    if parts is None:
        return None
    head, sep, tail = parts
    head_words, tail_words = head.split(), tail.split()
    if not tail or len(head_words) < MIN_HEAD_WORDS:
        return None
    key = _norm(tail)
    if key and ((site_name and key == _norm(site_name)) or key in _host_forms(host)):
        return head
    short = len(tail_words) <= SHORT_WORDS and len(tail) <= SHORT_CHARS and len(head) > len(tail)
    if short and _title_cased(tail_words) and (sep == PIPE or not _title_cased(head_words)):
        return head
    return None


def strip_site_suffix(title: str | None, *, site_name: str | None = None, host: str | None = None) -> str | None:
    """``title`` without a trailing " | Site" (see the module docstring for when it is cut).

    At most ``MAX_CUTS`` segments go ("Headline | Business | Harbour Herald": the site,
    then its section); a title with nothing to cut is returned as it was.
    """
    if not title:
        return title
    out = " ".join(title.split())
    cut = False
    for _ in range(MAX_CUTS):
        shorter = _cut_once(out, site_name, host)
        if shorter is None:
            break
        out, cut = shorter, True
    return out if cut else title
