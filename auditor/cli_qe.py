"""``auditor qe``: score line-aligned source / translation files with a QE model.

Output schema ``auditor.qe/1``: one entry per line, in line order, each with a score in
[0, 1] (higher is better) and word-level error spans with their probabilities. A pair
the model does not cover gives ``available: false``, a ``reason`` ("QE not available
for es→zu"), ``null`` scores and the pairs it does cover (``null`` for QE v2, which covers
any pair of its languages). QE v2 spans also carry ``src_start``/``src_end``/``src_text``:
the source words the span renders (``null`` when none was found).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

EPILOG_QE = """examples:
  auditor qe --src news.ro --mt news.en --src-lang ro --mt-lang en
  auditor qe --src src.en --mt mt.de --src-lang en --mt-lang de --json scores.json
  auditor qe --src src.txt --mt mt.txt --src-lang en --mt-lang de --qe-model ~/models/cometkiwi --json -

  auditor qe --src src.es --mt mt.en --src-lang es --mt-lang en --qe-model builtin-v1

The default model (QE v2, models/qe-v2) scores any pair of the ~94 languages of
multilingual-e5-small's pre-training and marks each error span with the source words it
renders; --qe-model builtin-v1 is the fast v1 tier, which covers en→de, en→zh, et→en,
ne→en, ro→en, ru→en and si→en only. A pair the model does not cover is answered with
"QE not available for X→Y" and null scores, never a number; the signature names the
model that ran.
"""


def add_qe_parser(sub, parser_class, formatter) -> None:
    pq = sub.add_parser("qe", help="quality estimation of line-aligned source/translation files",
                        description="Score each translated line against its source line, without a reference.",
                        epilog=EPILOG_QE, formatter_class=formatter)
    pq.add_argument("--src", required=True, metavar="FILE", help="source segments, one per line")
    pq.add_argument("--mt", required=True, metavar="FILE", help="translations, one per line, aligned with --src")
    pq.add_argument("--src-lang", required=True, metavar="XX")
    pq.add_argument("--mt-lang", required=True, metavar="YY")
    pq.add_argument("--qe-model", metavar="PATH|NAME",
                    help="builtin-v2 (default), builtin-v1 (fast, 7 MLQE-PE pairs) or a local QE checkpoint directory")
    pq.add_argument("--json", nargs="?", const="", metavar="FILE|-",
                    help="write JSON to FILE, '-' for stdout, or reports/qe.json when no value is given")


def _lines(path: str, usage_error: type[Exception]) -> list[str]:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise usage_error(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise usage_error(f"{path} is not UTF-8 text") from None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.rstrip("\r") for line in lines]


def run_qe(args: argparse.Namespace, usage_error: type[Exception]) -> int:
    from .text.langid import normalize_lang

    try:
        src_lang, mt_lang = normalize_lang(args.src_lang), normalize_lang(args.mt_lang)
    except ValueError as exc:
        raise usage_error(str(exc)) from None
    src, mt = _lines(args.src, usage_error), _lines(args.mt, usage_error)
    if len(src) != len(mt):
        raise usage_error(f"--src has {len(src)} lines but --mt has {len(mt)}: the files must be line-aligned")
    if not src:
        raise usage_error("no segments: the files are empty")
    from .qe import QEModelError, load_qe_model

    try:
        model = load_qe_model(args.qe_model)
        result = model.predict(src, mt, src_lang, mt_lang)
    except QEModelError as exc:
        raise usage_error(str(exc)) from None
    data = {
        "schema": "auditor.qe/1",
        "signature": result.signature,
        "available": result.available,
        "reason": result.reason,
        "covered_pairs": list(model.covered_pairs()) if model.covered_pairs() is not None else None,
        "segments": [
            {"score": None if score is None else round(float(score), 6),
             "spans": [{"start": sp.start, "end": sp.end, "text": sp.text, "p_error": round(float(sp.p_error), 6),
                        "src_start": sp.src_start, "src_end": sp.src_end, "src_text": sp.src_text}
                       for sp in spans]}
            for score, spans in zip(result.scores, result.spans)
        ],
        "system_score": None if result.system_score is None else round(float(result.system_score), 6),
    }
    if args.json is None:
        from rich.console import Console

        if not result.available:  # never a number for a pair the model was not trained on
            if data["covered_pairs"] is not None:
                covered = "the model covers: " + ", ".join(p.replace("-", "→") for p in data["covered_pairs"])
            else:
                covered = f"the model covers pairs of {len(getattr(model, 'languages', ()))} languages"
            n = f"{len(src)} segment{'s' if len(src) != 1 else ''}"
            Console().print(f"{result.reason} ({n} not scored; {covered})", highlight=False)
            return 0
        from rich.table import Table

        table = Table(title=f"QE system score {data['system_score']:.3f}", caption=data["signature"])
        table.add_column("#", justify="right")
        table.add_column("score", justify="right")
        table.add_column("translation (error spans marked)")
        table.add_column("renders (source words)")
        from rich.text import Text

        for n, (seg, line) in enumerate(zip(data["segments"], mt), 1):
            t = Text(line)
            for sp in seg["spans"]:
                t.stylize("bold red" if sp["p_error"] >= 0.5 else "yellow", sp["start"], sp["end"])
            renders = "; ".join(f"‘{sp['text']}’ ← ‘{sp['src_text']}’" for sp in seg["spans"] if sp["src_text"])
            table.add_row(str(n), f"{seg['score']:.3f}", t, Text(renders))
        Console().print(table)
        return 0
    out = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if args.json == "-":
        sys.stdout.write(out)
    else:
        dest = Path(args.json or "reports/qe.json")
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(out, encoding="utf-8")
        print(f"QE scores written to {dest}", file=sys.stderr)
    return 0
