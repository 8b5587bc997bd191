"""``CachedEncoder``: document texts persist, query texts stay in a bounded memory, and a
cached text never waits behind another call's encoding."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from engine.cached_encoder import CachedEncoder
from engine.embed import HashEncoder
from engine.embedding_cache import EmbeddingCache


class GatedEncoder(HashEncoder):
    """A HashEncoder whose calls can be held inside the model."""

    def __init__(self) -> None:
        super().__init__(16)
        self.entered = threading.Event()
        self.release = threading.Event()
        self.release.set()

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        self.entered.set()
        assert self.release.wait(timeout=10)
        return super().encode(texts)


def _service(root: Path, base: HashEncoder) -> CachedEncoder:
    return CachedEncoder(base, EmbeddingCache(root, base.model_id), memory=8)


def test_document_texts_persist_and_query_texts_do_not(tmp_path: Path) -> None:
    encoder = _service(tmp_path, HashEncoder(16))
    encoder.encode_documents(["a profile text"])
    query = encoder.encode_queries(["a visitor's request"])
    reopened = EmbeddingCache(tmp_path, encoder.model_id)
    assert len(reopened) == 1
    np.testing.assert_allclose(
        encoder.encode_queries(["a profile text"]), HashEncoder(16).encode(["a profile text"]),
        atol=1e-3,
    )
    assert query.shape == (1, 16) and encoder.cache_misses == 2 and encoder.cache_hits == 1


def test_the_query_memory_is_bounded(tmp_path: Path) -> None:
    base = GatedEncoder()
    encoder = _service(tmp_path, base)
    encoder.encode_queries([f"request {i}" for i in range(20)])
    misses = encoder.cache_misses
    encoder.encode_queries(["request 19"])  # among the 8 most recent: from memory
    assert encoder.cache_misses == misses
    encoder.encode_queries(["request 0"])  # evicted: encoded again
    assert encoder.cache_misses == misses + 1


def test_a_cached_text_is_answered_while_the_model_is_busy(tmp_path: Path) -> None:
    base = GatedEncoder()
    encoder = _service(tmp_path, base)
    encoder.encode_queries(["seen before"])
    base.entered.clear()
    base.release.clear()
    slow = threading.Thread(target=encoder.encode_queries, args=(["a new long request"],))
    slow.start()
    assert base.entered.wait(timeout=10)  # the other call is inside the model now
    answered = threading.Event()
    cached = threading.Thread(
        target=lambda: encoder.encode_queries(["seen before"]) is not None and answered.set()
    )
    cached.start()
    try:
        assert answered.wait(timeout=5)  # while the model is still held
    finally:
        base.release.set()
        slow.join(timeout=10)
        cached.join(timeout=10)


class PrefixedEncoder(HashEncoder):
    """An asymmetric model, as e5 is: a query and a passage of one text differ."""

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return super().encode_queries([f"query: {t}" for t in texts])

    def encode_documents(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        return super().encode_documents([f"passage: {t}" for t in texts])


def test_an_asymmetric_model_never_answers_a_request_from_its_document_cache(
    tmp_path: Path,
) -> None:
    inner = PrefixedEncoder(dim=32)
    text = "Battery recycling pilot"
    for symmetric in (True, False):
        cached = CachedEncoder(inner, EmbeddingCache(tmp_path / str(symmetric), inner.model_id),
                               symmetric=symmetric)
        passage = cached.encode_documents([text])[0]
        query = cached.encode_queries([text])[0]
        if symmetric:  # MiniLM: the cached document vector is the answer
            assert np.allclose(query, passage)
        else:
            assert np.allclose(query, inner.encode_queries([text])[0], atol=1e-6)
            assert not np.allclose(query, passage)
