"""Paired comparison of per-query results (engine/compare.py)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from engine.compare import format_paired, paired, read_rows
from engine.errors import ValidationError


def _rows(method: str, values: dict[str, float]) -> list[dict[str, object]]:
    return [{"query": q, "method": method, "mrr": v} for q, v in values.items()]


def test_the_paired_difference_and_its_standard_error() -> None:
    a = _rows("old", {"q1": 0.5, "q2": 0.2, "q3": 1.0})
    b = _rows("new", {"q1": 1.0, "q2": 0.2, "q3": 0.5})
    out = paired(a, "old", b, "new", metrics=("mrr",))["mrr"]
    deltas = [0.5, 0.0, -0.5]
    mean = sum(deltas) / 3
    spread = math.sqrt(sum((d - mean) ** 2 for d in deltas) / 2) / math.sqrt(3)
    assert out["diff"] == pytest.approx(mean) and out["stderr"] == pytest.approx(spread)
    assert out["a"] == pytest.approx(1.7 / 3) and out["queries"] == 3
    assert "| mrr | 0.567 | 0.567 | +0.000 +- 0.289 |" in format_paired({"mrr": out}, "A", "B")


def test_two_methods_of_one_file_pair_by_query_whatever_the_order() -> None:
    rows = _rows("x", {"q1": 0.0, "q2": 1.0}) + _rows("y", {"q2": 1.0, "q1": 0.5})
    assert paired(rows, "x", rows, "y", metrics=("mrr",))["mrr"]["diff"] == pytest.approx(0.25)


def test_different_queries_are_no_paired_comparison() -> None:
    with pytest.raises(ValidationError, match="different queries"):
        paired(_rows("a", {"q1": 1.0}), "a", _rows("b", {"q2": 1.0}), "b", metrics=("mrr",))


def test_a_bad_line_names_its_number(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text(json.dumps({"query": "q1", "method": "a", "mrr": 1}) + "\n{\"query\": 1}\n")
    with pytest.raises(ValidationError, match=r"rows.jsonl:2: .*method"):
        read_rows(path)
