"""A small multilingual number and quantity parser (en, es, fr, de, pt, it).

Translation changes how a figure is *written* far more often than what it *is*:
"2,5 millones de dólares" becomes "US$ 2.5 billion" or "$2.5 million", "siete horas y
media" becomes "seven and a half hours", "media hora" becomes "30-minute". To compare a
reprint's figures with its source we parse both into values with a kind (percent,
money, duration, count, ordinal, year) and, for durations, a unit we can convert.

Separators are the trap: "1.000" is one thousand in Spanish and German but one point
zero in English, and Mexican Spanish writes "1,000" for a thousand. Where a written
number has two plausible readings we return the reading the language's convention
gives as ``value`` and the other one in ``alternatives``, with a flag when the form is
unusual for the language (a locale leak such as "1.000 people" in English).
Numbers inside dates and clock times are skipped: the date grammar owns those.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .dates import LANGS, find_dates
from .tables import read_rows

KINDS: tuple[str, ...] = ("percent", "money", "duration", "count", "ordinal", "year")


@dataclass(frozen=True)
class Quantity:
    """One figure in a text, ``text == source_text[start:end]``.

    ``value`` is the full value (2.5 million -> 2500000.0; durations in their own unit,
    see ``seconds``). ``alternatives`` are other readings of an ambiguous numeral
    ("1.000" in Spanish: 1000, or 1.0 in Mexican usage). ``precision`` is the step of
    the last written digit (2.5 million -> 100000), so rounding can be told from change.
    ``flags``: "dot-thousands" ("1.000" shaped like a thousands group where the language
    uses "."-decimals), "comma-decimal" ("1,5" in English), "word" (spelled out), "age"
    (a duration in years that gives someone's age: "13-year-old", "13-Jähriger").
    """

    start: int
    end: int
    text: str
    lang: str
    kind: str
    value: float
    unit: str | None = None  # currency code, or duration unit ("hour", "year")
    alternatives: tuple[float, ...] = ()
    precision: float = 1.0
    flags: tuple[str, ...] = ()

    @property
    def readings(self) -> tuple[float, ...]:
        return (self.value,) + self.alternatives

    @property
    def seconds(self) -> float | None:
        """A duration in seconds (months of 30 days, years of 365), else None."""
        if self.kind != "duration" or self.unit not in UNIT_SECONDS:
            return None
        return self.value * UNIT_SECONDS[self.unit]


UNIT_SECONDS: dict[str, float] = {
    "second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 7 * 86400,
    "month": 30 * 86400, "year": 365 * 86400, "decade": 3650 * 86400,
}

# ---------------------------------------------------------------------------- tables

_WORDS: dict[str, dict[str, int]] = {
    "en": {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
           "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
           "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
           "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
           "eighty": 80, "ninety": 90, "a": 1, "an": 1},
    "es": {"un": 1, "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
           "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "trece": 13,
           "catorce": 14, "quince": 15, "dieciséis": 16, "diecisiete": 17, "dieciocho": 18,
           "diecinueve": 19, "veinte": 20, "veintiún": 21, "veintiuno": 21, "veintidós": 22,
           "veintitrés": 23, "veinticuatro": 24, "veinticinco": 25, "veintiséis": 26,
           "veintisiete": 27, "veintiocho": 28, "veintinueve": 29, "treinta": 30, "cuarenta": 40,
           "cincuenta": 50, "sesenta": 60, "setenta": 70, "ochenta": 80, "noventa": 90, "cien": 100},
    "fr": {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
           "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14,
           "quinze": 15, "seize": 16, "dix-sept": 17, "dix-huit": 18, "dix-neuf": 19, "vingt": 20,
           "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60, "soixante-dix": 70,
           "quatre-vingts": 80, "quatre-vingt": 80, "quatre-vingt-dix": 90, "cent": 100},
    "de": {"ein": 1, "eine": 1, "einen": 1, "einem": 1, "einer": 1, "eins": 1, "zwei": 2, "drei": 3,
           "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10,
           "elf": 11, "zwölf": 12, "dreizehn": 13, "vierzehn": 14, "fünfzehn": 15, "sechzehn": 16,
           "siebzehn": 17, "achtzehn": 18, "neunzehn": 19, "zwanzig": 20, "dreißig": 30,
           "vierzig": 40, "fünfzig": 50, "sechzig": 60, "siebzig": 70, "achtzig": 80, "neunzig": 90,
           "hundert": 100, "anderthalb": 1},
    "pt": {"um": 1, "uma": 1, "dois": 2, "duas": 2, "três": 3, "quatro": 4, "cinco": 5, "seis": 6,
           "sete": 7, "oito": 8, "nove": 9, "dez": 10, "onze": 11, "doze": 12, "treze": 13,
           "catorze": 14, "quatorze": 14, "quinze": 15, "dezesseis": 16, "dezasseis": 16,
           "dezessete": 17, "dezassete": 17, "dezoito": 18, "dezenove": 19, "dezanove": 19,
           "vinte": 20, "trinta": 30, "quarenta": 40, "cinquenta": 50, "sessenta": 60,
           "setenta": 70, "oitenta": 80, "noventa": 90, "cem": 100},
    "it": {"un": 1, "uno": 1, "una": 1, "due": 2, "tre": 3, "quattro": 4, "cinque": 5, "sei": 6,
           "sette": 7, "otto": 8, "nove": 9, "dieci": 10, "undici": 11, "dodici": 12, "tredici": 13,
           "quattordici": 14, "quindici": 15, "sedici": 16, "diciassette": 17, "diciotto": 18,
           "diciannove": 19, "venti": 20, "trenta": 30, "quaranta": 40, "cinquanta": 50,
           "sessanta": 60, "settanta": 70, "ottanta": 80, "novanta": 90, "cento": 100},
}
# How tens and units join: "twenty-five", "treinta y cinco", "vingt-cinq", "vinte e cinco".
_COMPOUND_JOIN = {"en": r"(?:-|\s)", "es": r"\s+y\s+", "fr": r"(?:-|\s+et\s+)", "pt": r"\s+e\s+",
                  "it": None, "de": None}

_SCALES: dict[str, dict[str, float]] = {
    "en": {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12},
    "es": {"cien": 1e2, "mil millones": 1e9, "mil": 1e3, "millón": 1e6, "millones": 1e6,
           "billón": 1e12, "billones": 1e12},
    "fr": {"cents": 1e2, "cent": 1e2, "mille": 1e3, "million": 1e6, "millions": 1e6,
           "milliard": 1e9, "milliards": 1e9, "billion": 1e12, "billions": 1e12},
    "de": {"hundert": 1e2, "tausend": 1e3, "Mio.": 1e6, "Millionen": 1e6, "Million": 1e6,
           "Mrd.": 1e9, "Milliarden": 1e9, "Milliarde": 1e9, "Billionen": 1e12, "Billion": 1e12},
    "pt": {"mil milhões": 1e9, "mil": 1e3, "milhão": 1e6, "milhões": 1e6, "bilhão": 1e9,
           "bilhões": 1e9, "bilião": 1e12, "biliões": 1e12, "trilhão": 1e12, "trilhões": 1e12},
    "it": {"mila": 1e3, "mille": 1e3, "milione": 1e6, "milioni": 1e6, "miliardo": 1e9,
           "miliardi": 1e9},
}
# English abbreviations that only count as a scale right after a currency figure ("$3bn").
_MONEY_SCALES = {"bn": 1e9, "m": 1e6, "mn": 1e6, "k": 1e3, "tn": 1e12, "trn": 1e12}

_PERCENT: dict[str, str] = {
    "en": r"per\s?cent|percentage\s+points?", "es": r"por\s+ciento|puntos\s+porcentuales",
    "fr": r"pour\s+cent|points\s+de\s+pourcentage", "de": r"Prozent(?:punkte)?",
    "pt": r"por\s+cento|pontos\s+percentuais", "it": r"per\s+cento|punti\s+percentuali",
}

_CURRENCY_PREFIX = re.compile(
    r"(?:(?P<code>USD|EUR|GBP|CNY|RMB|JPY|CHF|BRL|MXN)\s?|(?P<sym>US\s?\$|U\.S\.\s?\$|R\$|C\$|A\$|HK\$|\$|€|£|¥)\s?)$"
)
_SYMBOL_CODE = {"US$": "USD", "U.S.$": "USD", "$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY",
                "R$": "BRL", "C$": "CAD", "A$": "AUD", "HK$": "HKD", "RMB": "CNY"}
_CURRENCY_WORDS: dict[str, str] = {
    # word (lower case, as it follows a figure) -> code; "$"-dollars are all "USD" here:
    # a dollar/peso mix-up is not something a figure comparison can settle.
    "dollars": "USD", "dollar": "USD", "dólares": "USD", "dólar": "USD", "dollari": "USD",
    "euros": "EUR", "euro": "EUR", "pounds": "GBP", "pound": "GBP", "libras": "GBP",
    "livres": "GBP", "pfund": "GBP", "sterline": "GBP", "yuan": "CNY", "yuanes": "CNY",
    "yuans": "CNY", "renminbi": "CNY", "yen": "JPY", "yenes": "JPY", "yens": "JPY", "ienes": "JPY",
    "pesos": "PESO", "reais": "BRL", "rubles": "RUB", "roubles": "RUB", "rublos": "RUB",
    "rubel": "RUB", "rubli": "RUB", "rupees": "INR", "rupias": "INR", "€": "EUR", "$": "USD",
    "£": "GBP", "usd": "USD", "eur": "EUR", "gbp": "GBP", "cny": "CNY", "jpy": "JPY",
}

_DURATION: dict[str, dict[str, str]] = {
    "en": {"second": "second", "seconds": "second", "minute": "minute", "minutes": "minute",
           "hour": "hour", "hours": "hour", "day": "day", "days": "day", "week": "week",
           "weeks": "week", "month": "month", "months": "month", "year": "year", "years": "year",
           "decade": "decade", "decades": "decade"},
    "es": {"segundo": "second", "segundos": "second", "minuto": "minute", "minutos": "minute",
           "hora": "hour", "horas": "hour", "día": "day", "días": "day", "dia": "day", "dias": "day",
           "semana": "week", "semanas": "week", "mes": "month", "meses": "month", "año": "year",
           "años": "year", "década": "decade", "décadas": "decade"},
    "fr": {"seconde": "second", "secondes": "second", "minute": "minute", "minutes": "minute",
           "heure": "hour", "heures": "hour", "jour": "day", "jours": "day", "journée": "day",
           "journées": "day", "semaine": "week", "semaines": "week", "mois": "month", "an": "year",
           "ans": "year", "année": "year", "années": "year", "décennie": "decade",
           "décennies": "decade"},
    "de": {"sekunde": "second", "sekunden": "second", "minute": "minute", "minuten": "minute",
           "stunde": "hour", "stunden": "hour", "tag": "day", "tage": "day", "tagen": "day",
           "woche": "week", "wochen": "week", "monat": "month", "monate": "month",
           "monaten": "month", "jahr": "year", "jahre": "year", "jahren": "year",
           "jahrzehnt": "decade", "jahrzehnte": "decade", "jahrzehnten": "decade"},
    "pt": {"segundo": "second", "segundos": "second", "minuto": "minute", "minutos": "minute",
           "hora": "hour", "horas": "hour", "dia": "day", "dias": "day", "semana": "week",
           "semanas": "week", "mês": "month", "meses": "month", "ano": "year", "anos": "year",
           "década": "decade", "décadas": "decade"},
    "it": {"secondo": "second", "secondi": "second", "minuto": "minute", "minuti": "minute",
           "ora": "hour", "ore": "hour", "giorno": "day", "giorni": "day", "settimana": "week",
           "settimane": "week", "mese": "month", "mesi": "month", "anno": "year", "anni": "year",
           "decennio": "decade", "decenni": "decade"},
}
# "... y media": a half added after the unit.
_HALF_AFTER_UNIT = {"es": r"\s+y\s+medi[ao]", "fr": r"\s+et\s+demie?", "pt": r"\s+e\s+mei[ao]",
                    "it": r"\s+e\s+mezz[ao]", "en": r"\s+and\s+a\s+half", "de": None}
_HALF_BEFORE_NUMBER_UNIT = {"en": r"(?:\s+|-)and(?:\s+|-)a(?:\s+|-)half", "de": r"einhalb"}
# "half an hour", "media hora", "une demi-heure", "eine halbe Stunde", "meia hora", "mezz'ora".
_HALF_UNIT = {
    "en": r"\bhalf[\s-](?:an?\s+)?(?P<u>hour|day|year|minute|month|century)\b",
    "es": r"\b(?:media|medio)\s+(?P<u>hora|día|año|minuto|mes)\b",
    "fr": r"\b(?:une\s+)?demi-(?P<u>heure|journée|jour|année|minute)\b",
    "de": r"\b(?:eine[nr]?\s+)?halbe[nr]?\s+(?P<u>Stunde|Minute|Jahr|Tag)\b",
    "pt": r"\b(?:meia|meio)\s+(?P<u>hora|dia|ano|minuto|mês)\b",
    "it": r"\b(?:mezz'|mezza\s+|mezzo\s+)(?P<u>ora|giornata|anno|minuto)\b",
}

_ORDINAL_SUFFIX = {"en": r"(?:st|nd|rd|th)\b", "es": r"(?:\.?[ºª°]|\.?[oa]\b)", "pt": r"(?:\.?[ºª°])",
                   "fr": r"(?:er|re|e|ème|ᵉ)\b", "it": r"(?:[ºª°])", "de": None}

# Clock times: the date grammar and time formats own these digits. A dotted "1.05" or a
# preposition such as French "à" or German "um" makes a time only with a time marker
# ("à 1,6 million", "um 10 Prozent" and "1.05 million" are figures).
_TIME_MARK = r"(?:a\.?m\.?|p\.?m\.?|h\b|Uhr\b|horas?\b|heures?\b|o'clock)"
_TIMES = re.compile(
    rf"\b\d{{1,2}}[:h]\d{{2}}\b(?:\s*{_TIME_MARK})?"
    rf"|\b\d{{1,2}}\.\d{{2}}\s*{_TIME_MARK}"
    r"|\b\d{1,2}\s*(?:a\.m\.|p\.m\.|am\b|pm\b|Uhr\b|o'clock)"
    r"|\b(?:a\s+las|a\s+la|às)\s+\d{1,2}(?:[:.h]\d{2})?(?:\s*(?:horas?\b|h\b))?"
    rf"|\b(?:à|as|um|alle|ore|las)\s+\d{{1,2}}(?:[:.h]\d{{2}})?\s*{_TIME_MARK}",
    re.IGNORECASE,
)

_DIGITS = (
    r"(?<![A-Za-z]-)(?<![\w.,/:-])"
    r"(?P<digits>\d{1,3}(?:(?:,\d{3})+|(?:\.\d{3})+|(?:[\u00a0\u202f\u2009]\d{3})+|(?: \d{3})+(?=\s|$|[^\d\s]))(?:[.,]\d+)?"
    r"|\d+(?:[.,]\d+)?)"
    r"(?![\d])(?![.,]\d)"
    # Not scores, ranges or fractions ("4-1", "10-15", "24/7", "03/16"): a change there
    # is rarely a translation error and the parts are not quantities on their own.
    r"(?!\s?[-–/:]\s?\d)"
)


def _lang(lang: str | None) -> str:
    code = (lang or "en").lower().split("-")[0].split("_")[0]
    return code if code in LANGS else "en"


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=None)
def _core_regex(lang: str) -> re.Pattern[str]:
    words = _WORDS[lang]
    word = _alt(words)
    join = _COMPOUND_JOIN[lang]
    tens = _alt([w for w, v in words.items() if v >= 20 and v % 10 == 0 and v < 100])
    units = _alt([w for w, v in words.items() if 1 <= v <= 9])
    parts = []
    if join:
        parts.append(rf"(?:{tens}){join}(?:{units})")
    if lang == "de":  # fünfundzwanzig
        parts.append(rf"(?:{units})und(?:{tens})")
    parts.append(word)
    half = r"(?:einhalb)?" if lang == "de" else ""
    words_re = rf"\b(?P<words>(?:{'|'.join(parts)}){half})\b"
    # Space-grouped thousands ("1 000") only where the language writes them so: French,
    # and the RAE/Portuguese/DIN norms for Spanish, Portuguese and German; not English.
    digits = _DIGITS if lang != "en" else _DIGITS.replace(r"|(?: \d{3})+(?=\s|$|[^\d\s])", "")
    return re.compile(rf"{digits}|{words_re}", re.IGNORECASE)


@lru_cache(maxsize=None)
def _after_regexes(lang: str) -> dict[str, re.Pattern[str]]:
    scales = dict(_SCALES[lang])
    conn = {"es": r"(?:\s+de)?", "pt": r"(?:\s+de)?", "fr": r"(?:\s+(?:de|d'|d’)\s*)?", "it": r"(?:\s+di)?",
            "en": r"", "de": r""}[lang]
    cur_words = _alt(_CURRENCY_WORDS)
    dur = _alt(_DURATION[lang])
    half_before = _HALF_BEFORE_NUMBER_UNIT.get(lang)
    return {
        "half": re.compile(rf"(?:{half_before})(?=\s|-|$)" if half_before and lang == "en" else r"(?!x)x",
                           re.IGNORECASE),
        "en_half_hyphen": re.compile(r"-and-a-half-", re.IGNORECASE),
        "scale": re.compile(rf"(?:\s+|-)(?P<s>{_alt(scales)})(?![\w])", 0 if lang == "de" else re.IGNORECASE),
        "money_scale": re.compile(rf"\s?(?P<s>{_alt(_MONEY_SCALES)})\b"),
        "currency": re.compile(rf"{conn}\s*(?P<c>{cur_words})(?![\w])", re.IGNORECASE),
        "percent": re.compile(rf"\s?(?P<p>%|(?:{_PERCENT[lang]})\b)", re.IGNORECASE),
        "duration": re.compile(rf"(?:\s+|-)(?P<u>{dur})(?![\w])(?P<old>-old|\s+old\b|\s+de\s+edad\b|\s+de\s+idade\b)?",
                               re.IGNORECASE),
        "age": re.compile(r"(?:-|\s)?(?:Jährige[nmrs]?|jährige[nmrs]?|Jahre\s+alte[nmrs]?)(?![\w])"
                          if lang == "de" else r"(?!x)x"),
        "half_after": re.compile(_HALF_AFTER_UNIT[lang] or r"(?!x)x", re.IGNORECASE),
        "ordinal": re.compile(_ORDINAL_SUFFIX[lang] or r"(?!x)x"),
        "half_unit": re.compile(_HALF_UNIT[lang], re.IGNORECASE),
    }


def _digit_value(s: str, lang: str) -> tuple[float, tuple[float, ...], float, tuple[str, ...]]:
    """Value, alternative readings, precision and flags of a digit string."""
    s = re.sub(r"[\u00a0\u202f\u2009 ]", "", s)
    dot_decimal = lang == "en"
    flags: list[str] = []
    alts: list[float] = []

    def as_float(intpart: str, frac: str) -> tuple[float, float]:
        value = float(intpart.replace(",", "").replace(".", "") + ("." + frac if frac else ""))
        return value, (10.0 ** -len(frac) if frac else _int_precision(intpart))

    if "," in s and "." in s:
        dec = "," if s.rfind(",") > s.rfind(".") else "."
        head, frac = s.rsplit(dec, 1)
        value, prec = as_float(head, frac)
        if dot_decimal and dec == ",":
            flags.append("comma-decimal")
        return value, (), prec, tuple(flags)
    sep = "," if "," in s else "." if "." in s else None
    if sep is None:
        value, prec = as_float(s, "")
        return value, (), prec, ()
    groups = s.split(sep)
    thousands_shape = len(groups[0]) <= 3 and groups[0] != "0" and all(len(g) == 3 for g in groups[1:])
    if len(groups) > 2:
        value, prec = as_float(s, "")  # several separators: thousands whatever the language
        if thousands_shape and dot_decimal and sep == ".":
            flags.append("dot-thousands")
        return value, (), prec, tuple(flags)
    head, frac = groups
    decimal_value, decimal_prec = as_float(head, frac)
    thousand_value, thousand_prec = as_float(head + frac, "")
    native_decimal = (sep == ".") == dot_decimal
    if not thousands_shape:
        if not native_decimal and sep == ",":
            if dot_decimal:
                flags.append("comma-decimal")
        return decimal_value, (), decimal_prec, tuple(flags)
    if dot_decimal:
        if sep == ",":
            return thousand_value, (), thousand_prec, ()
        flags.append("dot-thousands")
        return decimal_value, (thousand_value,), decimal_prec, tuple(flags)
    # "."-thousands languages; Latin American Spanish also writes "1,000" and "2.5".
    if sep == ".":
        return thousand_value, (decimal_value,), thousand_prec, ()
    return thousand_value, (decimal_value,), thousand_prec, ()


def _int_precision(intpart: str) -> float:
    digits = re.sub(r"\D", "", intpart)
    zeros = len(digits) - len(digits.rstrip("0")) if digits.strip("0") else 0
    return 10.0 ** zeros


def _word_value(w: str, lang: str) -> float:
    table = {k.lower(): v for k, v in _WORDS[lang].items()}
    w = w.lower()
    half = 0.0
    if lang == "de" and w.endswith("einhalb") and w != "einhalb":
        w, half = w[: -len("einhalb")], 0.5
        if w == "ein":
            return 1.5
    if w == "anderthalb":
        return 1.5
    if w in table:
        return table[w] + half
    if lang == "de" and "und" in w:
        u, t = w.split("und", 1)
        return table.get(u, 0) + table.get(t, 0) + half
    parts = re.split(r"-|\s+(?:y|e|et)\s+|\s+", w)
    return float(sum(table.get(p, 0) for p in parts)) + half


# How the pieces of a spelled-out number join. German and Italian glue them into one word.
_PIECE_JOIN = {"en": r"(?:-|\s+and\s+|\s+)", "es": r"(?:\s+y\s+|\s+)", "pt": r"(?:\s+e\s+|\s+)",
               "fr": r"(?:-|\s+et\s+|\s+)", "de": "", "it": ""}


@lru_cache(maxsize=None)
def _compound_regex(lang: str) -> re.Pattern[str]:
    """Two or more number pieces in a row (models/text/number-words.tsv): candidates for text2num.

    "mil" before "millones"/"milhões" is left to the scale rules ("dos mil millones" is 2e9).
    """
    pieces = sorted({w for lg, w in read_rows("number-words.tsv", 2) if lg == lang}, key=len, reverse=True)
    alt = "|".join(re.escape(p) + (r"(?!\s+mil[lh])" if p == "mil" else "") for p in pieces)
    join = _PIECE_JOIN[lang]
    return re.compile(rf"\b(?:{alt}){join}(?:(?:{alt}){join})*(?:{alt})\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def _text2num():
    """text2num's ``text2num`` (a pinned dependency; it reads compound number words)."""
    from text_to_num import text2num

    return text2num


def _compound_value(words: str, lang: str) -> float | None:
    """Value of spelled-out number pieces, by text2num; None when they are no one number."""
    try:
        value = _text2num()(" ".join(words.split()), lang)
    except ValueError:
        return None
    return float(value)


def _masked(text: str, lang: str) -> list[tuple[int, int]]:
    spans = [(m.start, m.end) for m in find_dates(text, lang) if m.month is not None]
    spans += [(m.start(), m.end()) for m in _TIMES.finditer(text)]
    return spans


def find_quantities(text: str, lang: str) -> list[Quantity]:
    """Every figure in ``text`` (language ``lang``) with its value, kind and unit.

    Spelled-out "one"/"a"/"un" only count with a scale or a half ("a million", "an hour
    and a half"): as bare words they are articles far more often than figures.
    """
    lang = _lang(lang)
    after = _after_regexes(lang)
    masked = _masked(text, lang)
    taken: list[tuple[int, int]] = []
    out: list[Quantity] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in masked + taken)

    def emit(q: Quantity) -> None:
        out.append(q)
        taken.append((q.start, q.end))

    for m in after["half_unit"].finditer(text):
        if free(m.start(), m.end()):
            unit = _unit(lang, m.group("u"))
            emit(Quantity(m.start(), m.end(), m.group(), lang, "duration", 0.5, unit,
                          precision=0.5, flags=("word",)))
    # Compound number words first ("three hundred and forty-five", "quatre-vingt-dix-neuf",
    # "zweihundertfünfzig"): text2num reads them better than word sums (bench_numbers.py).
    for m in _compound_regex(lang).finditer(text):
        if not free(m.start(), m.end()):
            continue
        value = _compound_value(m.group(), lang)
        if value is None:
            continue
        q = _quantity_at(text, m.start(), m.end(), None, value, lang, after)
        if q is not None and free(q.start, q.end):
            emit(q)
    for m in _core_regex(lang).finditer(text):
        if not free(m.start(), m.end()):
            continue
        q = _quantity(text, m, lang, after)
        if q is not None and free(q.start, q.end):
            emit(q)
    out.sort(key=lambda q: q.start)
    return out


def _unit(lang: str, word: str) -> str:
    table = _DURATION[lang]
    w = word.lower()
    if w in table:
        return table[w]
    return {"giornata": "day", "century": "century"}.get(w, table.get(w.rstrip("s"), "unknown"))


def _quantity(text: str, m: re.Match[str], lang: str, after: dict[str, re.Pattern[str]]) -> Quantity | None:
    if m.group("digits"):
        return _quantity_at(text, m.start(), m.end(), m.group("digits"), None, lang, after)
    return _quantity_at(text, m.start(), m.end(), None, _word_value(m.group("words"), lang), lang, after)


def _quantity_at(text: str, start: int, end: int, digits: str | None, word_value: float | None, lang: str,
                 after: dict[str, re.Pattern[str]]) -> Quantity | None:
    """The figure written at ``text[start:end]`` (digits, or words worth ``word_value``)
    with what follows it: a half, a scale, a currency, a percent sign, a unit."""
    flags: list[str] = []
    alts: tuple[float, ...] = ()
    if digits:
        value, alts, prec, f = _digit_value(digits, lang)
        flags += f
        is_word = False
    else:
        value = float(word_value or 0.0)
        prec, is_word = 1.0, True
        flags.append("word")
    half = False
    if (h := after["half"].match(text, end)) or (h := after["en_half_hyphen"].match(text, end)):
        value += 0.5
        half = True
        end = h.end() if not h.group().endswith("-") else h.end() - 1
    elif is_word and value % 1:
        half = True
    scale = 1.0
    if sm := after["scale"].match(text, end):
        scale = _scale_value(lang, sm.group("s"))
        end = sm.end()
    kind, unit = "count", None
    # Currency before the figure ("US$ 2.5 billion", "€15").
    pre = _CURRENCY_PREFIX.search(text[max(0, start - 8):start])
    if pre is not None:
        kind = "money"
        token = (pre.group("code") or pre.group("sym")).replace(" ", "")
        unit = _SYMBOL_CODE.get(token, token)
        start -= len(pre.group())
        if scale == 1.0 and (ms := after["money_scale"].match(text, end)):
            scale = _MONEY_SCALES[ms.group("s")]
            end = ms.end()
    if kind == "count" and (c := after["currency"].match(text, end)):
        kind, unit = "money", _CURRENCY_WORDS[c.group("c").lower()]
        end = c.end()
    if kind == "count" and (p := after["percent"].match(text, end)):
        kind = "percent"
        end = p.end()
    if kind == "count" and scale == 1.0 and (d := after["duration"].match(text, end)):
        kind, unit = "duration", _unit(lang, d.group("u"))
        end = d.end()
        if ha := after["half_after"].match(text, end):
            value += 0.5
            half = True
            end = ha.end()
        if d.group("old"):
            end = d.end()
            flags.append("age")
    if kind == "count" and scale == 1.0 and (a := after["age"].match(text, end)):
        kind, unit = "duration", "year"  # "13-Jähriger": a 13-year-old
        end = a.end()
        flags.append("age")
    if kind == "count" and not is_word and not alts and (o := after["ordinal"].match(text, end)):
        kind = "ordinal"
        end = o.end()
    if is_word and value == 1 and scale == 1.0 and not half:
        return None  # an article, not a figure
    if is_word and kind == "count" and value * scale < 2:
        return None
    value *= scale
    prec *= scale
    alts = tuple(a * scale for a in alts)
    if kind == "count" and not is_word and scale == 1.0 and not alts and value.is_integer() \
            and 1800 <= value <= 2099 and re.fullmatch(r"\d{4}", digits or ""):
        kind = "year"
    if half:
        prec = min(prec, 0.5 * scale)
    return Quantity(start, end, text[start:end], lang, kind, value, unit, alts, prec, tuple(flags))


def _scale_value(lang: str, word: str) -> float:
    for k, v in _SCALES[lang].items():
        if k.lower() == word.lower():
            return v
    return 1.0


def same_value(a: Quantity, b: Quantity) -> bool:
    """Whether two figures state the same amount, allowing for rounding and for either
    reading of an ambiguous numeral. Durations compare in seconds (30-minute == media hora)."""
    if a.kind == "duration" and b.kind == "duration":
        sa, sb = a.seconds, b.seconds
        if sa is None or sb is None:
            return a.unit == b.unit and _close(a.value, b.value, max(a.precision, b.precision))
        scale_a = UNIT_SECONDS[a.unit]  # type: ignore[index]
        scale_b = UNIT_SECONDS[b.unit]  # type: ignore[index]
        tol = max(a.precision * scale_a, b.precision * scale_b, 0.03 * max(sa, sb))
        return _close(sa, sb, tol)
    prec = max(a.precision, b.precision)
    return any(_close(x, y, prec) for x in a.readings for y in b.readings)


def _close(x: float, y: float, precision: float) -> bool:
    """Equal up to the coarser written precision (2.46 ~ 2.5, 6,950 ~ "about 7,000")."""
    if x == y:
        return True
    big = max(abs(x), abs(y))
    # Rounding to the written precision, but never more than 5 %: "1,000" is no
    # rounding of "1,400".
    return abs(x - y) <= max(min(precision / 2.0, 0.05 * big), 1e-9 * big)
