"""The advisor workspace in a real browser (Debian chromium through Playwright) against a real
``partner-search serve`` on 127.0.0.1: the request form, ranked and explained results,
refinement, pagination, the overview, the profile page, the shortlist and its CSV export,
feedback, saved requests, expressions of interest, API errors, keyboard use and phone width.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.security import Scope, create_key
from api.store import Store

from .conftest import CURATOR_KEY, PHONE, UI

pytestmark = pytest.mark.browser

BATTERY = (
    "We seek partners for battery energy storage in solar parks and grid pilots, "
    "with experience in lithium cells."
)
CURATOR = {"X-API-Key": CURATOR_KEY}


def recommend_bodies(ui: UI) -> list[dict[str, Any]]:
    """Collects the JSON bodies the page posts to /v1/recommend."""
    bodies: list[dict[str, Any]] = []

    def on_request(request: Any) -> None:
        if request.method == "POST" and request.url.endswith("/v1/recommend"):
            bodies.append(json.loads(request.post_data or "{}"))

    ui.page.on("request", on_request)
    return bodies


def navigation_timings(ui: UI) -> dict[str, float]:
    return ui.page.evaluate(
        """() => {
          const nav = performance.getEntriesByType('navigation')[0];
          const ready = performance.getEntriesByName('ps-ready')[0];
          return {
            response_end_ms: Math.round(nav.responseEnd * 10) / 10,
            dom_content_loaded_ms: Math.round(nav.domContentLoadedEventEnd * 10) / 10,
            load_event_ms: Math.round(nav.loadEventEnd * 10) / 10,
            workspace_ready_ms: ready ? Math.round(ready.startTime * 10) / 10 : null,
          };
        }"""
    )


def test_search_shows_ranked_explained_partners(ui: UI, ui_timings: dict[str, Any]) -> None:
    page = ui.page
    bodies = recommend_bodies(ui)
    ui.open()
    ui_timings["page_load_cold"] = navigation_timings(ui)

    # choices come from /v1/taxonomy
    assert page.locator("#f-collab option").count() == 6
    assert page.locator("#f-kinds input[type=checkbox]").count() == 6
    assert page.locator("#f-ecosystems input[type=checkbox]").count() == 14

    # the requester's profile through the searchable select, by keyboard only
    page.focus("#f-requester")
    page.keyboard.type("Solar")
    page.locator("#f-requester-box [role=option]", has_text="Solar Iberia SL").wait_for()
    assert page.get_attribute("#f-requester", "aria-expanded") == "true"
    page.keyboard.press("Enter")
    assert page.input_value("#f-requester") == "Solar Iberia SL"

    page.fill("#f-title", "Grid battery storage pilot")
    page.fill("#f-text", BATTERY)
    assert page.text_content("#f-text-count") == f"{len(BATTERY)} / 20,000"
    page.locator("#f-ecosystems label", has_text="Energy – renewables").click()
    ui.submit()
    ui_timings["first_results_ms"] = page.evaluate("window.partnerSearch.timings.first_results_ms")
    ui_timings["first_results_server_ms"] = page.evaluate(
        "window.partnerSearch.timings.last_server_ms"
    )

    sent = bodies[-1]
    assert sent["explain"] is True and sent["requester_id"] == "es-solar"
    assert sent["ecosystems"] == ["renewables"] and sent["text"] == BATTERY
    ids = ui.candidate_ids()
    assert len(ids) == 10 and ids[0] == "de-cluster" and "es-solar" not in ids
    assert "20 candidates" in page.text_content("#results-meta")

    first = ui.card("de-cluster")
    assert "Bavarian Battery Cluster" in first.locator("h3").inner_text()
    assert "Cluster organisation" in first.locator(".meta").inner_text()
    assert "Germany" in first.locator(".meta").inner_text()
    assert "Energy – renewables" in first.locator(".eco-list").inner_text()
    summary = first.locator(".summary").inner_text()
    assert summary.startswith("Bavarian Battery Cluster is proposed because")

    page.evaluate("document.querySelector('#request-form').closest('aside').scrollTo(0, 0)")
    ui.screenshot("search-results")
    bar = first.locator("[role=img].cbar")
    label = bar.get_attribute("aria-label") or ""
    assert label.startswith("Score ") and "Meaning +" in label and "Network +" in label
    assert first.locator(".cbar-seg").count() >= 3
    assert "Meaning" in page.inner_text("#legend")

    # the evidence
    why = first.locator(".btn-why")
    why.click()
    assert why.get_attribute("aria-expanded") == "true"
    evidence = first.locator(".evidence")
    work = evidence.locator(".ev-activities").inner_text()
    assert "Battery storage pilot" in work and "2021" in work and "similarity" in work
    marked = evidence.locator(".ev-activities mark").all_inner_texts()
    assert any(m.lower().startswith("batter") for m in marked), marked
    assert "battery" in evidence.locator(".term-list").inner_text()
    path = evidence.locator(".paths").inner_text()
    assert "Solar Iberia SL" in path and "Bavarian Battery Cluster" in path
    assert "Meaning" in evidence.locator(".gtable").inner_text()
    first.scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, -90)")
    ui.screenshot("explanation")

    # pagination: 20 candidates, 10 per page
    page.click("#pager button[aria-label='Page 2']")
    assert page.get_attribute("#pager [aria-current=page]", "aria-label") == "Page 2"
    assert len(ui.candidate_ids()) == 10 and "de-cluster" not in ui.candidate_ids()
    assert page.get_attribute("#candidates", "start") == "11"
    page.click("#pager button[aria-label='Page 1']")

    # overview, with arrow keys on the tabs
    page.click("#tab-overview")
    assert page.is_visible("#pane-overview") and not page.is_visible("#pane-list")
    countries = page.inner_text("[data-chart=by-country]")
    assert "Germany (DE)" in countries
    assert "Cluster organisation" in page.inner_text("[data-chart=by-kind]")
    assert "Energy – renewables" in page.inner_text("[data-chart=by-ecosystem]")
    page.evaluate("document.getElementById('results').scrollIntoView()")
    ui.screenshot("overview")
    page.focus("#tab-overview")
    page.keyboard.press("ArrowLeft")
    assert page.get_attribute("#tab-list", "aria-selected") == "true"
    assert page.evaluate("document.activeElement.id") == "tab-list"

    # "not like this" / "more like this" re-rank the same request
    before = ui.searches()
    ui.card("de-auto").locator("[data-action=less]").click()
    ui.wait_results(before)
    assert bodies[-1]["negative_ids"] == ["de-auto"] and bodies[-1]["text"] == BATTERY
    assert "de-auto" not in ui.candidate_ids()
    assert "Not like Auto Teile GmbH" in page.inner_text("#example-chips")
    ui_timings["rerank_ms"] = page.evaluate("window.partnerSearch.timings.last_results_ms")
    before = ui.searches()
    ui.card("de-cluster").locator("[data-action=more]").click()
    ui.wait_results(before)
    assert bodies[-1]["positive_ids"] == ["de-cluster"]
    # the example asks for more like it: it is not listed itself, its chip says it is used
    assert "de-cluster" not in ui.candidate_ids()
    assert "More like Bavarian Battery Cluster" in page.inner_text("#example-chips")
    before = ui.searches()
    page.click("#clear-examples")
    ui.wait_results(before)
    assert bodies[-1]["negative_ids"] == [] and bodies[-1]["positive_ids"] == []

    # the cross-border preference, from the keyboard: the country reason appears
    before = ui.searches()
    page.focus("#f-cross")
    page.keyboard.press("End")
    ui.wait_results(before)
    assert bodies[-1]["cross_border"] == 1
    assert "abroad" in (page.get_attribute("#f-cross", "aria-valuetext") or "")
    ui.card("de-cluster").locator(".btn-why").click()
    location = ui.card("de-cluster").locator("[data-evidence=country]").inner_text()
    assert "cross-border partner for Spain" in location

    # filters and diversity without retyping
    before = ui.searches()
    page.select_option("#r-country", "1")
    ui.wait_results(before)
    assert bodies[-1]["diversity"]["max_per_country"] == 1
    countries_shown = page.eval_on_selector_all(
        "#pane-overview [data-chart=by-country] tbody tr .bar-value",
        "cells => cells.map(c => Number(c.textContent))",
    )
    assert countries_shown and max(countries_shown) == 1
    before = ui.searches()
    page.select_option("#r-k", "10")
    ui.wait_results(before)
    assert bodies[-1]["k"] == 10 and page.is_hidden("#pager")
    before = ui.searches()
    page.focus("#f-countries")
    page.keyboard.type("Germ")
    page.locator("#f-countries-box [role=option]", has_text="Germany").wait_for()
    page.keyboard.press("Enter")
    ui.wait_results(before)
    assert bodies[-1]["countries"] == ["DE"]
    assert all("Germany" in ui.card(i).locator(".meta").inner_text() for i in ui.candidate_ids())


def test_save_as_open_partner_request(ui: UI) -> None:
    page = ui.page
    ui.open()
    ui.set_key(CURATOR_KEY)
    assert "key set" in (page.get_attribute("#open-settings", "aria-label") or "")
    page.fill("#f-title", "Hydrogen mobility partners")
    page.fill("#f-text", "Partners for hydrogen refuelling and fuel-cell buses in ports.")
    page.click("#save-request")
    code = page.locator("#save-message code[data-request-id]")
    code.wait_for()
    request_id = code.inner_text()
    assert "Saved as an open partner request" in page.inner_text("#save-message")
    assert ui.candidate_ids(), "the saved request's matches are shown"
    stored = httpx.get(f"{ui.server.url}/v1/requests/{request_id}", timeout=10).json()
    assert stored["title"] == "Hydrogen mobility partners" and stored["status"] == "open"


def test_feedback_is_sent_and_stored(ui: UI, ui_root: Path) -> None:
    ui.open()
    ui.search(BATTERY)
    card = ui.card("de-cluster")
    rank = int(card.locator(".rank").inner_text())
    card.locator("[data-feedback=relevant]").click()
    card.locator(".fb-error .problem", has_text="401").wait_for()  # no key yet

    ui.set_key(CURATOR_KEY)
    card.locator("[data-feedback=relevant]").click()
    card.locator(".fb-status", has_text="recorded").wait_for()
    assert card.locator("[data-feedback=relevant]").get_attribute("aria-pressed") == "true"
    assert card.locator(".fb-error").inner_text() == ""
    card.locator("[data-feedback=contacted]").click()
    card.locator(".fb-status", has_text="“contacted” recorded").wait_for()

    # there is no read path for feedback in the API: check the database
    with sqlite3.connect(ui_root / "service.db") as db:
        rows = db.execute(
            "SELECT profile_id, label, rank FROM feedback WHERE profile_id = 'de-cluster'"
        ).fetchall()
    assert ("de-cluster", "relevant", rank) in rows and ("de-cluster", "contacted", rank) in rows


def test_shortlist_survives_reload_and_exports_csv(ui: UI) -> None:
    page = ui.page
    ui.open()
    ui.search(BATTERY)
    for profile_id in ("de-cluster", "de-auto"):
        star = ui.card(profile_id).locator("[data-star]")
        star.click()
        assert star.get_attribute("aria-pressed") == "true"
    assert page.text_content("#shortlist-count") == "2"

    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert page.text_content("#shortlist-count") == "2"
    page.click("a[data-nav=shortlist]")
    rows = page.locator(".shortlist-table tbody tr")
    rows.first.wait_for()
    assert rows.count() == 2
    ui.screenshot("shortlist")

    with page.expect_download() as download_info:
        page.click("#export-csv")
    download = download_info.value
    assert download.suggested_filename.startswith("partner-shortlist-")
    content = Path(download.path()).read_text(encoding="utf-8-sig")
    records = list(csv.DictReader(io.StringIO(content)))
    assert [r["name"] for r in records] == ["Bavarian Battery Cluster", "Auto Teile GmbH"]
    assert records[0]["country"] == "DE" and records[0]["kind"] == "Cluster organisation"
    assert float(records[0]["score"]) > 0 and records[0]["summary"].startswith("Bavarian")
    assert "Energy – renewables" in records[0]["ecosystems"]

    page.click("button[aria-label='Remove Auto Teile GmbH']")
    assert rows.count() == 1 and page.text_content("#shortlist-count") == "1"


def test_profile_page_with_similar_partners_and_opportunities(
    ui: UI, ui_timings: dict[str, Any]
) -> None:
    page = ui.page
    ui.open()
    ui.search(BATTERY)
    started = page.evaluate("performance.now()")
    ui.card("de-cluster").locator("h3 a").click()
    page.wait_for_function("location.hash === '#/profile/de-cluster'")
    heading = page.locator("#view-profile h1")
    heading.wait_for()
    assert heading.inner_text() == "Bavarian Battery Cluster"
    assert page.evaluate("document.activeElement.tagName") == "H1"  # focus follows the route
    assert "Battery storage pilot" in page.inner_text("#view-profile .activities")
    # each activity says where it is known from (the test corpus is the operator's: curated)
    sources = page.locator("#view-profile .activities [data-provenance]")
    assert sources.count() >= 1 and sources.first.inner_text() == "curated"
    similar = page.locator("#view-profile section[aria-labelledby=sec-similar] .mini")
    similar.first.wait_for()
    partners = page.locator("#view-profile section[aria-labelledby=sec-partners] .mini")
    partners.first.wait_for()
    requests = page.locator("#view-profile .opportunity")
    requests.first.wait_for()
    ui_timings["profile_page_ms"] = round(page.evaluate("performance.now()") - started, 1)
    assert similar.count() >= 3 and partners.count() >= 1
    battery = page.locator('#view-profile .opportunity[data-request-id="req-battery"]')
    assert "Battery partners" in battery.inner_text()
    ui.screenshot("profile", full_page=True)

    # express interest: needs a key, then it is stored
    battery.locator("[data-interest]").click()
    form = battery.locator("form.interest-form")
    form.locator("textarea").fill("We run battery pilots and look for grid partners.")
    form.locator("button[type=submit]").click()
    form.locator(".problem", has_text="401").wait_for()
    ui.set_key(CURATOR_KEY)
    form.locator("button[type=submit]").click()
    form.locator(".notice-success", has_text="Interest sent").wait_for()
    interests = httpx.get(
        f"{ui.server.url}/v1/requests/req-battery/interests", headers=CURATOR, timeout=10
    ).json()
    assert any(i["profile_id"] == "de-cluster" for i in interests["data"])

    # back to the search, searching as this organisation
    page.click("#view-profile button:has-text('Search partners for this organisation')")
    page.wait_for_function("location.hash === '#/'")
    assert page.input_value("#f-requester") == "Bavarian Battery Cluster"
    assert page.is_visible("#candidates > li")  # the results were kept

    # a long activity list is paginated (8 per page)
    activities = [
        {"id": f"p{n}", "title": f"Pilot project {n:02d}", "year": 2010 + n} for n in range(1, 13)
    ]
    created = httpx.post(
        f"{ui.server.url}/v1/profiles",
        json={
            "id": "many-projects",
            "name": "Busy Consortium Partner",
            "country": "BE",
            "description": "Coordinates many pilot projects.",
            "activities": activities,
        },
        headers=CURATOR,
        timeout=10,
    )
    assert created.status_code == 201, created.text
    page.goto(f"{ui.url}#/profile/many-projects")
    listed = page.locator("#view-profile .activities .activity")
    page.locator("#view-profile h1", has_text="Busy Consortium Partner").wait_for()
    assert listed.count() == 8 and "Page 1 of 2" in page.inner_text("#view-profile .activities")
    page.click("#view-profile .activities button:has-text('Next')")
    assert listed.count() == 4 and "Pilot project 12" in page.inner_text(
        "#view-profile .activities"
    )

    # an unknown profile is a message, not a blank page
    page.goto(f"{ui.url}#/profile/no-such-org")
    page.locator("#view-profile [role=alert] .problem", has_text="404").wait_for()


def test_keyboard_focus_and_labels(ui: UI) -> None:
    page = ui.page
    ui.open()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    ui.search(BATTERY)
    unlabeled = page.evaluate(
        """() => {
          const missing = [];
          const name = el => (el.getAttribute('aria-label') || '').trim()
            || (el.getAttribute('aria-labelledby') || '').split(' ').map(id =>
                 document.getElementById(id)?.textContent || '').join('').trim()
            || (el.labels && [...el.labels].map(l => l.textContent).join('').trim())
            || (el.tagName === 'BUTTON' || el.tagName === 'A' ? el.textContent.trim() : '');
          for (const el of document.querySelectorAll('input, select, textarea, button, a[href]')) {
            if (el.type === 'hidden' || el.closest('[hidden]')) continue;
            if (!name(el)) missing.push(el.outerHTML.slice(0, 120));
          }
          return missing;
        }"""
    )
    assert unlabeled == []
    assert page.get_attribute("#results-meta", "aria-live") == "polite"
    assert page.get_attribute("#announcer", "aria-live") == "polite"

    # a star toggled from the keyboard, with a visible focus ring
    star = ui.card("de-cluster").locator("[data-star]")
    star.focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")
    page.keyboard.press("Space")
    assert star.get_attribute("aria-pressed") == "true"
    page.keyboard.press("Enter")
    assert star.get_attribute("aria-pressed") == "false"

    # the evidence opens from the keyboard; the settings dialog opens and closes
    why = ui.card("de-cluster").locator(".btn-why")
    why.focus()
    page.keyboard.press("Enter")
    assert why.get_attribute("aria-expanded") == "true"
    page.focus("#open-settings")
    page.keyboard.press("Enter")
    assert page.is_visible("#settings") and page.evaluate("document.activeElement.id") == "s-key"
    page.keyboard.press("Escape")
    assert page.is_hidden("#settings")


def test_phone_width_has_no_horizontal_overflow(ui: UI) -> None:
    page = ui.page
    page.set_viewport_size(PHONE)
    ui.open()
    assert ui.horizontal_overflow() == 0
    page.locator("#f-ecosystems label", has_text="Energy – renewables").click()
    ui.search(BATTERY, title="Grid battery storage pilot")
    page.evaluate("document.getElementById('results').scrollIntoView()")
    ui.screenshot("phone-results")
    ui.card("de-cluster").locator(".btn-why").click()
    assert ui.horizontal_overflow() == 0
    page.click("#tab-overview")
    assert ui.horizontal_overflow() == 0
    ui.card("de-cluster")  # still in the DOM
    ui.open("#/profile/demo-cluster-02")
    page.locator("#view-profile .mini").first.wait_for()
    assert ui.horizontal_overflow() == 0
    ui.screenshot("phone-profile")
    for route in ("#/shortlist", "#/embed"):
        ui.open(route)
        assert ui.horizontal_overflow() == 0, route


def test_what_the_request_names_is_shown(ui: UI) -> None:
    """A request naming an organisation and its country: the card's bar has the "Named"
    group and the evidence says what was named."""
    ui.open()
    ui.search(
        "Battery storage for the grid, with Solar Iberia SL and partners in Spain",
        requester="Bavarian Battery Cluster",
    )
    card = ui.card("es-solar")
    assert card.count() == 1
    assert "Named" in card.locator(".cbar").get_attribute("aria-label")
    card.locator(".btn-why").click()
    named = card.locator("[data-evidence=mentioned]").inner_text()
    assert "The request names it: Solar Iberia SL" in named
    assert "The request names its country: Spain" in named


def _drop(ui: UI, path: str, strip: Any) -> None:
    """Answers of ``path`` pass through ``strip(body)`` (the server's JSON, changed in place)."""

    def handle(route: Any) -> None:
        response = route.fetch()
        body = response.json()
        strip(body)
        route.fulfill(response=response, json=body)

    ui.page.route(f"**{path}", handle)


def _drawn(ui: UI) -> dict[str, Any]:
    """The bars, the legend and the first candidate's table of signal contributions."""
    page = ui.page
    page.locator("#candidates > li .btn-why").first.click()
    return {
        "bars": page.eval_on_selector_all(
            "#candidates .cbar", "bars => bars.map(b => b.getAttribute('aria-label'))"
        ),
        "segments": page.eval_on_selector_all(
            "#candidates .cbar-seg", "segs => segs.map(s => s.dataset.group + s.style.width)"
        ),
        "legend": page.inner_text("#legend"),
        "table": page.inner_text("#candidates > li .gtable"),
    }


def test_groups_come_from_the_candidates_or_the_taxonomy(ui: UI) -> None:
    """Each candidate's ``groups`` are drawn as the server sent them; without them, its
    contributions summed through /v1/taxonomy's ``signal_groups`` draw the same bars, legend
    and points."""
    sent: list[dict[str, Any]] = []
    _drop(ui, "/v1/recommend", lambda body: sent.extend(body["data"]))
    ui.open()
    ui.search(BATTERY, requester="Solar Iberia SL")
    assert sent and all("groups" in c for c in sent), "candidates carry their group sums"
    with_groups = _drawn(ui)
    assert "Meaning" in with_groups["legend"] and "Network" in with_groups["legend"]
    assert "best semantic similarity" in with_groups["table"]  # a label from the taxonomy

    ui.page.unroute("**/v1/recommend")
    _drop(ui, "/v1/recommend", lambda body: [c.pop("groups", None) for c in body["data"]])
    ui.open()
    ui.search(BATTERY, requester="Solar Iberia SL")
    assert _drawn(ui) == with_groups


def test_without_signal_groups_every_signal_is_other(ui: UI) -> None:
    """A server that publishes no signal groups (and no group sums) still gets a working
    page: every contribution is drawn as "Other", each signal under its own name."""
    _drop(ui, "/v1/taxonomy", lambda body: body.pop("signal_groups", None))
    _drop(ui, "/v1/recommend", lambda body: [c.pop("groups", None) for c in body["data"]])
    ui.open()
    ui.search(BATTERY)
    drawn = _drawn(ui)
    assert all(label.startswith("Score ") and "Other " in label for label in drawn["bars"])
    assert {s.split("%")[0].rstrip("0123456789.") for s in drawn["segments"]} == {"other"}
    assert "Other" in drawn["legend"] and "Meaning" not in drawn["legend"]
    assert "dense " in drawn["table"]  # the signal's name, for want of a label


def test_a_partner_confirms_a_claim_on_its_profile_page(ui: UI, ui_root: Path) -> None:
    """demo-cluster-12's owner declares a project with demo-cluster-09; on 09's page the claim
    is listed unconfirmed, and confirming it there makes the link count."""
    store = Store(f"sqlite:///{ui_root / 'service.db'}")
    owner = {"X-API-Key": create_key(store.keys, Scope.OWNER, "demo-cluster-12", "ui test")}
    store.close()
    base = ui.server.url
    current = httpx.get(f"{base}/v1/profiles/demo-cluster-12", timeout=10).json()
    fields = ("id", "title", "text", "year", "partners", "role", "ecosystems")
    activities = [{k: a[k] for k in fields} for a in current["activities"]]
    claim = {"id": "own-ui-1", "title": "Joint cold-chain pilot", "year": 2025,
             "partners": ["demo-cluster-09"]}
    response = httpx.patch(f"{base}/v1/profiles/demo-cluster-12", headers=owner, timeout=30,
                           json={"activities": [*activities, claim]})
    assert response.status_code == 200, response.text

    page = ui.page
    try:
        ui.open("#/profile/demo-cluster-09")
        item = page.locator('#view-profile .claim[data-profile-id="demo-cluster-12"]')
        item.wait_for()
        assert item.get_attribute("data-confirmed") == "false"
        assert "Joint cold-chain pilot (2025): self-declared by" in item.inner_text()
        ui.set_key(CURATOR_KEY)
        item.locator("button[data-claim]").click()
        confirmed = page.locator('#view-profile .claim[data-confirmed="true"]')
        confirmed.wait_for()
        assert "the link now counts" in confirmed.inner_text()  # the outcome stays in view
        assert page.evaluate("document.activeElement.dataset.claim") == "own-ui-1"
        claims = httpx.get(f"{base}/v1/profiles/demo-cluster-09/claims", timeout=10).json()
        assert [c["confirmed"] for c in claims["data"]] == [True]
        ui.open("#/profile/demo-cluster-12")
        tag = page.locator('#view-profile .activities [data-provenance="self-declared"]')
        tag.wait_for()
        assert tag.inner_text() == "self-declared · 1 of 1 partner confirmed"
    finally:  # the server is shared by the session's browser tests: leave it as it was
        httpx.patch(f"{base}/v1/profiles/demo-cluster-12", headers=CURATOR, timeout=30,
                    json={"activities": activities}).raise_for_status()
