"""Machine-translation detector on the held-out WMT22 windows (the ``eval`` split).

Prints, per language pair and overall, for both modes: ROC-AUC and accuracy (at
p >= 0.5) of machine vs human translation, with n per cell; the expected calibration
error (10 equal-width bins) of each mode on MT vs HT; and the false-positive rate of
the text-only mode on native English (windows of the en -> x sources; with-source is
n/a there, native English has no source). Features come from the same cache as
training (``~/.cache/auditor-mtdetect``); missing ones are extracted through the
pipeline first (about a second per candidate on a busy 2-core CPU).

    python benchmarks/bench_mtdetect.py [--model models/mt-detector/detector.json]
        [--full] [--reliability] [--workers 2]

``--full`` uses every eval window instead of the training budget (slow);
``--reliability`` also prints the reliability-diagram bins of each mode.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from auditor.mtdetect.data import PAIRS, build_examples, subsample  # noqa: E402
from auditor.mtdetect.extract import extract_all  # noqa: E402
from auditor.mtdetect.metrics import accuracy, expected_calibration_error, reliability, roc_auc  # noqa: E402
from auditor.mtdetect.model import MODEL_FILE, read_detector  # noqa: E402

MODES = ("with_source", "text_only")


def _fmt(v: float) -> str:
    return "  n/a" if v != v else f"{v:.3f}"


def add_shipped_lexical(records: list[dict], examples: dict, detector) -> None:
    """Set the lexical features from the detector's shipped tables (the cache has none)."""
    from auditor.mtdetect.lexical import lexical_score
    from auditor.mtdetect.train import _derive

    for r in records:
        _derive(r)
        text = "\n".join(examples[r["id"]].lines)
        for name, table in detector.lexicons.items():
            v = lexical_score(text, table)
            for mode in MODES:
                if mode in r:
                    r[mode][name] = v


def evaluate(records: list[dict], detector) -> dict:
    """Per-(pair, mode) labels and probabilities for the eval records."""
    out: dict = {}
    for r in records:
        for mode in MODES:
            if mode not in r:
                continue
            p = detector.models[mode].probability(r[mode])
            key = "native" if r["label"] == "original" else r["pair"]
            ys, ps = out.setdefault((key, mode), ([], []))
            ys.append(1 if r["label"] == "mt" else 0)
            ps.append(p)
    return out


def table(res: dict) -> str:
    lines = ["| pair | n (MT/HT) | AUC with source | acc with source | AUC text only | acc text only |",
             "|---|---|---|---|---|---|"]
    pairs = [p for p in PAIRS if (p, "text_only") in res]
    rows = pairs + ["overall"]
    for pair in rows:
        cells = []
        n_txt = ""
        for mode in MODES:
            if pair == "overall":
                ys = sum((res[(p, mode)][0] for p in pairs if (p, mode) in res), [])
                ps = sum((res[(p, mode)][1] for p in pairs if (p, mode) in res), [])
            else:
                ys, ps = res.get((pair, mode), ([], []))
            if mode == "text_only":
                n_txt = f"{sum(ys)}/{len(ys) - sum(ys)}"
            cells += [_fmt(roc_auc(ys, ps)), _fmt(accuracy(ys, ps))]
        lines.append(f"| {pair} | {n_txt} | " + " | ".join(cells) + " |")
    lines.append("")
    for mode in MODES:
        ys = sum((res[(p, mode)][0] for p in pairs if (p, mode) in res), [])
        ps = sum((res[(p, mode)][1] for p in pairs if (p, mode) in res), [])
        lines.append(f"ECE ({mode.replace('_', ' ')}, MT vs HT, 10 bins): {expected_calibration_error(ys, ps):.3f}")
    ys, ps = res.get(("native", "text_only"), ([], []))
    fpr = float(np.mean(np.asarray(ps) >= 0.5)) if ps else float("nan")
    lines.append(f"False positives on native English (text only, p >= 0.5): {_fmt(fpr)} "
                 f"({int(np.sum(np.asarray(ps) >= 0.5))}/{len(ps)}); with source: n/a")
    from auditor.verdict import TEXT_ONLY_PRIOR

    z = np.log(np.clip(ps, 1e-6, 1 - 1e-6) / (1 - np.clip(ps, 1e-6, 1 - 1e-6))) + TEXT_ONLY_PRIOR if ps else np.array([])
    n_fp = int(np.sum(z >= 0))
    lines.append(f"False positives on native English at the verdict (text-only prior {TEXT_ONLY_PRIOR:+.1f} log-odds, "
                 f"no rule tells): {_fmt(n_fp / len(ps) if ps else float('nan'))} ({n_fp}/{len(ps)})")
    return "\n".join(lines)


def reliability_table(res: dict) -> str:
    lines = []
    pairs = [p for p in PAIRS]
    for mode in MODES:
        ys = sum((res[(p, mode)][0] for p in pairs if (p, mode) in res), [])
        ps = sum((res[(p, mode)][1] for p in pairs if (p, mode) in res), [])
        lines.append(f"reliability ({mode}): bin | mean p | observed MT rate | n")
        for lo, mp, rate, n in reliability(ys, ps):
            lines.append(f"  [{lo:.1f}, {lo + 0.1:.1f}) | {mp:.3f} | {rate:.3f} | {n}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=str(MODEL_FILE))
    ap.add_argument("--full", action="store_true")
    ap.add_argument("--reliability", action="store_true")
    ap.add_argument("--workers", type=int, default=2, help="processes for feature extraction")
    args = ap.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    examples = build_examples()
    if not args.full:
        examples = subsample(examples)
    ev = [e for e in examples if e.split == "eval"]
    records = list(extract_all(ev, workers=args.workers).values())
    detector = read_detector(args.model)
    add_shipped_lexical(records, {e.id: e for e in ev}, detector)
    res = evaluate(records, detector)
    print(f"MT detector v{detector.version} on the WMT22 eval split ({len(records)} windows of 8-15 lines)")
    print(table(res))
    if args.reliability:
        print(reliability_table(res))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
