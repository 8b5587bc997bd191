"""POST /v1/recommend and the profile-based lists: shape, explanations, filters, diversity,
and freshness after writes."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from api.app import create_app
from engine.confidence import Confidence
from engine.embed import HashEncoder
from engine.fusion import FusionModel
from engine.profiles import Profile
from engine.recommender import Recommender

from .conftest import wait_ready, write_data

SUMMARY_KEYS = {
    "id",
    "name",
    "acronym",
    "kind",
    "country",
    "region",
    "region_name",
    "city",
    "ecosystems",
    "sme",
    "url",
}


def post(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post("/v1/recommend", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_response_shape(client: TestClient) -> None:
    body = post(client, text="battery storage for the grid", k=3)
    assert set(body) == {"data", "count", "took_ms", "model", "index_version", "cached",
                         "confidence", "understood"}
    assert body["count"] == len(body["data"]) == 3
    assert body["model"] == "hash-bow-64" and body["index_version"] >= 0
    assert body["took_ms"] >= 0
    first = body["data"][0]
    assert [c["rank"] for c in body["data"]] == [1, 2, 3]
    assert set(first["profile"]) == SUMMARY_KEYS
    # contributions say what sets a candidate apart from the typical one of the request
    assert abs(first["score"] - first["baseline"] - sum(first["contributions"].values())) < 1e-6
    assert len({c["baseline"] for c in body["data"]}) == 1
    assert first["signals"] and not {"summary", "evidence", "groups"} & set(first)
    scores = [c["score"] for c in body["data"]]
    assert scores == sorted(scores, reverse=True)


def test_explain_adds_summary_evidence_and_groups(client: TestClient) -> None:
    first = post(client, text="battery storage for the grid", k=2, explain=True)["data"][0]
    assert isinstance(first["summary"], str) and first["summary"]
    assert isinstance(first["evidence"], dict)
    # the contributions summed per signal group: together, the score
    assert first["groups"] and all(isinstance(v, float) for v in first["groups"].values())
    assert abs(sum(first["groups"].values()) - (first["score"] - first["baseline"])) < 1e-6


def test_filters_apply(client: TestClient) -> None:
    data = post(client, text="battery storage", countries=["DE"], k=10)["data"]
    assert data and {c["profile"]["country"] for c in data} == {"DE"}
    data = post(client, text="battery storage", exclude_countries=["DE"], k=10)["data"]
    assert "DE" not in {c["profile"]["country"] for c in data}
    data = post(client, text="battery storage", kinds=["company"], k=10)["data"]
    assert {c["profile"]["kind"] for c in data} == {"company"}
    data = post(client, text="battery", requester_id="de-cluster", k=10)["data"]
    assert "de-cluster" not in [c["profile"]["id"] for c in data]
    data = post(client, text="tourism", ecosystems=["tourism"], ecosystem_filter=True)["data"]
    assert [c["profile"]["id"] for c in data] == ["gr-region"]


def test_diversity_caps_per_country(client: TestClient) -> None:
    body = post(
        client, text="battery storage electric vehicles", k=4, diversity={"max_per_country": 1}
    )
    countries = [c["profile"]["country"] for c in body["data"]]
    assert len(countries) == len(set(countries))


def test_k_bounds_and_validation_errors(client: TestClient) -> None:
    for body, field in (
        ({"text": "x", "k": 0}, "k"),
        ({"text": "x", "k": 101}, "k"),
        ({"text": "   "}, "text"),
        ({"text": "x", "countries": ["QQ"]}, "countries"),
        ({"text": "x", "countries": ["DE"], "exclude_countries": ["DE"]}, "exclude_countries"),
        ({"text": "x", "collaboration_type": "merger"}, "collaboration_type"),
        ({"text": "x", "cross_border": 2}, "cross_border"),
        ({"text": "x", "diversity": {"mmr_lambda": 0}}, "diversity.mmr_lambda"),
        ({"text": "x", "colour": "red"}, "colour"),
        ({"text": "x", "explain": 1}, "explain"),  # JSON types as the schema says
        ({"text": "x", "k": "5"}, "k"),
    ):
        response = client.post("/v1/recommend", json=body)
        assert response.status_code == 422, body
        assert response.headers["content-type"] == "application/problem+json"
        assert field in [e["field"] for e in response.json()["errors"]], response.json()


def test_malformed_json_is_400_problem(client: TestClient) -> None:
    response = client.post(
        "/v1/recommend", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400  # tests/api/test_security_edge.py: every body case
    assert response.headers["content-type"] == "application/problem+json"


def test_similar_and_partners(client: TestClient) -> None:
    similar = client.get("/v1/profiles/de-cluster/similar", params={"k": 3}).json()
    ids = [c["profile"]["id"] for c in similar["data"]]
    assert "de-cluster" not in ids and len(ids) == 3
    partners = client.get(
        "/v1/profiles/de-cluster/partners", params={"k": 5, "explain": True}
    ).json()
    for c in partners["data"]:
        # complementary partners bring an ecosystem the profile lacks
        assert set(c["profile"]["ecosystems"]) - {"renewables", "mobility"}
        assert "summary" in c


def test_the_profile_pages_lists_stop_where_candidates_fit_weakly(
    tmp_path: Path, profiles: list[Profile]
) -> None:
    """With a calibrated fusion model, similar and complementary lists keep only candidates
    whose best semantic match reaches the ``medium`` confidence threshold."""
    lists = ("/v1/profiles/de-cluster/similar", "/v1/profiles/de-cluster/partners")

    def lengths(medium: float | None) -> list[int]:
        root = tmp_path / str(medium)
        settings = write_data(root, profiles)
        if medium is not None:  # the index carries the fusion model it is served with
            rec = Recommender.load(root / "index", HashEncoder(64))
            rec.fusion = FusionModel(rec.weights, confidence=Confidence("dense", medium, 1.02))
            rec.save(root / "index")
        with TestClient(create_app(settings), raise_server_exceptions=False) as client:
            wait_ready(client)
            return [len(client.get(u, params={"k": 5}).json()["data"]) for u in lists]

    uncut = lengths(None)
    assert all(uncut) and lengths(-1.0) == uncut
    assert lengths(1.01) == [0, 0]  # every cosine is below 1.01


def test_no_contacts_anywhere_in_results(client: TestClient) -> None:
    for response in (
        client.post("/v1/recommend", json={"text": "machine learning imaging", "explain": True}),
        client.get("/v1/profiles/fr-univ/similar", params={"explain": True}),
    ):
        assert "someone@example.org" not in response.text


def test_write_is_visible_within_one_second(
    client: TestClient, curator: dict[str, str], new_profile: dict[str, Any]
) -> None:
    """A writer thread creates a profile while readers poll: from the acknowledgement on,
    the profile is found within 1 s (here: at once)."""
    acknowledged: list[float] = []

    def write() -> None:
        response = client.post("/v1/profiles", json=new_profile, headers=curator)
        assert response.status_code == 201
        acknowledged.append(time.monotonic())

    writer = threading.Thread(target=write)
    writer.start()
    found_at = None
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        ids = [c["profile"]["id"] for c in post(client, text="zorblax lasers", k=3)["data"]]
        if "lt-laser" in ids:
            found_at = time.monotonic()
            break
        time.sleep(0.01)
    writer.join()
    assert found_at is not None and acknowledged
    assert found_at - acknowledged[0] < 1.0


def test_result_cache_answers_repeats_until_a_write(
    client: TestClient, curator: dict[str, str]
) -> None:
    """The same request on the same index version comes from the cache with the same
    candidates; another k is another entry. A write recomputes the recently used entries on
    the new version before readers see it: still a cache hit, with the changed data."""
    first = post(client, text="battery storage for the grid", k=3)
    again = post(client, text="battery storage for the grid", k=3)
    assert (first["cached"], again["cached"]) == (False, True)
    assert again["data"] == first["data"] and again["index_version"] == first["index_version"]
    assert post(client, text="battery storage for the grid", k=4)["cached"] is False
    top = first["data"][0]["profile"]["id"]
    response = client.patch(f"/v1/profiles/{top}", json={"acronym": "RENAMED"}, headers=curator)
    assert response.status_code == 200, response.text
    after = post(client, text="battery storage for the grid", k=3)
    assert after["cached"] is True and after["index_version"] > first["index_version"]
    renamed = [c["profile"] for c in after["data"] if c["profile"]["id"] == top]
    assert renamed and renamed[0]["acronym"] == "RENAMED"
    metrics = client.get("/metrics").text
    assert "partner_search_result_cache_hits_total 2" in metrics


def test_without_refresh_a_write_empties_the_cache(
    tmp_path: Path, profiles: list[Profile], curator: dict[str, str]
) -> None:
    settings = write_data(tmp_path, profiles).model_copy(update={"result_cache_refresh": 0})
    with TestClient(create_app(settings)) as client:
        wait_ready(client)
        first = [post(client, text="battery storage for the grid", k=3) for _ in range(2)]
        top = first[0]["data"][0]["profile"]["id"]
        response = client.patch(f"/v1/profiles/{top}", json={"acronym": "X"}, headers=curator)
        assert response.status_code == 200, response.text
        after = post(client, text="battery storage for the grid", k=3)
    assert [b["cached"] for b in first] == [False, True] and after["cached"] is False


def test_result_cache_can_be_switched_off(tmp_path: Path, profiles: list[Profile]) -> None:
    settings = write_data(tmp_path, profiles).model_copy(update={"result_cache_size": 0})
    with TestClient(create_app(settings)) as client:
        wait_ready(client)
        bodies = [post(client, text="battery storage for the grid", k=3) for _ in range(2)]
    assert [b["cached"] for b in bodies] == [False, False]
    assert bodies[0]["data"] == bodies[1]["data"]
