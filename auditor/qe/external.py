"""Backends for checkpoints users bring: transformers regression models and COMET.

Both load strictly from local files (``local_files_only=True``, ``HF_HUB_OFFLINE=1``)
because the auditor must never reach the network at run time. Long pairs are never
cut at the tokenizer's maximum length: both sides are split into proportional,
overlapping token windows, each window pair is scored and the scores are averaged
weighted by window length.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

from .interface import QEModel, QEModelError


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:200]}" if text else type(exc).__name__


def _offline() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def windows(n: int, count: int, overlap: int) -> list[tuple[int, int]]:
    """``count`` proportional windows over ``range(n)``, each widened by ``overlap`` on both sides."""
    if n == 0:
        return [(0, 0)] * count
    out = []
    for k in range(count):
        a = (n * k) // count
        b = (n * (k + 1)) // count
        out.append((max(0, a - overlap), min(n, b + overlap)))
    return out


class TransformersQEModel(QEModel):
    """A local ``AutoModelForSequenceClassification`` with one regression output.

    Score = sigmoid(output) unless ``score="raw-clip"`` (output clipped to [0, 1],
    for models trained on [0, 1] targets such as TransQuest's). No word spans.
    """

    def __init__(self, path: str | Path, *, score: str = "sigmoid", overlap: int = 16, word_threshold: float = 0.5) -> None:
        _offline()
        self.path = Path(path)
        if score not in ("sigmoid", "raw-clip"):
            raise ValueError("score must be 'sigmoid' or 'raw-clip'")
        self.score_mode = score
        self.word_threshold = word_threshold
        try:
            import torch
            from transformers import AutoConfig, AutoModelForSequenceClassification, AutoTokenizer

            cfg = AutoConfig.from_pretrained(str(self.path), local_files_only=True)
            if getattr(cfg, "num_labels", 1) != 1:
                raise QEModelError(f"{self.path}: expected a regression head (num_labels=1), found {cfg.num_labels} labels")
            self.tokenizer = AutoTokenizer.from_pretrained(str(self.path), local_files_only=True)
            self.model = AutoModelForSequenceClassification.from_pretrained(str(self.path), local_files_only=True)
        except QEModelError:
            raise
        except Exception as exc:
            raise QEModelError(f"{self.path}: cannot load transformers checkpoint ({_one_line(exc)})") from None
        self.model.eval()
        self._torch = torch
        limits = [512]
        tml = getattr(self.tokenizer, "model_max_length", None)
        if isinstance(tml, int) and 0 < tml < 100_000:
            limits.append(tml)
        mpe = getattr(self.model.config, "max_position_embeddings", None)
        if isinstance(mpe, int) and mpe > 0:
            # RoBERTa-style models reserve padding_idx + 1 positions
            limits.append(mpe - (getattr(self.model.config, "pad_token_id", 0) or 0) - 1)
        self.max_length = min(limits)
        self.overlap = overlap
        self.n_special = self.tokenizer.num_special_tokens_to_add(pair=True)

    @property
    def name(self) -> str:  # type: ignore[override]
        return self.path.name

    @property
    def signature(self) -> str:
        arch = (getattr(self.model.config, "architectures", None) or [type(self.model).__name__])[0]
        return f"qe:hf:{self.name}|arch:{arch}|score:{self.score_mode}|max_len:{self.max_length}|overlap:{self.overlap}"

    def _spans(self, text: str) -> list[tuple[int, int]]:
        """Character span of every token of ``text`` (whitespace words for slow tokenizers)."""
        try:
            enc = self.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
            return [(int(a), int(b)) for a, b in enc["offset_mapping"]]
        except (NotImplementedError, TypeError, ValueError):  # slow tokenizer: no offsets
            import re

            spans = []
            for m in re.finditer(r"\S+", text):
                n = len(self.tokenizer(m.group(0), add_special_tokens=False)["input_ids"])
                spans.extend([(m.start(), m.end())] * max(1, n))
            return spans

    def _windows(self, src: str, tgt: str) -> list[tuple[str, str]]:
        """Text window pairs that together cover all of both sides, each within ``max_length``.

        Windows are cut at token boundaries (via offsets), proportionally on both sides
        so that each source window roughly faces its translation, with ``overlap``
        tokens of context on each side; a small margin absorbs re-tokenisation drift.
        """
        s, t = self._spans(src), self._spans(tgt)
        budget = self.max_length - self.n_special - 4
        if len(s) + len(t) <= budget:
            return [(src, tgt)]

        def piece(text: str, spans: list[tuple[int, int]], a: int, b: int) -> str:
            return text[spans[a][0] : spans[b - 1][1]] if b > a else ""

        ov = min(self.overlap, budget // 8)  # context may use at most half of a window
        count = max(2, math.ceil((len(s) + len(t)) / max(1, budget - 4 * ov)))
        while True:
            ws, wt = windows(len(s), count, ov), windows(len(t), count, ov)
            if all((b - a) + (d - c) <= budget for (a, b), (c, d) in zip(ws, wt)):
                return [(piece(src, s, a, b), piece(tgt, t, c, d)) for (a, b), (c, d) in zip(ws, wt)]
            count += 1

    def _predict(self, sources, translations, src_lang, tgt_lang, batch_size):
        torch = self._torch
        items: list[tuple[int, str, str]] = []
        for i, (s, t) in enumerate(zip(sources, translations)):
            for ws, wt in self._windows(s, t):
                items.append((i, ws, wt))
        sums = [0.0] * len(sources)
        weights = [0.0] * len(sources)
        for b in range(0, len(items), batch_size):
            chunk = items[b : b + batch_size]
            batch = self.tokenizer([c[1] for c in chunk], [c[2] for c in chunk], padding=True, return_tensors="pt")
            if batch["input_ids"].shape[1] > self.max_length:  # never truncate silently
                raise RuntimeError(f"window of {batch['input_ids'].shape[1]} tokens exceeds {self.max_length}")
            with torch.no_grad():
                out = self.model(**{k: v for k, v in batch.items() if k in ("input_ids", "attention_mask", "token_type_ids")})
            vals = out.logits.reshape(-1).tolist()
            for (i, ws, wt), v in zip(chunk, vals):
                sc = 1.0 / (1.0 + math.exp(-v)) if self.score_mode == "sigmoid" else min(1.0, max(0.0, v))
                w = max(1, len(ws) + len(wt))
                sums[i] += sc * w
                weights[i] += w
        scores = [s / w if w else 0.0 for s, w in zip(sums, weights)]
        return scores, [[] for _ in sources]


class CometQEModel(QEModel):
    """A COMET-family checkpoint (``checkpoints/model.ckpt`` + ``hparams.yaml``) via ``unbabel-comet``."""

    def __init__(self, path: str | Path, *, word_threshold: float = 0.5) -> None:
        _offline()
        self.path = Path(path)
        self.word_threshold = word_threshold
        ckpt = self.path if self.path.is_file() else next(iter(sorted(self.path.glob("checkpoints/*.ckpt"))), None)
        if ckpt is None:
            raise QEModelError(f"{self.path}: COMET directory without checkpoints/*.ckpt")
        try:
            import comet  # noqa: F401
        except ImportError:
            raise QEModelError(
                f"{self.path} is a COMET checkpoint; loading it needs the COMET package: pip install unbabel-comet"
            ) from None
        try:
            from comet import load_from_checkpoint

            self.model = load_from_checkpoint(str(ckpt))
        except Exception as exc:
            raise QEModelError(f"{ckpt}: cannot load COMET checkpoint ({_one_line(exc)})") from None
        self.ckpt = ckpt

    @property
    def signature(self) -> str:
        return f"qe:comet:{self.path.name}"

    def _predict(self, sources, translations, src_lang, tgt_lang, batch_size):  # pragma: no cover - needs comet
        data = [{"src": s, "mt": t} for s, t in zip(sources, translations)]
        out = self.model.predict(data, batch_size=batch_size, gpus=0, progress_bar=False)
        scores = [float(x) for x in out.scores]
        probs: list[list[tuple[int, int, float]]] = [[] for _ in sources]
        spans = getattr(getattr(out, "metadata", None), "error_spans", None)
        if spans:
            sev = {"minor": 0.6, "major": 0.8, "critical": 0.95}
            for i, lst in enumerate(spans):
                for sp in lst:
                    probs[i].append((int(sp["start"]), int(sp["end"]), sev.get(sp.get("severity", ""), 0.6)))
        return scores, probs
