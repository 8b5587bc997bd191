"""The HTTP edge, hardened after an adversarial probe: the per-IP rate limit keys on the real
client (``X-Forwarded-For`` only from ``TRUSTED_PROXIES``), bodies must be UTF-8 JSON
(400/415 problems otherwise), redirects never name the ``Host`` of the request, security
headers on every response, the API reference served without a CDN, every error a problem
document (CORS and trusted-host refusals too), and ``HEAD`` wherever ``GET``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import STATIC_DIR, create_app
from api.redirects import relative_location
from api.settings import Settings

from .conftest import Server, make_settings

PROBLEM = "application/problem+json"
JSON = {"Content-Type": "application/json"}


def no_lifespan_client(settings: Settings) -> TestClient:
    """A client on an app whose index is never loaded: enough for what the edge answers."""
    return TestClient(create_app(settings), raise_server_exceptions=False)


# ---- 1. the rate limit keys on the real client -------------------------------------------
def limited_server(root: Path, **env: str) -> Server:
    return Server(
        root,
        PARTNER_SEARCH_RATE_LIMIT_ENABLED="true",
        PARTNER_SEARCH_RATE_PER_IP="0.1",
        PARTNER_SEARCH_BURST_PER_IP="5",
        **env,
    ).start()


def statuses(server: Server, forwarded: list[str]) -> list[int]:
    with httpx.Client(base_url=server.url, timeout=10) as client:
        return [
            client.get("/v1/taxonomy", headers={"X-Forwarded-For": f}).status_code
            for f in forwarded
        ]


@pytest.mark.e2e
def test_forwarded_for_from_an_untrusted_peer_is_ignored(server_root: Path) -> None:
    server = limited_server(server_root)  # no TRUSTED_PROXIES: the default
    try:
        seen = statuses(server, [f"203.0.113.{n}" for n in range(12)])
    finally:
        server.stop()
    assert seen[:5] == [200] * 5 and seen[6:] == [429] * 6, seen


@pytest.mark.e2e
def test_a_trusted_proxy_is_believed_and_cannot_be_fooled(server_root: Path) -> None:
    server = limited_server(server_root, PARTNER_SEARCH_TRUSTED_PROXIES="127.0.0.1,10.0.0.0/8")
    try:
        distinct = statuses(server, [f"203.0.113.{n}" for n in range(12)])
        # the proxy appends the peer it saw; addresses a client wrote before it are ignored
        one_client = statuses(server, [f"192.0.2.{n}, 198.51.100.7" for n in range(8)])
    finally:
        server.stop()
    assert distinct == [200] * 12, distinct
    assert one_client[:5] == [200] * 5 and one_client[6:] == [429] * 2, one_client


def test_trusted_proxies_are_addresses_or_networks() -> None:
    settings = Settings(_env_file=None, trusted_proxies="10.0.0.0/8, 192.0.2.1")
    assert settings.trusted_proxies == ["10.0.0.0/8", "192.0.2.1"]
    assert Settings(_env_file=None).trusted_proxies == []
    for bad in ("*", "proxy.example.org", "10.0.0.0/33"):
        with pytest.raises(ValueError, match="trusted_proxies"):
            Settings(_env_file=None, trusted_proxies=bad)


# ---- 2. bodies are UTF-8 JSON ------------------------------------------------------------
def test_malformed_json_is_a_400_saying_where(client: TestClient) -> None:
    response = client.post("/v1/recommend", content=b'{"text": "x"', headers=JSON)
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["type"] == "urn:partner-search:problem:bad-request"
    assert body["detail"] == (
        "the body is not valid JSON: Expecting ',' delimiter at line 1 column 13"
    )
    assert "errors" not in body


@pytest.mark.parametrize(
    ("content", "status", "words"),
    [
        ('{"text": "battery"}'.encode("utf-16"), 415, "not UTF-8 (byte 0xff at offset 0)"),
        ('{"text": "battery"}'.encode("utf-16-le"), 415, "NUL bytes"),
        ('{"text": "battery"}'.encode("utf-32"), 415, "not UTF-8"),
        ('{"text": "Zürich"}'.encode("latin-1"), 415, "byte 0xfc at offset 11"),
        (b'\xef\xbb\xbf{"text": "battery"}', 400, "byte order mark"),
        (b'{"text": "battery", "cross_border": NaN}', 400, "NaN is not a JSON value"),
        (b"[" * 40_000, 400, "nested too deeply"),
        (b"", 422, "body"),  # no body at all: the schema says it is required
    ],
    ids=["utf-16", "utf-16-le", "utf-32", "latin-1", "bom", "nan", "deep", "empty"],
)
def test_bodies_that_are_not_utf8_json(
    client: TestClient, content: bytes, status: int, words: str
) -> None:
    response = client.post("/v1/recommend", content=content, headers=JSON)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    assert words in response.json()["detail"]


@pytest.mark.parametrize(
    ("content_type", "words"),
    [
        (None, "no Content-Type"),
        ("text/plain", "the body is text/plain"),
        ("application/x-www-form-urlencoded", "application/x-www-form-urlencoded"),
        ("multipart/form-data; boundary=x", "multipart/form-data"),
        ("application/json; charset=utf-16", "declared as utf-16"),
    ],
)
def test_bodies_not_sent_as_json_are_415(
    client: TestClient, content_type: str | None, words: str
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post("/v1/recommend", content=b'{"text": "battery"}', headers=headers)
    assert response.status_code == 415
    assert response.json()["type"] == "urn:partner-search:problem:unsupported-media-type"
    assert words in response.json()["detail"]


def test_utf8_json_passes_whatever_its_spelling(client: TestClient) -> None:
    text = '{"text": "Batteriespeicher für Zürich", "k": 2}'.encode()
    for content_type in ("application/json", "application/json; charset=UTF-8"):
        headers = {"Content-Type": content_type}
        response = client.post("/v1/recommend", content=text, headers=headers)
        assert response.status_code == 200, response.text

    def chunks() -> Iterator[bytes]:  # streamed without a length: checked once it is whole
        yield b'{"text": "battery", '
        yield b'"k": 2'

    streamed = client.post("/v1/recommend", content=chunks(), headers=JSON)
    assert streamed.status_code == 400 and "line 1 column 27" in streamed.json()["detail"]


# ---- 3. redirects never name the request's Host ----------------------------------------
@pytest.mark.parametrize(
    ("path", "location"),
    [("/", "/ui/"), ("/ui", "/ui/"), ("/v1/taxonomy/", "/v1/taxonomy"),
     ("/v1/profiles/?limit=2", "/v1/profiles?limit=2")],
)
def test_redirects_are_relative_whatever_the_host(
    client: TestClient, path: str, location: str
) -> None:
    response = client.get(path, headers={"Host": "evil.example"}, follow_redirects=False)
    assert response.is_redirect
    assert response.headers["location"] == location


def test_relative_location_keeps_other_hosts_and_never_becomes_network_path() -> None:
    own = "127.0.0.1:8000"
    assert relative_location("http://127.0.0.1:8000/ui/?a=1#x", own) == "/ui/?a=1#x"
    assert relative_location("https://partner.example/x", own) == "https://partner.example/x"
    assert relative_location("/ui/", own) == "/ui/"
    assert relative_location("http://127.0.0.1:8000//evil.example/", own) == "/evil.example/"
    assert relative_location("http://127.0.0.1:8000/\\evil.example/", own) == "/evil.example/"


def test_allowed_hosts_refuse_other_hosts_with_a_problem(tmp_path: Path) -> None:
    client = no_lifespan_client(
        make_settings(tmp_path, allowed_hosts=["search.example.org", "testserver"])
    )
    assert client.get("/health").status_code == 200
    refused = client.get("/health", headers={"Host": "evil.example"})
    assert refused.status_code == 400
    assert refused.headers["content-type"] == PROBLEM
    assert refused.json()["detail"] == "Invalid host header"
    assert refused.headers["x-content-type-options"] == "nosniff"


# ---- 4. security headers -------------------------------------------------------------------
def directives(policy: str) -> dict[str, str]:
    return dict(d.strip().split(" ", 1) for d in policy.split(";"))


def test_every_response_has_the_security_headers(client: TestClient) -> None:
    for path in ("/ui/", "/ui/app.js", "/v1/taxonomy", "/v1/nothing", "/health", "/docs"):
        response = client.get(path)
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert response.headers["referrer-policy"] == "no-referrer", path
        assert response.headers["x-frame-options"] == "SAMEORIGIN", path
        policy = directives(response.headers["content-security-policy"])
        assert policy["script-src"] == "'self'" and policy["frame-ancestors"] == "'self'", path
        assert policy["object-src"] == "'none'" and policy["base-uri"] == "'none'", path
    ui = directives(client.get("/ui/").headers["content-security-policy"])
    assert "unsafe" not in " ".join(ui.values())


def test_frame_ancestors_come_from_the_settings(tmp_path: Path) -> None:
    allowed = ["'self'", "https://cluster.example.org"]
    client = no_lifespan_client(make_settings(tmp_path, frame_ancestors=allowed))
    response = client.get("/ui/")
    policy = directives(response.headers["content-security-policy"])
    assert policy["frame-ancestors"] == "'self' https://cluster.example.org"
    assert "x-frame-options" not in response.headers  # it cannot name another origin
    none = no_lifespan_client(make_settings(tmp_path, frame_ancestors="none"))
    assert none.get("/ui/").headers["x-frame-options"] == "DENY"
    for bad in ("https://a.eu; script-src *", "javascript:", "'none' 'self'", "'unsafe-inline'"):
        with pytest.raises(ValueError, match="frame_ancestors"):
            make_settings(tmp_path, frame_ancestors=bad)


def test_the_ui_needs_no_inline_script_or_style() -> None:
    """What the UI's CSP (``script-src 'self'; style-src 'self'``) would refuse."""
    for path in STATIC_DIR.rglob("*"):
        if path.suffix not in {".html", ".js"}:
            continue
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(STATIC_DIR).as_posix()
        if path.suffix == ".html":
            assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), name
            assert not re.search(r"<style\b|\sstyle\s*=|\son[a-z]+\s*=", text), name
        assert not re.search(r"\beval\(|new Function\(|javascript:", text), name
        html_from_strings = r"\.(inner|outer)HTML\s*=|insertAdjacentHTML\(|document\.write\("
        assert not re.search(html_from_strings, text), name
        assert not re.search(r"""setAttribute\(\s*["']style""", text), name


# ---- 5. the API reference without a CDN ------------------------------------------------------
def test_docs_pages_load_everything_from_this_server(client: TestClient) -> None:
    for path in ("/docs", "/redoc"):
        page = client.get(path)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "http://" not in page.text and "https://" not in page.text, path
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page.text), path  # no inline
        refs = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        for ref in refs:
            asset = client.get(f"/{ref}")
            assert asset.status_code == 200, ref
        scripts = {ref.rsplit("/", 1)[-1] for ref in refs if ref.endswith(".js")}
        expected = {"swagger-ui-bundle.js", "swagger-init.js"} if path == "/docs" else {
            "redoc.standalone.js"
        }
        assert scripts == expected, path
    swagger = directives(client.get("/docs").headers["content-security-policy"])
    assert "unsafe" not in " ".join(swagger.values())
    redoc = directives(client.get("/redoc").headers["content-security-policy"])
    assert redoc["script-src"] == "'self'"
    assert redoc["style-src"] == "'self' 'unsafe-inline'" and redoc["worker-src"] == "'self' blob:"
    assert client.get("/docs/static/swagger-ui.css").headers["content-type"].startswith("text/css")
    paths = client.get("/openapi.json").json()["paths"]
    assert not {"/docs", "/redoc"} & set(paths)


# ---- 6. every error is a problem; HEAD wherever GET --------------------------------------
def test_cors_refusals_are_problems(client: TestClient) -> None:
    preflight = {"Access-Control-Request-Method": "POST"}
    for headers in (
        {"Origin": "https://evil.example", **preflight},
        {"Origin": "https://cluster.example.org", "Access-Control-Request-Method": "TRACE"},
        {"Origin": "https://cluster.example.org", **preflight,
         "Access-Control-Request-Headers": "x-secret"},
    ):
        response = client.options("/v1/recommend", headers=headers)
        assert response.status_code == 400
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["detail"].startswith("Disallowed CORS"), response.json()
        assert response.headers["x-content-type-options"] == "nosniff"
    allowed = client.options(
        "/v1/recommend", headers={"Origin": "https://cluster.example.org", **preflight}
    )
    assert allowed.status_code == 200  # not an error: left as it is


def test_head_is_answered_wherever_get_is(client: TestClient) -> None:
    for path in ("/v1/taxonomy", "/v1/profiles/de-cluster", "/health", "/ui/", "/docs"):
        get = client.get(path)
        head = client.head(path)
        assert head.status_code == get.status_code == 200, path
        assert head.content == b"", path
        assert head.headers["content-length"] == get.headers["content-length"], path
        assert head.headers["content-type"] == get.headers["content-type"], path
    missing = client.head("/v1/profiles/nobody")
    assert missing.status_code == 404 and missing.content == b""
    assert client.head("/v1/recommend").status_code == 405  # POST only
    assert 'method="HEAD",route="/v1/taxonomy",status="200"' in client.get("/metrics").text
    schema = client.get("/openapi.json").json()
    assert all("head" not in item for item in schema["paths"].values())
