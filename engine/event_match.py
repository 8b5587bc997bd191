"""Reciprocal meeting suggestions for a matchmaking event (issue 18).

Every participant is a profile of the index plus what it offers and seeks at this event.
For each participant the engine ranks the others it may meet by its *seek* text, as a
partner request from that participant (``requester_id``: its network and country signals
count), restricted to the event's participants: a meeting candidate is judged on the same
signals, with the same weights, as any recommended partner. The other side's *offer* text,
written for this event, adds its similarity to the seek text. :mod:`engine.reciprocal` turns
both into one value per direction and pairs them by the harmonic mean.

    matrix = score_event(rec, attendees, focus)
    matrix.suggestions("p1", k=10)          # ranked, with both directions' numbers
    explain_pairs(rec, matrix, focus, "p1", ["p2", "p3"])   # the engine's reasons for p1
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from engine.errors import ValidationError
from engine.explain import explain_match
from engine.profiles import PartnerRequest
from engine.rank import rank_pool
from engine.reciprocal import best_pairs, harmonic, mix, percentiles
from engine.recommender import Recommender

#: share of a direction's value that the seek-to-offer text similarity carries (the rest is
#: the engine's ranking of the other's profile). On the validation events 0 is best (share of
#: good meetings 0.207, 0.199 at 0.2, 0.193 at 0.5, 0.124 at 1): their offer repeats the
#: profile (its project titles) by construction, so they can show the weight's cost, never
#: what a participant's own words for this event add. 0.2 keeps those words counting for a
#: fifth of each direction at that measured cost (docs/benchmarks.md).
OFFER_WEIGHT = 0.2
#: suggested pairs worth less are never scheduled (must-meet pairs always may be): pairs one
#: side ranks in its bottom seventh, or both in their bottom quarter. At the validation events
#: (300 participants) it changed no schedule's count of good meetings; at a small event it
#: keeps the solver from filling tables with pairs nobody wants (docs/benchmarks.md)
MIN_VALUE = 0.25
#: each participant's best pairs offered to the solver whatever the floor: its first and
#: second meeting are what the fairness term values
KEPT = 2
#: suggested pairs per participant offered to the solver, as a multiple of its maximum
CANDIDATES_PER_MEETING = 3


@dataclass(frozen=True)
class Attendee:
    """A participant as the matching sees it: a profile id of the index, its texts for this
    event, the slots it is available in and whom it must or will not meet."""

    id: str
    seek: str
    offer: str = ""
    available: frozenset[int] = frozenset()
    must_meet: frozenset[str] = frozenset()
    avoid: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Focus:
    """An event's focus: candidates from other ``countries`` are not suggested (unless a
    side must meet them); ``ecosystems`` are every request's wanted sectors (a preference)."""

    countries: tuple[str, ...] = ()
    ecosystems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Side:
    """One direction of a pair: how the participant who seeks ranks the other. ``rank`` of
    ``of`` candidates (1 = its best), ``value`` in [0, 1], ``words``: terms its seek text
    shares with the other's offer."""

    value: float
    rank: int
    of: int
    words: tuple[str, ...] = ()


@dataclass(frozen=True)
class Suggestion:
    """Whom ``id``'s participant may meet: ``score`` the pair's value (harmonic mean),
    ``yours`` what you seek found in them, ``theirs`` what they seek found in you."""

    id: str
    score: float
    yours: Side
    theirs: Side
    slots: tuple[int, ...]
    must_meet: bool = False


@dataclass(frozen=True)
class EventMatrix:
    """The event's pairwise numbers, participants in ``ids`` order. ``engine``: fused score
    of column for row's seek (NaN: the pair may not meet); ``offer``: cosine of row's seek to
    column's offer (NaN: no offer); ``direction``: row's value for column in [0, 1];
    ``value``: the pair's harmonic mean (symmetric)."""

    attendees: tuple[Attendee, ...]
    engine: np.ndarray
    offer: np.ndarray
    direction: np.ndarray
    value: np.ndarray
    words: dict[tuple[int, int], tuple[str, ...]] = field(default_factory=dict)

    @cached_property
    def ids(self) -> list[str]:
        return [a.id for a in self.attendees]

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {pid: i for i, pid in enumerate(self.ids)}

    def index(self, participant: str) -> int:
        try:
            return self._positions[participant]
        except KeyError:
            raise ValidationError(f"{participant!r} is not a participant of the event",
                                  field="profile_id") from None

    def side(self, i: int, j: int) -> Side:
        """Row ``i``'s view of ``j``: ranked by the direction's value, the number that went
        into the pair's (ties share the better rank)."""
        row = self.direction[i]
        ok = np.isfinite(row)
        rank = 1 + int((row[ok] > row[j]).sum())
        return Side(float(self.direction[i, j]), rank, int(ok.sum()), self.words.get((i, j), ()))

    def must(self, a: str, b: str) -> bool:
        """Whether either of ``a`` and ``b`` must meet the other."""
        return b in self.attendees[self.index(a)].must_meet or (
            a in self.attendees[self.index(b)].must_meet)

    def suggestions(self, participant: str, k: int = 10) -> list[Suggestion]:
        """``participant``'s ``k`` best partners by the pair's value (must-meet partners
        first), ties broken by id."""
        i = self.index(participant)
        me = self.attendees[i]
        ok = [j for j in np.flatnonzero(np.isfinite(self.value[i]))]
        ok.sort(key=lambda j: (not self.must(me.id, self.ids[j]), -self.value[i, j],
                               self.ids[j]))
        out = []
        for j in ok[:k]:
            other = self.attendees[j]
            out.append(Suggestion(
                id=other.id, score=float(self.value[i, j]), yours=self.side(i, j),
                theirs=self.side(j, i), slots=tuple(sorted(me.available & other.available)),
                must_meet=self.must(me.id, other.id)))
        return out

    def reweighted(self, offer_weight: float) -> EventMatrix:
        """The same event valued with another ``offer_weight`` (no ranking is repeated)."""
        direction = mix(percentiles(self.engine), percentiles(self.offer), offer_weight)
        return replace(self, direction=direction, value=harmonic(direction))

    def pairs(self, per_participant: int, floor: float = MIN_VALUE
              ) -> list[tuple[str, str, float]]:
        """Pairs for the solver, as (a, b, value): each participant's best
        ``per_participant`` worth at least ``floor``, its best :data:`KEPT` whatever their
        value (a participant everyone ranks low still has a meeting to be given: the
        solver's fairness term needs one), and every must-meet pair that may meet."""
        chosen = {p for p in best_pairs(self.value, per_participant) if self.value[p] >= floor}
        chosen |= set(best_pairs(self.value, KEPT))
        for i, a in enumerate(self.attendees):
            for other in a.must_meet:
                j = self._positions.get(other)
                if j is not None and np.isfinite(self.value[i, j]):
                    chosen.add((min(i, j), max(i, j)))
        ids = self.ids
        return [(ids[i], ids[j], float(self.value[i, j]))
                for i, j in sorted(chosen, key=lambda p: (-self.value[p], p))]


def candidates(max_meetings: int) -> int:
    """Suggested pairs per participant offered to the solver: enough for it to trade one
    participant's favourite for another's first meeting."""
    return CANDIDATES_PER_MEETING * max_meetings


def may_meet(a: Attendee, b: Attendee, country_of: dict[str, str], focus: Focus) -> bool:
    """Whether ``a`` and ``b`` may be suggested to each other: not the same, neither avoids
    the other, a common slot, and (unless one must meet the other) both in the focus
    countries."""
    if a.id == b.id or b.id in a.avoid or a.id in b.avoid or not a.available & b.available:
        return False
    if b.id in a.must_meet or a.id in b.must_meet or not focus.countries:
        return True
    return all(country_of.get(x.id, "") in focus.countries for x in (a, b))


def check_attendees(rec: Recommender, attendees: Sequence[Attendee]) -> None:
    ids = [a.id for a in attendees]
    if len(set(ids)) != len(ids):
        raise ValidationError("a participant is registered twice", field="profile_id")
    missing = [i for i in ids if i not in rec]
    if missing:
        raise ValidationError(f"unknown profile(s): {', '.join(missing[:5])}",
                              field="profile_id")
    for a in attendees:
        if not a.seek.strip():
            raise ValidationError(f"{a.id!r} says nothing of what it seeks", field="seek")


def request_of(attendee: Attendee, focus: Focus) -> PartnerRequest:
    return PartnerRequest(text=attendee.seek, requester_id=attendee.id,
                          ecosystems=focus.ecosystems)


def score_event(rec: Recommender, attendees: Sequence[Attendee], focus: Focus = Focus(), *,
                offer_weight: float = OFFER_WEIGHT) -> EventMatrix:
    """Every pair's numbers (see :class:`EventMatrix`): one ranking per participant."""
    check_attendees(rec, attendees)
    n = len(attendees)
    country = {a.id: rec.get(a.id).country for a in attendees}
    allowed = np.array([[may_meet(a, b, country, focus) for b in attendees] for a in attendees],
                       dtype=bool).reshape(n, n)
    view = rec.view()
    slot = np.array([view.corpus.slot(a.id) for a in attendees], dtype=np.int64)
    where = {int(s): j for j, s in enumerate(slot)}
    engine = np.full((n, n), np.nan)
    requests = [request_of(a, focus) for a in attendees]
    queries = rec.encoder.encode_queries([r.document for r in requests])
    multilingual = rec.encode_multilingual(requests)
    size = len(rec.slot_ids())
    for i in range(n):
        if not allowed[i].any():
            continue
        mask = np.zeros(size, dtype=bool)
        mask[slot[allowed[i]]] = True
        pool = rec.pool(requests[i], queries[i], k=n, mask=mask, multilingual=multilingual[i])
        for match in rank_pool(view, pool, n):
            engine[i, where[view.corpus.slot(match.profile_id)]] = match.score
    offer, words = _offer_similarity(rec, attendees, allowed)
    direction = mix(percentiles(engine), percentiles(offer), offer_weight)
    return EventMatrix(tuple(attendees), engine, offer, direction, harmonic(direction), words)


def _offer_similarity(rec: Recommender, attendees: Sequence[Attendee], allowed: np.ndarray
                      ) -> tuple[np.ndarray, dict[tuple[int, int], tuple[str, ...]]]:
    """Cosine of each seek text to each offer text (the multilingual model where the index
    has one: an event mixes languages), and the terms each allowed pair shares."""
    n = len(attendees)
    has_offer = np.array([bool(a.offer.strip()) for a in attendees])
    sims = np.full((n, n), np.nan)
    if has_offer.any():
        encoder = rec.multilingual if rec.multilingual is not None else rec.encoder
        seeks = encoder.encode_queries([a.seek for a in attendees])
        offers = encoder.encode_documents([a.offer for a in attendees if a.offer.strip()])
        sims[:, has_offer] = seeks @ offers.T
    sims[~allowed] = np.nan
    lexical = rec.view().corpus.lexical
    seek_rows = lexical.transform([a.seek for a in attendees])
    offer_rows = lexical.transform([a.offer for a in attendees])
    words: dict[tuple[int, int], tuple[str, ...]] = {}
    offers = [dict(zip(offer_rows.indices[offer_rows.indptr[j]:offer_rows.indptr[j + 1]],
                       offer_rows.data[offer_rows.indptr[j]:offer_rows.indptr[j + 1]],
                       strict=True)) for j in range(n)]
    for i, a in enumerate(attendees):
        said = lexical.query_words(a.seek)
        lo, hi = seek_rows.indptr[i], seek_rows.indptr[i + 1]
        mine = dict(zip(seek_rows.indices[lo:hi], seek_rows.data[lo:hi], strict=True))
        for j in np.flatnonzero(allowed[i] & has_offer):
            theirs = offers[j]
            common = sorted((-w * theirs[t], int(t)) for t, w in mine.items() if t in theirs)
            # two terms (a word and its stem's other form) may read as one word
            shown = dict.fromkeys(said[t] for _, t in common if t in said)
            if shown:
                words[i, int(j)] = tuple(shown)[:5]
    return sims, words


def explain_pairs(rec: Recommender, matrix: EventMatrix, focus: Focus, seeker: str,
                  others: Sequence[str]) -> dict[str, str]:
    """The engine's reason, in one sentence, for each of ``others`` as a partner for what
    ``seeker`` seeks at this event, from one ranking of ``seeker``'s candidates (as in
    :func:`score_event`); "" for one it may not meet."""
    i = matrix.index(seeker)
    wanted = {o for o in others if np.isfinite(matrix.engine[i, matrix.index(o)])}
    out = dict.fromkeys(others, "")
    if not wanted:
        return out
    n = len(matrix.attendees)
    view = rec.view()
    mask = np.zeros(len(rec.slot_ids()), dtype=bool)
    mask[[view.corpus.slot(matrix.ids[int(c)])
          for c in np.flatnonzero(np.isfinite(matrix.engine[i]))]] = True
    request = request_of(matrix.attendees[i], focus)
    pool = rec.pool(request, k=n, mask=mask)
    words = view.corpus.lexical.query_words(request.document)
    for match in rank_pool(view, pool, n):
        if match.profile_id in wanted:
            out[match.profile_id] = explain_match(match, pool.context, view, words).summary
    return out
