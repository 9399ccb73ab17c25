"""``auditor check``: the pre-publication gate for editors, pre-commit hooks and CI.

A check audits drafts (with their source when one is given, text-only otherwise),
applies the gate configuration (``[tool.auditor]`` in pyproject.toml or auditor.toml:
fail-on severity, QE and machine-translation thresholds, glossaries, disabled
detectors, accepted findings) and prints one of four formats. Exit codes: 0 passes,
1 fails the gate, 2 usage or input error. Nothing here opens a network connection.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EPILOG_CHECK = """examples:
  auditor check draft.txt
  auditor check draft_en.txt --source original_es.txt --fail-on major
  auditor check drafts/*.txt --format sarif > auditor.sarif
  auditor check story.html --format junit --output reports/check.xml
  auditor check draft.txt --config auditor.toml --glossary house-terms.csv
  cat draft.txt | auditor check - --source original_es.txt

exit codes: 0 the gate passes, 1 it fails, 2 usage or input error
"""

FORMATS = ("text", "json", "sarif", "junit")


def add_check_parser(sub, parser_class, formatter) -> None:
    pk = sub.add_parser("check", help="pre-publication gate: check drafts, exit 1 when they fail",
                        description="Check drafts before publication (with their source when given).",
                        epilog=EPILOG_CHECK, formatter_class=formatter)
    pk.add_argument("drafts", nargs="+", metavar="DRAFT", help="draft files or directories; '-' reads standard input")
    pk.add_argument("--source", metavar="SRC", help="the source the drafts translate or copy")
    pk.add_argument("--glossary", action="append", default=[], metavar="FILE",
                    help="glossary (CSV or TBX), repeatable; adds to the configured ones")
    pk.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    pk.add_argument("--output", "-o", metavar="FILE", help="write the output to FILE instead of stdout")
    pk.add_argument("--fail-on", choices=("minor", "major", "critical"),
                    help="fail on a finding of this severity or worse (default: config, else major)")
    pk.add_argument("--config", metavar="FILE", help="auditor.toml or pyproject.toml with [tool.auditor]")
    pk.add_argument("--lang", metavar="CODE", help="language of the drafts (skip detection)")
    from .cli import detector_names

    pk.add_argument("--disable", action="append", default=[], metavar="DETECTOR",
                    help=f"skip a detector (repeatable): {', '.join(detector_names())}")
    pk.add_argument("--qe-model", metavar="PATH", help="a local QE checkpoint directory instead of the built-in model")
    pk.add_argument("--encoder", default="auto", choices=("auto", "use", "e5", "hashing"), help=argparse.SUPPRESS)


def run_check(args: argparse.Namespace, usage_error: type[Exception]) -> int:
    from .gate import ConfigError, evaluate, exit_code, load_config, merge_cli

    try:
        config = load_config(Path(args.config) if args.config else None, cwd=Path.cwd())
        config = merge_cli(config, fail_on=args.fail_on, glossaries=tuple(Path(g) for g in args.glossary),
                           disable=tuple(args.disable))
    except ConfigError as exc:
        raise usage_error(str(exc)) from None
    from .cli import validate_glossaries, validate_qe_model

    validate_glossaries([str(g) for g in config.glossaries], usage_error)
    validate_qe_model(args.qe_model, usage_error)

    from . import pipeline

    from .cli import checked_lang

    audit_config = pipeline.AuditConfig(
        lang=checked_lang(args.lang, usage_error),  # an empty --lang is an error, as in audit
        encoder=args.encoder,
        link=args.source is not None,
        disabled=tuple(d for d in config.disable if d != "qe"),
        glossaries=tuple(str(g) for g in config.glossaries),
        qe_model=args.qe_model,
        qe="qe" not in config.disable,
    )
    inputs = [*args.drafts, *([args.source] if args.source else [])]
    if inputs.count("-") > 1:
        raise usage_error("standard input ('-') can be read only once")
    stdin = sys.stdin.buffer if "-" in inputs else None
    if args.source:
        if args.source in args.drafts:
            raise usage_error("the source is also given as a draft")
        result = pipeline.compare_pairs([(args.source, d) for d in args.drafts], audit_config, stdin=stdin)
        if any(e.path == args.source for e in result.errors):
            reason = next(e.reason for e in result.errors if e.path == args.source)
            raise usage_error(f"cannot read the source {args.source}: {reason}")
        # The source is context, not a draft under check.
        from dataclasses import replace

        src_paths = {args.source}
        result = replace(result, documents=tuple(d for d in result.documents if d.doc.document.path not in src_paths),
                         context=tuple(d for d in result.documents if d.doc.document.path in src_paths))
    else:
        result = pipeline.audit(args.drafts, audit_config, stdin=stdin)
    if not result.documents:
        reasons = "; ".join(f"{e.path}: {e.reason}" for e in result.errors) or "no input"
        raise usage_error(f"no draft could be read ({reasons})")

    from .cli import print_warnings

    print_warnings(result)
    outcome = evaluate(result, config)
    text = _render(args.format, result, outcome, with_source=args.source is not None, to_file=bool(args.output))
    if args.output:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"{outcome_line(outcome)} ({args.format} report written to {args.output})")
    elif text:
        sys.stdout.write(text)
    return exit_code(result, outcome)


def _render(fmt: str, result, outcome, *, with_source: bool, to_file: bool = False) -> str:
    import json

    if fmt == "json":
        from .report.json import to_json

        data = to_json(result)
        data["gate"] = {
            "passed": outcome.passed,
            "mode": "with_source" if with_source else "text_only",
            "reasons": list(outcome.reasons),
            "accepted": [{"id": f.id, "reason": why} for _, f, why in outcome.accepted],
            "warnings": list(getattr(outcome, "warnings", [])),
            "notes": list(outcome.notes),
            "not_checked": [
                {"id": doc_id, "check": check, "reason": why}
                for doc_id, items in outcome.not_checked.items()
                for check, why in items
            ],
        }
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    if fmt == "sarif":
        from .gate import render_sarif

        return render_sarif(result, outcome, root=Path.cwd())
    if fmt == "junit":
        from .gate import to_junit

        return to_junit(result, outcome, root=Path.cwd())
    return _render_text(result, outcome, with_source=with_source, to_file=to_file)


def _render_text(result, outcome, *, with_source: bool, to_file: bool = False) -> str:
    import io

    from rich.console import Console
    from rich.text import Text

    from .report.terminal import render_terminal

    buf = io.StringIO()
    tty = sys.stdout.isatty() and not to_file  # a file gets plain text, never escape codes
    console = Console(file=buf, force_terminal=tty, width=None if tty else 110, no_color=not tty)
    render_terminal(result, console, max_pairs=8)
    mode = ("checked against the source" if with_source
            else "text-only: no source given, so only text-only checks and the text-only verdict ran")
    if with_source and any(d.link is not None and d.link.mismatch for d in result.documents):
        mode = ("text-only: the declared source does not match the draft, so only text-only checks "
                "and the text-only verdict ran")
    console.print(Text(f"Mode: {mode}.", style="dim"))
    for _, f, why in outcome.accepted:
        console.print(Text(f"accepted {f.id} ({f.category}, {f.text!r}): {why}", style="dim"))
    for w in getattr(outcome, "warnings", []):
        console.print(Text(f"warning: {w}", style="yellow"))
    verdict, rest = outcome_line(outcome).split(" ", 1)
    # one unbroken line, so a CI log or a grep sees the whole outcome
    console.print(Text(verdict, style="bold green" if outcome.passed else "bold red"), Text(rest), soft_wrap=True)
    return buf.getvalue()


def outcome_line(outcome) -> str:
    """``PASS …`` or ``FAIL <reasons>``: the one line a terminal, hook or CI log must show."""
    notes = "".join(f"; {n}" for n in getattr(outcome, "notes", []))
    if outcome.passed:
        return "PASS the draft meets the gate" + notes
    return "FAIL " + "; ".join(outcome.reasons) + notes
