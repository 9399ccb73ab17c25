"""Names put in the wrong sentence: a name the source uses elsewhere, standing for another.

A machine-translated or hand-edited reprint sometimes puts one of the story's names in
the place of another ("thieves took $26,750 at McCarthy on the Levee" where the source
sentence has "Newport on the Levee", and McCarthy is the detective of a later
sentence). :mod:`.entities` compares organisations through its alias table and full
person names with a title beside them; this rule covers the single names and places it
cannot, and quotes the one source name the span stands for, not the whole sentence.

Why it is safe without a name list: a name is compared only with the *story's own*
names. A reprint name counts only when the source document writes it (capitalised)
in some other sentence but not in the aligned one, and the source name it replaces only
when the reprint writes it elsewhere but not here. A translated name ("Alemania" /
"Germany", "Casa Blanca" / "White House") is written in neither document in the other's
form, so it never qualifies; a name a translator adds for a pronoun ("Er sagte" ->
"McCarthy said") has no unrendered source name beside it, so nothing is paired. Both
sides must be written in the Latin alphabet: across scripts a name never reads the same.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache

from ..types import Finding, SegmentedDocument
from .base import CheckContext, make_finding

_CAP = re.compile(r"(?<![\w’'\-])([A-ZÀ-ÖØ-Þ][\w’'\-]*\w|[A-ZÀ-ÖØ-Þ])")
_WORD = re.compile(r"[^\W\d_][\w’'\-]*", re.UNICODE)


def fold(s: str) -> str:
    """Lowercase and strip accents, so "Canciller" and "canciller", "Qín" and "Qin" compare equal."""
    nfkd = unicodedata.normalize("NFKD", s)
    return "".join(c for c in nfkd if not unicodedata.combining(c)).casefold()


@lru_cache(maxsize=65536)
def _bare(tok: str) -> str:
    """The token without a possessive or elided article ("Brink's" -> "brink", "l'Élysée" -> "elysee")."""
    t = fold(tok)
    t = re.sub(r"['’]s?$", "", t)
    return re.sub(r"^(?:l|d|qu)['’]", "", t)


def same_name(a: str, b: str) -> bool:
    """Two folded tokens that spell one name: equal, inflected ("Sulawesis", "Molinaris"),
    or transliterated a letter apart ("Rahm" / "Ram" stays apart: too short to tell)."""
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    if len(short) >= 3 and len(long_) == len(short) + 1 and any(
            long_[:k] + long_[k + 1:] == short for k in range(len(long_))):
        return True  # one letter more, none changed: "Ram" / "Rahm", "Bjorn" / "Bjoern"
    if len(short) >= 4 and long_.startswith(short) and len(long_) - len(short) <= 3:
        return True
    if len(short) < 5:
        return False
    sm = SequenceMatcher(None, a, b)
    return sm.real_quick_ratio() >= 0.8 and sm.quick_ratio() >= 0.8 and sm.ratio() >= 0.8


@lru_cache(maxsize=64)
def _latin(text: str) -> bool:
    letters = [c for c in text[:4000] if c.isalpha()]  # a sample is enough to tell the script
    if not letters:
        return False
    latin = sum(1 for c in letters if "LATIN" in unicodedata.name(c, ""))
    return latin >= 0.9 * len(letters)


class _Names:
    """A document's capitalised tokens (its names, and its nouns in German) and the words it also writes lowercase."""

    def __init__(self, text: str) -> None:
        words = [m.group(0) for m in _WORD.finditer(text)]
        self.lower = {_bare(w) for w in words if w[0].islower()}
        self.caps = {_bare(m.group(0)) for m in _CAP.finditer(text)} - self.lower
        # the parts of every two- or three-word name: "Giselle" and "Maurice" are one person
        # (longer runs are title-case headlines and institutions, not one name)
        self.together = [set(_bare(w) for w in run.split()) for _, _, run in _runs(text, lambda t: True)
                         if 1 < len(run.split()) <= 3]

    def one_name(self, a: str, b: str) -> bool:
        return any(a in g and b in g for g in self.together)

    def writes(self, tok: str) -> bool:
        """Written here as this very name: exactly, or with a genitive -s ("Sulawesis").

        Deliberately strict (a loose match is what makes a candidate): "Europe" does not
        write "European", nor "Turkey" "Türkei"."""
        if tok in self.caps:
            return True
        return len(tok) >= 5 and ((tok + "s") in self.caps or (tok.endswith("s") and tok[:-1] in self.caps))


@lru_cache(maxsize=64)
def _names(text: str) -> _Names:
    return _Names(text)


def _runs(text: str, keep) -> list[tuple[int, int, str]]:
    """Runs of consecutive capitalised tokens passing ``keep(folded token)``: (start, end, surface).

    Two-letter acronyms are left out: they are the ones translated most ("EUA" / "US",
    "ONU" / "UN", "UE" / "EU") and the source may write the same letters for something else."""
    runs: list[list[int]] = []
    for m in _CAP.finditer(text):
        word = re.sub(r"['’]s?$", "", m.group(0))
        if (len(word) == 2 and word.isupper()) or not keep(_bare(m.group(0))):
            continue
        end = m.start() + len(word)
        if runs and text[runs[-1][1]:m.start()] in (" ", "\u00a0"):
            runs[-1][1] = end
        else:
            runs.append([m.start(), end])
    return [(a, b, text[a:b]) for a, b in runs]


def _initials_of(acronym: str, run: str) -> bool:
    """"USA" for "United States", "UN" for "United Nations": the acronym spells the run's initials."""
    initials = "".join(w[0] for w in run.split() if w[0].isupper()).casefold()
    return len(initials) >= 2 and (acronym.startswith(initials) or initials.startswith(acronym))


def _tokens(text: str) -> set[str]:
    return {_bare(w) for w in _WORD.findall(text)}


def _renders(tok: str, toks: set[str]) -> bool:
    return tok in toks or any(same_name(tok, t) for t in toks)


def check(ctx: CheckContext, not_names: set[str], taken: set[tuple[int, int]]) -> list[Finding]:
    """Findings for reprint names that stand where the aligned source sentence has another story name."""
    out: list[Finding] = []
    if ctx.source is None or ctx.alignment is None:
        return out
    if not (_latin(ctx.doc.text) and _latin(ctx.source.text)):
        return out
    doc: SegmentedDocument = ctx.doc
    rep_names, src_names = _names(doc.text), _names(ctx.source.text)
    for seg in doc.segments:
        src = ctx.aligned_source_text(seg.index)
        if not src:
            continue
        src_toks, rep_toks = _tokens(src), _tokens(seg.text)

        def rep_keep(t: str) -> bool:
            return (len(t) > 1 and t not in not_names and t not in rep_names.lower
                    and src_names.writes(t) and not _renders(t, src_toks))

        def src_keep(t: str) -> bool:
            return (len(t) > 1 and t not in not_names and t not in src_names.lower
                    and rep_names.writes(t) and not _renders(t, rep_toks))

        rep_runs, src_runs = _runs(seg.text, rep_keep), _runs(src, src_keep)
        if not rep_runs or not src_runs:
            continue
        # The source's own full names say which parts belong together (the reprint's may be
        # the error: "Molinari Bjorn" for "Thomas Bjorn"); a name the source sentence writes
        # alone ("Trump") may be completed by the reprint ("Donald Trump").
        lone = {_bare(r) for _, _, r in _runs(src, lambda t: True) if " " not in r}
        free = list(src_runs)
        for a, b, surface in rep_runs:
            if not free:
                break
            if any(s < seg.start + b and seg.start + a < e for s, e in taken):
                continue
            pos = a / max(len(seg.text), 1)
            mine = [_bare(w) for w in surface.split()]
            if any(src_names.one_name(x, y) for x in mine for y in lone):
                continue  # "Donald Trump" for "Trump": the rest of a name the source sentence has
            options = [r for r in free if not _initials_of(_bare(surface), r[2]) and not any(
                src_names.one_name(x, _bare(y)) for x in mine for y in r[2].split())]
            if not options:
                continue  # "Giselle" for "Maurice's": another part of the same full name; "USA" for "United States"
            best = min(options, key=lambda r: abs(r[0] / max(len(src), 1) - pos))
            free.remove(best)
            out.append(make_finding(
                doc, seg.start + a, seg.start + b, category="accuracy/entity", severity="major",
                message=(f"“{surface}” here, where the source sentence has “{best[2]}”: the source names "
                         f"{surface} elsewhere, not in this sentence, so the reprint may put the wrong "
                         f"name in this place."),
                detector="entities", source_text=best[2],
                evidence={"rule": "source-name-swap", "source_name": best[2]}))
    return out
