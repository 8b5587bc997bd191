"""``POST /v1/recommend``: partners ranked for a partner request sent in the body. What the
text says about countries and kinds ("outside Germany", "preferably SMEs") becomes filters and
preferences (:mod:`engine.understand`); fields the caller sent win, and ``ignore_understood``
drops the items a user removed."""

from __future__ import annotations

from dataclasses import replace

from api.schemas.recommend import MatchList, RecommendIn
from api.services.ranking import Ranking
from engine.diversity import Diversity
from engine.understand import understand


class RecommendService:
    def __init__(self, ranking: Ranking):
        self.ranking = ranking

    def recommend(self, body: RecommendIn) -> MatchList:
        sent = body.partner_request()
        applied = understand(sent.document, frozenset(body.ignore_understood)).apply(sent)
        request = replace(
            applied.request,
            prefer_countries=sent.prefer_countries or applied.preferred_countries,
            prefer_kinds=sent.prefer_kinds or applied.preferred_kinds,
        )
        diversity = Diversity(**body.diversity.model_dump())
        ranked = self.ranking.partners(
            lambda rec: rec.recommend(request, body.k, explain=body.explain, diversity=diversity),
            body.explain,
            ("recommend", body.model_dump_json()),
            request,
        )
        return ranked.model_copy(update={"understood": applied.to_dict()})
