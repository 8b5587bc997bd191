from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from engine.cached_encoder import CachedEncoder
from engine.embed import Encoder, HashEncoder, SymmetricEncoder, normalize_rows, text_key
from engine.embedding_cache import EmbeddingCache
from engine.errors import EngineError

TEXTS = ["solar panels for farms", "battery storage for the grid", "cancer diagnostics"]


class CountingEncoder(SymmetricEncoder):
    """Wraps an encoder and records every text it is asked to encode."""

    def __init__(self, inner: Encoder):
        self.inner = inner
        self.model_id = inner.model_id
        self.dim = inner.dim
        self.calls: list[list[str]] = []

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        self.calls.append(list(texts))
        return self.inner.encode(texts)

    @property
    def encoded(self) -> list[str]:
        return [t for call in self.calls for t in call]


def test_hash_encoder_is_deterministic_across_instances(hash_encoder: HashEncoder) -> None:
    a = hash_encoder.encode(TEXTS)
    b = HashEncoder(dim=64).encode(TEXTS)
    np.testing.assert_array_equal(a, b)
    # a text's vector does not depend on its batch
    np.testing.assert_array_equal(hash_encoder.encode([TEXTS[1]])[0], a[1])


def test_hash_encoder_returns_unit_float32_rows(hash_encoder: HashEncoder) -> None:
    vectors = hash_encoder.encode(TEXTS)
    assert vectors.dtype == np.float32
    assert vectors.shape == (3, 64)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    assert hash_encoder.encode([]).shape == (0, 64)


def test_hash_encoder_is_an_encoder_and_names_its_dimension() -> None:
    encoder = HashEncoder(dim=32)
    assert isinstance(encoder, Encoder)
    assert encoder.encode(["x"]).shape == (1, 32)
    assert encoder.model_id != HashEncoder(dim=64).model_id


def test_hash_encoder_puts_texts_that_share_words_closer(hash_encoder: HashEncoder) -> None:
    query, near, far = hash_encoder.encode(
        ["battery storage for solar parks", "solar parks with battery cells", "cancer imaging"]
    )
    assert float(query @ near) > float(query @ far) + 0.3
    # case-insensitive tokens
    np.testing.assert_allclose(
        hash_encoder.encode(["Battery Storage"]), hash_encoder.encode(["battery storage"])
    )


def test_normalize_rows_keeps_zero_rows_zero() -> None:
    out = normalize_rows(np.array([[3.0, 4.0], [0.0, 0.0]]))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0]])


def test_text_key_is_stable_and_distinguishes_texts() -> None:
    assert text_key("a") == text_key("a")
    assert text_key("a") != text_key("a ")
    assert len(text_key("a")) == 32


def test_cached_encoder_encodes_each_text_once(tmp_path: Path, hash_encoder: HashEncoder) -> None:
    inner = CountingEncoder(hash_encoder)
    cache = EmbeddingCache(tmp_path / "cache", inner.model_id)
    encoder = CachedEncoder(inner, cache)
    first = encoder.encode_documents([*TEXTS, TEXTS[0]])  # a duplicate in one batch is encoded once
    assert sorted(inner.encoded) == sorted(TEXTS)
    assert (encoder.cache_misses, encoder.cache_hits) == (3, 1)
    second = encoder.encode_documents(TEXTS)
    assert sorted(inner.encoded) == sorted(TEXTS)  # nothing new was encoded
    assert encoder.cache_hits == 4
    np.testing.assert_allclose(first[:3], second, atol=1e-3)
    np.testing.assert_allclose(second, hash_encoder.encode(TEXTS), atol=1e-3)
    assert second.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(second, axis=1), 1.0, rtol=1e-5)
    encoder.encode_documents([*TEXTS, "a new text"])
    assert inner.encoded[-1:] == ["a new text"]
    assert len(inner.encoded) == 4


def test_cached_encoder_with_no_texts(tmp_path: Path, hash_encoder: HashEncoder) -> None:
    encoder = CachedEncoder(hash_encoder, EmbeddingCache(tmp_path, hash_encoder.model_id))
    assert encoder.encode_documents([]).shape == (0, hash_encoder.dim)
    assert encoder.encode_queries([]).shape == (0, hash_encoder.dim)


def test_cache_is_persisted_and_reloaded(tmp_path: Path, hash_encoder: HashEncoder) -> None:
    root = tmp_path / "cache"
    CachedEncoder(hash_encoder, EmbeddingCache(root, hash_encoder.model_id)).encode_documents(TEXTS)
    assert list((root / hash_encoder.model_id).glob("shard-*.npy"))
    assert not list(root.rglob("*.tmp-*"))  # atomic writes leave no temp files

    reloaded = EmbeddingCache(root, hash_encoder.model_id)
    assert len(reloaded) == len(TEXTS)
    inner = CountingEncoder(hash_encoder)
    vectors = CachedEncoder(inner, reloaded).encode_documents(TEXTS)
    assert inner.calls == []
    np.testing.assert_allclose(vectors, hash_encoder.encode(TEXTS), atol=1e-3)


def test_cache_is_separate_per_model(tmp_path: Path, hash_encoder: HashEncoder) -> None:
    root = tmp_path / "cache"
    CachedEncoder(hash_encoder, EmbeddingCache(root, hash_encoder.model_id)).encode_documents(TEXTS)
    other = HashEncoder(dim=32)
    assert len(EmbeddingCache(root, other.model_id)) == 0


def test_seed_roots_are_read_only_and_new_shards_go_to_root(
    tmp_path: Path, hash_encoder: HashEncoder
) -> None:
    seed = tmp_path / "seed"
    seeded = CachedEncoder(hash_encoder, EmbeddingCache(seed, hash_encoder.model_id))
    seeded.encode_documents(TEXTS[:2])
    seed_files = sorted(p.name for p in seed.rglob("*"))

    root = tmp_path / "root"
    cache = EmbeddingCache(root, hash_encoder.model_id, seed_roots=[seed])
    assert len(cache) == 2
    inner = CountingEncoder(hash_encoder)
    CachedEncoder(inner, cache).encode_documents(TEXTS)
    assert inner.encoded == [TEXTS[2]]  # the seeded texts are not encoded again
    assert sorted(p.name for p in seed.rglob("*")) == seed_files
    root_keys = sorted((root / hash_encoder.model_id).glob("shard-*.keys.json"))
    assert len(root_keys) == 1
    assert text_key(TEXTS[2]) in root_keys[0].read_text()
    assert text_key(TEXTS[0]) not in root_keys[0].read_text()


def test_cached_encoder_refuses_a_cache_of_another_model(
    tmp_path: Path, hash_encoder: HashEncoder
) -> None:
    cache = EmbeddingCache(tmp_path, "some-other-model@123")
    with pytest.raises(EngineError, match="some-other-model@123"):
        CachedEncoder(hash_encoder, cache)


def test_a_shard_that_does_not_match_its_keys_is_reported(
    tmp_path: Path, hash_encoder: HashEncoder
) -> None:
    cached = CachedEncoder(hash_encoder, EmbeddingCache(tmp_path, hash_encoder.model_id))
    cached.encode_documents(TEXTS)
    keys_file = next((tmp_path / hash_encoder.model_id).glob("shard-*.keys.json"))
    keys_file.write_text('["only-one"]')
    with pytest.raises(EngineError, match="delete it"):
        EmbeddingCache(tmp_path, hash_encoder.model_id)


def test_a_symmetric_encoder_must_say_how_it_encodes() -> None:
    class Incomplete(SymmetricEncoder):
        model_id = "incomplete"
        dim = 4

    with pytest.raises(TypeError, match="encode"):
        Incomplete()  # type: ignore[abstract]
