"""Fixtures for the real-browser tier: a ``partner-search serve`` subprocess on 127.0.0.1 (hash
encoder, temporary database, the test profiles plus the 14 illustrative clusters) driven by
Debian's chromium through Playwright.

Environment:

- ``PARTNER_SEARCH_UI_TIMINGS=path.json``: write the page-load and first-results times
  measured in the browser (nothing is asserted about speed).
- ``PARTNER_SEARCH_SCREENSHOTS=1``: save screenshots of the main views to
  ``docs/screenshots/``.
"""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from engine.sources.jsonl import load_profiles

from ..api.conftest import CURATOR_KEY, Server, write_data
from ..conftest import make_profiles

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

__all__ = ["CURATOR_KEY", "DESKTOP", "PHONE", "UI"]


@pytest.fixture(scope="session")
def ui_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Index, data folder and database for the UI server: 22 profiles in 14 countries."""
    root = tmp_path_factory.mktemp("ui")
    profiles = make_profiles() + load_profiles(REPO / "data" / "profiles" / "clusters.jsonl")
    write_data(root, profiles)
    return root


@pytest.fixture(scope="session")
def ui_server(ui_root: Path) -> Iterator[Server]:
    server = Server(ui_root).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tier needs Debian's chromium "
            "(`make browser`, or `apt-get install -y chromium`)",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def ui_timings() -> Iterator[dict[str, Any]]:
    """Timings measured in the browser, written to ``$PARTNER_SEARCH_UI_TIMINGS`` at the end."""
    timings: dict[str, Any] = {}
    yield timings
    target = os.environ.get("PARTNER_SEARCH_UI_TIMINGS")
    if target and timings:
        report = {
            "machine": {
                "cpus": os.cpu_count(),
                "platform": platform.platform(),
                "python": platform.python_version(),
            },
            "corpus": "test profiles + 14 illustrative clusters (22), hash encoder",
            **timings,
        }
        path = Path(target)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


class UI:
    """A browser page on the UI with the helpers the tests share."""

    def __init__(self, page: Any, server: Server):
        self.page = page
        self.server = server
        self.errors: list[str] = []
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("console", self._on_console)

    def _on_console(self, message: Any) -> None:
        """A Content-Security-Policy violation fails the test like a script error."""
        if message.type == "error" and "Content Security Policy" in message.text:
            self.errors.append(message.text)

    @property
    def url(self) -> str:
        return f"{self.server.url}/ui/"

    def open(self, hash_: str = "") -> None:
        self.page.goto(self.url + hash_)
        self.page.wait_for_selector("body[data-ready=true]", timeout=15_000)

    def search(self, text: str, *, requester: str | None = None, title: str = "") -> None:
        """Fill the description (and requester) and submit; waits for the results."""
        page = self.page
        if requester:
            self.choose_requester(requester)
        page.fill("#f-title", title)
        page.fill("#f-text", text)
        self.submit()

    def submit(self) -> None:
        before = self.searches()
        self.page.click("#submit-search")
        self.wait_results(before)

    def searches(self) -> int:
        return int(self.page.get_attribute("#results", "data-searches") or 0)

    def wait_results(self, before: int) -> None:
        self.page.wait_for_function(
            "n => Number(document.querySelector('#results').dataset.searches || 0) > n "
            "&& document.querySelector('#results').getAttribute('aria-busy') === 'false'",
            arg=before,
            timeout=15_000,
        )

    def choose_requester(self, name: str) -> None:
        page = self.page
        page.fill("#f-requester", name[:5])
        option = page.locator("#f-requester-box [role=option]", has_text=name)
        option.first.wait_for(timeout=10_000)
        option.first.click()
        assert page.input_value("#f-requester") == name

    def candidate_ids(self) -> list[str]:
        return self.page.eval_on_selector_all(
            "#candidates > li", "items => items.map(li => li.dataset.profileId)"
        )

    def card(self, profile_id: str) -> Any:
        return self.page.locator(f'#candidates > li[data-profile-id="{profile_id}"]')

    def set_key(self, key: str) -> None:
        page = self.page
        page.click("#open-settings")
        page.fill("#s-key", key)
        page.click("#s-save")
        page.wait_for_selector("#settings", state="hidden")

    def screenshot(self, name: str, *, full_page: bool = False) -> None:
        if os.environ.get("PARTNER_SEARCH_SCREENSHOTS") != "1":
            return
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)

    def horizontal_overflow(self) -> int:
        """How many CSS pixels the document is wider than the viewport (0 = none)."""
        return int(
            self.page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
        )


@pytest.fixture
def ui(chromium: Any, ui_server: Server) -> Iterator[UI]:
    context = chromium.new_context(
        viewport=DESKTOP, accept_downloads=True, locale="en-GB", reduced_motion="reduce"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    wrapper = UI(page, ui_server)
    try:
        yield wrapper
    finally:
        context.close()
    assert not wrapper.errors, f"JavaScript errors in the page: {wrapper.errors}"
