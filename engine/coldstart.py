"""The cold-start protocol: is an organisation that describes itself well, but has no project
history in the index, still found?

History signals (experience, recency, coordination, H2020 history, the network, the number of
vectors) favour organisations that did a lot before; a newcomer that registers a good profile
has none of them. This protocol measures what that costs, on the same queries and with the
same fusion weights as the benchmark run (``Protocol.cold_start``):

1. **Sample.** Per query, at most one *cold* organisation, drawn (``random.Random(seed)``,
   queries in order) among its relevant organisations that are in the index, are relevant to
   no other query of the run and are no query's requester. So each cold organisation belongs
   to exactly one query and a popular partner relevant to hundreds of queries cannot dominate
   the table; the sample leans towards organisations that join few projects, which is who
   cold-starts in practice.
2. **Cold copy.** Each sampled profile keeps its name, acronym, kind, country, region,
   place, SME flag and url, and loses everything that comes from its history: no activities
   (so no experience, recency, coordination, project vectors), no keywords (they were its
   projects' keywords), its H2020 rows are dropped, and its id is removed from every other
   profile's partner lists (the collaboration graph is built from both, so it has no network).
   Its ``description`` is ONE of its own texts from before the cut-off: the objective (the
   title when there is none) of its most recent activity, cut at a word boundary to at most
   ``DESCRIPTION_CHARS`` characters; its ecosystems are that activity's ecosystems.
3. **Index.** A second recommender is fitted from scratch on the profiles with the cold
   copies in place (and the filtered history), with the same encoders, config and fusion
   model; the normal run's recommender is left untouched.
4. **Metrics.** On the queries with a cold organisation, that organisation is the relevant
   set (the query's other partners still compete as ordinary candidates). Recall@10/50/100,
   MRR and nDCG@10 (``evaluate.query_metrics``) of the engine, dense only and lexical only
   (the benchmark's weight variants, re-ranking the same first-stage pool), once on the
   normal index (history kept) and once on the cold one. Also: how often the first stage
   put the cold organisation in the pool, and, where the engine left it outside the top 10,
   its contribution per signal (and per signal group) minus that of the 10th candidate
   (negative: that signal buries it), with the weights in force.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from engine.evaluate import Query, query_metrics, summarize
from engine.fusion import fuse
from engine.profiles import Activity, Profile
from engine.recommender import Recommender
from engine.registry import Registry
from engine.sources.h2020 import Participation

#: A self-description's length: about a profile page's "about us" paragraph, one passage of
#: the encoder (``Profile.chunks`` packs 1,000 characters).
DESCRIPTION_CHARS = 1000
#: The engine's rank that counts as found (the gap diagnostic compares with this rank).
TOP = 10


def eligible(queries: Sequence[Query], index_ids: Collection[str]) -> dict[str, list[str]]:
    """Per query id, its relevant organisations that may go cold (sorted): in the index,
    relevant to no other query, requester of none."""
    seen: dict[str, int] = {}
    for query in queries:
        for pid in query.relevant:
            seen[pid] = seen.get(pid, 0) + 1
    requesters = {q.requester_id for q in queries}
    return {
        q.id: sorted(p for p in q.relevant
                     if seen[p] == 1 and p not in requesters and p in index_ids)
        for q in queries
    }


def choose_cold(queries: Sequence[Query], index_ids: Collection[str],
                seed: int = 0) -> dict[str, str]:
    """Query id -> its cold organisation: one drawn per query that has an eligible one
    (seeded, queries in order, so the same inputs always give the same sample)."""
    rng = random.Random(seed)
    return {qid: rng.choice(ids) for qid, ids in eligible(queries, index_ids).items() if ids}


def clip(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    """``text`` cut at the last word boundary within ``limit`` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[:limit + 1]
    cut = head.rfind(" ")
    return (head[:cut] if cut > 0 else text[:limit]).rstrip(" ,;:")


def latest_activity(profile: Profile) -> Activity | None:
    """The most recent activity (by year; the later listed on a tie, as CORDIS profiles list
    them oldest first)."""
    if not profile.activities:
        return None
    return max(enumerate(profile.activities), key=lambda ia: (ia[1].year or 0, ia[0]))[1]


def cold_copy(profile: Profile, limit: int = DESCRIPTION_CHARS) -> Profile:
    """The profile as a newcomer would register it: who and where it is, and one of its own
    texts as the description; no activities and no keywords (see the module docstring)."""
    latest = latest_activity(profile)
    if latest is None:
        return replace(profile, keywords=())
    return replace(profile, activities=(), keywords=(), ecosystems=latest.ecosystems,
                   description=clip(latest.text or latest.title, limit))


def without_partners(profile: Profile, gone: Collection[str]) -> Profile:
    """The profile with the ids in ``gone`` removed from its activities' partner lists (the
    same object when it names none of them)."""
    if not any(p in gone for a in profile.activities for p in a.partners):
        return profile
    return replace(profile, activities=tuple(
        replace(a, partners=tuple(p for p in a.partners if p not in gone))
        for a in profile.activities))


def cold_corpus(profiles: Sequence[Profile], history: Sequence[Participation],
                cold: Collection[str]) -> tuple[list[Profile], list[Participation]]:
    """The profiles with the ``cold`` ones replaced by cold copies and named by nobody, and
    the external history without their rows."""
    gone = set(cold)
    out = [cold_copy(p) if p.id in gone else without_partners(p, gone) for p in profiles]
    return out, [row for row in history if row.pic not in gone]


@dataclass
class _Tally:
    """Per method, the per-query metrics of one index; the pool hits and the group gaps."""

    rows: dict[str, list[dict[str, float]]]
    in_pool: list[float]
    gaps: list[dict[str, float]]

    def to_dict(self, signals: Registry) -> dict[str, Any]:
        names = sorted({f for gap in self.gaps for f in gap})
        per_signal = {f: float(np.mean([gap.get(f, 0.0) for gap in self.gaps])) for f in names}
        return {
            "methods": {name: summarize(rows) for name, rows in self.rows.items()},
            "in_pool": float(np.mean(self.in_pool)) if self.in_pool else 0.0,
            "gap_to_rank10": signals.group_sums(per_signal),
            "gap_to_rank10_signals": per_signal,
            "missed_in_pool": len(self.gaps),
        }


def contribution_gap(features: Mapping[str, np.ndarray], weights: Mapping[str, float],
                     target: int, other: int) -> dict[str, float]:
    """Per signal, the contribution (weight x value) of pool entry ``target`` minus that of
    entry ``other`` (signals of weight 0 left out)."""
    _, parts = fuse(features, weights)
    return {f: float(v[target] - v[other]) for f, v in parts.items()}


def group_gap(features: Mapping[str, np.ndarray], weights: Mapping[str, float],
              signals: Registry, target: int, other: int) -> dict[str, float]:
    """``contribution_gap`` summed per signal group."""
    return signals.group_sums(contribution_gap(features, weights, target, other))


def score_cold(recommender: Recommender, queries: Sequence[Query], cold: Mapping[str, str],
               variants: Mapping[str, Mapping[str, float]], *,
               progress: bool = False) -> dict[str, Any]:
    """Metrics of the cold organisations (one per query, the only relevant one) on
    ``recommender``: the engine and each weight variant re-ranking the same pool."""
    chosen = [q for q in queries if q.id in cold]
    tally = _Tally({name: [] for name in ("engine", *variants)}, [], [])
    if not chosen:
        return tally.to_dict(recommender.signals)
    vectors = recommender.encoder.encode_queries([q.request().document for q in chosen])
    multilingual = recommender.encode_multilingual([q.request() for q in chosen])
    ids = recommender.slot_ids()
    for query, vector, other in tqdm(list(zip(chosen, vectors, multilingual, strict=True)),
                                     desc="cold start", disable=not progress):
        target = cold[query.id]
        pool = recommender.pool(query.request(), vector, k=100, multilingual=other)
        ranked = {"engine": recommender.rank_pool(pool, 100)}
        ranked |= {name: recommender.rank_pool(pool, 100, weights=dict(weights))
                   for name, weights in variants.items()}
        for name, matches in ranked.items():
            tally.rows[name].append(
                query_metrics([m.profile_id for m in matches], frozenset({target})))
        where = [i for i, s in enumerate(pool.slots) if ids[s] == target]
        tally.in_pool.append(float(bool(where)))
        top = [m.profile_id for m in ranked["engine"][:TOP]]
        if where and target not in top and len(top) == TOP:
            tenth = next(i for i, s in enumerate(pool.slots) if ids[s] == top[-1])
            tally.gaps.append(contribution_gap(pool.features, recommender.weights, where[0],
                                               tenth))
    return tally.to_dict(recommender.signals)


def cold_recommender(recommender: Recommender, profiles: Sequence[Profile],
                     history: Sequence[Participation], cold: Collection[str], *,
                     progress: bool = False) -> Recommender:
    """A recommender like ``recommender`` (encoders, config, signals, fusion) fitted on the
    cold corpus (``cold_corpus``)."""
    cold_profiles, cold_history = cold_corpus(profiles, history, cold)
    out = Recommender(recommender.encoder, recommender.config, signals=recommender.signals,
                      multilingual=recommender.multilingual)
    out.fit(cold_profiles, history=cold_history, progress=progress)
    out.fusion = recommender.fusion
    return out


def cold_start_benchmark(
    recommender: Recommender,
    profiles: Sequence[Profile],
    history: Sequence[Participation],
    queries: Sequence[Query],
    variants: Mapping[str, Mapping[str, float]],
    *,
    seed: int = 0,
    progress: bool = False,
) -> dict[str, Any]:
    """The cold-start protocol (module docstring) for a fitted ``recommender`` built from
    ``profiles`` and ``history``: the cold organisations' metrics with their history kept
    (``recommender`` as it is) and cold (a second index)."""
    cold = choose_cold(queries, {p.id for p in profiles}, seed)
    kept = score_cold(recommender, queries, cold, variants, progress=progress)
    index = cold_recommender(recommender, profiles, history, set(cold.values()),
                             progress=progress)
    return {
        "queries": len(cold),
        "cold_organisations": len(set(cold.values())),
        "description_chars": DESCRIPTION_CHARS,
        "seed": seed,
        "weights": dict(recommender.weights),
        "history_kept": kept,
        "cold": score_cold(index, queries, cold, variants, progress=progress),
    }


def format_cold_start(result: Mapping[str, Any]) -> str:
    """A Markdown table: method x (history kept, cold) with Recall@10/50/100 and MRR (± its
    standard error), then the pool share and the group gaps."""
    lines = [f"cold start: {result['queries']} queries, one cold organisation each "
             f"(description: one of its texts, <= {result['description_chars']} characters)",
             "| method | history | recall@10 | recall@50 | recall@100 | mrr |",
             "|---|---|---|---|---|---|"]
    for name in result["history_kept"]["methods"]:
        for state in ("history_kept", "cold"):
            m = result[state]["methods"][name]
            lines.append(f"| {name} | {'kept' if state == 'history_kept' else 'cold'} | "
                         f"{m['recall@10']:.3f} | {m['recall@50']:.3f} | {m['recall@100']:.3f}"
                         f" | {m['mrr']:.3f} ± {m['stderr']['mrr']:.3f} |")
    for state in ("history_kept", "cold"):
        part = result[state]
        gaps = ", ".join(f"{g} {v:+.2f}" for g, v in sorted(part["gap_to_rank10"].items(),
                                                              key=lambda gv: gv[1]))
        worst = ", ".join(f"{f} {v:+.2f}" for f, v in sorted(
            part["gap_to_rank10_signals"].items(), key=lambda fv: fv[1])[:5])
        lines.append(f"{state}: in the first-stage pool {part['in_pool']:.3f}; outside the "
                     f"top {TOP} but in the pool ({part['missed_in_pool']}), contribution "
                     f"minus the 10th's: {gaps or '-'}; most negative signals: {worst or '-'}")
    return "\n".join(lines)
