"""Train the with-source detector's cross-encoder term ``xenc_mt`` (CPU, seeded).

The term is the mean, over an article's aligned sentence pairs, of a fine-tuned
cross-encoder's log-odds that the pair is machine translation: e5-small reads the source
sentence and the English sentence together (:mod:`auditor.qe.cross`, the same frozen
blocks 1-8 and tuned copies of blocks 9-12 as QE v2's cross-encoder), so it can see how
literally one renders the other, which sentence-vector similarity cannot.

Data: the line pairs of the WMT22 **leave-systems-out** windows (:mod:`.data`): every
human reference line of the ``train`` windows and twice as many MT lines (a seeded
sample of the training systems' outputs), 20,445 pairs; ``calib`` and ``eval`` windows
are never trained on (their held-out systems and reference least of all). Then
:mod:`.train` fits the term's weight with the Platt map on the ``calib`` windows.

    python -m auditor.mtdetect.cross_train cache --out /tmp/mt_cross
    python -m auditor.mtdetect.cross_train train --cache /tmp/mt_cross --out models/mt-detector
    python -m auditor.mtdetect.cross_train stack --cache /tmp/mt_cross

``stack`` must follow any ``python -m auditor.mtdetect.train`` (which rewrites detector.json).
Measured and not shipped (WMT22 with-source AUC 0.796 -> 0.851, realpages MT pages
called MT with their declared original 9/9 -> 4/9): ``models/mt-detector/README.md``.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from ..qe.cross_train import (FROM_LAYER, MAX_SIDE, Updater, add_train_args, batches, encode_split, initial_model,
                               load_cache, predict_cache)
from .data import build_examples
from .metrics import roc_auc

WEIGHTS = "cross-mt.safetensors"
VERSION = "2.1.0"  # the detector with the stacked cross-encoder term
MT_PER_HUMAN = 2


def line_pairs(seed: int = 13) -> dict[str, list[dict[str, Any]]]:
    """Per split, the (source line, English line) pairs of WMT22's translation windows."""
    out: dict[str, list[dict[str, Any]]] = {"train": [], "calib": [], "eval": []}
    for e in build_examples(seed=seed, native=False):
        if e.label not in ("mt", "human"):
            continue
        for k, (s, t) in enumerate(zip(e.source_lines, e.lines)):
            if s.strip() and t.strip():
                out[e.split].append({"id": f"{e.id}:{k}", "doc": e.id, "pair": e.pair, "src": s, "mt": t,
                                     "label": int(e.label == "mt"), "system": e.system, "kind": "mtdetect"})
    human = [r for r in out["train"] if r["label"] == 0]
    mt = [r for r in out["train"] if r["label"] == 1]
    random.Random(seed).shuffle(mt)
    train = human + mt[:MT_PER_HUMAN * len(human)]
    random.Random(seed + 1).shuffle(train)
    out["train"] = train
    return out


def window_scores(D: dict[str, Any], q: dict[int, float]) -> dict[str, float]:
    """Mean line log-odds per window (document id)."""
    by: dict[str, list[float]] = {}
    for i, m in enumerate(D["meta"]):
        by.setdefault(m["doc"], []).append(q[i])
    return {d: float(np.mean(v)) for d, v in by.items()}


def train(cache: Path, epochs: int, lr: float, batch: int, seed: int, threads: int):
    import torch

    model = initial_model(seed, threads)
    rng = random.Random(seed)
    T, V = load_cache(cache / "train"), load_cache(cache / "eval")
    idx = list(range(len(T["meta"])))
    labels = np.array([m["label"] for m in T["meta"]])
    pos_weight = float((labels == 0).sum() / max(1, (labels == 1).sum()))  # classes weigh the same
    up = Updater(model, list(model.seg.parameters()), lr, epochs * math.ceil(len(idx) / batch))
    log: list[dict[str, Any]] = []
    t0 = up.t0
    for ep in range(epochs):
        for ch, h, mask, side, _, _, _ in batches(T, idx, batch, rng):
            _, q = model(h, mask, side)
            y = torch.tensor([T["meta"][i]["label"] for i in ch], dtype=torch.float32)
            w = torch.where(y > 0.5, torch.tensor(pos_weight), torch.tensor(1.0))
            up.update((torch.nn.functional.binary_cross_entropy_with_logits(q, y, reduction="none") * w).mean(), ep)
        q, _ = predict_cache(model, V)
        win = window_scores(V, q)
        ys = [int(":mt:" in d) for d in win]
        auc = roc_auc(ys, list(win.values()))
        log.append({"epoch": ep, "seconds": round(time.time() - t0), "eval_window_auc": round(auc, 4)})
        print(f"epoch {ep}: WMT22 leave-systems-out eval windows, AUC of the mean line log-odds {auc:.3f}",
              file=sys.stderr, flush=True)
    return model, log


def load_trained(path: Path):
    """The saved cross-encoder as a training module (for scoring cached states)."""
    import torch
    from safetensors.torch import load_file

    from ..encoders.e5tok.model import load_model
    from ..qe.cross import build_cross

    base, _, _ = load_model()
    m = build_cross(base.config, 4)
    m.load_state_dict({k: v.to(torch.float32) for k, v in load_file(str(path)).items()})
    return m.eval()


def wmt_rows(split: str, detector) -> list[dict]:
    """With-source feature records of WMT22 MT and human translation windows of ``split``
    (from the detector's feature cache, lexical features set from the shipped tables)."""
    from .train import load_examples, load_records, set_shipped_lexical

    examples = load_examples()
    recs = load_records(examples, (split,), cached_only=True)
    set_shipped_lexical(recs, {e.id: "\n".join(e.lines) for e in examples}, detector)
    return [r for r in recs if "with_source" in r and r.get("corpus", "wmt22") == "wmt22" and r["label"] in ("mt", "human")]


def stack(detector_path: Path, cache: Path) -> dict[str, Any]:
    """Fit ``z = a * raw + b + w * xenc_mt`` on the WMT22 ``calib`` windows (MT vs human,
    classes balanced) and write it into the detector: the with-source Platt map and the
    stacked weight. ``xenc_mt`` there is the mean over the window's line pairs (WMT22 is
    line-aligned; at run time, over the aligned beads)."""
    from .model import read_detector
    from .train import fit_logistic

    det = read_detector(detector_path)
    lm = det.models["with_source"]
    model = load_trained(detector_path.parent / WEIGHTS)
    D = load_cache(cache / "calib")
    q, _ = predict_cache(model, D)
    xenc = window_scores(D, q)
    rows = [r for r in wmt_rows("calib", det) if r["id"] in xenc]
    raw = np.array([lm.raw_logit(r["with_source"]) for r in rows])
    x = np.array([xenc[r["id"]] for r in rows])
    y = np.array([r["label"] == "mt" for r in rows], float)
    w = np.where(y > 0, 0.5 / y.mean(), 0.5 / (1 - y.mean()))
    theta, bias = fit_logistic(np.stack([raw, x], 1), y, w, 1e-4)
    a, wx = float(theta[0]), float(theta[1])
    fit = {"n_calib": len(rows), "platt_a": round(a, 4), "platt_b": round(float(bias), 4), "xenc_mt": round(wx, 4),
           "platt_before": [lm.platt_a, lm.platt_b]}
    d = json.loads(detector_path.read_text(encoding="utf-8"))
    ws = d["models"]["with_source"]
    ws["platt_a"], ws["platt_b"] = a, float(bias)
    ws["stack"] = {**ws.get("stack", {}), "xenc_mt": wx}
    meta = json.loads((detector_path.parent / "cross-mt.json").read_text(encoding="utf-8"))
    d["cross_mt"] = {k: meta[k] for k in ("file", "from_layer", "layers", "max_side")}
    d["version"] = VERSION
    d.setdefault("meta", {}).setdefault("training", {}).setdefault("with_source", {})["cross_encoder"] = fit
    detector_path.write_text(json.dumps(d, indent=1) + "\n", encoding="utf-8")
    return fit


def main(argv: Iterable[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m auditor.mtdetect.cross_train", description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("cache", help="encode the WMT22 line pairs through the frozen blocks")
    c.add_argument("--out", type=Path, required=True)
    c.add_argument("--seed", type=int, default=13)
    t = sub.add_parser("train", help="fine-tune the top blocks and the head; write cross-mt.safetensors")
    add_train_args(t, "the detector directory", lr=5e-5)
    k = sub.add_parser("stack", help="fit the term's weight with the with-source Platt map on the calib windows")
    k.add_argument("--cache", type=Path, required=True)
    k.add_argument("--detector", type=Path, default=Path(__file__).resolve().parents[2] / "models" / "mt-detector" / "detector.json")
    a = ap.parse_args(list(argv) if argv is not None else None)
    if a.cmd == "stack":
        print(json.dumps(stack(a.detector, a.cache)))
        return 0
    if a.cmd == "cache":
        from ..encoders.e5tok import E5TokenEncoder

        enc = E5TokenEncoder(int8=True, threads=1)
        for split, recs in line_pairs(a.seed).items():
            encode_split(enc, recs, a.out / split, keep=("label", "doc", "system"))
        return 0
    import torch
    from safetensors.torch import save_file

    model, log = train(a.cache, a.epochs, a.lr, a.batch, a.seed, a.threads)
    # the word head (QE's) is saved untrained so that one loader reads both models; it is never used here
    state = {k: v.detach().to(torch.float16).contiguous() for k, v in model.state_dict().items()}
    save_file(state, str(a.out / WEIGHTS))
    meta = {"file": WEIGHTS, "from_layer": FROM_LAYER, "layers": 4, "max_side": MAX_SIDE, "log": log,
            "args": {k: str(v) for k, v in vars(a).items()}}
    (a.out / "cross-mt.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
