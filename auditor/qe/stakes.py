"""What a QE error span puts at stake, for its severity: a name, a number, a negation, a title.

A wrong word is an annoyance; a wrong name, figure, negation or headline changes what the
article says. :func:`stakes` names which of these a span (MT side or the source words it
renders) touches; :func:`severity` turns the model's probability and those stakes into
the finding's severity. Negation words come from ``models/drift/negations.tsv``, the
list the drift detector uses.
"""

from __future__ import annotations

import re

_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)

#: p(BAD) from which a span is major whatever it touches
MAJOR_P = 0.85
#: languages that capitalise every noun: a capital there is no sign of a name
#: ("Umspannstation", "Ofen"), so only the English side can say a name is at stake
NOUN_CAPITALS = frozenset({"de", "lb"})
#: a span of at most this many words may be a negation the sentence keeps (see :func:`negation_kept`)
NEGATION_SPAN_WORDS = 3


def _negations(lang: str) -> frozenset[str]:
    from ..checks.drift import negations

    return negations().get(lang, frozenset())


def _has_name(text: str, at_sentence_start: bool) -> bool:
    """A capitalised word that is not the sentence's first word (a name, most of the time)."""
    words = _WORD.findall(text)
    if at_sentence_start:
        words = words[1:]
    return any(w[:1].isupper() and not w.isupper() or (w.isupper() and len(w) >= 2) for w in words)


def stakes(mt_text: str, src_text: str | None, mt_lang: str, src_lang: str, *, mt_at_start: bool = False,
           src_at_start: bool = False, in_title: bool = False) -> tuple[str, ...]:
    """The stakes of a span among ``name``, ``number``, ``negation``, ``title``."""
    out = []
    src = src_text or ""
    src_names = src and src_lang.split("-")[0].lower() not in NOUN_CAPITALS and _has_name(src, src_at_start)
    if _has_name(mt_text, mt_at_start) or src_names:
        out.append("name")
    if _DIGIT.search(mt_text) or _DIGIT.search(src):
        out.append("number")
    neg_mt = bool({w.lower() for w in _WORD.findall(mt_text)} & _negations(mt_lang)) or (
        mt_lang == "en" and "n't" in mt_text.lower())
    neg_src = bool({w.lower() for w in _WORD.findall(src)} & _negations(src_lang))
    # a negation is at stake when one side has it and the other does not (a flip or a loss);
    # "is not compatible" for "no es compatible" keeps it, so it does not make the span major
    if (neg_mt or neg_src) and not (src and neg_mt and neg_src):
        out.append("negation")
    if in_title:
        out.append("title")
    return tuple(out)


def severity(p_error: float, at_stake: tuple[str, ...], raised_by: float = 0.0) -> str:
    """``major`` when the model is sure (:data:`MAJOR_P`) or a name/number/negation/title is at stake.

    ``raised_by``: how far the pair's finding floor sits above the model's word threshold
    (``finding-thresholds.tsv``); the "sure" line moves up as much, so a span that only
    just clears a raised floor (p 0.86 on a Chinese source, floor 0.85) is not major for
    its probability alone."""
    return "major" if p_error >= MAJOR_P + max(0.0, raised_by) or at_stake else "minor"


_QUOTES = " .,;:!?\"'“”‘’«»"


def kept_as_source(mt_text: str, src_text: str | None, at_stake: tuple[str, ...]) -> bool:
    """A span whose words are the source words it renders, spelt the same: an untranslated
    word (a finding "‘am’ renders ‘am’" says nothing to an editor). A name or a number is
    the same in both languages by design, so it is not called untranslated."""
    if not src_text or "name" in at_stake or "number" in at_stake:
        return False
    a, b = mt_text.strip(_QUOTES).casefold(), src_text.strip(_QUOTES).casefold()
    return bool(a) and a == b and any(c.isalpha() for c in a)


def same_name_or_number(mt_text: str, src_text: str | None, at_stake: tuple[str, ...]) -> bool:
    """A name or number spelt exactly as the source words it renders ("Interior." for
    "Interior", "20." for "20"): the source's own name or figure, kept as it should be. A
    finding "‘20.’ renders ‘20’" would claim an error it cannot name; a changed figure or
    a wrong name is not spelt the same, and the number and entity checks read those."""
    if not src_text or not ("name" in at_stake or "number" in at_stake):
        return False
    # every piece is one of the source's, case kept ("infantino" for "Infantino" is an error):
    # "20." for "20", and a name split out of the source's compound, "Europa Park" for
    # "Europa-Park", "NEKTON" for "NEKTON-S", "John F." for "John-F"
    pieces, src_pieces = _pieces(mt_text), set(_pieces(src_text))
    return bool(pieces) and all(w in src_pieces for w in pieces)


def _pieces(text: str) -> list[str]:
    return [w for w in re.split(r"[^\w]+", text) if w]


def negation_kept(span_text: str, mt_sentence: str, src_sentence: str, mt_lang: str, src_lang: str) -> bool:
    """A short span holding a negation ("is not", "couldn't") in a sentence whose source
    sentence negates too: the negation is the source's, rendered, not a flip. (The model
    learned negation flips from synthetic errors and flags "not" in professional
    translations.) Whether, not how often: one negation is two words in French ("ne ...
    pas") and in the negative concord of Spanish, Portuguese or Russian ("no había nada"),
    so counts do not compare across languages; a flip inside a sentence that negates
    something else is missed. Only where both languages have a negation list."""
    from ..checks.drift import count_negations, negations

    mt, src = mt_lang.split("-")[0].lower(), src_lang.split("-")[0].lower()
    if mt not in negations() or src not in negations():
        return False
    if len(span_text.split()) > NEGATION_SPAN_WORDS or not count_negations(span_text, mt):
        return False
    return count_negations(src_sentence, src) > 0


def inside_name(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` sits between two capitalised words, as the lower-case
    words of a multi-word name do ("Welt am Sonntag", "Casa de la Moneda")."""
    before = _WORD.findall(text[:start])
    after = _WORD.findall(text[end:])
    return bool(before and after) and before[-1][:1].isupper() and after[0][:1].isupper() \
        and text[start:end].strip()[:1].islower()
