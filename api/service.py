"""``PartnerSearch``: what the routes call. It joins the database (truth) and the live index
(derived), converts engine objects to response schemas, and checks who may write what.

Every write is serialised by one lock and goes: validate → commit to the database → apply
to the live index → respond. A write is acknowledged only after both, so a client that got
a 2xx finds its change in recommendations at once, and after any restart (the index is
re-verified against the database at start-up).
"""

from __future__ import annotations

import json
import math
import threading
import time
import uuid
from collections.abc import Callable, Hashable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np

from api.errors import ApiError, field_error
from api.live import LiveIndex
from api.schemas import (
    Candidate,
    CountryTerm,
    FeedbackCreate,
    FeedbackPublic,
    InterestCreate,
    InterestPublic,
    MatchList,
    Page,
    ProfileCreate,
    ProfileDetail,
    ProfilePublic,
    ProfileReplace,
    ProfileSummary,
    ProfileUpdate,
    Ready,
    RecommendIn,
    RequestCreate,
    RequestCreated,
    RequestMatchList,
    RequestMatchOut,
    RequestPublic,
    Taxonomy,
    Term,
)
from api.security import Principal
from api.settings import Settings
from api.store import ProfileFilter, ProfileRecord, RequestRecord, Store, query_hash
from api.sync import SyncReport, expiry
from engine.errors import NotFoundError
from engine.profiles import PartnerRequest, Profile
from engine.rank import Diversity
from engine.recommender import Match, Recommender
from engine.taxonomy import (
    COLLABORATION_LABELS,
    COUNTRIES,
    ECOSYSTEMS,
    EU27,
    KIND_LABELS,
    normalize_country,
)


def plain(value: Any) -> Any:
    """JSON-ready copy of engine output: numpy scalars and arrays become Python numbers and
    lists, tuples lists, and non-finite floats ``None``."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _finite(value: float) -> float:
    return float(value) if math.isfinite(value) else 0.0


def candidate(match: Match, explain: bool) -> Candidate:
    out = Candidate(
        rank=match.rank,
        score=_finite(match.score),
        profile=ProfileSummary.of(match.profile),
        signals={k: _finite(v) for k, v in match.signals.items()},
        contributions={k: _finite(v) for k, v in match.contributions.items()},
    )
    if explain and match.explanation is not None:
        explanation = match.explanation.to_dict()
        out.summary = str(explanation.get("summary", ""))
        out.evidence = plain(explanation.get("evidence", {}))
    return out


def request_public(record: RequestRecord, now: datetime) -> RequestPublic:
    return RequestPublic(
        id=record.id,
        **record.request.to_dict(),
        created_at=record.created_at,
        expires_at=record.expires_at,
        status="open" if record.is_open(now) else "expired",
    )


def profile_detail(record: ProfileRecord, contacts: list[str] | None) -> ProfileDetail:
    public = ProfilePublic.of_record(
        record.profile, record.version, record.created_at, record.updated_at
    )
    detail = ProfileDetail(**public.model_dump())
    if contacts is not None:
        detail.contacts = contacts
    return detail


def _request_key(request: PartnerRequest, k: int, explain: bool) -> tuple[Any, ...]:
    """Result-cache key of a stored request's matches: its content, not its id (an id may
    be deleted and reused for another request without a new index version)."""
    return ("request", json.dumps(request.to_dict(), sort_keys=True, default=str), k, explain)


def _new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


def _profile(data: dict[str, Any]) -> Profile:
    """Engine validation of a profile document (errors name the field)."""
    return Profile.from_dict(data)


class PartnerSearch:
    def __init__(self, settings: Settings, store: Store, live: LiveIndex, sync: SyncReport):
        self.settings = settings
        self.store = store
        self.live = live
        self.sync = sync
        self._writes = threading.Lock()

    @staticmethod
    def now() -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return self.now().date()

    # ---- operations ----------------------------------------------------------------
    def ready(self) -> Ready:
        if self.live.out_of_sync is not None:
            raise ApiError(
                503,
                "the index missed a stored write and no longer matches the database; "
                "restart the service to repair it",
            )
        profiles, vectors, version = self.live.stats()
        return Ready(
            profiles=profiles,
            vectors=vectors,
            index_version=version,
            model=self.live.model_id,
            sync=self.sync.action,
        )

    @staticmethod
    def taxonomy() -> Taxonomy:
        return Taxonomy(
            ecosystems=[Term(id=k, label=v) for k, v in ECOSYSTEMS.items()],
            kinds=[Term(id=k.value, label=v) for k, v in KIND_LABELS.items()],
            collaboration_types=[
                Term(id=c.value, label=v) for c, v in COLLABORATION_LABELS.items()
            ],
            countries=[
                CountryTerm(id=code, label=name, eu=code in EU27)
                for code, name in sorted(COUNTRIES.items(), key=lambda item: item[1])
            ],
        )

    # ---- recommendations -----------------------------------------------------------
    def _matches(
        self,
        run: Callable[[Recommender], list[Match]],
        explain: bool,
        key: Hashable,
    ) -> MatchList:
        """Rank with ``run``, or answer from the result cache when the same ``key`` was
        ranked on this index version."""
        started = time.perf_counter()
        data, version, cached = self.live.ranked(
            key, lambda rec: [candidate(m, explain) for m in run(rec)]
        )
        return MatchList(
            data=data,
            count=len(data),
            took_ms=round((time.perf_counter() - started) * 1e3, 3),
            model=self.live.model_id,
            index_version=version,
            cached=cached,
        )

    def recommend(self, body: RecommendIn) -> MatchList:
        request = body.partner_request()
        diversity = Diversity(**body.diversity.model_dump()) if body.diversity else None
        return self._matches(
            lambda rec: rec.recommend(request, body.k, explain=body.explain, diversity=diversity),
            body.explain,
            ("recommend", body.model_dump_json()),
        )

    def similar(self, profile_id: str, k: int, explain: bool) -> MatchList:
        return self._matches(
            lambda rec: rec.similar(profile_id, k, explain=explain),
            explain,
            ("similar", profile_id, k, explain),
        )

    def partners(self, profile_id: str, k: int, explain: bool) -> MatchList:
        return self._matches(
            lambda rec: rec.complementary(profile_id, k, explain=explain),
            explain,
            ("partners", profile_id, k, explain),
        )

    def opportunities(self, profile_id: str, k: int) -> RequestMatchList:
        started = time.perf_counter()
        with self.live.reading() as rec:
            found = rec.requests_for_profile(profile_id, k, today=self.today())
            version = rec.version
        return RequestMatchList(
            data=self._request_matches(found),
            count=len(found),
            took_ms=round((time.perf_counter() - started) * 1e3, 3),
            index_version=version,
        )

    def _request_matches(self, found: list[Any]) -> list[RequestMatchOut]:
        now = self.now()
        records = self.store.requests_by_id(m.request_id for m in found)
        return [
            RequestMatchOut(
                request=request_public(records[m.request_id], now),
                score=_finite(m.score),
                reciprocal=None if m.reciprocal is None else _finite(m.reciprocal),
            )
            for m in found
            if m.request_id in records
        ]

    # ---- profiles ------------------------------------------------------------------
    def list_profiles(
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
        records, total = self.store.list_profiles(where, offset, limit)
        data = [
            ProfilePublic.of_record(r.profile, r.version, r.created_at, r.updated_at)
            for r in records
        ]
        return Page[ProfilePublic](data=data, count=total, offset=offset, limit=limit)

    def get_profile(self, profile_id: str, principal: Principal | None) -> ProfileDetail:
        record = self.store.get_profile(profile_id)
        contacts = None
        if principal is not None and principal.may_write(profile_id):
            contacts = self.store.contacts(profile_id)
        return profile_detail(record, contacts)

    @staticmethod
    def _may_write(principal: Principal, profile_id: str) -> None:
        if not principal.may_write(profile_id):
            raise ApiError(403, f"this key may not write profile {profile_id!r}")

    def create_profile(self, body: ProfileCreate, principal: Principal) -> ProfileDetail:
        data = body.document()
        data["id"] = (
            body.id or (principal.profile_id if not principal.is_curator else None) or _new_id("p")
        )
        self._may_write(principal, data["id"])
        profile = _profile(data)
        with self._writes:
            record = self.store.create_profile(profile)
            self.live.upsert([record.profile])
        return profile_detail(record, list(profile.contacts))

    def replace_profile(
        self,
        profile_id: str,
        body: ProfileReplace,
        principal: Principal,
        expected_version: int | None,
    ) -> ProfileDetail:
        self._may_write(principal, profile_id)
        profile = _profile({**body.document(), "id": profile_id})
        return self._update(profile, expected_version, list(profile.contacts))

    def update_profile(
        self,
        profile_id: str,
        body: ProfileUpdate,
        principal: Principal,
        expected_version: int | None,
    ) -> ProfileDetail:
        self._may_write(principal, profile_id)
        changes = body.changes()
        contacts = changes.pop("contacts", None)
        with self._writes:
            current = self.store.get_profile(profile_id)
            if expected_version is None:
                expected_version = current.version  # the read and the write are one step
            data = current.profile.to_dict()
            data.pop("contacts", None)
            for name, value in changes.items():
                if value is None:
                    data.pop(name, None)
                else:
                    data[name] = value
            profile = _profile({**data, "id": profile_id})
            record = self.store.update_profile(
                profile, expected_version=expected_version, contacts=contacts
            )
            self.live.upsert([record.profile])
        return profile_detail(record, self.store.contacts(profile_id))

    def _update(
        self, profile: Profile, expected_version: int | None, contacts: list[str]
    ) -> ProfileDetail:
        with self._writes:
            record = self.store.update_profile(
                profile, expected_version=expected_version, contacts=contacts
            )
            self.live.upsert([record.profile])
        return profile_detail(record, contacts)

    def delete_profile(
        self, profile_id: str, principal: Principal, expected_version: int | None
    ) -> None:
        self._may_write(principal, profile_id)
        with self._writes:
            self.store.delete_profile(profile_id, expected_version=expected_version)
            self.live.remove(profile_id)

    # ---- partner requests ------------------------------------------------------------
    def create_request(
        self, body: RequestCreate, principal: Principal, k: int, explain: bool
    ) -> RequestCreated:
        request = body.partner_request()
        if not principal.is_curator:
            if request.requester_id is None:
                request = PartnerRequest.from_dict(
                    {**request.to_dict(), "requester_id": principal.profile_id}
                )
            elif not principal.may_write(request.requester_id):
                raise ApiError(403, "an owner key may post requests only for its own profile")
        now = self.now()
        today = now.date()
        expires_on = body.expires_on or today + timedelta(days=self.settings.request_expiry_days)
        if expires_on < today:
            raise field_error("expires_on", "expires_on is in the past")
        if expires_on > today + timedelta(days=2 * self.settings.request_expiry_days):
            raise field_error(
                "expires_on",
                f"a request may stay open at most {2 * self.settings.request_expiry_days} days",
            )
        expires_at = expiry(expires_on)
        request_id = body.id or _new_id("r")
        with self._writes:
            record = self.store.add_request(request_id, request, now, expires_at)
            self.live.add_requests([(request_id, request, expires_on)])
        matches = self._matches(
            lambda rec: rec.recommend(request, k, explain=explain),
            explain,
            _request_key(request, k, explain),
        )
        with self.live.reading() as rec:
            related = rec.requests_for_request(request, 10, today=today, exclude_id=request_id)
        return RequestCreated(
            request=request_public(record, now),
            matches=matches,
            related=self._request_matches(related),
        )

    def list_requests(
        self, *, status: str, requester_id: str | None, offset: int, limit: int
    ) -> Page[RequestPublic]:
        now = self.now()
        records, total = self.store.list_requests(
            status=status, requester_id=requester_id, now=now, offset=offset, limit=limit
        )
        return Page[RequestPublic](
            data=[request_public(r, now) for r in records],
            count=total,
            offset=offset,
            limit=limit,
        )

    def get_request(self, request_id: str) -> RequestPublic:
        return request_public(self.store.get_request(request_id), self.now())

    def request_matches(self, request_id: str, k: int, explain: bool) -> MatchList:
        request = self.store.get_request(request_id).request
        return self._matches(
            lambda rec: rec.recommend(request, k, explain=explain),
            explain,
            _request_key(request, k, explain),
        )

    def delete_request(self, request_id: str, principal: Principal) -> None:
        with self._writes:
            record = self.store.get_request(request_id)
            if not principal.may_write(record.request.requester_id):
                raise ApiError(403, "only the requester or a curator may delete this request")
            self.store.delete_request(request_id)
            self.live.remove_request(request_id)

    # ---- interests and feedback --------------------------------------------------------
    def add_interest(
        self, request_id: str, body: InterestCreate, principal: Principal
    ) -> InterestPublic:
        self._may_write(principal, body.profile_id)
        record = self.store.get_request(request_id)
        if not record.is_open(self.now()):
            raise ApiError(409, f"partner request {request_id!r} has expired")
        if record.request.requester_id == body.profile_id:
            raise field_error(
                "profile_id", "a requester cannot express interest in its own request"
            )
        if not self.store.profile_exists(body.profile_id):
            raise field_error("profile_id", f"no profile with id {body.profile_id!r}")
        interest = self.store.add_interest(request_id, body.profile_id, body.message.strip())
        return InterestPublic(**vars(interest))

    def interests(
        self, request_id: str, principal: Principal, offset: int, limit: int
    ) -> Page[InterestPublic]:
        record = self.store.get_request(request_id)
        if not principal.may_write(record.request.requester_id):
            raise ApiError(403, "only the requester or a curator may read its interests")
        found = self.store.interests(request_id)
        return Page[InterestPublic](
            data=[InterestPublic(**vars(i)) for i in found[offset : offset + limit]],
            count=len(found),
            offset=offset,
            limit=limit,
        )

    def list_feedback(
        self,
        principal: Principal,
        *,
        label: str | None,
        profile_id: str | None,
        offset: int,
        limit: int,
    ) -> Page[FeedbackPublic]:
        if not principal.is_curator:
            raise ApiError(403, "only a curator key may read feedback")
        records, total = self.store.feedback(
            label=label, profile_id=profile_id, offset=offset, limit=limit
        )
        return Page[FeedbackPublic](
            data=[FeedbackPublic(**vars(r)) for r in records],
            count=total,
            offset=offset,
            limit=limit,
        )

    def add_feedback(self, body: FeedbackCreate, principal: Principal) -> FeedbackPublic:
        text = (body.request_text or "").strip()
        if (body.request_id is None) == (not text):
            raise field_error("request_id", "send either request_id or a non-empty request_text")
        if body.request_id is not None:
            try:
                text = self.store.get_request(body.request_id).request.document
            except NotFoundError:
                raise field_error(
                    "request_id", f"no partner request with id {body.request_id!r}"
                ) from None
        record = self.store.add_feedback(
            query_hash=query_hash(text),
            request_id=body.request_id,
            profile_id=body.profile_id,
            label=body.label,
            rank=body.rank,
            key_id=principal.key_id,
        )
        return FeedbackPublic(**vars(record))
