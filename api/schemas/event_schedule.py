"""An event's schedule (the organiser's overview) and a participant's agenda.

In these outputs a meeting's ``origin`` says why it is there: ``request`` (a request both
sides accepted), ``must_meet`` (a pair on a must-meet list) or ``suggestion`` (a suggested
pair the scheduler chose); ``table`` is the number people read, from 1 (null at a virtual
event).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from api.schemas.common import Input
from engine.event_match import MIN_VALUE

Mode = Literal["keep", "full"]
ScheduleOrigin = Literal["request", "must_meet", "suggestion"]


class ScheduleRun(Input):
    mode: Mode = Field(
        "keep", description="keep: every meeting already placed stays at its slot and table; "
        "full: plan everything again (accepted requests still come first)")
    min_score: float = Field(
        MIN_VALUE, ge=0, le=1, description="suggested pairs worth less are not scheduled "
        "(accepted requests and must-meet pairs always may be); 0 fills everyone's maximum")
    time_limit_s: float | None = Field(
        None, ge=1, le=300, description="the solver's wall-clock limit in seconds (default: "
        "the engine's); its work budget is fixed, so that the same input gives the same "
        "schedule on any machine that finishes within the limit")


class ScheduledMeeting(BaseModel):
    id: int
    a: str
    b: str
    slot: int
    table: int | None
    score: float = Field(description="the pair's reciprocal value in [0, 1]")
    accepted: bool = Field(description="placed before any suggestion: an accepted request or "
                           "a must-meet pair")
    origin: ScheduleOrigin


class SlotUse(BaseModel):
    slot: int
    start: str
    end: str
    meetings: int
    tables: int | None
    table_use: float | None = Field(description="share of the slot's tables in use")


class ScheduleStats(BaseModel):
    meetings: int
    participants: int
    without_meeting: list[str] = Field(description="available participants with no meeting")
    few_meetings: list[str] = Field(description="available participants with at most one")
    per_slot: list[int] = Field(description="meetings per slot")
    table_use: list[float | None] | None = Field(
        description="share of tables used per slot; null at a virtual event")
    slots: list[SlotUse]
    meetings_per_participant: dict[str, int] = Field(
        description="how many participants have each number of meetings")
    status: Literal["optimal", "feasible"] | None = Field(
        description="the last run's: optimal (proven within 1 % of the best possible; "
        "``gap`` says how close) or feasible (the work budget ended the proof); null before "
        "the first run")
    gap: float | None = Field(
        None, description="the last run's proven distance to the best possible schedule, as a "
        "share of the solver's bound (0: optimal)")
    seconds: float | None = Field(description="the last run's solving time")
    mode: Mode | None
    at: str | None = Field(description="when the last run was saved")

    @classmethod
    def of(cls, overview: dict[str, Any], run: dict[str, Any] | None,
           virtual: bool) -> ScheduleStats:
        """From :func:`engine.agenda.overview` and the last run's record."""
        slots = [SlotUse(**{k: s[k] for k in SlotUse.model_fields}) for s in overview["slots"]]
        run = run or {}
        return cls(
            meetings=overview["meetings"], participants=overview["participants"],
            without_meeting=overview["without_meeting"],
            few_meetings=overview["without_meeting"] + overview["one_meeting"],
            per_slot=[s.meetings for s in slots],
            table_use=None if virtual else [s.table_use for s in slots], slots=slots,
            meetings_per_participant=overview["meetings_per_participant"],
            status=run.get("status"), gap=run.get("gap"), seconds=run.get("seconds"),
            mode=run.get("mode"),
            at=run.get("at"),
        )


class ScheduleOut(BaseModel):
    event_id: str
    version: int = Field(description="the event's version this schedule belongs to")
    meetings: list[ScheduledMeeting] = Field(description="by slot, then table")
    stats: ScheduleStats


class Partner(BaseModel):
    id: str
    name: str
    country: str


class AgendaItem(BaseModel):
    id: int
    slot: int
    start: str
    end: str
    table: int | None
    with_: Partner = Field(alias="with")
    score: float
    reasons: str = Field(description="why they meet, from this participant's side")
    origin: ScheduleOrigin
    status: str


class AgendaOut(BaseModel):
    event_id: str
    profile_id: str
    meetings: list[AgendaItem] = Field(description="in slot order")
