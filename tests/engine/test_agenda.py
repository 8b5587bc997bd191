"""Agendas, iCalendar files, the CSV export and the organiser's overview (engine/agenda.py) on
a hand-made schedule: slot order, table labels, the .ics parsed back with the library."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from engine.agenda import (
    EventInfo,
    PlacedMeeting,
    agenda_items,
    meeting_uid,
    overview,
    to_csv,
    to_ics,
)
from engine.errors import ValidationError

BRUSSELS = ZoneInfo("Europe/Brussels")
START = datetime(2026, 3, 10, 9, 0, tzinfo=BRUSSELS)  # 08:00 UTC
SLOTS = tuple((START + timedelta(minutes=20 * i), START + timedelta(minutes=20 * (i + 1)))
              for i in range(3))
NAMES = {"a": ("Alpha Cluster", "DE"), "b": ("Bravo GmbH", "AT"), "c": ("Charlie SA", "FR"),
         "d": ("Delta Oy", "FI"), "e": ("Echo BV", "NL")}
#: a meets c in slot 0 and b in slot 2; b meets c in slot 1 (a's meetings listed out of order)
PLACED = [
    PlacedMeeting("m2", "a", "b", slot=2, table=1, score=0.8123456, origin="must_meet"),
    PlacedMeeting("m1", "c", "a", slot=0, table=0, score=0.9),
    PlacedMeeting(None, "b", "c", slot=1, table=0, score=0.5, origin="request",
                  status="confirmed"),
]
REASONS = {("a", "b"): "They seek what you offer.", ("a", "c"): "You both do batteries."}
STAMP = datetime(2026, 1, 1, tzinfo=UTC)


def event(**changes: object) -> EventInfo:
    fields: dict[str, object] = {"id": "ev-1", "title": "Battery Days", "slots": SLOTS,
                                 "tables": 2, "location": "Hall 4"}
    return EventInfo(**{**fields, **changes})  # type: ignore[arg-type]


def test_items_are_in_slot_order_with_table_labels_from_one() -> None:
    items = agenda_items(event(), PLACED, "a", NAMES, REASONS)
    assert [i["slot"] for i in items] == [0, 2]
    assert [i["with"] for i in items] == [{"id": "c", "name": "Charlie SA", "country": "FR"},
                                          {"id": "b", "name": "Bravo GmbH", "country": "AT"}]
    assert [i["table"] for i in items] == [1, 2]
    assert [i["reasons"] for i in items] == ["You both do batteries.",
                                             "They seek what you offer."]
    assert items[0]["start"] == "2026-03-10T09:00+01:00" and items[0]["end"].endswith("09:20+01:00")
    assert items[1]["score"] == 0.8123 and items[1]["origin"] == "must_meet"
    assert items[0]["id"] == "m1" and items[0]["status"] == "scheduled"


def test_items_of_a_virtual_event_name_no_table_and_carry_partner_texts() -> None:
    texts = {"c": ("battery cells", "grid operators")}
    items = agenda_items(event(virtual=True, tables=None), PLACED, "a", NAMES, {}, texts)
    assert [i["table"] for i in items] == [None, None]
    assert items[0]["with"]["offer"] == "battery cells" and "offer" not in items[1]["with"]
    assert items[0]["reasons"] == ""


def test_a_participant_without_meetings_has_an_empty_agenda() -> None:
    assert agenda_items(event(), PLACED, "e", NAMES, REASONS) == []


def test_slots_need_a_time_zone() -> None:
    naive = ((datetime(2026, 3, 10, 9), datetime(2026, 3, 10, 10)),)
    with pytest.raises(ValidationError, match="time zone"):
        event(slots=naive)


def parse(ics: bytes) -> Calendar:
    return Calendar.from_ical(ics)


def test_ics_parses_back_with_one_event_per_meeting() -> None:
    info = event()
    items = agenda_items(info, PLACED, "a", NAMES, REASONS)
    calendar = parse(to_ics(info, items, "a", stamp=STAMP))
    assert str(calendar["VERSION"]) == "2.0" and str(calendar["METHOD"]) == "PUBLISH"
    assert "partner-search" in str(calendar["PRODID"])
    events = calendar.walk("VEVENT")
    assert len(events) == 2
    first, second = events
    assert first.decoded("DTSTART") == SLOTS[0][0] and first.decoded("DTEND") == SLOTS[0][1]
    assert first.decoded("DTSTART").utcoffset() == timedelta(0)  # written in UTC
    assert first.decoded("DTSTART") == datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
    assert second.decoded("DTSTART") == SLOTS[2][0]
    assert str(first["SUMMARY"]) == "Meeting with Charlie SA"
    assert str(second["SUMMARY"]) == "Meeting with Bravo GmbH"
    assert str(first["LOCATION"]) == "Table 1, Hall 4" and str(second["LOCATION"]).startswith(
        "Table 2")
    assert "You both do batteries." in str(first["DESCRIPTION"])


def test_ics_uid_is_the_same_for_both_sides_and_every_run() -> None:
    info = event()
    mine = parse(to_ics(info, agenda_items(info, PLACED, "a", NAMES, REASONS), "a",
                        stamp=STAMP)).walk("VEVENT")
    theirs = parse(to_ics(info, agenda_items(info, PLACED, "b", NAMES, REASONS), "b",
                          stamp=STAMP)).walk("VEVENT")
    uid = meeting_uid(info, "a", "b")
    assert str(mine[1]["UID"]) == uid == str(theirs[1]["UID"]) == meeting_uid(info, "b", "a")
    assert uid.startswith("ev-1/")
    items = agenda_items(info, PLACED, "a", NAMES, REASONS)
    assert to_ics(info, items, "a", stamp=STAMP) == to_ics(info, items, "a", stamp=STAMP)


def test_ics_of_a_virtual_event_is_online() -> None:
    info = event(virtual=True, tables=None)
    items = agenda_items(info, PLACED, "b", NAMES, REASONS)
    events = parse(to_ics(info, items, "b", stamp=STAMP)).walk("VEVENT")
    assert [str(e["LOCATION"]) for e in events] == ["Online", "Online"]


def test_csv_has_one_row_per_meeting_by_slot() -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(event(), PLACED, NAMES))))
    assert len(rows) == 3
    assert [r["slot"] for r in rows] == ["1", "2", "3"]
    assert [r["table"] for r in rows] == ["1", "1", "2"]
    assert rows[0] == {"slot": "1", "start": "2026-03-10T09:00+01:00",
                       "end": "2026-03-10T09:20+01:00", "table": "1", "a_id": "c",
                       "a_name": "Charlie SA", "b_id": "a", "b_name": "Alpha Cluster",
                       "score": "0.9000", "origin": "suggestion"}
    virtual = list(csv.DictReader(io.StringIO(to_csv(event(virtual=True), PLACED, NAMES))))
    assert {r["table"] for r in virtual} == {""}


def test_overview_counts_on_a_hand_made_schedule() -> None:
    available = {"a": frozenset({0, 2}), "b": frozenset({1, 2}), "c": frozenset({0, 1}),
                 "d": frozenset(), "e": frozenset({0})}
    numbers = overview(event(), PLACED, list(NAMES), available)
    assert numbers["meetings"] == 3 and numbers["participants"] == 5
    assert [s["meetings"] for s in numbers["slots"]] == [1, 1, 1]
    assert [s["tables_used"] for s in numbers["slots"]] == [1, 1, 1]
    assert numbers["slots"][0]["table_use"] == 0.5 and numbers["slots"][0]["tables"] == 2
    # d is available nowhere: not listed as lacking meetings; e is
    assert numbers["without_meeting"] == ["e"]
    assert numbers["one_meeting"] == []
    assert numbers["meetings_per_participant"] == {"0": 2, "2": 3}


def test_overview_of_a_virtual_event_has_no_table_use() -> None:
    one = [PLACED[1]]
    numbers = overview(event(virtual=True, tables=None), one, ["a", "c", "e"],
                       {p: frozenset({0}) for p in "ace"})
    assert {s["tables_used"] for s in numbers["slots"]} == {None}
    assert {s["table_use"] for s in numbers["slots"]} == {None}
    assert numbers["one_meeting"] == ["a", "c"] and numbers["without_meeting"] == ["e"]


def test_a_slot_off_the_minute_keeps_its_seconds() -> None:
    """A slot that starts at 09:00:30 reads so in the agenda and starts so in the .ics."""
    start = datetime(2026, 3, 10, 9, 0, 30, tzinfo=UTC)
    event = EventInfo("ev", "Odd slots", ((start, start + timedelta(minutes=20)),), tables=1)
    placed = [PlacedMeeting(None, "a", "b", 0, 0, 0.9)]
    items = agenda_items(event, placed, "a", {"a": ("A", "DE"), "b": ("B", "FR")}, {})
    assert items[0]["start"] == "2026-03-10T09:00:30+00:00"
    calendar = Calendar.from_ical(to_ics(event, items, "a"))
    (entry,) = [c for c in calendar.walk() if c.name == "VEVENT"]
    assert entry.decoded("dtstart") == start
