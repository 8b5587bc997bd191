"""Matchmaking events (issue 18): an event and its time slots, its participants, their
reciprocal suggestions and their meeting requests. The schedule and agendas are in
:mod:`api.schemas.event_schedule`.

Slots are referred to by index (0-based, in time order) everywhere: in a participant's
``available``, in a suggestion's common ``slots`` and in a meeting's ``slot``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from api.schemas.common import MULTILINE, Country, Ecosystem, Id, Input, Name, RefId, Text
from api.schemas.profiles import ProfileCreate
from api.store.events import EventRecord, MeetingRecord, Origin, ParticipantRecord, Status
from engine.profiles import MAX_TEXT_CHARS, Profile

#: the most slots an event has, and the most participants a list names
MAX_SLOTS = 200
MAX_IDS = 200
#: slot times lie in these years (a typo such as 0202 is refused, not scheduled)
YEARS = (2000, 2100)

#: what a participant seeks: required, not empty once normalised
Seek = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT_CHARS), MULTILINE]
Message = Annotated[str, StringConstraints(max_length=4000), MULTILINE]
SlotIndex = Annotated[int, Field(ge=0, lt=MAX_SLOTS)]


# ---- events ----------------------------------------------------------------------------
class Slot(Input):
    start: AwareDatetime = Field(description="ISO 8601 with a time zone")
    end: AwareDatetime = Field(description="after start")


class EventCreate(Input):
    id: Id | None = Field(None, description="chosen by the server when left out")
    title: Name
    slots: list[Slot] = Field(
        min_length=1, max_length=MAX_SLOTS,
        description="meeting slots in time order, none overlapping another")
    tables: int | None = Field(
        None, ge=1, le=10_000, description="tables per slot; null: virtual, no limit")
    max_meetings: int = Field(ge=1, le=100, description="default maximum per participant")
    focus_countries: list[Country] = Field(
        default_factory=list, max_length=60,
        description="only participants from these countries are suggested to each other "
        "(unless one must meet the other)")
    focus_ecosystems: list[Ecosystem] = Field(  # type: ignore[valid-type]
        default_factory=list, max_length=30,
        description="preferred sectors of every participant's search")

    @field_validator("slots")
    @classmethod
    def _slots_in_order(cls, slots: list[Slot]) -> list[Slot]:
        for i, slot in enumerate(slots):
            if not all(YEARS[0] <= t.year <= YEARS[1] for t in (slot.start, slot.end)):
                raise ValueError(f"slot {i} is not between the years {YEARS[0]} and {YEARS[1]}")
            if slot.end <= slot.start:
                raise ValueError(f"slot {i} does not end after it starts")
            if i and slot.start < slots[i - 1].end:
                raise ValueError(f"slot {i} overlaps or comes before slot {i - 1}: give the "
                                 "slots in time order, without overlap")
        return slots


class SlotPublic(BaseModel):
    start: datetime
    end: datetime


class EventPublic(BaseModel):
    id: str
    title: str
    slots: list[SlotPublic]
    tables: int | None = Field(description="tables per slot; null: virtual")
    virtual: bool
    max_meetings: int
    focus_countries: list[str]
    focus_ecosystems: list[str]
    created_at: datetime
    version: int = Field(description="bumped by every change of participants, meetings or "
                         "schedule")
    scheduled: dict[str, Any] | None = Field(
        description="the last scheduling run: status, seconds, mode, at (null: none yet)")

    @classmethod
    def of(cls, record: EventRecord) -> EventPublic:
        return cls(
            id=record.id, title=record.title,
            slots=[SlotPublic(start=a, end=b) for a, b in record.slots],
            tables=record.tables, virtual=record.tables is None,
            max_meetings=record.max_meetings, focus_countries=list(record.focus_countries),
            focus_ecosystems=list(record.focus_ecosystems), created_at=record.created_at,
            version=record.version,
            scheduled=None if record.schedule is None else dict(record.schedule),
        )


# ---- participants ------------------------------------------------------------------------
class ParticipantCreate(Input):
    profile_id: RefId = Field(description="a stored profile, or the id of the new ``profile``")
    profile: ProfileCreate | None = Field(
        None, description="a profile to create with the registration (as POST /v1/profiles, "
        "its id is profile_id): an organisation the index does not know yet")
    offer: Text = Field("", description="what it offers at this event, in any language")
    seek: Seek = Field(description="what it seeks at this event, in any language")
    available: list[SlotIndex] = Field(
        min_length=1, max_length=MAX_SLOTS, description="indexes of the slots it can meet in")
    max_meetings: int | None = Field(
        None, ge=1, le=100, description="its own maximum; default: the event's")
    must_meet: list[RefId] = Field(default_factory=list, max_length=MAX_IDS,
                                   description="profile ids it must meet")
    avoid: list[RefId] = Field(default_factory=list, max_length=MAX_IDS,
                               description="profile ids it will not meet")

    @field_validator("profile")
    @classmethod
    def _same_id(cls, profile: ProfileCreate | None,
                 info: ValidationInfo) -> ProfileCreate | None:
        if profile is not None and profile.id not in (None, info.data.get("profile_id")):
            raise ValueError("the new profile's id must be profile_id (or left out)")
        return profile

    @field_validator("must_meet", "avoid")
    @classmethod
    def _others(cls, named: list[str], info: ValidationInfo) -> list[str]:
        if info.data.get("profile_id") in named:
            raise ValueError("names other profiles, not the participant itself")
        both = sorted(set(named) & set(info.data.get("must_meet", ())))
        if info.field_name == "avoid" and both:
            raise ValueError(f"must_meet names {', '.join(both[:5])} too")
        return named


class ProfileBrief(BaseModel):
    id: str
    name: str
    country: str
    kind: str

    @classmethod
    def of(cls, profile_id: str, profile: Profile | None) -> ProfileBrief:
        """A stored profile's name, or its id alone when it is gone."""
        if profile is None:
            return cls(id=profile_id, name=profile_id, country="", kind="")
        return cls(id=profile.id, name=profile.name, country=profile.country,
                   kind=profile.kind.value)


class ParticipantPublic(BaseModel):
    event_id: str
    profile: ProfileBrief
    offer: str
    seek: str
    available: list[int]
    max_meetings: int | None = Field(description="its own maximum; null: the event's")
    must_meet: list[str] | None = Field(
        description="whom it must meet: for its owner's key and curators only (else null)")
    avoid: list[str] | None = Field(
        description="whom it will not meet: for its owner's key and curators only (else null)")
    registered_at: datetime

    @classmethod
    def of(cls, record: ParticipantRecord, profile: Profile | None, *,
           private: bool = True) -> ParticipantPublic:
        """``private``: the reader may see its must-meet and avoid lists."""
        return cls(
            event_id=record.event_id, profile=ProfileBrief.of(record.profile_id, profile),
            offer=record.offer, seek=record.seek, available=sorted(record.available),
            max_meetings=record.max_meetings,
            must_meet=sorted(record.must_meet) if private else None,
            avoid=sorted(record.avoid) if private else None, registered_at=record.registered_at,
        )


class ParticipantList(BaseModel):
    data: list[ParticipantPublic]
    count: int


# ---- meetings ----------------------------------------------------------------------------
class MeetingCreate(Input):
    from_: RefId = Field(alias="from", description="the participant asking")
    to: RefId = Field(description="the participant asked")
    message: Message = Field("", description="why meet")


class MeetingPublic(BaseModel):
    id: int
    event_id: str
    from_: str = Field(alias="from")
    to: str
    message: str
    status: Status
    origin: Origin = Field(description="request: sent by a participant; suggestion: placed "
                           "by the scheduler")
    slot: int | None = Field(description="slot index once scheduled")
    table: int | None = Field(description="table number (from 1) once scheduled; null at a "
                              "virtual event")
    start: datetime | None
    end: datetime | None
    score: float | None = Field(description="the pair's reciprocal value in [0, 1]")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, record: MeetingRecord, event: EventRecord) -> MeetingPublic:
        start, end = event.slots[record.slot] if record.slot is not None else (None, None)
        table = None if record.table is None or event.tables is None else record.table + 1
        return cls.model_validate({
            "id": record.id, "event_id": record.event_id, "from": record.from_id,
            "to": record.to_id, "message": record.message, "status": record.status,
            "origin": record.origin, "slot": record.slot, "table": table, "start": start,
            "end": end, "score": record.score, "created_at": record.created_at,
            "updated_at": record.updated_at,
        })


class MeetingList(BaseModel):
    data: list[MeetingPublic]
    count: int


Action = Literal["accept", "decline", "cancel"]


# ---- suggestions -------------------------------------------------------------------------
class SideOut(BaseModel):
    """One direction of a pair: how the participant who seeks ranks the other."""

    rank: int = Field(description="1 = its best candidate at the event")
    of: int = Field(description="candidates it may meet")
    value: float = Field(description="this direction's value in [0, 1]")
    words: list[str] = Field(description="terms its seek text shares with the other's offer")
    reason: str = Field(description="the engine's reason, in one sentence")


class MeetingRef(BaseModel):
    id: int
    status: Status


class SuggestionOut(BaseModel):
    profile: ProfileBrief
    offer: str = Field(description="what they offer at this event")
    seek: str = Field(description="what they seek at this event")
    score: float = Field(description="the pair's value in [0, 1]: harmonic mean of both sides")
    summary: str = Field(description="both directions in one sentence")
    yours: SideOut = Field(description="what you seek, found in them")
    theirs: SideOut = Field(description="what they seek, found in you")
    slots: list[int] = Field(description="slot indexes you are both available in")
    must_meet: bool
    meeting: MeetingRef | None = Field(description="your active meeting with them, if any")


class SuggestionList(BaseModel):
    data: list[SuggestionOut]
    count: int


class MatrixCell(BaseModel):
    id: str
    name: str
    score: float
    must_meet: bool


class MatrixRow(BaseModel):
    profile: ProfileBrief
    suggestions: list[MatrixCell]


class MatrixOut(BaseModel):
    """The organiser's view: every participant's best partners by the pair's value."""

    data: list[MatrixRow]
    count: int
