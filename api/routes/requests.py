from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.deps import Explain, K, Limit, Offset, RequestId, RequestsDep, WriterDep
from api.schemas.common import Page, RefId
from api.schemas.recommend import MatchList
from api.schemas.requests import (
    InterestCreate,
    InterestPublic,
    RequestCreate,
    RequestCreated,
    RequestPublic,
)
from api.store.requests import Status

router = APIRouter(prefix="/v1/requests", tags=["requests"])


@router.post("", status_code=201, response_model=RequestCreated)
def create_request(
    body: RequestCreate,
    service: RequestsDep,
    principal: WriterDep,
    response: Response,
    k: K = 10,
    explain: Explain = False,
) -> RequestCreated:
    """Store a partner request (open for 12 months by default) and return its matches."""
    created = service.create(body, principal, k, explain)
    response.headers["Location"] = f"/v1/requests/{created.request.id}"
    return created


@router.get("", response_model=Page[RequestPublic])
def list_requests(
    service: RequestsDep,
    offset: Offset = 0,
    limit: Limit = 20,
    status: Status = "open",
    requester_id: Annotated[RefId | None, Query(description="only this requester's")] = None,
) -> Page[RequestPublic]:
    """Partner requests, newest first; by default only open (unexpired) ones."""
    return service.page(
        status=status, requester_id=requester_id, offset=offset, limit=limit
    )


@router.get("/{request_id}", response_model=RequestPublic)
def get_request(request_id: RequestId, service: RequestsDep) -> RequestPublic:
    return service.get(request_id)


@router.get("/{request_id}/matches", response_model=MatchList)
def request_matches(
    request_id: RequestId, service: RequestsDep, k: K = 10, explain: Explain = False
) -> MatchList:
    """Partners for a stored request, ranked now (profiles may have changed since)."""
    return service.matches(request_id, k, explain)


@router.delete("/{request_id}", status_code=204, response_class=Response)
def delete_request(request_id: RequestId, service: RequestsDep, principal: WriterDep) -> Response:
    """Withdraw a request (its requester's key or a curator's)."""
    service.delete(request_id, principal)
    return Response(status_code=204)


@router.post("/{request_id}/interest", status_code=201, response_model=InterestPublic)
def express_interest(
    request_id: RequestId, body: InterestCreate, service: RequestsDep, principal: WriterDep
) -> InterestPublic:
    """An expression of interest from a profile (its owner's key or a curator's)."""
    return service.add_interest(request_id, body, principal)


@router.get("/{request_id}/interests", response_model=Page[InterestPublic])
def list_interests(
    request_id: RequestId,
    service: RequestsDep,
    principal: WriterDep,
    offset: Offset = 0,
    limit: Limit = 20,
) -> Page[InterestPublic]:
    """Expressions of interest received, for the requester's key or a curator's."""
    return service.interests_in(request_id, principal, offset, limit)
