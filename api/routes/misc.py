from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.deps import Limit, Offset, ServiceDep, WriterDep
from api.schemas import FeedbackCreate, FeedbackPublic, Page, Taxonomy
from api.service import PartnerSearch

router = APIRouter(prefix="/v1")


@router.post("/feedback", status_code=201, response_model=FeedbackPublic, tags=["feedback"])
def feedback(body: FeedbackCreate, service: ServiceDep, principal: WriterDep) -> FeedbackPublic:
    """Relevant / not relevant / contacted, on a recommended profile: kept for evaluation."""
    return service.add_feedback(body, principal)


@router.get("/feedback", response_model=Page[FeedbackPublic], tags=["feedback"])
def list_feedback(
    service: ServiceDep,
    principal: WriterDep,
    label: Annotated[
        Literal["relevant", "not_relevant", "contacted"] | None,
        Query(description="only this label"),
    ] = None,
    profile_id: Annotated[
        str | None, Query(max_length=64, description="only feedback on this profile")
    ] = None,
    offset: Offset = 0,
    limit: Limit = 20,
) -> Page[FeedbackPublic]:
    """Stored feedback, oldest first, for a curator key: to evaluate and train the ranking."""
    return service.list_feedback(
        principal, label=label, profile_id=profile_id, offset=offset, limit=limit
    )


@router.get("/taxonomy", response_model=Taxonomy, tags=["taxonomy"])
def taxonomy() -> Taxonomy:
    """Ecosystems, kinds, collaboration types and countries, for building forms."""
    return PartnerSearch.taxonomy()
