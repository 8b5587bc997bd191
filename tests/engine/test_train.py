"""Learning the fusion weights (:mod:`engine.train`) and the learned model beside the index."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

from engine.builtin_signals import BUILTIN
from engine.config import RankConfig
from engine.embed import HashEncoder
from engine.errors import EngineError, ValidationError
from engine.evaluate import Query
from engine.fusion import FusionModel
from engine.profiles import PartnerRequest, Profile
from engine.recommender import Recommender
from engine.train import (
    WEIGHT_SCALE,
    PoolData,
    fit_weights,
    history_queries,
    pool_data,
    train_fusion,
)

FEATURES = BUILTIN.names
PREFERENCE_FEATURES = BUILTIN.preference

if TYPE_CHECKING:
    from conftest import CordisFiles  # the fixture's type (tests/conftest.py)

#: (projects file, participants file, start date by project id)
HistoryFiles = tuple[Path, Path, dict[str, date]]

SIGNAL = FEATURES.index("lexical")


def _pools(seed: int = 0, n_queries: int = 100, size: int = 50) -> list[PoolData]:
    """Synthetic pools: ``lexical`` separates the real partners (4 per pool) with overlap,
    ``cross_border`` (a preference, not learnable) separates them perfectly, every other
    feature is noise."""
    rng = np.random.default_rng(seed)
    pools = []
    for q in range(n_queries):
        labels = np.zeros(size, dtype=bool)
        labels[rng.choice(size, 4, replace=False)] = True
        features = rng.normal(size=(size, len(FEATURES)))
        features[:, SIGNAL] = labels + rng.normal(0.0, 0.5, size)
        for name in PREFERENCE_FEATURES:
            features[:, FEATURES.index(name)] = labels.astype(float)
        pools.append(PoolData(f"q{q}", features, labels))
    return pools


@pytest.fixture(scope="module")
def pools() -> list[PoolData]:
    return _pools()


def test_fit_weights_learns_the_separating_feature_and_ignores_noise(
    pools: list[PoolData],
) -> None:
    weights = fit_weights(pools)
    assert set(weights) == set(FEATURES)
    signal = weights["lexical"]
    assert signal > 0
    noise = {f: abs(w) for f, w in weights.items() if f != "lexical"}
    assert max(noise.values()) < 0.05 * signal, sorted(noise.items(), key=lambda kv: -kv[1])[:3]
    assert sum(noise.values()) / len(noise) < 0.02 * signal  # on average, whatever their count


def test_a_negative_feature_gets_a_negative_weight() -> None:
    """A signal of unknown direction (experience) that separates real partners by being
    low learns a negative weight."""
    pools = _pools(seed=1, n_queries=40)
    column = FEATURES.index("experience")
    for p in pools:
        p.features[:, [SIGNAL, column]] = p.features[:, [column, SIGNAL]] * -1.0
    weights = fit_weights(pools)
    assert weights["experience"] < 0
    assert max(abs(w) for f, w in weights.items() if f != "experience") < 0.1 * abs(
        weights["experience"]
    )


def test_a_signal_of_known_direction_never_gets_a_negative_weight() -> None:
    """A relevance signal that would come out negative (here: it separates by being low)
    is left out and the others refitted; the result has no negative relevance weight."""
    pools = _pools(seed=1, n_queries=40)
    for p in pools:
        p.features[:, SIGNAL] *= -1.0
    weights = fit_weights(pools)
    assert weights["lexical"] == 0.0
    assert all(weights[f] >= 0 for f in BUILTIN.positive)


def test_fit_weights_is_deterministic(pools: list[PoolData]) -> None:
    first = fit_weights(pools)
    copies = [PoolData(p.query_id, p.features.copy(), p.labels.copy()) for p in pools]
    assert fit_weights(copies) == first  # identical, not merely close
    assert fit_weights(_pools()) == first


def test_preference_features_stay_at_zero(pools: list[PoolData]) -> None:
    # cross_border separates the real partners perfectly in these pools, yet it is set by the
    # user, not learned
    weights = fit_weights(pools)
    for name in PREFERENCE_FEATURES:
        assert weights[name] == 0.0
    restricted = fit_weights(pools, features=("lexical", "dense", *PREFERENCE_FEATURES))
    assert {f for f, w in restricted.items() if w != 0.0} <= {"lexical", "dense"}
    assert restricted["lexical"] > 0


def test_weights_are_scaled_to_a_fixed_standardised_sum(pools: list[PoolData]) -> None:
    weights = fit_weights(pools, features=("lexical", "dense"))
    x = np.vstack([p.features - p.features.mean(axis=0) for p in pools])  # centred per query
    standardised = sum(
        abs(weights[f]) * x[:, FEATURES.index(f)].std() for f in ("lexical", "dense")
    )
    assert standardised == pytest.approx(WEIGHT_SCALE, rel=1e-6)


def test_a_value_every_candidate_of_a_query_shares_takes_no_weight(
    pools: list[PoolData],
) -> None:
    """Twin indicators that sum to 1 within a query (same / new country once a requester is
    given) must not take large equal weights against the intercept: only their difference
    ranks. Here two columns are made such twins, one of them carrying a small real
    preference; their weights come out opposite, not both large and negative."""
    same, new = FEATURES.index("same_country"), FEATURES.index("new_country")
    twins = []
    for n, p in enumerate(pools):
        x = p.features.copy()
        home = (np.arange(len(x)) + n) % 3 == 0
        x[:, same], x[:, new] = home, ~home
        if n % 2:  # half the queries have no requester: both indicators 0
            x[:, same] = x[:, new] = 0.0
        twins.append(PoolData(p.query_id, x, p.labels))
    weights = fit_weights(twins)
    assert weights["same_country"] == pytest.approx(-weights["new_country"], rel=1e-6)
    assert abs(weights["same_country"]) < 0.5 * max(abs(w) for w in weights.values())


def test_fit_weights_raises_on_empty_or_one_class_pools(pools: list[PoolData]) -> None:
    with pytest.raises(EngineError, match="hand-weights"):
        fit_weights([])
    negatives = [PoolData(p.query_id, p.features, np.zeros_like(p.labels)) for p in pools[:3]]
    with pytest.raises(EngineError, match="real partner"):
        fit_weights(negatives)
    positives = [PoolData(p.query_id, p.features, np.ones_like(p.labels)) for p in pools[:3]]
    with pytest.raises(EngineError):
        fit_weights(positives)


def test_pool_data_builds_feature_rows_and_labels(recommender: Recommender) -> None:
    queries = [
        Query("q1", "Battery storage", "battery storage for the grid", "de-cluster",
              frozenset({"es-solar", "de-auto"})),
        Query("q2", "Cancer imaging", "cancer imaging", "fr-univ", frozenset({"nl-research"})),
    ]
    data = pool_data(recommender, queries)
    assert [d.query_id for d in data] == ["q1", "q2"]
    ids = recommender.slot_ids()
    for d, query in zip(data, queries, strict=True):
        assert d.features.shape == (len(d.labels), len(FEATURES))
        assert np.isfinite(d.features).all()
        assert d.labels.sum() == len(query.relevant)  # every real partner is in the tiny pool
        assert d.labels.dtype == bool
    # the requester is never its own candidate: 8 profiles, 7 rows
    assert all(len(d.labels) == len(ids) - 1 for d in data)


# ---- training queries from history ------------------------------------------------------
def _row(project: str, pic: str, role: str, name: str = "ORG", country: str = "DE",
         activity: str = "PRC") -> dict[str, str]:
    return {"project_id": project, "org_pic": pic, "legal_name": name, "role": role,
            "activity_type": activity, "country": country}


@pytest.fixture
def history_files(cordis: CordisFiles, tmp_path: Path) -> HistoryFiles:
    """The tiny CORDIS data made into a usable history:

    - P3 (2023-01-15, coordinated by 999000004, who was in P2 in 2022) gets the university
      999000002 as a partner, so it has two partners with history before 2023 (002 and 003);
      999000005 is in P3 too but has no earlier project.
    - P4 (2024-03-01, after the 2024-01-01 cut-off) gets 999000003, so that it *would* be a
      valid query for a cut-off after its start.
    - P5 (2023-06-01) is coordinated by 999000099, whose only other project is P4, after the
      cut-off; P6 (2023-09-01) by 999000005, whose only earlier project (P3) is inside the
      window. Neither coordinator has history before the window.
    """
    extra_projects = [
        {**cordis.projects[0], "project_id": "101000005", "acronym": "LEAK",
         "title": "Future only coordinator", "start_date": "2023-06-01"},
        {**cordis.projects[1], "project_id": "101000006", "acronym": "INWINDOW",
         "title": "Coordinator with history inside the window", "start_date": "2023-09-01"},
    ]
    cordis.projects.extend(extra_projects)
    cordis.participants.extend([
        _row("101000003", "999000002", "participant", "UNIVERSITE DE LYON", "FR", "HES"),
        _row("101000004", "999000003", "participant", "ETAIRIA ENERGEIAKI", "EL"),
        _row("101000005", "999000099", "coordinator", "FUTURE ONLY LTD", "IE"),
        _row("101000005", "999000002", "participant", "UNIVERSITE DE LYON", "FR", "HES"),
        _row("101000005", "999000003", "participant", "ETAIRIA ENERGEIAKI", "EL"),
        _row("101000006", "999000005", "coordinator", "KLASTER ICT POLSKA", "PL", "OTH"),
        _row("101000006", "999000002", "participant", "UNIVERSITE DE LYON", "FR", "HES"),
        _row("101000006", "999000003", "participant", "ETAIRIA ENERGEIAKI", "EL"),
    ])
    projects = cordis.write_projects(tmp_path / "projects.csv.gz")
    participants = cordis.write_participants(tmp_path / "participants.csv.gz")
    starts = {row["project_id"]: date.fromisoformat(row["start_date"]) for row in cordis.projects}
    return projects, participants, starts


def test_history_queries_use_only_the_window_before_the_cutoff(history_files: HistoryFiles) -> None:
    projects, participants, _ = history_files
    queries, profile_cutoff = history_queries(
        projects, participants, date(2024, 1, 1), window_days=365
    )
    assert profile_cutoff == date(2023, 1, 1)
    assert len(queries) == 1
    query = queries[0]
    assert query.id == "101000003"
    assert query.title == "Smart farming sensors for healthy soil"
    assert query.text.startswith("Low cost sensors")
    assert query.requester_id == "999000004"
    # 999000005 took part but had no project before the window
    assert query.relevant == frozenset({"999000002", "999000003"})


def test_history_queries_never_use_a_project_on_or_after_the_cutoff(
    history_files: HistoryFiles,
) -> None:
    projects, participants, starts = history_files
    p4 = starts["101000004"]
    on = history_queries(projects, participants, p4, window_days=365)[0]
    assert "101000004" not in {q.id for q in on}  # starts on the cut-off: unseen
    after = history_queries(projects, participants, p4 + timedelta(days=1), window_days=365)[0]
    assert "101000004" in {q.id for q in after}  # one day later it is a valid query
    for day in range(0, 1200, 30):
        cutoff = date(2021, 1, 1) + timedelta(days=day)
        queries, start = history_queries(projects, participants, cutoff, window_days=365)
        assert start == cutoff - timedelta(days=365)
        for q in queries:
            assert start <= starts[q.id] < cutoff


def test_history_queries_need_a_coordinator_with_history_before_the_window(
    history_files: HistoryFiles,
) -> None:
    projects, participants, _ = history_files
    queries, _ = history_queries(projects, participants, date(2024, 1, 1), window_days=365)
    ids = {q.id for q in queries}
    assert "101000005" not in ids  # its coordinator's only other project is after the cut-off
    assert "101000006" not in ids  # its coordinator's only earlier project is in the window
    # a longer window puts P3 before the window of P6 and so gives its coordinator history
    longer, start = history_queries(projects, participants, date(2024, 1, 1), window_days=300)
    assert start == date(2023, 3, 7)
    assert {q.id for q in longer} == {"101000006"}


def test_the_unedited_tiny_data_gives_no_training_query(
    cordis: CordisFiles, tmp_path: Path
) -> None:
    projects = cordis.write_projects(tmp_path / "p.csv")
    participants = cordis.write_participants(tmp_path / "q.csv")
    queries, _ = history_queries(projects, participants, date(2024, 1, 1), window_days=365)
    assert queries == []  # P3 has only one partner with earlier history


def test_train_fusion_on_the_tiny_history(history_files: HistoryFiles) -> None:
    projects, participants, _ = history_files
    encoder = HashEncoder(dim=32)
    model, data = train_fusion(projects, participants, None, date(2024, 1, 1),
                               Recommender(encoder), window_days=365)
    assert [d.query_id for d in data] == ["101000003"]
    assert model.trained["profiles"] == 4  # organisations with a project before 2023
    assert model.trained["profile_cutoff"] == "2023-01-01"
    assert model.trained["queries"] == 1
    assert model.trained["model_id"] == encoder.model_id
    assert set(model.weights) == set(FEATURES)
    assert all(model.weights[f] == 0.0 for f in PREFERENCE_FEATURES)
    again, _ = train_fusion(projects, participants, None, date(2024, 1, 1),
                            Recommender(encoder), window_days=365)
    assert again.weights == model.weights
    with pytest.raises(EngineError, match="hand-weights"):
        train_fusion(projects, participants, None, date(2022, 1, 1), Recommender(encoder),
                     window_days=365)


# ---- the learned model beside the index -------------------------------------------------
def _model() -> FusionModel:
    weights = {f: 0.0 for f in FEATURES}
    weights.update({"dense": 1.5, "lexical": 3.0, "experience": -0.25, "cross_border": 7.0})
    return FusionModel(weights=weights, trained={"method": "test", "queries": 3})


def test_fusion_model_round_trips_as_json(tmp_path: Path) -> None:
    model = _model()
    path = tmp_path / "fusion.json"
    model.save(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data == {"weights": dict(model.weights), "trained": dict(model.trained)}
    loaded = FusionModel.load(path)
    assert dict(loaded.weights) == dict(model.weights)
    assert dict(loaded.trained) == dict(model.trained)


def test_fusion_model_rejects_unknown_features(tmp_path: Path) -> None:
    path = tmp_path / "fusion.json"
    path.write_text(json.dumps({"weights": {"dense": 1.0, "popularity": 2.0}}))
    with pytest.raises(ValidationError, match="popularity") as info:
        FusionModel.load(path)
    assert info.value.field == "weights"


def test_recommender_uses_learned_weights_except_preferences(
    recommender: Recommender,
) -> None:
    recommender.config = RankConfig(weights={"dense": 4.0, "network_direct": 0.8,
                                             "cross_border": 0.5})
    assert recommender.weights == dict(recommender.config.weights)  # no model: the config
    recommender.fusion = _model()
    weights = recommender.weights
    assert weights["dense"] == 1.5 and weights["lexical"] == 3.0
    assert weights["experience"] == -0.25
    assert weights["network_direct"] == 0.0  # learned 0 overrides the config's 0.8
    assert recommender.config.weights["cross_border"] == 0.5
    assert weights["cross_border"] == 0.5  # a user preference: from the config, never learned
    request = PartnerRequest(text="battery storage", requester_id="de-cluster", cross_border=1.0)
    matches = recommender.recommend(request, k=5)
    offsets = set()
    for m in matches:
        assert set(m.contributions) == {"dense", "lexical", "experience", "cross_border"}
        # relative to the typical candidate: 0.5 x value minus one offset for the list
        offsets.add(round(0.5 * m.signals["cross_border"] - m.contributions["cross_border"], 9))
    assert len(offsets) == 1


def test_recommender_saves_and_loads_its_fusion_model(
    tmp_path: Path, recommender: Recommender, hash_encoder: HashEncoder, profiles: list[Profile]
) -> None:
    recommender.config = RankConfig(weights={"dense": 1.0, "cross_border": 0.25})
    recommender.fusion = _model()
    recommender.save(tmp_path)
    assert (tmp_path / "fusion.json").is_file()
    loaded = Recommender.load(tmp_path, hash_encoder)
    assert loaded.fusion is not None
    assert dict(loaded.fusion.weights) == dict(recommender.fusion.weights)
    assert dict(loaded.fusion.trained) == dict(recommender.fusion.trained)
    assert loaded.weights == recommender.weights
    assert loaded.weights["cross_border"] == 0.25
    request = PartnerRequest(text="battery storage", requester_id="de-cluster", cross_border=1.0)
    first, second = recommender.recommend(request, k=7), loaded.recommend(request, k=7)
    assert [m.profile_id for m in first] == [m.profile_id for m in second]
    assert [m.score for m in first] == pytest.approx([m.score for m in second], abs=1e-6)
    # saving without a model removes the stale file, and the loaded index uses the config
    loaded.fusion = None
    loaded.save(tmp_path)
    assert not (tmp_path / "fusion.json").exists()
    again = Recommender.load(tmp_path, hash_encoder)
    assert again.fusion is None
    assert again.weights == dict(again.config.weights)
