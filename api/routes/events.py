"""Matchmaking events (issue 18): events and their slots, participants, reciprocal
suggestions, meeting requests, the schedule, agendas (JSON or iCalendar) and the CSV
export. Who may do what is in :mod:`api.services.events`; docs/api.md, "Events"."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, Path, Query, Response

from api.deps import Limit, Offset, PrincipalDep, ProfileId, ServicesDep, WriterDep
from api.schemas.common import Page, RefId
from api.schemas.event_schedule import AgendaOut, ScheduleOut, ScheduleRun
from api.schemas.events import (
    EventCreate,
    EventPublic,
    MatrixOut,
    MeetingCreate,
    MeetingList,
    MeetingPublic,
    ParticipantCreate,
    ParticipantList,
    ParticipantPublic,
    SuggestionList,
)
from api.services.events import EventService

router = APIRouter(prefix="/v1/events", tags=["events"])
EventId = Annotated[RefId, Path(description="an event's id")]
MeetingId = Annotated[int, Path(ge=1, le=2**31 - 1, description="a meeting's id")]
SuggestionsK = Annotated[int, Query(ge=1, le=50, description="how many partners")]
CALENDAR = "text/calendar"
#: a scheduling run without a body: keep mode, the default time limit
DEFAULT_RUN = ScheduleRun()


def get_events(services: ServicesDep) -> EventService:
    return services.events


EventsDep = Annotated[EventService, Depends(get_events)]


class CsvResponse(Response):
    media_type = "text/csv"


# ---- events -----------------------------------------------------------------------------
@router.post("", status_code=201, response_model=EventPublic)
def create_event(
    body: EventCreate, service: EventsDep, principal: WriterDep, response: Response
) -> EventPublic:
    """Create an event (a curator's key): its slots in time order, tables per slot (null:
    virtual) and the default maximum of meetings per participant."""
    created = service.create(body, principal)
    response.headers["Location"] = f"/v1/events/{created.id}"
    return created


@router.get("", response_model=Page[EventPublic])
def list_events(service: EventsDep, offset: Offset = 0, limit: Limit = 20) -> Page[EventPublic]:
    """Events, newest first."""
    return service.page(offset, limit)


@router.get("/{event_id}", response_model=EventPublic)
def get_event(event_id: EventId, service: EventsDep) -> EventPublic:
    return service.get(event_id)


# ---- participants -------------------------------------------------------------------------
@router.post("/{event_id}/participants", status_code=201, response_model=ParticipantPublic)
def register(
    event_id: EventId, body: ParticipantCreate, service: EventsDep, principal: WriterDep
) -> ParticipantPublic:
    """Register a stored profile (its owner's key or a curator's) with what it offers and
    seeks at this event and the slots it is available in; a second registration is a 422."""
    return service.register(event_id, body, principal)


@router.get("/{event_id}/participants", response_model=ParticipantList)
def participants(event_id: EventId, service: EventsDep,
                 principal: PrincipalDep) -> ParticipantList:
    """The participants in registration order, with their profile's name and country; whom
    one must meet or avoids only for its owner's key and curators."""
    return service.participants(event_id, principal)


@router.delete("/{event_id}/participants/{profile_id}", status_code=204,
               response_class=Response)
def withdraw(
    event_id: EventId, profile_id: ProfileId, service: EventsDep, principal: WriterDep
) -> Response:
    """Withdraw a participant (its owner's key or a curator's): its meetings are cancelled."""
    service.withdraw(event_id, profile_id, principal)
    return Response(status_code=204)


@router.get("/{event_id}/participants/{profile_id}/suggestions", response_model=SuggestionList)
def suggestions(
    event_id: EventId, profile_id: ProfileId, service: EventsDep, k: SuggestionsK = 10
) -> SuggestionList:
    """Whom this participant should meet: must-meet partners first, then by the pair's
    value (the harmonic mean of both directions), each side with its reasons."""
    return service.suggestions.for_participant(event_id, profile_id, k)


@router.get("/{event_id}/suggestions", response_model=MatrixOut)
def suggestion_matrix(
    event_id: EventId, service: EventsDep, principal: WriterDep, k: SuggestionsK = 5
) -> MatrixOut:
    """The organiser's matrix (a curator's key): each participant's best partners."""
    return service.suggestions.matrix(event_id, k, principal)


# ---- meetings -----------------------------------------------------------------------------
@router.post("/{event_id}/meetings", status_code=201, response_model=MeetingPublic)
def request_meeting(
    event_id: EventId, body: MeetingCreate, service: EventsDep, principal: WriterDep
) -> MeetingPublic:
    """A meeting request (the sender's key or a curator's), pending until answered."""
    return service.request(event_id, body, principal)


@router.get("/{event_id}/meetings", response_model=MeetingList)
def meetings(
    event_id: EventId,
    service: EventsDep,
    principal: WriterDep,
    profile_id: Annotated[RefId | None, Query(description="only this participant's")] = None,
) -> MeetingList:
    """Requests and meetings, oldest first: a curator's key sees all, an owner's key its
    own profile's."""
    return service.meetings(event_id, profile_id, principal)


@router.get("/{event_id}/meetings/{meeting_id}", response_model=MeetingPublic)
def meeting(
    event_id: EventId, meeting_id: MeetingId, service: EventsDep, principal: WriterDep
) -> MeetingPublic:
    """One meeting, for either side's key or a curator's."""
    return service.meeting(event_id, meeting_id, principal)


@router.post("/{event_id}/meetings/{meeting_id}/accept", response_model=MeetingPublic)
def accept(
    event_id: EventId, meeting_id: MeetingId, service: EventsDep, principal: WriterDep
) -> MeetingPublic:
    """Accept a pending request (the invited side's key or a curator's)."""
    return service.answer(event_id, meeting_id, "accept", principal)


@router.post("/{event_id}/meetings/{meeting_id}/decline", response_model=MeetingPublic)
def decline(
    event_id: EventId, meeting_id: MeetingId, service: EventsDep, principal: WriterDep
) -> MeetingPublic:
    """Decline a pending request (the invited side's key or a curator's)."""
    return service.answer(event_id, meeting_id, "decline", principal)


@router.post("/{event_id}/meetings/{meeting_id}/cancel", response_model=MeetingPublic)
def cancel(
    event_id: EventId, meeting_id: MeetingId, service: EventsDep, principal: WriterDep
) -> MeetingPublic:
    """Cancel a request or a scheduled meeting (either side's key or a curator's); the
    next scheduling run may fill its slot, and does not propose the pair again."""
    return service.answer(event_id, meeting_id, "cancel", principal)


# ---- the schedule -------------------------------------------------------------------------
@router.post("/{event_id}/schedule", response_model=ScheduleOut)
def schedule(
    event_id: EventId, service: EventsDep, principal: WriterDep, body: ScheduleRun = DEFAULT_RUN
) -> ScheduleOut:
    """Schedule the event with the CP-SAT solver (a curator's key): accepted requests and
    must-meet pairs first, then suggested pairs by value, fairly spread. In `keep` mode (the
    default) no meeting already placed moves."""
    return service.schedule.run(event_id, body, principal)


@router.get("/{event_id}/schedule", response_model=ScheduleOut)
def current_schedule(event_id: EventId, service: EventsDep) -> ScheduleOut:
    """The schedule and the organiser's numbers: meetings and table use per slot, and the
    participants with no or one meeting."""
    return service.schedule.current(event_id)


@router.get(
    "/{event_id}/schedule.csv",
    response_class=Response,  # the errors stay problem+json in the document
    responses={200: {"content": {CsvResponse.media_type: {"schema": {"type": "string"}}}}},
)
def schedule_csv(event_id: EventId, service: EventsDep, principal: WriterDep) -> Response:
    """Every meeting as a CSV row (a curator's key); slots and tables numbered from 1."""
    return CsvResponse(
        service.schedule.csv(event_id, principal),
        headers={"Content-Disposition": f'attachment; filename="{event_id}.csv"'},
    )


@router.get(
    "/{event_id}/agenda/{profile_id}",
    response_model=AgendaOut,
    responses={200: {"content": {CALENDAR: {"schema": {"type": "string"}}}}},
)
def agenda(
    event_id: EventId,
    profile_id: ProfileId,
    service: EventsDep,
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
    format: Annotated[
        Literal["json", "ics"] | None,
        Query(description="ics: the iCalendar file (as with Accept: text/calendar)"),
    ] = None,
) -> AgendaOut | Response:
    """A participant's meetings in slot order with the partner, time, table and reasons; as
    an iCalendar file with `Accept: text/calendar` or `format=ics`."""
    if format == "ics" or (format is None and CALENDAR in (accept or "").lower()):
        return Response(
            service.schedule.calendar(event_id, profile_id),
            media_type=CALENDAR,
            headers={"Content-Disposition": f'attachment; filename="{event_id}.ics"'},
        )
    return service.schedule.agenda(event_id, profile_id)
