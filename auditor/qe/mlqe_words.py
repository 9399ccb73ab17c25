"""MLQE-PE segments as QE v2 records: DA score and post-editing word tags joined.

The DA files hold the natural (detokenised) sentences and the PE files the same
segments, in the same order, tokenised; the tags belong to the tokens. Every MT token
is located in the detokenised translation (the tokens' characters, whitespace aside,
are the translation's characters in order: true for all train lines and 6,993 of the
7,000 dev lines), so labels become character spans of the text a model will see. A
whitespace word is BAD when any of its tokens is; Chinese has no whitespace words, so
there the tokens themselves are the units. Lines whose tokens cannot be located keep
their segment score and carry no word labels (``word_labels: null``).

Post-edits (the ``pe`` side) are human translations, hence a clean input for synthetic
errors; they are detokenised here by copying the spacing of the MT where the post-edit
kept the MT's tokens, and a punctuation rule elsewhere.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from .data import read_da
from .synth_edits import word_spans

Span = tuple[int, int]
NO_SPACE_LANGS = frozenset({"zh", "ja"})
_CLOSE = set(".,;:!?%)]}»”…") | {"'s", "n't", "'re", "'ve", "'ll", "'d", "'m"}
_OPEN = set("([{«“¿¡")


@dataclass(frozen=True)
class MlqeRecord:
    pair: str
    src: str
    mt: str
    pe: str  # detokenised post-edit ("" when the post-edit could not be rebuilt)
    score: float  # sigmoid of the DA z-score
    da_z: float
    word_labels: list[tuple[int, int, str]] | None
    src_spans_for_bad: list[tuple[int, list[Span]]]
    doc: str


_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\ufeff")  # the MLQE-PE tokeniser drops them (si, ne)


def _skippable(ch: str) -> bool:
    return ch.isspace() or ch in _ZERO_WIDTH


def locate(tokens: list[str], text: str) -> list[Span] | None:
    """Character span of each token in ``text`` (whitespace and zero-width joiners
    skipped), None on mismatch."""
    out, pos = [], 0
    for tok in tokens:
        while pos < len(text) and _skippable(text[pos]):
            pos += 1
        start = pos
        for ch in tok:
            while pos < len(text) and text[pos] != ch and _skippable(text[pos]):
                pos += 1
            if pos >= len(text) or text[pos] != ch:
                return None
            pos += 1
        out.append((start, pos))
    return out


def detokenise(pe: list[str], mt: list[str], mt_spans: list[Span] | None, mt_text: str, tgt_lang: str) -> str:
    """The post-edit tokens as running text, spaced like the MT wherever they agree."""
    if not pe:
        return ""
    space_after: dict[int, bool] = {}
    if mt_spans is not None:
        for blk in SequenceMatcher(a=mt, b=pe, autojunk=False).get_matching_blocks():
            for k in range(blk.size - 1):
                i, j = blk.a + k, blk.b + k
                space_after[j] = mt_text[mt_spans[i][1]:mt_spans[i + 1][0]] != ""
    joiner_default = tgt_lang not in NO_SPACE_LANGS
    out = [pe[0]]
    for j in range(len(pe) - 1):
        nxt = pe[j + 1]
        if j in space_after:
            gap = space_after[j]
        else:
            latin = pe[j][-1:].isascii() and pe[j][-1:].isalnum() and nxt[:1].isascii() and nxt[:1].isalnum()
            gap = (joiner_default or latin) and nxt not in _CLOSE and pe[j] not in _OPEN and not pe[j].endswith(("'", "’"))
        out.append(" " if gap else "")
        out.append(nxt)
    return "".join(out)


def _units(mt_text: str, spans: list[Span], tags: list[bool], tgt_lang: str) -> list[tuple[int, int, bool, list[int]]]:
    """(start, end, bad, token indices) per labelled unit of the translation."""
    if tgt_lang in NO_SPACE_LANGS:
        return [(s, e, bad, [i]) for i, ((s, e), bad) in enumerate(zip(spans, tags))]
    units = []
    for s, e in word_spans(mt_text):
        toks = [i for i, (a, b) in enumerate(spans) if a < e and s < b]
        units.append((s, e, any(tags[i] for i in toks), toks))
    return units


def read_pairs(root: Path, pair: str, split: str, limit: int | None = None) -> list[MlqeRecord]:
    """Every segment (the first ``limit``) of ``pair``/``split`` with its DA score, word
    labels and post-edit."""
    sl, tl = pair.split("-")
    da = read_da(root, pair, split)[:limit] if limit else read_da(root, pair, split)
    folder = root / "post-editing" / split / f"{pair}-{split}"

    def lines(ext: str) -> list[str]:
        return (folder / f"{split}.{ext}").read_text(encoding="utf-8").split("\n")

    src_t, mt_t, pe_t, tags_t, al_t = lines("src"), lines("mt"), lines("pe"), lines("tags"), lines("src-mt.alignments")
    doc_file = root / "direct-assessments" / split / f"{pair}-{split}" / f"{split}.doc_ids"
    docs = doc_file.read_text(encoding="utf-8").split("\n")[1:] if doc_file.exists() else []
    out = []
    for i, seg in enumerate(da):
        mt_toks, src_toks, pe_toks = mt_t[i].split(), src_t[i].split(), pe_t[i].split()
        tag_list = tags_t[i].split()
        word_tags = tag_list[1::2] if len(tag_list) == 2 * len(mt_toks) + 1 else tag_list
        mt_spans = locate(mt_toks, seg.translation)
        labels = None
        bad_src: list[tuple[int, list[Span]]] = []
        if mt_spans is not None and len(word_tags) == len(mt_toks) and mt_toks:
            tags = [t == "BAD" for t in word_tags]
            src_spans = locate(src_toks, seg.source)
            links: dict[int, list[int]] = {}
            for p in al_t[i].split():
                a, _, b = p.partition("-")
                if a.isdigit() and b.isdigit():
                    links.setdefault(int(b), []).append(int(a))
            labels = []
            for n, (s, e, bad, toks) in enumerate(_units(seg.translation, mt_spans, tags, tl)):
                labels.append((s, e, "BAD" if bad else "OK"))
                if bad and src_spans is not None:
                    srcs = sorted({src_spans[a] for t in toks for a in links.get(t, ()) if a < len(src_spans)})
                    if srcs:
                        bad_src.append((n, srcs))
        pe = detokenise(pe_toks, mt_toks, mt_spans, seg.translation, tl)
        z = seg.z_mean
        out.append(MlqeRecord(pair, seg.source, seg.translation, pe, round(1.0 / (1.0 + math.exp(-z)), 6), z,
                              labels, bad_src, docs[i] if i < len(docs) else ""))
    return out
