"""API keys: generated at random, stored as SHA-256, compared in constant time.

A key has a scope: ``curator`` (every write) or ``owner`` (writes about one profile id only).
The key itself is shown once, when it is created, and never stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum

from api.errors import Forbidden
from api.store.keys import KeyStore


class Scope(StrEnum):
    CURATOR = "curator"
    OWNER = "owner"


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's row id, its scope and, for owners, their profile."""

    key_id: int
    scope: Scope
    profile_id: str | None = None

    @property
    def is_curator(self) -> bool:
        return self.scope is Scope.CURATOR

    def may_write(self, profile_id: str | None) -> bool:
        """Whether this key may write about ``profile_id`` (a profile, or a requester)."""
        return self.is_curator or (profile_id is not None and profile_id == self.profile_id)

    def require_write(self, profile_id: str | None, refusal: str | None = None) -> None:
        """Raise :class:`~api.errors.Forbidden` (with ``refusal``, or a message naming the
        profile) unless this key may write about ``profile_id``."""
        if not self.may_write(profile_id):
            raise Forbidden(refusal or f"this key may not write profile {profile_id!r}")

    def require_curator(self, refusal: str) -> None:
        """Raise :class:`~api.errors.Forbidden` with ``refusal`` unless this is a curator key."""
        if not self.is_curator:
            raise Forbidden(refusal)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> str:
    """A fresh key: ``psk_`` and 43 URL-safe characters (256 random bits)."""
    return "psk_" + secrets.token_urlsafe(32)


def authenticate(keys: KeyStore, presented: str) -> Principal | None:
    """The principal of ``presented``, or None for an unknown or revoked key.

    The database lookup uses only the first 8 hex digits of the hash, which say nothing
    useful about the key; the whole hash is then compared with ``hmac.compare_digest``.
    """
    if not presented or len(presented) > 512:
        return None
    digest = hash_key(presented)
    found: Principal | None = None
    for record in keys.with_prefix(digest[:8]):
        if hmac.compare_digest(record.key_hash, digest):
            found = Principal(record.id, Scope(record.scope), record.profile_id)
    return found


def create_key(keys: KeyStore, scope: Scope, profile_id: str | None = None, label: str = "") -> str:
    """Store a new key's hash and return the key (the only time it is visible)."""
    if scope is Scope.OWNER and not profile_id:
        raise ValueError("an owner key needs the profile id it may write")
    key = new_key()
    keys.add(hash_key(key), scope.value, profile_id if scope is Scope.OWNER else None, label)
    return key


def ensure_bootstrap_key(keys: KeyStore, key: str) -> bool:
    """Store ``key`` as a curator key unless it is known already (a revoked bootstrap key
    stays revoked); True if it was added."""
    if keys.by_hash(hash_key(key)) is not None:
        return False
    keys.add(hash_key(key), Scope.CURATOR.value, None, "bootstrap (settings)")
    return True
