"""``GET /v1/map``: profiles counted per country (and per NUTS-2 region of one country),
filtered by kind and ecosystem, agreeing with ``GET /v1/profiles``, following writes, and
refusing bad filters as problem+json."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

PROBLEM = "application/problem+json"


def counts(body: dict[str, Any]) -> dict[str, int]:
    return {c["country"]: c["count"] for c in body["countries"]}


def test_counts_every_profile_by_country(client: TestClient) -> None:
    response = client.get("/v1/map")
    assert response.status_code == 200, response.text
    body = response.json()
    assert counts(body) == {"DE": 2, "ES": 1, "FR": 1, "GR": 1, "IT": 1, "NL": 1, "PL": 1}
    assert body["total"] == 8 and body["without_country"] == 0
    # most profiles first, then by code; no regions unless one country is asked for
    assert [c["country"] for c in body["countries"]][:2] == ["DE", "ES"]
    assert all(c["regions"] is None for c in body["countries"])


def test_kind_and_ecosystem_filter_the_counts(client: TestClient) -> None:
    clusters = client.get("/v1/map", params={"kind": "cluster"}).json()
    assert counts(clusters) == {"DE": 1, "PL": 1} and clusters["total"] == 2
    health = client.get("/v1/map", params={"ecosystem": "health"}).json()
    assert counts(health) == {"FR": 1, "NL": 1}
    both = client.get("/v1/map", params={"kind": "company", "ecosystem": "mobility"}).json()
    assert counts(both) == {"DE": 1}
    none = client.get("/v1/map", params={"kind": "public", "ecosystem": "digital"}).json()
    assert none == {"total": 0, "without_country": 0, "countries": []}


def test_counts_agree_with_the_profile_list(client: TestClient) -> None:
    for params in ({}, {"kind": "company"}, {"ecosystem": "renewables"}):
        for country, n in counts(client.get("/v1/map", params=params).json()).items():
            listed = client.get("/v1/profiles", params={**params, "country": country}).json()
            assert listed["count"] == n, (params, country)


def test_one_country_comes_with_its_regions(
    client: TestClient, curator: dict[str, str], new_profile: dict[str, Any]
) -> None:
    for i, region in enumerate(("LT01", "LT02", "LT02", "")):
        body = {**new_profile, "id": f"lt-{i}", "contacts": []}
        if region:
            body |= {"region": region, "region_name": f"Region {region}"}
        assert client.post("/v1/profiles", json=body, headers=curator).status_code == 201
    response = client.get("/v1/map", params={"country": "lt"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == 4 and len(body["countries"]) == 1
    lithuania = body["countries"][0]
    assert lithuania["country"] == "LT" and lithuania["count"] == 4
    assert lithuania["regions"] == [  # most first; the profile without a region is left out
        {"region": "LT02", "name": "Region LT02", "count": 2},
        {"region": "LT01", "name": "Region LT01", "count": 1},
    ]
    # the filters apply to the regions too
    other = client.get("/v1/map", params={"country": "LT", "kind": "company"}).json()
    assert other["countries"] == [{"country": "LT", "count": 0, "regions": []}]


def test_cordis_codes_name_the_country(client: TestClient) -> None:
    greece = client.get("/v1/map", params={"country": "EL"}).json()
    assert greece["countries"][0]["country"] == "GR" and greece["total"] == 1


def test_writes_are_counted_at_once(
    client: TestClient, curator: dict[str, str], new_profile: dict[str, Any]
) -> None:
    assert client.post("/v1/profiles", json=new_profile, headers=curator).status_code == 201
    assert counts(client.get("/v1/map").json())["LT"] == 1
    moved = client.patch("/v1/profiles/lt-laser", json={"country": "LV"}, headers=curator)
    assert moved.status_code == 200
    after = counts(client.get("/v1/map").json())
    assert "LT" not in after and after["LV"] == 1
    assert client.delete("/v1/profiles/lt-laser", headers=curator).status_code == 204
    assert "LV" not in counts(client.get("/v1/map").json())


def test_bad_filters_are_422_problems_naming_the_parameter(client: TestClient) -> None:
    for params, field in (
        ({"kind": "alien"}, "kind"),
        ({"ecosystem": "space"}, "ecosystem"),
        ({"country": "XQ"}, "country"),
        ({"country": "DEU"}, "country"),
    ):
        response = client.get("/v1/map", params=params)
        assert response.status_code == 422, params
        assert response.headers["content-type"] == PROBLEM
        assert field in [e["field"] for e in response.json()["errors"]], params


def test_unavailable_until_the_index_is_loaded(app: FastAPI) -> None:
    client = TestClient(app)  # no lifespan: the index (and the seeded database) never load
    response = client.get("/v1/map")
    assert response.status_code == 503 and response.headers["retry-after"]
    assert response.headers["content-type"] == PROBLEM


def test_documented_in_openapi(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/v1/map"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"kind", "ecosystem", "country"}
    assert PROBLEM in operation["responses"]["422"]["content"]
