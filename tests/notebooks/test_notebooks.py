"""The research notebooks run top to bottom, headless, on the committed slice of the real data.

Each notebook is executed with nbclient in a fresh kernel whose working directory is a
temporary folder, not ``notebooks/``: the notebooks take their paths from the package
(``engine.cli_args.DEFAULT_DATA`` and ``DEFAULT_CACHE``), so they run from anywhere.
``PARTNER_SEARCH_NOTEBOOK_SLICE=1`` points them at ``tests/data/slice/`` with small limits.
The executed copy stays in memory: the committed notebooks keep the outputs of their
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
METRICS = {"recall@10", "recall@50", "recall@100", "mrr", "ndcg@10"}


def execute(name: str, monkeypatch: pytest.MonkeyPatch, cwd: Path) -> Any:
    """Run ``notebooks/<name>`` on the slice from the working directory ``cwd``; return the
    executed notebook (not saved)."""
    monkeypatch.setenv("PARTNER_SEARCH_NOTEBOOK_SLICE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(cwd)}},
    )
    client.execute()  # raises CellExecutionError, naming the cell, if any cell fails
    assert list(cwd.iterdir()) == [], "a notebook wrote into its working directory"
    return notebook


def errors(notebook: Any) -> list[str]:
    return [
        f"{output.get('ename')}: {output.get('evalue')}"
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if output.output_type == "error"
    ]


def tagged(notebook: Any, tag: str) -> list[Any]:
    return [c for c in notebook.cells if tag in c.get("metadata", {}).get("tags", [])]


def headline(notebook: Any) -> dict[str, Any]:
    """The JSON object printed by the cell tagged ``headline``."""
    cells = tagged(notebook, "headline")
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


def plausible(metrics: dict[str, float]) -> None:
    assert set(metrics) >= METRICS
    assert all(0.0 <= metrics[m] <= 1.0 for m in METRICS)
    assert metrics["recall@10"] <= metrics["recall@50"] <= metrics["recall@100"]
    assert metrics["recall@100"] > 0.0  # real partners are found on the real slice


def test_01_data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    notebook = execute("01_data.ipynb", monkeypatch, tmp_path)
    assert errors(notebook) == []
    numbers = headline(notebook)
    assert numbers["projects"] > numbers["projects_before_cutoff"] > 0
    assert numbers["profiles"] >= numbers["profiles_before_cutoff"] > 0
    assert numbers["h2020_participations"] > 100_000
    assert numbers["dev_queries"] == 30
    assert images(notebook) >= 5


def test_02_evaluate_and_tune(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    notebook = execute("02_evaluate_and_tune.ipynb", monkeypatch, tmp_path)
    assert errors(notebook) == []
    numbers = headline(notebook)

    # every tuning number comes from the validation split: the 45 projects of the slice that
    # start in the half year before the dev cut-off, none of them a dev query
    tuning = numbers["tuning"]
    assert tuning["split"] == "validation"
    assert (tuning["from"], tuning["to"]) == ("2023-07-03", "2024-01-01")
    assert tuning["queries"] == 45
    assert tuning["dev_queries_among_them"] == 0
    for name in ("hand_set", "learned"):
        plausible(tuning[name])
    assert all(0.0 < tuning["stderr"][m] < 0.2 for m in METRICS)  # standard errors shown
    for m in METRICS:
        change = tuning["learned_minus_hand"][m]
        assert change["diff"] == pytest.approx(tuning["learned"][m] - tuning["hand_set"][m],
                                               abs=2e-4)
        assert change["stderr"] >= 0.0

    # the dev queries are read in one cell, the last section, after every tuning cell
    dev_cells = tagged(notebook, "dev")
    assert len(dev_cells) == 1
    code = [c for c in notebook.cells if c.cell_type == "code"]
    position = code.index(dev_cells[0])
    assert "DEV_QUERIES" in dev_cells[0].source
    assert not any("DEV_QUERIES" in c.source or "dev_queries" in c.source
                   for c in code[1:position]), "a tuning cell reads the dev queries"
    dev = numbers["dev"]
    assert dev["queries"] == 30
    plausible(dev["learned"])
    assert all(0.0 < dev["stderr"][m] < 0.3 for m in METRICS)
    assert images(notebook) >= 5


def test_03_case_studies(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    notebook = execute("03_case_studies.ipynb", monkeypatch, tmp_path)
    assert errors(notebook) == []
    numbers = headline(notebook)
    assert 1 <= len(numbers["cases"]) <= 3
    for case in numbers["cases"]:
        assert case["top"] and case["top"] in case["summary"]  # a sentence about the candidate
    assert numbers["max_contribution_gap"] < 1e-6  # contributions sum to the score
    assert images(notebook) >= 3


def test_04_add_a_signal(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    notebook = execute("04_add_a_signal.ipynb", monkeypatch, tmp_path)
    assert errors(notebook) == []
    assert not any("DEV_QUERIES" in c.source or "dev_queries.csv" in c.source
                   for c in notebook.cells if c.cell_type == "code")  # validation only
    numbers = headline(notebook)
    assert numbers["split"] == "validation"
    assert numbers["signal"] == "partner_country_share"
    assert numbers["queries"] == 25  # LIMIT on the slice
    # one per-query row per query and method
    assert numbers["per_query_rows"] == numbers["queries"] * numbers["methods"]
    assert numbers["methods"] >= 5
    assert isinstance(numbers["learned_weight"], float)  # the fusion was retrained with it
    plausible(numbers["shipped"])
    plausible(numbers["with_signal"])
    for m in METRICS:  # the paired difference is B - A over the same queries
        change = numbers["paired"][m]
        assert change["diff"] == pytest.approx(
            numbers["with_signal"][m] - numbers["shipped"][m], abs=2e-4)
        assert change["stderr"] >= 0.0
    assert numbers["verdict"] in {"helps", "hurts", "trade-off", "no clear effect"}
    assert images(notebook) >= 1
