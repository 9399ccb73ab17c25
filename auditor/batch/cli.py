"""``auditor batch``: the subcommand's parser and entry point.

Only the standard library is imported at module level: the main CLI imports this
module at start-up and ``auditor --help`` must answer at once. Errors are one line on
stderr with exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys

EPILOG = """examples:
  auditor batch crawl.warc.gz --out runs/2023-06
  auditor batch pages/ feed.jsonl.gz --out runs/site --jobs 2
  auditor batch crawl.warc.gz --out runs/2023-06 --resume
  auditor batch crawl/*.warc.gz --out runs/big --engine dask --scheduler tcp://10.0.0.5:8786

writes DIR/audit.sqlite (one row per article, its findings, its errors),
DIR/results.jsonl (the same rows, appended as they are produced) and
DIR/report.html (site-level report).
"""


def add_batch_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``batch`` on the main CLI's subparsers object and return its parser."""
    p = subparsers.add_parser(
        "batch",
        help="audit a whole crawl (directories, JSONL(.gz), WARC(.gz)) into a resumable store",
        description="Stream every page of the inputs, cluster copies and translations across the "
        "whole batch, audit each cluster in parallel and store the results as they come.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="directories of .html/.txt, .jsonl/.jsonl.gz files, .warc/.warc.gz archives")
    p.add_argument("--out", required=True, metavar="DIR", help="output directory (audit.sqlite, results.jsonl, report.html)")
    p.add_argument("--jobs", "-j", type=int, default=1, metavar="N", help="parallel worker processes (default 1)")
    p.add_argument("--resume", action="store_true", help="continue an interrupted run in DIR; nothing stored is redone")
    p.add_argument("--engine", choices=("local", "dask"), default="local", help="local processes or a Dask cluster")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="Dask scheduler address (with --engine dask; default: a local cluster of --jobs workers)")
    p.add_argument("--lang", metavar="CODE", help="language of every page (skip detection)")
    p.add_argument("--encoder", default="use", choices=("use", "e5", "hashing"),
                   help="sentence encoder for clustering and cross-language audits (default: use)")
    p.add_argument("--no-qe", action="store_true", help="skip quality estimation")
    p.add_argument("--qe-model", default="builtin-v1", metavar="NAME|PATH",
                   help="QE model: builtin-v1 (default; fast, the 7 MLQE-PE pairs), builtin-v2 (every pair of "
                        "~94 languages, with source-side spans; about a fifth of the throughput) or a checkpoint")
    from ..cli import detector_names

    p.add_argument("--disable", action="append", default=[], metavar="DETECTOR",
                   help=f"skip a detector (repeatable): {', '.join(detector_names())} (qe skips quality estimation)")
    p.add_argument("--max-page-mb", type=float, default=5.0, metavar="MB",
                   help="pages larger than this are error rows (default 5)")
    p.add_argument("--max-cluster", type=int, default=8, metavar="N", help="largest cluster audited together (default 8)")
    p.add_argument("--no-report", action="store_true", help="do not write DIR/report.html")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("-q", "--quiet", action="store_true", help="no terminal summary")
    return p


def _err(message: str) -> int:
    print(f"auditor batch: error: {message}", file=sys.stderr)
    return 2


def run_batch(args: argparse.Namespace) -> int:
    """Run ``auditor batch`` from parsed arguments; 0 ok, 2 usage or input error."""
    if args.jobs < 1:
        return _err("--jobs must be at least 1")
    if args.scheduler and args.engine != "dask":
        return _err("--scheduler needs --engine dask")
    if args.max_page_mb <= 0 or args.max_cluster < 1:
        return _err("--max-page-mb and --max-cluster must be positive")
    missing = [p for p in args.inputs if not os.path.exists(p)]
    if missing:
        return _err(f"no such file or directory: {missing[0]}")
    if os.path.exists(args.out) and not os.path.isdir(args.out):
        return _err(f"--out {args.out} is not a directory")
    from ..cli import check_detectors, checked_lang

    try:  # the same checks, and the same messages, as audit's --lang and --disable
        lang = checked_lang(args.lang, ValueError)
        check_detectors(args.disable, ValueError)
    except ValueError as exc:
        return _err(str(exc))
    if args.engine == "dask":
        try:
            import distributed  # noqa: F401
        except ImportError:
            return _err("--engine dask needs the 'dask[distributed]' package")

    from .cluster import ClusterConfig
    from .runner import BatchConfig, run_batch_audit
    from .store import StoreExists

    config = BatchConfig(
        jobs=args.jobs, engine=args.engine, scheduler=args.scheduler, resume=args.resume, lang=lang,
        encoder=args.encoder, qe=not args.no_qe and "qe" not in args.disable, qe_model=args.qe_model,
        disabled=tuple(d for d in args.disable if d != "qe"),
        max_page_bytes=int(args.max_page_mb * 1024 * 1024), cluster=ClusterConfig(max_cluster=args.max_cluster),
    )
    show_progress = not (args.no_progress or args.quiet) and sys.stderr.isatty()
    try:
        if show_progress:
            from .progress import RichProgress

            with RichProgress() as bar:
                summary = run_batch_audit(args.inputs, args.out, config, progress=bar.update)
        else:
            summary = run_batch_audit(args.inputs, args.out, config)
    except StoreExists as exc:
        return _err(str(exc))
    except KeyboardInterrupt:
        print("auditor batch: interrupted; run again with --resume to continue", file=sys.stderr)
        return 130
    except (OSError, ValueError) as exc:
        return _err(str(exc))
    report_path = None
    if not args.no_report:
        from .site_report import write_site_report

        report_path = write_site_report(os.path.join(args.out, "audit.sqlite"), os.path.join(args.out, "report.html"))
    if not args.quiet:
        from .summary import print_summary

        print_summary(summary, os.path.join(args.out, "audit.sqlite"), report_path)
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m auditor.batch``: the subcommand on its own (tests, cluster jobs)."""
    parser = argparse.ArgumentParser(prog="auditor")
    sub = parser.add_subparsers(dest="command", required=True)
    add_batch_parser(sub)
    args = parser.parse_args(["batch", *(sys.argv[1:] if argv is None else argv)])
    return run_batch(args)
