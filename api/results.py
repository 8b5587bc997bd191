"""``ResultCache``: ranked result lists of the current index version, bounded LRU.

A ranking is a pure function of the request and the index, and the index version bumps on
every write, so a list kept per version can never be served stale: the first lookup or
store under a newer version drops every list of an older one. Partner-request forms re-send
the same request (paging, refreshing, several visitors of one call for partners); a hit
skips the encoder and the ranking, and concurrent requests for a list that is not there yet
wait for one ranking instead of each running its own.

Each key keeps the function that computed it and how often it was asked for, across
versions, so that after a write the most recently used *repeated* requests (asked for again
after their first ranking) can be ranked on the new version before readers ask
(:meth:`hot`, :meth:`install`, :meth:`value` with ``reader=False``). One-off requests cost
the writer nothing.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")
S = TypeVar("S")


@dataclass(slots=True)
class _Entry:
    compute: Callable[[Any], Any]
    #: the list for the cache's current version, None until ranked on it
    value: Any = None
    #: times asked for and found (or found under way), over every version
    hits: int = 0


@dataclass(slots=True)
class _Ranking:
    """A ranking under way, that readers of the same key and version wait for."""

    done: threading.Event = field(default_factory=threading.Event)
    #: None when it failed: each waiter then runs its own (and gets its own error)
    value: Any = None


class ResultCache(Generic[S, T]):
    """Values of type ``T`` computed from a source of type ``S`` (the recommender)."""

    def __init__(
        self, size: int, admit: Callable[[], AbstractContextManager[object]] = nullcontext
    ):
        """``admit``: the context every ranking runs in (:class:`api.gate.RankingGate`)."""
        self.size = size
        self.admit = admit
        self._version: int | None = None
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        #: rankings under way for the current version
        self._running: dict[Hashable, _Ranking] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def _at(self, version: int) -> bool:
        """Move to ``version`` (dropping older lists); False for a version older than the
        current one (a reader or writer that started before a later write): never cached."""
        if self._version is not None and version < self._version:
            return False
        if version != self._version:
            for entry in self._entries.values():
                entry.value = None
            self._running.clear()
            self._version = version
        return True

    def value(
        self, source: S, version: int, key: Hashable, compute: Callable[[S], T], *,
        reader: bool = True,
    ) -> tuple[T, bool]:
        """(``compute(source)``, whether it was found rather than computed here), for
        ``source`` at index ``version``: the cached list, or the one another thread is
        computing for the same key and version (waited for), or computed here and kept.
        ``reader=False`` (a background refresh) neither counts nor makes the key more
        recently used. ``compute`` runs inside ``admit()``."""
        with self._lock:
            current = self.size > 0 and self._at(version)
            entry = self._entries.get(key) if current else None
            if entry is not None and entry.value is not None:
                self._found(key, reader)
                return entry.value, True
            running = self._running.get(key) if current else None
            if running is None and current:
                self._running[key] = mine = _Ranking()
        if running is not None:
            running.done.wait()
            if running.value is not None:
                with self._lock:
                    self._found(key, reader)
                return running.value, True
        if reader:
            with self._lock:
                self.misses += 1
        if running is not None or not current:  # it failed, or nothing is kept (old version)
            with self.admit():
                return compute(source), False
        try:
            with self.admit():
                mine.value = value = compute(source)
        finally:
            with self._lock:
                if self._running.get(key) is mine:
                    del self._running[key]
                    if mine.value is not None:
                        self._keep(key, compute, mine.value, reader)
            mine.done.set()
        return value, False

    def _found(self, key: Hashable, reader: bool) -> None:
        """Count a reader's list found (kept, or ranked for another reader meanwhile)."""
        entry = self._entries.get(key)
        if reader:
            self.hits += 1
            if entry is not None:
                entry.hits += 1
                self._entries.move_to_end(key)

    def _keep(self, key: Hashable, compute: Callable[[S], T], value: T, reader: bool) -> None:
        entry = self._entries.get(key)
        if entry is None:
            self._entries[key] = entry = _Entry(compute)
        entry.compute, entry.value = compute, value
        if reader:
            self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def hot(self, version: int, limit: int) -> list[tuple[Hashable, Callable[[S], T]]]:
        """The ``limit`` most recently used keys asked for again after their first ranking,
        most recent first, less those that already have their list for ``version``."""
        with self._lock:
            repeated = [
                (key, entry) for key, entry in reversed(self._entries.items()) if entry.hits
            ][: max(limit, 0)]
            done = self._version == version
            return [(k, e.compute) for k, e in repeated if not (done and e.value is not None)]

    def install(self, version: int, values: Sequence[tuple[Hashable, T]]) -> None:
        """Make ``version`` current with ``values`` (ranked on it before any reader could
        ask) as its lists of keys still kept."""
        with self._lock:
            if self._at(version):
                for key, value in values:
                    entry = self._entries.get(key)
                    if entry is not None:
                        entry.value = value

    def __len__(self) -> int:
        """Lists kept for the current version."""
        with self._lock:
            return sum(entry.value is not None for entry in self._entries.values())
