"""Tests for auditor.qe: interface contract, built-in model, external checkpoints."""

from __future__ import annotations

import csv
import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest

from auditor.qe import ErrorSpan, QEModelError, QEResult, load_qe_model
from auditor.qe.builtin import default_model_dir
from auditor.qe.data import read_pe
from auditor.qe.external import windows
from auditor.qe.lexicon import Lexicon, build_lexicon
from auditor.qe.tokens import tokenize

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "mlqe-pe"
BUILTIN = default_model_dir()


@pytest.fixture(scope="module")
def fast_model():
    """The built-in model without the sentence encoder (fast; same code path otherwise)."""
    return load_qe_model("builtin-v1", use_embeddings=False)


@pytest.fixture(scope="module")
def full_model():
    return load_qe_model(str(BUILTIN))


# ---------------------------------------------------------------- tokens / helpers


@pytest.mark.parametrize(
    "text",
    ["Hello, world! It's 1,000.5 km at 18:30.", "汉密尔顿 在 乔治 · 华盛顿", "මෙම ශාක වලට අමතරව, සයිප්\u200dරස්", "नेपाल मा स्वागत छ", "", "   "],
)
def test_tokenize_offsets(text):
    for s, e, tok in tokenize(text):
        assert text[s:e] == tok and tok.strip() == tok and tok


def test_tokenize_keeps_indic_words_whole():
    assert [t for _, _, t in tokenize("नेपाल मा स्वागत छ")] == ["नेपाल", "मा", "स्वागत", "छ"]
    assert [t for _, _, t in tokenize("1,000.5 km")] == ["1,000.5", "km"]


def test_windows_cover_everything():
    for n in (0, 1, 7, 100):
        for count in (1, 2, 5):
            ws = windows(n, count, 2)
            assert len(ws) == count
            covered = set()
            for a, b in ws:
                covered.update(range(a, b))
            assert covered == set(range(n))


def test_lexicon_roundtrip(tmp_path):
    lex = build_lexicon("en-de", [(["the", "cat"], ["die", "katze"], [(0, 0), (1, 1)])] * 3)
    lex.prune()
    lex.save(tmp_path / "x.tsv.gz")
    back = Lexicon.load("en-de", tmp_path / "x.tsv.gz")
    assert back.p_t_given_s("cat", "katze") == pytest.approx(1.0)
    assert back.p_t_given_s("cat", "die") == 0.0
    assert back.tgt_uni["katze"] == 3


def test_read_pe_takes_word_tags_only(tmp_path):
    d = tmp_path / "post-editing" / "dev" / "xx-en-dev"
    d.mkdir(parents=True)
    (d / "dev.src").write_text("a b\n")
    (d / "dev.mt").write_text("A B C\n")
    # gap, A, gap, B, gap, C, gap
    (d / "dev.tags").write_text("BAD OK BAD BAD OK OK OK\n")
    (d / "dev.src-mt.alignments").write_text("0-0 1-1\n")
    (seg,) = read_pe(tmp_path, "xx-en", "dev")
    assert seg.mt_bad == [False, True, False]
    assert seg.links == [(0, 0), (1, 1)]


# ---------------------------------------------------------------- interface contract


def _check_result(res: QEResult, translations: list[str]) -> None:
    assert isinstance(res, QEResult)
    assert len(res.scores) == len(res.spans) == len(res.word_probs) == len(translations)
    for sc in res.scores:
        assert isinstance(sc, float) and 0.0 <= sc <= 1.0
    for tr, spans, probs in zip(translations, res.spans, res.word_probs):
        for sp in spans:
            assert isinstance(sp, ErrorSpan)
            assert tr[sp.start : sp.end] == sp.text and sp.p_error > 0.5
        for s, e, p in probs:
            assert 0 <= s < e <= len(tr) and 0.0 <= p <= 1.0
    if res.scores:
        assert res.system_score == pytest.approx(sum(res.scores) / len(res.scores))
    assert res.signature


def test_builtin_predict_contract(fast_model):
    srcs = ["The president met the foreign minister on Monday.", "Prices rose 3.5% in June."]
    tgts = ["Der Präsident traf am Montag den Außenminister.", "Die Preise stiegen im Juni um 7 %."]
    res = fast_model.predict(srcs, tgts, "en", "de")
    _check_result(res, tgts)
    assert "qe-builtin" in res.signature and "emb:none" in res.signature
    assert all(len(p) == len(tokenize(t)) for p, t in zip(res.word_probs, tgts))


def test_builtin_deterministic(full_model):
    srcs = ["The president met the foreign minister on Monday."] * 2
    tgts = ["Der Präsident traf am Montag den Außenminister.", "Der Kanzler traf Dienstag."]
    a = full_model.predict(srcs, tgts, "en", "de")
    b = full_model.predict(srcs, tgts, "en", "de")
    assert a == b
    # batching changes only float rounding inside the encoder
    c = full_model.predict(srcs, tgts, "en", "de", batch_size=1)
    assert c.scores == pytest.approx(a.scores, abs=1e-3)
    assert "emb:use-v3" in a.signature


def test_empty_inputs(fast_model):
    res = fast_model.predict(["", "Hello there.", ""], ["", "", "Hallo."], "en", "de")
    _check_result(res, ["", "", "Hallo."])
    assert res.spans[0] == [] and res.spans[1] == [] and res.word_probs[0] == []
    assert res.scores[1] == 0.0
    empty = fast_model.predict([], [], "en", "de")
    assert empty.scores == [] and empty.system_score == 0.0


def test_uncovered_pair_gets_no_score(fast_model):
    """v1 gave 0.6098 to every es→en segment; now it says the pair is not covered."""
    res = fast_model.predict(["El canciller chino habló.", "Llueve."], ["The Chinese chancellor spoke.", "x"], "es", "en")
    assert res.available is False and res.reason == "QE not available for es→en"
    assert res.scores == [None, None] and res.system_score is None
    assert res.spans == [[], []] and res.word_probs == [[], []]
    assert "es-en" not in fast_model.covered_pairs() and "ro-en" in fast_model.covered_pairs()
    covered = fast_model.predict(["Plouă."], ["It is raining."], "ro", "en")
    assert covered.available and covered.reason is None and isinstance(covered.scores[0], float)


def test_degenerate_feature_std_cannot_explode(fast_model):
    """``lex_avail`` has std 1e-6 in config.json: a missing lexicon must not become -1e6."""
    import numpy as np

    from auditor.qe.builtin import Z_CLIP
    from auditor.qe.features import SEGMENT_FEATURES, batch_features

    raw = json.loads((BUILTIN / "config.json").read_text(encoding="utf-8"))["auditor_qe"]
    assert min(raw["segment_std"]) < 1e-3  # the shipped constant that caused the saturation
    assert float(fast_model.seg_std.min()) >= 1e-3 and float(fast_model.word_std.min()) >= 1e-3
    feats = batch_features(["Der Hund schläft."], ["The dog sleeps."], None, None)
    seg = (feats[0].segment - fast_model.seg_mean) / fast_model.seg_std
    assert abs(float(seg[SEGMENT_FEATURES.index("lex_avail")])) <= 1.0 + 1e-6
    z, probs = fast_model.run(feats, 0)
    assert np.all(np.isfinite(z)) and all(np.all(np.isfinite(p)) for p in probs)
    assert Z_CLIP > 0


COVERED_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "qe_covered_pairs.json"


@pytest.mark.parametrize("pair", json.loads(COVERED_FIXTURE.read_text(encoding="utf-8")))
def test_scores_vary_and_rank_on_every_covered_pair(fast_model, pair):
    """Correct translation > unrelated sentence and > untranslated copy, on every covered pair.

    The five best-rated 8-20-word MLQE-PE dev segments of the pair (CC0; first five by
    ``z_mean``, not chosen for this test): each paired with its own translation, with the
    next segment's translation (unrelated) and with its own source (untranslated copy).
    A model that answers a constant fails: the scores must spread and rank.
    """
    rows = json.loads(COVERED_FIXTURE.read_text(encoding="utf-8"))[pair]
    sl, tl = pair.split("-")
    assert pair in fast_model.covered_pairs()
    srcs = [r["source"] for r in rows]
    good = [r["translation"] for r in rows]
    unrelated = good[1:] + good[:1]
    right = fast_model.predict(srcs, good, sl, tl).scores
    wrong = fast_model.predict(srcs, unrelated, sl, tl).scores
    copy = fast_model.predict(srcs, srcs, sl, tl).scores
    every = right + wrong + copy
    assert max(every) - min(every) >= 0.1, f"{pair}: scores barely vary ({min(every):.3f}..{max(every):.3f})"
    assert len({round(x, 4) for x in every}) >= 10
    assert sum(right) > sum(wrong) and sum(right) > sum(copy)
    assert sum(a > b for a, b in zip(right, wrong)) >= 3
    assert sum(a > b for a, b in zip(right, copy)) >= 3


def test_bad_language_codes(fast_model):
    with pytest.raises(ValueError, match="unknown language code 'xx'"):
        fast_model.predict(["a"], ["b"], "xx", "en")
    with pytest.raises(ValueError, match="unknown language code"):
        fast_model.predict(["a"], ["b"], "en", "")


def test_mismatched_lengths(fast_model):
    with pytest.raises(ValueError, match="pair up"):
        fast_model.predict(["a", "b"], ["c"], "en", "de")
    with pytest.raises(TypeError):
        fast_model.predict("abc", "abd", "en", "de")


def test_very_long_input_not_truncated(full_model):
    words = ("the minister said that the talks were constructive and frank " * 500).split()[:5000]
    src = " ".join(words)
    tgt = " ".join(words[:-1]) + " Zzqxw"
    res = full_model.predict([src], [tgt], "en", "de")  # a covered pair (en→en is not)
    _check_result(res, [tgt])
    probs = res.word_probs[0]
    assert len(probs) == 5000
    last = probs[-1]
    assert tgt[last[0] : last[1]] == "Zzqxw"


def test_better_translation_scores_higher(fast_model):
    """Sanity on real ro-en dev data: the best-rated translations beat mismatched ones."""
    tgz = DATA / "direct-assessments" / "dev" / "ro-en-dev.tar.gz"
    if not tgz.exists():
        pytest.skip("MLQE-PE data not available")
    with tarfile.open(tgz) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith(".tsv"))
        text = tar.extractfile(member).read().decode("utf-8")
    csv.field_size_limit(10**9)
    rows = list(csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))[:200]
    rows.sort(key=lambda r: -float(r["z_mean"]))
    good = rows[:20]
    srcs = [r["original"] for r in good]
    right = [r["translation"] for r in good]
    garbage = right[1:] + right[:1]  # each source paired with another sentence's translation
    a = fast_model.predict(srcs, right, "ro", "en")
    b = fast_model.predict(srcs, garbage, "ro", "en")
    assert a.system_score > b.system_score
    assert sum(x > y for x, y in zip(a.scores, b.scores)) >= 15


def test_number_change_flagged_word(fast_model):
    src = "The bridge is 120 metres long and was opened in 1998."
    ok = "Die Brücke ist 120 Meter lang und wurde 1998 eröffnet."
    bad = "Die Brücke ist 450 Meter lang und wurde 1998 eröffnet."
    res = fast_model.predict([src, src], [ok, bad], "en", "de")
    p_ok = {ok[s:e]: p for s, e, p in res.word_probs[0]}
    p_bad = {bad[s:e]: p for s, e, p in res.word_probs[1]}
    assert p_bad["450"] > p_ok["120"]


# ---------------------------------------------------------------- loading / errors


def test_missing_dir():
    with pytest.raises(QEModelError, match="does not exist"):
        load_qe_model("/nonexistent/qe-model")


def test_unrecognised_dir(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(QEModelError, match="no recognisable QE model"):
        load_qe_model(tmp_path)


def test_malformed_config(tmp_path):
    (tmp_path / "config.json").write_text("{not json")
    with pytest.raises(QEModelError, match="malformed config.json") as err:
        load_qe_model(tmp_path)
    assert "\n" not in str(err.value)


def test_malformed_builtin_weights(tmp_path):
    target = tmp_path / "m"
    shutil.copytree(BUILTIN, target)
    (target / "model.safetensors").write_bytes(b"\x00garbage")
    with pytest.raises(QEModelError, match="not a usable auditor QE model") as err:
        load_qe_model(target)
    assert "\n" not in str(err.value)


def test_builtin_wrong_feature_list(tmp_path):
    target = tmp_path / "m"
    shutil.copytree(BUILTIN, target)
    cfg = json.loads((target / "config.json").read_text())
    cfg["auditor_qe"]["segment_features"] = ["x"]
    (target / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(QEModelError, match="retrain"):
        load_qe_model(target)


def test_comet_dir_without_package(tmp_path):
    (tmp_path / "checkpoints").mkdir()
    (tmp_path / "checkpoints" / "model.ckpt").write_bytes(b"")
    (tmp_path / "hparams.yaml").write_text("activations: Tanh\n")
    try:
        import comet  # noqa: F401

        pytest.skip("comet installed: the missing-package message cannot be tested")
    except ImportError:
        pass
    with pytest.raises(QEModelError, match="pip install unbabel-comet"):
        load_qe_model(tmp_path)


# ---------------------------------------------------------------- tiny transformers checkpoint


@pytest.fixture(scope="module")
def tiny_hf_dir(tmp_path_factory):
    """A randomly initialised XLM-R-shaped regression model with an offline-built tokenizer."""
    torch = pytest.importorskip("torch")
    from tokenizers import Tokenizer, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast, XLMRobertaConfig, XLMRobertaForSequenceClassification

    path = tmp_path_factory.mktemp("tiny-qe")
    tok = Tokenizer(models.WordLevel(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    corpus = ["the cat sat on the mat", "die katze sass auf der matte", "the minister said the talks were frank"]
    tok.train_from_iterator(corpus, trainers.WordLevelTrainer(special_tokens=specials))
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", 0), ("</s>", 2)]
    )
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token="<s>", eos_token="</s>", pad_token="<pad>", unk_token="<unk>",
        cls_token="<s>", sep_token="</s>", mask_token="<mask>", model_max_length=64,
    )
    fast.save_pretrained(path)
    torch.manual_seed(0)
    cfg = XLMRobertaConfig(
        vocab_size=len(fast), hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64,
        num_labels=1, max_position_embeddings=66, pad_token_id=1, bos_token_id=0, eos_token_id=2,
    )
    XLMRobertaForSequenceClassification(cfg).save_pretrained(path)
    return path


def test_tiny_transformers_checkpoint(tiny_hf_dir):
    model = load_qe_model(tiny_hf_dir)
    tgts = ["die katze sass auf der matte", "", "the the the"]
    res = model.predict(["the cat sat on the mat", "the cat", ""], tgts, "en", "de")
    _check_result(res, tgts)
    assert res.spans == [[], [], []]
    assert "qe:hf:" in res.signature
    again = model.predict(["the cat sat on the mat", "the cat", ""], tgts, "en", "de")
    assert again.scores == res.scores


def test_tiny_transformers_long_input_is_windowed(tiny_hf_dir):
    model = load_qe_model(tiny_hf_dir)
    src = " ".join(["the minister said the talks were frank"] * 700)
    tgt = " ".join(["die katze sass auf der matte"] * 850)
    tgt = tgt + " frank"  # a distinctive last word
    wins = model._windows(src, tgt)
    assert len(wins) > 1
    for a, b in wins:
        n = len(model.tokenizer(a, b)["input_ids"])
        assert n <= model.max_length
    # no truncation: the windows reach both ends of both sides
    assert src.startswith(wins[0][0]) and src.endswith(wins[-1][0])
    assert tgt.startswith(wins[0][1]) and tgt.endswith(wins[-1][1])
    assert wins[-1][1].endswith("frank")
    res = model.predict([src], [tgt], "en", "de", batch_size=32)
    assert 0.0 <= res.scores[0] <= 1.0


def test_transformers_classification_head_rejected(tiny_hf_dir, tmp_path):
    target = tmp_path / "cls"
    shutil.copytree(tiny_hf_dir, target)
    cfg = json.loads((target / "config.json").read_text())
    cfg["id2label"] = {"0": "a", "1": "b", "2": "c"}
    cfg["label2id"] = {"a": 0, "b": 1, "c": 2}
    (target / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(QEModelError, match="num_labels=1"):
        load_qe_model(target)


def test_transformers_malformed_weights(tiny_hf_dir, tmp_path):
    target = tmp_path / "broken"
    shutil.copytree(tiny_hf_dir, target)
    (target / "model.safetensors").write_bytes(b"\x00\x01garbage")
    with pytest.raises(QEModelError, match="cannot load transformers checkpoint") as err:
        load_qe_model(target)
    assert "\n" not in str(err.value)


def test_numpy_inference_matches_the_torch_network():
    """The shipped weights are a torch state dict; inference runs them in numpy (no torch
    import at audit time). Both must give the same outputs."""
    import numpy as np
    import torch
    from safetensors.torch import load_file

    from auditor.qe.builtin import default_model_dir
    from auditor.qe.features import SEGMENT_FEATURES, WORD_FEATURES
    from auditor.qe.net import NumpyQENet, build_net

    path = default_model_dir()
    state = load_file(str(path / "model.safetensors"))
    n_pairs = state["pair.weight"].shape[0] - 1
    tnet = build_net(len(SEGMENT_FEATURES), len(WORD_FEATURES), n_pairs,
                     seg_hidden=state["seg.0.weight"].shape[0], word_hidden=state["wrd.0.weight"].shape[0],
                     pair_dim=state["pair.weight"].shape[1])
    tnet.load_state_dict(state)
    tnet.eval()
    nnet = NumpyQENet({k: v.numpy() for k, v in state.items()}, len(SEGMENT_FEATURES), len(WORD_FEATURES), n_pairs)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(7, len(SEGMENT_FEATURES))).astype(np.float32)
    pair = rng.integers(0, n_pairs + 1, size=7)
    w = rng.normal(size=(7, len(WORD_FEATURES))).astype(np.float32)
    with torch.no_grad():
        zt = tnet.segment(torch.from_numpy(x), torch.from_numpy(pair)).numpy()
        lt = tnet.word(torch.from_numpy(w), torch.from_numpy(pair), torch.from_numpy(zt)).numpy()
    zn = nnet.segment(x, pair)
    assert np.allclose(zt, zn, atol=1e-5)
    assert np.allclose(lt, nnet.word(w, pair, zn), atol=1e-5)
