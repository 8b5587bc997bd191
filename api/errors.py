"""The one place where errors become HTTP: every error is an RFC 9457 problem document
(``application/problem+json`` with ``type``, ``title``, ``status``, ``detail`` and, for 422,
``errors`` naming each offending field). No handler ever returns a stack trace.

Services and dependencies raise domain errors, never HTTP ones: the engine's
(:mod:`engine.errors`: invalid input, unknown id, conflict) and the API layer's own small
hierarchy below (:class:`Unauthorized`, :class:`Forbidden`, :class:`Unavailable`). An API
error carries its own HTTP status and headers; :func:`engine_status` gives an engine error's
(the engine knows nothing of HTTP).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from engine.errors import (
    ConflictError,
    EngineError,
    IndexMismatchError,
    NotFittedError,
    NotFoundError,
    TimeLimitError,
    ValidationError,
)

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("api")

#: problem ``type`` per status: a stable URN a client can switch on (documented in docs/api.md)
PROBLEM_TYPES: dict[int, str] = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    413: "payload-too-large",
    415: "unsupported-media-type",
    422: "validation",
    429: "rate-limited",
    500: "internal",
    503: "unavailable",
}


def problem_type(status: int) -> str:
    return f"urn:partner-search:problem:{PROBLEM_TYPES.get(status, 'http-' + str(status))}"


class ApiError(Exception):
    """An error of the API layer itself (keys, readiness): each subclass sets its HTTP
    ``status``, and :meth:`headers` adds what the client needs to react."""

    #: the HTTP status of the response; 500 (logged, answered without detail) unless set
    status: ClassVar[int] = 500

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def headers(self) -> dict[str, str]:
        """Response headers that go with this error."""
        return {}


class Unauthorized(ApiError):
    """No key where one is needed, or an unknown or revoked key."""

    status = 401

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": "ApiKey"}


class Forbidden(ApiError):
    """The key is valid but its scope does not cover this operation."""

    status = 403


class Unavailable(ApiError):
    """The index is not ready (still loading, failed, or out of step with the database);
    ``retry_after`` (seconds) when waiting will help."""

    status = 503

    def __init__(self, message: str, *, retry_after: int | None = None):
        super().__init__(message)
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        return {} if self.retry_after is None else {"Retry-After": str(self.retry_after)}


def problem_response(
    status: int,
    detail: str,
    *,
    errors: Sequence[Mapping[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": problem_type(status),
        "title": HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error",
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = list(errors)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def engine_status(exc: EngineError) -> int:
    """HTTP status of an engine error."""
    if isinstance(exc, ValidationError):
        return 422
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, ConflictError):
        return 409
    if isinstance(exc, NotFittedError | IndexMismatchError | TimeLimitError):
        return 503
    return 500


def _location(loc: Sequence[str | int]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie"}:
        parts = parts[1:]
    return ".".join(parts) or "body"


async def _engine_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, EngineError)
    status = engine_status(exc)
    if status == 500:
        log.error("engine error on %s %s: %s", request.method, request.url.path, exc)
        return problem_response(500, "the engine failed to answer; the error was logged")
    message = getattr(exc, "message", None) or str(exc)
    errors = None
    if isinstance(exc, ValidationError):
        errors = [{"field": exc.field or "body", "message": message}]
    return problem_response(status, message, errors=errors)


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    if exc.status == 500:
        log.error("API error on %s %s: %s", request.method, request.url.path, exc)
        return problem_response(500, "internal error; it was logged")
    return problem_response(exc.status, exc.message, headers=exc.headers())


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"field": _location(e.get("loc", ())), "message": str(e.get("msg", "invalid"))}
        for e in exc.errors()
    ]
    names = ", ".join(dict.fromkeys(e["field"] for e in errors))
    return problem_response(422, f"invalid request: check {names}", errors=errors)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    return problem_response(exc.status_code, detail, headers=exc.headers)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem_response(500, "internal error; it was logged")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(EngineError, _engine_error)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
