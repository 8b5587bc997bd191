"""Meeting schedules for a matchmaking event, solved with OR-Tools CP-SAT (issue 18's solver).

A :class:`Problem` lists the event's slots and tables, its participants (the slots each is
available in, the most meetings each wants) and the meetings to place: accepted requests
and suggested pairs, each with a value (the reciprocal score of the pair). :func:`solve`
assigns meetings to slots and tables so that

- nobody has two meetings in one slot, and both sides are available in a meeting's slot;
- a slot holds at most ``tables`` meetings (``None``: a virtual event, no limit);
- nobody exceeds its maximum;
- meetings already confirmed in a slot (``fixed``) stay there, at their table: re-planning
  after a cancellation or a late registration moves no confirmed meeting.

and maximises, in this order of weight: accepted meetings placed, then a fairness term (a
first meeting for every participant is worth more than any single suggested meeting, a
second one half of that), then the total value of the suggested meetings placed. The solver
runs single-threaded with a fixed seed, so the same problem gives the same schedule.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from engine.errors import ValidationError

#: values are scores in [0, 1]; the solver works in integers
SCALE = 1000
#: an accepted meeting outweighs everything else the objective counts
ACCEPTED = 1_000_000
#: a participant's first meeting, then its second: more than any one suggested meeting
FIRST, SECOND = 2 * SCALE, SCALE


@dataclass(frozen=True)
class Participant:
    id: str
    available: frozenset[int]
    max_meetings: int


@dataclass(frozen=True)
class Meeting:
    """A pair to place. ``accepted``: both sides agreed (placed before any suggestion);
    ``fixed``: the (slot, table) it is confirmed at, kept by every re-plan."""

    a: str
    b: str
    value: float
    accepted: bool = False
    fixed: tuple[int, int] | None = None


@dataclass(frozen=True)
class Problem:
    slots: int
    tables: int | None
    participants: Sequence[Participant]
    meetings: Sequence[Meeting]
    time_limit_s: float = 10.0


@dataclass(frozen=True)
class Placed:
    a: str
    b: str
    slot: int
    table: int
    value: float
    accepted: bool


@dataclass(frozen=True)
class Schedule:
    meetings: list[Placed]
    #: ``optimal`` or ``feasible`` (the time limit ended the proof, not the search)
    status: str
    per_participant: dict[str, int] = field(default_factory=dict)

    def of(self, participant: str) -> list[Placed]:
        """One participant's agenda, in slot order."""
        return [m for m in self.meetings if participant in (m.a, m.b)]


def check(problem: Problem) -> None:
    """A clear ``ValidationError`` for a problem the solver cannot take as it is."""
    ids = [p.id for p in problem.participants]
    if len(set(ids)) != len(ids):
        raise ValidationError("a participant is listed twice", field="participants")
    known = {p.id: p for p in problem.participants}
    if problem.slots < 1 or (problem.tables is not None and problem.tables < 1):
        raise ValidationError("an event needs at least one slot and one table", field="slots")
    for p in problem.participants:
        if not p.available <= set(range(problem.slots)):
            raise ValidationError(f"{p.id!r} is available in a slot the event does not have",
                                  field="available")
    pairs: set[frozenset[str]] = set()
    seats: set[tuple[int, int]] = set()
    for m in problem.meetings:
        if m.a == m.b:
            raise ValidationError(f"{m.a!r} cannot meet itself", field="meetings")
        if m.a not in known or m.b not in known:
            raise ValidationError(f"meeting {m.a!r}-{m.b!r} names an unknown participant",
                                  field="meetings")
        if frozenset((m.a, m.b)) in pairs:
            raise ValidationError(f"meeting {m.a!r}-{m.b!r} is listed twice", field="meetings")
        pairs.add(frozenset((m.a, m.b)))
        if m.fixed is not None:
            slot, table = m.fixed
            if slot not in known[m.a].available or slot not in known[m.b].available:
                raise ValidationError(f"confirmed meeting {m.a!r}-{m.b!r} is in slot {slot}, "
                                      "where one side is not available", field="meetings")
            if (problem.tables is not None and not 0 <= table < problem.tables) or (
                    m.fixed in seats):
                raise ValidationError(f"confirmed meeting {m.a!r}-{m.b!r} is at table "
                                      f"{table} of slot {slot}, which the event does not have "
                                      "or another confirmed meeting holds", field="meetings")
            seats.add(m.fixed)


def solve(problem: Problem) -> Schedule:
    """The best schedule of ``problem`` (see the module docstring)."""
    check(problem)
    known = {p.id: p for p in problem.participants}
    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    for i, m in enumerate(problem.meetings):
        both = known[m.a].available & known[m.b].available
        for s in sorted(both):
            x[i, s] = model.new_bool_var(f"m{i}s{s}")
        model.add_at_most_one(x[i, s] for s in sorted(both))
        if m.fixed is not None:
            model.add(x[i, m.fixed[0]] == 1)
    by_person_slot: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
    by_person: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    by_slot: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for (i, s), var in x.items():
        m = problem.meetings[i]
        for who in (m.a, m.b):
            by_person_slot[who, s].append(var)
            by_person[who].append(var)
        by_slot[s].append(var)
    for variables in by_person_slot.values():
        model.add_at_most_one(variables)
    if problem.tables is not None:
        for variables in by_slot.values():
            model.add(sum(variables) <= problem.tables)
    objective = []
    for who, variables in by_person.items():
        model.add(sum(variables) <= known[who].max_meetings)
        first, second = model.new_bool_var(f"{who}1"), model.new_bool_var(f"{who}2")
        model.add(sum(variables) >= 1).only_enforce_if(first)
        model.add(sum(variables) >= 2).only_enforce_if(second)
        objective += [FIRST * first, SECOND * second]
    for (i, _), var in x.items():
        m = problem.meetings[i]
        objective.append(((ACCEPTED if m.accepted else 0) + round(m.value * SCALE)) * var)
    model.maximize(sum(objective))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_time_in_seconds = problem.time_limit_s
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise ValidationError("the confirmed meetings cannot all be kept: two share a "
                              "participant's slot, or a slot has more than its tables",
                              field="meetings")
    chosen = sorted((s, i) for (i, s), var in x.items() if solver.value(var))
    placed = _tables(problem, chosen)
    counts: dict[str, int] = {p.id: 0 for p in problem.participants}
    for meeting in placed:
        counts[meeting.a] += 1
        counts[meeting.b] += 1
    return Schedule(placed, "optimal" if status == cp_model.OPTIMAL else "feasible", counts)


def _tables(problem: Problem, chosen: Sequence[tuple[int, int]]) -> list[Placed]:
    """Tables for the chosen (slot, meeting) pairs: a confirmed meeting keeps its own, the
    others take the lowest free ones in meeting order (tables are alike)."""
    taken: Mapping[int, set[int]] = defaultdict(set)
    for s, i in chosen:
        fixed = problem.meetings[i].fixed
        if fixed is not None:
            taken[s].add(fixed[1])
    out = []
    for s, i in chosen:
        m = problem.meetings[i]
        if m.fixed is not None:
            table = m.fixed[1]
        else:
            table = next(t for t in range(len(chosen) + len(taken[s]) + 1) if t not in taken[s])
            taken[s].add(table)
        out.append(Placed(m.a, m.b, s, table, m.value, m.accepted))
    return out
