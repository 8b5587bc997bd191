"""The encoder the service gives its ``Recommender``: thread-safe, with two caches.

- Profile texts go through :meth:`ServiceEncoder.remember` into the persistent on-disk
  :class:`~engine.embed.EmbeddingCache`, so a rebuild after a restart encodes nothing new.
- Request texts (every ``/recommend`` call) are kept only in a bounded in-memory LRU: writing
  each visitor's query to disk would grow the cache folder without bound.

Two locks: one guards the caches' dicts and is held only for lookups and stores; the other
lets one call at a time into the model (its tokenizer is not safe for concurrent use). A
request whose text is cached never waits behind another request's encoding.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from api.settings import Settings
from engine.embed import (
    CachedEncoder,
    Encoder,
    HashEncoder,
    cached_sentence_encoder,
    normalize_rows,
    text_key,
)


class ServiceEncoder:
    """An :class:`engine.embed.Encoder` for the service (see the module docstring)."""

    def __init__(self, base: Encoder, *, cached: CachedEncoder | None = None, memory: int = 4096):
        self.base = cached.encoder if cached is not None else base
        self.cached = cached
        self.model_id = self.base.model_id
        self.dim = self.base.dim
        self.memory_size = memory
        self._memory: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()  # the caches' dicts
        self._model = threading.Lock()  # the model
        self.hits = 0
        self.misses = 0

    @classmethod
    def from_settings(cls, settings: Settings) -> ServiceEncoder:
        if settings.encoder == "hash":
            return cls(HashEncoder(settings.hash_dim), memory=settings.query_cache_size)
        cached = cached_sentence_encoder(
            settings.model_path, settings.cache_dir, seed_dirs=[settings.data_dir / "embeddings"]
        )
        return cls(cached.encoder, cached=cached, memory=settings.query_cache_size)

    def _lookup(self, key: str) -> np.ndarray | None:
        if self.cached is not None:
            vector = self.cached.cache.get(key)
            if vector is not None:
                return vector
        vector = self._memory.get(key)
        if vector is not None:
            self._memory.move_to_end(key)
        return vector

    def _split(
        self, texts: Sequence[str]
    ) -> tuple[list[str], dict[str, np.ndarray], dict[str, str]]:
        """(keys, cached vectors by key, missing texts by key), under the cache lock."""
        keys = [text_key(t) for t in texts]
        with self._lock:
            found = {k: v for k in dict.fromkeys(keys) if (v := self._lookup(k)) is not None}
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in found}
        return keys, found, missing

    def _through_model(self, texts: list[str], *, progress: bool = False) -> np.ndarray:
        with self._model:
            return self.base.encode(texts, progress=progress)

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """Vectors of ``texts``; unseen ones are encoded and remembered in memory only."""
        if not len(texts):
            return np.zeros((0, self.dim), dtype=np.float32)
        keys, found, missing = self._split(texts)
        vectors = self._through_model(list(missing.values()), progress=progress) if missing \
            else None
        with self._lock:
            self.hits += len(keys) - sum(1 for k in keys if k in missing)
            self.misses += len(missing)
            if vectors is not None:
                for key, vector in zip(missing, vectors, strict=True):
                    found[key] = vector
                    if self.memory_size:
                        self._memory[key] = vector
                        self._memory.move_to_end(key)
                while len(self._memory) > self.memory_size:
                    self._memory.popitem(last=False)
        return normalize_rows(np.stack([found[k] for k in keys]))

    @property
    def cache_hits(self) -> int:
        """Texts answered from a cache (on disk or in memory), since start."""
        return self.hits + (self.cached.cache.hits if self.cached is not None else 0)

    @property
    def cache_misses(self) -> int:
        """Texts that had to go through the model, since start."""
        return self.misses + (self.cached.cache.misses if self.cached is not None else 0)

    def remember(self, texts: Sequence[str], *, progress: bool = False) -> None:
        """Encode ``texts`` into the persistent cache (profile texts before an index write)."""
        if self.cached is None or not len(texts):
            return
        _, _, missing = self._split(texts)
        if not missing:
            return
        vectors = self._through_model(list(missing.values()), progress=progress)
        with self._lock:
            self.cached.store(list(missing), vectors, persist=True)
