"""Ranking signals: pure functions from arrays to one value per candidate, each on a stated
scale. :mod:`engine.builtin_signals` gathers their inputs; :mod:`engine.fusion` fuses them.

Every statistic "learned from history" here (ecosystem complementarity, kind mix) is computed
from the incidence matrix of the indexed profiles, so it only sees what the index sees (with a
cut-off, only projects before it).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

EARTH_RADIUS_KM = 6371.0


def slot_max(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The largest of each slot's values, given ``values`` slot by slot and how many each slot
    has (every slot at least one)."""
    return np.maximum.reduceat(values, np.cumsum(counts) - counts).astype(np.float32)


def damped_count(n: np.ndarray, ref: float) -> np.ndarray:
    """``log1p(n) / log1p(ref)``: 0 for none, 1.0 at ``ref``, slowly above it."""
    return (np.log1p(np.asarray(n, dtype=np.float32)) / np.log1p(ref)).astype(np.float32)


def log_count(n: np.ndarray) -> np.ndarray:
    """``log1p(n)``: 0 for none, ~0.69 for one, ~2.4 for ten."""
    return np.log1p(np.asarray(n, dtype=np.float32)).astype(np.float32)


def walk_score(p: np.ndarray) -> np.ndarray:
    """``log1p(1e6 x p)`` of a random-walk probability: 0 for unreachable, ~6.9 at 1e-3,
    13.8 at certainty. The log keeps the many small probabilities of a large network apart."""
    return np.log1p(1e6 * np.asarray(p, dtype=np.float64)).astype(np.float32)


def haversine_km(lat1: float, lon1: float, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Great-circle distances in km from one point to many."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def proximity(
    lat: float | None, lon: float | None, lats: np.ndarray, lons: np.ndarray, scale_km: float
) -> np.ndarray:
    """``exp(-distance / scale_km)`` in (0, 1]; 0 where either side has no coordinates."""
    out = np.zeros(len(lats), dtype=np.float32)
    if lat is None or lon is None:
        return out
    known = ~np.isnan(lats) & ~np.isnan(lons)
    out[known] = np.exp(-haversine_km(lat, lon, lats[known], lons[known]) / scale_km)
    return out


def same_value(value: str, values: np.ndarray) -> np.ndarray:
    """1.0 where ``values`` equals a non-empty ``value``, else 0."""
    if not value:
        return np.zeros(len(values), dtype=np.float32)
    return (values == value).astype(np.float32)


def in_values(wanted: frozenset[str] | set[str], values: np.ndarray) -> np.ndarray:
    """1.0 where ``values`` is one of ``wanted`` (e.g. the countries a request names), else 0."""
    if not wanted:
        return np.zeros(len(values), dtype=np.float32)
    return np.isin(values, list(wanted)).astype(np.float32)


def new_country(covered: set[str], countries: np.ndarray) -> np.ndarray:
    """1.0 where a candidate's country is not yet covered by the consortium (the requester
    and the positive examples), i.e. it extends the consortium's reach; 0 if unknown."""
    if not covered:
        return np.zeros(len(countries), dtype=np.float32)
    return ((countries != "") & ~np.isin(countries, list(covered))).astype(np.float32)


def bits_to_matrix(bits: np.ndarray, n: int) -> np.ndarray:
    """Bitmask integers -> a 0/1 float matrix with ``n`` columns."""
    return ((np.asarray(bits)[:, None] >> np.arange(n)) & 1).astype(np.float32)


def cooccurrence_lift(incidence: sp.csr_matrix, labels: np.ndarray) -> np.ndarray:
    """Lift of label pairs among *different* members of the same projects.

    ``incidence`` is slots x projects, ``labels`` slots x L (0/1). Entry (a, b) is how much
    more often a member labelled ``a`` and another member labelled ``b`` share a project than
    chance predicts; 1.0 is chance, 0 where a label never occurs.
    """
    per_project = incidence.T @ labels  # projects x L, label counts per consortium
    pairs = per_project.T @ per_project  # counts ordered member pairs, self-pairs included
    degree = np.asarray(incidence.sum(axis=1)).ravel()
    pairs -= labels.T @ (labels * degree[:, None])  # remove each member paired with itself
    totals = pairs.sum(axis=1)
    grand = totals.sum()
    expected = np.outer(totals, totals) / grand if grand > 0 else np.zeros_like(pairs)
    with np.errstate(divide="ignore", invalid="ignore"):
        lift = np.where(expected > 0, pairs / expected, 0.0)
    return lift.astype(np.float32)


def shared_share(wanted: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """Share of the wanted labels (0/1 vector) that each candidate (rows, 0/1) has, in [0, 1]."""
    total = float(wanted.sum())
    if total == 0:
        return np.zeros(len(candidates), dtype=np.float32)
    return (candidates @ wanted / total).astype(np.float32)


def complementarity(wanted: np.ndarray, candidates: np.ndarray, lift: np.ndarray) -> np.ndarray:
    """How strongly a candidate's *other* labels co-occur with the wanted ones in past
    consortia: the best ``log2(lift)`` over pairs (wanted a, candidate's b not wanted),
    clipped to [0, 3] and divided by 3, so in [0, 1]. "Textiles x Health" scores when
    medical-textile consortia were common."""
    if wanted.sum() == 0:
        return np.zeros(len(candidates), dtype=np.float32)
    with np.errstate(divide="ignore"):
        gain = np.clip(np.log2(np.maximum(lift, 1e-9)), 0.0, 3.0) / 3.0
    best_for_b = (gain * wanted[:, None]).max(axis=0)  # best partner label b for wanted set
    best_for_b = best_for_b * (1.0 - wanted)  # only labels the request does not have
    return (candidates * best_for_b[None, :]).max(axis=1).astype(np.float32)


def kind_affinity(requester_kind: int | None, kinds: np.ndarray, lift: np.ndarray) -> np.ndarray:
    """``log2`` lift of (requester's kind, candidate's kind) in past consortia, clipped to
    [-2, 2]: positive where such pairs are common. 0 without a requester."""
    if requester_kind is None:
        return np.zeros(len(kinds), dtype=np.float32)
    with np.errstate(divide="ignore"):
        values = np.log2(np.maximum(lift[requester_kind, kinds], 1e-9))
    return np.clip(values, -2.0, 2.0).astype(np.float32)
