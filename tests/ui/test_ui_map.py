"""The map (issue 15, item 7) in a real browser against a real ``partner-search serve``: the
map page (#/map) draws the countries from the bundled Natural Earth geometry with the counts of
``GET /v1/map``, filtered by kind and ecosystem, with a table of the same counts; selecting a
country (click or keyboard) lists its organisations and regions; the Map tab of the results
shows the candidates' countries, lists a country's candidates, and can make it the request's
target country. ``PARTNER_SEARCH_SCREENSHOTS=1`` saves ``docs/screenshots/map.png``.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .conftest import PHONE, UI

pytestmark = pytest.mark.browser

BATTERY = (
    "We seek partners for battery energy storage in solar parks and grid pilots, "
    "with experience in lithium cells."
)
MAP = "#map-page-map"


def api_counts(ui: UI, **params: str) -> dict[str, int]:
    body = httpx.get(f"{ui.server.url}/v1/map", params=params).json()
    return {c["country"]: c["count"] for c in body["countries"]}


def open_map(ui: UI) -> None:
    ui.open("#/map")
    wait_counts(ui)


def wait_counts(ui: UI) -> None:
    ui.page.wait_for_selector(f"{MAP} .map-country.is-counted")
    ui.page.wait_for_function(
        "() => document.querySelector('.map-panel').getAttribute('aria-busy') === 'false'"
    )


def drawn_counts(ui: UI, host: str) -> dict[str, int]:
    return ui.page.eval_on_selector_all(
        f"{host} .map-country.is-counted",
        "gs => Object.fromEntries(gs.map(g => [g.dataset.country, Number(g.dataset.count)]))",
    )


def table_counts(ui: UI, host: str) -> dict[str, int]:
    return ui.page.eval_on_selector_all(
        f"{host} table.map-counts tbody tr",
        "rows => Object.fromEntries(rows.map(r => "
        "[r.dataset.country, Number(r.querySelector('td').textContent.replace(/,/g, ''))]))",
    )


def test_the_map_page_draws_the_counts_of_the_api(ui: UI) -> None:
    page = ui.page
    open_map(ui)
    assert page.get_attribute("[data-nav=map]", "aria-current") == "page"
    assert page.title() == "Map · Partner search"
    # the countries of Europe from the bundled geometry, each a filled path
    codes = page.eval_on_selector_all(f"{MAP} .map-country", "gs => gs.map(g => g.dataset.country)")
    assert {"DE", "FR", "ES", "IT", "PL", "SE", "GB", "NO", "CH", "MT", "CY", "XK"} <= set(codes)
    outline = page.get_attribute(f"{MAP} [data-country=DE] path", "d") or ""
    assert outline.startswith("M") and len(outline) > 500
    assert page.text_content(f"{MAP} svg > title") == "Organisations per country"
    # the counts are the API's, on the map and in the table (the test server starts with 22
    # profiles in 14 countries; other tests of the session may have added some)
    expected = api_counts(ui)
    total, countries = sum(expected.values()), len(expected)
    assert total >= 22 and countries >= 14
    assert drawn_counts(ui, MAP) == expected  # every country of the test profiles is in Europe
    assert table_counts(ui, "#map-table") == expected
    assert f"{total} organisations in {countries} countries" in page.text_content("#map-lead")
    # a counted country is a named button in the tab order; an empty one is not
    germany = page.locator(f"{MAP} [data-country=DE]")
    assert germany.get_attribute("role") == "button" and germany.get_attribute("tabindex") == "0"
    assert germany.get_attribute("aria-label") == f"Germany: {expected['DE']} organisations"
    assert page.locator(f"{MAP} [data-country=CH]").get_attribute("tabindex") is None
    # the darkest tone for the most, the lightest for one
    most = max(expected, key=lambda code: expected[code])
    assert page.locator(f"{MAP} [data-country={most}] path").get_attribute("class") == "map-tone-5"
    # hovering names the country and its count
    germany.hover()
    tip = page.locator("#map-page-figure-tip")
    tip.wait_for()
    assert f"Germany{expected['DE']} organisations" == tip.text_content()


def test_kind_and_ecosystem_filter_the_map(ui: UI) -> None:
    page = ui.page
    open_map(ui)
    page.select_option("#map-kind", "cluster")
    page.wait_for_function(
        "n => document.querySelectorAll('#map-page-map .map-country.is-counted').length === n",
        arg=len(api_counts(ui, kind="cluster")),
    )
    wait_counts(ui)
    clusters = api_counts(ui, kind="cluster")
    assert drawn_counts(ui, MAP) == clusters and table_counts(ui, "#map-table") == clusters
    page.select_option("#map-ecosystem", "renewables")
    expected = api_counts(ui, kind="cluster", ecosystem="renewables")
    page.wait_for_function(
        "n => document.querySelectorAll('#map-page-map .map-country.is-counted').length === n",
        arg=len(expected),
    )
    wait_counts(ui)
    assert drawn_counts(ui, MAP) == expected
    title = page.text_content(f"{MAP} svg > title")
    assert title == "Organisations per country (Cluster organisation, Energy – renewables)"


def test_selecting_a_country_lists_its_organisations(ui: UI) -> None:
    page = ui.page
    open_map(ui)
    page.click(f"{MAP} [data-country=DE]")
    page.wait_for_selector("#map-profiles li")
    listed = httpx.get(
        f"{ui.server.url}/v1/profiles", params={"country": "DE", "limit": 100}
    ).json()
    ids = page.eval_on_selector_all("#map-profiles li", "li => li.map(e => e.dataset.profileId)")
    assert ids == [p["id"] for p in listed["data"]]
    assert page.text_content("#map-detail-title") == f"Germany: {listed['count']} organisations"
    assert page.evaluate("document.activeElement.id") == "map-detail-title"
    regions = page.eval_on_selector_all(
        "#map-detail [data-region]", "chips => chips.map(c => c.dataset.region)"
    )
    assert regions == ["DE14"]  # the illustrative cluster's NUTS-2 region
    assert page.get_attribute(f"{MAP} [data-country=DE]", "aria-pressed") == "true"
    assert page.get_attribute("#map-table tr[data-country=DE] button", "aria-pressed") == "true"
    # a profile link opens the profile page
    page.click("#map-profiles a >> nth=0")
    page.wait_for_url(f"**#/profile/{ids[0]}")
    # back on the map, the selection is kept; the table selects by keyboard too
    page.go_back()
    page.wait_for_selector("#map-profiles li")
    page.focus("#map-table tr[data-country=FR] button")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('#map-detail-title')?.textContent.startsWith('France')"
    )
    # on the map from the keyboard: Enter on a focused country; again clears the selection
    page.focus(f"{MAP} [data-country=ES]")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('#map-detail-title')?.textContent.startsWith('Spain')"
    )
    page.focus(f"{MAP} [data-country=ES]")
    page.keyboard.press(" ")
    page.wait_for_selector("#map-detail", state="hidden")
    page.click(f"{MAP} [data-country=DE]")
    page.wait_for_selector("#map-profiles li")
    page.mouse.move(0, 0)  # the selection's outline, not the hover's
    ui.screenshot("map", full_page=True)


def test_the_results_map_shows_the_candidates_countries(ui: UI) -> None:
    page = ui.page
    bodies: list[dict[str, Any]] = []
    page.on(
        "request",
        lambda r: bodies.append(r.post_data_json)
        if r.method == "POST" and r.url.endswith("/v1/recommend") else None,
    )
    ui.open()
    with page.expect_response("**/v1/recommend") as answer:
        ui.search(BATTERY, title="Grid battery storage pilot")
    page.click("#tab-map")
    page.wait_for_selector("#pane-map .map-country.is-counted")
    # every candidate of the answer (all pages of the list), by country in rank order
    countries: dict[str, list[str]] = {}
    for candidate in answer.value.json()["data"]:
        countries.setdefault(candidate["profile"]["country"], []).append(candidate["profile"]["id"])
    expected = {code: len(ids) for code, ids in countries.items()}
    assert sum(expected.values()) == 20 and len(expected) > 3
    assert drawn_counts(ui, "#pane-map") == expected
    assert table_counts(ui, "#pane-map") == expected
    title = page.text_content("#pane-map svg > title")
    assert title == "Candidates of this request per country"
    # hovering a country lists its candidates
    page.hover("#pane-map [data-country=DE]")
    tip = page.locator("#results-map-figure-tip")
    tip.wait_for()
    assert "Germany" in tip.text_content()
    assert f"{expected['DE']} candidate" in tip.text_content()
    names = tip.locator("li").all_text_contents()
    assert names and names[0].endswith("Bavarian Battery Cluster")
    # selecting it lists them in rank order; the ranked list stays as it was
    page.click("#pane-map [data-country=DE]")
    listed = page.eval_on_selector_all(
        "#results-map-list li", "lis => lis.map(li => li.dataset.profileId)"
    )
    assert listed == countries["DE"]
    assert len(bodies) == 1
    # "Search only in Germany" makes it the request's target country and ranks again
    before = ui.searches()
    page.click("#results-map-target")
    ui.wait_results(before)
    assert bodies[-1]["countries"] == ["DE"]
    assert page.locator("#f-countries-box .chip", has_text="Germany").count() == 1
    page.wait_for_selector("#pane-map .map-country.is-counted")
    assert set(drawn_counts(ui, "#pane-map")) == {"DE"}


def test_the_map_fits_a_phone(ui: UI) -> None:
    page = ui.page
    page.set_viewport_size(PHONE)
    open_map(ui)
    assert ui.horizontal_overflow() == 0
    page.click(f"{MAP} [data-country=DE]")
    page.wait_for_selector("#map-profiles li")
    assert ui.horizontal_overflow() == 0
    # the German company has no region: the list comes alone
    page.select_option("#map-kind", "company")
    page.wait_for_function(
        "() => document.querySelectorAll('#map-profiles li').length === 1"
    )
    assert page.locator("#map-detail .map-regions").count() == 0
    assert "null" not in page.text_content("#map-detail")
    assert page.text_content("#map-detail-title") == "Germany: 1 organisation"
