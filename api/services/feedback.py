"""Feedback on recommended profiles: any key may send it, only a curator key may read it."""

from __future__ import annotations

from api.schemas.common import Page
from api.schemas.feedback import FeedbackCreate, FeedbackPublic
from api.security import Principal
from api.store.feedback import FeedbackStore, query_hash
from api.store.requests import RequestStore
from engine.errors import NotFoundError, ValidationError


class FeedbackService:
    def __init__(self, feedback: FeedbackStore, requests: RequestStore):
        self.feedback = feedback
        self.requests = requests

    def add(self, body: FeedbackCreate, principal: Principal) -> FeedbackPublic:
        """Store a judgement of an existing profile for a stored request or a searched text
        (exactly one of them), keyed by the hash of the request's text. An unknown profile or
        request is a 422 naming the field (the store checks both with the insert)."""
        text = body.request_text or ""
        if (body.request_id is None) == (not text):
            raise ValidationError(
                "send either request_id or a non-empty request_text", field="request_id"
            )
        if body.request_id is not None:
            try:
                text = self.requests.get(body.request_id).request.document
            except NotFoundError:
                raise ValidationError(
                    f"no partner request with id {body.request_id!r}", field="request_id"
                ) from None
        record = self.feedback.add(
            query_hash=query_hash(text),
            request_id=body.request_id,
            profile_id=body.profile_id,
            label=body.label,
            rank=body.rank,
            key_id=principal.key_id,
        )
        return FeedbackPublic.of(record)

    def page(
        self,
        principal: Principal,
        *,
        label: str | None,
        profile_id: str | None,
        offset: int,
        limit: int,
    ) -> Page[FeedbackPublic]:
        principal.require_curator("only a curator key may read feedback")
        records, total = self.feedback.page(
            label=label, profile_id=profile_id, offset=offset, limit=limit
        )
        return Page[FeedbackPublic](
            data=[FeedbackPublic.of(r) for r in records],
            count=total,
            offset=offset,
            limit=limit,
        )
