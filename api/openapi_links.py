"""OpenAPI 3 links between the operations of the document: which response feeds which next call.

A link says, for one response of one operation, how to fill another operation's parameters or
body from it (runtime expressions such as ``$response.body#/id``). Clients and docs can read
them; schemathesis's state machine follows them to chain calls (create a profile, change it,
recommend for it, delete it: ``tests/api/test_api_stateful.py``).

A profile's id goes into a body as ``requestBody: {"requester_id": "$response.body#/id"}``:
OpenAPI defines ``requestBody`` as a value or one expression; expressions inside an object are
schemathesis's extension (it evaluates them and merges the fields into the body it generates).

``add_links(schema)`` targets operations by the ``operationId`` the document gives their
(method, path), so renaming a route function does not break a link; a link whose source or
target operation is not in the document is left out (the document is still served), and
``tests/api/test_api_stateful.py`` fails when one is, naming it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

PROFILES = "/v1/profiles"
PROFILE = "/v1/profiles/{profile_id}"
REQUESTS = "/v1/requests"
REQUEST = "/v1/requests/{request_id}"


@dataclass(frozen=True)
class Link:
    """One link: from a response of ``source`` to the operation ``target``.

    ``source`` is (method, path, status); ``target`` is (method, path); ``parameters`` maps
    ``location.name`` to a runtime expression; ``body`` holds the request body fields to set
    (each a runtime expression), or is empty."""

    name: str
    source: tuple[str, str, str]
    target: tuple[str, str]
    parameters: dict[str, str] = field(default_factory=dict)
    body: dict[str, str] = field(default_factory=dict)

    def definition(self, operation_id: str) -> dict[str, Any]:
        """The OpenAPI link object, targeting ``operation_id``."""
        result: dict[str, Any] = {"operationId": operation_id}
        if self.parameters:
            result["parameters"] = dict(self.parameters)
        if self.body:
            result["requestBody"] = dict(self.body)
        return result


_ID = "$response.body#/id"
_BY_ID = {"path.profile_id": _ID}
_VERSIONED = {**_BY_ID, "header.If-Match": "$response.header.ETag"}
_REQUEST_ID = {"path.request_id": "$response.body#/request/id"}


def _from_profile(source: tuple[str, str, str], targets: dict[str, tuple[str, str]]) -> list[Link]:
    """Links from a response that is one profile (``ProfileDetail``, with its ``ETag``): its id
    goes into the target's path, or else into the body's ``requester_id``; a write sends the
    version it read as ``If-Match``."""
    links = []
    for name, (method, path) in targets.items():
        if "{profile_id}" not in path:
            links.append(Link(name, source, (method, path), body={"requester_id": _ID}))
        else:
            writes = method in ("patch", "put", "delete")
            links.append(Link(name, source, (method, path), _VERSIONED if writes else _BY_ID))
    return links


_AFTER_CREATE = {
    "GetProfile": ("get", PROFILE),
    "UpdateProfile": ("patch", PROFILE),
    "ReplaceProfile": ("put", PROFILE),
    "DeleteProfile": ("delete", PROFILE),
    "SimilarProfiles": ("get", f"{PROFILE}/similar"),
    "ProfilePartners": ("get", f"{PROFILE}/partners"),
    "ProfileOpportunities": ("get", f"{PROFILE}/opportunities"),
    "ProfileClaims": ("get", f"{PROFILE}/claims"),
    "RecommendForProfile": ("post", "/v1/recommend"),
    "CreateRequestForProfile": ("post", REQUESTS),
}
_AFTER_WRITE = {
    "GetProfile": ("get", PROFILE),
    "DeleteProfile": ("delete", PROFILE),
    "RecommendForProfile": ("post", "/v1/recommend"),
}

#: every link the document gets
LINKS: tuple[Link, ...] = (
    *_from_profile(("post", PROFILES, "201"), _AFTER_CREATE),
    *_from_profile(("patch", PROFILE, "200"), _AFTER_WRITE),
    *_from_profile(("put", PROFILE, "200"), _AFTER_WRITE),
    Link("GetRequest", ("post", REQUESTS, "201"), ("get", REQUEST), _REQUEST_ID),
    Link("RequestMatches", ("post", REQUESTS, "201"), ("get", f"{REQUEST}/matches"), _REQUEST_ID),
    Link("DeleteRequest", ("post", REQUESTS, "201"), ("delete", REQUEST), _REQUEST_ID),
    Link(
        "ExpressInterest", ("post", REQUESTS, "201"), ("post", f"{REQUEST}/interest"), _REQUEST_ID
    ),
    Link(
        "RequestInterests", ("post", REQUESTS, "201"), ("get", f"{REQUEST}/interests"), _REQUEST_ID
    ),
)


def add_links(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy of the OpenAPI document ``schema`` with ``LINKS`` in its responses; links whose
    source response or target operation the document lacks are left out."""
    result = copy.deepcopy(schema)
    paths = result.get("paths", {})
    for link in LINKS:
        method, path, status = link.source
        response = paths.get(path, {}).get(method, {}).get("responses", {}).get(status)
        target_method, target_path = link.target
        operation_id = paths.get(target_path, {}).get(target_method, {}).get("operationId")
        if response is not None and operation_id is not None:
            response.setdefault("links", {})[link.name] = link.definition(operation_id)
    return result
