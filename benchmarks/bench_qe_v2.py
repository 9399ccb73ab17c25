"""QE v2 benchmark: MLQE-PE dev per pair, leave-one-pair-out, held-out synthetic spans, speed.

Usage (from the project root; the features come from ``python -m auditor.qe.features_v2``)::

    python benchmarks/bench_qe_v2.py --data /tmp/qe_v2_data --feats /tmp/qe_v2_feats \
        [--model models/qe-v2] [--lopo] [--lopo-epochs 4] [--speed-pairs 512] [--skip-speed]

Tables printed:

1. MLQE-PE dev (never trained on, never early-stopped on): Pearson and Spearman of the
   score against DA z, word MCC at the shipped threshold; beside v1 (its model card's
   figures) and TransQuest's published Pearson.
2. ``--lopo``: per MLQE-PE pair, heads retrained without any record of that pair (same
   seed, ``--lopo-epochs``), scored on its dev: how the model does on pairs it never saw.
3. Held-out synthetic errors in NTREX test documents (en<->es/fr/de/pt), through the real
   ``predict`` path: span precision/recall/F1 (a predicted span matches an error whose MT
   span it overlaps) and the share of errors with a known source side whose source words
   the matching span names (overlap with the true source span); beside it the aligner
   alone: the source words it gives each true span's MT words (detection left out).
4. Speed: warm pairs/s of ``predict`` (featurize + heads), cold load, and the
   CometKiwi-sized encoder of ``bench_qe.py`` on the same pairs.

Writes ``reports/bench_qe_v2.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from reportfile import write_report  # noqa: E402  (benchmarks/ is the script's folder)

from bench_qe import TRANSQUEST_PEARSON, speed_big_encoder  # noqa: E402

#: QE v1 on MLQE-PE dev (Pearson, word MCC), as its model card (models/qe-builtin/README.md) reports
V1_DEV = {"en-de": (0.222, 0.020), "en-zh": (0.252, 0.174), "et-en": (0.324, 0.237), "ne-en": (0.467, 0.334),
          "ro-en": (0.653, 0.441), "ru-en": (0.519, 0.198), "si-en": (0.366, 0.296)}
NTREX_PAIRS = ["es-en", "fr-en", "de-en", "pt-en", "en-es", "en-fr", "en-de", "en-pt"]


def mlqe_dev(model, feats: Path) -> dict:
    """Per pair on MLQE-PE dev, through the shipped combination (heads + cross-encoder)."""
    from auditor.qe.cross_train import with_cross_cached
    from auditor.qe.train_v2 import load_split, mlqe_table

    rows, metas = load_split(feats / "dev")
    keep = [k for k, m in enumerate(metas) if m.get("origin") == "mlqe-pe" and m.get("kind") == "human-da"]
    rows, metas = [rows[k] for k in keep], [metas[k] for k in keep]
    recs = {r["id"]: r for r in map(json.loads, open(feats / "dev_sub.jsonl", encoding="utf-8"))}
    sc, pr = with_cross_cached(model, rows, metas, recs)
    return mlqe_table(metas, sc, pr, rows, model.word_threshold)


def heads_without(pair: str, rows, metas, drows, epochs: int, seed: int):
    """The frozen-feature heads retrained without any record of ``pair``: their (scores,
    word p(BAD)) on the dev rows."""
    from auditor.qe.train_v2 import Trainer, scalar_stats, vector_stats

    keep = [k for k, m in enumerate(metas) if m.get("pair") != pair]
    r, m = [rows[k] for k in keep], [metas[k] for k in keep]
    tr = Trainer(scalar_stats(r), vector_stats(r, seed=seed), seed=seed)
    tr.fit(r, m, epochs=epochs, log=lambda s: None)
    return tr.predict(drows)


def lopo(feats: Path, data: Path, epochs: int, seed: int) -> dict:
    from auditor.qe.train_v2 import OTHER_LIMIT, choose_threshold, load_split, load_training, mlqe_table, other_subset

    rows, metas = load_training(feats, other_subset(data / "train.jsonl", OTHER_LIMIT, seed))
    drows, dmetas = load_split(feats / "dev")
    out = {}
    for pair in sorted(TRANSQUEST_PEARSON):
        t0 = time.perf_counter()
        sc, pr = heads_without(pair, rows, metas, drows, epochs, seed)
        others = [k for k, x in enumerate(dmetas) if x.get("pair") != pair]
        thr, _ = choose_threshold([dmetas[k] for k in others], [pr[k] for k in others], [drows[k] for k in others])
        out[pair] = {**mlqe_table(dmetas, sc, pr, drows, thr, [pair])[pair], "threshold": thr,
                     "seconds": round(time.perf_counter() - t0, 1)}
        print(f"  lopo {pair}: pearson {out[pair]['pearson']:.3f} ({out[pair]['seconds']} s)", flush=True)
    return out


def lopo_cross(feats: Path, data: Path, cache: Path, heads_epochs: int, cross_epochs: int, weight: float,
               seed: int, out_file: Path, pairs: list[str] | None = None) -> dict:
    """Leave-one-pair-out for the shipped combination: per held-out pair the heads (as
    :func:`lopo`) **and** the cross-encoder (``cross_train.train`` with the pair excluded,
    ``cross_epochs``) are retrained without any record of it; its MLQE-PE dev Pearson of the
    heads alone, the cross-encoder alone and their ``weight`` average (the shipped score).
    Each pair's result is written to ``out_file`` as it comes (a rerun skips finished pairs)."""
    import torch

    from auditor.qe import cross_train
    from auditor.qe.train_v2 import OTHER_LIMIT, load_split, load_training, other_subset, pearson

    done = json.loads(out_file.read_text(encoding="utf-8")) if out_file.exists() else {}
    threads = torch.get_num_threads()  # the heads' trainer sets one thread; the cross-encoder gets them all back
    rows, metas = load_training(feats, other_subset(data / "train.jsonl", OTHER_LIMIT, seed))
    drows, dmetas = load_split(feats / "dev")
    V = cross_train.load_cache(cache / "dev")
    vid = {m["id"]: i for i, m in enumerate(V["meta"])}
    for pair in pairs or sorted(TRANSQUEST_PEARSON):
        if pair in done:
            continue
        t0 = time.perf_counter()
        sc, _ = heads_without(pair, rows, metas, drows, heads_epochs, seed)
        model, _ = cross_train.train(cache, cross_epochs, 6e-5, 16, seed, threads, exclude=[pair],
                                     report_dev=False)
        ks = [k for k, m in enumerate(dmetas) if m.get("pair") == pair and m.get("kind") == "human-da"]
        q, _ = cross_train.predict_cache(model, V, [vid[dmetas[k]["id"]] for k in ks])
        z = [dmetas[k]["da_z"] for k in ks]
        heads = np.array([sc[k] for k in ks], float)
        cross = 1 / (1 + np.exp(-np.array([q[vid[dmetas[k]["id"]]] for k in ks], float)))
        done[pair] = {"heads": round(pearson(heads, z), 4), "cross": round(pearson(cross, z), 4),
                      "combined": round(pearson((1 - weight) * heads + weight * cross, z), 4),
                      "seconds": round(time.perf_counter() - t0, 1)}
        out_file.write_text(json.dumps(done, indent=1) + "\n", encoding="utf-8")
        print(f"  lopo {pair}: heads {done[pair]['heads']:.3f} cross {done[pair]['cross']:.3f} "
              f"combined {done[pair]['combined']:.3f} ({done[pair]['seconds']} s)", flush=True)
    return done


def _overlap(a, b) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def synthetic_spans(model, data: Path, limit_per_pair: int | None) -> dict:
    from auditor.qe.features_v2 import featurize
    from auditor.qe.srcspans import source_words_for

    recs = [json.loads(line) for line in open(data / "test.jsonl", encoding="utf-8")]
    out = {}
    for pair in NTREX_PAIRS:
        rs = [r for r in recs if r["origin"] == "ntrex" and r["pair"] == pair and r["kind"] in ("synthetic", "clean")]
        rs = rs[:limit_per_pair] if limit_per_pair else rs
        sl, tl = pair.split("-")
        res = model.predict([r["src"] for r in rs], [r["mt"] for r in rs], sl, tl)
        feats = featurize(model.encoder, [(r["src"], r["mt"]) for r in rs])  # the alignment alone, below
        tp_pred = n_pred = tp_gold = n_gold = src_known = src_found = src_detected = src_aligned = 0
        for r, spans, f in zip(rs, res.spans, feats):
            gold = [e for e in r["errors"] if e["mt"]]
            n_pred += len(spans)
            n_gold += len(gold)
            tp_pred += sum(any(_overlap((s.start, s.end), g) for e in gold for g in e["mt"]) for s in spans)
            for e in gold:
                hit = [s for s in spans if any(_overlap((s.start, s.end), g) for g in e["mt"])]
                tp_gold += bool(hit)
                if e["src"]:
                    src_known += 1
                    src_detected += bool(hit)
                    src_found += any(s.src_start is not None and any(_overlap((s.src_start, s.src_end), g) for g in e["src"])
                                     for s in hit)
                    # the aligner given the true span (detection left out): its words' source words
                    js = [j for j, w in enumerate(f.mt_words) if any(_overlap(w, g) for g in e["mt"])]
                    src = source_words_for(f, js, r["src"], r["mt"])
                    src_aligned += bool(src) and any(_overlap((f.src_words[src[0]][0], f.src_words[src[-1]][1]), g)
                                                     for g in e["src"])
        p = tp_pred / n_pred if n_pred else 0.0
        rc = tp_gold / n_gold if n_gold else 0.0
        out[pair] = {"records": len(rs), "gold_spans": n_gold, "pred_spans": n_pred, "precision": round(p, 4),
                     "recall": round(rc, 4), "f1": round(2 * p * rc / (p + rc), 4) if p + rc else 0.0,
                     "src_known": src_known, "src_found": round(src_found / src_known, 4) if src_known else None,
                     "src_detected": src_detected,
                     "src_found_when_detected": round(src_found / src_detected, 4) if src_detected else None,
                     "src_aligned_true_spans": round(src_aligned / src_known, 4) if src_known else None}
        print(f"  {pair}: span P {p:.3f} R {rc:.3f} F1 {out[pair]['f1']:.3f}; errors with a known source side: "
              f"{src_known}, source words found {out[pair]['src_found']} (of the detected ones: "
              f"{out[pair]['src_found_when_detected']}; the aligner given each true span: "
              f"{out[pair]['src_aligned_true_spans']})", flush=True)
    return out


def cold_load(model_dir: str) -> float:
    code = ("import time;t=time.perf_counter();from auditor.qe import load_qe_model;"
            f"m=load_qe_model({model_dir!r});m.predict(['Hola.'],['Hello.'],'es','en');print(time.perf_counter()-t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=600)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("/tmp/qe_v2_data"))
    ap.add_argument("--feats", type=Path, default=Path("/tmp/qe_v2_feats"))
    ap.add_argument("--model", default=str(ROOT / "models" / "qe-v2"))
    ap.add_argument("--lopo", action="store_true")
    ap.add_argument("--lopo-epochs", type=int, default=4)
    ap.add_argument("--lopo-cross", type=Path, default=None, metavar="CACHE",
                    help="with --lopo: also retrain the cross-encoder without each pair on this cross_train cache")
    ap.add_argument("--lopo-cross-epochs", type=int, default=1)
    ap.add_argument("--lopo-pairs", default=None, help="comma-separated pairs to hold out (default: all seven), "
                    "e.g. to split the work between two processes")
    ap.add_argument("--lopo-out", type=Path, default=ROOT / "reports" / "bench_qe_v2_lopo_cross.json",
                    help="per-pair results of --lopo-cross, written as they come (a rerun skips finished pairs)")
    ap.add_argument("--synthetic-per-pair", type=int, default=None, help="cap of NTREX test records per pair")
    ap.add_argument("--speed-pairs", type=int, default=512)
    ap.add_argument("--big-batches", type=int, default=2)
    ap.add_argument("--skip-speed", action="store_true")
    ap.add_argument("--skip-synthetic", action="store_true")
    args = ap.parse_args()

    from auditor.qe import load_qe_model

    model = load_qe_model(args.model)
    report: dict = {"signature": model.signature, "load_average": list(os.getloadavg()),
                    "threads": os.environ.get("AUDITOR_THREADS", "default")}
    v1 = {p: {"pearson": r, "word_mcc": m} for p, (r, m) in V1_DEV.items()}
    report["dev"] = mlqe_dev(model, args.feats)
    print(f"\nMLQE-PE dev ({model.signature})")
    print(f"{'pair':7} {'Pearson':>8} {'Spearman':>9} {'word MCC':>9} {'v1 r':>6} {'v1 MCC':>7} {'TransQuest r':>13}")
    for pair, m in report["dev"].items():
        a, b = v1.get(pair, {}).get("pearson", float("nan")), v1.get(pair, {}).get("word_mcc", float("nan"))
        print(f"{pair:7} {m['pearson']:8.3f} {m['spearman']:9.3f} {m['word_mcc']:9.3f} {a:6.3f} {b:7.3f} "
              f"{TRANSQUEST_PEARSON[pair]:13.3f}")
    d = report["dev"].values()
    print(f"{'mean':7} {np.mean([m['pearson'] for m in d]):8.3f} {np.mean([m['spearman'] for m in d]):9.3f} "
          f"{np.mean([m['word_mcc'] for m in d]):9.3f} {'':6} {'':7} {np.mean(list(TRANSQUEST_PEARSON.values())):13.3f}")
    if args.lopo:
        print("\nleave-one-pair-out (heads retrained without the pair):")
        if args.lopo_cross is not None:
            report["lopo_cross"] = lopo_cross(args.feats, args.data, args.lopo_cross, args.lopo_epochs,
                                              args.lopo_cross_epochs, model.cross.weight if model.cross else 0.5, 0,
                                              args.lopo_out, args.lopo_pairs.split(",") if args.lopo_pairs else None)
            report["lopo_cross_epochs"] = args.lopo_cross_epochs
            lc = report["lopo_cross"].values()
            print(f"  mean Pearson: heads {np.mean([m['heads'] for m in lc]):.3f}, cross-encoder "
                  f"{np.mean([m['cross'] for m in lc]):.3f}, combined (shipped) {np.mean([m['combined'] for m in lc]):.3f}")
        else:
            report["lopo"] = lopo(args.feats, args.data, args.lopo_epochs, 0)
            print(f"  mean Pearson {np.mean([m['pearson'] for m in report['lopo'].values()]):.3f}")
        report["lopo_epochs"] = args.lopo_epochs
    if not args.skip_synthetic:
        print("\nheld-out synthetic errors, NTREX test documents:")
        report["synthetic"] = synthetic_spans(model, args.data, args.synthetic_per_pair)
        s = report["synthetic"].values()
        found = sum(round(m["src_found"] * m["src_known"]) for m in s)
        print(f"  mean span F1 {np.mean([m['f1'] for m in s]):.3f}; source words found for "
              f"{found / max(sum(m['src_known'] for m in s), 1):.3f} of true spans, "
              f"{found / max(sum(m['src_detected'] for m in s), 1):.3f} of the detected ones; the aligner "
              f"given each true span names its source words for "
              f"{sum(round(m['src_aligned_true_spans'] * m['src_known']) for m in s) / max(sum(m['src_known'] for m in s), 1):.3f}")
    if not args.skip_speed:
        from auditor.qe.train_v2 import load_split  # noqa: F401  (same environment as training)

        recs = [json.loads(line) for line in open(args.data / "dev.jsonl", encoding="utf-8")]
        de = [r for r in recs if r["origin"] == "mlqe-pe" and r["pair"] == "en-de"][: args.speed_pairs]
        srcs, tgts = [r["src"] for r in de], [r["mt"] for r in de]
        model.predict(srcs[:16], tgts[:16], "en", "de")  # warm
        t = time.perf_counter()
        model.predict(srcs, tgts, "en", "de")
        warm = len(srcs) / (time.perf_counter() - t)
        big = speed_big_encoder(srcs, tgts, args.big_batches, 16)
        cold = cold_load(args.model)
        report["speed"] = {"pairs": len(srcs), "v2_pairs_per_s": round(warm, 1), "cometkiwi_sized_pairs_per_s": round(big, 2),
                           "ratio": round(warm / big, 1), "cold_load_first_pair_s": round(cold, 1)}
        sp = report["speed"]
        print(f"\nspeed (MLQE-PE en-de dev, {sp['pairs']} pairs, AUDITOR_THREADS={report['threads']}, "
              f"load avg {report['load_average'][0]:.1f}):")
        print(f"  QE v2 (e5-small int8 features + heads): {sp['v2_pairs_per_s']:8.1f} pairs/s")
        print(f"  CometKiwi-sized XLM-R large:            {sp['cometkiwi_sized_pairs_per_s']:8.2f} pairs/s -> ratio {sp['ratio']}x")
        print(f"  cold start (load + first pair):         {sp['cold_load_first_pair_s']:8.1f} s")
    write_report(report, "bench_qe_v2")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
