"""Fixtures for the API tier: a tiny index built with the ``HashEncoder`` from the shared
``profiles`` fixture, a temporary SQLite database, a bootstrap curator key, and a
``TestClient`` over ``create_app(settings)`` that waits until the index is ready."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.security import Scope, create_key
from api.settings import Settings
from engine.embed import HashEncoder
from engine.profiles import Profile
from engine.recommender import Recommender

CURATOR_KEY = "test-curator-key-0123456789"
CURATOR = {"X-API-Key": CURATOR_KEY}

#: partner requests seeded from the data folder; their requesters are test profiles
REQUESTS = [
    {
        "id": "req-battery",
        "title": "Battery partners",
        "text": "We seek partners for grid battery storage and energy storage pilots.",
        "requester_id": "es-solar",
        "ecosystems": ["renewables"],
    },
    {
        "id": "req-imaging",
        "text": "Looking for machine learning experts in medical imaging.",
        "requester_id": "fr-univ",
    },
]


def write_data(root: Path, profiles: list[Profile]) -> Settings:
    """An index folder built from ``profiles`` and a data folder with partner requests,
    under ``root``; returns settings for them (hash encoder, no rate limit, no .env)."""
    Recommender(HashEncoder(64)).fit(profiles).save(root / "index")
    requests = root / "data" / "requests" / "requests.jsonl"
    requests.parent.mkdir(parents=True)
    requests.write_text("\n".join(json.dumps(r) for r in REQUESTS) + "\n", encoding="utf-8")
    return make_settings(root)


def make_settings(root: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": f"sqlite:///{root / 'service.db'}",
        "index_dir": root / "index",
        "cache_dir": root / "cache",
        "data_dir": root / "data",
        "encoder": "hash",
        "hash_dim": 64,
        "fusion_path": None,
        "bootstrap_key": CURATOR_KEY,
        "rate_limit_enabled": False,
        "cors_origins": ["https://cluster.example.org"],
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def wait_ready(client: TestClient, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if client.get("/ready").status_code == 200:
            return
        time.sleep(0.02)
    raise AssertionError(f"not ready after {timeout} s: {client.get('/ready').json()}")


@pytest.fixture
def settings(tmp_path: Path, profiles: list[Profile]) -> Settings:
    return write_data(tmp_path, profiles)


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        wait_ready(test_client)
        yield test_client


@pytest.fixture
def owner_key(client: TestClient, app: FastAPI) -> str:
    """An owner key for the profile ``es-solar``."""
    return create_key(app.state.store.keys, Scope.OWNER, "es-solar", "test owner")


@pytest.fixture
def curator() -> dict[str, str]:
    """Headers with the bootstrap curator key."""
    return dict(CURATOR)


@pytest.fixture
def new_profile() -> dict[str, object]:
    """A valid profile body, not yet stored."""
    return {
        "id": "lt-laser",
        "name": "Lithuanian Laser Cluster",
        "kind": "cluster",
        "country": "LT",
        "city": "Vilnius",
        "ecosystems": ["electronics"],
        "keywords": ["lasers", "photonics"],
        "description": "Cluster of laser makers: ultrafast zorblax lasers for micromachining.",
        "activities": [
            {
                "id": "l1",
                "title": "Zorblax lasers",
                "text": "Ultrafast lasers for glass cutting",
                "year": 2022,
                "ecosystems": ["electronics"],
            },
        ],
        "contacts": ["Ona Laser <ona@example.org>"],
    }


# ---- the end-to-end tier: a real uvicorn process on 127.0.0.1 ------------------------------
def free_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """``partner-search serve`` in a subprocess, configured through the environment only;
    ``args``: more command-line arguments (``("--workers", "2")``)."""

    def __init__(self, root: Path, *args: str, **env: str):
        self.root = root
        self.args = args
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("PARTNER_SEARCH_")},
            "PARTNER_SEARCH_DATABASE_URL": f"sqlite:///{root / 'service.db'}",
            "PARTNER_SEARCH_INDEX_DIR": str(root / "index"),
            "PARTNER_SEARCH_CACHE_DIR": str(root / "cache"),
            "PARTNER_SEARCH_DATA_DIR": str(root / "data"),
            "PARTNER_SEARCH_ENCODER": "hash",
            "PARTNER_SEARCH_BOOTSTRAP_KEY": CURATOR_KEY,
            "PARTNER_SEARCH_RATE_LIMIT_ENABLED": "false",
            "PARTNER_SEARCH_LOG_LEVEL": "warning",
            **env,
        }
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""
        self.log = root / "server.log"

    def start(self, timeout: float = 60.0) -> Server:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "api.cli",
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    *self.args,
                ],
                cwd=self.root,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # kill() takes the workers of --workers N too
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if httpx.get(f"{self.url}/ready", timeout=1.0).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        self.stop()
        raise AssertionError(f"server did not become ready:\n{self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        """``kill -9`` of the server and its workers: no shutdown hook runs."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def server_root(tmp_path: Path, profiles: list[Profile]) -> Path:
    write_data(tmp_path, profiles)
    return tmp_path


@pytest.fixture
def server(server_root: Path) -> Iterator[Server]:
    running = Server(server_root).start()
    try:
        yield running
    finally:
        running.stop()
