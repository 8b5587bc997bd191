"""``serve(host, port, workers)`` (``partner-search serve --workers N``): the service under
uvicorn, and the app factories for running it by hand.

One process by default. With N > 1, N worker processes on one socket, each building its app
from the environment (:func:`worker_app_from_env`) and holding its own live index (N times
the memory), kept in step through the database's change table: a write acknowledged by one
is in every worker's recommendations within ``CHANGE_POLL_INTERVAL`` (0.2 s) and its own
index write. A worker accepts connections only once its index is loaded, so while one is
loading (at the start, or replaced after a crash) the others take every request. It
believes ``X-Forwarded-For`` only from ``TRUSTED_PROXIES`` (none by default).
"""

from __future__ import annotations

import logging
import os
from typing import Any

from fastapi import FastAPI

from api.app import create_app
from api.settings import Settings


def _configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s"
    )


def app_from_env(*, accept_once_loaded: bool = False) -> FastAPI:
    """For ``uvicorn --factory api.serve:app_from_env``: settings from the environment.

    Run by hand, uvicorn's own defaults apply: it believes ``X-Forwarded-For`` from
    127.0.0.1, so pass ``--no-proxy-headers``, or ``--forwarded-allow-ips`` with the
    ``TRUSTED_PROXIES`` (docs/api.md); otherwise any local client picks the address it is
    rate limited by."""
    settings = Settings()
    _configure_logging(settings)
    return create_app(settings, accept_once_loaded=accept_once_loaded)


def worker_app_from_env() -> FastAPI:
    """Each worker of ``serve --workers N``: accepting connections only once loaded."""
    return app_from_env(accept_once_loaded=True)


def serve(host: str = "127.0.0.1", port: int = 8000, workers: int = 1) -> None:
    """Run the service under uvicorn, in ``workers`` processes."""
    import uvicorn

    settings = Settings()  # read here too: a bad setting stops the start, not each worker
    _configure_logging(settings)
    # OpenMP threads (the multilingual model's C engine, torch) that spin while they wait
    # take the cores from the other requests and workers: with 16 clients on 2 cores, 2
    # workers answered 2.3 first-time requests/s spinning, 8.8 passive (docs/benchmarks.md).
    # Set before the models load and inherited by the workers; an explicit value stays.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    trusted = settings.trusted_proxies
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": settings.log_level,
        "proxy_headers": bool(trusted),  # uvicorn's default believes any local client
        "forwarded_allow_ips": trusted,
    }
    if workers == 1:
        uvicorn.run(create_app(settings), **options)
        return
    # worker processes are spawned: each imports the factory and reads the environment. A
    # worker answers the supervisor's pings from a thread of its own while it loads, but on
    # a busy machine uvicorn's 5 s could pass, and a worker killed as hung would start
    # loading again. A reload (SIGHUP) waits this long for each new worker to be loaded.
    uvicorn.run("api.serve:worker_app_from_env", factory=True, workers=workers,
                timeout_worker_healthcheck=120, **options)
