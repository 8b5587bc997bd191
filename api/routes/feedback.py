from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.deps import FeedbackDep, Limit, Offset, WriterDep
from api.schemas.common import Page, RefId
from api.schemas.feedback import FeedbackCreate, FeedbackPublic

router = APIRouter(prefix="/v1/feedback", tags=["feedback"])


@router.post("", status_code=201, response_model=FeedbackPublic)
def feedback(body: FeedbackCreate, service: FeedbackDep, principal: WriterDep) -> FeedbackPublic:
    """Relevant / not relevant / contacted, on a recommended profile: kept for evaluation."""
    return service.add(body, principal)


@router.get("", response_model=Page[FeedbackPublic])
def list_feedback(
    service: FeedbackDep,
    principal: WriterDep,
    label: Annotated[
        Literal["relevant", "not_relevant", "contacted"] | None,
        Query(description="only this label"),
    ] = None,
    profile_id: Annotated[RefId | None, Query(description="only feedback on this profile")] = None,
    offset: Offset = 0,
    limit: Limit = 20,
) -> Page[FeedbackPublic]:
    """Stored feedback, oldest first, for a curator key: to evaluate and train the ranking."""
    return service.page(principal, label=label, profile_id=profile_id, offset=offset, limit=limit)
