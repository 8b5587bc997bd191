"""Partner requests: who may post, delete or read the interests of one (the requester's
owner key or a curator), how long one stays open, its matches, related open requests, and
expressions of interest."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from api.live import LiveIndex
from api.reconcile import expiry
from api.schemas.common import Page
from api.schemas.recommend import MAX_PER_PROJECT, MatchList
from api.schemas.requests import (
    InterestCreate,
    InterestPublic,
    RequestCreate,
    RequestCreated,
    RequestPublic,
)
from api.security import Principal
from api.services.ranking import Ranking, request_key
from api.services.writes import WritePath
from api.store.interests import InterestStore
from api.store.profiles import ProfileStore
from api.store.requests import RequestRecord, RequestStore, Status
from engine.diversity import Diversity
from engine.errors import ConflictError, ValidationError
from engine.profiles import PartnerRequest

#: A stored request's partners vary as a recommend call's do by default.
VARIETY = Diversity(max_per_project=MAX_PER_PROJECT)

#: how many other open requests like a new one its creation returns
RELATED = 10


class RequestService:
    def __init__(
        self,
        *,
        requests: RequestStore,
        interests: InterestStore,
        profiles: ProfileStore,
        live: LiveIndex,
        ranking: Ranking,
        writes: WritePath,
        expiry_days: int,
    ):
        self.requests = requests
        self.interests = interests
        self.profiles = profiles
        self.live = live
        self.ranking = ranking
        self.writes = writes
        self.expiry_days = expiry_days

    def expires_on(self, asked: date | None, today: date) -> date:
        """The last day a new request is open: ``asked``, by default ``expiry_days`` from
        ``today``; at most twice that, and not in the past."""
        if asked is None:
            return today + timedelta(days=self.expiry_days)
        if asked < today:
            raise ValidationError("expires_on is in the past", field="expires_on")
        if asked > today + timedelta(days=2 * self.expiry_days):
            raise ValidationError(
                f"a request may stay open at most {2 * self.expiry_days} days",
                field="expires_on",
            )
        return asked

    # ---- requests ----------------------------------------------------------------------
    def create(
        self, body: RequestCreate, principal: Principal, k: int, explain: bool
    ) -> RequestCreated:
        """Store a request and answer with its matches and related open requests. An owner
        key posts for its own profile (the requester by default); a requester that is no
        stored profile is a 422 naming ``requester_id``."""
        request = body.partner_request()
        if not principal.is_curator:
            if request.requester_id is None:
                request = PartnerRequest.from_dict(
                    {**request.to_dict(), "requester_id": principal.profile_id}
                )
            else:
                principal.require_write(
                    request.requester_id, "an owner key may post requests only for its own profile"
                )
        now = datetime.now(UTC)
        today = now.date()
        expires_on = self.expires_on(body.expires_on, today)
        request_id = body.id or f"r-{uuid.uuid4().hex[:16]}"
        requester = request.requester_id

        def commit() -> RequestRecord:
            # under the write lock, which profile deletes take too
            if requester is not None and not self.profiles.exists(requester):
                raise ValidationError(f"no profile with id {requester!r}", field="requester_id")
            return self.requests.add(request_id, request, now, expiry(expires_on))

        record = self.writes.apply(
            commit, lambda _: self.live.add_requests([(request_id, request, expires_on)])
        )
        matches = self.ranking.partners(
            lambda rec: rec.recommend(request, k, explain=explain, diversity=VARIETY),
            explain,
            request_key(request, k, explain),
            request,
        )
        with self.live.computing() as rec:
            related = rec.requests_for_request(
                request, RELATED, today=today, exclude_id=request_id
            )
        return RequestCreated(
            request=RequestPublic.of(record, now),
            matches=matches,
            related=self.ranking.requests_found(related),
        )

    def page(
        self, *, status: Status, requester_id: str | None, offset: int, limit: int
    ) -> Page[RequestPublic]:
        now = datetime.now(UTC)
        records, total = self.requests.page(
            status=status, requester_id=requester_id, now=now, offset=offset, limit=limit
        )
        return Page[RequestPublic](
            data=[RequestPublic.of(r, now) for r in records],
            count=total,
            offset=offset,
            limit=limit,
        )

    def get(self, request_id: str) -> RequestPublic:
        return RequestPublic.of(self.requests.get(request_id), datetime.now(UTC))

    def matches(self, request_id: str, k: int, explain: bool) -> MatchList:
        """Partners for a stored request, ranked on the index as it is now."""
        request = self.requests.get(request_id).request
        return self.ranking.partners(
            lambda rec: rec.recommend(request, k, explain=explain, diversity=VARIETY),
            explain,
            request_key(request, k, explain),
            request,
        )

    def delete(self, request_id: str, principal: Principal) -> None:
        def commit() -> int:
            record = self.requests.get(request_id)
            principal.require_write(
                record.request.requester_id,
                "only the requester or a curator may delete this request",
            )
            return self.requests.delete(request_id)

        self.writes.apply(commit, lambda _: self.live.remove_request(request_id))

    # ---- expressions of interest -------------------------------------------------------
    def add_interest(
        self, request_id: str, body: InterestCreate, principal: Principal
    ) -> InterestPublic:
        """An open request's interest from another, existing profile (its owner's key). An
        unknown request is a 404, an unknown profile a 422 naming ``profile_id``: the store
        checks both with the insert."""
        principal.require_write(body.profile_id)
        record = self.requests.get(request_id)
        if not record.is_open(datetime.now(UTC)):
            raise ConflictError(f"partner request {request_id!r} has expired")
        if record.request.requester_id == body.profile_id:
            raise ValidationError(
                "a requester cannot express interest in its own request", field="profile_id"
            )
        interest = self.interests.add(request_id, body.profile_id, body.message)
        return InterestPublic.of(interest)

    def interests_in(
        self, request_id: str, principal: Principal, offset: int, limit: int
    ) -> Page[InterestPublic]:
        """The interests a request received, for its requester's key or a curator's."""
        record = self.requests.get(request_id)
        principal.require_write(
            record.request.requester_id, "only the requester or a curator may read its interests"
        )
        found = self.interests.of_request(request_id)
        return Page[InterestPublic](
            data=[InterestPublic.of(i) for i in found[offset : offset + limit]],
            count=len(found),
            offset=offset,
            limit=limit,
        )
