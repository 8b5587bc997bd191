"""``RankConfig``: the ranking parameters, a frozen value saved as ``config.json`` beside the
index (config is constructor arguments)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from engine.builtin_signals import BUILTIN
from engine.errors import ValidationError
from engine.registry import Registry


@dataclass(frozen=True)
class RankConfig:
    """Ranking parameters.

    ``weights``: hand-set fusion weight per signal (the learned ones of a fusion model replace
    them). ``signals``: the names the weights may use, those of the registry the recommender
    ranks with (build one for a custom registry with :meth:`of`).
    ``pool_size``: candidates each first stage (dense, lexical, network) brings to fusion.
    ``experience_ref``: activity count that scores 1.0 on ``experience``.
    ``proximity_km``: distance scale of ``proximity``.
    ``positive_weight``/``negative_weight``: how far example profiles move the query vector.
    ``overrides``: weights set explicitly (:meth:`with_weights`); they win over the learned
    ones of a fusion model, which would otherwise replace them without a word.
    """

    weights: Mapping[str, float] = field(default_factory=lambda: BUILTIN.hand_weights)
    pool_size: int = 300
    experience_ref: float = 50.0
    proximity_km: float = 300.0
    positive_weight: float = 0.5
    negative_weight: float = 0.25
    signals: tuple[str, ...] = BUILTIN.names
    overrides: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "signals", tuple(self.signals))
        object.__setattr__(self, "overrides", {f: float(w) for f, w in self.overrides.items()})
        unknown = sorted((set(self.weights) | set(self.overrides)) - set(self.signals))
        if unknown:
            raise ValidationError(
                f"unknown signal(s) {unknown} in weights; signals: {', '.join(self.signals)}",
                field="weights",
            )
        object.__setattr__(
            self, "weights", {f: float(self.weights.get(f, 0.0)) for f in self.signals}
        )
        if self.pool_size < 1:
            raise ValidationError("pool_size must be at least 1", field="pool_size")
        for name in ("experience_ref", "proximity_km"):
            if getattr(self, name) <= 0:
                raise ValidationError(f"{name} must be positive", field=name)

    @classmethod
    def of(cls, registry: Registry, **params: Any) -> RankConfig:
        """A config for ``registry``'s signals (its hand-set weights unless given)."""
        weights = {**registry.hand_weights, **params.pop("weights", {})}
        return cls(weights=weights, signals=registry.names, **params)

    def check_for(self, registry: Registry) -> RankConfig:
        """This config, if its weights are for ``registry``'s signals."""
        if set(self.signals) != set(registry.names):
            raise ValidationError(
                f"the config's weights are for signals {sorted(self.signals)}, the "
                f"registry has {sorted(registry.names)}; use RankConfig.of(registry)",
                field="weights",
            )
        return self

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "weights": dict(self.weights), "signals": list(self.signals),
                "overrides": dict(self.overrides)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RankConfig:
        return cls(**dict(data))

    def with_weights(self, **weights: float) -> RankConfig:
        """A copy with some weights changed, in force even beside learned fusion weights.
        Mind correlated signals: ``dense``/``dense_top3`` and the three lexical signals move
        together, so changing one of a pair measures little (docs/research.md)."""
        return RankConfig(**{**self.to_dict(), "weights": {**self.weights, **weights},
                             "overrides": {**self.overrides, **weights}})
