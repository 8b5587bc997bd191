"""A filter that leaves most vectors allowed (``exclude_countries``) is searched without an
id selector and filtered after the fact (``engine.first_stage.dense_top``): the selector's
id list is O(N) per request. The slots must be those of the selector search."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from engine import first_stage, index_ivf
from engine.corpus import slot_vector_ids
from engine.index import VectorIndex

DIM = 32
SLOTS = 1500


def fake_view(ivf_above: int) -> Any:
    """The parts of an ``IndexView`` that ``dense_top`` reads: 1-5 distinct clustered
    vectors per slot (no ties), 4 countries."""
    rng = np.random.default_rng(0)
    counts = rng.integers(1, 6, SLOTS)
    ids = slot_vector_ids(np.arange(SLOTS), counts)
    centres = rng.standard_normal((30, DIM))
    vectors = centres[rng.integers(0, 30, len(ids))] + 0.4 * rng.standard_normal((len(ids), DIM))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    index = VectorIndex(DIM, "m", ivf_above=ivf_above)
    index.add(ids, vectors)
    columns = SimpleNamespace(alive=np.ones(SLOTS, bool), n_vectors=counts,
                              country=np.array(["DE", "FR", "IT", "ES"])[np.arange(SLOTS) % 4])
    derived = SimpleNamespace(columns=columns,
                              vector_ids=lambda slots: slot_vector_ids(slots, counts[slots]))
    return SimpleNamespace(corpus=SimpleNamespace(index=index, multilingual=None),
                           derived=derived), vectors


@pytest.mark.parametrize("ivf_above", [100_000, 1000])
def test_an_exclusion_searched_without_a_selector_finds_the_same_slots(
    monkeypatch: pytest.MonkeyPatch, ivf_above: int
) -> None:
    view, vectors = fake_view(ivf_above)
    assert view.corpus.index.kind == ("flat" if ivf_above > 10_000 else "ivf")
    monkeypatch.setattr(first_stage, "SMALL_EXCLUSION", 0)
    # the selector search through IVF too (not an exact scan of the allowed vectors)
    monkeypatch.setattr(index_ivf, "EXACT_BELOW", 0)
    calls: list[bool] = []
    search = VectorIndex.search

    def spy(self: VectorIndex, queries: np.ndarray, k: int,
            allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        calls.append(allowed is not None)
        return search(self, queries, k, allowed)

    monkeypatch.setattr(VectorIndex, "search", spy)
    cols = view.derived.columns
    for country, query in (("DE", vectors[3]), ("FR", vectors[100])):
        mask = cols.alive & (cols.country != country)
        calls.clear()
        fast = first_stage.dense_top(view, query, mask, 40)
        assert calls and not any(calls)  # no id selector
        monkeypatch.setattr(first_stage, "MAJORITY", 1.01)  # force the selector
        calls.clear()
        selected = first_stage.dense_top(view, query, mask, 40)
        assert calls and all(calls)
        monkeypatch.setattr(first_stage, "MAJORITY", 0.5)
        assert len(fast) == 40 and mask[fast].all()
        np.testing.assert_array_equal(fast, selected)
    minority = cols.country == "DE"  # a quarter allowed: the selector
    calls.clear()
    assert minority[first_stage.dense_top(view, vectors[3], minority, 40)].all()
    assert calls and all(calls)
