"""``LiveIndex``: the service's recommender, kept as two copies written in turn, so that
readers never wait for a write.

Readers take the *active* copy and hold its read lock for the whole ranking call, so each
sees one consistent index version. A writer (one at a time) applies the change to the
*standby* copy, updates its derived data, makes it the active one and acknowledges: from the
switch on, every new reader sees the write. The other copy catches up in the background,
after the readers still on it have finished, and always before the next write or a save.

Ranked lists are cached per index version (:class:`api.results.ResultCache`). The most
recently used repeated lists are ranked again on the updated copy before the switch while
the write is young (``refresh_wait`` seconds), so that hot requests do not all miss at
once; the rest are ranked in the background after the switch, and a reader asking for one
meanwhile ranks it, or waits for the ranking under way. A write under read load is thus
acknowledged after its own index work, not after dozens of rankings that share the
interpreter with the readers.

Writes are applied after the database committed them (see :mod:`api.services.writes`), so the
index never holds a change the database does not. The two copies share profiles and
history; the second costs the vector storage and the derived data again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from api.gate import RankingGate
from api.results import ResultCache
from api.rwlock import ReadWriteLock
from engine.embed import Encoder
from engine.errors import EngineError, NotFoundError
from engine.profiles import PartnerRequest, Profile
from engine.recommender import Recommender

log = logging.getLogger(__name__)
#: a write, applied to a copy; the second argument is the other copy when it took it first
Change = Callable[[Recommender, Recommender | None], None]


class LiveIndex:
    def __init__(
        self,
        recommender: Recommender,
        encoder: Encoder,
        *,
        cache_size: int = 0,
        refresh: int = 0,
        refresh_wait: float = 1.0,
        ranking_slots: int = 2,
    ):
        recommender.warm_up()  # before the copy, so that both share the derived data
        self._copies = [recommender, recommender.copy()]
        #: rankings at once (one while a write is applied): see api.gate
        self.gate = RankingGate(ranking_slots)
        self.results: ResultCache[Recommender, Any] = ResultCache(cache_size, self.gate.ranking)
        #: hot result lists ranked again after each write
        self.refresh = refresh
        #: how long into a write hot lists are still ranked before the switch (seconds)
        self.refresh_wait = refresh_wait
        self._locks = [ReadWriteLock(), ReadWriteLock()]
        self._active = 0
        self._writer = threading.Lock()
        #: the last write, while the standby copy still lacks it
        self._lagging: tuple[Change, bool] | None = None
        #: per copy: written without a warm-up since (that copy warms before it is read)
        self._cold = [False, False]
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

    @contextmanager
    def computing(self) -> Iterator[Recommender]:
        """The active recommender, for a read that ranks outside the result cache: admitted
        by the gate like every ranking, so that it does not starve a write."""
        with self.reading() as rec, self.gate.ranking():
            yield rec

    def ranked(self, key: Hashable, compute: Callable[[Recommender], Any]) -> tuple[Any, int, bool]:
        """(``compute(recommender)``, the index version it ran on, whether it came from the
        result cache): a pure function of the index, cached under ``key`` per version."""
        with self.reading() as rec:
            value, cached = self.results.value(rec, rec.version, key, compute)
            return value, rec.version, cached

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
    def _write(self, change: Change, *, warm: bool) -> None:
        """Apply ``change`` to the standby copy and switch readers to it; the other copy
        catches up right after, in the background (and before any later write or save),
        then the hot lists the switch left without a list are ranked."""
        started = time.monotonic()
        with self._writer, self.gate.writing():
            self._catch_up()
            with self._applying(change, warm, None) as updated:
                if updated.version != self.version:
                    hot = self.results.hot(updated.version, self.refresh)
                    ranked = _rank(updated, hot, until=started + self.refresh_wait)
                    self.results.install(updated.version, ranked)
            self._active = 1 - self._active
            self._lagging = (change, warm)
        threading.Thread(target=self._after_write, name="index-catch-up", daemon=True).start()

    def _after_write(self) -> None:
        self.settle()
        self._refresh()

    def _catch_up(self) -> None:
        """Apply the last write to the copy that lacks it (the caller holds the writer
        lock). Readers are on the other copy, which took the write first: its derived data is
        taken, not computed again. This copy's warm-up waits until it is written next, just
        before readers move to it: a warm-up now would be undone by that write."""
        if self._lagging is None:
            return
        change, warm = self._lagging
        self._lagging = None
        with self._applying(change, False, self._copies[self._active]):
            self._cold[1 - self._active] |= warm

    def _refresh(self) -> None:
        """Rank the hot lists that the current version lacks, one read at a time (a write
        meanwhile is not held up and ends this round: its own follows)."""
        version = self.version
        for key, compute in self.results.hot(version, self.refresh):
            with self.reading() as rec:
                if rec.version != version:
                    return
                try:
                    self.results.value(rec, version, key, compute, reader=False)
                except EngineError:
                    continue  # e.g. its profile was deleted: its next reader gets the error
                except Exception:
                    log.exception("ranking a hot result list after a write failed")

    @contextmanager
    def _applying(
        self, change: Change, warm: bool, like: Recommender | None
    ) -> Iterator[Recommender]:
        """Apply ``change`` to the standby copy under its write lock (which waits for a
        reader that picked it just before a switch) and yield it, still locked; warm it up
        if ``warm`` or if a catch-up left that for now. ``like``: the other copy, when it
        took this write already.

        If the engine fails, the index no longer matches the database: that is recorded
        (``/ready`` turns 503, a restart repairs the index from the database) and re-raised.
        """
        standby = 1 - self._active
        copy = self._copies[standby]
        with self._locks[standby].write():
            try:
                change(copy, like)
                if warm or self._cold[standby]:
                    copy.warm_up()
                    self._cold[standby] = False
                yield copy
            except Exception as exc:
                self.out_of_sync = f"{type(exc).__name__}: {exc}"
                raise

    def settle(self) -> None:
        """Wait until both copies hold every acknowledged write."""
        with self._writer, self.gate.writing():
            try:
                self._catch_up()
            except Exception:
                log.exception("the second index copy failed to apply a write")

    def prepare(self, profiles: Sequence[Profile]) -> None:
        """Encode the texts of profiles about to be written (loading the model of profile
        texts on first use), so that the write finds them cached: a service calls this
        before it takes its own write lock, which would otherwise be held meanwhile."""
        with self.reading() as rec:  # the lock only to pick a copy: encoding runs outside
            embed = rec.embed  # it, or a catch-up of this copy would wait for a model load
        embed(profiles)

    def upsert(self, profiles: Sequence[Profile]) -> None:
        self.prepare(profiles)  # before the writer lock (cached where prepared already)
        self._write(lambda rec, like: rec.upsert(list(profiles), like=like), warm=True)

    def remove(self, profile_id: str) -> None:
        def change(rec: Recommender, like: Recommender | None) -> None:
            if profile_id in rec:
                rec.remove(profile_id, like=like)

        self._write(change, warm=True)

    def add_requests(self, items: Sequence[tuple[str, PartnerRequest, date | None]]) -> None:
        if items:
            self._write(lambda rec, _: rec.add_requests(list(items)), warm=False)

    def remove_request(self, request_id: str) -> None:
        def change(rec: Recommender, _: Recommender | None) -> None:
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


def _rank(
    source: Recommender, hot: list[tuple[Hashable, Callable[[Recommender], Any]]], until: float
) -> list[tuple[Hashable, Any]]:
    """``hot`` lists ranked on ``source`` (nobody reads it yet) while the last ranking's
    time still fits before ``until``; one whose ranking now fails (its profile was deleted)
    is left out: a reader asking for it again gets the error from its own ranking."""
    ranked = []
    took = 0.0
    for key, compute in hot:
        started = time.monotonic()
        if started + took >= until:
            break
        try:
            ranked.append((key, compute(source)))
        except EngineError:
            continue
        finally:
            took = time.monotonic() - started
    return ranked

