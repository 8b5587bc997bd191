from __future__ import annotations

from fastapi import APIRouter

from api.deps import RecommendDep
from api.schemas.recommend import MatchList, RecommendIn

router = APIRouter(prefix="/v1", tags=["recommend"])


@router.post("/recommend", response_model=MatchList)
def recommend(body: RecommendIn, service: RecommendDep) -> MatchList:
    """Rank partners for a partner request: filters, preferences, examples, diversity."""
    return service.recommend(body)
