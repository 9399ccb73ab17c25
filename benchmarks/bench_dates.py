"""Date reading beside dateparser on dateparser's own test strings (en/es/fr/de/it/pt).

The cases (benchmarks/data/dateparser-absolute-dates.json, BSD-3, from dateparser's
tests/) are strings holding an absolute date: day, month and year written out. A date
counts as read when a mention with that year, month and day is found; "wrong" counts
full dates read that the case does not hold. dateparser runs ``search.search_dates``
with the case's language, plus ``parse`` on the whole string (most cases are a bare
date). It is dateparser's own test set, so its column is an upper bound, not a neutral
comparison.

    python benchmarks/bench_dates.py [--show-failures]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
import warnings
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from auditor.text.dates import find_dates  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "dateparser-absolute-dates.json"
LANGS = ("en", "es", "fr", "de", "it", "pt")
_BASE = dt.datetime(2000, 1, 1)


def ours(text: str, lang: str) -> set[tuple[int, int, int]]:
    return {(m.year, m.month, m.day) for m in find_dates(text, lang) if m.year and m.month and m.day}


def peer():
    try:
        import dateparser
        from dateparser.search import search_dates
    except ImportError:
        return None
    warnings.filterwarnings("ignore")
    settings = {"RELATIVE_BASE": _BASE}

    def read(text: str, lang: str) -> set[tuple[int, int, int]]:
        got: set[tuple[int, int, int]] = set()
        for _, d in search_dates(text, languages=[lang], settings=settings) or []:
            got.add((d.year, d.month, d.day))
        whole = dateparser.parse(text, languages=[lang], settings=settings)
        if whole is not None:
            got.add((whole.year, whole.month, whole.day))
        return got

    return read


def _score(cases: list[dict], reader) -> tuple[int, int, float]:
    hit = wrong = 0
    t0 = time.perf_counter()
    for c in cases:
        gold = {tuple(d) for d in c["dates"]}
        got = reader(c["text"], c["lang"])
        hit += len(gold & got)
        wrong += len(got - gold)
    return hit, wrong, (time.perf_counter() - t0) * 1000


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--show-failures", action="store_true", help="print the dates ours misses or misreads")
    args = ap.parse_args(argv)
    cases = json.loads(DATA.read_text(encoding="utf-8"))["cases"]
    by_lang: dict[str, list[dict]] = defaultdict(list)
    for c in cases:
        by_lang[c["lang"]].append(c)
    reader = peer()
    print(f"{'lang':<5} {'strings':>7} {'dates':>5} {'ours':>5} {'wrong':>5} {'dateparser':>10} {'wrong':>5} "
          f"{'ours ms':>8} {'dp ms':>8}")
    tot = [0, 0, 0, 0, 0, 0]
    for lang in LANGS:
        group = by_lang.get(lang, [])
        n = sum(len(c["dates"]) for c in group)
        o_hit, o_wrong, o_ms = _score(group, ours)
        if reader is None:
            p_txt = "n/a"
            p_wrong = p_ms = "n/a"
        else:
            p_hit, pw, pms = _score(group, reader)
            p_txt, p_wrong, p_ms = str(p_hit), str(pw), f"{pms:.0f}"
            tot[4] += p_hit
            tot[5] += pw
        tot[0] += len(group)
        tot[1] += n
        tot[2] += o_hit
        tot[3] += o_wrong
        print(f"{lang:<5} {len(group):>7} {n:>5} {o_hit:>5} {o_wrong:>5} {p_txt:>10} {p_wrong:>5} {o_ms:>8.1f} {p_ms:>8}")
        if args.show_failures:
            for c in group:
                gold = {tuple(d) for d in c["dates"]}
                got = ours(c["text"], lang)
                if gold != got:
                    print(f"   {c['text'][:90]!r}: want {sorted(gold)} got {sorted(got)}")
    peer_tot = "n/a" if reader is None else str(tot[4])
    peer_wrong = "n/a" if reader is None else str(tot[5])
    print(f"{'all':<5} {tot[0]:>7} {tot[1]:>5} {tot[2]:>5} {tot[3]:>5} {peer_tot:>10} {peer_wrong:>5}")
    if reader is None:
        print("dateparser not installed: peer column not available")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
