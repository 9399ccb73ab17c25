"""Cross-language linking and alignment on real parallel news (NTREX-128).

A few English documents and their Spanish, French, German and Portuguese translations
are shuffled into one set with unrelated English documents; every translation must be
linked to its English original and aligned line for line (the gold alignment is the line
number). Skipped when the shared data is not present.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from ntrex import data_dir, load_ntrex  # noqa: E402

from auditor.pipeline import AuditConfig, audit_documents  # noqa: E402
from auditor.types import Document  # noqa: E402

pytestmark = pytest.mark.skipif(not (data_dir() / "DOCUMENT_IDS.tsv").exists(), reason="NTREX data not available")


def test_translations_link_to_their_english_originals_and_align():
    docs = load_ntrex()
    ids = list(docs)
    rng = random.Random(7)
    rng.shuffle(ids)
    originals, strangers = ids[:2], ids[2:4]
    out, gold = [], {}
    for d in originals + strangers:
        out.append(Document(id=f"en-{d}", path=f"en/{d}", text="\n".join(docs[d]["en"]), segmented=True))
    for lang in ("es", "fr", "de", "pt"):
        for d in originals:
            out.append(Document(id=f"{lang}-{d}", path=f"{lang}/{d}", text="\n".join(docs[d][lang]), segmented=True))
            gold[f"{lang}-{d}"] = f"en-{d}"
    rng.shuffle(out)
    result = audit_documents(out, AuditConfig(segmented=True, encoder="use", qe=False))
    by_id = {r.id: r for r in result.documents}
    for rid, src in gold.items():
        r = by_id[rid]
        assert r.link is not None and r.link.relation == "translation" and r.link.source_id == src, (rid, r.link)
        pairs = {(s, t) for p in r.alignment.pairs for s in p.source for t in p.reprint}
        diagonal = {(i, i) for i in range(len(r.doc.segments))}
        assert len(pairs & diagonal) / len(diagonal) >= 0.95, rid
    for d in strangers:
        link = by_id[f"en-{d}"].link
        assert link is None or link.relation == "same_story"
