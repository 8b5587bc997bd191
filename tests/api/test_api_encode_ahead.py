"""A profile write encodes its texts before it takes the service's write lock: the model of
profile texts loads on the first such write (not at start), and meanwhile other writes are
not held up behind it. Under the lock the write finds its texts cached."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.live import LiveIndex


@pytest.fixture
def prepared(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool, int]]:
    """Each profile ``LiveIndex.prepare`` was given: its description, whether the write lock
    was held, and how many texts the encoder ran through its model for it."""
    calls: list[tuple[str, bool, int]] = []
    prepare = LiveIndex.prepare

    def recorded(live: LiveIndex, profiles: Any) -> None:
        held = app.state.services.profiles.writes.lock.locked()
        before = live.encoder.cache_misses
        prepare(live, profiles)
        calls.extend((p.description, held, live.encoder.cache_misses - before)
                     for p in profiles)

    monkeypatch.setattr(LiveIndex, "prepare", recorded)
    return calls


def test_writes_encode_before_the_write_lock(
    client: TestClient, prepared: list[tuple[str, bool, int]],
    curator: dict[str, str], new_profile: dict[str, object],
) -> None:
    assert client.post("/v1/profiles", json=new_profile, headers=curator).status_code == 201
    patched = client.patch("/v1/profiles/lt-laser", headers=curator,
                           json={"description": "Femtosecond lasers for medical devices."})
    assert patched.status_code == 200, patched.text
    body = {k: v for k, v in new_profile.items() if k != "id"}
    replaced = client.put("/v1/profiles/lt-laser", headers=curator,
                          json={**body, "description": "Laser welding of battery cells."})
    assert replaced.status_code == 200, replaced.text

    written = [new_profile["description"], "Femtosecond lasers for medical devices.",
               "Laser welding of battery cells."]
    for description in written:
        calls = [(held, encoded) for text, held, encoded in prepared if text == description]
        assert calls[0][0] is False and calls[0][1] > 0  # first encoded, outside the lock
        assert any(held for held, _ in calls)  # the write itself looked it up under the lock
        assert all(encoded == 0 for held, encoded in calls if held)  # under it: cached


def test_a_patch_of_a_missing_profile_encodes_nothing(
    client: TestClient, prepared: list[tuple[str, bool, int]], curator: dict[str, str],
) -> None:
    response = client.patch("/v1/profiles/nope", headers=curator, json={"description": "x y"})
    assert response.status_code == 404
    assert prepared == []
