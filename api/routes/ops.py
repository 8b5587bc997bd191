from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse

from api.deps import ServiceDep
from api.schemas import Health, Ready

router = APIRouter(tags=["operations"])


@router.get("/health", response_model=Health)
def health() -> Health:
    """Liveness: the process answers."""
    return Health()


@router.get("/ready", response_model=Ready)
def ready(service: ServiceDep) -> Ready:
    """Readiness: 200 once the index is loaded and verified against the database, else 503."""
    return service.ready()


@router.get("/metrics", response_class=PlainTextResponse)
def metrics(request: Request) -> PlainTextResponse:
    """Prometheus metrics (text format 0.0.4)."""
    state = request.app.state
    gauges: list[tuple[str, str, float]] = [("ready", "1 when the index is loaded", 0.0)]
    service = state.service
    if service is not None:
        profiles, vectors, version = service.live.stats()
        encoder = service.live.encoder
        gauges = [
            ("ready", "1 when the index is loaded", 1.0),
            ("index_profiles", "profiles in the index", profiles),
            ("index_vectors", "vectors in the index", vectors),
            ("index_version", "index version (bumps on every write)", version),
            ("embedding_cache_hits_total", "texts embedded from a cache", encoder.cache_hits),
            ("embedding_cache_misses_total", "texts run through the model", encoder.cache_misses),
            ("result_cache_hits_total", "rankings answered from the result cache",
             service.live.results.hits),
            ("result_cache_misses_total", "rankings computed", service.live.results.misses),
            ("result_cache_entries", "ranked lists cached for this index version",
             len(service.live.results)),
        ]
    return PlainTextResponse(
        state.metrics.render(gauges), media_type="text/plain; version=0.0.4; charset=utf-8"
    )
