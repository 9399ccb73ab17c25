"""auditor: find machine-translated reprints of news articles and the errors they introduce.

The public API is small and lazy: importing :mod:`auditor` loads no model and no heavy
library; ``audit()`` and ``compare()`` pull what they need on first use.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "audit", "compare", "load_documents"]


def __getattr__(name: str):  # PEP 562: keep `import auditor` cheap
    if name in ("audit", "compare"):
        from . import pipeline

        return getattr(pipeline, name)
    if name == "load_documents":
        from .ingest import load_documents

        return load_documents
    raise AttributeError(name)
