"""The service on a real PostgreSQL server instead of SQLite: migrations, seeding, writes with
optimistic concurrency, requests, interests, feedback, and the index verified against the
database at the next start. The server is PostgreSQL 16 from the ``pgserver`` package,
started in a temporary folder (no network, no system service)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from engine.profiles import Profile

from .conftest import CURATOR, wait_ready, write_data

pytestmark = pytest.mark.postgres
_names = itertools.count()


@pytest.fixture(scope="module")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    import pgserver

    server = pgserver.get_server(tmp_path_factory.mktemp("pg"), cleanup_mode="stop")
    yield server
    server.cleanup()


@pytest.fixture
def pg_settings(postgres: Any, tmp_path: Path, profiles: list[Profile]) -> Settings:
    """Settings whose database is a new PostgreSQL database."""
    name = f"partner_search_{next(_names)}"
    postgres.psql(f"CREATE DATABASE {name};")
    uri = postgres.get_uri(name)  # postgresql://postgres:@/NAME?host=/socket/dir
    url = uri.replace("postgresql://", "postgresql+psycopg://", 1)
    return write_data(tmp_path, profiles).model_copy(update={"database_url": url})


def test_the_service_runs_on_postgresql(
    pg_settings: Settings, new_profile: dict[str, Any]
) -> None:
    app = create_app(pg_settings)
    with TestClient(app, raise_server_exceptions=False) as client:
        wait_ready(client)
        assert app.state.store.engine.dialect.name == "postgresql"
        assert client.get("/ready").json()["sync"] in {"verified", "repaired"}
        seeded = client.get("/v1/profiles", params={"limit": 100}).json()
        assert seeded["count"] == 8

        created = client.post("/v1/profiles", json=new_profile, headers=CURATOR)
        assert created.status_code == 201, created.text
        assert created.json()["contacts"] == ["Ona Laser <ona@example.org>"]
        version = created.headers["etag"]
        patched = client.patch(
            "/v1/profiles/lt-laser", json={"acronym": "LLC"},
            headers={**CURATOR, "If-Match": version},
        )
        assert patched.status_code == 200, patched.text
        stale = client.patch(
            "/v1/profiles/lt-laser", json={"acronym": "OLD"},
            headers={**CURATOR, "If-Match": version},
        )
        assert stale.status_code == 409
        duplicate = client.post("/v1/profiles", json={**new_profile, "id": "de-cluster"},
                                headers=CURATOR)
        assert duplicate.status_code == 409

        body = {"text": "zorblax lasers", "k": 3}
        top = client.post("/v1/recommend", json=body).json()["data"][0]["profile"]
        assert (top["id"], top["acronym"]) == ("lt-laser", "LLC")

        stored = client.post(
            "/v1/requests",
            json={"id": "req-lasers", "text": "Partners for laser welding pilots",
                  "requester_id": "lt-laser"},
            headers=CURATOR,
        )
        assert stored.status_code == 201, stored.text
        interest = client.post("/v1/requests/req-lasers/interest",
                               json={"profile_id": "de-cluster"}, headers=CURATOR)
        assert interest.status_code == 201, interest.text
        again = client.post("/v1/requests/req-lasers/interest",
                            json={"profile_id": "de-cluster"}, headers=CURATOR)
        assert again.status_code == 409
        feedback = client.post(
            "/v1/feedback",
            json={"profile_id": "de-cluster", "label": "relevant",
                  "request_text": "laser welding", "rank": 1},
            headers=CURATOR,
        )
        assert feedback.status_code == 201, feedback.text
        assert client.delete("/v1/profiles/fr-univ", headers=CURATOR).status_code == 204

    # a second start on the same database: everything is there, the index agrees with it
    with TestClient(create_app(pg_settings), raise_server_exceptions=False) as client:
        wait_ready(client)
        ready = client.get("/ready").json()
        assert ready["profiles"] == 8  # 8 seeded + lt-laser - fr-univ
        assert client.get("/v1/profiles/lt-laser").json()["acronym"] == "LLC"
        assert client.get("/v1/profiles/fr-univ").status_code == 404
        assert client.get("/v1/requests/req-lasers").json()["requester_id"] == "lt-laser"
        listed = client.get("/v1/requests/req-lasers/interests", headers=CURATOR).json()
        assert [i["profile_id"] for i in listed["data"]] == ["de-cluster"]
        found = client.post("/v1/recommend", json={"text": "zorblax lasers", "k": 8}).json()
        ids = [c["profile"]["id"] for c in found["data"]]
        assert "lt-laser" in ids and "fr-univ" not in ids


def test_two_processes_on_postgresql_follow_each_other(
    pg_settings: Settings, new_profile: dict[str, Any]
) -> None:
    """Two apps (as two workers) on one PostgreSQL database: the change table is created by
    the migration, written in each write's transaction, and followed by the other."""
    import time

    from sqlalchemy import text

    first, second = create_app(pg_settings), create_app(pg_settings)
    with (TestClient(first, raise_server_exceptions=False) as a,
          TestClient(second, raise_server_exceptions=False) as b):
        wait_ready(a)
        wait_ready(b)
        with first.state.store.engine.connect() as connection:
            version = connection.execute(text("SELECT version_num FROM alembic_version"))
            assert version.scalar() == "0004"
        assert a.post("/v1/profiles", json=new_profile, headers=CURATOR).status_code == 201
        assert b.delete("/v1/profiles/fr-univ", headers=CURATOR).status_code == 204
        changes = first.state.store.changes.after(0)
        assert [(c.item_id, c.op) for c in changes] == [("lt-laser", "upsert"),
                                                         ("fr-univ", "delete")]
        deadline = time.monotonic() + 1.0
        while True:
            in_b = [c["profile"]["id"] for c in b.post(
                "/v1/recommend", json={"text": "zorblax lasers", "k": 8}).json()["data"]]
            in_a = [c["profile"]["id"] for c in a.post(
                "/v1/recommend", json={"text": "cancer imaging", "k": 8}).json()["data"]]
            if "lt-laser" in in_b and "fr-univ" not in in_a:
                break
            assert time.monotonic() < deadline, (in_a, in_b)
            time.sleep(0.02)


def test_change_seqs_follow_the_commit_order_on_postgresql(pg_settings: Settings) -> None:
    """A second write's change row waits for the first's commit (the table lock in
    ``record``): a sequence value handed out earlier but committed later would let a follower
    that read past it miss it."""
    import threading

    from api.store import Store
    from api.store.changes import record

    store = Store(pg_settings.database_url)
    store.migrate()
    seqs: dict[str, int] = {}
    first = store.session()
    first.begin()
    seqs["first"] = record(first, "profile", "a", "upsert")  # its transaction stays open

    def second() -> None:
        with store.session() as s, s.begin():
            seqs["second"] = record(s, "profile", "b", "upsert")

    thread = threading.Thread(target=second)
    thread.start()
    try:
        thread.join(timeout=0.5)
        assert thread.is_alive() and "second" not in seqs  # waiting for the first's commit
    finally:
        first.commit()
        first.close()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert seqs["first"] < seqs["second"]
    assert [c.item_id for c in store.changes.after(0)] == ["a", "b"]
    store.close()
