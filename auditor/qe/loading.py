"""Recognising a model directory and loading the right backend.

Order matters: our own format is checked first (``config.json`` with an
``auditor_qe`` entry), then COMET (``hparams.yaml`` / ``checkpoints/*.ckpt``, which
may also carry a transformers ``config.json`` for its encoder), then a plain
transformers checkpoint. Every failure is a one-line :class:`QEModelError`.
"""

from __future__ import annotations

import json
from pathlib import Path

from .interface import QEModel, QEModelError


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:200]}" if text else type(exc).__name__


def load_qe_model(path: str | Path | None = None, **options) -> QEModel:
    """The QE model at ``path`` (default: the built-in model); see the module docstring.

    ``options`` go to the backend (e.g. ``use_embeddings=False``, ``word_threshold``).
    """
    from .builtin import FORMAT_KEY, BuiltinQEModel, default_model_dir

    where = Path(path) if path is not None else default_model_dir()
    if not where.exists():
        raise QEModelError(f"QE model not found: {where} does not exist")
    if where.is_file():
        if where.suffix == ".ckpt":
            from .external import CometQEModel

            return CometQEModel(where, **options)
        raise QEModelError(f"{where}: expected a model directory, got a file")
    cfg_path = where / "config.json"
    cfg = None
    if cfg_path.exists():
        try:
            cfg = json.loads(cfg_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise QEModelError(f"{cfg_path}: malformed config.json ({_one_line(exc)})") from None
        if not isinstance(cfg, dict):
            raise QEModelError(f"{cfg_path}: malformed config.json (not an object)")
    if cfg is not None and FORMAT_KEY in cfg:
        return BuiltinQEModel(where, **options)
    if (where / "hparams.yaml").exists() or list(where.glob("checkpoints/*.ckpt")):
        from .external import CometQEModel

        return CometQEModel(where, **options)
    if cfg is not None and ("model_type" in cfg or "architectures" in cfg):
        from .external import TransformersQEModel

        return TransformersQEModel(where, **options)
    raise QEModelError(
        f"{where}: no recognisable QE model (expected an auditor QE config.json, "
        "a transformers checkpoint or a COMET checkpoint)"
    )
