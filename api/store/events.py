"""Stored matchmaking events, their participants and their meetings (issue 18).

Every method is one transaction, and every change that alters an event's suggestions or
schedule bumps the event's ``version`` in it. The store checks what the database decides
(an event exists, a profile exists, a registration is unique); the rules of who may meet
whom are the service's (:mod:`api.services.events`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, cast

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.store.db import Sessions, count
from api.tables import EventParticipantRow, EventRow, MeetingRow, ProfileRow, utcnow
from engine.errors import ConflictError, EngineError, NotFoundError, ValidationError

Status = Literal["pending", "accepted", "declined", "cancelled", "scheduled"]
Origin = Literal["request", "suggestion"]
#: the statuses of a meeting that still holds: it may be (or is) in the schedule
ACTIVE: frozenset[str] = frozenset({"pending", "accepted", "scheduled"})


@dataclass(frozen=True)
class EventRecord:
    id: str
    title: str
    slots: tuple[tuple[datetime, datetime], ...]
    tables: int | None
    max_meetings: int
    focus_countries: tuple[str, ...]
    focus_ecosystems: tuple[str, ...]
    created_at: datetime
    version: int
    #: the last scheduling run (status, seconds, mode, at), None before the first
    schedule: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class ParticipantRecord:
    event_id: str
    profile_id: str
    offer: str
    seek: str
    available: frozenset[int]
    max_meetings: int | None
    must_meet: frozenset[str]
    avoid: frozenset[str]
    registered_at: datetime


@dataclass(frozen=True)
class MeetingRecord:
    id: int
    event_id: str
    from_id: str
    to_id: str
    message: str
    status: Status
    origin: Origin
    slot: int | None
    table: int | None
    score: float | None
    created_at: datetime
    updated_at: datetime

    @property
    def pair(self) -> frozenset[str]:
        return frozenset((self.from_id, self.to_id))

    @property
    def placed(self) -> bool:
        """In the schedule: active and given a slot."""
        return self.status in ACTIVE and self.slot is not None


@dataclass(frozen=True)
class Placement:
    """Where the scheduler put a meeting: an existing one (``id``) or a new suggestion."""

    a: str
    b: str
    slot: int
    table: int
    score: float
    id: int | None = None


def _event(row: EventRow) -> EventRecord:
    return EventRecord(
        row.id, row.title,
        tuple((datetime.fromisoformat(s["start"]), datetime.fromisoformat(s["end"]))
              for s in row.slots),
        row.tables, row.max_meetings, tuple(row.focus_countries), tuple(row.focus_ecosystems),
        row.created_at, row.version, row.schedule,
    )


def _participant(row: EventParticipantRow) -> ParticipantRecord:
    return ParticipantRecord(
        row.event_id, row.profile_id, row.offer, row.seek, frozenset(row.available),
        row.max_meetings, frozenset(row.must_meet), frozenset(row.avoid), row.registered_at,
    )


def _meeting(row: MeetingRow) -> MeetingRecord:
    return MeetingRecord(
        row.id, row.event_id, row.from_id, row.to_id, row.message, cast(Status, row.status),
        cast(Origin, row.origin), row.slot, row.table, row.score, row.created_at, row.updated_at,
    )


def _bump(s: Session, event_id: str) -> EventRow:
    """The event's row, locked, its version bumped; ``NotFoundError`` if there is none."""
    row = s.get(EventRow, event_id, with_for_update=True)
    if row is None:
        raise NotFoundError(f"no event with id {event_id!r}")
    row.version += 1
    return row


class EventStore:
    """Events, participants and meetings in the database. Every method is one transaction."""

    def __init__(self, sessions: Sessions | Callable[[], Session]):
        self._sessions = sessions

    # ---- events -------------------------------------------------------------------------
    def create(self, event: EventRecord) -> EventRecord:
        """Store a new event; ``ConflictError`` if its id exists."""
        try:
            with self._sessions() as s, s.begin():
                if s.get(EventRow, event.id) is not None:
                    raise ConflictError(f"an event with id {event.id!r} already exists")
                s.add(EventRow(
                    id=event.id, title=event.title, tables=event.tables,
                    slots=[{"start": a.isoformat(), "end": b.isoformat()} for a, b in event.slots],
                    max_meetings=event.max_meetings, focus_countries=list(event.focus_countries),
                    focus_ecosystems=list(event.focus_ecosystems), created_at=event.created_at,
                    version=1,
                ))
        except IntegrityError:
            raise ConflictError(f"an event with id {event.id!r} already exists") from None
        return event

    def get(self, event_id: str) -> EventRecord:
        with self._sessions() as s:
            row = s.get(EventRow, event_id)
            if row is None:
                raise NotFoundError(f"no event with id {event_id!r}")
            return _event(row)

    def page(self, offset: int, limit: int) -> tuple[list[EventRecord], int]:
        """One page of events, newest first; and their total."""
        stmt = select(EventRow)
        with self._sessions() as s:
            total = count(s, stmt)
            rows = s.scalars(stmt.order_by(EventRow.created_at.desc(), EventRow.id)
                             .offset(offset).limit(limit))
            return [_event(r) for r in rows], total

    # ---- participants ---------------------------------------------------------------------
    def participants(self, event_id: str) -> list[ParticipantRecord]:
        """An event's participants in registration order (``NotFoundError``: no event)."""
        with self._sessions() as s:
            if s.get(EventRow, event_id) is None:
                raise NotFoundError(f"no event with id {event_id!r}")
            stmt = (select(EventParticipantRow).where(EventParticipantRow.event_id == event_id)
                    .order_by(EventParticipantRow.registered_at, EventParticipantRow.profile_id))
            return [_participant(r) for r in s.scalars(stmt)]

    def register(self, p: ParticipantRecord) -> ParticipantRecord:
        """Add a participant. The database decides, with the insert: an unknown event is
        ``NotFoundError``, an unknown profile or a second registration ``ValidationError``
        naming ``profile_id``."""
        try:
            with self._sessions() as s, s.begin():
                _bump(s, p.event_id)
                s.add(EventParticipantRow(
                    event_id=p.event_id, profile_id=p.profile_id, offer=p.offer, seek=p.seek,
                    available=sorted(p.available), max_meetings=p.max_meetings,
                    must_meet=sorted(p.must_meet), avoid=sorted(p.avoid),
                    registered_at=p.registered_at,
                ))
                s.flush()
        except IntegrityError:
            raise self._refusal(p.event_id, p.profile_id) from None
        return p

    def _refusal(self, event_id: str, profile_id: str) -> EngineError:
        """Why the database refused a registration (looked up after: nothing was written)."""
        with self._sessions() as s:
            if s.get(ProfileRow, profile_id) is None:
                return ValidationError(f"no profile with id {profile_id!r}", field="profile_id")
        # bad input, as the contract lists it (a 422 naming the field), not a write conflict
        return ValidationError(f"{profile_id!r} is registered for event {event_id!r} already",
                               field="profile_id")

    def withdraw(self, event_id: str, profile_id: str) -> list[int]:
        """Remove a participant and cancel its active meetings; the ids of those meetings."""
        with self._sessions() as s, s.begin():
            _bump(s, event_id)
            row = s.get(EventParticipantRow, (event_id, profile_id))
            if row is None:
                raise NotFoundError(f"{profile_id!r} is not a participant of event {event_id!r}")
            s.delete(row)
            mine = (MeetingRow.event_id == event_id, MeetingRow.status.in_(ACTIVE),
                    or_(MeetingRow.from_id == profile_id, MeetingRow.to_id == profile_id))
            ids = list(s.scalars(select(MeetingRow.id).where(*mine)))
            s.execute(update(MeetingRow).where(*mine)
                      .values(status="cancelled", updated_at=utcnow()))
            return ids

    def existing_profiles(self, ids: Iterable[str]) -> set[str]:
        """The stored profile ids among ``ids``."""
        wanted = list(set(ids))
        if not wanted:
            return set()
        with self._sessions() as s:
            return set(s.scalars(select(ProfileRow.id).where(ProfileRow.id.in_(wanted))))

    # ---- meetings -------------------------------------------------------------------------
    def meetings(self, event_id: str, profile_id: str | None = None) -> list[MeetingRecord]:
        """An event's meetings (of ``profile_id`` only, if given), oldest first."""
        stmt = select(MeetingRow).where(MeetingRow.event_id == event_id)
        if profile_id is not None:
            stmt = stmt.where(or_(MeetingRow.from_id == profile_id,
                                  MeetingRow.to_id == profile_id))
        with self._sessions() as s:
            return [_meeting(r) for r in s.scalars(stmt.order_by(MeetingRow.id))]

    def meeting(self, event_id: str, meeting_id: int) -> MeetingRecord:
        with self._sessions() as s:
            row = s.get(MeetingRow, meeting_id)
            if row is None or row.event_id != event_id:
                raise NotFoundError(f"no meeting {meeting_id} at event {event_id!r}")
            return _meeting(row)

    def request(self, event_id: str, from_id: str, to_id: str, message: str) -> MeetingRecord:
        """A new pending meeting request."""
        with self._sessions() as s, s.begin():
            _bump(s, event_id)
            now = utcnow()
            row = MeetingRow(event_id=event_id, from_id=from_id, to_id=to_id, message=message,
                             status="pending", origin="request", created_at=now, updated_at=now)
            s.add(row)
            s.flush()
            return _meeting(row)

    def change(self, event_id: str, meeting_id: int,
               decide: Callable[[MeetingRecord], Status]) -> MeetingRecord:
        """Set a meeting's status to ``decide(meeting)`` (which may raise to refuse), read
        and written in one transaction; a status that stays the same changes nothing."""
        with self._sessions() as s, s.begin():
            row = s.get(MeetingRow, meeting_id, with_for_update=True)
            if row is None or row.event_id != event_id:
                raise NotFoundError(f"no meeting {meeting_id} at event {event_id!r}")
            new = decide(_meeting(row))
            if new != row.status:
                _bump(s, event_id)
                row.status = new
                row.updated_at = utcnow()
            return _meeting(row)

    def save_schedule(self, event_id: str, expected_version: int,
                      placements: Sequence[Placement], run: Mapping[str, Any]) -> None:
        """Make ``placements`` the event's schedule: each placed meeting (``id`` set) gets its
        slot, table and score; a new one becomes a scheduled suggestion; an active meeting
        not placed loses its slot (an accepted request) or is removed (a suggestion).
        ``ConflictError`` if the event changed since ``expected_version`` was read."""
        with self._sessions() as s, s.begin():
            event = _bump(s, event_id)
            if event.version != expected_version + 1:
                raise ConflictError("the event changed while it was being scheduled; run the "
                                    "scheduling again")
            event.schedule = dict(run)
            now = utcnow()
            placed = {p.id: p for p in placements if p.id is not None}
            rows = list(s.scalars(select(MeetingRow).where(
                MeetingRow.event_id == event_id, MeetingRow.status.in_(ACTIVE))))
            for row in rows:
                p = placed.get(row.id)
                if p is None and row.origin == "suggestion":
                    s.delete(row)  # no longer chosen
                elif p is None and row.slot is not None:
                    row.slot, row.table, row.updated_at = None, None, now
                elif p is not None and (row.slot, row.table, row.score) != (
                        p.slot, p.table, p.score):
                    row.slot, row.table, row.score, row.updated_at = p.slot, p.table, p.score, now
            s.add_all(MeetingRow(event_id=event_id, from_id=p.a, to_id=p.b, message="",
                                 status="scheduled", origin="suggestion", slot=p.slot,
                                 table=p.table, score=p.score, created_at=now, updated_at=now)
                      for p in placements if p.id is None)
            try:
                s.flush()
            except IntegrityError:
                # a profile deleted during the run (its rows cascade away without a version)
                raise ConflictError("a participant's profile was deleted while the event was "
                                    "being scheduled; run the scheduling again") from None
