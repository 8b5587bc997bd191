"""Matchmaking events underneath the API: the migration from a 0002 database, what a deleted
profile leaves behind, the cached suggestion matrix, and what the solver is asked
(:mod:`api.services.event_problem`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text

from api.services import event_matrix, event_schedule
from api.services.event_problem import plan
from api.store import Store, alembic_config
from api.store.events import EventRecord, EventStore, MeetingRecord, ParticipantRecord
from engine.profiles import Profile
from engine.schedule import Problem, Schedule

from .conftest import CURATOR
from .events_world import event_with_people, register, request_meeting, schedule

EVENT_TABLES = {"events", "event_participants", "meetings"}


def test_migration_from_a_0002_database(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'old.db'}")
    config = alembic_config()
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
    profile = Profile("kept", "Kept Cluster", country="DE")
    document = profile.to_dict()
    document.pop("contacts")
    with store.engine.begin() as connection:
        assert not EVENT_TABLES & set(inspect(connection).get_table_names())
        connection.execute(
            text("INSERT INTO profiles VALUES (:id, :doc, :name, 'DE', 'other', '', :fp, 1, "
                 ":at, :at)"),
            {"id": profile.id, "doc": json.dumps(document), "name": profile.name,
             "fp": profile.fingerprint(), "at": datetime(2026, 1, 1)})
    store.migrate()
    with store.engine.connect() as connection:
        assert EVENT_TABLES <= set(inspect(connection).get_table_names())
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
            "0004")
    assert [p.id for p in store.profiles.all()] == ["kept"]
    events = EventStore(store.session)
    now = datetime.now(UTC)
    events.create(EventRecord("e", "E", ((now, now + timedelta(minutes=30)),), None, 2, (), (),
                              now, 1))
    events.register(ParticipantRecord("e", "kept", "", "x", frozenset({0}), None, frozenset(),
                                      frozenset(), now))
    assert events.get("e").version == 2 and len(events.participants("e")) == 1
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0002")
        assert not EVENT_TABLES & set(inspect(connection).get_table_names())
    store.close()


def test_a_deleted_profile_leaves_no_participant_or_meeting(client: TestClient) -> None:
    event_with_people(client)
    request_meeting(client, "ev", "es-solar", "de-cluster")
    request_meeting(client, "ev", "fr-univ", "nl-research")
    assert client.delete("/v1/profiles/es-solar", headers=CURATOR).status_code == 204
    assert "es-solar" not in {p["profile"]["id"] for p in
                              client.get("/v1/events/ev/participants").json()["data"]}
    meetings = client.get("/v1/events/ev/meetings", headers=CURATOR).json()["data"]
    assert [(m["from"], m["to"]) for m in meetings] == [("fr-univ", "nl-research")]
    assert client.get("/v1/events/ev/participants/de-cluster/suggestions").status_code == 200
    assert schedule(client, "ev")["stats"]["participants"] == 5


def test_the_matrix_is_ranked_once_per_participants_and_index_version(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    ranked: list[int] = []
    original = event_matrix.score_event

    def counting(*args: Any, **kwargs: Any) -> Any:
        ranked.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(event_matrix, "score_event", counting)
    event_with_people(client)
    url = "/v1/events/ev/participants/de-cluster/suggestions"
    first = client.get(url).json()
    assert client.get(url).json() == first and len(ranked) == 1
    request_meeting(client, "ev", "es-solar", "de-cluster")
    schedule(client, "ev")
    client.get("/v1/events/ev/agenda/de-cluster")
    assert len(ranked) == 1  # meetings and schedule runs keep the matrix
    register(client, "ev", "pl-klaster")
    client.get(url)
    assert len(ranked) == 2
    patched = client.patch("/v1/profiles/gr-region", headers=CURATOR,
                           json={"description": "Islands and solar energy."})
    assert patched.status_code == 200
    client.get(url)
    assert len(ranked) == 3


# ---- what the solver is asked ---------------------------------------------------------------
NOW = datetime(2026, 5, 1, tzinfo=UTC)
EVENT = EventRecord("e", "E", tuple((NOW + timedelta(hours=h), NOW + timedelta(hours=h, minutes=30))
                                    for h in range(3)), 2, 2, (), (), NOW, 1)


def person(pid: str, **fields: Any) -> ParticipantRecord:
    values: dict[str, Any] = {"event_id": "e", "profile_id": pid, "offer": "", "seek": "x",
                              "available": frozenset({0, 1, 2}), "max_meetings": None,
                              "must_meet": frozenset(), "avoid": frozenset(),
                              "registered_at": NOW}
    return ParticipantRecord(**{**values, **fields})


def meeting(mid: int, a: str, b: str, status: str, slot: int | None = None,
            origin: str = "request", at: datetime = NOW) -> MeetingRecord:
    return MeetingRecord(mid, "e", a, b, "", status, origin, slot,  # type: ignore[arg-type]
                         None if slot is None else 0, 0.5, at, at)


def test_the_plan_fixes_placed_meetings_in_keep_mode_only() -> None:
    people = [person(p) for p in "abcd"]
    rows = [meeting(1, "a", "b", "accepted", slot=2), meeting(2, "c", "d", "scheduled", 1,
                                                             "suggestion")]
    for mode, fixed in (("keep", {(2, 0), (1, 0)}), ("full", set())):
        asked = plan(EVENT, people, rows, [("a", "c", 0.9)], lambda a, b: 0.5, mode, 5.0)
        problem = asked.problem
        assert {m.fixed for m in problem.meetings} - {None} == fixed
        accepted = {frozenset((m.a, m.b)) for m in problem.meetings if m.accepted}
        assert accepted == {frozenset("ab")}
        assert asked.ids == {frozenset("ab"): 1, frozenset("cd"): 2}
        assert [(m.a, m.b) for m in problem.meetings] == [("a", "b"), ("a", "c"), ("c", "d")]
        assert [p.max_meetings for p in problem.participants] == [2, 2, 2, 2]
        assert problem.time_limit_s == 5.0


def test_the_plan_holds_back_pairs_waiting_or_refused_and_adds_must_meet_pairs() -> None:
    later = NOW + timedelta(hours=1)
    people = [person("a", must_meet=frozenset({"b", "z"})), person("b"),
              person("c", registered_at=later), person("d")]
    rows = [meeting(1, "a", "d", "pending"), meeting(2, "b", "d", "declined"),
            meeting(3, "c", "d", "cancelled")]  # before c registered again: not held back
    suggested = [("a", "d", 0.9), ("b", "d", 0.8), ("c", "d", 0.7), ("a", "c", 0.1)]
    problem = plan(EVENT, people, rows, suggested, lambda a, b: 0.4, "keep").problem
    pairs = {frozenset((m.a, m.b)): m for m in problem.meetings}
    assert set(pairs) == {frozenset("ab"), frozenset("cd"), frozenset("ac")}
    assert pairs[frozenset("ab")].accepted and pairs[frozenset("ab")].value == 0.4
    assert not pairs[frozenset("cd")].accepted


def test_a_run_overtaken_by_a_change_is_not_saved(
    client: TestClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    event_with_people(client)
    before = client.get("/v1/events/ev/schedule").json()
    original = event_schedule.solve

    def overtaken(problem: Problem) -> Schedule:
        app.state.services.events.events.request("ev", "es-solar", "de-auto", "meanwhile")
        return original(problem)

    monkeypatch.setattr(event_schedule, "solve", overtaken)
    response = client.post("/v1/events/ev/schedule", headers=CURATOR)
    assert response.status_code == 409 and "run the scheduling again" in response.json()["detail"]
    after = client.get("/v1/events/ev/schedule").json()
    assert after["meetings"] == before["meetings"] == [] and after["stats"]["status"] is None
