from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.deps import (
    Explain,
    IfMatchDep,
    K,
    Limit,
    Offset,
    PrincipalDep,
    ProfileId,
    ProfilesDep,
    WriterDep,
)
from api.schemas.common import Ecosystem, Page, Short
from api.schemas.profiles import (
    ProfileCreate,
    ProfileDetail,
    ProfilePublic,
    ProfileReplace,
    ProfileUpdate,
)
from api.schemas.recommend import MatchList
from api.schemas.requests import RequestMatchList
from engine.taxonomy import Kind

router = APIRouter(prefix="/v1/profiles", tags=["profiles"])


@router.get("", response_model=Page[ProfilePublic])
def list_profiles(
    service: ProfilesDep,
    offset: Offset = 0,
    limit: Limit = 20,
    country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$")] = None,
    kind: Kind | None = None,
    ecosystem: Ecosystem | None = None,  # type: ignore[valid-type]
    q: Annotated[Short | None, Query(description="in name, acronym, city, keywords")] = None,
) -> Page[ProfilePublic]:
    """Profiles by country, kind, ecosystem and a text query, ordered by name."""
    return service.page(
        country=country,
        kind=kind.value if kind else None,
        ecosystem=ecosystem.value if ecosystem else None,
        q=q,
        offset=offset,
        limit=limit,
    )


@router.get("/{profile_id}", response_model=ProfileDetail, response_model_exclude_unset=True)
def get_profile(
    profile_id: ProfileId, service: ProfilesDep, principal: PrincipalDep, response: Response
) -> ProfileDetail:
    """One profile with its activities; contacts only for its owner's or a curator's key."""
    detail = service.get(profile_id, principal)
    response.headers["ETag"] = f'"{detail.version}"'
    return detail


@router.get("/{profile_id}/similar", response_model=MatchList)
def similar(
    profile_id: ProfileId, service: ProfilesDep, k: K = 10, explain: Explain = False
) -> MatchList:
    """Profiles most like this one."""
    return service.similar(profile_id, k, explain)


@router.get("/{profile_id}/partners", response_model=MatchList)
def partners(
    profile_id: ProfileId, service: ProfilesDep, k: K = 10, explain: Explain = False
) -> MatchList:
    """Complementary partners: other ecosystems of the same value chains."""
    return service.partners(profile_id, k, explain)


@router.get("/{profile_id}/opportunities", response_model=RequestMatchList)
def opportunities(profile_id: ProfileId, service: ProfilesDep, k: K = 10) -> RequestMatchList:
    """Open partner requests that this profile could answer."""
    return service.opportunities(profile_id, k)


@router.post("", status_code=201, response_model=ProfileDetail, response_model_exclude_unset=True)
def create_profile(
    body: ProfileCreate, service: ProfilesDep, principal: WriterDep, response: Response
) -> ProfileDetail:
    """Add a profile (curator, or an owner for its own id)."""
    detail = service.create(body, principal)
    response.headers["Location"] = f"/v1/profiles/{detail.id}"
    response.headers["ETag"] = f'"{detail.version}"'
    return detail


@router.put("/{profile_id}", response_model=ProfileDetail, response_model_exclude_unset=True)
def replace_profile(
    profile_id: ProfileId,
    body: ProfileReplace,
    service: ProfilesDep,
    principal: WriterDep,
    expected: IfMatchDep,
    response: Response,
) -> ProfileDetail:
    """Replace a whole profile; with If-Match, only if it is still at that version."""
    detail = service.replace(profile_id, body, principal, expected)
    response.headers["ETag"] = f'"{detail.version}"'
    return detail


@router.patch("/{profile_id}", response_model=ProfileDetail, response_model_exclude_unset=True)
def update_profile(
    profile_id: ProfileId,
    body: ProfileUpdate,
    service: ProfilesDep,
    principal: WriterDep,
    expected: IfMatchDep,
    response: Response,
) -> ProfileDetail:
    """Change some fields of a profile; with If-Match, only if still at that version."""
    detail = service.update(profile_id, body, principal, expected)
    response.headers["ETag"] = f'"{detail.version}"'
    return detail


@router.delete("/{profile_id}", status_code=204, response_class=Response)
def delete_profile(
    profile_id: ProfileId, service: ProfilesDep, principal: WriterDep, expected: IfMatchDep
) -> Response:
    """Delete a profile; it is never recommended again."""
    service.delete(profile_id, principal, expected)
    return Response(status_code=204)
