"""``create_app(settings)``: the FastAPI application, with no global state.

The lifespan opens the database (running migrations), stores a bootstrap key if configured,
and loads the index in a background thread, so ``/health`` answers at once and ``/ready``
(and every ``/v1`` route) answers 503 until the index is verified against the database.
On shutdown an index changed since its last save is saved, so the next start verifies it
instead of repairing it.

``serve(host, port)`` (``partner-search serve``) runs it under uvicorn in one process: the
live index is in memory, so several worker processes would not see each other's writes.
It believes ``X-Forwarded-For`` only from ``TRUSTED_PROXIES`` (none by default).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
from fastapi import APIRouter, Depends, FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from threadpoolctl import threadpool_limits

import engine
from api.deps import read_access, require_key
from api.docs_pages import install_docs
from api.edge import install_middleware
from api.errors import PROBLEM_JSON, install_error_handlers
from api.live import LiveIndex
from api.metrics import Metrics
from api.openapi_links import add_links
from api.reconcile import open_index
from api.routes import (
    claims,
    events,
    feedback,
    ops,
    profile_map,
    profiles,
    recommend,
    requests,
    taxonomy,
)
from api.schemas.common import Problem
from api.security import ensure_bootstrap_key
from api.services import Services
from api.settings import Settings
from api.store import Store
from engine.cached_encoder import (
    CachedEncoder,
    cached_multilingual_encoder,
    cached_sentence_encoder,
)
from engine.embed import HashEncoder

log = logging.getLogger("api")
STATIC_DIR = Path(__file__).parent / "static"

ERRORS: dict[int, str] = {
    400: "the body is not well-formed JSON (or starts with a byte order mark)",
    401: "no API key, or an unknown one, where one is needed",
    403: "the key may not do this",
    404: "no such profile or request",
    409: "conflicts with the stored state (duplicate id, stale If-Match, expired request)",
    413: "request body too large",
    415: "the body is not `application/json` in UTF-8",
    422: "invalid input; `errors` names each field",
    429: "rate limit exceeded; see Retry-After",
    500: "internal error (never with details)",
    503: "the index is loading or failed to load",
}
EXEMPT = ("/health", "/ready", "/metrics", "/docs", "/redoc", "/openapi.json")


def make_encoder(settings: Settings) -> CachedEncoder:
    """The service's encoder: the configured model behind the engine's caches (documents on
    disk, seeded with the bundled vectors; queries in a bounded memory)."""
    if settings.encoder == "hash":
        return CachedEncoder(HashEncoder(settings.hash_dim), memory=settings.query_cache_size)
    return cached_sentence_encoder(
        settings.model_path, settings.cache_dir, seed_dirs=[settings.data_dir / "embeddings"],
        memory=settings.query_cache_size,
    )


def make_multilingual(settings: Settings) -> CachedEncoder | None:
    """The multilingual encoder behind the same caches, or None (hash encoder, or turned
    off in the settings)."""
    if settings.encoder == "hash" or not settings.multilingual:
        return None
    return cached_multilingual_encoder(
        settings.cache_dir, seed_dirs=[settings.data_dir / "embeddings"],
        memory=settings.query_cache_size,
    )


def _load_index(app: FastAPI) -> None:
    """Runs in a thread: build the services and publish them on ``app.state``."""
    settings: Settings = app.state.settings
    try:
        if settings.engine_threads is not None:
            # One thread per ranking: with N concurrent requests, per-call thread pools
            # (OpenBLAS, the OpenMP of faiss) oversubscribe the cores (6x slower at 16
            # clients on 2 cores, see docs/benchmarks.md).
            threadpool_limits(limits=settings.engine_threads)
        encoder = make_encoder(settings)
        recommender, report = open_index(settings, app.state.store, encoder,
                                         make_multilingual(settings))
        live = LiveIndex(
            recommender,
            encoder,
            cache_size=settings.result_cache_size,
            refresh=settings.result_cache_refresh,
            refresh_wait=settings.result_cache_refresh_wait,
            ranking_slots=settings.ranking_slots,
        )
        app.state.services = Services.build(settings, app.state.store, live, report)
    except Exception:  # reported by /ready; the process stays up for diagnosis
        log.exception("the index failed to load")
        app.state.load_failed = True


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    store = Store(settings.database_url)
    await anyio.to_thread.run_sync(store.migrate)
    if settings.bootstrap_key is not None:
        key = settings.bootstrap_key.get_secret_value()
        if await anyio.to_thread.run_sync(ensure_bootstrap_key, store.keys, key):
            log.info("stored the bootstrap curator key (hashed)")
    app.state.store = store
    loader = threading.Thread(target=_load_index, args=(app,), name="index-loader", daemon=True)
    loader.start()
    try:
        yield
    finally:
        if loader.is_alive():
            # Stopped while loading: abandon the load (a daemon thread; seeding is one
            # transaction and index files are written atomically, so nothing is half-done).
            log.warning("shutting down before the index finished loading")
        else:
            services: Services | None = app.state.services
            app.state.services = None
            live = services.live if services is not None else None
            # an index that missed a write is not saved: the next start repairs it
            if live and settings.save_index_on_shutdown and live.dirty and not live.out_of_sync:
                await anyio.to_thread.run_sync(live.save, settings.index_dir)
            store.close()


def _depends_on(dependant: Any, call: Any) -> bool:
    return any(d.call is call or _depends_on(d, call) for d in dependant.dependencies)


def key_required(routers: Sequence[APIRouter]) -> set[tuple[str, str]]:
    """(method, path) of the operations that need a key whatever the settings (writes)."""
    return {
        (method.lower(), route.path)
        for router in routers
        for route in router.routes
        if isinstance(route, APIRoute) and _depends_on(route.dependant, require_key)
        for method in route.methods
    }


def _finish_openapi(schema: dict[str, Any], required: set[tuple[str, str]]) -> dict[str, Any]:
    """Error responses are ``application/problem+json``; the key is optional on reads
    (``security: [{}, {key}]``) and required where ``required`` says."""
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if status[0] in "45" and "application/json" in content:
                    content[PROBLEM_JSON] = content.pop("application/json")
            security = operation.get("security")
            if security and (method, path) not in required:
                operation["security"] = [{}, *security]
    return schema


def create_app(settings: Settings) -> FastAPI:
    app = FastAPI(
        title="Partner search",
        version=engine.__version__,
        summary="Semantic partner recommendation for European cluster organisations.",
        description="See docs/api.md. Errors are RFC 9457 problem documents; writes need an "
        "`X-API-Key`.",
        lifespan=lifespan,
        docs_url=None,  # /docs and /redoc without a CDN: api.docs_pages
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.services = None
    app.state.store = None
    app.state.load_failed = False
    app.state.metrics = Metrics()
    install_error_handlers(app)

    errors = {status: {"model": Problem, "description": text} for status, text in ERRORS.items()}
    routers = (
        recommend.router, profiles.router, claims.router, requests.router, feedback.router,
        taxonomy.router, profile_map.router, events.router,
    )
    for router in routers:
        app.include_router(
            router,
            dependencies=[Depends(read_access)],
            responses=errors,  # type: ignore[arg-type]
        )
    app.include_router(ops.router, responses={503: errors[503]})  # type: ignore[dict-item]
    # the advisor UI (issue 5): static files at /ui/, after every API route
    app.mount("/ui", StaticFiles(directory=STATIC_DIR, html=True), name="ui")
    app.add_api_route("/", lambda: RedirectResponse("/ui/"), include_in_schema=False)
    install_docs(app, settings.frame_ancestors)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                summary=app.summary,
                description=app.description,
                routes=app.routes,
            )
            required = key_required(routers)
            if settings.read_requires_key:
                required |= {(m, p) for p, item in schema["paths"].items() for m in item}
            app.openapi_schema = add_links(_finish_openapi(schema, required))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    install_middleware(app, settings, exempt=EXEMPT)
    return app


def app_from_env() -> FastAPI:
    """For ``uvicorn --factory api.app:app_from_env``: settings from the environment.

    uvicorn's own defaults then apply: it believes ``X-Forwarded-For`` from 127.0.0.1, so
    pass ``--no-proxy-headers``, or ``--forwarded-allow-ips`` with the ``TRUSTED_PROXIES``
    (docs/api.md); otherwise any local client picks the address it is rate limited by."""
    return create_app(Settings())


def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the service under uvicorn (one process; see the module docstring)."""
    import uvicorn

    settings = Settings()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s"
    )
    trusted = settings.trusted_proxies
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level=settings.log_level,
        proxy_headers=bool(trusted),  # uvicorn's default believes any local client
        forwarded_allow_ips=trusted,
    )
