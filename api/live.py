"""``LiveIndex``: the service's recommender, kept as two copies written in turn, so that
readers never wait for a write.

Readers take the *active* copy and hold its read lock for the whole ranking call, so each
sees one consistent index version. A writer (one at a time) applies the change to the
*standby* copy, updates its derived data, makes it the active one and acknowledges: from the
switch on, every new reader sees the write. The other copy catches up in the background,
after the readers still on it have finished, and always before the next write or a save.

Ranked lists are cached per index version (:class:`api.results.ResultCache`); before a
switch the writer recomputes the most recently used ones on the updated copy, so hot
requests do not all miss, and queue for the cores, right after each write.

Writes are applied after the database committed them (see :mod:`api.services.writes`), so the
index never holds a change the database does not. The two copies share profiles and
history; the second costs the vector storage and the derived data again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from api.results import ResultCache
from api.rwlock import ReadWriteLock
from engine.embed import Encoder
from engine.errors import NotFoundError
from engine.profiles import PartnerRequest, Profile
from engine.recommender import Recommender

log = logging.getLogger(__name__)

class LiveIndex:
    def __init__(
        self,
        recommender: Recommender,
        encoder: Encoder,
        *,
        cache_size: int = 0,
        refresh: int = 0,
    ):
        recommender.warm_up()  # before the copy, so that both share the derived data
        self._copies = [recommender, recommender.copy()]
        self.results: ResultCache[Recommender, Any] = ResultCache(cache_size)
        self.refresh = refresh
        self._locks = [ReadWriteLock(), ReadWriteLock()]
        self._active = 0
        self._writer = threading.Lock()
        #: the last write, while the standby copy still lacks it
        self._lagging: tuple[Callable[[Recommender], None], bool] | None = None
        self.encoder = encoder
        self.saved_version = recommender.version
        self.out_of_sync: str | None = None

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
        """Apply ``change`` to the standby copy and switch readers to it; the other copy
        catches up right after, in the background (and before any later write or save)."""
        with self._writer:
            self._catch_up()
            with self._applying(change, warm) as updated:
                if updated.version != self.version:
                    fresh = self.results.recompute(updated, self.refresh)
                    self.results.install(updated.version, fresh)
            self._active = 1 - self._active
            self._lagging = (change, warm)
        threading.Thread(target=self.settle, name="index-catch-up", daemon=True).start()

    def _catch_up(self) -> None:
        """Apply the last write to the copy that lacks it (the caller holds the writer
        lock). Readers are on the other copy."""
        if self._lagging is None:
            return
        change, warm = self._lagging
        self._lagging = None
        with self._applying(change, warm):
            pass

    @contextmanager
    def _applying(self, change: Callable[[Recommender], None], warm: bool) -> Iterator[Recommender]:
        """Apply ``change`` to the standby copy under its write lock (which waits for a
        reader that picked it just before a switch) and yield it, still locked.

        If the engine fails, the index no longer matches the database: that is recorded
        (``/ready`` turns 503, a restart repairs the index from the database) and re-raised.
        """
        standby = 1 - self._active
        copy = self._copies[standby]
        with self._locks[standby].write():
            try:
                change(copy)
                if warm:
                    copy.warm_up()
                yield copy
            except Exception as exc:
                self.out_of_sync = f"{type(exc).__name__}: {exc}"
                raise

    def settle(self) -> None:
        """Wait until both copies hold every acknowledged write."""
        with self._writer:
            try:
                self._catch_up()
            except Exception:
                log.exception("the second index copy failed to apply a write")

    def upsert(self, profiles: Sequence[Profile]) -> None:
        with self.reading() as rec:  # encoded (and cached) before the writer lock
            rec.embed(profiles)
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
        self.settle()
        with self._writer, self.reading() as rec:
            rec.save(folder)
            self.saved_version = rec.version
