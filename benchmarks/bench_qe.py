"""QE benchmark: dev quality per language pair and speed, for the README.

Usage (from the project root)::

    python benchmarks/bench_qe.py [--data ../shared/data/mlqe-pe] [--speed-pairs 512] [--big-batches 2]

Prints a table (segment Pearson/Spearman against DA z_mean, word MCC on MT word
tags, next to TransQuest's published WMT20 Pearson) and speed figures: the built-in
model's warm pairs/second (with and without the sentence encoder) and the same pairs
through a randomly initialised CometKiwi-sized encoder (XLM-R large shape), so the
cost ratio can be shown side by side. Writes ``reports/bench_qe.json``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from reportfile import write_report  # noqa: E402  (benchmarks/ is the script's folder)

TRANSQUEST_PEARSON = {"ro-en": 0.898, "et-en": 0.775, "ne-en": 0.791, "ru-en": 0.773,
                      "si-en": 0.653, "en-de": 0.467, "en-zh": 0.478}


def dev_quality(model, word_model, root: Path) -> dict[str, dict[str, float]]:
    """Segment metrics with ``model``; word MCC with ``word_model`` (no encoder, as in training)."""
    from auditor.qe.data import PAIRS, read_da, read_pe
    from auditor.qe.train import mcc, pearson, retokenize, spearman

    out = {}
    for pair in PAIRS:
        sl, tl = pair.split("-")
        da = read_da(root, pair, "dev")
        # batch of 500 = the chunking used by training, so cached vectors are reused
        res = model.predict([d.source for d in da], [d.translation for d in da], sl, tl, batch_size=500)
        z = np.array([d.z_mean for d in da])
        sc = np.array(res.scores)
        pe = read_pe(root, pair, "dev")
        ys, ps = [], []
        r = word_model.predict([" ".join(s.src_tokens) for s in pe], [" ".join(s.mt_tokens) for s in pe], sl, tl)
        for seg, probs in zip(pe, r.word_probs):
            _, owner = retokenize(seg.mt_tokens)
            if len(owner) != len(probs):
                continue
            ys.extend(seg.mt_bad[o] for o in owner)
            ps.extend(p > word_model.word_threshold for _, _, p in probs)
        out[pair] = {
            "pearson": round(pearson(sc, z), 3),
            "spearman": round(spearman(sc, z), 3),
            "word_mcc": round(mcc(np.array(ys, dtype=int), np.array(ps, dtype=int)), 3),
            "transquest_pearson": TRANSQUEST_PEARSON[pair],
        }
    return out


def speed_builtin(model, srcs, tgts, sl, tl) -> float:
    from auditor.encoders import get_encoder

    model.predict(srcs[:8], tgts[:8], sl, tl)  # warm: load encoder and lexicon
    get_encoder("use").cache.clear()
    t = time.perf_counter()
    model.predict(srcs, tgts, sl, tl, batch_size=64)
    return len(srcs) / (time.perf_counter() - t)


def speed_big_encoder(srcs, tgts, batches: int, batch_size: int) -> float:
    """Pairs/second of a CometKiwi-sized (XLM-R large) encoder, random weights, ids of realistic length."""
    import torch
    from transformers import XLMRobertaConfig, XLMRobertaForSequenceClassification

    cfg = XLMRobertaConfig(vocab_size=250002, hidden_size=1024, num_hidden_layers=24, num_attention_heads=16,
                           intermediate_size=4096, num_labels=1, max_position_embeddings=514)
    torch.manual_seed(0)
    model = XLMRobertaForSequenceClassification(cfg).eval()
    rng = np.random.default_rng(0)
    n_done, elapsed = 0, 0.0
    for b in range(batches):
        s, t = srcs[b * batch_size:(b + 1) * batch_size], tgts[b * batch_size:(b + 1) * batch_size]
        # ~1.4 sentencepiece tokens per whitespace word, plus 4 special tokens
        lens = [min(512, int(1.4 * (len(a.split()) + len(c.split()))) + 4) for a, c in zip(s, t)]
        ids = torch.full((len(lens), max(lens)), 1, dtype=torch.long)
        mask = torch.zeros_like(ids)
        for i, n in enumerate(lens):
            ids[i, :n] = torch.from_numpy(rng.integers(5, 250000, size=n))
            mask[i, :n] = 1
        t0 = time.perf_counter()
        with torch.no_grad():
            model(input_ids=ids, attention_mask=mask)
        elapsed += time.perf_counter() - t0
        n_done += len(lens)
    return n_done / elapsed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "mlqe-pe"))
    ap.add_argument("--model", default="builtin-v1", help="v1 QE model directory (default: builtin-v1; QE v2 has bench_qe_v2.py)")
    ap.add_argument("--speed-pairs", type=int, default=512)
    ap.add_argument("--big-batches", type=int, default=2)
    ap.add_argument("--big-batch-size", type=int, default=16)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--skip-quality", action="store_true")
    args = ap.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    from auditor.qe import load_qe_model
    from auditor.qe.data import extract, read_da
    from auditor.qe.embedding import default_cache_dir

    root = extract(Path(args.data), default_cache_dir())
    model = load_qe_model(args.model)
    fast = load_qe_model(args.model, use_embeddings=False)
    report: dict = {"signature": model.signature, "threads": args.threads,
                    "load_average": list(os.getloadavg()), "cpus": os.cpu_count()}
    if not args.skip_quality:
        model.embedding_cache = default_cache_dir() / "emb"
        t = time.perf_counter()
        report["dev"] = dev_quality(model, fast, root)
        report["dev_seconds"] = round(time.perf_counter() - t, 1)
        model.embedding_cache = None
        print(f"{'pair':7} {'Pearson':>8} {'Spearman':>9} {'word MCC':>9} {'TransQuest r':>13}")
        for pair, m in report["dev"].items():
            print(f"{pair:7} {m['pearson']:8.3f} {m['spearman']:9.3f} {m['word_mcc']:9.3f} {m['transquest_pearson']:13.3f}")

    da = read_da(root, "en-de", "dev")[: args.speed_pairs]
    srcs, tgts = [d.source for d in da], [d.translation for d in da]
    report["speed"] = {
        "pairs": len(srcs),
        "builtin_pairs_per_s": round(speed_builtin(model, srcs, tgts, "en", "de"), 1),
        "builtin_no_encoder_pairs_per_s": round(speed_builtin(fast, srcs, tgts, "en", "de"), 1),
    }
    big = speed_big_encoder(srcs, tgts, args.big_batches, args.big_batch_size)
    report["speed"]["cometkiwi_sized_pairs_per_s"] = round(big, 2)
    report["speed"]["cometkiwi_pairs_timed"] = args.big_batches * args.big_batch_size
    report["speed"]["ratio_builtin_vs_big"] = round(report["speed"]["builtin_pairs_per_s"] / big, 1)
    sp = report["speed"]
    print(f"\nspeed (en-de dev, {sp['pairs']} pairs, {args.threads} threads, load avg {report['load_average'][0]:.1f}):")
    print(f"  built-in (USE cosine + features): {sp['builtin_pairs_per_s']:8.1f} pairs/s")
    print(f"  built-in, no sentence encoder:    {sp['builtin_no_encoder_pairs_per_s']:8.1f} pairs/s")
    print(f"  CometKiwi-sized XLM-R large:      {sp['cometkiwi_sized_pairs_per_s']:8.2f} pairs/s "
          f"({sp['cometkiwi_pairs_timed']} pairs timed)  -> ratio {sp['ratio_builtin_vs_big']}x")
    write_report(report, "bench_qe")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
