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
starts from a greedy schedule and runs single-threaded with a fixed seed and a deterministic
work budget, so the same problem gives the same schedule.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import KW_ONLY, dataclass, field

from ortools.sat.python import cp_model

from engine.errors import TimeLimitError, ValidationError

#: values are scores in [0, 1]; the solver works in integers
SCALE = 1000
#: an accepted meeting outweighs everything else the objective counts
ACCEPTED = 1_000_000
#: the proven gap at which the search stops
GAP = 0.01
#: above this many participants the solver gets the small work budget (:func:`work_budget`)
LARGE = 150
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
    _: KW_ONLY
    #: deterministic work budget (CP-SAT's deterministic time); None: :func:`work_budget`
    work_limit: float | None = None
    #: a wall-clock guard above it
    time_limit_s: float = 60.0


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
    #: ``optimal`` (proven within :data:`GAP` of the best possible; ``gap`` says how close)
    #: or ``feasible`` (the work budget ended the proof, not the search)
    status: str
    per_participant: dict[str, int] = field(default_factory=dict)
    #: the objective reached and the solver's proven bound on the best possible
    objective: float = 0.0
    bound: float = 0.0

    @property
    def gap(self) -> float:
        """How far the schedule may be from the optimum, as a share of the bound."""
        return (self.bound - self.objective) / self.bound if self.bound > 0 else 0.0

    def of(self, participant: str) -> list[Placed]:
        """One participant's agenda, in slot order."""
        return [m for m in self.meetings if participant in (m.a, m.b)]


def work_budget(problem: Problem) -> float:
    """The solver's work budget: ample for an event of up to :data:`LARGE` participants (the
    search stops once within :data:`GAP` of its proven bound: 100 participants reach it in
    about 20 s on 2 cores), and small above, where the solver's bound stays loose and it does
    not improve on its greedy start within twice the budget (1,000 participants: about 15 s;
    docs/benchmarks.md)."""
    if problem.work_limit is not None:
        return problem.work_limit
    return 60.0 if len(problem.participants) <= LARGE else 5.0


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
    # y[i]: meeting i takes place; x[i, s]: in slot s. Counting meetings per participant on
    # y keeps those constraints short (a pair, not a pair per slot): the LP stays small.
    y = [model.new_bool_var(f"m{i}") for i in range(len(problem.meetings))]
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    by_person_slot: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
    by_person: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    by_slot: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    open_slots = _open_slots(problem)
    for i, m in enumerate(problem.meetings):
        both = open_slots[i]
        for s in both:
            x[i, s] = var = model.new_bool_var(f"m{i}s{s}")
            by_person_slot[m.a, s].append(var)
            by_person_slot[m.b, s].append(var)
            by_slot[s].append(var)
        model.add(sum(x[i, s] for s in both) == y[i])
        by_person[m.a].append(y[i])
        by_person[m.b].append(y[i])
        if m.fixed is not None:
            model.add(x[i, m.fixed[0]] == 1)
    for variables in by_person_slot.values():
        model.add_at_most_one(variables)
    if problem.tables is not None:
        for variables in by_slot.values():
            model.add(sum(variables) <= problem.tables)
    objective = []
    firsts: dict[str, cp_model.IntVar] = {}
    seconds: dict[str, cp_model.IntVar] = {}
    for who, variables in by_person.items():
        model.add(sum(variables) <= known[who].max_meetings)
        first, second = model.new_bool_var(f"{who}1"), model.new_bool_var(f"{who}2")
        model.add(first <= sum(variables))
        model.add(2 * second <= sum(variables))
        model.add(second <= first)  # redundant, but it tightens the relaxation's bound
        objective += [FIRST * first, SECOND * second]
        firsts[who], seconds[who] = first, second
    for i, m in enumerate(problem.meetings):
        objective.append(((ACCEPTED if m.accepted else 0) + round(m.value * SCALE)) * y[i])
    model.maximize(sum(objective))
    # a first solution to improve on: without one, a single worker on a large event spends
    # its whole time limit without finding any (measured at 1,000 participants)
    start = _greedy(problem)
    for (i, s), var in x.items():
        model.add_hint(var, start.get(i) == s)
    for i, var in enumerate(y):
        model.add_hint(var, i in start)
    count: dict[str, int] = defaultdict(int)
    for i in start:
        count[problem.meetings[i].a] += 1
        count[problem.meetings[i].b] += 1
    for who in by_person:
        model.add_hint(firsts[who], count[who] >= 1)
        model.add_hint(seconds[who], count[who] >= 2)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    # the budget is deterministic time (work units), so the same problem is given the same
    # work and gives the same schedule on any machine; wall time only guards a slow machine
    solver.parameters.max_deterministic_time = work_budget(problem)
    # proven within 1 % of the best possible is done: small events stop early
    solver.parameters.relative_gap_limit = GAP
    solver.parameters.max_time_in_seconds = problem.time_limit_s
    # presolve costs a large event its whole budget before the first solution (measured:
    # 12 s at 1,000 participants); without it the greedy hint is the first solution at once
    solver.parameters.cp_model_presolve = False
    status = solver.solve(model)
    if status == cp_model.UNKNOWN:
        raise TimeLimitError(
            f"no schedule within the solver's limits (work {work_budget(problem):g}, "
            f"{problem.time_limit_s:g} s): raise work_limit, or time_limit_s on a slow machine")
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
    return Schedule(placed, "optimal" if status == cp_model.OPTIMAL else "feasible", counts,
                    objective=solver.objective_value, bound=solver.best_objective_bound)


def _open_slots(problem: Problem) -> list[list[int]]:
    """Each meeting's possible slots: a confirmed one its own; another the slots both sides
    are available in and free of confirmed meetings, where a table is left, and none when
    a side's confirmed meetings reach its maximum. Re-planning around a full schedule of
    confirmed meetings is then a small problem (docs/benchmarks.md)."""
    known = {p.id: p for p in problem.participants}
    busy: dict[str, set[int]] = defaultdict(set)
    seated: dict[int, int] = defaultdict(int)
    for m in problem.meetings:
        if m.fixed is not None:
            busy[m.a].add(m.fixed[0])
            busy[m.b].add(m.fixed[0])
            seated[m.fixed[0]] += 1
    out = []
    for m in problem.meetings:
        if m.fixed is not None:
            out.append([m.fixed[0]])
        elif any(len(busy[w]) >= known[w].max_meetings for w in (m.a, m.b)):
            out.append([])
        else:
            out.append(sorted(s for s in (known[m.a].available & known[m.b].available)
                              - busy[m.a] - busy[m.b]
                              if problem.tables is None or seated[s] < problem.tables))
    return out


def _greedy(problem: Problem) -> dict[int, int]:
    """A feasible schedule (meeting index -> slot), built greedily: confirmed meetings in
    their slots, then accepted ones, then each participant's best meeting while it has none,
    then the rest by value, each in the earliest slot both sides and a table are free."""
    known = {p.id: p for p in problem.participants}
    busy: dict[str, set[int]] = defaultdict(set)
    used: dict[int, int] = defaultdict(int)
    chosen: dict[int, int] = {}

    def place(i: int, slot: int | None = None) -> None:
        m = problem.meetings[i]
        if i in chosen or any(len(busy[w]) >= known[w].max_meetings for w in (m.a, m.b)):
            return
        free = sorted((known[m.a].available & known[m.b].available) - busy[m.a] - busy[m.b])
        for s in ([slot] if slot is not None else free):
            if problem.tables is None or used[s] < problem.tables:
                chosen[i] = s
                busy[m.a].add(s)
                busy[m.b].add(s)
                used[s] += 1
                return

    meetings = problem.meetings
    for i, m in enumerate(meetings):
        if m.fixed is not None:
            place(i, m.fixed[0])
    by_value = sorted(range(len(meetings)), key=lambda i: (not meetings[i].accepted,
                                                           -meetings[i].value, i))
    for i in by_value:
        if meetings[i].accepted:
            place(i)
    for i in by_value:
        if not busy[meetings[i].a] or not busy[meetings[i].b]:
            place(i)
    for i in by_value:
        place(i)
    return chosen


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
