"""Train the built-in QE model on MLQE-PE: ``python -m auditor.qe.train --data DIR --out DIR``.

Seeded and reproducible. Steps: extract the tarballs to a cache dir; learn one
alignment-count lexicon per pair from the train post-edits (cross-fitted over
folds, so train features are computed with a lexicon that never saw that segment —
otherwise the network would learn to trust an over-optimistic lexicon); encode
sentences with USE where it covers both languages (cached on disk); fit the segment
MLP on train z-scores and the word MLP on MT word tags, early-stopping on a held-out
slice of train; pick the word threshold (MCC) on that same slice; report dev.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
import time
from pathlib import Path

import numpy as np

from .builtin import FORMAT_KEY, safe_std
from .data import PAIRS, extract, read_da, read_pe
from .embedding import USE_LANGS, default_cache_dir, embed
from .features import SEGMENT_FEATURES, WORD_FEATURES, pair_features
from .lexicon import Lexicon, build_lexicon
from .tokens import key, tokenize

log = logging.getLogger("auditor.qe.train")
VERSION = "1.0"
LEX_SEG = list(range(10))  # segment features that come from the lexicon
EMB_SEG = [SEGMENT_FEATURES.index("emb_avail"), SEGMENT_FEATURES.index("emb_cos")]
LEX_WORD = [WORD_FEATURES.index(n) for n in (
    "lex_avail", "lex_fwd", "lex_rev", "lex_fwd_prev", "lex_fwd_next", "tgt_logfreq", "tgt_oov", "has_rev",
    "seg_mean_lex_fwd", "seg_src_coverage")]
EMB_CHUNK = 500


def retokenize(tokens: list[str]) -> tuple[list[str], list[int]]:
    """Our tokens of a pre-tokenised line and, for each, the index of its original token."""
    keys, owner = [], []
    for i, tok in enumerate(tokens):
        for _, _, sub in tokenize(tok):
            keys.append(key(sub))
            owner.append(i)
    return keys, owner


def lexicon_from(pair: str, segs) -> Lexicon:
    def examples():
        for seg in segs:
            sk, so = retokenize(seg.src_tokens)
            tk, to = retokenize(seg.mt_tokens)
            s_by = {}
            for a, o in enumerate(so):
                s_by.setdefault(o, []).append(a)
            t_by = {}
            for b, o in enumerate(to):
                t_by.setdefault(o, []).append(b)
            links = [(a, b) for i, j in seg.links for a in s_by.get(i, ()) for b in t_by.get(j, ())]
            yield sk, tk, links

    lex = build_lexicon(pair, examples())
    lex.prune()
    return lex


def cosines(pair: str, sources: list[str], translations: list[str], n: int, cache: Path) -> np.ndarray | None:
    """USE cosines of the first ``n`` pairs (NaN beyond), None if USE lacks a language."""
    sl, tl = pair.split("-")
    if sl not in USE_LANGS or tl not in USE_LANGS:
        return None
    out = np.full(len(sources), np.nan, dtype=np.float32)
    for i in range(0, min(n, len(sources)), EMB_CHUNK):
        j = min(i + EMB_CHUNK, len(sources))
        u = embed(sources[i:j], cache_dir=cache)
        v = embed(translations[i:j], cache_dir=cache)
        out[i:j] = (u * v).sum(axis=1)
    return out


def seg_rows(da, lexes, folds, cos) -> np.ndarray:
    rows = []
    for i, d in enumerate(da):
        c = None if cos is None or np.isnan(cos[i]) else float(cos[i])
        rows.append(pair_features(d.source, d.translation, lexes[folds[i]], c).segment)
    return np.stack(rows)


def word_rows(pe, lexes, folds) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Word features, labels, and each row's sentence-level features (for the segment z)."""
    xs, ys, ss = [], [], []
    for i, seg in enumerate(pe):
        f = pair_features(" ".join(seg.src_tokens), " ".join(seg.mt_tokens), lexes[folds[i]])
        _, owner = retokenize(seg.mt_tokens)
        if len(owner) != len(f.words):
            continue
        xs.append(f.words)
        ys.append(np.array([seg.mt_bad[o] for o in owner], dtype=np.float32))
        ss.append(np.repeat(f.segment[None, :], len(owner), axis=0))
    return np.concatenate(xs), np.concatenate(ys), np.concatenate(ss)


def mcc(y: np.ndarray, p: np.ndarray) -> float:
    tp = float(((p == 1) & (y == 1)).sum()); tn = float(((p == 0) & (y == 0)).sum())
    fp = float(((p == 1) & (y == 0)).sum()); fn = float(((p == 0) & (y == 1)).sum())
    den = ((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)) ** 0.5
    return (tp * tn - fp * fn) / den if den else 0.0


def pearson(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a, b)[0, 1])


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    ra = np.argsort(np.argsort(a)); rb = np.argsort(np.argsort(b))
    return pearson(ra.astype(float), rb.astype(float))


def fit(model_fn, loss_fn, params, x_tr, x_va, epochs: int, lr: float, batch: int, rng: np.random.Generator):
    """Mini-batch Adam with early stopping on the held-out loss; returns best state."""
    import copy

    import torch

    opt = torch.optim.Adam(params, lr=lr, weight_decay=1e-5)
    best, best_state, bad = float("inf"), None, 0
    net = model_fn.__self__
    n = len(x_tr[0])
    for ep in range(epochs):
        net.train()
        order = rng.permutation(n)
        for s in range(0, n, batch):
            idx = torch.from_numpy(order[s : s + batch])
            opt.zero_grad()
            loss = loss_fn(*[t[idx] for t in x_tr])
            loss.backward()
            opt.step()
        net.eval()
        with torch.no_grad():
            vl = float(loss_fn(*x_va))
        log.info("epoch %d held-out loss %.4f", ep, vl)
        if vl < best - 1e-4:
            best, best_state, bad = vl, copy.deepcopy(net.state_dict()), 0
        else:
            bad += 1
            if bad >= 4:
                break
    net.load_state_dict(best_state)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m auditor.qe.train", description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="the mlqe-pe folder (with direct-assessments/ and post-editing/)")
    ap.add_argument("--out", required=True, help="model directory to write")
    ap.add_argument("--cache", default=None, help="extraction + embedding cache (default: temp dir)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--emb-train-rows", type=int, default=2000, help="train rows per USE pair to embed")
    ap.add_argument("--folds", type=int, default=4)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--pairs", default=",".join(PAIRS), help="comma-separated subset (smoke tests)")
    ap.add_argument("--word-rows", type=int, default=400_000, help="max word-level training rows")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)

    import torch
    from safetensors.torch import save_file

    from .net import build_net

    t0 = time.time()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    rng = np.random.default_rng(args.seed)
    cache = Path(args.cache) if args.cache else default_cache_dir()
    root = extract(Path(args.data), cache)
    out = Path(args.out)
    (out / "lexicons").mkdir(parents=True, exist_ok=True)

    S = {"train": [], "dev": []}  # (X, y, pair_idx)
    W = {"train": [], "dev": []}
    dev_index: dict[str, tuple[slice, slice]] = {}
    seg_off = word_off = 0
    pairs = [p for p in args.pairs.split(",") if p]
    if not set(pairs) <= set(PAIRS):
        ap.error(f"--pairs must be among {', '.join(PAIRS)}")
    for p_i, pair in enumerate(pairs, start=1):
        pe_tr, pe_dev = read_pe(root, pair, "train"), read_pe(root, pair, "dev")
        da_tr, da_dev = read_da(root, pair, "train"), read_da(root, pair, "dev")
        full = lexicon_from(pair, pe_tr)
        full.save(out / "lexicons" / f"{pair}.tsv.gz")
        # cross-fitting: lexicon k is learned without fold k (DA and PE train share segments by line)
        fold_of = rng.integers(0, args.folds, size=max(len(da_tr), len(pe_tr)))
        fold_lex = [lexicon_from(pair, [s for i, s in enumerate(pe_tr) if fold_of[i] != k]) for k in range(args.folds)]
        log.info("%s lexicons built (%.0fs)", pair, time.time() - t0)
        cos_tr = cosines(pair, [d.source for d in da_tr], [d.translation for d in da_tr], args.emb_train_rows, cache / "emb")
        cos_dev = cosines(pair, [d.source for d in da_dev], [d.translation for d in da_dev], len(da_dev), cache / "emb")
        xs = seg_rows(da_tr, fold_lex, fold_of, cos_tr)
        xd = seg_rows(da_dev, [full], np.zeros(len(da_dev), dtype=int), cos_dev)
        wx, wy, wsx = word_rows(pe_tr, fold_lex, fold_of)
        dx, dy, dsx_ = word_rows(pe_dev, [full], np.zeros(len(pe_dev), dtype=int))
        S["train"].append((xs, np.array([d.z_mean for d in da_tr], dtype=np.float32), np.full(len(xs), p_i)))
        S["dev"].append((xd, np.array([d.z_mean for d in da_dev], dtype=np.float32), np.full(len(xd), p_i)))
        W["train"].append((wx, wy, np.full(len(wx), p_i), wsx))
        W["dev"].append((dx, dy, np.full(len(dx), p_i), dsx_))
        dev_index[pair] = (slice(seg_off, seg_off + len(xd)), slice(word_off, word_off + len(dx)))
        seg_off += len(xd); word_off += len(dx)
        log.info("%s features: %d seg, %d words (%.0fs)", pair, len(xs), len(wx), time.time() - t0)

    def cat(parts):
        return [np.concatenate([p[k] for p in parts]) for k in range(len(parts[0]))]

    sx, sy, sp = cat(S["train"]); dsx, dsy, dsp = cat(S["dev"])
    wx, wy, wp, wsx = cat(W["train"]); dwx, dwy, dwp, dwsx = cat(W["dev"])
    # augmentation: copies with the pair hidden / lexicon hidden / embedding hidden, so
    # unseen pairs and encoder-less runs are in-distribution
    def augment(x, y, p, lex_cols, emb_cols, frac=0.15):
        xs_, ys_, ps_ = [x], [y], [p]
        for cols, hide_pair in ((None, True), (lex_cols, True), (emb_cols, False)):
            if cols is not None and not len(cols):
                continue
            idx = rng.choice(len(x), size=int(frac * len(x)), replace=False)
            xa = x[idx].copy()
            if cols is not None:
                xa[:, cols] = 0.0
            xs_.append(xa); ys_.append(y[idx]); ps_.append(np.zeros(len(idx), dtype=p.dtype) if hide_pair else p[idx])
        return np.concatenate(xs_), np.concatenate(ys_), np.concatenate(ps_)

    # held-out slice of train for early stopping and threshold choice
    ho = rng.random(len(sx)) < 0.1
    # a column that never varies (lex_avail is 1 on every real row) must not be divided by
    # ~0: the hidden-lexicon copies would become -1e6 and saturate the network
    s_mean, s_std = sx.mean(0), safe_std(sx.std(0))
    w_mean, w_std = wx.mean(0), safe_std(wx.std(0))
    net = build_net(len(SEGMENT_FEATURES), len(WORD_FEATURES), len(pairs))
    T = lambda a, dt=torch.float32: torch.from_numpy(np.ascontiguousarray(a)).to(dt)  # noqa: E731
    atx, aty, atp = augment(sx[~ho], sy[~ho], sp[~ho], LEX_SEG, EMB_SEG)
    mse = torch.nn.MSELoss()
    seg_loss = lambda x, y, p: mse(net.segment(x, p), y)  # noqa: E731
    tr = (T((atx - s_mean) / s_std), T(aty), T(atp, torch.long))
    va = (T((sx[ho] - s_mean) / s_std), T(sy[ho]), T(sp[ho], torch.long))
    fit(net.segment, seg_loss, list(net.pair.parameters()) + list(net.seg.parameters()), tr, va, 60, 1e-3, 128, rng)
    log.info("segment model trained (%.0fs)", time.time() - t0)

    # word model: sample rows, segment z from the frozen segment net is recomputed per row
    for prm in list(net.pair.parameters()) + list(net.seg.parameters()):
        prm.requires_grad_(False)
    take = rng.permutation(len(wx))[: args.word_rows]
    # the word net also sees its sentence's predicted z (from the frozen segment net)
    def seg_z(x_seg: np.ndarray, p: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            return net.segment(T((x_seg - s_mean) / s_std), T(p, torch.long)).numpy()

    wx_, wy_, wp_, wz_ = wx[take], wy[take], wp[take], seg_z(wsx[take], wp[take])
    del wsx
    who = rng.random(len(wx_)) < 0.1
    wxz = np.concatenate([wx_, wz_[:, None]], axis=1)
    awx, awy, awp = augment(wxz[~who], wy_[~who], wp_[~who], LEX_WORD, [])
    pos = float(awy.mean())
    bce = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor((1 - pos) / max(pos, 1e-6)))
    nw = len(WORD_FEATURES)
    w_mean_z = np.concatenate([w_mean, [0.0]]).astype(np.float32)
    w_std_z = np.concatenate([w_std, [1.0]]).astype(np.float32)
    word_loss = lambda x, y, p: bce(net.word(x[:, :nw], p, x[:, nw]), y)  # noqa: E731
    tr = (T((awx - w_mean_z) / w_std_z), T(awy), T(awp, torch.long))
    va = (T((wxz[who] - w_mean_z) / w_std_z), T(wy_[who]), T(wp_[who], torch.long))
    fit(net.word, word_loss, list(net.wrd.parameters()), tr, va, 30, 2e-3, 512, rng)
    with torch.no_grad():
        ho_logit = net.word(va[0][:, :nw], va[2], va[0][:, nw]).numpy()
    best_thr, best_m = 0.0, -1.0
    for thr in np.linspace(-3, 3, 61):
        m = mcc(wy_[who], (ho_logit > thr).astype(int))
        if m > best_m:
            best_thr, best_m = float(thr), m
    log.info("word model trained, held-out MCC %.3f at logit %.2f (%.0fs)", best_m, best_thr, time.time() - t0)

    # dev evaluation (reporting only)
    with torch.no_grad():
        dz = net.segment(T((dsx - s_mean) / s_std), T(dsp, torch.long)).numpy()
        dwz = net.segment(T((dwsx - s_mean) / s_std), T(dwp, torch.long))
        dl = net.word(T((dwx - w_mean) / w_std), T(dwp, torch.long), dwz).numpy() - best_thr
    metrics = {}
    for pair, (ss, ws) in dev_index.items():
        metrics[pair] = {
            "pearson": round(pearson(dz[ss], dsy[ss]), 4),
            "spearman": round(spearman(dz[ss], dsy[ss]), 4),
            "word_mcc": round(mcc(dwy[ws], (dl[ws] > 0).astype(int)), 4),
            "n_seg": int(ss.stop - ss.start),
            "n_words": int(ws.stop - ws.start),
        }
        log.info("dev %s %s", pair, metrics[pair])

    config = {
        "name": "qe-builtin",
        "architectures": ["QENet"],
        "model_type": "auditor-qe-mlp",
        FORMAT_KEY: {
            "version": VERSION,
            "pairs": pairs,
            "encoder": "use-v3 (cosine only, when both languages are among USE's 16)",
            "segment_features": list(SEGMENT_FEATURES),
            "word_features": list(WORD_FEATURES),
            "segment_mean": s_mean.tolist(), "segment_std": s_std.tolist(),
            "word_mean": w_mean.tolist(), "word_std": w_std.tolist(),
            "word_logit_offset": best_thr,
            "net": {"pair_dim": 8, "seg_hidden": 64, "word_hidden": 32},
            "score": "sigmoid(predicted DA z-score)",
            "training": {"seed": args.seed, "emb_train_rows": args.emb_train_rows, "folds": args.folds,
                         "word_rows": args.word_rows, "seconds": round(time.time() - t0, 1)},
            "dev_metrics": metrics,
        },
    }
    (out / "config.json").write_text(json.dumps(config, indent=1), encoding="utf-8")
    state = {k: v.detach().contiguous() for k, v in net.state_dict().items()}
    save_file(state, str(out / "model.safetensors"))
    log.info("wrote %s (%.0fs)", out, time.time() - t0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
