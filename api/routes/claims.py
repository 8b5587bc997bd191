"""Claims: what a profile is named in by others' self-declared activities, and its
confirmation of them (only a confirmed tie counts for recommendations)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from api.deps import ProfileId, ServicesDep, WriterDep
from api.schemas.claims import ClaimList, ConfirmationCreate
from api.schemas.common import RefId
from api.schemas.profiles import ActivityPublic
from api.services.claims import ClaimService

router = APIRouter(prefix="/v1/profiles", tags=["claims"])
ActivityId = Annotated[RefId, Path(description="an activity's id within the profile")]


def get_claims(services: ServicesDep) -> ClaimService:
    return services.claims


ClaimsDep = Annotated[ClaimService, Depends(get_claims)]


@router.get("/{profile_id}/claims", response_model=ClaimList)
def claims_naming(profile_id: ProfileId, service: ClaimsDep) -> ClaimList:
    """Self-declared activities of other profiles that name this one as a partner, and
    whether it confirmed each."""
    return service.naming(profile_id)


@router.post(
    "/{profile_id}/activities/{activity_id}/confirmations",
    status_code=201,
    response_model=ActivityPublic,
)
def confirm(
    profile_id: ProfileId,
    activity_id: ActivityId,
    body: ConfirmationCreate,
    service: ClaimsDep,
    principal: WriterDep,
) -> ActivityPublic:
    """The partner (its owner key, or a curator naming it) confirms taking part in a
    self-declared activity of this profile: from now on their tie counts."""
    return service.confirm(profile_id, activity_id, body.partner, principal)


@router.delete(
    "/{profile_id}/activities/{activity_id}/confirmations/{partner_id}",
    status_code=204,
    response_class=Response,
)
def withdraw(
    profile_id: ProfileId,
    activity_id: ActivityId,
    partner_id: ProfileId,
    service: ClaimsDep,
    principal: WriterDep,
) -> Response:
    """The partner (or a curator) withdraws its confirmation; the tie no longer counts."""
    service.withdraw(profile_id, activity_id, partner_id, principal)
    return Response(status_code=204)
