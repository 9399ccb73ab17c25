"""``auditor qe``: line-aligned files in, ``auditor.qe/1`` JSON out, clear usage errors."""

from __future__ import annotations

import json

from auditor.cli import main


def _files(tmp_path, src_lines, mt_lines):
    src, mt = tmp_path / "src.es", tmp_path / "mt.en"
    src.write_text("".join(f"{s}\n" for s in src_lines), encoding="utf-8")
    mt.write_text("".join(f"{s}\n" for s in mt_lines), encoding="utf-8")
    return str(src), str(mt)


def test_qe_json_contract_in_line_order(tmp_path, capsys):
    src, mt = _files(tmp_path, ["Cancelarul chinez a vorbit astăzi cu presa.", "Întâlnirea a durat șapte ore."],
                     ["The Chinese chancellor spoke to the press today.", "The meeting lasted seven hours."])
    assert main(["qe", "--src", src, "--mt", mt, "--src-lang", "ro", "--mt-lang", "en", "--json", "-",
                 "--qe-model", "builtin-v1"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["schema"] == "auditor.qe/1"
    assert out["available"] is True and out["reason"] is None and "ro-en" in out["covered_pairs"]
    assert len(out["segments"]) == 2 and 0.0 <= out["system_score"] <= 1.0
    mt_lines = ["The Chinese chancellor spoke to the press today.", "The meeting lasted seven hours."]
    for seg, line in zip(out["segments"], mt_lines):
        assert 0.0 <= seg["score"] <= 1.0
        for sp in seg["spans"]:
            assert line[sp["start"] : sp["end"]] == sp["text"] and 0.0 <= sp["p_error"] <= 1.0


def test_qe_usage_errors(tmp_path, capsys):
    src, mt = _files(tmp_path, ["uno", "dos"], ["one"])
    assert main(["qe", "--src", src, "--mt", mt, "--src-lang", "es", "--mt-lang", "en"]) == 2
    assert "line-aligned" in capsys.readouterr().err
    src, mt = _files(tmp_path, ["uno"], ["one"])
    assert main(["qe", "--src", src, "--mt", mt, "--src-lang", "xx", "--mt-lang", "en"]) == 2
    assert "unknown language" in capsys.readouterr().err
    assert main(["qe", "--src", str(tmp_path / "nope"), "--mt", mt, "--src-lang", "es", "--mt-lang", "en"]) == 2
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    assert main(["qe", "--src", str(empty), "--mt", str(empty), "--src-lang", "es", "--mt-lang", "en"]) == 2
    assert main(["qe", "--src", src, "--mt", mt, "--src-lang", "es", "--mt-lang", "en",
                 "--qe-model", str(tmp_path / "missing-model")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "missing-model" in err


def test_qe_uncovered_pair_says_so_in_json_and_text(tmp_path, capsys):
    src, mt = _files(tmp_path, ["El canciller chino habló hoy con la prensa.", "La reunión duró siete horas."],
                     ["The Chinese chancellor spoke to the press today.", "The meeting lasted seven hours."])
    assert main(["qe", "--src", src, "--mt", mt, "--src-lang", "es", "--mt-lang", "en", "--json", "-",
                 "--qe-model", "builtin-v1"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["available"] is False and out["reason"] == "QE not available for es→en"
    assert out["system_score"] is None and [s["score"] for s in out["segments"]] == [None, None]
    assert all(s["spans"] == [] for s in out["segments"]) and "es-en" not in out["covered_pairs"]
    assert main(["qe", "--src", src, "--mt", mt, "--src-lang", "es", "--mt-lang", "en", "--qe-model", "builtin-v1"]) == 0
    text = capsys.readouterr().out
    assert "QE not available for es→en" in text and "ro→en" in text
    assert "0." not in text  # no score of any kind is printed
