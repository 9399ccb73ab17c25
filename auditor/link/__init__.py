"""Link: for every article, find its source within the set and how it relates to it.

Evidence, per pair of articles:

* same language: five-word shingle containment (exact; MinHash LSH proposes the
  candidate pairs when the set is large). Copies keep long word runs; independent
  articles about one event share almost none.
* any languages: sentence embeddings from a multilingual encoder. A translation has,
  for most of its sentences, a sentence in the other article with a high cross-lingual
  similarity; an independent article about the same event is close as a whole (mean
  embedding) but has few sentence-level matches.

Direction (which one is the source) comes from, in order: the user's ``--source``,
publication dates, containment (a cut copy is contained in its source), for
translations the article that is related to most others (the hub of the story), and
last, for a translation pair with nothing else to go on, the MT detector's text-only
probability on the English side (at or above ``mtside.MT_EVIDENCE_THRESHOLD`` the
English article reads as a translation, so it is the translation: :mod:`.mtside`),
and only then a language prior
(``LinkConfig.source_languages``: international news mostly flows out of English wire
copy, so an English article is taken as the source of its translation). Length decides
only between same-language copies: across languages it says more about the language
pair than about who translated whom. ``Link.evidence["direction"]`` records which cue
decided, so a report never presents a guess as a finding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from ..types import Link, SegmentedDocument
from . import mtside as mts
from . import roundtrip as rt
from . import shingles as sh

#: A declared source is called a mismatch below this fraction of the linker's own
#: thresholds (translation share, edited-copy containment): "far below what a
#: translation or a copy shows", not merely a partial one.
MISMATCH_FRACTION = 0.5

RELATION_RANK = {"verbatim_copy": 3, "edited_copy": 2, "round_trip": 2, "translation": 2, "same_story": 0}


@dataclass(frozen=True)
class LinkConfig:
    verbatim_containment: float = 0.9  # both directions: near-identical text
    edited_containment: float = 0.2  # one direction: a substantial copied share
    sentence_match: float | None = None  # cross-lingual sentence match (encoder default)
    translation_share: float = 0.5  # share of the shorter article's sentences matched
    # ... and at least this many of them: a story's headline matches across languages in
    # any two articles on it, so one matched sentence of a two-sentence excerpt is not a
    # translation (realpages: native English pages linked to a 2-sentence Spanish wire)
    translation_min_matches: int = 2
    same_story: float | None = None  # document similarity for "same story" (encoder default)
    lsh_above: int = 40  # use MinHash LSH for candidates above this many articles
    max_candidates: int = 8  # cross-lingual candidates examined per article
    # Languages most likely to be the source of a translation, most likely first; used
    # only when dates and the story's link structure do not decide the direction.
    source_languages: tuple[str, ...] = ("en",)
    round_trip: rt.RoundTripConfig = rt.RoundTripConfig()


# Per-encoder calibration: cosine ranges differ a lot between encoders (e5's cosines are
# compressed near 1, USE spreads them). Measured on NTREX translations vs. other stories
# (benchmarks/bench_link_ntrex.py).
ENCODER_THRESHOLDS: dict[str, dict[str, float]] = {
    "use": {"sentence_match": 0.55, "same_story": 0.45, "prefilter": 0.30},
    "e5": {"sentence_match": 0.86, "same_story": 0.83, "prefilter": 0.78},
    "hashing": {"sentence_match": 0.5, "same_story": 0.35, "prefilter": 0.2},
}


def _thresholds(encoder_name: str) -> dict[str, float]:
    for key, value in ENCODER_THRESHOLDS.items():
        if encoder_name.startswith(key):
            return value
    return ENCODER_THRESHOLDS["use"]


@dataclass
class _PairEvidence:
    a: str
    b: str
    relation: str
    score: float
    evidence: dict[str, float] = field(default_factory=dict)
    source: str = ""  # which of a, b is the source


def _date_key(doc: SegmentedDocument) -> str | None:
    d = doc.document.date
    return d[:10] if d else None


def link_documents(
    docs: Sequence[SegmentedDocument],
    embed: Callable[[SegmentedDocument], np.ndarray],
    *,
    encoder_name: str = "use",
    forced_source: str | None = None,
    config: LinkConfig = LinkConfig(),
    semantic_embed: Callable[[SegmentedDocument], np.ndarray] | None = None,
    pair_embed: Callable[[SegmentedDocument, SegmentedDocument], tuple[np.ndarray, np.ndarray, str]] | None = None,
    mt_probability: mts.MtProbability | None = None,
) -> dict[str, Link]:
    """Return, for each article that has one, the Link to its source.

    ``embed(doc)`` returns the L2-normalised sentence embeddings of ``doc`` (one row per
    segment). ``semantic_embed`` (default ``embed``) is the sentence encoder for the
    round-trip test of same-language pairs: one-language runs link with lexical
    hashing, and a round trip is exactly the pair whose words differ, so the pipeline
    passes a real sentence encoder there (called only for pairs the shingles leave
    open). ``pair_embed(a, b)`` (optional) gives a cross-language pair's embeddings
    from the encoder chosen for that pair's languages, and its name (the pair is then
    judged on that encoder's thresholds and ``evidence["encoder"]`` names it).
    ``mt_probability(doc)`` (optional; :func:`.mtside.text_only_probability`) is the MT
    detector's text-only p for the English side of a translation pair that nothing else
    orients; it is called only for such pairs (see :mod:`.mtside`).
    Articles with no related article get no entry.
    """
    semantic = semantic_embed or embed
    by_id = {d.id: d for d in docs}
    ids = [d.id for d in docs]
    th = _thresholds(encoder_name)
    sent_t = config.sentence_match if config.sentence_match is not None else th["sentence_match"]
    story_t = config.same_story if config.same_story is not None else th["same_story"]

    shingle_sets = {d.id: sh.shingles(d.text) for d in docs}
    embs = {d.id: embed(d) for d in docs}
    doc_vec = {}
    for i in ids:
        e = embs[i]
        v = e.mean(axis=0) if len(e) else np.zeros(1, dtype=np.float32)
        n = float(np.linalg.norm(v))
        doc_vec[i] = v / n if n > 0 else v

    # Candidate pairs: all pairs for small sets; LSH + nearest documents for large ones.
    if len(ids) <= config.lsh_above:
        pairs = {(a, b) for k, a in enumerate(ids) for b in ids[k + 1 :]}
    else:
        pairs = sh.candidate_pairs(shingle_sets)
        mat = np.stack([doc_vec[i] for i in ids]) if ids else np.zeros((0, 1))
        sims = mat @ mat.T
        for r, a in enumerate(ids):
            order = np.argsort(-sims[r])
            taken = 0
            for c in order:
                if c == r:
                    continue
                if sims[r, c] < th["prefilter"] or taken >= config.max_candidates:
                    break
                pairs.add(tuple(sorted((a, ids[c]))))  # type: ignore[arg-type]
                taken += 1

    found: list[_PairEvidence] = []
    for a, b in sorted(pairs):
        da, db = by_id[a], by_id[b]
        doc_sim = float(doc_vec[a] @ doc_vec[b]) if embs[a].size and embs[b].size else 0.0
        ev: dict[str, float] = {"doc_similarity": round(doc_sim, 4)}
        relation = None
        score = 0.0
        if da.language == db.language:
            ca = sh.containment(shingle_sets[a], shingle_sets[b])
            cb = sh.containment(shingle_sets[b], shingle_sets[a])
            ev.update(containment_a_in_b=round(ca, 4), containment_b_in_a=round(cb, 4),
                      jaccard=round(sh.jaccard(shingle_sets[a], shingle_sets[b]), 4))
            if min(ca, cb) >= config.verbatim_containment:
                relation, score = "verbatim_copy", min(ca, cb)
            elif rt.lexically_possible(ca, cb, config.round_trip):
                got = rt.parallel_evidence(semantic(da), semantic(db), config.round_trip)
                if got is not None:
                    ev.update(got)
                    relation, score = "round_trip", got["round_trip_share"]
            if relation is None and max(ca, cb) >= config.edited_containment:
                relation, score = "edited_copy", max(ca, cb)
        pair_story_t = story_t
        if relation is None and embs[a].size and embs[b].size and da.language != db.language:
            ea, eb, pth, pair_sent_t = embs[a], embs[b], th, sent_t
            if pair_embed is not None:
                ea, eb, pair_name = pair_embed(da, db)
                pth = _thresholds(pair_name)
                va, vb = ea.mean(axis=0), eb.mean(axis=0)
                doc_sim = float(va @ vb / max(float(np.linalg.norm(va) * np.linalg.norm(vb)), 1e-12))
                ev.update(doc_similarity=round(doc_sim, 4), encoder=pair_name)  # type: ignore[arg-type]
                pair_sent_t = config.sentence_match if config.sentence_match is not None else pth["sentence_match"]
                pair_story_t = config.same_story if config.same_story is not None else pth["same_story"]
            if doc_sim >= pth["prefilter"]:
                sims = ea @ eb.T
                hit_a, hit_b = sims.max(axis=1) >= pair_sent_t, sims.max(axis=0) >= pair_sent_t
                share_a, share_b = float(hit_a.mean()), float(hit_b.mean())
                shorter, matched = (share_a, int(hit_a.sum())) if len(ea) <= len(eb) else (share_b, int(hit_b.sum()))
                ev.update(match_share_a=round(share_a, 4), match_share_b=round(share_b, 4))
                if shorter >= config.translation_share and matched >= config.translation_min_matches:
                    relation, score = "translation", shorter
        if relation is None and doc_sim >= pair_story_t:
            relation, score = "same_story", doc_sim
        if relation is not None:
            found.append(_PairEvidence(a, b, relation, float(score), ev))

    degree: dict[str, int] = {i: 0 for i in ids}
    for p in found:
        if p.relation != "same_story":
            degree[p.a] += 1
            degree[p.b] += 1
    # Translation partners in another language, per article: the MT-detector cue orients a
    # pair only where both sides have one (see .mtside: an article matched by translations
    # in several languages is the story's pivot, not the translation of each of them).
    partners: dict[str, int] = {i: 0 for i in ids}
    for p in found:
        if p.relation == "translation":
            partners[p.a] += 1
            partners[p.b] += 1
    for p in found:
        mt_p = mt_probability if partners[p.a] == partners[p.b] == 1 else None
        p.source, cue = _direction(p, by_id, degree, forced_source, config.source_languages, mt_p)
        p.evidence["direction"] = cue

    links: dict[str, Link] = {}
    best: dict[str, _PairEvidence] = {}
    # An article that is itself the reprint side of some pair is "derived". Between two
    # equally strong candidate sources, prefer one that is not derived: the translations
    # of one original are also close to each other, and the original is the better source.
    derived = {(p.b if p.source == p.a else p.a) for p in found if p.relation != "same_story"}

    def _key(p: _PairEvidence) -> tuple[int, bool, float]:
        return (RELATION_RANK[p.relation], p.source not in derived, p.score)

    for p in found:
        reprint = p.b if p.source == p.a else p.a
        if p.relation == "same_story":
            continue
        cur = best.get(reprint)
        if cur is None or _key(p) > _key(cur):
            best[reprint] = p
    # Break cycles (A<-B<-A cannot happen; longer ones can with mixed evidence).
    for reprint in sorted(best):
        seen = {reprint}
        node = best[reprint].source
        while node in best:
            if node in seen:
                weakest = min(
                    (r for r in seen if r in best), key=lambda r: (RELATION_RANK[best[r].relation], best[r].score)
                )
                del best[weakest]
                break
            seen.add(node)
            node = best[node].source
    for reprint, p in best.items():
        links[reprint] = Link(reprint, p.source, p.relation, round(p.score, 4), p.evidence,
                              forced=p.source == forced_source)
    # Same-story relations for articles with no copy/translation source.
    for p in sorted(found, key=lambda p: -p.score):
        if p.relation != "same_story":
            continue
        for me, other in ((p.a, p.b), (p.b, p.a)):
            if me not in links:
                links[me] = Link(me, other, "same_story", round(p.score, 4), p.evidence)
    return links


def _direction(
    p: _PairEvidence,
    by_id: dict[str, SegmentedDocument],
    degree: dict[str, int],
    forced_source: str | None,
    source_languages: Sequence[str] = ("en",),
    mt_probability: mts.MtProbability | None = None,
) -> tuple[str, str]:
    """Which of the pair is the source, and the cue that decided (see the module docstring)."""
    if forced_source in (p.a, p.b):
        return forced_source, "user"  # type: ignore[return-value]
    da, db = _date_key(by_id[p.a]), _date_key(by_id[p.b])
    if da and db and da != db:
        return (p.a if da < db else p.b), "date"
    if p.relation == "round_trip":
        # The original is the side with the rarer, less translated-sounding wording.
        reprint, cues = rt.round_trip_side(by_id[p.a], by_id[p.b])
        if reprint is not None:
            p.evidence.update(cues)
            return (p.b if reprint == p.a else p.a), "wording"
    if p.relation in ("verbatim_copy", "edited_copy"):
        ca = p.evidence.get("containment_a_in_b", 0.0)
        cb = p.evidence.get("containment_b_in_a", 0.0)
        if abs(ca - cb) > 0.02:
            # The article mostly contained in the other is the (cut) copy.
            return (p.b if ca > cb else p.a), "containment"
    if degree[p.a] != degree[p.b]:
        return (p.a if degree[p.a] > degree[p.b] else p.b), "hub"
    la_, lb_ = by_id[p.a].language, by_id[p.b].language
    if la_ != lb_ and p.relation == "translation" and mt_probability is not None:
        # Before the prior: does the English side read as a translation? (see .mtside)
        translated, ev = mts.translated_side(by_id[p.a], by_id[p.b], mt_probability)
        p.evidence.update(ev)
        if translated is not None:
            return (p.b if translated == p.a else p.a), "mt-evidence"
    if la_ != lb_:
        rank = {lang: k for k, lang in enumerate(source_languages)}
        ra, rb = rank.get(la_, len(rank)), rank.get(lb_, len(rank))
        if ra != rb:
            return (p.a if ra < rb else p.b), "language prior"
        return min(p.a, p.b), "undecided"
    la, lb = len(by_id[p.a].text), len(by_id[p.b].text)
    if la != lb:
        return (p.a if la > lb else p.b), "length"
    return min(p.a, p.b), "undecided"


def force_link(
    reprint: SegmentedDocument,
    source: SegmentedDocument,
    embed: Callable[[SegmentedDocument], np.ndarray],
    semantic_embed: Callable[[SegmentedDocument], np.ndarray] | None = None,
    config: LinkConfig = LinkConfig(),
    *,
    encoder_name: str | None = None,
) -> Link:
    """The Link for a pair the user declared (``compare`` or ``--source``).

    The pair is linked whatever the evidence (the user said so), but the evidence says
    how well it holds: ``declared_mismatch`` = 1 when the source does not look like this
    article's source on the linker's own thresholds (see :func:`declared_evidence`).
    ``encoder_name`` picks the cross-lingual thresholds (default: ``embed.encoder``).
    """
    if reprint.language == source.language:
        a, b = sh.shingles(reprint.text), sh.shingles(source.text)
        ca, cb = sh.containment(a, b), sh.containment(b, a)
        relation = "verbatim_copy" if min(ca, cb) >= config.verbatim_containment else "edited_copy"
        ev = {"containment_reprint_in_source": round(ca, 4), "containment_source_in_reprint": round(cb, 4)}
        score = ca
        if relation == "edited_copy" and rt.lexically_possible(ca, cb, config.round_trip):
            sem = semantic_embed or embed
            got = rt.parallel_evidence(sem(source), sem(reprint), config.round_trip)
            if got is not None:
                ev.update(got)
                relation, score = "round_trip", got["round_trip_share"]
        if relation == "edited_copy":
            ev.update(_declared_copy_evidence(reprint, source, b, a, max(ca, cb), config))
        return Link(reprint.id, source.id, relation, round(score, 4), ev, forced=True)
    er, es = embed(reprint), embed(source)
    share = float((er @ es.T).max(axis=1).mean()) if er.size and es.size else 0.0
    ev = {"mean_best_match": round(share, 4)}
    name = encoder_name or getattr(getattr(embed, "encoder", None), "name", None) or "use"
    ev.update(declared_evidence(er, es, _thresholds(name)["sentence_match"]
                                if config.sentence_match is None else config.sentence_match, config))
    return Link(reprint.id, source.id, "translation", round(share, 4), ev, forced=True)


def _declared_copy_evidence(
    reprint: SegmentedDocument,
    source: SegmentedDocument,
    source_shingles: frozenset[str],
    reprint_shingles: frozenset[str],
    containment: float,
    config: LinkConfig,
) -> dict[str, float]:
    """The same test for a same-language declared source: the edited-copy containment.

    The decision is the linker's (shared five-word runs, either direction); the counts
    say it in sentences for the report: a sentence of the shorter article matches when
    most of its five-word runs are in the other article.
    """
    short, other = (reprint, source_shingles) if len(reprint.segments) <= len(source.segments) else (source, reprint_shingles)
    matched = sum(1 for seg in short.segments if sh.containment(sh.shingles(seg.text), other) >= 0.5)
    n = len(short.segments)
    return {"declared_matched": float(matched), "declared_sentences": float(n),
            "declared_match_share": round(matched / n, 4) if n else 0.0,
            "declared_mismatch": float(containment < config.edited_containment * MISMATCH_FRACTION)}


def declared_evidence(er: np.ndarray, es: np.ndarray, sentence_match: float, config: LinkConfig) -> dict[str, float]:
    """Whether a declared cross-language source looks like one, on the linker's own test.

    The linker calls a pair a translation when at least ``translation_share`` of the
    shorter article's sentences have a counterpart at ``sentence_match`` or above. A
    declared source is taken as given, but one that falls below half of that share is
    far from any translation the linker accepts (an unrelated text given by mistake);
    ``declared_mismatch`` = 1 tells the pipeline not to report every sentence as added.
    """
    if not (er.size and es.size):
        return {"declared_matched": 0.0, "declared_sentences": float(max(len(er), len(es))),
                "declared_match_share": 0.0, "declared_mismatch": 1.0}
    sims = er @ es.T
    shorter = sims.max(axis=1) if len(er) <= len(es) else sims.max(axis=0)
    matched = int((shorter >= sentence_match).sum())
    share = matched / len(shorter)
    return {"declared_matched": float(matched), "declared_sentences": float(len(shorter)),
            "declared_match_share": round(share, 4),
            "declared_mismatch": float(share < config.translation_share * MISMATCH_FRACTION)}
