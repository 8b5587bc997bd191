"""Hardening of inputs: every string is normalised before it is validated (invisible
characters out, Unicode NFKC, no surrounding spaces) and a NUL is refused wherever it comes
(body, query, path); feedback, interests and requests refer to profiles and requests that
exist; and ``null`` in a PATCH resets each field to its default."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import unicodedata
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import BaseModel, ValidationError

import api.routes
from api.app import create_app
from api.settings import Settings
from api.store import Store
from api.text import IGNORABLE, PLANES, normalise
from engine.errors import ConflictError, NotFoundError
from engine.errors import ValidationError as EngineValidationError

from ..conftest import make_profiles
from .conftest import CURATOR, wait_ready, write_data

INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u202e\u034f\ufe0f\u3164"


def routes() -> list[APIRoute]:
    """Every route of every module of :mod:`api.routes`."""
    found = []
    for module in pkgutil.iter_modules(api.routes.__path__):
        router = importlib.import_module(f"api.routes.{module.name}").router
        found += [r for r in router.routes if isinstance(r, APIRoute)]
    return found


def route(method: str, path: str) -> APIRoute:
    return next(r for r in routes() if method in r.methods and r.path == path)


def fields(response: Any) -> list[str]:
    return [e["field"] for e in response.json().get("errors") or []]


# ---- the normalisation itself ---------------------------------------------------------------
def test_invisible_characters_and_controls_are_removed() -> None:
    assert normalise(INVISIBLE) == ""
    assert normalise(f" \t{INVISIBLE}\x07\x1b \u00a0\u3000") == ""
    assert normalise("zero\u200bwidth\u2060join\ufeff") == "zerowidthjoin"
    assert normalise("\u202eevil\u202c") == "evil"  # no bidirectional override survives
    # an emoji sequence loses its joiners and variation selectors: accepted
    assert normalise("\U0001f468\u200d\U0001f469\u200d\U0001f467 \u2764\ufe0f") == (
        "\U0001f468\U0001f469\U0001f467 \u2764"
    )


def test_nfkc_folds_compatibility_forms() -> None:
    assert normalise("\ufb01le \uff21\uff22\uff23 1\u00a0000 e\u0301") == "file ABC 1 000 \u00e9"


def test_line_breaks_and_tabs_are_kept_in_free_texts_only() -> None:
    text = " first\r\nsecond\rthird\u2028fourth\tcol\x0bfifth \n"
    assert normalise(text, multiline=True) == "first\nsecond\nthird\nfourth\tcol\nfifth"
    assert normalise(text) == "first second third fourth col fifth"


@pytest.mark.parametrize("multiline", [False, True], ids=["one-line", "multiline"])
def test_normalise_is_stable(multiline: bool) -> None:
    """Normalising a normalised text changes nothing, for every code point of the planes
    where invisible characters live (NFKC never produces a removed character)."""
    for plane in PLANES:
        for cp in plane:
            if 0xD800 <= cp <= 0xDFFF:
                continue
            once = normalise(chr(cp), multiline=multiline)
            assert normalise(once, multiline=multiline) == once, hex(cp)


def test_every_control_and_format_character_is_in_the_planes_scanned() -> None:
    outside = [
        cp for cp in range(sys.maxunicode + 1)
        if not any(cp in plane for plane in PLANES)
        and unicodedata.category(chr(cp)) in ("Cc", "Cf")
    ]
    assert outside == []
    assert all(any(low in plane for plane in PLANES) for low, _ in IGNORABLE)


# ---- NUL: refused in every string input -----------------------------------------------------
def strings_of(model: type[BaseModel]) -> list[tuple[Any, ...]]:
    schema = model.model_json_schema()
    return string_leaves(schema, schema.get("$defs", {}))


def string_leaves(schema: dict[str, Any], defs: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Paths (field names, list index 0) to every free string of a JSON schema, nested
    objects followed."""
    if "$ref" in schema:
        return string_leaves(defs[schema["$ref"].rsplit("/", 1)[1]], defs)
    if "anyOf" in schema:
        return [p for branch in schema["anyOf"] for p in string_leaves(branch, defs)]
    if "enum" in schema or "const" in schema or "format" in schema:
        return []  # a choice, or parsed as a date: not free text
    if schema.get("type") == "string":
        return [()]
    if schema.get("type") == "array":
        return [(0, *p) for p in string_leaves(schema.get("items", {}), defs)]
    return [
        (name, *p)
        for name, sub in schema.get("properties", {}).items()
        for p in string_leaves(sub, defs)
    ]


def holding(path: tuple[Any, ...], value: str) -> Any:
    """A payload with ``value`` at ``path`` and nothing else."""
    if not path:
        return value
    head, *rest = path
    inner = holding(tuple(rest), value)
    return [inner] if head == 0 else {head: inner}


BODIES = sorted(
    {r.body_field.field_info.annotation for r in routes() if r.body_field is not None},
    key=lambda model: model.__name__,
)
BODY_STRINGS = [
    (model, path)
    for model in BODIES
    for path in strings_of(model)
]


def test_every_body_has_its_strings_found() -> None:
    names = {model.__name__ for model in BODIES}
    assert {"RecommendIn", "ProfileCreate", "ProfileUpdate", "FeedbackCreate"} <= names
    assert ("RecommendIn", ("text",)) in {(m.__name__, p) for m, p in BODY_STRINGS}


@pytest.mark.parametrize(
    ("model", "path"), BODY_STRINGS, ids=[f"{m.__name__}.{p}" for m, p in BODY_STRINGS]
)
def test_nul_is_refused_in_every_body_string(model: type[BaseModel], path: tuple[Any, ...]) -> None:
    """Each string field of each request body, nested ones too: a NUL is an error of that
    very field (whatever else the lone field leaves missing)."""
    with pytest.raises(ValidationError) as raised:
        model.model_validate(holding(path, "ok\x00"))
    refused = [e for e in raised.value.errors() if e["loc"] == path]
    assert refused and refused[0]["type"] in {"string_nul", "string_pattern_mismatch"}, refused


def string_parameters(app: FastAPI) -> list[tuple[str, str, str, str]]:
    """(method, path, where, name) of every string query and path parameter."""
    found = []
    for path, item in app.openapi()["paths"].items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []):
                schema = parameter["schema"]
                branches = schema.get("anyOf", [schema])
                free = any(b.get("type") == "string" and "enum" not in b for b in branches)
                if parameter["in"] in {"query", "path"} and free:
                    found.append((method.upper(), path, parameter["in"], parameter["name"]))
    return found


PARAMETERS = string_parameters(create_app(Settings(_env_file=None)))


@pytest.fixture(scope="module")
def refusing_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One service for the module's cases that are refused and change nothing (each app
    start costs ~0.4 s)."""
    app = create_app(write_data(tmp_path_factory.mktemp("refusing"), make_profiles()))
    with TestClient(app, raise_server_exceptions=False) as client:
        wait_ready(client)
        yield client


@pytest.mark.parametrize(
    ("method", "path", "where", "name"), PARAMETERS,
    ids=[f"{m} {p} {n}" for m, p, _, n in PARAMETERS],
)
def test_nul_is_refused_in_every_string_parameter(
    refusing_client: TestClient, method: str, path: str, where: str, name: str
) -> None:
    """A NUL in a path or query parameter is a 422 naming it: never a match, never a
    filter cut short at the NUL."""
    url = path
    for other in [part[1:-1] for part in path.split("/") if part.startswith("{")]:
        url = url.replace(f"{{{other}}}", quote("de-cluster\x00" if other == name else "x"))
    params = {name: "de-cluster\x00"} if where == "query" else {}
    response = refusing_client.request(method, url, params=params, headers=CURATOR)
    assert response.status_code == 422 and name in fields(response), response.text


def test_nul_in_a_list_filter_is_not_a_match_of_everything(client: TestClient) -> None:
    response = client.get("/v1/profiles", params={"q": "\x00"})
    assert response.status_code == 422 and fields(response) == ["q"]
    assert client.get("/v1/profiles/de-cluster%00").status_code == 422


# ---- texts that are empty once normalised ---------------------------------------------------
@pytest.mark.parametrize("text", ["\u200b\u200b", "\u0000", INVISIBLE, " \t\r\n "])
def test_a_meaningless_request_text_is_422(client: TestClient, text: str) -> None:
    response = client.post("/v1/recommend", json={"text": text, "title": "\u2060"})
    assert response.status_code == 422, response.text
    assert "text" in fields(response)


def test_a_meaningless_name_is_422(client: TestClient, curator: dict[str, str]) -> None:
    for name in ("\u200b", INVISIBLE, "\ufeff \u00a0"):
        response = client.post("/v1/profiles", json={"id": "ghost", "name": name}, headers=curator)
        assert response.status_code == 422 and fields(response) == ["name"], response.text
        patched = client.patch("/v1/profiles/de-cluster", json={"name": name}, headers=curator)
        assert patched.status_code == 422 and fields(patched) == ["name"], patched.text
    assert client.get("/v1/profiles/ghost").status_code == 404


def test_a_meaningless_reference_is_422(client: TestClient, curator: dict[str, str]) -> None:
    body = {"profile_id": "\u200b", "label": "relevant", "request_text": "battery"}
    response = client.post("/v1/feedback", json=body, headers=curator)
    assert response.status_code == 422 and fields(response) == ["profile_id"]
    empty = {"profile_id": "de-cluster", "label": "relevant", "request_text": INVISIBLE}
    assert client.post("/v1/feedback", json=empty, headers=curator).status_code == 422


def test_what_is_stored_is_normalised(
    client: TestClient, curator: dict[str, str], new_profile: dict[str, Any]
) -> None:
    body = {
        **new_profile,
        "name": " \uff2c\uff49\uff54\u200bhuanian \ufb01bre\r\nlasers ",
        "keywords": ["\u00a0lasers\u200b", "\u200b"],
        "description": "Ultrafast lasers.\r\n\tFor glass\u00ad cutting.\x07",
    }
    created = client.post("/v1/profiles", json=body, headers=curator)
    assert created.status_code == 201, created.text
    stored = client.get("/v1/profiles/lt-laser").json()
    assert stored["name"] == "Lithuanian fibre lasers"
    assert stored["keywords"] == ["lasers"]
    assert stored["description"] == "Ultrafast lasers.\n\tFor glass cutting."
    # the list filter is normalised the same way: full-width letters find the ASCII name
    found = client.get("/v1/profiles", params={"q": "\uff4c\uff49\uff54\u200bhuanian"}).json()
    assert [p["id"] for p in found["data"]] == ["lt-laser"]


def test_lengths_are_checked_as_sent_and_once_normalised(
    client: TestClient, curator: dict[str, str]
) -> None:
    """A name within 500 characters as sent but not once NFKC expanded its ligatures is
    refused; so is one over 500 as sent, even if only by spaces the normalisation strips."""
    for name in ("\ufb01" * 300, "a" * 500 + " "):
        response = client.post("/v1/profiles", json={"id": "long", "name": name}, headers=curator)
        assert response.status_code == 422 and fields(response) == ["name"], response.text
    keyword = client.post(
        "/v1/profiles", json={"id": "long", "name": "Long", "keywords": ["\ufb03" * 100]},
        headers=curator,
    )
    assert keyword.status_code == 422 and fields(keyword) == ["keywords.0"]
    fits = client.post("/v1/profiles", json={"id": "long", "name": "\ufb01" * 250},
                       headers=curator)
    assert fits.status_code == 201 and fits.json()["name"] == "fi" * 250


# ---- references to profiles and requests that exist -----------------------------------------
def test_feedback_on_an_unknown_profile_or_request_is_422(
    client: TestClient, curator: dict[str, str]
) -> None:
    for body, field in (
        ({"profile_id": "ghost", "request_text": "battery"}, "profile_id"),
        ({"profile_id": "ghost", "request_id": "req-battery"}, "profile_id"),
        ({"profile_id": "de-cluster", "request_id": "ghost"}, "request_id"),
    ):
        response = client.post(
            "/v1/feedback", json={**body, "label": "relevant"}, headers=curator
        )
        assert response.status_code == 422 and fields(response) == [field], response.text
    assert client.get("/v1/feedback", headers=curator).json()["count"] == 0


def test_feedback_store_checks_references_in_its_transaction(
    app: FastAPI, client: TestClient
) -> None:
    """The store itself refuses (the service's earlier read of the request cannot see a
    delete that comes after it), and nothing is written. (``client`` starts the app, which
    opens the store.)"""
    store: Store = app.state.store
    common: dict[str, Any] = {"query_hash": "h", "label": "relevant", "rank": None, "key_id": None}
    with pytest.raises(EngineValidationError) as raised:
        store.feedback.add(request_id=None, profile_id="ghost", **common)
    assert raised.value.field == "profile_id"
    store.requests.delete("req-battery")
    with pytest.raises(EngineValidationError) as raised:
        store.feedback.add(request_id="req-battery", profile_id="de-cluster", **common)
    assert raised.value.field == "request_id"
    assert store.feedback.page(label=None, profile_id=None, offset=0, limit=10)[1] == 0
    assert store.feedback.add(request_id=None, profile_id="de-cluster", **common).id >= 1


def test_interest_store_tells_why_the_database_refused(
    app: FastAPI, client: TestClient
) -> None:
    """The foreign keys refuse an interest with the insert; the store then says why."""
    store: Store = app.state.store
    with pytest.raises(NotFoundError):
        store.interests.add("ghost", "de-cluster", "")
    with pytest.raises(EngineValidationError) as raised:
        store.interests.add("req-imaging", "ghost", "")
    assert raised.value.field == "profile_id"
    store.interests.add("req-imaging", "de-cluster", "")
    with pytest.raises(ConflictError):
        store.interests.add("req-imaging", "de-cluster", "")


def test_interest_message_is_normalised_and_references_checked(
    client: TestClient, curator: dict[str, str]
) -> None:
    url = "/v1/requests/req-imaging/interest"
    ghost = client.post(url, json={"profile_id": "ghost"}, headers=curator)
    assert ghost.status_code == 422 and fields(ghost) == ["profile_id"]
    missing = client.post("/v1/requests/ghost/interest", json={"profile_id": "de-cluster"},
                          headers=curator)
    assert missing.status_code == 404
    sent = client.post(url, json={"profile_id": "de-cluster", "message": " Hi\r\nthere\u200b "},
                       headers=curator)
    assert sent.status_code == 201 and sent.json()["message"] == "Hi\nthere"


def test_a_request_for_an_unknown_requester_is_422(
    client: TestClient, curator: dict[str, str]
) -> None:
    body = {"id": "req-ghost", "text": "battery storage partners", "requester_id": "ghost"}
    response = client.post("/v1/requests", json=body, headers=curator)
    assert response.status_code == 422 and fields(response) == ["requester_id"]
    assert client.get("/v1/requests/req-ghost").status_code == 404


# ---- PATCH: null resets every field -----------------------------------------------------------
#: per PATCH route: a value other than the default for every field its body may change
CHANGED: dict[str, dict[str, Any]] = {
    "/v1/profiles/{profile_id}": {
        "name": "Changed Laser Cluster",
        "kind": "company",
        "country": "LT",
        "sme": True,
        "acronym": "CLC",
        "region": "LT01",
        "region_name": "Sostines regionas",
        "city": "Vilnius",
        "lat": 54.69,
        "lon": 25.28,
        "url": "https://laser.example.org",
        "ecosystems": ["electronics"],
        "keywords": ["lasers"],
        "description": "Laser makers.",
        "activities": [{"id": "l1", "title": "Lasers", "text": "Ultrafast lasers", "year": 2022}],
        "source": "test",
        "contacts": ["Ona Laser <ona@example.org>"],
    },
}
PATCHES = [r for r in routes() if "PATCH" in r.methods]
PATCH_FIELDS = [
    (r.path, name)
    for r in PATCHES
    for name in r.body_field.field_info.annotation.model_fields  # type: ignore[union-attr]
]


def test_every_patch_route_has_changed_values() -> None:
    assert PATCHES, "no PATCH route found"
    for patch in PATCHES:
        body = patch.body_field.field_info.annotation  # type: ignore[union-attr]
        assert set(body.model_fields) == set(CHANGED.get(patch.path, {})), patch.path


@pytest.mark.parametrize(("path", "name"), PATCH_FIELDS, ids=[n for _, n in PATCH_FIELDS])
def test_null_resets_a_field_to_its_default(
    client: TestClient, curator: dict[str, str], path: str, name: str
) -> None:
    """Create with every field changed, PATCH ``{name: null}``, read back (with a curator
    key, which sees contacts too): the field is as in a resource created without it; a
    field that has no default (a required one) is a 422 naming it and changes nothing."""
    collection = path.rsplit("/", 1)[0]
    create = route("POST", collection).body_field.field_info.annotation  # type: ignore[union-attr]
    changed = {"id": "p-changed", **CHANGED[path]}
    assert client.post(collection, json=changed, headers=curator).status_code == 201
    minimal = {"id": "p-minimal", "name": "Minimal"}
    assert client.post(collection, json=minimal, headers=curator).status_code == 201
    default = client.get(f"{collection}/p-minimal", headers=curator).json()[name]
    before = client.get(f"{collection}/p-changed", headers=curator).json()
    assert before[name] != default, f"CHANGED[{path!r}][{name!r}] is the default"

    response = client.patch(f"{collection}/p-changed", json={name: None}, headers=curator)
    after = client.get(f"{collection}/p-changed", headers=curator).json()
    if create.model_fields[name].is_required():
        assert response.status_code == 422 and fields(response) == [name], response.text
        assert after == before
    else:
        assert response.status_code == 200, response.text
        assert after[name] == default
        assert response.json()[name] == default
