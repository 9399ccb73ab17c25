"""QE v2's cross-encoder: e5-small reading the source and the translation together.

The frozen-feature heads of :mod:`.neural` see each sentence encoded alone and meet the
other side only through the word alignment. This model lays the pair out the way
XLM-R does (``<s> source </s></s> translation </s>``) and runs its own **fine-tuned
copies of e5's top blocks** (trained from e5's weights by ``python -m
auditor.qe.cross_train``), so every layer from there attends across the two languages, as
TransQuest's MonoTransQuest does with XLM-R. Their input, the states after block
``from_layer``, comes one of two ways (``interaction`` in the config):

- ``"late"`` (QE v2.2 from block 8, v2.3 from block 6): each sentence's own states from
  the heads' frozen pass, joined (:func:`joined_states`): the frozen blocks run once per
  sentence for both models, so a pair costs only the tuned blocks (v2.2, four tuned
  blocks: 50.8 pairs/s against v2.1's 34-39; v2.3, six: 44.6);
- ``"joint"`` (v2.1): the frozen int8 blocks 1-``from_layer`` run again over the joined
  ids (:meth:`~auditor.encoders.e5tok.E5TokenEncoder.lower_states`), so they too see both sides.

Heads (as in training):

- segment: ``[<s> state, mean MT state, mean source state, |difference|]`` -> 256 -> logit;
- word: ``[state of the word's first token, segment logit]`` -> 128 -> p(BAD).

:class:`CrossModel` returns raw logits; :class:`~auditor.qe.neural.NeuralQEModel` averages
its probabilities with the frozen-feature heads' (the weight is in ``config.json``).
Sides longer than ``max_side`` tokens (the training cut) are read in windows
(:func:`pair_inputs`), never truncated; a word the model could not place on a token
keeps the other heads' probability alone (``CrossOutput.covered`` says which).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np

Span = tuple[int, int]
HIDDEN = 384


@dataclass(frozen=True)
class CrossInput:
    """One pair's concatenated token ids, which side each token is on, and MT word starts."""

    ids: np.ndarray  # int64 (L,)
    side: np.ndarray  # int8 (L,): 0 source (and <s>, the first </s></s>), 1 translation (and the last </s>)
    word_pos: np.ndarray  # int64 (n_words,): token index of each MT word's first token, -1 past the cut
    src_range: tuple[int, int] = (0, 0)  # the window's share of the source's content tokens
    mt_range: tuple[int, int] = (0, 0)  # and of the translation's


@dataclass(frozen=True)
class CrossOutput:
    logit: float
    word_logits: np.ndarray  # float32 (n_words,), nan where the word was past the cut
    covered: np.ndarray  # bool (n_words,)


def pair_input(tokenizer, src: str, mt: str, mt_words: Sequence[Span], max_side: int) -> CrossInput:
    """Token ids of ``<s> src </s></s> mt </s>``, each side cut to ``max_side`` tokens (training)."""
    return pair_inputs(tokenizer, src, mt, mt_words, max_side, windows=False)[0]


def pair_inputs(tokenizer, src: str, mt: str, mt_words: Sequence[Span], max_side: int,
                windows: bool = True) -> list[CrossInput]:
    """The pair as one or more ``<s> src </s></s> mt </s>`` sequences.

    A translation longer than ``max_side`` tokens is split into consecutive windows of at
    most ``max_side`` tokens, each paired with the matching share of the source (the same
    fraction of its tokens, at most ``max_side``), so no word goes unread; each MT word's
    position is set in the one window that holds its first token (-1 in the others).
    ``windows=False`` keeps the first window only (the cut the training data uses).
    """
    s, m = tokenizer.encode(src), tokenizer.encode(mt)
    sc_all, mc_all = s.ids[1:-1], m.ids[1:-1]
    moff_all = m.offsets[1:-1]
    n = max(1, math.ceil(len(mc_all) / max_side)) if windows else 1
    first = word_tokens(moff_all, mt_words)
    out = []
    for w in range(n):
        ma, mb = w * max_side, min(len(mc_all), (w + 1) * max_side)
        sa = (w * len(sc_all)) // n
        sb = min(((w + 1) * len(sc_all)) // n if n > 1 else len(sc_all), sa + max_side)
        sc, mc = sc_all[sa:sb], mc_all[ma:mb]
        ids = np.concatenate([[tokenizer.bos], sc, [tokenizer.eos, tokenizer.eos], mc, [tokenizer.eos]]).astype(np.int64)
        side = np.concatenate([np.zeros(len(sc) + 3, np.int8), np.ones(len(mc) + 1, np.int8)])
        base = len(sc) + 3
        pos = [base + j - ma if 0 <= j and ma <= j < mb else -1 for j in first]
        out.append(CrossInput(ids, side, np.array(pos, np.int64), (sa, sb), (ma, mb)))
    return out


def joined_states(src_states: np.ndarray, mt_states: np.ndarray, x: CrossInput) -> np.ndarray:
    """Late interaction: one window's ``(L, H)`` input from each sentence's own states.

    ``src_states``/``mt_states`` are the states of ``<s> text </s>`` encoded alone (every
    token); the window takes its share of each side's content tokens, laid out as the joint
    sequence ``<s> src </s></s> mt </s>`` (the translation's own ``<s>`` stands where the
    joint sequence has its second ``</s>``), so sides and word positions are unchanged.
    """
    (sa, sb), (ma, mb) = x.src_range, x.mt_range
    out = np.concatenate([src_states[:1], src_states[1 + sa:1 + sb], src_states[-1:],
                          mt_states[:1], mt_states[1 + ma:1 + mb], mt_states[-1:]])
    if len(out) != len(x.ids):
        raise ValueError(f"states of {len(out)} tokens for a window of {len(x.ids)}: the tokenizations differ")
    return out


def word_tokens(offsets: np.ndarray, words: Sequence[Span]) -> list[int]:
    """Per word, the first token overlapping its characters (else the nearest token; -1 if none)."""
    real = [j for j in range(len(offsets)) if offsets[j][0] >= 0]
    if not real:
        return [-1] * len(words)
    out = []
    for a, b in words:
        hit = next((j for j in real if offsets[j][1] > a and offsets[j][0] < b), None)
        out.append(hit if hit is not None else min(real, key=lambda j: abs(int(offsets[j][0]) - a)))
    return out


def build_cross(config, n_layers: int, dropout: float = 0.0):
    """A fresh cross-encoder module: ``n_layers`` blocks shaped as e5's (``config``, its
    ``BertConfig``) and the heads. Training copies e5's top blocks into ``layers``."""
    import torch
    from torch import nn
    from transformers.models.bert.modeling_bert import BertLayer

    from ..encoders.e5tok.encoder import additive_mask

    class CrossHeads(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = nn.ModuleList(BertLayer(config) for _ in range(n_layers))
            self.seg = nn.Sequential(nn.Dropout(dropout), nn.Linear(4 * HIDDEN, 256), nn.Tanh(),
                                     nn.Dropout(dropout), nn.Linear(256, 1))
            self.word = nn.Sequential(nn.Dropout(dropout), nn.Linear(HIDDEN + 1, 128), nn.GELU(), nn.Linear(128, 1))
            # per score group (0: MLQE-PE DA, 1: synthetic/clean) an affine map of the logit (training only)
            self.aff = nn.Parameter(torch.tensor([[1.0, 0.0], [1.0, 0.0]]))

        def forward(self, h, mask, side):
            ext = additive_mask(mask)
            for layer in self.layers:
                h = layer(h, attention_mask=ext)
                h = h[0] if isinstance(h, tuple) else h
            live = mask > 0
            mt, src = (side == 1) & live, (side == 0) & live
            mean_mt = (h * mt[..., None]).sum(1) / mt.sum(1, keepdim=True).clamp(min=1)
            mean_src = (h * src[..., None]).sum(1) / src.sum(1, keepdim=True).clamp(min=1)
            q = self.seg(torch.cat([h[:, 0], mean_mt, mean_src, (mean_mt - mean_src).abs()], -1)).squeeze(-1)
            return h, q

        def words(self, h, q, rows, pos):
            return self.word(torch.cat([h[rows, pos], q[rows][:, None]], -1)).squeeze(-1)

    return CrossHeads()


def pad(states: Sequence[np.ndarray], sides: Sequence[np.ndarray]):
    """Torch ``(B, L, H)`` states, ``(B, L)`` mask and side tensors for a batch."""
    import torch

    L = max(len(s) for s in states)
    h = np.zeros((len(states), L, HIDDEN), np.float32)
    mask = np.zeros((len(states), L), np.float32)
    side = np.zeros((len(states), L), np.int64)
    for r, (st, sd) in enumerate(zip(states, sides)):
        h[r, :len(st)] = st
        mask[r, :len(st)] = 1
        side[r, :len(sd)] = sd
    return torch.from_numpy(h), torch.from_numpy(mask), torch.from_numpy(side)


#: a 2-D weight stored as int8 rows carries its per-row scales under this suffix
SCALE_SUFFIX = ".int8_scale"


def pack_state(state: dict) -> dict:
    """Weights for ``cross.safetensors``: every matrix as int8 with one float16 scale per
    row (absmax / 127), the rest float16. Six tuned blocks in float16 are 21 MB; this is
    half that, and the model's scores move by less than the int8 encoder's batching noise
    (the model card gives the figures)."""
    import torch

    out = {}
    for k, v in state.items():
        v = v.detach().to(torch.float32)
        if v.ndim == 2:
            scale = (v.abs().amax(dim=1) / 127.0).clamp(min=1e-12)
            out[k] = torch.round(v / scale[:, None]).to(torch.int8).contiguous()
            out[k + SCALE_SUFFIX] = scale.to(torch.float16).contiguous()
        else:
            out[k] = v.to(torch.float16).contiguous()
    return out


def unpack_state(state: dict) -> dict:
    """Float32 weights from :func:`pack_state`'s (or plain float16) tensors."""
    import torch

    out = {}
    for k, v in state.items():
        if k.endswith(SCALE_SUFFIX):
            continue
        scale = state.get(k + SCALE_SUFFIX)
        out[k] = v.to(torch.float32) * scale.to(torch.float32)[:, None] if scale is not None else v.to(torch.float32)
    return out


class CrossModel:
    """A shipped cross-encoder: weights (safetensors) and the block of its model's config
    naming them (``from_layer``, ``layers``, ``max_side``; QE's also its averaging ``weight``).
    QE v2 (``models/qe-v2/cross.safetensors``) uses the segment and word heads; the MT
    detector (``models/mt-detector/cross-mt.safetensors``) the segment head alone, as the
    logit of "this sentence pair is machine translation"."""

    def __init__(self, path: Path, meta: dict[str, Any]) -> None:
        self.path = path
        self.from_layer = int(meta["from_layer"])
        self.n_layers = int(meta["layers"])
        self.max_side = int(meta["max_side"])
        self.weight = float(meta.get("weight", 1.0))
        #: "joint": the pair is read together from block 1 (``lower_states`` of the joined ids);
        #: "late": each sentence alone up to ``from_layer`` (the QE heads' own pass, reused),
        #: together after (:func:`joined_states`)
        self.interaction = str(meta.get("interaction", "joint"))
        if self.interaction not in ("joint", "late"):
            raise ValueError(f"unknown cross-encoder interaction {self.interaction!r}")
        #: the share of the cross-encoder in each word's p(BAD) (QE v2.1-v2.3 ship 0: its word head
        #: was weaker on the synthetic dev records, word MCC 0.26 against the heads' 0.59)
        self.word_weight = float(meta.get("word_weight", self.weight))
        self._module = None

    def module(self, encoder):
        """The module, built on first use with the (loaded) encoder's block shape."""
        if self._module is None:
            from safetensors.torch import load_file

            encoder.load()
            m = build_cross(encoder.model_config, self.n_layers)
            m.load_state_dict(unpack_state(load_file(str(self.path))))
            self._module = m.eval()
        return self._module

    def run(self, encoder, pairs: Sequence[tuple[str, str]], mt_words: Sequence[Sequence[Span]],
            batch: int = 32, states: Sequence[tuple[np.ndarray, np.ndarray]] | None = None) -> list[CrossOutput]:
        """Segment and word logits for ``(src, mt)`` pairs, MT words given as character spans.

        ``states``: per pair the source's and translation's own block-``from_layer`` states
        (every token); a late-interaction model needs them (the QE heads' pass keeps them)."""
        import torch

        chunks = [pair_inputs(encoder.tokenizer, s, m, w, self.max_side) for (s, m), w in zip(pairs, mt_words)]
        flat = [c for cs in chunks for c in cs]
        if self.interaction == "late":
            if states is None or len(states) != len(pairs):
                raise ValueError("a late-interaction cross-encoder needs each pair's sentence states")
            lower = [joined_states(np.asarray(S, np.float32), np.asarray(M, np.float32), c)
                     for (S, M), cs in zip(states, chunks) for c in cs]
        else:
            lower = encoder.lower_states([x.ids for x in flat], self.from_layer)
        module = self.module(encoder)
        logits: list[tuple[float, np.ndarray] | None] = [None] * len(flat)
        order = sorted(range(len(flat)), key=lambda i: len(flat[i].ids))
        with torch.inference_mode():
            for k in range(0, len(order), batch):
                idx = order[k:k + batch]
                h, mask, side = pad([lower[i] for i in idx], [flat[i].side for i in idx])
                hh, q = module(h, mask, side)
                rows = [r for r, i in enumerate(idx) for p in flat[i].word_pos if p >= 0]
                pos = [int(p) for i in idx for p in flat[i].word_pos if p >= 0]
                wl = module.words(hh, q, torch.tensor(rows, dtype=torch.long),
                                  torch.tensor(pos, dtype=torch.long)).numpy() if rows else np.zeros(0, np.float32)
                at = 0
                for r, i in enumerate(idx):
                    n = int((flat[i].word_pos >= 0).sum())
                    logits[i] = (float(q[r]), wl[at:at + n])
                    at += n
        out, at = [], 0
        for cs in chunks:
            mine = logits[at:at + len(cs)]
            at += len(cs)
            words = np.full(len(cs[0].word_pos), np.nan, np.float32)
            for c, (_, wl) in zip(cs, mine):
                words[c.word_pos >= 0] = wl
            weight = np.array([max(int((c.side == 1).sum()) - 1, 1) for c in cs], np.float64)
            seg = float(np.dot(weight, [q for q, _ in mine]) / weight.sum())  # windows weighed by MT tokens
            out.append(CrossOutput(seg, words, ~np.isnan(words)))
        return out
