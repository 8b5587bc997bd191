"""Stored partner requests: creating one (what it answers with: the request, its matches
and related open requests), reading it as ``open`` or ``expired``, the requests that match
a profile, and interests expressed in a request."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints, field_validator

from api.schemas.common import MULTILINE, Id, Input, RefId, finite
from api.schemas.recommend import MatchList, RequestFields
from api.store.interests import InterestRecord
from api.store.requests import RequestRecord
from engine.requests import RequestMatch
from engine.taxonomy import CollaborationType, Kind


class RequestCreate(RequestFields):
    id: Id | None = Field(None, description="chosen by the server when left out")
    expires_on: date | None = Field(
        None, description="last day the request is open; default: in 12 months"
    )

    @field_validator("expires_on", mode="before")
    @classmethod
    def _iso_date(cls, value: object) -> object:
        if value is not None and not isinstance(value, str | date):
            raise ValueError("expires_on must be a date as YYYY-MM-DD")
        return value


class RequestPublic(BaseModel):
    id: str
    title: str
    text: str
    requester_id: str | None
    collaboration_type: CollaborationType
    kinds: list[Kind]
    countries: list[str]
    exclude_countries: list[str]
    ecosystems: list[str]
    ecosystem_filter: bool
    cross_border: float
    sme_only: bool
    positive_ids: list[str]
    negative_ids: list[str]
    created_at: datetime
    expires_at: datetime
    status: Literal["open", "expired"]

    @classmethod
    def of(cls, record: RequestRecord, now: datetime) -> RequestPublic:
        """A stored request, ``open`` or ``expired`` as of ``now``."""
        return cls(
            id=record.id,
            **record.request.to_dict(),
            created_at=record.created_at,
            expires_at=record.expires_at,
            status="open" if record.is_open(now) else "expired",
        )


class RequestMatchOut(BaseModel):
    request: RequestPublic
    score: float
    reciprocal: float | None = Field(
        None, description="how well the requester fits the other side, when known"
    )

    @classmethod
    def of(cls, match: RequestMatch, record: RequestRecord, now: datetime) -> RequestMatchOut:
        """An engine request match, with the stored record of its request."""
        return cls(
            request=RequestPublic.of(record, now),
            score=finite(match.score),
            reciprocal=None if match.reciprocal is None else finite(match.reciprocal),
        )


class RequestMatchList(BaseModel):
    data: list[RequestMatchOut]
    count: int
    took_ms: float
    index_version: int


class RequestCreated(BaseModel):
    request: RequestPublic
    matches: MatchList
    related: list[RequestMatchOut] = Field(description="other open requests like this one")


class InterestCreate(Input):
    profile_id: RefId = Field(description="the interested profile")
    message: Annotated[str, StringConstraints(max_length=4000), MULTILINE] = Field(
        "", description="what cooperation is offered, and who we are"
    )


class InterestPublic(BaseModel):
    id: int
    request_id: str
    profile_id: str
    message: str
    created_at: datetime

    @classmethod
    def of(cls, record: InterestRecord) -> InterestPublic:
        return cls(**vars(record))
