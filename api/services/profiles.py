"""Profiles: lists, details (contacts only for an authorised key), neighbours, open requests
a profile could answer, and writes with optimistic concurrency (``If-Match``)."""

from __future__ import annotations

import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from api.live import LiveIndex
from api.schemas.common import Page
from api.schemas.profiles import (
    ProfileCreate,
    ProfileDetail,
    ProfilePublic,
    ProfileReplace,
    ProfileUpdate,
)
from api.schemas.recommend import MatchList
from api.schemas.requests import RequestMatchList
from api.security import Principal
from api.services.ranking import Ranking, elapsed_ms
from api.services.writes import WritePath
from api.store.profiles import ProfileFilter, ProfileRecord, ProfileStore
from engine.claims import attest
from engine.errors import ValidationError
from engine.match import Match
from engine.profiles import Profile
from engine.public_record import PublicRecord
from engine.recommender import Recommender
from engine.taxonomy import normalize_country


def merged(current: Profile, changes: dict[str, Any]) -> dict[str, Any]:
    """The document of ``current`` (without contacts) with a PATCH's ``changes`` applied;
    a ``None`` change resets the field to its default."""
    data = current.to_dict()
    data.pop("contacts", None)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


class ProfileService:
    def __init__(
        self, profiles: ProfileStore, live: LiveIndex, ranking: Ranking, writes: WritePath
    ):
        self.profiles = profiles
        self.live = live
        self.ranking = ranking
        self.writes = writes
        self._record: PublicRecord | None = None

    # ---- reads -------------------------------------------------------------------------
    def page(
        self,
        *,
        country: str | None,
        kind: str | None,
        ecosystem: str | None,
        q: str | None,
        offset: int,
        limit: int,
    ) -> Page[ProfilePublic]:
        if country:
            country = normalize_country(country)
        where = ProfileFilter(country=country, kind=kind, ecosystem=ecosystem, q=q or None)
        records, total = self.profiles.page(where, offset, limit)
        data = [ProfilePublic.of_record(r) for r in records]
        return Page[ProfilePublic](data=data, count=total, offset=offset, limit=limit)

    def get(self, profile_id: str, principal: Principal | None) -> ProfileDetail:
        record = self.profiles.get(profile_id)
        contacts = None
        if principal is not None and principal.may_write(profile_id):
            contacts = self.profiles.contacts(profile_id)
        return ProfileDetail.of_record(record, contacts)

    def similar(self, profile_id: str, k: int, explain: bool) -> MatchList:
        return self.ranking.partners(
            lambda rec: _related(rec, rec.similar(profile_id, k, explain=explain)),
            explain,
            ("similar", profile_id, k, explain),
        )

    def partners(self, profile_id: str, k: int, explain: bool) -> MatchList:
        return self.ranking.partners(
            # the profile page lists both: complementary partners are not the similar ones
            lambda rec: _related(
                rec, rec.complementary(profile_id, k, explain=explain, distinct=k)),
            explain,
            ("partners", profile_id, k, explain),
        )

    def opportunities(self, profile_id: str, k: int) -> RequestMatchList:
        started = time.perf_counter()
        with self.live.computing() as rec:
            # a request whose best fit is as weak as a low-confidence list's best match is
            # no opportunity (the threshold is calibrated on history: engine.confidence)
            confidence = rec.fusion.confidence if rec.fusion is not None else None
            found = rec.requests_for_profile(profile_id, k, today=datetime.now(UTC).date(),
                                             min_fit=confidence.medium if confidence else -1.0)
            version = rec.version
        return RequestMatchList(
            data=self.ranking.requests_found(found),
            count=len(found),
            took_ms=elapsed_ms(started),
            index_version=version,
        )

    # ---- writes ------------------------------------------------------------------------
    def create(self, body: ProfileCreate, principal: Principal) -> ProfileDetail:
        """Store a new profile; its id is the body's, else an owner key's own profile id,
        else a new one."""
        data = body.document()
        data["id"] = (
            body.id
            or (principal.profile_id if not principal.is_curator else None)
            or f"p-{uuid.uuid4().hex[:16]}"
        )
        principal.require_write(data["id"])
        profile = Profile.from_dict(data)
        self.live.prepare([profile])  # encoded outside the write lock
        record = self.writes.apply(
            lambda: self.profiles.create(self._attested(profile, None, principal)), self._index
        )
        return ProfileDetail.of_record(record, list(profile.contacts))

    def prepare(self, body: ProfileCreate) -> None:
        """Encode a profile that a caller is about to ``create`` under a lock of its own
        (``body.id`` set), so the model of profile texts does not load under that lock;
        an invalid body is left for ``create`` to refuse."""
        try:
            self.live.prepare([Profile.from_dict({**body.document(), "id": body.id})])
        except ValidationError:
            pass

    def replace(
        self,
        profile_id: str,
        body: ProfileReplace,
        principal: Principal,
        expected_version: int | None,
    ) -> ProfileDetail:
        principal.require_write(profile_id)
        profile = Profile.from_dict({**body.document(), "id": profile_id})
        contacts = list(profile.contacts)
        self.live.prepare([profile])  # encoded outside the write lock

        record = self.writes.apply(
            lambda: self.profiles.update(
                profile_id, lambda current: self._attested(profile, current, principal),
                expected_version=expected_version, contacts=contacts,
            ),
            self._index,
        )
        return ProfileDetail.of_record(record, contacts)

    def update(
        self,
        profile_id: str,
        body: ProfileUpdate,
        principal: Principal,
        expected_version: int | None,
    ) -> ProfileDetail:
        principal.require_write(profile_id)
        changes = body.changes()
        # not sent: unchanged (None tells the store so); null: reset, to no contacts
        contacts = (changes.pop("contacts") or []) if "contacts" in changes else None

        def change(current: Profile) -> Profile:
            profile = Profile.from_dict({**merged(current, changes), "id": profile_id})
            return self._attested(profile, current, principal)

        # encoded outside the write lock, as merged with what is stored now (a write that
        # changes it meanwhile is encoded under the lock); a missing profile is the write's 404
        current = self.profiles.by_ids([profile_id]).get(profile_id)
        if current is not None:
            self.live.prepare([Profile.from_dict({**merged(current, changes), "id": profile_id})])

        record = self.writes.apply(
            lambda: self.profiles.update(profile_id, change, expected_version=expected_version,
                                         contacts=contacts),
            self._index,
        )
        return ProfileDetail.of_record(record, self.profiles.contacts(profile_id))

    def delete(self, profile_id: str, principal: Principal, expected_version: int | None) -> None:
        principal.require_write(profile_id)
        self.writes.apply(
            lambda: self.profiles.delete(profile_id, expected_version=expected_version),
            lambda _: self.live.remove(profile_id),
        )

    def _attested(
        self, profile: Profile, previous: Profile | None, principal: Principal
    ) -> Profile:
        """``profile`` with the provenance its writer gives its activities (run inside the
        write, so that ``previous`` is the stored state): :func:`engine.claims.attest`."""
        activities = attest(
            profile.activities, previous.activities if previous is not None else (),
            owner=profile.id, curator=principal.is_curator, record=self._public_record(),
            now=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        return replace(profile, activities=activities)

    def _public_record(self) -> PublicRecord:
        """The public record the index was loaded with, taken on the first write (under
        the write lock; writes never change it: what agrees with it adds nothing)."""
        if self._record is None:
            with self.live.reading() as rec:
                corpus = rec.view().corpus
                self._record = PublicRecord.build(corpus.profiles, corpus.history)
        return self._record

    def _index(self, record: ProfileRecord) -> None:
        self.live.upsert([record.profile])


def _related(rec: Recommender, matches: list[Match]) -> list[Match]:
    """A related list cut where its candidates fit weakly (calibrated on history:
    :meth:`engine.confidence.Confidence.related`); whole without a calibration."""
    confidence = rec.fusion.confidence if rec.fusion is not None else None
    return matches if confidence is None else confidence.related(matches)
