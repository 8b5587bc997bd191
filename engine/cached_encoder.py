"""``CachedEncoder``: an encoder with the query/document split and its two caches.

- ``encode_documents`` (profile texts): vectors persist in an :class:`EmbeddingCache` on
  disk, so a rebuild or a restart encodes only new text.
- ``encode_queries`` (request texts): answered from the disk cache when a text is there, else
  kept in a bounded in-memory LRU; writing every visitor's query to disk would grow the cache
  without bound.

Thread-safe. Two locks: one guards the caches' dicts and is held only for lookups and
stores; the other lets one call at a time into the model (a tokenizer is not safe for
concurrent use), one per model where requests and profiles have their own. A text that
is cached never waits behind another call's encoding.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from engine.e5_encoder import E5Encoder
from engine.embed import Encoder, SentenceEncoder, normalize_rows, text_key
from engine.embedding_cache import EmbeddingCache
from engine.errors import EngineError
from engine.onnx_encoder import accelerated

#: Documents are encoded (and written to disk every 8 batches) in batches of this size.
BATCH = 512


class CachedEncoder:
    """An :class:`engine.embed.Encoder` in front of ``encoder`` (see the module docstring).

    ``cache`` None keeps document vectors in memory only; ``memory`` bounds the query LRU.
    Cached vectors are stored as float16 and re-normed on load (cosine error < 1e-3).
    ``symmetric``: a query and a document of the same text have the same vector (MiniLM), so
    a request may be answered from the document cache; e5 encodes "query: " and "passage: "
    apart, so its requests never read it.
    """

    def __init__(self, encoder: Encoder, cache: EmbeddingCache | None = None, *,
                 memory: int = 4096, symmetric: bool = True):
        if cache is not None and cache.model_id != encoder.model_id:
            raise EngineError(
                f"cache is for model {cache.model_id!r}, encoder is {encoder.model_id!r}"
            )
        self.encoder = encoder
        self.cache = cache if cache is not None else _MemoryOnly(encoder.model_id)
        self.model_id = encoder.model_id
        self.dim = encoder.dim
        self.memory_size = memory
        self.symmetric = symmetric
        self._memory: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()  # the caches' dicts and counters
        self._model = threading.Lock()  # the model (of requests, where there are two)
        self._documents = threading.Lock() if getattr(encoder, "separate_models", False) \
            else self._model
        #: texts answered from a cache / run through the model, since construction
        self.cache_hits = 0
        self.cache_misses = 0

    def warm_up(self) -> None:
        """Load the model of requests now (otherwise on first use), under its lock: a
        concurrent first use waits instead of loading it twice. Where profile texts have a
        model of their own, it loads on their first encoding."""
        warm_up = getattr(self.encoder, "warm_up", None)
        if warm_up is not None:
            with self._model:
                warm_up()

    def _split(self, texts: Sequence[str], *, queries: bool
               ) -> tuple[list[str], dict[str, np.ndarray], dict[str, str]]:
        """(keys, cached vectors by key, missing texts by key), under the cache lock."""
        keys = [text_key(t) for t in texts]
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for key in dict.fromkeys(keys):
                vector = self.cache.get(key) if self.symmetric or not queries else None
                if vector is None and queries:
                    vector = self._memory.get(key)
                    if vector is not None:
                        self._memory.move_to_end(key)
                if vector is not None:
                    found[key] = vector
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in found}
        return keys, found, missing

    def _count(self, keys: list[str], missing: dict[str, str]) -> None:
        self.cache_hits += len(keys) - len(missing)  # a repeat within one call is a hit
        self.cache_misses += len(missing)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of request texts; unseen ones are encoded and remembered in memory only."""
        if not len(texts):
            return np.zeros((0, self.dim), dtype=np.float32)
        keys, found, missing = self._split(texts, queries=True)
        if missing:
            with self._model:
                vectors = self.encoder.encode_queries(list(missing.values()))
        with self._lock:
            self._count(keys, missing)
            if missing:
                for key, vector in zip(missing, vectors, strict=True):
                    found[key] = vector
                    if self.memory_size:
                        self._memory[key] = vector
                        self._memory.move_to_end(key)
                while len(self._memory) > self.memory_size:
                    self._memory.popitem(last=False)
        return normalize_rows(np.stack([found[k] for k in keys]))

    def encode_documents(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """Vectors of profile texts; unseen ones are encoded and written to the disk cache."""
        if not len(texts):
            return np.zeros((0, self.dim), dtype=np.float32)
        keys, found, missing = self._split(texts, queries=False)
        items = list(missing.items())
        bar = tqdm(total=len(items), desc="encoding", unit="text", disable=not progress,
                   leave=False)
        for start in range(0, len(items), BATCH):
            chunk = items[start : start + BATCH]
            with self._documents:
                vectors = self.encoder.encode_documents([t for _, t in chunk])
            with self._lock:
                for (key, _), vector in zip(chunk, vectors, strict=True):
                    self.cache.put(key, vector)
                    found[key] = vector
                if (start // BATCH) % 8 == 7:
                    self.cache.flush()
            bar.update(len(chunk))
        bar.close()
        with self._lock:
            self._count(keys, missing)
            if missing:
                self.cache.flush()
        return normalize_rows(np.stack([found[k] for k in keys]))


class _MemoryOnly:
    """The document store of a :class:`CachedEncoder` without a disk cache."""

    def __init__(self, model_id: str):
        self.model_id = model_id
        self._vectors: dict[str, np.ndarray] = {}

    def get(self, key: str) -> np.ndarray | None:
        return self._vectors.get(key)

    def put(self, key: str, vector: np.ndarray) -> None:
        self._vectors[key] = vector

    def flush(self) -> None:
        """Nothing to write."""


def verify_cached(encoder: CachedEncoder, texts: Sequence[str], sample: int = 4,
                  seed: int = 0) -> float:
    """Re-encode a seeded sample of ``texts`` that the cache holds and return the lowest
    cosine between cached and fresh vectors; raise if it is below 0.99 (the cache was made
    by other weights or from other text)."""
    held = [t for t in dict.fromkeys(texts) if encoder.cache.get(text_key(t)) is not None]
    if not held:
        return 1.0
    rng = np.random.default_rng(seed)
    chosen = [held[i] for i in rng.choice(len(held), min(sample, len(held)), replace=False)]
    fresh = encoder.encoder.encode_documents(chosen)
    cached = np.stack([encoder.cache.get(text_key(t)) for t in chosen])  # type: ignore[misc]
    worst = float((normalize_rows(cached) * fresh).sum(axis=1).min())
    if worst < 0.99:
        folder = getattr(encoder.cache, "folder", "the cache folder")
        raise EngineError(
            f"cached vectors do not match model {encoder.model_id} (cosine {worst:.3f}); "
            f"delete {folder} and the seed folders and build again"
        )
    return worst


def cached_sentence_encoder(
    model_path: str | Path | None = None,
    cache_dir: str | Path = "models/cache",
    seed_dirs: Sequence[str | Path] = ("data/embeddings",),
    *,
    memory: int = 4096,
    int8_queries: bool = True,
    fresh_queries: bool = False,
) -> CachedEncoder:
    """The packaged (or given) sentence-transformers model behind the on-disk cache, seeded
    with the vectors shipped for the bundled data. ``int8_queries``: requests go through the
    model's int8 export where one was made (:mod:`engine.onnx_encoder`). ``fresh_queries``:
    a request whose text is a cached profile text is encoded anyway (the benchmark's request
    texts are all in the shipped cache: measuring a request encoder needs this)."""
    torch_encoder = SentenceEncoder(model_path)
    encoder: Encoder = accelerated(torch_encoder, cache_dir) if int8_queries else torch_encoder
    cache = EmbeddingCache(cache_dir, encoder.model_id, seed_roots=seed_dirs)
    return CachedEncoder(encoder, cache, memory=memory, symmetric=not fresh_queries)


def cached_multilingual_encoder(
    cache_dir: str | Path = "models/cache",
    seed_dirs: Sequence[str | Path] = ("data/embeddings",),
    *,
    memory: int = 4096,
) -> CachedEncoder:
    """The packaged multilingual model behind the same on-disk cache and shipped vectors."""
    encoder = E5Encoder()
    cache = EmbeddingCache(cache_dir, encoder.model_id, seed_roots=seed_dirs)
    return CachedEncoder(encoder, cache, memory=memory, symmetric=False)
