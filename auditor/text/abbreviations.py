"""Abbreviation, month and sentence-starter tables for the rule-based sentence splitter.

The tables are data (``models/text/abbreviations.tsv``, ``sentence-starters.tsv``,
``elisions.tsv``, ``months.tsv``, ``speech-verbs.txt``; see ``models/text/README.md``);
this module loads them and says how the splitter reads them. A period after an
abbreviation is ambiguous in different ways, so each abbreviation carries a *class*
that tells :mod:`auditor.text.segment` how to decide:

``TITLE``     never ends a sentence: "Mr.", "Sra.", "Gen.", French "M.", German "Dr. med."
              (a name follows).
``INNER``     never ends a sentence: "e.g.", "z. B.", "p. ej.", "bzw.", "vs.", "ca.",
              German adjectives before a (capitalised) noun: "eine kath. Schule".
``NUMERIC``   usually precedes a number: "No. 5", "Nr. 3", "art. 12", "p. 4", "Rs. 500";
              before a number it is no break, before a word it is a normal full stop
              (Spanish "No." is also the one-word sentence "No.").
``AMBIGUOUS`` often sits mid-sentence before a capitalised word ("U.S. State
              Department", "Acme Corp. chief", "Jan. 5") but may end a sentence
              ("... in the U.S. The ..."): a break only when the next word is a
              typical sentence starter (the starters table).
``TERMINAL``  usually ends a list and so the sentence ("etc.", "usw."): a break before
              any capitalised word.
``TIME``      "a.m.", "p.m.": inside a sentence a clock time is followed by a time zone,
              a weekday or a month ("6 a.m. ET", "7 p.m. Monday"); before any other
              capitalised word it ends the sentence ("left at 6 a.m. Travelers ...").

Keys are lower-case with spaces and the final period removed, so "z. B." and "z.B."
share the key ``"z.b"``. Rows with language ``*`` apply to every language (titles and
abbreviations that English-language names and wire copy carry everywhere). Unknown
languages get the union of all tables, which errs towards fewer breaks.
"""

from __future__ import annotations

from functools import lru_cache

from .tables import read_rows

TITLE = "title"
INNER = "inner"
NUMERIC = "numeric"
AMBIGUOUS = "ambiguous"
TERMINAL = "terminal"
TIME = "time"
_CLASSES = frozenset({TITLE, INNER, NUMERIC, AMBIGUOUS, TERMINAL, TIME})


def normalize_key(token: str) -> str:
    """Lookup key of an abbreviation token: lower case, no spaces, no final period."""
    return token.replace(" ", "").lower().rstrip(".")


@lru_cache(maxsize=1)
def _by_lang() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for lang, cls, word in read_rows("abbreviations.tsv", 3):
        if cls not in _CLASSES:
            raise RuntimeError(f"models/text/abbreviations.tsv: unknown class {cls!r} for {word!r}")
        out.setdefault(lang, {})[normalize_key(word)] = cls
    return out


@lru_cache(maxsize=64)
def abbreviations_for(lang: str) -> dict[str, str]:
    """The abbreviation table for ``lang`` (the ``*`` rows plus the language's own).

    Languages without a table get the union of all tables: a missed break costs less
    downstream (the aligner can join) than a sentence cut after "Dr.".
    """
    tables = _by_lang()
    table = dict(tables.get("*", {}))
    if lang in tables and lang != "*":
        table.update(tables[lang])
    else:
        for lg, t in tables.items():
            if lg == "*":
                continue
            for k, v in t.items():
                table.setdefault(k, v)
    return table


@lru_cache(maxsize=1)
def _starters() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for lang, word in read_rows("sentence-starters.tsv", 2):
        out.setdefault(lang, set()).add(word)
    return {k: frozenset(v) for k, v in out.items()}


@lru_cache(maxsize=64)
def starters_for(lang: str) -> frozenset[str]:
    """Capitalised words that typically open a sentence in ``lang`` (English always included).

    English is always added because wire copy quoted in any language keeps English
    names and acronyms ("U.S."), and English starters rarely collide with mid-sentence
    capitalised words in the other languages.
    """
    table = _starters()
    if lang in table:
        return table[lang] | table["en"]
    out: frozenset[str] = frozenset()
    for s in table.values():
        out |= s
    return out


@lru_cache(maxsize=64)
def elisions_for(lang: str) -> frozenset[str]:
    """Elided articles/prepositions ("l", "dell", "qu") of ``lang``; all of them when unknown."""
    rows = read_rows("elisions.tsv", 2)
    langs = {lg for lg, _ in rows}
    return frozenset(p for lg, p in rows if lg == lang or lang not in langs)


@lru_cache(maxsize=1)
def months() -> frozenset[str]:
    """Full month names of every language, lower case ("june", "juni", "junio").

    Abbreviated forms are left out: after "19." the splitter only keeps a sentence
    together before a written-out month name.
    """
    return frozenset(name.lower() for _, _, name in read_rows("months.tsv", 3) if not name.endswith("."))


@lru_cache(maxsize=1)
def time_followers() -> frozenset[str]:
    """Capitalised words that continue a sentence after "a.m."/"p.m.": time zones,
    weekday and month names of every language."""
    words = {w for (w,) in read_rows("time-followers.txt", 1)}
    words |= {name for _, _, name in read_rows("weekdays.tsv", 3)}
    words |= {name.rstrip(".") for _, _, name in read_rows("months.tsv", 3)}
    return frozenset(words | {w.capitalize() for w in words})


@lru_cache(maxsize=1)
def speech_verbs() -> frozenset[str]:
    """Verbs of saying that, after 1-4 capitalised words, turn a quotation into the first
    half of its own sentence: '"Are you ready?" CNN reported.' is one sentence."""
    return frozenset(w for (w,) in read_rows("speech-verbs.txt", 1))


def __getattr__(name: str):
    # Old constant names, read lazily from the tables.
    if name == "MONTHS":
        return months()
    if name == "SPEECH_VERBS":
        return speech_verbs()
    raise AttributeError(name)
