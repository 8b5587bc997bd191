"""Stored expressions of interest: a profile offering to answer a partner request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from api.store.db import Sessions
from api.tables import InterestRow, ProfileRow, RequestRow, utcnow
from engine.errors import ConflictError, EngineError, NotFoundError, ValidationError


@dataclass(frozen=True)
class InterestRecord:
    id: int
    request_id: str
    profile_id: str
    message: str
    created_at: datetime


def _record(row: InterestRow) -> InterestRecord:
    return InterestRecord(row.id, row.request_id, row.profile_id, row.message, row.created_at)


class InterestStore:
    """Expressions of interest in the database. Every method is one transaction."""

    def __init__(self, sessions: Sessions):
        self._sessions = sessions

    def add(self, request_id: str, profile_id: str, message: str) -> InterestRecord:
        """Store one. The database's constraints decide, with the insert (so no delete comes
        in between a check and the write): an unknown request is ``NotFoundError``, an
        unknown profile ``ValidationError`` naming ``profile_id``, a second interest of a
        profile in a request ``ConflictError``."""
        try:
            with self._sessions() as s, s.begin():
                row = InterestRow(
                    request_id=request_id,
                    profile_id=profile_id,
                    message=message,
                    created_at=utcnow(),
                )
                s.add(row)
                s.flush()
                return _record(row)
        except IntegrityError:
            raise self._refusal(request_id, profile_id) from None

    def _refusal(self, request_id: str, profile_id: str) -> EngineError:
        """Why the database refused an interest (looked up after: nothing was written)."""
        with self._sessions() as s:
            if s.get(RequestRow, request_id) is None:
                return NotFoundError(f"no partner request with id {request_id!r}")
            if s.get(ProfileRow, profile_id) is None:
                return ValidationError(f"no profile with id {profile_id!r}", field="profile_id")
        return ConflictError(
            f"profile {profile_id!r} has already expressed interest in {request_id!r}"
        )

    def of_request(self, request_id: str) -> list[InterestRecord]:
        """The interests in one request, oldest first."""
        with self._sessions() as s:
            stmt = (
                select(InterestRow)
                .where(InterestRow.request_id == request_id)
                .order_by(InterestRow.id)
            )
            return [_record(r) for r in s.scalars(stmt)]
