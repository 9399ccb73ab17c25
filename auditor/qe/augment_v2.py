"""Copies and unrelated translations for QE v2 training: the two failures never to score high.

    python -m auditor.qe.augment_v2 --data /tmp/qe_v2_data --out /tmp/qe_v2_feats/augment.jsonl [--seed 0]

From each pair's clean and DA train records (``train.jsonl`` of :mod:`auditor.qe.dataset_v2`),
a seeded sample of 150: every other one becomes an untranslated copy (the source given as
the translation), the rest an unrelated translation (another record's translation of the
same pair). Both are scored 0 with every whitespace word BAD (en-zh unrelated: no word
labels, Chinese has no whitespace words). Records keep ``split: train``, ``origin: augment``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path
from typing import Iterable

PER_PAIR = 150


def build(train_path: Path, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    by: dict[str, list[dict]] = {}
    with open(train_path, encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if r["kind"] in ("clean", "human-da"):
                by.setdefault(r["pair"], []).append(r)
    out = []
    for pair, rs in sorted(by.items()):
        for k, r in enumerate(rng.sample(rs, min(PER_PAIR, len(rs)))):
            if k % 2 == 0:
                mt, kind = r["src"], "copy"
            else:
                o = rng.choice(rs)
                if o["src"] == r["src"]:
                    continue
                mt, kind = o["mt"], "unrelated"
            wl = [[m.start(), m.end(), "BAD"] for m in re.finditer(r"\S+", mt)]
            if not wl:
                continue
            if pair == "en-zh" and kind == "unrelated":
                wl = None
            out.append(dict(id=r["id"] + ":" + kind, pair=pair, src=r["src"], mt=mt, score=0.0, word_labels=wl,
                            src_spans_for_bad=[], errors=[], origin="augment", kind=kind, doc_id=r.get("doc_id"),
                            split="train"))
    rng.shuffle(out)
    return out


def main(argv: Iterable[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m auditor.qe.augment_v2", description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path, help="dataset_v2 output directory (reads train.jsonl)")
    ap.add_argument("--out", required=True, type=Path, help="JSONL file to write")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(list(argv) if argv is not None else None)
    if not (args.data / "train.jsonl").is_file():
        print(f"error: no train.jsonl in {args.data}", file=sys.stderr)
        return 2
    recs = build(args.data / "train.jsonl", args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as fh:
        for r in recs:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{len(recs)} records -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
