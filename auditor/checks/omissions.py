"""Omissions and additions, read off the sentence alignment.

A source sentence with no counterpart is an omission; a reprint sentence with no
source is an addition. Runs of consecutive unaligned sentences are reported once (a cut
or added paragraph is one editorial decision, not five errors); a run of additions
before the first or after the last aligned sentence says so, because the source given
may be an excerpt. An omission has no text in the
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
    linked = [j for j, q in enumerate(pairs) if q.source and q.reprint]  # beads with both sides
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
            run_rep: list[int] = []
            first = k
            while k < len(pairs) and pairs[k].reprint and not pairs[k].source:
                run_rep.extend(pairs[k].reprint)
                k += 1
            out.append(_addition(doc, sorted(run_rep), translation, edge=_edge(linked, first, k)))
            continue
        k += 1
    return out


def _edge(linked: list[int], first: int, stop: int) -> str | None:
    """"before"/"after" when the run of added sentences in beads ``first:stop`` lies outside
    every aligned bead (``linked``: their indices; the source given may be an excerpt of
    what the reprint renders), else None."""
    if not linked:
        return None
    if stop <= linked[0]:
        return "before"
    if first > linked[-1]:
        return "after"
    return None


def _addition(doc, idx: list[int], translation: bool, edge: str | None) -> Finding:
    """One finding for a run of consecutive reprint sentences with no source (one editorial
    decision, as a cut passage is), severity by the run's length and content."""
    first, last = doc.segments[idx[0]], doc.segments[idx[-1]]
    text = " ".join(doc.segments[i].text for i in idx)
    if len(idx) == 1:
        message = "sentence with no counterpart in the source (added text)"
    else:
        message = (f"{count(len(idx), 'sentence')} ({count(len(text.split()), 'word')}) with no counterpart "
                   "in the source (added text)")
    if edge is not None:
        where = "first" if edge == "before" else "last"
        message += f", {edge} the {where} sentence the source has: the source may be an excerpt"
    return make_finding(
        doc, first.start, last.end,
        category="accuracy/addition",
        severity=_severity(text, translation),
        message=message,
        detector=NAME,
        evidence={"reprint_sentences": idx, "outside_the_source": edge or "no"},
    )
