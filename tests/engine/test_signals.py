"""The ranking signals of :mod:`engine.signals`: scales, edge cases and hand-checked values."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp

from engine import signals

PARIS = (48.8566, 2.3522)
BERLIN = (52.5200, 13.4050)


# ---- counts -----------------------------------------------------------------------------
def test_damped_count_is_zero_for_none_one_at_the_reference_and_damped_above() -> None:
    values = signals.damped_count(np.array([0, 1, 10, 50, 500, 5000]), ref=50.0)
    assert values.dtype == np.float32
    assert values[0] == 0.0
    assert values[3] == pytest.approx(1.0, abs=1e-6)
    assert values[1] == pytest.approx(math.log(2) / math.log(51), rel=1e-5)
    assert np.all(np.diff(values) > 0)  # more is always a little better ...
    assert values[4] < 1.6 and values[5] < 2.2  # ... but 100x the reference is far from 100x
    # the reference sets the scale: the same count scores less against a larger reference
    assert signals.damped_count(np.array([10]), ref=100.0)[0] < values[2]


def test_log_count_scale() -> None:
    values = signals.log_count(np.array([0, 1, 10]))
    assert values.dtype == np.float32
    np.testing.assert_allclose(values, [0.0, math.log(2), math.log(11)], rtol=1e-6)
    assert values[1] == pytest.approx(0.693, abs=1e-3)
    assert values[2] == pytest.approx(2.398, abs=1e-3)
    assert len(signals.log_count(np.array([]))) == 0


# ---- geography --------------------------------------------------------------------------
def test_walk_score_scale() -> None:
    p = np.array([0.0, 1e-6, 1e-3, 1.0])
    out = signals.walk_score(p)
    assert out.dtype == np.float32
    assert out.tolist() == pytest.approx([0.0, math.log(2), math.log1p(1e3), math.log1p(1e6)])
    assert np.all(np.diff(signals.walk_score(np.logspace(-9, 0, 10))) > 0)  # apart at any scale


def test_haversine_paris_berlin_is_about_878_km() -> None:
    km = signals.haversine_km(*PARIS, np.array([BERLIN[0]]), np.array([BERLIN[1]]))
    assert km[0] == pytest.approx(878, abs=5)


def test_haversine_is_zero_to_itself_symmetric_and_vectorised() -> None:
    lats = np.array([PARIS[0], BERLIN[0], -PARIS[0]])
    lons = np.array([PARIS[1], BERLIN[1], PARIS[1] + 180.0])
    km = signals.haversine_km(*PARIS, lats, lons)
    assert km.shape == (3,)
    assert km[0] == pytest.approx(0.0, abs=1e-6)
    back = signals.haversine_km(*BERLIN, np.array([PARIS[0]]), np.array([PARIS[1]]))
    assert back[0] == pytest.approx(km[1], rel=1e-9)
    assert km[2] == pytest.approx(math.pi * signals.EARTH_RADIUS_KM, rel=1e-6)  # antipode


def test_proximity_is_one_at_distance_zero_and_decays_with_the_scale() -> None:
    lats = np.array([PARIS[0], BERLIN[0]])
    lons = np.array([PARIS[1], BERLIN[1]])
    values = signals.proximity(*PARIS, lats, lons, scale_km=300.0)
    assert values.dtype == np.float32
    assert values[0] == pytest.approx(1.0)
    km = signals.haversine_km(*PARIS, lats[1:], lons[1:])[0]
    assert values[1] == pytest.approx(math.exp(-km / 300.0), rel=1e-5)
    assert 0.0 < values[1] < 0.1
    wider = signals.proximity(*PARIS, lats, lons, scale_km=3000.0)
    assert values[1] < wider[1] < 1.0


def test_proximity_is_zero_without_coordinates() -> None:
    lats = np.array([PARIS[0], np.nan, BERLIN[0]])
    lons = np.array([PARIS[1], 7.0, np.nan])
    assert signals.proximity(None, None, lats, lons, 300.0).tolist() == [0.0, 0.0, 0.0]
    assert signals.proximity(PARIS[0], None, lats, lons, 300.0).tolist() == [0.0, 0.0, 0.0]
    values = signals.proximity(*PARIS, lats, lons, 300.0)
    assert values[0] == pytest.approx(1.0)
    assert values[1] == 0.0 and values[2] == 0.0  # a candidate without coordinates


def test_same_value() -> None:
    values = np.array(["DE", "FR", "", "DE"])
    assert signals.same_value("DE", values).tolist() == [1.0, 0.0, 0.0, 1.0]
    assert signals.same_value("SE", values).tolist() == [0.0] * 4
    # an unknown value never matches, not even other unknown values
    assert signals.same_value("", values).tolist() == [0.0] * 4
    assert signals.same_value("DE", values).dtype == np.float32


def test_new_country_is_one_only_for_known_uncovered_countries() -> None:
    countries = np.array(["DE", "FR", "", "ES", "DE"])
    assert signals.new_country({"DE", "ES"}, countries).tolist() == [0.0, 1.0, 0.0, 0.0, 0.0]
    assert signals.new_country({"PL"}, countries).tolist() == [1.0, 1.0, 0.0, 1.0, 1.0]
    # no consortium yet: nothing is "new" (and unknown countries never are)
    assert signals.new_country(set(), countries).tolist() == [0.0] * 5


# ---- labels and their co-occurrence -----------------------------------------------------
def test_bits_to_matrix() -> None:
    matrix = signals.bits_to_matrix(np.array([0b101, 0, 0b10, 0b1000]), 4)
    assert matrix.dtype == np.float32
    assert matrix.tolist() == [
        [1, 0, 1, 0],
        [0, 0, 0, 0],
        [0, 1, 0, 0],
        [0, 0, 0, 1],
    ]
    assert signals.bits_to_matrix(np.array([0b100]), 2).tolist() == [[0, 0]]  # bits beyond n


def _incidence(memberships: list[list[int]], n_slots: int) -> sp.csr_matrix:
    """slots x projects from each project's member slots."""
    rows = [slot for members in memberships for slot in members]
    cols = [p for p, members in enumerate(memberships) for _ in members]
    return sp.csr_matrix(
        (np.ones(len(rows), np.float32), (rows, cols)), shape=(n_slots, len(memberships))
    )


# Labels A, B, C (C never occurs). Slot 0: A, slot 1: B, slot 2: A.
# Project P0 = {0, 1}, P1 = {0, 2}. Ordered pairs of *different* members of a project:
#   P0: (0,1) A-B, (1,0) B-A;  P1: (0,2) A-A, (2,0) A-A
# so pairs AA = 2, AB = BA = 1, BB = 0; row totals A = 3, B = 1; grand total 4;
# expected(a, b) = total_a * total_b / 4; lift = pairs / expected:
#   AA = 2 / (9/4) = 8/9, AB = 1 / (3/4) = 4/3, BB = 0 (expected 1/4, never seen).
LABELS = np.array([[1, 0, 0], [0, 1, 0], [1, 0, 0]], dtype=np.float32)
HAND_LIFT = np.array([[8 / 9, 4 / 3, 0.0], [4 / 3, 0.0, 0.0], [0.0, 0.0, 0.0]])


def test_cooccurrence_lift_matches_a_hand_computation() -> None:
    lift = signals.cooccurrence_lift(_incidence([[0, 1], [0, 2]], 3), LABELS)
    assert lift.dtype == np.float32
    np.testing.assert_allclose(lift, HAND_LIFT, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(lift, lift.T)


def test_cooccurrence_lift_excludes_self_pairs() -> None:
    # Slot 3 is labelled A and B and is alone in project P2; a member is never its own partner,
    # so this adds no pair at all and the lift is unchanged. (Counting self-pairs would add
    # one A-B pair and move AB away from 4/3.)
    labels = np.vstack([LABELS, [[1, 1, 0]]]).astype(np.float32)
    lift = signals.cooccurrence_lift(_incidence([[0, 1], [0, 2], [3]], 4), labels)
    np.testing.assert_allclose(lift, HAND_LIFT, rtol=1e-6, atol=1e-7)
    # A member that works with itself in many projects still pairs with nobody:
    lift = signals.cooccurrence_lift(_incidence([[0, 1], [0, 2], [3], [3], [3]], 4), labels)
    np.testing.assert_allclose(lift, HAND_LIFT, rtol=1e-6, atol=1e-7)


def test_cooccurrence_lift_without_any_pair_is_zero() -> None:
    lift = signals.cooccurrence_lift(_incidence([[0], [1]], 3), LABELS)
    assert lift.shape == (3, 3)
    assert not lift.any()


def test_shared_share() -> None:
    wanted = np.array([1, 1, 0, 0], dtype=np.float32)
    candidates = np.array([[1, 1, 0, 0], [1, 0, 1, 1], [0, 0, 1, 1]], dtype=np.float32)
    assert signals.shared_share(wanted, candidates).tolist() == [1.0, 0.5, 0.0]
    assert signals.shared_share(np.zeros(4, np.float32), candidates).tolist() == [0.0] * 3


# Labels: textiles, health, tourism, retail.
TEXTILES, HEALTH, TOURISM, RETAIL = range(4)


def _lift() -> np.ndarray:
    lift = np.ones((4, 4), dtype=np.float32)
    lift[TEXTILES, HEALTH] = lift[HEALTH, TEXTILES] = 8.0  # medical textiles: log2 = 3
    lift[TEXTILES, RETAIL] = lift[RETAIL, TEXTILES] = 2.0  # log2 = 1
    lift[TEXTILES, TOURISM] = lift[TOURISM, TEXTILES] = 0.5  # rarer than chance
    lift[TEXTILES, TEXTILES] = 16.0  # strong, but textiles is already wanted
    return lift


def test_complementarity_rewards_labels_that_co_occur_with_the_wanted_ones() -> None:
    wanted = np.zeros(4, dtype=np.float32)
    wanted[TEXTILES] = 1.0
    candidates = np.zeros((6, 4), dtype=np.float32)
    candidates[0, HEALTH] = 1  # textiles x health: log2(8) = 3 -> 1.0
    candidates[1, RETAIL] = 1  # log2(2) = 1 -> 1/3
    candidates[2, TOURISM] = 1  # lift < 1: nothing
    candidates[3, TEXTILES] = 1  # already wanted: nothing, however high its lift
    candidates[4, [TEXTILES, HEALTH, RETAIL]] = 1  # the best of its other labels
    # candidate 5 has no label
    values = signals.complementarity(wanted, candidates, _lift())
    assert values.dtype == np.float32
    np.testing.assert_allclose(values, [1.0, 1 / 3, 0.0, 0.0, 1.0, 0.0], rtol=1e-6)


def test_complementarity_counts_only_labels_not_already_wanted() -> None:
    wanted = np.zeros(4, dtype=np.float32)
    wanted[[TEXTILES, HEALTH]] = 1.0  # health is wanted now, so it is shared, not complementary
    candidates = np.zeros((2, 4), dtype=np.float32)
    candidates[0, HEALTH] = 1
    candidates[1, [HEALTH, RETAIL]] = 1
    values = signals.complementarity(wanted, candidates, _lift())
    np.testing.assert_allclose(values, [0.0, 1 / 3], rtol=1e-6)
    # nothing wanted: nothing is complementary
    assert not signals.complementarity(np.zeros(4, np.float32), candidates, _lift()).any()


def test_complementarity_is_clipped_to_one() -> None:
    lift = _lift()
    lift[TEXTILES, HEALTH] = 1000.0
    wanted = np.array([1, 0, 0, 0], dtype=np.float32)
    values = signals.complementarity(wanted, np.array([[0, 1, 0, 0]], np.float32), lift)
    assert values[0] == pytest.approx(1.0)


def test_kind_affinity_is_a_clipped_log2_lift() -> None:
    lift = np.array([[1.0, 2.0, 0.25, 0.0], [2.0, 16.0, 1.0, 1.0]], dtype=np.float32)
    kinds = np.array([0, 1, 2, 3, 1])
    values = signals.kind_affinity(0, kinds, lift)
    assert values.dtype == np.float32
    np.testing.assert_allclose(values, [0.0, 1.0, -2.0, -2.0, 1.0], atol=1e-6)
    np.testing.assert_allclose(signals.kind_affinity(1, kinds, lift), [1, 2, 0, 0, 2], atol=1e-6)
    assert signals.kind_affinity(None, kinds, lift).tolist() == [0.0] * 5
