"""Fusion of ranking signals: a weighted sum, so each feature's contribution (weight x value)
is exactly its share of the score that ranked a candidate and contributions sum to the score;
and the learned weights, stored as ``fusion.json``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from engine.atomic import atomic_write_json
from engine.bridge import LanguageBridge
from engine.builtin_signals import BUILTIN
from engine.confidence import Confidence
from engine.registry import Registry


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
class FusionModel:
    """Learned fusion weights with how they were trained, and the confidence levels
    calibrated with them; stored as ``fusion.json``."""

    weights: Mapping[str, float]
    trained: Mapping[str, Any] = field(default_factory=dict)
    confidence: Confidence | None = None
    bridge: LanguageBridge | None = None

    def save(self, path: Path) -> None:
        data: dict[str, Any] = {"weights": dict(self.weights), "trained": dict(self.trained)}
        if self.confidence is not None:
            data["confidence"] = self.confidence.to_dict()
        if self.bridge is not None:
            data["bridge"] = self.bridge.to_dict()
        atomic_write_json(path, data)

    @classmethod
    def load(cls, path: Path, signals: Registry = BUILTIN) -> FusionModel:
        """Read ``fusion.json``; every weight must name a signal of ``signals``."""
        data = json.loads(path.read_text(encoding="utf-8"))
        signals.check(data.get("weights", {}), str(path))
        confidence, bridge = data.get("confidence"), data.get("bridge")
        return cls(weights=data["weights"], trained=data.get("trained", {}),
                   confidence=Confidence.from_dict(confidence) if confidence else None,
                   bridge=LanguageBridge.from_dict(bridge) if bridge else None)
