"""Train the MT detector: ``python -m auditor.mtdetect.train``.

Steps: build the WMT22 windows (:mod:`.data`), extract features through the pipeline
(:mod:`.extract`, cached), fit one L2 logistic regression per mode on ``train`` (the
L2 strength chosen by block-grouped cross-validation on ``train``), fit Platt scaling
on ``calib``, and write ``models/mt-detector/detector.json``. ``eval`` is never read
here; :mod:`benchmarks.bench_mtdetect` measures on it.

Labels: 1 for machine translation, 0 for human translation and (text-only) native
English. Why weights: classes are balanced so that p is calibrated at an even prior
(half of the candidates machine-translated), and in text-only mode human translations
and native English each count for half of the negatives: the model has to keep both
below the line, the native English for the false-positive target.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

import numpy as np

from .model import MODEL_FILE, Detector, LinearModel

VERSION = "1.0.0"
#: Features the model may not use. Typography (curly vs straight quotes, en/em dashes)
#: separates WMT's typeset references from raw MT output almost perfectly, but on the web
#: it is the publisher's CMS that decides it (the example corpus has it the other way
#: round), so a detector that learned it would learn the wrong thing.
#: ``n_sentences_log`` is excluded too: windows have 8-15 lines by construction, so the
#: model would read any real article's length as out of range.
EXCLUDED: frozenset[str] = frozenset({"p_curly_quote", "p_straight_quote", "curly_quote_share", "p_apostrophe",
                                      "p_dash", "n_sentences_log"})
LEXICON_SIZE = 4000
L2_GRID: tuple[float, ...] = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0)


def dataset(records: list[dict], mode: str, splits: tuple[str, ...],
            features: tuple[str, ...] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[dict], tuple[str, ...]]:
    """(X, y, sample weights, records, feature names) of ``mode`` for the given splits."""
    rows = [r for r in records if r["split"] in splits and mode in r]
    if mode == "with_source":
        rows = [r for r in rows if r["label"] in ("mt", "human")]
    if features is None:
        names: set[str] = set()
        for r in rows:
            names.update(r[mode])
        features = tuple(sorted(names - EXCLUDED))
    X = np.array([[float(r[mode].get(n, np.nan)) for n in features] for r in rows], dtype=float)
    y = np.array([1 if r["label"] == "mt" else 0 for r in rows], dtype=float)
    w = balanced_weights([r["label"] for r in rows])
    return X, y, w, rows, features


def balanced_weights(labels: list[str]) -> np.ndarray:
    """MT carries half the total weight; the negative classes present share the other half."""
    counts = {lab: labels.count(lab) for lab in set(labels)}
    neg = [lab for lab in counts if lab != "mt"]
    out = []
    for lab in labels:
        share = 0.5 if lab == "mt" or not counts.get("mt") else 0.5 / len(neg)
        out.append(share * len(labels) / counts[lab])
    return np.array(out, dtype=float)


def fit_logistic(X: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float, iters: int = 50) -> tuple[np.ndarray, float]:
    """Weighted L2 logistic regression by Newton's method (bias not penalised)."""
    n, d = X.shape
    A = np.hstack([X, np.ones((n, 1))])
    theta = np.zeros(d + 1)
    pen = np.full(d + 1, l2 * w.sum() / n)
    pen[-1] = 0.0
    for _ in range(iters):
        z = np.clip(A @ theta, -30, 30)
        p = 1.0 / (1.0 + np.exp(-z))
        grad = A.T @ (w * (p - y)) / n + pen * theta
        H = (A * (w * p * (1 - p))[:, None]).T @ A / n + np.diag(pen) + 1e-9 * np.eye(d + 1)
        step = np.linalg.solve(H, grad)
        theta -= step
        if np.abs(step).max() < 1e-8:
            break
    return theta[:-1], float(theta[-1])


def standardise(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = np.nanmean(X, axis=0)
    mean = np.where(np.isfinite(mean), mean, 0.0)
    Xf = np.where(np.isfinite(X), X, mean)
    scale = Xf.std(axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    return mean, scale


def _standardised(X: np.ndarray, mean: np.ndarray, scale: np.ndarray) -> np.ndarray:
    Xf = np.where(np.isfinite(X), X, mean)
    return np.clip((Xf - mean) / scale, -6.0, 6.0)


def choose_l2(X: np.ndarray, y: np.ndarray, w: np.ndarray, groups: np.ndarray, scored: np.ndarray | None = None,
              folds: int = 4) -> tuple[float, dict[float, float]]:
    """L2 strength with the best mean AUC over folds of whole window blocks.

    ``scored`` marks the rows the AUC is measured on (machine vs human translation);
    all rows are trained on.
    """
    scored = np.ones(len(y), bool) if scored is None else scored
    from .metrics import roc_auc

    uniq = np.unique(groups)
    fold_of = {g: i % folds for i, g in enumerate(uniq)}
    f = np.array([fold_of[g] for g in groups])
    scores: dict[float, float] = {}
    for l2 in L2_GRID:
        aucs = []
        for k in range(folds):
            tr, te = f != k, (f == k) & scored
            if len(np.unique(y[te])) < 2:
                continue
            mean, scale = standardise(X[tr])
            wt, b = fit_logistic(_standardised(X[tr], mean, scale), y[tr], w[tr], l2)
            aucs.append(roc_auc(y[te], _standardised(X[te], mean, scale) @ wt + b))
        scores[l2] = float(np.mean(aucs)) if aucs else float("nan")
    best = max(scores, key=lambda k: (scores[k], k))
    return best, scores


def fit_platt(z: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """Platt scaling p = sigmoid(a z + b), fitted by weighted Newton steps (tiny L2 keeps it finite)."""
    a_b, b = fit_logistic(z[:, None], y, w, l2=1e-3)
    return float(a_b[0]), b


def _derive(rec: dict) -> None:
    """Features added after a cache was written (computed from the cached parts)."""
    for mode in ("text_only", "with_source"):
        f = rec.get(mode)
        if f is not None and "p_quote" not in f:
            f["p_quote"] = f.get("p_straight_quote", 0.0) + f.get("p_curly_quote", 0.0)


#: The n-gram tables learned on the train split: feature name -> (positive, negative) labels.
LEXICONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "lexical_mt": (("mt",), ("human",)),  # machine vs human translation: the question asked
    "lexical_translated": (("mt", "human"), ("original",)),  # translationese vs native English
}


def add_lexical(records: list[dict], examples: list, size: int = LEXICON_SIZE) -> dict[str, dict[str, float]]:
    """Learn the n-gram lexicons (:data:`LEXICONS`) on the train split and set their features.

    Train records get out-of-fold scores (folds of whole window blocks, so a table never
    scores text whose source lines it was learned from); calib and eval records, and
    train records outside a table's classes, the final table's. Returns the final
    tables (shipped in the detector file).
    """
    from .data import BLOCK
    from .lexical import cross_fit_scores, lexical_score, train_lexicon

    text = {e.id: "\n".join(e.lines) for e in examples}
    tables: dict[str, dict[str, float]] = {}
    values: dict[str, dict[str, float]] = {}
    for name, (pos, neg) in LEXICONS.items():
        tr = [e for e in examples if e.split == "train" and e.label in pos + neg]
        groups = [f"{e.pair}:{e.start // (BLOCK * 15)}" for e in tr]
        labels = [int(e.label in pos) for e in tr]
        values[name] = dict(zip((e.id for e in tr), cross_fit_scores([text[e.id] for e in tr], labels, groups, size=size)))
        tables[name] = train_lexicon([text[e.id] for e in tr if e.label in pos],
                                     [text[e.id] for e in tr if e.label in neg], size=size)
    for r in records:
        for name, table in tables.items():
            v = values[name][r["id"]] if r["id"] in values[name] else lexical_score(text[r["id"]], table)
            for mode in ("text_only", "with_source"):
                if mode in r:
                    r[mode][name] = v
    return tables


def train_mode(records: list[dict], mode: str) -> tuple[LinearModel, dict]:
    """Fit and calibrate one mode; returns the model and what the model card reports."""
    X, y, w, rows, names = dataset(records, mode, ("train",))
    groups = np.array([f"{r['pair']}:{r['start'] // 1000}:{r['start']}" for r in rows])
    l2, cv = choose_l2(X, y, w, groups, np.array([r["label"] != "original" for r in rows]))
    mean, scale = standardise(X)
    weights, bias = fit_logistic(_standardised(X, mean, scale), y, w, l2)
    model = LinearModel(mode, names, mean, scale, weights, bias)
    # Calibrated on machine vs human translation only: that is the question p answers
    # (native English is kept low by training, and checked as a false-positive rate).
    Xc, yc, wc, _, _ = dataset([r for r in records if r["label"] != "original"], mode, ("calib",), names)
    zc = np.array([model.raw_logit(dict(zip(names, row))) for row in Xc])
    a, b = fit_platt(zc, yc, wc)
    model = LinearModel(mode, names, mean, scale, weights, bias, a, b)
    info = {"n_train": int(len(y)), "n_calib": int(len(yc)), "l2": l2, "cv_auc": {str(k): round(v, 4) for k, v in cv.items()},
            "platt": [round(a, 4), round(b, 4)]}
    return model, info


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m auditor.mtdetect.train", description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=None, help="wmt22-general folder (default ../shared/data/wmt22-general)")
    ap.add_argument("--out", default=str(MODEL_FILE))
    ap.add_argument("--full", action="store_true", help="use every window, not the CPU budget of data.BUDGET")
    ap.add_argument("--cached-only", action="store_true", help="train on the features already cached, extract nothing")
    ap.add_argument("--workers", type=int, default=2, help="processes for feature extraction (default 2)")
    args = ap.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    from .data import DEFAULT_DATA, build_examples, subsample
    from .extract import FEATURE_VERSION, extract_all, load_cache_dir

    examples = build_examples(args.data or DEFAULT_DATA)
    if not args.full:
        examples = subsample(examples)
    todo = [e for e in examples if e.split in ("train", "calib")]

    def progress(k: int, n: int) -> None:
        if k % 10 == 0 or k == n:
            print(f"features: {k}/{n} windows", file=sys.stderr, flush=True)

    if args.cached_only:
        cached = load_cache_dir()
        records = [cached[e.id] for e in todo if e.id in cached]
    else:
        records = list(extract_all(todo, progress=progress, workers=args.workers).values())
    for r in records:
        _derive(r)
    lexicons = add_lexical(records, build_examples(args.data or DEFAULT_DATA))
    models, infos = {}, {}
    for mode in ("with_source", "text_only"):
        models[mode], infos[mode] = train_mode(records, mode)
        print(f"{mode}: {infos[mode]}", file=sys.stderr)
    meta = {"trained": date.today().isoformat(), "data": "wmt22-general (generaltest2022), windows of 8-15 lines",
            "feature_version": FEATURE_VERSION, "encoder": "use", "training": infos,
            "command": "python -m auditor.mtdetect.train"}
    meta["excluded_features"] = sorted(EXCLUDED)
    Detector(VERSION, models, meta, lexicons).save(args.out)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
