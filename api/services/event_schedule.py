"""An event's schedule: running the solver (:func:`engine.schedule.solve`, asked as
:mod:`api.services.event_problem` says), the organiser's overview, each participant's agenda
(JSON or iCalendar) and the CSV export (:mod:`engine.agenda`).

The solver runs outside the write lock; the placements are saved only if the event did not
change meanwhile (else a 409: run again), so a run never undoes a cancellation or a
registration it did not see.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime

from api.schemas.event_schedule import (
    AgendaItem,
    AgendaOut,
    ScheduledMeeting,
    ScheduleOrigin,
    ScheduleOut,
    ScheduleRun,
    ScheduleStats,
)
from api.security import Principal
from api.services.event_matrix import EventMatrices
from api.services.event_problem import candidates_per_participant, must_meet_pairs, plan
from api.store.events import EventRecord, EventStore, MeetingRecord, Placement
from api.store.profiles import ProfileStore
from engine.agenda import EventInfo, PlacedMeeting, agenda_items, overview, to_csv, to_ics
from engine.errors import NotFoundError
from engine.schedule import solve


def event_info(event: EventRecord) -> EventInfo:
    return EventInfo(event.id, event.title, event.slots, event.tables,
                     virtual=event.tables is None)


def _origin(meeting: MeetingRecord, must: set[frozenset[str]]) -> ScheduleOrigin:
    if meeting.origin == "request":
        return "request"
    return "must_meet" if meeting.pair in must else "suggestion"


def _placed(meetings: Sequence[MeetingRecord],
            must: set[frozenset[str]]) -> list[PlacedMeeting]:
    """The meetings in the schedule, as :mod:`engine.agenda` reads them."""
    return [PlacedMeeting(str(m.id), m.from_id, m.to_id, m.slot, m.table, m.score or 0.0,
                          _origin(m, must), m.status)
            for m in meetings if m.placed and m.slot is not None and m.table is not None]


class ScheduleService:
    def __init__(self, events: EventStore, profiles: ProfileStore, matrices: EventMatrices,
                 lock: threading.Lock):
        self.events = events
        self.profiles = profiles
        self.matrices = matrices
        self._lock = lock

    def run(self, event_id: str, body: ScheduleRun, principal: Principal) -> ScheduleOut:
        """Schedule the event (a curator's): accepted requests and must-meet pairs first,
        then suggested pairs by value; ``keep`` mode moves no placed meeting."""
        principal.require_curator("only a curator key may schedule an event")
        event = self.events.get(event_id)
        participants = self.events.participants(event_id)
        meetings = self.events.meetings(event_id)
        with self.matrices.scored(event, participants) as scored:
            suggested = [] if scored.matrix is None else scored.matrix.pairs(
                candidates_per_participant(event, participants), body.min_score)
            asked = plan(event, participants, meetings, suggested, scored.value, body.mode,
                         body.time_limit_s)
        started = time.perf_counter()
        schedule = solve(asked.problem)
        seconds = round(time.perf_counter() - started, 3)
        placements = [Placement(p.a, p.b, p.slot, p.table, round(p.value, 4),
                                asked.ids.get(frozenset((p.a, p.b))))
                      for p in schedule.meetings]
        run = {"status": schedule.status, "gap": round(schedule.gap, 4), "seconds": seconds,
               "mode": body.mode,
               "at": datetime.now(UTC).isoformat(timespec="seconds")}
        with self._lock:
            self.events.save_schedule(event_id, event.version, placements, run)
        return self.current(event_id)

    def current(self, event_id: str) -> ScheduleOut:
        """The schedule as stored, with the organiser's numbers."""
        event = self.events.get(event_id)
        participants = self.events.participants(event_id)
        must = must_meet_pairs(participants)
        records = sorted((m for m in self.events.meetings(event_id) if m.placed),
                         key=lambda m: (m.slot, m.table))
        numbers = overview(event_info(event), _placed(records, must),
                           [p.profile_id for p in participants],
                           {p.profile_id: p.available for p in participants})
        virtual = event.tables is None
        meetings = [ScheduledMeeting(
            id=m.id, a=m.from_id, b=m.to_id, slot=m.slot,
            table=None if virtual or m.table is None else m.table + 1, score=m.score or 0.0,
            accepted=_origin(m, must) != "suggestion", origin=_origin(m, must),
        ) for m in records]
        stats = ScheduleStats.of(numbers, None if event.schedule is None else dict(
            event.schedule), virtual)
        return ScheduleOut(event_id=event.id, version=event.version, meetings=meetings,
                           stats=stats)

    def agenda(self, event_id: str, profile_id: str) -> AgendaOut:
        """A participant's meetings in slot order, each with why they meet."""
        _, items = self._items(event_id, profile_id)
        return AgendaOut(event_id=event_id, profile_id=profile_id,
                         meetings=[AgendaItem.model_validate({**i, "id": int(i["id"])})
                                   for i in items])

    def calendar(self, event_id: str, profile_id: str) -> bytes:
        """A participant's agenda as an iCalendar file."""
        info, items = self._items(event_id, profile_id)
        return to_ics(info, items, profile_id)

    def csv(self, event_id: str, principal: Principal) -> str:
        """Every placed meeting, one row each (a curator's)."""
        principal.require_curator("only a curator key may export an event's schedule")
        event = self.events.get(event_id)
        placed = _placed(self.events.meetings(event_id),
                         must_meet_pairs(self.events.participants(event_id)))
        return to_csv(event_info(event), placed, self._names({*(m.a for m in placed),
                                                              *(m.b for m in placed)}))

    def _items(self, event_id: str, profile_id: str) -> tuple[EventInfo, list[dict[str, object]]]:
        event = self.events.get(event_id)
        participants = self.events.participants(event_id)
        if profile_id not in {p.profile_id for p in participants}:
            raise NotFoundError(f"{profile_id!r} is not a participant of event {event_id!r}")
        placed = _placed(self.events.meetings(event_id, profile_id),
                         must_meet_pairs(participants))
        others = {m.other(profile_id) for m in placed}
        reasons: dict[tuple[str, str], str] = {}
        if placed:
            with self.matrices.scored(event, participants) as scored:
                reasons = {(profile_id, o): scored.summary(profile_id, o) for o in others}
        info = event_info(event)
        return info, agenda_items(info, placed, profile_id, self._names(others), reasons)

    def _names(self, ids: set[str]) -> dict[str, tuple[str, str]]:
        return {i: (p.name, p.country) for i, p in self.profiles.by_ids(ids).items()}
