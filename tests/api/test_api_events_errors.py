"""Matchmaking events: bad input is a clear problem document (422 naming the field; 409 for a
duplicate; 404 for an unknown event or meeting) and changes nothing in the database."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app

from ..conftest import make_profiles
from .conftest import CURATOR, wait_ready, write_data
from .events_world import (
    SLOTS,
    create_event,
    event_with_people,
    register,
    request_meeting,
    schedule,
    snapshot,
)

#: the meetings of the shared event, by the state they are in
MEETINGS: dict[str, int] = {}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, FastAPI]]:
    """One service for the module (every case is refused): an event ``ev`` with meetings in
    each state, ``gr-region`` (avoids de-cluster, only in slot 3) and ``fr-univ`` (slots 0
    and 1 here) registered too, and an empty event ``ev-2``."""
    app = create_app(write_data(tmp_path_factory.mktemp("events"), make_profiles()))
    with TestClient(app, raise_server_exceptions=False) as client:
        wait_ready(client)
        event_with_people(client)
        assert register(client, "ev", "gr-region", available=[3],
                        avoid=["de-cluster"]).status_code == 201
        assert client.delete("/v1/events/ev/participants/fr-univ",
                             headers=CURATOR).status_code == 204
        assert register(client, "ev", "fr-univ", available=[0, 1]).status_code == 201
        ids = {}
        for state, (a, b) in {"pending": ("es-solar", "de-cluster"),
                              "declined": ("fr-univ", "nl-research"),
                              "cancelled": ("de-auto", "it-agri"),
                              "accepted": ("nl-research", "it-agri")}.items():
            ids[state] = request_meeting(client, "ev", a, b).json()["id"]
            if state != "pending":
                action = {"declined": "decline", "cancelled": "cancel"}.get(state, "accept")
                url = f"/v1/events/ev/meetings/{ids[state]}/{action}"
                assert client.post(url, headers=CURATOR).status_code == 200
        result = schedule(client, "ev")
        ids["scheduled"] = next(m["id"] for m in result["meetings"] if m["origin"] != "request")
        MEETINGS.update(ids)
        create_event(client, "ev-2")
        yield client, app


def slots(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"start": f"2026-05-05T{a}:00+02:00", "end": f"2026-05-05T{b}:00+02:00"}
            for a, b in pairs]


EVENT = {"title": "T", "slots": SLOTS, "tables": 2, "max_meetings": 3}
PERSON = {"profile_id": "pl-klaster", "seek": "farm data", "offer": "software",
          "available": [0, 1]}
MEET = {"from": "es-solar", "to": "de-auto", "message": ""}

#: (name, method, url, body, status, field named in the problem)
CASES: list[tuple[str, str, str, dict[str, Any] | None, int, str | None]] = [
    ("overlapping slots", "POST", "/v1/events",
     {**EVENT, "slots": slots(("09:00", "10:00"), ("09:30", "10:30"))}, 422, "slots"),
    ("reversed slot", "POST", "/v1/events",
     {**EVENT, "slots": slots(("10:00", "09:00"))}, 422, "slots"),
    ("empty slot", "POST", "/v1/events", {**EVENT, "slots": slots(("10:00", "10:00"))},
     422, "slots"),
    ("slots out of order", "POST", "/v1/events",
     {**EVENT, "slots": slots(("11:00", "12:00"), ("09:00", "10:00"))}, 422, "slots"),
    ("no time zone", "POST", "/v1/events",
     {**EVENT, "slots": [{"start": "2026-05-05T09:00", "end": "2026-05-05T10:00"}]}, 422,
     "slots.0.start"),
    ("a slot in 1926", "POST", "/v1/events",
     {**EVENT, "slots": [{"start": "1926-05-05T09:00Z", "end": "1926-05-05T10:00Z"}]}, 422,
     "slots"),
    ("no slot", "POST", "/v1/events", {**EVENT, "slots": []}, 422, "slots"),
    ("no table", "POST", "/v1/events", {**EVENT, "tables": 0}, 422, "tables"),
    ("no meeting allowed", "POST", "/v1/events", {**EVENT, "max_meetings": 0}, 422,
     "max_meetings"),
    ("unknown ecosystem", "POST", "/v1/events", {**EVENT, "focus_ecosystems": ["x"]}, 422,
     "focus_ecosystems.0"),
    ("an event id twice", "POST", "/v1/events", {**EVENT, "id": "ev"}, 409, None),
    ("an unknown field", "POST", "/v1/events", {**EVENT, "venue": "x"}, 422, "venue"),
    ("availability outside the event", "POST", "/v1/events/ev/participants",
     {**PERSON, "available": [1, 4]}, 422, "available"),
    ("a negative slot", "POST", "/v1/events/ev/participants", {**PERSON, "available": [-1]},
     422, "available.0"),
    ("no availability", "POST", "/v1/events/ev/participants", {**PERSON, "available": []},
     422, "available"),
    ("an unknown profile", "POST", "/v1/events/ev/participants",
     {**PERSON, "profile_id": "nope"}, 422, "profile_id"),
    ("registered twice", "POST", "/v1/events/ev/participants",
     {**PERSON, "profile_id": "de-cluster"}, 422, "profile_id"),
    ("must meet and avoid one org", "POST", "/v1/events/ev/participants",
     {**PERSON, "must_meet": ["de-auto"], "avoid": ["de-auto"]}, 422, "avoid"),
    ("must meet itself", "POST", "/v1/events/ev/participants",
     {**PERSON, "must_meet": ["pl-klaster"]}, 422, "must_meet"),
    ("must meet an unknown org", "POST", "/v1/events/ev/participants",
     {**PERSON, "must_meet": ["nope"]}, 422, "must_meet"),
    ("avoid an unknown org", "POST", "/v1/events/ev/participants",
     {**PERSON, "avoid": ["nope"]}, 422, "avoid"),
    ("seeks nothing", "POST", "/v1/events/ev/participants", {**PERSON, "seek": " \u200b "},
     422, "seek"),
    ("registers at an unknown event", "POST", "/v1/events/nope/participants", PERSON, 404,
     None),
    ("withdraws a non-participant", "DELETE", "/v1/events/ev/participants/pl-klaster", None,
     404, None),
    ("a meeting with oneself", "POST", "/v1/events/ev/meetings",
     {**MEET, "to": "es-solar"}, 422, "to"),
    ("a meeting with a non-participant", "POST", "/v1/events/ev/meetings",
     {**MEET, "to": "pl-klaster"}, 422, "to"),
    ("a meeting from a non-participant", "POST", "/v1/events/ev/meetings",
     {**MEET, "from": "nope"}, 422, "from"),
    ("a meeting one side avoids", "POST", "/v1/events/ev/meetings",
     {**MEET, "from": "gr-region", "to": "de-cluster"}, 422, "to"),
    ("a meeting without a common slot", "POST", "/v1/events/ev/meetings",
     {**MEET, "from": "gr-region", "to": "fr-univ"}, 422, "to"),
    ("a second request for a pair", "POST", "/v1/events/ev/meetings",
     {**MEET, "from": "de-cluster", "to": "es-solar"}, 409, None),
    ("a meeting at an unknown event", "POST", "/v1/events/nope/meetings", MEET, 404, None),
    ("a meeting without a sender", "POST", "/v1/events/ev/meetings", {"to": "de-auto"}, 422,
     "from"),
    ("accept a declined request", "POST", "/v1/events/ev/meetings/{declined}/accept", None,
     422, "status"),
    ("accept a cancelled request", "POST", "/v1/events/ev/meetings/{cancelled}/accept", None,
     422, "status"),
    ("decline an accepted request", "POST", "/v1/events/ev/meetings/{accepted}/decline", None,
     422, "status"),
    ("accept a suggested meeting", "POST", "/v1/events/ev/meetings/{scheduled}/accept", None,
     422, "status"),
    ("cancel a declined request", "POST", "/v1/events/ev/meetings/{declined}/cancel", None,
     422, "status"),
    ("an unknown meeting", "POST", "/v1/events/ev/meetings/99999/accept", None, 404, None),
    ("another event's meeting", "POST", "/v1/events/ev-2/meetings/{pending}/accept", None,
     404, None),
    ("a meeting id that is no number", "POST", "/v1/events/ev/meetings/x/accept", None, 422,
     "meeting_id"),
    ("an unknown scheduling mode", "POST", "/v1/events/ev/schedule", {"mode": "some"}, 422,
     "mode"),
    ("no time to schedule", "POST", "/v1/events/ev/schedule", {"time_limit_s": 0.5}, 422,
     "time_limit_s"),
    ("schedules an unknown event", "POST", "/v1/events/nope/schedule", {}, 404, None),
]


@pytest.mark.parametrize(("name", "method", "url", "body", "status", "field"), CASES,
                         ids=[c[0] for c in CASES])
def test_bad_input_is_refused_and_changes_nothing(
    world: tuple[TestClient, FastAPI], name: str, method: str, url: str,
    body: dict[str, Any] | None, status: int, field: str | None,
) -> None:
    client, app = world
    before = snapshot(app)
    response = client.request(method, url.format(**MEETINGS), json=body, headers=CURATOR)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status and problem["detail"]
    if field is not None:
        assert field in [e["field"] for e in problem["errors"]], problem
    assert snapshot(app) == before


@pytest.mark.parametrize("url", [
    "/v1/events/nope", "/v1/events/nope/participants", "/v1/events/nope/schedule",
    "/v1/events/nope/agenda/de-cluster", "/v1/events/ev/agenda/nope",
    "/v1/events/ev/participants/nope/suggestions",
])
def test_unknown_events_and_participants_are_404(world: tuple[TestClient, FastAPI],
                                                 url: str) -> None:
    client, _ = world
    response = client.get(url, headers=CURATOR)
    assert response.status_code == 404
    assert response.json()["type"] == "urn:partner-search:problem:not-found"
