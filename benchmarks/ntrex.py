"""Read NTREX-128 documents (English originals and their es/fr/de/pt translations).

Shared by the benchmarks and tests; reads ../shared/data/ntrex/ (or $AUDITOR_DATA_DIR/ntrex)
at run time and never copies it into the repository.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from pathlib import Path

LANG_FILES = {
    "en": "newstest2019-src.eng.txt",
    "es": "newstest2019-ref.spa.txt",
    "fr": "newstest2019-ref.fra.txt",
    "de": "newstest2019-ref.deu.txt",
    "pt": "newstest2019-ref.por.txt",
}


def data_dir() -> Path:
    env = os.environ.get("AUDITOR_DATA_DIR")
    base = Path(env) if env else Path(__file__).resolve().parents[1].parent / "shared" / "data"
    return base / "ntrex"


def load_ntrex(root: Path | None = None) -> "OrderedDict[str, dict[str, list[str]]]":
    """{doc_id: {lang: [sentence lines]}} in file order; line k of every language aligns."""
    root = root or data_dir()
    ids = (root / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()
    langs = {k: (root / f).read_text(encoding="utf-8").splitlines() for k, f in LANG_FILES.items()}
    docs: "OrderedDict[str, dict[str, list[str]]]" = OrderedDict()
    for n, doc_id in enumerate(ids):
        doc_id = doc_id.split("\t")[0].strip()
        entry = docs.setdefault(doc_id, {k: [] for k in LANG_FILES})
        for k in LANG_FILES:
            entry[k].append(langs[k][n])
    return docs
