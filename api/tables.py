"""The database schema (SQLAlchemy 2 ORM). Changes go through a migration in
``api/migrations/versions``; ``tests/api/test_api_store.py`` checks the two agree.

Portable types only (String, Text, JSON, Integer, Float, DateTime), so SQLite and PostgreSQL both
work. Contacts live in their own table, never inside a profile document.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ID = 200  # engine limit on profile and request ids


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; use datetime.now(UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class ProfileRow(Base):
    """A profile: its engine document (``Profile.to_dict()`` without contacts), searchable
    columns copied from it, and ``version`` for optimistic concurrency."""

    __tablename__ = "profiles"

    id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    name: Mapped[str] = mapped_column(String(500), nullable=False)
    country: Mapped[str] = mapped_column(String(2), nullable=False, default="", index=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    search_text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    fingerprint: Mapped[str] = mapped_column(String(32), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class ProfileEcosystemRow(Base):
    __tablename__ = "profile_ecosystems"

    profile_id: Mapped[str] = mapped_column(
        String(ID), ForeignKey("profiles.id", ondelete="CASCADE"), primary_key=True
    )
    ecosystem: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class ContactRow(Base):
    """Personal contact data, apart from the profile; returned only to an authorised key."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    profile_id: Mapped[str] = mapped_column(
        String(ID), ForeignKey("profiles.id", ondelete="CASCADE"), nullable=False, index=True
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    value: Mapped[str] = mapped_column(Text, nullable=False)


class ClaimRow(Base):
    """A self-declared activity of ``profile_id`` naming ``partner_id`` as a partner, so that
    the partner can find what it is asked to confirm (kept with each profile write)."""

    __tablename__ = "claims"

    profile_id: Mapped[str] = mapped_column(
        String(ID), ForeignKey("profiles.id", ondelete="CASCADE"), primary_key=True
    )
    activity_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    partner_id: Mapped[str] = mapped_column(String(ID), primary_key=True, index=True)


class RequestRow(Base):
    """A stored partner request (``PartnerRequest.to_dict()``); open until ``expires_at``."""

    __tablename__ = "partner_requests"

    id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    requester_id: Mapped[str | None] = mapped_column(String(ID), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="open")


class InterestRow(Base):
    """An expression of interest by a profile in a request."""

    __tablename__ = "interests"
    __table_args__ = (UniqueConstraint("request_id", "profile_id", name="uq_interest_once"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(
        String(ID),
        ForeignKey("partner_requests.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )
    profile_id: Mapped[str] = mapped_column(
        String(ID), ForeignKey("profiles.id", ondelete="CASCADE"), nullable=False
    )
    message: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class FeedbackRow(Base):
    """A judgement on a recommendation, kept for evaluation and training. Ids are not foreign
    keys on purpose: feedback outlives the profiles and requests it is about."""

    __tablename__ = "feedback"
    __table_args__ = (Index("ix_feedback_query", "query_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    query_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    request_id: Mapped[str | None] = mapped_column(String(ID), nullable=True)
    profile_id: Mapped[str] = mapped_column(String(ID), nullable=False, index=True)
    label: Mapped[str] = mapped_column(String(16), nullable=False)
    rank: Mapped[int | None] = mapped_column(Integer, nullable=True)
    key_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class ApiKeyRow(Base):
    """An API key, stored as its SHA-256; ``prefix`` (the first hex digits of that hash)
    narrows the lookup before a constant-time comparison of the whole hash."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    prefix: Mapped[str] = mapped_column(String(8), nullable=False, index=True)
    key_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    scope: Mapped[str] = mapped_column(String(16), nullable=False)
    profile_id: Mapped[str | None] = mapped_column(String(ID), nullable=True)
    label: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ChangeRow(Base):
    """A committed write that the other processes serving this database apply to their own
    index: ``entity`` (profile or request) ``item_id`` was upserted or deleted. Written in
    the write's own transaction; ``seq`` grows in commit order (:mod:`api.store.changes`)."""

    __tablename__ = "changes"
    __table_args__ = {"sqlite_autoincrement": True}  # a seq is never reused

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(16), nullable=False)
    item_id: Mapped[str] = mapped_column(String(ID), nullable=False)
    op: Mapped[str] = mapped_column(String(8), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class EventRow(Base):
    """A matchmaking event: its time ``slots`` (``[{"start", "end"}]``, ISO datetimes with a
    time zone, in time order), ``tables`` per slot (None: virtual, no limit), the default
    ``max_meetings`` per participant and its focus. ``version`` is bumped by every change
    that alters its suggestions or schedule; ``schedule``: the last scheduling run (status,
    seconds, mode, when)."""

    __tablename__ = "events"

    id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    title: Mapped[str] = mapped_column(String(500), nullable=False)
    slots: Mapped[list[dict[str, str]]] = mapped_column(JSON, nullable=False)
    tables: Mapped[int | None] = mapped_column(Integer, nullable=True)
    max_meetings: Mapped[int] = mapped_column(Integer, nullable=False)
    focus_countries: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    focus_ecosystems: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    schedule: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class EventParticipantRow(Base):
    """A profile registered for an event: what it offers and seeks there, the slot indexes
    it is ``available`` in, its own maximum (None: the event's) and the profile ids it must
    meet or will not meet."""

    __tablename__ = "event_participants"

    event_id: Mapped[str] = mapped_column(
        String(ID), ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    profile_id: Mapped[str] = mapped_column(
        String(ID), ForeignKey("profiles.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    offer: Mapped[str] = mapped_column(Text, nullable=False, default="")
    seek: Mapped[str] = mapped_column(Text, nullable=False)
    available: Mapped[list[int]] = mapped_column(JSON, nullable=False)
    max_meetings: Mapped[int | None] = mapped_column(Integer, nullable=True)
    must_meet: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    avoid: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class MeetingRow(Base):
    """A meeting at an event: a request from ``from_id`` to ``to_id`` (``origin`` request:
    pending, accepted, declined or cancelled) or a suggestion the scheduler placed (origin
    suggestion: scheduled or cancelled). ``slot`` and ``table`` (0-based) once placed;
    ``score``: the pair's reciprocal value in [0, 1]."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(
        String(ID), ForeignKey("events.id", ondelete="CASCADE"), nullable=False, index=True
    )
    from_id: Mapped[str] = mapped_column(
        String(ID), ForeignKey("profiles.id", ondelete="CASCADE"), nullable=False, index=True
    )
    to_id: Mapped[str] = mapped_column(
        String(ID), ForeignKey("profiles.id", ondelete="CASCADE"), nullable=False, index=True
    )
    message: Mapped[str] = mapped_column(Text, nullable=False, default="")
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    origin: Mapped[str] = mapped_column(String(16), nullable=False)
    slot: Mapped[int | None] = mapped_column(Integer, nullable=True)
    table: Mapped[int | None] = mapped_column(Integer, nullable=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
