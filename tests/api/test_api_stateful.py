"""Stateful fuzzing: schemathesis's state machine chains calls along the OpenAPI links of the
app's document (``api/openapi_links.py``): create a profile, then read, change, replace or
delete it, recommend for it, open a request for it; open a request, then read its matches,
express interest, delete it. Every response gets the checks of ``test_api_fuzz.py``: no 5xx;
status code, content type, headers and body conform to the document; invalid input is refused.

Bounded and derandomized (the same scenarios every run), sent with the curator key; links
inferred by schemathesis itself are turned off, so only the document's links are followed.
The two state machine runs are marked ``fuzz``; the checks of the links themselves are not."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, settings
from schemathesis.core.transport import Response
from schemathesis.generation.stateful.state_machine import APIStateMachine
from schemathesis.hooks import HookContext
from schemathesis.python import asgi

from api.app import create_app
from api.openapi_links import LINKS, PROFILE, PROFILES, REQUESTS, add_links
from api.settings import Settings
from engine.taxonomy import COUNTRIES

from .conftest import CURATOR_KEY, wait_ready, write_data
from .test_api_fuzz import CHECKS, shared_profiles

#: scenarios, and calls per scenario: about 12 s for each of the two runs on 2 cores
SETTINGS = settings(
    max_examples=40,
    stateful_step_count=10,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)
OPTIONS: dict[str, Any] = {
    "auth": {"openapi": {"APIKeyHeader": {"api_key": CURATOR_KEY}}},
    "checks": {
        "negative_data_rejection": {
            "expected-statuses": [400, 401, 403, 404, 405, 409, 413, 415, 422, 429]
        }
    },
    "phases": {"stateful": {"inference": {"algorithms": []}}},
}
#: the chain that must occur at least once, on one profile id, each call succeeding
CHAIN = [
    ("POST", PROFILES, 201),
    ("PATCH", PROFILE, 200),
    ("POST", "/v1/recommend", 200),
    ("DELETE", PROFILE, 204),
]
#: a valid client-chosen id (``NewId`` of api/schemas/common.py)
NEW_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@-]{0,199}")
TWO_LETTERS = re.compile("[A-Za-z]{2}")
KNOWN_COUNTRIES = sorted(COUNTRIES)


@dataclass(frozen=True)
class Call:
    """One call of a scenario: the operation, its status and the profile id it concerns
    (created, in the path, or the body's ``requester_id``), if any."""

    method: str
    path: str
    status: int
    profile_id: str | None


def call_of(case: schemathesis.Case, response: Response) -> Call:
    profile_id: Any = (case.path_parameters or {}).get("profile_id")
    if isinstance(case.body, dict):
        profile_id = profile_id or case.body.get("requester_id")
    if (case.method, case.path, response.status_code) == ("POST", PROFILES, 201):
        profile_id = response.json()["id"]
    return Call(case.method, case.path, response.status_code, profile_id)


def has_chain(calls: list[Call]) -> bool:
    """Whether ``calls`` hold ``CHAIN``, in order (not necessarily in a row), on one profile."""
    for start, first in enumerate(calls):
        if (first.method, first.path, first.status) == CHAIN[0]:
            later = iter(
                (call.method, call.path, call.status)
                for call in calls[start + 1 :]
                if call.profile_id == first.profile_id
            )
            if all(step in later for step in CHAIN[1:]):
                return True
    return False


def known_country(code: Any) -> Any:
    """A code the schema allows (two letters) but no country has, as some country's code."""
    if isinstance(code, str) and TWO_LETTERS.fullmatch(code) and code.upper() not in COUNTRIES:
        return KNOWN_COUNTRIES[(ord(code[0]) * 64 + ord(code[1])) % len(KNOWN_COUNTRIES)]
    return code


def plausible(context: HookContext, body: Any) -> Any:
    """The body with its country codes known and, for a search, something sought.

    What the schema cannot say: which two-letter codes are countries, and that a search
    needs a text or a title. Without this most generated bodies are refused as 422 and the
    chains end at their first call. Only values the schema allows are changed, so invalid
    bodies stay invalid."""
    if not isinstance(body, dict):
        return body
    body = dict(body)
    for key, value in body.items():
        if key == "country":
            body[key] = known_country(value)
        elif key.endswith("countries") and isinstance(value, list):
            body[key] = [known_country(code) for code in value]
    searches = context.operation is not None and context.operation.label in (
        "POST /v1/recommend",
        f"POST {REQUESTS}",
    )
    if searches and body.get("text", "") == "" and body.get("title", "") == "":
        body["text"] = "partners for a grid battery storage pilot"
    return body


def scope_new_id(case: schemathesis.Case, scenario: int) -> None:
    """Prefix the id a create call chooses with the scenario's number.

    The database outlives a scenario, and Hypothesis requires the same draws to lead to the
    same rules: an id created in one scenario would be a 409 when drawn again in a later one,
    the link would then have nothing to follow, and Hypothesis stops with
    ``FlakyStrategyDefinition``. Only a valid id is changed, and it stays valid."""
    body = case.body
    if (case.method, case.path) in {("POST", PROFILES), ("POST", REQUESTS)} and isinstance(
        body, dict
    ):
        chosen = body.get("id")
        if isinstance(chosen, str) and NEW_ID.fullmatch(chosen):
            body["id"] = f"s{scenario}-{chosen}"[:200]


def run_recording(schema: schemathesis.BaseSchema) -> list[list[Call]]:
    """Run ``schema``'s state machine under ``SETTINGS``, each response checked with
    ``CHECKS``; the calls of each scenario."""
    scenarios: list[list[Call]] = []
    machine: type[APIStateMachine] = schema.as_state_machine()

    class Recording(machine):  # type: ignore[valid-type, misc]
        def setup(self) -> None:
            scenarios.append([])

        def before_call(self, case: schemathesis.Case) -> None:
            scope_new_id(case, len(scenarios))

        def after_call(self, response: Response, case: schemathesis.Case) -> None:
            super().after_call(response, case)
            scenarios[-1].append(call_of(case, response))

        def validate_response(
            self,
            response: Response,
            case: schemathesis.Case,
            additional_checks: Any = None,
            **kwargs: Any,
        ) -> None:
            case.validate_response(
                response, checks=CHECKS, transport_kwargs=kwargs or None, recorder=self.recorder
            )

    Recording.run(settings=SETTINGS)
    return scenarios


def served_schema(app: FastAPI, **options: Any) -> schemathesis.BaseSchema:
    """The schema the app serves, with ``OPTIONS`` and ``options``, bodies made
    ``plausible``, and the app's lifespan started and its index ready."""
    config = schemathesis.Config.from_dict({**OPTIONS, **options})
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)
    schema.hook("map_body")(plausible)
    with asgi.get_client(app) as client:
        wait_ready(client, timeout=30)
    return schema


@pytest.fixture(scope="module")
def stateful_app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    return create_app(write_data(tmp_path_factory.mktemp("stateful"), shared_profiles()))


def test_links_resolve() -> None:
    """Every link of ``LINKS`` is in the document and its target operation exists: a route
    renamed or removed fails here, naming the link, instead of silently losing the link."""
    document = create_app(Settings(_env_file=None)).openapi()
    operation_ids = {
        operation["operationId"]
        for item in document["paths"].values()
        for operation in item.values()
    }
    for link in LINKS:
        method, path, status = link.source
        responses = document["paths"].get(path, {}).get(method, {}).get("responses", {})
        served = responses.get(status, {}).get("links", {}).get(link.name)
        assert served is not None, f"{link} is not served"
        assert served["operationId"] in operation_ids, f"{link}: no such operation"


def test_add_links_leaves_out_missing_operations() -> None:
    """Only links between operations the document has are added, to a copy."""
    created = {"operationId": "create", "responses": {"201": {"description": "created"}}}
    document = {"paths": {PROFILES: {"post": created}, PROFILE: {"get": {"operationId": "read"}}}}
    linked = add_links(document)
    assert linked["paths"][PROFILES]["post"]["responses"]["201"]["links"] == {
        "GetProfile": {
            "operationId": "read",
            "parameters": {"path.profile_id": "$response.body#/id"},
        }
    }
    assert "links" not in created["responses"]["201"]


@pytest.mark.fuzz
def test_sequences_conform(stateful_app: FastAPI) -> None:
    """Scenarios along every link, valid and invalid input, conform to the document."""
    schema = served_schema(stateful_app)
    assert schema.statistic.transitions.total == len(LINKS), "schemathesis skipped links"
    calls = [call for scenario in run_recording(schema) for call in scenario]
    succeeded = {(call.method, call.path) for call in calls if call.status < 300}
    # reached only along links (creating a profile is the one root), with the id they carry
    linked = {
        ("GET", PROFILE),
        ("PATCH", PROFILE),
        ("DELETE", PROFILE),
        ("POST", "/v1/recommend"),
        ("POST", REQUESTS),
        ("GET", "/v1/requests/{request_id}"),
    }
    assert linked <= succeeded, f"never succeeded: {sorted(linked - succeeded)}"


@pytest.mark.fuzz
def test_create_patch_recommend_delete(stateful_app: FastAPI) -> None:
    """The state machine follows the links through a profile's life: created, changed,
    recommended for (its id as ``requester_id``) and deleted, in one scenario (valid input
    only, and only these four operations, so that the chain is reached within the bound)."""
    names = [f"{method} {path}" for method, path, _ in CHAIN]
    schema = served_schema(stateful_app, generation={"mode": "positive"}).include(name=names)
    scenarios = run_recording(schema)
    assert any(has_chain(calls) for calls in scenarios), "no create-patch-recommend-delete"
