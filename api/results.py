"""``ResultCache``: ranked result lists of the current index version, bounded LRU.

A ranking is a pure function of the request and the index, and the index version bumps on
every write, so an entry keyed by version can never be served stale: the first lookup or
store under a newer version drops every older entry. Partner-request forms re-send the same
request (paging, refreshing, several visitors of one call for partners); a hit skips the
encoder and the ranking. Each entry keeps the function that computed it, so that a writer
can recompute the most recently used *repeated* entries (hit at least once) on the new index
version before readers see it (``recompute`` + ``install``): hot requests stay cached across
writes instead of all missing at once after each write, and one-off requests cost the
writer nothing.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from engine.errors import EngineError

T = TypeVar("T")
S = TypeVar("S")


class ResultCache(Generic[S, T]):
    """Values of type ``T`` computed from a source of type ``S`` (the recommender)."""

    def __init__(self, size: int):
        self.size = size
        self._version: int | None = None
        #: key -> [value, the function that computed it, hits]
        self._entries: OrderedDict[Hashable, list[Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def _at(self, version: int) -> bool:
        """Move to ``version`` (dropping older entries); False for a version older than the
        current one (a reader or writer that started before a later write): never cached."""
        if self._version is not None and version < self._version:
            return False
        if version != self._version:
            self._entries.clear()
            self._version = version
        return True

    def _add(self, key: Hashable, entry: list[Any]) -> None:
        self._entries[key] = entry
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def get(self, version: int, key: Hashable) -> T | None:
        with self._lock:
            entry = self._entries.get(key) if self._at(version) else None
            if entry is None:
                self.misses += 1
                return None
            self.hits += 1
            entry[2] += 1
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, version: int, key: Hashable, value: T, compute: Callable[[S], T]) -> None:
        """Store ``value``, which ``compute`` returned on index ``version``."""
        if self.size == 0:
            return
        with self._lock:
            if self._at(version):
                self._add(key, [value, compute, 0])

    def recompute(self, source: S, limit: int) -> list[tuple[Hashable, T, Callable[[S], T]]]:
        """The ``limit`` most recently used entries that were hit at least once, computed
        again on ``source`` (a new index version nobody reads yet), most recent last; the
        cache is not changed. An entry whose computation now fails (its profile was deleted)
        is left out: a reader asking for it again gets the error from its own computation."""
        with self._lock:
            repeated = [(key, entry[1]) for key, entry in self._entries.items() if entry[2]]
        recent = repeated[-limit:] if limit > 0 else []
        fresh = []
        for key, compute in recent:
            try:
                fresh.append((key, compute(source), compute))
            except EngineError:
                continue
        return fresh

    def install(self, version: int, entries: list[tuple[Hashable, T, Callable[[S], T]]]) -> None:
        """Make ``version`` current with ``entries`` (from ``recompute``) as its cache."""
        with self._lock:
            if self._at(version):
                for key, value, compute in entries:
                    self._add(key, [value, compute, 1])  # known to be asked for again

    def __len__(self) -> int:
        return len(self._entries)
