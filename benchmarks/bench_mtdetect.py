"""Machine-translation detector v2 on data it was not trained or tuned on.

Tables printed:

1. **WMT22 leave-systems-out** (eval windows, MT systems and, where a pair has two, the
   human reference never seen in training): ROC-AUC and accuracy of MT vs human
   translation per pair, with source and text only; ECE; native English false
   positives (eval windows of the en -> x sources) at p >= 0.5 and at the verdict
   (text-only prior and rule tells included).
2. **NTREX held-out documents** (dev + test of ``benchmarks/data/ntrex-split.json``):
   share of Bergamot pt->en MT and of en->pt->en round trips judged MT text only, and of
   the English originals (false positives).
3. **realpages** by split (``rp_dev``: the 5 held-out stories, never tuned on; ``rp_train``
   is shown apart, the calibration was fitted there): text-only ROC-AUC of the verdict
   score, TPR at FPR <= 0.05 (best point of the ROC curve), TPR and FPR at the shipped
   verdict line, faithful copies (``human_copy``) flagged; then every page with a stored
   foreign original audited with it through the whole pipeline: the verdict label.
4. ``--speed N``: feature-extraction throughput on N uncached WMT22 windows (documents/s).

Text-only realpages scores are the verdict's formula on the page's pipeline features
(``auditor.mtdetect.realpages``, cached); ``--check-verdict`` re-audits 6 pages and
asserts that ``judge`` gives the same p.

    python benchmarks/bench_mtdetect.py [--model models/mt-detector/detector.json]
        [--speed 40] [--check-verdict] [--reliability] [--workers 2]
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from auditor.mtdetect.calibrate import tells_from_features  # noqa: E402
from auditor.mtdetect.data import PAIRS  # noqa: E402
from auditor.mtdetect.metrics import accuracy, expected_calibration_error, reliability, roc_auc  # noqa: E402
from auditor.mtdetect.model import MODEL_FILE, read_detector  # noqa: E402

MODES = ("with_source", "text_only")


def _fmt(v: float) -> str:
    return "  n/a" if v != v else f"{v:.3f}"


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, float), 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def prior_of(detector) -> float:
    """The text-only prior shift the verdict uses with this detector file."""
    from auditor.verdict import TEXT_ONLY_PRIOR

    got = detector.meta.get("training", {}).get("text_only", {}).get("verdict", {}).get("text_only_prior")
    return float(got) if got is not None else TEXT_ONLY_PRIOR


def verdict_z(detector, feats: dict[str, float], tells: float) -> float:
    """The verdict's text-only log-odds (auditor.verdict.judge) from features and tells."""
    from auditor.verdict import TELL_WEIGHT

    return float(_logit(detector.models["text_only"].probability(feats)) + TELL_WEIGHT * tells + prior_of(detector))


def wmt_table(records: list[dict], detector) -> tuple[str, dict]:
    res: dict = {}
    for r in records:
        for mode in MODES:
            if mode in r:
                key = "native" if r["label"] == "original" else r["pair"]
                ys, ps = res.setdefault((key, mode), ([], []))
                ys.append(1 if r["label"] == "mt" else 0)
                ps.append(detector.models[mode].probability(r[mode]))
    lines = ["| pair | n (MT/HT) | AUC with source | acc with source | AUC text only | acc text only |",
             "|---|---|---|---|---|---|"]
    pairs = [p for p in PAIRS if (p, "text_only") in res]

    def pooled(mode):
        ys = sum((res[(p, mode)][0] for p in pairs if (p, mode) in res), [])
        ps = sum((res[(p, mode)][1] for p in pairs if (p, mode) in res), [])
        return ys, ps

    for pair in pairs + ["overall"]:
        cells, n_txt = [], ""
        for mode in MODES:
            ys, ps = pooled(mode) if pair == "overall" else res.get((pair, mode), ([], []))
            if mode == "text_only":
                n_txt = f"{sum(ys)}/{len(ys) - sum(ys)}"
            cells += [_fmt(roc_auc(ys, ps)), _fmt(accuracy(ys, ps))]
        lines.append(f"| {pair} | {n_txt} | " + " | ".join(cells) + " |")
    lines.append("")
    for mode in MODES:
        ys, ps = pooled(mode)
        lines.append(f"ECE ({mode.replace('_', ' ')}, MT vs HT, 10 bins): {expected_calibration_error(ys, ps):.3f}")
    nat = [r for r in records if r["label"] == "original" and r.get("corpus") == "wmt22"]
    ps = np.array([detector.models["text_only"].probability(r["text_only"]) for r in nat])
    zs = np.array([verdict_z(detector, r["text_only"], tells_from_features(r["text_only"])) for r in nat])
    lines.append(f"Native English (WMT22 en sources, eval windows): p >= 0.5 {_fmt(float(np.mean(ps >= 0.5)))} "
                 f"({int(np.sum(ps >= 0.5))}/{len(ps)}); at the verdict (prior and tells) "
                 f"{_fmt(float(np.mean(zs >= 0)))} ({int(np.sum(zs >= 0))}/{len(zs)})")
    return "\n".join(lines), res


def ntrex_table(records: list[dict], detector) -> str:
    rows = {"pt->en MT (Bergamot)": [], "en->pt->en round trip": [], "English original": []}
    for r in records:
        if r.get("corpus") != "ntrex" or "text_only" not in r:
            continue
        key = ("English original" if r["label"] == "original" else
               "en->pt->en round trip" if r["pair"] == "en-pt-en" else "pt->en MT (Bergamot)")
        rows[key].append(verdict_z(detector, r["text_only"], tells_from_features(r["text_only"])))
    lines = ["| NTREX held-out documents | n | judged MT (text only, verdict) |", "|---|---|---|"]
    for k, zs in rows.items():
        zs = np.array(zs)
        lines.append(f"| {k} | {len(zs)} | {_fmt(float(np.mean(zs >= 0)) if len(zs) else float('nan'))} |")
    # with source: Bergamot pt->en MT with its Portuguese, the English original with its human Portuguese
    ws = [r for r in records if r.get("corpus") == "ntrex" and "with_source" in r]
    if ws:
        y = [int(r["label"] == "mt") for r in ws]
        ps = np.array([detector.models["with_source"].probability(r["with_source"]) for r in ws])
        mt = np.array(y, bool)
        lines.append(f"With source (the detector model, p >= 0.5): MT {_fmt(float(np.mean(ps[mt] >= 0.5)))} of "
                     f"{int(mt.sum())}, human (the original beside its human Portuguese) "
                     f"{_fmt(float(np.mean(ps[~mt] >= 0.5)))} of {int((~mt).sum())}; AUC {_fmt(roc_auc(y, list(ps)))}")
    return "\n".join(lines)


def _e5_progress(k: int, n: int) -> None:
    if k % 50 == 0 or k == n:
        print(f"  e5 states: {k}/{n}", file=sys.stderr, flush=True)


def attach_e5(records: list[dict], head, every: bool = False) -> set[str]:
    """Set ``e5_mt`` on the features (both modes) of every record whose e5 states are cached.

    The head's documents (``e5head.head_examples``: 150 WMT22 eval windows, every NTREX
    document) are embedded at training; others are left without the term. ``every``:
    embed every eval document first (about 0.3 s each, cached), so every eval window is
    scored as the verdict scores it.
    """
    from auditor.mtdetect.e5head import example_text, head_examples, vectors
    from auditor.mtdetect.train import load_examples

    examples = load_examples()
    pick = [e for e in head_examples(examples) if e.split == "eval"]
    if every:
        have = {e.id for e in pick}
        pick += [e for e in examples if e.split == "eval" and "text_only" in e.modes and e.id not in have]
    vecs = vectors([(e.id, example_text(e)) for e in pick], progress=_e5_progress if every else None)
    done = set()
    for r in records:
        for mode in ("text_only", "with_source"):
            if mode not in r:
                continue
            if r["id"] in vecs:
                r[mode]["e5_mt"] = head.score(vecs[r["id"]])
                done.add(r["id"])
            else:
                r[mode].pop("e5_mt", None)
    return done


def attach_xenc(records: list[dict], detector, cache: Path) -> int:
    """Set ``xenc_mt`` (the with-source cross-encoder term) on the eval windows from the line
    caches of ``python -m auditor.mtdetect.cross_train cache`` (WMT22 is line-aligned: the
    mean over a window's line pairs, as the stack was fitted). Returns windows set."""
    from auditor.mtdetect.cross_train import WEIGHTS, load_cache, load_trained, predict_cache, window_scores

    model = load_trained(Path(detector.path).parent / WEIGHTS)
    D = load_cache(cache / "eval")
    q, _ = predict_cache(model, D)
    xenc = window_scores(D, q)
    n = 0
    for r in records:
        if "with_source" in r and r["id"] in xenc:
            r["with_source"]["xenc_mt"] = xenc[r["id"]]
            n += 1
    return n


def tpr_at_fpr(y: np.ndarray, z: np.ndarray, max_fpr: float = 0.05) -> float:
    """Best TPR over thresholds whose FPR is at most ``max_fpr``."""
    best = 0.0
    for t in np.unique(z):
        called = z >= t
        fpr = called[y == 0].mean() if (y == 0).any() else 0.0
        if fpr <= max_fpr + 1e-12:
            best = max(best, float(called[y == 1].mean()))
    return best


def realpages_table(detector, check: bool, pipeline: bool = True) -> str:
    from auditor.mtdetect.calibrate import with_lexicons
    from auditor.mtdetect.realpages import realpages_features

    recs = realpages_features()
    head = detector.head()
    if head is not None:
        from auditor.mtdetect.e5train import realpages_e5_scores

        e5 = realpages_e5_scores(head, recs)
    for r in recs:
        f = with_lexicons(r["text_only"]["features"], r["text_only"]["text"], detector.lexicons)
        if head is not None:
            f["e5_mt"] = e5[r["id"]]
        r["z"] = verdict_z(detector, f, r["text_only"]["tells"])
    lines = ["| realpages split | pages (MT/other) | ROC-AUC | TPR at FPR <= 0.05 | TPR at the verdict line | "
             "FPR at the verdict line | human_copy flagged |", "|---|---|---|---|---|---|---|"]
    for split in ("rp_dev", "rp_train"):
        rs = [r for r in recs if r["split"] == split]
        y = np.array([r["class"] == "mt" for r in rs], int)
        z = np.array([r["z"] for r in rs])
        copies = [r for r in rs if r["label"] == "human_copy"]
        name = "dev (5 held-out stories)" if split == "rp_dev" else "train (12 stories, calibrated here)"
        lines.append(f"| {name} | {int(y.sum())}/{int((1 - y).sum())} | {_fmt(roc_auc(y, z))} | {_fmt(tpr_at_fpr(y, z))} | "
                     f"{_fmt(float((z[y == 1] >= 0).mean()))} | {_fmt(float((z[y == 0] >= 0).mean()))} | "
                     f"{sum(r['z'] >= 0 for r in copies)}/{len(copies)} |")
    if not pipeline:
        lines.append("(pages with their source: run with the shipped model; the pipeline loads models/mt-detector)")
        return "\n".join(lines)
    lines += ["", "| page + its foreign original | split | declared pair (compare): verdict, p | "
              "linking alone: page's link, page's verdict, source's link |", "|---|---|---|---|"]
    from auditor.mtdetect.corpora import REALPAGES
    from auditor.mtdetect.realpages import audit_page

    called = called_linked = 0
    src = [r for r in recs if r.get("source_id")]
    for r in src:
        page, _, _ = audit_page(REALPAGES, r, with_source=True)
        v = page.verdict
        called += v.label == "machine_translation"
        free, _, results = audit_page(REALPAGES, r, with_source=True, declared=False)
        called_linked += free.verdict.label == "machine_translation"
        others = [x for x in results if x.doc.id != free.doc.id]
        src_link = (f"{others[0].link.relation} of {others[0].link.source_id}" if others and others[0].link
                    else "none")
        lines.append(f"| {r['id']} ({r['source_id']}) | {r['split']} | {v.label}, {v.p_machine_translation} | "
                     f"{free.link.relation if free.link else 'none'}, {free.verdict.label}, {src_link} |")
    lines.append(f"MT pages called machine translation with their source declared: {called}/{len(src)}; "
                 f"with linking alone: {called_linked}/{len(src)}")
    if check:
        for r in recs[:6]:
            page, _, _ = audit_page(REALPAGES, r, with_source=False)
            p = 1 / (1 + math.exp(-r["z"]))
            assert abs(page.verdict.p_machine_translation - round(p, 4)) < 2e-4, (r["id"], page.verdict, p)
        lines.append("checked: judge() on 6 re-audited pages gives the p of the formula")
    return "\n".join(lines)


def speed(n: int) -> str:
    from auditor.mtdetect.data import build_examples
    from auditor.mtdetect.extract import _groups, features_of_group

    groups = _groups([e for e in build_examples(native=False) if e.split == "eval"])[:n + 1]
    features_of_group(groups[0][:1])  # load the encoder and the detectors' tables
    t = time.perf_counter()
    docs = 0
    for g in groups[1:]:
        features_of_group(g)
        docs += len(g)
    dt = time.perf_counter() - t
    out = (f"feature extraction (one process, both modes, uncached): {docs} documents in {dt:.1f} s = "
           f"{docs / dt:.1f} documents/s")
    from auditor.mtdetect.e5head import doc_vector
    from auditor.mtdetect.realpages import realpages_features

    texts = [r["text_only"]["text"].replace("\n", " ") for r in realpages_features()[:20]]
    doc_vector("warm up")
    t = time.perf_counter()
    for text in texts:
        doc_vector(text)
    dt = time.perf_counter() - t
    return out + (f"\ne5 head (text-only verdicts, int8 encoder, torch threads {_threads()}): {len(texts)} realpages "
                  f"pages in {dt:.1f} s = {dt / len(texts):.2f} s per page")


def _threads() -> int:
    import torch

    return torch.get_num_threads()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=str(MODEL_FILE))
    ap.add_argument("--reliability", action="store_true")
    ap.add_argument("--speed", type=int, default=0, metavar="N", help="also time extraction on N windows")
    ap.add_argument("--check-verdict", action="store_true")
    ap.add_argument("--no-realpages", action="store_true")
    ap.add_argument("--cross-cache", type=Path, default=Path("/tmp/mt_cross"),
                    help="line caches of python -m auditor.mtdetect.cross_train cache (for xenc_mt)")
    ap.add_argument("--workers", type=int, default=2, help="processes for feature extraction")
    ap.add_argument("--e5-all", action="store_true",
                    help="embed every eval document for the e5 term (about 0.3 s each, cached), not only the "
                         "150-window subset, and print the every-window table with the term")
    args = ap.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    from auditor.mtdetect.train import load_examples, load_records, set_shipped_lexical

    detector = read_detector(args.model)
    shipped = Path(args.model).resolve() == MODEL_FILE.resolve()
    examples = load_examples()
    records = load_records(examples, ("eval",), workers=args.workers)
    set_shipped_lexical(records, {e.id: "\n".join(e.lines) for e in examples}, detector)
    head = detector.head()
    print(f"MT detector v{detector.version} ({detector.meta.get('lexicon', 'plain')} lexicons, "
          f"{'e5 head' if head is not None else 'no e5 head'})")
    wmt = [r for r in records if r.get("corpus", "wmt22") == "wmt22"]
    if detector.cross_mt:
        n = attach_xenc(records, detector, args.cross_cache)
        print(f"with-source cross-encoder term xenc_mt set on {n} eval windows (line caches in {args.cross_cache})")
    print(f"\nWMT22 leave-systems-out eval, every eval window ({len(wmt)} documents; held-out systems never "
          f"trained on){'; without the e5 term' if head is not None else ''}")
    text, res = wmt_table(wmt, detector)
    print(text)
    with_e5 = attach_e5(records, head) if head is not None else set()
    if head is not None:
        sub = [r for r in wmt if r["id"] in with_e5]
        print(f"\nWMT22 leave-systems-out eval, the e5 subset ({len(sub)} documents of 150 eval windows), "
              f"with the e5 term")
        print(wmt_table(sub, detector)[0])
    if head is not None and args.e5_all:
        with_e5 = attach_e5(records, head, every=True)
        sub = [r for r in wmt if r["id"] in with_e5]
        print(f"\nWMT22 leave-systems-out eval, every eval window with the e5 term ({len(sub)} of {len(wmt)} "
              f"documents)")
        print(wmt_table(sub, detector)[0])
    if args.reliability:
        for mode in MODES:
            ys = sum((res[(p, mode)][0] for p in PAIRS if (p, mode) in res), [])
            ps = sum((res[(p, mode)][1] for p in PAIRS if (p, mode) in res), [])
            print(f"reliability ({mode}): bin | mean p | observed MT rate | n")
            for lo, mp, rate, n in reliability(ys, ps):
                print(f"  [{lo:.1f}, {lo + 0.1:.1f}) | {mp:.3f} | {rate:.3f} | {n}")
    print()
    print(ntrex_table(records, detector))
    if not args.no_realpages:
        print()
        print(realpages_table(detector, args.check_verdict and shipped, pipeline=shipped))
    if args.speed:
        print()
        print(speed(args.speed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
