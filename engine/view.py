"""``IndexView``: what one request reads, the corpus with its derived data and the ranking
parameters, handed to the pure functions of ranking and explanation."""

from __future__ import annotations

from dataclasses import dataclass

from engine.bridge import LanguageBridge
from engine.config import RankConfig
from engine.corpus import Corpus
from engine.derived import Derived
from engine.registry import Registry


@dataclass(frozen=True)
class IndexView:
    """A read-only view: ``derived`` is up to date with ``corpus``; ``weights`` are the
    fusion weights in force; ``signals`` the registry the features come from; ``bridge``
    how the multilingual model stands in for the English-only signals (None: it does not);
    ``fits`` the best similarity (``dense``) from which a text is said to match a request:
    the calibrated ``medium`` confidence threshold (:mod:`engine.confidence`; None:
    uncalibrated, every closest text may be quoted)."""

    corpus: Corpus
    derived: Derived
    config: RankConfig
    signals: Registry
    weights: dict[str, float]
    bridge: LanguageBridge | None = None
    fits: float | None = None
