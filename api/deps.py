"""FastAPI dependencies as ``Annotated`` aliases: the service, the caller's key, access rules
and paging. Everything comes from ``request.app.state``, set up by the app's lifespan."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Query, Request
from fastapi.security import APIKeyHeader

from api.errors import ApiError
from api.security import Principal, authenticate
from api.service import PartnerSearch
from api.settings import Settings

api_key_header = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    description="A curator key (all writes) or an owner key (its own profile only).",
)


def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def get_service(request: Request) -> PartnerSearch:
    service: PartnerSearch | None = request.app.state.service
    if service is None and request.app.state.load_failed:
        raise ApiError(503, "the index failed to load; the server log says why")
    if service is None:
        raise ApiError(
            503, "the index is still loading; retry shortly", headers={"Retry-After": "5"}
        )
    return service


SettingsDep = Annotated[Settings, Depends(get_settings)]
ServiceDep = Annotated[PartnerSearch, Depends(get_service)]


def get_principal(
    request: Request, key: Annotated[str | None, Depends(api_key_header)]
) -> Principal | None:
    """The caller's key, if it sent one; an unknown or revoked key is a 401."""
    if not key:
        return None
    principal = authenticate(request.app.state.store, key)
    if principal is None:
        raise ApiError(401, "unknown or revoked API key", headers={"WWW-Authenticate": "ApiKey"})
    return principal


PrincipalDep = Annotated[Principal | None, Depends(get_principal)]


def require_key(principal: PrincipalDep) -> Principal:
    """A valid key; the operations that depend on this are marked as needing one in the
    OpenAPI document (see ``api.app.key_required``)."""
    if principal is None:
        raise ApiError(
            401,
            "this operation needs an API key in the X-API-Key header",
            headers={"WWW-Authenticate": "ApiKey"},
        )
    return principal


WriterDep = Annotated[Principal, Depends(require_key)]


def read_access(settings: SettingsDep, principal: PrincipalDep) -> None:
    """Reads are open unless ``read_requires_key`` is set."""
    if settings.read_requires_key and principal is None:
        raise ApiError(
            401,
            "reading needs an API key in the X-API-Key header",
            headers={"WWW-Authenticate": "ApiKey"},
        )


def if_match(
    value: Annotated[
        str | None,
        Header(
            alias="If-Match",
            max_length=40,
            description='the profile version you read (its ETag, e.g. "3"); a newer one is 409',
        ),
    ] = None,
) -> int | None:
    if value is None or value.strip() == "*":
        return None
    text = value.strip().removeprefix("W/").strip('"')
    if not text.isdigit() or len(text) > 12:
        raise ApiError(
            422,
            'If-Match must be a profile version such as "3"',
            errors=[{"field": "If-Match", "message": "not a version number"}],
        )
    return int(text)


IfMatchDep = Annotated[int | None, Depends(if_match)]

Offset = Annotated[int, Query(ge=0, le=1_000_000, description="items to skip")]
Limit = Annotated[int, Query(ge=1, le=100, description="items per page")]
K = Annotated[int, Query(ge=1, le=100, description="how many results")]
Explain = Annotated[bool, Query(description="add evidence and a summary sentence")]
