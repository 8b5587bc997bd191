"""``HttpMiddleware``: what every middleware of the edge (:mod:`api.edge`) shares. ASGI
sends lifespan (and, were there any, websocket) scopes through the same stack: those pass
untouched, and only HTTP requests reach a subclass's ``handle``."""

from __future__ import annotations

from abc import ABC, abstractmethod

from starlette.types import ASGIApp, Receive, Scope, Send


class HttpMiddleware(ABC):
    """A pure ASGI middleware for HTTP requests; subclasses give ``handle``."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.handle(scope, receive, send)

    @abstractmethod
    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer (or pass on) one HTTP request."""
