"""Frozen-encoder features for QE v2 heads, computed once per pair and stored as shards.

    python -m auditor.qe.features_v2 --pairs train.jsonl --out feats/train [--int8]
        [--shard-size 2000] [--limit N]

Each input line is a JSON object with ``src`` and ``mt`` (other fields are carried into
``meta.jsonl``). MT words are the record's ``word_labels`` spans (``[start, end, "OK"|"BAD"]``,
as :mod:`auditor.qe.dataset_v2` writes them) or ``mt_words`` (``[[start, end], ...]``);
without either, whitespace-separated words (a run in a script written without spaces is
cut at the model's tokens). Source words split punctuation off (:func:`.wordalign.word_spans`),
so a finding can quote exactly the source words a span renders.

Every distinct sentence is encoded once (keyed by its SHA-1) by
:class:`~auditor.encoders.e5tok.E5TokenEncoder` without prefix, at the alignment layer
``A`` (:data:`~auditor.qe.wordalign.ALIGN_LAYER`) and the last layer ``L`` (12); word
vectors are the mean of their subword states. The same :func:`featurize` serves
training (this CLI) and prediction, so the two cannot drift apart.

Per MT word (rows of ``word_*.npy``, float16):

- ``word_last`` (384): the word's layer-L vector (context of the whole translation);
- ``word_align`` (384): its layer-A vector;
- ``word_src`` (384): mean layer-A vector of the source words it is aligned to (argmax),
  zeros when unaligned — with ``word_align`` it lets a head compare the rendering with
  what it renders;
- ``word_scalar`` (:data:`WORD_SCALARS`): best and mean cosine to the source words, the
  margin of the best over the second best, the cosine of the aligned link(s), number of
  aligned source words, subword count, relative position, whether the same string occurs
  in the source (an untranslated copy or a name), and whether it is a digit/punctuation.

Per source word (``srcword_scalar.npy``, float16, :data:`SRC_SCALARS`): best cosine to an
MT word and number of aligned MT words — an unaligned source word is an omission cue.

Per pair (float16): ``pair_src`` / ``pair_mt`` (384 each: mean of every layer-L token
state, ``<s>``/``</s>`` included, as e5 pools) and ``pair_scalar`` (:data:`PAIR_SCALARS`:
the cross-lingual cosine of those means, the share of MT and of source words aligned,
the mean best cosine of MT words, the token-length ratio). Row ranges: ``word_offsets``
and ``srcword_offsets`` (int64, pairs + 1). Labels: ``word_label.npy`` (int8: 1 BAD, 0 OK, -1 when
the input gave none) and ``pair_score.npy`` (float32 ``score``, NaN when absent).
``meta.jsonl`` keeps per pair its input fields (minus the texts' labels already stored),
the MT and source word spans and the alignment links.

Shards (``shard-00000/`` ...) are written to a temporary directory and renamed when
complete, so an interrupted run resumes at the first missing shard; ``manifest.json``
records the feature names, layers, encoder signature and shard list.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import time
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np

from .wordalign import ALIGN_LAYER, ALIGN_METHOD, cosine_matrix, link, word_spans, word_vectors

FORMAT = 1
LAST_LAYER = 12
WORD_SCALARS = ("best_cos", "mean_cos", "margin", "link_cos", "n_links", "n_subwords", "rel_pos",
                "copied", "digit_or_punct")
SRC_SCALARS = ("best_cos", "n_links")
PAIR_SCALARS = ("pooled_cos", "mt_aligned", "src_aligned", "mean_best_cos", "len_ratio")
Span = tuple[int, int]


@dataclass(frozen=True)
class TextFeatures:
    """What one sentence contributes, whatever pair it is in."""

    spans: tuple[Span, ...]
    align: np.ndarray  # (words, H) layer-A word vectors
    last: np.ndarray  # (words, H) layer-L word vectors
    subwords: np.ndarray  # (words,) int
    pooled: np.ndarray  # (H,) mean of every layer-L token state
    n_tokens: int
    #: every token's state at the cross-encoder's ``from_layer`` (``<s>``/``</s>`` included,
    #: float16), kept when the model reads pairs by late interaction; else None
    block_states: np.ndarray | None = None


@dataclass(frozen=True)
class PairFeatures:
    word_last: np.ndarray
    word_align: np.ndarray
    word_src: np.ndarray
    word_scalar: np.ndarray
    srcword_scalar: np.ndarray
    pair_src: np.ndarray
    pair_mt: np.ndarray
    pair_scalar: np.ndarray
    mt_words: tuple[Span, ...]
    src_words: tuple[Span, ...]
    links: tuple[tuple[int, int], ...] = field(default=())
    #: per MT word, its most similar source word (-1 without source words): the fallback
    #: a span's source side uses when the mutual-best links leave its words unaligned
    best_src: tuple[int, ...] = field(default=())
    #: the source's and translation's ``TextFeatures.block_states`` (late interaction), else None
    block_states: tuple[np.ndarray, np.ndarray] | None = None


def _key(text: str, spans: Sequence[Span] | None) -> str:
    h = hashlib.sha1(text.encode("utf-8", "surrogatepass"))
    if spans is not None:
        h.update(json.dumps([list(s) for s in spans]).encode())
    return h.hexdigest()


class TextCache:
    """Bounded SHA-1 -> :class:`TextFeatures` map, so a repeated sentence is encoded once."""

    def __init__(self, max_items: int = 50_000) -> None:
        self.max_items = max_items
        self._d: OrderedDict[str, TextFeatures] = OrderedDict()
        self.hits = self.misses = 0

    def get(self, key: str) -> TextFeatures | None:
        tf = self._d.get(key)
        if tf is not None:
            self._d.move_to_end(key)
            self.hits += 1
        return tf

    def put(self, key: str, tf: TextFeatures) -> None:
        self._d[key] = tf
        if len(self._d) > self.max_items:
            self._d.popitem(last=False)


def _text_features(states, spans: Sequence[Span] | None, split_punct: bool,
                   block: int | None = None) -> TextFeatures:
    offs = states.text_offsets
    if spans is None:
        spans = word_spans(states.tokens.text, offs, split_punct=split_punct)
    spans = tuple((int(a), int(b)) for a, b in spans)
    align = word_vectors(states.text_states(ALIGN_LAYER), offs, spans)
    last = word_vectors(states.text_states(LAST_LAYER), offs, spans)
    real = offs[:, 1] > offs[:, 0]
    sub = np.array([int((real & (offs[:, 1] > a) & (offs[:, 0] < b)).sum()) for a, b in spans], dtype=np.int32)
    pooled = states.layer(LAST_LAYER).mean(axis=0)
    kept = states.layer(block).astype(np.float16) if block is not None else None
    return TextFeatures(spans, align, last, sub, pooled, len(states.tokens), kept)


def encode_texts(encoder, items: Sequence[tuple[str, Sequence[Span] | None, bool]], cache: TextCache,
                 block: int | None = None) -> list[TextFeatures]:
    """Features for ``(text, spans or None, split_punct)`` items, encoding only unseen ones
    (``block``: also keep every token's state at that layer, from the same pass)."""
    keys = [_key(t, s) + ("p" if p else "w") + (f"b{block}" if block is not None else "") for t, s, p in items]
    todo: dict[str, int] = {}
    for k, key in enumerate(keys):
        if key not in todo and cache.get(key) is None:
            todo[key] = k
    if todo:
        cache.misses += len(todo)
        idx = list(todo.values())
        layers = (ALIGN_LAYER, LAST_LAYER) + ((block,) if block not in (None, ALIGN_LAYER, LAST_LAYER) else ())
        states = encoder.hidden_states([items[k][0] for k in idx], layers=layers)
        for k, st in zip(idx, states):
            cache.put(keys[k], _text_features(st, items[k][1], items[k][2], block))
    out = []
    for key in keys:
        tf = cache.get(key)
        assert tf is not None, "text cache smaller than one batch"
        out.append(tf)
    return out


def _is_digit_or_punct(word: str) -> bool:
    return bool(word) and all(not c.isalpha() for c in word)


def pair_features(src: str, mt: str, s: TextFeatures, m: TextFeatures) -> PairFeatures:
    """Combine two sentences' features into the per-word and per-pair arrays."""
    ns, nm, H = len(s.spans), len(m.spans), s.align.shape[1] if len(s.spans) else m.align.shape[1]
    sim = cosine_matrix(s.align, m.align) if ns and nm else np.zeros((ns, nm), np.float32)
    links = link(sim, ALIGN_METHOD)
    wsc = np.zeros((nm, len(WORD_SCALARS)), np.float32)
    wsrc = np.zeros((nm, H), np.float32)
    src_lower = src.lower()
    for j, (a, b) in enumerate(m.spans):
        col = sim[:, j] if ns else np.zeros(0, np.float32)
        top = np.sort(col)[::-1] if ns else np.zeros(1, np.float32)
        linked = np.nonzero(links[:, j])[0] if ns else np.zeros(0, int)
        if len(linked):
            wsrc[j] = s.align[linked].mean(axis=0)
        word = mt[a:b]
        wsc[j] = (top[0] if ns else 0.0, col.mean() if ns else 0.0, top[0] - top[1] if ns > 1 else 0.0,
                  col[linked].mean() if len(linked) else 0.0, len(linked), m.subwords[j],
                  (j + 0.5) / max(nm, 1), float(len(word) > 1 and word.lower() in src_lower),
                  float(_is_digit_or_punct(word)))
    ssc = np.zeros((ns, len(SRC_SCALARS)), np.float32)
    if ns:
        ssc[:, 0] = sim.max(axis=1) if nm else 0.0
        ssc[:, 1] = links.sum(axis=1)
    ps, pm = s.pooled, m.pooled
    pcos = float(ps @ pm / max(np.linalg.norm(ps) * np.linalg.norm(pm), 1e-9))
    psc = np.array([pcos, links.any(axis=0).mean() if nm else 0.0, links.any(axis=1).mean() if ns else 0.0,
                    wsc[:, 0].mean() if nm else 0.0, m.n_tokens / max(s.n_tokens, 1)], np.float32)
    pairs = tuple(sorted(zip(*map(lambda a: a.tolist(), np.nonzero(links)))))
    best = tuple(int(x) for x in sim.argmax(axis=0)) if ns else (-1,) * nm
    return PairFeatures(m.last, m.align, wsrc, wsc, ssc, ps, pm, psc, m.spans, s.spans, pairs, best)


def featurize(encoder, pairs: Sequence[tuple[str, str]], mt_words: Sequence[Sequence[Span] | None] | None = None,
              cache: TextCache | None = None, block: int | None = None) -> list[PairFeatures]:
    """Features for ``(src, mt)`` pairs (``mt_words``: optional MT word spans per pair;
    ``block``: keep both sentences' states at that layer for a late-interaction cross-encoder)."""
    cache = cache if cache is not None else TextCache()
    mt_words = list(mt_words) if mt_words is not None else [None] * len(pairs)
    items = [(s, None, True) for s, _ in pairs] + [(m, w, False) for (_, m), w in zip(pairs, mt_words)]
    feats = encode_texts(encoder, items, cache, block)
    n = len(pairs)
    out = [pair_features(s, m, feats[k], feats[n + k]) for k, (s, m) in enumerate(pairs)]
    if block is not None:
        out = [replace(f, block_states=(feats[k].block_states, feats[n + k].block_states)) for k, f in enumerate(out)]
    return out


# ------------------------------------------------------------------ shards / CLI
def _record_words(rec: dict[str, Any]) -> tuple[list[Span] | None, list[int] | None]:
    if rec.get("word_labels"):
        spans = [(int(a), int(b)) for a, b, _ in rec["word_labels"]]
        return spans, [1 if lab == "BAD" else 0 for _, _, lab in rec["word_labels"]]
    if rec.get("mt_words"):
        return [(int(a), int(b)) for a, b in rec["mt_words"]], None
    return None, None


def write_shard(path: Path, recs: list[dict[str, Any]], feats: list[PairFeatures], labels: list[list[int] | None]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    f16 = lambda xs: np.concatenate(xs).astype(np.float16) if xs else np.zeros((0,), np.float16)  # noqa: E731
    arrays = {
        "word_last": f16([f.word_last for f in feats]), "word_align": f16([f.word_align for f in feats]),
        "word_src": f16([f.word_src for f in feats]), "word_scalar": f16([f.word_scalar for f in feats]),
        "srcword_scalar": f16([f.srcword_scalar for f in feats]),
        "pair_src": np.stack([f.pair_src for f in feats]).astype(np.float16),
        "pair_mt": np.stack([f.pair_mt for f in feats]).astype(np.float16),
        "pair_scalar": np.stack([f.pair_scalar for f in feats]).astype(np.float16),
        "word_offsets": np.cumsum([0] + [len(f.mt_words) for f in feats]).astype(np.int64),
        "srcword_offsets": np.cumsum([0] + [len(f.src_words) for f in feats]).astype(np.int64),
    }
    # always present, so shards concatenate: -1 / NaN where the input had no label
    arrays["word_label"] = np.concatenate([np.asarray(lab if lab is not None else [-1] * len(f.mt_words), np.int8)
                                           for lab, f in zip(labels, feats)])
    arrays["pair_score"] = np.asarray([float(r["score"]) if isinstance(r.get("score"), (int, float)) else np.nan
                                       for r in recs], np.float32)
    for name, arr in arrays.items():
        np.save(tmp / f"{name}.npy", arr)
    with open(tmp / "meta.jsonl", "w", encoding="utf-8") as fh:
        for r, f in zip(recs, feats):
            keep = {k: v for k, v in r.items() if k not in ("word_labels", "mt_words")}
            keep.update(mt_words=[list(x) for x in f.mt_words], src_words=[list(x) for x in f.src_words],
                        links=[list(x) for x in f.links])
            fh.write(json.dumps(keep, ensure_ascii=False) + "\n")
    os.replace(tmp, path)


def read_pairs(path: Path) -> list[dict[str, Any]]:
    recs = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{n}: not JSON ({exc.msg})") from None
            if not isinstance(rec, dict) or not isinstance(rec.get("src"), str) or not isinstance(rec.get("mt"), str):
                raise ValueError(f"{path}:{n}: each line needs string fields 'src' and 'mt'")
            spans, _ = _record_words(rec)
            if spans is not None and any(not 0 <= a < b <= len(rec["mt"]) for a, b in spans):
                raise ValueError(f"{path}:{n}: an MT word span lies outside the translation")
            recs.append(rec)
    return recs


def build(pairs_path: Path, out: Path, shard_size: int = 2000, int8: bool = False, limit: int | None = None,
          batch: int = 256, progress: bool = True) -> dict[str, Any]:
    from ..encoders.e5tok import E5TokenEncoder

    recs = read_pairs(pairs_path)[:limit]
    out.mkdir(parents=True, exist_ok=True)
    enc = E5TokenEncoder(int8=int8)
    cache = TextCache()
    shards = [recs[i:i + shard_size] for i in range(0, len(recs), shard_size)]
    names = [f"shard-{k:05d}" for k in range(len(shards))]
    t0 = time.perf_counter()
    done_before = sum((out / n).is_dir() for n in names)
    bar = _Bar(len(recs), progress)
    for name, shard in zip(names, shards):
        if (out / name).is_dir():
            bar.advance(len(shard))
            continue
        feats: list[PairFeatures] = []
        labels: list[list[int] | None] = []
        for i in range(0, len(shard), batch):
            part = shard[i:i + batch]
            words = [_record_words(r) for r in part]
            feats.extend(featurize(enc, [(r["src"], r["mt"]) for r in part], [w for w, _ in words], cache))
            labels.extend(lab for _, lab in words)
            bar.advance(len(part))
        write_shard(out / name, shard, feats, labels)
    bar.close()
    manifest = {
        "format": FORMAT, "pairs": len(recs), "shards": names, "source": str(pairs_path),
        "encoder": enc.signature, "resumed_shards": done_before,
        "layers": {"align": ALIGN_LAYER, "last": LAST_LAYER}, "align_method": ALIGN_METHOD, "hidden": 384,
        "word_scalars": list(WORD_SCALARS), "srcword_scalars": list(SRC_SCALARS), "pair_scalars": list(PAIR_SCALARS),
        "seconds": round(time.perf_counter() - t0, 1), "texts_encoded": cache.misses, "text_cache_hits": cache.hits,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return manifest


class _Bar:
    """A rich progress bar on stderr when it is a terminal (``progress=False``: none)."""

    def __init__(self, total: int, enabled: bool) -> None:
        self._p = None
        if enabled and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._p = Progress(TextColumn("features"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                               console=Console(stderr=True), transient=True)
            self._p.start()
            self._t = self._p.add_task("features", total=total)

    def advance(self, n: int) -> None:
        if self._p is not None:
            self._p.advance(self._t, n)

    def close(self) -> None:
        if self._p is not None:
            self._p.stop()


def load_features(out: Path) -> dict[str, np.ndarray]:
    """All shards of a feature directory concatenated (row offsets rebased)."""
    manifest = json.loads((out / "manifest.json").read_text())
    parts: dict[str, list[np.ndarray]] = {}
    base = {"word_offsets": 0, "srcword_offsets": 0}
    for name in manifest["shards"]:
        for f in sorted((out / name).glob("*.npy")):
            arr = np.load(f)
            if f.stem in base:  # (pairs + 1) row offsets: drop the end, shift, remember the end
                parts.setdefault(f.stem, []).append(arr[:-1] + base[f.stem])
                base[f.stem] += int(arr[-1])
            else:
                parts.setdefault(f.stem, []).append(arr)
    merged = {k: np.concatenate(v) for k, v in parts.items()}
    for key, end in base.items():
        merged[key] = np.append(merged.get(key, np.zeros(0, np.int64)), end).astype(np.int64)
    return merged


def main(argv: Iterable[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m auditor.qe.features_v2",
                                 description="Encode (src, mt) pairs once with the frozen e5-small token encoder "
                                             "and store per-word and per-pair features for QE heads.",
                                 epilog="example: python -m auditor.qe.features_v2 --pairs data/train.jsonl --out feats/train")
    ap.add_argument("--pairs", required=True, type=Path, help="JSONL file, one {'src': ..., 'mt': ...} per line")
    ap.add_argument("--out", required=True, type=Path, help="output directory (resumes when it holds shards)")
    ap.add_argument("--shard-size", type=int, default=2000, help="pairs per shard (default 2000)")
    ap.add_argument("--int8", action="store_true", help="int8 dynamic quantisation of the encoder (faster)")
    ap.add_argument("--limit", type=int, default=None, help="only the first N pairs")
    ap.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = ap.parse_args(list(argv) if argv is not None else None)
    if not args.pairs.is_file():
        print(f"error: no such file: {args.pairs}", file=sys.stderr)
        return 2
    if args.shard_size < 1:
        print("error: --shard-size must be at least 1", file=sys.stderr)
        return 2
    try:
        man = build(args.pairs, args.out, args.shard_size, args.int8, args.limit, progress=not args.no_progress)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{man['pairs']} pairs, {len(man['shards'])} shards, {man['texts_encoded']} sentences encoded "
          f"in {man['seconds']} s -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
