"""Profiles: the input bodies (``ProfileCreate`` for ``POST``, ``ProfileReplace`` for ``PUT``,
``ProfileUpdate`` for ``PATCH``) and the outputs, from the summary a result list shows
(:class:`ProfileSummary`) to the whole stored profile (:class:`ProfilePublic`) and, for an
authorised key, its contacts (:class:`ProfileDetail`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Self

from pydantic import BaseModel, Field, StrictBool, StrictFloat, StrictInt, field_validator

from api.schemas.common import Country, Ecosystem, Id, Input, Name, Short, Text, Title
from api.store.profiles import ProfileRecord
from engine.attestation import Source
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


class ConfirmationPublic(BaseModel):
    partner: str = Field(description="the partner that confirmed taking part")
    by: str = Field(description="`owner` (the partner's own key) or `curator`")
    at: str = Field(description="when (ISO 8601, UTC)")


class ProvenancePublic(BaseModel):
    """Who states the activity, set by the service (never by the writer): ``cordis`` or
    ``h2020`` (checked against the public record), ``curator``, or ``self-declared``."""

    source: Source
    by: str = Field("", description="who recorded it: a profile id, `curator`, or empty for "
                    "the bundled data")
    at: str = Field("", description="when (ISO 8601, UTC); empty for the bundled data")
    confirmations: list[ConfirmationPublic] = Field(
        default_factory=list,
        description="partners of a self-declared activity that confirmed it: only their ties "
        "count for recommendations",
    )


class ActivityPublic(BaseModel):
    id: str
    title: str
    text: str
    year: int | None
    partners: list[str]
    role: str
    ecosystems: list[str]
    provenance: ProvenancePublic

    @classmethod
    def of(cls, activity: Activity) -> ActivityPublic:
        p = activity.provenance
        provenance = ProvenancePublic(  # every field set: profile routes exclude unset ones
            source=p.source, by=p.by, at=p.at,
            confirmations=[ConfirmationPublic(**c.to_dict()) for c in p.confirmations],
        )
        return cls(**{**activity.to_dict(), "provenance": provenance})


class ProfileFields(Input):
    name: Name
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

    name: Name | None = None
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

    @field_validator("name")
    @classmethod
    def _name_has_no_default(cls, value: str | None) -> str:
        """``null`` resets a field to its default, and a name has none."""
        if value is None:
            raise ValueError("a profile's name has no default, so it cannot be reset to null")
        return value

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
