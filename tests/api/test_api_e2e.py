"""End-to-end: ``partner-search serve`` as a real uvicorn process on 127.0.0.1, over HTTP.

Includes the crash-safety test: ``kill -9`` in the middle of a stream of writes, restart, and
every acknowledged write is in the database and found by the index."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest

from .conftest import CURATOR, Server

pytestmark = pytest.mark.e2e


def marker_profile(n: int) -> dict[str, object]:
    return {
        "id": f"crash-{n:04d}",
        "name": f"Crash Test Org {n}",
        "country": "FI",
        "description": f"Unique marker zq{n:04d}xv for organisation number {n}.",
    }


def top_ids(client: httpx.Client, text: str, k: int = 3) -> list[str]:
    response = client.post("/v1/recommend", json={"text": text, "k": k})
    assert response.status_code == 200, response.text
    return [c["profile"]["id"] for c in response.json()["data"]]


def test_serves_over_http(server: Server) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as client:
        assert client.get("/health").json() == {"status": "ok"}
        assert client.get("/docs").status_code == 200
        body = client.post(
            "/v1/recommend", json={"text": "battery storage", "k": 2, "explain": True}
        ).json()
        assert body["count"] == 2 and body["data"][0]["summary"]
        created = client.post("/v1/profiles", json=marker_profile(1), headers=CURATOR)
        assert created.status_code == 201
        assert top_ids(client, str(marker_profile(1)["description"]))[0] == "crash-0001"
        missing = client.get("/v1/profiles/none")
        assert missing.status_code == 404
        assert missing.headers["content-type"] == "application/problem+json"
        too_big = client.post(
            "/v1/recommend", content=b"x" * 70_000, headers={"Content-Type": "application/json"}
        )
        assert too_big.status_code == 413
        assert "partner_search_http_requests_total" in client.get("/metrics").text


def test_graceful_restart_keeps_writes_and_verifies(server: Server) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as client:
        assert client.post("/v1/profiles", json=marker_profile(2), headers=CURATOR).is_success
    server.stop()  # SIGTERM: the changed index is saved on shutdown
    server.start()
    with httpx.Client(base_url=server.url, timeout=10) as client:
        assert client.get("/ready").json()["sync"] == "verified"
        assert top_ids(client, str(marker_profile(2)["description"]))[0] == "crash-0002"


def test_kill_9_mid_stream_loses_no_acknowledged_write(server_root: Path) -> None:
    server = Server(server_root).start()
    acknowledged: list[int] = []
    patched: list[str] = []
    stop = threading.Event()

    def create_stream(start: int) -> None:
        with httpx.Client(base_url=server.url, timeout=5) as client:
            n = start
            while not stop.is_set():
                try:
                    response = client.post("/v1/profiles", json=marker_profile(n), headers=CURATOR)
                except httpx.HTTPError:
                    return  # the server died: this write was never acknowledged
                if response.status_code == 201:
                    acknowledged.append(n)
                n += 2

    def patch_stream() -> None:
        with httpx.Client(base_url=server.url, timeout=5) as client:
            n = 0
            while not stop.is_set():
                city = f"City{n}"
                try:
                    response = client.patch(
                        "/v1/profiles/de-auto", json={"city": city}, headers=CURATOR
                    )
                except httpx.HTTPError:
                    return
                if response.status_code == 200:
                    patched.append(city)
                n += 1

    writers = [threading.Thread(target=create_stream, args=(s,)) for s in (0, 1)]
    writers.append(threading.Thread(target=patch_stream))
    for writer in writers:
        writer.start()
    deadline = time.monotonic() + 20
    while len(acknowledged) < 40 and time.monotonic() < deadline:
        time.sleep(0.01)
    server.kill()  # in the middle of the stream
    stop.set()
    for writer in writers:
        writer.join(timeout=10)
    assert len(acknowledged) >= 40, "too few writes before the kill"

    server.start()
    try:
        with httpx.Client(base_url=server.url, timeout=10) as client:
            ready = client.get("/ready").json()
            assert ready["sync"] in ("repaired", "rebuilt")
            for n in acknowledged:
                assert client.get(f"/v1/profiles/crash-{n:04d}").status_code == 200, n
            stored = client.get("/v1/profiles", params={"limit": 1}).json()["count"]
            assert ready["profiles"] == stored  # the index agrees with the database
            for n in acknowledged:
                description = str(marker_profile(n)["description"])
                assert top_ids(client, description)[0] == f"crash-{n:04d}", n
            if patched:
                city = client.get("/v1/profiles/de-auto").json()["city"]
                # the last acknowledged patch, or one that committed but was never answered
                assert int(city.removeprefix("City")) >= int(patched[-1].removeprefix("City"))
    finally:
        server.stop()
