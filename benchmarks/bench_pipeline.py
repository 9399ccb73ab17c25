"""Speed of the audit pipeline.

1. ``auditor --help`` wall time (must not import torch/transformers).
2. The example corpus from a cold start: a fresh process running
   ``auditor audit examples/blinken-2023-06/ --quiet`` (model loading included).
3. Articles per second on a 250-article mixed-language set built from NTREX
   (50 documents in each of en, es, fr, de, pt; paragraphs of 3 sentences, so the
   segmenter and the language detector do real work), warm, in one process.

    python benchmarks/bench_pipeline.py
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))


def timed(cmd: list[str], repeat: int = 3) -> tuple[float, float]:
    """Best wall time and best CPU time (user + system of the child) over ``repeat`` runs.

    CPU time is reported too because on a shared machine wall time mostly measures
    the other users; CPU time is what this program costs.
    """
    import resource

    best, best_cpu = float("inf"), float("inf")
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
                       env={**os.environ, "NO_COLOR": "1"})
        best = min(best, time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        best_cpu = min(best_cpu, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return best, best_cpu


def mixed_set(n_per_lang: int = 50, seed: int = 7):
    from ntrex import LANG_FILES, load_ntrex

    from auditor.types import Document

    docs = load_ntrex()
    ids = list(docs)
    rng = random.Random(seed)
    rng.shuffle(ids)
    out = []
    for k, lang in enumerate(LANG_FILES):
        for d in ids[k * n_per_lang : (k + 1) * n_per_lang] if len(ids) >= 5 * n_per_lang else ids[:n_per_lang]:
            lines = docs[d][lang]
            paras = [" ".join(lines[i : i + 3]) for i in range(0, len(lines), 3)]
            out.append(Document(id=f"{lang}-{d}", path=f"{lang}/{d}.txt", text="\n".join(paras)))
    rng.shuffle(out)
    return out


def main() -> None:
    from rich.console import Console
    from rich.table import Table

    exe = [sys.executable, "-m", "auditor"]
    load_before = os.getloadavg()[0]
    help_s, help_cpu = timed(exe + ["--help"], repeat=5)
    cold_s, cold_cpu = timed(exe + ["audit", "examples/blinken-2023-06/", "--quiet"], repeat=3)

    from auditor.pipeline import AuditConfig, audit_documents

    docs = mixed_set()
    audit_documents(docs[:5], AuditConfig())  # warm: load encoder, sacrebleu, langdetect
    t, c = time.perf_counter(), time.process_time()
    result = audit_documents(docs, AuditConfig())
    warm_s, warm_cpu = time.perf_counter() - t, time.process_time() - c

    load_after = os.getloadavg()[0]
    table = Table(title=f"auditor pipeline speed ({os.cpu_count()}-core CPU, load average "
                        f"{load_before:.1f} -> {load_after:.1f})")
    table.add_column("measure")
    table.add_column("wall", justify="right")
    table.add_column("CPU", justify="right")
    table.add_column("target (wall)", justify="right")
    table.add_row("auditor --help (best of 5)", f"{help_s:.2f} s", f"{help_cpu:.2f} s", "< 0.5 s")
    table.add_row("example corpus, cold process (best of 3)", f"{cold_s:.2f} s", f"{cold_cpu:.2f} s", "< 5 s")
    table.add_row(f"mixed NTREX set: {len(docs)} articles, warm", f"{warm_s:.1f} s", f"{warm_cpu:.1f} s", "")
    table.add_row("articles per second", f"{len(result.documents) / warm_s:.1f}",
                  f"{len(result.documents) / warm_cpu:.1f}", "")
    Console().print(table)


if __name__ == "__main__":
    main()
