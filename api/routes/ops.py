from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse

from api.deps import OpsDep
from api.schemas.ops import Health, Ready
from api.services import Services
from api.services.ops import NOT_READY

router = APIRouter(tags=["operations"])


@router.get("/health", response_model=Health)
def health() -> Health:
    """Liveness: the process answers."""
    return Health()


@router.get("/ready", response_model=Ready)
def ready(service: OpsDep) -> Ready:
    """Readiness: 200 once the index is loaded and verified against the database, else 503."""
    return service.ready()


@router.get("/metrics", response_class=PlainTextResponse)
def metrics(request: Request) -> PlainTextResponse:
    """Prometheus metrics (text format 0.0.4); answers while the index is still loading."""
    services: Services | None = request.app.state.services
    gauges = NOT_READY if services is None else services.ops.gauges()
    return PlainTextResponse(
        request.app.state.metrics.render(gauges),
        media_type="text/plain; version=0.0.4; charset=utf-8",
    )
