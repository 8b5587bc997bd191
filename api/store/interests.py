"""Stored expressions of interest: a profile offering to answer a partner request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from api.store.db import Sessions
from api.tables import InterestRow, utcnow
from engine.errors import ConflictError


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
        """Store one; ``ConflictError`` if the profile already expressed interest in the
        request, or either of them is gone (the database's constraints decide)."""
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
            raise ConflictError(
                f"profile {profile_id!r} has already expressed interest in {request_id!r}, or "
                "one of them no longer exists"
            ) from None

    def of_request(self, request_id: str) -> list[InterestRecord]:
        """The interests in one request, oldest first."""
        with self._sessions() as s:
            stmt = (
                select(InterestRow)
                .where(InterestRow.request_id == request_id)
                .order_by(InterestRow.id)
            )
            return [_record(r) for r in s.scalars(stmt)]
