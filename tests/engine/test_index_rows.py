"""The row store beside an IVF index (``engine.index_ivf.RowStore``): scores and vectors
agree with the IVF's own codes within the codec error, writes keep it in sync with the
lists, and it survives a save and load (and is rebuilt for a save from before it)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from engine import index_ivf
from engine.index import MANIFEST_FILE, ROWS_FILE, ROWS_META_FILE, VectorIndex
from engine.index_ivf import RowStore
from tests.engine.test_index_ivf import clustered as ivf_vectors

DIM = 64


def clustered(n: int, seed: int = 0) -> np.ndarray:
    return ivf_vectors(n, seed, dim=DIM)


IDS = (np.arange(3000, dtype=np.int64) << 16) + 7
VECTORS = clustered(3000)


@pytest.fixture
def ivf() -> VectorIndex:
    index = VectorIndex(DIM, "m", ivf_above=1000)
    index.add(IDS, VECTORS)
    assert index.kind == "ivf"
    return index


def in_sync(index: VectorIndex) -> None:
    """The row store holds exactly the IVF's ids, with vectors matching its codes."""
    stored = np.sort(index_ivf.stored_ids(index._index))
    np.testing.assert_array_equal(index.ids(), stored)
    some = stored[:: max(1, len(stored) // 200)]
    np.testing.assert_allclose(index.reconstruct(some), index._index.reconstruct_batch(some),
                               atol=0.03)


def test_codec_is_exact_to_half_a_step() -> None:
    low, step = index_ivf.code_range(VECTORS)
    decoded = index_ivf.decode(index_ivf.encode(VECTORS, low, step), low, step)
    assert np.abs(decoded - VECTORS).max() <= step.max() / 2 + 1e-6
    query = VECTORS[0]
    codes = index_ivf.encode(VECTORS[:50], low, step)
    np.testing.assert_allclose(index_ivf.code_scores(codes, low, step, query, np.arange(50)),
                               decoded[:50] @ query, atol=1e-5)


def test_scores_match_the_ivf_codes_and_the_exact_vectors(ivf: VectorIndex) -> None:
    query = clustered(1, seed=3)[0]
    pool = IDS[np.random.default_rng(1).choice(3000, 500, replace=False)]
    scores = ivf.similarities(query, pool)
    exact = VECTORS[(pool - 7) >> 16] @ query
    from_ivf = ivf._index.reconstruct_batch(pool) @ query
    # two 8-bit codecs at dimension 64: each within ~1e-2 of the exact cosine
    assert np.abs(scores - exact).max() < 0.02
    assert np.abs(scores - from_ivf).max() < 0.03
    np.testing.assert_allclose(ivf.reconstruct(pool[:5]) @ query, scores[:5], atol=1e-5)


def test_add_remove_replace_keep_rows_in_sync(ivf: VectorIndex) -> None:
    assert ivf.remove(np.array([IDS[0], IDS[1], 12345])) == 2
    in_sync(ivf)
    new = VECTORS[100:103]  # in the built range (values outside it are clipped)
    ivf.add(IDS[5:8], new)  # replace
    fresh = np.array([(5000 << 16) + 1, (5001 << 16) + 1], dtype=np.int64)
    ivf.add(fresh, VECTORS[200:202])  # new ids, between and after the old ones
    assert len(ivf) == 3000 and len(ivf._rows) == 3000
    in_sync(ivf)
    np.testing.assert_allclose(ivf.reconstruct(IDS[5:8]), new, atol=0.02)
    assert ivf.similarities(new[1], IDS[6:7])[0] == pytest.approx(1.0, abs=0.02)
    ivf.remove(IDS[:1500])  # past the dead share: the rows are compacted
    assert ivf._rows.used == len(ivf._rows) == len(ivf) == 1502
    in_sync(ivf)
    copy = ivf.copy()
    copy.remove(fresh)
    assert len(ivf._rows) == 1502 and len(copy._rows) == 1500


def test_filtered_exact_search_reads_the_rows(ivf: VectorIndex) -> None:
    allowed = IDS[::50]
    query = clustered(1, seed=9)
    scores, ids = ivf.search(query, 10, allowed)
    exact = VECTORS[::50] @ query[0]
    np.testing.assert_array_equal(ids[0], allowed[np.argsort(-exact)[:10]])
    assert np.abs(scores[0] - np.sort(exact)[::-1][:10]).max() < 0.02


def test_save_load_round_trip(ivf: VectorIndex, tmp_path: Path) -> None:
    ivf.remove(IDS[:3])
    ivf.add(IDS[:1], VECTORS[:1])  # appended out of id order: saved in id order
    ivf.save(tmp_path, fingerprint="f")
    manifest = json.loads((tmp_path / MANIFEST_FILE).read_text())
    assert manifest["index"]["rows"] == {"codes": ROWS_FILE, "ids": ROWS_META_FILE,
                                         "codec": "u8-range"}
    loaded, _ = VectorIndex.load(tmp_path)
    np.testing.assert_array_equal(loaded.ids(), ivf.ids())
    pool = ivf.ids()[::7]
    query = VECTORS[11]
    np.testing.assert_array_equal(loaded.similarities(query, pool), ivf.similarities(query, pool))
    loaded.add(IDS[1:2], VECTORS[1:2])
    in_sync(loaded)


def test_a_save_without_rows_rebuilds_them(ivf: VectorIndex, tmp_path: Path) -> None:
    ivf.save(tmp_path, fingerprint="f")
    manifest = json.loads((tmp_path / MANIFEST_FILE).read_text())
    del manifest["index"]["rows"]
    (tmp_path / MANIFEST_FILE).write_text(json.dumps(manifest))
    (tmp_path / ROWS_FILE).unlink()
    loaded, _ = VectorIndex.load(tmp_path)
    in_sync(loaded)
    query = VECTORS[3]
    assert np.abs(loaded.similarities(query, IDS) - VECTORS @ query).max() < 0.03


def test_a_flat_save_over_an_ivf_one_drops_the_rows(ivf: VectorIndex, tmp_path: Path) -> None:
    ivf.save(tmp_path, fingerprint="f")
    flat = VectorIndex(DIM, "m")
    flat.add(IDS[:10], VECTORS[:10])
    flat.save(tmp_path, fingerprint="f")
    assert not (tmp_path / ROWS_FILE).exists() and not (tmp_path / ROWS_META_FILE).exists()
    assert VectorIndex.load(tmp_path)[0].kind == "flat"


def test_an_empty_store_grows() -> None:
    low, step = index_ivf.code_range(VECTORS)
    store = RowStore(np.empty((0, DIM), np.uint8), np.zeros(0, np.int64),
                     np.zeros(0, np.int64), low, step)
    store.add(IDS[10:20][::-1].copy(), VECTORS[10:20][::-1].copy())
    store.add(IDS[:10], VECTORS[:10])
    np.testing.assert_array_equal(store.ids, IDS[:20])
    np.testing.assert_allclose(store.vectors(IDS[:20]), VECTORS[:20], atol=0.02)
