"""Health, readiness, metrics, OpenAPI, and the error contract (problem+json,
never a stack trace), with dependency overrides where a failure has to be provoked."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.deps import get_recommend
from api.settings import Settings
from engine.recommender import Recommender

from .conftest import make_settings, wait_ready


def test_health_answers_before_ready(app: FastAPI) -> None:
    client = TestClient(app)  # no lifespan: the index is never loaded
    assert client.get("/health").json() == {"status": "ok"}
    ready = client.get("/ready")
    assert ready.status_code == 503 and ready.headers["retry-after"]
    assert ready.headers["content-type"] == "application/problem+json"
    assert client.post("/v1/recommend", json={"text": "x"}).status_code == 503


def test_ready_reports_the_index(client: TestClient) -> None:
    body = client.get("/ready").json()
    assert body["status"] == "ready" and body["profiles"] == 8 and body["vectors"] > 8
    assert body["model"] == "hash-bow-64" and body["sync"] == "verified"


def test_failed_load_stays_unready(tmp_path: Path) -> None:
    # no index and no corpus: seeding fails, /ready says so, the process stays up
    settings = make_settings(tmp_path)
    with TestClient(__import__("api.app").app.create_app(settings)) as client:
        for _ in range(200):
            if client.app.state.load_failed:  # type: ignore[attr-defined]
                break
            client.get("/health")
        ready = client.get("/ready")
        assert ready.status_code == 503 and "failed" in ready.json()["detail"]


def test_metrics_in_prometheus_format(client: TestClient) -> None:
    client.post("/v1/recommend", json={"text": "battery"})
    client.get("/v1/profiles/de-auto")
    client.get("/v1/profiles/nope")
    response = client.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = response.text
    assert re.search(
        r'http_requests_total\{method="POST",route="/v1/recommend",status="200"\} 1', text
    )
    assert 'route="/v1/profiles/{profile_id}",status="404"' in text  # templates, not ids
    assert "nope" not in text
    assert re.search(
        r'duration_seconds_bucket\{method="POST",route="/v1/recommend",le="\+Inf"\} 1', text
    )
    assert "partner_search_index_profiles 8" in text
    assert re.search(r"partner_search_embedding_cache_(hits|misses)_total \d+", text)
    for line in text.splitlines():  # every sample line is "name{labels} number"
        if line and not line.startswith("#"):
            assert re.fullmatch(r'[a-z_]+(\{([a-z_]+="[^"]*",?)+\})? [0-9.e+-]+', line), line


def test_openapi_and_docs(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    schema = client.get("/openapi.json").json()
    assert "/v1/recommend" in schema["paths"]
    errors = schema["paths"]["/v1/profiles/{profile_id}"]["patch"]["responses"]
    for status in ("401", "403", "404", "409", "413", "422", "429"):
        assert list(errors[status]["content"]) == ["application/problem+json"]
    assert "X-API-Key" in str(schema["components"]["securitySchemes"])


def test_unknown_route_and_method_are_problems(client: TestClient) -> None:
    missing = client.get("/v1/nothing")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    method = client.put("/v1/recommend", json={})
    assert method.status_code == 405 and method.json()["status"] == 405


def test_unexpected_error_is_a_bare_500_problem(app: FastAPI, client: TestClient) -> None:
    class Broken:
        def recommend(self, body: object) -> None:
            raise RuntimeError("secret internals at /srv/partner_search/db")

    app.dependency_overrides[get_recommend] = lambda: Broken()
    try:
        response = client.post("/v1/recommend", json={"text": "battery"})
    finally:
        app.dependency_overrides.clear()
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "secret" not in response.text and "Traceback" not in response.text
    assert response.json()["title"] == "Internal Server Error"


def test_settings_from_environment(monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("PARTNER_SEARCH_ENCODER=hash\nPARTNER_SEARCH_HASH_DIM=32\n")
    monkeypatch.setenv("PARTNER_SEARCH_CORS_ORIGINS", "https://a.eu, https://b.eu")
    monkeypatch.setenv("PARTNER_SEARCH_READ_REQUIRES_KEY", "true")
    settings = Settings()
    assert settings.encoder == "hash" and settings.hash_dim == 32
    assert settings.cors_origins == ["https://a.eu", "https://b.eu"]
    assert settings.read_requires_key and settings.request_expiry_days == 365
    assert settings.database_url == "sqlite:///models/partner_search.db"


def test_a_worker_app_starts_only_once_loaded(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker of ``serve --workers N`` finishes its start (and so starts accepting
    connections) only with its index loaded; a single process starts at once."""
    import api.app as app_module

    opened = app_module.open_index

    def slow_open(*args: object, **kwargs: object) -> object:
        time.sleep(0.5)
        return opened(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(app_module, "open_index", slow_open)
    with TestClient(app_module.create_app(settings)) as client:
        assert client.get("/ready").status_code == 503  # started while loading
        wait_ready(client)
    with TestClient(app_module.create_app(settings, accept_once_loaded=True)) as client:
        assert client.get("/ready").status_code == 200  # no request before the load


def test_ready_after_restart_verifies(settings: Settings) -> None:
    from api.app import create_app

    for _ in range(2):
        with TestClient(create_app(settings)) as client:
            wait_ready(client)
            assert client.get("/ready").json()["sync"] == "verified"


def test_engine_failure_after_commit_is_repaired_on_restart(
    settings: Settings, curator: dict[str, str], new_profile: dict[str, object]
) -> None:
    """The database committed the write but the engine failed to apply it: the client gets
    a bare 500, /ready turns 503, and the next start repairs the index from the database."""
    from api.app import create_app

    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=False) as client:
        wait_ready(client)

        def broken(rec: Recommender, profiles: object) -> None:
            raise RuntimeError("engine bug")

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(Recommender, "upsert", broken)
            response = client.post("/v1/profiles", json=new_profile, headers=curator)
        assert response.status_code == 500 and "engine bug" not in response.text
        assert client.get("/ready").status_code == 503
        assert client.get("/v1/profiles/lt-laser").status_code == 200  # it is stored
    with TestClient(create_app(settings)) as client:
        wait_ready(client)
        assert client.get("/ready").json()["sync"] == "repaired"
        body = {"text": str(new_profile["description"]), "k": 1}
        top = client.post("/v1/recommend", json=body).json()["data"][0]
        assert top["profile"]["id"] == "lt-laser"
