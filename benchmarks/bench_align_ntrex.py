"""Sentence-alignment quality and speed on NTREX-128 (English news, human translations).

For every NTREX document the English original is the source and its Spanish, French,
German or Portuguese translation the reprint; gold links are the line numbers. To
look like a real reprint, the translation is perturbed with a fixed seed: some adjacent
sentences merged into one (gold 2-1), some dropped (gold 1-0) and one sentence from
another document inserted (gold 0-1). Reports link precision / recall / F1, exact-bead
accuracy (share of gold beads, skips included, reproduced exactly) and sentences per
second, with and without perturbation, plus a same-language (en-en) lexical row.

    python benchmarks/bench_align_ntrex.py [--langs spa,fra] [--seed 13] [--encoder use]
        [--max-docs N] [--merge-embedding refine|concat|mean|selective]

BLAS runs single-threaded (OPENBLAS_NUM_THREADS=1 unless set) so the figures are
per core and do not depend on how busy a shared machine is.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from auditor.align import AlignParams, align  # noqa: E402
from auditor.encoders import get_encoder  # noqa: E402
from auditor.types import Document, Segment, SegmentedDocument  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "ntrex"
LANGS = {"spa": "es", "fra": "fr", "deu": "de", "por": "pt"}

Bead = tuple[tuple[int, ...], tuple[int, ...]]


@dataclass
class Case:
    source: list[str]
    reprint: list[str]
    gold: list[Bead]


def make_doc(sentences: list[str], lang: str, doc_id: str) -> SegmentedDocument:
    text, segs, pos = "", [], 0
    for i, s in enumerate(sentences):
        start = pos
        text += s + " "
        pos = len(text)
        segs.append(Segment(i, start, start + len(s), s, lang, 1.0))
    return SegmentedDocument(Document(doc_id, doc_id, text, language=lang), tuple(segs), lang, 1.0)


def load_documents(code: str) -> list[tuple[list[str], list[str]]]:
    """(english lines, translated lines) per NTREX document, in file order."""
    ids = (DATA / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").split("\n")
    src = (DATA / "newstest2019-src.eng.txt").read_text(encoding="utf-8").split("\n")
    ref = (DATA / f"newstest2019-ref.{code}.txt").read_text(encoding="utf-8").split("\n")
    docs: dict[str, tuple[list[str], list[str]]] = {}
    order: list[str] = []
    for doc_id, s, r in zip(ids, src, ref):
        doc_id = doc_id.strip().split("\t")[0]
        if not doc_id:
            continue
        if doc_id not in docs:
            docs[doc_id] = ([], [])
            order.append(doc_id)
        docs[doc_id][0].append(s.strip())
        docs[doc_id][1].append(r.strip())
    return [docs[d] for d in order]


def perturb(docs: list[tuple[list[str], list[str]]], k: int, rng: random.Random, enabled: bool) -> Case:
    """Merge (p=0.1), drop (p=0.07) and insert one foreign sentence, recording gold beads."""
    src, ref = docs[k]
    if not enabled:
        return Case(src, ref, [((i,), (i,)) for i in range(len(src))])
    units: list[tuple[tuple[int, ...], str | None]] = []  # (source indices, reprint text or None)
    i = 0
    while i < len(src):
        if i + 1 < len(src) and rng.random() < 0.10:
            units.append(((i, i + 1), ref[i] + " " + ref[i + 1]))
            i += 2
        elif rng.random() < 0.07:
            units.append(((i,), None))
            i += 1
        else:
            units.append(((i,), ref[i]))
            i += 1
    other = docs[(k + 1 + rng.randrange(len(docs) - 1)) % len(docs)][1]
    units.insert(rng.randrange(len(units) + 1), ((), rng.choice(other)))
    reprint: list[str] = []
    gold: list[Bead] = []
    for s_idx, text in units:
        if text is None:
            gold.append((s_idx, ()))
        else:
            gold.append((s_idx, (len(reprint),)))
            reprint.append(text)
    return Case(src, reprint, gold)


def links(beads: list[Bead]) -> set[tuple[int, int]]:
    return {(i, j) for s, r in beads for i in s for j in r}


def evaluate(cases: list[Case], src_lang: str, rep_lang: str, encoder, params: AlignParams) -> dict[str, float]:
    """Link P/R/F1, exact-bead accuracy and throughput (sentences of both sides per second,
    encoding of sentences not yet in the encoder's cache included)."""
    tp = fp = fn = exact = total_beads = n_sent = 0
    started = time.perf_counter()
    for k, case in enumerate(cases):
        res = align(
            make_doc(case.source, src_lang, f"s{k}"),
            make_doc(case.reprint, rep_lang, f"r{k}"),
            encoder=encoder,
            params=params,
        )
        pred = [(p.source, p.reprint) for p in res.pairs]
        gl, pl = links(case.gold), links(pred)
        tp += len(gl & pl)
        fp += len(pl - gl)
        fn += len(gl - pl)
        exact += len(set(case.gold) & set(pred))
        total_beads += len(case.gold)
        n_sent += len(case.source) + len(case.reprint)
    elapsed = time.perf_counter() - started
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {
        "precision": p,
        "recall": r,
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "exact": exact / total_beads,
        "sent_s": n_sent / elapsed,
        "docs": len(cases),
    }


def speed_60(encoder, code: str, params: AlignParams) -> tuple[float, float]:
    """Seconds to align 60 English lines with 60 translated lines: cold cache, warm cache."""
    src = (DATA / "newstest2019-src.eng.txt").read_text(encoding="utf-8").split("\n")[:60]
    ref = (DATA / f"newstest2019-ref.{code}.txt").read_text(encoding="utf-8").split("\n")[:60]
    a, b = make_doc(src, "en", "s"), make_doc(ref, LANGS[code], "r")
    encoder.cache.clear()
    t0 = time.perf_counter()
    align(a, b, encoder=encoder, params=params)
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _ in range(5):
        align(a, b, encoder=encoder, params=params)
    warm = (time.perf_counter() - t0) / 5
    return cold, warm


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--langs", default=",".join(LANGS), help="comma-separated NTREX codes (spa,fra,deu,por)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--encoder", default="use", help="use | e5 | auto")
    ap.add_argument("--max-docs", type=int, default=0, help="only the first N documents (0 = all)")
    ap.add_argument("--merge-embedding", default="refine", choices=("refine", "concat", "mean", "selective"))
    args = ap.parse_args(argv)
    params = AlignParams(merge_embedding=args.merge_embedding)

    encoder = get_encoder(args.encoder, ["en"])
    t0 = time.perf_counter()
    encoder.encode(["warm up"])
    load_s = time.perf_counter() - t0
    rows: list[tuple[str, str, dict[str, float]]] = []
    en_docs = None
    for code in args.langs.split(","):
        docs = load_documents(code)
        if args.max_docs:
            docs = docs[: args.max_docs]
        en_docs = en_docs or docs
        for enabled in (False, True):
            rng = random.Random(args.seed)
            cases = [perturb(docs, k, rng, enabled) for k in range(len(docs))]
            rows.append(
                (f"en-{LANGS[code]}", "perturbed" if enabled else "clean", evaluate(cases, "en", LANGS[code], encoder, params))
            )
    if en_docs:
        mono_docs = [(s, s) for s, _ in en_docs]
        rng = random.Random(args.seed)
        cases = [perturb(mono_docs, k, rng, True) for k in range(len(mono_docs))]
        rows.append(("en-en", "perturbed (lexical)", evaluate(cases, "en", "en", None, params)))
    cold, warm = speed_60(encoder, args.langs.split(",")[0], params)

    try:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"Sentence alignment on NTREX-128 ({encoder.signature}, seed {args.seed}, "
                      f"merges: {args.merge_embedding})")
        for col in ("pair", "reprint", "docs", "precision", "recall", "F1", "exact beads", "sent/s"):
            table.add_column(col, justify="right" if col not in ("pair", "reprint") else "left")
        for pair, kind, m in rows:
            table.add_row(pair, kind, str(m["docs"]), f"{m['precision']:.3f}", f"{m['recall']:.3f}",
                          f"{m['f1']:.3f}", f"{m['exact']:.3f}", f"{m['sent_s']:.0f}")
        console = Console()
        console.print(table)
        console.print(f"encoder load {load_s:.2f} s; 60x60 sentences: {cold * 1000:.0f} ms cold cache, "
                      f"{warm * 1000:.1f} ms warm cache; sent/s counts both sides and includes encoding "
                      "of sentences not yet cached (the perturbed run reuses the clean run's vectors)")
    except ImportError:  # pragma: no cover
        for pair, kind, m in rows:
            print(pair, kind, m)
        print(f"load {load_s:.2f}s 60x60 cold {cold:.3f}s warm {warm:.4f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
