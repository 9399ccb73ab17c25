"""Configuration of the pre-publication QA gate (``auditor check``).

A newsroom keeps its gate policy next to its drafts, in ``auditor.toml`` or in the
``[tool.auditor]`` table of ``pyproject.toml``, so that every editor and the CI job
apply the same thresholds. The policy is validated once, up front, and every mistake is
reported as one line that names the file and the key (and, for a typo, the key that was
probably meant): a gate that silently ignores ``fail_on = "minor"`` because the key is
spelt ``fail-on`` would pass drafts it should stop.

Example ``auditor.toml``::

    fail-on = "major"          # minor | major | critical
    min-qe = 0.6               # fail a reprint whose QE score is below this
    max-p-mt = 0.8             # fail when P(machine translation) is above this
    glossaries = ["glossaries/newsroom.es-en.csv"]   # relative to this file
    disable = ["spelling"]

    [[accept]]                 # in pyproject.toml: [[tool.auditor.accept]]
    id = "F1a2b3c4d5e"
    reason = "House style keeps 'chancellor' for Germany's head of government."
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Mapping

from ..pipeline import DETECTORS
from ..types import SEVERITIES

#: Detector names that ``disable`` accepts: the pipeline's detectors (its list is the one
#: source, so a new detector can be disabled here the day it ships) plus QE. Importing
#: the pipeline module is cheap: its stages load their libraries on first use.
DETECTOR_NAMES: tuple[str, ...] = (*DETECTORS, "qe")

#: Keys of the gate table, in the spelling users write.
KEYS: tuple[str, ...] = ("fail-on", "min-qe", "max-p-mt", "glossaries", "disable", "accept")
ACCEPT_KEYS: tuple[str, ...] = ("id", "reason")
CONFIG_FILE = "auditor.toml"
PYPROJECT_FILE = "pyproject.toml"

# Finding.id is "F" + 10 hex digits of a SHA-1 (auditor/types.py); checking the shape
# catches ids pasted with a typo before they silently accept nothing.
_FINDING_ID = re.compile(r"^F[0-9a-f]{10}$")


class ConfigError(ValueError):
    """A gate configuration that cannot be used; the message is one line for the user."""


@dataclass(frozen=True)
class Accepted:
    """A finding the newsroom has reviewed and accepted, by its stable id, with why."""

    id: str
    reason: str


@dataclass(frozen=True)
class GateConfig:
    """The gate policy after validation. ``origin`` is the file it came from, if any."""

    fail_on: str = "major"
    min_qe: float | None = None
    max_p_mt: float | None = None
    glossaries: tuple[Path, ...] = ()
    disable: tuple[str, ...] = ()
    accept: tuple[Accepted, ...] = ()
    origin: Path | None = None


# ----------------------------------------------------------------------------- loading


def find_config(cwd: Path) -> Path | None:
    """The nearest ``auditor.toml``, or ``pyproject.toml`` holding ``[tool.auditor]``.

    Searched in ``cwd`` and then each parent; within one directory ``auditor.toml`` wins,
    because a dedicated file is the more deliberate choice. A ``pyproject.toml`` without
    the table does not stop the search (a sub-project may inherit its parent's policy).
    """
    start = cwd.resolve()
    for directory in (start, *start.parents):
        candidate = directory / CONFIG_FILE
        if candidate.is_file():
            return candidate
        pyproject = directory / PYPROJECT_FILE
        if pyproject.is_file():
            data = _read_toml(pyproject)
            if isinstance(data.get("tool"), dict) and "auditor" in data["tool"]:
                return pyproject
    return None


def load_config(path: Path | None = None, *, cwd: Path) -> GateConfig:
    """Load and validate the gate policy.

    ``path`` is an explicit ``--config`` file (an ``auditor.toml``-style file, or a
    ``pyproject.toml`` whose ``[tool.auditor]`` table is read); a relative ``path`` is
    taken from ``cwd``. Without it the nearest config is searched from ``cwd`` upwards;
    when none exists the defaults apply. Raises :class:`ConfigError`.
    """
    if path is not None:
        path = path if path.is_absolute() else cwd / path
        if not path.is_file():
            raise ConfigError(f"{path}: config file not found")
    else:
        path = find_config(cwd)
        if path is None:
            return GateConfig()
    data = _read_toml(path)
    # pyproject.toml, or any file that only holds a [tool.auditor] table (a CI-specific copy)
    if path.name == PYPROJECT_FILE or (set(data) == {"tool"} and isinstance(data["tool"], dict)):
        tool = data.get("tool")
        table = tool.get("auditor") if isinstance(tool, dict) else None
        if table is None:
            raise ConfigError(f"{path}: no [tool.auditor] table")
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: tool.auditor must be a table")
        return parse_table(table, origin=path, prefix="tool.auditor")
    return parse_table(data, origin=path, prefix="")


def _read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {_one_line(str(exc))}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None


# -------------------------------------------------------------------------- validation


def parse_table(table: Mapping[str, object], *, origin: Path, prefix: str = "") -> GateConfig:
    """Validate one config table (already parsed TOML) into a :class:`GateConfig`.

    ``prefix`` is the table's dotted name in the file (``tool.auditor`` in
    pyproject.toml), used only to make messages point at the right place.
    """

    def where(key: str) -> str:
        return f"{origin}: {prefix + '.' if prefix else ''}{key}"

    for key in table:
        if key not in KEYS:
            raise ConfigError(f"{where(key)}: unknown key{_suggest(key, KEYS)}")

    fail_on = _severity(table.get("fail-on", "major"), where("fail-on"))
    min_qe = _threshold(table.get("min-qe"), where("min-qe"))
    max_p_mt = _threshold(table.get("max-p-mt"), where("max-p-mt"))

    glossaries: list[Path] = []
    for item in _str_list(table.get("glossaries", []), where("glossaries"), "paths"):
        p = Path(item)
        p = p if p.is_absolute() else origin.parent / p
        if not p.is_file():
            raise ConfigError(f"{where('glossaries')}: glossary file not found: {item} (looked for {p})")
        glossaries.append(p)

    disable = _detectors(_str_list(table.get("disable", []), where("disable"), "detector names"), where("disable"))

    accept = _accepted(table.get("accept", []), where("accept"))
    return GateConfig(
        fail_on=fail_on,
        min_qe=min_qe,
        max_p_mt=max_p_mt,
        glossaries=tuple(_unique(glossaries)),
        disable=disable,
        accept=accept,
        origin=origin,
    )


def _severity(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{where}: expected one of {', '.join(SEVERITIES)}, got {_kind(value)}")
    if value not in SEVERITIES:
        raise ConfigError(
            f"{where}: bad severity {value!r}, expected one of {', '.join(SEVERITIES)}"
            f"{_suggest(value.lower(), SEVERITIES)}"
        )
    return value


def _threshold(value: object, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{where}: expected a number between 0 and 1, got {_kind(value)}")
    if not 0.0 <= float(value) <= 1.0:
        raise ConfigError(f"{where}: {value} is out of range, expected a number between 0 and 1")
    return float(value)


def _str_list(value: object, where: str, what: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: expected a list of {what} (strings), got {_kind(value)}")
    return list(value)


def _detectors(names: Iterable[str], where: str) -> tuple[str, ...]:
    out: list[str] = []
    for name in names:
        if name not in DETECTOR_NAMES:
            raise ConfigError(
                f"{where}: unknown detector {name!r}{_suggest(name, DETECTOR_NAMES)} "
                f"(known: {', '.join(DETECTOR_NAMES)})"
            )
        out.append(name)
    return tuple(_unique(out))


def _accepted(value: object, where: str) -> tuple[Accepted, ...]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ConfigError(f"{where}: expected an array of tables ([[accept]] with id and reason), got {_kind(value)}")
    out: list[Accepted] = []
    seen: set[str] = set()
    for i, entry in enumerate(value):
        here = f"{where}[{i}]"
        for key in entry:
            if key not in ACCEPT_KEYS:
                raise ConfigError(f"{here}: unknown key {key!r}{_suggest(key, ACCEPT_KEYS)}")
        fid, reason = entry.get("id"), entry.get("reason")
        if not isinstance(fid, str) or not fid.strip():
            raise ConfigError(f"{here}: id is required (the finding id shown in reports, like F1a2b3c4d5e)")
        fid = fid.strip()
        if not _FINDING_ID.match(fid):
            raise ConfigError(f"{here}: id {fid!r} is not a finding id (F followed by 10 hex digits)")
        if not isinstance(reason, str) or not reason.strip():
            raise ConfigError(f"{here}: reason is required for {fid} (say why the finding is acceptable)")
        if fid in seen:
            raise ConfigError(f"{here}: {fid} is accepted twice")
        seen.add(fid)
        out.append(Accepted(fid, _one_line(reason.strip())))
    return tuple(out)


# ------------------------------------------------------------------------------ the CLI


def merge_cli(
    config: GateConfig,
    *,
    fail_on: str | None = None,
    glossaries: Iterable[Path | str] = (),
    disable: Iterable[str] = (),
) -> GateConfig:
    """Apply command-line flags on top of the file policy.

    ``--fail-on`` replaces the configured severity; ``--glossary`` and ``--disable`` add
    to the configured lists (a flag cannot silently drop a newsroom glossary). CLI paths
    are taken as given (relative to the caller's working directory) and must exist.
    """
    if fail_on is not None:
        fail_on = _severity(fail_on, "--fail-on")
    extra: list[Path] = []
    for g in glossaries:
        p = Path(g)
        if not p.is_file():
            raise ConfigError(f"--glossary: glossary file not found: {g}")
        extra.append(p)
    extra_disable = _detectors(list(disable), "--disable")
    return replace(
        config,
        fail_on=fail_on if fail_on is not None else config.fail_on,
        glossaries=tuple(_unique([*config.glossaries, *extra])),
        disable=tuple(_unique([*config.disable, *extra_disable])),
    )


# ------------------------------------------------------------------------------ helpers


def _suggest(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest valid choice, or an empty string."""
    choices = tuple(choices)
    normalised = word.replace("_", "-").lower()
    if normalised in choices and normalised != word:
        return f" (did you mean {normalised!r}?)"
    close = difflib.get_close_matches(normalised, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _kind(value: object) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "an array", dict: "a table"}
    for t, name in names.items():
        if type(value) is t:
            return f"{name} ({_one_line(repr(value))[:60]})"
    return type(value).__name__


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _unique(items: Iterable) -> list:
    seen: set = set()
    out = []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out
