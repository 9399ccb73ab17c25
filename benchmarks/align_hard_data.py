"""A sentence-alignment benchmark with natural many-to-many structure, built from NTREX-128.

NTREX is line-aligned (near 1-1), so every English document's translation is rewritten
the way editors and translators restructure text, with a fixed seed per document:

* merges: runs of 2, 3 or 4 translated sentences joined into one (gold 2-1, 3-1, 4-1),
  either plainly or with the inner full stops turned into semicolons;
* splits: a long sentence cut in two at a comma or a coordinating conjunction near its
  middle (gold 1-2); and merge-then-split, two sentences joined and cut again at a
  comma inside one of them (gold 2-2);
* drops: runs of 1-3 sentences (a paragraph) left out (gold 1-0 each);
* moves: a block of 2-3 translated beads moved at least three beads away (gold links
  kept, out of order);
* insertions: 1-2 sentences from another document in the same language (gold 0-1).

The target language of document k is es, fr, de, pt in turn (k mod 4). Documents whose
position k (file order of ``DOCUMENT_IDS.tsv``) is divisible by 3 form the development
split that thresholds were tuned on; the others are the held-out test split that the
README quotes.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from ntrex import load_ntrex

TARGETS = ("es", "fr", "de", "pt")
# Clause boundaries for splits: a comma, or a coordinating conjunction (kept at the start
# of the second sentence, capitalised).
CONJUNCTIONS = {
    "es": (" y ", " pero ", " aunque ", " mientras "),
    "fr": (" et ", " mais ", " alors que ", " tandis que "),
    "de": (" und ", " aber ", " während ", " doch "),
    "pt": (" e ", " mas ", " embora ", " enquanto "),
}

Bead = tuple[tuple[int, ...], tuple[int, ...]]


@dataclass(frozen=True)
class HardCase:
    doc_id: str
    source_lang: str
    target_lang: str
    source: tuple[str, ...]
    target: tuple[str, ...]
    gold: tuple[Bead, ...]
    split: str  # "dev" or "test"


def _split_point(text: str, lang: str) -> int | None:
    """Index where ``text`` may be cut into two clauses (between 30 % and 70 % of it)."""
    lo, hi = int(len(text) * 0.3), int(len(text) * 0.7)
    best = None
    for m in re.finditer(r", ", text):
        if lo <= m.start() <= hi and (best is None or abs(m.start() - len(text) / 2) < abs(best - len(text) / 2)):
            best = m.start()
    if best is not None:
        return best
    for conj in CONJUNCTIONS[lang]:
        pos = text.find(conj, lo, hi)
        if pos >= 0:
            return pos
    return None


def _cut(text: str, pos: int) -> tuple[str, str]:
    left = text[:pos].rstrip(" ,;") + "."
    right = text[pos:].lstrip(" ,;")
    return left, right[:1].upper() + right[1:]


def _join(parts: list[str], lang: str, rng: random.Random) -> str:
    if rng.random() < 0.5:
        return " ".join(parts)
    out = parts[0]
    for p in parts[1:]:
        if out.endswith("."):
            out = out[:-1] + ";"
        nxt = p if lang == "de" or not p[:1].isupper() or p[1:2].isupper() else p[:1].lower() + p[1:]
        out += " " + nxt
    return out


def perturb(src: list[str], ref: list[str], other: list[str], lang: str, rng: random.Random) -> tuple[list[str], list[Bead]]:
    """The rewritten translation and the gold beads (target indices into it)."""
    units: list[tuple[tuple[int, ...], list[str]]] = []  # (source indices, target sentences)
    i, n = 0, len(src)
    while i < n:
        r = rng.random()
        if r < 0.05 and i + 1 < n:  # drop a paragraph
            k = min(n - i, rng.choice((1, 2, 3)))
            units.extend(((j,), []) for j in range(i, i + k))
            i += k
        elif r < 0.19 and i + 1 < n:  # merge 2-4
            k = min(n - i, rng.choices((2, 3, 4), weights=(6, 3, 1))[0])
            units.append((tuple(range(i, i + k)), [_join(ref[i : i + k], lang, rng)]))
            i += k
        elif r < 0.23 and i + 1 < n:  # merge then split elsewhere: 2-2
            joined = _join(ref[i : i + 2], lang, rng)
            boundary = len(ref[i])
            commas = [m.start() for m in re.finditer(", ", joined) if abs(m.start() - boundary) > 15]
            if commas:
                a, b = _cut(joined, rng.choice(commas))
                units.append(((i, i + 1), [a, b]))
            else:
                units.append(((i, i + 1), [joined]))
            i += 2
        elif r < 0.33 and len(ref[i]) >= 80 and (pos := _split_point(ref[i], lang)) is not None:  # split 1-2
            units.append(((i,), list(_cut(ref[i], pos))))
            i += 1
        else:
            units.append(((i,), [ref[i]]))
            i += 1
    if len(units) >= 8 and rng.random() < 0.5:  # move a block of 2-3 units
        k = rng.choice((2, 3))
        start = rng.randrange(len(units) - k)
        block = units[start : start + k]
        rest = units[:start] + units[start + k :]
        choices = [p for p in range(len(rest) + 1) if abs(p - start) >= 3]
        if choices:
            p = rng.choice(choices)
            units = rest[:p] + block + rest[p:]
    for _ in range(rng.choice((1, 1, 2))):  # foreign material
        units.insert(rng.randrange(len(units) + 1), ((), [rng.choice(other)]))
    target: list[str] = []
    gold: list[Bead] = []
    for s_idx, texts in units:
        t_idx = tuple(range(len(target), len(target) + len(texts)))
        target.extend(texts)
        if s_idx or t_idx:
            if not s_idx:
                gold.extend(((), (t,)) for t in t_idx)
            elif not t_idx:
                gold.append((s_idx, ()))
            else:
                gold.append((s_idx, t_idx))
    return target, gold


def build_cases(seed: int = 17, split: str = "test") -> list[HardCase]:
    """The benchmark's cases for ``split`` ("dev", "test" or "all")."""
    docs = load_ntrex()
    ids = list(docs)
    out: list[HardCase] = []
    for k, doc_id in enumerate(ids):
        which = "dev" if k % 3 == 0 else "test"
        if split != "all" and which != split:
            continue
        lang = TARGETS[k % 4]
        rng = random.Random(f"{seed}:{doc_id}")
        other_id = ids[(k + 1 + rng.randrange(len(ids) - 1)) % len(ids)]
        src = [s.strip() for s in docs[doc_id]["en"]]
        ref = [s.strip() for s in docs[doc_id][lang]]
        target, gold = perturb(src, ref, [s.strip() for s in docs[other_id][lang] if s.strip()], lang, rng)
        out.append(HardCase(doc_id, "en", lang, tuple(src), tuple(target), tuple(gold), which))
    return out
