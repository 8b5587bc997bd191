"""Keys (hashed, scoped, revocable), keyed reads, CORS, body and rate limits."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api import keys as keys_cli
from api.app import create_app
from api.security import Scope, authenticate, create_key, hash_key
from api.settings import Settings
from api.store import Store
from api.tables import ApiKeyRow

from .conftest import CURATOR_KEY, make_settings, wait_ready


def client_for(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        wait_ready(client)
        yield client


def test_keys_are_stored_hashed_only(client: TestClient, app) -> None:  # type: ignore[no-untyped-def]
    store: Store = app.state.store
    key = create_key(store.keys, Scope.OWNER, "de-auto", "auto owner")
    with store.session() as s:
        rows = list(s.scalars(select(ApiKeyRow)))
    stored = " ".join(f"{r.key_hash} {r.prefix} {r.label}" for r in rows)
    assert key not in stored and CURATOR_KEY not in stored
    assert {r.key_hash for r in rows} == {hash_key(key), hash_key(CURATOR_KEY)}
    assert hash_key(key) == hashlib.sha256(key.encode()).hexdigest()
    principal = authenticate(store.keys, key)
    assert principal is not None and principal.scope is Scope.OWNER
    assert principal.profile_id == "de-auto"
    assert authenticate(store.keys, key[:-1]) is None


def test_revoked_key_is_refused(client: TestClient, app) -> None:  # type: ignore[no-untyped-def]
    store: Store = app.state.store
    key = create_key(store.keys, Scope.CURATOR, label="temp")
    headers = {"X-API-Key": key}
    assert client.patch("/v1/profiles/de-auto", json={"city": "Ulm"}, headers=headers).is_success
    key_id = next(k.id for k in store.keys.all() if k.label == "temp")
    store.keys.revoke(key_id)
    refused = client.patch("/v1/profiles/de-auto", json={"city": "Ulm"}, headers=headers)
    assert refused.status_code == 401


def test_keys_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'keys.db'}"
    monkeypatch.setenv("PARTNER_SEARCH_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)  # no .env from the project
    assert keys_cli.main(["create", "--scope", "owner", "--profile-id", "de-auto"]) == 0
    key = capsys.readouterr().out.strip()
    assert key.startswith("psk_")
    store = Store(url)
    principal = authenticate(store.keys, key)
    assert principal is not None and principal.may_write("de-auto")
    assert not principal.may_write("fr-univ")
    assert keys_cli.main(["list"]) == 0
    listing = capsys.readouterr().out
    assert "owner\tde-auto\tactive" in listing and key not in listing
    assert keys_cli.main(["revoke", str(principal.key_id)]) == 0
    assert authenticate(store.keys, key) is None
    assert keys_cli.main(["revoke", "999"]) == 2
    store.close()


def test_reads_can_require_a_key(tmp_path: Path, profiles) -> None:  # type: ignore[no-untyped-def]
    from .conftest import write_data

    settings = write_data(tmp_path, profiles).model_copy(update={"read_requires_key": True})
    for client in client_for(settings):
        assert client.get("/v1/profiles").status_code == 401
        assert client.post("/v1/recommend", json={"text": "x"}).status_code == 401
        assert client.get("/v1/profiles", headers={"X-API-Key": CURATOR_KEY}).status_code == 200
        assert client.get("/health").status_code == 200  # operations stay open


def test_cors_allows_listed_origins_only(client: TestClient) -> None:
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-api-key",
    }
    allowed = client.options(
        "/v1/recommend", headers={"Origin": "https://cluster.example.org", **preflight}
    )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://cluster.example.org"
    other = client.options("/v1/recommend", headers={"Origin": "https://evil.example", **preflight})
    assert "access-control-allow-origin" not in other.headers
    simple = client.post(
        "/v1/recommend", json={"text": "battery"}, headers={"Origin": "https://cluster.example.org"}
    )
    assert simple.headers["access-control-allow-origin"] == "https://cluster.example.org"


def test_body_over_limit_is_413(client: TestClient, curator: dict[str, str]) -> None:
    big = b'{"text": "' + b"a" * (70 * 1024) + b'"}'
    declared = client.post(
        "/v1/recommend", content=big, headers={"Content-Type": "application/json"}
    )
    assert declared.status_code == 413
    assert declared.headers["content-type"] == "application/problem+json"
    assert declared.json()["status"] == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
        for start in range(0, len(big), 8192):
            yield big[start : start + 8192]

    streamed = client.post(
        "/v1/profiles", content=chunks(), headers={"Content-Type": "application/json", **curator}
    )
    assert streamed.status_code == 413
    assert streamed.json()["type"].endswith(":payload-too-large")


def test_rate_limit_answers_429_with_retry_after(tmp_path: Path, profiles) -> None:  # type: ignore[no-untyped-def]
    from .conftest import write_data

    write_data(tmp_path, profiles)
    settings = make_settings(
        tmp_path,
        rate_limit_enabled=True,
        rate_per_ip=0.5,
        burst_per_ip=3,
        rate_per_key=0.5,
        burst_per_key=100,
    )
    for client in client_for(settings):
        statuses = [client.get("/v1/taxonomy").status_code for _ in range(5)]
        assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]
        limited = client.get("/v1/taxonomy")
        assert limited.headers["content-type"] == "application/problem+json"
        assert int(limited.headers["retry-after"]) >= 1
        assert client.get("/health").status_code == 200  # never limited
        assert client.get("/ready").status_code == 200


def test_rate_limit_per_key(tmp_path: Path, profiles) -> None:  # type: ignore[no-untyped-def]
    from .conftest import write_data

    write_data(tmp_path, profiles)
    settings = make_settings(
        tmp_path,
        rate_limit_enabled=True,
        rate_per_ip=100,
        burst_per_ip=100,
        rate_per_key=0.5,
        burst_per_key=2,
    )
    for client in client_for(settings):
        keyed = {"X-API-Key": CURATOR_KEY}
        statuses = [client.get("/v1/taxonomy", headers=keyed).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        assert client.get("/v1/taxonomy").status_code == 200  # the IP still has tokens


def test_revoked_bootstrap_key_stays_revoked(settings: Settings) -> None:
    for client in client_for(settings):
        store: Store = client.app.state.store  # type: ignore[attr-defined]
        bootstrap = next(k for k in store.keys.all() if k.label.startswith("bootstrap"))
        store.keys.revoke(bootstrap.id)
    for client in client_for(settings):  # restart with the same setting
        assert (
            client.patch(
                "/v1/profiles/de-auto", json={"city": "Ulm"}, headers={"X-API-Key": CURATOR_KEY}
            ).status_code
            == 401
        )
