"""Every error body is a problem document, also those made below the app's exception
handlers: Starlette's CORS middleware refuses a preflight with ``text/plain`` "Disallowed CORS
origin", its trusted-host middleware with "Invalid host header". An error response that is
not ``application/problem+json`` is replaced by one with the same status and headers, and its
text (when short plain text) as the ``detail``.

Below the application, uvicorn answers requests it cannot parse (bad request line or
headers, an invalid ``Content-Length``) with its own ``text/plain`` 400 before any of this
runs; see docs/api.md."""

from __future__ import annotations

from http import HTTPStatus

from starlette.datastructures import Headers
from starlette.types import Message, Receive, Scope, Send

from api.asgi import HttpMiddleware
from api.errors import PROBLEM_JSON, problem_response

#: a plain-text error body longer than this is not used as the ``detail``
MAX_DETAIL = 200
_DROPPED = ("content-type", "content-length")


def _detail(status: int, headers: Headers, body: bytes) -> str:
    text = body.decode("utf-8", "replace").strip()
    plain = headers.get("content-type", "").startswith("text/plain")
    if plain and text and len(text) <= MAX_DETAIL:
        return text
    return HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"


class ProblemBodyMiddleware(HttpMiddleware):
    """Turns any error response that is not a problem document into one."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        held: Message | None = None
        body = bytearray()

        async def send_problem(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.start":
                headers = Headers(raw=message.get("headers", []))
                is_problem = headers.get("content-type", "").startswith(PROBLEM_JSON)
                if message["status"] >= 400 and not is_problem:
                    held = message  # sent as a problem once its body is complete
                    return
            elif held is not None:
                body.extend(message.get("body", b""))
                if message.get("more_body", False):
                    return
                status = int(held["status"])
                headers = Headers(raw=held.get("headers", []))
                kept = {k: v for k, v in headers.items() if k not in _DROPPED}
                response = problem_response(status, _detail(status, headers, bytes(body)),
                                            headers=kept)
                await response(scope, receive, send)
                return
            await send(message)

        await self.app(scope, receive, send_problem)
