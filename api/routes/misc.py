from __future__ import annotations

from fastapi import APIRouter

from api.deps import ServiceDep, WriterDep
from api.schemas import FeedbackCreate, FeedbackPublic, Taxonomy
from api.service import PartnerSearch

router = APIRouter(prefix="/v1")


@router.post("/feedback", status_code=201, response_model=FeedbackPublic, tags=["feedback"])
def feedback(body: FeedbackCreate, service: ServiceDep, principal: WriterDep) -> FeedbackPublic:
    """Relevant / not relevant / contacted, on a recommended profile: kept for evaluation."""
    return service.add_feedback(body, principal)


@router.get("/taxonomy", response_model=Taxonomy, tags=["taxonomy"])
def taxonomy() -> Taxonomy:
    """Ecosystems, kinds, collaboration types and countries, for building forms."""
    return PartnerSearch.taxonomy()
