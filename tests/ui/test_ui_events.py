"""Matchmaking events (issue 18) in a real browser against a real ``partner-search serve``: an
organiser creates an event (#/events), registers a participant through the form, reads the
suggestion matrix, runs the schedule, sees every meeting at a table of the slot × table grid,
cancels one and re-plans with the others in place (#/events/ID); a participant (#/events/ID/
participant/PROFILE) reads its suggestions with both sides' reasons, sends a request that the
other side accepts, finds the meeting in its agenda and downloads the agenda as an iCalendar
file. ``PARTNER_SEARCH_SCREENSHOTS=1`` saves ``docs/screenshots/event-organiser.png`` and
``docs/screenshots/event-participant.png``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import httpx
import icalendar
import pytest

from api.security import Scope, create_key
from api.store import Store

from .conftest import CURATOR_KEY, PHONE, UI

pytestmark = pytest.mark.browser

CURATOR = {"X-API-Key": CURATOR_KEY}
#: four half-hour slots on one morning, Brussels summer time
SLOTS = [
    {
        "start": f"2026-05-05T{9 + i // 2:02d}:{30 * (i % 2):02d}:00+02:00",
        "end": f"2026-05-05T{9 + (i + 1) // 2:02d}:{30 * ((i + 1) % 2):02d}:00+02:00",
    }
    for i in range(4)
]
#: profile id -> (offer, seek) at the event
PEOPLE = {
    "de-cluster": ("battery storage pilots", "solar energy partners for storage pilots"),
    "es-solar": ("solar panels for farms", "battery storage cells"),
    "de-auto": ("electric vehicle parts", "battery packs for electric cars"),
    "fr-univ": ("cancer diagnostics", "machine learning software for imaging"),
    "nl-research": ("machine learning for medical imaging", "cancer research hospitals"),
    "it-agri": ("crop trials and soil research", "software for soil sensor data"),
    "demo-cluster-02": ("hydrogen mobility pilots", "fuel cell and battery suppliers"),
}


def v1(ui: UI, path: str) -> str:
    return f"{ui.server.url}/v1/events{path}"


def make_event(
    ui: UI, event_id: str, people: dict[str, tuple[str, str]] = PEOPLE, **fields: Any
) -> None:
    """An event through the API, with `people` registered and available in every slot."""
    body = {
        "id": event_id,
        "title": "Battery days Munich",
        "slots": SLOTS,
        "tables": 2,
        "max_meetings": 3,
        **fields,
    }
    response = httpx.post(v1(ui, ""), json=body, headers=CURATOR, timeout=30)
    assert response.status_code == 201, response.text
    for profile_id, (offer, seek) in people.items():
        response = httpx.post(
            v1(ui, f"/{event_id}/participants"),
            headers=CURATOR,
            timeout=30,
            json={
                "profile_id": profile_id,
                "offer": offer,
                "seek": seek,
                "available": [0, 1, 2, 3],
            },
        )
        assert response.status_code == 201, response.text


def placed(ui: UI, event_id: str) -> dict[int, tuple[str, str, int, int | None]]:
    body = httpx.get(v1(ui, f"/{event_id}/schedule"), timeout=30).json()
    return {m["id"]: (m["a"], m["b"], m["slot"], m["table"]) for m in body["meetings"]}


def drawn_grid(ui: UI) -> dict[int, tuple[str, str, int, int | None]]:
    """The grid's meetings by id: (a, b, slot, table) read from the page."""
    cells = ui.page.eval_on_selector_all(
        "#ev-grid .ev-meeting",
        "els => els.map(e => [Number(e.dataset.meetingId), e.dataset.pair, Number(e.dataset.slot),"
        " e.dataset.table, e.closest('td').cellIndex])",
    )
    grid = {}
    for mid, pair, slot, table, column in cells:
        a, b = pair.split("|")
        assert table and int(table) == column  # column 0 is the slot
        grid[mid] = (a, b, slot, int(table))
    return grid


def go(ui: UI, hash_: str, title: str) -> None:
    """Follow an in-app link (a hash change) and wait for the page's heading."""
    ui.page.evaluate("h => { location.hash = h; }", hash_)
    ui.page.wait_for_selector(f"#view-events h1:has-text({title!r})")


def owner_key(ui_root: Path, profile_id: str) -> str:
    store = Store(f"sqlite:///{ui_root / 'service.db'}")
    try:
        return create_key(store.keys, Scope.OWNER, profile_id, "ui events test")
    finally:
        store.close()


def test_an_organiser_creates_an_event_and_registers_a_participant(ui: UI) -> None:
    page = ui.page
    ui.open("#/events")
    page.wait_for_selector("#ev-create")
    assert page.is_visible("#ev-create .key-note")
    page.fill("#ev-c-title", "Hydrogen valleys B2B")
    page.click("#ev-c-submit")  # no key yet: refused, said in words
    problem = page.locator("#ev-c-message .problem")
    problem.wait_for()
    assert "This needs a valid API key" in problem.inner_text()

    ui.set_key(CURATOR_KEY)
    assert not page.is_visible("#ev-create .key-note")
    page.fill("#ev-c-day", "2026-06-10")
    page.fill("#ev-c-time", "14:00")
    page.select_option("#ev-c-zone", "120")
    page.fill("#ev-c-count", "4")
    page.fill("#ev-c-minutes", "20")
    page.fill("#ev-c-gap", "5")
    page.fill("#ev-c-tables", "3")
    page.fill("#ev-c-max", "3")
    preview = page.text_content("#ev-c-preview")
    assert preview == "4 slots: Wed 10 Jun 2026, 14:00–15:35 (UTC+02:00)."
    page.click("#ev-c-submit")
    page.wait_for_selector("#ev-title:has-text('Hydrogen valleys B2B')")
    event_id = page.evaluate("location.hash").split("/")[2]
    event = httpx.get(v1(ui, f"/{event_id}"), timeout=10).json()
    assert event["slots"][0] == {
        "start": "2026-06-10T14:00:00+02:00",
        "end": "2026-06-10T14:20:00+02:00",
    }
    assert event["slots"][3]["start"] == "2026-06-10T15:15:00+02:00"
    assert (event["tables"], event["max_meetings"]) == (3, 3)

    # a new event says what to do next
    assert "No participants yet" in page.inner_text("#ev-no-participants")
    assert "No schedule yet" in page.inner_text("#ev-overview")
    assert page.is_disabled("#ev-run")
    assert "at least two participants" in page.inner_text("#ev-run-hint")

    # register through the form: a missing seek is said before sending
    page.fill("#ev-r-org", "Solar")
    page.locator("#ev-r-org-box [role=option]", has_text="Solar Iberia SL").click()
    page.click("#ev-r-submit")
    problem = page.locator("#ev-r-message .problem")
    problem.wait_for()
    assert "What it seeks" in problem.inner_text()
    assert page.get_attribute("#ev-r-seek", "aria-invalid") == "true"
    page.fill("#ev-r-offer", "Solar panels for farms")
    page.fill("#ev-r-seek", "Battery storage cells and hydrogen electrolysers")
    page.uncheck("#ev-r-slots input[value='3']")
    page.fill("#ev-r-max", "2")
    page.click("#ev-r-submit")
    page.wait_for_selector("#ev-people-result")
    row = page.locator('#ev-people tr[data-profile-id="es-solar"]')
    assert "slots 1, 2 and 3" in row.inner_text() and "0 / 2" in row.inner_text()
    assert page.text_content("#ev-participants-title") == "Participants (1)"
    registered = httpx.get(v1(ui, f"/{event_id}/participants"), timeout=10).json()["data"]
    assert [(p["profile"]["id"], p["available"], p["max_meetings"]) for p in registered] == [
        ("es-solar", [0, 1, 2], 2)
    ]

    # registering it twice: the server's 422 in words, beside the form
    page.fill("#ev-r-org", "Solar")
    page.locator("#ev-r-org-box [role=option]", has_text="already registered").click()
    page.fill("#ev-r-seek", "Anything")
    page.click("#ev-r-submit")
    problem = page.locator("#ev-r-message .problem")
    problem.wait_for()
    text = problem.inner_text()
    assert "Some of what was entered cannot be used" in text and "registered" in text
    assert "(422)" in text


def test_an_organiser_schedules_and_replans_with_meetings_kept(ui: UI) -> None:
    make_event(ui, "ui-ev-organiser")
    request = httpx.post(
        v1(ui, "/ui-ev-organiser/meetings"),
        headers=CURATOR,
        timeout=10,
        json={"from": "de-auto", "to": "es-solar", "message": "Packs?"},
    )
    httpx.post(
        v1(ui, f"/ui-ev-organiser/meetings/{request.json()['id']}/accept"),
        headers=CURATOR,
        timeout=10,
    ).raise_for_status()
    page = ui.page
    ui.open()
    ui.set_key(CURATOR_KEY)
    go(ui, "#/events/ui-ev-organiser", "Battery days Munich")
    assert "No schedule yet" in page.inner_text("#ev-overview")

    # the matrix: a row per participant, the best partner first, both sides' reasons on demand
    page.wait_for_selector("#ev-matrix")
    assert page.locator("#ev-matrix tbody tr[data-profile-id]").count() == len(PEOPLE)
    row = page.locator('#ev-matrix tr[data-profile-id="de-cluster"]')
    first = row.locator("td.ev-mcell").first
    assert first.get_attribute("data-partner") == "es-solar"
    assert "value 1.00" in first.get_attribute("title")
    row.locator("button.btn-why").click()
    why = page.locator("#ev-matrix .ev-why-item").first
    why.wait_for()
    assert "For what Bavarian Battery Cluster seeks, they rank 1st of" in why.inner_text()
    assert "is proposed because" in why.inner_text()

    # run: every placed meeting is drawn at its slot and table
    page.click("#ev-run")
    page.wait_for_selector("#ev-run-result")
    schedule = placed(ui, "ui-ev-organiser")
    assert len(schedule) >= len(PEOPLE)
    assert drawn_grid(ui) == schedule
    accepted = page.locator("#ev-grid .ev-meeting", has_text="Requested")
    assert accepted.count() == 1 and accepted.get_attribute("data-pair") in (
        "de-auto|es-solar",
        "es-solar|de-auto",
    )
    tiles = page.inner_text("#ev-stats .ev-tiles")
    assert f"{len(schedule)}\nmeetings placed" in tiles
    assert page.locator("#ev-per-slot tbody tr").count() == len(SLOTS)
    assert page.locator("#ev-matrix .ev-placed").count() > 0
    meetings = sum("de-cluster" in (a, b) for a, b, _, _ in schedule.values())
    assert f"{meetings} / 3" in page.inner_text('#ev-people tr[data-profile-id="de-cluster"]')

    # cancel one suggested meeting in the grid, re-plan: no other meeting moves
    cancelled = page.locator("#ev-grid .ev-meeting", has_text="Suggested").first
    cancelled_id = int(cancelled.get_attribute("data-meeting-id"))
    cancelled.locator("button[data-cancel]").click()
    page.wait_for_selector("#ev-cancel-result")
    assert "is free" in page.inner_text("#ev-cancel-result")
    assert cancelled_id not in drawn_grid(ui)
    page.click("#ev-replan")
    page.wait_for_selector("#ev-run-result")
    assert "0 moved" in page.inner_text("#ev-run-result")
    after = placed(ui, "ui-ev-organiser")
    kept = {mid: where for mid, where in schedule.items() if mid != cancelled_id}
    assert {mid: after[mid] for mid in kept} == kept
    assert cancelled_id not in after
    assert drawn_grid(ui) == after
    page.wait_for_selector(".toast", state="detached")  # "API key saved", over the grid
    ui.screenshot("event-organiser", full_page=True)

    with page.expect_download() as download:
        page.click("#ev-csv")
    assert download.value.suggested_filename == "ui-ev-organiser-schedule.csv"
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text("utf-8"))))
    assert len(rows) == len(after) and {"slot", "table", "a_name", "b_name"} <= set(rows[0])


def test_a_participant_requests_a_meeting_the_other_accepts_and_it_is_in_the_agenda(
    ui: UI, ui_root: Path
) -> None:
    make_event(ui, "ui-ev-participant")
    page = ui.page
    ui.open()
    ui.set_key(owner_key(ui_root, "de-cluster"))
    go(ui, "#/events/ui-ev-participant/participant/de-cluster", "Bavarian Battery Cluster")

    # suggestions with both sides' reasons
    card = page.locator('#ev-suggestions > li[data-profile-id="es-solar"]')
    card.wait_for()
    text = card.inner_text()
    assert "For what they seek, you rank" in text and "for what you seek, they rank" in text
    sides = card.locator(".ev-side-title").all_inner_texts()
    assert sides == [
        "They seek battery storage cells",
        "You seek solar energy partners for storage pilots",
    ]
    reasons = card.locator(".ev-side-reason").all_inner_texts()
    assert len(reasons) == 2 and all("is proposed because" in r for r in reasons)
    assert "No meetings in your agenda yet" in page.inner_text("#ev-no-agenda")

    card.locator("button[data-request]").click()
    card.locator("textarea").fill("Shall we talk about storage for your farms?")
    card.locator("button[type=submit]").click()
    page.wait_for_selector("#ev-sent")
    page.wait_for_selector('#ev-suggestions > li[data-profile-id="es-solar"] .ev-meeting-state')
    page.wait_for_selector("#ev-outgoing .ev-request")
    assert "To Solar Iberia SL" in page.inner_text("#ev-outgoing")

    # the other side accepts with its own key
    ui.set_key(owner_key(ui_root, "es-solar"))
    go(ui, "#/events/ui-ev-participant/participant/es-solar", "Solar Iberia SL")
    incoming = page.locator("#ev-incoming .ev-request")
    incoming.wait_for()
    assert "From Bavarian Battery Cluster" in incoming.inner_text()
    assert "Shall we talk about storage for your farms?" in incoming.inner_text()
    incoming.locator("button[data-action=accept]").click()
    page.wait_for_selector("#ev-answered-result")
    page.wait_for_selector('#ev-answered .ev-request[data-status="accepted"]')

    # the organiser schedules; the agenda shows the meeting with its time, table and reasons
    httpx.post(
        v1(ui, "/ui-ev-participant/schedule"), json={}, headers=CURATOR, timeout=60
    ).raise_for_status()
    agenda = httpx.get(v1(ui, "/ui-ev-participant/agenda/es-solar"), timeout=10).json()
    ours = next(m for m in agenda["meetings"] if m["with"]["id"] == "de-cluster")
    assert ours["origin"] == "request"
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    item = page.locator('#ev-agenda li[data-partner="de-cluster"]')
    item.wait_for()
    start = SLOTS[ours["slot"]]["start"][11:16]
    assert start in item.inner_text() and f"Table {ours['table']}" in item.inner_text()
    assert "Requested" in item.inner_text() and "For what they seek" in item.inner_text()
    assert page.locator("#ev-agenda li").count() == len(agenda["meetings"])
    page.wait_for_selector(".toast", state="detached")
    ui.screenshot("event-participant", full_page=True)

    with page.expect_download() as download:
        page.click("#ev-ics")
    assert download.value.suggested_filename == "ui-ev-participant-es-solar.ics"
    calendar = icalendar.Calendar.from_ical(Path(download.value.path()).read_bytes())
    events = calendar.walk("VEVENT")
    assert len(events) == len(agenda["meetings"])
    assert any("Bavarian Battery Cluster" in str(e.get("SUMMARY")) for e in events)

    page.set_viewport_size(PHONE)
    assert ui.horizontal_overflow() == 0


def test_event_pages_say_what_is_missing(ui: UI) -> None:
    make_event(ui, "ui-ev-nokey", {k: PEOPLE[k] for k in ("de-cluster", "es-solar")})
    page = ui.page
    ui.open("#/events/no-such-event")
    page.wait_for_selector("#view-events h1:has-text('Event not available')")
    assert "This could not be found" in page.inner_text("#view-events [role=alert]")

    go(ui, "#/events/ui-ev-nokey", "Battery days Munich")
    page.wait_for_selector("#ev-matrix-host p")
    assert "needs a curator's key" in page.inner_text("#ev-matrix-host")
    page.click("#ev-run")
    problem = page.locator("#ev-message .problem")
    problem.wait_for()
    assert "This needs a valid API key" in problem.inner_text()
    assert page.is_visible("#ev-message button[data-open-settings]")

    go(ui, "#/events/ui-ev-nokey/participant/gr-region", "Participant not available")
    assert "not registered" in page.inner_text("#view-events [role=alert]")
    go(ui, "#/events/ui-ev-nokey/participant/es-solar", "Solar Iberia SL")
    page.wait_for_selector("#ev-requests-host p")
    assert "key" in page.inner_text("#ev-requests-host")
    page.wait_for_selector("#ev-no-agenda")
