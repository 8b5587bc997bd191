"""What advisors stumbled on in the workspace, in a real browser: key-only actions say up front
that they need an API key and where to enter it; the legend says the bars are relative to the
typical candidate of the request and that hatched segments are below it; a description over
the API's limit is cut with a notice beside the field; errors are phrased for people; the focus
goes to the results after a search; the Shortlist label and every other text meet WCAG AA; an
action's outcome is shown in view and toasts stay off the results.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from .conftest import CURATOR_KEY, UI
from .test_ui_browser import BATTERY, _drop, recommend_bodies
from .test_ui_understood import CONTRAST

pytestmark = pytest.mark.browser

MAX_TEXT = 20_000
BASELINE = 3.42

#: every visible text of the page: elements with a text node of their own, outside the top bar
#: (a gradient there, which the CONTRAST walk up to a plain background cannot read)
TEXTS = """() => [...document.querySelectorAll('body *')].filter(el =>
  !el.closest('.topbar, .sr-only, [hidden]') && el.getClientRects().length
  && [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))"""


def _contrast_of_every_text(ui: UI) -> dict[str, float]:
    """The contrast ratio of each visible text, keyed by the element and its text."""
    handle = ui.page.evaluate_handle(TEXTS)
    ratios = ui.page.evaluate(f"els => ({CONTRAST})(els)", handle)
    names = ui.page.evaluate(
        "els => els.map(el => `${el.tagName.toLowerCase()}.${el.className}: "
        "${el.textContent.trim().slice(0, 40)}`)",
        handle,
    )
    return dict(zip(names, ratios, strict=True))


def test_key_only_actions_say_a_key_is_needed_before_the_first_try(ui: UI) -> None:
    page = ui.page
    ui.open("#/profile/de-cluster")
    notes = page.locator("#view-profile .key-note")
    notes.first.wait_for()
    assert [n.strip() for n in notes.all_inner_texts()] == [
        "Expressing interest needs an API key. Enter your key in Settings",
        "Confirming needs an API key. Enter your key in Settings",
    ]

    ui.open()
    save = page.locator("#request-form .key-note")
    assert save.is_visible() and "needs an API key" in save.inner_text()
    # right under the button it is about
    save_box, button_box = save.bounding_box(), page.locator("#save-request").bounding_box()
    assert save_box and button_box and 0 <= save_box["y"] - button_box["y"] < 120
    ui.search(BATTERY)
    feedback = ui.card("de-cluster").locator(".key-note")
    assert feedback.is_visible() and "Feedback needs an API key" in feedback.inner_text()

    # how to enter one: the note opens the settings
    save.get_by_role("button", name="Enter your key in Settings").click()
    assert page.is_visible("#settings")
    assert page.evaluate("document.activeElement.id") == "s-key"
    page.fill("#s-key", CURATOR_KEY)
    page.click("#s-save")
    page.wait_for_selector("#settings", state="hidden")
    assert save.is_hidden() and feedback.is_hidden()

    # the key is kept in this browser: no note after a reload, nor on the profile page
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert page.locator("#request-form .key-note").is_hidden()
    ui.open("#/profile/de-cluster")
    page.locator("#view-profile .opportunity").first.wait_for()
    notes = page.locator("#view-profile .key-note")
    assert notes.count() == 2 and not any(note.is_visible() for note in notes.all())


def _with_baseline(body: dict[str, Any]) -> None:
    """The answer as the server gives it from now on, whichever server runs: contributions and
    group sums less their mean over the list, and the typical candidate's score."""
    data = body["data"]
    for part in ("contributions", "groups"):
        names = {name for c in data for name in c.get(part, {})}
        mean = {n: sum(c.get(part, {}).get(n, 0.0) for c in data) / len(data) for n in names}
        for c in data:
            if part in c:
                c[part] = {n: c[part].get(n, 0.0) - mean[n] for n in names}
    for c in data:
        c["baseline"] = BASELINE


def _without_baseline(body: dict[str, Any]) -> None:
    for candidate in body["data"]:
        candidate.pop("baseline", None)


def _first_table_caption(ui: UI) -> str:
    first = ui.page.locator("#candidates > li").first
    first.locator(".btn-why").click()
    return first.locator(".gtable caption").inner_text()


def test_the_legend_says_bars_are_relative_to_the_typical_candidate(ui: UI) -> None:
    page = ui.page
    _drop(ui, "/v1/recommend", _with_baseline)
    ui.open()
    ui.search(BATTERY)
    legend = page.inner_text("#legend")
    assert "what sets each partner apart from the typical candidate for this request" in legend
    assert "Right of the line: above typical" in legend
    assert "hatched, left of the line: below typical" in legend
    # the sample of a segment below typical is drawn hatched
    hatch = page.eval_on_selector(
        "#legend .swatch-below", "el => getComputedStyle(el).backgroundImage"
    )
    assert "repeating-linear-gradient" in hatch
    bars = page.eval_on_selector_all(
        "#candidates .cbar", "bars => bars.map(b => b.getAttribute('aria-label'))"
    )
    assert bars and all(
        b.startswith("Score ") and f"typical candidate for this request {BASELINE}" in b
        for b in bars
    ), bars
    assert any("Above typical: " in b for b in bars) and any("Below typical: " in b for b in bars)
    caption = _first_table_caption(ui)
    assert f"relative to the typical candidate for this request (score {BASELINE})" in caption
    assert page.locator("#candidates > li .gtable caption").first.is_visible()

    # an older server sends no baseline: the bars are the score's parts, penalties hatched
    page.unroute("**/v1/recommend")
    _drop(ui, "/v1/recommend", _without_baseline)
    ui.open()
    ui.search(BATTERY)
    legend = page.inner_text("#legend")
    assert "typical" not in legend and "hatched, left of the line: penalties" in legend
    label = page.get_attribute("#candidates .cbar", "aria-label") or ""
    assert label.startswith("Score ") and "typical" not in label
    assert "typical" not in _first_table_caption(ui)


def test_a_long_description_is_cut_with_a_notice(ui: UI) -> None:
    page = ui.page
    bodies = recommend_bodies(ui)
    ui.open()
    words = ("battery", "storage", "pilots", "for", "grid", "operators", "and", "solar", "parks")
    text = " ".join(words[n % len(words)] for n in range(5_000))
    assert len(text) > MAX_TEXT
    page.fill("#f-text", text)
    assert len(page.input_value("#f-text")) == len(text), "the paste is kept whole"
    note = page.locator("#f-text-cut")
    assert note.is_visible()
    said = note.inner_text()
    assert "only the first 20,000 characters" in said and f"last {len(text) - MAX_TEXT:,}" in said
    assert page.text_content("#f-text-count") == f"{len(text):,} / 20,000"
    assert "f-text-cut" in (page.get_attribute("#f-text", "aria-describedby") or "")
    # beside the field, above the form's buttons
    note_box, field_box = note.bounding_box(), page.locator("#f-text").bounding_box()
    assert note_box and field_box and 0 < note_box["y"] - field_box["y"] < field_box["height"] + 60

    ui.submit()
    assert bodies[-1]["text"] == text[:MAX_TEXT].rstrip()
    assert page.locator("#results-error .problem").count() == 0 and ui.candidate_ids()

    page.fill("#f-text", BATTERY)
    assert note.is_hidden()


def test_a_title_over_its_limit_is_kept_whole_and_said_too_long(ui: UI) -> None:
    """No field cuts a paste silently: beyond the API's 500 characters the title stays whole,
    a note beside it says by how much, and the send is refused in words."""
    page = ui.page
    ui.open()
    title = "Grid battery storage pilot " * 24  # 648 characters
    page.fill("#f-title", title)
    assert page.input_value("#f-title") == title
    note = page.locator("#f-title-long")
    assert note.is_visible()
    over = len(title.strip()) - 500
    assert "at most 500 characters" in note.inner_text() and f"{over} more" in note.inner_text()
    assert "f-title-long" in (page.get_attribute("#f-title", "aria-describedby") or "")
    page.fill("#f-text", BATTERY)
    page.click("#submit-search")
    problem = page.locator("#results-error .problem")
    problem.wait_for()
    assert "Some of what was entered cannot be used" in problem.inner_text()
    assert page.input_value("#f-title") == title  # nothing lost
    page.fill("#f-title", "Grid battery storage pilot")
    assert note.is_hidden()


def test_errors_are_phrased_for_people(ui: UI) -> None:
    """API errors are shown as messages where the user looks, phrased for people, with the
    technical reference kept for support."""
    page = ui.page
    ui.open()
    page.click("#submit-search")  # nothing typed: the API answers 422
    problem = page.locator("#results-error .problem")
    problem.wait_for()
    title = problem.locator(".notice-title").inner_text()
    assert title == "Some of what was entered cannot be used"
    assert "request text is empty" in problem.inner_text()  # the server's detail, kept
    assert "Correct what is marked" in problem.inner_text()
    assert problem.locator(".problem-reference").inner_text().endswith("(422)")
    assert "Unprocessable Entity (422)" in problem.inner_text()
    assert page.get_attribute("#f-text", "aria-invalid") == "true"
    assert page.is_visible("#f-text-error")
    assert page.get_attribute("#results-error", "role") == "alert"

    # a schema error names the field by its label, not the API's name for it
    def out_of_range(route: Any) -> None:
        body = json.loads(route.request.post_data or "{}")
        route.continue_(post_data=json.dumps({**body, "cross_border": 5}))

    page.route("**/v1/recommend", out_of_range)
    page.fill("#f-text", BATTERY)
    page.click("#submit-search")
    fields = problem.locator(".problem-fields")
    fields.wait_for()
    assert fields.inner_text().startswith("Cross-border preference: ")
    assert "invalid request" not in problem.inner_text()
    assert page.get_attribute("#f-cross", "aria-invalid") == "true"
    page.unroute("**/v1/recommend")

    # no key: said in words, with the way to the settings
    page.click("#save-request")
    missing = page.locator("#save-message .problem")
    missing.wait_for()
    assert missing.locator(".notice-title").inner_text() == "This needs a valid API key"
    assert "Unauthorized (401)" in missing.inner_text()
    assert "API key" in missing.inner_text()
    missing.get_by_role("button", name="Open settings").click()
    assert page.is_visible("#settings")
    page.keyboard.press("Escape")
    assert page.is_hidden("#settings")


def test_the_focus_goes_to_the_results_after_a_search(ui: UI) -> None:
    page = ui.page
    ui.open()
    ui.search(BATTERY)
    assert page.evaluate("document.activeElement.id") == "results-title"

    # from the keyboard: Enter in the title field
    page.focus("#f-title")
    before = ui.searches()
    page.keyboard.press("Enter")
    ui.wait_results(before)
    assert page.evaluate("document.activeElement.id") == "results-title"

    # a re-rank leaves the focus on the control being changed
    before = ui.searches()
    page.focus("#r-k")
    page.select_option("#r-k", "10")
    ui.wait_results(before)
    assert page.evaluate("document.activeElement.id") == "r-k"


def test_the_shortlist_label_and_every_text_meet_aa_contrast(ui: UI) -> None:
    page = ui.page
    ui.open("#/profile/de-cluster")
    star = page.locator("#view-profile .page-actions [data-star]")
    star.wait_for()
    (unpressed,) = page.eval_on_selector_all("#view-profile [data-star] .label", CONTRAST)
    assert star.inner_text() == "Shortlist" and unpressed >= 4.5, unpressed
    star.click()
    (pressed,) = page.eval_on_selector_all("#view-profile [data-star] .label", CONTRAST)
    assert star.inner_text() == "Shortlisted" and pressed >= 4.5, pressed

    # everywhere else on the search page: results, the evidence, the notes, a problem
    ui.open()
    ui.search(BATTERY)
    ui.card("de-cluster").locator(".btn-why").click()
    page.fill("#f-text", "x" * (MAX_TEXT + 1))
    page.click("#save-request")
    page.locator("#save-message .problem").wait_for()
    assert page.is_visible("#f-text-cut") and page.is_visible("#request-form .key-note")
    ratios = _contrast_of_every_text(ui)
    assert len(ratios) > 100
    low = {name: ratio for name, ratio in ratios.items() if ratio < 4.5}
    assert not low, low


def test_outcomes_show_in_view_and_toasts_stay_off_the_results(ui: UI) -> None:
    page = ui.page
    page.set_viewport_size({"width": 1280, "height": 700})
    ui.open()
    ui.set_key(CURATOR_KEY)
    ui.search(BATTERY)
    ui.card("de-cluster").locator("[data-star]").click()
    toast = page.locator("#toasts .toast").first
    toast.wait_for()
    box, results = toast.bounding_box(), page.locator("#results").bounding_box()
    assert box and results and box["x"] + box["width"] <= results["x"], (box, results)

    # the save message, at the end of the long form, is brought into view
    page.click("#save-request")
    saved = page.locator("#save-message .notice-success")
    saved.wait_for()
    page.wait_for_function(
        """() => {
          const r = document.querySelector('#save-message').getBoundingClientRect();
          const panel = document.querySelector('.form-panel').getBoundingClientRect();
          return r.top >= Math.max(0, panel.top) && r.bottom <= Math.min(innerHeight, panel.bottom);
        }"""
    )
    assert page.evaluate("document.activeElement.id") == "save-request"
