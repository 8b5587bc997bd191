"""The database: the source of truth for profiles, requests, interests, feedback and keys.

``Store`` wraps a SQLAlchemy engine (SQLite by default, with WAL and foreign keys on; any
SQLAlchemy URL such as ``postgresql+psycopg://...`` works) and speaks engine types: it takes
and returns :class:`~engine.profiles.Profile` and :class:`~engine.profiles.PartnerRequest`.
Every method is one transaction; conflicts raise engine errors that the API maps to HTTP.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, delete, event, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from api.tables import (
    ApiKeyRow,
    ContactRow,
    FeedbackRow,
    InterestRow,
    ProfileEcosystemRow,
    ProfileRow,
    RequestRow,
    utcnow,
)
from engine.errors import ConflictError, NotFoundError
from engine.profiles import PartnerRequest, Profile

MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass(frozen=True)
class ProfileRecord:
    profile: Profile  # without contacts
    version: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class RequestRecord:
    id: str
    request: PartnerRequest
    created_at: datetime
    expires_at: datetime
    status: str

    def is_open(self, now: datetime) -> bool:
        return self.status == "open" and self.expires_at > now


@dataclass(frozen=True)
class InterestRecord:
    id: int
    request_id: str
    profile_id: str
    message: str
    created_at: datetime


@dataclass(frozen=True)
class FeedbackRecord:
    id: int
    query_hash: str
    request_id: str | None
    profile_id: str
    label: str
    rank: int | None
    created_at: datetime


@dataclass(frozen=True)
class KeyRecord:
    id: int
    key_hash: str
    scope: str
    profile_id: str | None
    label: str
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True)
class ProfileFilter:
    country: str | None = None
    kind: str | None = None
    ecosystem: str | None = None
    q: str | None = None


def make_engine(url: str) -> Engine:
    """A SQLAlchemy engine; for SQLite: WAL, ``synchronous=FULL``, foreign keys and a busy
    timeout on every connection, and the database folder created if missing."""
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[1] if ":///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, json_serializer=_json, connect_args={"check_same_thread": False, "timeout": 30}
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return create_engine(url, json_serializer=_json, pool_pre_ping=True)


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url)
    return config


def _document(profile: Profile) -> dict[str, Any]:
    data = profile.to_dict()
    data.pop("contacts", None)
    return data


def _profile(row: ProfileRow) -> Profile:
    return Profile.from_dict(dict(row.document))


def _record(row: ProfileRow) -> ProfileRecord:
    return ProfileRecord(_profile(row), row.version, row.created_at, row.updated_at)


def _feedback(row: FeedbackRow) -> FeedbackRecord:
    return FeedbackRecord(
        row.id, row.query_hash, row.request_id, row.profile_id, row.label, row.rank,
        row.created_at,
    )


def _request_record(row: RequestRow) -> RequestRecord:
    return RequestRecord(
        row.id,
        PartnerRequest.from_dict(dict(row.document)),
        row.created_at,
        row.expires_at,
        row.status,
    )


def search_text(profile: Profile) -> str:
    """What ``GET /profiles?q=`` matches: name, acronym, city and keywords, case-folded."""
    parts = [profile.name, profile.acronym, profile.city, *profile.keywords]
    return " | ".join(p for p in parts if p).casefold()[:4000]


def query_hash(text: str) -> str:
    """How feedback names the request text it judged (SHA-256 of the whitespace-normalised,
    case-folded text), so that feedback on the same request groups together."""
    return hashlib.sha256(" ".join(text.split()).casefold().encode("utf-8")).hexdigest()


class Store:
    """All database access of the service. Thread-safe: each call opens its own session."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def session(self) -> Session:
        return self._sessions()

    def migrate(self) -> None:
        """Bring the schema to the newest migration (Alembic, in-process)."""
        config = alembic_config()
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def close(self) -> None:
        self.engine.dispose()

    # ---- profiles ------------------------------------------------------------------------
    def count_profiles(self) -> int:
        with self.session() as s:
            return int(s.scalar(select(func.count()).select_from(ProfileRow)) or 0)

    def profile_fingerprints(self) -> dict[str, str]:
        """``{profile id: Profile.fingerprint()}`` of every stored profile, without parsing
        documents (the fingerprint is stored beside the document in the same write)."""
        with self.session() as s:
            return dict(s.execute(select(ProfileRow.id, ProfileRow.fingerprint)).tuples())

    def iter_profiles(
        self, ids: Iterable[str] | None = None, batch: int = 500
    ) -> Iterator[Profile]:
        """Every stored profile (or those of ``ids``), in id order, without contacts."""
        wanted = sorted(set(ids)) if ids is not None else None
        with self.session() as s:
            if wanted is None:
                for row in s.scalars(select(ProfileRow).order_by(ProfileRow.id)).yield_per(batch):
                    yield _profile(row)
                return
            for start in range(0, len(wanted), batch):
                chunk = wanted[start : start + batch]
                stmt = select(ProfileRow).where(ProfileRow.id.in_(chunk)).order_by(ProfileRow.id)
                for row in s.scalars(stmt):
                    yield _profile(row)

    def get_profile(self, profile_id: str) -> ProfileRecord:
        with self.session() as s:
            row = s.get(ProfileRow, profile_id)
            if row is None:
                raise NotFoundError(f"no profile with id {profile_id!r}")
            return _record(row)

    def profile_exists(self, profile_id: str) -> bool:
        with self.session() as s:
            return s.get(ProfileRow, profile_id) is not None

    def contacts(self, profile_id: str) -> list[str]:
        with self.session() as s:
            stmt = (
                select(ContactRow.value)
                .where(ContactRow.profile_id == profile_id)
                .order_by(ContactRow.position)
            )
            return list(s.scalars(stmt))

    def list_profiles(
        self, where: ProfileFilter, offset: int, limit: int
    ) -> tuple[list[ProfileRecord], int]:
        stmt = select(ProfileRow)
        if where.country:
            stmt = stmt.where(ProfileRow.country == where.country)
        if where.kind:
            stmt = stmt.where(ProfileRow.kind == where.kind)
        if where.ecosystem:
            stmt = stmt.where(
                ProfileRow.id.in_(
                    select(ProfileEcosystemRow.profile_id).where(
                        ProfileEcosystemRow.ecosystem == where.ecosystem
                    )
                )
            )
        if where.q:
            pattern = (
                "%"
                + where.q.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                + "%"
            )
            stmt = stmt.where(
                or_(
                    ProfileRow.search_text.like(pattern, escape="\\"),
                    ProfileRow.id.like(pattern, escape="\\"),
                )
            )
        with self.session() as s:
            total = int(s.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
            rows = s.scalars(
                stmt.order_by(ProfileRow.name, ProfileRow.id).offset(offset).limit(limit)
            )
            return [_record(r) for r in rows], total

    def _write_profile_children(
        self, s: Session, profile: Profile, contacts: Sequence[str] | None
    ) -> None:
        s.execute(delete(ProfileEcosystemRow).where(ProfileEcosystemRow.profile_id == profile.id))
        s.add_all(
            ProfileEcosystemRow(profile_id=profile.id, ecosystem=e) for e in profile.ecosystems
        )
        if contacts is not None:
            s.execute(delete(ContactRow).where(ContactRow.profile_id == profile.id))
            s.add_all(
                ContactRow(profile_id=profile.id, position=i, value=v)
                for i, v in enumerate(contacts)
            )

    @staticmethod
    def _fill(row: ProfileRow, profile: Profile) -> None:
        row.document = _document(profile)
        row.name = profile.name
        row.country = profile.country
        row.kind = profile.kind.value
        row.fingerprint = profile.fingerprint()
        row.search_text = search_text(profile)

    def seed(
        self,
        profiles: Iterable[Profile],
        requests: Sequence[tuple[str, PartnerRequest, datetime, datetime]] = (),
        batch: int = 1000,
    ) -> int:
        """Fill an empty database in ONE transaction (a crash mid-way leaves it empty, and the
        next start seeds again); each profile's ``contacts`` go to the contacts table.
        Returns the number of profiles."""
        n = 0
        with self.session() as s, s.begin():
            pending: list[Profile] = []
            for profile in profiles:
                pending.append(profile)
                n += 1
                if len(pending) >= batch:
                    self._insert_batch(s, pending)
            self._insert_batch(s, pending)
            for request_id, request, created_at, expires_at in requests:
                s.add(_request_row(request_id, request, created_at, expires_at))
        return n

    def _insert_batch(self, s: Session, profiles: list[Profile]) -> None:
        now = utcnow()
        for profile in profiles:
            row = ProfileRow(id=profile.id, version=1, created_at=now, updated_at=now)
            self._fill(row, profile)
            s.add(row)
        s.flush()
        for profile in profiles:
            self._write_profile_children(s, profile, profile.contacts)
        s.flush()
        s.expunge_all()
        profiles.clear()

    def create_profile(self, profile: Profile) -> ProfileRecord:
        """Insert a new profile (its ``contacts`` apart); ``ConflictError`` if the id exists."""
        now = utcnow()
        try:
            with self.session() as s, s.begin():
                if s.get(ProfileRow, profile.id) is not None:
                    raise ConflictError(f"a profile with id {profile.id!r} already exists")
                row = ProfileRow(id=profile.id, version=1, created_at=now, updated_at=now)
                self._fill(row, profile)
                s.add(row)
                s.flush()
                self._write_profile_children(s, profile, profile.contacts)
        except IntegrityError:
            raise ConflictError(f"a profile with id {profile.id!r} already exists") from None
        return ProfileRecord(profile.public(), 1, now, now)

    def update_profile(
        self, profile: Profile, *, expected_version: int | None, contacts: Sequence[str] | None
    ) -> ProfileRecord:
        """Replace a stored profile; ``contacts`` None keeps the stored ones. Raises
        ``NotFoundError``, or ``ConflictError`` when ``expected_version`` is not current."""
        now = utcnow()
        with self.session() as s, s.begin():
            row = s.get(ProfileRow, profile.id, with_for_update=True)
            if row is None:
                raise NotFoundError(f"no profile with id {profile.id!r}")
            if expected_version is not None and row.version != expected_version:
                raise ConflictError(
                    f"profile {profile.id!r} is at version {row.version}, not "
                    f"{expected_version}; read it again and retry"
                )
            self._fill(row, profile)
            row.version += 1
            row.updated_at = now
            self._write_profile_children(s, profile, contacts)
            return ProfileRecord(profile.public(), row.version, row.created_at, now)

    def delete_profile(self, profile_id: str, *, expected_version: int | None) -> None:
        with self.session() as s, s.begin():
            row = s.get(ProfileRow, profile_id, with_for_update=True)
            if row is None:
                raise NotFoundError(f"no profile with id {profile_id!r}")
            if expected_version is not None and row.version != expected_version:
                raise ConflictError(
                    f"profile {profile_id!r} is at version {row.version}, not {expected_version}"
                )
            s.delete(row)

    # ---- partner requests --------------------------------------------------------------
    def count_requests(self) -> int:
        with self.session() as s:
            return int(s.scalar(select(func.count()).select_from(RequestRow)) or 0)

    def add_request(
        self, request_id: str, request: PartnerRequest, created_at: datetime, expires_at: datetime
    ) -> RequestRecord:
        try:
            with self.session() as s, s.begin():
                if s.get(RequestRow, request_id) is not None:
                    raise ConflictError(f"a request with id {request_id!r} already exists")
                s.add(_request_row(request_id, request, created_at, expires_at))
        except IntegrityError:
            raise ConflictError(f"a request with id {request_id!r} already exists") from None
        return RequestRecord(request_id, request, created_at, expires_at, "open")

    def get_request(self, request_id: str) -> RequestRecord:
        with self.session() as s:
            row = s.get(RequestRow, request_id)
            if row is None:
                raise NotFoundError(f"no partner request with id {request_id!r}")
            return _request_record(row)

    def requests_by_id(self, ids: Iterable[str]) -> dict[str, RequestRecord]:
        ids = list(dict.fromkeys(ids))
        if not ids:
            return {}
        with self.session() as s:
            rows = s.scalars(select(RequestRow).where(RequestRow.id.in_(ids)))
            return {r.id: _request_record(r) for r in rows}

    def list_requests(
        self, *, status: str, requester_id: str | None, now: datetime, offset: int, limit: int
    ) -> tuple[list[RequestRecord], int]:
        stmt = select(RequestRow)
        if status == "open":
            stmt = stmt.where(RequestRow.status == "open", RequestRow.expires_at > now)
        elif status == "expired":
            stmt = stmt.where(RequestRow.expires_at <= now)
        if requester_id:
            stmt = stmt.where(RequestRow.requester_id == requester_id)
        with self.session() as s:
            total = int(s.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
            rows = s.scalars(
                stmt.order_by(RequestRow.created_at.desc(), RequestRow.id)
                .offset(offset)
                .limit(limit)
            )
            return [_request_record(r) for r in rows], total

    def open_requests(self, now: datetime) -> list[RequestRecord]:
        with self.session() as s:
            stmt = select(RequestRow).where(
                RequestRow.status == "open", RequestRow.expires_at > now
            )
            return [_request_record(r) for r in s.scalars(stmt.order_by(RequestRow.id))]

    def delete_request(self, request_id: str) -> None:
        with self.session() as s, s.begin():
            row = s.get(RequestRow, request_id, with_for_update=True)
            if row is None:
                raise NotFoundError(f"no partner request with id {request_id!r}")
            s.delete(row)

    # ---- interests and feedback ----------------------------------------------------------
    def add_interest(self, request_id: str, profile_id: str, message: str) -> InterestRecord:
        try:
            with self.session() as s, s.begin():
                row = InterestRow(
                    request_id=request_id,
                    profile_id=profile_id,
                    message=message,
                    created_at=utcnow(),
                )
                s.add(row)
                s.flush()
                return InterestRecord(row.id, request_id, profile_id, message, row.created_at)
        except IntegrityError:
            raise ConflictError(
                f"profile {profile_id!r} has already expressed interest in {request_id!r}, or "
                "one of them no longer exists"
            ) from None

    def interests(self, request_id: str) -> list[InterestRecord]:
        with self.session() as s:
            stmt = (
                select(InterestRow)
                .where(InterestRow.request_id == request_id)
                .order_by(InterestRow.id)
            )
            return [
                InterestRecord(r.id, r.request_id, r.profile_id, r.message, r.created_at)
                for r in s.scalars(stmt)
            ]

    def add_feedback(
        self,
        *,
        query_hash: str,
        request_id: str | None,
        profile_id: str,
        label: str,
        rank: int | None,
        key_id: int | None,
    ) -> FeedbackRecord:
        with self.session() as s, s.begin():
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
            return _feedback(row)

    def feedback(
        self, *, label: str | None, profile_id: str | None, offset: int, limit: int
    ) -> tuple[list[FeedbackRecord], int]:
        """Stored feedback, oldest first, optionally of one label or profile; and the total."""
        stmt = select(FeedbackRow)
        if label:
            stmt = stmt.where(FeedbackRow.label == label)
        if profile_id:
            stmt = stmt.where(FeedbackRow.profile_id == profile_id)
        with self.session() as s:
            total = int(s.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
            rows = s.scalars(stmt.order_by(FeedbackRow.id).offset(offset).limit(limit))
            return [_feedback(r) for r in rows], total

    # ---- API keys ----------------------------------------------------------------------
    def add_key(self, key_hash: str, scope: str, profile_id: str | None, label: str) -> KeyRecord:
        try:
            with self.session() as s, s.begin():
                row = ApiKeyRow(
                    prefix=key_hash[:8],
                    key_hash=key_hash,
                    scope=scope,
                    profile_id=profile_id,
                    label=label,
                    created_at=utcnow(),
                )
                s.add(row)
                s.flush()
                return _key(row)
        except IntegrityError:
            raise ConflictError("this key is already stored") from None

    def keys_with_prefix(self, prefix: str) -> list[KeyRecord]:
        with self.session() as s:
            rows = s.scalars(
                select(ApiKeyRow).where(ApiKeyRow.prefix == prefix, ApiKeyRow.revoked_at.is_(None))
            )
            return [_key(r) for r in rows]

    def key_by_hash(self, key_hash: str) -> KeyRecord | None:
        """The key with this hash, revoked or not."""
        with self.session() as s:
            row = s.scalar(select(ApiKeyRow).where(ApiKeyRow.key_hash == key_hash))
            return _key(row) if row is not None else None

    def list_keys(self) -> list[KeyRecord]:
        with self.session() as s:
            return [_key(r) for r in s.scalars(select(ApiKeyRow).order_by(ApiKeyRow.id))]

    def revoke_key(self, key_id: int) -> None:
        with self.session() as s, s.begin():
            row = s.get(ApiKeyRow, key_id)
            if row is None:
                raise NotFoundError(f"no key with id {key_id}")
            row.revoked_at = utcnow()


def _key(row: ApiKeyRow) -> KeyRecord:
    return KeyRecord(
        row.id, row.key_hash, row.scope, row.profile_id, row.label, row.created_at, row.revoked_at
    )


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)


def _request_row(
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
