"""How the multilingual model stands in for the English-only signals.

MiniLM and TF-IDF are sound only when request and profile are both English: MiniLM is an
English model (a Polish request and a Polish profile look alike to it by their shared
function words) and TF-IDF sees nothing across languages. The fusion weights are learned on
English history, on those signals' scales. For every other pair the ranking therefore reads
the multilingual-e5 similarity, put on MiniLM's scale, and fills the lexical signals and
the vote count in with what they usually are at that similarity (across languages; within
another language than English they count at least that, as the term index knows few of its
words). A
:class:`LanguageBridge` holds the three fitted parts:

- ``source``/``target``: quantiles of the best e5 and the best MiniLM similarity of the same
  candidates over the training pools (English pairs). Mapping one onto the other by rank is
  monotone and needs no labels: an e5 similarity becomes the MiniLM similarity that sits at
  the same place in the distribution. An English request refits them on its own English
  candidates (:meth:`LanguageBridge.refit`, ``engine.batch.Batch.bridge``): a short request
  sits lower on MiniLM's scale than the training objectives.
- ``shift``: e5 scores a text in the request's own language higher than the same meaning in
  another language (on the parallel requests of ``data/crosslingual``'s tune split, by about
  0.03 on e5's compressed scale). Without correction an English request is drawn to English
  profiles. The shift is added to the e5 similarity of every pair whose languages differ
  before mapping. It is measured on parallel texts (the same request in two languages
  against the same profile), not on relevance labels.
- ``grid``/``imputed``: the mean of each lexical signal (and ``dense_votes``, see
  :data:`IMPUTED`) over training candidates in bins of their (MiniLM) best similarity.
  Across languages a lexical signal is not 0, it is unknown: its expected value at that
  similarity stands in for it, so a profile written in another language neither gains nor
  loses by the terms it cannot share.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from engine.language import detect
from engine.profiles import PartnerRequest
from engine.unknown import binned_means, increasing

#: Quantile levels of the similarity map (fine at the top, where candidates are ranked). The
#: extremes are left out: beyond the outer levels the map goes on as a straight line with the
#: slope of its outer :data:`TAIL` (a relevant pair is rare among candidates, so a real
#: match often lies above every training quantile; clipping it would tie the best matches).
LEVELS = np.concatenate([np.linspace(0.001, 0.9, 46), np.linspace(0.902, 0.999, 50)])
#: The extrapolated ends take the slope between the outer level and this share inside it,
#: at most :data:`MAX_SLOPE` times the map's overall slope (tied top values, as the partners
#: of one project share its vector, must not make it vertical).
TAIL = 0.05
MAX_SLOPE = 2.0
#: Bins of the best similarity over which the lexical signals are averaged.
BINS = 24
#: Signals that are filled in across languages: the lexical ones (terms cannot be shared),
#: and ``dense_votes``. A count of a profile's texts among the request's best needs item
#: scores that rank well far below the top; e5's do not (a short Spanish request ranked a
#: research centre's hundreds of aerospace titles among its best and put it first), while
#: its best match per profile stays sound.
IMPUTED = ("lexical", "lexical_log", "lexical_best", "dense_votes")
#: An English request's multilingual vector is of its first this many characters.
ENGLISH_QUERY_CHARS = 400


@dataclass(frozen=True)
class LanguageBridge:
    """The fitted map; see the module docstring."""

    source: tuple[float, ...]
    target: tuple[float, ...]
    shift: float
    grid: tuple[float, ...] = ()
    imputed: Mapping[str, tuple[float, ...]] = field(default_factory=dict)

    def similarities(self, e5: np.ndarray, cross: np.ndarray | bool) -> np.ndarray:
        """e5 cosines on MiniLM's scale; ``cross``: the pairs whose languages differ."""
        shifted = e5 + self.shift * np.asarray(cross, dtype=np.float32)
        source, target = np.asarray(self.source), np.asarray(self.target)
        mapped = np.interp(shifted, source, target)
        overall = (target[-1] - target[0]) / max(source[-1] - source[0], 1e-6)
        levels = LEVELS if len(source) == len(LEVELS) else np.linspace(0, 1, len(source))
        top = min(int(np.searchsorted(levels, levels[-1] - TAIL)), len(source) - 2)
        bottom = max(int(np.searchsorted(levels, levels[0] + TAIL)), 1)
        for end, inner, outside in ((-1, top, shifted > source[-1]),
                                    (0, bottom, shifted < source[0])):
            slope = (target[end] - target[inner]) / max(abs(source[end] - source[inner]), 1e-6)
            slope = min(abs(slope), MAX_SLOPE * overall)
            mapped = np.where(outside, target[end] + slope * (shifted - source[end]), mapped)
        return np.clip(mapped, -1.0, 1.0).astype(np.float32)

    def impute(self, name: str, best: np.ndarray) -> np.ndarray | None:
        """The expected value of imputed signal ``name`` at each best similarity (None if
        the bridge has no table for it)."""
        table = self.imputed.get(name)
        if table is None or not self.grid:
            return None
        return np.interp(best, self.grid, table).astype(np.float32)

    def refit(self, minilm: np.ndarray, e5: np.ndarray) -> LanguageBridge:
        """This bridge with its similarity map fitted on ``minilm``/``e5``: the same items
        scored by both models (one request's English candidates, see
        :attr:`engine.batch.Batch.bridge`)."""
        source, target = _quantile_map(minilm, e5)
        return replace(self, source=source, target=target)

    def to_dict(self) -> dict[str, Any]:
        return {"source": list(self.source), "target": list(self.target), "shift": self.shift,
                "grid": list(self.grid), "imputed": {k: list(v) for k, v in self.imputed.items()}}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LanguageBridge:
        return cls(source=tuple(map(float, data["source"])),
                   target=tuple(map(float, data["target"])), shift=float(data["shift"]),
                   grid=tuple(map(float, data.get("grid", ()))),
                   imputed={k: tuple(map(float, v)) for k, v in data.get("imputed", {}).items()})


def _quantile_map(minilm: np.ndarray, e5: np.ndarray) -> tuple[tuple[float, ...], ...]:
    if len(minilm) != len(e5) or not len(minilm):
        raise ValueError("the bridge needs the same, non-empty candidates on both models")
    return (tuple(map(float, increasing(np.quantile(e5, LEVELS)))),
            tuple(map(float, increasing(np.quantile(minilm, LEVELS)))))


def multilingual_query(request: PartnerRequest) -> str:
    """The text of a request's multilingual vector. For an English request it only reaches
    the profiles in other languages (MiniLM reads the English ones), so its first
    :data:`ENGLISH_QUERY_CHARS` characters do (the model's cost grows with the text: 73 ms
    against 110 ms for its 600-character cap, :mod:`engine.e5_encoder`); another request's
    whole text goes in (up to that cap)."""
    text = request.document
    if len(text) <= ENGLISH_QUERY_CHARS or detect(text) != "en":
        return text
    return text[:ENGLISH_QUERY_CHARS].rsplit(" ", 1)[0]


def fit_bridge(minilm: np.ndarray, e5: np.ndarray, lexical: Mapping[str, np.ndarray],
               shift: float) -> LanguageBridge:
    """The bridge from the training candidates' best MiniLM and e5 similarities (the same
    candidates, English pairs) and their lexical signal values; ``shift`` measured apart
    (:func:`engine.crosslingual.language_shift`)."""
    source, target = _quantile_map(minilm, e5)
    grid, imputed = binned_means(minilm, lexical, BINS)
    return LanguageBridge(source=source, target=target, shift=float(shift), grid=grid,
                          imputed=imputed)
