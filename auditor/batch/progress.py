"""A rich progress bar for ``auditor batch`` (pages read, then articles audited, rate, ETA).

Kept out of the runner: library code never prints; the runner calls
``progress(phase, done, total)`` and this class draws it on stderr.
"""

from __future__ import annotations

from typing import Any


class RichProgress:
    """Context manager whose ``update(phase, done, total)`` feeds two rich tasks."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                                   TimeElapsedColumn, TimeRemainingColumn)

        self._progress = Progress(
            TextColumn("{task.description:<8}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]:>7} art/s"), TimeElapsedColumn(), TextColumn("ETA"),
            TimeRemainingColumn(), console=Console(stderr=True), transient=False,
        )
        self._tasks: dict[str, Any] = {}

    def __enter__(self) -> "RichProgress":
        self._progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.__exit__(*exc)

    def update(self, phase: str, done: int, total: int | None) -> None:
        label = {"read": "read", "audit": "audit"}.get(phase, phase)
        task = self._tasks.get(phase)
        if task is None:
            task = self._progress.add_task(label, total=total, rate="")
            self._tasks[phase] = task
        t = self._progress.tasks[[x.id for x in self._progress.tasks].index(task)]
        rate = f"{done / t.elapsed:.1f}" if t.elapsed else ""
        self._progress.update(task, completed=done, total=total, rate=rate)
