"""Profiles: listing and filters, reading with and without contacts, and every write with
its rules (keys, scopes, versions), each reflected in the index at once."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

PROBLEM = "application/problem+json"


def recommended(client: TestClient, text: str, k: int = 10) -> list[str]:
    response = client.post("/v1/recommend", json={"text": text, "k": k})
    assert response.status_code == 200, response.text
    return [c["profile"]["id"] for c in response.json()["data"]]


def test_list_is_a_page_with_count_and_filters(client: TestClient) -> None:
    page = client.get("/v1/profiles", params={"limit": 3}).json()
    assert page["count"] == 8 and len(page["data"]) == 3
    assert (page["offset"], page["limit"]) == (0, 3)
    rest = client.get("/v1/profiles", params={"offset": 3, "limit": 100}).json()["data"]
    ids = [p["id"] for p in page["data"] + rest]
    assert len(set(ids)) == 8
    german = client.get("/v1/profiles", params={"country": "de"}).json()
    assert {p["id"] for p in german["data"]} == {"de-cluster", "de-auto"}
    assert german["count"] == 2
    clusters = client.get("/v1/profiles", params={"kind": "cluster"}).json()["data"]
    assert {p["id"] for p in clusters} == {"de-cluster", "pl-klaster"}
    health = client.get("/v1/profiles", params={"ecosystem": "health"}).json()["data"]
    assert {p["id"] for p in health} == {"fr-univ", "nl-research"}
    found = client.get("/v1/profiles", params={"q": "BATTER"}).json()["data"]
    assert {p["id"] for p in found} == {"de-cluster", "de-auto"}  # name or keywords
    assert client.get("/v1/profiles", params={"q": "100%_"}).json()["count"] == 0


def test_bad_filters_are_422_naming_the_parameter(client: TestClient) -> None:
    for params, field in (
        ({"kind": "alien"}, "kind"),
        ({"limit": 0}, "limit"),
        ({"ecosystem": "space"}, "ecosystem"),
        ({"country": "XQ"}, "country"),
    ):
        response = client.get("/v1/profiles", params=params)
        assert response.status_code == 422, params
        assert response.headers["content-type"] == PROBLEM
        assert field in [e["field"] for e in response.json()["errors"]]


def test_public_profile_has_activities_but_never_contacts(client: TestClient) -> None:
    response = client.get("/v1/profiles/nl-research")
    assert response.status_code == 200
    body = response.json()
    assert body["activities"][0]["id"] == "h1"
    assert "contacts" not in body and "someone@example.org" not in response.text
    assert response.headers["etag"] == '"1"'
    listing = client.get("/v1/profiles", params={"limit": 100}).text
    assert "someone@example.org" not in listing


def test_contacts_only_for_curator_or_owner(
    client: TestClient, curator: dict[str, str], owner_key: str
) -> None:
    assert client.get("/v1/profiles/nl-research", headers=curator).json()["contacts"] == [
        "someone@example.org"
    ]
    owner = {"X-API-Key": owner_key}  # owner of es-solar, not of nl-research
    assert "contacts" not in client.get("/v1/profiles/nl-research", headers=owner).json()
    assert client.get("/v1/profiles/es-solar", headers=owner).json()["contacts"] == []


def test_unknown_profile_is_404_problem(client: TestClient) -> None:
    for path in (
        "/v1/profiles/nope",
        "/v1/profiles/nope/similar",
        "/v1/profiles/nope/partners",
        "/v1/profiles/nope/opportunities",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == PROBLEM
        body = response.json()
        assert body["status"] == 404 and body["title"] and "nope" in body["detail"]
        assert body["type"].endswith(":not-found")


def test_create_then_recommend_finds_it(
    client: TestClient, curator: dict[str, str], new_profile: dict[str, Any]
) -> None:
    assert "lt-laser" not in recommended(client, "zorblax lasers")
    response = client.post("/v1/profiles", json=new_profile, headers=curator)
    assert response.status_code == 201, response.text
    assert response.headers["location"] == "/v1/profiles/lt-laser"
    body = response.json()
    assert body["version"] == 1 and body["contacts"] == ["Ona Laser <ona@example.org>"]
    assert recommended(client, "zorblax lasers")[0] == "lt-laser"
    public = client.get("/v1/profiles/lt-laser").json()
    assert public["country"] == "LT" and "contacts" not in public


def test_create_without_id_gets_one(
    client: TestClient, curator: dict[str, str], new_profile: dict[str, Any]
) -> None:
    del new_profile["id"]
    body = client.post("/v1/profiles", json=new_profile, headers=curator).json()
    assert body["id"].startswith("p-")
    assert client.get(f"/v1/profiles/{body['id']}").status_code == 200


def test_duplicate_id_is_409(
    client: TestClient, curator: dict[str, str], new_profile: dict[str, Any]
) -> None:
    new_profile["id"] = "de-cluster"
    response = client.post("/v1/profiles", json=new_profile, headers=curator)
    assert response.status_code == 409
    assert response.headers["content-type"] == PROBLEM


def test_engine_validation_is_422_naming_the_field(
    client: TestClient, curator: dict[str, str], new_profile: dict[str, Any]
) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"country": "QQ"}, "country"),
        ({"name": "   "}, "name"),
        ({"unknown_field": 1}, "unknown_field"),
        ({"activities": [{"id": "x"}]}, "activity.title"),
        ({"lat": 91}, "lat"),
        ({"description": "x" * 20_001}, "description"),
    ]
    for change, field in cases:
        response = client.post("/v1/profiles", json={**new_profile, **change}, headers=curator)
        assert response.status_code in (413, 422), change
        if response.status_code == 422:
            assert field in [e["field"] for e in response.json()["errors"]], response.json()


def test_patch_changes_fields_and_bumps_version(
    client: TestClient, curator: dict[str, str]
) -> None:
    response = client.patch(
        "/v1/profiles/gr-region",
        json={"description": "Zorblax festivals on the islands."},
        headers=curator,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["version"] == 2 and response.headers["etag"] == '"2"'
    assert body["name"] == "Region of Crete"  # unchanged fields stay
    assert recommended(client, "zorblax festivals")[0] == "gr-region"
    # null resets a field to its default
    cleared = client.patch("/v1/profiles/gr-region", json={"keywords": None}, headers=curator)
    assert cleared.json()["keywords"] == []


def test_stale_if_match_is_409_and_current_one_wins(
    client: TestClient, curator: dict[str, str]
) -> None:
    patch = {"city": "Heraklion"}
    stale = client.patch(
        "/v1/profiles/gr-region", json=patch, headers={**curator, "If-Match": '"7"'}
    )
    assert stale.status_code == 409
    assert "version 1" in stale.json()["detail"]
    ok = client.patch("/v1/profiles/gr-region", json=patch, headers={**curator, "If-Match": '"1"'})
    assert ok.status_code == 200 and ok.json()["city"] == "Heraklion"
    bad = client.patch("/v1/profiles/gr-region", json=patch, headers={**curator, "If-Match": "x"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "If-Match"


def test_put_replaces_the_whole_profile(
    client: TestClient, curator: dict[str, str], new_profile: dict[str, Any]
) -> None:
    del new_profile["id"]
    response = client.put("/v1/profiles/gr-region", json=new_profile, headers=curator)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["id"], body["name"], body["version"]) == ("gr-region", new_profile["name"], 2)
    assert body["ecosystems"] == ["electronics"]
    assert client.put("/v1/profiles/nope", json=new_profile, headers=curator).status_code == 404
    assert recommended(client, "zorblax lasers")[0] == "gr-region"


def test_delete_removes_from_db_and_index(client: TestClient, curator: dict[str, str]) -> None:
    assert "es-solar" in recommended(client, "solar photovoltaic panels")
    assert client.delete("/v1/profiles/es-solar", headers=curator).status_code == 204
    assert client.get("/v1/profiles/es-solar").status_code == 404
    assert "es-solar" not in recommended(client, "solar photovoltaic panels")
    assert client.delete("/v1/profiles/es-solar", headers=curator).status_code == 404


def test_writes_need_a_key_and_owners_only_their_profile(
    client: TestClient, owner_key: str, new_profile: dict[str, Any]
) -> None:
    anonymous = client.post("/v1/profiles", json=new_profile)
    assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"] == "ApiKey"
    wrong = client.patch(
        "/v1/profiles/de-cluster", json={"city": "x"}, headers={"X-API-Key": "not-a-key"}
    )
    assert wrong.status_code == 401
    owner = {"X-API-Key": owner_key}
    assert (
        client.patch("/v1/profiles/de-cluster", json={"city": "x"}, headers=owner).status_code
        == 403
    )
    assert client.delete("/v1/profiles/de-cluster", headers=owner).status_code == 403
    assert client.post("/v1/profiles", json=new_profile, headers=owner).status_code == 403
    mine = client.patch("/v1/profiles/es-solar", json={"city": "Sevilla"}, headers=owner)
    assert mine.status_code == 200 and mine.json()["city"] == "Sevilla"
