"""Expand the paths a user gave into the files to read, deterministically.

Directories are walked recursively in sorted order and only article-like extensions are
picked (a stray .png in a folder is not an error); a file named explicitly is always
tried, whatever its extension, because the user asked for it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass

__all__ = ["ARTICLE_SUFFIXES", "Item", "discover", "kind_of", "stem_of", "walk"]

ARTICLE_SUFFIXES: tuple[str, ...] = (
    ".jsonl.gz", ".json.gz", ".txt", ".text", ".md", ".html", ".htm", ".xhtml", ".jsonl", ".json",
)


@dataclass(frozen=True)
class Item:
    """One thing to read: a file, stdin, or an error found while walking."""

    path: str
    kind: str  # "file" | "stdin" | "error"
    reason: str = ""


def kind_of(path: str) -> str:
    """"text", "html", "jsonl" or "unknown" (sniffed later) from the file name."""
    p = path.lower()
    if p.endswith((".jsonl", ".jsonl.gz", ".json", ".json.gz")):
        return "jsonl"
    if p.endswith((".html", ".htm", ".xhtml")):
        return "html"
    if p.endswith((".txt", ".text", ".md")):
        return "text"
    return "unknown"


def stem_of(path: str) -> str:
    """File name without its article suffix ("a/b/000_x.txt" -> "000_x")."""
    name = os.path.basename(path.rstrip("/\\")) or path
    low = name.lower()
    for suf in ARTICLE_SUFFIXES + (".gz",):
        if low.endswith(suf) and len(name) > len(suf):
            return name[: -len(suf)]
    root, _ = os.path.splitext(name)
    return root or name


def _is_article(path: str) -> bool:
    return path.lower().endswith(ARTICLE_SUFFIXES)


def walk(top: str, keep: Callable[[str], bool] = _is_article) -> Iterator[str]:
    """Files under a directory that ``keep`` accepts (default: article files), sorted by
    name, depth first, hidden entries skipped; an unreadable folder yields nothing."""
    entries: list[os.DirEntry[str]]
    try:
        with os.scandir(top) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError:
        return
    for e in entries:
        if e.name.startswith("."):
            continue
        try:
            if e.is_dir(follow_symlinks=False):
                yield from walk(e.path, keep)
            elif e.is_file() and keep(e.path):
                yield e.path
        except OSError:
            continue


def discover(paths: list[str]) -> Iterator[Item]:
    """Files (in the order given, directories expanded), stdin, or errors for bad paths."""
    for p in paths:
        if p == "-":
            yield Item(p, "stdin")
            continue
        if os.path.isdir(p):
            if not os.access(p, os.R_OK | os.X_OK):
                yield Item(p, "error", "permission denied")
                continue
            found = False
            for f in walk(p):
                found = True
                yield Item(f, "file")
            if not found:
                yield Item(p, "error", "no articles found in directory")
        elif os.path.exists(p):
            yield Item(p, "file")
        else:
            yield Item(p, "error", "no such file or directory")
