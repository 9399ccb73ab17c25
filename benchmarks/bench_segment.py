"""Sentence segmentation beside pySBD on pySBD's own golden-rule cases (en/de/fr/it/es).

The cases (benchmarks/data/pysbd-golden-rules.json, MIT, from pySBD's tests/lang/) are
the ones whose expected sentences are the text itself, in order: no cleaning, no lists,
no HTML or PDF line breaks. A case counts when every sentence comes out exactly
(surrounding whitespace ignored). pySBD runs with ``clean=False``; it is pySBD's own test
set, so its column is an upper bound on it, not a neutral comparison.

    pip install -e '.[bench]'
    python benchmarks/bench_segment.py [--show-failures]

Also measures NTREX: the English lines of each document joined with spaces (a line
without a final full stop, a headline, ends its paragraph); a line counts when it comes
back as exactly one sentence.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from auditor.text.segment import split_sentences  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "pysbd-golden-rules.json"
LANGS = ("en", "de", "fr", "it", "es")
_ENDS = re.compile(r"[.!?…][\"'”’»)\]]*$")


def ours(text: str, lang: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text, lang)]


def peer(lang: str):
    try:
        import pysbd
    except ImportError:
        return None
    seg = pysbd.Segmenter(language=lang, clean=False)
    return lambda text: [s.strip() for s in seg.segment(text) if s.strip()]


def ntrex_lines() -> tuple[int, int] | None:
    """(lines recovered exactly, lines) for NTREX English documents joined line by line."""
    try:
        from ntrex import load_ntrex

        docs = load_ntrex()
    except OSError:
        return None
    hit = total = 0
    for doc in docs.values():
        lines = [ln.strip() for ln in doc["en"] if ln.strip()]
        text = ""
        for ln in lines:
            if text:  # a headline without a full stop starts a new paragraph, as ingest does
                text += " " if _ENDS.search(text) else "\n"
            text += ln
        got = set(ours(text, "en"))
        total += len(lines)
        hit += sum(ln in got for ln in lines)
    return hit, total


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--show-failures", action="store_true", help="print the cases ours gets wrong")
    args = ap.parse_args(argv)
    cases = json.loads(DATA.read_text(encoding="utf-8"))["cases"]
    ours("Warm up. The tables load once.", "en")
    by_lang: dict[str, list[dict]] = defaultdict(list)
    for c in cases:
        by_lang[c["lang"]].append(c)
    print(f"{'lang':<5} {'cases':>5} {'ours':>5} {'pysbd':>6} {'ours ms':>8} {'pysbd ms':>9}")
    tot = [0, 0, 0]
    peer_missing = False
    for lang in LANGS:
        group = by_lang.get(lang, [])
        t0 = time.perf_counter()
        ok = [ours(c["text"], lang) == c["expected"] for c in group]
        t_ours = (time.perf_counter() - t0) * 1000
        seg = peer(lang)
        if seg is None:
            peer_missing = True
            p_ok, t_peer = None, None
        else:
            t0 = time.perf_counter()
            p_ok = sum(seg(c["text"]) == c["expected"] for c in group)
            t_peer = (time.perf_counter() - t0) * 1000
        tot[0] += len(group)
        tot[1] += sum(ok)
        tot[2] += p_ok or 0
        p_txt = "n/a" if p_ok is None else str(p_ok)
        t_txt = "n/a" if t_peer is None else f"{t_peer:.1f}"
        print(f"{lang:<5} {len(group):>5} {sum(ok):>5} {p_txt:>6} {t_ours:>8.1f} {t_txt:>9}")
        if args.show_failures:
            for c, good in zip(group, ok):
                if not good:
                    print(f"   FAIL [{c['from']}] {c['text'][:150]!r}\n        got {ours(c['text'], lang)}")
    print(f"{'all':<5} {tot[0]:>5} {tot[1]:>5} {'n/a' if peer_missing else tot[2]:>6}")
    if peer_missing:
        print("pysbd not installed (pip install -e '.[bench]'): peer column not available")
    nt = ntrex_lines()
    if nt is None:
        print("NTREX not found: line-recovery figure not available")
    else:
        print(f"NTREX English lines recovered exactly: {nt[0]:,} of {nt[1]:,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
