"""Omissions and additions, read off the sentence alignment.

A source sentence with no counterpart is an omission; a reprint sentence with no
source is an addition. Runs of consecutive unaligned sentences are reported once (a cut
paragraph is one editorial decision, not five errors). An omission has no text in the
reprint, so its span is the reprint sentence where the missing text would have been.

Severity follows length and content: a long passage, or one carrying a quotation, a
number or a date, is major in a translation (meaning lost); in a same-language copy
cutting is ordinary editing, so it stays minor.
"""

from __future__ import annotations

import re

from ..text.wording import count
from ..types import Finding
from .base import CheckContext, make_finding

NAME = "omissions"

_CONTENT = re.compile(r"[“”\"«»„]|\d")


def _severity(text: str, translation: bool) -> str:
    words = len(text.split())
    weighty = bool(_CONTENT.search(text))
    if translation and (words >= 25 or (weighty and words >= 8)):
        return "major"
    return "minor"


def run(ctx: CheckContext) -> list[Finding]:
    doc, source, alignment = ctx.doc, ctx.source, ctx.alignment
    if source is None or alignment is None or not doc.segments:
        return []
    translation = source.language != doc.language
    out: list[Finding] = []
    pairs = list(alignment.pairs)
    k = 0
    while k < len(pairs):
        p = pairs[k]
        if p.source and not p.reprint:
            run_src: list[int] = []
            while k < len(pairs) and pairs[k].source and not pairs[k].reprint:
                run_src.extend(pairs[k].source)
                k += 1
            # Anchor: the next reprint sentence, else the previous one.
            anchor = None
            for q in pairs[k:]:
                if q.reprint:
                    anchor = min(q.reprint)
                    break
            if anchor is None:
                for q in reversed(pairs[:k]):
                    if q.reprint:
                        anchor = max(q.reprint)
                        break
            if anchor is None:
                continue
            missing = " ".join(source.segments[i].text for i in sorted(run_src))
            seg = doc.segments[anchor]
            n = len(run_src)
            where = "before" if any(q.reprint and min(q.reprint) == anchor for q in pairs[k:]) else "after"
            out.append(
                make_finding(
                    doc, seg.start, seg.end,
                    category="accuracy/omission",
                    severity=_severity(missing, translation),
                    message=(f"{count(n, 'source sentence')} ({count(len(missing.split()), 'word')}) "
                             f"missing {where} this sentence"),
                    detector=NAME,
                    source_text=missing,
                    evidence={"source_sentences": sorted(run_src)},
                )
            )
            continue
        if p.reprint and not p.source:
            for i in p.reprint:
                seg = doc.segments[i]
                sev = "major" if translation and len(seg.text.split()) >= 25 else "minor"
                out.append(
                    make_finding(
                        doc, seg.start, seg.end,
                        category="accuracy/addition",
                        severity=sev,
                        message="sentence with no counterpart in the source (added text)",
                        detector=NAME,
                        evidence={"reprint_sentence": i},
                    )
                )
        k += 1
    return out
