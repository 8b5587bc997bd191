"""Paired comparison of two benchmark runs on the same queries: the mean per-query difference
of each metric and its standard error. Two methods' means can differ by less than their own
standard errors and still differ reliably when the same queries move together; this is how
a "+0.016 +- 0.005" in docs/benchmarks.md is computed (``evaluate --per-query`` writes the
rows, ``partner-search compare`` reads them)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from engine.errors import ValidationError
from engine.evaluate import METRICS, mean_metrics, stderr_metrics
from engine.sources.jsonl import read_objects


def read_rows(path: Path) -> list[dict[str, Any]]:
    """The rows of a ``--per-query`` file (JSON lines); a bad line names its number."""
    rows = []
    for source, row in read_objects(path):
        missing = sorted({"query", "method"} - set(row))
        if missing:
            raise ValidationError(f"not a per-query row (no {', '.join(missing)})",
                                  field="per_query", source=source)
        rows.append(row)
    return rows


def paired(rows_a: Sequence[dict[str, Any]], method_a: str,
           rows_b: Sequence[dict[str, Any]], method_b: str,
           metrics: Sequence[str] = METRICS) -> dict[str, dict[str, float]]:
    """For each metric: the means of A and B, ``diff`` (B - A) and its paired standard error
    over the queries both ran. The query sets must be the same: comparing different queries
    is no paired comparison."""
    a = {r["query"]: r for r in rows_a if r["method"] == method_a}
    b = {r["query"]: r for r in rows_b if r["method"] == method_b}
    if not a or not b:
        missing = method_a if not a else method_b
        raise ValidationError(f"no per-query rows of method {missing!r}", field="method")
    if set(a) != set(b):
        raise ValidationError(
            f"the runs have different queries ({len(set(a) - set(b))} only in A, "
            f"{len(set(b) - set(a))} only in B): not a paired comparison", field="queries")
    deltas = [{m: b[q][m] - a[q][m] for m in metrics} for q in a]
    mean_a, mean_b = (mean_metrics(list(rows.values()), metrics) for rows in (a, b))
    diff, stderr = mean_metrics(deltas, metrics), stderr_metrics(deltas, metrics)
    return {m: {"a": mean_a[m], "b": mean_b[m], "diff": diff[m], "stderr": stderr[m],
                "queries": len(deltas)} for m in metrics}


def format_paired(result: dict[str, dict[str, float]], name_a: str, name_b: str) -> str:
    lines = [f"| metric | {name_a} | {name_b} | difference (paired s.e.) |", "|---|---|---|---|"]
    for metric, v in result.items():
        lines.append(f"| {metric} | {v['a']:.3f} | {v['b']:.3f} | "
                     f"{v['diff']:+.3f} +- {v['stderr']:.3f} |")
    queries = next(iter(result.values()))["queries"] if result else 0
    return "\n".join(lines) + f"\n{queries} queries"
