"""The encoder the service gives its ``Recommender``: thread-safe, with two caches.

- Profile texts go through :meth:`ServiceEncoder.remember` into the persistent on-disk
  :class:`~engine.embed.EmbeddingCache`, so a rebuild after a restart encodes nothing new.
- Request texts (every ``/recommend`` call) are kept only in a bounded in-memory LRU: writing
  each visitor's query to disk would grow the cache folder without bound.

The engine's ``CachedEncoder`` mutates shared dicts, so it is not safe under concurrent
requests; one lock serialises every call into the model.
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
        self._lock = threading.Lock()
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

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """Vectors of ``texts``; unseen ones are encoded and remembered in memory only."""
        if not len(texts):
            return np.zeros((0, self.dim), dtype=np.float32)
        keys = [text_key(t) for t in texts]
        with self._lock:
            found = {k: v for k in dict.fromkeys(keys) if (v := self._lookup(k)) is not None}
            missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in found}
            self.hits += len(keys) - sum(1 for k in keys if k in missing)
            self.misses += len(missing)
            if missing:
                vectors = self.base.encode(list(missing.values()), progress=progress)
                for key, vector in zip(missing, vectors, strict=True):
                    found[key] = vector
                    if self.memory_size:
                        self._memory[key] = vector
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
        with self._lock:
            self.cached.encode(list(texts), progress=progress)
            self.cached.cache.flush()  # a few texts stay in memory unless flushed
