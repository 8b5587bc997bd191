"""Matchmaking events (issue 18), the contract: events, participants, reciprocal suggestions,
meeting requests, the schedule (solver), agendas as JSON and iCalendar, the CSV export, and
who may do what (curator, the profile's owner, anonymous)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from fastapi import FastAPI
from fastapi.testclient import TestClient
from icalendar import Calendar

from .conftest import CURATOR
from .events_world import (
    PEOPLE,
    SLOTS,
    create_event,
    event_with_people,
    owner,
    register,
    request_meeting,
    schedule,
)


def test_an_event_is_created_read_and_listed(client: TestClient) -> None:
    response = client.post("/v1/events", headers=CURATOR, json={
        "title": "EU-Korea cluster matchmaking", "slots": SLOTS, "tables": None,
        "max_meetings": 4, "focus_countries": ["de", "FR"], "focus_ecosystems": ["renewables"]})
    assert response.status_code == 201, response.text
    event = response.json()
    assert response.headers["Location"] == f"/v1/events/{event['id']}"
    assert event["virtual"] is True and event["tables"] is None and event["version"] == 1
    assert event["focus_countries"] == ["DE", "FR"] and event["scheduled"] is None
    assert [datetime.fromisoformat(s["start"]) for s in event["slots"]] == [
        datetime.fromisoformat(s["start"]) for s in SLOTS]
    assert client.get(f"/v1/events/{event['id']}").json() == event
    create_event(client, "ev-2")
    listed = client.get("/v1/events").json()
    assert listed["count"] == 2 and {e["id"] for e in listed["data"]} == {event["id"], "ev-2"}


def test_writes_need_a_key_and_events_a_curator(client: TestClient, app: FastAPI) -> None:
    body = {"title": "T", "slots": SLOTS, "tables": 2, "max_meetings": 2}
    assert client.post("/v1/events", json=body).status_code == 401
    assert client.post("/v1/events", json=body, headers=owner(app, "es-solar")).status_code == 403
    assert client.get("/v1/events").json()["count"] == 0


def test_participants_register_themselves_or_by_a_curator(client: TestClient,
                                                          app: FastAPI) -> None:
    create_event(client)
    solar = owner(app, "es-solar")
    assert register(client, "ev", "es-solar", headers={}).status_code == 401
    assert register(client, "ev", "de-cluster", headers=solar).status_code == 403
    mine = register(client, "ev", "es-solar", headers=solar, available=[2, 0], max_meetings=2,
                    must_meet=["de-cluster"], avoid=["de-auto"])
    assert mine.status_code == 201, mine.text
    assert mine.json()["available"] == [0, 2] and mine.json()["max_meetings"] == 2
    assert register(client, "ev", "de-cluster").status_code == 201
    listed = client.get("/v1/events/ev/participants").json()
    assert [p["profile"]["id"] for p in listed["data"]] == ["es-solar", "de-cluster"]
    assert listed["data"][0]["profile"] == {"id": "es-solar", "name": "Solar Iberia SL",
                                            "country": "ES", "kind": "company"}
    # who must meet or avoids whom: only for the participant's owner and curators
    assert listed["data"][0]["must_meet"] is None and listed["data"][0]["avoid"] is None
    as_curator = client.get("/v1/events/ev/participants", headers=CURATOR).json()["data"]
    assert as_curator[0]["must_meet"] == ["de-cluster"] and as_curator[0]["avoid"] == ["de-auto"]
    as_owner = client.get("/v1/events/ev/participants", headers=solar).json()["data"]
    assert as_owner[0]["avoid"] == ["de-auto"] and as_owner[1]["avoid"] is None
    assert client.get("/v1/events/ev").json()["version"] == 3


def test_a_new_organisation_registers_with_its_profile(client: TestClient) -> None:
    event_with_people(client)
    profile = {"name": "Baltic Battery Recyclers", "country": "LT", "kind": "company",
               "description": "We recycle lithium battery cells and test second-life storage"}
    refused = register(client, "ev", "lt-recyclers", profile=profile, available=[9])
    assert refused.status_code == 422
    assert client.get("/v1/profiles/lt-recyclers").status_code == 404  # nothing created
    mismatch = register(client, "ev", "lt-recyclers", profile={**profile, "id": "other"})
    assert mismatch.status_code == 422
    created = register(client, "ev", "lt-recyclers", profile=profile,
                       seek="solar and battery storage partners", offer="battery recycling")
    assert created.status_code == 201, created.text
    assert created.json()["profile"]["name"] == "Baltic Battery Recyclers"
    assert client.get("/v1/profiles/lt-recyclers").json()["country"] == "LT"
    found = client.get("/v1/events/ev/participants/lt-recyclers/suggestions?k=3").json()
    assert found["data"] and all(s["profile"]["id"] != "lt-recyclers" for s in found["data"])
    again = register(client, "ev", "lt-recyclers", profile=profile)
    assert again.status_code == 409  # the profile exists: created once


def test_withdrawing_cancels_the_participants_meetings(client: TestClient, app: FastAPI) -> None:
    event_with_people(client)
    meeting = request_meeting(client, "ev", "es-solar", "de-cluster").json()
    other = request_meeting(client, "ev", "fr-univ", "nl-research").json()
    solar = owner(app, "es-solar")
    assert client.delete("/v1/events/ev/participants/es-solar",
                         headers=owner(app, "de-auto")).status_code == 403
    assert client.delete("/v1/events/ev/participants/es-solar", headers=solar).status_code == 204
    assert client.delete("/v1/events/ev/participants/es-solar", headers=solar).status_code == 404
    statuses = {m["id"]: m["status"] for m in
                client.get("/v1/events/ev/meetings", headers=CURATOR).json()["data"]}
    assert statuses == {meeting["id"]: "cancelled", other["id"]: "pending"}
    assert "es-solar" not in {p["profile"]["id"] for p in
                              client.get("/v1/events/ev/participants").json()["data"]}
    # and may register again
    assert register(client, "ev", "es-solar", headers=solar).status_code == 201


def test_suggestions_are_reciprocal_with_reasons_for_both_sides(client: TestClient) -> None:
    event_with_people(client)
    response = client.get("/v1/events/ev/participants/de-cluster/suggestions", params={"k": 3})
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert len(data) == 3 and response.json()["count"] == 3
    first = data[0]
    assert first["profile"]["id"] == "es-solar" and first["profile"]["name"] == "Solar Iberia SL"
    assert first["profile"]["country"] == "ES"
    assert [d["score"] for d in data] == sorted((d["score"] for d in data), reverse=True)
    assert 0 <= data[-1]["score"] <= first["score"] <= 1
    assert first["summary"].startswith("For what they seek, you rank")
    for side in ("yours", "theirs"):
        assert set(first[side]) == {"rank", "of", "value", "words", "reason"}
        assert first[side]["of"] == len(PEOPLE) - 1 and first[side]["reason"]
    assert "Solar Iberia SL" in first["yours"]["reason"]
    assert "Bavarian Battery Cluster" in first["theirs"]["reason"]
    assert first["slots"] == [0, 1, 2, 3] and first["must_meet"] is False
    assert first["meeting"] is None and first["seek"] == PEOPLE["es-solar"][0]


def test_suggestions_respect_avoid_lists_must_meet_and_availability(client: TestClient) -> None:
    create_event(client)
    register(client, "ev", "de-cluster", avoid=["es-solar"], must_meet=["it-agri"])
    for profile_id in ("es-solar", "de-auto", "it-agri"):
        register(client, "ev", profile_id)
    register(client, "ev", "fr-univ", available=[3])
    register(client, "ev", "nl-research", available=[0])
    found = client.get("/v1/events/ev/participants/de-cluster/suggestions").json()["data"]
    ids = [s["profile"]["id"] for s in found]
    assert "es-solar" not in ids and ids[0] == "it-agri" and found[0]["must_meet"] is True
    assert found[0]["summary"].startswith("On a must-meet list.")
    french = client.get("/v1/events/ev/participants/fr-univ/suggestions").json()["data"]
    assert "nl-research" not in {s["profile"]["id"] for s in french}  # no common slot
    assert all(s["slots"] == [3] for s in french)


def test_suggestions_of_a_non_participant_or_unknown_event_are_404(client: TestClient) -> None:
    create_event(client)
    register(client, "ev", "de-cluster")
    assert client.get("/v1/events/ev/participants/de-cluster/suggestions").json()["data"] == []
    for url in ("/v1/events/ev/participants/es-solar/suggestions",
                "/v1/events/nope/participants/de-cluster/suggestions"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"


def test_the_suggestion_matrix_is_the_organisers(client: TestClient, app: FastAPI) -> None:
    event_with_people(client)
    assert client.get("/v1/events/ev/suggestions").status_code == 401
    assert client.get("/v1/events/ev/suggestions",
                      headers=owner(app, "es-solar")).status_code == 403
    matrix = client.get("/v1/events/ev/suggestions", params={"k": 2}, headers=CURATOR).json()
    assert matrix["count"] == len(PEOPLE)
    assert [r["profile"]["id"] for r in matrix["data"]] == list(PEOPLE)
    row = matrix["data"][0]
    assert len(row["suggestions"]) == 2 and row["suggestions"][0]["id"] == "es-solar"
    assert set(row["suggestions"][0]) == {"id", "name", "score", "must_meet"}


def test_a_request_is_sent_answered_and_cancelled(client: TestClient, app: FastAPI) -> None:
    event_with_people(client)
    solar, cluster, auto = (owner(app, p) for p in ("es-solar", "de-cluster", "de-auto"))
    assert request_meeting(client, "ev", "es-solar", "de-cluster", headers={}).status_code == 401
    assert request_meeting(client, "ev", "es-solar", "de-cluster",
                           headers=cluster).status_code == 403
    sent = request_meeting(client, "ev", "es-solar", "de-cluster", headers=solar)
    assert sent.status_code == 201, sent.text
    meeting = sent.json()
    assert meeting["status"] == "pending" and meeting["from"] == "es-solar"
    assert meeting["to"] == "de-cluster" and meeting["origin"] == "request"
    url = f"/v1/events/ev/meetings/{meeting['id']}"
    assert client.post(f"{url}/accept", headers=solar).status_code == 403  # not the invited
    accepted = client.post(f"{url}/accept", headers=cluster)
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert client.post(f"{url}/accept", headers=cluster).json()["status"] == "accepted"
    assert client.get(url, headers=solar).json()["status"] == "accepted"
    assert client.get(url, headers=auto).status_code == 404
    assert client.post(f"{url}/cancel", headers=auto).status_code == 403
    cancelled = client.post(f"{url}/cancel", headers=solar)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    # a new request for the pair is allowed once the earlier one is over
    again = request_meeting(client, "ev", "de-cluster", "es-solar", headers=cluster)
    assert again.status_code == 201
    assert client.post(f"/v1/events/ev/meetings/{again.json()['id']}/decline",
                       headers=solar).json()["status"] == "declined"


def test_meetings_are_listed_for_their_sides(client: TestClient, app: FastAPI) -> None:
    event_with_people(client)
    request_meeting(client, "ev", "es-solar", "de-cluster")
    request_meeting(client, "ev", "fr-univ", "nl-research")
    solar = owner(app, "es-solar")
    assert client.get("/v1/events/ev/meetings").status_code == 401
    mine = client.get("/v1/events/ev/meetings", headers=solar).json()
    assert [(m["from"], m["to"]) for m in mine["data"]] == [("es-solar", "de-cluster")]
    assert client.get("/v1/events/ev/meetings", params={"profile_id": "fr-univ"},
                      headers=solar).status_code == 403
    assert client.get("/v1/events/ev/meetings", headers=CURATOR).json()["count"] == 2
    theirs = client.get("/v1/events/ev/meetings", params={"profile_id": "nl-research"},
                        headers=CURATOR).json()
    assert [m["message"] for m in theirs["data"]] == ["Shall we meet?"]
    found = client.get("/v1/events/ev/participants/es-solar/suggestions").json()["data"]
    asked = next(s for s in found if s["profile"]["id"] == "de-cluster")
    assert asked["meeting"]["status"] == "pending"


def check_schedule(result: dict[str, object], tables: int | None, max_meetings: int,
                   available: dict[str, set[int]]) -> None:
    """The solver's constraints, on the API's answer."""
    meetings = result["meetings"]
    assert isinstance(meetings, list)
    seen: set[tuple[str, int]] = set()
    per_slot: dict[int, set[int | None]] = {}
    count: dict[str, int] = {}
    for m in meetings:
        for who in (m["a"], m["b"]):
            assert (who, m["slot"]) not in seen, f"{who} twice in slot {m['slot']}"
            seen.add((who, m["slot"]))
            assert m["slot"] in available[who]
            count[who] = count.get(who, 0) + 1
        assert m["table"] not in per_slot.setdefault(m["slot"], set())
        per_slot[m["slot"]].add(m["table"])
        assert tables is None or 1 <= m["table"] <= tables
        assert 0 <= m["score"] <= 1
    assert all(n <= max_meetings for n in count.values())


def test_scheduling_places_accepted_requests_and_respects_the_constraints(
    client: TestClient, app: FastAPI
) -> None:
    create_event(client, max_meetings=2)
    for profile_id in PEOPLE:
        register(client, "ev", profile_id, available=[0, 2] if profile_id == "fr-univ" else
                 [0, 1, 2, 3], must_meet=["it-agri"] if profile_id == "de-auto" else [])
    register(client, "ev", "gr-region", available=[3])
    asked = request_meeting(client, "ev", "fr-univ", "es-solar").json()
    client.post(f"/v1/events/ev/meetings/{asked['id']}/accept", headers=CURATOR)
    assert client.post("/v1/events/ev/schedule", headers=owner(app, "es-solar")).status_code == 403
    result = schedule(client, "ev")
    assert set(result["meetings"][0]) == {"id", "a", "b", "slot", "table", "score", "accepted",
                                          "origin"}
    available = {p: {0, 1, 2, 3} for p in PEOPLE} | {"fr-univ": {0, 2}, "gr-region": {3}}
    check_schedule(result, 2, 2, available)
    by_pair = {frozenset((m["a"], m["b"])): m for m in result["meetings"]}
    request = by_pair[frozenset(("fr-univ", "es-solar"))]
    assert request["id"] == asked["id"] and request["accepted"] and request["origin"] == "request"
    must = by_pair[frozenset(("de-auto", "it-agri"))]
    assert must["accepted"] and must["origin"] == "must_meet"
    stats = result["stats"]
    assert stats["status"] in {"optimal", "feasible"} and stats["seconds"] >= 0
    assert stats["meetings"] == len(result["meetings"]) and stats["participants"] == 7
    assert sum(stats["per_slot"]) == stats["meetings"] and len(stats["table_use"]) == 4
    assert all(0 <= share <= 1 for share in stats["table_use"])
    assert set(stats["few_meetings"]) >= set(stats["without_meeting"])
    assert stats["mode"] == "keep"
    stored = client.get(f"/v1/events/ev/meetings/{asked['id']}", headers=CURATOR).json()
    assert (stored["slot"], stored["table"]) == (request["slot"], request["table"])
    assert stored["start"] == SLOTS[request["slot"]]["start"]
    assert client.get("/v1/events/ev/schedule").json() == result
    assert client.get("/v1/events/ev").json()["scheduled"]["status"] == stats["status"]


def test_a_virtual_event_has_no_tables(client: TestClient) -> None:
    event_with_people(client, tables=None)
    result = schedule(client, "ev")
    assert result["meetings"] and all(m["table"] is None for m in result["meetings"])
    assert result["stats"]["table_use"] is None


def test_before_any_run_the_schedule_is_empty(client: TestClient) -> None:
    event_with_people(client)
    result = client.get("/v1/events/ev/schedule").json()
    assert result["meetings"] == [] and result["stats"]["status"] is None
    assert result["stats"]["without_meeting"] == list(PEOPLE)


def test_the_same_input_gives_the_same_schedule(client: TestClient) -> None:
    first = event_with_people(client, "ev-a")
    second = event_with_people(client, "ev-b")
    a, b = schedule(client, first), schedule(client, second)
    layout = [(m["a"], m["b"], m["slot"], m["table"]) for m in a["meetings"]]
    assert layout == [(m["a"], m["b"], m["slot"], m["table"]) for m in b["meetings"]]
    again = schedule(client, first, mode="full")
    assert [(m["a"], m["b"], m["slot"], m["table"]) for m in again["meetings"]] == layout


def test_replanning_after_a_cancellation_and_a_late_registration_moves_nothing(
    client: TestClient, app: FastAPI
) -> None:
    event_with_people(client)
    before = schedule(client, "ev")
    gone = before["meetings"][0]
    assert client.post(f"/v1/events/ev/meetings/{gone['id']}/cancel",
                       headers=owner(app, gone["a"])).status_code == 200
    assert register(client, "ev", "pl-klaster").status_code == 201
    after = schedule(client, "ev")
    kept = {i: where for i, where in
            ((m["id"], (m["slot"], m["table"])) for m in after["meetings"])}
    for m in before["meetings"][1:]:
        assert kept[m["id"]] == (m["slot"], m["table"]), m
    assert gone["id"] not in kept
    assert frozenset((gone["a"], gone["b"])) not in {
        frozenset((m["a"], m["b"])) for m in after["meetings"]}
    assert any("pl-klaster" in (m["a"], m["b"]) for m in after["meetings"])


def test_full_mode_replaces_suggestions_that_are_no_longer_chosen(client: TestClient) -> None:
    create_event(client, slots=SLOTS[:1], tables=None, max_meetings=1)
    assert register(client, "ev", "de-cluster", available=[0]).status_code == 201
    assert register(client, "ev", "es-solar", available=[0]).status_code == 201
    first = schedule(client, "ev")
    assert [(m["a"], m["b"]) for m in first["meetings"]] == [("de-cluster", "es-solar")]
    late = register(client, "ev", "de-auto", available=[0], must_meet=["de-cluster"])
    assert late.status_code == 201
    kept = schedule(client, "ev")
    assert placed_pairs(kept) == {frozenset(("de-cluster", "es-solar"))}
    assert kept["stats"]["without_meeting"] == ["de-auto"]
    full = schedule(client, "ev", mode="full")
    assert placed_pairs(full) == {frozenset(("de-cluster", "de-auto"))}
    assert full["meetings"][0]["origin"] == "must_meet"
    stored = client.get("/v1/events/ev/meetings", headers=CURATOR).json()["data"]
    assert [(m["from"], m["to"], m["status"]) for m in stored] == [
        ("de-auto", "de-cluster", "scheduled")]


def placed_pairs(result: dict[str, list[dict[str, str]]]) -> set[frozenset[str]]:
    return {frozenset((m["a"], m["b"])) for m in result["meetings"]}


def test_the_agenda_as_json_and_as_icalendar(client: TestClient) -> None:
    event_with_people(client)
    result = schedule(client, "ev")
    mine = [m for m in result["meetings"] if "de-cluster" in (m["a"], m["b"])]
    agenda = client.get("/v1/events/ev/agenda/de-cluster")
    assert agenda.status_code == 200, agenda.text
    items = agenda.json()["meetings"]
    assert [i["id"] for i in items] == [m["id"] for m in sorted(mine, key=lambda m: m["slot"])]
    first = items[0]
    assert set(first) >= {"id", "slot", "start", "end", "table", "with", "score", "reasons",
                          "origin"}
    assert set(first["with"]) == {"id", "name", "country"}
    assert first["reasons"].startswith(("For what they seek", "On a must-meet list"))
    assert datetime.fromisoformat(first["start"]) == datetime.fromisoformat(
        SLOTS[first["slot"]]["start"])
    for ask in ({"headers": {"Accept": "text/calendar"}}, {"params": {"format": "ics"}}):
        response = client.get("/v1/events/ev/agenda/de-cluster", **ask)  # type: ignore[arg-type]
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/calendar")
        calendar = Calendar.from_ical(response.content)
        events = calendar.walk("VEVENT")
        assert len(events) == len(items)
        for item, event in zip(items, events, strict=True):
            start = datetime.fromisoformat(SLOTS[item["slot"]]["start"]).astimezone(UTC)
            end = datetime.fromisoformat(SLOTS[item["slot"]]["end"]).astimezone(UTC)
            assert event.decoded("dtstart") == start and event.decoded("dtend") == end
            assert item["with"]["name"] in str(event.get("summary"))
            assert f"Table {item['table']}" in str(event.get("location"))
    assert client.get("/v1/events/ev/agenda/pl-klaster").status_code == 404


def test_the_csv_export_is_the_organisers(client: TestClient, app: FastAPI) -> None:
    event_with_people(client)
    result = schedule(client, "ev")
    assert client.get("/v1/events/ev/schedule.csv").status_code == 401
    assert client.get("/v1/events/ev/schedule.csv",
                      headers=owner(app, "es-solar")).status_code == 403
    response = client.get("/v1/events/ev/schedule.csv", headers=CURATOR)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == len(result["meetings"])
    assert {(r["a_id"], r["b_id"], int(r["slot"]) - 1) for r in rows} == {
        (m["a"], m["b"], m["slot"]) for m in result["meetings"]}
