"""The arithmetic of reciprocal meeting suggestions (issue 18), as pure functions.

A matchmaking meeting is worth it when *each* side finds in the other what it seeks. Each
participant ranks the others it may meet by what it seeks (:mod:`engine.event_match`);
those scores are on the engine's fused scale, which differs from one request to the next,
so each row becomes a percentile among that participant's candidates (1.0 = its best, 0.0
= its worst). The value of a pair is the harmonic mean of its two directions: high only when
both sides rank each other high, so a pair that one side wants and the other ignores is
worth little.
"""

from __future__ import annotations

import numpy as np


def percentiles(scores: np.ndarray) -> np.ndarray:
    """Each row's finite scores as percentiles among that row's finite scores: 1.0 for the
    best, 0.0 for the worst, ties sharing their mean position; a row with one candidate gives
    it 1.0. Non-finite entries (pairs that may not meet) stay NaN."""
    out = np.full(scores.shape, np.nan)
    for i, row in enumerate(scores):
        ok = np.isfinite(row)
        n = int(ok.sum())
        if n == 0:
            continue
        if n == 1:
            out[i, ok] = 1.0
            continue
        values = row[ok]
        # average rank of ties: (rank of first) + (count - 1) / 2, ranks from 0 for the worst
        order = np.sort(values)
        low = np.searchsorted(order, values, side="left")
        high = np.searchsorted(order, values, side="right") - 1
        out[i, ok] = (low + high) / 2 / (n - 1)
    return out


def mix(engine: np.ndarray, offer: np.ndarray, offer_weight: float) -> np.ndarray:
    """One direction's value: the engine's percentile mixed with the percentile of the
    seek-to-offer text similarity (``offer_weight`` of it; an entry without an offer text,
    NaN in ``offer``, keeps the engine's alone)."""
    if not 0.0 <= offer_weight <= 1.0:
        raise ValueError("offer_weight must be in [0, 1]")
    mixed = (1 - offer_weight) * engine + offer_weight * offer
    return np.where(np.isnan(offer) & np.isfinite(engine), engine, mixed)


def harmonic(direction: np.ndarray) -> np.ndarray:
    """The value of each pair: the harmonic mean of ``direction[a, b]`` (what a seeks, found
    in b) and ``direction[b, a]``; 0 when either is 0, NaN when either side may not meet."""
    forward, backward = direction, direction.T
    total = forward + backward
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.where(total > 0, 2 * forward * backward / np.where(total > 0, total, 1), 0.0)
    return np.where(np.isfinite(forward) & np.isfinite(backward), value, np.nan)


def best_pairs(value: np.ndarray, per_participant: int) -> list[tuple[int, int]]:
    """The pairs (i < j) worth offering a solver: each participant's ``per_participant``
    best-valued partners, united (a pair either side ranks high enough), best first."""
    pairs: set[tuple[int, int]] = set()
    for i, row in enumerate(value):
        ok = np.flatnonzero(np.isfinite(row))
        top = ok[np.lexsort((ok, -row[ok]))][:per_participant]
        pairs.update((min(i, int(j)), max(i, int(j))) for j in top)
    return sorted(pairs, key=lambda p: (-value[p], p))
