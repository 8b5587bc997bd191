"""Partner requests: store and match, list, expiry, delete, expressions of interest, and
opportunities for a profile."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient

BATTERY_REQUEST = {
    "title": "Grid battery partners",
    "text": "We seek partners with battery storage experience for a grid pilot.",
    "requester_id": "gr-region",
}


def create(client: TestClient, headers: dict[str, str], k: int = 10, **body: Any) -> dict[str, Any]:
    response = client.post(
        "/v1/requests", json={**BATTERY_REQUEST, **body}, headers=headers, params={"k": k}
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_seeded_requests_are_listed_open(client: TestClient) -> None:
    page = client.get("/v1/requests").json()
    assert {r["id"] for r in page["data"]} == {"req-battery", "req-imaging"}
    assert page["count"] == 2
    one = client.get("/v1/requests/req-battery").json()
    assert one["status"] == "open" and one["requester_id"] == "es-solar"
    # open through the day 12 months on: it stops at the following midnight (UTC)
    expires = date.fromisoformat(one["expires_at"][:10])
    assert expires - date.fromisoformat(one["created_at"][:10]) == timedelta(days=366)
    assert one["expires_at"][10:19] == "T00:00:00"


def test_create_returns_matches_and_related(client: TestClient, curator: dict[str, str]) -> None:
    body = create(client, curator, id="req-grid", k=3)
    assert body["request"]["id"] == "req-grid" and body["request"]["status"] == "open"
    matches = [c["profile"]["id"] for c in body["matches"]["data"]]
    assert matches and "gr-region" not in matches  # never the requester itself
    assert "req-battery" in [r["request"]["id"] for r in body["related"]]
    assert client.get("/v1/requests/req-grid").status_code == 200
    again = client.get("/v1/requests/req-grid/matches", params={"k": 3, "explain": True}).json()
    assert [c["profile"]["id"] for c in again["data"]] == matches
    assert "summary" in again["data"][0]
    duplicate = client.post(
        "/v1/requests", json={**BATTERY_REQUEST, "id": "req-grid"}, headers=curator
    )
    assert duplicate.status_code == 409


def test_request_validation(client: TestClient, curator: dict[str, str]) -> None:
    for body, field in (
        ({"text": ""}, "text"),
        ({"text": "x", "expires_on": "2000-01-01"}, "expires_on"),
        (
            {"text": "x", "expires_on": (date.today() + timedelta(days=3000)).isoformat()},
            "expires_on",
        ),
        ({"text": "x", "kinds": ["alien"]}, "kinds.0"),
    ):
        response = client.post("/v1/requests", json=body, headers=curator)
        assert response.status_code == 422, body
        assert field in [e["field"] for e in response.json()["errors"]], response.json()
    assert client.post("/v1/requests", json=BATTERY_REQUEST).status_code == 401


def test_expired_requests_are_not_open(client: TestClient, curator: dict[str, str]) -> None:
    today = date.today().isoformat()
    body = create(client, curator, id="req-today", expires_on=today)
    assert body["request"]["status"] == "open"  # open through its last day
    assert "req-today" in {r["id"] for r in client.get("/v1/requests").json()["data"]}
    expired = client.get("/v1/requests", params={"status": "expired"}).json()
    assert expired["count"] == 0
    everything = client.get("/v1/requests", params={"status": "all"}).json()
    assert everything["count"] == 3


def test_delete_request(client: TestClient, curator: dict[str, str], owner_key: str) -> None:
    owner = {"X-API-Key": owner_key}  # es-solar owns req-battery
    assert client.delete("/v1/requests/req-imaging", headers=owner).status_code == 403
    assert client.delete("/v1/requests/req-battery", headers=owner).status_code == 204
    assert client.get("/v1/requests/req-battery").status_code == 404
    assert client.delete("/v1/requests/req-battery", headers=curator).status_code == 404
    related = create(client, curator)["related"]
    assert "req-battery" not in [r["request"]["id"] for r in related]


def test_owner_posts_requests_only_for_itself(client: TestClient, owner_key: str) -> None:
    owner = {"X-API-Key": owner_key}
    body = {"text": "We seek farms for solar pilots."}
    created = client.post("/v1/requests", json=body, headers=owner)
    assert created.status_code == 201
    assert created.json()["request"]["requester_id"] == "es-solar"
    other = client.post("/v1/requests", json={**body, "requester_id": "fr-univ"}, headers=owner)
    assert other.status_code == 403


def test_interest_is_recorded_for_the_requester(
    client: TestClient, curator: dict[str, str], owner_key: str
) -> None:
    response = client.post(
        "/v1/requests/req-imaging/interest",
        json={"profile_id": "es-solar", "message": "We do imaging of solar panels."},
        headers={"X-API-Key": owner_key},
    )
    assert response.status_code == 201, response.text
    assert response.json()["profile_id"] == "es-solar"
    again = client.post(
        "/v1/requests/req-imaging/interest", json={"profile_id": "es-solar"}, headers=curator
    )
    assert again.status_code == 409
    listed = client.get("/v1/requests/req-imaging/interests", headers=curator).json()
    assert listed["count"] == 1 and listed["data"][0]["message"].startswith("We do imaging")
    # the owner of es-solar is not the requester of req-imaging
    assert (
        client.get(
            "/v1/requests/req-imaging/interests", headers={"X-API-Key": owner_key}
        ).status_code
        == 403
    )


def test_interest_rules(client: TestClient, curator: dict[str, str], owner_key: str) -> None:
    url = "/v1/requests/req-imaging/interest"
    assert client.post(url, json={"profile_id": "es-solar"}).status_code == 401
    foreign = client.post(url, json={"profile_id": "de-auto"}, headers={"X-API-Key": owner_key})
    assert foreign.status_code == 403
    own = client.post(url, json={"profile_id": "fr-univ"}, headers=curator)
    assert own.status_code == 422 and own.json()["errors"][0]["field"] == "profile_id"
    ghost = client.post(url, json={"profile_id": "ghost"}, headers=curator)
    assert ghost.status_code == 422 and ghost.json()["errors"][0]["field"] == "profile_id"
    missing = client.post(
        "/v1/requests/none/interest", json={"profile_id": "de-auto"}, headers=curator
    )
    assert missing.status_code == 404


def test_opportunities_for_a_profile(client: TestClient, curator: dict[str, str]) -> None:
    body = client.get("/v1/profiles/de-cluster/opportunities", params={"k": 5}).json()
    ids = [m["request"]["id"] for m in body["data"]]
    assert ids[0] == "req-battery" and body["count"] == len(ids)
    # a requester never sees its own request as an opportunity
    own = client.get("/v1/profiles/es-solar/opportunities").json()
    assert "req-battery" not in [m["request"]["id"] for m in own["data"]]
    client.delete("/v1/requests/req-battery", headers=curator)
    after = client.get("/v1/profiles/de-cluster/opportunities").json()
    assert "req-battery" not in [m["request"]["id"] for m in after["data"]]
