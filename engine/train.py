"""Learning the fusion weights from history only.

Training queries follow the benchmark protocol one window earlier: with evaluation cut-off
``C`` and window ``W``, profiles are built from projects starting before ``C - W``; queries
are the projects starting in ``[C - W, C)`` whose coordinator has history before ``C - W``
and that have at least two other beneficiaries with history. Nothing at or after ``C`` is
read, so the dev benchmark (projects from ``C`` on) stays unseen.

``W`` defaults to 182 days: a short window keeps the training profiles' history close to
what the evaluated (or served) index holds. Horizon Europe only started in 2021, so with a
one-year window the training index had 8.3k organisations against 15.1k at the dev cut-off;
with half a year it has 13.4k (docs/benchmarks.md compares both).

The ranker is a logistic regression over first-stage pools: every candidate the first stage
brings for a training query is a row, labelled by whether it really joined. Pools come from
the real first stage, so the model learns to re-rank the candidates it will actually see (a
probe that trained on random negatives did worse than TF-IDF x popularity). On the dev
benchmark this pointwise model matched or beat a pairwise (RankNet-style) one and gradient
boosting over the same features (docs/benchmarks.md). A linear model keeps explanations
exact: contribution = weight x value.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from tqdm.auto import tqdm

from engine.bridge import IMPUTED, LanguageBridge, fit_bridge
from engine.builtin_signals import BUILTIN
from engine.confidence import TOP, Confidence, fit_confidence
from engine.crosslingual import language_shift, load_crosslingual
from engine.errors import EngineError
from engine.evaluate import Query, sample_in_order
from engine.fusion import FusionModel
from engine.recommender import Recommender
from engine.registry import Registry
from engine.sources.cordis import (
    BENEFICIARY_ROLES,
    build_profiles,
    read_participants,
    read_projects,
)
from engine.sources.h2020 import load_h2020

#: Sum of |standardised weight| of a learned model; fixes the arbitrary scale of a ranker.
#: Before features were centred per query, about half of a budget of 10 went to the two
#: country indicators' constant shift; 5 keeps the relevance weights, and so the strength of
#: the hand-set preference weights beside them, where they were (dense_top3 4.4 -> 4.9).
WEIGHT_SCALE = 5.0
#: Left out of the learned fusion: English history would weigh e5 on English pairs, where it
#: adds the model's same-language bias to every pair across languages; the ranking reads it
#: through ``dense`` instead (:mod:`engine.bridge`) and through the first stage.
UNLEARNED = ("dense_multi",)


@dataclass(frozen=True)
class PoolData:
    """Features (rows: pool members) and labels of one query's pool."""

    query_id: str
    features: np.ndarray
    labels: np.ndarray


def history_queries(
    projects_path: Path, participants_path: Path, cutoff: date, window_days: int = 182
) -> tuple[list[Query], date]:
    """Training queries from the window before ``cutoff`` and the profile cut-off they use."""
    start = cutoff - timedelta(days=window_days)
    projects = read_projects(projects_path, cutoff)
    rows = read_participants(participants_path, set(projects))
    members: dict[str, list[tuple[str, str]]] = defaultdict(list)
    has_history: set[str] = set()
    for row in rows:
        if row.role in BENEFICIARY_ROLES:
            members[row.project_id].append((row.pic, row.role))
            if projects[row.project_id].start < start:
                has_history.add(row.pic)
    queries = []
    for project_id, project in sorted(projects.items()):
        if not start <= project.start < cutoff:
            continue
        coordinators = [pic for pic, role in members[project_id] if role == "coordinator"]
        if len(coordinators) != 1 or coordinators[0] not in has_history:
            continue
        relevant = {pic for pic, _ in members[project_id] if pic != coordinators[0]}
        relevant &= has_history
        if len(relevant) < 2:
            continue
        queries.append(Query(project_id, project.title, project.objective, coordinators[0],
                             frozenset(relevant)))
    return queries, start


def pool_data(
    recommender: Recommender, queries: Sequence[Query], *, progress: bool = False
) -> list[PoolData]:
    """Each query's first-stage pool as a feature matrix (columns: the recommender's signals,
    in registry order) + labels."""
    requests = [q.request() for q in queries]
    vectors = recommender.encoder.encode_queries([r.document for r in requests])
    multilingual = recommender.encode_multilingual(requests)
    ids = recommender.slot_ids()
    out = []
    for query, vector, other in tqdm(
        list(zip(queries, vectors, multilingual, strict=True)), desc="pools",
        disable=not progress,
    ):
        pool = recommender.pool(query.request(), vector, k=100, multilingual=other)
        if len(pool.slots) == 0:
            continue
        labels = np.array([ids[s] in query.relevant for s in pool.slots], dtype=bool)
        matrix = np.column_stack(
            [pool.features[f] for f in recommender.signals.names]).astype(np.float64)
        out.append(PoolData(query.id, matrix, labels))
    return out


def fit_weights(
    pools: Sequence[PoolData],
    signals: Registry = BUILTIN,
    *,
    features: Sequence[str] | None = None,
    c: float = 0.1,
) -> dict[str, float]:
    """Logistic regression of "is a real partner" over every pool member (columns: the
    signals of ``signals``); returns weights for ``features`` (default all, others 0).
    Signals of known direction (``Signal.positive``) never get a negative weight: the most
    negative one is dropped and the model refitted until none is left (an active set).

    Features are centred per query: a value every candidate of a query shares never ranks,
    and twin indicators that sum to a constant within a query (same country / new country
    once a requester is given) took large equal weights against the intercept, which a
    positive example's country (0 on both) then turned into +8.5. They are standardised for
    fitting and the weights mapped back to raw scale, then
    rescaled so that the standardised weights' absolute values sum to ``WEIGHT_SCALE``. The
    intercept is dropped: it shifts every score of a query equally and never changes a rank.
    The solver is deterministic (lbfgs on fixed data), so the same pools give the same weights.
    """
    if not pools:
        raise EngineError(
            "too little history before the cut-off to learn fusion weights (no training "
            "queries); use --hand-weights"
        )
    names = signals.names
    learnable = [f for f in (features or names)
                 if f not in signals.preference and f not in UNLEARNED]
    columns = [names.index(f) for f in learnable]
    x = np.vstack([p.features[:, columns] - p.features[:, columns].mean(axis=0)
                   for p in pools])
    y = np.concatenate([p.labels for p in pools])
    if y.all() or not y.any():
        raise EngineError(
            "too little history before the cut-off to learn fusion weights (no training "
            "query has a real partner among its candidates); use --hand-weights"
        )
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    active = np.ones(len(learnable), dtype=bool)
    positive = np.array([f in signals.positive for f in learnable])
    while True:
        # a signal of known direction that comes out negative (it is correlated with a
        # stronger twin) is left out and the rest refitted, until none is negative
        model = LogisticRegression(C=c, max_iter=5000)
        model.fit(x[:, active] / scale[active], y)
        standardised = np.zeros(len(learnable))
        standardised[active] = model.coef_[0]
        wrong = positive & active & (standardised < 0)
        if not wrong.any():
            break
        active[np.flatnonzero(wrong)[np.argmin(standardised[wrong])]] = False
    factor = WEIGHT_SCALE / max(float(np.abs(standardised).sum()), 1e-12)
    raw = standardised * factor / scale
    weights = {f: 0.0 for f in names}
    weights.update({f: float(w) for f, w in zip(learnable, raw, strict=True)})
    return weights


def train_fusion(
    projects_path: Path,
    participants_path: Path,
    h2020_path: Path | None,
    cutoff: date,
    recommender: Recommender,
    *,
    window_days: int = 182,
    max_queries: int = 800,
    seed: int = 0,
    progress: bool = False,
    crosslingual: Path | None = None,
) -> tuple[FusionModel, list[PoolData]]:
    """Learn fusion weights for ``recommender`` (unfitted: it is fitted here on the profiles
    before the training window) from history before ``cutoff`` (deterministic for a seed),
    with the language bridge (:mod:`engine.bridge`) when the recommender has a multilingual
    encoder; its shift is measured on the tune split of the cross-lingual set
    ``crosslingual`` (0 without one)."""
    started = time.perf_counter()
    queries, profile_cutoff = history_queries(projects_path, participants_path, cutoff, window_days)
    if not queries:  # say so before fitting an index over possibly no profiles at all
        raise EngineError(
            f"too little history before {cutoff} to learn fusion weights (no training "
            "queries); use --hand-weights"
        )
    queries = sample_in_order(queries, max_queries, seed)
    projects = read_projects(projects_path, profile_cutoff)
    profiles = build_profiles(projects, read_participants(participants_path, set(projects)))
    history = load_h2020(h2020_path, cutoff=profile_cutoff) if h2020_path else []
    recommender.fit(profiles, history=history, progress=progress)
    pools = pool_data(recommender, queries, progress=progress)
    weights = fit_weights(pools, recommender.signals)
    # requests from forms are short: calibrate on the training projects' titles, ranked
    # with the learned weights (long objectives reach higher similarities than a title)
    titles = pool_data(recommender, [replace(q, text=q.title) for q in queries],
                       progress=progress)
    confidence = calibrate_confidence(titles, weights, recommender.signals.names, "dense")
    bridge = fit_language_bridge(pools, recommender, crosslingual)
    model = FusionModel(
        weights=weights,
        trained={
            "method": "logistic regression over first-stage pools (C=0.1)",
            "cutoff": cutoff.isoformat(),
            "profile_cutoff": profile_cutoff.isoformat(),
            "queries": len(pools),
            "profiles": len(profiles),
            "seed": seed,
            "seconds": round(time.perf_counter() - started, 1),
            "model_id": recommender.encoder.model_id,
        },
        confidence=confidence,
        bridge=bridge,
    )
    return model, pools


def fit_language_bridge(pools: Sequence[PoolData], recommender: Recommender,
                        crosslingual: Path | None) -> LanguageBridge | None:
    """The bridge from the training candidates (English pairs), or None without a
    multilingual encoder or signals to bridge."""
    names = list(recommender.signals.names)
    if recommender.multilingual is None or not {"dense", "dense_multi"} <= set(names):
        return None
    rows = np.vstack([p.features for p in pools])
    shift = 0.0
    if crosslingual is not None:
        profiles, queries = load_crosslingual(crosslingual)
        shift = language_shift(recommender.multilingual, profiles, queries)
    return fit_bridge(rows[:, names.index("dense")], rows[:, names.index("dense_multi")],
                      {n: rows[:, names.index(n)] for n in IMPUTED if n in names}, shift)


def calibrate_confidence(pools: Sequence[PoolData], weights: dict[str, float],
                         names: Sequence[str], signal: str) -> Confidence:
    """The confidence levels of :mod:`engine.confidence`, fitted on the training pools ranked
    with the learned ``weights``."""
    vector = np.array([weights.get(n, 0.0) for n in names])
    column = list(names).index(signal)
    evidence, hits = [], []
    for pool in pools:
        top = np.argsort(-(pool.features @ vector), kind="stable")[:TOP]
        evidence.append(pool.features[top, column].max())
        hits.append(pool.labels[top].any())
    return fit_confidence(np.array(evidence), np.array(hits), signal)
