"""Request and response bodies. Each resource has separate input (``...Create``,
``...Update``) and output (``...Public``) schemas; lists are ``{data, count}`` pages.

Input schemas forbid unknown fields and bound every length; the engine then validates
meaning (country codes, empty texts, contradictory filters) and its errors name the field.
Contacts appear only in :class:`ProfileDetail`, and only for an authorised key.

Output schemas convert engine objects and stored records themselves (``Candidate.of(match,
explain)``, ``RequestPublic.of(record, now)``, ``ProfileDetail.of_record(record, contacts)``
...): numbers that are not finite never reach JSON.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Generic, Literal, Self, TypeVar

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StringConstraints,
    field_validator,
)

from api.store.feedback import FeedbackRecord
from api.store.interests import InterestRecord
from api.store.profiles import ProfileRecord
from api.store.requests import RequestRecord
from engine.match import Match
from engine.profiles import MAX_TEXT_CHARS, MAX_TITLE_CHARS, Activity, PartnerRequest, Profile
from engine.requests import RequestMatch
from engine.taxonomy import (
    COLLABORATION_LABELS,
    COUNTRIES,
    ECOSYSTEMS,
    EU27,
    KIND_LABELS,
    CollaborationType,
    Kind,
)

#: ecosystem ids as an enum, so that the OpenAPI schema lists them for forms
Ecosystem = StrEnum("Ecosystem", {eco: eco for eco in ECOSYSTEMS})  # type: ignore[misc]

Id = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:@-]*$"),
]
RefId = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Country = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$")]
Title = Annotated[str, StringConstraints(max_length=MAX_TITLE_CHARS)]
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT_CHARS)]
Short = Annotated[str, StringConstraints(max_length=200)]
T = TypeVar("T")


def _plain(value: Any) -> Any:
    """JSON-ready copy of engine output: numpy scalars and arrays become Python numbers and
    lists, tuples lists, and non-finite floats ``None``."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _finite(value: float) -> float:
    """``value`` as a float, with a non-finite one as 0.0 (JSON has no inf or NaN)."""
    return float(value) if math.isfinite(value) else 0.0


def _finite_values(values: Mapping[str, float]) -> dict[str, float]:
    return {str(k): _finite(v) for k, v in values.items()}


class Input(BaseModel):
    """Request bodies: unknown fields are refused, and JSON types are taken as the schema
    says (``0`` is not ``false``, ``"5"`` is not ``5``)."""

    model_config = ConfigDict(extra="forbid")


# ---- problems --------------------------------------------------------------------------
class FieldError(BaseModel):
    field: str = Field(description="the offending field, dotted for nested ones")
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details: every error response has this shape."""

    type: str = Field(examples=["urn:partner-search:problem:not-found"])
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = Field(None, description="for 422: each invalid field")


# ---- pages -----------------------------------------------------------------------------
class Page(BaseModel, Generic[T]):
    data: list[T]
    count: int = Field(description="items matching in all pages")
    offset: int
    limit: int


# ---- profiles ----------------------------------------------------------------------------
class ActivityIn(Input):
    id: Short = Field(min_length=1)
    title: Title = ""
    text: Text = ""
    year: StrictInt | None = Field(None, ge=1950, le=2100)
    partners: list[Short] = Field(default_factory=list, max_length=500)
    role: Short = "participant"
    ecosystems: list[Ecosystem] = Field(default_factory=list, max_length=14)  # type: ignore[valid-type]


class ActivityPublic(BaseModel):
    id: str
    title: str
    text: str
    year: int | None
    partners: list[str]
    role: str
    ecosystems: list[str]

    @classmethod
    def of(cls, activity: Activity) -> ActivityPublic:
        return cls(**activity.to_dict())


class ProfileFields(Input):
    name: Title = Field(min_length=1)
    kind: Kind = Kind.OTHER
    country: Country | None = None
    sme: StrictBool = False
    acronym: Title = ""
    region: Short = ""
    region_name: Title = ""
    city: Title = ""
    lat: StrictFloat | None = Field(None, ge=-90, le=90)
    lon: StrictFloat | None = Field(None, ge=-180, le=180)
    url: Title = ""
    ecosystems: list[Ecosystem] = Field(default_factory=list, max_length=14)  # type: ignore[valid-type]
    keywords: list[Short] = Field(default_factory=list, max_length=100)
    description: Text = ""
    activities: list[ActivityIn] = Field(default_factory=list, max_length=500)
    source: Short = ""
    contacts: list[Title] = Field(
        default_factory=list,
        max_length=20,
        description="personal contact data: stored apart, shown only to authorised keys",
    )

    def document(self) -> dict[str, Any]:
        data = self.model_dump(mode="json")
        data["country"] = data["country"] or ""
        return data


class ProfileCreate(ProfileFields):
    id: Id | None = Field(None, description="chosen by the server when left out")


class ProfileReplace(ProfileFields):
    """``PUT``: the whole profile (its id is in the path)."""


class ProfileUpdate(Input):
    """``PATCH``: only the fields sent change; ``null`` resets a field to its default."""

    name: Title | None = Field(None, min_length=1)
    kind: Kind | None = None
    country: Country | None = None
    sme: StrictBool | None = None
    acronym: Title | None = None
    region: Short | None = None
    region_name: Title | None = None
    city: Title | None = None
    lat: StrictFloat | None = Field(None, ge=-90, le=90)
    lon: StrictFloat | None = Field(None, ge=-180, le=180)
    url: Title | None = None
    ecosystems: list[Ecosystem] | None = Field(None, max_length=14)  # type: ignore[valid-type]
    keywords: list[Short] | None = Field(None, max_length=100)
    description: Text | None = None
    activities: list[ActivityIn] | None = Field(None, max_length=500)
    source: Short | None = None
    contacts: list[Title] | None = Field(None, max_length=20)

    def changes(self) -> dict[str, Any]:
        """The fields sent, JSON-ready; ``None`` means "back to the default"."""
        return self.model_dump(mode="json", exclude_unset=True)


class ProfileSummary(BaseModel):
    """What a result list shows of a profile (never contacts)."""

    id: str
    name: str
    acronym: str
    kind: Kind
    country: str
    region: str
    region_name: str
    city: str
    ecosystems: list[str]
    sme: bool
    url: str

    @classmethod
    def of(cls, p: Profile) -> ProfileSummary:
        return cls(
            id=p.id,
            name=p.name,
            acronym=p.acronym,
            kind=p.kind,
            country=p.country,
            region=p.region,
            region_name=p.region_name,
            city=p.city,
            ecosystems=list(p.ecosystems),
            sme=p.sme,
            url=p.url,
        )


class ProfilePublic(ProfileSummary):
    lat: float | None
    lon: float | None
    keywords: list[str]
    description: str
    activities: list[ActivityPublic]
    source: str
    version: int = Field(description="increases on every write; send it as If-Match")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of_record(cls, record: ProfileRecord) -> Self:
        p = record.profile
        return cls(
            **ProfileSummary.of(p).model_dump(),
            lat=p.lat,
            lon=p.lon,
            keywords=list(p.keywords),
            description=p.description,
            activities=[ActivityPublic.of(a) for a in p.activities],
            source=p.source,
            version=record.version,
            created_at=record.created_at,
            updated_at=record.updated_at,
        )


class ProfileDetail(ProfilePublic):
    contacts: list[str] | None = Field(
        None, description="present only for a curator key or the profile owner's key"
    )

    @classmethod
    def of_record(cls, record: ProfileRecord, contacts: list[str] | None = None) -> Self:
        """With ``contacts`` None the field stays unset: routes answer with
        ``response_model_exclude_unset``, so the key is absent, not ``null``."""
        detail = super().of_record(record)
        if contacts is not None:
            detail.contacts = contacts
        return detail


# ---- recommendations -----------------------------------------------------------------
class DiversityIn(Input):
    mmr_lambda: StrictFloat = Field(
        1.0, gt=0.0, le=1.0, description="1 = pure relevance; lower trades it for variety"
    )
    max_per_country: StrictInt | None = Field(None, ge=1, le=100)
    max_per_kind: StrictInt | None = Field(None, ge=1, le=100)


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

    def partner_request(self) -> PartnerRequest:
        data = self.model_dump(mode="json", include=set(RequestFields.model_fields))
        return PartnerRequest.from_dict(data)


class RecommendIn(RequestFields):
    k: StrictInt = Field(10, ge=1, le=100, description="how many candidates")
    diversity: DiversityIn | None = None
    explain: StrictBool = Field(False, description="add evidence and a summary sentence")


class Candidate(BaseModel):
    rank: int
    score: float = Field(description="fused score: the sum of contributions")
    profile: ProfileSummary
    signals: dict[str, float] = Field(description="each signal's raw value on its own scale")
    contributions: dict[str, float] = Field(description="each signal's share of the score")
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
                "evidence": _plain(explanation.evidence),
                "groups": _finite_values(explanation.groups),
            }
        return cls(
            rank=match.rank,
            score=_finite(match.score),
            profile=ProfileSummary.of(match.profile),
            signals=_finite_values(match.signals),
            contributions=_finite_values(match.contributions),
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


# ---- partner requests ------------------------------------------------------------------
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
            score=_finite(match.score),
            reciprocal=None if match.reciprocal is None else _finite(match.reciprocal),
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
    message: Annotated[str, StringConstraints(max_length=4000)] = Field(
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


class FeedbackCreate(Input):
    profile_id: RefId
    label: Literal["relevant", "not_relevant", "contacted"]
    request_id: RefId | None = Field(None, description="a stored request, or ...")
    request_text: Text | None = Field(None, description="... the text that was searched")
    rank: StrictInt | None = Field(None, ge=1, le=1000, description="where the profile was shown")


class FeedbackPublic(BaseModel):
    id: int
    profile_id: str
    label: str
    request_id: str | None
    query_hash: str
    rank: int | None
    created_at: datetime

    @classmethod
    def of(cls, record: FeedbackRecord) -> FeedbackPublic:
        return cls(**vars(record))


# ---- taxonomy and operations -----------------------------------------------------------
class Term(BaseModel):
    id: str
    label: str


class CountryTerm(Term):
    eu: bool


class SignalTerm(BaseModel):
    name: str = Field(description="the key in a candidate's signals and contributions")
    label: str
    scale: str = Field(description="what the raw value of the signal measures, and its range")


class SignalGroupTerm(BaseModel):
    id: str = Field(description="the key in a candidate's groups")
    label: str = Field(description="short, for a legend")
    long: str = Field(description="one sentence")
    signals: list[SignalTerm]


class Taxonomy(BaseModel):
    ecosystems: list[Term]
    kinds: list[Term]
    collaboration_types: list[Term]
    countries: list[CountryTerm]
    signal_groups: list[SignalGroupTerm] = Field(
        description="the ranking's signal groups in display order, each with its signals"
    )

    @classmethod
    def of(cls, signal_groups: Sequence[Mapping[str, Any]]) -> Taxonomy:
        """The engine's vocabularies, and ``signal_groups`` as the recommender's signal
        registry describes them (``Registry.describe()``)."""
        return cls(
            ecosystems=[Term(id=k, label=v) for k, v in ECOSYSTEMS.items()],
            kinds=[Term(id=k.value, label=v) for k, v in KIND_LABELS.items()],
            collaboration_types=[
                Term(id=c.value, label=v) for c, v in COLLABORATION_LABELS.items()
            ],
            countries=[
                CountryTerm(id=code, label=name, eu=code in EU27)
                for code, name in sorted(COUNTRIES.items(), key=lambda item: item[1])
            ],
            signal_groups=[SignalGroupTerm.model_validate(g) for g in signal_groups],
        )


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Ready(BaseModel):
    status: Literal["ready"] = "ready"
    profiles: int
    vectors: int
    index_version: int
    model: str
    sync: str = Field(description="how the index met the database: verified/repaired/rebuilt")
