"""``POST /v1/recommend``: partners ranked for a partner request sent in the body."""

from __future__ import annotations

from api.schemas.recommend import MatchList, RecommendIn
from api.services.ranking import Ranking
from engine.diversity import Diversity


class RecommendService:
    def __init__(self, ranking: Ranking):
        self.ranking = ranking

    def recommend(self, body: RecommendIn) -> MatchList:
        request = body.partner_request()
        diversity = Diversity(**body.diversity.model_dump()) if body.diversity else None
        return self.ranking.partners(
            lambda rec: rec.recommend(request, body.k, explain=body.explain, diversity=diversity),
            body.explain,
            ("recommend", body.model_dump_json()),
        )
