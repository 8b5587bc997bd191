"""Feedback on recommended profiles: any key sends it, by request id or text; only a curator
key reads it back."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_feedback(client: TestClient, curator: dict[str, str]) -> None:
    by_text = client.post(
        "/v1/feedback",
        json={
            "profile_id": "de-cluster",
            "label": "relevant",
            "request_text": "Battery  grid",
            "rank": 1,
        },
        headers=curator,
    )
    assert by_text.status_code == 201, by_text.text
    same = client.post(
        "/v1/feedback",
        json={"profile_id": "de-auto", "label": "contacted", "request_text": "battery GRID"},
        headers=curator,
    )
    assert same.json()["query_hash"] == by_text.json()["query_hash"]
    by_id = client.post(
        "/v1/feedback",
        json={"profile_id": "de-cluster", "label": "not_relevant", "request_id": "req-battery"},
        headers=curator,
    )
    assert by_id.status_code == 201 and by_id.json()["request_id"] == "req-battery"
    for body, field in (
        ({"profile_id": "x", "label": "relevant"}, "request_id"),
        ({"profile_id": "x", "label": "great", "request_text": "y"}, "label"),
        ({"profile_id": "x", "label": "relevant", "request_id": "nope"}, "request_id"),
    ):
        response = client.post("/v1/feedback", json=body, headers=curator)
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == field
    assert (
        client.post(
            "/v1/feedback", json={"profile_id": "x", "label": "relevant", "request_text": "y"}
        ).status_code
        == 401
    )


def test_feedback_is_read_back_by_curators_only(
    client: TestClient, curator: dict[str, str], owner_key: str
) -> None:
    for profile_id, label in (("de-cluster", "relevant"), ("de-auto", "contacted"),
                              ("de-cluster", "not_relevant")):
        response = client.post(
            "/v1/feedback",
            json={"profile_id": profile_id, "label": label, "request_text": "battery grid"},
            headers=curator,
        )
        assert response.status_code == 201, response.text
    everything = client.get("/v1/feedback", headers=curator).json()
    assert everything["count"] == 3
    assert [f["label"] for f in everything["data"]] == ["relevant", "contacted", "not_relevant"]
    page = client.get("/v1/feedback", params={"limit": 1, "offset": 1}, headers=curator).json()
    assert page["count"] == 3 and [f["profile_id"] for f in page["data"]] == ["de-auto"]
    mine = client.get("/v1/feedback", params={"profile_id": "de-cluster", "label": "relevant"},
                      headers=curator).json()
    assert mine["count"] == 1 and mine["data"][0]["label"] == "relevant"
    bad = client.get("/v1/feedback", params={"label": "great"}, headers=curator)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "label"
    assert client.get("/v1/feedback", headers={"X-API-Key": owner_key}).status_code == 403
    assert client.get("/v1/feedback").status_code == 401
