"""``ResultCache``: ranked result lists of the current index version, bounded LRU.

A ranking is a pure function of the request and the index, and the index version bumps on
every write, so an entry keyed by version can never be served stale: the first lookup or
store under a newer version drops every older entry. Partner-request forms re-send the same
request (paging, refreshing, several visitors of one call for partners); a hit skips the
encoder and the ranking. Only the read side of the index lock is held while a caller checks
and fills the cache, so a version read there is the version the results were ranked on.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class ResultCache(Generic[T]):
    def __init__(self, size: int):
        self.size = size
        self._version: int | None = None
        self._entries: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def _at(self, version: int) -> None:
        if version != self._version:
            self._entries.clear()
            self._version = version

    def get(self, version: int, key: Hashable) -> T | None:
        with self._lock:
            if self._version is not None and version < self._version:
                self.misses += 1  # a reader that started before a write: never cached
                return None
            self._at(version)
            value = self._entries.get(key)
            if value is None:
                self.misses += 1
            else:
                self.hits += 1
                self._entries.move_to_end(key)
            return value

    def put(self, version: int, key: Hashable, value: T) -> None:
        if self.size == 0:
            return
        with self._lock:
            if self._version is not None and version < self._version:
                return
            self._at(version)
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
