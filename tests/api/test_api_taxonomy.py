"""``GET /v1/taxonomy``: the vocabularies for forms, and the ranking's signal groups as the
live recommender's signal registry declares them."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

GROUPS = [
    "semantic", "breadth", "lexical", "thematic", "geography", "network", "experience", "kind",
    "mentioned", "diversity",
]


def test_taxonomy(client: TestClient) -> None:
    body = client.get("/v1/taxonomy").json()
    assert len(body["ecosystems"]) == 14
    assert {"id": "tourism", "label": "Tourism"} in body["ecosystems"]
    assert "cluster" in [k["id"] for k in body["kinds"]]
    assert "joint_funding" in [c["id"] for c in body["collaboration_types"]]
    germany = next(c for c in body["countries"] if c["id"] == "DE")
    assert germany == {"id": "DE", "label": "Germany", "eu": True}


def test_signal_groups_in_display_order(client: TestClient) -> None:
    groups = client.get("/v1/taxonomy").json()["signal_groups"]
    assert [g["id"] for g in groups] == GROUPS
    for group in groups:
        assert set(group) == {"id", "label", "long", "signals"}
        assert isinstance(group["label"], str) and group["label"]
        assert isinstance(group["long"], str) and group["long"]
        assert group["signals"]
        for signal in group["signals"]:
            assert set(signal) == {"name", "label", "scale"}
            assert all(isinstance(v, str) and v for v in signal.values())
    names = [s["name"] for g in groups for s in g["signals"]]
    assert len(names) == len(set(names))  # each signal in one group


def test_signal_groups_name_what_ranked(client: TestClient) -> None:
    """Every signal a candidate carries and every group it sums to is in the taxonomy."""
    groups = client.get("/v1/taxonomy").json()["signal_groups"]
    names = {s["name"] for g in groups for s in g["signals"]}
    body = {"text": "battery storage for the grid", "k": 3, "explain": True,
            "diversity": {"mmr_lambda": 0.7}}
    for candidate in client.post("/v1/recommend", json=body).json()["data"]:
        assert set(candidate["signals"]) <= names
        assert set(candidate["contributions"]) <= names
        assert set(candidate["groups"]) <= {g["id"] for g in groups}


def test_taxonomy_waits_for_the_index(app: FastAPI) -> None:
    """The signal groups come from the loaded index: 503 (with Retry-After) until then."""
    response = TestClient(app).get("/v1/taxonomy")  # no lifespan: the index never loads
    assert response.status_code == 503 and response.headers["retry-after"]
