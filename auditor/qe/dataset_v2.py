"""Training data for QE v2: one seeded command, JSONL out, split by document.

    python -m auditor.qe.dataset_v2 --out DIR --seed 0 [--max-train 60000] [--limit N]

Origins (``origin`` field; ``kind`` says human-rated, synthetic or clean):

* ``mlqe-pe``: MLQE-PE DA z-scores (segment score = sigmoid(z)) joined with the
  post-editing word tags, seven pairs; train → train, dev → dev (never trained on).
* ``ntrex``: synthetic errors (:mod:`auditor.qe.synth`) on NTREX English ↔ es/fr/de/pt,
  both directions, plus clean copies. Documents (``DOCUMENT_IDS.tsv``) are assigned
  80/10/10 to train/dev/test, seeded, and the assignment is written to
  ``benchmarks/data/ntrex-qe-split.json`` so benchmarks hold out the same documents.
* ``mlqe-pe-postedit``: synthetic errors on MLQE-PE post-edits (human translations),
  except en-zh (no word tables for Chinese); train post-edits → train, dev → dev.
* ``wmt22``: synthetic errors on WMT22 general-test references (cs, de, ja, ru, uk → en;
  the first reference, A, or B for cs-en). The copy has no document boundaries, so the MT detector's windows and
  blocks are reused (:mod:`auditor.mtdetect.data`): its eval blocks are test here, its
  calib blocks dev. zh-en goes wholly to test: its sources are those of the WMT22 MQM
  zh-en test, which must stay unseen.

Each record: pair, src, mt, score, word_labels ([start, end, "OK"|"BAD"] per MT word),
src_spans_for_bad ([{"word": i, "src": [[start, end], ...]}]), errors, origin, kind,
doc_id, split, id. Files: ``train.jsonl``, ``dev.jsonl``, ``test.jsonl``, ``counts.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

from .synth import SynthExample, clean, inject, names_in
from .synth_tables import load_tables

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = ROOT.parent / "shared" / "data"
SPLIT_FILE = ROOT / "benchmarks" / "data" / "ntrex-qe-split.json"
NTREX_LANGS = {"es": "spa", "fr": "fra", "de": "deu", "pt": "por"}
WMT_PAIRS = ("cs-en", "de-en", "ja-en", "ru-en", "uk-en", "zh-en")
WMT_TEST_ONLY = ("zh-en",)
PE_PAIRS = ("en-de", "et-en", "ne-en", "ro-en", "ru-en", "si-en")
SPLITS = ("train", "dev", "test")


def ntrex_split(doc_ids: list[str], seed: int = 0) -> dict[str, list[str]]:
    """Documents shuffled with ``seed`` and cut 80/10/10 into train/dev/test."""
    docs = sorted(set(doc_ids))
    random.Random(f"ntrex-qe-split:{seed}").shuffle(docs)
    n_dev = n_test = max(1, round(len(docs) * 0.1))
    return {"train": sorted(docs[n_dev + n_test:]), "dev": sorted(docs[:n_dev]), "test": sorted(docs[n_dev:n_dev + n_test])}


def _record(ex: SynthExample, *, origin: str, kind: str, doc: str, split: str, rid: str) -> dict:
    return {
        "id": rid, "pair": f"{ex.src_lang}-{ex.tgt_lang}", "src": ex.src, "mt": ex.mt, "score": ex.score,
        "word_labels": [list(w) for w in ex.words],
        "src_spans_for_bad": [{"word": i, "src": [list(s) for s in spans]} for i, spans in ex.src_spans_for_bad],
        "errors": [{"type": e.type, "severity": e.severity, "mt": [list(s) for s in e.mt_spans],
                    "src": [list(s) for s in e.src_spans]} for e in ex.errors],
        "origin": origin, "kind": kind, "doc_id": doc, "split": split,
    }


class Builder:
    """Turns (src, ref) lines of human translations into clean and corrupted records."""

    def __init__(self, seed: int, clean_share: float, two_error_share: float) -> None:
        self.seed, self.clean_share, self.two = seed, clean_share, two_error_share
        self.tables = load_tables()

    def examples(self, lines, src_lang: str, tgt_lang: str, origin: str, split_of, doc_of) -> list[dict]:
        """``lines``: [(key, src, ref)]; ``split_of``/``doc_of`` map a key to its split/doc."""
        pools: dict[str, list[str]] = {}
        for key, s, r in lines:
            pools.setdefault(doc_of(key), []).extend(names_in(s, r))
        out = []
        for key, s, r in lines:
            if not s.strip() or not r.strip():
                continue
            rng = random.Random(f"{self.seed}:{origin}:{src_lang}-{tgt_lang}:{key}")
            doc, split = doc_of(key), split_of(key)
            rid = f"{origin}:{src_lang}-{tgt_lang}:{key}"
            if rng.random() < self.clean_share:
                out.append(_record(clean(s, r, src_lang, tgt_lang, self.tables), origin=origin, kind="clean",
                                   doc=doc, split=split, rid=rid + ":clean"))
            ex = inject(s, r, src_lang, tgt_lang, rng, n_errors=2 if rng.random() < self.two else 1,
                        doc_names=tuple(dict.fromkeys(pools.get(doc, ()))), tables=self.tables)
            if ex is not None:
                out.append(_record(ex, origin=origin, kind="synthetic", doc=doc, split=split, rid=rid + ":synth"))
        return out


def _read(path: Path, limit: int | None) -> list[str]:
    lines = path.read_text(encoding="utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines[:limit] if limit else lines


def ntrex_records(b: Builder, data: Path, limit: int | None, split_seed: int) -> tuple[list[dict], dict]:
    root = data / "ntrex"
    docs = _read(root / "DOCUMENT_IDS.tsv", limit)
    full_docs = _read(root / "DOCUMENT_IDS.tsv", None)
    split = ntrex_split(full_docs, split_seed)
    where = {d: s for s, ds in split.items() for d in ds}
    en = _read(root / "newstest2019-src.eng.txt", limit)
    out = []
    for lang, code in NTREX_LANGS.items():
        xx = _read(root / f"newstest2019-ref.{code}.txt", limit)
        for sl, tl, srcs, refs in (("en", lang, en, xx), (lang, "en", xx, en)):
            lines = [(i, s, r) for i, (s, r) in enumerate(zip(srcs, refs))]
            out += b.examples(lines, sl, tl, "ntrex", lambda i: where[docs[i]], lambda i: f"ntrex:{docs[i]}")
    return out, split


def mlqe_records(b: Builder, cache: Path, data: Path, limit: int | None, per_pair: int, pe_per_pair: int,
                 dev_pe_per_pair: int) -> list[dict]:
    from .data import PAIRS, extract
    from .mlqe_words import read_pairs

    root = extract(data / "mlqe-pe", cache)
    out = []
    for pair in PAIRS:
        sl, tl = pair.split("-")
        for split in ("train", "dev"):
            recs = read_pairs(root, pair, split, limit)
            order = list(range(len(recs)))
            random.Random(f"{b.seed}:mlqe:{pair}:{split}").shuffle(order)
            take = order if split == "dev" else order[:per_pair]
            for i in sorted(take):
                r = recs[i]
                out.append({
                    "id": f"mlqe-pe:{pair}:{split}:{i}", "pair": pair, "src": r.src, "mt": r.mt, "score": r.score,
                    "da_z": round(r.da_z, 6),
                    "word_labels": [list(w) for w in r.word_labels] if r.word_labels is not None else None,
                    "src_spans_for_bad": [{"word": n, "src": [list(s) for s in ss]} for n, ss in r.src_spans_for_bad],
                    "errors": [], "origin": "mlqe-pe", "kind": "human-da",
                    "doc_id": f"mlqe:{pair}:{r.doc}", "split": split,
                })
            if pair not in PE_PAIRS:
                continue
            rest = order[per_pair:] if split == "train" else order
            pe_take = sorted(rest[: pe_per_pair if split == "train" else dev_pe_per_pair])
            lines = [(i, recs[i].src, recs[i].pe) for i in pe_take if recs[i].pe]
            out += b.examples(lines, sl, tl, "mlqe-pe-postedit", lambda i, s=split: s,
                              lambda i, p=pair: f"mlqe:{p}:{recs[i].doc}")
    return out


def wmt_records(b: Builder, data: Path, limit: int | None, per_pair: int) -> list[dict]:
    from auditor.mtdetect.data import BLOCK, windows, split_of_block

    root = data / "wmt22-general"
    rename = {"train": "train", "calib": "dev", "eval": "test"}
    out = []
    for pair in WMT_PAIRS:
        sl = pair.split("-")[0]
        src = _read(root / "sources" / f"generaltest2022.{pair}.src.{sl}", None)
        ref_file = sorted((root / "references").glob(f"generaltest2022.{pair}.ref.*.en"))[0]  # A, or B for cs-en
        ref = _read(ref_file, None)
        where: dict[int, tuple[str, str]] = {}
        for k, (a, z) in enumerate(windows(len(src), random.Random(f"13:{pair}"))):  # the MT detector's windows
            split = "test" if pair in WMT_TEST_ONLY else rename[split_of_block(k // BLOCK)]
            for i in range(a, z):
                where[i] = (split, f"wmt22:{pair}:{a}-{z}")
        idx = [i for i in range(len(src)) if i in where and src[i].strip() and ref[i].strip()]
        idx = idx[:limit] if limit else idx
        train = [i for i in idx if where[i][0] == "train"]
        rng = random.Random(f"{b.seed}:wmt22:{pair}")
        keep = set(rng.sample(train, min(per_pair, len(train)))) | {i for i in idx if where[i][0] != "train"}
        lines = [(i, src[i], ref[i]) for i in sorted(keep)]
        out += b.examples(lines, sl, "en", "wmt22", lambda i, w=where: w[i][0], lambda i, w=where: w[i][1])
    return out


def cap_train(records: list[dict], max_train: int, seed: int) -> list[dict]:
    """At most ``max_train`` train records, each origin thinned in proportion (seeded)."""
    train = [r for r in records if r["split"] == "train"]
    if len(train) <= max_train:
        return records
    keep_share = max_train / len(train)
    rng = random.Random(f"{seed}:cap")
    dropped = {r["id"] for r in train if rng.random() >= keep_share}
    kept = [r for r in records if r["id"] not in dropped]
    excess = sum(r["split"] == "train" for r in kept) - max_train
    if excess > 0:
        extra = {r["id"] for r in rng.sample([r for r in kept if r["split"] == "train"], excess)}
        kept = [r for r in kept if r["id"] not in extra]
    return kept


def counts(records: list[dict]) -> dict:
    c = Counter((r["origin"], r["kind"], r["pair"], r["split"]) for r in records)
    rows = [{"origin": o, "kind": k, "pair": p, "split": s, "n": n} for (o, k, p, s), n in sorted(c.items())]
    return {"total": len(records), "by_split": dict(Counter(r["split"] for r in records)), "rows": rows,
            "error_types": dict(Counter(e["type"] for r in records for e in r["errors"]))}


def build(out: Path, *, seed: int = 0, data: Path = DEFAULT_DATA, cache: Path | None = None, limit: int | None = None,
          max_train: int = 60000, mlqe_per_pair: int = 2500, pe_per_pair: int = 1000, dev_pe_per_pair: int = 200,
          wmt_per_pair: int = 1500, clean_share: float = 0.35, two_error_share: float = 0.25,
          split_seed: int = 0, split_file: Path | None = SPLIT_FILE) -> dict:
    """Write the data set under ``out``; returns the counts (also in ``counts.json``)."""
    from .embedding import default_cache_dir

    t0 = time.perf_counter()
    b = Builder(seed, clean_share, two_error_share)
    records, split = ntrex_records(b, data, limit, split_seed)
    records += mlqe_records(b, cache or default_cache_dir(), data, limit, mlqe_per_pair, pe_per_pair, dev_pe_per_pair)
    records += wmt_records(b, data, limit, wmt_per_pair)
    records = cap_train(records, max_train, seed)
    out.mkdir(parents=True, exist_ok=True)
    for s in SPLITS:
        with (out / f"{s}.jsonl").open("w", encoding="utf-8") as f:
            for r in records:
                if r["split"] == s:
                    f.write(json.dumps(r, ensure_ascii=False) + "\n")
    if split_file is not None:
        split_file.parent.mkdir(parents=True, exist_ok=True)
        split_file.write_text(json.dumps({"seed": split_seed, "shares": "80/10/10 by DOCUMENT_IDS.tsv document",
                                          **split}, indent=1) + "\n", encoding="utf-8")
    result = counts(records)
    result.update(seed=seed, max_train=max_train, limit=limit, wall_s=round(time.perf_counter() - t0, 1))
    (out / "counts.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return result


def print_counts(c: dict, file=sys.stdout) -> None:
    print(f"{'origin':18} {'kind':10} {'pair':6} {'train':>7} {'dev':>6} {'test':>6}", file=file)
    table: dict[tuple[str, str, str], dict[str, int]] = {}
    for r in c["rows"]:
        table.setdefault((r["origin"], r["kind"], r["pair"]), {})[r["split"]] = r["n"]
    for (o, k, p), n in sorted(table.items()):
        print(f"{o:18} {k:10} {p:6} {n.get('train', 0):7} {n.get('dev', 0):6} {n.get('test', 0):6}", file=file)
    bs = c["by_split"]
    print(f"{'total':36} {bs.get('train', 0):7} {bs.get('dev', 0):6} {bs.get('test', 0):6}", file=file)
    print("error types: " + ", ".join(f"{k} {v}" for k, v in sorted(c["error_types"].items())), file=file)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m auditor.qe.dataset_v2", description=__doc__.splitlines()[0],
                                 epilog="example: python -m auditor.qe.dataset_v2 --out /tmp/qe_v2_data --seed 0")
    ap.add_argument("--out", required=True, type=Path, help="output directory")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder holding mlqe-pe, ntrex, wmt22-general")
    ap.add_argument("--cache", type=Path, default=None, help="MLQE-PE extraction cache (default: the QE cache)")
    ap.add_argument("--limit", type=int, default=None, help="only the first N lines of every file (smoke runs)")
    ap.add_argument("--max-train", type=int, default=60000, help="cap on train records (default 60000)")
    ap.add_argument("--mlqe-per-pair", type=int, default=2500, help="MLQE-PE train segments per pair")
    ap.add_argument("--pe-per-pair", type=int, default=1000, help="MLQE-PE train post-edits corrupted per pair")
    ap.add_argument("--wmt-per-pair", type=int, default=1500, help="WMT22 train references corrupted per pair")
    ap.add_argument("--clean-share", type=float, default=0.35, help="share of lines also kept as clean positives")
    ap.add_argument("--no-split-file", action="store_true", help="do not (re)write benchmarks/data/ntrex-qe-split.json")
    args = ap.parse_args(argv)
    for name in ("mlqe-pe", "ntrex", "wmt22-general"):
        if not (args.data / name).is_dir():
            print(f"error: {args.data / name} not found (use --data)", file=sys.stderr)
            return 2
    c = build(args.out, seed=args.seed, data=args.data, cache=args.cache, limit=args.limit, max_train=args.max_train,
              mlqe_per_pair=args.mlqe_per_pair, pe_per_pair=args.pe_per_pair, wmt_per_pair=args.wmt_per_pair,
              clean_share=args.clean_share, split_file=None if args.no_split_file else SPLIT_FILE)
    print_counts(c)
    print(f"wrote {c['total']} records to {args.out} in {c['wall_s']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
