"""Loading and running the built-in QE model (``models/qe-builtin``).

The directory is transformers-style: ``config.json`` (architecture, feature lists,
normalisation constants, version), ``model.safetensors`` (weights) and one gzipped
lexicon table per trained language pair under ``lexicons/``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from .embedding import USE_LANGS, embed
from .features import SEGMENT_FEATURES, WORD_FEATURES, PairFeatures, batch_features
from .interface import QEModel, QEModelError
from .lexicon import Lexicon

FORMAT_KEY = "auditor_qe"

#: Normalised features are clipped to this many standard deviations (rare binary
#: features such as ``number_absent`` legitimately reach about 17).
Z_CLIP = 50.0
#: A feature whose training standard deviation is below this never varied in training
#: (``lex_avail`` was 1.0 on every row, std 1e-6): it is scaled by 1.0 instead, so a
#: value the network never saw cannot become a z-score of -10^6 and saturate it.
STD_FLOOR = 1e-3


def safe_std(std: "np.ndarray") -> "np.ndarray":
    """``std`` with degenerate entries (below :data:`STD_FLOOR`) replaced by 1.0."""
    std = np.asarray(std, dtype=np.float32)
    return np.where(std < STD_FLOOR, np.float32(1.0), std).astype(np.float32)


def default_model_dir() -> Path:
    """``models/qe-builtin`` at the project root."""
    return Path(__file__).resolve().parents[2] / "models" / "qe-builtin"


class BuiltinQEModel(QEModel):
    """Feature MLP trained on MLQE-PE; see the model card in the model directory.

    ``use_embeddings=False`` skips the sentence encoder (much faster, somewhat worse;
    the network was trained with the embedding randomly hidden, so it knows this case).
    """

    def __init__(self, path: str | Path, *, use_embeddings: bool = True, word_threshold: float = 0.5) -> None:
        from safetensors.numpy import load_file

        self.path = Path(path)
        try:
            cfg = json.loads((self.path / "config.json").read_text(encoding="utf-8"))
            meta = cfg[FORMAT_KEY]
            if list(meta["segment_features"]) != list(SEGMENT_FEATURES) or list(meta["word_features"]) != list(WORD_FEATURES):
                raise QEModelError(f"{self.path}: model features differ from this auditor version; retrain the model")
            self.config = cfg
            self.pairs: list[str] = list(meta["pairs"])
            self.seg_mean = np.asarray(meta["segment_mean"], dtype=np.float32)
            self.seg_std = safe_std(meta["segment_std"])
            self.word_mean = np.asarray(meta["word_mean"], dtype=np.float32)
            self.word_std = safe_std(meta["word_std"])
            self.word_offset = float(meta.get("word_logit_offset", 0.0))
            self.version = str(meta.get("version", "0"))
            from .net import NumpyQENet

            state = load_file(str(self.path / "model.safetensors"))
            self.net = NumpyQENet(state, len(SEGMENT_FEATURES), len(WORD_FEATURES), len(self.pairs))
        except QEModelError:
            raise
        except Exception as exc:  # malformed json, missing keys, wrong tensor shapes
            msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise QEModelError(f"{self.path}: not a usable auditor QE model ({type(exc).__name__}: {msg[:160]})") from None
        self.use_embeddings = use_embeddings
        self.word_threshold = word_threshold
        self._lex: dict[str, Lexicon | None] = {}
        #: optional on-disk embedding cache (benchmarks/training reuse vectors; None at run time)
        self.embedding_cache: Path | None = None

    @property
    def name(self) -> str:  # type: ignore[override]
        return str(self.config.get("name", "qe-builtin"))

    @property
    def signature(self) -> str:
        emb = "use-v3" if self.use_embeddings else "none"
        return f"qe:{self.name}|v:{self.version}|emb:{emb}|wthr:{self.word_threshold:g}|pairs:{len(self.covered_pairs())}"

    def covered_pairs(self) -> tuple[str, ...]:
        """The MLQE-PE pairs the network and lexicons were trained on (``config.json``).

        Other pairs are refused rather than scored: without a lexicon and a pair
        embedding the v1 network has only length and punctuation features left, and its
        output on them was a constant 0.6098 for every segment.
        """
        return tuple(p for p in self.pairs if (self.path / "lexicons" / f"{p}.tsv.gz").exists())

    def lexicon(self, pair: str) -> Lexicon | None:
        """The lexicon of ``pair`` ("en-de"), loaded once; None when the pair was not trained."""
        if pair not in self._lex:
            f = self.path / "lexicons" / f"{pair}.tsv.gz"
            try:
                self._lex[pair] = Lexicon.load(pair, f) if f.exists() else None
            except (OSError, ValueError, EOFError) as exc:
                raise QEModelError(f"{f}: malformed lexicon ({exc})") from None
        return self._lex[pair]

    def pair_index(self, pair: str) -> int:
        return self.pairs.index(pair) + 1 if pair in self.pairs else 0

    def features(
        self, sources: list[str], translations: list[str], src_lang: str, tgt_lang: str
    ) -> list[PairFeatures]:
        pair = f"{src_lang}-{tgt_lang}"
        cos = None
        if self.use_embeddings and src_lang in USE_LANGS and tgt_lang in USE_LANGS:
            u = embed(sources, cache_dir=self.embedding_cache)
            v = embed(translations, cache_dir=self.embedding_cache)
            cos = (u * v).sum(axis=1)
        return batch_features(sources, translations, self.lexicon(pair), cos)

    def run(self, feats: list[PairFeatures], pair_idx: int) -> tuple[np.ndarray, list[np.ndarray]]:
        """z-scores and per-word error probabilities from precomputed features."""
        seg = np.clip((np.stack([f.segment for f in feats]) - self.seg_mean) / self.seg_std, -Z_CLIP, Z_CLIP)
        pairs = np.full(len(feats), pair_idx, dtype=np.int64)
        z = self.net.segment(seg.astype(np.float32), pairs)
        counts = [len(f.words) for f in feats]
        probs: list[np.ndarray] = []
        if sum(counts):
            w = np.clip((np.concatenate([f.words for f in feats]) - self.word_mean) / self.word_std, -Z_CLIP, Z_CLIP)
            zz = np.repeat(z, counts)
            pp = np.full(len(w), pair_idx, dtype=np.int64)
            logit = self.net.word(w.astype(np.float32), pp, zz) - self.word_offset
            flat = (1.0 / (1.0 + np.exp(-logit))).astype(np.float32)
            probs = list(np.split(flat, np.cumsum(counts)[:-1]))
        else:
            probs = [np.zeros(0, dtype=np.float32) for _ in feats]
        return z, probs

    def _predict(self, sources, translations, src_lang, tgt_lang, batch_size):
        pair_idx = self.pair_index(f"{src_lang}-{tgt_lang}")
        scores: list[float] = []
        word_probs: list[list[tuple[int, int, float]]] = []
        for i in range(0, len(sources), batch_size):
            s, t = sources[i : i + batch_size], translations[i : i + batch_size]
            feats = self.features(s, t, src_lang, tgt_lang)
            z, probs = self.run(feats, pair_idx)
            for f, zi, pr, tr in zip(feats, z, probs, t):
                if not tr.strip():
                    scores.append(0.0)  # nothing translated: worst score, no words
                else:
                    scores.append(1.0 / (1.0 + math.exp(-float(zi))))
                word_probs.append([(a, b, round(float(p), 6)) for (a, b, _), p in zip(f.tokens, pr)])
        return scores, word_probs
