"""Unknown signals filled with their expected value (engine/unknown.py), and what the ranking
and the explanation of a profile without any project history make of it."""

from __future__ import annotations

import numpy as np
import pytest

from engine.embed import HashEncoder
from engine.first_stage import dense_top, described_top
from engine.profiles import Activity, PartnerRequest, Profile
from engine.recommender import Recommender
from engine.unknown import MIN_KNOWN, binned_means, fill_unknown


def test_binned_means_follow_the_relation() -> None:
    x = np.linspace(0.0, 1.0, 200)
    grid, means = binned_means(x, {"y": 2.0 * x}, bins=5)
    assert len(grid) == 5 and np.all(np.diff(grid) > 0)
    assert np.allclose(means["y"], 2.0 * np.array(grid), atol=1e-3)


def test_unknown_values_become_the_known_mean_at_their_similarity() -> None:
    rng = np.random.default_rng(1)
    similarity = rng.uniform(0.0, 1.0, 300)
    experience = (3.0 * similarity).astype(np.float32)
    unknown = np.zeros(300, dtype=bool)
    unknown[:10] = True
    experience[unknown] = 0.0
    other = np.ones(300, dtype=np.float32)
    out = fill_unknown({"experience": experience, "other": other}, ["experience"], unknown,
                       similarity)
    assert np.allclose(out["experience"][:10], 3.0 * similarity[:10], atol=0.35)
    assert np.array_equal(out["experience"][10:], experience[10:])  # known ones untouched
    assert out["other"] is other  # not named: not filled


def test_too_few_known_candidates_leave_the_values_alone() -> None:
    n = MIN_KNOWN - 1 + 5
    unknown = np.zeros(n, dtype=bool)
    unknown[:5] = True
    values = np.where(unknown, 0.0, 2.0).astype(np.float32)
    out = fill_unknown({"a": values}, ["a"], unknown, np.linspace(0, 1, n))
    assert np.array_equal(out["a"], values)
    enough = np.concatenate([values, np.full(5, 2.0, np.float32)])
    out = fill_unknown({"a": enough}, ["a"], np.concatenate([unknown, np.zeros(5, bool)]),
                       np.linspace(0, 1, n + 5))
    assert np.all(out["a"][:5] == pytest.approx(2.0))  # one more known: filled


def test_only_the_reference_candidates_set_the_expectation() -> None:
    """A newcomer is compared with candidates without a link to the requester."""
    n = 200
    unknown = np.zeros(n, dtype=bool)
    unknown[:4] = True
    linked = np.zeros(n, dtype=bool)
    linked[4:100] = True
    walk = np.where(linked, 9.0, 1.0).astype(np.float32)
    walk[unknown] = 0.0
    out = fill_unknown({"walk": walk}, ["walk"], unknown, np.linspace(0, 1, n),
                       reference=~linked)
    assert np.all(out["walk"][:4] == pytest.approx(1.0))


def _organisations(n: int) -> list[Profile]:
    """``n`` English organisations with projects, some on batteries."""
    topics = ["battery recycling plant", "grid battery storage", "solar panels on roofs",
              "wind turbine blades", "hydrogen trucks", "wastewater treatment"]
    return [
        Profile(id=f"org-{i}", name=f"Organisation {i}", country="DE", kind="company",
                activities=[Activity(id=f"p-{i}-{j}", title=topics[(i + j) % 6],
                                     text=f"Project on {topics[(i + j) % 6]} number {j}.",
                                     year=2022, role="coordinator" if j == 0 else "participant")
                            for j in range(1 + i % 4)])
        for i in range(60)
    ]


NEWCOMER = Profile(id="new", name="Battery Recycling Newcomers", country="PL", kind="cluster",
                   description="battery recycling plant. Cluster of firms working on battery "
                               "recycling plant technology.")


def test_a_newcomer_is_ranked_on_content_and_never_said_to_have_a_record() -> None:
    rec = Recommender(HashEncoder(64)).fit([*_organisations(60), NEWCOMER])
    rec.config = rec.config.with_weights(experience=3.0, coordination=2.0)
    request = PartnerRequest(text="battery recycling plant")
    pool = rec.pool(request)
    slot = rec.slot_ids().index("new")
    i = int(np.flatnonzero(pool.slots == slot)[0])
    # its history signals are not 0 but what organisations as close to the request have
    assert pool.features["experience"][i] > 0.0
    assert pool.features["coordination"][i] > 0.0
    matches = rec.recommend(request, k=61, explain=True)
    newcomer = next(m for m in matches if m.profile_id == "new")
    assert newcomer.explanation is not None
    assert newcomer.explanation.evidence["history"] == {"known": False}
    assert "experience" not in newcomer.explanation.evidence
    assert "past project" not in newcomer.explanation.summary
    assert "track record" not in newcomer.explanation.summary
    # never credited with a collaboration with the requester
    assert newcomer.signals.get("network_direct", 0.0) == 0.0


def test_with_weights_a_fill_never_costs_the_candidate() -> None:
    """Benefit of the doubt: a signal with a negative weight keeps its 0, one with a positive
    weight gets the expected value."""
    rng = np.random.default_rng(2)
    similarity = rng.uniform(0.0, 1.0, 200)
    unknown = np.zeros(200, dtype=bool)
    unknown[:5] = True
    values = np.where(unknown, 0.0, 1.0 + similarity).astype(np.float32)
    out = fill_unknown({"good": values, "bad": values}, ["good", "bad"], unknown, similarity,
                       weights={"good": 0.5, "bad": -0.7})
    assert np.all(out["good"][:5] > 1.0)
    assert np.all(out["bad"][:5] == 0.0)


def test_newcomers_have_their_own_first_stage_source() -> None:
    """With a first stage of one candidate per source, the dense search brings an
    organisation with projects; the newcomer comes in through its own source."""
    rec = Recommender(HashEncoder(64)).fit([*_organisations(60), NEWCOMER])
    rec.config = rec.config.__class__(**{**rec.config.to_dict(), "pool_size": 1})
    pool = rec.pool(PartnerRequest(text="battery recycling plant"))
    ids = [rec.slot_ids()[s] for s in pool.slots]
    assert "new" in ids
    # the dense search alone would not have brought it
    view = rec.view()
    mask = np.ones(len(rec.slot_ids()), dtype=bool)
    dense = dense_top(view, pool.context.query, mask, 1)
    assert rec.slot_ids().index("new") not in dense
    assert list(described_top(view, pool.context, mask, 1)) == [rec.slot_ids().index("new")]
