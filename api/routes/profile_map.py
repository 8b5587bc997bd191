"""``GET /v1/map``: profiles per country for the workspace's map. Not under ``/v1/profiles``,
where ``map`` would be read as a profile id."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.deps import ServicesDep
from api.schemas.common import Ecosystem
from api.schemas.profile_map import ProfileMap
from api.services.profile_map import MapService
from engine.taxonomy import Kind

router = APIRouter(prefix="/v1", tags=["map"])


def get_map(services: ServicesDep) -> MapService:
    """The map's service over the profile store; like every ``/v1`` route it answers 503
    until the index is loaded (the database is being seeded until then)."""
    return MapService(services.profiles.profiles)


MapDep = Annotated[MapService, Depends(get_map)]


@router.get("/map", response_model=ProfileMap)
def profile_map(
    service: MapDep,
    kind: Kind | None = None,
    ecosystem: Ecosystem | None = None,  # type: ignore[valid-type]
    country: Annotated[
        str | None,
        Query(pattern=r"^[A-Za-z]{2}$", description="count this country's NUTS-2 regions too"),
    ] = None,
) -> ProfileMap:
    """Profiles of a kind and ecosystem per country, most first; with `country`, that
    country alone with its NUTS-2 regions."""
    return service.counts(
        kind=kind.value if kind else None,
        ecosystem=ecosystem.value if ecosystem else None,
        country=country,
    )
