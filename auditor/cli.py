"""Command line (placeholder until the pipeline lands)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from . import __version__

    args = sys.argv[1:] if argv is None else argv
    if "--version" in args:
        print(f"auditor {__version__}")
        return 0
    print("usage: auditor audit PATH...", file=sys.stderr)
    return 2
