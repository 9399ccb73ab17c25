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
    src, mt = _files(tmp_path, ["El canciller chino habló hoy con la prensa.", "La reunión duró siete horas."],
                     ["The Chinese chancellor spoke to the press today.", "The meeting lasted seven hours."])
    assert main(["qe", "--src", src, "--mt", mt, "--src-lang", "es", "--mt-lang", "en", "--json", "-"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["schema"] == "auditor.qe/1"
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
