"""The HTTP edge: the ASGI middleware around the routes, and the order they run in.

From the outside in:

1. security headers on every response (:mod:`api.headers`), so also on 2-9's answers;
2. error responses made below the exception handlers become problem documents
   (:mod:`api.problem_bodies`);
3. redirects to the request's own host become relative (:mod:`api.redirects`);
4. ``Host`` must be one of ``ALLOWED_HOSTS`` (``*``: any);
5. CORS, for the origins in ``CORS_ORIGINS``;
6. metrics: every response counted and timed, rejections included;
7. ``HEAD`` runs as ``GET`` (:mod:`api.head`), inside the metrics so that they say ``HEAD``;
8. rate limits and the body size limit (:class:`api.middleware.GuardMiddleware`);
9. bodies must be UTF-8 JSON (:mod:`api.bodies`), read through 8's size limit.

The rate limit keys on the ASGI ``client``: the TCP peer, or the address in
``X-Forwarded-For`` where the server was told to believe it (``TRUSTED_PROXIES``, given to
uvicorn by :func:`api.serve.serve`).
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware

from api.bodies import JsonBodyMiddleware
from api.head import HeadAsGetMiddleware
from api.headers import SecurityHeadersMiddleware
from api.middleware import GuardMiddleware, MetricsMiddleware
from api.problem_bodies import ProblemBodyMiddleware
from api.ratelimit import TokenBuckets
from api.redirects import RelativeRedirectMiddleware
from api.settings import Settings


def install_middleware(app: FastAPI, settings: Settings, *, exempt: Iterable[str]) -> None:
    """Add the edge middleware to ``app``; ``exempt`` paths are never rate limited."""
    limited = settings.rate_limit_enabled
    # add_middleware puts each one outside those added before: innermost first
    app.add_middleware(JsonBodyMiddleware)  # type: ignore[arg-type]
    app.add_middleware(
        GuardMiddleware,  # type: ignore[arg-type]
        max_body=settings.max_body_bytes,
        per_ip=TokenBuckets(settings.rate_per_ip, settings.burst_per_ip) if limited else None,
        per_key=TokenBuckets(settings.rate_per_key, settings.burst_per_key) if limited else None,
        exempt=exempt,
    )
    app.add_middleware(HeadAsGetMiddleware)  # type: ignore[arg-type]
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)  # type: ignore[arg-type]
    app.add_middleware(
        CORSMiddleware,  # type: ignore[arg-type]
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=["Content-Type", "X-API-Key", "If-Match"],
        expose_headers=["Retry-After", "ETag", "Location"],
        max_age=600,
    )
    app.add_middleware(
        TrustedHostMiddleware,  # type: ignore[arg-type]
        allowed_hosts=settings.allowed_hosts,
        www_redirect=False,
    )
    app.add_middleware(RelativeRedirectMiddleware)  # type: ignore[arg-type]
    app.add_middleware(ProblemBodyMiddleware)  # type: ignore[arg-type]
    app.add_middleware(
        SecurityHeadersMiddleware,  # type: ignore[arg-type]
        frame_ancestors=settings.frame_ancestors,
    )
