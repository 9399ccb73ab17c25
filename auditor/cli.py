"""Command line: parse, call the API, pick a renderer, set the exit code.

Exit codes: 0 success, 1 a finding at or above ``--fail-on`` exists, 2 usage or input
error (one line on stderr, never a traceback). Only the standard library is imported
at start-up so that ``auditor --help`` answers at once.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

EPILOG_AUDIT = """examples:
  auditor audit examples/blinken-2023-06/
  auditor audit a.txt b.html --json reports/run.json --html
  auditor audit draft.txt --source original_es.txt --lang en
  auditor audit sents_en.txt sents_es.txt --segmented --json -
  cat article.html | auditor audit -
"""

EPILOG_COMPARE = """examples:
  auditor compare source_es.txt reprint_en.txt
  auditor compare wire.html copy1.txt copy2.txt --json -
  auditor compare --pairs pairs.tsv --json results.json
"""

DEFAULT_REPORT_DIR = "reports"


class UsageError(Exception):
    """A problem with the command line or the inputs, reported in one line (exit 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse prints usage + exits 2; keep one line
        raise UsageError(message)


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", metavar="CODE",
                   help="language of the articles under audit (skip detection), e.g. en, es; a declared "
                   "source (--source, compare's SOURCE) keeps its own")
    p.add_argument("--segmented", action="store_true",
                   help="inputs are already split, one sentence per line (alignment indices are line numbers)")
    p.add_argument("--json", nargs="?", const="", metavar="FILE|-",
                   help="write the JSON report to FILE, '-' for stdout, or reports/ when no value is given")
    p.add_argument("--html", nargs="?", const="", metavar="FILE",
                   help="write a self-contained HTML report (reports/ when no value is given)")
    p.add_argument("--fail-on", choices=("minor", "major", "critical"),
                   help="exit 1 when a finding of this severity or worse exists")
    p.add_argument("--encoder", default="auto", choices=("auto", "use", "e5", "hashing"),
                   help="sentence encoder for cross-language linking and alignment (default: auto)")
    p.add_argument("--disable", action="append", default=[], metavar="DETECTOR",
                   help=f"skip a detector (repeatable): {', '.join(detector_names())} (qe skips quality estimation)")
    p.add_argument("--glossary", action="append", default=[], metavar="FILE",
                   help="extra glossary (CSV or TBX), repeatable")
    p.add_argument("--max-pairs", type=int, default=12, metavar="N",
                   help="alignment rows shown per reprint in the terminal (weakest first)")
    p.add_argument("--qe-model", metavar="PATH", help="a local QE checkpoint directory instead of the built-in model")
    p.add_argument("--no-qe", action="store_true", help="skip quality estimation")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="terminal report lists every finding, full source wording and detector evidence")
    p.add_argument("--max-findings", type=int, default=10, metavar="N",
                   help="findings shown per article in the terminal (major and critical always shown)")
    p.add_argument("-q", "--quiet", action="store_true", help="no terminal report")


def detector_names() -> tuple[str, ...]:
    """What ``--disable`` accepts: the pipeline's detectors, and ``qe``."""
    from .pipeline import DETECTORS

    return (*DETECTORS, "qe")


def check_detectors(names, usage_error: type[Exception]) -> None:
    """An unknown ``--disable`` name is a usage error (it used to be ignored: the detector ran)."""
    import difflib

    known = detector_names()
    for name in names:
        if name not in known:
            close = difflib.get_close_matches(name.lower(), known, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise usage_error(f"--disable: unknown detector {name!r}{hint}; known: {', '.join(known)}")


def checked_lang(code: str | None, usage_error: type[Exception]) -> str | None:
    """``--lang`` as an ISO 639-1 code (None when not given). An unknown code is a usage
    error, never ignored: a wrong language silently changes every score downstream."""
    if code is None:
        return None
    from .text.langid import normalize_lang

    try:
        return normalize_lang(code)
    except ValueError as exc:
        raise usage_error(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = _Parser(
        prog="auditor",
        description="Find which news articles are copies or translations of which, align them, "
        "score them, and report likely translation errors.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Run 'auditor COMMAND --help' for the options of a command.\n\n" + EPILOG_AUDIT,
    )
    parser.add_argument("--version", action="version", version=f"auditor {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    pa = sub.add_parser("audit", help="audit a set of articles (files, directories, JSONL, '-')",
                        description="Audit a set of articles: link, align, score, check, judge.",
                        epilog=EPILOG_AUDIT, formatter_class=argparse.RawDescriptionHelpFormatter)
    pa.add_argument("paths", nargs="+", metavar="PATH")
    pa.add_argument("--source", metavar="PATH", help="use this article as the source of every other one")
    pa.add_argument("--no-link", action="store_true",
                    help="judge each article alone (text-only checks and verdict)")
    _add_common(pa)

    pc = sub.add_parser("compare", help="audit one reprint (or several) against a given source",
                        description="Compare reprints with a source you name.",
                        epilog=EPILOG_COMPARE, formatter_class=argparse.RawDescriptionHelpFormatter)
    pc.add_argument("source", nargs="?", metavar="SOURCE")
    pc.add_argument("reprints", nargs="*", metavar="REPRINT")
    pc.add_argument("--pairs", metavar="PAIRS.tsv",
                    help="one 'source_path<TAB>reprint_path' per line, all judged in one process")
    _add_common(pc)

    from .cli_check import add_check_parser
    from .cli_qe import add_qe_parser

    add_check_parser(sub, _Parser, argparse.RawDescriptionHelpFormatter)
    add_qe_parser(sub, _Parser, argparse.RawDescriptionHelpFormatter)
    try:
        from .batch.cli import add_batch_parser
    except ImportError:  # batch support not installed in this build
        pass
    else:
        add_batch_parser(sub)
    return parser


def validate_glossaries(paths, usage_error: type[Exception]) -> None:
    """Read every user glossary once up front so a bad file is a one-line usage error."""
    if not paths:
        return
    from .glossary import GlossaryError, load_glossary

    for g in paths:
        if not Path(g).is_file():
            raise usage_error(f"glossary not found: {g}")
        try:
            load_glossary(g)
        except GlossaryError as exc:
            raise usage_error(str(exc)) from None


def validate_qe_model(path: str | None, usage_error: type[Exception]) -> None:
    """Load a user's QE checkpoint up front (once: the pipeline reuses the loaded model)
    so that a missing or malformed one is a one-line usage error."""
    if not path:
        return
    from .pipeline import AuditConfig, qe_model
    from .qe import QEModelError

    try:
        qe_model(AuditConfig(qe_model=path))
    except QEModelError as exc:
        raise usage_error(str(exc)) from None


def print_warnings(result) -> None:
    """One stderr line per article read in a degraded way (the HTML fallback extractor ran)."""
    for dr in result.documents:
        doc = dr.doc.document
        if doc.warning:
            print(f"auditor: warning: {doc.path}: {doc.warning}", file=sys.stderr)
        if dr.link is not None and dr.link.mismatch:
            print(f"auditor: warning: {doc.path}: {dr.link.mismatch}; nothing was checked against it", file=sys.stderr)


def _report_path(value: str, suffix: str, stem: str) -> str:
    if value:
        return value
    Path(DEFAULT_REPORT_DIR).mkdir(parents=True, exist_ok=True)
    return str(Path(DEFAULT_REPORT_DIR) / f"{stem}{suffix}")


def _read_pairs(path: str) -> list[tuple[str, str]]:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    pairs = []
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 2 or not all(c.strip() for c in cols):
            raise UsageError(f"{path}:{n}: expected 'source_path<TAB>reprint_path'")
        pairs.append((cols[0].strip(), cols[1].strip()))
    if not pairs:
        raise UsageError(f"{path}: no pairs")
    return pairs


def _config(args: argparse.Namespace):
    from .pipeline import AuditConfig

    return AuditConfig(
        lang=checked_lang(args.lang, UsageError),
        source=getattr(args, "source_path", None),
        segmented=args.segmented,
        encoder=args.encoder,
        link=not getattr(args, "no_link", False),
        disabled=tuple(d for d in args.disable if d != "qe"),
        glossaries=tuple(args.glossary),
        qe_model=args.qe_model,
        qe=not args.no_qe and "qe" not in args.disable,
    )


def _run(args: argparse.Namespace) -> int:
    if args.command == "check":
        from .cli_check import run_check

        return run_check(args, UsageError)
    if args.command == "qe":
        from .cli_qe import run_qe

        return run_qe(args, UsageError)
    if args.command == "batch":
        from .batch.cli import run_batch

        return run_batch(args)
    check_detectors(args.disable, UsageError)
    validate_glossaries(args.glossary, UsageError)
    validate_qe_model(args.qe_model, UsageError)
    from . import pipeline

    if args.command == "audit":
        args.source_path = args.source
        config = _config(args)
        stdin = sys.stdin.buffer if "-" in args.paths else None
        with _progress(args) as progress:
            result = pipeline.audit(args.paths, config, stdin=stdin, progress=progress)
        stem = "audit"
    else:
        args.source_path = None
        config = _config(args)
        if args.pairs:
            if args.source:
                raise UsageError("give either SOURCE REPRINT... or --pairs, not both")
            with _progress(args) as progress:
                result = pipeline.compare_pairs(_read_pairs(args.pairs), config, progress=progress)
        else:
            if not args.source or not args.reprints:
                raise UsageError("compare needs SOURCE and at least one REPRINT (or --pairs FILE)")
            if args.source in args.reprints:
                raise UsageError(f"{args.source} is given as both the source and a reprint")
            inputs = [args.source, *args.reprints]
            if inputs.count("-") > 1:
                raise UsageError("standard input ('-') can be read only once")
            stdin = sys.stdin.buffer if "-" in inputs else None
            with _progress(args) as progress:
                result = pipeline.compare_pairs([(args.source, r) for r in args.reprints], config,
                                                progress=progress, stdin=stdin)
        stem = "compare"

    if not result.documents:
        reasons = "; ".join(f"{e.path}: {e.reason}" for e in result.errors) or "no input"
        raise UsageError(f"no article could be read ({reasons})")
    if args.source and not getattr(args, "pairs", None):
        bad = next((e for e in result.errors if e.path == args.source), None)
        if bad is not None:  # every other article was to be judged against it
            raise UsageError(f"cannot read the source {args.source}: {bad.reason}")
    print_warnings(result)

    json_to_stdout = args.json == "-"
    if args.json is not None:
        from .report.json import write_json

        dest = "-" if json_to_stdout else _report_path(args.json, ".json", stem)
        write_json(result, sys.stdout if json_to_stdout else dest)
        if not json_to_stdout:
            print(f"JSON report written to {dest}", file=sys.stderr)
    if args.html is not None:
        from .report.html import write_html

        dest = _report_path(args.html, ".html", stem)
        write_html(result, dest)
        print(f"HTML report written to {dest}", file=sys.stderr)
    if not args.quiet and not json_to_stdout:
        from rich.console import Console

        from .report.terminal import render_terminal

        render_terminal(result, Console(), max_pairs=args.max_pairs, verbose=args.verbose,
                        max_findings=None if args.verbose else args.max_findings)

    if args.fail_on:
        from .types import severity_rank

        bar = severity_rank(args.fail_on)
        if any(severity_rank(f.severity) >= bar for d in result.documents for f in d.findings):
            return 1
    return 0


class _progress:
    """A transient rich progress bar on stderr when it is a terminal; silent otherwise."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.enabled = sys.stderr.isatty() and not args.quiet
        self._progress = None
        self._tasks: dict[str, int] = {}

    def __enter__(self):
        if not self.enabled:
            return None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                  TimeElapsedColumn(), console=Console(stderr=True), transient=True)
        self._progress.start()
        return self._update

    def _update(self, stage: str, done: int, total: int) -> None:
        assert self._progress is not None
        if stage not in self._tasks:
            self._tasks[stage] = self._progress.add_task(stage, total=total)
        self._progress.update(self._tasks[stage], completed=done, total=total)

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._progress.stop()


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(sys.argv[1:] if argv is None else argv)
        if args.command is None:
            parser.print_help()
            return 2
        return _run(args)
    except UsageError as exc:
        print(f"auditor: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("auditor: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0
    except OSError as exc:  # a report or output path that cannot be written, a full disk
        what = f"{exc.filename}: {exc.strerror}" if exc.filename and exc.strerror else str(exc)
        print(f"auditor: error: {what}", file=sys.stderr)
        return 2
