"""realpages stories audited as sets: how an aggregator audit judges each page among its story.

``bench_mtdetect.py`` judges each realpages page alone (text only) or with its foreign
original. An audit of a crawl reads a whole story at once: copies of one wire are linked
to each other (``edited_copy``), MT pages to their foreign originals where the set has
them, and the rule detectors compare each copy with its source. Here each of the 17
stories is audited as one set (its English pages and the foreign originals stored for
them), as ``auditor audit STORY_DIR/`` does, and each labelled page's verdict is counted
by its label: machine-translated pages should be called machine translation, native and
wire-copy pages should not. Nothing was tuned on this; the pages are listed in
``benchmarks/data/urls-used.txt`` because other components were.

    python benchmarks/bench_realpages_sets.py [--split dev|train|all] [--show]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from auditor.mtdetect.corpora import REALPAGES  # noqa: E402


def audit_story(recs: list[dict]):
    """Verdicts (page id -> DocumentResult) of one story audited as one set."""
    from auditor.ingest import load_documents
    from auditor.pipeline import AuditConfig, audit_documents

    paths = [str(REALPAGES / "pages" / f"{r['id']}.txt") for r in recs]
    paths += [str(REALPAGES / "sources" / f"{r['source_id']}.txt") for r in recs if r.get("source_id")]
    docs, errors = load_documents(paths)
    if errors:
        raise RuntimeError(f"cannot read the story's files: {errors[0]}")
    res = audit_documents(docs, AuditConfig())
    by_name = {Path(d.doc.document.path).name: d for d in res.documents}
    return {r["id"]: by_name[f"{r['id']}.txt"] for r in recs}


def main(argv: list[str] | None = None) -> int:
    from auditor.mtdetect.corpora import realpages_records

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=("dev", "train", "all"), default="all")
    ap.add_argument("--show", action="store_true", help="list every page's relation and verdict")
    args = ap.parse_args(argv)
    recs = [r for r in realpages_records() if args.split == "all" or r["split"] == f"rp_{args.split}"]
    stories: dict[str, list[dict]] = defaultdict(list)
    for r in recs:
        stories[r["story"]].append(r)
    t0 = time.perf_counter()
    called: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for k, (story, rs) in enumerate(sorted(stories.items())):
        print(f"  {k + 1}/{len(stories)} {story} ({len(rs)} pages)", file=sys.stderr, flush=True)
        results = audit_story(rs)
        for r in rs:
            dr = results[r["id"]]
            v = dr.verdict
            rel = dr.link.relation if dr.link is not None else "none"
            for key in ((r["label"], r["split"][3:]), (r["label"], "all")):
                called[key]["pages"] += 1
                called[key]["mt"] += v is not None and v.label == "machine_translation"
                called[key][f"rel:{rel}"] += 1
            if args.show:
                print(f"{r['id']} {r['split'][3:]:5} {r['label']:10} link {rel:13} verdict {v.label if v else '-':19} "
                      f"p {v.p_machine_translation if v else '-'}")
    print(f"\nrealpages stories audited as sets ({args.split}; {len(stories)} stories, "
          f"{time.perf_counter() - t0:.0f} s)\n")
    print("| label | split | pages | called machine translation | linked as |")
    print("|---|---|---:|---:|---|")
    for (label, split), c in sorted(called.items()):
        rels = ", ".join(f"{k[4:]} {v}" for k, v in sorted(c.items()) if k.startswith("rel:"))
        print(f"| {label} | {split} | {c['pages']} | {c['mt']} ({c['mt'] / max(c['pages'], 1):.0%}) | {rels} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
