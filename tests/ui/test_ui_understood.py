"""What the server read from the request text, in the browser: the "Read from your text:" chips
(filters filled, preferences outlined, an item a form field overrides greyed), removing a chip
re-runs the same search with ``ignore_understood`` and lists it under "Ignored: … (restore)",
a new text starts afresh; and the confidence note (the test server has no calibrated model, so
its answers carry ``confidence: null``: the levels are injected into the answer).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from .conftest import UI

pytestmark = pytest.mark.browser

#: the test data has no German research organisation, so clusters are asked for too: the
#: Bavarian Battery Cluster (DE) is the best match once "outside Germany" is removed
REQUEST = (
    "We seek research organisations or clusters for battery storage pilots, outside Germany, "
    "preferably in Italy."
)
VIEWPORT = {"width": 1300, "height": 1000}
LOW = (
    "Nothing fits this request well: the candidates below match it only weakly. "
    "Try describing the partner in other words or in more detail."
)

CONTRAST = """els => els.map(el => {
  const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  let bg = null;
  for (let node = el; node && !bg; node = node.parentElement) {
    const c = rgb(getComputedStyle(node).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0.99)) bg = c.slice(0, 3);
  }
  const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(bg || [255, 255, 255])];
  return Math.round(((Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)) * 100) / 100;
})"""


def _is_recommend(request: Any) -> bool:
    return request.method == "POST" and request.url.endswith("/v1/recommend")


def _search(ui: UI, text: str) -> dict[str, Any]:
    """Search ``text``; the server's answer."""
    with ui.page.expect_response(lambda r: _is_recommend(r.request)) as answer:
        ui.search(text)
    return answer.value.json()


def _chips(ui: UI) -> dict[str, dict[str, str]]:
    """The chips shown, by label: key, hard, applied, the tooltip."""
    return {
        chip["label"]: chip
        for chip in ui.page.eval_on_selector_all(
            "#understood .understood-chip",
            """chips => chips.map(li => ({
                 label: li.querySelector('.chip-label').textContent,
                 key: li.dataset.key, hard: li.dataset.hard, applied: li.dataset.applied,
                 title: li.title,
                 kind: li.classList.contains('chip-filter') ? 'filter' : 'preference'}))""",
        )
    }


def _countries(answer: dict[str, Any]) -> list[str]:
    return [c["profile"]["country"] for c in answer["data"]]


def test_chips_read_from_the_text_can_be_removed_and_restored(ui: UI) -> None:
    page = ui.page
    page.set_viewport_size(VIEWPORT)
    ui.open()
    assert page.is_hidden("#understood")

    answer = _search(ui, REQUEST)
    assert ui.candidate_ids() == [c["profile"]["id"] for c in answer["data"]][:10]  # page 1
    chips = _chips(ui)
    assert {"Not in Germany", "Preferably in Italy", "Research organisation"} <= set(chips)
    assert chips["Not in Germany"]["key"] == "exclude_country:DE"
    assert chips["Not in Germany"]["kind"] == "filter"
    assert chips["Research organisation"]["kind"] == "filter"
    assert chips["Preferably in Italy"]["kind"] == "preference"
    assert all(chip["applied"] == "true" for chip in chips.values())
    assert "outside Germany" in chips["Not in Germany"]["title"]
    assert page.inner_text("#understood").startswith("Read from your text:")
    assert "null" not in page.inner_text("#understood")
    # filters and preferences look different (filled vs outlined)
    filled, outlined = (
        page.eval_on_selector(
            f'#understood [data-key="{key}"]', "el => getComputedStyle(el).backgroundColor"
        )
        for key in ("exclude_country:DE", "prefer_country:IT")
    )
    assert filled != outlined
    assert answer["data"] and "DE" not in _countries(answer)
    assert "IT" in _countries(answer)
    assert "filtered by 3 filters from your text" in page.text_content("#results-meta")
    assert page.is_hidden("#confidence-note")  # no calibrated model: nothing said

    # remove "Not in Germany" from the keyboard: the same search again, with the key ignored
    remove = page.get_by_role("button", name="Remove: Not in Germany")
    remove.focus()
    before = ui.searches()
    with (
        page.expect_request(_is_recommend) as sent,
        page.expect_response(lambda r: _is_recommend(r.request)) as again,
    ):
        page.keyboard.press("Enter")
    ui.wait_results(before)
    body = json.loads(sent.value.post_data or "{}")
    assert body["ignore_understood"] == ["exclude_country:DE"]
    assert body["text"] == REQUEST and page.input_value("#f-text") == REQUEST
    answer = again.value.json()
    assert answer["understood"]["ignored"] == ["exclude_country:DE"]
    assert "DE" in _countries(answer)  # German partners may now appear
    assert "de-cluster" in ui.candidate_ids()
    chips = _chips(ui)
    assert "Not in Germany" not in chips
    assert {"Preferably in Italy", "Research organisation"} <= set(chips)
    ignored = page.locator("#understood [data-ignored]")
    assert ignored.inner_text().replace("\n", " ").startswith("Ignored:")
    assert "Not in Germany (restore)" in ignored.inner_text()
    restore = page.get_by_role("button", name="Restore: Not in Germany")
    assert page.evaluate("document.activeElement.dataset.focusId") == "restore:exclude_country:DE"

    # contrast (WCAG AA, 4.5:1) of every chip, the ignored line and its restore button
    ratios = page.eval_on_selector_all(
        "#understood .chip-label, #understood .understood-title, #understood .ignored-label, "
        "#understood .link-button, #results-meta",
        CONTRAST,
    )
    assert ratios and min(ratios) >= 4.5, ratios
    ui.screenshot("understood-chips")

    # restore: the filter is back, so are the chip and the German-free list
    before = ui.searches()
    with page.expect_request(_is_recommend) as sent:
        restore.press("Enter")
    ui.wait_results(before)
    assert "ignore_understood" not in json.loads(sent.value.post_data or "{}")
    assert "Not in Germany" in _chips(ui)
    assert page.locator("#understood [data-ignored]").count() == 0
    assert "de-cluster" not in ui.candidate_ids()
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == (
        "Remove: Not in Germany"
    )


def test_a_new_text_resets_the_ignored_chips(ui: UI) -> None:
    page = ui.page
    ui.open()
    _search(ui, REQUEST)
    before = ui.searches()
    page.get_by_role("button", name="Remove: Preferably in Italy").click()
    ui.wait_results(before)
    assert page.locator("#understood [data-ignored]").count() == 1

    with page.expect_request(_is_recommend) as sent:
        answer = _search(ui, "We seek partners for battery storage outside Germany.")
    assert "ignore_understood" not in json.loads(sent.value.post_data or "{}")
    assert page.locator("#understood [data-ignored]").count() == 0
    assert set(_chips(ui)) == {"Not in Germany"}
    assert "DE" not in _countries(answer)

    # a text with nothing to read: no row at all
    _search(ui, "Battery storage for the grid.")
    assert page.is_hidden("#understood")


def test_a_form_field_wins_over_the_text(ui: UI) -> None:
    """Excluding a country in the form overrides "outside Germany": its chip is greyed, with
    a tooltip that says why, and German partners come back."""
    page = ui.page
    ui.open()
    answer = _search(ui, "We seek partners for battery storage pilots outside Germany.")
    assert "DE" not in _countries(answer)
    before = ui.searches()
    page.fill("#f-exclude", "Franc")
    page.locator("#f-exclude-box [role=option]", has_text="France").first.click()
    ui.wait_results(before)
    chip = _chips(ui)["Not in Germany"]
    assert chip["applied"] == "false"
    ruled_out = "a filter (the form's, or another read from the text) rules it out"
    assert ruled_out in chip["title"]
    overridden = page.locator('#understood [data-key="exclude_country:DE"]')
    assert f"not applied: {ruled_out}" in overridden.inner_text()
    assert "de-cluster" in ui.candidate_ids()
    (ratio,) = page.eval_on_selector_all(
        '#understood [data-key="exclude_country:DE"] .chip-label', CONTRAST
    )
    assert ratio >= 4.5


@pytest.mark.parametrize(
    ("level", "words"),
    [
        ("low", LOW),
        ("medium", "Some candidates match this request moderately."),
        ("high", "Strong matches"),
        (None, ""),
    ],
)
def test_confidence_in_words(ui: UI, level: str | None, words: str) -> None:
    def handle(route: Any) -> None:
        response = route.fetch()
        body = response.json()
        body["confidence"] = level
        route.fulfill(response=response, json=body)

    page = ui.page
    page.route("**/v1/recommend", handle)
    ui.open()
    _search(ui, "Battery storage pilots for the grid.")
    note = page.locator("#confidence-note")
    assert note.get_attribute("data-confidence") == (level or "")
    if level is None:
        assert note.is_hidden()
        return
    assert note.is_visible()
    assert note.locator(".confidence-text").inner_text() == words
    (ratio,) = page.eval_on_selector_all("#confidence-note .confidence-text", CONTRAST)
    assert ratio >= 4.5
    # above the ranked list
    note_box, list_box = note.bounding_box(), page.locator("#candidates").bounding_box()
    assert note_box and list_box and note_box["y"] < list_box["y"]
    if level == "low":
        assert note.locator(".notice").count() == 1
        page.get_by_role("button", name="Edit the description").click()
        assert page.evaluate("document.activeElement.id") == "f-text"


@pytest.mark.parametrize(("request_language", "profile_language", "said"), [
    (("pl", "Polish"), ("en", "English"), "Written in English, the request in Polish"),
    (("", ""), ("en", "English"),
     "Written in English; the request is too short to tell its language"),
    (("pl", "Polish"), ("pl", "Polish"), "Both in Polish"),
])
def test_a_match_across_languages_says_so_instead_of_shared_terms(
    ui: UI, request_language: tuple[str, str], profile_language: tuple[str, str], said: str,
) -> None:
    """The test server's profiles are all English, so the evidence of a match across languages
    (as the engine writes it, tests/engine/test_bridge.py) is injected into the answer."""
    def handle(route: Any) -> None:
        response = route.fetch()
        body = response.json()
        evidence = body["data"][0]["evidence"]
        evidence.pop("shared_terms", None)
        evidence["languages"] = {"request": request_language[0], "profile": profile_language[0],
                                 "request_name": request_language[1],
                                 "profile_name": profile_language[1]}
        route.fulfill(response=response, json=body)

    page = ui.page
    page.route("**/v1/recommend", handle)
    ui.open()
    _search(ui, "Szukamy partnerów do pilotażu magazynowania energii w bateriach.")
    first = page.locator("#candidates > li").first
    first.locator(".btn-why").click()
    section = first.locator("[data-evidence=languages]")
    assert section.is_visible()
    text = section.inner_text()
    assert said in text
    assert "matched by meaning" in text
    assert first.locator(".term-list").count() == 0
