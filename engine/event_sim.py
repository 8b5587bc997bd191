"""Matchmaking events simulated on CORDIS history, to measure meeting quality (issue 18).

An event gathers organisations of one ecosystem just before a cut-off. Each participant is
an organisation with a profile built only from projects before the cut-off, and a Horizon
Europe project of that ecosystem starting in the window after it:

- it *offers* what it did: the titles of its latest projects before the cut-off;
- it *seeks* partners for the call it will answer: the call (topic) title and keywords of
  that later project, the call and not the project's own text, which would describe the
  consortium to be found;
- it is available in a random share of the slots.

A scheduled meeting is *good* when both organisations really work together in a project
that starts in the window after the cut-off. The methods compared schedule the same event:
reciprocal suggestions + solver, one-directional suggestions + the same solver, a random
schedule (the solver with random values), and a keyword first-come-first-served simulation
of today's practice (participants, in registration order, request their best keyword
matches; a request is accepted while the receiver has room; meetings go to the earliest free
common slot).
"""

from __future__ import annotations

import csv
import gzip
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from engine.event_match import MIN_VALUE, Attendee, EventMatrix, candidates, score_event
from engine.recommender import Recommender
from engine.schedule import Meeting, Participant, Problem, solve
from engine.sources.cordis import BENEFICIARY_ROLES

#: recent projects a participant's offer text lists
OFFER_PROJECTS = 5


@dataclass(frozen=True)
class SimEvent:
    """One simulated event: its ecosystem, participants and the pairs that really work
    together after the cut-off."""

    ecosystem: str
    attendees: tuple[Attendee, ...]
    slots: int
    tables: int
    max_meetings: int
    partners: frozenset[frozenset[str]]


@dataclass(frozen=True)
class EventScore:
    meetings: int
    good: int
    participants_with_good: int
    participants: int

    @property
    def share_good(self) -> float:
        return self.good / self.meetings if self.meetings else 0.0


def future_projects(projects_path: Path, participants_path: Path, start: date, end: date
                    ) -> tuple[dict[str, dict[str, str]], dict[str, list[str]]]:
    """Projects starting in [start, end) (their CSV rows) and their beneficiaries."""
    projects: dict[str, dict[str, str]] = {}
    with gzip.open(projects_path, "rt", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if start.isoformat() <= row["start_date"] < end.isoformat():
                projects[row["project_id"]] = row
    members: dict[str, list[str]] = defaultdict(list)
    with gzip.open(participants_path, "rt", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["project_id"] in projects and row["role"] in BENEFICIARY_ROLES:
                members[row["project_id"]].append(row["org_pic"])
    return projects, members


def build_events(rec: Recommender, projects: dict[str, dict[str, str]],
                 members: dict[str, list[str]], ecosystem_of: Callable[[dict[str, str]], set[str]],
                 *, size: tuple[int, int] = (100, 300), slots: int = 12, seed: int = 0
                 ) -> list[SimEvent]:
    """One event per ecosystem with at least ``size[0]`` organisations that have a profile
    and a project of that ecosystem in the window (at most ``size[1]``, sampled)."""
    rnd = random.Random(seed)
    partners: set[frozenset[str]] = set()
    for pics in members.values():
        known = sorted({p for p in pics if p in rec})
        partners.update(frozenset((a, b)) for i, a in enumerate(known) for b in known[i + 1:])
    by_eco: dict[str, dict[str, str]] = defaultdict(dict)  # eco -> pic -> first project
    for pid in sorted(projects, key=lambda p: (projects[p]["start_date"], p)):
        for eco in sorted(ecosystem_of(projects[pid])):
            for pic in members.get(pid, ()):
                if pic in rec:
                    by_eco[eco].setdefault(pic, pid)
    events = []
    for eco in sorted(by_eco):
        orgs = sorted(by_eco[eco])
        if len(orgs) < size[0]:
            continue
        chosen = sorted(rnd.sample(orgs, min(size[1], len(orgs))))
        attendees = []
        for pic in chosen:
            call = projects[by_eco[eco][pic]]
            seek = ". ".join(x for x in (call.get("topic_title", ""),
                                         (call.get("topic_keywords") or "").replace("|", ", "))
                             if x) or call["title"]
            recent = sorted(rec.get(pic).activities, key=lambda a: (a.year or 0, a.id))
            offer = "; ".join(a.title for a in recent[-OFFER_PROJECTS:])
            available = frozenset(rnd.sample(range(slots), rnd.randint(slots * 2 // 3, slots)))
            attendees.append(Attendee(pic, seek=seek, offer=offer, available=available))
        events.append(SimEvent(eco, tuple(attendees), slots, max(1, len(chosen) // 4), 6,
                               frozenset(p for p in partners if p <= set(chosen))))
    return events


def problem(event: SimEvent, pairs: Sequence[tuple[str, str, float]]) -> Problem:
    return Problem(event.slots, event.tables,
                   [Participant(a.id, a.available, event.max_meetings) for a in event.attendees],
                   [Meeting(a, b, v) for a, b, v in pairs])


def reciprocal_pairs(event: SimEvent, matrix: EventMatrix, floor: float = MIN_VALUE
                     ) -> list[tuple[str, str, float]]:
    """The pairs the service offers the solver (``floor``: its default unless told)."""
    return matrix.pairs(candidates(event.max_meetings), floor)


def one_directional_pairs(event: SimEvent, matrix: EventMatrix
                          ) -> list[tuple[str, str, float]]:
    """Each participant's best by its own seek alone; a pair is worth what the side that
    wants it more sees in it (no reciprocity)."""
    d = matrix.direction
    ids = matrix.ids
    pairs: dict[tuple[int, int], float] = {}
    for i in range(len(ids)):
        ok = np.flatnonzero(np.isfinite(d[i]))
        for j in ok[np.lexsort((ok, -d[i, ok]))][:candidates(event.max_meetings)]:
            key = (min(i, int(j)), max(i, int(j)))
            pairs[key] = max(pairs.get(key, 0.0), float(d[i, j]))
    return [(ids[i], ids[j], v) for (i, j), v in sorted(pairs.items())]


def random_pairs(matrix: EventMatrix, count: int, seed: int) -> list[tuple[str, str, float]]:
    """``count`` candidate pairs (as many as the reciprocal method offers), drawn at random
    among those that may meet, with random values."""
    rnd = random.Random(seed)
    ids = matrix.ids
    allowed = [(i, j) for i in range(len(ids)) for j in range(i + 1, len(ids))
               if np.isfinite(matrix.value[i, j])]
    n = min(len(allowed), count)
    return [(ids[i], ids[j], rnd.random()) for i, j in rnd.sample(allowed, n)]


def keyword_fcfs(event: SimEvent, rec: Recommender, seed: int) -> list[tuple[str, str, int]]:
    """Today's practice: in a random registration order, each participant requests its
    ``max_meetings`` best keyword (TF-IDF) matches of seek to offer; a receiver accepts while
    it has room; each accepted meeting takes the earliest slot both are free in with a
    table. Returns (a, b, slot)."""
    lexical = rec.view().corpus.lexical
    people = list(event.attendees)
    seeks = lexical.transform([a.seek for a in people])
    offers = lexical.transform([a.offer for a in people])
    sims = (seeks @ offers.T).toarray()
    order = list(range(len(people)))
    random.Random(seed).shuffle(order)
    accepted: dict[int, int] = defaultdict(int)
    busy: dict[int, set[int]] = defaultdict(set)
    used: dict[int, int] = defaultdict(int)
    out = []
    for i in order:
        candidates = [j for j in np.argsort(-sims[i], kind="stable") if j != i]
        sent = 0
        for j in candidates:
            if sent >= event.max_meetings or accepted[i] >= event.max_meetings:
                break
            sent += 1
            if accepted[j] >= event.max_meetings:
                continue  # declined: no room
            free = sorted((people[i].available & people[j].available) - busy[i] - busy[j])
            slot = next((s for s in free if used[s] < event.tables), None)
            if slot is None:
                continue
            accepted[i] += 1
            accepted[j] += 1
            busy[i].add(slot)
            busy[j].add(slot)
            used[slot] += 1
            out.append((people[i].id, people[int(j)].id, slot))
    return out


def score(event: SimEvent, meetings: Sequence[tuple[str, str]]) -> EventScore:
    good = [m for m in meetings if frozenset(m) in event.partners]
    met = {x for m in good for x in m}
    return EventScore(len(meetings), len(good), len(met), len(event.attendees))


def run_event(rec: Recommender, event: SimEvent, *, offer_weights: Sequence[float],
              floors: Sequence[float] = (), seed: int = 0
              ) -> dict[float, dict[str, EventScore]]:
    """Every method's score on one event, for each offer weight (one ranking per
    participant, re-valued per weight; the keyword simulation does not depend on it);
    ``floors`` add the reciprocal method without the pairs worth less
    (``reciprocal@floor``)."""
    scored = score_event(rec, event.attendees)
    fcfs = score(event, [(a, b) for a, b, _ in keyword_fcfs(event, rec, seed)])
    out = {}
    for weight in offer_weights:
        matrix = scored.reweighted(weight)
        row = {}
        ours = reciprocal_pairs(event, matrix)
        methods = [("reciprocal", ours),
                   ("one_directional", one_directional_pairs(event, matrix)),
                   ("random", random_pairs(matrix, len(ours), seed))]
        methods += [(f"reciprocal@{f:g}", reciprocal_pairs(event, matrix, f)) for f in floors]
        for name, pairs in methods:
            schedule = solve(problem(event, pairs))
            row[name] = score(event, [(m.a, m.b) for m in schedule.meetings])
        out[weight] = {**row, "keyword_fcfs": fcfs}
    return out
