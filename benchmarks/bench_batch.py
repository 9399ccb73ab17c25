"""Throughput and memory of ``auditor batch`` on a crawl built from real news text.

Builds a WARC.gz corpus under a temp dir (default 2,000 articles) from the shared data:

* NTREX-128 documents (grouped by DOCUMENT_IDS.tsv): the English original plus its
  es/fr/de/pt human translations, each on its own site (clusters of translations);
* WMT22 general test windows of consecutive lines (xx->en): the source page, the human
  reference page and one system output page (machine translation) per window;
* native English WMT22 source windows as stand-alone articles (singletons, as most
  pages of a real aggregator crawl are).

Each page is wrapped in an HTML template with navigation, cookie banner, related links
and footer boilerplate. Then ``auditor batch`` runs with 1 and 2 jobs in a subprocess
while a sampler sums the RSS of the whole process tree; the table gives articles per
second and peak RSS (parent + workers).

    python benchmarks/bench_batch.py                 # 2,000 articles, jobs 1 and 2
    python benchmarks/bench_batch.py --articles 300 --jobs 2

Never copies the data into the repository: the corpus lives in a temp dir.
"""

from __future__ import annotations

import argparse
import html
import io
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import OrderedDict
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
ROOT = Path(__file__).resolve().parent.parent
NTREX_LANGS = {"en": "src.eng", "es": "ref.spa", "fr": "ref.fra", "de": "ref.deu", "pt": "ref.por"}
WMT_PAIRS = ("de-en", "ru-en", "zh-en", "ja-en", "cs-en", "uk-en")
WINDOW = 10

TEMPLATE = """<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title} | {site}</title>
<meta property="og:site_name" content="{site}"><meta property="og:title" content="{title}">
<meta property="article:published_time" content="{date}"></head><body>
<div class="cookie">We use cookies to improve your experience. <a href="/privacy">Privacy policy</a> <button>Accept</button></div>
<header><a href="/">{site}</a><nav><a href="/world">World</a> <a href="/business">Business</a> <a href="/sport">Sport</a>
<a href="/subscribe">Subscribe</a></nav></header>
<main><article><h1>{title}</h1><p class="byline">Staff writer · {date}</p>{body}</article>
<aside><h2>Most read</h2><ul><li><a href="/a">Ten things to know today</a></li><li><a href="/b">Markets close higher</a></li>
<li><a href="/c">Weather: storms expected</a></li></ul></aside></main>
<footer><p>© 2024 {site}. All rights reserved.</p><a href="/contact">Contact</a> <a href="/terms">Terms</a></footer>
</body></html>"""


def _page(title: str, paras: list[str], site: str, lang: str, date: str) -> bytes:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paras)
    return TEMPLATE.format(lang=lang, title=html.escape(title[:90]), site=site, date=date, body=body).encode("utf-8")


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def build_pages(n_articles: int, seed: int = 1) -> list[tuple[str, bytes]]:
    """(url, html) for ``n_articles`` pages: NTREX clusters, WMT22 triples, singletons."""
    rng = random.Random(seed)
    pages: list[tuple[str, bytes]] = []
    # NTREX: a quarter of the corpus at most
    ids = _lines(DATA / "ntrex" / "DOCUMENT_IDS.tsv")
    texts = {lang: _lines(DATA / "ntrex" / f"newstest2019-{suffix}.txt") for lang, suffix in NTREX_LANGS.items()}
    docs: OrderedDict[str, list[int]] = OrderedDict()
    for i, d in enumerate(ids):
        if d.strip():
            docs.setdefault(d.split("\t")[0], []).append(i)
    budget_ntrex = min(len(docs) * 5, n_articles // 4)
    for k, (doc, rows) in enumerate(docs.items()):
        for lang in NTREX_LANGS:
            if len(pages) >= budget_ntrex:
                break
            paras = [texts[lang][i] for i in rows if texts[lang][i].strip()]
            site = "wire.example" if lang == "en" else f"noticias-{lang}.example"
            pages.append((f"https://{site}/{doc}/{lang}", _page(paras[0], paras[1:] or paras, site, lang, "2019-05-0%d" % (k % 9 + 1))))
    # WMT22 xx->en windows: source, human reference, one MT system output
    wmt = DATA / "wmt22-general"
    triples_budget = (n_articles - len(pages)) * 6 // 10
    k = 0
    for pair in WMT_PAIRS:
        xx = pair.split("-")[0]
        src = _lines(wmt / "sources" / f"generaltest2022.{pair}.src.{xx}")
        refs = sorted((wmt / "references").glob(f"generaltest2022.{pair}.ref.*.en"))
        hyps = sorted((wmt / "system-outputs").glob(f"generaltest2022.{pair}.hyp.*.en"))
        if not refs or not hyps:
            continue
        ref = _lines(refs[0])
        hyp_lines = {h: _lines(h) for h in hyps[:4]}
        for start in range(0, len(src) - WINDOW, WINDOW):
            if triples_budget < 3:
                break
            hyp = rng.choice(list(hyp_lines))
            system = hyp.name.split(".hyp.")[1].rsplit(".", 1)[0]
            win = slice(start, start + WINDOW)
            date = "2022-0%d-1%d" % (k % 9 + 1, k % 10)
            pages.append((f"https://{xx}-news.example/{pair}/{start}", _page(src[win][0], src[win][1:], f"{xx}-news.example", xx, date)))
            pages.append((f"https://en-desk.example/{pair}/{start}", _page(ref[win][0], ref[win][1:], "en-desk.example", "en", date)))
            pages.append((f"https://aggregator.example/{system}/{pair}/{start}",
                          _page(hyp_lines[hyp][win][0], hyp_lines[hyp][win][1:], "aggregator.example", "en", date)))
            triples_budget -= 3
            k += 1
    # native English sources as stand-alone articles
    singles = []
    for pair in ("en-de", "en-ru", "en-zh", "en-ja", "en-cs", "en-uk"):
        src = _lines(wmt / "sources" / f"generaltest2022.{pair}.src.en")
        for start in range(0, len(src) - WINDOW, WINDOW):
            win = src[start:start + WINDOW]
            singles.append((f"https://local-{pair}.example/{start}", _page(win[0], win[1:], f"local-{pair}.example", "en", "2022-11-01")))
    rng.shuffle(singles)
    pages.extend(singles[: max(0, n_articles - len(pages))])
    return pages[:n_articles]


def write_warc(pages: list[tuple[str, bytes]], path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, body in pages:
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                               ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http,
                                                          warc_headers_dict={"WARC-Date": "2024-01-15T08:00:00Z"}))


def _tree_rss(pid: int) -> int:
    import psutil

    try:
        p = psutil.Process(pid)
        procs = [p] + p.children(recursive=True)
    except psutil.Error:
        return 0
    total = 0
    for q in procs:
        try:
            total += q.memory_info().rss
        except psutil.Error:
            pass
    return total


def run(warc: Path, out: Path, jobs: int, extra: list[str]) -> tuple[float, int, int]:
    """Seconds, peak RSS of the process tree (bytes), articles stored."""
    cmd = [sys.executable, "-m", "auditor.batch", str(warc), "--out", str(out), "--jobs", str(jobs),
           "--no-progress", "-q", *extra]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.2)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    proc.wait()
    stop.set()
    th.join()
    seconds = time.perf_counter() - t0
    import sqlite3

    with sqlite3.connect(out / "audit.sqlite") as db:
        n = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    return seconds, peak, n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--keep", action="store_true", help="keep the temp dir (corpus and stores)")
    ap.add_argument("extra", nargs="*", help="extra arguments for auditor batch (after --)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_batch_"))
    pages = build_pages(args.articles)
    warc = tmp / "corpus.warc.gz"
    write_warc(pages, warc)
    print(f"corpus: {len(pages)} articles, {warc.stat().st_size / 1e6:.1f} MB WARC.gz at {warc}")
    print(f"{'jobs':>4} {'articles':>8} {'seconds':>8} {'articles/s':>10} {'peak RSS (tree)':>16}")
    for jobs in args.jobs:
        secs, peak, n = run(warc, tmp / f"out-{jobs}", jobs, args.extra)
        print(f"{jobs:>4} {n:>8} {secs:>8.1f} {n / secs:>10.2f} {peak / 2**20:>13.0f} MB", flush=True)
    if not args.keep:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
