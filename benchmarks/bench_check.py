"""Cold-start time of the pre-publication gate: ``auditor check DRAFT --source SRC``.

The draft is real English news (NTREX-128 documents rejoined until the draft reaches
``--words`` words), checked against their professional translation into ``--lang`` as
the source: the shape of a newsroom checking an English version against a Spanish
original (the timing does not depend on which side was written first). Each run is a new process (cold: imports, model loads),
as in a pre-commit hook. Also times the text-only check (no source).

    python benchmarks/bench_check.py            # 1,000-word draft, 3 runs each
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ntrex import load_ntrex  # noqa: E402


def build(words: int, lang: str, tmp: Path) -> tuple[Path, Path, int]:
    draft_lines: list[str] = []
    src_lines: list[str] = []
    n = 0
    for doc in load_ntrex().values():
        for en, tr in zip(doc["en"], doc[lang]):
            draft_lines.append(en)
            src_lines.append(tr)
            n += len(en.split())
        draft_lines.append("")
        src_lines.append("")
        if n >= words:
            break
    draft, src = tmp / "draft.en.txt", tmp / f"source.{lang}.txt"
    draft.write_text("\n".join(draft_lines), encoding="utf-8")
    src.write_text("\n".join(src_lines), encoding="utf-8")
    return draft, src, n


def timed(cmd: list[str]) -> tuple[float, int]:
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    return time.perf_counter() - t, proc.returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--words", type=int, default=1000)
    ap.add_argument("--lang", default="es", choices=("es", "fr", "de", "pt"))
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        draft, src, n = build(args.words, args.lang, Path(d))
        base = [sys.executable, "-m", "auditor", "check", str(draft), "--format", "json", "-o", str(Path(d) / "o.json")]
        rows = []
        for label, cmd in (("with source", base + ["--source", str(src)]), ("text-only", base)):
            times, codes = [], set()
            for _ in range(args.runs):
                t, rc = timed(cmd)
                times.append(t)
                codes.add(rc)
            rows.append((label, statistics.median(times), min(times), sorted(codes)))
    print(f"auditor check, cold process, {n}-word English draft, {args.lang} source (NTREX), {args.runs} runs\n")
    print("| mode | median s | best s | exit codes |")
    print("|---|---|---|---|")
    for label, med, best, codes in rows:
        print(f"| {label} | {med:.2f} | {best:.2f} | {codes} |")


if __name__ == "__main__":
    main()
