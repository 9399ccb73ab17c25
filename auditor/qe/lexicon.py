"""Alignment-count translation lexicons and unigram tables, learned from MLQE-PE train.

Why counts and not IBM-1 EM: MLQE-PE ships word alignments for every train
segment, so ``p(t|s) = c(s,t) / c(s)`` is a maximum-likelihood estimate for free
and needs no iterations. Only pairs seen at least ``min_count`` times are kept (and
at most ``top_k`` per source word), which keeps the shipped table to a few MB.
"""

from __future__ import annotations

import gzip
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Lexicon:
    """Counts for one language pair: links ``c(s,t)``, link marginals, and unigrams."""

    pair: str
    links: dict[str, dict[str, int]] = field(default_factory=dict)  # s -> {t: c}
    rev: dict[str, dict[str, int]] = field(default_factory=dict)  # t -> {s: c}
    src_links: Counter = field(default_factory=Counter)  # c(s) over links
    tgt_links: Counter = field(default_factory=Counter)  # c(t) over links
    src_uni: Counter = field(default_factory=Counter)
    tgt_uni: Counter = field(default_factory=Counter)

    def p_t_given_s(self, s: str, t: str) -> float:
        c = self.links.get(s, {}).get(t, 0)
        return c / self.src_links[s] if c else 0.0

    def p_s_given_t(self, s: str, t: str) -> float:
        c = self.rev.get(t, {}).get(s, 0)
        return c / self.tgt_links[t] if c else 0.0

    def tgt_logfreq(self, t: str) -> float:
        """log(1 + count) of a target word in the train corpus, scaled to about [0, 1]."""
        return math.log1p(self.tgt_uni.get(t, 0)) / 10.0

    def src_logfreq(self, s: str) -> float:
        return math.log1p(self.src_uni.get(s, 0)) / 10.0

    def prune(self, min_count: int = 2, top_k: int = 30, min_uni: int = 2) -> None:
        """Drop rare links and unigrams (marginals are kept from the full counts)."""
        kept: dict[str, dict[str, int]] = {}
        for s, ts in self.links.items():
            best = sorted(((c, t) for t, c in ts.items() if c >= min_count), reverse=True)[:top_k]
            if best:
                kept[s] = {t: c for c, t in best}
        self.links = kept
        self.rev = defaultdict(dict)
        for s, ts in kept.items():
            for t, c in ts.items():
                self.rev[t][s] = c
        self.rev = dict(self.rev)
        self.src_uni = Counter({w: c for w, c in self.src_uni.items() if c >= min_uni})
        self.tgt_uni = Counter({w: c for w, c in self.tgt_uni.items() if c >= min_uni})
        self.src_links = Counter({w: c for w, c in self.src_links.items() if w in kept})
        self.tgt_links = Counter({w: c for w, c in self.tgt_links.items() if w in self.rev})

    # --- persistence: one gzipped TSV per pair, lines "L s t c" / "S w c" / "T w c" / "A w c" / "B w c"
    def save(self, path: Path) -> None:
        with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as f:
            for s, ts in self.links.items():
                for t, c in ts.items():
                    f.write(f"L\t{s}\t{t}\t{c}\n")
            for tag, table in (("S", self.src_uni), ("T", self.tgt_uni), ("A", self.src_links), ("B", self.tgt_links)):
                for w, c in table.items():
                    f.write(f"{tag}\t{w}\t{c}\n")

    @classmethod
    def load(cls, pair: str, path: Path) -> "Lexicon":
        lex = cls(pair)
        rev: dict[str, dict[str, int]] = defaultdict(dict)
        tables = {"S": lex.src_uni, "T": lex.tgt_uni, "A": lex.src_links, "B": lex.tgt_links}
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if parts[0] == "L" and len(parts) == 4:
                    c = int(parts[3])
                    lex.links.setdefault(parts[1], {})[parts[2]] = c
                    rev[parts[2]][parts[1]] = c
                elif parts[0] in tables and len(parts) == 3:
                    tables[parts[0]][parts[1]] = int(parts[2])
                else:
                    raise ValueError(f"malformed lexicon line in {path}: {line[:60]!r}")
        lex.rev = dict(rev)
        return lex


def build_lexicon(
    pair: str,
    examples: Iterable[tuple[list[str], list[str], list[tuple[int, int]]]],
    extra_target: Iterable[list[str]] = (),
) -> Lexicon:
    """Count links from ``(src_keys, tgt_keys, links)`` triples (links as (i, j) indices)."""
    lex = Lexicon(pair)
    links: dict[str, Counter] = defaultdict(Counter)
    for src, tgt, al in examples:
        lex.src_uni.update(src)
        lex.tgt_uni.update(tgt)
        for i, j in al:
            if i < len(src) and j < len(tgt):
                links[src[i]][tgt[j]] += 1
                lex.src_links[src[i]] += 1
                lex.tgt_links[tgt[j]] += 1
    for toks in extra_target:
        lex.tgt_uni.update(toks)
    lex.links = {s: dict(c) for s, c in links.items()}
    return lex
