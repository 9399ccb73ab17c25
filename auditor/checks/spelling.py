"""Name-spelling detector: corrupted names and possessives.

Round-trip machine translation mangles names in a few recognisable ways:
"Blinkens’ trip" (a singular person's possessive written as a plural possessive),
"the meeting between Qins and Blinken" (a spurious plural -s on a surname), doubled
tokens ("Wang Yi Yi"), and one-letter corruptions ("Blinkin" for "Blinken").

None of these can be judged from one word alone: "the Smiths’ house" and "Serena
Williams" are correct. So every rule compares the suspicious form with the names the
same article (and its source and cluster) uses elsewhere: the corrupted form is rare,
the intact form frequent and clearly a person's name (capitalised mid-sentence, never
seen lowercase, not a nationality or party noun).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from ..text.wording import times
from ..types import Finding, SegmentedDocument
from .base import CheckContext, make_finding
from .entities import _NOT_NAMES, fold, name_runs

NAME = "spelling"
CATEGORY = "fluency/spelling"

_CAP = re.compile(r"(?<![\w\-’'])([A-Z][a-zà-ÿ]+(?:-[A-Z][a-zà-ÿ]+)?)(?:(['’])(s)?)?(?![\w\-])")
_WORD = re.compile(r"[^\W\d_]+")
_SENT_START = set(".!?:\"“‘«(—–-\n")
# Group nouns whose plural is normal: Americans, Israelis, Democrats, Catholics, Buddhists ...
_GROUP_SUFFIXES = ("an", "ian", "ean", "ic", "ist", "at", "ite", "i", "er", "ese", "ish")
# Demonyms with a plain -s plural that the suffix rule above misses ("Czechs", "Greeks").
_DEMONYMS = frozenset(
    """czech slovak greek thai swede dane pole scot finn serb croat arab kurd jew sikh uzbek tajik turk kazakh
    brit basque catalan roma bosniak slovene kyrgyz yank hindu muslim sunni shia druze copt tory whig
    democrat republican liberal conservative socialist communist green""".split()
)
_TITLE_WORDS = {"president", "minister", "secretary", "senator", "governor", "mayor", "director", "chancellor",
                "premier", "ambassador", "spokesman", "spokeswoman", "mr", "mrs", "ms", "dr", "general", "judge"}


@dataclass
class NameStats:
    """How the article, its source and its cluster spell capitalised words."""

    total: Counter[str] = field(default_factory=Counter)  # bare form (possessive stripped), all texts
    plain: Counter[str] = field(default_factory=Counter)  # without any apostrophe after it, all texts
    in_doc: Counter[str] = field(default_factory=Counter)  # bare form, this article only
    mid: Counter[str] = field(default_factory=Counter)  # capitalised mid-sentence, all texts
    lower: set[str] = field(default_factory=set)  # folded lowercase words, all texts
    companions: dict[str, set[str]] = field(default_factory=dict)  # token -> other tokens of its full names
    runs: Counter[tuple[str, ...]] = field(default_factory=Counter)  # full-name runs, all texts


def _is_mid(text: str, pos: int) -> bool:
    """True when the word at ``pos`` is not the first of a sentence or line."""
    j = pos - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    return j >= 0 and text[j] not in _SENT_START


def collect(texts: list[str], doc_text: str) -> NameStats:
    """Count the capitalised words of every text (``doc_text`` is also counted on its own)."""
    st = NameStats()
    for t in texts:
        caps, lower, runs = _text_stats(t)
        mine = t is doc_text
        for w, plain, mid in caps:
            st.total[w] += 1
            if plain:
                st.plain[w] += 1
            if mine:
                st.in_doc[w] += 1
            if mid:
                st.mid[w] += 1
        st.lower |= lower
        for toks in runs:
            st.runs[toks] += 1
            for tok in toks:
                st.companions.setdefault(tok, set()).update(x for x in toks if x != tok)
    return st


@lru_cache(maxsize=4096)
def _text_stats(t: str) -> tuple[tuple[tuple[str, bool, bool], ...], frozenset[str], tuple[tuple[str, ...], ...]]:
    """One text's capitalised words (word, no apostrophe after it, mid-sentence), folded
    lowercase words and full-name runs.

    Memoised because every article of a set counts the texts of all the others: without
    it a set of n articles scans n * n texts.
    """
    caps = tuple((m.group(1), not m.group(2), _is_mid(t, m.start())) for m in _CAP.finditer(t))
    lower = frozenset(fold(w) for w in _WORD.findall(t) if w[0].islower())
    runs = tuple(toks for _s, _e, toks in name_runs(t))
    return caps, lower, runs


def _is_person_name(st: NameStats, w: str) -> bool:
    """Capitalised mid-sentence, never written lowercase, not a function/title word."""
    f = fold(w)
    return st.mid[w] >= 1 and f not in st.lower and f not in _NOT_NAMES and len(w) >= 2


def _prev_word(text: str, pos: int) -> str:
    m = re.search(r"([\w’'.\-]+)[ \t]+$", text[max(0, pos - 40) : pos])
    return m.group(1) if m else ""


def _title_case_line(text: str, pos: int) -> bool:
    """Headlines in Title Case capitalise common nouns; skip them."""
    ls = text.rfind("\n", 0, pos) + 1
    le = text.find("\n", pos)
    line = text[ls : le if le >= 0 else len(text)]
    words = [w for w in _WORD.findall(line) if len(w) > 3]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) / len(words) > 0.6


def _damerau1(a: str, b: str) -> bool:
    """Edit distance exactly one (substitution, insertion, deletion or adjacent swap)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    if len(a) > len(b):
        a, b = b, a
    for i in range(len(b)):
        if b[:i] + b[i + 1 :] == a:
            return True
    return False


def _finding(doc: SegmentedDocument, start: int, end: int, message: str, rule: str, **ev: object) -> Finding:
    return make_finding(
        doc, start, end, category=CATEGORY, severity="minor", message=message, detector=NAME,
        evidence={"rule": rule, **ev},
    )


def _possessives(doc: SegmentedDocument, st: NameStats) -> list[Finding]:
    """"Blinkens’ trip": plural possessive of a singular name that never appears as "Blinkens"."""
    out = []
    text = doc.text
    for m in re.finditer(r"(?<![\w\-’'])([A-Z][a-zà-ÿ]+)s(['’])(?![\w])", text):
        base = m.group(1)
        plural = base + "s"
        prev = _prev_word(text, m.start())
        if fold(prev) in {"the", "los", "las", "les", "die", "os", "as"}:
            continue  # "the Joneses’ house", "the Smiths’ car": a family, correctly plural
        if prev[:1].isupper() and fold(prev) not in _TITLE_WORDS and _is_mid(text, m.start()):
            continue  # part of a longer name ("Serena Williams’")
        if st.plain[plural] > 0 or not _is_person_name(st, base) or st.total[base] < 2:
            continue
        if fold(base).endswith(_GROUP_SUFFIXES) or _title_case_line(text, m.start()):
            continue
        out.append(
            _finding(
                doc, m.start(), m.end(),
                f"“{m.group(0)}” is a plural possessive, but the name is “{base}” (used {times(st.total[base])}, "
                f"never “{plural}”): write “{base}’s”.",
                "plural-possessive", name=base,
            )
        )
    return out


def _spurious_plurals(doc: SegmentedDocument, st: NameStats) -> list[Finding]:
    """"between Qins and Blinken": a surname with a stray -s, seen once against many "Qin"."""
    out = []
    text = doc.text
    for m in re.finditer(r"(?<![\w\-’'])([A-Z][a-zà-ÿ]+)s(?![\w’'\-])", text):
        base = m.group(1)
        plural = m.group(0)
        if base.endswith("s") or len(base) < 2:
            continue
        prev = _prev_word(text, m.start())
        if fold(prev) in {"the", "los", "las", "les", "die", "os", "as", "both", "two", "all"}:
            continue  # "the Kennedys", "both Clintons"
        if prev[:1].isupper() and _is_mid(text, m.start()):
            continue  # "Serena Williams", "United Nations"
        nxt = re.match(r"\s+([A-Z]\w*)", text[m.end() : m.end() + 30])
        if nxt:
            continue  # start of a longer proper name ("Roberts Court")
        if not _is_person_name(st, base) or fold(base).endswith(_GROUP_SUFFIXES) or fold(base) in _DEMONYMS:
            continue
        if st.total[plural] > 1 or st.total[base] < 2 or fold(plural) in st.lower:
            continue
        if not any(fold(base) in r for r in st.runs):
            continue  # never seen in a full name: not clearly a person
        if _title_case_line(text, m.start()):
            continue
        out.append(
            _finding(
                doc, m.start(), m.end(),
                f"“{plural}” looks like the name “{base}” (used {times(st.total[base])}) with a stray -s; "
                f"it reads as a plural or a different name.",
                "spurious-plural", name=base,
            )
        )
    return out


def _doubled(doc: SegmentedDocument, st: NameStats) -> list[Finding]:
    """"Wang Yi Yi": a repeated name token that the intact name never has elsewhere."""
    out = []
    text = doc.text
    pattern = r"(?<![\w\-])([A-Z][a-zà-ÿ]+)\s+([A-Z][a-zà-ÿ]+)\s+\2(?![\w\-])"
    for m in re.finditer(pattern, text):
        first, tok = m.group(1), m.group(2)
        if fold(tok) in _NOT_NAMES or fold(first) in _NOT_NAMES:
            continue
        single = f"{first} {tok}"
        intact = len(re.findall(re.escape(single) + r"(?!\s+" + re.escape(tok) + r"\b)", text))
        if intact == 0 and st.runs[(fold(first), fold(tok))] == 0:
            continue  # "Sirhan Sirhan"-like names: nothing shows the repeat is wrong
        out.append(
            _finding(
                doc, m.start(), m.end(),
                f"“{m.group(0)}” repeats “{tok}”; the name is “{single}” elsewhere.",
                "doubled-name", name=single,
            )
        )
    return out


_NEAR_MIN = 5  # the intact name must be frequent ...
_NEAR_RATIO = 5  # ... and far more frequent than the suspect: "Davis" x3 vs "Davies" x1 are two people


def _near_misses(doc: SegmentedDocument, st: NameStats) -> list[Finding]:
    """"Blinkin" once against "Blinken" many times: a one-letter corruption of a frequent name."""
    out = []
    text = doc.text
    frequent = [w for w, c in st.total.items() if c >= _NEAR_MIN and len(w) >= 5 and _is_person_name(st, w)]
    for m in _CAP.finditer(text):
        a = m.group(1)
        if len(a) < 5 or st.total[a] > 1 or not _is_mid(text, m.start()) or fold(a) in st.lower:
            continue
        if fold(a) in _NOT_NAMES or _title_case_line(text, m.start()):
            continue
        for b in frequent:
            if b[0] != a[0] or b[-1] != a[-1] or b.startswith(a) or a.startswith(b):
                continue  # first/last-letter changes are usually inflections or other words
            if not _damerau1(a, b) or st.total[b] < _NEAR_RATIO * st.total[a]:
                continue
            ca, cb = st.companions.get(fold(a), set()), st.companions.get(fold(b), set())
            if ca and cb and not (ca & cb):
                continue  # both are full names with different first names: different people
            out.append(
                _finding(
                    doc, m.start(1), m.end(1),
                    f"“{a}” appears once, while “{b}” appears {times(st.total[b])}: probably a misspelling "
                    f"of “{b}”.",
                    "near-miss", name=b,
                )
            )
            break
    return out


def run(ctx: CheckContext) -> list[Finding]:
    """All name-spelling findings for ``ctx.doc``, using its source and cluster as evidence."""
    # Only texts in the article's language: a German source's "Indonesien" is no spelling
    # of "Indonesian".
    lang = ctx.doc.language
    texts = [ctx.doc.text] + [d.text for d in ctx.cluster if d.id != ctx.doc.id and d.language == lang]
    if ctx.source is not None and ctx.source.id != ctx.doc.id and ctx.source.language == lang:
        texts.append(ctx.source.text)
    st = collect(texts, ctx.doc.text)
    findings = _possessives(ctx.doc, st) + _spurious_plurals(ctx.doc, st) + _doubled(ctx.doc, st)
    taken = {(f.start, f.end) for f in findings}
    findings += [f for f in _near_misses(ctx.doc, st) if (f.start, f.end) not in taken]
    return findings
