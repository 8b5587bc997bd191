"""End-to-end: several processes serving one database, over real HTTP.

Two single-worker servers on two ports over the same database file and index folder (what
``serve --workers 2`` runs, with each worker addressable, so the test is deterministic): a
write acknowledged by one is in the other's recommendations within 1 s, both ways, for
profiles and partner requests; a graceful restart then verifies the index through the change
table. And one smoke test of ``serve --workers 2`` itself, whose shared socket lets the
kernel pick the worker: many fresh connections all see a write within 1 s."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from .conftest import CURATOR, Server

pytestmark = pytest.mark.e2e

#: what the tests assert: a write is in every process's reads within this many seconds
FRESH = 1.0


def marker(n: int) -> dict[str, object]:
    return {"id": f"multi-{n}", "name": f"Multi Worker Org {n}", "country": "FI",
            "description": f"Unique marker qx{n}zv for a worker test."}


def top(client: httpx.Client, text: str) -> list[dict[str, object]]:
    response = client.post("/v1/recommend", json={"text": text, "k": 3})
    assert response.status_code == 200, response.text
    return [c["profile"] for c in response.json()["data"]]


def seen_within(check: Callable[[], bool], since: float, limit: float = FRESH) -> float:
    """Seconds from ``since`` (an acknowledgement) until ``check()`` holds; fails after
    ``limit``."""
    while True:
        sent = time.perf_counter()
        if check():
            return max(sent - since, 0.0)
        assert sent - since < limit, f"not seen {limit} s after the acknowledgement"
        time.sleep(0.02)


@pytest.fixture
def pair(server_root: Path) -> Iterator[tuple[Server, Server]]:
    first = Server(server_root).start()
    try:
        second = Server(server_root).start()
    except BaseException:
        first.stop()
        raise
    try:
        yield first, second
    finally:
        second.stop()
        first.stop()


def test_a_write_to_one_server_is_read_from_the_other_within_a_second(
    pair: tuple[Server, Server],
) -> None:
    first, second = pair
    with (httpx.Client(base_url=first.url, timeout=10) as a,
          httpx.Client(base_url=second.url, timeout=10) as b):
        text = str(marker(1)["description"])
        assert a.post("/v1/profiles", json=marker(1), headers=CURATOR).status_code == 201
        acked = time.perf_counter()
        assert b.get("/v1/profiles/multi-1").status_code == 200  # the database: at once
        seen_within(lambda: top(b, text)[0]["id"] == "multi-1", acked)

        # the other way round: a change through the second, read from the first
        patched = b.patch("/v1/profiles/multi-1", json={"acronym": "MWO"}, headers=CURATOR)
        assert patched.status_code == 200, patched.text
        acked = time.perf_counter()
        seen_within(lambda: top(a, text)[0].get("acronym") == "MWO", acked)

        # a partner request posted to one is among the other's opportunities
        posted = b.post("/v1/requests", headers=CURATOR, json={
            "id": "req-multi", "text": "Partners with unique marker qx1zv", "countries": ["FI"]})
        assert posted.status_code == 201, posted.text
        acked = time.perf_counter()
        seen_within(lambda: "req-multi" in [
            r["request"]["id"] for r in a.get("/v1/profiles/multi-1/opportunities").json()[
                "data"]], acked)

        # a delete through the first leaves the second's recommendations
        assert a.delete("/v1/profiles/multi-1", headers=CURATOR).status_code == 204
        acked = time.perf_counter()
        seen_within(lambda: "multi-1" not in [p["id"] for p in top(b, text)], acked)
        metrics = b.get("/metrics").text
        assert "partner_search_changes_followed_total 2" in metrics  # its own two not

    # both stop (each saves, or finds a state as new saved); a start verifies the index
    # through the change table
    second.stop()
    first.stop()
    first.start()
    with httpx.Client(base_url=first.url, timeout=10) as a:
        assert a.get("/ready").json()["sync"] == "verified"
        assert a.get("/v1/profiles/multi-1").status_code == 404
        assert "multi-1" not in [p["id"] for p in top(a, str(marker(1)["description"]))]


def test_serve_with_two_workers(server_root: Path) -> None:
    server = Server(server_root, "--workers", "2", PARTNER_SEARCH_LOG_LEVEL="info").start()
    try:
        # a worker joins the socket once its index is loaded (uvicorn logs its start then):
        # /ready answered by the first, the second may still be loading
        deadline = time.monotonic() + 60
        while server.log.read_text().count("Application startup complete") < 2:
            assert time.monotonic() < deadline, server.log.read_text()[-3000:]
            time.sleep(0.1)

        def every_fresh_connection_sees(text: str, reads: int = 12) -> bool:
            for _ in range(reads):  # a new connection per read: the kernel picks the worker
                with httpx.Client(base_url=server.url, timeout=10) as fresh:
                    if top(fresh, text)[0]["id"] != "multi-2":
                        return False
            return True

        with httpx.Client(base_url=server.url, timeout=10) as client:
            assert client.post("/v1/profiles", json=marker(2), headers=CURATOR).status_code == 201
        acked = time.perf_counter()
        text = str(marker(2)["description"])
        seen_within(lambda: every_fresh_connection_sees(text), acked, limit=FRESH + 2.0)
        time.sleep(max(0.0, acked + FRESH - time.perf_counter()))
        assert every_fresh_connection_sees(text, reads=30)  # past 1 s: no worker is stale
        # both workers answered: /metrics is per process, and only the worker that did not
        # take the write followed it (1 change) while the one that did has followed none
        followed: set[str] = set()
        for _ in range(200):
            with httpx.Client(base_url=server.url, timeout=10) as fresh:
                metrics = fresh.get("/metrics").text
            followed |= set(re.findall(r"^partner_search_changes_followed_total (\d+)$",
                                       metrics, re.MULTILINE))
            if len(followed) == 2:
                break
        assert followed == {"0", "1"}, followed
    finally:
        server.stop()
    log = server.log.read_text()
    assert log.count("Started server process") == 2, log[-3000:]
