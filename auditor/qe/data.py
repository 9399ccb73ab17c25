"""Reading MLQE-PE (direct assessments + post-editing) from its release tarballs.

Tarballs are extracted into a cache directory outside the repo (once). The word
tags file interleaves gap tags and word tags (``2n + 1`` tags for ``n`` MT words:
gap, word, gap, ..., word, gap); only the word tags (odd positions) are used.
"""

from __future__ import annotations

import csv
import tarfile
from dataclasses import dataclass
from pathlib import Path

PAIRS: tuple[str, ...] = ("en-de", "en-zh", "et-en", "ne-en", "ro-en", "ru-en", "si-en")


@dataclass(frozen=True)
class DASegment:
    source: str
    translation: str
    z_mean: float


@dataclass(frozen=True)
class PESegment:
    src_tokens: list[str]
    mt_tokens: list[str]
    mt_bad: list[bool]  # one per MT token (word tags only)
    links: list[tuple[int, int]]  # (src index, mt index)


def extract(data_dir: Path, cache_dir: Path) -> Path:
    """Extract every ``*.tar.gz`` of ``data_dir`` under ``cache_dir/mlqe-pe`` (skipping word-probas)."""
    root = cache_dir / "mlqe-pe"
    for tgz in sorted(Path(data_dir).glob("*/*/*.tar.gz")):
        kind, split = tgz.parent.parent.name, tgz.parent.name
        dest = root / kind / split
        name = tgz.name[: -len(".tar.gz")]
        if (dest / name).is_dir():
            continue
        dest.mkdir(parents=True, exist_ok=True)
        with tarfile.open(tgz) as tar:
            members = [m for m in tar.getmembers() if "word-probas" not in m.name and (m.isfile() or m.isdir())]
            tar.extractall(dest, members=members, filter="data")
    return root


def read_da(root: Path, pair: str, split: str) -> list[DASegment]:
    folder = root / "direct-assessments" / split / f"{pair}-{split}"
    tsv = next(folder.glob("*.tsv"))
    csv.field_size_limit(10**9)
    with open(tsv, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [DASegment(r["original"], r["translation"], float(r["z_mean"])) for r in rows]


def read_pe(root: Path, pair: str, split: str) -> list[PESegment]:
    folder = root / "post-editing" / split / f"{pair}-{split}"

    def lines(ext: str) -> list[str]:
        return (folder / f"{split}.{ext}").read_text(encoding="utf-8").split("\n")

    src, mt, tags, al = lines("src"), lines("mt"), lines("tags"), lines("src-mt.alignments")
    out = []
    for s, m, t, a in zip(src, mt, tags, al):
        mt_toks = m.split()
        if not mt_toks:
            continue
        tag_list = t.split()
        if len(tag_list) == 2 * len(mt_toks) + 1:
            word_tags = tag_list[1::2]
        elif len(tag_list) == len(mt_toks):
            word_tags = tag_list
        else:
            continue  # inconsistent line: skip rather than mislabel
        links = []
        for p in a.split():
            i, _, j = p.partition("-")
            if i.isdigit() and j.isdigit():
                links.append((int(i), int(j)))
        out.append(PESegment(s.split(), mt_toks, [w == "BAD" for w in word_tags], links))
    return out
