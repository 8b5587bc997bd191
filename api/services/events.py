"""Matchmaking events (issue 18): events, participants and meeting requests, and the front
of the event services (``service.suggestions``: :mod:`api.services.event_suggestions`;
``service.schedule``: :mod:`api.services.event_schedule`).

Who may do what: a curator key creates events, schedules them and acts for anyone; an owner
key registers or withdraws its own profile, sends requests from it, answers requests sent
to it and cancels meetings it is in. Every write is checked and made under one lock (the
service is one process), so a refused write changes nothing and two writes never
interleave their checks.
"""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime

from api.errors import Forbidden
from api.live import LiveIndex
from api.schemas.common import Page
from api.schemas.events import (
    Action,
    EventCreate,
    EventPublic,
    MeetingCreate,
    MeetingList,
    MeetingPublic,
    ParticipantCreate,
    ParticipantList,
    ParticipantPublic,
)
from api.security import Principal
from api.services.event_matrix import EventMatrices
from api.services.event_schedule import ScheduleService
from api.services.event_suggestions import SuggestionService
from api.services.profiles import ProfileService
from api.store.events import ACTIVE, EventRecord, EventStore, MeetingRecord, ParticipantRecord
from api.store.events import Status as MeetingStatus
from api.store.profiles import ProfileStore
from engine.errors import ConflictError, NotFoundError, ValidationError


class EventService:
    def __init__(self, events: EventStore, profiles: ProfileStore, live: LiveIndex,
                 creator: ProfileService):
        self.events = events
        self.profiles = profiles
        self.creator = creator
        self._lock = threading.Lock()
        matrices = EventMatrices(live)
        self.suggestions = SuggestionService(events, profiles, matrices)
        self.schedule = ScheduleService(events, profiles, matrices, self._lock)

    # ---- events -------------------------------------------------------------------------
    def create(self, body: EventCreate, principal: Principal) -> EventPublic:
        principal.require_curator("only a curator key may create events")
        record = EventRecord(
            id=body.id or f"ev-{uuid.uuid4().hex[:12]}", title=body.title,
            slots=tuple((s.start, s.end) for s in body.slots), tables=body.tables,
            max_meetings=body.max_meetings,
            focus_countries=tuple(dict.fromkeys(c.upper() for c in body.focus_countries)),
            focus_ecosystems=tuple(dict.fromkeys(e.value for e in body.focus_ecosystems)),
            created_at=datetime.now(UTC), version=1,
        )
        with self._lock:
            return EventPublic.of(self.events.create(record))

    def get(self, event_id: str) -> EventPublic:
        return EventPublic.of(self.events.get(event_id))

    def page(self, offset: int, limit: int) -> Page[EventPublic]:
        records, total = self.events.page(offset, limit)
        return Page[EventPublic](data=[EventPublic.of(r) for r in records], count=total,
                                 offset=offset, limit=limit)

    # ---- participants ---------------------------------------------------------------------
    def register(self, event_id: str, body: ParticipantCreate,
                 principal: Principal) -> ParticipantPublic:
        """Register a stored profile, or create ``body.profile`` with the registration (its
        owner key or a curator). Slots the event does not have, or unknown profiles on its
        lists, are a 422; a second registration a 409. The registration is checked before a
        new profile is created, so a refused one creates nothing."""
        principal.require_write(body.profile_id, "an owner key may register only its own profile")
        profile = body.profile and body.profile.model_copy(update={"id": body.profile_id})
        if profile is not None:
            self.creator.prepare(profile)  # encoded before the lock
        with self._lock:
            event = self.events.get(event_id)
            outside = sorted(set(body.available) - set(range(len(event.slots))))
            if outside:
                raise ValidationError(
                    f"slot(s) {', '.join(map(str, outside))} are not slots of the event "
                    f"(0 to {len(event.slots) - 1})", field="available")
            for field, named in (("must_meet", body.must_meet), ("avoid", body.avoid)):
                unknown = sorted(set(named) - self.events.existing_profiles(named))
                if unknown:
                    raise ValidationError(f"no profile with id {unknown[0]!r}", field=field)
            if profile is not None:
                self.creator.create(profile, principal)
            record = self.events.register(ParticipantRecord(
                event_id=event_id, profile_id=body.profile_id, offer=body.offer,
                seek=body.seek, available=frozenset(body.available),
                max_meetings=body.max_meetings, must_meet=frozenset(body.must_meet),
                avoid=frozenset(body.avoid), registered_at=datetime.now(UTC),
            ))
        return ParticipantPublic.of(record, self.profiles.by_ids([record.profile_id]).get(
            record.profile_id))

    def participants(self, event_id: str, principal: Principal | None) -> ParticipantList:
        """The participants; whom each must meet or avoids only for its owner and curators
        (who avoids whom is nobody else's business)."""
        found = self.events.participants(event_id)
        profiles = self.profiles.by_ids(p.profile_id for p in found)
        data = [ParticipantPublic.of(p, profiles.get(p.profile_id), private=principal is not None
                                     and principal.may_write(p.profile_id)) for p in found]
        return ParticipantList(data=data, count=len(data))

    def withdraw(self, event_id: str, profile_id: str, principal: Principal) -> None:
        """Withdraw a participant (its owner key or a curator): its meetings are cancelled."""
        principal.require_write(profile_id, "an owner key may withdraw only its own profile")
        with self._lock:
            self.events.withdraw(event_id, profile_id)

    # ---- meetings -------------------------------------------------------------------------
    def request(self, event_id: str, body: MeetingCreate, principal: Principal) -> MeetingPublic:
        """A meeting request between two participants who may meet (a 422 names the field
        that says why not); a pair with an active meeting is a 409."""
        sender, invited = body.from_, body.to
        principal.require_write(sender, "an owner key may send requests only from its profile")
        with self._lock:
            event = self.events.get(event_id)
            people = {p.profile_id: p for p in self.events.participants(event_id)}
            if sender == invited:
                raise ValidationError("a participant cannot meet itself", field="to")
            for field, who in (("from", sender), ("to", invited)):
                if who not in people:
                    raise ValidationError(f"{who!r} is not a participant of the event",
                                          field=field)
            a, b = people[sender], people[invited]
            if invited in a.avoid or sender in b.avoid:
                raise ValidationError("one of the two will not meet the other", field="to")
            if not a.available & b.available:
                raise ValidationError("the two have no slot in common", field="to")
            pair = frozenset((sender, invited))
            active = [m for m in self.events.meetings(event_id, sender)
                      if m.pair == pair and m.status in ACTIVE]
            if active:
                raise ConflictError(f"the two have a meeting already (id {active[0].id}, "
                                    f"{active[0].status})")
            record = self.events.request(event_id, sender, invited, body.message)
        return MeetingPublic.of(record, event)

    def answer(self, event_id: str, meeting_id: int, action: Action,
               principal: Principal) -> MeetingPublic:
        """Accept or decline a pending request (the invited side's key or a curator), or
        cancel a meeting (either side's key or a curator). Repeating an answer changes
        nothing; answering against the meeting's state is a 422."""

        def decide(m: MeetingRecord) -> MeetingStatus:
            if action == "cancel":
                if not (principal.may_write(m.from_id) or principal.may_write(m.to_id)):
                    raise Forbidden("only a side of the meeting or a curator may cancel it")
                if m.status == "declined":
                    raise ValidationError("a declined request cannot be cancelled",
                                          field="status")
                return "cancelled"
            if m.origin != "request":
                raise ValidationError("a suggested meeting is no request to answer; cancel it "
                                      "if it should not take place", field="status")
            principal.require_write(m.to_id, "only the invited participant or a curator may "
                                    "answer a request")
            target: MeetingStatus = "accepted" if action == "accept" else "declined"
            if m.status not in ("pending", target):
                raise ValidationError(f"the request is {m.status}: it cannot be {target} now",
                                      field="status")
            return target

        with self._lock:
            event = self.events.get(event_id)
            record = self.events.change(event_id, meeting_id, decide)
        return MeetingPublic.of(record, event)

    def meetings(self, event_id: str, profile_id: str | None,
                 principal: Principal) -> MeetingList:
        """Requests and meetings: a curator's key sees all (or ``profile_id``'s), an owner
        key those of its own profile."""
        if not principal.is_curator:
            profile_id = profile_id or principal.profile_id
            if not principal.may_write(profile_id):
                raise Forbidden("an owner key may read only its own profile's meetings")
        event = self.events.get(event_id)
        found = self.events.meetings(event_id, profile_id)
        return MeetingList(data=[MeetingPublic.of(m, event) for m in found], count=len(found))

    def meeting(self, event_id: str, meeting_id: int, principal: Principal) -> MeetingPublic:
        event = self.events.get(event_id)
        record = self.events.meeting(event_id, meeting_id)
        if not (principal.may_write(record.from_id) or principal.may_write(record.to_id)):
            raise NotFoundError(f"no meeting {meeting_id} at event {event_id!r}")
        return MeetingPublic.of(record, event)
