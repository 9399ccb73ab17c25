"""The command line end to end, on the example corpus and on bad inputs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "blinken-2023-06"


def run_json(args: list[str], capsys) -> tuple[int, dict]:
    code = main([*args, "--json", "-"])
    out = capsys.readouterr().out
    return code, json.loads(out)


@pytest.fixture(scope="module")
def corpus_report(tmp_path_factory) -> dict:
    dest = tmp_path_factory.mktemp("rep") / "r.json"
    assert main(["audit", str(EXAMPLES), "--json", str(dest), "--quiet"]) == 0
    return json.loads(dest.read_text(encoding="utf-8"))


def test_version_and_help_are_fast_and_light():
    out = subprocess.run([sys.executable, "-m", "auditor", "--version"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0 and out.stdout.startswith("auditor ")
    probe = "import sys; import auditor.cli as c; c.build_parser(); print(sorted(m for m in ('torch','transformers','rich','numpy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"
    out = subprocess.run([sys.executable, "-m", "auditor", "audit", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0 and "examples:" in out.stdout


def test_example_corpus_links_the_afp_copies(corpus_report):
    docs = {d["id"]: d for d in corpus_report["documents"]}
    assert corpus_report["schema"] == "auditor.report/1"
    assert len(docs) == 5 and corpus_report["errors"] == []
    afp = [k for k in docs if k.startswith(("000", "001"))]
    a, b = (docs[k] for k in afp)
    linked = [d for d in (a, b) if d["source"] and d["source"]["id"] in afp]
    assert linked, "000 and 001 must be linked as copies of each other"
    assert linked[0]["source"]["relation"] in ("verbatim_copy", "edited_copy")
    assert linked[0]["alignment"], "the copy's alignment must be reported"
    assert linked[0]["scores"]["chrf"] is not None and linked[0]["scores"]["source_coverage"] > 0
    d003 = next(d for k, d in docs.items() if k.startswith("003"))
    assert d003["source"] is None or d003["source"]["relation"] not in ("verbatim_copy", "edited_copy")
    for d in docs.values():
        if d["source"] and d["source"]["relation"] in ("verbatim_copy", "edited_copy"):
            assert not d["id"].startswith("003") and d["source"]["id"][:3] != "003"


def test_span_invariant_in_json(corpus_report):
    n = 0
    for d in corpus_report["documents"]:
        for f in d["findings"]:
            assert d["text"][f["start"] : f["end"]] == f["text"]
            n += 1
    assert n > 0


def test_bad_inputs_become_error_entries(tmp_path, capsys):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00" * 50)
    (tmp_path / "latin1.txt").write_bytes(
        "El canciller de México habló el lunes con la prensa sobre la canción del verano.\n".encode("latin-1"))
    (tmp_path / "nothing").mkdir()
    code, rep = run_json(["audit", str(tmp_path / "empty.txt"), str(tmp_path / "binary.txt"),
                          str(tmp_path / "latin1.txt"), str(tmp_path / "nothing"), str(tmp_path / "missing.txt")], capsys)
    assert code == 0
    reasons = {Path(e["path"]).name: e["reason"] for e in rep["errors"]}
    assert set(reasons) == {"empty.txt", "binary.txt", "nothing", "missing.txt"}
    assert len(rep["documents"]) == 1 and "canción" in rep["documents"][0]["text"]


def test_all_inputs_bad_is_exit_2_with_one_line(tmp_path, capsys):
    code = main(["audit", str(tmp_path / "missing.txt")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err


def test_usage_errors_exit_2(capsys):
    assert main(["audit"]) == 2
    assert main(["audit", str(EXAMPLES), "--lang", "klingon"]) == 2
    assert main(["frobnicate"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err


def test_markup_in_articles_is_printed_not_interpreted(tmp_path):
    art = tmp_path / "a.txt"
    art.write_text("The minister said [bold]nothing[/bold] about the [red]deal[/red] on Monday in Brussels.\n")
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "120"}
    out = subprocess.run([sys.executable, "-m", "auditor", "audit", str(art), str(art)], capture_output=True,
                         text=True, cwd=ROOT, env=env)
    assert out.returncode == 0, out.stderr
    assert "[bold]nothing[/bold]" in out.stdout
    assert "\x1b[" not in out.stdout  # not a TTY: no colour


def test_default_report_paths_under_reports(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code = main(["audit", str(EXAMPLES / "000_020213ffb606731c.txt"), "--json", "--html", "--quiet"])
    assert code == 0
    assert (tmp_path / "reports" / "audit.json").exists() and (tmp_path / "reports" / "audit.html").exists()


def test_compare_one_pair_and_pairs_file(tmp_path, capsys):
    a, b = EXAMPLES / "001_318b605aa1cf8430.txt", EXAMPLES / "000_020213ffb606731c.txt"
    code, rep = run_json(["compare", str(a), str(b)], capsys)
    assert code == 0
    rep_doc = next(d for d in rep["documents"] if d["path"] == str(b))
    assert rep_doc["source"]["id"] == "001_318b605aa1cf8430"
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(f"{a}\t{b}\n{a}\t{EXAMPLES / '003_395f7e35265b66e0.txt'}\n")
    code, rep = run_json(["compare", "--pairs", str(pairs)], capsys)
    assert code == 0 and sum(1 for d in rep["documents"] if d["source"]) == 2
    bad = tmp_path / "bad.tsv"
    bad.write_text("only-one-column\n")
    assert main(["compare", "--pairs", str(bad)]) == 2


def test_segmented_input_uses_line_numbers(tmp_path, capsys):
    en = tmp_path / "en.txt"
    es = tmp_path / "es.txt"
    en.write_text("The talks lasted five hours.\nBlinken met Xi in Beijing on Monday.\nBoth sides said they made progress.\n")
    es.write_text("Las conversaciones duraron cinco horas.\nBlinken se reunió con Xi en Pekín el lunes.\n"
                  "Ambas partes dijeron que habían avanzado.\n")
    code, rep = run_json(["compare", str(en), str(es), "--segmented"], capsys)
    d = next(d for d in rep["documents"] if d["path"] == str(es))
    assert [(p["source"], p["reprint"]) for p in d["alignment"]] == [([0], [0]), ([1], [1]), ([2], [2])]


def test_no_link_judges_each_file_alone(capsys):
    files = sorted(str(p) for p in EXAMPLES.glob("00[01]_*"))
    code, rep = run_json(["audit", "--no-link", *files], capsys)
    assert code == 0 and len(rep["documents"]) == 2
    for d in rep["documents"]:
        assert d["source"] is None and d["alignment"] == []
        assert d["verdict"]["mode"] == "text_only" and d["verdict"]["label"] == "original"
