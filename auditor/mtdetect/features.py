"""Features of an English article for the MT detector, in two modes.

``text_only`` features read the English text alone: the shape of its sentences, its
vocabulary, its punctuation profile and the rule detectors' findings (per 100
sentences, so a long article is not "more machine-translated" than a short one).
Why these: machine translation is conservative and literal. It keeps one sentence for
each source sentence, repeats the same rendering, uses few contractions and little
typographic variety, and leaves tells that the rule detectors find (calques,
source-language date order, lost quotation marks).

``with_source`` adds what the source-candidate pair shows: cross-lingual similarity
bead by bead (MT stays close to the source; people paraphrase), the share of
one-to-one beads, coverage, order, how regular the length ratio is from sentence to
sentence, and whether numbers and punctuation marks survive.

Every feature is a plain float in a dict keyed by a stable name; the model stores the
names it was trained on and reads missing ones as the training mean (zero after
standardisation).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Iterable, Sequence

from ..types import DocumentResult, Finding, SegmentedDocument

MODES: tuple[str, ...] = ("with_source", "text_only")
DETECTOR_NAMES: tuple[str, ...] = (
    "dates", "numbers", "terminology", "entities", "punctuation", "spelling", "untranslated", "omissions", "qe",
)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_TOKEN = re.compile(r"\w+", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_CONTRACTION = re.compile(r"\b\w+(?:n['’]t|['’](?:re|ve|ll|d|m))\b|\b(?:it|that|there|he|she|what|who)['’]s\b", re.I)
FUNCTION_WORDS = frozenset(
    """a an the of in on at to for from by with about as into onto over under after before between
    through during without within and or but nor so yet if then than that which who whom whose what
    when where why how this these those it its they them their he him his she her we us our you your
    i me my is are was were be been being has have had do does did not no will would shall should can
    could may might must there here also very just only""".split()
)
# Punctuation marks whose rate per 100 words is a feature, by readable name.
PUNCT: dict[str, str] = {
    "comma": ",",
    "semicolon": ";",
    "colon": ":",
    "paren": "(",
    "dash": "–—",
    "hyphen": "-",
    "straight_quote": "\"",
    "curly_quote": "“”‘’«»",
    "apostrophe": "'",
    "exclaim": "!",
    "question": "?",
    "ellipsis": "…",
}


def _safe_div(a: float, b: float) -> float:
    return a / b if b else 0.0


def _mean_std(values: Sequence[float]) -> tuple[float, float]:
    if not values:
        return 0.0, 0.0
    m = sum(values) / len(values)
    return m, math.sqrt(sum((v - m) ** 2 for v in values) / len(values))


def _mattr(words: Sequence[str], window: int = 50) -> float:
    """Moving-average type-token ratio: TTR that does not fall with document length."""
    if not words:
        return 0.0
    if len(words) <= window:
        return len(set(words)) / len(words)
    counts = Counter(words[:window])
    total = len(counts) / window
    n = 1
    for i in range(window, len(words)):
        counts[words[i]] += 1
        old = words[i - window]
        counts[old] -= 1
        if counts[old] == 0:
            del counts[old]
        total += len(counts) / window
        n += 1
    return total / n


def finding_features(findings: Iterable[Finding], n_sentences: int) -> dict[str, float]:
    """Findings per 100 sentences: by detector, by severity, and severity-weighted in all."""
    per = 100.0 / max(n_sentences, 1)
    by_det: Counter[str] = Counter()
    by_sev: Counter[str] = Counter()
    kinds: set[tuple[str, str]] = set()
    for f in findings:
        by_det[f.detector] += 1
        if f.detector == "qe":  # QE spans exist only where a QE model ran: counted apart
            continue
        by_sev[f.severity] += 1
        kinds.add((f.detector, f.category))
    out = {f"find_{d}": by_det[d] * per for d in DETECTOR_NAMES}
    out.update({f"sev_{s}": by_sev[s] * per for s in ("minor", "major", "critical")})
    out["find_weighted"] = (0.5 * by_sev["minor"] + 1.2 * by_sev["major"] + 2.0 * by_sev["critical"]) * per
    out["find_kinds"] = float(len(kinds))
    return out


def text_features(doc: SegmentedDocument, findings: Iterable[Finding] = ()) -> dict[str, float]:
    """Translationese and MT features of an English document alone."""
    sents = [s.text for s in doc.segments]
    n = len(sents)
    words_per = [len(_WORD.findall(s)) for s in sents]
    words = [w.lower() for s in sents for w in _WORD.findall(s)]
    nw = max(len(words), 1)
    text = " ".join(sents)
    per100 = 100.0 / nw
    mean_len, std_len = _mean_std(words_per)
    f: dict[str, float] = {
        "n_sentences_log": math.log1p(n),
        "sent_len_mean": mean_len,
        "sent_len_std": std_len,
        "sent_len_cv": _safe_div(std_len, mean_len),
        "sent_short_share": _safe_div(sum(1 for w in words_per if w <= 5), n),
        "sent_long_share": _safe_div(sum(1 for w in words_per if w >= 35), n),
        "word_len_mean": _safe_div(sum(len(w) for w in words), nw),
        "mattr": _mattr(words),
        "function_share": sum(1 for w in words if w in FUNCTION_WORDS) / nw,
        "the_rate": words.count("the") * per100,
        "contractions": len(_CONTRACTION.findall(text)) * per100,
        "capitalised_rate": sum(1 for s in sents for w in _WORD.findall(s)[1:] if w[:1].isupper()) * per100,
        "digits_rate": len(_NUMBER.findall(text)) * per100,
        "no_final_punct": _safe_div(sum(1 for s in sents if s and s[-1] not in ".!?…\"'”’»)"), n),
        "starts_lower": _safe_div(sum(1 for s in sents if s[:1].islower()), n),
    }
    for name, chars in PUNCT.items():
        f[f"p_{name}"] = sum(text.count(c) for c in chars) * per100
    quotes = f["p_straight_quote"] + f["p_curly_quote"]
    f["p_quote"] = quotes  # typography folded: which kind of quote is the publisher's, not the writer's
    f["curly_quote_share"] = _safe_div(f["p_curly_quote"], quotes) if quotes else 0.5
    trigrams = [tuple(words[i:i + 3]) for i in range(len(words) - 2)]
    tri = Counter(trigrams)
    f["repeated_trigrams"] = _safe_div(sum(c for c in tri.values() if c > 1), len(trigrams))
    starts = Counter(" ".join(_WORD.findall(s)[:2]).lower() for s in sents if s)
    f["repeated_openings"] = _safe_div(sum(c for c in starts.values() if c > 1), n)
    f.update(finding_features(findings, n))
    return f


def _tokens(text: str, lang: str) -> int:
    """Token count; characters for scripts written without spaces."""
    if lang in ("zh", "ja", "ko", "th"):
        return len(re.sub(r"\s", "", text))
    return len(_TOKEN.findall(text))


def _marks(text: str) -> Counter[str]:
    out: Counter[str] = Counter()
    for name, chars in (("q", "?？"), ("x", "!！"), ("p", "(（"), ("c", ":："), ("quote", "\"“”«»「」『』„")):
        out[name] = sum(text.count(c) for c in chars)
    return out


def source_features(result: DocumentResult, source: SegmentedDocument) -> dict[str, float]:
    """Features of the source-candidate pair: alignment regularity, similarity, literalness."""
    doc, al, sc = result.doc, result.alignment, result.scores
    f: dict[str, float] = {}
    if al is None or sc is None:
        return f
    linked = [(k, p) for k, p in enumerate(al.pairs) if p.source and p.reprint]
    f["one_one_share"] = _safe_div(sum(1 for _, p in linked if len(p.source) == 1 and len(p.reprint) == 1), len(linked))
    f["bead_count_ratio"] = _safe_div(len(doc.segments), len(source.segments))
    f["source_coverage"] = sc.source_coverage if sc.source_coverage is not None else 0.0
    f["reprint_coverage"] = sc.reprint_coverage if sc.reprint_coverage is not None else 0.0
    f["monotonicity"] = sc.monotonicity if sc.monotonicity is not None else 1.0
    sims = [p.similarity for _, p in linked]
    if sc.pairs and len(sc.pairs) == len(al.pairs):
        xs = [sc.pairs[k].xsim for k, _ in linked if sc.pairs[k].xsim is not None]
        sims = xs or sims
    m, s = _mean_std(sims)
    f.update(xsim_mean=m, xsim_std=s, xsim_min=min(sims) if sims else 0.0,
             xsim_low_share=_safe_div(sum(1 for v in sims if v < 0.5), len(sims)))
    qes = [sc.pairs[k].qe for k, _ in linked if sc.pairs and len(sc.pairs) == len(al.pairs) and sc.pairs[k].qe is not None]
    if sc.qe is not None:
        f["qe_doc"] = sc.qe
    if qes:
        f["qe_min"] = min(qes)
    char_ratios, tok_ratios = [], []
    num_kept = num_total = 0
    mark_same = mark_total = 0
    for _, p in linked:
        s_text = " ".join(source.segments[i].text for i in p.source)
        r_text = " ".join(doc.segments[i].text for i in p.reprint)
        char_ratios.append(math.log((len(r_text) + 1) / (len(s_text) + 1)))
        tok_ratios.append(math.log((_tokens(r_text, doc.language) + 1) / (_tokens(s_text, source.language) + 1)))
        s_nums = Counter(re.sub(r"[.,]", "", x) for x in _NUMBER.findall(s_text))
        r_nums = Counter(re.sub(r"[.,]", "", x) for x in _NUMBER.findall(r_text))
        num_total += sum(s_nums.values())
        num_kept += sum((s_nums & r_nums).values())
        sm, rm = _marks(s_text), _marks(r_text)
        for key in ("q", "x", "p", "c", "quote"):
            if sm[key] or rm[key]:
                mark_total += 1
                mark_same += (sm[key] > 0) == (rm[key] > 0)
    cm, cs = _mean_std(char_ratios)
    tm, ts = _mean_std(tok_ratios)
    f.update(char_ratio_mean=cm, char_ratio_std=cs, tok_ratio_mean=tm, tok_ratio_std=ts)
    f["numbers_kept"] = _safe_div(num_kept, num_total) if num_total else 1.0
    f["marks_kept"] = _safe_div(mark_same, mark_total) if mark_total else 1.0
    return f


def bead_texts(result: DocumentResult, source: SegmentedDocument) -> list[tuple[str, str]]:
    """(source text, reprint text) of every aligned bead with both sides."""
    al, doc = result.alignment, result.doc
    if al is None:
        return []
    return [(" ".join(source.segments[i].text for i in p.source), " ".join(doc.segments[i].text for i in p.reprint))
            for p in al.pairs if p.source and p.reprint]


def extract_features(result: DocumentResult, docs: dict[str, SegmentedDocument], mode: str,
                     text_findings: Iterable[Finding] | None = None,
                     lexicons: dict[str, dict[str, float]] | None = None, e5_head=None,
                     cross_mt=None) -> dict[str, float]:
    """Features of one audited article for ``mode`` ("with_source" or "text_only").

    ``text_findings`` are the findings to count for the text features (defaults to the
    result's own); training passes the findings of a source-less run there so that the
    text-only model never sees source-based findings it will not have at inference.
    ``lexicons`` (the detector's n-gram tables by feature name, :mod:`.lexical`) add one
    feature each (``lexical_mt``: MT vs human translation; ``lexical_translated``:
    translated vs native English). ``e5_head`` (:class:`.e5head.E5Head`; either mode, passed
    when the mode's model stacks the term) adds ``e5_mt``, the token-encoder head's score
    of the English text; it raises ``E5Unavailable`` when the encoder cannot load (the
    verdict says so). ``cross_mt`` (with-source mode;
    :class:`.crossmt.CrossMT`) adds ``xenc_mt``, the cross-encoder's mean log-odds over the
    aligned sentence pairs.
    """
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}")
    findings = result.findings if text_findings is None else text_findings
    f = text_features(result.doc, findings)
    if mode == "with_source":
        source = docs.get(result.link.source_id) if result.link is not None else None
        if source is not None:
            f.update(source_features(result, source))
            if cross_mt is not None:
                x = cross_mt.score_pairs(bead_texts(result, source))
                if x is not None:
                    f["xenc_mt"] = x
    if lexicons:
        from .lexical import lexical_score

        text = "\n".join(s.text for s in result.doc.segments)
        for name, table in lexicons.items():
            f[name] = lexical_score(text, table)
    if e5_head is not None:
        f["e5_mt"] = e5_head.score_text(" ".join(s.text for s in result.doc.segments))
    return f
