"""What the solver (:func:`engine.schedule.solve`) is asked at a scheduling run: pure
functions of the stored event, participants and meetings and the pairs' values.

- Accepted requests and must-meet pairs are ``accepted`` (placed before any suggestion).
- Suggested pairs are the matrix's best few per participant
  (:func:`engine.event_match.candidates` of the largest maximum), valued by the pair's
  reciprocal value.
- In ``keep`` mode every meeting already placed and still active is ``fixed`` at its slot
  and table: re-planning after a cancellation or a late registration moves no placed
  meeting. ``full`` mode places everything again; its earlier suggestions are candidates.
- A pair with a pending request waits for the answer, and a pair whose meeting was
  declined or cancelled since both registered is not proposed again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from api.schemas.event_schedule import Mode
from api.store.events import EventRecord, MeetingRecord, ParticipantRecord
from engine.event_match import candidates
from engine.schedule import Meeting, Participant, Problem

#: the value of two participants (None: they may not meet)
Value = Callable[[str, str], float | None]


@dataclass(frozen=True)
class Plan:
    problem: Problem
    #: the stored meeting behind each pair of the problem that has one
    ids: dict[frozenset[str], int]


def candidates_per_participant(event: EventRecord,
                               participants: Sequence[ParticipantRecord]) -> int:
    return candidates(max([p.max_meetings or event.max_meetings for p in participants]
                          or [event.max_meetings]))


def must_meet_pairs(participants: Sequence[ParticipantRecord]) -> set[frozenset[str]]:
    """Pairs of registered participants on which one is on the other's must-meet list."""
    registered = {p.profile_id for p in participants}
    return {frozenset((p.profile_id, other)) for p in participants
            for other in p.must_meet if other in registered and other != p.profile_id}


def _held_back(participants: Sequence[ParticipantRecord],
               meetings: Sequence[MeetingRecord]) -> set[frozenset[str]]:
    """Pairs not to propose: one waits for an answer, or either side said no since both
    registered (a withdrawal's cancellations do not count after a new registration)."""
    since = {p.profile_id: p.registered_at for p in participants}
    held = set()
    for m in meetings:
        if m.status == "pending":
            held.add(m.pair)
        elif m.status in ("declined", "cancelled") and all(
                who in since and m.updated_at >= since[who] for who in m.pair):
            held.add(m.pair)
    return held


def plan(event: EventRecord, participants: Sequence[ParticipantRecord],
         meetings: Sequence[MeetingRecord], suggested: Sequence[tuple[str, str, float]],
         value: Value, mode: Mode, time_limit_s: float | None = None) -> Plan:
    """The solver's problem (see the module docstring); ``time_limit_s``: the solver's
    wall-clock guard (None: the engine's)."""
    registered = {p.profile_id for p in participants}
    must = must_meet_pairs(participants)
    held = _held_back(participants, meetings)
    chosen: dict[frozenset[str], Meeting] = {}
    ids: dict[frozenset[str], int] = {}
    for m in meetings:
        if m.status not in ("accepted", "scheduled") or not m.pair <= registered:
            continue
        fixed = None
        if mode == "keep" and m.slot is not None and m.table is not None:
            fixed = (m.slot, m.table)
        worth = value(m.from_id, m.to_id)
        if fixed is None and m.status == "scheduled" and worth is None:
            continue  # a suggestion that no longer fits: not proposed again
        chosen[m.pair] = Meeting(m.from_id, m.to_id, worth or 0.0,
                                 accepted=m.status == "accepted" or m.pair in must, fixed=fixed)
        ids[m.pair] = m.id
    for pair in sorted(must - held - set(chosen), key=sorted):
        a, b = sorted(pair)
        worth = value(a, b)
        if worth is not None:
            chosen[pair] = Meeting(a, b, worth, accepted=True)
    for a, b, worth in suggested:
        pair = frozenset((a, b))
        if pair not in chosen and pair not in held:
            chosen[pair] = Meeting(a, b, worth)
    people = [Participant(p.profile_id, p.available, p.max_meetings or event.max_meetings)
              for p in participants]
    ordered = [chosen[pair] for pair in sorted(chosen, key=sorted)]  # not the rows' order
    guard = {} if time_limit_s is None else {"time_limit_s": time_limit_s}
    return Plan(Problem(len(event.slots), event.tables, people, ordered, **guard), ids)
