"""Document-sized training examples for the MT detector, cut from WMT22 general.

Version 2 uses every window and every candidate of it, with a **leave-systems-out**
split (:func:`held_out_systems`): the MT systems (and, where a pair has two, the human
reference) of the eval windows are never seen in training, so a system's own phrasing
cannot carry the score. Other corpora of the training mix are in :mod:`.corpora`.

Why windows: the WMT22 general test set in ``../shared/data/wmt22-general`` is
line-aligned but carries no document boundaries in this copy, so an "article" here is a
run of 8-15 consecutive lines (seeded, non-overlapping). A window may straddle two real
documents; the model card says so.

Three classes of English text come out of one window position:

* ``human``: each professional reference translation (x -> en),
* ``mt``: as many randomly chosen MT systems' outputs as there are references, so the
  two translation classes are balanced per window,
* ``original``: native English (the sources of en -> x), windows of its own.

Why the split is also by position blocks: every candidate of a window (references and MT)
shares the same source lines, so a random split by example would put one source
sentence in train and in eval. Windows are grouped into blocks of three consecutive
windows and whole blocks go to ``eval`` (30%), ``calib`` (10%, Platt scaling) or
``train`` (60%); no source line index is in two splits.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from pathlib import Path

PAIRS: tuple[str, ...] = ("cs-en", "de-en", "ja-en", "ru-en", "uk-en", "zh-en")
CLASSES: tuple[str, ...] = ("original", "human", "mt")
SPLITS: tuple[str, ...] = ("train", "calib", "eval")
DEFAULT_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "wmt22-general"
BLOCK = 3  # windows per split block
MIN_LINES, MAX_LINES = 8, 15


@dataclass(frozen=True)
class Example:
    """One English document (a window of lines) with its label and, for translations, its source."""

    id: str
    pair: str  # "de-en", or "en" for native English (with the file's tag, e.g. "en:en-de")
    label: str  # one of CLASSES
    split: str  # one of SPLITS
    start: int  # first line index of the window
    end: int  # one past the last line index
    lines: tuple[str, ...]
    source_lines: tuple[str, ...] = ()
    source_lang: str | None = None
    system: str = ""  # reference letter or MT system name
    corpus: str = "wmt22"  # wmt22, ntrex or realpages
    group: str = ""  # cross-validation group (window block, document or story); default pair:start
    modes: tuple[str, ...] = ("with_source", "text_only")  # the modes this example trains or tests

    @property
    def cv_group(self) -> str:
        return self.group or f"{self.pair}:{self.start // 100}"


def split_of_block(block: int) -> str:
    """Deterministic split of a block of windows: 3 in 10 eval, 1 in 10 calib, the rest train."""
    r = block % 10
    if r in (2, 5, 8):
        return "eval"
    if r == 0:
        return "calib"
    return "train"


def windows(n_lines: int, rng: random.Random, lo: int = MIN_LINES, hi: int = MAX_LINES) -> list[tuple[int, int]]:
    """Non-overlapping [start, end) windows of lo..hi lines covering 0..n_lines (the tail is dropped)."""
    out = []
    pos = 0
    while pos + lo <= n_lines:
        size = rng.randint(lo, hi)
        end = min(pos + size, n_lines)
        out.append((pos, end))
        pos = end
    return out


def _read(path: Path) -> list[str]:
    return [line.rstrip("\n").strip() for line in path.open(encoding="utf-8")]


def _window_lines(rows: list[list[str]], start: int, end: int) -> list[int]:
    """Line indices of a window where every parallel file has text (blank lines break alignment)."""
    return [i for i in range(start, end) if all(r[i] for r in rows)]


def held_out_systems(data_dir: str | Path = DEFAULT_DATA, seed: int = 13) -> frozenset[str]:
    """MT systems of the eval split: every third name of a seeded shuffle of all system names.

    Names are shared across pairs (Online-A translates every pair), so a system is held
    out in every pair at once. With seed 13 each pair keeps 4-5 held-out systems and
    4-9 training systems.
    """
    names = sorted({p.name.split(".")[-2] for p in (Path(data_dir) / "system-outputs").glob("generaltest2022.*.hyp.*.en")})
    rng = random.Random(f"{seed}:systems")
    rng.shuffle(names)
    return frozenset(names[::3])


def held_out_reference(refs: list[str]) -> str | None:
    """The human reference of the eval split where a pair has two (the last letter); else None (shared)."""
    return sorted(refs)[-1] if len(refs) > 1 else None


def build_examples(data_dir: str | Path = DEFAULT_DATA, seed: int = 13, pairs: tuple[str, ...] = PAIRS,
                   native: bool = True, leave_systems_out: bool = True) -> list[Example]:
    """All examples of the data set, with their split. Deterministic for a seed.

    ``leave_systems_out``: eval windows carry only the held-out systems (and the held-out
    reference where there are two), train and calib windows only the others; every
    candidate of those is an example. Without it (v1): per window every reference and as
    many randomly chosen systems.
    """
    root = Path(data_dir)
    held = held_out_systems(root, seed) if leave_systems_out else frozenset()
    out: list[Example] = []
    for pair in pairs:
        src_lang = pair.split("-")[0]
        rng = random.Random(f"{seed}:{pair}")
        src = _read(root / "sources" / f"generaltest2022.{pair}.src.{src_lang}")
        refs = {p.name.split(".")[-2]: _read(p) for p in sorted((root / "references").glob(f"generaltest2022.{pair}.ref.*.en"))}
        hyps = {p.name.split(".")[-2]: _read(p) for p in sorted((root / "system-outputs").glob(f"generaltest2022.{pair}.hyp.*.en"))}
        systems = sorted(hyps)
        test_ref = held_out_reference(list(refs))
        for k, (a, b) in enumerate(windows(len(src), rng)):
            split = split_of_block(k // BLOCK)
            if leave_systems_out:
                test = split == "eval"
                chosen = [s_ for s_ in systems if (s_ in held) == test]
                ref_names = [r for r in refs if test_ref is None or (r == test_ref) == test]
            else:
                chosen = rng.sample(systems, min(len(refs), len(systems)))
                ref_names = list(refs)
            idx = _window_lines([src, *(refs[r] for r in ref_names), *(hyps[s_] for s_ in chosen)], a, b)
            if len(idx) < MIN_LINES // 2:
                continue
            source_lines = tuple(src[i] for i in idx)
            cands = [("human", name, refs[name]) for name in ref_names]
            cands += [("mt", name, hyps[name]) for name in chosen]
            for label, name, lines in cands:
                out.append(Example(id=f"{pair}:{a}-{b}:{label}:{name}", pair=pair, label=label, split=split,
                                   start=a, end=b, lines=tuple(lines[i] for i in idx),
                                   source_lines=source_lines, source_lang=src_lang, system=name,
                                   group=f"{pair}:{k // BLOCK}"))
    if native:
        out.extend(native_examples(root, seed))
    return out


def native_examples(root: Path, seed: int = 13) -> list[Example]:
    """Windows of native English: the sources of en -> x (identical files counted once)."""
    seen: set[str] = set()
    out: list[Example] = []
    for path in sorted((root / "sources").glob("generaltest2022.en-*.src.en")):
        digest = hashlib.sha1(path.read_bytes()).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        tag = path.name.split(".")[1]
        lines = _read(path)
        rng = random.Random(f"{seed}:{tag}")
        for k, (a, b) in enumerate(windows(len(lines), rng)):
            idx = [i for i in range(a, b) if lines[i]]
            if len(idx) < MIN_LINES // 2:
                continue
            out.append(Example(id=f"en:{tag}:{a}-{b}:original", pair=f"en:{tag}", label="original",
                               split=split_of_block(k // BLOCK), start=a, end=b,
                               lines=tuple(lines[i] for i in idx), group=f"{tag}:{k // BLOCK}",
                               modes=("text_only",)))
    return out


#: v1's windows per pair and split (when extraction cost a second per candidate); v2
#: uses every window (``subsample(examples, None)``).
BUDGET: dict[str, int] = {"train": 24, "calib": 6, "eval": 16}


def subsample(examples: list[Example], budget: dict[str, int] | None = BUDGET) -> list[Example]:
    """At most ``budget[split]`` windows per pair and split, evenly spaced over the file.

    Native English windows are cheap (no source, no encoder) and are all kept. Whole
    windows are kept or dropped, so the split property of :func:`build_examples` holds.
    """
    if not budget:
        return list(examples)
    starts: dict[tuple[str, str], list[int]] = {}
    for ex in examples:
        lst = starts.setdefault((ex.pair, ex.split), [])
        if not lst or lst[-1] != ex.start:
            lst.append(ex.start)
    keep: set[tuple[str, int]] = set()
    for (pair, split), lst in starts.items():
        n = budget.get(split, len(lst))
        if pair.startswith("en:") or len(lst) <= n:
            chosen = lst
        else:
            chosen = [lst[int(i * len(lst) / n)] for i in range(n)]
        keep.update((pair, s) for s in chosen)
    return [ex for ex in examples if (ex.pair, ex.start) in keep]
