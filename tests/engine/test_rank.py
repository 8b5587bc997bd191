from __future__ import annotations

import json

import numpy as np
import pytest

from engine.builtin_signals import BUILTIN
from engine.config import RankConfig
from engine.embed import HashEncoder
from engine.errors import ValidationError
from engine.fusion import FusionModel, fuse
from engine.profiles import PartnerRequest, Profile
from engine.recommender import Recommender
from engine.signals import damped_count as experience

SIGNALS = BUILTIN.names


def test_fuse_contributions_sum_to_scores() -> None:
    features = {
        "dense": np.array([0.8, 0.2, 0.5], np.float32),
        "lexical": np.array([0.0, 0.9, 0.3], np.float32),
        "experience": np.array([1.0, 0.1, 0.4], np.float32),
    }
    scores, contributions = fuse(features, {"dense": 1.0, "lexical": 0.5, "experience": 0.25})
    np.testing.assert_allclose(sum(contributions.values()), scores)
    np.testing.assert_allclose(scores, [1.05, 0.675, 0.75], rtol=1e-6)
    np.testing.assert_allclose(contributions["lexical"], [0.0, 0.45, 0.15], rtol=1e-6)


def test_weight_zero_contributes_nothing() -> None:
    features = {"dense": np.array([0.1, 0.7]), "lexical": np.array([5.0, -3.0])}
    scores, contributions = fuse(features, {"dense": 1.0, "lexical": 0.0})
    assert "lexical" not in contributions
    np.testing.assert_allclose(scores, [0.1, 0.7])
    # a signal missing from the weights counts as weight 0
    scores, contributions = fuse(features, {"dense": 2.0})
    assert list(contributions) == ["dense"]
    np.testing.assert_allclose(scores, [0.2, 1.4])


def test_fuse_of_nothing_is_empty() -> None:
    scores, contributions = fuse({}, {"dense": 1.0})
    assert len(scores) == 0 and contributions == {}


def test_rank_config_rejects_unknown_signals() -> None:
    with pytest.raises(ValidationError) as info:
        RankConfig(weights={"dense": 1.0, "popularity": 2.0})
    assert info.value.field == "weights"
    assert "popularity" in str(info.value)
    assert all(signal in str(info.value) for signal in SIGNALS)


@pytest.mark.parametrize(
    ("field", "value"), [("pool_size", 0), ("experience_ref", 0.0), ("experience_ref", -1.0)]
)
def test_rank_config_rejects_bad_parameters(field: str, value: float) -> None:
    with pytest.raises(ValidationError) as info:
        RankConfig(**{field: value})
    assert info.value.field == field


def test_rank_config_fills_every_signal_and_round_trips() -> None:
    config = RankConfig(weights={"dense": 2}, pool_size=10)
    assert set(config.weights) == set(SIGNALS)
    assert config.weights["dense"] == 2.0
    assert all(config.weights[s] == 0.0 for s in SIGNALS if s != "dense")
    assert RankConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config


def test_with_weights_changes_only_the_named_weights() -> None:
    config = RankConfig(pool_size=7)
    changed = config.with_weights(lexical=0.0)
    assert changed.weights["lexical"] == 0.0
    assert changed.pool_size == 7
    assert {s: w for s, w in changed.weights.items() if s != "lexical"} == {
        s: w for s, w in config.weights.items() if s != "lexical"
    }
    assert config.weights["lexical"] != 0.0  # the original is unchanged
    with pytest.raises(ValidationError):
        config.with_weights(unknown=1.0)


def test_experience_is_one_at_the_reference_and_damped() -> None:
    values = experience(np.array([0, 50, 500]), ref=50.0)
    assert values.dtype == np.float32
    assert values[0] == 0.0
    assert values[1] == pytest.approx(1.0)
    assert 1.0 < values[2] < 2.0


def test_an_explicit_weight_wins_over_learned_fusion_weights(
    profiles: list[Profile],
) -> None:
    rec = Recommender(HashEncoder(64)).fit(profiles)
    rec.fusion = FusionModel({**rec.weights, "dense": 0.5, "lexical": 0.25})
    assert rec.weights["dense"] == 0.5  # learned, replacing the hand-set weight
    rec.config = rec.config.with_weights(dense=100.0)
    assert rec.weights["dense"] == 100.0 and rec.weights["lexical"] == 0.25
    request = PartnerRequest(text="battery storage for the grid")
    ranked = rec.recommend(request, k=len(profiles))  # now ranked by meaning above all
    assert [m.signals["dense"] for m in ranked] == sorted(
        (m.signals["dense"] for m in ranked), reverse=True)
    saved = RankConfig.from_dict(json.loads(json.dumps(rec.config.to_dict())))
    assert saved.overrides == {"dense": 100.0}
