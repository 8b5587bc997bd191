"""Event schedules solved with CP-SAT (engine/schedule.py): the hard constraints, accepted
meetings first, fairness, stable re-planning, determinism, and clear errors."""

from __future__ import annotations

import itertools
import random
from dataclasses import replace

import pytest

from engine.errors import ValidationError
from engine.schedule import Meeting, Participant, Problem, Schedule, solve


def person(id: str, slots: range | set[int], most: int = 10) -> Participant:
    return Participant(id, frozenset(slots), most)


def random_problem(seed: int) -> Problem:
    rng = random.Random(seed)
    people = [person(f"p{i}", {s for s in range(6) if rng.random() < 0.7}, rng.randint(1, 4))
              for i in range(14)]
    meetings = [Meeting(a.id, b.id, round(rng.random(), 3), accepted=rng.random() < 0.1)
                for a, b in itertools.combinations(people, 2) if rng.random() < 0.35]
    return Problem(slots=6, tables=3, participants=people, meetings=meetings)


def assert_valid(problem: Problem, schedule: Schedule) -> None:
    known = {p.id: p for p in problem.participants}
    seen: set[tuple[str, int]] = set()
    for m in schedule.meetings:
        for who in (m.a, m.b):
            assert m.slot in known[who].available
            assert (who, m.slot) not in seen  # one meeting per participant and slot
            seen.add((who, m.slot))
        assert problem.tables is None or 0 <= m.table < problem.tables
    seats = [(m.slot, m.table) for m in schedule.meetings]
    assert len(seats) == len(set(seats))
    for who, count in schedule.per_participant.items():
        assert count <= known[who].max_meetings


@pytest.mark.parametrize("seed", range(5))
def test_every_hard_constraint_holds(seed: int) -> None:
    problem = random_problem(seed)
    schedule = solve(problem)
    assert schedule.status == "optimal" and schedule.meetings
    assert_valid(problem, schedule)


def test_accepted_meetings_come_before_any_suggestion() -> None:
    people = [person(x, {0}) for x in "abcd"]
    problem = Problem(1, 1, people, [Meeting("a", "b", 0.95), Meeting("c", "d", 0.1, True)])
    assert [(m.a, m.b) for m in solve(problem).meetings] == [("c", "d")]


def test_a_first_meeting_for_everyone_beats_a_second_for_a_favourite() -> None:
    """Two places: a-b and a-c are worth most, but d and e would go without any."""
    people = [person(x, {0, 1}) for x in "abcde"]
    meetings = [Meeting("a", "b", 0.9), Meeting("a", "c", 0.9), Meeting("d", "e", 0.2)]
    schedule = solve(Problem(2, 1, people, meetings))
    pairs = {(m.a, m.b) for m in schedule.meetings}
    assert ("d", "e") in pairs and len(pairs) == 2  # and one of a's (they are worth the same)
    assert schedule.per_participant["a"] == 1


def test_re_planning_keeps_confirmed_meetings_in_place() -> None:
    problem = random_problem(7)
    first = solve(problem)
    confirmed = {frozenset((m.a, m.b)): (m.slot, m.table) for m in first.meetings}
    late = person("late", range(6), 4)
    meetings = [replace(m, fixed=confirmed.get(frozenset((m.a, m.b))))
                for m in problem.meetings]
    meetings += [Meeting("late", p.id, 0.99) for p in problem.participants[:6]]
    again = Problem(6, 3, [*problem.participants, late], meetings)
    second = solve(again)
    assert_valid(again, second)
    placed = {frozenset((m.a, m.b)): (m.slot, m.table) for m in second.meetings}
    assert all(placed[pair] == seat for pair, seat in confirmed.items())
    assert second.per_participant["late"] >= 1


def test_the_same_problem_gives_the_same_schedule() -> None:
    problem = random_problem(3)
    assert solve(problem) == solve(problem)


def test_a_virtual_event_has_no_table_limit() -> None:
    people = [person(f"p{i}", {0}) for i in range(8)]
    meetings = [Meeting(f"p{i}", f"p{i + 1}", 0.5) for i in range(0, 8, 2)]
    assert len(solve(Problem(1, None, people, meetings)).meetings) == 4
    assert len(solve(Problem(1, 2, people, meetings)).meetings) == 2


@pytest.mark.parametrize(("meetings", "slots"), [
    ([Meeting("a", "a", 0.5)], {0}),
    ([Meeting("a", "zz", 0.5)], {0}),
    ([Meeting("a", "b", 0.5), Meeting("b", "a", 0.4)], {0}),
    ([Meeting("a", "b", 0.5, fixed=(1, 0))], {0}),
    ([Meeting("a", "b", 0.5, fixed=(0, 0)), Meeting("c", "d", 0.5, fixed=(0, 0))], {0}),
    ([Meeting("a", "b", 0.5)], {0, 5}),
])
def test_bad_input_is_a_clear_error(meetings: list[Meeting], slots: set[int]) -> None:
    people = [person(x, slots) for x in "abcd"]
    with pytest.raises(ValidationError):
        solve(Problem(2, 2, people, meetings))


def test_confirmed_meetings_that_cannot_all_be_kept_are_refused() -> None:
    people = [person(x, {0}) for x in "abc"]
    meetings = [Meeting("a", "b", 0.5, fixed=(0, 0)), Meeting("a", "c", 0.5, fixed=(0, 1))]
    with pytest.raises(ValidationError, match="cannot all be kept"):
        solve(Problem(1, 2, people, meetings))
