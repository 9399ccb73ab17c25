"""Date detector: malformed dates, weekday/date contradictions, source disagreements
and the "this Monday" calque of Spanish "este lunes".

Dates are the facts that round-trip machine translation breaks most visibly (a caption
dated "April 18. June 2023", a meeting moved from Sunday to Monday), and they are also
the facts an editor can check in seconds, so every finding states the date it read and
the date it expected. Rules come in three groups:

* grammar breaks that are wrong in any context (two months for one day, 31 June, a
  weekday that contradicts its own date; minor for word-order calques like "18 of June");
* disagreement with the aligned source sentence, parsed in the source's own language;
* a text-only style signal: "this Monday" for a day already past, the literal
  rendering of Spanish "este lunes" / Portuguese "nesta segunda-feira" / French "ce lundi".

Precision matters more than recall: when the evidence is thin (no year, several dates
on each side) the detector stays silent.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from ..text.dates import LANGS, MONTH_NAMES, WEEKDAY_NAMES, DateMention, bare_months, find_dates, weekday_of
from ..text.dates_fallback import fallback_name, looks_dated, read_full_dates
from ..types import Finding, Segment, SegmentedDocument
from .base import CheckContext, make_finding

NAME = "dates"
CATEGORY = "accuracy/date"

# Words whose presence makes "this Monday" refer to a coming day, which is idiomatic.
_FUTURE = re.compile(
    r"\b(?:will|shall|'ll|going to|(?:is|are|was|were) (?:set|due|scheduled|slated|expected|planned|poised) to|"
    r"plans? to|planning to|hop(?:e|es|ed|ing) to|want(?:s|ed)? to|intend(?:s|ed)? to|would|upcoming|"
    r"next|tomorrow|ahead of)\b",
    re.IGNORECASE,
)
_PAST_IRREGULAR = (
    "said|met|told|held|was|were|had|took|began|came|went|gave|saw|made|left|spoke|sent|"
    "won|lost|fell|rose|hit|led|shot|struck|broke|found|thought|brought|bought|caught|"
    "taught|fought|ran|wrote|drove|flew|chose|knew|grew|threw|became|got|paid|laid|sold|"
    "kept|felt|meant|spent|stood|understood|sat|set|put|cut|let|quit|spread|read|heard"
)
_PAST = re.compile(rf"\b(?:{_PAST_IRREGULAR}|[a-z]{{3,}}ed)\b", re.IGNORECASE)
_CALQUE_LANGS = (("es", "Spanish"), ("pt", "Portuguese"), ("fr", "French"))


def _calque_sources(weekday: int) -> str:
    """"Spanish “este domingo”, Portuguese “neste domingo” or French “ce dimanche”" for a
    weekday (0 = Monday), from ``models/text/weekday-calques.tsv``."""
    from ..text.tables import read_rows
    from ..text.wording import join_words

    phrases = {(lang, int(day) - 1): phrase for lang, day, phrase in read_rows("weekday-calques.tsv", 3)}
    return join_words((f"{name} “{phrases[(lang, weekday)]}”" for lang, name in _CALQUE_LANGS
                       if (lang, weekday) in phrases), "or")


def _doc_year(doc: SegmentedDocument) -> int | None:
    """The article's year: the single year its full dates agree on, else its metadata date.

    Used only to check a weekday against a date printed without a year; an article
    whose dates span several years gives no hint rather than a wrong one. Only full
    dates (day, month and year) count: "in March 2022" is as often background as the
    story's own date.
    """
    years = Counter(
        m.year for seg in doc.segments for m in find_dates(seg.text, _lang(doc, seg))
        if m.year and m.has_day
    )
    if len(years) == 1:
        return next(iter(years))
    meta = doc.document.date or ""
    found = re.search(r"\b(?:19|20)\d\d\b", meta)
    if found and not years:
        return int(found.group())
    return None


def _lang(doc: SegmentedDocument, seg: Segment | None = None) -> str:
    """The grammar to parse a sentence with: the document language (sentence-level
    language id is too noisy on short captions), the sentence's own when the document's
    is unsupported."""
    if doc.language in LANGS:
        return doc.language
    if seg is not None and seg.language in LANGS:
        return seg.language
    return "en"


def _weekday(m: DateMention, year_hint: int | None) -> tuple[int | None, bool]:
    """Weekday implied by a full date, and whether the year had to be inferred."""
    if not m.has_day or "impossible-day" in m.flags:
        return None, False
    if m.year is not None:
        return weekday_of(m.year, m.month, m.day), False  # type: ignore[arg-type]
    if year_hint is not None:
        return weekday_of(year_hint, m.month, m.day), True  # type: ignore[arg-type]
    return None, False


class _Emitter:
    """Collects findings for one document, one per span (the most severe wins)."""

    def __init__(self, doc: SegmentedDocument) -> None:
        self.doc = doc
        self.by_span: dict[tuple[int, int], Finding] = {}
        # Per sentence: how its aligned source's dates were read, added to the evidence
        # of every finding in the sentence (a source date nobody could read is said).
        self.notes: dict[int, dict[str, object]] = {}

    def add(self, seg: Segment, m: DateMention, severity: str, message: str, *,
            category: str = CATEGORY, source_text: str | None = None, **evidence: object) -> None:
        start, end = seg.start + m.start, seg.start + m.end
        rank = {"minor": 0, "major": 1, "critical": 2}
        old = self.by_span.get((start, end))
        if old is not None and rank[old.severity] >= rank[severity]:
            return
        evidence.setdefault("form", m.form)
        if m.flags:
            evidence.setdefault("flags", list(m.flags))
        self.by_span[(start, end)] = make_finding(
            self.doc, start, end, category=category, severity=severity, message=message,
            detector=NAME, source_text=source_text, evidence=evidence,
        )

    def findings(self) -> list[Finding]:
        out = []
        for f in self.by_span.values():
            note = self.notes.get(f.segment) if f.segment is not None else None
            if note:
                f = replace(f, evidence={**f.evidence, **{k: v for k, v in note.items() if k not in f.evidence}})
            out.append(f)
        return sorted(out, key=lambda f: (f.start, f.end))


def _check_grammar(em: _Emitter, seg: Segment, mentions: list[DateMention], year_hint: int | None) -> None:
    """Dates that are wrong whatever the source says."""
    for m in mentions:
        if "two-months" in m.flags:
            alt = MONTH_NAMES[m.alt_month - 1]  # type: ignore[operator]
            month = MONTH_NAMES[m.month - 1]  # type: ignore[operator]
            year = f" {m.year}" if m.year else ""
            em.add(seg, m, "major",
                   f"“{m.text}” gives one day two months ({alt} and {month}). The “{m.day}"
                   f"{'.' if f'{m.day}.' in m.text else ''}” is a "
                   f"German/Spanish-style ordinal day that belongs to “{month}{year}”, so the "
                   f"intended date is most likely {m.day} {month}{year}; as printed the date "
                   f"cannot be read.", rule="two-months",
                   intended=m.describe(), other_month=alt)
        elif "impossible-day" in m.flags:
            month = MONTH_NAMES[m.month - 1]  # type: ignore[operator]
            em.add(seg, m, "major",
                   f"“{m.text}” is not a real date: {month} has no day {m.day}.",
                   rule="impossible-day")
        elif "ordinal-dot" in m.flags:
            em.add(seg, m, "minor",
                   f"“{m.text}” writes the day with a German/Spanish-style ordinal dot; English "
                   f"writes “{m.day} {MONTH_NAMES[m.month - 1]}” without it, a sign of machine "  # type: ignore[operator]
                   f"translation.", rule="ordinal-dot")
        elif "year-dot" in m.flags:
            em.add(seg, m, "minor",
                   f"“{m.text}” puts a full stop between the day and the year, the German-style "
                   f"ordinal “{m.day}.”; English writes “{MONTH_NAMES[m.month - 1]} {m.day}, {m.year}”.",  # type: ignore[operator]
                   rule="year-dot")
        elif "of-year" in m.flags:
            em.add(seg, m, "minor",
                   f"“{m.text}” puts “of” before the year, the Spanish/Portuguese “de {m.year}”; "
                   f"English writes “{m.day} {MONTH_NAMES[m.month - 1]} {m.year}” or "  # type: ignore[operator]
                   f"“{MONTH_NAMES[m.month - 1]} {m.day}, {m.year}”.", rule="of-year")
        elif "of-order" in m.flags:
            em.add(seg, m, "minor",
                   f"“{m.text}” copies the Spanish/Portuguese word order “{m.day} de …”; English "
                   f"writes “{MONTH_NAMES[m.month - 1]} {m.day}”, “{m.day} {MONTH_NAMES[m.month - 1]}” "  # type: ignore[operator]
                   f"or “the {m.day}th of …”.", rule="of-order")
        if m.weekday is not None and m.has_day:
            implied, inferred = _weekday(m, year_hint)
            if implied is not None and implied != m.weekday:
                year = m.year if m.year is not None else year_hint
                note = f" (taking the year {year} from the article)" if inferred else ""
                em.add(seg, m, "major",
                       f"“{m.text}” contradicts itself: {m.day} {MONTH_NAMES[m.month - 1]} {year} "  # type: ignore[operator]
                       f"was a {WEEKDAY_NAMES[implied]}, not a {WEEKDAY_NAMES[m.weekday]}{note}.",
                       rule="weekday-contradicts-date", implied_weekday=WEEKDAY_NAMES[implied],
                       year_inferred=inferred)


def _day_in_text(day: int, text: str) -> bool:
    return re.search(rf"(?<![\d.,]){day}(?!\d)", text) is not None


def _check_source(em: _Emitter, seg: Segment, mentions: list[DateMention], src_text: str,
                  src_lang: str, year_hint: int | None, src_year: int | None) -> None:
    """Dates and weekdays that disagree with the aligned source sentence."""
    src = find_dates(src_text, src_lang) if src_lang in LANGS else []
    fallback_read = False
    if any(m.has_day for m in mentions) and not any(s.has_day for s in src) and looks_dated(src_text):
        # The grammar read no full date in a source sentence that may hold one: ask
        # dateparser (any language) rather than let the comparison lapse unsaid.
        extra = read_full_dates(src_text, src_lang)
        if extra:
            fallback_read = True
            src = src + list(extra)
            em.notes[seg.index] = {"source_dates_read_by": fallback_name()}
        else:
            em.notes[seg.index] = {"source_dates_unread": (
                f"the aligned source sentence may hold a date that neither the date grammar nor "
                f"{fallback_name()} could read; this sentence's dates were not compared with it")}
    if not src:
        return
    src_days = [s for s in src if s.has_day]
    src_month_years = {(s.month, s.year) for s in src if s.month and s.year}
    src_months = {s.month for s in src if s.month}
    for m in mentions:
        if m.has_day and src_days and "impossible-day" not in m.flags:
            if m.form == "numeric" and m.text in src_text:
                continue  # the source prints the same digits: read alike or not, nothing changed
            same = [s for s in src_days if (s.month, s.day) == (m.month, m.day)]
            if same:
                s = same[0]
                if m.year and s.year and m.year != s.year:
                    em.add(seg, m, "major",
                           f"“{m.text}” has the year {m.year}; the source says “{s.text}” ({s.year}).",
                           source_text=s.text, rule="source-year")
                continue
            if m.month in src_months and _day_in_text(m.day, src_text):  # type: ignore[arg-type]
                continue  # a range such as "del 18 al 20 de junio"
            if fallback_read and _day_in_text(m.day, src_text):  # type: ignore[arg-type]
                continue  # dateparser may have read only some of the source's dates
            s = src_days[0] if len(src_days) == 1 else None
            if s is None:
                # Several source dates, none equal: only speak when the day number is absent.
                if any(s2.day == m.day for s2 in src_days):
                    continue
                s = src_days[0]
            em.add(seg, m, "major",
                   f"“{m.text}” reads as {m.describe()}, but the source sentence dates it "
                   f"“{s.text}” ({s.describe()}).", source_text=s.text, rule="source-date",
                   source_date=s.describe())
            continue
        if m.month and m.year and not m.has_day and src_month_years:
            if (m.month, m.year) not in src_month_years and all(y for _, y in src_month_years):
                s = next(s for s in src if s.month and s.year)
                em.add(seg, m, "major",
                       f"“{m.text}” reads as {m.describe()}, but the source sentence says "
                       f"“{s.text}” ({MONTH_NAMES[s.month - 1]} {s.year}).",  # type: ignore[operator]
                       source_text=s.text, rule="source-month")
                continue
    _check_source_weekday(em, seg, mentions, src, src_year)


def _check_source_month_names(em: _Emitter, seg: Segment, lang: str, mentions: list[DateMention],
                              src_text: str, src_lang: str) -> None:
    """A month named alone ("by January", "en junio") that the aligned source names differently.

    The date rules compare full dates and month-years; a bare month was not compared, so
    "decide by October" for "d'ici janvier" passed. Only one month on each side may
    disagree (a sentence naming several months may have been reordered)."""
    dated = [(m.start, m.end) for m in mentions if m.has_day or m.year]
    mine = [x for x in bare_months(seg.text, lang) if not any(a <= x[0] < b for a, b in dated)]
    theirs = bare_months(src_text, src_lang)
    if not mine or not theirs:
        return
    src_set, my_set = {m for _, _, m in theirs}, {m for _, _, m in mine}
    extra = [x for x in mine if x[2] not in src_set]
    missing = [x for x in theirs if x[2] not in my_set]
    if len({m for *_, m in extra}) != 1 or len({m for *_, m in missing}) != 1:
        return
    s0, s1, s_month = missing[0]
    for a, b, month in extra:
        mention = DateMention(start=a, end=b, text=seg.text[a:b], lang=lang, form="month", month=month)
        em.add(seg, mention, "major",
               f"“{seg.text[a:b]}” is {MONTH_NAMES[month - 1]}, but the source sentence says "
               f"“{src_text[s0:s1]}” ({MONTH_NAMES[s_month - 1]}).",
               source_text=src_text[s0:s1], rule="source-month-name")


def _implied_weekdays(mentions: list[DateMention], year: int | None) -> dict[int, DateMention]:
    """Weekdays a sentence names: explicit ones, else those of its full dates."""
    explicit = {m.weekday: m for m in mentions if m.weekday is not None and "name" not in m.flags}
    if explicit:
        return explicit  # type: ignore[return-value]
    derived: dict[int, DateMention] = {}
    for m in mentions:
        w, _ = _weekday(m, m.year or year)
        if w is not None and (m.year or year):
            derived.setdefault(w, m)
    return derived


def _check_source_weekday(em: _Emitter, seg: Segment, mentions: list[DateMention],
                          src: list[DateMention], src_year: int | None) -> None:
    """A weekday that differs from the source's. Only when each side names exactly one
    day: sentences listing several days ("late Sunday and early Monday") are often
    regrouped by translators, and a missed weekday spelling would look like a change."""
    if any(m.has_day for m in mentions) and any(s.has_day for s in src):
        return  # full dates on both sides were compared as dates
    rep = _implied_weekdays(mentions, None)
    srcw = _implied_weekdays(src, src_year)
    if len(rep) != 1 or len(srcw) != 1 or set(rep) == set(srcw):
        return
    (w, m), = rep.items()
    (sw, s), = srcw.items()
    em.add(seg, m, "major",
           f"“{m.text}” puts this on a {WEEKDAY_NAMES[w]}, but the source sentence says "
           f"“{s.text}” ({WEEKDAY_NAMES[sw]}).", source_text=s.text, rule="source-weekday",
           source_weekday=WEEKDAY_NAMES[sw])


def _past_verb_governs(text: str, pos: int) -> bool:
    """Whether the nearest verb before ``pos`` is a past tense with no infinitive in
    between ("met Wang this Monday", not "had wanted to celebrate ... this Sunday",
    where the Sunday is still to come)."""
    last = None
    for last in _PAST.finditer(text, 0, pos):
        pass
    if last is None:
        return False
    return re.search(r"\bto\s+[a-z]+", text[last.end():pos]) is None


def _check_calque(em: _Emitter, seg: Segment, mentions: list[DateMention], src_text: str | None,
                  src_lang: str | None) -> None:
    """English "this Monday" used for a day already past: the calque of "este lunes"."""
    text = seg.text
    src_weekdays: list[DateMention] = []
    if src_text and src_lang and src_lang != "en":
        src_weekdays = [s for s in find_dates(src_text, src_lang) if s.form in ("relative-weekday", "weekday")]
    for m in mentions:
        if m.form != "relative-weekday" or m.relative not in ("this", "earlier this"):
            continue
        before = text[: m.start].rstrip()
        after = text[m.end:]
        sentence_initial = before in ("", "“", '"', "‘", "'")
        pattern = None
        if m.relative == "earlier this":
            pattern = "earlier-this-weekday"
        elif sentence_initial and re.match(r"\s+(?:is expected|was|has been|saw|marked|witnessed)\b", after):
            pattern = "this-weekday-as-subject"
        elif _FUTURE.search(text) is None and _PAST.search(text) is not None:
            if before.endswith(",") and re.match(r"\s*,", after):
                pattern = "this-weekday-apposition"
            elif re.match(r"\s*(?:morning|afternoon|evening|night)?\s*,", after) and sentence_initial:
                pattern = "this-weekday-fronted"
            elif not sentence_initial and _past_verb_governs(text, m.start) and not re.match(r"\s*(?:'s|’s)\b", after):
                pattern = "this-weekday-past-narrative"
        if pattern is None:
            continue
        day = WEEKDAY_NAMES[m.weekday]  # type: ignore[index]
        # The source's own wording for this weekday, when the aligned sentence has it (a
        # different weekday there is the source-weekday rule's finding, not this one).
        src = next((s for s in src_weekdays if s.weekday == m.weekday and s.relative), None) or next(
            (s for s in src_weekdays if s.weekday == m.weekday), None)
        usage = f"“on {day}” (today or a day just past); English news writes “on {day}” or “{day}”."
        if src is not None and src.relative:
            message = f"“{m.text}” renders the source’s “{src.text}” word for word; in news it simply means {usage}"
        elif src is not None:
            message = (f"“{m.text}” is not what the source says: “{src.text}” is “on {day}”, which English "
                       f"news writes “on {day}” or “{day}”.")
        else:
            message = (f"“{m.text}” reads as a literal rendering of {_calque_sources(m.weekday)}, "  # type: ignore[arg-type]
                       f"which in news simply means {usage}")
        em.add(seg, m, "minor", message, category="style/literal",
               source_text=src.text if src is not None else None, rule=pattern)


def run(ctx: CheckContext) -> list[Finding]:
    """Date findings for ``ctx.doc`` (with the aligned source when there is one)."""
    doc = ctx.doc
    em = _Emitter(doc)
    year_hint = _doc_year(doc)
    src_year = _doc_year(ctx.source) if ctx.source is not None else None
    src_lang = ctx.source_language  # the grammar reads six languages, dateparser the rest
    for seg in doc.segments:
        lang = _lang(doc, seg)
        mentions = find_dates(seg.text, lang)
        src_text = ctx.aligned_source_text(seg.index)
        if src_text and src_lang in LANGS and lang in LANGS:
            _check_source_month_names(em, seg, lang, mentions, src_text, src_lang)  # type: ignore[arg-type]
        if not mentions:
            continue
        _check_grammar(em, seg, mentions, year_hint or src_year)
        if src_text and src_lang:
            _check_source(em, seg, mentions, src_text, src_lang, year_hint, src_year)
        if lang == "en":
            _check_calque(em, seg, mentions, src_text, src_lang if src_lang in LANGS else None)
    return em.findings()
