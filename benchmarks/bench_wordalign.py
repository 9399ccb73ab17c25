"""Word alignment from e5-small token states against MLQE-PE's source-MT alignments.

    python benchmarks/bench_wordalign.py [--select 100] [--dev 1000] [--layers 4-12]

MLQE-PE post-editing data (``shared/data/mlqe-pe/post-editing/{train,dev}/*.tar.gz``,
read in place) ships word alignments between each pre-tokenised source and its MT
output, for seven pairs (en-de, en-zh, et-en, ne-en, ro-en, ru-en, si-en). They were
produced automatically, so they are a silver standard: figures say how far the aligner
agrees with them. The layer, the method (argmax / itermax) and the prefix (none or
"passage: ") are picked on the first ``--select`` training pairs of every language pair;
the dev table reports the first ``--dev`` dev pairs of every pair with that choice.
Precision, recall and F1 are over links; AER = 1 - F1 (all gold links are sure links).
"""

from __future__ import annotations

import argparse
import sys
import tarfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from auditor.qe.wordalign import METHODS, align_words, alignment_scores, whitespace_spans  # noqa: E402

PAIRS = ("en-de", "en-zh", "et-en", "ne-en", "ro-en", "ru-en", "si-en")
ROOT = Path(__file__).resolve().parents[2] / "shared" / "data" / "mlqe-pe" / "post-editing"


def load_split(split: str, pair: str, limit: int) -> list[tuple[str, str, list[tuple[int, int]]]]:
    """(source, mt, gold links) for the first ``limit`` lines of ``pair``'s ``split``."""
    with tarfile.open(ROOT / split / f"{pair}-{split}.tar.gz") as tar:
        files = {Path(m.name).name: m for m in tar.getmembers() if m.isfile()}

        def lines(suffix: str) -> list[str]:
            fh = tar.extractfile(files[f"{split}.{suffix}"])
            assert fh is not None
            return fh.read().decode("utf-8").splitlines()[:limit]

        src, mt, al = lines("src"), lines("mt"), lines("src-mt.alignments")
    out = []
    for s, m, a in zip(src, mt, al):
        links = [tuple(map(int, x.split("-"))) for x in a.split()]
        out.append((s, m, links))
    return out


def evaluate(enc, data, layers, methods, prefix):
    """{(layer, method): {pair: [correct, predicted, gold]}}"""
    texts = sorted({t for rows in data.values() for s, m, _ in rows for t in (s, m)})
    states = dict(zip(texts, enc.hidden_states(texts, layers=layers, prefix=prefix)))
    res: dict = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    for pair, rows in data.items():
        for s, m, gold in rows:
            sw, mw = whitespace_spans(s), whitespace_spans(m)
            for layer in layers:
                for method in methods:
                    al = align_words(states[s], states[m], layer, method, sw, mw)
                    c, p, g = alignment_scores(al.links, gold)
                    acc = res[(layer, method)][pair]
                    acc[0] += c
                    acc[1] += p
                    acc[2] += g
    return res


def prf(c: int, p: int, g: int) -> tuple[float, float, float]:
    prec = c / p if p else 0.0
    rec = c / g if g else 0.0
    return prec, rec, (2 * prec * rec / (prec + rec) if prec + rec else 0.0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--select", type=int, default=100, help="train pairs per language pair for the choice")
    ap.add_argument("--dev", type=int, default=1000, help="dev pairs per language pair for the report")
    ap.add_argument("--layers", default="4-12", help="layer range to choose from, e.g. 4-12")
    args = ap.parse_args(argv)
    lo, hi = (int(x) for x in args.layers.split("-"))
    layers = tuple(range(lo, hi + 1))

    from rich.console import Console
    from rich.table import Table

    from auditor.encoders.e5_tokens import get_token_encoder

    console = Console(width=160)  # a wide table even when written to a log file
    enc = get_token_encoder()
    train = {p: load_split("train", p, args.select) for p in PAIRS}
    sel = Table(title=f"choice on MLQE-PE train (first {args.select} pairs of each pair): mean F1 over pairs")
    sel.add_column("prefix")
    sel.add_column("method")
    for layer in layers:
        sel.add_column(f"L{layer}", justify="right")
    best = (-1.0, None)
    for prefix in (None, "passage"):
        res = evaluate(enc, train, layers, METHODS, prefix)
        for method in METHODS:
            row = [str(prefix), method]
            for layer in layers:
                f1 = sum(prf(*res[(layer, method)][p])[2] for p in PAIRS) / len(PAIRS)
                row.append(f"{f1:.3f}")
                if f1 > best[0]:
                    best = (f1, (prefix, method, layer))
            sel.add_row(*row)
    console.print(sel)
    assert best[1] is not None
    prefix, method, layer = best[1]
    console.print(f"chosen: layer {layer}, {method}, prefix {prefix!r} (train mean F1 {best[0]:.3f})")

    dev = {p: load_split("dev", p, args.dev) for p in PAIRS}
    t0 = time.perf_counter()
    res = evaluate(enc, dev, (layer,), METHODS, prefix)
    secs = time.perf_counter() - t0
    out = Table(title=f"MLQE-PE dev word alignment (first {args.dev} pairs each; layer {layer}, prefix {prefix!r}; "
                      f"chosen method: {method})")
    for col in ("method", "pair", "pairs", "precision", "recall", "F1", "AER"):
        out.add_column(col, justify="left" if col in ("pair", "method") else "right")
    for meth in sorted(METHODS, key=lambda m: m != method):
        tot = [0, 0, 0]
        f1s = []
        for p in PAIRS:
            c, pr, g = res[(layer, meth)][p]
            tot = [tot[0] + c, tot[1] + pr, tot[2] + g]
            P, R, F = prf(c, pr, g)
            f1s.append(F)
            out.add_row(meth, p, str(len(dev[p])), f"{P:.3f}", f"{R:.3f}", f"{F:.3f}", f"{1 - F:.3f}")
        P, R, F = prf(*tot)
        out.add_row(meth, "all (micro)", str(sum(len(v) for v in dev.values())), f"{P:.3f}", f"{R:.3f}",
                    f"{F:.3f}", f"{1 - F:.3f}")
        out.add_row(meth, "mean over pairs", "", "", "", f"{sum(f1s) / len(f1s):.3f}",
                    f"{1 - sum(f1s) / len(f1s):.3f}", end_section=True)
    console.print(out)
    n = sum(len(v) for v in dev.values())
    console.print(f"encode + align: {n / secs:.1f} pairs/s ({secs:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
