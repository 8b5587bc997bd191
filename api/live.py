"""``LiveIndex``: the service's one ``Recommender`` behind a readers-writer lock.

Readers hold the read side for the whole of a ranking call, so each sees one consistent
index version; a write takes the write side only for the in-memory update (the texts are
embedded before, outside the lock). Writes are applied after the database committed them
(see :mod:`api.service`), so the index never holds a change the database does not.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from api.encoding import ServiceEncoder
from api.rwlock import ReadWriteLock
from engine.errors import NotFoundError
from engine.profiles import PartnerRequest, Profile
from engine.recommender import Recommender, vector_texts

#: the request used to warm the recommender's derived data (any text works)
WARM_UP = PartnerRequest(text="partner search warm-up: research and innovation cooperation")


class LiveIndex:
    def __init__(self, recommender: Recommender, encoder: ServiceEncoder):
        self._recommender = recommender
        self.encoder = encoder
        self._lock = ReadWriteLock()
        self.saved_version = recommender.version
        self.out_of_sync: str | None = None
        self._warm()

    def _warm(self) -> None:
        """Build the recommender's lazily derived data (columns, collaboration graph,
        projections) now, once. A write drops all of it; left to the next readers, every
        concurrent reader would rebuild it at the same time (seconds each on the bundled
        corpus), so writers rebuild it before they let readers in."""
        if len(self._recommender):
            self._recommender.recommend(WARM_UP, 1, explain=True)

    @contextmanager
    def reading(self) -> Iterator[Recommender]:
        """The recommender, for reading only, while no write is in progress."""
        with self._lock.read():
            yield self._recommender

    @property
    def version(self) -> int:
        return self._recommender.version

    @property
    def model_id(self) -> str:
        return self.encoder.model_id

    def stats(self) -> tuple[int, int, int]:
        """(profiles, vectors, version), read consistently."""
        with self._lock.read():
            rec = self._recommender
            return len(rec), rec.n_vectors, rec.version

    # ---- writes (the caller has committed them to the database) -----------------------
    @contextmanager
    def _writing(self) -> Iterator[Recommender]:
        """The write side. The database already holds the change, so if the engine fails to
        apply it the index no longer matches the database: that is recorded (``/ready``
        turns 503, a restart repairs the index from the database) and re-raised."""
        with self._lock.write():
            try:
                yield self._recommender
            except Exception as exc:
                self.out_of_sync = f"{type(exc).__name__}: {exc}"
                raise

    def upsert(self, profiles: Sequence[Profile]) -> None:
        self.encoder.remember([t for p in profiles for t in vector_texts(p)])
        with self._writing() as rec:
            rec.upsert(list(profiles))
            self._warm()

    def remove(self, profile_id: str) -> None:
        with self._writing() as rec:
            if profile_id in rec:
                rec.remove(profile_id)
                self._warm()

    def add_requests(self, items: Sequence[tuple[str, PartnerRequest, date | None]]) -> None:
        if not items:
            return
        with self._writing() as rec:
            rec.add_requests(list(items))

    def remove_request(self, request_id: str) -> None:
        with self._writing() as rec:
            try:
                rec.remove_request(request_id)
            except NotFoundError:
                pass  # an expired request may never have been loaded

    # ---- persistence ----------------------------------------------------------------
    @property
    def dirty(self) -> bool:
        return self._recommender.version != self.saved_version

    def save(self, folder: Path) -> None:
        """Write the index folder (readers continue; writers wait until it is written)."""
        with self._lock.read():
            self._recommender.save(folder)
            self.saved_version = self._recommender.version
