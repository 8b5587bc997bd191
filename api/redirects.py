"""Redirects never name a host taken from the request: Starlette builds the redirects it makes
itself (``/ui`` → ``/ui/``, ``/v1/taxonomy/`` → ``/v1/taxonomy``) as absolute URLs from the
``Host`` header, so ``Host: evil.example`` would send a browser (or a cache) to another site.
A ``Location`` that points at the request's own host is rewritten to a path-only reference,
which a client resolves against the address it really used (RFC 9110, 10.2.2)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from starlette.datastructures import URL, MutableHeaders
from starlette.types import Message, Receive, Scope, Send

from api.asgi import HttpMiddleware

#: slashes and backslashes at the start of a path: ``//host`` (and, to browsers, ``/\\host``)
#: would read as a reference to another host
_LEADING_SLASHES = re.compile(r"^[/\\]+")


def relative_location(location: str, own_host: str) -> str:
    """``location`` without scheme and host when it points at ``own_host``, else unchanged."""
    parts = urlsplit(location)
    if parts.scheme not in ("http", "https") or parts.netloc != own_host:
        return location
    path = _LEADING_SLASHES.sub("/", parts.path) or "/"
    return urlunsplit(("", "", path, parts.query, parts.fragment))


class RelativeRedirectMiddleware(HttpMiddleware):
    """Rewrites an absolute ``Location`` on the request's own host to a relative one."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        own_host = URL(scope=scope).netloc

        async def send_relative(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(raw=list(message.get("headers", ())))
                location = headers.get("location")
                if location is not None:
                    headers["location"] = relative_location(location, own_host)
                    message = {**message, "headers": headers.raw}
            await send(message)

        await self.app(scope, receive, send_relative)
