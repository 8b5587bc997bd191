"""The benchmark protocol of ``data/README.md`` as one public function.

Dev: queries from ``dev_queries.csv`` (projects from the cut-off on); profiles, vocabulary,
graph and H2020 history only from projects before the cut-off; fusion weights learned in the
same run from the window *before* the cut-off (never from the queries).

Validation: the same, one window earlier. Queries are the projects of the ``window_days``
before the cut-off; profiles and training come from before that window, so ranking ideas can
be tuned without reading the dev queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from engine.builtin_signals import BUILTIN
from engine.coldstart import cold_start_benchmark
from engine.crosslingual import crosslingual_benchmark, load_crosslingual
from engine.embed import Encoder
from engine.errors import EngineError
from engine.evaluate import BenchmarkResult, Query, benchmark, load_queries, sample_in_order
from engine.fusion import FusionModel
from engine.recommender import Recommender
from engine.registry import Registry
from engine.sources.cordis import load_cordis
from engine.sources.h2020 import load_h2020
from engine.train import fit_weights, history_queries, train_fusion


@dataclass(frozen=True)
class Protocol:
    """The inputs and windows of one benchmark run. ``h2020`` None: no H2020 history;
    ``fusion`` None: learn weights in the run (unless ``hand_weights``)."""

    projects: Path
    participants: Path
    queries: Path | None  # the dev queries; None with ``validation`` (not read)
    h2020: Path | None
    cutoff: date
    validation: bool = False
    window_days: int = 182
    max_queries: int = 800
    seed: int = 0
    limit: int | None = None
    fusion: Path | None = None
    hand_weights: bool = False
    ablation: bool = False
    #: the cross-lingual set (data/crosslingual), scored after the CORDIS queries (None: not)
    crosslingual: Path | None = None
    #: also score the cold-start protocol (engine/coldstart.py) on the same queries
    cold_start: bool = False
    #: signals each retrained without, as the variant ``without_<name>`` (needs training)
    without: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProtocolRun:
    """What a run measured: the engine's method name, the profile cut-off it used, the
    queries, the fusion model (None: hand-set weights) and the metrics."""

    engine_name: str
    cutoff: date
    queries: list[Query]
    fusion: FusionModel | None
    result: BenchmarkResult
    crosslingual: dict[str, Any] | None = None
    cold_start: dict[str, Any] | None = None


def protocol_queries(protocol: Protocol) -> tuple[list[Query], date]:
    """The queries of a run and the cut-off its profiles use."""
    if not protocol.validation:
        if protocol.queries is None:
            raise EngineError("the dev queries are needed unless the run is --validation")
        return load_queries(protocol.queries, protocol.projects, limit=protocol.limit), \
            protocol.cutoff
    queries, cutoff = history_queries(protocol.projects, protocol.participants, protocol.cutoff,
                                      protocol.window_days)
    if not queries:
        raise EngineError(
            f"no validation queries in the {protocol.window_days} days before {protocol.cutoff}"
        )
    return sample_in_order(queries, protocol.limit, protocol.seed), cutoff


def run_protocol(
    protocol: Protocol,
    encoder: Encoder,
    *,
    multilingual: Encoder | None = None,
    signals: Registry = BUILTIN,
    progress: bool = False,
    log: Callable[[str], None] = lambda _: None,
) -> ProtocolRun:
    """Run the benchmark protocol: the engine (learned or hand-set fusion) and the reference
    methods (popularity, TF-IDF, TF-IDF x popularity, dense only, lexical only, hand-set
    fusion; with ``ablation``, the engine retrained without each signal group) on the same
    queries."""
    if (protocol.ablation or protocol.without) and (protocol.fusion or protocol.hand_weights):
        raise EngineError("--ablation and --without retrain the fusion: not with --fusion or "
                          "--hand-weights")
    unknown = sorted(set(protocol.without) - set(signals.names))
    if unknown:
        raise EngineError(f"--without: unknown signal(s) {unknown}; signals: "
                          + ", ".join(signals.names))
    queries, cutoff = protocol_queries(protocol)
    if protocol.validation:
        log(f"validation: queries from {cutoff} to {protocol.cutoff}, profiles before {cutoff}")
    pools = []
    if protocol.fusion is not None:
        fusion: FusionModel | None = FusionModel.load(protocol.fusion, signals)
    elif protocol.hand_weights:
        fusion = None
    else:
        fusion, pools = train_fusion(
            protocol.projects, protocol.participants, protocol.h2020, cutoff,
            Recommender(encoder, signals=signals, multilingual=multilingual),
            # --limit bounds training too: a quick run is quick
            max_queries=min(protocol.max_queries, protocol.limit or protocol.max_queries),
            seed=protocol.seed, window_days=protocol.window_days, progress=progress,
            crosslingual=protocol.crosslingual,
        )
    profiles = load_cordis(protocol.projects, protocol.participants, cutoff=cutoff,
                           progress=progress)
    history = load_h2020(protocol.h2020, cutoff=cutoff) if protocol.h2020 else []
    log(f"{len(profiles)} candidate organisations, {len(queries)} queries")
    recommender = Recommender(encoder, signals=signals, multilingual=multilingual).fit(
        profiles, history=history, progress=progress)
    recommender.fusion = fusion
    variants: dict[str, dict[str, float]] = {
        "dense_only": {f: float(f == "dense") for f in signals.names},
        "lexical_only": {f: float(f == "lexical") for f in signals.names},
        # without a fusion model the engine is the hand-set fusion: not scored twice
        **({"hand_set_fusion": signals.hand_weights} if fusion is not None else {}),
    }
    removals = {f"without_{g.id}": signals.members(g.id)
                for g in (signals.groups if protocol.ablation else ())}
    removals |= {f"without_{name}": (name,) for name in protocol.without}
    for variant, removed in removals.items():
        kept = [f for f in signals.names if f not in removed]
        variants[variant] = fit_weights(pools, signals, features=kept)
    result = benchmark(recommender, queries, variants=variants, progress=progress)
    engine_name = "learned_fusion" if fusion is not None else "hand_set_fusion"
    cold_start = None
    if protocol.cold_start:  # before the cross-lingual set, which upserts its profiles
        log("cold start: one relevant organisation per query without its history")
        cold_start = cold_start_benchmark(
            recommender, profiles, history, queries,
            {name: variants[name] for name in ("dense_only", "lexical_only")},
            seed=protocol.seed, progress=progress)
    crosslingual = None
    if protocol.crosslingual is not None:
        log(f"cross-lingual set: {protocol.crosslingual}")
        profiles_xl, queries_xl = load_crosslingual(protocol.crosslingual)
        crosslingual = crosslingual_benchmark(recommender, profiles_xl, queries_xl)
    return ProtocolRun(engine_name, cutoff, queries, fusion, result, crosslingual, cold_start)
