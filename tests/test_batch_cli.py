"""``auditor batch`` entry points: parser registration, usage errors, a full small run."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.batch.cli import add_batch_parser, run_batch
from tests.fixtures.batch.make import write_dir

ROOT = Path(__file__).resolve().parent.parent


def _parse(argv):
    parser = argparse.ArgumentParser(prog="auditor")
    sub = parser.add_subparsers(dest="command")
    add_batch_parser(sub)
    return parser.parse_args(["batch", *argv])


def test_module_imports_only_the_standard_library():
    code = ("import sys, auditor.batch.cli; heavy = [m for m in ('numpy', 'torch', 'rich', 'warcio', 'datasketch', "
            "'trafilatura', 'distributed') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_parser_defaults():
    a = _parse(["x.warc.gz", "--out", "d"])
    assert (a.jobs, a.engine, a.resume, a.scheduler) == (1, "local", False, None)


@pytest.mark.parametrize("argv,needle", [
    (["--jobs", "0"], "--jobs"),
    (["--scheduler", "tcp://h:1"], "--engine dask"),
])
def test_usage_errors_are_one_line_exit_2(tmp_path, capsys, argv, needle):
    d = write_dir(tmp_path / "p", n=1)
    assert run_batch(_parse([str(d), "--out", str(tmp_path / "o"), *argv])) == 2
    err = capsys.readouterr().err.strip()
    assert needle in err and "\n" not in err and "Traceback" not in err


def test_missing_input_and_existing_store(tmp_path, capsys):
    assert run_batch(_parse([str(tmp_path / "nope"), "--out", str(tmp_path / "o")])) == 2
    d = write_dir(tmp_path / "p", n=2)
    args = ["--out", str(tmp_path / "o"), "--encoder", "hashing", "--no-qe", "-q"]
    assert run_batch(_parse([str(d), *args])) == 0
    assert (tmp_path / "o" / "report.html").exists() and (tmp_path / "o" / "results.jsonl").exists()
    capsys.readouterr()
    assert run_batch(_parse([str(d), *args])) == 2
    assert "--resume" in capsys.readouterr().err
    assert run_batch(_parse([str(d), *args, "--resume"])) == 0


def test_terminal_summary(tmp_path, capsys):
    d = write_dir(tmp_path / "p", n=2)
    (d / "bin.html").write_bytes(b"\x00" * 100)
    assert run_batch(_parse([str(d), "--out", str(tmp_path / "o"), "--encoder", "hashing", "--no-qe"])) == 0
    out = capsys.readouterr().out
    assert "articles" in out and "binary file" in out and "report:" in out
