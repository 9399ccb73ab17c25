"""The corruptions of :mod:`auditor.qe.synth`: each edits a draft translation in place.

Every function takes the draft (text plus error marks, kept in step through every edit)
and the context (source, languages, tables, seeded random generator, the document's
names), applies one error of its type where one fits and returns True, or returns False
and changes nothing. Marks are the character spans whose words become BAD; source
spans are recorded only where the source words are known.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from .synth_edits import clause_bounds, find_phrase, fold, match_case, word_spans
from .synth_tables import LANGS, SynthTables

ERROR_TYPES: tuple[str, ...] = (
    "number", "date", "month", "name", "negation", "omission", "duplication", "wrong_sense", "false_friend",
    "untranslated", "sentence_break", "pronoun",
)
_NUM = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?![\w])")
_SRC_NUM = re.compile(r"(?<!\d)\d+(?:[.,]\d+)*(?!\d)")  # a source number may touch CJK characters
_DATE = re.compile(r"(?<!\d)(\d{1,2})([./-])(\d{1,2})\2(\d{2,4})(?!\d)")
_TOKEN = re.compile(r"[^\W\d_][\w'’-]*")
Span = tuple[int, int]


@dataclass(frozen=True)
class InjectedError:
    """One corruption: its type and severity, its spans in the MT and in the source."""

    type: str
    severity: str
    mt_spans: tuple[Span, ...]
    src_spans: tuple[Span, ...] = ()
    dropped_words: int = 0  # omission only: words removed


class Draft:
    """The MT being corrupted: text plus error marks, kept in step through every edit."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.marks: list[list[int]] = []  # [start, end, error index]

    def free(self, s: int, e: int) -> bool:
        """No existing mark within one character of [s, e)."""
        return all(e + 1 <= ms or me + 1 <= s for ms, me, _ in self.marks)

    def replace(self, s: int, e: int, new: str) -> None:
        delta = len(new) - (e - s)
        self.text = self.text[:s] + new + self.text[e:]
        for m in self.marks:
            if m[0] >= e:
                m[0] += delta
                m[1] += delta

    def mark(self, s: int, e: int, err: int) -> None:
        if e > s:
            self.marks.append([s, e, err])


@dataclass
class Context:
    src: str
    src_lang: str
    tgt_lang: str
    tables: SynthTables
    rng: random.Random
    doc_names: tuple[str, ...]
    errors: list[InjectedError]

    def add(self, etype: str, src_spans: tuple[Span, ...] = (), dropped: int = 0) -> int:
        sev = self.tables.severity[etype].severity
        self.errors.append(InjectedError(etype, sev, (), tuple(src_spans), dropped))
        return len(self.errors) - 1


def _src_find(ctx: Context, phrases, prefix: bool = True) -> tuple[Span, ...]:
    """First occurrence in the source of any of ``phrases`` (accent/case-folded), or ()."""
    hits = sorted(h for p in phrases for h in find_phrase(ctx.src, p, suffix=3 if prefix else 0))
    return (hits[0],) if hits else ()


# ------------------------------------------------------------------ corruptions


def _digits(text: str) -> str:
    """The digits of a number as ASCII ("３,500" -> "3500"): separators differ by language."""
    return "".join(str(unicodedata.digit(ch)) for ch in text if ch.isdigit())


def _number(d: Draft, c: Context) -> bool:
    cands = [m for m in _NUM.finditer(d.text) if d.free(m.start(), m.end())]
    if not cands:
        return False
    m = c.rng.choice(cands)
    old = m.group()
    digits = [i for i, ch in enumerate(old) if ch.isdigit()]
    if len(old) == 4 and old.isdigit() and 1900 <= int(old) <= 2099:
        new = str(int(old) + c.rng.choice([-3, -2, -1, 1, 2, 10]))
    else:
        i = c.rng.choice(digits)
        choices = [ch for ch in "0123456789" if ch != old[i] and not (ch == "0" and i == digits[0] and len(digits) > 1)]
        new = old[:i] + c.rng.choice(choices) + old[i + 1:]
    plain = _digits(old)
    src = tuple((n.start(), n.end()) for n in _SRC_NUM.finditer(c.src) if _digits(n.group()) == plain)[:1]
    err = c.add("number", src)
    d.replace(m.start(), m.end(), new)
    d.mark(m.start(), m.start() + len(new), err)
    return True


def _date(d: Draft, c: Context) -> bool:
    cands = [m for m in _DATE.finditer(d.text) if m.group(1) != m.group(3) and int(m.group(1)) <= 12
             and int(m.group(3)) <= 12 and d.free(m.start(), m.end())]
    if not cands:
        return False
    m = c.rng.choice(cands)
    new = f"{m.group(3)}{m.group(2)}{m.group(1)}{m.group(2)}{m.group(4)}"
    src = tuple((n.start(), n.end()) for n in _DATE.finditer(c.src)
                if {n.group(1).lstrip("0"), n.group(3).lstrip("0")} == {m.group(1).lstrip("0"), m.group(3).lstrip("0")})[:1]
    err = c.add("date", src)
    d.replace(m.start(), m.end(), new)
    d.mark(m.start(), m.start() + len(new), err)
    return True


def _month(d: Draft, c: Context) -> bool:
    t = c.tables.langs[c.tgt_lang]
    exact = c.tgt_lang in ("en", "de")  # "May"/"may", "März" only capitalised
    cands = []
    for idx, forms in enumerate(t.months):
        for form in forms:
            for s, e in find_phrase(d.text, form, exact_case=exact):
                if d.free(s, e):
                    cands.append((s, e, idx))
    if not cands:
        return False
    s, e, idx = c.rng.choice(cands)
    other = c.rng.choice([i for i in range(12) if i != idx])
    new = match_case(d.text[s:e], t.months[other][0])
    src_t = c.tables.langs.get(c.src_lang)
    src = _src_find(c, src_t.months[idx], prefix=False) if src_t else ()
    err = c.add("month", src)
    d.replace(s, e, new)
    d.mark(s, s + len(new), err)
    return True


def _capital_runs(text: str) -> list[list[Span]]:
    """Runs of capitalised words, one space apart, as lists of token spans."""
    runs: list[list[Span]] = []
    for m in _TOKEN.finditer(text):
        if not m.group()[0].isupper():
            continue
        if runs and text[runs[-1][-1][1]:m.start()] == " ":
            runs[-1].append((m.start(), m.end()))
        else:
            runs.append([(m.start(), m.end())])
    return runs


def _name_spans(src: str, mt: str) -> list[Span]:
    """Names of ``mt``: the longest stretches of capitalised runs copied verbatim from
    ``src`` that do not start a sentence ("President Pedro Sánchez" gives "Pedro Sánchez")."""
    out = []
    for run in _capital_runs(mt):
        i = 0
        while i < len(run):
            best = None
            for j in range(len(run), i, -1):
                s, e = run[i][0], run[j - 1][1]
                before = mt[:s].rstrip()
                if e - s >= 3 and before and before[-1] not in ".!?:\"«“(" and \
                        re.search(rf"(?<!\w){re.escape(mt[s:e])}(?!\w)", src):
                    best = (j, (s, e))
                    break
            if best:
                out.append(best[1])
                i = best[0]
            else:
                i += 1
    return out


def names_in(src: str, mt: str) -> list[str]:
    """The names of a segment (see :func:`_name_spans`), for a document's name pool."""
    return [mt[s:e] for s, e in _name_spans(src, mt)]


def _name(d: Draft, c: Context) -> bool:
    cands = [(s, e) for s, e in _name_spans(c.src, d.text) if d.free(s, e)]
    if not cands:
        return False
    s, e = c.rng.choice(cands)
    old = d.text[s:e]
    pool = [n for n in c.doc_names if n != old and n not in c.src and old not in n]
    if not pool:
        pool = [n for n, _ in c.tables.names if n != old and n not in c.src]
    new = c.rng.choice(pool)
    if new.startswith("the ") and d.text[:s].rstrip().lower().endswith(("the", "la", "le", "el", "die", "der", "o", "a")):
        new = new[4:]
    src = tuple((m.start(), m.end()) for m in re.finditer(rf"(?<!\w){re.escape(old)}(?!\w)", c.src))[:1]
    err = c.add("name", src)
    d.replace(s, e, new)
    d.mark(s, s + len(new), err)
    return True


def _tokens(d: Draft, words) -> list[Span]:
    low = {w.lower() for w in words}
    return [(m.start(), m.end()) for m in _TOKEN.finditer(d.text) if m.group().lower() in low and d.free(m.start(), m.end())]


def _one_src(c: Context, words) -> tuple[Span, ...]:
    """The source span of the only one of ``words`` in the source (() if none or several)."""
    hits = [h for w in words for h in find_phrase(c.src, w, accents=True)]
    return (hits[0],) if len(hits) == 1 else ()


def _negation(d: Draft, c: Context) -> bool:
    neg = c.tables.langs[c.tgt_lang].negation
    src_t = c.tables.langs.get(c.src_lang)
    src_neg = (set(src_t.negation.remove) | set(src_t.negation.replace)) if src_t else set()
    options = []
    repl = _tokens(d, neg.replace)
    if repl:
        options.append("replace")
    rem = _tokens(d, neg.remove)
    if rem:
        options.append("remove")
    verbs = _tokens(d, neg.verbs)
    if verbs and not rem:
        options.append("insert")
    if not options:
        return False
    how = c.rng.choice(options)
    if how == "replace":
        s, e = c.rng.choice(repl)
        new = match_case(d.text[s:e], neg.replace[d.text[s:e].lower()])
        err = c.add("negation", _one_src(c, src_neg))
        d.replace(s, e, new)
        d.mark(s, s + len(new), err)
    elif how == "remove":
        s, e = c.rng.choice(rem)
        err = c.add("negation", _one_src(c, src_neg))
        cut_s, cut_e = (s - 1, e) if s > 0 and d.text[s - 1] == " " else (s, min(len(d.text), e + 1))
        d.replace(cut_s, cut_e, "")
        if neg.remove_with:  # French "ne ... pas": drop the "ne"/"n'" before the verb too
            head = d.text[:cut_s]
            m = re.search(r"(?:(?<=\s)|^)(ne |n['’])(?=\w+\s*$)", head[-40:])
            if m:
                a = len(head) - len(head[-40:]) + m.start(1)
                d.replace(a, a + len(m.group(1)), "")
                cut_s -= len(m.group(1))
        _mark_gap(d, cut_s, err)
    else:
        s, e = c.rng.choice(verbs)
        verb = d.text[s:e]
        if neg.position == "after":
            new = f"{verb} {neg.particle}"
        elif neg.position == "before":
            new = f"{match_case(verb, neg.particle)} {verb[0].lower() + verb[1:] if s == 0 else verb}"
        else:
            pre = neg.before_vowel if verb[0].lower() in "aeiouhéèêâîôû" else f"{neg.before} "
            new = f"{match_case(verb, pre) if s == 0 else pre}{verb[0].lower() + verb[1:] if s == 0 else verb} {neg.particle}"
        err = c.add("negation")
        d.replace(s, e, new)
        d.mark(s, s + len(new), err)
    return True


def _mark_gap(d: Draft, g: int, err: int) -> None:
    """Mark the word before and the word after a gap at ``g`` (what an omission leaves)."""
    spans = word_spans(d.text)
    before = [w for w in spans if w[0] < g]
    after = [w for w in spans if w[0] >= g]
    for w in (before[-1:] + after[:1]):
        d.mark(w[0], w[1], err)


def _clauses(d: Draft, c: Context) -> Iterator[tuple[int, int, int]]:
    """(start, end, words) of every clause but the first (the sentence keeps its start),
    each with the space before it and without the space after it (the next clause keeps it)."""
    words_table = c.tables.langs[c.tgt_lang].clause_words if c.tgt_lang in c.tables.langs else frozenset()
    bounds, end = clause_bounds(d.text, words_table)
    for k in range(1, len(bounds)):
        a, b = bounds[k], bounds[k + 1] if k + 1 < len(bounds) else end
        b = b - 1 if d.text[b - 1:b] == " " else b
        a = a - 1 if d.text[a - 1:a] == " " and d.text[a] not in ",;" else a
        yield a, b, len(word_spans(d.text[a:b]))


def _omission(d: Draft, c: Context) -> bool:
    words_all = len(word_spans(d.text))
    cands = [(a, b, n) for a, b, n in _clauses(d, c)
             if 2 <= n and words_all - n >= max(4, words_all // 2) and d.free(a, b)]
    if not cands:
        return False
    a, b, n = c.rng.choice(cands)
    err = c.add("omission", dropped=n)
    d.replace(a, b, "")
    _mark_gap(d, a, err)
    return True


def _duplication(d: Draft, c: Context) -> bool:
    cands = [(a, b) for a, b, n in _clauses(d, c) if 2 <= n <= 12 and d.free(a, b)]
    if not cands:
        return False
    a, b = c.rng.choice(cands)
    piece = d.text[a:b]
    lead = len(piece) - len(piece.lstrip(" ,;"))
    err = c.add("duplication")
    d.replace(b, b, piece)
    d.mark(b + lead, b + len(piece), err)
    return True


def _substitute(d: Draft, c: Context, want: str) -> bool:
    cands = []  # (mt start, mt end, new text, type, src spans)
    if want == "false_friend" and c.tgt_lang == "en":
        for term in _glossary_terms(c.src_lang):
            src = _src_find(c, term.source_term.split("|"))
            if not src:
                continue
            for alt in term.target_term.split("|"):
                for s, e in find_phrase(d.text, alt):
                    if d.free(s, e):
                        cands.append((s, e, c.rng.choice(term.forbidden), "false_friend", src))
    for ws in c.tables.langs[c.tgt_lang].wrong_sense:
        kind = "false_friend" if ws.kind == "false_friend" else "wrong_sense"
        if kind != want:
            continue
        for s, e in find_phrase(d.text, ws.correct):
            if d.free(s, e):
                cands.append((s, e, ws.wrong, kind, _src_find(c, ws.hints.get(c.src_lang, ()))))
    if not cands:
        return False
    s, e, new, kind, src = c.rng.choice(cands)
    new = match_case(d.text[s:e], new)
    err = c.add(kind, src)
    d.replace(s, e, new)
    d.mark(s, s + len(new), err)
    return True


@lru_cache(maxsize=16)
def _glossary_terms(src_lang: str) -> tuple:
    """Glossary entries ``src_lang``→en that name forbidden renderings (shipped files only)."""
    from auditor.glossary import glossaries_dir, load_glossary

    path = glossaries_dir() / f"{src_lang}-en.csv"
    if not path.exists():
        return ()
    return tuple(t for t in load_glossary(path).terms if t.forbidden)


def _untranslated(d: Draft, c: Context) -> bool:
    if c.src_lang == c.tgt_lang:
        return False
    s_toks = [m for m in _TOKEN.finditer(c.src) if not m.group()[0].isupper()]
    t_toks = [m for m in _TOKEN.finditer(d.text)]
    if len(s_toks) < 3 or len(t_toks) < 4:
        return False
    n = c.rng.randint(1, 3)
    i = c.rng.randrange(0, len(s_toks) - n + 1)
    run = s_toks[i:i + n]
    if any(run[k + 1].start() - run[k].end() > 1 for k in range(len(run) - 1)):
        run = run[:1]  # keep the phrase contiguous in the source
    phrase_span = (run[0].start(), run[-1].end())
    phrase = c.src[phrase_span[0]:phrase_span[1]]
    rel = i / max(1, len(s_toks) - 1)
    j = min(len(t_toks) - len(run), max(0, round(rel * (len(t_toks) - 1)) + c.rng.randint(-1, 1)))
    tgt = t_toks[j:j + len(run)]
    s, e = tgt[0].start(), tgt[-1].end()
    if fold(d.text[s:e]) == fold(phrase) or not d.free(s, e) or "\n" in d.text[s:e]:
        return False
    err = c.add("untranslated", (phrase_span,))
    d.replace(s, e, phrase)
    d.mark(s, s + len(phrase), err)
    return True


def _sentence_break(d: Draft, c: Context) -> bool:
    spans = word_spans(d.text)
    cands = [k for k in range(1, len(spans) - 2)
             if d.text[spans[k][1] - 1].isalpha() and d.text[spans[k + 1][0]].isalpha()
             and d.free(spans[k][0], spans[k + 1][1])]
    if not cands:
        return False
    k = c.rng.choice(cands)
    (s1, e1), (s2, e2) = spans[k], spans[k + 1]
    err = c.add("sentence_break")
    if c.rng.random() < 0.5:
        d.replace(s2, s2 + 1, d.text[s2].upper())
        d.mark(s2 + 1, e2 + 1, err)
    d.replace(e1, e1, ".")
    d.mark(s1, e1 + 1, err)
    return True


def _pronoun(d: Draft, c: Context) -> bool:
    table = c.tables.langs[c.tgt_lang].pronouns
    cands = _tokens(d, table)
    if not cands:
        return False
    s, e = c.rng.choice(cands)
    new = match_case(d.text[s:e], table[d.text[s:e].lower()])
    src_t = c.tables.langs.get(c.src_lang)
    src = _one_src(c, src_t.pronouns) if src_t and len(cands) == 1 else ()
    err = c.add("pronoun", src)
    d.replace(s, e, new)
    d.mark(s, s + len(new), err)
    return True


CORRUPTIONS = {
    "number": _number, "date": _date, "month": _month, "name": _name, "negation": _negation,
    "omission": _omission, "duplication": _duplication,
    "wrong_sense": lambda d, c: _substitute(d, c, "wrong_sense"),
    "false_friend": lambda d, c: _substitute(d, c, "false_friend"),
    "untranslated": _untranslated, "sentence_break": _sentence_break, "pronoun": _pronoun,
}
#: Corruptions that need a target-language table (the others work in any language).
NEEDS_TABLE = frozenset({"month", "negation", "wrong_sense", "false_friend", "pronoun"})


def available_types(tgt_lang: str) -> tuple[str, ...]:
    """The error types this module can inject into a translation in ``tgt_lang``."""
    return tuple(t for t in ERROR_TYPES if tgt_lang in LANGS or t not in NEEDS_TABLE)
