"""A small multilingual date grammar (en, es, fr, de, pt, it).

Machine translation of news mangles dates in a few recurring ways: a German/Spanish
ordinal "18." leaks into English and glues a day to the wrong month ("April 18. June
2023"), Spanish "18 de junio" comes out as "18 of June", or a weekday drifts by one.
To catch those we need more than a date *extractor* that silently normalises: we need
the *form* a date was written in and flags saying where it breaks the target
language's grammar. ``find_dates`` returns every date or weekday mention with its exact
span, the parsed fields, the form and such flags; it never guesses a year it was not
given (callers that know the article's year pass it to ``weekday_of`` themselves).

The grammar is a handful of regular expressions per language built from month and
weekday tables; English month names must be capitalised so that "may" and "march" as
verbs are never dates.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import re
from dataclasses import dataclass
from functools import lru_cache

from .tables import read_rows

LANGS: tuple[str, ...] = ("en", "es", "fr", "de", "pt", "it")

def _load_names(table: str, count: int) -> tuple[dict[str, list[list[str]]], frozenset[str]]:
    """``{lang: [[names of item 1], ...]}`` from a models/text table, and the abbreviations.

    A name ending in "." in the table is an abbreviation; it is stored without the dot
    and listed in the second value as ``(lang, name)`` keys in lower case.
    """
    out: dict[str, list[list[str]]] = {}
    abbrevs: set[str] = set()
    for lang, num, name in read_rows(table, 3):
        slots = out.setdefault(lang, [[] for _ in range(count)])
        word = name.rstrip(".")
        if name.endswith("."):
            abbrevs.add(f"{lang}:{word.lower()}")
        slots[int(num) - 1].append(word)
    for lang, slots in out.items():
        if any(not names for names in slots):
            raise RuntimeError(f"models/text/{table}: {lang} lacks a name for some of its {count} items")
    return out, frozenset(abbrevs)


# Month and weekday names are data (models/text/months.tsv, weekdays.tsv).
_MONTHS, _MONTH_ABBREVS = _load_names("months.tsv", 12)
_WEEKDAYS, _ = _load_names("weekdays.tsv", 7)  # Monday first, as datetime.weekday()

# Words before (or after) a weekday that make it deictic ("this Monday", "este lunes").
_DEICTIC_BEFORE: dict[str, list[str]] = {
    "en": ["this", "last", "next", "this past", "this coming", "earlier this", "later this", "past", "coming"],
    "es": ["este", "esta", "el pasado", "el próximo", "el proximo", "pasado", "próximo", "proximo"],
    "fr": ["ce", "cette"],
    "de": ["diesen", "diesem", "letzten", "vergangenen", "nächsten", "naechsten", "kommenden"],
    "pt": ["nesta", "neste", "esta", "este", "na última", "na próxima", "último", "última", "próximo", "próxima"],
    "it": ["questo", "questa", "lo scorso", "la scorsa", "il prossimo", "la prossima"],
}
_DEICTIC_AFTER: dict[str, list[str]] = {
    "en": [],
    "es": ["pasado", "próximo", "proximo"],
    "fr": ["dernier", "prochain"],
    "de": [],
    "pt": ["passado", "passada"],
    "it": ["scorso", "scorsa", "prossimo", "prossima"],
}
_PLAIN_BEFORE: dict[str, list[str]] = {  # non-deictic articles/prepositions kept in the span
    "en": ["on"], "es": ["el"], "fr": ["le"], "de": ["am"], "pt": ["na", "no"], "it": ["il", "la"],
}


@dataclass(frozen=True)
class DateMention:
    """One date or weekday mention, exactly ``text == source_text[start:end]``.

    ``form`` is one of "month-day-year", "month-day", "day-month-year", "day-month",
    "month-year", "numeric", "iso", "weekday", "relative-weekday", "two-months".
    ``flags`` name grammar breaks: "two-months" (a day between two month names),
    "impossible-day" (June 31), "ordinal-dot" ("18. June" in English), "of-order"
    ("18 of June" in English), "ambiguous-numeric" (03/04/2023).
    ``alt_month`` is the other month of a "two-months" mention (the one the day was
    printed after; ``month`` is the one it most likely belongs to).
    """

    start: int
    end: int
    text: str
    lang: str
    form: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None  # 0 = Monday, as datetime
    relative: str | None = None  # the deictic word of "this Monday", "este lunes"
    flags: tuple[str, ...] = ()
    alt_month: int | None = None

    @property
    def has_day(self) -> bool:
        return self.day is not None and self.month is not None

    def describe(self) -> str:
        """An unambiguous English rendering ("Sunday 18 June 2023") for messages."""
        parts: list[str] = []
        if self.weekday is not None:
            parts.append(WEEKDAY_NAMES[self.weekday])
        if self.day is not None:
            parts.append(str(self.day))
        if self.month is not None:
            parts.append(MONTH_NAMES[self.month - 1])
        if self.year is not None:
            parts.append(str(self.year))
        return " ".join(parts)


MONTH_NAMES: tuple[str, ...] = tuple(m[0] for m in _MONTHS["en"])
WEEKDAY_NAMES: tuple[str, ...] = tuple(w[0] for w in _WEEKDAYS["en"])


def weekday_of(year: int, month: int, day: int) -> int | None:
    """Weekday (0 = Monday) of a date, or None if the date does not exist."""
    try:
        return _dt.date(year, month, day).weekday()
    except ValueError:
        return None


def day_exists(month: int, day: int, year: int | None = None) -> bool:
    """Whether ``day`` exists in ``month`` (29 February only counts in leap years, or
    when the year is unknown)."""
    if not 1 <= month <= 12 or day < 1:
        return False
    return day <= calendar.monthrange(year if year is not None else 2024, month)[1]


def _lang(lang: str | None) -> str:
    code = (lang or "en").lower().split("-")[0].split("_")[0]
    return code if code in LANGS else "en"


def _alt(words: list[str], english: bool) -> str:
    """Regex alternation of words, longest first; English words keep their capital."""
    forms: list[str] = []
    for w in sorted(words, key=len, reverse=True):
        if english:
            forms += [w, w.upper()]
        else:
            forms.append(w)
    return "|".join(re.escape(f) for f in forms)


def _lookup(table: list[list[str]], word: str) -> int:
    w = word.lower().rstrip(".")
    for i, names in enumerate(table):
        if w in (n.lower() for n in names):
            return i
    raise KeyError(word)


@dataclass(frozen=True)
class _Grammar:
    lang: str
    patterns: tuple[tuple[str, re.Pattern[str]], ...]  # (form, regex), by priority
    weekday: re.Pattern[str]


# Years 1800-2099 anywhere; older years ("a 17 de marzo de 1615") only when punctuation or
# the end of the text follows, so that "on June 5 1500 people marched" keeps its 1500 people.
_YEAR = (r"(?P<year>(?:1[89]|20)\d\d(?![\d,.]\d)(?!\d)"
         r"|1[0-7]\d\d(?![\d,.]\d)(?!\d)(?=\s*(?:[.,;:!?)\]»”\"']|$)))")
_DAY = r"(?P<day>[0-3]?\d)(?!\d)"
# A clock time between a date and its year ("Aug 05 12:00:00 2015").
_TIME = r"(?:\s+[0-2]?\d:[0-5]\d(?::[0-5]\d)?)"
# After "June 18. 2023" the year must end the clause: "June 18. 2023 was hard" is two sentences.
_CLAUSE_END = r"(?=\s*(?:[,;:)\]]|\.(?!\d)|$))"


@lru_cache(maxsize=None)
def _grammar(lang: str) -> _Grammar:
    en = lang == "en"
    # Abbreviations ("Sept.", "févr.") may take a dot; full names never do, so that a
    # sentence-final "June." keeps its full stop outside the span.
    abbrevs = [w for names in _MONTHS[lang] for w in names if f"{lang}:{w.lower()}" in _MONTH_ABBREVS]
    fulls = [w for names in _MONTHS[lang] for w in names if w not in abbrevs]
    wd_words = [w for names in _WEEKDAYS[lang] for w in names]
    FULL = rf"(?:{_alt(fulls, en)})\b"
    MONTH = FULL
    if abbrevs:
        MONTH += rf"|(?:{_alt(abbrevs, en)})(?:\.|\b)"
    WD = _alt(wd_words, en)
    # Case: English month names must be capitalised (so "may" is no date); elsewhere
    # a sentence-initial capital is normal, so match case-insensitively.
    flags = 0 if en else re.IGNORECASE
    mon = lambda name: rf"(?P<{name}>{MONTH})"  # noqa: E731
    # English "25th march 2015": a lower-case month counts when a day and a year hold it.
    mon_ci = lambda name: rf"(?P<{name}>(?i:{MONTH}))"  # noqa: E731
    # German glues the time of day on: "Sonntagabend", "Montagmorgen".
    wd_suffix = r"(?:morgen|abend|nachmittag|vormittag|mittag|nacht)?" if lang == "de" else ""
    wdp = rf"(?P<wd>\b(?:{WD})){wd_suffix}\b"
    pats: list[tuple[str, str]] = []
    if en:
        pats.append(("two-months", rf"\b{mon('m1')}\s+{_DAY}\.?\s+{mon('month')},?\s+{_YEAR}"))
        pats.append(("day-month", rf"(?:{wdp},?\s+)?(?:\bthe\s+)?(?<![\d.,:/-]){_DAY}(?P<ord>st|nd|rd|th)?(?P<dot>\.)?(?:\s+(?P<of>of))?\s+{mon('month')}(?:(?:,?\s+|\s+(?P<yof>of)\s+){_YEAR})?"))
        pats.append(("month-day", rf"(?:{wdp},?\s+(?:the\s+)?)?\b{mon('month')}\s+(?:the\s+)?{_DAY}(?P<ord>st|nd|rd|th)?\b(?![.,]\d)(?!\s*(?:-|–|/|:)\s*\d)(?:(?:,?{_TIME}?\s+|\s+(?P<yof>of)\s+|(?P<ydot>\.)\s+(?=\d{{4}}{_CLAUSE_END})){_YEAR})?"))
        pats.append(("day-month", rf"(?:{wdp},?\s+)?(?<![\d.,:/-]){_DAY}(?P<ord>st|nd|rd|th)?\s+{mon_ci('month')},?\s+{_YEAR}"))
        pats.append(("month-day", rf"(?:{wdp},?\s+)?\b{mon_ci('month')}\s+{_DAY}(?P<ord>st|nd|rd|th)?,?\s+{_YEAR}"))
        pats.append(("month-year", rf"\b{mon('month')}(?:\s+of)?,?\s+{_YEAR}"))
    else:
        suffix = {"es": r"(?:º|°|\.º|o)?", "pt": r"(?:º|°|\.º|o)?", "fr": r"(?:er|e)?",
                  "de": r"\.?", "it": r"(?:º|°)?"}[lang]
        # Spanish and Portuguese drop the "de" in headlines and datelines: "11 junio 2010".
        conn = {"es": r"\s+(?:de\s+)?", "pt": r"\s+(?:de\s+)?", "fr": r"\s+", "de": r"\s*", "it": r"\s+"}[lang]
        yconn = {"es": r"(?:\s+(?:de|del)\s+(?:año\s+)?|,?\s+)", "pt": r"(?:\s+de\s+|,?\s+)",
                 "fr": r",?\s+", "de": r",?\s+", "it": r",?\s+"}[lang]
        wd_pre = {"es": rf"(?:{wdp},?\s+)", "pt": rf"(?:{wdp},?\s+(?:dia\s+)?)",
                  "fr": rf"(?:{wdp},?\s+)", "de": rf"(?:{wdp},?\s+(?:den\s+)?)",
                  "it": rf"(?:{wdp},?\s+)"}[lang]
        pats.append(("day-month", rf"{wd_pre}?(?<![\d.,:/-]){_DAY}{suffix}{conn}{mon('month')}(?:{yconn}{_YEAR})?"))
        # Month first ("julio 5, 2015", "décembre 5 2014") only with a year: without one,
        # "junio 5" is too often a list or a score.
        pats.append(("month-day", rf"{wd_pre}?\b{mon('month')}\s+{_DAY}(?![.,]\d){yconn}{_YEAR}"))
        pats.append(("month-year", rf"\b(?P<month>{FULL}){yconn}{_YEAR}"))
    # "12-Mär-2014", "16-Jun-2013": day, month name and year joined by hyphens.
    pats.append(("day-month", rf"(?<![\w.-]){_DAY}-{mon('month')}-{_YEAR}"))
    # Numeric forms are language-neutral except for the order of day and month.
    pats.append(("iso", r"(?<![\d./-])(?P<year>(?:1[89]|20)\d\d)-(?P<month>[01]?\d)-(?P<day>[0-3]?\d)(?![\d/-])"))
    pats.append(("numeric", r"(?<![\d./,-])(?P<a>[0-3]?\d)(?P<sep>[/.-])(?P<b>[01]?\d)(?P=sep)(?P<year>(?:1[89]|20)\d\d)(?![\d/-]|\.\d)"))
    compiled = tuple((form, re.compile(p, flags)) for form, p in pats)
    before = sorted(_DEICTIC_BEFORE[lang] + _PLAIN_BEFORE[lang], key=len, reverse=True)
    after = sorted(_DEICTIC_AFTER[lang], key=len, reverse=True)
    before_alt = "|".join(re.escape(b) for b in before)
    after_alt = "|".join(re.escape(a) for a in after)
    # Deictic words are matched case-insensitively ("This Monday" opens sentences).
    wd_re = rf"(?:\b(?P<mod>(?i:{before_alt}))\s+)?\b(?P<wd>{WD}){wd_suffix}\b"
    if after_alt:
        wd_re += rf"(?:\s+(?P<post>{after_alt})\b)?"
    weekday_re = re.compile(wd_re, flags)
    return _Grammar(lang, compiled, weekday_re)


def _build(lang: str, form: str, m: re.Match[str], text: str) -> DateMention | None:
    g = m.groupdict()
    months = _MONTHS[lang]
    flags: list[str] = []
    year = int(g["year"]) if g.get("year") else None
    weekday = _lookup(_WEEKDAYS[lang], g["wd"]) if g.get("wd") else None
    alt_month = None
    if form in ("iso",):
        month, day = int(g["month"]), int(g["day"])
    elif form == "numeric":
        a, b = int(g["a"]), int(g["b"])
        if lang == "en" and g["sep"] in "/-" and a <= 12:
            month, day = a, b  # US order
            if b <= 12 and a != b:
                flags.append("ambiguous-numeric")
        else:
            day, month = a, b
        if not 1 <= month <= 12 or not 1 <= day <= 31:
            return None
    else:
        month = _lookup(months, g["month"]) + 1
        day = int(g["day"]) if g.get("day") else None
        if form == "two-months":
            alt_month = _lookup(months, g["m1"]) + 1
            if alt_month == month:
                return None
            flags.append("two-months")
        elif form in ("month-day", "day-month"):
            if year is not None:
                form += "-year"
            if lang == "en" and g.get("dot"):
                # "18. June" is German/Spanish typography; in English only accept it as
                # a date when a year follows (else it is a sentence ending in a number).
                if year is None:
                    return None
                flags.append("ordinal-dot")
            if lang == "en" and g.get("of") and not g.get("ord"):
                flags.append("of-order")
            if lang == "en" and g.get("yof"):
                flags.append("of-year")  # "18 June of 2023": Spanish "de 2023"
            if lang == "en" and g.get("ydot"):
                flags.append("year-dot")  # "June 18. 2023"
    if day is not None and not day_exists(month, day, year):
        if day == 0:
            return None  # a digit string that merely looks like a date
        flags.append("impossible-day")
    start, end = m.start(), m.end()
    return DateMention(start, end, text[start:end], lang, form, year, month, day, weekday,
                       None, tuple(flags), alt_month)


_NAME_BEFORE = re.compile(r"\b(?:Super|Black|Good|Ash|Bloody|Easter|Cyber|Palm|Holy|Shrove|Maundy|Giving|Low|Whit)\s+$")
_NAME_AFTER = re.compile(r"\s+(?!I\b)[A-Z][a-z]")


def _is_name(text: str, start: int, end: int) -> bool:
    """An English weekday that is part of a name ("Sunday Times", "Super Tuesday",
    "Monday Night Football"), not a day reference."""
    if _NAME_BEFORE.search(text[max(0, start - 12):start]):
        return True
    after = _NAME_AFTER.match(text, end)
    if after is None:
        return False
    word = re.match(r"[A-Za-z]+", text[after.end() - 2:]).group()  # type: ignore[union-attr]
    return word not in MONTH_NAMES and word.upper() != word


@lru_cache(maxsize=16)
def _bare_month_pattern(lang: str) -> re.Pattern[str]:
    names = sorted({w for m in _MONTHS[lang] for w in m if f"{lang}:{w.lower()}" not in _MONTH_ABBREVS},
                   key=len, reverse=True)
    flags = 0 if lang == "en" else re.IGNORECASE
    return re.compile(r"(?<![\w\-])(" + "|".join(re.escape(w) for w in names) + r")(?![\w\-])", flags)


def bare_months(text: str, lang: str) -> list[tuple[int, int, int]]:
    """Every full month name in ``text`` (``(start, end, month)``), dated or not: "by January", "en junio".

    Abbreviations are left out ("Mar", "Jan" are names too); in English a month must be
    capitalised, not open the sentence ("May I ...") and not follow a capitalised word
    ("Theresa May", "Ash Wednesday" is a weekday's case)."""
    lang = _lang(lang)
    if lang not in _MONTHS:
        return []
    lower = {w.lower(): k + 1 for k, m in enumerate(_MONTHS[lang]) for w in m}
    out = []
    for m in _bare_month_pattern(lang).finditer(text):
        if lang == "en":
            before = text[:m.start()].rstrip()
            if not before or before[-1] in ".!?\"“”" or re.search(r"[A-Z][\w’'-]*$", before):
                continue
        out.append((m.start(), m.end(), lower[m.group(1).lower()]))
    return out


def find_dates(text: str, lang: str) -> list[DateMention]:
    """Every date and weekday mention in ``text`` written in language ``lang``.

    Dates win over bare weekdays; a weekday printed next to a date ("Sunday, June 18")
    is part of that date's mention. Unknown languages fall back to English.

    Results are memoised (mentions are frozen; each caller gets its own list): the
    date check scans a sentence once for the reprint, again as an aligned source and
    again as a cluster neighbour, about half of all calls on a news set.
    """
    return list(_find_dates_cached(text, lang))


@lru_cache(maxsize=8192)
def _find_dates_cached(text: str, lang: str) -> tuple[DateMention, ...]:
    return tuple(_find_dates(text, lang))


def _find_dates(text: str, lang: str) -> list[DateMention]:
    lang = _lang(lang)
    gram = _grammar(lang)
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    for form, rx in gram.patterns:
        for m in rx.finditer(text):
            if not free(m.start(), m.end()):
                continue
            mention = _build(lang, form, m, text)
            if mention is not None:
                found.append(mention)
                taken.append((m.start(), m.end()))
    for m in gram.weekday.finditer(text):
        if not free(m.start("wd"), m.end("wd")):
            continue
        mod = (m.group("mod") or "").lower() or None
        post = (m.groupdict().get("post") or "").lower() or None
        deictic = None
        if mod and mod not in _PLAIN_BEFORE[lang]:
            deictic = mod
        elif post:
            deictic = post
        start = m.start() if deictic and mod else m.start("wd")
        end = m.end()
        if not deictic and post is None:
            end = m.end("wd")
        if not free(start, end):
            start, end = m.start("wd"), m.end("wd")
        found.append(DateMention(
            start, end, text[start:end], lang, "relative-weekday" if deictic else "weekday",
            weekday=_lookup(_WEEKDAYS[lang], m.group("wd")), relative=deictic,
            flags=("name",) if lang == "en" and _is_name(text, m.start("wd"), m.end("wd")) else (),
        ))
        taken.append((start, end))
    found.sort(key=lambda d: d.start)
    return found
