"""realpages through the real pipeline: the exact inputs the verdict sees on a web page.

Why not the window extractor: the verdict's text-only calibration is fitted on these
pages (training stories) and reported on them (dev stories), so their features, rule
tells and links must be those of ``auditor audit`` on the page file, ingestion
included. Each page is audited alone (text only); a page with a stored foreign
original (``sources/NNN.<lang>.txt``) is audited a second time with it as its declared
source (``auditor compare``); the benchmark also shows what linking alone decides.

Records (JSON-able) are cached under the detector cache folder, keyed by the page id;
they hold the detector features without the lexicons (those are the model's and are
added from the text at training and benchmark time), the tells term of the verdict and,
with a source, the link relation and the alignment-regularity term.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from .corpora import REALPAGES, realpages_records
from .extract import FEATURE_VERSION, cache_path

CACHE_VERSION = "2"


def _cache_file() -> Path:
    # the records hold the detectors' findings, so a new feature version invalidates them too
    return cache_path().parent / f"realpages-v{CACHE_VERSION}-f{FEATURE_VERSION}.jsonl"


def audit_page(root: Path, rec: dict, with_source: bool, declared: bool = True):
    """(DocumentResult of the page, docs by id, every result) from ``audit_documents`` on the page (and its source).

    ``declared``: the pair is declared as ``auditor compare PAGE SOURCE`` does; otherwise
    linking decides (and may pick the other direction: the pages carry no dates).
    """
    from ..ingest import load_documents
    from ..pipeline import AuditConfig, audit_documents

    paths = [str(root / "pages" / f"{rec['id']}.txt")]
    if with_source:
        paths.append(str(root / "sources" / f"{rec['source_id']}.txt"))
    docs, errors = load_documents(paths)
    if errors:
        raise RuntimeError(f"cannot read {paths}: {errors[0]}")
    pairs = [(docs[0].id, docs[1].id)] if with_source and declared else None
    res = audit_documents(docs, AuditConfig(), pairs=pairs)
    page = next(d for d in res.documents if Path(d.doc.document.path).name == f"{rec['id']}.txt")
    return page, {d.doc.id: d.doc for d in res.documents}, res.documents


def _record(page, docs, mode: str) -> dict:
    from ..verdict import _regularity, _tells
    from .features import extract_features

    tells, _ = _tells(page)
    out = {"features": extract_features(page, docs, mode), "tells": tells,
           "text": "\n".join(s.text for s in page.doc.segments),
           "relation": page.link.relation if page.link is not None else None,
           "label_at_extraction": page.verdict.label if page.verdict is not None else None}
    if mode == "with_source" and page.link is not None:
        out["regularity"] = _regularity(page)[0]
    return out


def realpages_features(root: str | Path = REALPAGES, progress: Callable[[int, int], None] | None = None) -> list[dict]:
    """One record per labelled page: id, url, story, split, class, text_only (and with_source) parts."""
    root = Path(root)
    path = _cache_file()
    cached: dict[str, dict] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                r = json.loads(line)
            except json.JSONDecodeError:
                continue
            cached[r["id"]] = r
    labels = realpages_records(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        for k, rec in enumerate(labels):
            if rec["id"] not in cached:
                page, docs, _ = audit_page(root, rec, with_source=False)
                out = {"id": rec["id"], "text_only": _record(page, docs, "text_only")}
                if rec.get("source_id"):
                    page, docs, _ = audit_page(root, rec, with_source=True)
                    mode = "with_source" if page.link is not None and page.link.relation == "translation" else "text_only"
                    out["with_source"] = _record(page, docs, mode) | {"mode": mode}
                cached[rec["id"]] = out
                fh.write(json.dumps(out) + "\n")
                fh.flush()
            if progress is not None:
                progress(k + 1, len(labels))
    return [cached[r["id"]] | {k: r[k] for k in ("url", "story", "split", "class", "label", "source_id")}
            for r in labels]
