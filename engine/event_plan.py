"""An event planned end to end from the organiser's sheet (issue 18): reciprocal scores
(:mod:`engine.event_match`), a schedule (:mod:`engine.schedule`), and the files people use
(:mod:`engine.agenda`), written into one folder that appears whole or not at all.

    entrants = resolve(read_participants(text, len(slots)), lookup, max_meetings=4)
    result = plan(rec, entrants, event)
    write_outputs(result, Path("plan"))

Must-meet pairs go to the solver as accepted meetings (placed before any suggestion); the
other candidates are each participant's best ``3 x`` its maximum by the pair's value, enough
for the solver to trade one participant's favourite for another's first meeting.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from engine.agenda import EventInfo, PlacedMeeting, agenda_items, overview, to_csv, to_ics
from engine.errors import EngineError
from engine.event_match import (
    MIN_VALUE,
    Attendee,
    Focus,
    Suggestion,
    candidates,
    score_event,
)
from engine.event_reasons import pair_summary, summary
from engine.event_sheet import Entrant, slug
from engine.recommender import Recommender
from engine.schedule import Meeting, Participant, Problem, solve

#: suggestions per participant in ``suggestions.csv``
TOP = 10


@dataclass(frozen=True)
class PlanResult:
    """A planned event: the meetings placed, why each side meets the other (``reasons``:
    (participant, other) -> text), each participant's top suggestions, the solver's status
    (``optimal`` or ``feasible``), its seconds and those of the whole plan (the first scoring
    in a process builds the index's derived data: most of a small event's time)."""

    event: EventInfo
    entrants: tuple[Entrant, ...]
    placed: tuple[PlacedMeeting, ...]
    reasons: dict[tuple[str, str], str]
    suggestions: dict[str, list[Suggestion]]
    status: str
    solver_seconds: float
    seconds: float
    #: must-meet pairs the schedule could not hold (no common slot, or one avoids the other)
    must_meet_missing: tuple[tuple[str, str], ...] = ()

    @property
    def names(self) -> dict[str, tuple[str, str]]:
        return {e.id: (e.name, e.country) for e in self.entrants}

    def meetings_of(self, participant: str) -> int:
        return sum(participant in (m.a, m.b) for m in self.placed)


def plan(rec: Recommender, entrants: Sequence[Entrant], event: EventInfo, *,
         time_limit_s: float = 60.0, focus: Focus | None = None,
         min_score: float = MIN_VALUE) -> PlanResult:
    """Score every pair, schedule, and explain. New profiles (``Entrant.new``) are added to
    ``rec`` in memory; the caller never saves it. ``min_score``: suggested pairs worth less
    are not scheduled (must-meet pairs always may be); 0 fills everyone's maximum, with pairs
    that neither side ranks high if need be."""
    started = time.perf_counter()
    new = [e.new for e in entrants if e.new is not None]
    if new:
        rec.upsert(new)
    attendees = [Attendee(e.id, e.seek, e.offer, e.available, e.must_meet, e.avoid)
                 for e in entrants]
    matrix = score_event(rec, attendees, focus or Focus())
    must = {frozenset((e.id, other)) for e in entrants for other in e.must_meet}
    per = candidates(max(e.max_meetings for e in entrants))
    meetings = [Meeting(a, b, value, accepted=frozenset((a, b)) in must)
                for a, b, value in matrix.pairs(per, min_score)]
    problem = Problem(len(event.slots), event.tables,
                      [Participant(e.id, e.available, e.max_meetings) for e in entrants],
                      meetings, time_limit_s=time_limit_s)
    solving = time.perf_counter()
    schedule = solve(problem)
    solver_seconds = time.perf_counter() - solving
    placed = tuple(
        PlacedMeeting(None, m.a, m.b, m.slot, m.table, m.value,
                      "must_meet" if m.accepted else "suggestion")
        for m in schedule.meetings)
    reasons = {}
    for m in placed:
        reasons[m.a, m.b] = pair_summary(matrix, m.a, m.b)
        reasons[m.b, m.a] = pair_summary(matrix, m.b, m.a)
    met = {frozenset((m.a, m.b)) for m in placed}
    missing = tuple(sorted((min(pair), max(pair)) for pair in must - met))
    return PlanResult(
        event, tuple(entrants), placed, reasons,
        {e.id: matrix.suggestions(e.id, TOP) for e in entrants}, schedule.status,
        solver_seconds, time.perf_counter() - started, missing)


def agenda_files(entrants: Sequence[Entrant]) -> dict[str, str]:
    """Each participant's agenda file stem: the slug of its name (else its id), unique."""
    stems: dict[str, str] = {}
    for e in entrants:
        base = slug(e.name) or slug(e.id) or "participant"
        stem, n = base, 1
        while stem in stems.values():
            n += 1
            stem = f"{base}-{n}"
        stems[e.id] = stem
    return stems


def suggestions_csv(result: PlanResult) -> str:
    """Each participant's top suggestions, with the slot (from 1) a scheduled one has."""
    names = result.names
    slot_of = {frozenset((m.a, m.b)): m.slot + 1 for m in result.placed}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["participant_id", "participant_name", "rank", "partner_id",
                     "partner_name", "score", "scheduled_slot", "summary"])
    for e in result.entrants:
        for rank, s in enumerate(result.suggestions[e.id], 1):
            writer.writerow([e.id, e.name, rank, s.id, names[s.id][0], f"{s.score:.4f}",
                             slot_of.get(frozenset((e.id, s.id)), ""),
                             summary(s.yours, s.theirs, must_meet=s.must_meet)])
    return buffer.getvalue()


def overview_json(result: PlanResult, stems: dict[str, str]) -> dict[str, Any]:
    """:func:`engine.agenda.overview` with the event, the solver's run and each participant's
    line (name, meetings, agenda file)."""
    event = result.event
    numbers = overview(event, result.placed, [e.id for e in result.entrants],
                       {e.id: e.available for e in result.entrants})
    return {
        "event": {"id": event.id, "title": event.title, "location": event.location,
                  "virtual": event.virtual, "tables": event.tables, "slots": len(event.slots)},
        "solver": {"status": result.status, "seconds": round(result.solver_seconds, 2),
                   "plan_seconds": round(result.seconds, 2)},
        **numbers,
        "must_meet_not_placed": [list(pair) for pair in result.must_meet_missing],
        "participant_list": [
            {"id": e.id, "name": e.name, "country": e.country, "new_profile": e.new is not None,
             "meetings": result.meetings_of(e.id), "max_meetings": e.max_meetings,
             "available": sorted(s + 1 for s in e.available),
             "agenda": f"agendas/{stems[e.id]}.json"}
            for e in result.entrants],
    }


def write_outputs(result: PlanResult, out_dir: Path, *, stamp: datetime | None = None) -> None:
    """Write the plan into ``out_dir``: ``schedule.csv``, ``suggestions.csv``,
    ``overview.json`` and ``agendas/<name>.json|.ics``. The files are written into a temp
    folder beside it, which then takes its place: a failure leaves no half-written plan.
    An existing ``out_dir`` is replaced only when empty or a previous plan."""
    out_dir = Path(out_dir)
    if out_dir.exists() and (not out_dir.is_dir() or (
            any(out_dir.iterdir()) and not (out_dir / "overview.json").is_file())):
        raise EngineError(f"{out_dir} exists and is not a plan folder (no overview.json): "
                          "choose another --out")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_dir.with_name(f".{out_dir.name}.tmp-{os.getpid()}")
    old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        _write_all(result, tmp, stamp)
        if out_dir.exists():
            out_dir.rename(old)
        try:
            tmp.rename(out_dir)
        except OSError:
            if old.exists():
                old.rename(out_dir)
            raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)


def _write_all(result: PlanResult, folder: Path, stamp: datetime | None) -> None:
    event, names = result.event, result.names
    texts = {e.id: (e.offer, e.seek) for e in result.entrants}
    stems = agenda_files(result.entrants)
    (folder / "agendas").mkdir(parents=True)
    for e in result.entrants:
        items = agenda_items(event, result.placed, e.id, names, result.reasons, texts)
        agenda = {"event": {"id": event.id, "title": event.title},
                  "participant": {"id": e.id, "name": e.name, "country": e.country},
                  "meetings": items}
        _text(folder / "agendas" / f"{stems[e.id]}.json", _json(agenda))
        (folder / "agendas" / f"{stems[e.id]}.ics").write_bytes(
            to_ics(event, items, e.id, stamp=stamp))
    _text(folder / "schedule.csv", to_csv(event, result.placed, names))
    _text(folder / "suggestions.csv", suggestions_csv(result))
    _text(folder / "overview.json", _json(overview_json(result, stems)))


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="")
