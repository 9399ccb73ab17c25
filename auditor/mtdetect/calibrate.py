"""Text-only calibration on real web pages (realpages training stories only).

Why here and not on WMT: v1 was calibrated on WMT windows at an even prior and shifted
by a hand-set -1.0 for articles without a source; on real pages that called 28 % of the
machine-translated ones MT. v2 fits the Platt map of the text-only model on the pages
of the 12 realpages training stories, exactly as the verdict will combine it:

    z = a * raw_logit + b + TELL_WEIGHT * tells            (tells: the verdict's rule term)

so (a, b) absorb both the scale of the WMT-trained score and the base rate of machine
translation on the web. The verdict's text-only prior shift (``text_only_prior`` in the
detector metadata) is then the smallest shift that keeps the false-positive rate of the
training pages at or below ``MAX_FPR`` at p >= 0.5 with the most machine-translated pages
above it (the middle of the widest such interval, so the line does not sit on one page).
A second bound keeps native English out: the shift is also at most the one that leaves
every WMT22 ``calib`` native-English window (never trained on) ``NATIVE_MARGIN`` below
the line; the smaller of the two is used. The 5 dev stories are never read here.
"""

from __future__ import annotations

import math
import sys

import numpy as np

from .model import LinearModel

MAX_FPR = 0.05
#: Native English must not be called MT: the prior is also kept below the highest
#: verdict log-odds of the WMT22 ``calib`` native-English windows (never trained on) by this.
NATIVE_MARGIN = 0.1
SEV_WEIGHT = {"minor": 0.45, "major": 1.2, "critical": 1.6}


def tells_from_features(f: dict[str, float]) -> float:
    """The verdict's tells term from cached text-only features (no source: every counted finding is a tell).

    ``sev_*`` are findings per 100 sentences of the tell detectors (QE apart; omissions
    need a source), ``find_kinds`` the distinct (detector, category) kinds.
    """
    n = math.expm1(f.get("n_sentences_log", 0.0))
    z = sum(SEV_WEIGHT[s] * f.get(f"sev_{s}", 0.0) * n / 100.0 for s in SEV_WEIGHT)
    return min(z, 6.0) + 0.4 * f.get("find_kinds", 0.0)


def with_lexicons(features: dict[str, float], text: str, lexicons: dict[str, dict[str, float]]) -> dict[str, float]:
    """The page's features plus the detector's lexical scores (as ``extract_features`` adds them)."""
    from .lexical import lexical_score

    out = dict(features)
    for name, table in lexicons.items():
        out[name] = lexical_score(text, table)
    return out


def fit_offset_logistic(X: np.ndarray, y: np.ndarray, offset: np.ndarray, l2: float = 1e-2,
                        iters: int = 100) -> tuple[np.ndarray, float]:
    """Logistic regression of y on X @ w + b with a fixed offset per row (Newton's method).

    A small L2 on ``w`` keeps it finite when the training pages separate perfectly.
    """
    X = np.asarray(X, float).reshape(len(y), -1)
    d = X.shape[1]
    theta = np.zeros(d + 1)
    theta[0] = 1.0
    A = np.hstack([X, np.ones((len(y), 1))])
    pen = np.full(d + 1, l2)
    pen[-1] = 0.0
    n = len(y)
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-np.clip(A @ theta + offset, -30, 30)))
        grad = A.T @ (p - y) / n + pen * theta
        H = (A * (p * (1 - p))[:, None]).T @ A / n + np.diag(pen) + 1e-9 * np.eye(d + 1)
        step = np.linalg.solve(H, grad)
        theta -= step
        if np.abs(step).max() < 1e-9:
            break
    return theta[:-1], float(theta[-1])


def fit_offset_platt(z: np.ndarray, y: np.ndarray, offset: np.ndarray, l2: float = 1e-2) -> tuple[float, float]:
    """Platt map a * z + b with a fixed offset per row (see :func:`fit_offset_logistic`)."""
    w, b = fit_offset_logistic(z[:, None], y, offset, l2)
    return float(w[0]), b


def choose_prior(z: np.ndarray, y: np.ndarray, max_fpr: float = MAX_FPR) -> tuple[float, dict]:
    """Prior shift s so that z + s >= 0 keeps FPR <= max_fpr with the highest TPR (see module doc)."""
    neg, pos = np.sort(z[y == 0]), z[y == 1]
    allowed = int(math.floor(max_fpr * len(neg) + 1e-9))
    # threshold t: a page is called MT when z >= t; at most `allowed` negatives may be >= t.
    lo = neg[len(neg) - allowed - 1] if allowed < len(neg) else -np.inf  # t must be above this negative
    above = np.sort(pos[pos > lo])
    hi = above[0] if len(above) else lo + 1.0  # the lowest positive still called MT
    t = (lo + hi) / 2.0 if np.isfinite(lo) else hi - 1.0
    shift = float(-t)
    tpr = float(np.mean(pos + shift >= 0)) if len(pos) else float("nan")
    fpr = float(np.mean(neg + shift >= 0)) if len(neg) else float("nan")
    return shift, {"tpr": round(tpr, 4), "fpr": round(fpr, 4), "n_mt": int(len(pos)), "n_neg": int(len(neg))}


def calibrate_text_only(model: LinearModel, lexicons: dict[str, dict[str, float]],
                        records: list[dict] | None = None,
                        e5_scores: dict[str, float] | None = None,
                        native: list[dict[str, float]] | None = None) -> tuple[LinearModel, dict]:
    """The text-only model with its Platt map fitted on realpages training pages, and what was done.

    ``e5_scores`` (page id -> the token-encoder head's score, :mod:`.e5head`): fitted as a
    stacked term beside the model's score (``stack["e5_mt"]``).
    """
    from ..verdict import TELL_WEIGHT
    from .realpages import realpages_features

    if records is None:
        records = realpages_features(progress=lambda k, n: print(f"realpages: {k}/{n}", file=sys.stderr)
                                     if k % 20 == 0 or k == n else None)
    train = [r for r in records if r["split"] == "rp_train"]
    y = np.array([1.0 if r["class"] == "mt" else 0.0 for r in train])
    raw = np.array([model.raw_logit(with_lexicons(r["text_only"]["features"], r["text_only"]["text"], lexicons))
                    for r in train])
    tells = np.array([TELL_WEIGHT * r["text_only"]["tells"] for r in train])
    stack: dict[str, float] = {}
    if e5_scores is not None:
        e5 = np.array([e5_scores[r["id"]] for r in train])
        w, b = fit_offset_logistic(np.stack([raw, e5], axis=1), y, tells)
        a, stack = float(w[0]), {"e5_mt": round(float(w[1]), 6)}
        z = a * raw + b + stack["e5_mt"] * e5 + tells
        if stack["e5_mt"] <= 0:
            raise RuntimeError(f"the e5 head points the wrong way on the realpages training pages ({stack})")
    else:
        a, b = fit_offset_platt(raw, y, tells)
        z = a * raw + b + tells
    if a <= 0:
        raise RuntimeError(f"text-only calibration is not increasing on the realpages training pages (a={a:.3f})")
    calibrated = LinearModel(model.mode, model.features, model.mean, model.scale, model.weights, model.bias, a, b,
                             clip=model.clip, stack=stack)
    shift, op = choose_prior(z, y)
    native_info = {}
    if native:
        zn = np.array([calibrated.logit(f) + TELL_WEIGHT * tells_from_features(f) for f in native])
        cap = float(-(zn.max() + NATIVE_MARGIN))
        native_info = {"native_windows": len(native), "prior_for_realpages": round(shift, 4),
                       "prior_for_native": round(cap, 4)}
        shift = min(shift, cap)
        op = {"tpr": round(float(np.mean(z[y == 1] + shift >= 0)), 4),
              "fpr": round(float(np.mean(z[y == 0] + shift >= 0)), 4), "n_mt": op["n_mt"], "n_neg": op["n_neg"]}
    from .metrics import roc_auc

    info = {"calibrated_on": "realpages training stories (text-only audits through the pipeline)",
            "n_pages": int(len(y)), "n_mt": int(y.sum()), "platt": [round(a, 4), round(b, 4)], "stack": stack,
            "text_only_prior": round(shift, 4), "train_operating_point": op, **native_info,
            "train_auc_verdict_z": round(roc_auc(y, z), 4),
            "urls": sorted(r["url"] for r in train)}
    return calibrated, info
