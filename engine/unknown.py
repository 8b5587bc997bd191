"""Signals that are unknown for a candidate, not 0: filled in with their expected value.

Two cases reach the ranking. Across languages the lexical signals cannot be computed
(:mod:`engine.bridge`); for a profile without any project history (a cluster that registered
a self-description and nothing else) the history signals cannot (experience, coordination,
the network). Counting them as 0 ranks such a profile as if it were known to have no
matching words or no record, and a newcomer with an exact-topic description was buried under
organisations with long records. Their expected value *among the candidates of the same
request that are equally close to it* is used instead: the conditional mean, in equal-count
bins of the best similarity, over the candidates where the signal is known.

For history signals, the benefit of the doubt: with ``weights``, a value is filled in only
where it scores better than none (``weight x expected > 0``). The learned weights of
experience, coordination count and earlier programmes are negative beside the similarity
signals (at equal content, organisations with fewer projects join more often), so a typical
record would cost a newcomer points it never lost; the network's weights are positive, so a
missing network no longer does either. Only the signals of its own record and of its place in
the network are filled ("record" in :class:`engine.registry.Signal`), compared with the
candidates that have no recorded link with the requester either; a newcomer is never credited
with a collaboration with the requester ("link" signals stay 0). Explanations say the history
is unknown and cite none of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

#: Bins of similarity over which a request's known values are averaged.
BINS = 10
#: Fewer known candidates than this, and the values are left as they are (0).
MIN_KNOWN = 30


def increasing(values: np.ndarray) -> np.ndarray:
    """``values`` made strictly increasing, as ``np.interp`` needs (ties are common)."""
    return values + np.arange(len(values)) * 1e-7


def binned_means(x: np.ndarray, ys: Mapping[str, np.ndarray],
                 bins: int = BINS) -> tuple[tuple[float, ...], dict[str, tuple[float, ...]]]:
    """Each of ``ys``' mean in ``bins`` equal-count bins of ``x``, with the bins' centres."""
    edges = np.quantile(x, np.linspace(0.0, 1.0, bins + 1))
    which = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, bins - 1)
    filled = [b for b in range(bins) if (which == b).any()]
    centres = increasing(np.array([x[which == b].mean() for b in filled]))
    return (tuple(map(float, centres)),
            {name: tuple(float(y[which == b].mean()) for b in filled) for name, y in ys.items()})


def fill_unknown(features: Mapping[str, np.ndarray], names: Iterable[str], unknown: np.ndarray,
                 similarity: np.ndarray, bins: int = BINS,
                 weights: Mapping[str, float] | None = None,
                 reference: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """``features`` with the values of ``names`` at the ``unknown`` candidates replaced by
    their conditional mean over the known ones (those of them in ``reference``, if given) at
    each candidate's ``similarity`` (with ``weights``: only where that scores better than the
    value they have)."""
    out = dict(features)
    known = ~unknown if reference is None else ~unknown & reference
    names = [n for n in names if n in features]
    if not unknown.any() or int(known.sum()) < MIN_KNOWN or not names:
        return out
    grid, means = binned_means(similarity[known], {n: features[n][known] for n in names}, bins)
    for name in names:
        expected = np.interp(similarity[unknown], grid, means[name])
        values = features[name].copy()
        if weights is not None:
            weight = weights.get(name, 0.0)
            expected = np.where(weight * expected > weight * values[unknown], expected,
                                values[unknown])
        values[unknown] = expected
        out[name] = values.astype(np.float32)
    return out
