"""Pronoun detector: a sentence whose pronouns changed gender in translation.

A machine translation that loses track of who is who writes "she" for a man ("Él murió
más tarde" -> "She died later") or "ela" for "him". Agreement is checked
sentence by sentence against the aligned source, with the pronouns each language
reserves for one gender (``models/text/pronouns.tsv``; ambiguous forms such as German
"sie" are not in it, nor French, whose "il" and "elle" stand for things as often). Deliberately narrow: a finding needs every gendered
pronoun of the reprint sentence to name one gender and every one of its source sentence
the other, so a sentence about a man and a woman, or a pro-drop source ("Es un gran
capitán"), is never judged.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..text.tables import read_rows
from ..types import Finding
from .base import CheckContext, make_finding

NAME = "pronouns"
CATEGORY = "accuracy/mistranslation"
_WORD = re.compile(r"[^\W\d_]+")  # apostrophes split: "dell’ella" holds "ella"
_GENDER = {"m": "a man", "f": "a woman"}


@lru_cache(maxsize=1)
def _tables() -> dict[str, dict[str, str]]:
    """lang -> {pronoun: gender}."""
    genders: dict[str, dict[str, str]] = {}
    for lang, gender, words in read_rows("pronouns.tsv", 3):
        genders.setdefault(lang, {}).update({w: gender for w in words.split()})
    return genders


def gendered(text: str, lang: str) -> list[tuple[int, int, str]]:
    """(start, end, gender) of each single-gender pronoun of ``text``."""
    table = _tables().get(lang)
    if not table:
        return []
    return [(m.start(), m.end(), table[m.group(0).lower()]) for m in _WORD.finditer(text)
            if m.group(0).lower() in table]


def run(ctx: CheckContext) -> list[Finding]:
    """Pronoun-gender findings for ``ctx.doc`` against its aligned source (nothing without one)."""
    out: list[Finding] = []
    if ctx.source is None or ctx.alignment is None:
        return out
    genders = _tables()
    src_lang = ctx.source.language
    if src_lang not in genders:
        return out
    for seg in ctx.doc.segments:
        lang = seg.language or ctx.doc.language
        if lang not in genders:
            continue
        mine = gendered(seg.text, lang)
        if not mine or len({g for *_, g in mine}) != 1:
            continue
        src = ctx.aligned_source_text(seg.index)
        theirs = gendered(src, src_lang) if src else []
        if not theirs or len({g for *_, g in theirs}) != 1 or theirs[0][2] == mine[0][2]:
            continue
        quoted = ", ".join(dict.fromkeys(f"“{src[a:b]}”" for a, b, _ in theirs))
        # The source's pronouns stand for the reprint's in order; the reprint's extra ones
        # may be right ("she took her phone" for "il aurait pris le téléphone d'une ..."),
        # so only as many as the source has are flagged.
        for a, b, g in mine[:len(theirs)]:
            out.append(make_finding(
                ctx.doc, seg.start + a, seg.start + b, category=CATEGORY, severity="major",
                message=(f"“{seg.text[a:b]}” refers to {_GENDER[g]}, but the source sentence's pronouns "
                         f"({quoted}) refer to {_GENDER[theirs[0][2]]}: the gender was changed in translation."),
                detector=NAME, source_text=src[theirs[0][0]:theirs[0][1]],
                evidence={"rule": "pronoun-gender", "gender": g, "source_gender": theirs[0][2]}))
    return out
