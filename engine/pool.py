"""``Pool``: the first-stage candidates of one request with every feature value, ready for
fusion. Consortia are cliques of repeat partners, so the best candidates of a first pass
(hand-set weights) seed the pool with their own past partners."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engine.batch import Batch
from engine.context import RequestContext
from engine.first_stage import candidates
from engine.fusion import fuse
from engine.unknown import fill_unknown
from engine.view import IndexView

#: The best candidates of the first pass whose partners join the pool ...
CONSORTIUM_SEEDS = 10
#: ... and how many of each one's strongest partners.
EXPANSION = 30


@dataclass(frozen=True)
class Pool:
    """Candidate slots with their feature values (same order) and their best vectors."""

    slots: np.ndarray
    features: dict[str, np.ndarray]
    context: RequestContext
    best_items: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.int64))
    best_sims: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))

    def best(self, i: int) -> tuple[tuple[int, float], ...]:
        """Candidate ``i``'s best vectors as (item index, cosine), best first."""
        if len(self.best_items) <= i:
            return ()
        return tuple(
            (int(j), float(v))
            for j, v in zip(self.best_items[i], self.best_sims[i], strict=True) if j >= 0
        )


def build_pool(view: IndexView, context: RequestContext, mask: np.ndarray, k: int) -> Pool:
    """The pool of a request: allowed (``mask``) first-stage candidates, expanded by the
    partners of the first pass's best, with every registered signal."""
    if not mask.any():
        return Pool(slots=np.zeros(0, np.int64), features={}, context=context)
    lexical_all = view.corpus.lexical.scores(context.lexical_query)
    lexical_all = np.where(mask, lexical_all, -1.0)
    slots = candidates(view, context, mask, lexical_all, max(view.config.pool_size, k))
    first = Batch(view, context, slots, lexical_all)  # fits the request's language bridge
    features = view.signals.compute(first, pooled=False)
    scores, _ = fuse(features, view.signals.hand_weights)
    seeds = slots[np.argsort(-scores, kind="stable")[:CONSORTIUM_SEEDS]]
    graph = view.derived.graph
    extra = np.concatenate([graph.partners(int(s), EXPANSION) for s in seeds])
    extra = np.setdiff1d(extra[mask[extra]], slots)
    batches = [first]
    if len(extra):
        more = Batch(view, context, extra, lexical_all, parent=first)
        batches.append(more)
        features = {f: np.concatenate([v, values]) for (f, v), values in zip(
            features.items(), view.signals.compute(more, pooled=False).values(), strict=True)}
        slots = np.concatenate([slots, extra])
    whole = Batch(view, context, slots, lexical_all, seeds=seeds, parent=first)
    features.update(view.signals.compute(whole, pooled=True))
    features = fill_unknown(
        features, view.signals.record, view.derived.without_history[slots],
        np.concatenate([b.dense.best for b in batches]), weights=view.weights,
        # a newcomer has no recorded link with the requester: it is compared with the
        # candidates that have none either
        reference=features.get("network_direct", np.zeros(len(slots))) == 0)
    return Pool(
        slots=slots,
        features=features,
        context=context,
        best_items=np.vstack([b.dense.items for b in batches]),
        best_sims=np.vstack([b.dense.item_sims for b in batches]),
    )
