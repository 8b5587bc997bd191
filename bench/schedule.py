"""Solver performance for event schedules (engine/schedule.py, issue 18).

    python bench/schedule.py [--json docs/metrics/schedule.json]

Synthetic events (seeded): each participant is available in a random 8-16 of 16 slots and
wants at most 8 meetings; pair values are uniform in [0, 1] and symmetric; the solver is
offered each participant's 24 best-valued pairs (as the service offers 3 x the maximum).

1. 1,000 participants, 16 slots, 100 tables: wall time of ``solve`` (model build included),
   three runs, and whether everyone available got a meeting.
2. 100 participants, 16 slots, 10 and 30 tables, 10 seeds each: the gap between the schedule
   and the solver's proven bound.
3. Re-planning the 1,000-participant schedule after one cancellation, every other placed
   meeting confirmed: wall time and confirmed meetings moved.
4. The same problem solved twice gives the same schedule.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.reciprocal import best_pairs  # noqa: E402
from engine.schedule import Meeting, Participant, Problem, Schedule, solve  # noqa: E402


def event(n: int, tables: int, seed: int, slots: int = 16, most: int = 8) -> Problem:
    rnd = random.Random(seed)
    people = [Participant(f"p{i}", frozenset(rnd.sample(range(slots), rnd.randint(8, slots))),
                          most) for i in range(n)]
    rng = np.random.default_rng(seed)
    value = rng.random((n, n))
    value = (value + value.T) / 2
    np.fill_diagonal(value, np.nan)
    meetings = [Meeting(f"p{i}", f"p{j}", float(value[i, j]))
                for i, j in best_pairs(value, 3 * most)]
    return Problem(slots, tables, people, meetings)


def timed(problem: Problem) -> tuple[Schedule, float]:
    start = time.perf_counter()
    schedule = solve(problem)
    return schedule, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    report: dict[str, object] = {}

    big = event(1000, 100, seed=0)
    runs = [timed(big) for _ in range(3)]
    schedule = runs[0][0]
    seconds = [s for _, s in runs]
    report["large"] = {
        "participants": 1000, "slots": 16, "tables": 100, "pairs": len(big.meetings),
        "seconds": seconds, "median_s": statistics.median(seconds),
        "meetings": len(schedule.meetings), "status": schedule.status,
        "gap_to_bound": schedule.gap,
        "without_meeting": sum(1 for c in schedule.per_participant.values() if c == 0),
        "same_schedule_each_run": all(r[0].meetings == schedule.meetings for r in runs),
    }
    print("1,000 participants:", json.dumps(report["large"]))

    gaps: dict[str, list[float]] = {}
    for tables in (10, 30):
        for seed in range(10):
            small, took = timed(event(100, tables, seed=seed))
            gaps.setdefault(str(tables), []).append(small.gap)
            print(f"100 participants, {tables} tables, seed {seed}: {small.status}, "
                  f"gap {small.gap:.4f}, {took:.1f} s")
    report["small"] = {t: {"gaps": g, "max_gap": max(g), "median_gap": statistics.median(g)}
                       for t, g in gaps.items()}

    cancelled = schedule.meetings[len(schedule.meetings) // 2]
    kept = {frozenset((m.a, m.b)): m for m in schedule.meetings if m != cancelled}
    meetings = [Meeting(m.a, m.b, m.value, fixed=(kept[frozenset((m.a, m.b))].slot,
                                                  kept[frozenset((m.a, m.b))].table))
                if frozenset((m.a, m.b)) in kept else m
                for m in big.meetings if frozenset((m.a, m.b)) != frozenset((cancelled.a,
                                                                            cancelled.b))]
    replan = Problem(big.slots, big.tables, big.participants, meetings)
    again, took = timed(replan)
    placed = {frozenset((m.a, m.b)): (m.slot, m.table) for m in again.meetings}
    moved = sum(1 for key, m in kept.items() if placed.get(key) != (m.slot, m.table))
    report["replan"] = {"seconds": took, "confirmed": len(kept), "moved": moved,
                        "meetings_after": len(again.meetings), "status": again.status}
    print("re-plan after one cancellation:", json.dumps(report["replan"]))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
