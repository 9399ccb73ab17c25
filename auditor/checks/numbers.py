"""Number detector: figures that changed between the source and the reprint, and
thousands/decimal separators that leaked from another language's conventions.

Machine translation rarely invents a figure out of nothing; it changes how one is
*written* and, in doing so, sometimes what it *is*: Spanish "billón" (10^12) printed as
"billion" (10^9), "2,5 millones" printed as "2.5 billion", "1.000 personas" printed as
"1.000 people" (one point zero, to an English reader). So the detector parses the
reprint sentence and its aligned source sentence, each in its own language, into
values with a kind (percent, money, duration, count, ordinal, year) and compares them
kind by kind, allowing for rounding and for either reading of an ambiguous numeral.

Precision matters more than recall. A disagreement is reported only when, after every
figure that agrees with *some* figure of the other side has been set aside, exactly one
figure of a kind is left on each side; sentences that list several figures of a kind
are regrouped by translators too often to pair them blindly. Without a source the only
rule is the locale leak ("1.000 people" in English), and that stays minor.
"""

from __future__ import annotations

import re

from ..text.dates import LANGS
from ..text.numbers import Quantity, find_quantities, same_value
from ..text.wording import language_name
from ..types import Finding, Segment, SegmentedDocument
from .base import CheckContext, make_finding

NAME = "numbers"
CATEGORY = "accuracy/number"


# Units of measurement, in every supported language: a translator converts "10 inches"
# to "25 centímetros" and "80 degrees" (Fahrenheit) to "27 grados", so a bare count
# followed by one of these is never compared as a plain figure.
_MEASURE_UNITS = re.compile(
    r"(?:\s|-|\u00a0|\u202f)*(?:"
    r"inch(?:es)?|foot|feet|ft|yards?|yds?|miles?|mi|mph|knots?|degrees?|°|º|ounces?|oz|lbs?|"
    r"pounds?|stones?|acres?|gallons?|pints?|quarts?|square|sq|cubic|"
    r"kms?|kilomet(?:er|re)s?|met(?:er|re)s?|m|cm|mm|centimet(?:er|re)s?|millimet(?:er|re)s?|"
    r"kg|kilos?|kilograms?|grams?|g|tons?|tonnes?|hectares?|ha|lit(?:er|re)s?|l|ml|km/h|"
    r"kilómetros?|metros?|centímetros?|milímetros?|grados?|kilogramos?|gramos?|toneladas?|"
    r"hectáreas?|millas?|pies|pulgadas?|litros?|libras?|nudos?|"
    r"kilomètres?|mètres?|centimètres?|millimètres?|degrés?|tonnes?|milles?|pieds?|pouces?|"
    r"litres?|"
    r"Kilometer[n]?|Meter[n]?|Zentimeter[n]?|Millimeter[n]?|Grad|Kilogramm|Gramm|Tonnen|"
    r"Hektar|Meilen|Fuß|Zoll|Liter[n]?|Knoten|"
    r"quilómetros?|quilômetros?|centímetros?|graus?|quilos?|quilogramas?|toneladas?|milhas?|"
    r"pés|polegadas?|"
    r"chilometri|metri|centimetri|gradi|chili|chilogrammi|tonnellate|ettari|miglia|piedi|"
    r"pollici|litri"
    r")(?![\w])",
    re.IGNORECASE,
)
# Scale words (million, billón, Milliarden, milhões...), to tell "six million" from "six".
_SCALE_WORD = re.compile(
    r"(?i)thousand|mill|milh|bill|bilh|bili|trill|trilh|milliard|miliard|milion|\bmil\b|\bmila\b|"
    r"mille|tausend|\bbn\b|\btn\b|\bMio\b|\bMrd\b|\d\s?(?:bn|tn|trn|mn|m|k)\b"
)

_KIND_WORDS = {
    "percent": "percentage", "money": "amount", "duration": "duration", "count": "figure",
    "ordinal": "ordinal", "year": "year",
}


def _lang(doc: SegmentedDocument, seg: Segment | None = None) -> str:
    """Grammar for a sentence: the document's language when supported (sentence-level
    language id is noisy on short lines), else the sentence's own, else English."""
    if doc.language in LANGS:
        return doc.language
    if seg is not None and seg.language in LANGS:
        return seg.language
    return "en"


def _fmt(value: float) -> str:
    """A value as an editor would say it: 2500000.0 -> "2,500,000", 7.5 -> "7.5"."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.6f}".rstrip("0").rstrip(".")


def _describe(q: Quantity) -> str:
    if "age" in q.flags:
        return f"an age of {_fmt(q.value)}"
    if q.kind == "duration":
        unit = q.unit or "unit"
        return f"{_fmt(q.value)} {unit}{'' if q.value == 1 else 's'}"
    if q.kind == "money":
        return f"{_fmt(q.value)} {q.unit or ''}".strip()
    if q.kind == "percent":
        return f"{_fmt(q.value)} %"
    return _fmt(q.value)


def _looks_like_leak(q: Quantity) -> bool:
    """An English "1.000" / "25.000" that is a thousands group written the
    continental way: three digits after the dot ending in "00", a figure of people or
    money rather than a measurement (decimals with trailing zeros are rare in prose)."""
    if "dot-thousands" not in q.flags or q.kind not in ("count", "money"):
        return False
    digits = re.sub(r"^\D+", "", q.text)
    match = re.match(r"\d{1,3}(?:\.\d{3})+", digits)
    return match is not None and match.group().endswith("00")


class _Emitter:
    """Findings for one document, one per span (the most severe wins)."""

    _RANK = {"minor": 0, "major": 1, "critical": 2}

    def __init__(self, doc: SegmentedDocument) -> None:
        self.doc = doc
        self.by_span: dict[tuple[int, int], Finding] = {}

    def add(self, start: int, end: int, severity: str, message: str, *, category: str = CATEGORY,
            source_text: str | None = None, **evidence: object) -> None:
        old = self.by_span.get((start, end))
        if old is not None and self._RANK[old.severity] >= self._RANK[severity]:
            return
        self.by_span[(start, end)] = make_finding(
            self.doc, start, end, category=category, severity=severity, message=message,
            detector=NAME, source_text=source_text, evidence=evidence,
        )

    def findings(self) -> list[Finding]:
        return sorted(self.by_span.values(), key=lambda f: (f.start, f.end))


def _check_leak_text_only(em: _Emitter, seg: Segment, quantities: list[Quantity], lang: str,
                          src: list[Quantity] | None) -> None:
    """"1.000 people" in English: a reader takes it for one point zero. Silent when the
    aligned source has the decimal reading (then the figure is right as printed)."""
    if lang != "en":
        return
    for q in quantities:
        if src and any(abs(q.value - s.value) <= 1e-9 for s in src):
            continue
        if _looks_like_leak(q):
            em.add(seg.start + q.start, seg.start + q.end, "minor",
                   f"“{q.text}” uses a dot as thousands separator, as Spanish, Portuguese, "
                   f"German and French do; an English reader takes it for the decimal {_fmt(q.value)}. If "
                   f"{_fmt(q.alternatives[0])} is meant, English writes "
                   f"“{_fmt(q.alternatives[0])}”.", rule="dot-thousands",
                   value=q.value, thousands_reading=q.alternatives[0])


def _agree(rep: Quantity, src: Quantity) -> bool:
    """Whether a reprint figure states the source figure of its kind.

    Rounding goes one way only: a translation may write a rounder figure than its source
    ("about 7,000" for "6.950") but not a finer one, so "803 people" for "800 personas"
    and "52 percent" for "50 Prozent" are changes, not rounding. Years are exact."""
    if not same_value(rep, src):
        return False
    exact = any(x == y for x in rep.readings for y in src.readings)
    if rep.kind == "year":
        return exact
    return exact or rep.precision >= src.precision


def _matches(q: Quantity, others: list[Quantity], reprint: bool = True) -> bool:
    """Whether some figure of the other side states the same amount: same kind up to
    rounding (:func:`_agree`; ``reprint``: ``q`` is the reprint's figure), or any kind
    with an identical value (a count in one language may be parsed as a duration in the
    other: "siete" ... "horas")."""
    for o in others:
        if o.kind == q.kind:
            if _agree(q, o) if reprint else _agree(o, q):
                return True
        elif any(abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1.0) for a in q.readings for b in o.readings):
            return True
    return False


def _written_in_source(q: Quantity, src_text: str) -> bool:
    """A bare reprint number ("20", "1,500") appears in the source as the same digits,
    where the source parser did not read it as a figure (inside a clock time, a date
    or a name). Figures with a unit or scale word are never excused this way."""
    if not re.fullmatch(r"\d[\d.,\u00a0\u202f\u2009 ]*", q.text):
        return False
    digits = re.sub(r"\D", "", q.text)
    flat = re.sub(r"(?<=\d)[.,\u00a0\u202f\u2009 ](?=\d{3}(?!\d))", "", src_text)
    return re.search(rf"(?<![\d.,]){digits}(?![\d]|[.,]\d)", flat) is not None


def _check_source(em: _Emitter, seg: Segment, rep: list[Quantity], src: list[Quantity],
                  src_text: str, src_lang: str, lang: str) -> None:
    """Figures of the reprint sentence that disagree with the aligned source sentence."""
    if not src or not rep:
        return
    # 1. Separator leaks the source settles: "1.000 people" for "1.000 personas".
    for q in rep:
        if lang == "en" and "dot-thousands" in q.flags and q.alternatives:
            primary_ok = any(abs(q.value - s.value) <= 1e-9 for s in src)
            thousand = q.alternatives[0]
            confirmed = [s for s in src if abs(s.value - thousand) <= 1e-9 * thousand]
            if confirmed and not primary_ok:
                s = confirmed[0]
                em.add(seg.start + q.start, seg.start + q.end, "major",
                       f"“{q.text}” reads in English as a decimal number, {_fmt(q.value)}, but the source “{s.text}” "
                       f"means {_fmt(thousand)}: the dot is a {language_name(src_lang)} thousands "
                       f"separator copied into English, which writes “{_fmt(thousand)}”.",
                       source_text=s.text, rule="dot-thousands-source",
                       value=q.value, source_value=s.value)
    # 2. Value disagreements, kind by kind, after setting aside every agreeing figure.
    rep_left = [q for q in rep if not _matches(q, src)]
    src_left = [s for s in src if not _matches(s, rep, reprint=False)]
    pairs = []
    for kind in ("percent", "money", "duration", "count", "ordinal", "year"):
        r_kind = [q for q in rep_left if q.kind == kind]
        s_kind = [s for s in src_left if s.kind == kind]
        if len(r_kind) == 1 and len(s_kind) == 1:
            pairs.append((kind, r_kind[0], s_kind[0]))
    if not pairs:
        pairs = _loose_pair(rep_left, src_left)
    for kind, q, s in pairs:
        if (seg.start + q.start, seg.start + q.end) in em.by_span:
            continue
        if _written_in_source(q, src_text):
            continue
        if "count" in (q.kind, s.kind) and not _comparable_counts(q, s, seg.text, src_text):
            continue
        if bool(_SCALE_WORD.search(q.text)) != bool(_SCALE_WORD.search(s.text)):
            continue  # "six million" vs "six autres millions": the scale word came loose
        if kind == "money" and q.unit and s.unit and q.unit != s.unit and "PESO" not in (q.unit, s.unit):
            continue  # converted to another currency: a different value is expected
        if kind == "duration" and (q.seconds is None or s.seconds is None):
            continue
        ratio = _scale_note(q, s)
        em.add(seg.start + q.start, seg.start + q.end, "major",
               f"“{q.text}” states {_describe(q)}, but the source sentence has “{s.text}” "
               f"({_describe(s)}).{ratio} The {_KIND_WORDS[kind]} was changed in translation.",
               source_text=s.text, rule="source-value", kind=kind, value=q.value,
               source_value=s.value, unit=q.unit, source_unit=s.unit)


def _loose_pair(rep_left: list[Quantity], src_left: list[Quantity]) -> list[tuple[str, Quantity, Quantity]]:
    """One leftover figure on each side whose kinds the two parsers may read differently:
    an amount whose currency the source names in words the parser does not know
    ("2,8 Milliarden britische Pfund"), an age ("13-year-old" / "13-Jähriger" / "de 13
    años", or a bare "13" in an apposition). Only when nothing else is left over."""
    if len(rep_left) != 1 or len(src_left) != 1:
        return []
    q, s = rep_left[0], src_left[0]
    kinds = {q.kind, s.kind}
    if kinds == {"money", "count"}:
        count = s if s.kind == "count" else q
        if count.value >= 1000:
            return [("money", q, s)]
    if kinds <= {"duration", "count"} and "count" in kinds:
        dur = q if q.kind == "duration" else s
        if "age" in dur.flags:
            return [("count", q, s)]
    if kinds == {"duration"} and ("age" in q.flags) == ("age" in s.flags) and q.unit == s.unit:
        return [("duration", q, s)]
    return []


def _comparable_counts(q: Quantity, s: Quantity, text: str, src_text: str) -> bool:
    """Whether two bare counts are worth comparing. Not when either measures something
    in units (converted, so the number must change), not when one is spelled out and
    the other in digits (the translator regrouped: "two 18-year-olds" vs "17, 18 et 20
    ans"; machine translation copies digits and slips on words and scales), and not for
    small spelled-out counts ("both" / "the two" / "a pair" are rephrased freely)."""
    if _MEASURE_UNITS.match(text, q.end) or _MEASURE_UNITS.match(src_text, s.end):
        return False
    if re.match(r"[A-Za-z]", text[q.end:q.end + 1]) or re.match(r"[A-Za-z]", src_text[s.end:s.end + 1]):
        return False  # "80s", "6ft": glued to a unit or suffix
    if re.match(r"\s+\d", text[q.end:]) or re.match(r"\s+\d", src_text[s.end:]):
        return False  # "two 18-year-olds": counting things a second figure describes
    if ("word" in q.flags) != ("word" in s.flags):
        return False
    if "word" in q.flags and max(q.value, s.value) <= 2:
        return False
    if min(q.value, s.value) < 2:
        return False  # a lone "1" is a label or a rank ("1-of-4", "phase 1") more than a count
    return True


def _scale_note(q: Quantity, s: Quantity) -> str:
    """Explain the classic scale slips: billion/billón, million/billion."""
    if not q.value or not s.value:
        return ""
    ratio = q.value / s.value
    for factor, words in ((1000.0, "a thousand times"), (0.001, "a thousandth of")):
        if abs(ratio - factor) <= 1e-6 * factor:
            return (f" That is {words} the source figure: a scale word (million, billion, "
                    f"Spanish “billón” = a million million, “mil millones” = a billion) was "
                    f"mistranslated.")
    return ""


def _check_omission(em: _Emitter, seg: Segment, rep: list[Quantity], src_all: list[Quantity],
                    src_lang: str) -> None:
    """A sentence that lost the source's only money/percentage figure and has no figure
    at all: minor, because editors do drop figures on purpose."""
    if rep or re.search(r"\d", seg.text):
        return
    src = [s for s in src_all
           if s.kind in ("money", "percent") and "word" not in s.flags
           and not (s.kind == "percent" and s.value == 100)]  # "à 100 %": "completely"
    if len(src) != 1 or not seg.text.strip():
        return
    s = src[0]
    em.add(seg.start, seg.end, "minor",
           f"The source sentence gives the figure “{s.text}” ({_describe(s)}); this sentence "
           f"gives no figure at all, so the figure was dropped in translation.",
           category="accuracy/omission", source_text=s.text, rule="figure-omitted",
           source_value=s.value)


def run(ctx: CheckContext) -> list[Finding]:
    """Number findings for ``ctx.doc``, compared with the aligned source when there is one."""
    doc = ctx.doc
    em = _Emitter(doc)
    src_lang = ctx.source_language if ctx.source_language in LANGS else None
    for seg in doc.segments:
        lang = _lang(doc, seg)
        quantities = find_quantities(seg.text, lang)
        src_text = ctx.aligned_source_text(seg.index) if src_lang else None
        src: list[Quantity] | None = None
        if src_text and src_lang:
            src = find_quantities(src_text, src_lang)
            _check_source(em, seg, quantities, src, src_text, src_lang, lang)
            _check_omission(em, seg, quantities, src, src_lang)
        _check_leak_text_only(em, seg, quantities, lang, src)
    return em.findings()
