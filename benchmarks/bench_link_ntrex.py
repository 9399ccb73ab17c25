"""Cross-language linking and alignment on real parallel news (NTREX-128).

Two sets, each shuffled (seeded):

* ``disjoint``: 40 English documents plus translations of 10 of them into each of
  es, fr, de, pt (a translation's English original is in the set; its siblings are not).
* ``siblings``: 10 English documents plus all four translations of each (a translation
  could also be linked to a sibling translation; the expected source is the English one).

Every article goes through the whole pipeline (language detection, linking among all
articles, alignment). Inputs are one sentence per line (``--segmented``), so the gold
alignment is the line number. Prints link accuracy and alignment precision/recall/F1.

    python benchmarks/bench_link_ntrex.py
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ntrex import load_ntrex  # noqa: E402

from auditor.pipeline import AuditConfig, audit_documents  # noqa: E402
from auditor.types import Document  # noqa: E402

LANGS = ("es", "fr", "de", "pt")


def build(kind: str, seed: int = 13) -> tuple[list[Document], dict[str, str]]:
    docs = load_ntrex()
    ids = list(docs)
    rng = random.Random(seed)
    rng.shuffle(ids)
    out: list[Document] = []
    gold: dict[str, str] = {}  # translation doc id -> English doc id
    if kind == "disjoint":
        english = ids[:40]
        chosen = {lang: english[k * 10 : (k + 1) * 10] for k, lang in enumerate(LANGS)}
    else:
        english = ids[40:50]
        chosen = {lang: english for lang in LANGS}
    for d in english:
        out.append(Document(id=f"en-{d}", path=f"en/{d}.txt", text="\n".join(docs[d]["en"]), segmented=True))
    for lang, group in chosen.items():
        for d in group:
            did = f"{lang}-{d}"
            out.append(Document(id=did, path=f"{lang}/{d}.txt", text="\n".join(docs[d][lang]), segmented=True))
            gold[did] = f"en-{d}"
    rng.shuffle(out)
    return out, gold


def evaluate(kind: str) -> dict[str, float]:
    docs, gold = build(kind)
    t = time.perf_counter()
    result = audit_documents(docs, AuditConfig(segmented=True))
    elapsed = time.perf_counter() - t
    linked = correct = either = by_prior = 0
    tp = fp = fn = 0
    links = {r.id: r.link for r in result.documents}
    for r in result.documents:
        if r.id not in gold:
            continue
        if r.link is not None and r.link.relation == "translation":
            linked += 1
        back = links.get(gold[r.id])
        fwd_ok = r.link is not None and r.link.source_id == gold[r.id] and r.link.relation == "translation"
        back_ok = back is not None and back.source_id == r.id and back.relation == "translation"
        if fwd_ok or back_ok:
            either += 1
            used = r.link if fwd_ok else back
            by_prior += used.evidence.get("direction") == "language prior"
        if r.link is not None and r.link.source_id == gold[r.id] and r.link.relation == "translation":
            correct += 1
            pred = {(s, t) for p in r.alignment.pairs for s in p.source for t in p.reprint}
            n = len(r.doc.segments)
            want = {(i, i) for i in range(n)}
            tp += len(pred & want)
            fp += len(pred - want)
            fn += len(want - pred)
        else:
            fn += len(r.doc.segments)
    p = tp / (tp + fp) if tp + fp else 0.0
    rcl = tp / (tp + fn) if tp + fn else 0.0
    return {
        "articles": len(docs),
        "translations": len(gold),
        "linked_as_translation": linked,
        "linked_to_original": correct,
        "pair_found": either,
        "direction_by_prior": by_prior,
        "link_accuracy": correct / len(gold),
        "align_precision": p,
        "align_recall": rcl,
        "align_f1": 2 * p * rcl / (p + rcl) if p + rcl else 0.0,
        "seconds": elapsed,
    }


def main() -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="NTREX cross-language linking and alignment (whole pipeline, --segmented)")
    for col in ("set", "articles", "translations", "pair found (either direction)", "direction from prior",
                "linked to original", "link acc.", "align P", "align R", "align F1", "seconds"):
        table.add_column(col, justify="right")
    for kind in ("disjoint", "siblings"):
        m = evaluate(kind)
        table.add_row(kind, str(m["articles"]), str(m["translations"]), str(m["pair_found"]),
                      str(m["direction_by_prior"]), str(m["linked_to_original"]),
                      f"{m['link_accuracy']:.1%}", f"{m['align_precision']:.3f}", f"{m['align_recall']:.3f}",
                      f"{m['align_f1']:.3f}", f"{m['seconds']:.1f}")
    Console(width=160).print(table)


if __name__ == "__main__":
    main()
