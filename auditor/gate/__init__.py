"""The pre-publication QA gate behind ``auditor check``: policy, decision and CI formats.

Everything here is a pure function of an :class:`~auditor.types.AuditResult` plus a
:class:`GateConfig`; the CLI runs the pipeline, then calls :func:`load_config`,
:func:`merge_cli`, :func:`evaluate` and one renderer (:func:`to_sarif`,
:func:`to_junit`), and exits with :func:`exit_code`. No heavy import happens here.
"""

from __future__ import annotations

from .config import Accepted, ConfigError, GateConfig, find_config, load_config, merge_cli
from .junit import to_junit
from .outcome import EXIT_FAIL, EXIT_PASS, EXIT_USAGE, GateOutcome, evaluate, exit_code
from .sarif import render_sarif, to_sarif

__all__ = [
    "Accepted",
    "ConfigError",
    "EXIT_FAIL",
    "EXIT_PASS",
    "EXIT_USAGE",
    "GateConfig",
    "GateOutcome",
    "evaluate",
    "exit_code",
    "find_config",
    "load_config",
    "merge_cli",
    "render_sarif",
    "to_junit",
    "to_sarif",
]
