from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from engine.errors import ValidationError
from engine.evaluate import (
    METRICS,
    Query,
    benchmark,
    evaluate_ranker,
    format_table,
    load_queries,
    mean_metrics,
    query_metrics,
    stderr_metrics,
)
from engine.recommender import Recommender

if TYPE_CHECKING:
    from conftest import CordisFiles  # the fixture's type (tests/conftest.py)


# ---- metrics on hand-computed examples ----------------------------------------------------
def test_metrics_with_hits_at_ranks_one_and_three() -> None:
    m = query_metrics(["a", "x", "b", "y"], frozenset({"a", "b", "c"}))
    assert m["recall@10"] == m["recall@50"] == m["recall@100"] == pytest.approx(2 / 3)
    assert m["mrr"] == 1.0
    dcg = 1 / math.log2(2) + 1 / math.log2(4)  # hits at ranks 1 and 3
    ideal = 1 / math.log2(2) + 1 / math.log2(3) + 1 / math.log2(4)  # three relevant
    assert m["ndcg@10"] == pytest.approx(dcg / ideal)
    assert m["ndcg@10"] == pytest.approx(0.7039, abs=1e-4)


def test_mrr_is_the_reciprocal_rank_of_the_first_hit() -> None:
    assert query_metrics(["x", "y", "b", "a"], frozenset({"a", "b"}))["mrr"] == pytest.approx(1 / 3)


def test_cutoffs_count_only_hits_within_them() -> None:
    ranked = [f"x{i}" for i in range(10)] + ["a"] + [f"y{i}" for i in range(50)] + ["b"]
    m = query_metrics(ranked, frozenset({"a", "b"}))  # a at rank 11, b at rank 62
    assert m["recall@10"] == 0.0
    assert m["recall@50"] == 0.5
    assert m["recall@100"] == 1.0
    assert m["mrr"] == pytest.approx(1 / 11)
    assert m["ndcg@10"] == 0.0


def test_hits_after_rank_100_do_not_count() -> None:
    ranked = [f"x{i}" for i in range(100)] + ["a"]
    m = query_metrics(ranked, frozenset({"a"}))
    assert m == {metric: 0.0 for metric in METRICS}


def test_perfect_ranking_scores_one_even_with_more_than_ten_relevant() -> None:
    relevant = frozenset(f"r{i}" for i in range(12))
    m = query_metrics(sorted(relevant), relevant)
    assert m["ndcg@10"] == pytest.approx(1.0)
    assert m["recall@10"] == pytest.approx(10 / 12)
    assert m["recall@50"] == 1.0


def test_mean_metrics_and_evaluate_ranker() -> None:
    rows = [{m: 1.0 for m in METRICS}, {m: 0.0 for m in METRICS}]
    assert mean_metrics(rows) == {m: 0.5 for m in METRICS}
    assert mean_metrics([]) == {m: 0.0 for m in METRICS}
    queries = [Query("q1", "t", "x", "r", frozenset({"a"})),
               Query("q2", "t", "x", "r", frozenset({"b"}))]
    result = evaluate_ranker(lambda q: ["a", "b"], queries)
    assert result["queries"] == 2
    assert result["mrr"] == pytest.approx((1 + 0.5) / 2)


def test_stderr_metrics_is_the_standard_error_of_the_mean() -> None:
    rows = [{m: v for m in METRICS} for v in (0.0, 1.0, 0.5, 0.5)]
    # sample standard deviation sqrt(0.5 / 3), over sqrt(4) queries
    expected = math.sqrt(0.5 / 3) / 2
    assert stderr_metrics(rows) == {m: pytest.approx(expected) for m in METRICS}
    assert stderr_metrics(rows[:1]) == {m: 0.0 for m in METRICS}  # one query: no spread known
    assert stderr_metrics([rows[2], rows[3]]) == {m: 0.0 for m in METRICS}


def test_format_table_has_a_row_per_method() -> None:
    table = format_table({"engine": {m: 0.5 for m in METRICS}, "tfidf": {m: 0.25 for m in METRICS}})
    lines = table.splitlines()
    assert len(lines) == 4
    assert all(m in lines[0] for m in METRICS)
    assert lines[2].startswith("| engine |") and "0.500" in lines[2]


# ---- load_queries -----------------------------------------------------------------------
@pytest.fixture
def ten_queries(tmp_path: Path, cordis: CordisFiles) -> tuple[Path, Path]:
    projects = [
        {"project_id": f"1020000{i:02d}", "title": f"Title {i}", "objective": f"Objective {i}",
         "start_date": "2024-02-01"}
        for i in range(10)
    ]
    projects_path = cordis.write_projects(tmp_path / "projects.csv.gz", projects)
    queries_path = tmp_path / "queries.csv"
    queries_path.write_text(
        "query_id,requester_pic,relevant_pics\n"
        + "".join(f"1020000{i:02d}, req{i} ,a{i}|b{i}|\n" for i in range(10)),
        encoding="utf-8",
    )
    return queries_path, projects_path


def test_load_queries_reads_texts_from_the_projects_file(ten_queries: tuple[Path, Path]) -> None:
    queries = load_queries(*ten_queries)
    assert len(queries) == 10
    first = queries[0]
    assert (first.id, first.title, first.text) == ("102000000", "Title 0", "Objective 0")
    assert first.requester_id == "req0"
    assert first.relevant == frozenset({"a0", "b0"})
    request = first.request()
    assert request.requester_id == "req0" and request.document == "Title 0. Objective 0"


def test_limit_takes_a_fixed_sample_in_file_order(ten_queries: tuple[Path, Path]) -> None:
    sample = [q.id for q in load_queries(*ten_queries, limit=4)]
    assert len(sample) == 4
    assert sample == sorted(sample)  # file order
    assert [q.id for q in load_queries(*ten_queries, limit=4)] == sample  # fixed
    samples = {tuple(q.id for q in load_queries(*ten_queries, limit=4, seed=s)) for s in range(5)}
    assert len(samples) > 1  # the seed picks the sample: it is not simply the first four
    assert len(load_queries(*ten_queries, limit=50)) == 10


def test_missing_column_and_empty_values_are_reported(tmp_path: Path,
                                                      ten_queries: tuple[Path, Path]) -> None:
    _, projects = ten_queries
    path = tmp_path / "q.csv"
    path.write_text("query_id,requester_pic\n1,2\n")
    with pytest.raises(ValidationError) as info:
        load_queries(path, projects)
    assert info.value.field == "relevant_pics" and f"{path}:1" in str(info.value)
    path.write_text("query_id,requester_pic,relevant_pics\n102000001,r,a\n102000002,r, \n")
    with pytest.raises(ValidationError) as info:
        load_queries(path, projects)
    assert info.value.field == "relevant_pics" and f"{path}:3" in str(info.value)


def test_a_query_missing_from_the_projects_file(tmp_path: Path,
                                                ten_queries: tuple[Path, Path]) -> None:
    _, projects = ten_queries
    path = tmp_path / "q.csv"
    path.write_text("query_id,requester_pic,relevant_pics\n999,r,a\n")
    with pytest.raises(ValidationError, match="999") as info:
        load_queries(path, projects)
    assert info.value.field == "query_id"


# ---- benchmark --------------------------------------------------------------------------
def test_benchmark_returns_every_method_and_variant(recommender: Recommender) -> None:
    queries = [
        Query("q1", "Batteries", "battery storage for the grid", "de-cluster",
              frozenset({"es-solar", "de-auto"})),
        Query("q2", "Imaging", "cancer imaging diagnostics", "fr-univ",
              frozenset({"nl-research"})),
    ]
    outcome = benchmark(
        recommender, queries,
        variants={"dense_only": {"dense": 1.0, "lexical": 0.0, "experience": 0.0}},
    )
    results = outcome.methods
    assert 0.0 <= outcome.cross_border["engine_top10"] <= 1.0
    assert set(outcome.non_academic) == set(results)
    assert set(results) == {"popularity", "tfidf", "tfidf_x_popularity", "engine", "dense_only"}
    for values in results.values():
        assert values["queries"] == 2
        assert all(0.0 <= values[m] <= 1.0 for m in METRICS)
        assert set(values["stderr"]) == set(METRICS)
        assert all(se >= 0.0 for se in values["stderr"].values())
    assert results["engine"]["recall@10"] == 1.0  # 7 candidates: everyone is in the top 10
    assert results["tfidf"]["mrr"] == 1.0
    assert recommender.config.weights["lexical"] != 0.0  # the variant did not stick


def test_benchmark_popularity_excludes_the_requester(recommender: Recommender) -> None:
    counts = dict(zip(recommender.slot_ids(), recommender.activity_counts(), strict=True))
    busiest, second = sorted(counts, key=lambda pid: (-counts[pid], pid))[:2]
    assert counts[busiest] == counts[second] == 2  # de-cluster, it-agri: ties break by slot
    queries = [Query("q", "t", "anything", busiest, frozenset({second}))]
    assert benchmark(recommender, queries).methods["popularity"]["mrr"] == 1.0
    queries = [Query("q", "t", "anything", "gr-region", frozenset({second}))]
    assert benchmark(recommender, queries).methods["popularity"]["mrr"] == 0.5
