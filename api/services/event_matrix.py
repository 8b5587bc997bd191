"""An event as the engine sees it: its participants as :class:`~engine.event_match.Attendee`
s, its :class:`~engine.event_match.Focus`, and their pairwise matrix
(:func:`engine.event_match.score_event`: one ranking per participant, so it is cached).

The cache keeps one matrix per event, under the index version it was ranked on and the
participants and focus it was ranked for: any participant change (registration,
withdrawal) or index write makes the next reader rank again; meeting requests and schedule
runs do not. Rankings go through the live index's gate (:meth:`api.live.LiveIndex.computing`)
like every ranking outside the result cache.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from api.live import LiveIndex
from api.store.events import EventRecord, ParticipantRecord
from engine.event_match import Attendee, EventMatrix, Focus, explain_pairs, score_event
from engine.event_reasons import pair_summary
from engine.recommender import Recommender

#: events whose matrix is kept
CACHED_EVENTS = 32


def attendees(participants: Sequence[ParticipantRecord]) -> tuple[Attendee, ...]:
    return tuple(Attendee(p.profile_id, p.seek, p.offer, p.available, p.must_meet, p.avoid)
                 for p in participants)


def focus(event: EventRecord) -> Focus:
    return Focus(tuple(event.focus_countries), tuple(event.focus_ecosystems))


@dataclass(frozen=True)
class Scored:
    """An event's matrix with the recommender it was ranked on (held for reading), or no
    matrix when fewer than two participants are registered."""

    rec: Recommender
    matrix: EventMatrix | None
    focus: Focus

    def value(self, a: str, b: str) -> float | None:
        """The pair's value in [0, 1]; None when they may not meet (an avoid list, no
        common slot, outside the focus)."""
        if self.matrix is None:
            return None
        value = float(self.matrix.value[self.matrix.index(a), self.matrix.index(b)])
        return value if math.isfinite(value) else None

    def summary(self, a: str, b: str) -> str:
        """Why ``a`` meets ``b``, from ``a``'s side ("" when they may not meet)."""
        if self.value(a, b) is None:
            return ""
        assert self.matrix is not None
        return pair_summary(self.matrix, a, b)

    def reasons(self, seeker: str, others: Sequence[str]) -> dict[str, str]:
        """The engine's sentence for each of ``others`` as a partner for what ``seeker``
        seeks (one ranking: call it for the suggestions shown only)."""
        assert self.matrix is not None
        return explain_pairs(self.rec, self.matrix, self.focus, seeker, others)


class EventMatrices:
    """The cached matrices of the events, ranked on the live index."""

    def __init__(self, live: LiveIndex, size: int = CACHED_EVENTS):
        self.live = live
        self.size = size
        self._cache: OrderedDict[str, tuple[Hashable, EventMatrix]] = OrderedDict()
        self._lock = threading.Lock()

    @contextmanager
    def scored(self, event: EventRecord,
               participants: Sequence[ParticipantRecord]) -> Iterator[Scored]:
        """The event's matrix, from the cache or ranked now, and the recommender, held
        (through the ranking gate) until the block ends."""
        people, where = attendees(participants), focus(event)
        with self.live.computing() as rec:
            if len(people) < 2:
                yield Scored(rec, None, where)
                return
            key = (rec.version, people, where)
            with self._lock:
                hit = self._cache.get(event.id)
            if hit is not None and hit[0] == key:
                matrix = hit[1]
            else:
                matrix = score_event(rec, people, where)
                with self._lock:
                    self._cache[event.id] = (key, matrix)
                    self._cache.move_to_end(event.id)
                    while len(self._cache) > self.size:
                        self._cache.popitem(last=False)
            yield Scored(rec, matrix, where)
