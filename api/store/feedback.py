"""Stored feedback: an advisor's judgement of one recommended profile for one request, kept
to evaluate and train the ranking."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from api.store.db import Sessions, count
from api.tables import FeedbackRow, utcnow


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
