"""FastAPI dependencies as ``Annotated`` aliases: the services, the caller's key, access rules,
paging and the ids in paths. Everything comes from ``request.app.state``, set up by the app's
lifespan."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import Depends, Header, Path, Query, Request
from fastapi.security import APIKeyHeader

from api.errors import Unauthorized, Unavailable
from api.schemas.common import RefId
from api.security import Principal, authenticate
from api.services import Services
from api.services.feedback import FeedbackService
from api.services.ops import OpsService
from api.services.profiles import ProfileService
from api.services.recommend import RecommendService
from api.services.requests import RequestService
from api.services.taxonomy import TaxonomyService
from api.settings import Settings
from engine.errors import ValidationError

api_key_header = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    description="A curator key (all writes) or an owner key (its own profile only).",
)


def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def get_services(request: Request) -> Services:
    """The services, once the index is loaded; until then every caller gets a 503."""
    services: Services | None = request.app.state.services
    if services is None and request.app.state.load_failed:
        raise Unavailable("the index failed to load; the server log says why")
    if services is None:
        raise Unavailable("the index is still loading; retry shortly", retry_after=5)
    return services


SettingsDep = Annotated[Settings, Depends(get_settings)]
ServicesDep = Annotated[Services, Depends(get_services)]

S = TypeVar("S")


def _service(pick: Callable[[Services], S]) -> Callable[[Services], S]:
    """A dependency on one of the loaded services (a 503 until the index is loaded); each
    ``get_<service>`` is its own callable, so a test can override one."""

    def get(services: ServicesDep) -> S:
        return pick(services)

    return get


get_ops = _service(lambda services: services.ops)
get_recommend = _service(lambda services: services.recommend)
get_profiles = _service(lambda services: services.profiles)
get_requests = _service(lambda services: services.requests)
get_feedback = _service(lambda services: services.feedback)
get_taxonomy = _service(lambda services: services.taxonomy)

OpsDep = Annotated[OpsService, Depends(get_ops)]
RecommendDep = Annotated[RecommendService, Depends(get_recommend)]
ProfilesDep = Annotated[ProfileService, Depends(get_profiles)]
RequestsDep = Annotated[RequestService, Depends(get_requests)]
FeedbackDep = Annotated[FeedbackService, Depends(get_feedback)]
TaxonomyDep = Annotated[TaxonomyService, Depends(get_taxonomy)]


def get_principal(
    request: Request, key: Annotated[str | None, Depends(api_key_header)]
) -> Principal | None:
    """The caller's key, if it sent one; an unknown or revoked key is a 401."""
    if not key:
        return None
    principal = authenticate(request.app.state.store.keys, key)
    if principal is None:
        raise Unauthorized("unknown or revoked API key")
    return principal


PrincipalDep = Annotated[Principal | None, Depends(get_principal)]


def require_key(principal: PrincipalDep) -> Principal:
    """A valid key; the operations that depend on this are marked as needing one in the
    OpenAPI document (see ``api.app.key_required``)."""
    if principal is None:
        raise Unauthorized("this operation needs an API key in the X-API-Key header")
    return principal


WriterDep = Annotated[Principal, Depends(require_key)]


def read_access(settings: SettingsDep, principal: PrincipalDep) -> None:
    """Reads are open unless ``read_requires_key`` is set."""
    if settings.read_requires_key and principal is None:
        raise Unauthorized("reading needs an API key in the X-API-Key header")


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
        raise ValidationError('If-Match must be a profile version such as "3"', field="If-Match")
    return int(text)


IfMatchDep = Annotated[int | None, Depends(if_match)]

Offset = Annotated[int, Query(ge=0, le=1_000_000, description="items to skip")]
Limit = Annotated[int, Query(ge=1, le=100, description="items per page")]
K = Annotated[int, Query(ge=1, le=100, description="how many results")]
Explain = Annotated[bool, Query(description="add evidence and a summary sentence")]

#: ids in paths are normalised like every string input: one with a NUL is a 422, never a match
ProfileId = Annotated[RefId, Path(description="a profile's id")]
RequestId = Annotated[RefId, Path(description="a partner request's id")]
