"""Reciprocal meeting suggestions at an event: a participant's ranked partners with both
sides' reasons, and the organiser's matrix (every participant's best partners)."""

from __future__ import annotations

from api.schemas.events import (
    MatrixCell,
    MatrixOut,
    MatrixRow,
    MeetingRef,
    ProfileBrief,
    SideOut,
    SuggestionList,
    SuggestionOut,
)
from api.security import Principal
from api.services.event_matrix import EventMatrices
from api.store.events import ACTIVE, EventStore
from api.store.profiles import ProfileStore
from engine.errors import NotFoundError
from engine.event_match import Side
from engine.event_reasons import summary


def _side(side: Side, reason: str) -> SideOut:
    return SideOut(rank=side.rank, of=side.of, value=round(side.value, 4),
                   words=list(side.words), reason=reason)


class SuggestionService:
    def __init__(self, events: EventStore, profiles: ProfileStore, matrices: EventMatrices):
        self.events = events
        self.profiles = profiles
        self.matrices = matrices

    def for_participant(self, event_id: str, profile_id: str, k: int) -> SuggestionList:
        """``profile_id``'s ``k`` best partners at the event: must-meet partners first, then
        by the pair's value; each side says why (the engine's reasons cost one ranking for
        the participant's side and one per suggestion for theirs, so only the ``k`` shown
        are explained)."""
        event = self.events.get(event_id)
        participants = self.events.participants(event_id)
        people = {p.profile_id: p for p in participants}
        if profile_id not in people:
            raise NotFoundError(f"{profile_id!r} is not a participant of event {event_id!r}")
        with self.matrices.scored(event, participants) as scored:
            found = [] if scored.matrix is None else scored.matrix.suggestions(profile_id, k)
            # yours: one ranking for all of them; theirs: one ranking each
            yours = scored.reasons(profile_id, [s.id for s in found]) if found else {}
            reasons = [(yours[s.id], scored.reasons(s.id, [profile_id])[profile_id])
                       for s in found]
        profiles = self.profiles.by_ids(s.id for s in found)
        meetings = {m.pair: m for m in self.events.meetings(event_id, profile_id)
                    if m.status in ACTIVE}
        data = []
        for s, (yours, theirs) in zip(found, reasons, strict=True):
            other = people[s.id]
            meeting = meetings.get(frozenset((profile_id, s.id)))
            data.append(SuggestionOut(
                profile=ProfileBrief.of(s.id, profiles.get(s.id)), offer=other.offer,
                seek=other.seek, score=round(s.score, 4),
                summary=summary(s.yours, s.theirs, must_meet=s.must_meet),
                yours=_side(s.yours, yours), theirs=_side(s.theirs, theirs),
                slots=list(s.slots), must_meet=s.must_meet,
                meeting=None if meeting is None else MeetingRef(id=meeting.id,
                                                                status=meeting.status),
            ))
        return SuggestionList(data=data, count=len(data))

    def matrix(self, event_id: str, k: int, principal: Principal) -> MatrixOut:
        """Every participant's ``k`` best partners with the pair's value (a curator's)."""
        principal.require_curator("only a curator key may read an event's suggestion matrix")
        event = self.events.get(event_id)
        participants = self.events.participants(event_id)
        profiles = self.profiles.by_ids(p.profile_id for p in participants)
        with self.matrices.scored(event, participants) as scored:
            rows = []
            for p in participants:
                found = [] if scored.matrix is None else scored.matrix.suggestions(
                    p.profile_id, k)
                rows.append(MatrixRow(
                    profile=ProfileBrief.of(p.profile_id, profiles.get(p.profile_id)),
                    suggestions=[MatrixCell(
                        id=s.id, name=ProfileBrief.of(s.id, profiles.get(s.id)).name,
                        score=round(s.score, 4), must_meet=s.must_meet) for s in found],
                ))
        return MatrixOut(data=rows, count=len(rows))
