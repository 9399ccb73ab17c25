"""The shipped MT detector: load it once, predict a calibrated probability with numpy.

One standardised, L2-regularised logistic regression per mode ("with_source",
"text_only"), followed by Platt scaling fitted on a held-out calibration slice of the
training data. Why so small: the signal is a few dozen interpretable features, the
model must explain itself (the verdict lists the features that pushed it), and
inference must not need torch. Everything lives in one JSON file,
``models/mt-detector/detector.json``: feature names, scaler, weights, calibration
map, version and training metadata.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_DIR = Path(__file__).resolve().parents[2] / "models" / "mt-detector"
MODEL_FILE = MODEL_DIR / "detector.json"
FORMAT = "auditor.mt-detector/1"


class DetectorUnavailable(RuntimeError):
    """The detector file is missing or unreadable (the verdict then falls back to rules)."""


# Readable names for evidence lines; features without one show their key.
READABLE: dict[str, str] = {
    "xsim_mean": "cross-lingual similarity to the source",
    "xsim_std": "spread of sentence similarity to the source",
    "xsim_min": "lowest sentence similarity to the source",
    "xsim_low_share": "share of loosely matching sentences",
    "one_one_share": "share of one-to-one sentence beads",
    "source_coverage": "source coverage",
    "reprint_coverage": "share of sentences with a source",
    "monotonicity": "sentence order kept",
    "bead_count_ratio": "sentence count ratio to the source",
    "char_ratio_std": "variation of the length ratio to the source",
    "tok_ratio_std": "variation of the word-count ratio to the source",
    "char_ratio_mean": "length ratio to the source",
    "tok_ratio_mean": "word-count ratio to the source",
    "numbers_kept": "numbers kept from the source",
    "marks_kept": "punctuation marks kept from the source",
    "sent_len_mean": "mean sentence length",
    "sent_len_std": "spread of sentence length",
    "sent_len_cv": "relative spread of sentence length",
    "mattr": "vocabulary variety",
    "function_share": "share of function words",
    "contractions": "contractions",
    "word_len_mean": "mean word length",
    "p_curly_quote": "typographic quotes",
    "p_straight_quote": "straight quotes",
    "curly_quote_share": "share of typographic quotes",
    "p_dash": "dashes",
    "p_semicolon": "semicolons",
    "p_paren": "parentheses",
    "repeated_trigrams": "repeated word sequences",
    "repeated_openings": "repeated sentence openings",
    "find_weighted": "rule-detector findings",
    "lexical_mt": "wording typical of machine translation (learned n-grams)",
    "lexical_translated": "wording typical of translated text (learned n-grams)",
    "p_quote": "quotation marks",
    "p_comma": "commas",
    "the_rate": "use of 'the'",
    "e5_mt": "sentence structure typical of machine translation (e5 states)",
    "xenc_mt": "sentence-by-sentence literalness against the source (e5 cross-encoder)",
}


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@dataclass(frozen=True)
class LinearModel:
    """A standardised logistic regression plus its Platt calibration map."""

    mode: str
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    platt_a: float = 1.0
    platt_b: float = 0.0
    #: Per-feature bound on the standardised value (default 6). v2 bounds the learned
    #: n-gram scores at 1 sd, so wording alone can move the log-odds only by its weight.
    clip: np.ndarray | None = None
    #: Terms added to the calibrated log-odds as ``weight * value``, fitted with the Platt map
    #: (v2: ``e5_mt``, the token-encoder head's score, :mod:`.e5head`). A missing value adds 0.
    stack: dict[str, float] = field(default_factory=dict)

    def vector(self, feats: dict[str, float]) -> np.ndarray:
        """Standardised feature vector; a missing or non-finite feature reads as the training mean."""
        x = np.array([float(feats.get(n, math.nan)) for n in self.features], dtype=float)
        x = np.where(np.isfinite(x), x, self.mean)
        bound = self.clip if self.clip is not None else 6.0
        return np.clip((x - self.mean) / self.scale, -bound, bound)

    def raw_logit(self, feats: dict[str, float]) -> float:
        return float(self.vector(feats) @ self.weights + self.bias)

    def stacked(self, feats: dict[str, float]) -> float:
        total = 0.0
        for name, w in self.stack.items():
            v = feats.get(name)
            if v is not None and math.isfinite(v):
                total += w * float(v)
        return total

    def logit(self, feats: dict[str, float]) -> float:
        """Calibrated log-odds of machine translation."""
        return self.platt_a * self.raw_logit(feats) + self.platt_b + self.stacked(feats)

    def probability(self, feats: dict[str, float]) -> float:
        return _sigmoid(self.logit(feats))

    def contributions(self, feats: dict[str, float]) -> dict[str, float]:
        """Each feature's share of the calibrated log-odds (weight times standardised value)."""
        z = self.vector(feats) * self.weights * self.platt_a
        out = {n: float(v) for n, v in zip(self.features, z)}
        for name, w in self.stack.items():
            v = feats.get(name)
            if v is not None and math.isfinite(v):
                out[name] = w * float(v)
        return out

    def to_json(self) -> dict:
        out = {"mode": self.mode, "features": list(self.features), "mean": self.mean.tolist(),
               "scale": self.scale.tolist(), "weights": self.weights.tolist(), "bias": self.bias,
               "platt_a": self.platt_a, "platt_b": self.platt_b}
        if self.clip is not None:
            out["clip"] = self.clip.tolist()
        if self.stack:
            out["stack"] = dict(self.stack)
        return out

    @classmethod
    def from_json(cls, d: dict) -> "LinearModel":
        return cls(mode=d["mode"], features=tuple(d["features"]), mean=np.asarray(d["mean"], float),
                   scale=np.asarray(d["scale"], float), weights=np.asarray(d["weights"], float),
                   bias=float(d["bias"]), platt_a=float(d["platt_a"]), platt_b=float(d["platt_b"]),
                   clip=np.asarray(d["clip"], float) if "clip" in d else None,
                   stack={k: float(v) for k, v in d.get("stack", {}).items()})


@dataclass(frozen=True)
class Detector:
    """Both modes' models, the n-gram lexicons (feature name -> table) and metadata."""

    version: str
    models: dict[str, LinearModel]
    meta: dict = field(default_factory=dict)
    lexicons: dict[str, dict[str, float]] = field(default_factory=dict)
    e5_head: dict | None = None  # :class:`.e5head.E5Head` as JSON (text-only ``e5_mt``)
    #: the with-source cross-encoder (``xenc_mt``): weights file beside detector.json and its shape
    cross_mt: dict | None = None
    path: Path = MODEL_FILE

    def cross(self):
        """The with-source cross-encoder (:class:`.crossmt.CrossMT`), or None when this detector has none."""
        if not self.cross_mt:
            return None
        from .crossmt import load_cross_mt

        return load_cross_mt(self.path.parent / self.cross_mt["file"], self.cross_mt)

    def head(self):
        """The token-encoder head, or None when this detector has none."""
        if not self.e5_head:
            return None
        from .e5head import E5Head

        return E5Head.from_json(self.e5_head)

    def to_json(self) -> dict:
        out = {"format": FORMAT, "version": self.version, "meta": self.meta,
               "models": {k: m.to_json() for k, m in self.models.items()}, "lexicons": self.lexicons}
        if self.e5_head:
            out["e5_head"] = self.e5_head
        if self.cross_mt:
            out["cross_mt"] = self.cross_mt
        return out

    def save(self, path: str | Path = MODEL_FILE) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(json.dumps(self.to_json(), indent=1) + "\n", encoding="utf-8")


def read_detector(path: str | Path) -> Detector:
    """Parse a detector file (no caching; see :func:`load_detector`)."""
    try:
        d = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DetectorUnavailable(f"cannot read the MT detector at {path}: {exc}") from exc
    if d.get("format") != FORMAT:
        raise DetectorUnavailable(f"{path} is not an {FORMAT} file")
    return Detector(version=d["version"], models={k: LinearModel.from_json(m) for k, m in d["models"].items()},
                    meta=d.get("meta", {}), lexicons=d.get("lexicons", {}), e5_head=d.get("e5_head"),
                    cross_mt=d.get("cross_mt"), path=Path(path))


@lru_cache(maxsize=4)
def load_detector(path: str | None = None) -> Detector:
    """The detector shipped in ``models/mt-detector`` (or at ``path``), read once per process."""
    return read_detector(path or MODEL_FILE)


def _evidence_line(name: str, contribution: float, value: float) -> str:
    label = READABLE.get(name, name.replace("_", " "))
    direction = "machine translation" if contribution > 0 else "human writing"
    return f"{label} ({value:.3g}) points to {direction} ({contribution:+.2f} log-odds)"


def predict(features: dict[str, float], mode: str, detector: Detector | None = None,
            top: int = 3) -> tuple[float, list[str]]:
    """Calibrated p(machine translation) for ``mode`` and the ``top`` features behind it.

    Evidence lines name the features with the largest contributions to the log-odds, in
    the direction of the decision (those that pushed p up when p >= 0.5, down otherwise).
    """
    det = detector or load_detector()
    if mode not in det.models:
        raise ValueError(f"the detector has no {mode!r} model (has {', '.join(det.models)})")
    model = det.models[mode]
    p = model.probability(features)
    contrib = model.contributions(features)
    sign = 1.0 if p >= 0.5 else -1.0
    ranked = sorted((kv for kv in contrib.items() if kv[1] * sign > 0), key=lambda kv: -abs(kv[1]))
    def value(n: str) -> float:
        return float(features[n]) if n in features else float(model.mean[model.features.index(n)])

    lines = [_evidence_line(n, c, value(n)) for n, c in ranked[:top]]
    return p, lines
