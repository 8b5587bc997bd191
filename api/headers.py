"""Security headers on every response: a Content-Security-Policy, ``X-Content-Type-Options:
nosniff``, ``Referrer-Policy: no-referrer`` and, where the CSP's ``frame-ancestors`` can be
said in it, ``X-Frame-Options`` (for browsers that predate ``frame-ancestors``).

The UI keeps the API key in ``localStorage``, so the policy allows scripts from this origin
only: no inline script, no ``eval``, no other host. Styles are from this origin too; the UI
sets computed widths and colours through the CSSOM (``element.style``), which a CSP does not
restrict. A response that already carries a CSP keeps it: a page that needs a different
policy (the API reference, :mod:`api.docs_pages`) sets its own.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.asgi import HttpMiddleware


def content_security_policy(frame_ancestors: Sequence[str], **overrides: str) -> str:
    """The service's CSP; ``overrides`` replace or add directives (``style_src="..."``)."""
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": " ".join(frame_ancestors),
    }
    directives |= {name.replace("_", "-"): value for name, value in overrides.items()}
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def frame_options(frame_ancestors: Sequence[str]) -> str | None:
    """The ``X-Frame-Options`` equivalent of ``frame-ancestors``, if it has one (it cannot
    name other origins: then only the CSP speaks)."""
    return {("'self'",): "SAMEORIGIN", ("'none'",): "DENY"}.get(tuple(frame_ancestors))


class SecurityHeadersMiddleware(HttpMiddleware):
    """Adds the security headers to every HTTP response, errors included."""

    def __init__(self, app: ASGIApp, *, frame_ancestors: Sequence[str]):
        super().__init__(app)
        self.defaults = {
            "Content-Security-Policy": content_security_policy(frame_ancestors),
            "Referrer-Policy": "no-referrer",
        }
        framing = frame_options(frame_ancestors)
        if framing is not None:
            self.defaults["X-Frame-Options"] = framing

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(raw=list(message.get("headers", ())))
                for name, value in self.defaults.items():
                    headers.setdefault(name, value)
                headers["X-Content-Type-Options"] = "nosniff"
                message = {**message, "headers": headers.raw}
            await send(message)

        await self.app(scope, receive, send_with_headers)
