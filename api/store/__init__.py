"""The database: the source of truth for profiles, requests, interests, feedback and keys.

:class:`Store` opens the database (:mod:`api.store.db`) and holds one store per kind of
record, each beside its record dataclass: ``store.profiles`` (:mod:`api.store.profiles`),
``store.requests``, ``store.interests``, ``store.feedback``, ``store.keys`` and
``store.changes`` (each profile and request write, for the other processes: :mod:`api.follow`).
They speak engine types (:class:`~engine.profiles.Profile`,
:class:`~engine.profiles.PartnerRequest`); every method is one transaction, and conflicts raise
engine errors that the API maps to HTTP.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from api.store.changes import ChangeStore
from api.store.db import StoreSession, alembic_config, make_engine, migrate
from api.store.feedback import FeedbackStore
from api.store.interests import InterestStore
from api.store.keys import KeyStore
from api.store.profiles import ProfileStore
from api.store.requests import RequestStore, new_row
from engine.profiles import PartnerRequest, Profile

__all__ = ["Store", "alembic_config"]


class Store:
    """All database access of the service. Thread-safe: each call opens its own session."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, class_=StoreSession, expire_on_commit=False)
        self.profiles = ProfileStore(self._sessions)
        self.requests = RequestStore(self._sessions)
        self.interests = InterestStore(self._sessions)
        self.feedback = FeedbackStore(self._sessions)
        self.keys = KeyStore(self._sessions)
        self.changes = ChangeStore(self._sessions)

    def session(self) -> Session:
        return self._sessions()

    def migrate(self) -> None:
        """Bring the schema to the newest migration (Alembic, in-process)."""
        migrate(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def seed(
        self,
        profiles: Iterable[Profile],
        requests: Sequence[tuple[str, PartnerRequest, datetime, datetime]] = (),
        batch: int = 1000,
    ) -> int:
        """Fill an empty database in ONE transaction (a crash mid-way leaves it empty, and the
        next start seeds again); each profile's ``contacts`` go to the contacts table. The
        ``requests`` are ``(id, request, created_at, expires_at)``. Returns the number of
        profiles."""
        n = 0
        with self.session() as s, s.begin():
            pending: list[Profile] = []
            for profile in profiles:
                pending.append(profile)
                n += 1
                if len(pending) >= batch:
                    self.profiles.insert(s, pending)
                    pending.clear()
            self.profiles.insert(s, pending)
            for request_id, request, created_at, expires_at in requests:
                s.add(new_row(request_id, request, created_at, expires_at))
        return n
