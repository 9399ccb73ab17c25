"""Renderers of an :class:`~auditor.types.AuditResult`: terminal (rich), JSON and HTML.

Every renderer is a pure function of the result object; none of them runs a model or
reads the input files again. Imports are lazy (PEP 562) so that ``import auditor.report``
costs nothing until a renderer is used.

- :func:`render_terminal` (``auditor.report.terminal``): rich renderables to a Console.
- :func:`to_json` / :func:`write_json` (``auditor.report.json``): schema ``auditor.report/1``.
- :func:`render_html` / :func:`write_html` (``auditor.report.html``): one self-contained page.
"""

from __future__ import annotations

__all__ = ["render_terminal", "to_json", "write_json", "load_schema", "render_html", "write_html"]

_HOME = {
    "render_terminal": "terminal",
    "to_json": "json",
    "write_json": "json",
    "load_schema": "json",
    "render_html": "html",
    "write_html": "html",
}


def __getattr__(name: str):  # PEP 562
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(name)
    from importlib import import_module

    return getattr(import_module(f"{__name__}.{module}"), name)
