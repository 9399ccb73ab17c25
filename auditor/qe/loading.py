"""Recognising a model directory and loading the right backend.

Order matters: our own formats are checked first (``config.json`` with an
``auditor_qe_v2`` entry: QE v2; with ``auditor_qe``: v1), then COMET (``hparams.yaml`` / ``checkpoints/*.ckpt``, which
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


#: names ``--qe-model`` accepts besides a path: the shipped models
BUILTIN_NAMES = ("builtin-v2", "builtin-v1")


def load_qe_model(path: str | Path | None = None, **options) -> QEModel:
    """The QE model at ``path``; see the module docstring.

    ``path=None`` or ``"builtin-v2"``: QE v2 (``models/qe-v2``, e5-small token features,
    any pair of e5's ~100 languages); ``"builtin-v1"``: the fast v1 feature MLP
    (``models/qe-builtin``, the seven MLQE-PE pairs only). ``options`` go to the backend
    (e.g. ``use_embeddings=False`` for v1, ``word_threshold``).
    """
    from .builtin import FORMAT_KEY, BuiltinQEModel
    from .builtin import default_model_dir as v1_dir
    from .neural import FORMAT_KEY as V2_KEY
    from .neural import NeuralQEModel
    from .neural import default_model_dir as v2_dir

    if path is None or str(path) == "builtin-v2":
        where = v2_dir()
    elif str(path) == "builtin-v1":
        where = v1_dir()
    else:
        where = Path(path)
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
    if cfg is not None and V2_KEY in cfg:
        return NeuralQEModel(where, **options)
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
