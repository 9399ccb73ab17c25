"""Gate configuration: discovery, precedence, validation messages, CLI merging."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.gate.config import (
    Accepted,
    ConfigError,
    GateConfig,
    find_config,
    load_config,
    merge_cli,
)

GOOD_ID = "F0123456789"
OTHER_ID = "Fabcdefabcd"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An isolated directory tree (tmp_path has no config in its parents we control)."""
    root = tmp_path / "repo"
    root.mkdir()
    return root


# ------------------------------------------------------------------------- discovery


def test_defaults_when_no_config(project: Path) -> None:
    cfg = load_config(cwd=project)
    assert cfg == GateConfig()
    assert cfg.fail_on == "major" and cfg.min_qe is None and cfg.accept == ()


def test_auditor_toml_in_parent_is_found(project: Path) -> None:
    write(project / "auditor.toml", 'fail-on = "critical"\n')
    sub = project / "drafts" / "2023"
    sub.mkdir(parents=True)
    cfg = load_config(cwd=sub)
    assert cfg.fail_on == "critical"
    assert cfg.origin == (project / "auditor.toml").resolve()


def test_pyproject_tool_table(project: Path) -> None:
    write(
        project / "pyproject.toml",
        '[project]\nname = "x"\n\n[tool.auditor]\nfail-on = "minor"\nmin-qe = 0.5\nmax-p-mt = 1\n'
        f'[[tool.auditor.accept]]\nid = "{GOOD_ID}"\nreason = "house style"\n',
    )
    cfg = load_config(cwd=project)
    assert cfg.fail_on == "minor"
    assert cfg.min_qe == 0.5 and cfg.max_p_mt == 1.0 and isinstance(cfg.max_p_mt, float)
    assert cfg.accept == (Accepted(GOOD_ID, "house style"),)


def test_auditor_toml_wins_over_pyproject_in_same_dir(project: Path) -> None:
    write(project / "pyproject.toml", '[tool.auditor]\nfail-on = "minor"\n')
    write(project / "auditor.toml", 'fail-on = "critical"\n')
    assert load_config(cwd=project).fail_on == "critical"


def test_nearest_config_wins(project: Path) -> None:
    write(project / "auditor.toml", 'fail-on = "critical"\n')
    write(project / "sub" / "pyproject.toml", '[tool.auditor]\nfail-on = "minor"\n')
    assert load_config(cwd=project / "sub").fail_on == "minor"


def test_pyproject_without_table_is_skipped(project: Path) -> None:
    write(project / "auditor.toml", 'fail-on = "critical"\n')
    write(project / "sub" / "pyproject.toml", '[project]\nname = "x"\n')
    assert find_config(project / "sub") == (project / "auditor.toml").resolve()
    assert load_config(cwd=project / "sub").fail_on == "critical"


def test_explicit_path_beats_discovery(project: Path) -> None:
    write(project / "auditor.toml", 'fail-on = "critical"\n')
    other = write(project / "ci" / "strict.toml", 'fail-on = "minor"\n')
    assert load_config(other, cwd=project).fail_on == "minor"
    assert load_config(Path("ci/strict.toml"), cwd=project).fail_on == "minor"


def test_explicit_file_with_tool_table(project: Path) -> None:
    p = write(project / "ci.toml", '[tool.auditor]\nfail-on = "critical"\n')
    assert load_config(p, cwd=project).fail_on == "critical"


def test_explicit_pyproject_needs_table(project: Path) -> None:
    p = write(project / "pyproject.toml", '[project]\nname = "x"\n')
    with pytest.raises(ConfigError, match=r"pyproject\.toml: no \[tool\.auditor\] table"):
        load_config(p, cwd=project)


def test_explicit_missing_file(project: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(Path("nope.toml"), cwd=project)


def test_glossaries_relative_to_config_file(project: Path) -> None:
    g = write(project / "glossaries" / "newsroom.es-en.csv", "source_term,target_term,forbidden,note,context\n")
    write(project / "auditor.toml", 'glossaries = ["glossaries/newsroom.es-en.csv"]\ndisable = ["spelling", "qe"]\n')
    cfg = load_config(cwd=project / "glossaries")  # cwd elsewhere: still resolved from the file
    assert cfg.glossaries == (g.resolve(),)
    assert cfg.disable == ("spelling", "qe")


# ------------------------------------------------------------------------ validation


def bad(project: Path, text: str) -> str:
    write(project / "auditor.toml", text)
    with pytest.raises(ConfigError) as info:
        load_config(cwd=project)
    msg = str(info.value)
    assert "\n" not in msg and "auditor.toml" in msg
    return msg


def test_unknown_key_suggests_closest(project: Path) -> None:
    msg = bad(project, 'fail-onn = "major"\n')
    assert "fail-onn" in msg and "unknown key" in msg and "did you mean 'fail-on'" in msg


def test_underscore_spelling_suggests_hyphen(project: Path) -> None:
    msg = bad(project, "min_qe = 0.5\n")
    assert "did you mean 'min-qe'" in msg


def test_unknown_key_without_close_match(project: Path) -> None:
    msg = bad(project, "colour = 1\n")
    assert "unknown key" in msg and "did you mean" not in msg


def test_unknown_key_in_pyproject_names_table(project: Path) -> None:
    write(project / "pyproject.toml", "[tool.auditor]\nmax-pmt = 0.5\n")
    with pytest.raises(ConfigError, match=r"pyproject\.toml: tool\.auditor\.max-pmt: unknown key.*'max-p-mt'"):
        load_config(cwd=project)


@pytest.mark.parametrize(
    "text, needle",
    [
        ('min-qe = "high"\n', "min-qe: expected a number between 0 and 1, got a string"),
        ("max-p-mt = true\n", "max-p-mt: expected a number between 0 and 1, got a boolean"),
        ('glossaries = "a.csv"\n', "glossaries: expected a list of paths"),
        ("disable = [1]\n", "disable: expected a list of detector names"),
        ("fail-on = 2\n", "fail-on: expected one of minor, major, critical, got an integer"),
        ('accept = "F0123456789"\n', "accept: expected an array of tables"),
    ],
)
def test_wrong_types(project: Path, text: str, needle: str) -> None:
    assert needle in bad(project, text)


@pytest.mark.parametrize("text", ["min-qe = 1.5\n", "max-p-mt = -0.1\n", "min-qe = 2\n"])
def test_threshold_out_of_range(project: Path, text: str) -> None:
    assert "out of range" in bad(project, text)


def test_thresholds_at_bounds_are_fine(project: Path) -> None:
    write(project / "auditor.toml", "min-qe = 0\nmax-p-mt = 1.0\n")
    cfg = load_config(cwd=project)
    assert cfg.min_qe == 0.0 and cfg.max_p_mt == 1.0


def test_bad_severity_suggests(project: Path) -> None:
    msg = bad(project, 'fail-on = "majr"\n')
    assert "bad severity 'majr'" in msg and "did you mean 'major'" in msg


def test_missing_glossary(project: Path) -> None:
    msg = bad(project, 'glossaries = ["missing.csv"]\n')
    assert "glossaries: glossary file not found: missing.csv" in msg


def test_unknown_detector_suggests(project: Path) -> None:
    msg = bad(project, 'disable = ["spellling"]\n')
    assert "unknown detector 'spellling'" in msg and "did you mean 'spelling'" in msg


@pytest.mark.parametrize(
    "entry, needle",
    [
        (f'id = "{GOOD_ID}"\n', "reason is required"),
        (f'id = "{GOOD_ID}"\nreason = "   "\n', "reason is required"),
        ('reason = "fine"\n', "id is required"),
        ('id = "chancellor"\nreason = "fine"\n', "is not a finding id"),
        (f'id = "{GOOD_ID}"\nreason = "x"\nreasn = "y"\n', "unknown key 'reasn' (did you mean 'reason'?)"),
    ],
)
def test_bad_acceptances(project: Path, entry: str, needle: str) -> None:
    msg = bad(project, "[[accept]]\n" + entry)
    assert needle in msg and "accept[0]" in msg


def test_duplicate_acceptance(project: Path) -> None:
    entry = f'[[accept]]\nid = "{GOOD_ID}"\nreason = "a"\n'
    assert "accepted twice" in bad(project, entry + entry)


def test_invalid_toml_is_one_line(project: Path) -> None:
    assert "invalid TOML" in bad(project, "fail-on = \n")


# ------------------------------------------------------------------------- merge_cli


def test_merge_cli_overrides_and_extends(project: Path) -> None:
    g1 = write(project / "a.csv", "x\n")
    g2 = write(project / "b.csv", "x\n")
    cfg = GateConfig(fail_on="critical", glossaries=(g1,), disable=("dates",), accept=(Accepted(OTHER_ID, "r"),))
    merged = merge_cli(cfg, fail_on="minor", glossaries=[g2, g1], disable=["spelling", "dates"])
    assert merged.fail_on == "minor"
    assert merged.glossaries == (g1, g2)
    assert merged.disable == ("dates", "spelling")
    assert merged.accept == cfg.accept
    assert merge_cli(cfg) == cfg


def test_merge_cli_validates(project: Path) -> None:
    with pytest.raises(ConfigError, match="--fail-on: bad severity 'fatal'"):
        merge_cli(GateConfig(), fail_on="fatal")
    with pytest.raises(ConfigError, match="--glossary: glossary file not found"):
        merge_cli(GateConfig(), glossaries=[project / "none.csv"])
    with pytest.raises(ConfigError, match="--disable: unknown detector 'date'.*'dates'"):
        merge_cli(GateConfig(), disable=["date"])


# ------------------------------------------------------------------ detector names


def test_disable_accepts_exactly_the_pipelines_detectors_and_qe(project: Path) -> None:
    """One list of detectors: the pipeline's. The gate file, ``check --disable`` and
    ``audit --disable`` accept the same names, and nothing else."""
    from auditor.cli import detector_names
    from auditor.gate.config import DETECTOR_NAMES
    from auditor.pipeline import DETECTORS

    assert DETECTOR_NAMES == (*DETECTORS, "qe") == detector_names()
    names = ", ".join(f'"{n}"' for n in DETECTOR_NAMES)
    write(project / "auditor.toml", f"disable = [{names}]\n")
    assert load_config(cwd=project).disable == DETECTOR_NAMES
    assert merge_cli(GateConfig(), disable=DETECTOR_NAMES).disable == DETECTOR_NAMES


def test_gate_config_imports_no_heavy_library_and_no_cycle() -> None:
    """The gate config reads the pipeline's list without loading a model library, from a
    fresh process, whichever of the two modules is imported first."""
    import subprocess
    import sys

    for first in ("auditor.gate.config", "auditor.pipeline", "auditor.gate"):
        probe = (f"import sys, importlib; importlib.import_module('{first}'); import auditor.gate.config as c; "
                 "print(len(c.DETECTOR_NAMES), sorted(m for m in ('torch', 'transformers', 'numpy', 'rich') "
                 "if m in sys.modules))")
        out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        count, heavy = out.stdout.split(" ", 1)
        assert int(count) >= 2 and heavy.strip() == "[]", (first, out.stdout)
