"""How sure a ranked list is: ``high``, ``medium`` or ``low``, calibrated on history.

The evidence is the best semantic similarity among the top ten candidates (the main dense
signal: the multilingual model's cosines are compressed into about 0.8-0.9 and measured no
difference between nonsense and real requests), and a request none of whose words is in the
index's vocabulary ("asdfgh", "qwertz") is low whatever its similarities, unless it is in a
language other than English that the multilingual model reads (the term index, fitted on
English texts, knows few Polish words: a Polish request whose best match was its exact topic
was called weak). The
thresholds are fitted on the training pools of the fusion (history only), with each training
project's title as the request (a form request is short; a whole objective reaches higher
similarities): among the training queries, those whose evidence falls below
``medium`` are the quarter with the weakest matches, and ``high`` is the median. ``hit_rates``
records, per level, the share of training queries with a real partner in the top ten, so
that "low" is shown to mean poor matches (docs/benchmarks.md quotes the validation split).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from engine.match import Match

LEVELS = ("low", "medium", "high")
TOP = 10


@dataclass(frozen=True)
class Confidence:
    """Thresholds on ``signal`` (the best value among the top ``TOP`` candidates)."""

    signal: str
    medium: float
    high: float
    hit_rates: Mapping[str, float] = field(default_factory=dict)

    def level(self, evidence: float) -> str:
        """The level of a list whose best ``signal`` value among its top ten is ``evidence``."""
        if evidence >= self.high:
            return "high"
        return "medium" if evidence >= self.medium else "low"

    def of(self, signals: Sequence[Mapping[str, float]], *, readable: bool) -> str:
        """The level of a ranked list, from its candidates' raw signal values (best first);
        ``readable``: the index reads the request (it knows some of its words, or the
        multilingual model reads its language); else it is "low"."""
        values = [s.get(self.signal, 0.0) for s in signals[:TOP]]
        return self.level(max(values)) if values and readable else "low"

    def related(self, matches: Sequence[Match]) -> list[Match]:
        """``matches`` down to those whose own ``signal`` reaches ``medium``. A related list
        (a profile's similar organisations and complementary partners) has no request whose
        confidence could be shown, so it stops where a candidate fits as weakly as the best
        match of the weakest quarter of the training requests."""
        return [m for m in matches if m.signals.get(self.signal, 0.0) >= self.medium]

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "hit_rates": dict(self.hit_rates)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Confidence:
        return cls(**dict(data))


def fit_confidence(
    evidence: np.ndarray, hits: np.ndarray, signal: str,
    quantiles: tuple[float, float] = (0.25, 0.5),
) -> Confidence:
    """Thresholds at the ``quantiles`` of the training queries' ``evidence`` (each query's
    best ``signal`` value in its top ten), with each level's share of ``hits`` (a real
    partner in the top ten)."""
    if not len(evidence):
        raise ValueError("no training queries to calibrate the confidence on")
    medium, high = (float(np.quantile(evidence, q)) for q in quantiles)
    model = Confidence(signal, medium, high)
    levels = np.array([model.level(float(e)) for e in evidence])
    rates = {lv: float(hits[levels == lv].mean()) for lv in LEVELS if (levels == lv).any()}
    return Confidence(signal, medium, high, rates)
