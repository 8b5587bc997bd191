"""The benchmark protocol of ``data/README.md``: a project's text stands for a partner
request, its coordinator is the requester, and its other beneficiaries with history are the
partners to find. Profiles, vocabularies and indexes are built only from projects that start
before the cut-off.

Metrics (binary relevance, averaged over queries): Recall@10/50/100, MRR (reciprocal rank of
the first relevant organisation within the top 100, 0 if none) and nDCG@10.
"""

from __future__ import annotations

import csv
import gzip
import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from engine.errors import ValidationError
from engine.profiles import PartnerRequest
from engine.rank import fused_order
from engine.recommender import Recommender
from engine.taxonomy import Kind

T = TypeVar("T")

CUTOFFS = (10, 50, 100)
METRICS = ("recall@10", "recall@50", "recall@100", "mrr", "ndcg@10")


@dataclass(frozen=True)
class Query:
    """One benchmark query: request text, requester and the real partners."""

    id: str
    title: str
    text: str
    requester_id: str
    relevant: frozenset[str]

    def request(self) -> PartnerRequest:
        return PartnerRequest(text=self.text, title=self.title, requester_id=self.requester_id)


def sample_in_order(items: Sequence[T], limit: int | None, seed: int = 0) -> list[T]:
    """A fixed random sample (seeded) of ``limit`` of ``items``, in their order; all of them
    when ``limit`` is None or not smaller."""
    if limit is None or limit >= len(items):
        return list(items)
    return [items[i] for i in sorted(random.Random(seed).sample(range(len(items)), limit))]


def load_queries(
    queries_path: Path, projects_path: Path, *, limit: int | None = None, seed: int = 0
) -> list[Query]:
    """Queries from the benchmark CSV, texts from the projects file.

    ``limit`` takes a fixed random sample (seeded) of that many queries, in file order.
    """
    wanted: list[dict[str, str]] = []
    with open(queries_path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        for column in ("query_id", "requester_pic", "relevant_pics"):
            if column not in (reader.fieldnames or []):
                raise ValidationError(
                    f"missing column {column!r}", field=column, source=f"{queries_path}:1"
                )
        for line, row in enumerate(reader, start=2):
            if not row["query_id"].strip() or not row["relevant_pics"].strip():
                field = "query_id" if not row["query_id"].strip() else "relevant_pics"
                raise ValidationError(
                    f"{field} is empty", field=field, source=f"{queries_path}:{line}"
                )
            wanted.append(row)
    wanted = sample_in_order(wanted, limit, seed)
    ids = {row["query_id"] for row in wanted}
    texts: dict[str, tuple[str, str]] = {}
    opener = gzip.open if projects_path.suffix == ".gz" else open
    with opener(projects_path, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["project_id"] in ids:
                texts[row["project_id"]] = (row["title"], row["objective"])
    queries = []
    for row in wanted:
        if row["query_id"] not in texts:
            raise ValidationError(
                f"query {row['query_id']} is not in {projects_path}", field="query_id",
                source=str(queries_path),
            )
        title, objective = texts[row["query_id"]]
        queries.append(
            Query(
                id=row["query_id"],
                title=title,
                text=objective,
                requester_id=row["requester_pic"].strip(),
                relevant=frozenset(p for p in row["relevant_pics"].split("|") if p),
            )
        )
    return queries


def query_metrics(ranked: Sequence[str], relevant: frozenset[str]) -> dict[str, float]:
    """Metrics of one ranked list of ids against the relevant set."""
    hits = [pid in relevant for pid in ranked[: max(CUTOFFS)]]
    out = {f"recall@{c}": sum(hits[:c]) / len(relevant) for c in CUTOFFS}
    first = next((i for i, hit in enumerate(hits) if hit), None)
    out["mrr"] = 0.0 if first is None else 1.0 / (first + 1)
    dcg = sum(1.0 / math.log2(i + 2) for i, hit in enumerate(hits[:10]) if hit)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(relevant), 10)))
    out["ndcg@10"] = dcg / ideal
    return out


def mean_metrics(
    rows: Sequence[dict[str, float]], metrics: Sequence[str] = METRICS
) -> dict[str, float]:
    return {m: float(np.mean([r[m] for r in rows])) if rows else 0.0 for m in metrics}


def stderr_metrics(
    rows: Sequence[dict[str, float]], metrics: Sequence[str] = METRICS
) -> dict[str, float]:
    """Standard error of each metric's mean over the queries (sample standard deviation /
    sqrt(n)): about how far the mean would move on another sample of queries of the same
    kind, so a difference of one or two of these between two methods is not a finding."""
    if len(rows) < 2:
        return {m: 0.0 for m in metrics}
    return {
        m: float(np.std([r[m] for r in rows], ddof=1) / math.sqrt(len(rows))) for m in metrics
    }


def summarize(rows: Sequence[dict[str, float]]) -> dict[str, Any]:
    """Per-query metrics -> their means, the number of queries and the standard errors."""
    return {**mean_metrics(rows), "queries": len(rows), "stderr": stderr_metrics(rows)}


def evaluate_ranker(
    ranker: Callable[[Query], Sequence[str]], queries: Sequence[Query]
) -> dict[str, Any]:
    """Metrics of ``ranker`` (query -> ranked ids, best first) over ``queries``: means, count
    and standard errors (``summarize``)."""
    return summarize([query_metrics(ranker(q), q.relevant) for q in queries])


NON_ACADEMIC: tuple[Kind, ...] = (Kind.COMPANY, Kind.CLUSTER, Kind.PUBLIC, Kind.OTHER)


def _top_ids(scores: np.ndarray, ids: Sequence[str | None], mask: np.ndarray, k: int) -> list[str]:
    """Ids of the ``k`` best allowed slots (``mask``), best first, ties by slot."""
    allowed = np.flatnonzero(mask)
    order = allowed[np.argsort(-scores[allowed], kind="stable")[:k]]
    return [ids[i] for i in order]  # type: ignore[misc]


@dataclass
class BenchmarkResult:
    """Metrics per method (all candidates, and non-academic only) and cross-border shares."""

    methods: dict[str, dict[str, Any]]  # metric -> mean, "queries", "stderr": metric -> SE
    non_academic: dict[str, dict[str, Any]]
    cross_border: dict[str, float]
    #: per confidence level of the engine's list: queries, and the share with a real partner
    #: in the top 10
    confidence: dict[str, dict[str, float]] = field(default_factory=dict)
    #: one row per query and method (all candidates): query id, the true partners, the rank
    #: of each in the method's top 100 (None beyond) and the query's metrics
    per_query: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"methods": self.methods, "non_academic": self.non_academic,
                "cross_border": self.cross_border, "confidence": self.confidence}


def benchmark(
    recommender: Recommender,
    queries: Sequence[Query],
    *,
    variants: Mapping[str, Mapping[str, float]] | None = None,
    progress: bool = False,
) -> BenchmarkResult:
    """Metrics of the engine and, from the same run, of the reference methods.

    Each query's first-stage pool is computed once; every weight variant (name -> complete
    weights, e.g. dense only) re-ranks that pool. Baselines rank every candidate: popularity
    (past activities), TF-IDF over profiles, and TF-IDF x log(1 + activities).

    ``non_academic`` scores the same pools again with universities and research
    organisations removed from the ranked candidates and from the relevant sets (queries left
    with none are skipped). Until session 10 it built a second pool per query with a kinds
    filter (half the run's time); the filtered first stage reaches a little deeper into the
    non-academic organisations, so its figures differ slightly (docs/benchmarks.md).
    ``cross_border`` compares the share of organisations from another country than the
    requester's in the engine's top 10 with that share among the true partners.
    """
    from tqdm.auto import tqdm

    ids = recommender.slot_ids()
    slot_of = {pid: slot for slot, pid in enumerate(ids) if pid is not None}
    counts = recommender.activity_counts()
    alive = np.array([i is not None for i in ids])
    kinds = np.array([recommender.get(i).kind.value if i else "" for i in ids])
    non_academic_mask = alive & np.isin(kinds, [k.value for k in NON_ACADEMIC])
    variants = variants or {}
    names = ("popularity", "tfidf", "tfidf_x_popularity", "engine", *variants)
    rows: dict[str, list[dict[str, float]]] = {name: [] for name in names}
    restricted: dict[str, list[dict[str, float]]] = {name: [] for name in names}
    levels: dict[str, list[float]] = {}
    abroad_top: list[float] = []
    abroad_true: list[float] = []
    per_query: list[dict[str, Any]] = []
    vectors = recommender.encoder.encode_queries([q.request().document for q in queries])
    multilingual = recommender.encode_multilingual([q.request() for q in queries])
    for query, vector, other in tqdm(
        list(zip(queries, vectors, multilingual, strict=True)), desc="queries",
        disable=not progress,
    ):
        request = query.request()
        lexical = recommender.lexical_scores(request.document)
        baselines = {
            "popularity": counts,
            "tfidf": lexical,
            "tfidf_x_popularity": lexical * np.log1p(counts),
        }
        home = recommender.get(query.requester_id).country if query.requester_id in recommender \
            else ""
        pool = recommender.pool(request, vector, k=100, multilingual=other)
        engine = recommender.rank_pool(pool, 10)  # its confidence and countries read matches
        # each method's order of the pool, fused once: both tables keep their allowed kinds
        orders = {name: pool.slots[fused_order(pool, weights or recommender.weights)[0]]
                  for name, weights in {"engine": None, **variants}.items()}
        for target, mask, restrict in ((rows, alive, False), (restricted, non_academic_mask, True)):
            relevant = query.relevant if not restrict else frozenset(
                r for r in query.relevant if r in recommender
                and recommender.get(r).kind in NON_ACADEMIC
            )
            if not relevant:
                continue
            own = mask.copy()
            if query.requester_id in slot_of:
                own[slot_of[query.requester_id]] = False
            ranked = {name: _top_ids(values, ids, own, 100) for name, values in baselines.items()}
            ranked |= {name: [str(ids[s]) for s in order[own[order]][:100]]
                       for name, order in orders.items()}
            for name, ranking in ranked.items():
                target[name].append(query_metrics(ranking, relevant))
                if not restrict:
                    position = {pid: i for i, pid in enumerate(ranking, start=1)}
                    partners = sorted(relevant)
                    per_query.append({"query": query.id, "method": name, "relevant": partners,
                                      "ranks": [position.get(r) for r in partners],
                                      **target[name][-1]})
            level = recommender.confidence(request, engine) if not restrict else None
            if level is not None:
                hit = any(m.profile_id in relevant for m in engine[:10])
                levels.setdefault(level, []).append(float(hit))
            if not restrict and home:
                top = [m.profile.country for m in engine[:10] if m.profile.country]
                true = [recommender.get(r).country for r in relevant if r in recommender]
                true = [c for c in true if c]
                if top and true:
                    abroad_top.append(sum(c != home for c in top) / len(top))
                    abroad_true.append(sum(c != home for c in true) / len(true))
    return BenchmarkResult(
        methods={name: summarize(r) for name, r in rows.items()},
        non_academic={name: summarize(r) for name, r in restricted.items()},
        cross_border={
            "engine_top10": float(np.mean(abroad_top)) if abroad_top else 0.0,
            "true_partners": float(np.mean(abroad_true)) if abroad_true else 0.0,
            "queries": len(abroad_top),
        },
        confidence={level: {"queries": len(hits), "hit@10": float(np.mean(hits))}
                    for level, hits in sorted(levels.items())},
        per_query=per_query,
    )


def format_table(results: Mapping[str, Mapping[str, float]]) -> str:
    """A Markdown table of method x metric."""
    lines = ["| method | " + " | ".join(METRICS) + " |", "|---" * (len(METRICS) + 1) + "|"]
    for name, values in results.items():
        lines.append(f"| {name} | " + " | ".join(f"{values[m]:.3f}" for m in METRICS) + " |")
    return "\n".join(lines)
