"""What a matchmaking event's schedule looks like to the people who use it (issue 18): each
participant's agenda (JSON items and an iCalendar file), the organiser's CSV export and
overview. Pure functions of the event, the placed meetings and the names.

Slots and tables are 0-based indexes inside the engine (as :mod:`engine.schedule` places
them). People read numbers from 1: a table's label in an agenda and every slot and table
number in the CSV export (the same numbering as the ``available`` column of the organiser's
participants sheet). An agenda item keeps the slot index, as the API's slot lists do.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from icalendar import Calendar, Event

from engine.errors import ValidationError

Origin = Literal["request", "suggestion", "must_meet"]
PRODID = "-//partner-search//matchmaking agenda//EN"


@dataclass(frozen=True)
class EventInfo:
    """An event as its outputs need it. ``slots``: (start, end) pairs with time zones, in
    time order; ``tables``: per slot (None: no limit); ``virtual``: meetings happen online,
    so no table is named."""

    id: str
    title: str
    slots: tuple[tuple[datetime, datetime], ...]
    tables: int | None = None
    virtual: bool = False
    location: str = ""

    def __post_init__(self) -> None:
        if any(start.tzinfo is None or end.tzinfo is None for start, end in self.slots):
            raise ValidationError("slot times need a time zone (an agenda is in UTC)",
                                  field="slots")


@dataclass(frozen=True)
class PlacedMeeting:
    """A meeting in the schedule: ``a`` meets ``b`` in ``slot`` at ``table`` (both 0-based),
    ``score`` the pair's reciprocal value in [0, 1]."""

    id: str | None
    a: str
    b: str
    slot: int
    table: int
    score: float
    origin: Origin = "suggestion"
    status: str = "scheduled"

    def other(self, profile_id: str) -> str:
        return self.b if profile_id == self.a else self.a


def table_label(event: EventInfo, table: int) -> int | None:
    """The table number people read (1-based); None at a virtual event."""
    return None if event.virtual else table + 1


def _iso(moment: datetime) -> str:
    """``09:00+02:00`` as people write it; seconds only where a slot has them."""
    exact = moment.second or moment.microsecond
    return moment.isoformat(timespec="seconds" if exact else "minutes")


def agenda_items(event: EventInfo, placed: Sequence[PlacedMeeting], profile_id: str,
                 names: Mapping[str, tuple[str, str]],
                 reasons: Mapping[tuple[str, str], str],
                 texts: Mapping[str, tuple[str, str]] | None = None) -> list[dict[str, Any]]:
    """``profile_id``'s meetings in slot order. ``names``: id -> (name, country);
    ``reasons``: (this participant, the other) -> why they meet, from this side; ``texts``:
    id -> (offer, seek) at this event, shown with the partner to prepare the meeting."""
    items = []
    for m in sorted((m for m in placed if profile_id in (m.a, m.b)), key=lambda m: m.slot):
        other = m.other(profile_id)
        name, country = names.get(other, (other, ""))
        start, end = event.slots[m.slot]
        partner = {"id": other, "name": name, "country": country}
        if texts is not None and other in texts:
            partner["offer"], partner["seek"] = texts[other]
        items.append({
            "id": m.id, "slot": m.slot, "start": _iso(start), "end": _iso(end),
            "table": table_label(event, m.table), "with": partner,
            "score": round(m.score, 4), "reasons": reasons.get((profile_id, other), ""),
            "origin": m.origin, "status": m.status,
        })
    return items


def meeting_uid(event: EventInfo, a: str, b: str) -> str:
    """One UID per meeting, the same in both sides' calendars and in every re-run, so that a
    calendar that imports an updated file moves the meeting instead of adding a copy."""
    first, second = sorted((a, b))
    return f"{event.id}/{first}/{second}@partner-search"


def to_ics(event: EventInfo, items: Sequence[Mapping[str, Any]], profile_id: str, *,
           stamp: datetime | None = None) -> bytes:
    """``profile_id``'s agenda (:func:`agenda_items`) as an iCalendar file: one VEVENT per
    meeting, times in UTC. ``stamp``: the DTSTAMP of every VEVENT (default: now)."""
    stamp = (stamp or datetime.now(UTC)).astimezone(UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", event.title)
    for item in items:
        partner = item["with"]
        entry = Event()
        entry.add("uid", meeting_uid(event, profile_id, partner["id"]))
        entry.add("dtstamp", stamp)
        start, end = event.slots[item["slot"]]  # the slot itself, not its text
        entry.add("dtstart", start.astimezone(UTC))
        entry.add("dtend", end.astimezone(UTC))
        entry.add("summary", f"Meeting with {partner['name']}")
        entry.add("location", _location(event, item["table"]))
        entry.add("description", _description(event, item))
        calendar.add_component(entry)
    return calendar.to_ical()


def _location(event: EventInfo, table: int | None) -> str:
    where = "Online" if event.virtual or table is None else f"Table {table}"
    return f"{where}, {event.location}" if event.location and not event.virtual else where


def _description(event: EventInfo, item: Mapping[str, Any]) -> str:
    partner = item["with"]
    who = f"{partner['name']} ({partner['country']})" if partner["country"] else partner["name"]
    lines = [f"{event.title}: meeting with {who}."]
    for key, label in (("offer", "They offer"), ("seek", "They seek")):
        if partner.get(key):
            lines.append(f"{label}: {partner[key]}")
    if item["reasons"]:
        lines.append(f"Why: {item['reasons']}")
    lines.append(f"Match score: {item['score']:.2f} (0 to 1, both sides' fit).")
    return "\n".join(lines)


CSV_COLUMNS = ("slot", "start", "end", "table", "a_id", "a_name", "b_id", "b_name", "score",
               "origin")


def to_csv(event: EventInfo, placed: Sequence[PlacedMeeting],
           names: Mapping[str, tuple[str, str]]) -> str:
    """Every meeting, one row each, by slot then table; slot and table numbered from 1
    (table empty at a virtual event)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for m in sorted(placed, key=lambda m: (m.slot, m.table)):
        start, end = event.slots[m.slot]
        table = table_label(event, m.table)
        writer.writerow([
            m.slot + 1, _iso(start), _iso(end), "" if table is None else table,
            m.a, names.get(m.a, (m.a, ""))[0], m.b, names.get(m.b, (m.b, ""))[0],
            f"{m.score:.4f}", m.origin,
        ])
    return buffer.getvalue()


def overview(event: EventInfo, placed: Sequence[PlacedMeeting], participants: Sequence[str],
             available: Mapping[str, frozenset[int]]) -> dict[str, Any]:
    """The organiser's numbers: meetings and table use per slot (``tables_used`` None at a
    virtual event), who has no or one meeting though available in some slot, and how many
    participants have each number of meetings."""
    per_slot = Counter(m.slot for m in placed)
    count = Counter({p: 0 for p in participants})
    count.update(who for m in placed for who in (m.a, m.b))
    slots = []
    for s, (start, end) in enumerate(event.slots):
        used = None if event.virtual else per_slot[s]
        share = round(used / event.tables, 3) if used is not None and event.tables else None
        slots.append({"slot": s, "start": _iso(start), "end": _iso(end),
                      "meetings": per_slot[s], "tables_used": used, "tables": event.tables,
                      "table_use": share})
    present = [p for p in participants if available.get(p)]
    distribution = Counter(count[p] for p in participants)
    return {
        "meetings": len(placed), "participants": len(participants), "slots": slots,
        "without_meeting": [p for p in present if count[p] == 0],
        "one_meeting": [p for p in present if count[p] == 1],
        "meetings_per_participant": {str(n): distribution[n] for n in sorted(distribution)},
    }
