"""Ranking a pool: fuse its features with the weights in force, optionally diversify, and
return the top ``k`` as :class:`engine.match.Match` values. A pure function of its inputs;
explanation is a separate step (:mod:`engine.explain`)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from engine.diversity import Diversity, diversify
from engine.fusion import fuse
from engine.match import Match
from engine.pool import Pool
from engine.view import IndexView

#: The typical candidate is the mean of the list shown, or of the best this many when the
#: list is shorter (a single result would otherwise have no reason at all).
REFERENCE = 10


def fused_order(
    pool: Pool, weights: Mapping[str, float]
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """``pool``'s rows by fused score, best first (ties broken by slot), with the scores
    and each signal's contributions."""
    scores, contributions = fuse(pool.features, weights)
    return np.lexsort((pool.slots, -scores)), scores, contributions


def rank_pool(
    view: IndexView,
    pool: Pool,
    k: int,
    *,
    weights: Mapping[str, float] | None = None,
    diversity: Diversity | None = None,
) -> list[Match]:
    """The top ``k`` of ``pool``, best first (ties broken by slot)."""
    if len(pool.slots) == 0:
        return []
    order, scores, contributions = fused_order(pool, weights or view.weights)
    best = order[:REFERENCE]
    penalties = np.zeros(min(k, len(order)))
    if diversity is not None and diversity.active:
        head = order[: max(k * 10, 100)]
        cols = view.derived.columns
        chosen, penalties = diversify(
            scores[head], view.derived.means[pool.slots[head]], cols.country[pool.slots[head]],
            cols.kind[pool.slots[head]], k, diversity, _best_projects(view, pool, head),
        )
        order = head[chosen]
    else:
        order = order[:k]
    # reasons are what sets a candidate apart from the typical candidate of the list (a
    # linear explainer's baseline): a term every candidate shown shares is no reason
    reference = order if len(order) >= REFERENCE else best
    typical = {name: float(v[reference].mean()) for name, v in contributions.items()}
    baseline = float(sum(typical.values()))
    matches = []
    for rank, (i, penalty) in enumerate(zip(order, penalties, strict=True), start=1):
        parts = {name: float(v[i]) - typical[name] for name, v in contributions.items()}
        if penalty > 0:
            parts["diversity"] = -float(penalty)
        matches.append(Match(
            profile=view.corpus.profile(int(pool.slots[i])),
            score=float(scores[i] - penalty),
            baseline=baseline,
            rank=rank,
            signals={name: float(v[i]) for name, v in pool.features.items()},
            contributions=parts,
            best_items=pool.best(int(i)),
        ))
    return matches


def _best_projects(view: IndexView, pool: Pool, rows: np.ndarray) -> np.ndarray:
    """The graph's project column behind each of ``rows``' best vector (-1: a description
    passage, or none)."""
    out = np.full(len(rows), -1, np.int64)
    for n, i in enumerate(rows):
        best = pool.best(int(i))
        if best:
            out[n] = view.derived.vector_projects[int(pool.slots[i])][best[0][0]]
    return out
