"""Recommendations: the partner request a ranking answers (:class:`RequestFields`, shared
with stored requests), the ``/v1/recommend`` body, and ranked candidates with their signals,
contributions and, on request, explanations."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, StrictBool, StrictFloat, StrictInt

from api.schemas.common import (
    Country,
    Ecosystem,
    Input,
    RefId,
    Short,
    Text,
    Title,
    finite,
    finite_values,
    plain,
)
from api.schemas.profiles import ProfileSummary
from engine.match import Match
from engine.profiles import PartnerRequest
from engine.taxonomy import CollaborationType, Kind

#: By default a list shows at most this many partners of one project on the strength of that
#: project alone.
MAX_PER_PROJECT = 3


class DiversityIn(Input):
    mmr_lambda: StrictFloat = Field(
        1.0, gt=0.0, le=1.0, description="1 = pure relevance; lower trades it for variety"
    )
    max_per_country: StrictInt | None = Field(None, ge=1, le=100)
    max_per_kind: StrictInt | None = Field(None, ge=1, le=100)
    max_per_project: StrictInt | None = Field(
        MAX_PER_PROJECT, ge=1, le=100,
        description="at most this many candidates whose best evidence is the same project "
        "(the partners of one project share its text); null turns this variety off")


class RequestFields(Input):
    """A partner request: what is sought, with filters and preferences."""

    text: Text = Field("", description="what partner is sought (text or title required)")
    title: Title = ""
    requester_id: RefId | None = Field(None, description="the requester's own profile id")
    collaboration_type: CollaborationType = CollaborationType.RESEARCH_INNOVATION
    kinds: list[Kind] = Field(default_factory=list, max_length=6)
    countries: list[Country] = Field(default_factory=list, max_length=250)
    exclude_countries: list[Country] = Field(default_factory=list, max_length=250)
    ecosystems: list[Ecosystem] = Field(default_factory=list, max_length=14)  # type: ignore[valid-type]
    ecosystem_filter: StrictBool = Field(False, description="keep only the ecosystems asked for")
    cross_border: StrictFloat = Field(0.0, ge=-1.0, le=1.0, description="+1 abroad, -1 at home")
    sme_only: StrictBool = False
    positive_ids: list[RefId] = Field(default_factory=list, max_length=50)
    negative_ids: list[RefId] = Field(default_factory=list, max_length=50)
    prefer_countries: list[Country] = Field(
        default_factory=list, max_length=250, description="raise these countries, never filter")
    prefer_kinds: list[Literal[*[k.value for k in Kind], "sme"]] = Field(  # type: ignore[valid-type]
        default_factory=list, max_length=7, description="raise these kinds (or SMEs)")

    def partner_request(self) -> PartnerRequest:
        data = self.model_dump(mode="json", include=set(RequestFields.model_fields))
        return PartnerRequest.from_dict(data)


class RecommendIn(RequestFields):
    k: StrictInt = Field(10, ge=1, le=100, description="how many candidates")
    ignore_understood: list[Short] = Field(
        default_factory=list, max_length=50,
        description="keys of understood items to ignore (chips the user removed), e.g. "
        "\"exclude_country:DE\"")
    diversity: DiversityIn = Field(
        default_factory=DiversityIn,
        description=f"variety of the list; by default at most {MAX_PER_PROJECT} candidates "
        "rest on the same project")
    explain: StrictBool = Field(False, description="add evidence and a summary sentence")


class Candidate(BaseModel):
    rank: int
    score: float = Field(description="fused score: the weighted sum of the signals")
    baseline: float = Field(
        description="the score of the typical candidate of this list (every signal at its "
        "mean over the candidates returned, or over the best 10 when fewer are asked for); "
        "the same for every candidate of a list")
    profile: ProfileSummary
    signals: dict[str, float] = Field(description="each signal's raw value on its own scale")
    contributions: dict[str, float] = Field(
        description="what sets this candidate apart from the typical one: weight x (value - "
        "its mean over the list) per signal, plus the diversity penalty; they sum to score - "
        "baseline")
    summary: str | None = Field(
        None, description="with explain: why, in one sentence", exclude_if=lambda v: v is None
    )
    evidence: dict[str, Any] | None = Field(
        None, description="with explain: the evidence", exclude_if=lambda v: v is None
    )
    groups: dict[str, float] | None = Field(
        None,
        description="with explain: contributions summed per signal group "
        "(the groups of /v1/taxonomy signal_groups)",
        exclude_if=lambda v: v is None,
    )

    @classmethod
    def of(cls, match: Match, explain: bool) -> Candidate:
        """A ranked match; with ``explain``, its summary, evidence and group sums too."""
        explained: dict[str, Any] = {}
        if explain and match.explanation is not None:
            explanation = match.explanation
            explained = {
                "summary": explanation.summary,
                "evidence": plain(explanation.evidence),
                "groups": finite_values(explanation.groups),
            }
        return cls(
            rank=match.rank,
            score=finite(match.score),
            baseline=finite(match.baseline),
            profile=ProfileSummary.of(match.profile),
            signals=finite_values(match.signals),
            contributions=finite_values(match.contributions),
            **explained,
        )


class MatchList(BaseModel):
    data: list[Candidate]
    count: int
    took_ms: float
    model: str
    index_version: int
    cached: bool = Field(
        False, description="answered from the result cache of this index version"
    )
    understood: dict[str, Any] | None = Field(
        None, exclude_if=lambda v: v is None,
        description="what the request text says about countries and kinds: items (key, kind, "
        "value, label, the words read, applied or overridden by a field sent), ignored keys, "
        "preferences (docs/api.md)")
    confidence: Literal["high", "medium", "low"] | None = Field(
        None,
        description="how well the best candidates match, calibrated on history: low means "
        "nothing fits well (docs/api.md); null without a calibrated fusion model",
    )
