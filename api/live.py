"""``LiveIndex``: the service's recommender, kept as two copies written in turn, so that
readers never wait for a write.

Readers take the *active* copy and hold its read lock for the whole ranking call, so each
sees one consistent index version. A writer (one at a time) applies the change to the
*standby* copy and rebuilds its derived data (the collaboration graph alone takes ~0.6 s on
the bundled corpus), makes it the active one, then waits for the readers still on the old
copy to finish and applies the same change there. A write is acknowledged when both copies
hold it; from the switch on, every new reader sees it.

Ranked lists are cached per index version (:class:`api.results.ResultCache`); before a
switch the writer recomputes the most recently used ones on the updated copy, so hot
requests do not all miss, and queue for the cores, right after each write.

Writes are applied after the database committed them (see :mod:`api.service`), so the
index never holds a change the database does not. The two copies share profiles and
history; the second costs the vector storage and the derived data again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from api.encoding import ServiceEncoder
from api.results import ResultCache
from api.rwlock import ReadWriteLock
from engine.errors import NotFoundError
from engine.profiles import PartnerRequest, Profile
from engine.recommender import Recommender, vector_texts

#: the request used to warm the recommender's derived data (any text works)
WARM_UP = PartnerRequest(text="partner search warm-up: research and innovation cooperation")


def _warm(recommender: Recommender) -> None:
    """Build a copy's lazily derived data (columns, collaboration graph, projections) now,
    before readers reach it: left to them, every concurrent reader would rebuild it."""
    if len(recommender):
        recommender.recommend(WARM_UP, 1, explain=True)


class LiveIndex:
    def __init__(
        self,
        recommender: Recommender,
        encoder: ServiceEncoder,
        *,
        cache_size: int = 0,
        refresh: int = 0,
    ):
        self._copies = [recommender, recommender.copy()]
        self.results: ResultCache[Recommender, Any] = ResultCache(cache_size)
        self.refresh = refresh
        self._locks = [ReadWriteLock(), ReadWriteLock()]
        self._active = 0
        self._writer = threading.Lock()
        self.encoder = encoder
        self.saved_version = recommender.version
        self.out_of_sync: str | None = None
        for copy in self._copies:
            _warm(copy)

    @contextmanager
    def reading(self) -> Iterator[Recommender]:
        """The active recommender, for reading only. A reader that picks a copy just as a
        writer switches away from it waits for that write, then reads the updated copy."""
        active = self._active
        with self._locks[active].read():
            yield self._copies[active]

    def ranked(self, key: Hashable, compute: Callable[[Recommender], Any]) -> tuple[Any, int, bool]:
        """(``compute(recommender)``, the index version it ran on, whether it came from the
        result cache): a pure function of the index, cached under ``key`` per version."""
        with self.reading() as rec:
            version = rec.version
            value = self.results.get(version, key)
            if value is not None:
                return value, version, True
            value = compute(rec)
            self.results.put(version, key, value, compute)
            return value, version, False

    @property
    def version(self) -> int:
        return self._copies[self._active].version

    @property
    def model_id(self) -> str:
        return self.encoder.model_id

    def stats(self) -> tuple[int, int, int]:
        """(profiles, vectors, version), read consistently."""
        with self.reading() as rec:
            return len(rec), rec.n_vectors, rec.version

    # ---- writes (the caller has committed them to the database) -----------------------
    def _write(self, change: Callable[[Recommender], None], *, warm: bool) -> None:
        """Apply ``change`` to the standby copy, switch readers to it, then apply it to the
        other. If the engine fails, the index no longer matches the database: that is
        recorded (``/ready`` turns 503, a restart repairs the index from the database) and
        re-raised."""
        with self._writer:
            try:
                for turn in range(2):
                    standby = 1 - self._active
                    updated = self._copies[standby]
                    with self._locks[standby].write():  # waits for its last readers
                        change(updated)
                        if warm:
                            _warm(updated)
                        if turn == 0 and updated.version != self.version:
                            fresh = self.results.recompute(updated, self.refresh)
                            self.results.install(updated.version, fresh)
                    self._active = standby
            except Exception as exc:
                self.out_of_sync = f"{type(exc).__name__}: {exc}"
                raise

    def upsert(self, profiles: Sequence[Profile]) -> None:
        self.encoder.remember([t for p in profiles for t in vector_texts(p)])
        self._write(lambda rec: rec.upsert(list(profiles)), warm=True)

    def remove(self, profile_id: str) -> None:
        def change(rec: Recommender) -> None:
            if profile_id in rec:
                rec.remove(profile_id)

        self._write(change, warm=True)

    def add_requests(self, items: Sequence[tuple[str, PartnerRequest, date | None]]) -> None:
        if items:
            self._write(lambda rec: rec.add_requests(list(items)), warm=False)

    def remove_request(self, request_id: str) -> None:
        def change(rec: Recommender) -> None:
            try:
                rec.remove_request(request_id)
            except NotFoundError:
                pass  # an expired request may never have been loaded

        self._write(change, warm=False)

    # ---- persistence ----------------------------------------------------------------
    @property
    def dirty(self) -> bool:
        return self.version != self.saved_version

    def save(self, folder: Path) -> None:
        """Write the index folder from the active copy (readers continue; writers wait
        until it is written)."""
        with self._writer, self.reading() as rec:
            rec.save(folder)
            self.saved_version = rec.version
