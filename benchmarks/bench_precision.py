"""Precision of the rule detectors on text known to be clean.

Every finding on a professional text is a false alarm, so findings per 1,000 clean
sentences is the false-alarm rate a newsroom would live with. Two clean sets:

* NTREX-128 English originals (123 news documents), audited alone (text-only checks);
* WMT22 general-test human reference translations into English, in windows of
  ``--window`` consecutive lines (the copy has no document boundaries), audited
  against their source window (with-source checks: dates, numbers, entities and
  omissions compare with the aligned source sentence) for the USE languages
  (de, ja, ru, zh), and text-only for all six pairs.

Usage::

    python benchmarks/bench_precision.py            # full sets (a few minutes)
    python benchmarks/bench_precision.py --quick    # a sample, for a smoke run
    python benchmarks/bench_precision.py --qe       # plus the with-source set with QE v2 on

``--qe`` audits the with-source set a second time with the default QE model (v2), whose
word spans become findings (detector ``qe``) on these professional translations: the
false-alarm rate of QE findings on human work (``--qe-threshold`` scores the spans at
another word threshold than the model's, to weigh recall on synthetic errors against it).

Prints findings per 1,000 sentences by detector and severity, and lists the major
and critical findings (``--show N``) so each false alarm can be inspected.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ntrex import data_dir, load_ntrex  # noqa: E402

from auditor.pipeline import DETECTORS, AuditConfig, audit_documents  # noqa: E402
from auditor.types import Document  # noqa: E402

WITH_SOURCE_LANGS = ("de", "ja", "ru", "zh")  # USE languages: fast with-source alignment


def wmt_dir() -> Path:
    return data_dir().parent / "wmt22-general"


def _doc(doc_id: str, lines: list[str], lang: str) -> Document:
    return Document(id=doc_id, path=doc_id, text="\n".join(lines), language=lang, segmented=True)


def ntrex_sets(limit: int | None) -> list[tuple[Document, None]]:
    docs = list(load_ntrex().items())[:limit]
    return [(_doc(f"ntrex-{k}", v["en"], "en"), None) for k, v in docs]


def wmt_sets(window: int, limit: int | None, with_source: bool) -> list[tuple[Document, Document | None]]:
    root = wmt_dir()
    out: list[tuple[Document, Document | None]] = []
    for ref in sorted((root / "references").glob("generaltest2022.*-en.ref.*.en")):
        pair = ref.name.split(".")[1]
        src_lang = pair.split("-")[0]
        src_lines = (root / "sources" / f"generaltest2022.{pair}.src.{src_lang}").read_text(encoding="utf-8").splitlines()
        ref_lines = ref.read_text(encoding="utf-8").splitlines()
        n_windows = len(ref_lines) // window
        step = 1 if limit is None else max(1, n_windows // limit)
        for w in range(0, n_windows, step):
            a, b = w * window, (w + 1) * window
            rid = f"{ref.name}:{a + 1}-{b}"
            rdoc = _doc(rid, ref_lines[a:b], "en")
            if not with_source:
                out.append((rdoc, None))
            elif src_lang in WITH_SOURCE_LANGS:
                out.append((rdoc, _doc(f"src:{rid}", src_lines[a:b], src_lang)))
    return out


def ntrex_pairs(split: str, into_english: bool) -> list[tuple[Document, Document]]:
    """NTREX human translations of QE v2's held-out ``split`` documents (``dev`` or ``test`` of
    ``benchmarks/data/ntrex-qe-split.json``; never trained on), paired with the English
    original: es/fr/de/pt -> en (the English original as the "reprint" of the human
    translation: clean parallel text in the mission's main direction) or en -> es/fr/de/pt."""
    import json

    ids = set(json.loads((Path(__file__).parent / "data" / "ntrex-qe-split.json").read_text())[split])
    out = []
    for doc_id, langs in load_ntrex().items():
        if doc_id not in ids:
            continue
        for lang in ("es", "fr", "de", "pt"):
            en, xx = _doc(f"{doc_id}:en:{lang}", langs["en"], "en"), _doc(f"{doc_id}:{lang}", langs[lang], lang)
            out.append((en, xx) if into_english else (xx, en))
    return out


def run(sets: list[tuple[Document, Document | None]], label: str, qe: bool = False) -> tuple[int, Counter, list]:
    config = AuditConfig(encoder="use", qe=qe)
    counts: Counter = Counter()
    serious = []
    sentences = 0
    t0 = time.perf_counter()
    alone = [d for d, s in sets if s is None]
    paired = [(d, s) for d, s in sets if s is not None]
    results = []
    if alone:
        results += list(audit_documents(alone, AuditConfig(link=False, qe=False)).documents)
    for k in range(0, len(paired), 25):  # batches keep the encoder warm and memory small
        chunk = paired[k : k + 25]
        docs = [x for d, s in chunk for x in (d, s)]
        res = audit_documents(docs, config, pairs=[(d.id, s.id) for d, s in chunk])
        ids = {d.id for d, _ in chunk}
        results += [r for r in res.documents if r.id in ids]
    for r in results:
        sentences += len(r.doc.segments)
        for f in r.findings:
            counts[(f.detector, f.severity)] += 1
            if f.severity != "minor":
                serious.append((r.id, f))
    dt = time.perf_counter() - t0
    print(f"{label}: {len(results)} documents, {sentences} sentences, {dt:.1f} s", file=sys.stderr)
    return sentences, counts, serious


def table(rows: list[tuple[str, int, Counter]]) -> str:
    head = f"| detector | " + " | ".join(f"{name} (minor / major+)" for name, _, _ in rows) + " |"
    sep = "|---|" + "---|" * len(rows)
    lines = [head, sep]
    dets = DETECTORS + (("qe",) if any(d == "qe" for _, _, c in rows for d, _ in c) else ())
    for det in dets:
        cells = []
        for _, n, c in rows:
            minor = c[(det, "minor")] * 1000 / max(n, 1)
            major = (c[(det, "major")] + c[(det, "critical")]) * 1000 / max(n, 1)
            cells.append(f"{minor:.1f} / {major:.1f}")
        lines.append(f"| {det} | " + " | ".join(cells) + " |")
    cells = []
    for _, n, c in rows:
        minor = sum(v for (d, s), v in c.items() if s == "minor") * 1000 / max(n, 1)
        major = sum(v for (d, s), v in c.items() if s != "minor") * 1000 / max(n, 1)
        cells.append(f"**{minor:.1f} / {major:.1f}**")
    lines.append("| **all** | " + " | ".join(cells) + " |")
    lines.append("| sentences | " + " | ".join(str(n) for _, n, _ in rows) + " |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="a sample of each set")
    ap.add_argument("--window", type=int, default=12)
    ap.add_argument("--show", type=int, default=15, help="major/critical findings to list")
    ap.add_argument("--qe", action="store_true", help="also the with-source set with QE v2's findings")
    ap.add_argument("--qe-threshold", type=float, default=None, help="QE v2 word threshold (default: the model's)")
    ap.add_argument("--qe-only", action="store_true", help="only the with-source set with QE v2 (implies --qe)")
    ap.add_argument("--ntrex-pairs", action="store_true",
                    help="also NTREX's human translations of the QE dev/test documents beside their English "
                         "originals, rules only (the Latin-script pairs: es/fr/de/pt <-> en)")
    args = ap.parse_args()
    args.qe = args.qe or args.qe_only
    if args.qe_threshold is not None:
        import auditor.qe as qe_pkg
        from auditor.qe.neural import NeuralQEModel, default_model_dir

        model = NeuralQEModel(default_model_dir(), word_threshold=args.qe_threshold)
        qe_pkg.load_qe_model = lambda path=None, **kw: model  # type: ignore[assignment]
    lim_docs = 30 if args.quick else None
    lim_windows = 8 if args.quick else None

    rows = []
    shown = []
    if args.qe_only:
        return _qe_rows(args, lim_windows, rows, shown)
    n, c, s = run(ntrex_sets(lim_docs), "NTREX English originals (text-only)")
    rows.append(("NTREX en originals, text-only", n, c))
    shown += s
    n, c, s = run(wmt_sets(args.window, lim_windows, with_source=False), "WMT22 references (text-only)")
    rows.append(("WMT22 refs, text-only", n, c))
    shown += s
    n, c, s = run(wmt_sets(args.window, lim_windows, with_source=True), "WMT22 references with source")
    rows.append(("WMT22 refs (de/ja/ru/zh), with source", n, c))
    shown += s
    if args.ntrex_pairs:
        shown += _ntrex_rows(rows, qe=False)
    if args.qe:
        return _qe_rows(args, lim_windows, rows, shown)
    _print(args, rows, shown)


def _qe_rows(args, lim_windows, rows, shown) -> None:
    label = "WMT22 refs with source, QE v2" + (f" (word threshold {args.qe_threshold})" if args.qe_threshold else "")
    n, c, s = run(wmt_sets(args.window, lim_windows, with_source=True), label, qe=True)
    rows.append((label, n, c))
    shown += [x for x in s if x[1].detector == "qe"]
    shown += [x for x in _ntrex_rows(rows, qe=True) if x[1].detector == "qe"]
    _print(args, rows, shown)


def _ntrex_rows(rows, qe: bool) -> list:
    """One row per split and direction of NTREX's human translations beside their originals
    (appended to ``rows``); the serious findings, to list."""
    shown = []
    for split in ("dev", "test"):
        for into_en in (True, False):
            label = f"NTREX {split}, {'es/fr/de/pt -> en' if into_en else 'en -> es/fr/de/pt'}, {'QE v2' if qe else 'rules'}"
            n, c, s = run(ntrex_pairs(split, into_en), label, qe=qe)
            rows.append((label, n, c))
            shown += s
    return shown


def _print(args, rows, shown) -> None:
    print("Findings per 1,000 clean sentences (minor / major+critical)\n")
    print(table(rows))
    if shown and args.show:
        print(f"\nMajor and critical findings on clean text (first {args.show} of {len(shown)}):")
        for doc_id, f in shown[: args.show]:
            print(f"  {doc_id}  {f.detector:12s} {f.category:28s} {f.text[:40]!r}: {f.message[:100]}")


if __name__ == "__main__":
    main()
