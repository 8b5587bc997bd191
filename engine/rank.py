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
    scores, contributions = fuse(pool.features, weights or view.weights)
    # reasons are what sets a candidate apart from the typical candidate of this request
    # (a linear explainer's baseline): a term every candidate shares is no reason
    typical = {name: float(v.mean()) for name, v in contributions.items()}
    baseline = float(sum(typical.values()))
    order = np.lexsort((pool.slots, -scores))
    penalties = np.zeros(min(k, len(order)))
    if diversity is not None and diversity.active:
        head = order[: max(k * 10, 100)]
        cols = view.derived.columns
        chosen, penalties = diversify(
            scores[head], view.derived.means[pool.slots[head]], cols.country[pool.slots[head]],
            cols.kind[pool.slots[head]], k, diversity,
        )
        order = head[chosen]
    else:
        order = order[:k]
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
