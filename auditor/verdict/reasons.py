"""The verdict's top reasons in plain words, as a newsroom editor would say them.

Why a separate layer: the evidence lines are measurements ("source coverage 100%",
"p=0.64") that belong in JSON and HTML; an editor deciding whether to pull a story needs
the two or three facts behind the call in words. The wording lives in
``models/verdict/reasons.json`` (see its README); this module only picks which templates
apply, from the link, the findings and the learned detector's probability, and fills them.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

from ..text import wording
from ..types import Finding

REASONS_FILE = Path(__file__).resolve().parents[2] / "models" / "verdict" / "reasons.json"
_SEVERITY_WEIGHT = {"critical": 3.0, "major": 2.0, "minor": 1.0}


@lru_cache(maxsize=1)
def templates(path: str | None = None) -> dict:
    """The reason templates (read once per process)."""
    return json.loads(Path(path or REASONS_FILE).read_text(encoding="utf-8"))


def language_name(code: str | None) -> str:
    """The language's name as a reason says it (``models/text/language-names.tsv``).

    An article whose language was not determined "is in an undetermined language"
    (``undetermined`` in reasons.json), where a named one "is Spanish".
    """
    if not code or code.split("-")[0].lower() == "und":
        return templates()["undetermined"]
    return wording.language_name(code)


def not_assessed_reason(language: str | None, trained: Sequence[str]) -> str:
    t = templates()
    return t["not_assessed"].format(trained=" and ".join(language_name(c) for c in trained),
                                    language=language_name(language))


def not_assessed_with_source_reason(language: str | None, trained: Sequence[str], source_language: str | None) -> str:
    t = templates()
    return t["not_assessed_with_source"].format(trained=" and ".join(language_name(c) for c in trained),
                                                language=language_name(language),
                                                source_language=language_name(source_language))


def _quote(text: str, max_words: int) -> str | None:
    """The finding's words in quotes, or None when the span holds only punctuation
    (a doubled period, a stray mark): quoting ‘’ tells an editor nothing."""
    stripped = " ".join(text.split()).strip(" .,;:“”\"'‘’")
    if not stripped:
        return None
    words = stripped.split(" ")
    cut = " ".join(words[:max_words]) + ("…" if len(words) > max_words else "")
    return f"‘{cut}’"


def _template_for(f: Finding, tells: list[dict]) -> dict | None:
    rule = f.evidence.get("rule") if isinstance(f.evidence, dict) else None
    for t in tells:
        if "rule" in t:
            if rule == t["rule"]:
                return t
            continue
        if t.get("detector") == f.detector and t.get("category", f.category) == f.category:
            return t
    return None


def _named_language(findings: Iterable[Finding]) -> str | None:
    """The language the detectors' messages name most often ("literal rendering of Spanish ...")."""
    names = [n for c, n in wording.language_names().items() if c != "en"]
    counts: Counter[str] = Counter()
    for f in findings:
        for n in names:
            if n in f.message:
                counts[n] += 1
    return counts.most_common(1)[0][0] if counts else None


def tell_reasons(findings: Sequence[Finding], detectors: Iterable[str], source_language: str | None) -> list[tuple[float, str]]:
    """(weight, reason) per kind of tell among the findings, heaviest first."""
    t = templates()
    allowed = set(detectors)
    groups: dict[object, list[Finding]] = {}
    chosen: dict[object, dict] = {}
    for f in findings:
        if f.detector not in allowed:
            continue
        tpl = _template_for(f, t["tells"])
        if tpl is None:
            continue
        key = tpl.get("group", t["tells"].index(tpl))  # templates sharing a group speak as one
        groups.setdefault(key, []).append(f)
        chosen.setdefault(key, tpl)
    out: list[tuple[float, str]] = []
    for key, fs in groups.items():
        tpl = chosen[key]
        lang = language_name(source_language) if source_language else (_named_language(fs) or "another language")
        seen: list[str] = []
        for f in sorted(fs, key=lambda f: (-_SEVERITY_WEIGHT[f.severity], f.start)):
            q = _quote(f.text, t["max_quote_words"])
            if q is not None and q not in seen:
                seen.append(q)
        quoted = seen[: t["max_quoted"]]
        if not quoted:
            continue
        spans = wording.join_words(quoted)
        text = tpl["one" if len(quoted) == 1 else "many"].format(spans=spans, language=lang)
        out.append((sum(_SEVERITY_WEIGHT[f.severity] for f in fs), text))
    return sorted(out, key=lambda wr: -wr[0])


def relation_reason(relation: str | None, source_language: str | None, regular: bool,
                    machine: bool | None = None) -> str | None:
    """The relation in plain words. ``machine`` False (the verdict is not machine
    translation): a regular translation or a round trip is stated as a fact, not in the
    words that argue for machine output."""
    rel = templates()["relation"]
    if relation == "translation":
        key = "translation_regular" if regular else "translation_irregular"
        if regular and machine is False:
            key = "translation_regular_human"
        return rel[key].format(source_language=language_name(source_language))
    if relation == "round_trip" and machine is False:
        return rel["round_trip_human"]
    return rel.get(relation or "")


def model_reason(p_model: float | None) -> tuple[str, bool] | None:
    """The learned detector's reading, and whether it is decisive (high or low)."""
    if p_model is None:
        return None
    m = templates()["model"]
    if p_model >= 0.8:
        return m["high"], True
    if p_model <= 0.2:
        return m["low"], True
    return m["middle"], False


def top_reasons(*, relation: str | None, source_language: str | None, regular: bool,
                findings: Sequence[Finding], detectors: Iterable[str], p_model: float | None,
                machine: bool | None = None) -> tuple[str, ...]:
    """At most ``max_reasons`` reasons: the relation, the weightiest tells, the model's reading.

    ``machine``: whether the verdict is machine translation. When a sentence-for-sentence
    relation is judged not to be, the model's reading is what decided, so it is given."""
    t = templates()
    reasons: list[str] = []
    rel = relation_reason(relation, source_language, regular, machine)
    if rel:
        reasons.append(rel)
    tells = tell_reasons(findings, detectors, source_language if relation == "translation" else None)
    reasons.extend(text for _, text in tells)
    model = model_reason(p_model)
    if not tells:
        reasons.append(t["no_tells"])
    decided_by_model = machine is False and relation in ("translation", "round_trip") and regular
    if model is not None and (model[1] or len(reasons) < 2 or decided_by_model):
        reasons.append(model[0])
    return tuple(reasons[: t["max_reasons"]])
