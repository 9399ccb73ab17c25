"""Number words beside text2num on a small case set of our own (en/es/fr/de/it/pt).

Each sentence of benchmarks/data/number-words.json holds one figure. Ours counts when
``find_quantities`` finds exactly one figure with that value; text2num counts when
``alpha2digit`` rewrites the sentence so that exactly one number remains and it has that
value (read with the language's decimal comma). text2num only rewrites words; figures
written in digits with a word scale ("2,5 millones") and halves are where that differs.

    pip install -e '.[bench]'
    python benchmarks/bench_numbers.py [--show-failures]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from auditor.text.numbers import find_quantities  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "number-words.json"
LANGS = ("en", "es", "fr", "de", "it", "pt")
_NUM = re.compile(r"\d+(?:[.,]\d+)*")


def ours(text: str, lang: str) -> list[float]:
    return [q.value for q in find_quantities(text, lang)]


def peer():
    try:
        from text_to_num import alpha2digit
    except ImportError:
        return None

    def read(text: str, lang: str) -> list[float]:
        out = []
        for n in _NUM.findall(alpha2digit(text, lang)):
            if lang != "en":
                n = n.replace(".", "").replace(",", ".")
            else:
                n = n.replace(",", "")
            out.append(float(n))
        return out

    return read


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--show-failures", action="store_true")
    args = ap.parse_args(argv)
    cases = json.loads(DATA.read_text(encoding="utf-8"))["cases"]
    reader = peer()
    table: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for c in cases:
        got = ours(c["text"], c["lang"])
        ok = got == [c["value"]]
        p_ok = reader is not None and reader(c["text"], c["lang"]) == [c["value"]]
        for key in ((c["lang"], "all"), ("all", c["class"]), ("all", "all")):
            row = table[key]
            row[0] += 1
            row[1] += ok
            row[2] += p_ok
        if args.show_failures and not ok:
            print(f"   ours {c['lang']} {c['text']!r}: want {c['value']} got {got}")
        if args.show_failures and reader is not None and not p_ok:
            print(f"   text2num {c['lang']} {c['text']!r}: got {reader(c['text'], c['lang'])}")
    print(f"{'lang':<5} {'class':<9} {'cases':>5} {'ours':>5} {'text2num':>9}")
    keys = [(lg, "all") for lg in LANGS] + [("all", k) for k in ("simple", "compound", "scale", "half")]
    for key in keys + [("all", "all")]:
        n, o, p = table[key]
        print(f"{key[0]:<5} {key[1]:<9} {n:>5} {o:>5} {p if reader else 'n/a':>9}")
    if reader is None:
        print("text2num not installed (pip install -e '.[bench]'): peer column not available")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
