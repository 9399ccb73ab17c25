"""The with-source detector's ``xenc_mt``: how machine-like each sentence renders its source.

A fine-tuned cross-encoder (:mod:`auditor.qe.cross`: frozen int8 e5-small blocks 1-8,
tuned blocks 9-12, a segment head; trained by :mod:`.cross_train` on WMT22 line pairs
of MT and human translations of the same sources, leave-systems-out) reads each aligned
(source, reprint) sentence pair together; ``xenc_mt`` is the mean of its log-odds. It
enters the with-source verdict as a stacked term when a detector file names it
(``cross_mt``; its weight fitted with the Platt map on held-out calibration windows).
The shipped detector does not: measured, the term raised WMT22's with-source AUC and
lowered real web pages' (model card, "Tried and not shipped").

Cost: one pass of e5 over each aligned pair (about 60 pairs/s on one CPU thread), with-source
verdicts only. :class:`~.e5head.E5Unavailable` is raised when the encoder cannot load;
the verdict then judges without the term and says so.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from .e5head import E5Unavailable

MAX_PAIRS = 200  # an article's first 200 aligned pairs are plenty for a mean


class CrossMT:
    def __init__(self, path: Path, meta: dict) -> None:
        from ..qe.cross import CrossModel

        self.model = CrossModel(path, meta)

    def score_pairs(self, pairs: Sequence[tuple[str, str]]) -> float | None:
        """Mean log-odds of machine translation over ``(source, English)`` pairs (None without pairs)."""
        pairs = [(s, t) for s, t in pairs if s.strip() and t.strip()][:MAX_PAIRS]
        if not pairs:
            return None
        try:
            from ..encoders.e5tok import get_token_encoder

            encoder = get_token_encoder(int8=True)
            outs = self.model.run(encoder, pairs, [[] for _ in pairs])
        except (ImportError, OSError, RuntimeError) as exc:
            raise E5Unavailable(f"the e5 cross-encoder could not run ({type(exc).__name__}: {str(exc)[:120]})") from None
        return float(sum(o.logit for o in outs) / len(outs))


def load_cross_mt(path: Path, meta: dict) -> CrossMT:
    """The cross-encoder of a detector file, built once per process (weights load on first use)."""
    if not path.is_file():
        raise E5Unavailable(f"{path.name} is missing beside the detector")
    return _cached(str(path), json.dumps({k: meta[k] for k in sorted(meta)}))


@lru_cache(maxsize=4)
def _cached(path: str, meta_json: str) -> CrossMT:
    return CrossMT(Path(path), json.loads(meta_json))
