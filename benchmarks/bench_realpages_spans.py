"""Which of realpages' hand-checked error spans the audit finds, on real MT pages.

``../shared/data/realpages/labels.jsonl`` marks 190 error spans on the 44
machine-translated English pages (mistranslations, calques, entities, grammar, false
friends, ...; exact substrings of ``pages/NNN.txt``). Each page is audited as
``auditor audit`` does it (text only: the rule detectors; QE needs a source), and the 9
pages with a stored foreign original a second time with it as the declared source
(``auditor compare``: rules with source, and QE v2's word spans). A span counts as
**found** when a finding overlaps it. Whole-sentence ``accuracy/addition`` and
``accuracy/omission`` findings (a sentence with no counterpart in a partial source
excerpt) are counted apart: they overlap whatever errors the sentence holds without
naming them, so they only count for errors annotated as omissions or additions.

Also printed: findings per page on the MT pages and how many of them touch an annotated
span (the annotators did not mark every error, so that share is a lower bound on
precision), and findings per page on the native and wire-copy pages, where every
finding is a false alarm. Nothing here was tuned on; the realpages pages are listed in
``benchmarks/data/urls-used.txt`` because other components were.

    python benchmarks/bench_realpages_spans.py [--split dev|train|all]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from auditor.mtdetect.corpora import REALPAGES  # noqa: E402

WHOLE_SENTENCE = ("accuracy/addition", "accuracy/omission")
GAP_CATEGORIES = ("omission", "addition")


def locate(text: str, span: str) -> tuple[int, int] | None:
    k = text.find(span)
    return (k, k + len(span)) if k >= 0 else None


def hits(err: dict, where: tuple[int, int] | None, findings) -> list:
    if where is None:
        return []
    out = []
    for f in findings:
        if f.start < where[1] and where[0] < f.end:
            if f.category in WHOLE_SENTENCE and err["category"] not in GAP_CATEGORIES:
                continue
            out.append(f)
    return out


def audit(rec: dict, with_source: bool):
    from auditor.mtdetect.realpages import audit_page

    page, _, _ = audit_page(REALPAGES, rec, with_source=with_source)
    return page


def main(argv: list[str] | None = None) -> int:
    from auditor.mtdetect.corpora import realpages_records

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=("dev", "train", "all"), default="all")
    args = ap.parse_args(argv)
    recs = [r for r in realpages_records() if args.split == "all" or r["split"] == f"rp_{args.split}"]
    t0 = time.perf_counter()
    found = defaultdict(Counter)       # mode -> category -> spans found
    total = defaultdict(Counter)       # mode -> category -> spans
    by_det = defaultdict(Counter)      # mode -> detector -> spans found
    fnd = defaultdict(lambda: [0, 0, 0])  # mode -> [pages, findings, findings touching a span]
    neg = [0, 0, 0]                    # pages, findings, major+ findings on non-MT pages
    unlocated = 0
    for k, r in enumerate(recs):
        print(f"  {k + 1}/{len(recs)} {r['id']}", file=sys.stderr, flush=True)
        modes = [("text only", False)] + ([("with source", True)] if r.get("source_id") else [])
        for mode, ws in modes:
            page = audit(r, ws)
            if r["class"] != "mt":
                neg[0] += 1
                neg[1] += len(page.findings)
                neg[2] += sum(f.severity != "minor" for f in page.findings)
                break
            text = page.doc.document.text
            touching = set()
            for e in r.get("errors", []):
                where = locate(text, e["span"])
                unlocated += where is None and mode == "text only"
                hs = hits(e, where, page.findings)
                for key in (mode, f"{mode}, {r['split'][3:]}"):
                    total[key][e["category"]] += 1
                    found[key][e["category"]] += bool(hs)
                    for det in {f.detector for f in hs}:
                        by_det[key][det] += 1
                touching |= {id(f) for f in hs}
            for key in (mode, f"{mode}, {r['split'][3:]}"):
                fnd[key][0] += 1
                fnd[key][1] += len(page.findings)
                fnd[key][2] += len(touching)
    print(f"\nrealpages error spans found by the audit ({args.split}; {time.perf_counter() - t0:.0f} s; "
          f"{unlocated} spans not located in the ingested text)\n")
    print("| pages | MT pages | spans | found | share | by detector | findings per page | touching a span |")
    print("|---|---|---|---|---|---|---|---|")
    for key in sorted(total):
        n, h = sum(total[key].values()), sum(found[key].values())
        dets = ", ".join(f"{d} {c}" for d, c in by_det[key].most_common()) or "-"
        p, nf, nt = fnd[key]
        print(f"| {key} | {p} | {n} | {h} | {h / max(n, 1):.1%} | {dets} | {nf / max(p, 1):.1f} | "
              f"{nt}/{nf} |")
    print("\n| error category | spans (text only) | found text only | spans (pages with source) | "
          "found with source |\n|---|---|---|---|---|")
    for cat in sorted(total["text only"], key=lambda c: -total["text only"][c]):
        print(f"| {cat} | {total['text only'][cat]} | {found['text only'][cat]} | "
              f"{total['with source'][cat]} | {found['with source'][cat]} |")
    print(f"\nnative and wire-copy pages (text only): {neg[0]} pages, {neg[1] / max(neg[0], 1):.2f} findings "
          f"per page, {neg[2]} major or critical in all")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
