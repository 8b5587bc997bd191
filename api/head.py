"""``HEAD`` is answered wherever ``GET`` is (RFC 9110, 9.3.2): FastAPI's routes list only the
methods they are declared with, so a ``HEAD`` would be 405. The request runs as a ``GET`` and
its response goes out with the same status and headers (``Content-Length`` included) and no
body. The OpenAPI document lists ``GET`` only, as usual."""

from __future__ import annotations

from starlette.types import Message, Receive, Scope, Send

from api.asgi import HttpMiddleware


class HeadAsGetMiddleware(HttpMiddleware):
    """Runs ``HEAD`` as ``GET`` and drops the body."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        scope["method"] = "GET"
        try:
            await self.app(scope, receive, send_headers_only)
        finally:
            scope["method"] = "HEAD"  # what the metrics (outside) count
