from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from engine.errors import IndexMismatchError
from engine.index import INDEX_FILE, MANIFEST_FILE, VectorIndex

DIM = 16


def unit_vectors(n: int, seed: int = 0) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((n, DIM)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.fixture
def index() -> VectorIndex:
    index = VectorIndex(DIM, "test-model")
    index.add(np.arange(200, dtype=np.int64) * 3 + 5, unit_vectors(200))
    return index


def test_search_finds_a_stored_vector_first(index: VectorIndex) -> None:
    vectors = unit_vectors(200)
    scores, ids = index.search(vectors[17], 5)
    assert ids.shape == (1, 5)
    assert ids[0, 0] == 17 * 3 + 5
    assert scores[0, 0] == pytest.approx(1.0, abs=1e-5)
    assert np.all(np.diff(scores[0]) <= 0)


def test_add_replaces_an_existing_id(index: VectorIndex) -> None:
    new = unit_vectors(1, seed=99)
    index.add(np.array([5]), new)
    assert len(index) == 200
    np.testing.assert_allclose(index.reconstruct(np.array([5])), new)
    scores, ids = index.search(new[0], 1)
    assert ids[0, 0] == 5 and scores[0, 0] == pytest.approx(1.0, abs=1e-5)


def test_remove_by_id_ignores_absent_ids(index: VectorIndex) -> None:
    assert index.remove(np.array([5, 8, 123456])) == 2
    assert len(index) == 198
    assert 5 not in set(index.ids()) and 8 not in set(index.ids())
    _, ids = index.search(unit_vectors(200)[0], 200)
    assert 5 not in set(ids[0])
    assert index.remove(np.array([], dtype=np.int64)) == 0


def test_add_checks_shapes_and_duplicates() -> None:
    index = VectorIndex(DIM, "m")
    with pytest.raises(ValueError, match="shape"):
        index.add(np.array([1]), np.zeros((1, DIM + 1), np.float32))
    with pytest.raises(ValueError, match="ids for"):
        index.add(np.array([1, 2]), unit_vectors(1))
    with pytest.raises(ValueError, match="duplicate"):
        index.add(np.array([1, 1]), unit_vectors(2))


def test_search_on_an_empty_index_or_k_zero_returns_nothing() -> None:
    scores, ids = VectorIndex(DIM, "m").search(unit_vectors(1)[0], 5)
    assert ids.shape == (1, 0) and scores.shape == (1, 0)
    index = VectorIndex(DIM, "m")
    index.add(np.array([1]), unit_vectors(1))
    assert index.search(unit_vectors(1)[0], 0)[1].shape == (1, 0)
    assert index.search(unit_vectors(1)[0], 5, np.array([], np.int64))[1].shape == (1, 0)


@pytest.mark.parametrize("k", [1, 5, 10])
def test_filtered_search_returns_exactly_k_allowed_hits(index: VectorIndex, k: int) -> None:
    vectors = unit_vectors(200)
    query = vectors[0]
    # allow the ten ids that are *least* like the query: a post-filter of a top-k would miss
    # them all; the selection inside faiss must still find k
    order = np.argsort(vectors @ query)
    allowed = np.arange(200, dtype=np.int64)[order[:10]] * 3 + 5
    scores, ids = index.search(query, k, allowed)
    assert ids.shape == (1, k)
    assert set(ids[0]) <= set(allowed)
    assert np.all(ids[0] >= 0)
    expected = allowed[np.argsort(-(index.reconstruct(allowed) @ query))][:k]
    assert list(ids[0]) == list(expected)


def test_filtered_search_with_fewer_allowed_than_k(index: VectorIndex) -> None:
    allowed = np.array([5, 8, 11])
    _, ids = index.search(unit_vectors(200)[0], 10, allowed)
    assert sorted(ids[0]) == [5, 8, 11]


def test_save_load_round_trip(tmp_path: Path, index: VectorIndex) -> None:
    index.save(tmp_path, fingerprint="abc", extra={"profiles": 7})
    loaded, manifest = VectorIndex.load(tmp_path, model_id="test-model", dim=DIM)
    assert manifest["fingerprint"] == "abc" and manifest["profiles"] == 7
    assert manifest["count"] == 200
    assert len(loaded) == 200
    np.testing.assert_array_equal(np.sort(loaded.ids()), np.sort(index.ids()))
    query = unit_vectors(3, seed=5)
    for a, b in zip(index.search(query, 7), loaded.search(query, 7), strict=True):
        np.testing.assert_array_equal(a, b)
    # still mutable after load
    loaded.remove(np.array([5]))
    assert len(loaded) == 199
    assert not list(tmp_path.glob(".*tmp-*"))


def test_loading_with_another_model_says_to_rebuild(tmp_path: Path, index: VectorIndex) -> None:
    index.save(tmp_path, fingerprint="x")
    with pytest.raises(IndexMismatchError, match="rebuild") as info:
        VectorIndex.load(tmp_path, model_id="other-model", dim=DIM)
    assert "test-model" in str(info.value) and "other-model" in str(info.value)


def test_loading_with_another_dimension_says_to_rebuild(
    tmp_path: Path, index: VectorIndex
) -> None:
    index.save(tmp_path, fingerprint="x")
    with pytest.raises(IndexMismatchError, match="rebuild") as info:
        VectorIndex.load(tmp_path, model_id="test-model", dim=DIM * 2)
    assert str(DIM * 2) in str(info.value)


def test_manifest_count_mismatch_is_detected(tmp_path: Path, index: VectorIndex) -> None:
    index.save(tmp_path, fingerprint="x")
    manifest = json.loads((tmp_path / MANIFEST_FILE).read_text())
    manifest["count"] = 201
    (tmp_path / MANIFEST_FILE).write_text(json.dumps(manifest))
    with pytest.raises(IndexMismatchError, match="rebuild"):
        VectorIndex.load(tmp_path)


def test_missing_index_or_other_format_is_reported(tmp_path: Path, index: VectorIndex) -> None:
    with pytest.raises(IndexMismatchError, match="no index"):
        VectorIndex.load(tmp_path / "nowhere")
    index.save(tmp_path, fingerprint="x")
    (tmp_path / INDEX_FILE).unlink()
    with pytest.raises(IndexMismatchError, match="no index"):
        VectorIndex.load(tmp_path)
    index.save(tmp_path, fingerprint="x")
    manifest = json.loads((tmp_path / MANIFEST_FILE).read_text())
    manifest["format"] = 99
    (tmp_path / MANIFEST_FILE).write_text(json.dumps(manifest))
    with pytest.raises(IndexMismatchError, match="format"):
        VectorIndex.load(tmp_path)
