"""Drift from a same-language original: a lost or added negation, a quote turned into paraphrase.

Why: a copy that went through another language and back (a round trip) keeps numbers
and names, which the number, date and entity detectors check, but loses the small words
that carry the meaning: "did not rule out" comes back as "ruled out", and a speaker's
words come back as the engine's paraphrase inside quotation marks or without them. This
detector compares each aligned sentence pair of a same-language copy (never a
translation: negations and quotes are counted in one language only). Word tables are in
``models/drift/``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ..link.shingles import normalise_words
from ..types import Finding, Segment
from .base import CheckContext, make_finding

DATA = Path(__file__).resolve().parents[2] / "models" / "drift"
MIN_QUOTE_WORDS = 4
KEPT_SHARE = 0.6  # share of the quote's word pairs a faithful rendering keeps


@lru_cache(maxsize=1)
def negations() -> dict[str, frozenset[str]]:
    out: dict[str, frozenset[str]] = {}
    for line in (DATA / "negations.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            lang, words = line.split("\t", 1)
            out[lang.strip()] = frozenset(words.split())
    return out


@lru_cache(maxsize=1)
def _quote_pattern() -> re.Pattern[str]:
    pairs = []
    for line in (DATA / "quotes.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            o, c = line.split("\t")
            pairs.append(f"{re.escape(o.strip())}([^{re.escape(c.strip())}]+){re.escape(c.strip())}")
    return re.compile("|".join(pairs))


#: languages written without spaces between words: their negations are counted as substrings
UNSPACED = frozenset({"zh", "ja"})


def count_negations(text: str, lang: str) -> int:
    """Negation words of ``text`` in ``lang`` (``models/drift/negations.tsv``; 0 for a
    language without a list; substrings for :data:`UNSPACED` languages)."""
    words = negations().get(lang)
    if not words:
        return 0
    folded = text.casefold()
    if lang in UNSPACED:
        return sum(folded.count(w) for w in words)
    n = sum(1 for w in re.findall(r"\w+", folded) if w in words)
    if "n't" in words:
        n += len(re.findall(r"\wn[’']t\b", folded))
    return n


def _quotes(text: str) -> list[tuple[int, int, str]]:
    """(start, end, inner text) of each quotation of MIN_QUOTE_WORDS words or more."""
    out = []
    for m in _quote_pattern().finditer(text):
        inner = next(g for g in m.groups() if g is not None)
        if len(inner.split()) >= MIN_QUOTE_WORDS:
            out.append((m.start(), m.end(), inner))
    return out


def _bigrams(text: str) -> set[tuple[str, str]]:
    w = normalise_words(text)
    return set(zip(w, w[1:]))


def _span(seg: Segment) -> tuple[int, int]:
    """The sentence span without surrounding spaces."""
    lead = len(seg.text) - len(seg.text.lstrip())
    trail = len(seg.text) - len(seg.text.rstrip())
    return seg.start + lead, seg.end - trail


def run(ctx: CheckContext) -> list[Finding]:
    src, doc, al = ctx.source, ctx.doc, ctx.alignment
    if src is None or al is None or src.language != doc.language:
        return []
    lang = doc.language.split("-")[0].lower()
    out: list[Finding] = []
    for bead in al.pairs:
        if not bead.source or not bead.reprint:
            continue
        src_text = " ".join(src.segments[i].text for i in bead.source)
        segs = [doc.segments[j] for j in bead.reprint]
        rep_text = " ".join(s.text for s in segs)
        if normalise_words(src_text) == normalise_words(rep_text):
            continue  # copied as is: nothing drifted
        first = segs[0]
        start, end = _span(first)[0], _span(segs[-1])[1]
        if end <= start:
            continue
        ns, nr = count_negations(src_text, lang), count_negations(rep_text, lang)
        if ns != nr:
            lost = ns > nr
            out.append(make_finding(
                doc, start, end, category="accuracy/mistranslation", severity="critical" if lost else "major",
                message=("the original sentence is negated and this one is not: the meaning is reversed"
                         if lost else "this sentence adds a negation the original does not have: the meaning is reversed"),
                detector="drift", source_text=src_text,
                evidence={"rule": "negation-lost" if lost else "negation-added", "source_negations": ns,
                          "reprint_negations": nr}))
        # A quotation that lost its marks altogether is the punctuation detector's
        # (unquoted speech); here: marks kept, words changed, so the quote is invented.
        rep_quotes = _quotes(rep_text)
        if not rep_quotes:
            continue
        rep_bigrams = _bigrams(" ".join(q[2] for q in rep_quotes))
        for _, _, inner in _quotes(src_text):
            want = _bigrams(inner)
            if not want:
                continue
            kept = len(want & rep_bigrams) / len(want)
            if kept >= KEPT_SHARE:
                continue
            # Point at the reprint's own quotation.
            qs, qe, _ = rep_quotes[0]
            q_start, q_end = _bead_offset(segs, qs), _bead_offset(segs, qe - 1)
            if q_start is None or q_end is None:
                q_start, q_end = start, end
            else:
                q_end += 1
            out.append(make_finding(
                doc, q_start, q_end, category="accuracy/mistranslation", severity="major",
                message=f"the original quotes the speaker as “{inner.strip()}”; this quotation is a "
                        "paraphrase: words the speaker did not say",
                detector="drift", source_text=src_text,
                evidence={"rule": "quote-paraphrased", "kept_share": round(kept, 3)}))
    return out


def _bead_offset(segs: list[Segment], offset: int) -> int | None:
    """Document offset of a character of the bead's text (its sentences joined by spaces)."""
    pos = 0
    for s in segs:
        if offset < pos + len(s.text):
            return s.start + (offset - pos)
        pos += len(s.text) + 1
    return None
