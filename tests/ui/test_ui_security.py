"""The HTTP edge in a real browser: the workspace runs under its Content-Security-Policy with
no violation; the embed snippet of the "Embed" page works on a partner site (another origin,
listed in ``CORS_ORIGINS``), which may also frame the workspace when it is listed in
``FRAME_ANCESTORS`` (and only then); ``/docs`` (Swagger UI) and ``/redoc`` render with every
request to another host refused.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from ..api.conftest import Server, free_port, write_data
from ..conftest import make_profiles
from .conftest import UI

pytestmark = pytest.mark.browser

BATTERY = (
    "We seek partners for battery energy storage in solar parks and grid pilots, "
    "with experience in lithium cells."
)
#: records the page's CSP violations in ``window.cspViolations`` (from the first script on)
WATCH_CSP = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.cspViolations.push(`${e.effectiveDirective} ${e.blockedURI} ${where}`);
});
"""
#: ReDoc's sidebar credits show Redocly's logo from its CDN: the CSP blocks it, nothing is
#: fetched, and ReDoc drops the image on the error
REDOC_LOGO = "img-src https://cdn.redoc.ly/redoc/logo-mini.svg"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the stdlib's name)
        pass


@pytest.fixture(scope="module")
def partner_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, int]]:
    """A static web server for "a partner's site": its folder and port. Reached as
    ``http://localhost:PORT`` it is another origin than the API's ``http://127.0.0.1:...``."""
    folder = tmp_path_factory.mktemp("partner-site")
    handler = functools.partial(_QuietHandler, directory=str(folder))
    httpd = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield folder, int(httpd.server_address[1])
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def embed_server(
    tmp_path_factory: pytest.TempPathFactory, partner_site: tuple[Path, int]
) -> Iterator[Server]:
    """The service, with the partner's origin allowed to call it and to frame it."""
    root = tmp_path_factory.mktemp("embed")
    write_data(root, make_profiles())
    origin = f"http://localhost:{partner_site[1]}"
    server = Server(
        root,
        PARTNER_SEARCH_CORS_ORIGINS=origin,
        PARTNER_SEARCH_FRAME_ANCESTORS=f"'self' {origin}",
    ).start()
    try:
        yield server
    finally:
        server.stop()


def csp_console_errors(page: Any) -> list[str]:
    """Collects the console's CSP errors (for every frame of the page)."""
    errors: list[str] = []

    def on_console(message: Any) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            errors.append(message.text)

    page.on("console", on_console)
    return errors


def test_the_workspace_runs_under_its_csp(ui: UI) -> None:
    """Every view, with explained results; the ``ui`` fixture also fails on any CSP error
    in the console."""
    page = ui.page
    page.add_init_script(WATCH_CSP)
    response = page.goto(ui.url)
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "unsafe" not in policy
    page.wait_for_selector("body[data-ready=true]")

    ui.search(BATTERY, requester="Solar Iberia SL")
    card = ui.card(ui.candidate_ids()[0])
    card.locator(".btn-why").click()
    card.locator(".evidence").wait_for()
    # bars sized by the script (through the CSSOM, which the CSP allows) are drawn sized
    assert card.locator(".cbar-seg").first.evaluate("e => e.style.width") not in ("", "0px")
    page.click("#tab-overview")
    page.click("#tab-map")
    page.wait_for_selector("#pane-map svg")
    for view in ("#/map", "#/embed", "#/profile/de-cluster", "#/shortlist"):
        page.goto(ui.url + view)
        page.wait_for_selector("body[data-ready=true]")
        page.wait_for_timeout(300)
    assert page.evaluate("window.cspViolations") == []


def test_the_embed_snippet_works_on_an_allowed_site(
    chromium: Any, embed_server: Server, partner_site: tuple[Path, int]
) -> None:
    folder, port = partner_site
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.goto(f"{embed_server.url}/ui/#/embed")
        snippet = page.locator("#snippet-form code").text_content() or ""
        assert f'fetch("{embed_server.url}/v1/recommend"' in snippet
        (folder / "form.html").write_text(
            f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Our cluster"
            f"</title></head><body>{snippet}</body></html>",
            encoding="utf-8",
        )
        page.goto(f"http://localhost:{port}/form.html")
        page.fill("#need", BATTERY)
        page.click("#partner-form button")
        page.wait_for_selector("#partners li")
        items = page.locator("#partners li").all_inner_texts()
        assert len(items) == 5 and all("(" in item and "):" in item for item in items), items
    finally:
        context.close()


def test_only_an_allowed_site_may_frame_the_workspace(
    chromium: Any, embed_server: Server, partner_site: tuple[Path, int]
) -> None:
    folder, port = partner_site
    (folder / "frame.html").write_text(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Framed</title>"
        f"</head><body><iframe src='{embed_server.url}/ui/' title='Partner search' "
        "width='1200' height='850'></iframe></body></html>",
        encoding="utf-8",
    )
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"http://localhost:{port}/frame.html")  # listed in FRAME_ANCESTORS
        frame = page.frame_locator("iframe")
        frame.locator("body[data-ready=true]").wait_for()
        frame.locator("#f-text").fill(BATTERY)
        frame.locator("#submit-search").click()
        frame.locator("#candidates > li").first.wait_for()

        refused = csp_console_errors(page)
        page.goto(f"http://127.0.0.1:{port}/frame.html")  # the same site, another origin
        page.wait_for_timeout(1_500)
        assert frame.locator("body[data-ready=true]").count() == 0
        assert any("frame-ancestors" in text for text in refused), refused
    finally:
        context.close()


def offline_page(chromium: Any, server: Server) -> tuple[Any, Any, list[str], list[str]]:
    """A page whose requests to any other host are aborted (and listed), with its console's
    CSP errors collected: (context, page, aborted, csp_errors)."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    aborted: list[str] = []

    def local_only(route: Any) -> None:
        if route.request.url.startswith(server.url + "/"):
            route.continue_()
        else:
            aborted.append(route.request.url)
            route.abort()

    context.route("**/*", local_only)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.add_init_script(WATCH_CSP)
    return context, page, aborted, csp_console_errors(page)


def operation_count(server: Server) -> int:
    paths = httpx.get(f"{server.url}/openapi.json").json()["paths"]
    return sum(len(item) for item in paths.values())


def test_swagger_ui_renders_offline(chromium: Any, ui_server: Server) -> None:
    context, page, aborted, console = offline_page(chromium, ui_server)
    try:
        page.goto(f"{ui_server.url}/docs")
        page.wait_for_selector(".opblock")
        page.wait_for_function(
            "n => document.querySelectorAll('.opblock').length === n",
            arg=operation_count(ui_server),
        )
        assert "/v1/recommend" in page.locator("#swagger-ui").inner_text()
        operation = page.locator(".opblock-get", has_text="/v1/taxonomy").first
        operation.locator(".opblock-summary").click()
        operation.locator("button.try-out__btn").click()
        operation.locator("button.execute").click()  # a request from the page: connect-src
        status = operation.locator(".live-responses-table tbody .response-col_status").first
        assert status.inner_text().strip() == "200"
        assert aborted == [] and page.evaluate("window.cspViolations") == [] and console == []
    finally:
        context.close()


def test_redoc_renders_offline(chromium: Any, ui_server: Server) -> None:
    context, page, aborted, console = offline_page(chromium, ui_server)
    try:
        page.goto(f"{ui_server.url}/redoc")
        page.wait_for_selector("[data-section-id*='operation/']")
        sections = page.locator("[data-section-id*='operation/']").count()
        assert sections >= operation_count(ui_server)
        search = page.locator("[role=search] input")
        search.press_sequentially("taxonomy", delay=20)  # the search runs in a blob: worker
        page.locator("[role=search] [role=menuitem]").first.wait_for()
        assert aborted == []
        violations = set(page.evaluate("window.cspViolations"))
        assert {v.rsplit(" ", 1)[0] for v in violations} <= {REDOC_LOGO}, violations
        assert all("logo-mini.svg" in text for text in console), console
    finally:
        context.close()
