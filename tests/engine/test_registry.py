"""The signal registry: each signal declared once, and a researcher's signal registered from
outside the engine ranks, explains, trains and loads like a built-in one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from engine.batch import Batch
from engine.builtin_signals import BUILTIN, GROUPS
from engine.config import RankConfig
from engine.embed import HashEncoder
from engine.errors import ValidationError
from engine.evaluate import Query
from engine.fusion import FusionModel
from engine.profiles import PartnerRequest, Profile
from engine.recommender import Recommender
from engine.registry import Registry, Signal
from engine.train import fit_weights, pool_data


def _sme(batch: Batch) -> np.ndarray:
    """A researcher's signal: 1 for SMEs."""
    return batch.columns.sme[batch.slots].astype(np.float32)


LEADER = Signal("leader", "kind", "1 if it is an SME", "small business", _sme)


def test_every_builtin_signal_is_declared_once_with_a_known_group() -> None:
    assert len(set(BUILTIN.names)) == len(BUILTIN) == 32
    assert {s.group for s in BUILTIN} <= {g.id for g in GROUPS}
    assert all(s.label and s.scale for s in BUILTIN)
    assert set(BUILTIN.preference) == {"cross_border", "preferred_country", "preferred_kind"}
    assert [s.name for s in BUILTIN if s.pooled] == ["consortium"]


def test_describe_lists_the_groups_in_order_with_the_diversity_penalty_last() -> None:
    described = BUILTIN.describe()
    assert [g["id"] for g in described] == [g.id for g in GROUPS] + ["diversity"]
    names = [s["name"] for g in described for s in g["signals"]]
    assert names == [*BUILTIN.names, "diversity"]


def test_a_registry_refuses_unknown_groups_and_duplicate_names() -> None:
    with pytest.raises(ValidationError, match="unknown group"):
        BUILTIN.with_signal(Signal("x", "astrology", "-", "x", _sme))
    with pytest.raises(ValidationError, match="unique"):
        Registry(GROUPS, (LEADER, LEADER))
    with pytest.raises(ValidationError, match="reserved"):
        BUILTIN.with_signal(Signal("diversity", "kind", "-", "x", _sme))


def test_a_registered_signal_ranks_and_is_explained(profiles: list[Profile]) -> None:
    registry = BUILTIN.with_signal(LEADER)
    config = RankConfig.of(registry, weights={"leader": 50.0})
    rec = Recommender(HashEncoder(64), config, signals=registry).fit(profiles)
    matches = rec.recommend(PartnerRequest(text="battery storage"), k=len(profiles),
                            explain=True)
    smes = {p.id for p in profiles if p.sme}
    assert smes and {m.profile_id for m in matches[: len(smes)]} == smes
    first = matches[0]
    # an SME is above the typical candidate (a pool partly of SMEs) by 50 x (1 - their share)
    share = 1.0 - first.contributions["leader"] / 50.0
    assert first.signals["leader"] == 1.0 and 0.0 < share < 1.0
    last = matches[-1]
    assert last.signals["leader"] == 0.0
    assert last.contributions["leader"] == pytest.approx(-50.0 * share)
    assert first.explanation is not None
    assert first.explanation.groups["kind"] == pytest.approx(first.contributions["leader"])
    assert abs(sum(first.contributions.values()) - (first.score - first.baseline)) < 1e-9


def test_config_and_fusion_accept_registered_names_only(tmp_path: Path) -> None:
    registry = BUILTIN.with_signal(LEADER)
    with pytest.raises(ValidationError, match="leader"):
        RankConfig(weights={"leader": 1.0})  # the default config knows the built-ins only
    with pytest.raises(ValidationError, match="RankConfig.of"):
        Recommender(HashEncoder(8), RankConfig(), signals=registry)
    FusionModel({"leader": 2.0, "dense": 1.0}).save(tmp_path / "fusion.json")
    with pytest.raises(ValidationError, match="leader"):
        FusionModel.load(tmp_path / "fusion.json")
    assert FusionModel.load(tmp_path / "fusion.json", registry).weights["leader"] == 2.0


def test_a_registered_signal_is_learned_and_the_index_reloads(
    profiles: list[Profile], tmp_path: Path
) -> None:
    registry = BUILTIN.with_signal(LEADER)
    rec = Recommender(HashEncoder(64), signals=registry).fit(profiles)
    query = Query("q", "battery", "battery storage for the grid", None,
                  frozenset(p.id for p in profiles[:3]))
    pools = pool_data(rec, [query])
    assert pools[0].features.shape[1] == len(registry)
    weights = fit_weights(pools, registry)
    assert set(weights) == set(registry.names) and "leader" in weights
    rec.fusion = FusionModel(weights)
    rec.save(tmp_path / "index")
    again = Recommender.load(tmp_path / "index", HashEncoder(64), signals=registry)
    assert again.weights["leader"] == pytest.approx(weights["leader"])
    request = PartnerRequest(text="battery storage")
    assert [m.profile_id for m in again.recommend(request)] == [
        m.profile_id for m in rec.recommend(request)]
