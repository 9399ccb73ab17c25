"""Held-out synthetic errors through the whole audit: what a user of ``auditor compare`` gets.

``bench_qe_v2.py`` measures the QE model alone (``predict``) on the synthetic errors of
the 12 NTREX test documents (never trained on). An audit runs the rule detectors beside
it (numbers, dates, names, untranslated text, omissions, ...), merged without
duplicates, so a changed figure the QE model does not flag may still be reported with
the source figure it replaced. Here each test document of each pair is rebuilt as two
files, one line per sentence (the English or foreign original; the same lines with the
synthetic errors where a record has them), audited as ``auditor compare --segmented``
does, and scored like ``bench_qe_v2``: an error is **found** when a finding overlaps its
MT span (additions and omissions covering most of their sentence count only for
omitted-clause errors, as in ``bench_realpages_spans``), and its **source found** when that finding quotes
source wording that shares a word with the error's true source span (and is not a whole
sentence: at most three times the span's words, or six).

    python benchmarks/bench_synthetic_audit.py --data /tmp/qe_v2_data [--pairs es-en,en-es] [--docs N]

The data is what ``python -m auditor.qe.dataset_v2`` writes (see the README, QE v2).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

NTREX_PAIRS = ["es-en", "fr-en", "de-en", "pt-en", "en-es", "en-fr", "en-de", "en-pt"]
WHOLE_SENTENCE = ("accuracy/addition", "accuracy/omission")
_WORD = re.compile(r"\w+", re.UNICODE)


def _line(rec_id: str) -> int:
    return int(rec_id.split(":")[2])


def documents(path: Path, pairs: list[str], limit: int | None) -> list[dict]:
    """Per (document, pair): its lines in order, the synthetic version of a line where there is one."""
    by: dict[tuple[str, str], dict[int, dict]] = defaultdict(dict)
    for line in open(path, encoding="utf-8"):
        r = json.loads(line)
        if r.get("origin") != "ntrex" or r["pair"] not in pairs or r["kind"] not in ("synthetic", "clean"):
            continue
        slot = by[(r["doc_id"], r["pair"])]
        k = _line(r["id"])
        if k not in slot or r["kind"] == "synthetic":
            slot[k] = r
    out = []
    for (doc, pair), lines in sorted(by.items()):
        out.append({"doc": doc, "pair": pair, "records": [lines[k] for k in sorted(lines)]})
    if limit:
        keep = {d for d in sorted({x["doc"] for x in out})[:limit]}
        out = [x for x in out if x["doc"] in keep]
    return out


def _flat(text: str) -> str:
    return " ".join(text.split())


def write_pair(d: dict, folder: Path, k: int) -> tuple[str, str, list[int]]:
    """The two files (one sentence per line) and each MT line's offset in its file."""
    sl, tl = d["pair"].split("-")
    src_lines = [_flat(r["src"]) for r in d["records"]]
    mt_lines = [r["mt"] for r in d["records"]]
    starts, pos = [], 0
    for t in mt_lines:
        starts.append(pos)
        pos += len(t) + 1
    src = folder / f"{k:03d}.{sl}.src.txt"
    mt = folder / f"{k:03d}.{tl}.mt.txt"
    src.write_text("\n".join(src_lines) + "\n", encoding="utf-8")
    mt.write_text("\n".join(mt_lines) + "\n", encoding="utf-8")
    return str(src), str(mt), starts


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def _names(source_text: str | None, gold: set[str]) -> bool:
    """The finding quotes source words of the error: a shared word, and not a whole
    sentence quoted (at most three times the true span's words, or six)."""
    got = _words(source_text or "")
    return bool(got & gold) and len(got) <= max(6, 3 * len(gold))


def _whole_sentence(f, line: str, off: int) -> bool:
    """An addition or omission finding that covers (most of) its sentence: a sentence with no
    counterpart, not a located error. A repeated phrase (also an addition) is located."""
    return f.category in WHOLE_SENTENCE and (f.end - f.start) >= 0.8 * max(len(line), 1)


def score(d: dict, starts: list[int], findings, tally: dict, misses: list | None = None) -> None:
    """Add one document's errors and findings to ``tally`` (per pair and overall); a missed
    error is appended to ``misses`` (when given) with its sentence and true spans."""
    keys = (d["pair"], "all")
    hit_ids: set[int] = set()
    for r, off in zip(d["records"], starts):
        for e in r.get("errors", []):
            if not e["mt"]:
                continue
            spans = [(a + off, b + off) for a, b in e["mt"]]
            hs = [f for f in findings if any(f.start < b and a < f.end for a, b in spans)
                  and (not _whole_sentence(f, r["mt"], off) or e["type"] == "omission")]
            hit_ids |= {id(f) for f in hs}
            gold = _words(" ".join(r["src"][a:b] for a, b in e["src"])) if e["src"] else set()
            named = bool(gold) and any(_names(f.source_text, gold) for f in hs)
            if misses is not None and (not hs or (gold and not named)):
                misses.append({"pair": d["pair"], "doc": d["doc"], "type": e["type"], "detected": bool(hs),
                               "mt": [r["mt"][a:b] for a, b in e["mt"]],
                               "src": [r["src"][a:b] for a, b in e["src"]] if e["src"] else [],
                               "mt_sentence": r["mt"], "src_sentence": r["src"],
                               "findings": [[f.detector, f.category, f.text, f.source_text] for f in hs]})
            for key in keys:
                t = tally[key]
                t["errors"] += 1
                t["found"] += bool(hs)
                if gold:
                    t["known"] += 1
                    t["src_found"] += named
                    t["src_detected"] += bool(hs)
                t[f"type:{e['type']}"] += 1
                t[f"type_found:{e['type']}"] += bool(hs)
                for det in {f.detector for f in hs}:
                    t[f"det:{det}"] += 1
    if misses is not None:
        for f in findings:
            if id(f) not in hit_ids:
                misses.append({"pair": d["pair"], "doc": d["doc"], "type": "false_alarm", "detector": f.detector,
                               "category": f.category, "mt": [f.text], "src": [f.source_text or ""],
                               "message": f.message})
    for key in keys:
        tally[key]["findings"] += len(findings)
        tally[key]["findings_on_errors"] += len(hit_ids)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("/tmp/qe_v2_data"))
    ap.add_argument("--split", default="test", choices=("dev", "test"))
    ap.add_argument("--pairs", default=",".join(NTREX_PAIRS))
    ap.add_argument("--docs", type=int, default=None, help="only the first N documents (a quick run)")
    ap.add_argument("--misses", type=Path, default=None,
                    help="write each missed error (or error whose source words were not found), and each finding on no "
                         "error, here, one JSON per line")
    args = ap.parse_args(argv)
    from auditor.pipeline import AuditConfig, compare_pairs

    path = args.data / f"{args.split}.jsonl"
    if not path.exists():
        print(f"error: {path} not found (python -m auditor.qe.dataset_v2 writes it)", file=sys.stderr)
        return 2
    docs = documents(path, args.pairs.split(","), args.docs)
    t0 = time.perf_counter()
    tally: dict[str, Counter] = defaultdict(Counter)
    misses: list[dict] | None = [] if args.misses else None
    with tempfile.TemporaryDirectory() as tmp:
        files = [write_pair(d, Path(tmp), k) for k, d in enumerate(docs)]
        result = compare_pairs([(s, m) for s, m, _ in files], AuditConfig(segmented=True),
                               progress=lambda stage, k, n: None)
        by_path = {dr.doc.document.path: dr for dr in result.documents}
        for d, (_, mt, starts) in zip(docs, files):
            dr = by_path.get(mt)
            if dr is None:
                print(f"error: {d['doc']} {d['pair']} was not audited", file=sys.stderr)
                return 1
            score(d, starts, list(dr.findings), tally, misses)
    if args.misses:
        args.misses.write_text("".join(json.dumps(m, ensure_ascii=False) + "\n" for m in misses), encoding="utf-8")
    print(f"\nSynthetic errors in the NTREX {args.split} documents through the whole audit "
          f"({len(docs)} document pairs, {time.perf_counter() - t0:.0f} s)\n")
    print("| pair | errors | found | findings | on an error | source found (all true spans) | (detected) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for key in [p for p in NTREX_PAIRS if p in tally] + ["all"]:
        t = tally[key]
        print(f"| {key} | {t['errors']} | {t['found'] / max(t['errors'], 1):.3f} | {t['findings']} | "
              f"{t['findings_on_errors'] / max(t['findings'], 1):.3f} | {t['src_found'] / max(t['known'], 1):.3f} | "
              f"{t['src_found'] / max(t['src_detected'], 1):.3f} |")
    t = tally["all"]
    types = sorted({k.split(":", 1)[1] for k in t if k.startswith("type:")}, key=lambda x: -t[f"type:{x}"])
    print("\n| error type | n | found |\n|---|---:|---:|")
    for ty in types:
        print(f"| {ty} | {t[f'type:{ty}']} | {t[f'type_found:{ty}'] / t[f'type:{ty}']:.2f} |")
    dets = sorted(((k[4:], v) for k, v in t.items() if k.startswith("det:")), key=lambda kv: -kv[1])
    print("\nerrors found, by detector: " + ", ".join(f"{k} {v}" for k, v in dets))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
