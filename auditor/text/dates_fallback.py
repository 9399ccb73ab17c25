"""Full dates our grammar cannot read, read by dateparser: the source side of the date check.

The grammar in :mod:`auditor.text.dates` knows six languages and the forms news prints;
a source sentence in Russian or Chinese, or in a form the grammar lacks, would otherwise
leave the reprint's date with nothing to be compared against, silently. dateparser (a
dependency of trafilatura, 200+ locales) reads such sentences. It is only asked for
*full* dates (day, month and year all written), because it fills missing parts from a
reference date, and the date check must never compare against a day nobody wrote.

It normalises and does not report the form a date was written in, so it cannot flag
machine-translation artefacts; it is used for the source side only. Mentions it returns
have ``form == "dateparser"``.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
import warnings
from functools import lru_cache

from .dates import DateMention

__all__ = ["available", "fallback_name", "looks_dated", "read_full_dates"]

# A full date needs a year: four digits, or a CJK year marker.
_YEARISH = re.compile(r"(?<!\d)(?:1\d|20)\d\d(?!\d)|\d\s*年")
_SETTINGS = {
    "REQUIRE_PARTS": ["day", "month", "year"],
    "RELATIVE_BASE": _dt.datetime(2000, 1, 1),
    "RETURN_AS_TIMEZONE_AWARE": False,
}


@lru_cache(maxsize=1)
def _search():
    try:
        from dateparser.search import search_dates
    except ImportError:
        return None
    return search_dates


def available() -> bool:
    """Whether dateparser can be imported here."""
    return _search() is not None


@lru_cache(maxsize=1)
def fallback_name() -> str:
    """"dateparser 1.5.0", or "dateparser (not installed)"."""
    if not available():
        return "dateparser (not installed)"
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"dateparser {version('dateparser')}"
    except PackageNotFoundError:  # pragma: no cover - imported but no metadata
        return "dateparser"


def looks_dated(text: str) -> bool:
    """Whether ``text`` could hold a full date (it has something year-like)."""
    return _YEARISH.search(text) is not None


@lru_cache(maxsize=4096)
def read_full_dates(text: str, lang: str) -> tuple[DateMention, ...] | None:
    """Full dates in ``text`` (language ``lang``) read by dateparser; None without dateparser.

    Spans are the substrings dateparser matched (trailing words it swallowed, such as
    the "в" of "18 июня 2023 года в", stay in the span: it is evidence, not a finding).
    A language dateparser does not know is read without a language hint.
    """
    search = _search()
    if search is None:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            found = search(text, languages=[lang], settings=_SETTINGS)
        except ValueError:  # a language dateparser does not know
            found = search(text, settings=_SETTINGS)
    out: list[DateMention] = []
    pos = 0
    for sub, when in found or []:
        start = text.find(sub, pos) if sub else -1
        if start < 0:
            continue
        pos = start + len(sub)
        if not _written_out(sub, when.year, when.day):
            continue
        out.append(DateMention(start, pos, sub, lang, "dateparser", when.year, when.month, when.day,
                               weekday=None))
    return tuple(out)


def _written_out(sub: str, year: int, day: int) -> bool:
    """Whether the matched text itself prints the year and the day in digits.

    dateparser completes what is missing ("在２０日" becomes a full date with a year taken
    from elsewhere, Chinese numerals "六四" a day); a date the source does not print in
    full is no ground for saying the reprint changed it.
    """
    norm = unicodedata.normalize("NFKC", sub)
    if not re.search(rf"(?<!\d){year}(?!\d)", norm):
        return False
    rest = re.sub(rf"(?<!\d){year}(?!\d)", " ", norm, count=1)
    return re.search(rf"(?<!\d)0?{day}(?!\d)", rest) is not None
