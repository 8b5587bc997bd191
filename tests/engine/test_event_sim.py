"""The event simulation behind bench/events.py: scoring meetings against the real future
pairs, today's first-come-first-served practice respecting the event's limits, and every
method scheduling the same event (small corpus, hash encoder)."""

from __future__ import annotations

from collections import Counter

from engine.event_match import Attendee
from engine.event_sim import SimEvent, keyword_fcfs, run_event, score
from engine.recommender import Recommender

IDS = ("de-cluster", "es-solar", "fr-univ", "it-agri", "pl-klaster", "nl-research")


def _event(tables: int = 2, most: int = 2) -> SimEvent:
    people = tuple(
        Attendee(pid, seek=f"battery solar partners {pid}", offer=f"battery research {pid}",
                 available=frozenset({0, 1, 2}))
        for pid in IDS)
    return SimEvent("energy", people, slots=3, tables=tables, max_meetings=most,
                    partners=frozenset({frozenset(("de-cluster", "es-solar")),
                                        frozenset(("fr-univ", "nl-research"))}))


def test_score_counts_good_meetings_and_who_met_a_future_partner() -> None:
    result = score(_event(), [("es-solar", "de-cluster"), ("fr-univ", "it-agri")])
    assert (result.meetings, result.good, result.participants_with_good) == (2, 1, 2)
    assert result.share_good == 0.5
    assert score(_event(), []).share_good == 0.0


def test_first_come_first_served_keeps_the_events_limits(recommender: Recommender) -> None:
    event = _event(tables=1, most=2)
    meetings = keyword_fcfs(event, recommender, seed=0)
    per_slot = Counter(slot for _, _, slot in meetings)
    assert all(n <= event.tables for n in per_slot.values())
    per_person = Counter(x for a, b, _ in meetings for x in (a, b))
    assert all(n <= event.max_meetings for n in per_person.values())
    busy = Counter((x, slot) for a, b, slot in meetings for x in (a, b))
    assert all(n == 1 for n in busy.values())
    assert meetings == keyword_fcfs(event, recommender, seed=0)  # seeded


def test_every_method_schedules_the_same_event(recommender: Recommender) -> None:
    event = _event()
    result = run_event(recommender, event, offer_weights=[0.0, 1.0], floors=[0.5])
    assert set(result) == {0.0, 1.0}
    for row in result.values():
        assert set(row) == {"reciprocal", "one_directional", "random", "keyword_fcfs",
                            "reciprocal@0.5"}
        for method in row.values():
            assert method.participants == len(IDS)
            assert method.meetings <= event.slots * event.tables
        assert row["reciprocal@0.5"].meetings <= row["reciprocal"].meetings
