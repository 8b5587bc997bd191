"""Security regression (issue 17, item 1): an owner key cannot invent collaborations.

A self-declared activity counts for its author's content, but creates a tie with another
organisation only once that organisation (or a curator) confirms it; one that reuses a
public project id must agree with the public record. Evidence shows where a link comes from.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import text

from api.app import create_app
from api.security import Scope, create_key
from api.store import Store, alembic_config
from engine.attestation import Provenance, Source
from engine.profiles import Activity, Profile

from .conftest import CURATOR, wait_ready, write_data

QUERY = {"text": "grid battery storage", "requester_id": "de-cluster", "k": 8, "explain": True}


def public_world(profiles: list[Profile]) -> list[Profile]:
    """The shared test profiles, with de-cluster's first project from CORDIS."""
    profiles = list(profiles)
    first = profiles[0]
    cordis = replace(first.activities[0], provenance=Provenance(Source.CORDIS))
    profiles[0] = replace(first, activities=(cordis, *first.activities[1:]))
    return profiles


@pytest.fixture
def service(
    tmp_path: Path, profiles: list[Profile]
) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
    app = create_app(write_data(tmp_path, public_world(profiles)))
    with TestClient(app, raise_server_exceptions=False) as client:
        wait_ready(client)
        keys = {pid: {"X-API-Key": create_key(app.state.store.keys, Scope.OWNER, pid, pid)}
                for pid in ("gr-region", "de-cluster", "es-solar")}
        yield client, keys


def ranked(client: TestClient) -> list[dict[str, Any]]:
    response = client.post("/v1/recommend", json=QUERY)
    assert response.status_code == 200, response.text
    return list(response.json()["data"])


def network(item: dict[str, Any]) -> float:
    return sum(v for k, v in item["signals"].items() if k.startswith("network"))


def claim(client: TestClient, key: dict[str, str], activity: dict[str, Any]) -> Any:
    return client.patch("/v1/profiles/gr-region", headers=key, json={"activities": [activity]})


def test_a_public_project_id_must_agree_with_the_record(service: Any) -> None:
    client, keys = service
    fake = {"id": "a1", "title": "Fake claim", "year": 2021, "partners": ["de-cluster"]}
    response = claim(client, keys["gr-region"], fake)
    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["field"] == "activities.0.id"
    assert "public record" in body["detail"] and "gr-region" in body["detail"]
    # a participant that states it as the record does is recorded as CORDIS
    own = {"id": "a1", "title": "Battery storage pilot", "year": 2021, "partners": ["de-auto"],
           "text": "Our part: the storage controller."}
    response = client.patch("/v1/profiles/es-solar", headers=keys["es-solar"],
                            json={"activities": [own]})
    assert response.status_code == 200, response.text
    assert response.json()["activities"][0]["provenance"]["source"] == "cordis"
    for wrong, field in (({"year": 2020}, "year"), ({"partners": ["gr-region"]}, "partners")):
        response = client.patch("/v1/profiles/es-solar", headers=keys["es-solar"],
                                json={"activities": [{**own, **wrong}]})
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == (
            f"activities.0.{field}")


def test_a_fabricated_claim_changes_no_ones_ranking_until_confirmed(service: Any) -> None:
    client, keys = service
    before = ranked(client)
    fake = {"id": "gr-own-1", "title": "Joint grid battery storage pilot", "year": 2024,
            "partners": ["de-cluster", "es-solar"], "text": "Battery storage on the islands."}
    response = claim(client, keys["gr-region"], fake)
    assert response.status_code == 200, response.text
    provenance = response.json()["activities"][0]["provenance"]
    assert provenance["source"] == "self-declared" and provenance["by"] == "gr-region"
    assert provenance["at"] and provenance["confirmations"] == []
    after = ranked(client)
    others = [c["profile"]["id"] for c in before if c["profile"]["id"] != "gr-region"]
    assert [c["profile"]["id"] for c in after if c["profile"]["id"] != "gr-region"] == others
    old = {c["profile"]["id"]: network(c) for c in before}
    assert {c["profile"]["id"]: network(c) for c in after} == old  # no network signal moved
    claimant = next(c for c in after if c["profile"]["id"] == "gr-region")
    assert old["gr-region"] == 0 and not claimant["evidence"].get("network")
    similar = client.get("/v1/profiles/de-cluster/similar", params={"explain": True}).json()
    assert all(not c["evidence"].get("network") for c in similar["data"]
               if c["profile"]["id"] == "gr-region")

    # the named partner sees the claim, and confirms it: now the tie counts, with its source
    claims = client.get("/v1/profiles/de-cluster/claims").json()
    assert [(c["profile_id"], c["confirmed"]) for c in claims["data"]] == [("gr-region", False)]
    refused = client.post("/v1/profiles/gr-region/activities/gr-own-1/confirmations",
                          headers=keys["gr-region"], json={"partner": "de-cluster"})
    assert refused.status_code == 403  # the claimant cannot confirm for its partner
    confirmed = client.post("/v1/profiles/gr-region/activities/gr-own-1/confirmations",
                            headers=keys["de-cluster"], json={})
    assert confirmed.status_code == 201, confirmed.text
    assert confirmed.json()["provenance"]["confirmations"][0]["partner"] == "de-cluster"
    linked = next(c for c in ranked(client) if c["profile"]["id"] == "gr-region")
    assert network(linked) > 0
    link = linked["evidence"]["network"][0]
    assert link["source"] == "self-declared" and link["project"] == "gr-own-1"
    assert link["provenance"] == ("self-declared by Region of Crete, confirmed by Bavarian "
                                  "Battery Cluster")
    assert client.get("/v1/profiles/de-cluster/claims").json()["data"][0]["confirmed"]

    # editing the text keeps the confirmation; withdrawing it removes the tie again
    edited = claim(client, keys["gr-region"], {**fake, "text": "Battery storage, islands."})
    assert edited.json()["activities"][0]["provenance"]["confirmations"]
    gone = client.delete(
        "/v1/profiles/gr-region/activities/gr-own-1/confirmations/de-cluster",
        headers=keys["de-cluster"])
    assert gone.status_code == 204
    unlinked = next(c for c in ranked(client) if c["profile"]["id"] == "gr-region")
    assert network(unlinked) == 0


def test_established_links_show_their_source(service: Any) -> None:
    client, _ = service
    es = next(c for c in ranked(client) if c["profile"]["id"] == "es-solar")
    sources = {link["provenance"] for link in es["evidence"]["network"]}
    assert "CORDIS" in sources  # the a1 project


def test_a_curators_entry_stands_and_confirmation_rules_hold(service: Any) -> None:
    client, keys = service
    entry = {"id": "cur-1", "title": "Tourism and storage study", "partners": ["de-cluster"]}
    response = client.patch("/v1/profiles/gr-region", headers=CURATOR,
                            json={"activities": [entry]})
    assert response.json()["activities"][0]["provenance"] == {
        "source": "curator", "by": "curator", "at": response.json()["activities"][0][
            "provenance"]["at"], "confirmations": []}
    assert network(next(c for c in ranked(client) if c["profile"]["id"] == "gr-region")) > 0
    for url, body, status in (
        ("/v1/profiles/gr-region/activities/cur-1/confirmations", {}, 422),  # needs none
        ("/v1/profiles/gr-region/activities/nope/confirmations", {}, 404),
        ("/v1/profiles/nope/activities/cur-1/confirmations", {}, 404),
    ):
        response = client.post(url, headers=keys["de-cluster"], json=body)
        assert response.status_code == status, (url, response.text)
    assert client.post("/v1/profiles/gr-region/activities/cur-1/confirmations", headers=CURATOR,
                       json={}).status_code == 422  # a curator must name the partner
    assert client.get("/v1/profiles/nope/claims").status_code == 404


def test_provenance_cannot_be_sent(service: Any) -> None:
    client, keys = service
    forged = {"id": "x", "title": "Forged", "partners": ["de-cluster"],
              "provenance": {"source": "cordis"}}
    response = claim(client, keys["gr-region"], forged)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "activities.0.provenance"


def test_migration_makes_claims_written_before_provenance_self_declared(tmp_path: Path) -> None:
    """Profiles seeded from the operator's data keep their activities as curated; one
    written through the API since (version 2) becomes self-declared, its partners to
    confirm."""
    store = Store(f"sqlite:///{tmp_path / 'old.db'}")
    with store.engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    seeded = Profile("seeded", "Seeded", activities=(Activity("s1", "S", partners=("x",)),))
    written = Profile("written", "Written", activities=(Activity("w1", "W", partners=("x",)),))
    with store.engine.begin() as connection:
        for profile, version in ((seeded, 1), (written, 2)):
            document = profile.to_dict()
            document.pop("contacts")
            connection.execute(
                text("INSERT INTO profiles VALUES (:id, :doc, :name, '', 'other', '', :fp, "
                     ":v, :at, :at)"),
                {"id": profile.id, "doc": json.dumps(document), "name": profile.name,
                 "fp": profile.fingerprint(), "v": version, "at": datetime(2026, 1, 1)})
    store.migrate()
    stored = {p.id: p for p in store.profiles.all()}
    assert stored["seeded"].activities[0].provenance.source is Source.CURATOR
    claim = stored["written"].activities[0].provenance
    assert claim.source is Source.SELF and claim.by == "written" and claim.at
    assert stored["written"].activities[0].ties == ()
    assert store.profiles.claims_naming("x") == [("written", "w1")]
    fingerprints = set(store.profiles.fingerprints())
    assert fingerprints == {stored["seeded"].fingerprint(), stored["written"].fingerprint()}
    store.close()
