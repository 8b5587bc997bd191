"""Fusion of ranking signals, and diversity: pure functions plus the ranking config.

The fused score is a weighted sum of features, so each feature's contribution (weight x
value) is exactly its share of the score that ranked a candidate, and contributions sum to the
score. Features are grouped into the signals an advisor sees (``SIGNAL_GROUPS``). Scales (see
:mod:`engine.signals` for the functions):

========================  ==============================================================
feature                   value
========================  ==============================================================
dense                     best cosine between request and any profile vector, [-1, 1]
dense_top3                mean of the three best cosines (missing count 0), [0, 1]
dense_votes               log1p(profile vectors among the pool's 1000 best), [0, ~6.9]
lexical                   TF-IDF cosine of request and profile document, [0, 1]
lexical_log               log1p(100 x lexical), [0, 4.6]: makes fusion multiplicative
lexical_best              best TF-IDF cosine of the request with any one activity, [0, 1]
eco_shared                share of the request's ecosystems the profile has, [0, 1]
eco_complementary         learned complementarity of the profile's other ecosystems, [0, 1]
same_country              1 if in the requester's country
same_region               1 if in the requester's NUTS-2 region
proximity                 exp(-km / proximity_km) from the requester, (0, 1]
new_country               1 if the country is not yet in the consortium (reach)
cross_border              request.cross_border x (1 if abroad, else 0), [-1, 1]
network_direct            log1p(projects shared with the requester or positive examples)
network_recent            log1p(projects shared with them in the last 3 years of the index)
network_share             shared projects / all projects of the requester and examples, [0, 1]
network_indirect          log1p(number of the requester's partners it worked with)
network_walk              log1p(1e6 x p), p: chance that a 2-step random walk over shared
                          projects from the requester and examples ends here, [0, 13.8]
network_topic             best cosine of the request with a project shared with the requester
requester_affinity        cosine of the requester's and the profile's mean vectors
consortium                log1p(projects shared with the 10 best of a hand-set first pass)
experience                log1p(activities) / log1p(experience_ref)
recency                   log1p(activities in the last 3 years of the index)
coordination              log1p(activities it coordinated)
history                   log1p(H2020 participations)
kind_affinity             log2 lift of (requester kind, candidate kind) in consortia, [-2, 2]
named                     1 if the request names the organisation (acronym or full name)
named_place               1 if the request names its city or region
named_country             1 if the request names its country
========================  ==============================================================
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from engine.atomic import atomic_write_json
from engine.errors import ValidationError

SIGNAL_GROUPS: dict[str, tuple[str, ...]] = {
    "semantic": ("dense", "dense_top3", "dense_votes"),
    "lexical": ("lexical", "lexical_log", "lexical_best"),
    "thematic": ("eco_shared", "eco_complementary"),
    "geography": ("same_country", "same_region", "proximity", "new_country", "cross_border"),
    "network": (
        "network_direct", "network_recent", "network_share", "network_indirect",
        "network_walk", "network_topic", "requester_affinity", "consortium",
    ),
    "experience": ("experience", "recency", "coordination", "history"),
    "kind": ("kind_affinity",),
    "mentioned": ("named", "named_place", "named_country"),
}
FEATURES: tuple[str, ...] = tuple(f for group in SIGNAL_GROUPS.values() for f in group)
GROUP_OF: dict[str, str] = {f: g for g, fs in SIGNAL_GROUPS.items() for f in fs}
#: Features set by the user's preferences, not learnable from history.
PREFERENCE_FEATURES: tuple[str, ...] = ("cross_border",)

#: Hand-set weights: a reasonable ranking without training (see docs/benchmarks.md).
DEFAULT_WEIGHTS: dict[str, float] = {
    "dense": 4.0,
    "dense_top3": 0.0,
    "dense_votes": 0.0,
    "lexical": 4.0,
    "lexical_log": 0.0,
    "lexical_best": 0.0,
    "requester_affinity": 0.0,
    "network_topic": 2.0,
    "consortium": 0.0,
    "eco_shared": 0.2,
    "eco_complementary": 0.1,
    "same_country": 0.2,
    "same_region": 0.1,
    "proximity": 0.0,
    "new_country": 0.0,
    "cross_border": 0.5,
    "network_direct": 0.8,
    "network_indirect": 0.3,
    "network_walk": 0.0,
    "network_recent": 0.0,
    "network_share": 0.0,
    "experience": 1.0,
    "recency": 0.0,
    "coordination": 0.0,
    "history": 0.0,
    "kind_affinity": 0.0,
    "named": 1.0,
    "named_place": 0.2,
    "named_country": 0.1,
}


@dataclass(frozen=True)
class RankConfig:
    """Ranking parameters; saved as JSON beside the index.

    ``pool_size``: candidates each first stage (dense, lexical, network) brings to fusion.
    ``experience_ref``: activity count that scores 1.0 on ``experience``.
    ``proximity_km``: distance scale of ``proximity``.
    ``positive_weight``/``negative_weight``: how far example profiles move the query vector.
    """

    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    pool_size: int = 300
    experience_ref: float = 50.0
    proximity_km: float = 300.0
    positive_weight: float = 0.5
    negative_weight: float = 0.25

    def __post_init__(self) -> None:
        unknown = sorted(set(self.weights) - set(FEATURES))
        if unknown:
            raise ValidationError(
                f"unknown signal(s) {unknown} in weights; signals: {', '.join(FEATURES)}",
                field="weights",
            )
        object.__setattr__(self, "weights", {f: float(self.weights.get(f, 0.0)) for f in FEATURES})
        if self.pool_size < 1:
            raise ValidationError("pool_size must be at least 1", field="pool_size")
        for name in ("experience_ref", "proximity_km"):
            if getattr(self, name) <= 0:
                raise ValidationError(f"{name} must be positive", field=name)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "weights": dict(self.weights)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RankConfig:
        return cls(**dict(data))

    def with_weights(self, **weights: float) -> RankConfig:
        """A copy with some weights changed."""
        return RankConfig(**{**self.to_dict(), "weights": {**self.weights, **weights}})


def fuse(
    features: Mapping[str, np.ndarray], weights: Mapping[str, float]
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Weighted sum of features. Returns the scores and each feature's contribution array;
    features with weight 0 contribute exactly 0 and are left out of the contributions."""
    n = len(next(iter(features.values()))) if features else 0
    scores = np.zeros(n, dtype=np.float64)
    contributions: dict[str, np.ndarray] = {}
    for name, values in features.items():
        weight = float(weights.get(name, 0.0))
        if weight == 0.0:
            continue
        part = weight * np.asarray(values, dtype=np.float64)
        contributions[name] = part
        scores += part
    return scores, contributions


@dataclass(frozen=True)
class Diversity:
    """Result diversification.

    ``mmr_lambda`` in (0, 1]: 1 ranks by score alone; lower values trade score for novelty
    (maximal marginal relevance). A candidate's diversity penalty is
    ``(1 - lambda) / lambda * spread * max_similarity_to_those_ranked_above`` where ``spread``
    is the score range of the candidates considered, so the penalty is in score units and is
    shown as the ``diversity`` contribution. ``max_per_country``/``max_per_kind`` cap how many
    results share a country or a kind.
    """

    mmr_lambda: float = 1.0
    max_per_country: int | None = None
    max_per_kind: int | None = None

    def __post_init__(self) -> None:
        if not 0.0 < self.mmr_lambda <= 1.0:
            raise ValidationError("mmr_lambda must be in (0, 1]", field="mmr_lambda")
        for name in ("max_per_country", "max_per_kind"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValidationError(f"{name} must be at least 1", field=name)

    @property
    def active(self) -> bool:
        return self.mmr_lambda < 1.0 or self.max_per_country is not None or (
            self.max_per_kind is not None
        )


def diversify(
    scores: np.ndarray,
    vectors: np.ndarray,
    countries: np.ndarray,
    kinds: np.ndarray,
    k: int,
    diversity: Diversity,
) -> tuple[np.ndarray, np.ndarray]:
    """Greedy MMR with caps over candidates sorted by score (best first).

    Returns the chosen positions and their penalties (>= 0). The penalised scores
    ``scores[chosen] - penalties`` never increase down the list: a candidate's penalty only
    grows as more are chosen, so each step's best value is at most the previous step's.
    """
    n = len(scores)
    gamma = 0.0
    if diversity.mmr_lambda < 1.0 and n > 1:
        spread = float(scores.max() - scores.min())
        gamma = (1.0 - diversity.mmr_lambda) / diversity.mmr_lambda * spread
    max_sim = np.zeros(n, dtype=np.float64)
    available = np.ones(n, dtype=bool)
    per_country: dict[str, int] = {}
    per_kind: dict[str, int] = {}
    chosen: list[int] = []
    penalties: list[float] = []
    while len(chosen) < k and available.any():
        value = np.where(available, scores - gamma * max_sim, -np.inf)
        i = int(np.argmax(value))
        available[i] = False
        country, kind = str(countries[i]), str(kinds[i])
        if diversity.max_per_country is not None and country and (
            per_country.get(country, 0) >= diversity.max_per_country
        ):
            continue
        if diversity.max_per_kind is not None and per_kind.get(kind, 0) >= diversity.max_per_kind:
            continue
        chosen.append(i)
        penalties.append(float(gamma * max_sim[i]))
        per_country[country] = per_country.get(country, 0) + 1
        per_kind[kind] = per_kind.get(kind, 0) + 1
        if gamma > 0:
            max_sim = np.maximum(max_sim, np.clip(vectors @ vectors[i], 0.0, 1.0))
    return np.array(chosen, dtype=np.int64), np.array(penalties, dtype=np.float64)


@dataclass(frozen=True)
class FusionModel:
    """Learned fusion weights with how they were trained; stored as ``fusion.json``."""

    weights: Mapping[str, float]
    trained: Mapping[str, Any] = field(default_factory=dict)

    def save(self, path: Path) -> None:
        atomic_write_json(path, {"weights": dict(self.weights), "trained": dict(self.trained)})

    @classmethod
    def load(cls, path: Path) -> FusionModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        unknown = sorted(set(data.get("weights", {})) - set(FEATURES))
        if unknown:
            raise ValidationError(f"{path}: unknown features {unknown}", field="weights")
        return cls(weights=data["weights"], trained=data.get("trained", {}))
