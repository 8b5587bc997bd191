"""Profiles: the input bodies (``ProfileCreate`` for ``POST``, ``ProfileReplace`` for ``PUT``,
``ProfileUpdate`` for ``PATCH``) and the outputs, from the summary a result list shows
(:class:`ProfileSummary`) to the whole stored profile (:class:`ProfilePublic`) and, for an
authorised key, its contacts (:class:`ProfileDetail`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Self

from pydantic import BaseModel, Field, StrictBool, StrictFloat, StrictInt

from api.schemas.common import Country, Ecosystem, Id, Input, Short, Text, Title
from api.store.profiles import ProfileRecord
from engine.profiles import Activity, Profile
from engine.taxonomy import Kind


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
