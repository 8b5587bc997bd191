"""Ranking signals and their fusion: pure functions over arrays, one value per candidate.

Every signal is on a documented scale, and the fused score is a weighted sum, so each
signal's contribution (weight x value) is exactly its share of the score that ranked a
candidate. Scales:

- ``dense``: best cosine similarity between the request and any of the profile's vectors
  (description chunks and activities), in [-1, 1], typically 0.1-0.8.
- ``lexical``: TF-IDF cosine between request and profile document, in [0, 1].
- ``experience``: ``log(1 + n) / log(1 + ref)`` for n past activities; 1.0 at ``ref``
  activities, growing slowly beyond it so the largest organisations do not win every list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from engine.errors import ValidationError

SIGNALS: tuple[str, ...] = ("dense", "lexical", "experience")

DEFAULT_WEIGHTS: dict[str, float] = {"dense": 1.0, "lexical": 1.0, "experience": 0.25}


@dataclass(frozen=True)
class RankConfig:
    """Ranking parameters; saved as JSON beside the index.

    ``pool_size`` is how many candidates each first-stage retriever (dense, lexical) brings
    to the fusion; ``experience_ref`` is the activity count that scores 1.0.
    """

    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    pool_size: int = 300
    experience_ref: float = 50.0

    def __post_init__(self) -> None:
        unknown = sorted(set(self.weights) - set(SIGNALS))
        if unknown:
            raise ValidationError(
                f"unknown signal(s) {unknown} in weights; signals: {', '.join(SIGNALS)}",
                field="weights",
            )
        object.__setattr__(self, "weights", {s: float(self.weights.get(s, 0.0)) for s in SIGNALS})
        if self.pool_size < 1:
            raise ValidationError("pool_size must be at least 1", field="pool_size")
        if self.experience_ref <= 0:
            raise ValidationError("experience_ref must be positive", field="experience_ref")

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "weights": dict(self.weights)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RankConfig:
        return cls(**dict(data))

    def with_weights(self, **weights: float) -> RankConfig:
        """A copy with some weights changed."""
        return RankConfig(**{**self.to_dict(), "weights": {**self.weights, **weights}})


def experience(n_activities: np.ndarray, ref: float) -> np.ndarray:
    """Damped experience prior: ``log1p(n) / log1p(ref)``."""
    return (np.log1p(np.asarray(n_activities, dtype=np.float32)) / np.log1p(ref)).astype(np.float32)


def max_by_group(values: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    """The maximum of ``values`` within each group id in ``[0, n_groups)``; -inf if empty."""
    out = np.full(n_groups, -np.inf, dtype=np.float32)
    np.maximum.at(out, groups, values.astype(np.float32))
    return out


def fuse(
    features: Mapping[str, np.ndarray], weights: Mapping[str, float]
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Weighted sum of signals. Returns the scores and each signal's contribution array;
    signals with weight 0 contribute exactly 0 and are left out of the contributions."""
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
