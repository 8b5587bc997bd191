"""Claims: self-declared activities that name a partner, and that partner's confirmation."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.schemas.common import Id, Input
from api.schemas.profiles import ActivityPublic


class ConfirmationCreate(Input):
    partner: Id | None = Field(
        None, description="the confirming partner; an owner key's own profile when left out"
    )


class Claim(BaseModel):
    """A self-declared activity of ``profile_id`` that names the partner."""

    profile_id: str
    profile_name: str
    activity: ActivityPublic
    confirmed: bool = Field(description="whether the partner confirmed it (its tie counts)")


class ClaimList(BaseModel):
    data: list[Claim]
    count: int
