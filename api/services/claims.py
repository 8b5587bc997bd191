"""Claims: the self-declared activities that name a profile as a partner, and the partner's
confirmation (or withdrawal), which is what lets such an activity's tie count
(:mod:`engine.attestation`). A confirmation is a write to the declaring profile."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from api.live import LiveIndex
from api.schemas.claims import Claim, ClaimList
from api.schemas.profiles import ActivityPublic
from api.security import Principal
from api.services.writes import WritePath
from api.store.profiles import ProfileStore
from engine import claims
from engine.errors import NotFoundError, ValidationError
from engine.profiles import Profile


class ClaimService:
    def __init__(self, profiles: ProfileStore, live: LiveIndex, writes: WritePath):
        self.profiles = profiles
        self.live = live
        self.writes = writes

    def naming(self, partner_id: str) -> ClaimList:
        """Every self-declared activity that names ``partner_id`` (a stored profile)."""
        if not self.profiles.exists(partner_id):
            raise NotFoundError(f"no profile with id {partner_id!r}")
        named = self.profiles.claims_naming(partner_id)
        profiles = self.profiles.by_ids(p for p, _ in named)
        found: list[Claim] = []
        for profile_id, activity_id in named:
            profile = profiles[profile_id]
            activity = next(a for a in profile.activities if a.id == activity_id)
            found.append(Claim(
                profile_id=profile.id, profile_name=profile.name,
                activity=ActivityPublic.of(activity),
                confirmed=partner_id in activity.provenance.confirmed,
            ))
        return ClaimList(data=found, count=len(found))

    def confirm(
        self, profile_id: str, activity_id: str, partner: str | None, principal: Principal
    ) -> ActivityPublic:
        partner = partner or principal.profile_id
        if partner is None:
            raise ValidationError("a curator key must name the confirming partner",
                                         field="partner")
        principal.require_write(
            partner, f"only {partner!r}'s own key or a curator may confirm for it")
        if not self.profiles.exists(partner):
            raise NotFoundError(f"no profile with id {partner!r}")
        now = datetime.now(UTC).isoformat(timespec="seconds")
        return self._write(profile_id, activity_id, lambda p: claims.confirm(
            p, activity_id, partner, curator=principal.is_curator, now=now))

    def withdraw(
        self, profile_id: str, activity_id: str, partner: str, principal: Principal
    ) -> None:
        principal.require_write(
            partner, f"only {partner!r}'s own key or a curator may withdraw its confirmation")
        self._write(profile_id, activity_id, lambda p: claims.withdraw(p, activity_id, partner))

    def _write(
        self, profile_id: str, activity_id: str, change: Callable[[Profile], Profile]
    ) -> ActivityPublic:
        record = self.writes.apply(
            lambda: self.profiles.update(profile_id, change, expected_version=None,
                                         contacts=None),
            lambda r: self.live.upsert([r.profile]),
        )
        return ActivityPublic.of(
            next(a for a in record.profile.activities if a.id == activity_id))
