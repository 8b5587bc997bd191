"""Reciprocal meeting suggestions: the arithmetic (engine/reciprocal.py) on hand-checked
numbers, who may meet whom, the event matrix on the small corpus with the hash encoder, and
how a suggestion reads (engine/event_reasons.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine.errors import ValidationError
from engine.event_match import KEPT, Attendee, Focus, Side, may_meet, score_event
from engine.event_reasons import summary
from engine.reciprocal import best_pairs, harmonic, mix, percentiles
from engine.recommender import Recommender

NAN = math.nan


# ---- arithmetic -------------------------------------------------------------------------
def test_percentiles_rank_each_row_among_its_own_candidates() -> None:
    scores = np.array([[NAN, 3.0, 1.0, 2.0],
                       [5.0, NAN, 5.0, NAN],
                       [NAN, 7.0, NAN, NAN],
                       [NAN, NAN, NAN, NAN]])
    out = percentiles(scores)
    assert out[0, 1:].tolist() == [1.0, 0.0, 0.5]
    assert out[1, 0] == out[1, 2] == 0.5  # a tie shares the mean position
    assert out[2, 1] == 1.0  # a single candidate is the best one
    assert np.isnan(out[3]).all() and np.isnan(out[0, 0])


def test_harmonic_mean_needs_both_directions() -> None:
    direction = np.array([[NAN, 1.0, 1.0], [1.0, NAN, 0.0], [0.5, NAN, NAN]])
    value = harmonic(direction)
    assert value[0, 1] == value[1, 0] == 1.0
    assert value[0, 2] == pytest.approx(2 * 1.0 * 0.5 / 1.5)  # 0.667: symmetric
    assert value[2, 0] == value[0, 2]
    assert np.isnan(value[1, 2]) and np.isnan(value[2, 1])  # one side may not meet


def test_a_pair_one_side_ignores_is_worth_little() -> None:
    direction = np.array([[NAN, 1.0, 0.6], [0.0, NAN, NAN], [0.6, NAN, NAN]])
    value = harmonic(direction)
    assert value[0, 1] == 0.0 and value[0, 2] == pytest.approx(0.6)


def test_mix_keeps_the_engine_alone_without_an_offer() -> None:
    engine = np.array([[NAN, 0.2, 1.0]])
    offer = np.array([[NAN, 1.0, NAN]])
    assert mix(engine, offer, 0.5)[0, 1] == pytest.approx(0.6)
    assert mix(engine, offer, 0.5)[0, 2] == 1.0
    assert np.isnan(mix(engine, offer, 0.5)[0, 0])
    with pytest.raises(ValueError):
        mix(engine, offer, 1.5)


def test_best_pairs_unite_each_participants_best() -> None:
    value = np.array([[NAN, 0.9, 0.1, 0.2],
                      [0.9, NAN, 0.3, 0.4],
                      [0.1, 0.3, NAN, 0.05],
                      [0.2, 0.4, 0.05, NAN]])
    # each one's best: 0->1, 1->0, 2->1, 3->1
    assert best_pairs(value, 1) == [(0, 1), (1, 3), (1, 2)]


# ---- who may meet -----------------------------------------------------------------------
def _a(pid: str, slots: set[int], **kw: frozenset[str]) -> Attendee:
    return Attendee(pid, seek="x", available=frozenset(slots), **kw)


def test_may_meet_needs_a_common_slot_and_no_avoidance() -> None:
    countries = {"a": "DE", "b": "FR", "c": "KR"}
    a, b = _a("a", {0, 1}), _a("b", {1})
    assert may_meet(a, b, countries, Focus())
    assert not may_meet(a, _a("b", {2}), countries, Focus())
    assert not may_meet(_a("a", {1}, avoid=frozenset({"b"})), b, countries, Focus())
    assert not may_meet(a, _a("b", {1}, avoid=frozenset({"a"})), countries, Focus())
    assert not may_meet(a, a, countries, Focus())


def test_focus_countries_apply_unless_a_side_must_meet() -> None:
    countries = {"a": "DE", "b": "FR", "c": "KR"}
    focus = Focus(countries=("DE", "KR"))
    assert may_meet(_a("a", {0}), _a("c", {0}), countries, focus)
    assert not may_meet(_a("a", {0}), _a("b", {0}), countries, focus)
    assert may_meet(_a("a", {0}, must_meet=frozenset({"b"})), _a("b", {0}), countries, focus)


# ---- the event matrix -------------------------------------------------------------------
def _event() -> list[Attendee]:
    every = frozenset(range(4))
    return [
        Attendee("de-cluster", seek="solar photovoltaic modules", offer="battery cells recycling",
                 available=every),
        Attendee("es-solar", seek="battery cells recycling", offer="solar photovoltaic modules",
                 available=every),
        # offers what de-cluster seeks, but seeks something nobody offers
        Attendee("fr-univ", seek="medieval manuscripts", offer="solar photovoltaic modules",
                 available=every),
        Attendee("it-agri", seek="olive oil quality", offer="olive oil quality",
                 available=frozenset({3}), avoid=frozenset({"fr-univ"})),
        Attendee("pl-klaster", seek="software platforms", offer="software platforms",
                 available=frozenset({0}), must_meet=frozenset({"it-agri"})),
    ]


def test_the_matrix_is_symmetric_and_respects_who_may_meet(recommender: Recommender) -> None:
    matrix = score_event(recommender, _event(), offer_weight=1.0)
    ids = matrix.ids
    assert np.allclose(np.nan_to_num(matrix.value, nan=-1), np.nan_to_num(matrix.value.T, nan=-1))
    it, fr, pl = ids.index("it-agri"), ids.index("fr-univ"), ids.index("pl-klaster")
    assert np.isnan(matrix.value[it, fr])  # avoided
    assert np.isnan(matrix.value[it, pl])  # must meet, but no common slot
    assert np.isnan(np.diag(matrix.value)).all()


def test_a_mutual_fit_outranks_a_one_sided_one(recommender: Recommender) -> None:
    matrix = score_event(recommender, _event(), offer_weight=1.0)
    best = matrix.suggestions("de-cluster", k=3)
    assert best[0].id == "es-solar"  # each offers what the other seeks
    by_id = {s.id: s for s in best}
    # fr-univ offers what de-cluster seeks as well as es-solar does, but seeks nothing it has
    assert by_id["es-solar"].yours.rank == by_id["fr-univ"].yours.rank == 1
    assert by_id["fr-univ"].score < by_id["es-solar"].score
    assert by_id["es-solar"].theirs.words == ("battery",)  # the only word the index knows
    assert all(s.id != "de-cluster" for s in best)


def test_must_meet_partners_come_first(recommender: Recommender) -> None:
    people = _event()
    people[3] = Attendee("it-agri", seek="olive oil quality", offer="olive oil quality",
                         available=frozenset({0, 3}))
    matrix = score_event(recommender, people, offer_weight=1.0)
    first = matrix.suggestions("pl-klaster", k=2)[0]
    assert first.id == "it-agri" and first.must_meet and first.slots == (0,)
    assert ("it-agri", "pl-klaster") in {tuple(sorted(p[:2])) for p in matrix.pairs(1)}


def test_bad_participants_are_refused(recommender: Recommender) -> None:
    with pytest.raises(ValidationError, match="unknown profile"):
        score_event(recommender, [Attendee("nobody", seek="x", available=frozenset({0}))])
    twice = [_event()[0], _event()[0]]
    with pytest.raises(ValidationError, match="twice"):
        score_event(recommender, twice)
    with pytest.raises(ValidationError, match="seeks"):
        score_event(recommender, [Attendee("de-cluster", seek="  ")])
    matrix = score_event(recommender, _event())
    with pytest.raises(ValidationError, match="not a participant"):
        matrix.suggestions("nl-research")


# ---- how it reads -----------------------------------------------------------------------
def test_summary_states_both_directions_and_a_weak_side() -> None:
    strong, weak = Side(1.0, 1, 10, ("battery",)), Side(0.2, 8, 10)
    assert summary(strong, strong) == (
        "For what they seek, you rank 1st of 10 (in common: battery); "
        "for what you seek, they rank 1st of 10 (in common: battery).")
    assert summary(strong, weak).endswith("A one-sided fit: they rank you in the lower half.")
    assert summary(weak, strong).endswith("A one-sided fit: you rank them in the lower half.")
    assert summary(weak, weak).endswith("A weak fit: each ranks the other in its lower half.")
    assert summary(weak, weak, must_meet=True).startswith("On a must-meet list.")


def test_pairs_below_the_floor_are_not_offered_unless_a_side_must_meet(
        recommender: Recommender) -> None:
    people = _event()
    people[3] = Attendee("it-agri", seek="olive oil quality", offer="olive oil quality",
                         available=frozenset({0, 3}))
    matrix = score_event(recommender, people, offer_weight=1.0)
    everything = matrix.pairs(10, floor=0.0)
    kept = matrix.pairs(10, floor=0.5)
    must = ("it-agri", "pl-klaster")
    assert any(v < 0.5 for *_, v in everything)
    ids = matrix.ids
    best = {tuple(sorted((ids[i], ids[j]))) for i, j in best_pairs(matrix.value, KEPT)}
    assert all(v >= 0.5 or tuple(sorted((a, b))) in best | {must} for a, b, v in kept)
    assert must in {tuple(sorted((a, b))) for a, b, _ in kept}
    assert len(kept) < len(everything)
    # above every value: each participant's best pairs (a meeting for everyone) and must-meet
    assert {tuple(sorted((a, b))) for a, b, _ in matrix.pairs(10, floor=1.01)} == best | {must}
    assert all(any(x in pair for pair in best) for x in ids if x not in ("it-agri",))
