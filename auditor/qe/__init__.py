"""Quality estimation (QE): score translations from their source alone.

``load_qe_model(path=None)`` returns a :class:`QEModel` whose
``predict(sources, translations, src_lang, tgt_lang)`` gives a :class:`QEResult`
(scores in [0, 1], word error spans with character offsets, a signature).
``path=None`` loads the built-in model shipped in ``models/qe-builtin``; a path may
also point to a local transformers regression checkpoint or a COMET checkpoint.
Nothing is ever downloaded.
"""

from __future__ import annotations

from .interface import ErrorSpan, QEModel, QEModelError, QEResult
from .loading import load_qe_model

__all__ = ["ErrorSpan", "QEModel", "QEModelError", "QEResult", "load_qe_model"]
