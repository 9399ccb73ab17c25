"""Every documented option of audit, compare, check, qe and batch, on the example and on
bad inputs: never a traceback, exit codes 0/1/2 only.

The options come from each command's ``--help`` (and the README's Commands section);
``test_every_help_option_is_exercised`` fails when a command gains an option this module
does not run. The commands run through ``auditor.cli.main``, the console script's entry
point, in this process (models load once, so the sweep stays fast); an exception other
than the CLI's own exit would reach the user as a traceback and fails the test here. A
few cases also run the installed ``auditor`` script in a subprocess.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "blinken-2023-06"
A = str(next(EXAMPLES.glob("000_*")))  # AFP copy (short)
B = str(next(EXAMPLES.glob("001_*")))  # AFP wire (long)
M = str(next(EXAMPLES.glob("004_*")))  # machine-translated reprint
E = str(EXAMPLES)
GLOSSARY = ROOT / "tests" / "fixtures" / "glossary"
DETECTORS = ("dates", "numbers", "terminology", "entities", "punctuation", "spelling", "untranslated", "omissions")

QE_SRC = ["The government announced new measures on Monday.", "Prices rose by three percent last year."]
QE_MT = ["Die Regierung kündigte am Montag neue Maßnahmen an.", "Die Preise stiegen im vergangenen Jahr um drei Prozent."]


@pytest.fixture()
def files(tmp_path: Path, monkeypatch) -> dict[str, str]:
    """Bad and small inputs in a scratch directory, which is also the working directory
    (reports/ defaults land there; no project config leaks into check)."""
    monkeypatch.chdir(tmp_path)
    f: dict[str, str] = {}

    def put(name: str, data: bytes | str) -> str:
        p = tmp_path / name
        p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        f[name] = str(p)
        return str(p)

    put("empty.txt", b"")
    put("binary.txt", bytes(range(256)) * 64)
    put("binary.bin", b"\x00\x01\x02\xff" * 500)
    (tmp_path / "emptydir").mkdir()
    f["emptydir"] = str(tmp_path / "emptydir")
    f["missing"] = str(tmp_path / "missing.txt")
    put("pairs.tsv", f"{B}\t{A}\n{B}\t{M}\n")
    put("pairs_bad.tsv", f"{B} {A}\n")
    put("pairs_empty.tsv", "# nothing\n")
    put("gate.toml", '[tool.auditor]\nfail-on = "critical"\ndisable = ["spelling"]\n')
    put("gate_bad.toml", '[tool.auditor]\nfail_on = "major"\n')
    put("gate_broken.toml", "[tool.auditor\n")
    # One sentence per line (--segmented): the AFP copy's first lines.
    lines = [ln.strip() for ln in Path(A).read_text(encoding="utf-8").splitlines() if len(ln.strip()) > 40][:6]
    put("seg.txt", "\n".join(lines) + "\n")
    put("src.en", "\n".join(QE_SRC) + "\n")
    put("mt.de", "\n".join(QE_MT) + "\n")
    put("mt_short.de", QE_MT[0] + "\n")
    (tmp_path / "notamodel").mkdir()
    f["notamodel"] = str(tmp_path / "notamodel")
    return f


def run(argv: list[str], capsys, *, stdin: bytes | None = None, monkeypatch=None) -> tuple[int, str, str]:
    """Exit code, stdout, stderr of ``auditor ARGV``; fails on a traceback or an odd code."""
    if stdin is not None:
        assert monkeypatch is not None
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own --help exit
        code = exc.code if isinstance(exc.code, int) else 0
    out, err = capsys.readouterr()
    assert "Traceback" not in out and "Traceback" not in err, (argv, err[-2000:])
    assert code in (0, 1, 2), (argv, code, err[-2000:])
    if code == 2:  # a usage or input error is one line naming the problem
        lines = [ln for ln in err.splitlines() if ln.startswith("auditor")]
        assert lines and "error" in lines[-1], (argv, err)
    return code, out, err


def _sweep(cases: list[tuple[list[str], set[int]]], files: dict[str, str], capsys) -> None:
    for argv, expected in cases:
        argv = [re.sub(r"\{([^}]+)\}", lambda m: files[m.group(1)], a) for a in argv]
        code, _, err = run(argv, capsys)
        assert code in expected, (argv, code, err[-1500:])


# --------------------------------------------------------------------------- audit


def test_audit_options_on_the_example(files, capsys) -> None:
    ok = {0, 1}
    _sweep([
        (["audit", E, "-q"], {0}),
        (["audit", E, "--lang", "es", "-q"], ok),  # forced language skips document detection
        (["audit", E, "--lang", "EN", "--no-qe", "-v", "--max-findings", "3", "--max-pairs", "2"], ok),
        (["audit", E, "--max-findings", "0", "--max-pairs", "0"], ok),
        (["audit", E, "--no-link", "-q"], ok),
        (["audit", M, "--source", B, "--encoder", "hashing", "--json", "r.json", "--html", "r.html", "-q"], ok),
        (["audit", A, B, "--json", "--html", "-q"], ok),  # default paths under reports/
        (["audit", E, "--fail-on", "minor", "-q"], {1}),
        (["audit", E, "--fail-on", "major", "-q"], {1}),
        (["audit", E, "--fail-on", "critical", "-q"], ok),
        (["audit", E, "-q", "--no-qe", *[x for d in DETECTORS for x in ("--disable", d)]], ok),
        (["audit", E, "-q", "--disable", "qe"], ok),
        (["audit", M, "--glossary", str(GLOSSARY / "desk.es-en.csv"), "--glossary", str(GLOSSARY / "v2.tbx"), "-q"], ok),
        (["audit", "{seg.txt}", A, "--segmented", "--encoder", "hashing", "-q"], ok),
    ], files, capsys)
    assert json.loads(Path("r.json").read_text(encoding="utf-8"))["schema"] == "auditor.report/1"
    assert Path("r.html").read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
    assert Path("reports/audit.json").is_file() and Path("reports/audit.html").is_file()


def test_audit_json_to_stdout_and_stdin(files, capsys, monkeypatch) -> None:
    code, out, _ = run(["audit", E, "--json", "-"], capsys)
    assert code == 0 and len(json.loads(out)["documents"]) == 5
    code, out, _ = run(["audit", "-", "--json", "-", "--no-qe"], capsys, stdin=Path(M).read_bytes(),
                       monkeypatch=monkeypatch)
    assert code == 0 and json.loads(out)["documents"][0]["id"] == "stdin"
    code, out, _ = run(["compare", "-", A, "--json", "-", "--no-qe"], capsys, stdin=Path(B).read_bytes(),
                       monkeypatch=monkeypatch)
    reprint = next(d for d in json.loads(out)["documents"] if d["id"] != "stdin")
    assert code == 0 and reprint["source"]["id"] == "stdin"


@pytest.mark.parametrize("encoder", ["auto", "use", "e5", "hashing"])
def test_audit_encoders(encoder, files, capsys) -> None:
    code, _, _ = run(["audit", A, B, "--encoder", encoder, "--no-qe", "-q"], capsys)
    assert code == 0


def test_audit_bad_inputs_and_flags(files, capsys) -> None:
    _sweep([
        (["audit", "{missing}"], {2}),
        (["audit", "{empty.txt}"], {2}),
        (["audit", "{binary.txt}"], {2}),
        (["audit", "{binary.bin}"], {2}),
        (["audit", "{emptydir}"], {2}),
        (["audit", "{empty.txt}", "{binary.txt}", "{missing}"], {2}),
        (["audit", A, "{missing}", "{binary.txt}", "-q"], {0}),  # readable ones audited, the rest reported
        (["audit"], {2}),
        (["audit", E, "--lang", "klingon"], {2}),
        (["audit", E, "--lang", ""], {2}),
        (["audit", E, "--fail-on", "huge"], {2}),
        (["audit", E, "--encoder", "word2vec"], {2}),
        (["audit", E, "--max-pairs", "many"], {2}),
        (["audit", E, "--max-findings", "1.5"], {2}),
        (["audit", E, "--glossary", "{missing}"], {2}),
        (["audit", E, "--glossary", str(GLOSSARY / "bad_header.csv")], {2}),
        (["audit", E, "--glossary", str(GLOSSARY / "bad_row.es-en.csv")], {2}),
        (["audit", E, "--glossary", "{binary.bin}"], {2}),
        (["audit", E, "--qe-model", "{notamodel}"], {2}),
        (["audit", E, "--qe-model", "{missing}"], {2}),
        (["audit", E, "--source", "{missing}"], {2}),
        (["audit", E, "--source", "{binary.txt}"], {2}),
        (["audit", E, "--disable", "nosuchdetector"], {2}),
        (["audit", E, "--disable", "spelling", "--disable", "omission"], {2}),
        (["audit", E, "--json", "{binary.txt}/r.json", "-q"], {2}),  # a file where a folder should be
        (["audit", E, "--html", "{binary.txt}/r.html", "-q"], {2}),
        (["audit", E, "--frobnicate"], {2}),
    ], files, capsys)


# --------------------------------------------------------------------------- compare


def test_compare_options(files, capsys) -> None:
    ok = {0, 1}
    _sweep([
        (["compare", B, A, "-q"], ok),
        (["compare", B, A, M, "--json", "c.json", "--html", "c.html", "--no-qe", "-v"], ok),
        (["compare", "--pairs", "{pairs.tsv}", "--json", "--encoder", "hashing", "-q"], ok),
        (["compare", B, M, "--lang", "en", "--fail-on", "minor", "--disable", "spelling", "-q"], {1}),
        (["compare", B, A, "--segmented", "--max-pairs", "1", "--max-findings", "1"], ok),
        (["compare", B, A, "--glossary", str(GLOSSARY / "desk.es-en.csv"), "--encoder", "use", "-q"], ok),
        # bad inputs and flags
        (["compare", B], {2}),
        (["compare"], {2}),
        (["compare", B, B], {2}),  # the source is not its own reprint
        (["compare", "{missing}", A], {2}),
        (["compare", B, "{missing}", "-q"], {0, 1, 2}),
        (["compare", "{empty.txt}", "{binary.txt}"], {2}),
        (["compare", "--pairs", "{missing}"], {2}),
        (["compare", "--pairs", "{pairs_bad.tsv}"], {2}),
        (["compare", "--pairs", "{pairs_empty.tsv}"], {2}),
        (["compare", "--pairs", "{pairs.tsv}", B, A], {2}),
        (["compare", B, A, "--lang", "xx-nope"], {2}),
        (["compare", B, A, "--encoder", "bogus"], {2}),
        (["compare", B, A, "--disable", "nosuchdetector"], {2}),
    ], files, capsys)
    assert Path("reports/compare.json").is_file()


# --------------------------------------------------------------------------- check


def test_check_options(files, capsys, monkeypatch) -> None:
    ok = {0, 1}
    _sweep([
        (["check", M], {1}),
        (["check", A, "--source", B], ok),
        (["check", A, M, "--source", B, "--format", "json", "--fail-on", "critical"], ok),
        (["check", M, "--format", "sarif"], ok),
        (["check", M, "--format", "junit", "--output", "out/check.xml"], ok),
        (["check", M, "-o", "check.txt", "--fail-on", "minor"], {1}),
        (["check", M, "--config", "{gate.toml}"], ok),
        (["check", M, "--lang", "en", "--disable", "spelling", "--disable", "qe"], ok),
        (["check", M, "--glossary", str(GLOSSARY / "desk.es-en.csv")], ok),
        # bad inputs and flags
        (["check", "{missing}"], {2}),
        (["check", "{empty.txt}"], {2}),
        (["check", "{binary.txt}"], {2}),
        (["check", "{emptydir}"], {2}),
        (["check", A, "--source", "{missing}"], {2}),
        (["check", A, "--source", "{binary.txt}"], {2}),
        (["check", A, "--source", A], {2}),
        (["check", M, "--format", "xml"], {2}),
        (["check", M, "--fail-on", "huge"], {2}),
        (["check", M, "--config", "{missing}"], {2}),
        (["check", M, "--config", "{gate_bad.toml}"], {2}),
        (["check", M, "--config", "{gate_broken.toml}"], {2}),
        (["check", M, "--lang", "klingon"], {2}),
        (["check", M, "--lang", ""], {2}),
        (["check", M, "--disable", "nosuchdetector"], {2}),
        (["check", M, "--qe-model", "{notamodel}"], {2}),
        (["check", M, "--glossary", "{missing}"], {2}),
        (["check", M, "-o", "{binary.txt}/x.txt"], {2}),
        (["check"], {2}),
    ], files, capsys)
    assert Path("out/check.xml").read_text(encoding="utf-8").startswith("<?xml")
    assert "FAIL" in Path("check.txt").read_text(encoding="utf-8")


def _script() -> list[str]:
    exe = Path(sys.executable).with_name("auditor")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "auditor"]


def test_check_reads_stdin(tmp_path) -> None:
    """``cat draft | auditor check -`` checks the draft (it said "stdin requested but not
    available"), alone or against a source; '-' may be the source; stdin is read once."""

    def check(*argv: str, stdin: str) -> subprocess.CompletedProcess:
        proc = subprocess.run([*_script(), "check", *argv], input=Path(stdin).read_bytes(), capture_output=True,
                              timeout=180, cwd=tmp_path)
        assert b"Traceback" not in proc.stderr + proc.stdout, proc.stderr
        return proc

    proc = check("-", "--format", "json", stdin=M)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert [d["id"] for d in report["documents"]] == ["stdin"] and report["errors"] == []
    assert "chancellor" in {f["text"] for d in report["documents"] for f in d["findings"] if f["severity"] == "major"}
    proc = check("-", "--source", B, stdin=A)
    assert proc.returncode == 0 and b"PASS" in proc.stdout, proc.stdout[-500:]
    proc = check(A, "--source", "-", "--format", "json", stdin=B)
    report = json.loads(proc.stdout)
    assert proc.returncode == 0 and report["documents"][0]["source"]["id"] == "stdin"
    proc = check("-", "-", stdin=A)
    assert proc.returncode == 2 and proc.stderr.decode().startswith("auditor: error:")


def test_unknown_detector_is_rejected_with_a_suggestion(capsys, tmp_path) -> None:
    from auditor.pipeline import DETECTORS as PIPELINE_DETECTORS

    for cmd in (["audit", A], ["compare", B, A], ["check", A], ["batch", A, "--out", str(tmp_path / "bd")]):
        code, _, err = run([*cmd, "--disable", "omission"], capsys)
        assert code == 2
        lines = err.strip().splitlines()
        assert len(lines) == 1 and "unknown detector 'omission'" in lines[0] and "did you mean 'omissions'" in lines[0]
        code, _, err = run([*cmd, "--disable", "nosuchdetector"], capsys)
        assert code == 2 and "did you mean" not in err and "spelling" in err  # the known names are listed
        code, out, _ = run([cmd[0], "--help"], capsys)
        assert code == 0
        listed = " ".join(out.split())  # argparse wraps the help text
        for name in (*PIPELINE_DETECTORS, "qe"):
            assert f" {name}," in listed or f" {name} " in listed, (cmd[0], name)


def test_disable_qe_is_no_qe() -> None:
    from auditor.cli import _config

    args = build_parser().parse_args(["audit", A, "--disable", "qe", "--disable", "dates"])
    args.source_path = None
    config = _config(args)
    assert config.qe is False and config.disabled == ("dates",)


# --------------------------------------------------------------------------- qe


def test_qe_options(files, capsys) -> None:
    base = ["qe", "--src", "{src.en}", "--mt", "{mt.de}"]
    _sweep([
        ([*base, "--src-lang", "en", "--mt-lang", "de"], {0}),
        ([*base, "--src-lang", "eng", "--mt-lang", "German", "--json", "q.json"], {0}),
        ([*base, "--src-lang", "en", "--mt-lang", "de", "--json"], {0}),
        ([*base, "--src-lang", "es", "--mt-lang", "fr"], {0}),  # a pair the model lacks: said, not scored
        # bad inputs and flags
        ([*base, "--src-lang", "en", "--mt-lang", "klingon"], {2}),
        ([*base, "--src-lang", "en"], {2}),
        (["qe", "--src", "{src.en}", "--mt", "{mt_short.de}", "--src-lang", "en", "--mt-lang", "de"], {2}),
        (["qe", "--src", "{empty.txt}", "--mt", "{empty.txt}", "--src-lang", "en", "--mt-lang", "de"], {2}),
        (["qe", "--src", "{missing}", "--mt", "{mt.de}", "--src-lang", "en", "--mt-lang", "de"], {2}),
        (["qe", "--src", "{binary.bin}", "--mt", "{mt.de}", "--src-lang", "en", "--mt-lang", "de"], {2}),
        (["qe", "--src", "{emptydir}", "--mt", "{mt.de}", "--src-lang", "en", "--mt-lang", "de"], {2}),
        ([*base, "--src-lang", "en", "--mt-lang", "de", "--qe-model", "{notamodel}"], {2}),
        ([*base, "--src-lang", "en", "--mt-lang", "de", "--qe-model", "{missing}"], {2}),
        ([*base, "--src-lang", "en", "--mt-lang", "de", "--json", "{binary.txt}/q.json"], {2}),
    ], files, capsys)
    code, out, _ = run(["qe", "--src", files["src.en"], "--mt", files["mt.de"], "--src-lang", "en",
                        "--mt-lang", "de", "--json", "-"], capsys)
    data = json.loads(out)
    assert code == 0 and len(data["segments"]) == 2
    assert json.loads(Path("q.json").read_text(encoding="utf-8"))["schema"] == "auditor.qe/1"
    assert Path("reports/qe.json").is_file()


def test_qe_help_has_the_coverage_note_after_the_examples(capsys) -> None:
    """``qe --help``: options, then every example, then the note on which pairs are covered."""
    code, out, _ = run(["qe", "--help"], capsys)
    assert code == 0
    after = out.splitlines()[out.splitlines().index("examples:") + 1:]
    examples = [i for i, ln in enumerate(after) if ln.startswith("  auditor qe ")]
    prose = [i for i, ln in enumerate(after) if ln.strip() and i not in examples]
    assert examples and prose and max(examples) < min(prose), out
    assert "QE not available" in " ".join(" ".join(after[i] for i in prose).split())


# --------------------------------------------------------------------------- batch


def test_batch_options(files, capsys, tmp_path) -> None:
    common = ["--encoder", "hashing", "--no-progress"]
    _sweep([
        (["batch", E, "--out", "b1", "-q", *common], {0}),
        (["batch", E, "--out", "b1", "-q", *common], {2}),  # a store exists: --resume or another --out
        (["batch", E, "--out", "b1", "--resume", *common], {0}),
        (["batch", E, "--out", "b2", "--jobs", "2", "--no-qe", "--lang", "en", "--disable", "spelling",
          "--max-cluster", "2", "--no-report", "-q", *common], {0}),
        (["batch", E, "--out", "b3", "--max-page-mb", "0.001", "--qe-model", "builtin-v2", "-q", *common],
         {0}),  # every page an error row
        (["batch", E, "--out", "b4", "-j", "1", "--engine", "local", "--encoder", "use", "--no-qe", "-q",
          "--no-progress"], {0}),
        (["batch", E, "--out", "b5", "--engine", "dask", "--jobs", "1", "--no-qe", "-q", *common], {0}),
        # bad inputs and flags
        (["batch", "{missing}", "--out", "b6", *common], {2}),
        (["batch", E, *common], {2}),  # --out is required
        (["batch", E, "--out", "{binary.txt}", *common], {2}),
        (["batch", E, "--out", "b7", "--jobs", "0", *common], {2}),
        (["batch", E, "--out", "b7", "--jobs", "two", *common], {2}),
        (["batch", E, "--out", "b7", "--engine", "spark", *common], {2}),
        (["batch", E, "--out", "b7", "--scheduler", "tcp://127.0.0.1:1", *common], {2}),
        (["batch", E, "--out", "b7", "--lang", "klingon", "-q", *common], {2}),
        (["batch", E, "--out", "b7", "--lang", "", "-q", *common], {2}),
        (["batch", E, "--out", "b7", "--encoder", "auto"], {2}),
        (["batch", E, "--out", "b7", "--max-page-mb", "0", *common], {2}),
        (["batch", E, "--out", "b7", "--max-cluster", "-3", *common], {2}),
        (["batch", "{emptydir}", "--out", "b8", "-q", *common], {0, 1, 2}),
        (["batch", "{empty.txt}", "{binary.bin}", "--out", "b9", "-q", *common], {0, 1, 2}),
        (["batch", E, "--out", "b7", "--disable", "nosuchdetector", "-q", *common], {2}),
        (["batch", E, "--out", "b7", "--disable", "spelling", "--disable", "omission", "-q", *common], {2}),
    ], files, capsys)
    assert (tmp_path / "b1" / "audit.sqlite").is_file() and (tmp_path / "b1" / "report.html").is_file()
    assert not (tmp_path / "b2" / "report.html").exists()
    assert not (tmp_path / "b7").exists()  # rejected before anything is written


def test_batch_lang_and_disable_are_checked_like_audit(files, capsys, monkeypatch) -> None:
    """batch rejects what audit rejects, with audit's message (one line, exit 2), and
    normalises a language name or code the same way."""
    for flag, value in (("--lang", "klingon"), ("--disable", "omission"), ("--disable", "nosuchdetector")):
        _, _, audit_err = run(["audit", A, flag, value, "-q"], capsys)
        code, _, err = run(["batch", E, "--out", "bl", flag, value, "--encoder", "hashing", "-q"], capsys)
        lines = err.strip().splitlines()
        assert code == 2 and len(lines) == 1, (flag, value, err)
        assert lines[0].split("error: ", 1)[1] == audit_err.strip().split("error: ", 1)[1], (lines, audit_err)
    args = build_parser().parse_args(["batch", E, "--out", "bl", "--lang", "Spanish", "--disable", "qe"])
    seen = {}

    def fake_run(inputs, out, config, progress=None):  # what batch would run, without running it
        seen["config"] = config
        raise ValueError("stopped before the run")

    import auditor.batch.runner as runner
    from auditor.batch.cli import run_batch

    monkeypatch.setattr(runner, "run_batch_audit", fake_run)
    assert run_batch(args) == 2 and "stopped before the run" in capsys.readouterr().err
    config = seen["config"]
    assert config.lang == "es" and config.qe is False and "qe" not in config.disabled


def test_batch_rejects_an_unknown_language(files, capsys) -> None:
    code, _, _ = run(["batch", E, "--out", "bl", "--lang", "klingon", "--encoder", "hashing", "-q"], capsys)
    assert code == 2


# --------------------------------------------------------------------------- coverage of --help


# What the sweeps above pass for each command (checked against the parsers' options).
EXERCISED = {
    "audit": "--source --no-link --lang --segmented --json --html --fail-on --encoder --disable --glossary "
             "--max-pairs --qe-model --no-qe -v --max-findings -q",
    "compare": "--pairs --lang --segmented --json --html --fail-on --encoder --disable --glossary --max-pairs "
               "--no-qe -v --max-findings -q --qe-model",
    "check": "--source --glossary --format --output -o --fail-on --config --lang --disable --qe-model",
    "qe": "--src --mt --src-lang --mt-lang --qe-model --json",
    "batch": "--out --jobs -j --resume --engine --scheduler --lang --encoder --no-qe --qe-model --disable --max-page-mb "
             "--max-cluster --no-report --no-progress -q",
}


def test_every_help_option_is_exercised() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for command, exercised in EXERCISED.items():
        p = sub.choices[command]
        documented = {s for a in p._actions for s in a.option_strings if a.help != "==SUPPRESS=="}
        documented -= {"-h", "--help"}
        names = set(exercised.split())
        # a short/long pair counts once when either spelling is exercised
        for a in p._actions:
            if set(a.option_strings) & names:
                names |= set(a.option_strings)
        missing = documented - names
        assert not missing, f"auditor {command}: options not exercised by this module: {sorted(missing)}"
        # and the README documents the command
        assert re.search(rf"^auditor {command}\b", README, re.M), command


README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_installed_script_end_to_end(tmp_path) -> None:
    """The console script itself: --lang es on the example, and bad input, in a fresh process."""
    cmd = _script()
    for argv, expected in (
        (["audit", E, "--lang", "es", "-q"], {0, 1}),
        (["audit", str(tmp_path / "missing.txt")], {2}),
        (["check", str(tmp_path / "missing.txt")], {2}),
    ):
        proc = subprocess.run([*cmd, *argv], capture_output=True, text=True, timeout=180, cwd=tmp_path)
        assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
        assert proc.returncode in expected, (argv, proc.returncode, proc.stderr)
