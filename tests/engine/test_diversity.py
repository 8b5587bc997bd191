"""Result diversification (:func:`engine.rank.diversify`, :class:`engine.rank.Diversity`):
maximal marginal relevance and caps per country and per kind."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from engine.config import RankConfig
from engine.diversity import Diversity, diversify
from engine.embed import HashEncoder
from engine.errors import ValidationError
from engine.profiles import PartnerRequest, Profile
from engine.recommender import Recommender


def _unit(rows: list[list[float]]) -> np.ndarray:
    vectors = np.asarray(rows, dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


# Candidates sorted by score. 0, 1 and 2 are near-duplicates (same direction), 3 and 4 are
# different from them and from each other.
SCORES = np.array([1.0, 0.98, 0.96, 0.9, 0.8])
VECTORS = _unit([[1, 0, 0], [1, 0.01, 0], [1, 0, 0.01], [0, 1, 0], [0, 0, 1]])
COUNTRIES = np.array(["DE", "DE", "DE", "FR", "ES"])
KINDS = np.array(["company", "company", "research", "company", "cluster"])


def _run(diversity: Diversity, k: int = 5, scores: np.ndarray = SCORES,
         vectors: np.ndarray = VECTORS, countries: np.ndarray = COUNTRIES,
         kinds: np.ndarray = KINDS) -> tuple[list[int], np.ndarray]:
    chosen, penalties = diversify(scores, vectors, countries, kinds, k, diversity)
    assert len(chosen) == len(penalties)
    assert len(set(chosen.tolist())) == len(chosen)  # nobody twice
    assert np.all(penalties >= 0)
    penalised = scores[chosen] - penalties
    assert np.all(np.diff(penalised) <= 1e-12), penalised  # the scores shown never increase
    return chosen.tolist(), penalties


@pytest.mark.parametrize(
    "values",
    [{"mmr_lambda": 0.0}, {"mmr_lambda": -0.5}, {"mmr_lambda": 1.5},
     {"max_per_country": 0}, {"max_per_kind": 0}, {"max_per_country": -2}],
)
def test_diversity_rejects_bad_settings(values: dict[str, float]) -> None:
    with pytest.raises(ValidationError) as info:
        Diversity(**values)  # type: ignore[arg-type]
    assert info.value.field == next(iter(values))


def test_diversity_is_active_only_when_it_changes_something() -> None:
    assert not Diversity().active
    assert not Diversity(mmr_lambda=1.0).active
    assert Diversity(mmr_lambda=0.99).active
    assert Diversity(max_per_country=3).active
    assert Diversity(max_per_kind=1).active


def test_lambda_one_keeps_the_score_order_without_penalty() -> None:
    chosen, penalties = _run(Diversity(mmr_lambda=1.0, max_per_country=5))
    assert chosen == [0, 1, 2, 3, 4]
    assert not penalties.any()
    chosen, _ = _run(Diversity(mmr_lambda=1.0), k=3)
    assert chosen == [0, 1, 2]


def test_lower_lambda_demotes_near_duplicates() -> None:
    chosen, penalties = _run(Diversity(mmr_lambda=0.5))
    assert chosen[0] == 0  # the best is never penalised
    assert penalties[0] == 0.0
    # the two different candidates now come before the near-duplicates of the first
    assert chosen[1:3] == [3, 4]
    assert chosen[3:] == [1, 2]
    assert penalties[1] == 0.0 and penalties[2] == 0.0  # orthogonal: nothing to pay
    assert penalties[3] > 0.0 and penalties[4] > 0.0
    # the penalty is (1 - lambda) / lambda * spread * max similarity to those above
    spread = SCORES.max() - SCORES.min()
    similarity = float(VECTORS[1] @ VECTORS[0])
    assert penalties[3] == pytest.approx(1.0 * spread * similarity, rel=1e-5)


def test_a_smaller_lambda_diversifies_at_least_as_much() -> None:
    mild, _ = _run(Diversity(mmr_lambda=0.99), k=3)
    strong, _ = _run(Diversity(mmr_lambda=0.3), k=3)
    assert mild == [0, 1, 2]  # a tiny trade-off does not overturn these score gaps
    assert strong == [0, 3, 4]


def test_max_per_country_is_honoured() -> None:
    chosen, _ = _run(Diversity(max_per_country=1))
    assert chosen == [0, 3, 4]  # one German, then France, Spain; no more candidates
    assert max(Counter(COUNTRIES[chosen]).values()) == 1
    chosen, _ = _run(Diversity(max_per_country=2))
    assert chosen == [0, 1, 3, 4]


def test_unknown_countries_are_not_capped() -> None:
    countries = np.array(["", "", "", "FR", "FR"])
    chosen, _ = _run(Diversity(max_per_country=1), countries=countries)
    assert chosen == [0, 1, 2, 3]


def test_max_per_kind_is_honoured() -> None:
    chosen, _ = _run(Diversity(max_per_kind=1))
    assert chosen == [0, 2, 4]  # company, research, cluster
    assert max(Counter(KINDS[chosen]).values()) == 1


def test_caps_and_mmr_together() -> None:
    chosen, penalties = _run(Diversity(mmr_lambda=0.5, max_per_country=2, max_per_kind=2), k=4)
    assert len(chosen) == 4
    assert max(Counter(COUNTRIES[chosen]).values()) <= 2
    assert max(Counter(KINDS[chosen]).values()) <= 2
    assert chosen[:3] == [0, 3, 4]


def test_k_limits_the_result() -> None:
    chosen, _ = _run(Diversity(mmr_lambda=0.5), k=2)
    assert chosen == [0, 3]
    chosen, _ = _run(Diversity(mmr_lambda=0.5), k=50)
    assert sorted(chosen) == [0, 1, 2, 3, 4]


def test_random_inputs_keep_the_shown_scores_non_increasing() -> None:
    rng = np.random.default_rng(7)
    for _ in range(50):
        n = int(rng.integers(2, 40))
        scores = np.sort(rng.normal(size=n))[::-1]
        vectors = rng.normal(size=(n, 8)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        countries = rng.choice(np.array(["DE", "FR", "ES", ""]), n)
        kinds = rng.choice(np.array(["company", "research"]), n)
        diversity = Diversity(
            mmr_lambda=float(rng.uniform(0.1, 1.0)),
            max_per_country=int(rng.integers(1, 5)),
            max_per_kind=int(rng.integers(2, 10)),
        )
        chosen, _ = _run(diversity, k=10, scores=scores, vectors=vectors,
                         countries=countries, kinds=kinds)
        known = [c for c in countries[chosen] if c]
        assert not known or max(Counter(known).values()) <= diversity.max_per_country
        assert max(Counter(kinds[chosen]).values()) <= diversity.max_per_kind


# ---- through the recommender ------------------------------------------------------------
REQUEST = PartnerRequest(text="battery storage electric vehicles solar energy")


@pytest.fixture
def recommender(hash_encoder: HashEncoder, profiles: list[Profile]) -> Recommender:
    """Fixed hand-set weights, so that these tests do not move with the tuned defaults."""
    config = RankConfig(weights={"dense": 4.0, "lexical": 4.0, "experience": 1.0})
    return Recommender(hash_encoder, config).fit(profiles)


def test_recommend_with_caps(recommender: Recommender) -> None:
    plain = recommender.recommend(REQUEST, k=5)
    assert Counter(m.profile.country for m in plain)["DE"] == 2  # the fixture has two Germans
    capped = recommender.recommend(REQUEST, k=5, diversity=Diversity(max_per_country=1))
    assert len(capped) == 5
    assert max(Counter(m.profile.country for m in capped).values()) == 1
    by_kind = recommender.recommend(REQUEST, k=8, diversity=Diversity(max_per_kind=1))
    assert len(by_kind) == len({p.kind for p in recommender.profiles()})
    assert max(Counter(m.profile.kind for m in by_kind).values()) == 1


def test_recommend_with_mmr_penalises_and_stays_faithful(recommender: Recommender) -> None:
    plain = recommender.recommend(REQUEST, k=8)
    diverse = recommender.recommend(REQUEST, k=8, diversity=Diversity(mmr_lambda=0.3))
    assert [m.rank for m in diverse] == list(range(1, 9))
    assert sorted(m.profile_id for m in diverse) == sorted(m.profile_id for m in plain)
    assert diverse[0].profile_id == plain[0].profile_id
    assert "diversity" not in diverse[0].contributions
    penalised = [m for m in diverse if "diversity" in m.contributions]
    assert penalised  # someone paid for resembling those above
    scores = [m.score for m in diverse]
    assert scores == sorted(scores, reverse=True)
    undiversified = {m.profile_id: m.score for m in plain}
    for m in diverse:
        assert m.score - m.baseline == pytest.approx(sum(m.contributions.values()), abs=1e-9)
        penalty = m.contributions.get("diversity", 0.0)
        assert penalty <= 0.0
        assert m.score == pytest.approx(undiversified[m.profile_id] + penalty, abs=1e-9)


def test_at_most_max_per_project_rest_on_the_same_project() -> None:
    scores = np.array([5.0, 4.9, 4.8, 4.7, 4.6, 1.0])
    vectors = np.eye(6, dtype=np.float32)
    projects = np.array([7, 7, 7, 7, -1, 3])  # -1: a description, never capped
    countries = np.array(["DE"] * 6)
    kinds = np.array(["company"] * 6)
    chosen, penalties = diversify(scores, vectors, countries, kinds, 4,
                                  Diversity(max_per_project=2), projects)
    assert chosen.tolist() == [0, 1, 4, 5] and not penalties.any()
    unlimited, _ = diversify(scores, vectors, countries, kinds, 4, Diversity(), projects)
    assert unlimited.tolist() == [0, 1, 2, 3]


def test_a_consortium_sharing_one_project_fills_only_max_per_project_places() -> None:
    """The partners of one project share its text: a request on that topic would list them
    all, each citing the same project."""
    pilot = "Sodium-ion battery pilot line for stationary grid storage"
    partners = [Profile(id=f"p{i}", name=f"Partner {i}", country="DE", activities=[
        {"id": "proj-1", "title": pilot, "partners": [f"p{j}" for j in range(5) if j != i]}])
        for i in range(5)]
    others = [Profile(id=f"o{i}", name=f"Other {i}", country="FR", activities=[
        {"id": f"own-{i}", "title": f"Battery storage study number {i} for the grid"}])
        for i in range(5)]
    rec = Recommender(HashEncoder(64)).fit([*partners, *others])
    request = PartnerRequest(text=pilot)
    plain = rec.recommend(request, k=6)
    assert sum(m.profile_id.startswith("p") for m in plain) == 5
    varied = rec.recommend(request, k=6, diversity=Diversity(max_per_project=2))
    assert sum(m.profile_id.startswith("p") for m in varied) == 2
    assert len(varied) == 6
