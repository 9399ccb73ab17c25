"""Entity detector: organisations, events, people and titles that disagree.

Machine-translated reprints swap one well-known grouping for another ("Grupo de los
Veinte" comes back as "Group of Seven"), drop a person for another, or retitle an
official ("State Councilor Qin Gang" where every other article says "Foreign Minister").
These are factual errors that a reader can check, so the detector works on three
kinds of evidence, each conservative on purpose:

* **with a source**: the aligned source sentence names a different grouping/organisation
  of the same kind (via the multilingual alias table ``models/entities/aliases.csv``), or
  a different full person name, in the same slot;
* **cluster consensus** (text only): the other articles of the set describe the same
  event -- sharing its time *and* its people or place -- with a different grouping;
* **title drift**: a person's title here is never used for them anywhere else in the
  document or cluster, while another title is used repeatedly.

Nothing here needs a model: the alias table is plain data that editors can extend.
"""

from __future__ import annotations

import csv
import os
import re
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..text import wording
from ..types import Finding, SegmentedDocument
from .base import CheckContext, make_finding, segment_at
from .name_swaps import check as name_swaps
from .name_swaps import fold  # noqa: F401  (spelling reads it from here)

NAME = "entities"
CATEGORY = "accuracy/entity"


# --------------------------------------------------------------------------- aliases


@dataclass(frozen=True)
class Alias:
    """One row of the alias table: a surface form of a canonical entity."""

    id: str
    alias: str
    lang: str  # ISO 639-1 code or "*" for forms used in every language
    kind: str  # grouping | organisation | body | event


@dataclass(frozen=True)
class Mention:
    """An alias found in a text, with character offsets into that text."""

    start: int
    end: int
    text: str
    id: str
    kind: str


def models_dir() -> Path:
    """The shipped ``models/`` folder; ``AUDITOR_MODELS_DIR`` overrides it (tests, installs)."""
    env = os.environ.get("AUDITOR_MODELS_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "models"


@lru_cache(maxsize=4)
def load_aliases(path: str | None = None) -> tuple[Alias, ...]:
    """Read the alias table (``id,alias,lang[,kind]``); missing kind means organisation."""
    p = Path(path) if path else models_dir() / "entities" / "aliases.csv"
    if not p.is_file():
        return ()
    rows: list[Alias] = []
    with p.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            alias = (row.get("alias") or "").strip()
            cid = (row.get("id") or "").strip()
            if not alias or not cid:
                continue
            rows.append(
                Alias(cid, alias, (row.get("lang") or "*").strip(), (row.get("kind") or "organisation").strip())
            )
    return tuple(rows)


@lru_cache(maxsize=4)
def _matcher(path: str | None = None) -> tuple[re.Pattern[str] | None, dict[str, Alias]]:
    """One alternation over every alias, longest first so "UN Security Council" beats "UN".

    Acronyms (no lowercase letter) match case-sensitively, so French "un" is never the UN;
    longer names match case-insensitively to survive capitalisation drift.
    """
    aliases = load_aliases(path)
    if not aliases:
        return None, {}
    by_key: dict[str, Alias] = {}
    for a in aliases:
        by_key.setdefault(a.alias if not _has_lower(a.alias) else a.alias.casefold(), a)
    parts = []
    for a in sorted({a.alias for a in aliases}, key=len, reverse=True):
        esc = re.escape(a).replace(r"\ ", r"\s+")
        parts.append(esc if not _has_lower(a) else f"(?i:{esc})")
    pattern = re.compile(r"(?<![\w\-])(?:" + "|".join(parts) + r")(?![\w])")
    return pattern, by_key


def _has_lower(s: str) -> bool:
    return any(c.islower() for c in s)


_BODY_PREFIX_OK = {"the", "el", "la", "le", "der", "die", "das", "o", "a", "il", "un", "u.n.", "onu", "uno", "l'"}


#: Mentions already found, by (alias table, text). The cluster rule scans
#: every sentence of every other article for each article of a set (quadratic in the
#: set's size), so the same sentences come back again and again; mentions are frozen.
_MENTIONS: OrderedDict[tuple[int, str], tuple[dict[str, Alias], tuple[Mention, ...]]] = OrderedDict()
_MENTIONS_MAX = 20_000


def find_mentions(text: str, path: str | None = None) -> list[Mention]:
    """Every alias-table entity named in ``text``.

    A "body" (Security Council, General Assembly) preceded by another capitalised word is
    somebody else's body ("National Security Council"), so it is skipped.
    """
    pattern, by_key = _matcher(path)
    if pattern is None:
        return []
    # Keyed by the alias table's identity (hashing the compiled pattern would hash its
    # whole alternation every call); the entry holds the table, so its id stays unique.
    key = (id(by_key), text)
    got = _MENTIONS.get(key)
    if got is None or got[0] is not by_key:
        got = (by_key, tuple(_scan_mentions(text, pattern, by_key)))
        _MENTIONS[key] = got
        if len(_MENTIONS) > _MENTIONS_MAX:
            _MENTIONS.popitem(last=False)
    return list(got[1])


def _scan_mentions(text: str, pattern: re.Pattern[str], by_key: dict[str, Alias]) -> list[Mention]:
    out: list[Mention] = []
    for m in pattern.finditer(text):
        surface = re.sub(r"\s+", " ", m.group(0))
        alias = by_key.get(surface) or by_key.get(surface.casefold())
        if alias is None:
            continue
        if alias.kind == "body":
            prev = re.search(r"([\w.'’]+)\s+$", text[max(0, m.start() - 40) : m.start()])
            if prev and prev.group(1)[:1].isupper() and prev.group(1).casefold() not in _BODY_PREFIX_OK:
                continue
        out.append(Mention(m.start(), m.end(), m.group(0), alias.id, alias.kind))
    return out


# ------------------------------------------------------------------ text utilities

_MONTHS = {
    # en, es, fr, de, pt month names -> month number
    **{m: i + 1 for i, m in enumerate(
        "january february march april may june july august september october november december".split())},
    **{m: i + 1 for i, m in enumerate(
        "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre".split())},
    **{m: i + 1 for i, m in enumerate(
        "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split())},
    **{m: i + 1 for i, m in enumerate(
        "januar februar märz april mai juni juli august september oktober november dezember".split())},
    **{m: i + 1 for i, m in enumerate(
        "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro".split())},
    "setiembre": 9,
}
# "May" and "March" are also words; only count them when capitalised mid-sentence.

_EVENT_WORDS = re.compile(
    r"(?i)\b(summits?|meetings?|conference|talks|forum|cumbre|reuni[oó]n|sommet|r[ée]union|gipfel|treffen|"
    r"c[uú]pula|reuni[aã]o|confer[eê]ncia|conferencia|konferenz)\b"
)

# Capitalised words that are not names: sentence starters, days, titles, nationalities' nouns.
_NOT_NAMES = set(
    """the a an and but or in on at of for to from by with as if when while after before since
    during this that these those there their they he she it its his her we our i you your my
    mr mrs ms dr sir madam lord lady president minister secretary foreign state prime vice deputy
    chancellor premier director ambassador governor senator mayor spokesman spokeswoman king queen
    prince princess general chairman chief executive speaker representative pope judge justice
    commissioner leader councilor councillor official officials department ministry office
    monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow
    january february march april june july august september october november december
    el la los las un una del de y o en por para con lunes martes miércoles jueves viernes sábado domingo
    le les des du et dans pour sur der die das und den dem ein eine im am o os as um uma do da dos das
    no na nos nas em com pelo pela""".split()
)

_TOKEN = re.compile(r"[A-ZÁÉÍÓÚÜÑÇÀÂÊÎÔÛÄÖØÅ][\w’'\-]*")


def _strip_possessive(tok: str) -> str:
    return re.sub(r"['’]s?$", "", tok)


def name_runs(text: str) -> list[tuple[int, int, tuple[str, ...]]]:
    """Runs of two or more consecutive capitalised name-like tokens (full names).

    Returns (start, end, folded tokens). Function words, titles, days and months are cut
    out of a run, so "President Joe Biden" gives ("joe", "biden").
    """
    runs: list[tuple[int, int, tuple[str, ...]]] = []
    cur: list[re.Match[str]] = []

    def flush() -> None:
        toks = [m for m in cur if fold(_strip_possessive(m.group(0))) not in _NOT_NAMES and len(m.group(0)) > 1]
        # keep the longest contiguous stretch of name tokens
        best: list[re.Match[str]] = []
        stretch: list[re.Match[str]] = []
        for m in cur:
            if m in toks:
                stretch.append(m)
                if len(stretch) > len(best):
                    best = list(stretch)
            else:
                stretch = []
        if len(best) >= 2:
            runs.append(
                (best[0].start(), best[-1].start() + len(_strip_possessive(best[-1].group(0))),
                 tuple(fold(_strip_possessive(m.group(0))) for m in best))
            )
        cur.clear()

    prev_end = None
    for m in _TOKEN.finditer(text):
        gap = text[prev_end : m.start()] if prev_end is not None else None
        if cur and (gap is None or gap.strip() != ""):
            flush()
        cur.append(m)
        prev_end = m.end()
        if m.group(0).endswith(("’s", "'s")):
            flush()
            prev_end = None
    if cur:
        flush()
    return runs


def _context_keys(text: str, skip: list[Mention]) -> tuple[set[str], set[int]]:
    """Capitalised content words (prefix-normalised) and month numbers / years of a sentence.

    Prefix normalisation makes "Indonesia" and "Indonesian" the same key.
    """
    masked = list(text)
    for m in skip:
        masked[m.start : m.end] = " " * (m.end - m.start)
    t = "".join(masked)
    keys: set[str] = set()
    times: set[int] = set()
    for i, m in enumerate(_TOKEN.finditer(t)):
        w = fold(_strip_possessive(m.group(0)))
        if w in _MONTHS and not (w in {"may", "march", "mai", "mars"} and m.start() == 0):
            times.add(_MONTHS[w])
            continue
        if w in _NOT_NAMES or len(w) < 2:
            continue
        keys.add(w[:6])
    for y in re.findall(r"\b(19\d\d|20\d\d)\b", t):
        times.add(int(y) * 100)  # years and months share one set, never collide
    return keys, times


def _is_event(text: str, m: Mention) -> bool:
    """A grouping named as an event: "G20 summit", "cumbre del G20", "summit of the G7"."""
    after = text[m.end : m.end + 25]
    before = text[max(0, m.start - 25) : m.start]
    after = re.sub(r"^(?:['’]s)?[\s\-]*", "", after)
    return bool(_EVENT_WORDS.match(after) or re.search(r"(?i)\b(summit of|cumbre de|sommet d|gipfel d|c[uú]pula d)\w*\s+(the|la|el|los|le|les|des|der|do|da|dos)?\s*$", before))


def _anchored(text: str) -> bool:
    """Does the sentence pin the claim to a time or place (so a wrong name is checkable)?"""
    _, times = _context_keys(text, [])
    return bool(times) or bool(re.search(r"\b(in|at|on the island of|en|à|a)\s+[A-Z][a-z]", text))


# ------------------------------------------------------------------ rules


def _check_source_entities(ctx: CheckContext) -> list[Finding]:
    """Rule (a): the aligned source sentence names a different entity of the same kind."""
    out: list[Finding] = []
    if ctx.source is None or ctx.alignment is None:
        return out
    for seg in ctx.doc.segments:
        src = ctx.aligned_source_text(seg.index)
        if not src:
            continue
        rep_m = find_mentions(seg.text)
        src_m = find_mentions(src)
        rep_ids = {m.id for m in rep_m}
        src_ids = {m.id for m in src_m}
        only_rep = [m for m in rep_m if m.id not in src_ids]
        only_src = [m for m in src_m if m.id not in rep_ids]
        for m in only_rep:
            same_kind = [s for s in only_src if s.kind == m.kind]
            if len(same_kind) != 1:
                continue
            s = same_kind[0]
            event = _is_event(seg.text, m)
            severity = "critical" if event and _anchored(seg.text) else "major"
            what = "event" if event else m.kind
            out.append(
                make_finding(
                    ctx.doc,
                    seg.start + m.start,
                    seg.start + m.end,
                    category=CATEGORY,
                    severity=severity,
                    message=(
                        f"“{m.text}” ({m.id}) here, but the source sentence names “{s.text}” ({s.id}): "
                        f"a different {what}, so the reprint attributes the fact to the wrong body."
                    ),
                    detector=NAME,
                    source_text=s.text,
                    evidence={"rule": "source-entity", "reprint_id": m.id, "source_id": s.id},
                )
            )
    out.extend(_check_source_people(ctx))
    return out


# Words that, right before or after a capitalised run, say the run is a person (en/es/fr/de/pt).
_PERSON_BEFORE = re.compile(
    r"(?i)\b(?:mr|mrs|ms|dr|sr|sra|m|mme|herr|frau|president[ea]?|présidente?|präsident(?:in)?|presidente|"
    r"minister(?:in)?|ministr[oa]|ministre|secretary|secretari[oa]|secrétaire|sekretär(?:in)?|"
    r"senator|senador[a]?|sénateur|chancellor|canciller|chancelier|kanzler(?:in)?|premier|"
    r"spokes(?:man|woman|person)|portavoz|porte-parole|sprecher(?:in)?|porta-voz|"
    r"ambassador|embajador[a]?|ambassadeur|botschafter(?:in)?|embaixador[a]?|leader|líder|"
    r"counterpart|homólog[oa]|homologue|amtskollege|envoy|enviad[oa]|envoyé)\.?\s+$"
)
_PERSON_AFTER = re.compile(
    r"(?i)^,?\s+(?:said|says|told|added|dijo|afirmó|declaró|señaló|añadió|a\s+dit|a\s+déclaré|"
    r"sagte|erklärte|disse|afirmou|declarou)\b"
)


def _person_like(text: str, start: int, end: int, doc_lower: set[str], toks: tuple[str, ...]) -> bool:
    """A capitalised run is a person only when a title or a speech verb says so, and none
    of its words is a common word of its document (written lowercase somewhere there).
    Without this, translated institution names ("White House" / "Casa Blanca") look
    like two different people."""
    if any(t in doc_lower for t in toks):
        return False
    return bool(_PERSON_BEFORE.search(text[max(0, start - 30) : start]) or _PERSON_AFTER.match(text[end : end + 20]))


def _lower_words(text: str) -> set[str]:
    return {fold(w) for w in re.findall(r"(?<![\w.])[^\W\d_]+", text) if w[0].islower()}


def _check_source_people(ctx: CheckContext) -> list[Finding]:
    """Rule (a), people: a person named in the reprint sentence appears nowhere in the
    source, while the aligned source sentence names another person who appears nowhere in
    the reprint (a swap, not a translation). Both runs must read as people (title or
    speech verb beside them), so translated institution names are never compared."""
    out: list[Finding] = []
    assert ctx.source is not None
    src_doc = fold(ctx.source.text)
    rep_doc = fold(ctx.doc.text)
    src_lower = _lower_words(ctx.source.text)
    rep_lower = _lower_words(ctx.doc.text)
    for seg in ctx.doc.segments:
        src = ctx.aligned_source_text(seg.index)
        if not src:
            continue
        rep_runs = [r for r in name_runs(seg.text) if not any(t in src_doc for t in r[2])]
        src_runs = [r for r in name_runs(src) if not any(t in rep_doc for t in r[2])]
        if len(rep_runs) != 1 or len(src_runs) != 1:
            continue
        rs, re_, toks = rep_runs[0]
        ss, se, s_toks = src_runs[0]
        if not (2 <= len(toks) <= 3 and 2 <= len(s_toks) <= 3):
            continue
        if not (_person_like(seg.text, rs, re_, rep_lower, toks) and _person_like(src, ss, se, src_lower, s_toks)):
            continue
        out.append(
            make_finding(
                ctx.doc,
                seg.start + rs,
                seg.start + re_,
                category=CATEGORY,
                severity="major",
                message=(
                    f"“{seg.text[rs:re_]}” appears nowhere in the source, whose sentence names "
                    f"“{src[ss:se]}” instead: the reprint may name the wrong person."
                ),
                detector=NAME,
                source_text=src[ss:se],
                evidence={"rule": "source-person"},
            )
        )
    return out


def _check_cluster_events(ctx: CheckContext, skip_spans: set[tuple[int, int]]) -> list[Finding]:
    """Rule (b): an anchored event that the rest of the cluster calls by another grouping."""
    out: list[Finding] = []
    others = [d for d in ctx.cluster if d.id != ctx.doc.id]
    if not others:
        return out
    other_events: list[tuple[str, set[str], set[int], set[str]]] = []  # doc id, keys, times, ids
    for d in others:
        for s in d.segments:
            ms = [m for m in find_mentions(s.text) if m.kind == "grouping" and _is_event(s.text, m)]
            if ms:
                keys, times = _context_keys(s.text, ms)
                other_events.append((d.id, keys, times, {m.id for m in ms}))
    if not other_events:
        return out
    for seg in ctx.doc.segments:
        ms = [m for m in find_mentions(seg.text) if m.kind == "grouping" and _is_event(seg.text, m)]
        if not ms or not _anchored(seg.text):
            continue
        keys, times = _context_keys(seg.text, ms)
        for m in ms:
            span = (seg.start + m.start, seg.start + m.end)
            if span in skip_spans:
                continue
            agree: set[str] = set()
            disagree: dict[str, Counter[str]] = defaultdict(Counter)
            for doc_id, okeys, otimes, oids in other_events:
                shared = keys & okeys
                if times and otimes and not (times & otimes):
                    continue  # a different occasion (another month/year)
                same_occasion = (times & otimes and shared) or (not times and not otimes and len(shared) >= 3)
                if not same_occasion:
                    continue
                if m.id in oids:
                    agree.add(doc_id)
                else:
                    for oid in oids:
                        disagree[doc_id][oid] += 1
            if agree or not disagree:
                continue
            votes: Counter[str] = Counter()
            for c in disagree.values():
                votes.update(set(c))
            best, n = votes.most_common(1)[0]
            if n != len(disagree):
                continue  # the other articles do not agree among themselves
            ids = sorted(disagree)
            severity = "major" if len(ids) >= 2 else "minor"
            out.append(
                make_finding(
                    ctx.doc,
                    *span,
                    category=CATEGORY,
                    severity=severity,
                    message=(
                        f"“{m.text}” ({m.id}) here, but {wording.join_words(ids)} "
                        f"{'describes' if len(ids) == 1 else 'describe'} the same occasion "
                        f"(same time and people/place) as a {best} event: the grouping was probably "
                        f"mistranslated."
                    ),
                    detector=NAME,
                    evidence={"rule": "cluster-event", "reprint_id": m.id, "consensus_id": best, "documents": ids},
                )
            )
    return out


_TITLES = [
    "Vice Foreign Minister", "Deputy Foreign Minister", "Foreign Minister", "Deputy Prime Minister", "Prime Minister",
    "Defence Minister", "Defense Minister", "Finance Minister", "Interior Minister", "Economy Minister",
    "Trade Minister", "Health Minister", "Minister", "Vice President", "Vice-President", "President",
    "Secretary of State", "Secretary-General", "Secretary General", "Foreign Secretary", "Home Secretary",
    "Defense Secretary", "Defence Secretary", "Treasury Secretary", "Secretary", "State Councilor",
    "State Councillor", "Chancellor", "Vice Premier", "Premier", "Director", "Ambassador", "Governor",
    "Senator", "Mayor", "Chief Executive", "Chairman", "Chairwoman", "Speaker", "Attorney General",
    "Chief Justice", "Commissioner", "Crown Prince", "King", "Queen", "spokesman", "spokeswoman",
    "spokesperson", "Spokesman", "Spokeswoman", "Supreme Leader",
]
_TITLE_RE = re.compile(
    r"(?<![\w\-])(?P<pre>(?i:former|ex-|then-|acting|interim|outgoing|incoming|late|new|now)\s*)?"
    r"(?P<title>" + "|".join(re.escape(t) for t in sorted(_TITLES, key=len, reverse=True)) + r")"
    r"\s+(?P<name>(?:[A-Z][\w\-’']+)(?:\s+[A-Z][\w\-’']+){0,2})"
)


@dataclass(frozen=True)
class _Titled:
    doc_id: str
    start: int
    end: int
    title: str
    name: frozenset[str]


def _titled(doc: SegmentedDocument) -> list[_Titled]:
    out = []
    for m in _TITLE_RE.finditer(doc.text):
        if m.group("pre"):
            continue  # a past or changing role is not a contradiction
        toks = [fold(_strip_possessive(t)) for t in m.group("name").split()]
        toks = [t for t in toks if t not in _NOT_NAMES]
        if not toks:
            continue
        out.append(_Titled(doc.id, m.start("title"), m.end("title"), m.group("title"), frozenset(toks)))
    return out


def _compatible(a: str, b: str) -> bool:
    fa, fb = fold(a), fold(b)
    return fa in fb or fb in fa


# The same office in en/es/fr/de/pt, to read a title in a source of another language.
# (Spanish "canciller" is a foreign minister in most of the Spanish-speaking world.)
_TITLE_FORMS: dict[str, re.Pattern[str]] = {
    "foreign minister": re.compile(
        r"(?i)\b(?:foreign minister|canciller|ministr[oa] de (?:asuntos )?exteriores|ministr[oa] de relaciones "
        r"exteriores|ministre des affaires étrangères|chef de la diplomatie|außenminister(?:in)?|"
        r"ministr[oa] d[aoe]s? (?:relações exteriores|negócios estrangeiros))\b"),
    "state councilor": re.compile(
        r"(?i)\b(?:state council+or|consejer[oa] de estado|conseill(?:er|ère) d['’]état|staatsrat|staatsrätin|"
        r"conselheir[oa] de estado)\b"),
    "prime minister": re.compile(
        r"(?i)\b(?:prime minister|primer[oa] ministr[oa]|premier ministre|premierminister(?:in)?|"
        r"primeir[oa][- ]ministr[oa])\b"),
    "secretary of state": re.compile(
        r"(?i)\b(?:secretary of state|secretari[oa] de estado|secrétaire d['’]état|außenminister(?:in)?)\b"),
    "president": re.compile(r"(?i)\b(?:president[ea]?|présidente?|präsident(?:in)?)\b"),
}


def _source_has_title(src: str, consensus: str, mine: str, *, same_language: bool) -> bool:
    """Does the aligned source sentence use the consensus title (and not this article's)?"""
    if same_language:
        return bool(re.search(re.escape(consensus), src))
    want, have = _TITLE_FORMS.get(fold(consensus)), _TITLE_FORMS.get(fold(mine))
    if want is None or have is None:
        return False
    return bool(want.search(src)) and not have.search(src)


def _check_titles(ctx: CheckContext) -> list[Finding]:
    """Rule (b), titles: this article's title for a person is used nowhere else for them."""
    out: list[Finding] = []
    mine = _titled(ctx.doc)
    if not mine:
        return out
    everyone = list(mine)
    for d in ctx.cluster:
        if d.id != ctx.doc.id:
            everyone.extend(_titled(d))
    for t in mine:
        elsewhere = [o for o in everyone if o is not t and (o.name <= t.name or t.name <= o.name)]
        if any(_compatible(o.title, t.title) for o in elsewhere):
            continue
        votes = Counter(fold(o.title) for o in elsewhere)
        if not votes:
            continue
        best, n = votes.most_common(1)[0]
        docs = sorted({o.doc_id for o in elsewhere if fold(o.title) == best})
        if n < 2 or not any(d != ctx.doc.id for d in docs) and n < 3:
            continue
        label = next(o.title for o in elsewhere if fold(o.title) == best)
        severity = "minor"
        src = None
        seg = segment_at(ctx.doc, t.start)
        if seg is not None and ctx.source is not None:
            src = ctx.aligned_source_text(seg.index)
            if src and _source_has_title(src, label, t.title, same_language=ctx.source.language == ctx.doc.language):
                severity = "major"
        others = [d for d in docs if d != ctx.doc.id]
        places = ["elsewhere in this article"] if ctx.doc.id in docs else []
        if others:
            places.append(f"in {wording.join_words(others)}")
        where = " and ".join(places)
        out.append(
            make_finding(
                ctx.doc,
                t.start,
                t.end,
                category=CATEGORY,
                severity=severity,
                message=(
                    f"This person is called “{t.title}” here but “{label}” {wording.times(n)} {where}: "
                    f"the title probably drifted in translation."
                ),
                detector=NAME,
                source_text=src,
                evidence={"rule": "title-drift", "title": t.title, "consensus_title": label, "documents": docs},
            )
        )
    return out


def run(ctx: CheckContext) -> list[Finding]:
    """All entity findings for ``ctx.doc`` (with source, cluster consensus, title drift)."""
    findings = _check_source_entities(ctx)
    findings.extend(name_swaps(ctx, _NOT_NAMES, {(f.start, f.end) for f in findings}))
    taken = {(f.start, f.end) for f in findings}
    findings.extend(_check_cluster_events(ctx, taken))
    findings.extend(_check_titles(ctx))
    return findings
