"""Untranslated-fragment detector: source-language text left in the reprint.

Two granularities:

* **sentence**: the segmenter already decided each sentence's language; a sentence of
  at least five words whose language differs from the document's with the confidence a
  switch needs (``langid.switch_probability()``: 0.7 with the short-text model, 0.9 with langdetect)
  is a sentence left untranslated (major). A cheap function-word profile backs this up
  when the segmenter gave no per-sentence decision.
* **phrase**: inside an English sentence, a stretch with three or more function words of
  one other language ("que el gobierno de la nación") is a fragment left untranslated
  (minor). Function words are the tell: content words may be loanwords ("fiesta",
  "junta"), but nobody borrows "que el ... de la".

Proper nouns ("Hospital de la Paz", "Carlos de la Rosa"), quoted titles and fixed
loan phrases ("crème de la crème", "raison d'être") are left alone. No language
identifier runs per phrase: the stop-word tables below are the whole model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..text import wording
from ..text.langid import switch_probability
from ..types import Finding, SegmentedDocument
from .base import CheckContext, make_finding

NAME = "untranslated"
CATEGORY = "accuracy/untranslated"

# Function words that are NOT also English words (no "a", "in", "die", "den", "do", "no",
# "con", "per", "son", "come", "pour", "e", "o", "et", "la"-only is kept: it is rare alone).
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "es": frozenset(
        """de la el los las del que y en por para con una uno unos unas al lo su sus se es está están fue
        fueron ser sido como pero más muy también sobre entre desde hasta cuando donde porque sin este esta
        estos estas ese esa eso ya le les nos mi tu ni sino aunque según hay había ha han""".split()
    ),
    "fr": frozenset(
        """de la le les des du et dans pour sur avec une est sont était été être au aux ce cette ces qui que
        pas ne plus mais ou où par sans sous entre comme leur leurs nous vous ils elles il elle lui se sa
        son ses très aussi selon depuis chez dont""".split()
    ),
    "de": frozenset(
        """der die das und den dem des ein eine einer einem eines ist sind war waren nicht mit auf für von
        zu im am zum zur bei nach aus über unter auch sich noch wird werden wurde wurden hat haben dass
        oder aber wie wenn sie er wir ihr ihre sein seine dieser diese dieses""".split()
    ),
    "pt": frozenset(
        """de da do das dos em na no nas nos que e um uma uns umas para com por pelo pela pelos pelas ao aos
        à às se é são foi foram ser como mas mais muito também sobre entre desde até quando onde porque sem
        este esta estes estas esse essa isso já lhe seu sua seus suas não""".split()
    ),
    "it": frozenset(
        """di il lo la gli le del della dei delle dello nel nella nei che e un una per con su da sono è
        era stato anche non più ma come questo questa quello quella sul sulla alla allo agli""".split()
    ),
}
# Words that are also common English words or English-embedded particles: never count them.
_ENGLISH_HOMOGRAPHS = frozenset(
    """a an in on is are die den do no con per son come pour e o et am as so me he be to we us or our sea
    art fin dies mist hat bei war will ha al lo su se un ne il ce sale pie tu mi nos ya era ser sin son
    plus pas ces sans ou chez dont eine note tea time more over alle man main hay par er um com non ma au""".split()
)
_ENGLISH_FUNCTION = frozenset(
    """the and of to in for on with at by from that this is was were are be been it its as an a or but not
    which who whom whose what when where why how has have had will would can could should may might must
    he she they we you i his her their our them him said says""".split()
)
_LOAN_PHRASES = (
    "crème de la crème", "creme de la creme", "raison d'être", "raison d’être", "joie de vivre",
    "pièce de résistance", "coup de grâce", "coup d'état", "coup d’état", "c'est la vie", "c’est la vie",
    "je ne sais quoi", "que sera sera", "hasta la vista", "mi casa es su casa", "de rigueur", "déjà vu",
    "vis-à-vis", "tour de force", "film noir", "fait accompli", "femme fatale", "art nouveau", "savoir faire",
    "laissez-faire", "laissez faire", "esprit de corps", "cri de coeur", "cri de cœur", "enfant terrible",
    "la dolce vita", "dolce far niente", "modus operandi", "status quo", "de facto", "de jure", "per se",
    "vice versa", "pro bono", "ad hoc", "et al", "rendez-vous", "tête-à-tête", "mise en place", "mise en scène",
)
_WORD = re.compile(r"[^\W\d_]+(?:[’'][^\W\d_]+)?")
_QUOTED = re.compile(r"“[^”]*”|«[^»]*»|\"[^\"]*\"|‘[^’]*’(?![a-z])|„[^“”]*[“”]")
# Compiled once: _masked runs for every sentence of every article, and building the
# pattern there cost a regex-cache lookup per phrase per sentence (tens of thousands).
_LOAN_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (phrase, re.compile(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)")) for phrase in _LOAN_PHRASES
)


@dataclass(frozen=True)
class _Tok:
    start: int
    end: int
    text: str

    @property
    def low(self) -> str:
        return self.text.lower()


def _tokens(text: str) -> list[_Tok]:
    return [_Tok(m.start(), m.end(), m.group(0)) for m in _WORD.finditer(text)]


def _foreign(word: str, lang: str) -> bool:
    w = word.lower()
    return w in FUNCTION_WORDS[lang] and w not in _ENGLISH_HOMOGRAPHS


def _masked(text: str) -> str:
    """Blank out quoted stretches and loan phrases so they never count as untranslated."""
    chars = list(text)
    for m in _QUOTED.finditer(text):
        chars[m.start() : m.end()] = " " * (m.end() - m.start())
    low = text.lower()
    for phrase, pattern in _LOAN_PATTERNS:
        if phrase not in low:  # cheap necessary condition: most sentences hold no loan phrase
            continue
        for m in pattern.finditer(low):
            chars[m.start() : m.end()] = " " * (m.end() - m.start())
    return "".join(chars)


def _in_name(toks: list[_Tok], i: int, j: int) -> bool:
    """Function words between capitalised words belong to a proper noun: "Hospital de la Paz"."""
    left = toks[i - 1].text[0].isupper() if i > 0 else False
    right = toks[j + 1].text[0].isupper() if j + 1 < len(toks) else False
    return left and right or (right and not any(t.text[0].isupper() for t in toks[i : j + 1]) and j - i < 2)


def foreign_runs(text: str, lang: str, min_function: int = 3) -> list[tuple[int, int, int]]:
    """(start, end, n_function_words) of stretches dense in ``lang`` function words.

    A stretch grows while foreign function words keep coming with at most two other
    words between them, and stops at any English function word.
    """
    toks = _tokens(_masked(text))
    out: list[tuple[int, int, int]] = []
    i = 0
    while i < len(toks):
        if not _foreign(toks[i].text, lang) or toks[i].low in _ENGLISH_FUNCTION:
            i += 1
            continue
        j, last_fw, count, gap = i, i, 1, 0
        k = i + 1
        while k < len(toks):
            t = toks[k]
            if t.low in _ENGLISH_FUNCTION and not _foreign(t.text, lang):
                break
            if _foreign(t.text, lang):
                count += 1
                last_fw = k
                gap = 0
            else:
                gap += 1
                if gap > 2:
                    break
            k += 1
        j = last_fw
        # extend over the content word that the last function word introduces ("de la nación")
        if j + 1 < len(toks) and toks[j + 1].low not in _ENGLISH_FUNCTION and toks[j + 1].start - toks[j].end <= 1:
            j_end = j + 1
        else:
            j_end = j
        if count >= min_function and not _names_only(toks, i, j):
            out.append((toks[i].start, toks[j_end].end, count))
        i = k if k > i else i + 1
    return out


def _names_only(toks: list[_Tok], i: int, j: int) -> bool:
    """True when every foreign function word of the stretch sits inside a proper noun."""
    k = i
    while k <= j:
        if toks[k].text[0].isupper():
            k += 1
            continue
        # a run of lowercase words: is it a particle run inside a name?
        m = k
        while m + 1 <= j and not toks[m + 1].text[0].isupper():
            m += 1
        if not _in_name(toks, k, m):
            return False
        k = m + 1
    return True


def _sentence_language(seg_text: str, doc_lang: str) -> tuple[str, float] | None:
    """Fallback when the segmenter labelled every sentence with the document language:
    a sentence made of another language's function words and no English ones."""
    if doc_lang != "en":
        return None
    words = [w.lower() for w in _WORD.findall(_masked(seg_text))]
    if len(words) < 6:
        return None
    eng = sum(w in _ENGLISH_FUNCTION for w in words)
    best = None
    for lang in FUNCTION_WORDS:
        n = sum(_foreign(w, lang) for w in words)
        if n / len(words) >= 0.3 and eng <= 1 and (best is None or n > best[1]):
            best = (lang, n)
    return (best[0], best[1] / len(words)) if best else None


def _corroborated(seg_text: str, lang: str, doc_lang: str) -> bool:
    """Does the text itself back the language identifier's call?

    langdetect is confident about headlines, product listings and name lists for the
    wrong reasons ("Dimax Micro Ultimate Mattress, size 160x200" as Italian). In an
    English article a sentence is only called foreign when it reads as running text of
    that language: at least two of its function words and more of them than English ones;
    for a language without a function-word table, no English function word at all, eight
    words or more, and mostly lowercase words (not a string of names).
    """
    if doc_lang != "en":
        return True
    words = _WORD.findall(_masked(seg_text))
    low = [w.lower() for w in words]
    eng = sum(w in _ENGLISH_FUNCTION for w in low)
    if lang in FUNCTION_WORDS:
        n = sum(_foreign(w, lang) for w in low)
        return n >= 2 and n > eng
    caps = sum(w[:1].isupper() for w in words) / max(len(words), 1)
    return eng == 0 and len(words) >= 8 and caps < 0.5


def _msg_sentence(lang: str, source_same: bool) -> str:
    extra = " It matches the source sentence word for word." if source_same else ""
    return (f"This sentence is in {wording.language_name(lang)}, not in the article's language: "
            f"it was left untranslated.{extra}")


def run(ctx: CheckContext) -> list[Finding]:
    """Untranslated sentences and phrases in ``ctx.doc``."""
    doc: SegmentedDocument = ctx.doc
    out: list[Finding] = []
    for seg in doc.segments:
        nwords = len(seg.text.split())
        src = ctx.aligned_source_text(seg.index)
        lang = None
        if (seg.language != doc.language and seg.lang_confidence >= switch_probability() and nwords >= 5
                and _corroborated(seg.text, seg.language, doc.language)):
            lang = seg.language
        elif nwords >= 6:
            guess = _sentence_language(seg.text, doc.language)
            lang = guess[0] if guess else None
        if lang is not None and _masked(seg.text).strip():
            same = bool(src and src.strip() == seg.text.strip())
            out.append(make_finding(doc, seg.start, seg.end, category=CATEGORY, severity="major",
                                    message=_msg_sentence(lang, same), detector=NAME, source_text=src,
                                    evidence={"rule": "sentence", "language": lang}))
            continue
        if doc.language != "en" or seg.language not in ("en", doc.language):
            continue  # the phrase tables assume an English host sentence
        for flang in FUNCTION_WORDS:
            for s, e, n in foreign_runs(seg.text, flang):
                phrase = seg.text[s:e]
                if src and ctx.source is not None and ctx.source.language == doc.language and phrase in src:
                    continue  # the (same-language) source has it too: a quotation, not a lapse
                out.append(make_finding(
                    doc, seg.start + s, seg.start + e, category=CATEGORY, severity="minor",
                    message=(f"“{phrase}” reads as {wording.language_name(flang)} "
                             f"({wording.count(n, wording.language_name(flang) + ' function word')}) inside an English "
                             "sentence: a fragment probably left untranslated."),
                    detector=NAME, source_text=src, evidence={"rule": "phrase", "language": flang, "function_words": n},
                ))
                break
    from .copied_runs import check as copied_runs

    taken = [(f.start, f.end) for f in out]
    out += [f for f in copied_runs(ctx) if not any(a < f.end and f.start < b for a, b in taken)]
    return _dedupe(out)


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """Several languages share "de", "que": keep one finding per overlapping span."""
    kept: list[Finding] = []
    for f in sorted(findings, key=lambda f: (f.start, -(f.end - f.start))):
        if kept and f.start < kept[-1].end and f.evidence.get("rule") == "phrase":
            continue
        kept.append(f)
    return kept
