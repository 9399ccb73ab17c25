"""Training-side uses of the token-encoder head (:mod:`.e5head`): fit it, and score the
documents its weight is fitted on (realpages training pages for the text-only
calibration, WMT22 ``calib`` windows for the with-source one and the native-English bound).

Split from :mod:`.train` so that the detector's training script reads as its steps; the
vectors are cached by :func:`.e5head.vectors`.
"""

from __future__ import annotations

import sys

import numpy as np


def train_e5_head(examples: list, l2_grid: tuple[float, ...] = (0.03, 0.1, 0.3, 1.0), folds: int = 4):
    """Fit the token-encoder head (:mod:`.e5head`) on its train documents; (head, info).

    L2 by grouped cross-validation (folds of whole windows/documents) on train.
    """
    from .e5head import example_text, fit_head, head_examples, vectors
    from .metrics import roc_auc
    from .train import balanced_weights

    pick = [e for e in head_examples(examples) if e.split == "train"]
    vecs = vectors([(e.id, example_text(e)) for e in pick], progress=lambda k, n: print(
        f"e5 states: {k}/{n}", file=sys.stderr, flush=True) if k % 100 == 0 or k == n else None)
    X = np.array([vecs[e.id] for e in pick], float)
    y = np.array([e.label == "mt" for e in pick], float)
    w = balanced_weights([e.label for e in pick])
    groups = sorted({e.cv_group for e in pick})
    fold = np.array([groups.index(e.cv_group) % folds for e in pick])
    cv = {}
    for l2 in l2_grid:
        aucs = []
        for k in range(folds):
            h = fit_head(X[fold != k], y[fold != k], w[fold != k], l2)
            aucs.append(roc_auc(y[fold == k], [h.score(x) for x in X[fold == k]]))
        cv[l2] = float(np.mean(aucs))
    best = max(cv, key=lambda k: (cv[k], k))
    head = fit_head(X, y, w, best)
    human = [head.score(x) for x, e in zip(X, pick) if e.label != "mt"]
    info = {"n_train": int(len(y)), "n_train_mt": int(y.sum()), "l2": best,
            "cv_auc": {str(k): round(v, 4) for k, v in cv.items()}, "layer": head.layer, "int8": head.int8,
            "human_mean_score": round(float(np.mean(human)), 4)}
    return head, info


def realpages_e5_scores(head, records: list[dict]) -> dict[str, float]:
    """The head's score of each realpages page (vectors cached; the text the verdict will embed)."""
    from .e5head import vectors

    vecs = vectors([(f"rp:{r['id']}", r["text_only"]["text"].replace("\n", " ")) for r in records])
    return {r["id"]: head.score(vecs[f"rp:{r['id']}"]) for r in records}


def native_calib_features(records: list[dict], examples: list, head) -> list[dict[str, float]]:
    """Text-only features (lexicons set, ``e5_mt`` when there is a head) of the WMT22 calib native windows."""
    from .e5head import example_scores

    rows = [r for r in records if r["split"] == "calib" and r["label"] == "original" and "text_only" in r]
    if head is None:
        return [dict(r["text_only"]) for r in rows]
    e5 = example_scores(head, examples, [r["id"] for r in rows])
    return [dict(r["text_only"], e5_mt=e5[r["id"]]) for r in rows]


def calib_e5_scores(records: list[dict], examples: list, head) -> dict[str, float]:
    """The e5 head's score of each WMT22 ``calib`` MT and human translation (the with-source stack)."""
    from .e5head import example_scores

    ids = [r["id"] for r in records if r["split"] == "calib" and r["label"] in ("mt", "human") and "with_source" in r]
    return example_scores(head, examples, ids)
