"""The terminal summary printed at the end of ``auditor batch`` (rich, on stdout)."""

from __future__ import annotations

import sqlite3
from typing import Any

from ..text.wording import count


def site_rows(db_path: str, limit: int = 10) -> list[tuple[Any, ...]]:
    """(site, articles, errors, machine-translated, findings) for the biggest sites."""
    with sqlite3.connect(db_path) as db:
        return db.execute(
            "SELECT COALESCE(site, '(unknown)'), COUNT(*), SUM(status='error'), "
            "SUM(verdict='machine_translation'), SUM(n_findings) FROM articles "
            "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?", (limit,)).fetchall()


def summary_line(summary) -> str:
    """The run in one line (rich markup): counts with their nouns in the right number."""
    return (
        f"[bold]{summary.articles}[/] {'article' if summary.articles == 1 else 'articles'} "
        f"({summary.audited} audited, {count(summary.errors, 'error')}; "
        f"{summary.resumed} already stored, {summary.new} new) in {summary.seconds:.1f} s "
        f"({summary.rate:.1f} articles/s); {count(summary.clusters, 'cluster')}, {summary.multi_clusters} with "
        f"several articles; {summary.machine_translated} judged machine-translated")


def fallback_line(summary) -> str | None:
    """How many pages the built-in fallback HTML extractor read, and why, or None if none.

    Their text may keep tickers, bylines and navigation, so the run says so, not only
    the per-article warnings in report.html and results.jsonl.
    """
    if not summary.fallback:
        return None
    why = f" ({summary.fallback_warning.rstrip('.')})" if summary.fallback_warning else ""
    return (f"{count(summary.fallback, 'page')} used the fallback HTML extractor, not trafilatura{why}. "
            f"Each is marked in report.html and results.jsonl.")


def print_summary(summary, db_path: str, report_path: str | None) -> None:
    """Counts, rate, error reasons and the top sites."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    console.print(summary_line(summary))
    fallback = fallback_line(summary)
    if fallback:
        console.print(f"[bold yellow]Warning:[/] {escape(fallback)}")
    if summary.error_reasons:
        t = Table(title="errors", show_edge=False)
        t.add_column("reason", overflow="fold")
        t.add_column("articles", justify="right")
        for reason, n in list(summary.error_reasons.items())[:10]:
            t.add_row(escape(str(reason)), str(n))
        console.print(t)
    rows = site_rows(db_path)
    if rows:
        t = Table(title="sites", show_edge=False)
        for col in ("site", "articles", "errors", "MT", "findings"):
            t.add_column(col, justify="left" if col == "site" else "right")
        for site, n, err, mt, fnd in rows:
            t.add_row(escape(str(site)), str(n), str(err or 0), str(mt or 0), str(fnd or 0))
        console.print(t)
    console.print(escape(f"store: {db_path}" + (f"\nreport: {report_path}" if report_path else "")))
