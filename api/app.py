"""``create_app(settings)``: the FastAPI application, with no global state.

The lifespan opens the database (running migrations), stores a bootstrap key if configured,
and loads the index in a background thread, so ``/health`` answers at once and ``/ready``
(and every ``/v1`` route) answers 503 until the index is verified against the database.
Once loaded, a follower thread (:mod:`api.follow`) applies the writes that other processes
commit to the same database. On shutdown an index changed since its last save is saved with
the change seq it includes (:mod:`api.checkpoint`), so the next start verifies it from the
change table instead of repairing it.

Several processes can serve one database (:mod:`api.serve`, ``serve --workers N``), each
holding its own live index, kept in step through the database's change table. Per process,
not shared: the rate limits (N workers allow N times the rate), ``/metrics``.
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
from api.checkpoint import index_lock
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


def _load_models(*encoders: CachedEncoder | None) -> None:
    """Load the models that encode requests by encoding one (under the encoder's model lock,
    so a concurrent first use does not load a model twice; a model of profile texts only is
    left for the first profile write: see :func:`_load_index`)."""
    for encoder in encoders:
        if encoder is not None:
            try:
                encoder.encode_queries(["partner search"])
            except Exception:  # the first real use reports it
                log.exception("loading a model failed")


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
        multilingual = make_multilingual(settings)
        # the models of requests load (imports, weights: seconds) while the index is read
        # and checked. Where profile texts have a model of their own (torch, beside the int8
        # model of requests) it loads on the first profile write, before that write takes
        # the write lock (api.services.profiles): reads never need it, and loaded at start
        # it took 8 s of a 20 s start, or 4 s of the first query's, on 2 cores
        models = threading.Thread(target=_load_models, args=(encoder, multilingual),
                                  name="model-loader", daemon=True)
        models.start()
        recommender, report = open_index(settings, app.state.store, encoder, multilingual)
        models.join()
        live = LiveIndex(
            recommender,
            encoder,
            cache_size=settings.result_cache_size,
            refresh=settings.result_cache_refresh,
            refresh_wait=settings.result_cache_refresh_wait,
            ranking_slots=settings.ranking_slots,
        )
        services = Services.build(settings, app.state.store, live, report)
        try:
            services.follower.poll()  # what others wrote while this process loaded
        except Exception:  # the database briefly unreachable: the thread's rounds retry
            log.exception("applying other processes' writes at start failed; retrying")
        services.follower.start()
        app.state.services = services
    except Exception:  # reported by /ready; the process stays up for diagnosis
        log.exception("the index failed to load")
        app.state.load_failed = True


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    store = Store(settings.database_url)

    def migrate() -> None:
        with index_lock(settings.index_dir):  # the workers of one server start together
            store.migrate()

    await anyio.to_thread.run_sync(migrate)
    if settings.bootstrap_key is not None:
        key = settings.bootstrap_key.get_secret_value()
        if await anyio.to_thread.run_sync(ensure_bootstrap_key, store.keys, key):
            log.info("stored the bootstrap curator key (hashed)")
    app.state.store = store
    loader = threading.Thread(target=_load_index, args=(app,), name="index-loader", daemon=True)
    if app.state.accept_once_loaded:
        # a worker of ``serve --workers N``: uvicorn accepts connections on the shared socket
        # only after the lifespan's start, so the kernel hands them to loaded workers only
        # (not to one that would answer 503 while another is ready); a failed load still
        # starts serving, and /ready reports it
        await anyio.to_thread.run_sync(_load_index, app)
    else:
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
            if services is not None:
                await anyio.to_thread.run_sync(services.follower.stop)  # joins: off the loop
                await anyio.to_thread.run_sync(_save_on_shutdown, services, settings)
            store.close()


def _save_on_shutdown(services: Services, settings: Settings) -> None:
    """Save a changed index with the change seq it includes; an index that missed a write
    is not saved (the next start repairs it)."""
    live = services.live
    if not (settings.save_index_on_shutdown and live.dirty and not live.out_of_sync):
        return
    try:
        services.follower.save(settings.index_dir)
    except Exception:  # the next start repairs the index from the database
        log.exception("saving the index on shutdown failed")


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


def create_app(settings: Settings, accept_once_loaded: bool = False) -> FastAPI:
    """The application; ``accept_once_loaded``: its server accepts no connection until the
    index is loaded (``/health`` does not answer meanwhile), as the workers of ``serve
    --workers N`` do; by default it answers at once, 503 until loaded."""
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
    app.state.accept_once_loaded = accept_once_loaded
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
