"""The organiser's commands of ``partner-search``: ``event plan`` plans a matchmaking event
from a participants spreadsheet (:mod:`engine.event_sheet`) into agendas, ``.ics`` files and
CSV exports (:mod:`engine.event_plan`). The sheet and the slots are checked before the index
is loaded, so a bad cell costs seconds, not a model load."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from engine import cli_args
from engine.cli_args import DEFAULT_INDEX, positive_arg
from engine.errors import EngineError
from engine.event_match import MIN_VALUE

DEFAULT_TITLE = "Matchmaking event"


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if seconds <= 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive number of seconds")
    return seconds


def _score(value: str) -> float:
    try:
        score = float(value)
    except ValueError:
        score = -1.0
    if not 0.0 <= score <= 1.0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a score from 0 to 1")
    return score


def cmd_plan(args: argparse.Namespace) -> int:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from engine.agenda import EventInfo
    from engine.event_plan import plan, write_outputs
    from engine.event_sheet import read_participants, read_slots, resolve, slug

    try:
        tz = ZoneInfo(args.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise EngineError(f"unknown time zone {args.timezone!r}; use a name such as "
                          "Europe/Brussels or UTC") from None
    slots = read_slots(args.slots, tz)
    if not args.participants.is_file():
        raise EngineError(f"{args.participants} does not exist: the participants CSV "
                          "(see data/events/example_participants.csv)")
    source = args.participants.name
    rows = read_participants(args.participants.read_text(encoding="utf-8-sig"), len(slots),
                             source=source)
    event = EventInfo(id=f"{slug(args.title) or 'event'}-{slots[0][0]:%Y%m%d}",
                      title=args.title, slots=slots, tables=args.tables,
                      virtual=args.virtual, location=args.location)
    rec = cli_args.load(args)
    entrants = resolve(rows, lambda pid: rec.get(pid) if pid in rec else None,
                       args.max_meetings or len(slots), source=source)
    result = plan(rec, entrants, event, time_limit_s=args.time_limit,
                  min_score=args.min_score)
    write_outputs(result, args.out)
    names = result.names
    counts = {e.id: result.meetings_of(e.id) for e in entrants if e.available}
    new = sum(e.new is not None for e in entrants)
    print(f"{event.title}: {len(result.placed)} meetings for {len(entrants)} participants "
          f"({new} not in the index, added for this plan) in {len(slots)} slots; solver "
          f"{result.status} in {result.solver_seconds:.1f} s (plan {result.seconds:.1f} s)")
    for label, n in (("without a meeting", 0), ("with one meeting", 1)):
        few = [names[p][0] for p, c in counts.items() if c == n]
        if few:
            print(f"{label}: {', '.join(few)}")
    for a, b in result.must_meet_missing:
        print(f"must-meet not placed (no common slot, or avoided): {names[a][0]} - "
              f"{names[b][0]}")
    print(f"-> {args.out} (schedule.csv, suggestions.csv, overview.json, agendas/)")
    return 0


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``event plan`` to ``sub``."""
    event = sub.add_parser("event", help="matchmaking events: plan meetings from a sheet")
    actions = event.add_subparsers(dest="event_command", required=True)
    planner = actions.add_parser(
        "plan", parents=[common], help="participants CSV in; schedule, agendas and .ics out",
        description="Plan a matchmaking event: reciprocal suggestions, a CP-SAT schedule, "
        "each participant's agenda (JSON and .ics) and the organiser's CSV and overview.")
    planner.add_argument("--participants", type=Path, required=True,
                         help="CSV: profile_id, name, country, offer, seek, available, "
                         "max_meetings, must_meet, avoid (name and seek required)")
    planner.add_argument("--slots", required=True,
                         help="a CSV file of start,end rows, or e.g. 2026-03-10T09:00/20m*8 "
                         "(start/length*count) and/or start/end intervals, comma-separated")
    where = planner.add_mutually_exclusive_group(required=True)
    where.add_argument("--tables", type=positive_arg, help="tables per slot")
    where.add_argument("--virtual", action="store_true", help="meetings online, no tables")
    planner.add_argument("--max-meetings", type=positive_arg, default=None,
                         help="meetings per participant unless its row says (default: slots)")
    planner.add_argument("--out", type=Path, required=True, help="folder to write (replaced "
                         "whole when it holds a previous plan)")
    planner.add_argument("--title", default=DEFAULT_TITLE)
    planner.add_argument("--location", default="", help="venue, added to each meeting's place")
    planner.add_argument("--timezone", default="UTC",
                         help="time zone of slot times without an offset (default UTC)")
    planner.add_argument("--min-score", type=_score, default=MIN_VALUE,
                         help="leave out suggested pairs worth less (0 to 1; default "
                         f"{MIN_VALUE:g}; 0 fills everyone's maximum); must-meet pairs stay")
    planner.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    planner.add_argument("--time-limit", type=_seconds, default=60.0,
                         help="the solver's wall-clock guard in seconds (default 60); its "
                         "work budget is fixed, so the same sheet gives the same plan")
    planner.set_defaults(func=cmd_plan)
