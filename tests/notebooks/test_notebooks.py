"""The research notebooks run top to bottom, headless, on the committed slice of the real data.

Each notebook is executed with nbclient in a fresh kernel (cwd ``notebooks/``) with
``PARTNER_SEARCH_NOTEBOOK_SLICE=1``, which points it at ``tests/data/slice/`` with small
limits. The executed copy stays in memory: the committed notebooks keep the outputs of their
full-data run. Each notebook tags one cell ``headline`` that prints a JSON object of real
results; the test parses it and checks the values are plausible.

The notebooks use the real packaged model behind the embedding cache (``models/cache``, or
``PARTNER_SEARCH_CACHE``), seeded with the shipped vectors of every project text in
``data/embeddings/``, so nothing is encoded on the slice.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

pytestmark = pytest.mark.notebook

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
CELL_TIMEOUT_S = 300


def execute(name: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run ``notebooks/<name>`` on the slice; return the executed notebook (not saved)."""
    monkeypatch.setenv("PARTNER_SEARCH_NOTEBOOK_SLICE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute()  # raises CellExecutionError, naming the cell, if any cell fails
    return notebook


def errors(notebook: Any) -> list[str]:
    return [
        f"{output.get('ename')}: {output.get('evalue')}"
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if output.output_type == "error"
    ]


def headline(notebook: Any) -> dict[str, Any]:
    """The JSON object printed by the cell tagged ``headline``."""
    cells = [c for c in notebook.cells if "headline" in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, "each notebook tags exactly one cell 'headline'"
    text = "".join(
        o.get("text", "")
        for o in cells[0].outputs
        if o.output_type == "stream" and o.name == "stdout"
    )
    return json.loads(text)


def images(notebook: Any) -> int:
    return sum(
        "image/png" in output.get("data", {})
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
    )


def test_01_data(monkeypatch: pytest.MonkeyPatch) -> None:
    notebook = execute("01_data.ipynb", monkeypatch)
    assert errors(notebook) == []
    numbers = headline(notebook)
    assert numbers["projects"] > numbers["projects_before_cutoff"] > 0
    assert numbers["profiles"] >= numbers["profiles_before_cutoff"] > 0
    assert numbers["h2020_participations"] > 100_000
    assert numbers["dev_queries"] == 30
    assert images(notebook) >= 5


def test_02_evaluate_and_tune(monkeypatch: pytest.MonkeyPatch) -> None:
    notebook = execute("02_evaluate_and_tune.ipynb", monkeypatch)
    assert errors(notebook) == []
    numbers = headline(notebook)
    assert numbers["queries"] == 30
    for name in ("hand_set", "learned"):
        metrics = numbers[name]
        assert set(metrics) >= {"recall@10", "recall@50", "recall@100", "mrr", "ndcg@10"}
        assert all(0.0 <= value <= 1.0 for value in metrics.values())
        assert metrics["recall@10"] <= metrics["recall@50"] <= metrics["recall@100"]
        assert metrics["recall@100"] > 0.0  # real partners are found on the real slice
    assert images(notebook) >= 5


def test_03_case_studies(monkeypatch: pytest.MonkeyPatch) -> None:
    notebook = execute("03_case_studies.ipynb", monkeypatch)
    assert errors(notebook) == []
    numbers = headline(notebook)
    assert 1 <= len(numbers["cases"]) <= 3
    for case in numbers["cases"]:
        assert case["top"] and case["top"] in case["summary"]  # a sentence about the candidate
    assert numbers["max_contribution_gap"] < 1e-6  # contributions sum to the score
    assert images(notebook) >= 3
