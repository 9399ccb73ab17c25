"""The QE contract shared by every model: inputs are validated here, once.

Quality estimation scores a translation from its source alone (no reference). Every
backend (our built-in model, a transformers regression checkpoint, a COMET
checkpoint) answers the same ``predict`` call with a :class:`QEResult`, so callers
(the CLI, the pipeline) never branch on the backend.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


class QEModelError(RuntimeError):
    """A model directory that cannot be used (missing, unrecognised, malformed).

    The message is always one line, fit to print after ``error:`` in a CLI.
    """


@dataclass(frozen=True)
class ErrorSpan:
    """Words of the translation judged wrong: ``translation[start:end] == text``.

    Models that align words (QE v2) also say which source words the span renders:
    ``source[src_start:src_end] == src_text``; ``None`` when no source word was found.
    """

    start: int
    end: int
    text: str
    p_error: float
    src_start: int | None = None
    src_end: int | None = None
    src_text: str | None = None


@dataclass(frozen=True)
class QEResult:
    """Per-pair scores in [0, 1] (higher is better), error spans and all word probabilities.

    ``word_probs[i]`` lists ``(start, end, p_error)`` for every word of translation
    ``i`` (character offsets into that translation); ``spans[i]`` keeps the words whose
    ``p_error`` exceeds the threshold used. ``signature`` names model, version and
    settings, like sacrebleu's signatures, so reported numbers are reproducible.
    A pair the model does not cover gives ``available=False``, ``None`` scores, no
    spans and a one-line ``reason``.
    """

    scores: list[float | None]
    spans: list[list[ErrorSpan]]
    word_probs: list[list[tuple[int, int, float]]]
    system_score: float | None
    signature: str
    metadata: dict = field(default_factory=dict, compare=False)
    #: False when the model does not cover the language pair: every score is None and
    #: ``reason`` says so ("QE not available for es→en"), never a made-up number.
    available: bool = True
    reason: str | None = None


def validate_lang(code: str) -> str:
    """ISO 639-1 code for ``code``; ``ValueError("unknown language code 'xx'")`` otherwise."""
    try:
        from auditor.text.langid import normalize_lang
    except ImportError:  # pragma: no cover - langid module absent
        normalize_lang = None
    if not isinstance(code, str):
        raise ValueError(f"unknown language code {code!r}")
    if normalize_lang is not None:
        try:
            return normalize_lang(code)
        except ValueError:
            raise ValueError(f"unknown language code {code!r}") from None
    low = code.strip().lower()  # pragma: no cover
    if len(low) == 2 and low.isalpha():  # pragma: no cover
        return low
    raise ValueError(f"unknown language code {code!r}")  # pragma: no cover


def validate_inputs(
    sources: Sequence[str], translations: Sequence[str], src_lang: str, tgt_lang: str
) -> tuple[list[str], list[str], str, str]:
    """Check shapes and types once for all backends; returns lists and normalised codes."""
    if isinstance(sources, str) or isinstance(translations, str):
        raise TypeError("sources and translations must be sequences of strings, not strings")
    srcs, tgts = list(sources), list(translations)
    if len(srcs) != len(tgts):
        raise ValueError(f"got {len(srcs)} sources but {len(tgts)} translations; they must pair up one to one")
    for i, (s, t) in enumerate(zip(srcs, tgts)):
        if not isinstance(s, str) or not isinstance(t, str):
            raise TypeError(f"pair {i}: sources and translations must be str")
    return srcs, tgts, validate_lang(src_lang), validate_lang(tgt_lang)


def spans_from_probs(
    translation: str, probs: list[tuple[int, int, float]], threshold: float
) -> list[ErrorSpan]:
    """The words of ``probs`` above ``threshold`` as :class:`ErrorSpan` objects."""
    return [ErrorSpan(s, e, translation[s:e], p) for s, e, p in probs if p > threshold]


class QEModel:
    """Base class: subclasses implement ``_predict`` on validated inputs.

    ``word_threshold`` (default 0.5) decides which words become :class:`ErrorSpan`.
    """

    name: str = "qe"
    word_threshold: float = 0.5

    @property
    def signature(self) -> str:  # pragma: no cover - overridden
        return self.name

    def covered_pairs(self) -> tuple[str, ...] | None:
        """Language pairs ("en-de") the model was trained for; None means any pair.

        External checkpoints (COMET, transformers) do not declare theirs, so they say None.
        """
        return None

    def covers(self, src_lang: str, tgt_lang: str) -> bool:
        """Whether ``predict`` gives real scores for this (normalised) pair."""
        pairs = self.covered_pairs()
        return pairs is None or f"{src_lang}-{tgt_lang}" in pairs

    def unavailable_reason(self, src_lang: str, tgt_lang: str) -> str:
        """The one-line message for a pair the model does not cover."""
        return f"QE not available for {src_lang}→{tgt_lang}"

    def predict(
        self,
        sources: Sequence[str],
        translations: Sequence[str],
        src_lang: str,
        tgt_lang: str,
        *,
        batch_size: int = 64,
    ) -> QEResult:
        """Score each (source, translation) pair; see :class:`QEResult`."""
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        srcs, tgts, sl, tl = validate_inputs(sources, translations, src_lang, tgt_lang)
        if not self.covers(sl, tl):
            n = len(srcs)
            return QEResult([None] * n, [[] for _ in range(n)], [[] for _ in range(n)], None, self.signature,
                            available=False, reason=self.unavailable_reason(sl, tl))
        if not srcs:
            return QEResult([], [], [], 0.0, self.signature)
        out = self._predict(srcs, tgts, sl, tl, batch_size)
        if len(out) == 3:  # the model built its own spans (merged words with their source side)
            scores, word_probs, spans = out
        else:
            scores, word_probs = out
            spans = [spans_from_probs(t, wp, self.word_threshold) for t, wp in zip(tgts, word_probs)]
        scores = [float(min(1.0, max(0.0, s))) for s in scores]
        meta = {}
        t = self.finding_threshold(sl, tl)
        if t is not None:  # with the word threshold it was raised from (the severity line moves as much)
            meta.update(finding_threshold=t, word_threshold=float(self.word_threshold))
        return QEResult(scores, spans, word_probs, float(sum(scores) / len(scores)), self.signature, meta)

    def finding_threshold(self, src_lang: str, tgt_lang: str) -> float | None:
        """The lowest span probability an audit reports as a finding for this pair, when the
        model calibrates one (QE v2: ``finding-thresholds.tsv``); None: the audit's default."""
        return None

    def _predict(
        self, sources: list[str], translations: list[str], src_lang: str, tgt_lang: str, batch_size: int
    ) -> tuple:  # pragma: no cover - abstract
        """``(scores, word_probs)``, or ``(scores, word_probs, spans)`` for a model that builds its spans."""
        raise NotImplementedError
