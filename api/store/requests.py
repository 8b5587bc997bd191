"""Stored partner requests: the engine document, who asked, and until when it is open."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from api.store.changes import record
from api.store.db import Sessions, count
from api.tables import RequestRow
from engine.errors import ConflictError, NotFoundError
from engine.profiles import PartnerRequest

#: which requests ``GET /requests`` lists
Status = Literal["open", "expired", "all"]


@dataclass(frozen=True)
class RequestRecord:
    id: str
    request: PartnerRequest
    created_at: datetime
    expires_at: datetime
    status: str
    #: the change-table seq of the write that returned this record (0 from a read)
    seq: int = 0

    def is_open(self, now: datetime) -> bool:
        return self.status == "open" and self.expires_at > now


def new_row(
    request_id: str, request: PartnerRequest, created_at: datetime, expires_at: datetime
) -> RequestRow:
    """A new open request's row."""
    return RequestRow(
        id=request_id,
        document=request.to_dict(),
        requester_id=request.requester_id,
        created_at=created_at,
        expires_at=expires_at,
        status="open",
    )


def _record(row: RequestRow) -> RequestRecord:
    return RequestRecord(
        row.id,
        PartnerRequest.from_dict(dict(row.document)),
        row.created_at,
        row.expires_at,
        row.status,
    )


class RequestStore:
    """Partner requests in the database. Every method is one transaction."""

    def __init__(self, sessions: Sessions):
        self._sessions = sessions

    def count(self) -> int:
        with self._sessions() as s:
            return count(s, select(RequestRow))

    def add(
        self, request_id: str, request: PartnerRequest, created_at: datetime, expires_at: datetime
    ) -> RequestRecord:
        """Store a new open request; ``ConflictError`` if the id exists."""
        try:
            with self._sessions() as s, s.begin():
                if s.get(RequestRow, request_id) is not None:
                    raise ConflictError(f"a request with id {request_id!r} already exists")
                s.add(new_row(request_id, request, created_at, expires_at))
                seq = record(s, "request", request_id, "upsert")
        except IntegrityError:
            raise ConflictError(f"a request with id {request_id!r} already exists") from None
        return RequestRecord(request_id, request, created_at, expires_at, "open", seq)

    def get(self, request_id: str) -> RequestRecord:
        with self._sessions() as s:
            row = s.get(RequestRow, request_id)
            if row is None:
                raise NotFoundError(f"no partner request with id {request_id!r}")
            return _record(row)

    def by_ids(self, ids: Iterable[str]) -> dict[str, RequestRecord]:
        """The stored requests among ``ids``, by id (unknown ids are left out)."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        with self._sessions() as s:
            rows = s.scalars(select(RequestRow).where(RequestRow.id.in_(wanted)))
            return {r.id: _record(r) for r in rows}

    def page(
        self, *, status: Status, requester_id: str | None, now: datetime, offset: int, limit: int
    ) -> tuple[list[RequestRecord], int]:
        """One page of requests, newest first, by ``status`` at ``now``; and their total."""
        stmt = select(RequestRow)
        if status == "open":
            stmt = stmt.where(RequestRow.status == "open", RequestRow.expires_at > now)
        elif status == "expired":
            stmt = stmt.where(RequestRow.expires_at <= now)
        if requester_id:
            stmt = stmt.where(RequestRow.requester_id == requester_id)
        with self._sessions() as s:
            total = count(s, stmt)
            rows = s.scalars(
                stmt.order_by(RequestRow.created_at.desc(), RequestRow.id)
                .offset(offset)
                .limit(limit)
            )
            return [_record(r) for r in rows], total

    def open_at(self, now: datetime) -> list[RequestRecord]:
        """Every request still open at ``now``, in id order."""
        with self._sessions() as s:
            stmt = select(RequestRow).where(
                RequestRow.status == "open", RequestRow.expires_at > now
            )
            return [_record(r) for r in s.scalars(stmt.order_by(RequestRow.id))]

    def delete(self, request_id: str) -> int:
        """Delete a stored request; returns the seq of its change row."""
        with self._sessions() as s, s.begin():
            row = s.get(RequestRow, request_id, with_for_update=True)
            if row is None:
                raise NotFoundError(f"no partner request with id {request_id!r}")
            s.delete(row)
            return record(s, "request", request_id, "delete")
