"""Pure ASGI middleware: request metrics, and the guards that run before any route (request
body size, per-IP and per-key rate limits). Rejections are problem documents like every
other error."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable

from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.asgi import HttpMiddleware
from api.errors import problem_response
from api.metrics import Metrics
from api.ratelimit import TokenBuckets, retry_after

API_KEY_HEADER = b"x-api-key"


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value)
    return None


class MetricsMiddleware(HttpMiddleware):
    """Counts every response and times it, labelled by the route *template*
    (``/v1/profiles/{profile_id}``) so that ids never become label values."""

    def __init__(self, app: ASGIApp, metrics: Metrics):
        super().__init__(app)
        self.metrics = metrics

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or scope.get("partner_search.rejected", "")
            self.metrics.observe(
                scope["method"],
                template or "(unmatched)",
                status,
                time.perf_counter() - started,
            )


class GuardMiddleware(HttpMiddleware):
    """Rejects a request body over ``max_body`` bytes (413, whether or not it declares its
    length) and clients over their rate (429 with ``Retry-After``): every request takes a
    token from its IP's bucket, and one from its key's bucket when it sends ``X-API-Key``."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body: int,
        per_ip: TokenBuckets | None,
        per_key: TokenBuckets | None,
        exempt: Iterable[str] = (),
    ):
        super().__init__(app)
        self.max_body = max_body
        self.per_ip = per_ip
        self.per_key = per_key
        self.exempt = frozenset(exempt)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["path"] not in self.exempt:
            wait = self._rate_wait(scope)
            if wait > 0:
                scope["partner_search.rejected"] = "(rate limited)"
                response = problem_response(
                    429,
                    f"too many requests; retry in {retry_after(wait)} s",
                    headers={"Retry-After": retry_after(wait)},
                )
                await response(scope, receive, send)
                return
        declared = _header(scope, b"content-length")
        if declared is not None:
            try:
                too_large = int(declared) > self.max_body
            except ValueError:
                too_large = False
            if too_large:
                scope["partner_search.rejected"] = "(too large)"
                await self._too_large(scope, receive, send)
                return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise StarletteHTTPException(413, self._message())
            return message

        async def watch_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, watch_send)
        except StarletteHTTPException as exc:
            if exc.status_code != 413 or started:
                raise
            await self._too_large(scope, receive, send)

    def _message(self) -> str:
        return f"the request body is larger than {self.max_body} bytes"

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(413, self._message(), headers={"Connection": "close"})
        await response(scope, receive, send)

    def _rate_wait(self, scope: Scope) -> float:
        wait = 0.0
        if self.per_ip is not None:
            client = scope.get("client")
            wait = self.per_ip.take(str(client[0]) if client else "unknown")
        key = _header(scope, API_KEY_HEADER)
        if key and self.per_key is not None:
            name = hashlib.sha256(key).hexdigest()[:32]
            wait = max(wait, self.per_key.take(name))
        return wait
