"""Direction of real MT pairs with no dates: the 9 realpages pages and their foreign originals.

Each English machine-translated page (``pages/NNN.txt``) is audited together with its
foreign original (``sources/NNN.<lang>.txt``) with no ``--source``: the linker decides
which is the translation. The pages carry no dates, so the direction comes from the MT
detector's text-only probability on the English side (``direction: mt-evidence``, see
auditor/link/mtside.py) or, below its threshold, the "English first" language prior.
Prints, per pair and per split (realpages README: train/dev stories), whether the page is
linked as the translation of its original and whether it is called machine translation.
The threshold was chosen on the train stories only (the ``p >= t`` sweep below is over
them); dev stories are the held-out check.

    python benchmarks/bench_realpages_link.py               # with the mt-evidence cue
    python benchmarks/bench_realpages_link.py --prior-only  # the language prior alone, for comparison
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from auditor.ingest import load_documents  # noqa: E402
from auditor.link.mtside import MT_EVIDENCE_THRESHOLD  # noqa: E402
from auditor.mtdetect.corpora import REALPAGES, REALPAGES_DEV_STORIES  # noqa: E402
from auditor.pipeline import AuditConfig, audit_documents  # noqa: E402


def main(argv: list[str]) -> int:
    if "--prior-only" in argv:
        import auditor.link.mtside as mts

        mts.translated_side = lambda a, b, p_of, threshold=0.0: (None, {})  # type: ignore[assignment]
    root = REALPAGES
    recs = [json.loads(x) for x in (root / "labels.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    pairs = [r for r in recs if r.get("source_id")]
    rows = []
    t0 = time.perf_counter()
    for r in pairs:
        page_path = str(root / "pages" / f"{r['id']}.txt")
        src_path = str(root / "sources" / f"{r['source_id']}.txt")
        docs, errors = load_documents([page_path, src_path])
        if errors:
            print(f"error: cannot read {r['id']}: {errors[0]}", file=sys.stderr)
            return 1
        res = audit_documents(docs, AuditConfig())
        page = next(d for d in res.documents if Path(d.doc.document.path).name == f"{r['id']}.txt")
        src = next(d for d in res.documents if d is not page)
        link = page.link if page.link is not None and page.link.relation != "same_story" else src.link
        ev = link.evidence if link is not None else {}
        right = page.link is not None and page.link.relation == "translation" and page.link.source_id == src.id
        rows.append({"id": r["id"], "lang": r["source_id"].split(".")[1], "label": r["label"],
                     "split": "dev" if r["story"] in REALPAGES_DEV_STORIES else "train",
                     "relation": link.relation if link is not None else None,
                     "direction": ev.get("direction"), "p": ev.get("mt_evidence_p"), "right": right,
                     "verdict": page.verdict.label if page.verdict else None})
    secs = time.perf_counter() - t0
    print(f"{'page':5} {'src':4} {'split':5} {'label':10} {'relation':12} {'direction':15} {'p(MT) en':>8} "
          f"{'page->orig':10} verdict")
    for x in rows:
        p = f"{x['p']:.3f}" if x["p"] is not None else "-"
        print(f"{x['id']:5} {x['lang']:4} {x['split']:5} {x['label']:10} {str(x['relation']):12} "
              f"{str(x['direction']):15} {p:>8} {'yes' if x['right'] else 'no':10} {x['verdict']}")
    print()
    cue = "language prior only" if "--prior-only" in argv else f"mt-evidence threshold {MT_EVIDENCE_THRESHOLD}"
    print(f"{cue} (threshold chosen on train stories)")
    print(f"{'split':6} {'pairs':>5} {'right direction':>16} {'called MT':>10} {'both':>5}")
    for split in ("train", "dev", "all"):
        sel = [x for x in rows if split == "all" or x["split"] == split]
        mt = [x for x in sel if x["label"] == "mt_reprint"]
        both = sum(1 for x in mt if x["right"] and x["verdict"] == "machine_translation")
        print(f"{split:6} {len(mt):5} {sum(x['right'] for x in mt):16} "
              f"{sum(x['verdict'] == 'machine_translation' for x in mt):10} {both:5}")
    train_p = sorted(x["p"] for x in rows if x["split"] == "train" and x["p"] is not None)
    print()
    print("train sweep (English side read as the translation when p >= t):")
    for t in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        print(f"  t={t:.1f}: {sum(p >= t for p in train_p)}/{len(train_p)}")
    print(f"\n{len(rows)} pairs audited in {secs:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
