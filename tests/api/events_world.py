"""A small matchmaking event over the shared test profiles, for the event API tests: its
slots, the participants' offers and seeks, owner keys, and a snapshot of the event tables
(to assert that a refused request changed nothing)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from api.security import Scope, create_key

from .conftest import CURATOR

#: four half-hour slots on one morning, in Brussels time
SLOTS = [
    {"start": f"2026-05-05T{9 + i:02d}:00:00+02:00", "end": f"2026-05-05T{9 + i:02d}:30:00+02:00"}
    for i in range(4)
]
#: profile id -> (seek, offer) at the event
PEOPLE: dict[str, tuple[str, str]] = {
    "de-cluster": ("solar energy partners for storage pilots", "battery storage"),
    "es-solar": ("battery storage cells", "solar panels"),
    "de-auto": ("battery packs for electric cars", "electric vehicle parts"),
    "fr-univ": ("machine learning software for imaging", "cancer diagnostics"),
    "nl-research": ("cancer research hospitals", "machine learning for medical imaging"),
    "it-agri": ("software for soil sensor data", "crop trials and soil research"),
}


def create_event(client: TestClient, event_id: str = "ev", **fields: Any) -> dict[str, Any]:
    body = {"id": event_id, "title": "Battery days", "slots": SLOTS, "tables": 2,
            "max_meetings": 3, **fields}
    response = client.post("/v1/events", json=body, headers=CURATOR)
    assert response.status_code == 201, response.text
    return dict(response.json())


def register(client: TestClient, event_id: str, profile_id: str, headers: dict[str, str] | None
             = None, **fields: Any) -> Any:
    seek, offer = PEOPLE.get(profile_id, ("tourism partners", "island tourism"))
    body = {"profile_id": profile_id, "seek": seek, "offer": offer, "available": [0, 1, 2, 3],
            **fields}
    return client.post(f"/v1/events/{event_id}/participants", json=body,
                       headers=CURATOR if headers is None else headers)


def event_with_people(client: TestClient, event_id: str = "ev", **fields: Any) -> str:
    """An event with every participant of :data:`PEOPLE` registered, available always."""
    create_event(client, event_id, **fields)
    for profile_id in PEOPLE:
        assert register(client, event_id, profile_id).status_code == 201
    return event_id


def owner(app: FastAPI, profile_id: str) -> dict[str, str]:
    return {"X-API-Key": create_key(app.state.store.keys, Scope.OWNER, profile_id, profile_id)}


def request_meeting(client: TestClient, event_id: str, sender: str, invited: str,
                    headers: dict[str, str] | None = None) -> Any:
    return client.post(f"/v1/events/{event_id}/meetings",
                       json={"from": sender, "to": invited, "message": "Shall we meet?"},
                       headers=CURATOR if headers is None else headers)


def schedule(client: TestClient, event_id: str, mode: str = "keep") -> dict[str, Any]:
    response = client.post(f"/v1/events/{event_id}/schedule", json={"mode": mode},
                           headers=CURATOR)
    assert response.status_code == 200, response.text
    return dict(response.json())


def placed(result: dict[str, Any]) -> dict[int, tuple[str, str, int, int | None]]:
    """A schedule's meetings by id: (a, b, slot, table)."""
    return {m["id"]: (m["a"], m["b"], m["slot"], m["table"]) for m in result["meetings"]}


def snapshot(app: FastAPI) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the event tables, in a stable order."""
    with app.state.store.engine.connect() as connection:
        return {
            table: [tuple(r) for r in connection.execute(text(f"SELECT * FROM {table}"))]
            for table in ("events", "event_participants", "meetings")
        }
