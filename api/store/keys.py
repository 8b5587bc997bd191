"""Stored API keys: the SHA-256 of each key (never the key), its scope and, for an owner key,
the profile it may write. Looked up by an 8-digit hash prefix (see :mod:`api.security`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from api.store.db import Sessions
from api.tables import ApiKeyRow, utcnow
from engine.errors import ConflictError, NotFoundError


@dataclass(frozen=True)
class KeyRecord:
    id: int
    key_hash: str
    scope: str
    profile_id: str | None
    label: str
    created_at: datetime
    revoked_at: datetime | None


def _record(row: ApiKeyRow) -> KeyRecord:
    return KeyRecord(
        row.id, row.key_hash, row.scope, row.profile_id, row.label, row.created_at, row.revoked_at
    )


class KeyStore:
    """API keys in the database. Every method is one transaction."""

    def __init__(self, sessions: Sessions):
        self._sessions = sessions

    def add(self, key_hash: str, scope: str, profile_id: str | None, label: str) -> KeyRecord:
        try:
            with self._sessions() as s, s.begin():
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
                return _record(row)
        except IntegrityError:
            raise ConflictError("this key is already stored") from None

    def with_prefix(self, prefix: str) -> list[KeyRecord]:
        """The unrevoked keys whose hash starts with ``prefix``."""
        with self._sessions() as s:
            rows = s.scalars(
                select(ApiKeyRow).where(ApiKeyRow.prefix == prefix, ApiKeyRow.revoked_at.is_(None))
            )
            return [_record(r) for r in rows]

    def by_hash(self, key_hash: str) -> KeyRecord | None:
        """The key with this hash, revoked or not."""
        with self._sessions() as s:
            row = s.scalar(select(ApiKeyRow).where(ApiKeyRow.key_hash == key_hash))
            return _record(row) if row is not None else None

    def all(self) -> list[KeyRecord]:
        """Every key, revoked or not, oldest first."""
        with self._sessions() as s:
            return [_record(r) for r in s.scalars(select(ApiKeyRow).order_by(ApiKeyRow.id))]

    def revoke(self, key_id: int) -> None:
        with self._sessions() as s, s.begin():
            row = s.get(ApiKeyRow, key_id)
            if row is None:
                raise NotFoundError(f"no key with id {key_id}")
            row.revoked_at = utcnow()
