"""The IVF form of ``VectorIndex``: recall against flat, filtered search, writes by id and
the saved kind."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from engine import index_ivf
from engine.index import MANIFEST_FILE, VectorIndex

DIM = 16


def clustered(n: int, seed: int = 0, dim: int = DIM) -> np.ndarray:
    """Unit vectors around 40 centres (text embeddings cluster; uniform noise does not)."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((40, dim))
    vectors = centres[rng.integers(0, 40, n)] + 0.35 * rng.standard_normal((n, dim))
    vectors = vectors.astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


IDS = (np.arange(3000, dtype=np.int64) << 16) + 1


@pytest.fixture
def pair() -> tuple[VectorIndex, VectorIndex]:
    vectors = clustered(3000)
    flat = VectorIndex(DIM, "m")
    flat.add(IDS, vectors)
    ivf = VectorIndex(DIM, "m", ivf_above=1000)
    ivf.add(IDS, vectors)
    return flat, ivf


def test_the_kind_follows_the_threshold(pair: tuple[VectorIndex, VectorIndex]) -> None:
    flat, ivf = pair
    assert flat.kind == "flat" and flat.ivf is None
    assert ivf.kind == "ivf" and ivf.ivf is not None and len(ivf) == 3000
    assert sorted(ivf.ids()) == sorted(IDS)


def test_recall_against_flat(pair: tuple[VectorIndex, VectorIndex]) -> None:
    flat, ivf = pair
    queries = clustered(30, seed=5)
    _, truth = flat.search(queries, 50)
    _, found = ivf.search(queries, 50)
    assert index_ivf.recall(found, truth) >= 0.9


def test_a_flat_index_grows_into_ivf_on_the_add_that_crosses() -> None:
    vectors = clustered(3000)
    index = VectorIndex(DIM, "m", ivf_above=2000)
    index.add(IDS[:1500], vectors[:1500])
    assert index.kind == "flat"
    index.add(IDS[1500:], vectors[1500:])
    assert index.kind == "ivf" and len(index) == 3000
    np.testing.assert_allclose(index.reconstruct(IDS[:3]), vectors[:3], atol=0.02)


def test_a_build_in_parts_sizes_its_lists_for_the_whole() -> None:
    """Added in parts, the index that turns IVF on the second part has the lists of the
    expected total (not of the vectors so far), and its recall holds once all are in."""
    vectors = clustered(3000)
    index = VectorIndex(DIM, "m", ivf_above=800)
    for start in range(0, 3000, 600):
        index.add(IDS[start:start + 600], vectors[start:start + 600], expected=3000)
    assert index.ivf is not None and index.ivf.nlist == index_ivf.nlist_for(3000)
    assert index_ivf.nlist_for(1200) < index.ivf.nlist and len(index) == 3000
    flat = VectorIndex(DIM, "m")
    flat.add(IDS, vectors)
    queries = clustered(30, seed=5)
    assert index_ivf.recall(index.search(queries, 50)[1], flat.search(queries, 50)[1]) >= 0.9


def test_calibration_probes_are_no_stored_vector() -> None:
    vectors = clustered(500)
    probes = index_ivf.probes(vectors, np.random.default_rng(0))
    assert probes.shape == (index_ivf.CALIBRATION_QUERIES, DIM)
    np.testing.assert_allclose(np.linalg.norm(probes, axis=1), 1.0, atol=1e-5)
    assert (probes @ vectors.T).max(axis=1).mean() < 0.99  # between stored vectors


@pytest.mark.parametrize("exact_below", [0, 10_000])
def test_filtered_search_returns_k_hits(pair: tuple[VectorIndex, VectorIndex],
                                        monkeypatch: pytest.MonkeyPatch,
                                        exact_below: int) -> None:
    monkeypatch.setattr(index_ivf, "EXACT_BELOW", exact_below)
    flat, ivf = pair
    allowed = IDS[::97]  # 31 scattered vectors: few lists hold any
    query = clustered(1, seed=9)
    _, ids = ivf.search(query, 20, allowed)
    assert (ids[0] >= 0).sum() == 20 and set(ids[0]) <= set(allowed)
    _, truth = flat.search(query, 20, allowed)
    assert index_ivf.recall(ids, truth) >= 0.9
    _, every = ivf.search(query, 100, allowed)
    assert sorted(every[0]) == sorted(allowed)


def test_remove_and_replace_by_id(pair: tuple[VectorIndex, VectorIndex]) -> None:
    _, ivf = pair
    assert ivf.remove(np.array([IDS[0], IDS[1], 12345])) == 2
    assert len(ivf) == 2998
    _, ids = ivf.search(clustered(3000)[0], 100)
    assert IDS[0] not in set(ids[0])
    new = clustered(1, seed=42)
    ivf.add(IDS[5:6], new)
    assert len(ivf) == 2998
    _, ids = ivf.search(new, 1)
    assert ids[0, 0] == IDS[5]
    # decoded from 8-bit codes: coarse at dimension 16 (~1e-3 at 384, docs/scale.md)
    assert ivf.similarities(new[0], IDS[5:6])[0] == pytest.approx(1.0, abs=0.05)


def test_copy_is_independent(pair: tuple[VectorIndex, VectorIndex]) -> None:
    _, ivf = pair
    other = ivf.copy()
    other.remove(IDS[:10])
    assert len(ivf) == 3000 and len(other) == 2990 and other.kind == "ivf"


def test_save_load_keeps_the_kind(pair: tuple[VectorIndex, VectorIndex], tmp_path: Path) -> None:
    flat, ivf = pair
    ivf.save(tmp_path / "ivf", fingerprint="f")
    flat.save(tmp_path / "flat", fingerprint="f")
    manifest = json.loads((tmp_path / "ivf" / MANIFEST_FILE).read_text())
    assert manifest["index"]["kind"] == "ivf" and manifest["index"]["nprobe"] >= 1
    loaded, _ = VectorIndex.load(tmp_path / "ivf")
    assert loaded.kind == "ivf" and loaded.ivf == ivf.ivf and len(loaded) == 3000
    query = clustered(1, seed=3)
    np.testing.assert_array_equal(loaded.search(query, 10)[1], ivf.search(query, 10)[1])
    loaded.remove(IDS[:1])  # still writable by id after a load
    assert len(loaded) == 2999
    old = json.loads((tmp_path / "flat" / MANIFEST_FILE).read_text())
    del old["index"]  # a manifest from before the field: flat
    (tmp_path / "flat" / MANIFEST_FILE).write_text(json.dumps(old))
    assert VectorIndex.load(tmp_path / "flat")[0].kind == "flat"
