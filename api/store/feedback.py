"""Stored feedback: an advisor's judgement of one recommended profile for one request, kept
to evaluate and train the ranking. It is about a profile, and a stored request if it names
one, that exist when it is given."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from api.store.db import Sessions, count
from api.tables import FeedbackRow, ProfileRow, RequestRow, utcnow
from engine.errors import ValidationError


@dataclass(frozen=True)
class FeedbackRecord:
    id: int
    query_hash: str
    request_id: str | None
    profile_id: str
    label: str
    rank: int | None
    created_at: datetime


def query_hash(text: str) -> str:
    """How feedback names the request text it judged (SHA-256 of the whitespace-normalised,
    case-folded text), so that feedback on the same request groups together."""
    return hashlib.sha256(" ".join(text.split()).casefold().encode("utf-8")).hexdigest()


def _exists(s: Session, column: InstrumentedAttribute[Any], value: str) -> bool:
    """Whether a row has ``value`` in ``column`` (a primary key), share-locked until the end
    of the transaction on databases that lock rows (SQLite leaves out ``FOR SHARE``)."""
    stmt = select(column).where(column == value).with_for_update(read=True)
    return s.scalar(stmt) is not None


def _record(row: FeedbackRow) -> FeedbackRecord:
    return FeedbackRecord(
        row.id, row.query_hash, row.request_id, row.profile_id, row.label, row.rank,
        row.created_at,
    )


class FeedbackStore:
    """Feedback in the database. Every method is one transaction."""

    def __init__(self, sessions: Sessions):
        self._sessions = sessions

    def add(
        self,
        *,
        query_hash: str,
        request_id: str | None,
        profile_id: str,
        label: str,
        rank: int | None,
        key_id: int | None,
    ) -> FeedbackRecord:
        """Store one judgement; ``ValidationError`` naming ``profile_id`` or ``request_id``
        if that profile or request does not exist. Feedback has no foreign keys (it outlives
        what it is about: :class:`~api.tables.FeedbackRow`), so they are looked up here, after
        the insert and in its transaction, where no delete can come in between: on SQLite the
        insert holds the database's write lock (its driver begins a transaction only at the
        first write, so a lookup before it would be a transaction of its own), on PostgreSQL
        ``FOR SHARE`` makes a delete of the row wait for this commit."""
        with self._sessions() as s, s.begin():
            row = FeedbackRow(
                query_hash=query_hash,
                request_id=request_id,
                profile_id=profile_id,
                label=label,
                rank=rank,
                key_id=key_id,
                created_at=utcnow(),
            )
            s.add(row)
            s.flush()
            if not _exists(s, ProfileRow.id, profile_id):
                raise ValidationError(f"no profile with id {profile_id!r}", field="profile_id")
            if request_id is not None and not _exists(s, RequestRow.id, request_id):
                raise ValidationError(
                    f"no partner request with id {request_id!r}", field="request_id"
                )
            return _record(row)

    def page(
        self, *, label: str | None, profile_id: str | None, offset: int, limit: int
    ) -> tuple[list[FeedbackRecord], int]:
        """One page of feedback, oldest first, optionally of one label or profile; and the
        total."""
        stmt = select(FeedbackRow)
        if label:
            stmt = stmt.where(FeedbackRow.label == label)
        if profile_id:
            stmt = stmt.where(FeedbackRow.profile_id == profile_id)
        with self._sessions() as s:
            total = count(s, stmt)
            rows = s.scalars(stmt.order_by(FeedbackRow.id).offset(offset).limit(limit))
            return [_record(r) for r in rows], total
