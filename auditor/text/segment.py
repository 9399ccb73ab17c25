"""Rule-based sentence segmentation, and the segment stage of the pipeline.

Why rules and not a trained splitter: nothing may download at run time, and the rules
are where this project wants its bias. Machine-translated reprints break sentences in
odd places ("there was no place. for compromise."), and a splitter that "repairs" such
text hides the artefact from the detectors. So a period followed by a lower-case word is
never a break here, and a period followed by a capitalised word is a break unless the
token before it is a known abbreviation, an initial or a day number before a month.

Every newline is a hard boundary: ingest puts one paragraph per line, and a sentence
that crossed a paragraph would not be a sentence. Spans are offsets into the text, trimmed
of whitespace, never empty, and ``text[start:end]`` is the sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..types import Document, Segment, SegmentedDocument
from . import abbreviations as ab

__all__ = ["split_sentences", "segment_document"]

# A candidate sentence end: terminators, closing quotes/brackets glued to them (and a
# French closing guillemet after a space), then whitespace or the end of the line.
_CLOSERS = "\"'”’»«“‘)]"
_WESTERN = re.compile(r"(?P<term>[.!?…]+)(?P<close>[" + re.escape(_CLOSERS) + r"]*(?:[ \u00a0\u202f]+»)?)(?=\s|$)")
# Full-width terminators need no space after them.
_CJK = re.compile(r"[。！？]+[」』”’）)]*")
# Characters that may open a sentence before its first word.
_OPENERS = set("\"'“‘«»„‚¿¡([{—–-*•·")
_WORD = re.compile(r"\w+")
_DOTTED = re.compile(r"(?:[^\W\d_]{1,3}\.)+[^\W\d_]{1,3}")
_SHORT_DATE = re.compile(r"\d{1,2}\.\d{1,2}")
# The next token is itself an initial ("J. R.", "I. A.", and "I. A.”," before closing quotes).
_INITIAL = re.compile(r"[^\W\d_]\.(?:[\s,;:\"'”’»)\]]|$)")
_NAME_PARTICLES = frozenset("of de del da do dos van von der la le".split())
_QUOTES = set("\"'”’»«“‘")
# Capitalised pronouns open a new sentence: '"Today, there's neither." He said ...' is two.
_PRONOUNS = frozenset(
    "I He She It We You They Er Sie Es Wir Ihr Él Ella Ellos Ellas Nosotros Usted Il Elle Ils Elles "
    "Nous Vous On Ele Ela Eles Elas Nós Você Lui Lei Loro Noi".split()
)


@dataclass(frozen=True)
class _Rules:
    """The per-language tables the splitter consults, built once per language."""

    lang: str
    abbreviations: dict[str, str]
    starters: frozenset[str]
    elisions: frozenset[str]


@lru_cache(maxsize=64)
def _rules(lang: str) -> _Rules:
    lang = (lang or "").lower().split("-")[0].split("_")[0]
    return _Rules(lang, ab.abbreviations_for(lang), ab.starters_for(lang), ab.elisions_for(lang))


def split_sentences(text: str, lang: str = "en", *, one_per_line: bool = False) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` into ``text``, in order.

    Spans are stripped of surrounding whitespace, never empty and never cross a newline.
    With ``one_per_line`` every non-blank line is one sentence (pre-split input).
    ``lang`` picks the abbreviation and sentence-starter tables; unknown languages use
    the union of all tables.
    """
    rules = _rules(lang)
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        if one_per_line:
            span = _strip(text, pos, pos + len(line))
            if span:
                spans.append(span)
        else:
            spans.extend(_split_line(text, line, pos, rules))
        pos += len(line) + 1
    return spans


def _strip(text: str, start: int, end: int) -> tuple[int, int] | None:
    """``(start, end)`` narrowed past whitespace, or None when nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def _split_line(text: str, line: str, offset: int, rules: _Rules) -> list[tuple[int, int]]:
    """Sentence spans of one line (absolute offsets), punctuation-only pieces merged back."""
    cuts = [m.end() for m in _CJK.finditer(line) if m.end() < len(line)]
    for m in _WESTERN.finditer(line):
        if _is_break(line, m, rules):
            cuts.append(m.end())
    if not cuts:
        span = _strip(text, offset, offset + len(line))
        return [span] if span else []
    cuts = sorted(set(cuts))
    pieces: list[tuple[int, int]] = []
    prev = 0
    for c in cuts + [len(line)]:
        span = _strip(text, offset + prev, offset + c)
        prev = c
        if span is None:
            continue
        if pieces and not _has_alnum(text, *span):
            # a stray "." or "»" after a break belongs to the sentence before it
            pieces[-1] = (pieces[-1][0], span[1])
        elif pieces and not _has_alnum(text, *pieces[-1]):
            pieces[-1] = (pieces[-1][0], span[1])
        else:
            pieces.append(span)
    return pieces


def _has_alnum(text: str, start: int, end: int) -> bool:
    return any(ch.isalnum() for ch in text[start:end])


def _token_before(line: str, end: int) -> tuple[str, int]:
    """The whitespace-delimited token ending at ``end`` (openers stripped) and its start."""
    start = end
    while start > 0 and not line[start - 1].isspace():
        start -= 1
    tok = line[start:end]
    return tok.lstrip("".join(_OPENERS)), start


def _is_break(line: str, m: re.Match[str], rules: _Rules) -> bool:
    """Whether the candidate terminator ``m`` ends a sentence (the line goes on after it)."""
    nxt = m.end()
    n = len(line)
    while nxt < n and (line[nxt].isspace() or line[nxt] in _OPENERS):
        nxt += 1
    if nxt >= n:
        return False  # only quotes/dashes left: they stay with this sentence
    c = line[nxt]
    if c.islower():
        return False  # "no place. for compromise." stays whole
    if not c.isalnum():
        return False  # ". ." and similar debris stay attached
    if _is_attribution(line, m, nxt):
        return False  # '"Are you ready?" CNN reported.' is one sentence
    term = m.group("term")
    if term != ".":
        return True  # "?", "!", "...", "…" before a capital, digit or uncased script
    if not (c.isupper() or c.isdigit()):
        return True  # uncased scripts (CJK, Arabic...) after a full stop
    word_m = _WORD.match(line, nxt)
    word = word_m.group(0) if word_m else c
    digit = c.isdigit()
    tok, tok_start = _token_before(line, m.start())
    tok = _after_elision(tok, rules)
    if not tok:
        return True
    if digit and len(tok) == 1 and tok.islower():
        return False  # "p. 55", "s. 23": no news sentence ends in a lone lower-case letter
    prev_tok, _ = _token_before(line, tok_start - 1) if tok_start > 0 else ("", 0)
    cls = _abbreviation_class(tok, prev_tok, line, nxt, rules)
    initial = len(tok) == 1 and tok.isalpha() and tok.isupper()
    if initial and cls not in (ab.TITLE, ab.INNER):
        # an initial: "Antony J. Blinken", "J. R. R. Tolkien", "P. Diddy", Spanish "I. A."
        if _INITIAL.match(line, nxt):
            return False
        if _opens_sentence(line, tok_start):
            return False  # "Q. What did he say? A. He said ...": a label or a name's initial
        cls = ab.AMBIGUOUS
    if cls is None:
        if _DOTTED.fullmatch(tok) or _SHORT_DATE.fullmatch(tok):
            cls = ab.AMBIGUOUS  # "U.S.", "EE.UU.", "S.A.", "18.6."
        elif tok.isdigit():
            return _number_break(tok, word, digit, rules)
        else:
            return True
    if cls in (ab.TITLE, ab.INNER):
        return False
    if cls == ab.NUMERIC:
        return not digit
    if cls == ab.TERMINAL:
        return True
    if cls == ab.TIME:
        return (not digit) and word not in ab.time_followers()
    # AMBIGUOUS: mid-sentence unless a typical sentence opener follows
    return (not digit) and word in rules.starters


_APOSTROPHES = "'’"


def _after_elision(tok: str, rules: _Rules) -> str:
    """The word after an elided article: "l'Avv" -> "Avv", "dell'Ing" -> "Ing".

    The abbreviation tables hold "Avv." and "art."; the token before the period is the
    whole "l'Avv", which no table holds.
    """
    for i, ch in enumerate(tok[:8]):
        if ch in _APOSTROPHES:
            if i and tok[:i].lower() in rules.elisions and i + 1 < len(tok):
                return tok[i + 1 :]
            break
    return tok


_SENTENCE_END = re.compile(r"[.!?…][" + re.escape(_CLOSERS) + r"]*$")


def _opens_sentence(line: str, start: int) -> bool:
    """Whether the token at ``start`` is the first of its sentence (line start, or right
    after a terminator). Looks back a bounded window: long lines hold thousands of initials."""
    lo = max(0, start - 24)
    before = line[lo:start].rstrip()
    while before and before[-1] in _OPENERS:
        before = before[:-1].rstrip()
    if not before:
        return lo == 0
    return _SENTENCE_END.search(before) is not None


def _is_attribution(line: str, m: re.Match[str], nxt: int) -> bool:
    """A closed quotation followed by "Name said": the quote and its attribution are one sentence."""
    if m.group("term") == "." or not any(ch in _QUOTES for ch in m.group("close")):
        return False  # a quote closed by a full stop is a finished sentence
    first = _WORD.match(line, nxt)
    if first and first.group(0) in _PRONOUNS:
        return False  # '"...?" She continued' is capitalised, hence a new sentence
    words = line[m.end() : m.end() + 100].split()[:7]
    for k in range(1, min(6, len(words) - 1) + 1):
        w = words[k - 1]
        if not (w[0].isupper() or (k > 1 and w in _NAME_PARTICLES)) or w[-1] in ".!?:;":
            return False
        verb = _WORD.match(words[k])
        if verb and verb.group(0).lower() in ab.speech_verbs():
            return True
    return False


def _abbreviation_class(tok: str, prev_tok: str, line: str, nxt: int, rules: _Rules) -> str | None:
    """Class of the abbreviation ending at this period, trying two-token forms first.

    "z. B." is seen twice: at "z." (joined with the token after) and at "B." (joined with
    the token before); both must find the key "z.b".
    """
    table = rules.abbreviations
    if prev_tok and len(prev_tok) <= 4:
        cls = table.get(ab.normalize_key(prev_tok + tok))
        if cls is not None:
            return cls
    end = nxt
    while end < len(line) and not line[end].isspace():
        end += 1
    following = line[nxt:end]
    if len(tok) <= 4 and following.endswith("."):
        cls = table.get(ab.normalize_key(tok + "." + following))
        if cls is not None:
            return ab.INNER  # first half of a two-part abbreviation never ends a sentence
    return table.get(ab.normalize_key(tok))


def _number_break(tok: str, word: str, digit: bool, rules: _Rules) -> bool:
    """A period after a number: day/ordinal ("am 19. Juni", "der 3. Oktober") or full stop."""
    if len(tok) <= 2 and word.lower() in ab.months():
        return False  # "19. Juni", and the MT artefact "April 18. June 2023" stays visible
    if len(tok) <= 2 and digit:
        return False  # numeric dates written with spaces: "19. 6. 2023"
    if rules.lang == "de" and len(tok) <= 3 and not digit and word not in rules.starters:
        return False  # German ordinal before a (capitalised) noun: "der 2. Weltkrieg"
    return True


def segment_document(doc: Document, *, lang: str | None = None) -> SegmentedDocument:
    """Split ``doc`` into sentences and decide the language of the document and of each sentence.

    The document language comes from ``lang`` (the user, confidence 1.0), else
    ``doc.language`` (declared metadata), else detection on the text. Sentences inherit
    it unless they are long enough and the detector is confident they are in another
    language (see :func:`auditor.text.langid.sentence_languages`). A segment is a
    caption when it overlaps one of ``doc.captions``.
    """
    from .langid import detect_language, normalize_lang, sentence_languages

    declared: str | None = None
    if doc.language:
        try:
            declared = normalize_lang(doc.language)
        except ValueError:
            declared = None  # junk metadata: fall back to detection
    if lang is not None:
        doc_lang, doc_conf, source = normalize_lang(lang), 1.0, "user"
    elif declared is not None:
        doc_lang, doc_conf, source = declared, 1.0, "declared"
    else:
        doc_lang, doc_conf = detect_language(doc.text)
        source = "detected"

    spans = split_sentences(doc.text, doc_lang, one_per_line=doc.segmented)
    texts = [doc.text[s:e] for s, e in spans]
    langs = sentence_languages(texts, doc_lang, doc_conf)
    segments = tuple(
        Segment(
            index=i,
            start=s,
            end=e,
            text=t,
            language=sl,
            lang_confidence=sc,
            is_caption=any(s < ce and cs < e for cs, ce in doc.captions),
        )
        for i, ((s, e), t, (sl, sc)) in enumerate(zip(spans, texts, langs))
    )
    return SegmentedDocument(doc, segments, doc_lang, doc_conf, source)
