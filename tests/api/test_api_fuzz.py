"""Fuzzing: schemathesis generates requests from the app's own OpenAPI document (valid and
invalid ones) and checks that no response is a 5xx and that every response conforms to the
document: status code, content type, headers and body schema; invalid input must be refused.

Bounded: ``MAX_EXAMPLES`` (100) per operation and mode, derandomized (the same cases every run),
sent with the curator key so that writes are exercised, not only refused. One test per
operation and generation mode; the app (and its index) is shared by the module."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app
from api.settings import Settings
from engine.profiles import Profile

from .conftest import CURATOR_KEY, wait_ready, write_data

pytestmark = pytest.mark.fuzz

#: examples per operation and mode; PARTNER_SEARCH_FUZZ_EXAMPLES=500 for a deeper run
MAX_EXAMPLES = int(os.environ.get("PARTNER_SEARCH_FUZZ_EXAMPLES", "100"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
#: the curator key for the API-key security scheme (schemathesis applies it, so it also
#: knows when a case leaves it out on purpose); invalid input may be refused as too large
CONFIG = schemathesis.Config.from_dict(
    {
        "auth": {"openapi": {"APIKeyHeader": {"api_key": CURATOR_KEY}}},
        "checks": {
            "negative_data_rejection": {
                "expected-statuses": [400, 401, 403, 404, 405, 409, 413, 415, 422, 429]
            }
        },
    }
)
#: (method, path) of every operation, read from the schema at collection (no server needed)
OPERATIONS = [
    (method.upper(), path)
    for path, item in create_app(Settings(_env_file=None)).openapi()["paths"].items()
    for method in item
]


def shared_profiles() -> list[Profile]:
    """The hand-made profiles of ``tests/conftest.py`` (a module-scoped fixture cannot use
    the function-scoped ``profiles`` fixture)."""
    spec = importlib.util.spec_from_file_location(
        "shared_conftest", Path(__file__).parents[1] / "conftest.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_profiles()  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    return create_app(write_data(tmp_path_factory.mktemp("fuzz"), shared_profiles()))


@pytest.fixture
def api_schema(fuzz_app: FastAPI) -> schemathesis.BaseSchema:
    """The schema, with the app's lifespan started and its index ready. Schemathesis ends
    ASGI lifespans after each test, so each test starts the app again (on the same database
    and index folder: restarts are exercised too)."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzz_app, config=CONFIG)
    with asgi.get_client(fuzz_app) as client:
        wait_ready(client, timeout=30)
    return schema


@pytest.mark.parametrize(
    "mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"]
)
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_operation_conforms(
    api_schema: schemathesis.BaseSchema, method: str, path: str, mode: GenerationMode
) -> None:
    operation = api_schema[path][method]
    statuses: list[int] = []

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: schemathesis.Case) -> None:
        statuses.append(case.call_and_validate(checks=CHECKS).status_code)

    try:
        run()
    except Unsatisfiable:
        # Only an operation that takes no input at all has no invalid input to generate.
        assert mode is GenerationMode.NEGATIVE, f"no valid input for {method} {path}"
        assert not list(operation.iter_parameters()), f"{method} {path} has parameters"
        assert not operation.get_request_payload_content_types(), f"{method} {path} has a body"
        return
    if mode is GenerationMode.POSITIVE:  # the key was sent: valid input is not refused as 401
        assert set(statuses) - {401}, f"only 401 for {method} {path}"
