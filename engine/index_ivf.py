"""The inverted-file (IVF) form of :class:`engine.index.VectorIndex`, used above a size where
an exact scan is too slow (see ``IVF_ABOVE`` there and docs/scale.md).

``faiss.IndexIVFScalarQuantizer`` with 8-bit codes (a quarter of the flat index's memory) and
inner-product metric, its own int64 ids (no ``IndexIDMap``: IVF removals do not shift rows, so
an id map over it would break), and a hash-table direct map so that vectors can be
reconstructed and removed by id. ``nprobe`` (lists visited per search) is calibrated at build
time on stored vectors against an exact scan so that recall@200 reaches ``RECALL_TARGET``.

A filtered search is exact over the allowed vectors when they are few (``EXACT_BELOW``):
an IVF search restricted by an id selector visits only ``nprobe`` lists and may find fewer
than k allowed vectors there. Otherwise it widens ``nprobe`` until k allowed hits come back
(at ``nprobe == nlist`` the search is a full, exact scan of the allowed vectors).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import faiss
import numpy as np

#: recall@200 against exact search that the calibrated ``nprobe`` reaches on stored vectors
RECALL_TARGET = 0.97
#: a filtered search over at most this many allowed vectors scores them all directly
EXACT_BELOW = 5_000
#: calibration: stored vectors used as queries, and the k of the recall
CALIBRATION_QUERIES = 48
CALIBRATION_K = 200


@dataclass(frozen=True)
class IvfParams:
    """The saved shape of an IVF index: its lists and how many a search visits."""

    nlist: int
    nprobe: int
    codec: str = "SQ8"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "ivf", **asdict(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IvfParams:
        return cls(int(data["nlist"]), int(data["nprobe"]), str(data.get("codec", "SQ8")))


def nlist_for(n: int) -> int:
    """Lists for ``n`` vectors: about 2·sqrt(n) (1,200 at 360k, 3,800 at 3.6M), so that a
    list holds ~sqrt(n)/2 vectors and k-means training stays seconds on two cores."""
    return int(max(16, min(2 * math.sqrt(max(n, 1)), 65_536)))


def build(ids: np.ndarray, vectors: np.ndarray, dim: int, *, seed: int = 0
          ) -> tuple[faiss.IndexIVF, IvfParams]:
    """An IVF-SQ8 index of ``vectors`` under ``ids``, trained on a sample of them, with a
    calibrated ``nprobe``."""
    n = len(vectors)
    nlist = nlist_for(n)
    index = faiss.IndexIVFScalarQuantizer(faiss.IndexFlatIP(dim), dim, nlist,
                                          faiss.ScalarQuantizer.QT_8bit,
                                          faiss.METRIC_INNER_PRODUCT)
    index.cp.niter = 10
    index.cp.seed = seed
    rng = np.random.default_rng(seed)
    sample = vectors[np.sort(rng.choice(n, min(n, nlist * 48), replace=False))]
    index.train(np.ascontiguousarray(sample, dtype=np.float32))
    index.set_direct_map_type(faiss.DirectMap.Hashtable)
    index.add_with_ids(vectors, ids)
    queries = vectors[rng.choice(n, min(n, CALIBRATION_QUERIES), replace=False)]
    return index, IvfParams(nlist, calibrate(index, vectors, ids, queries, nlist))


def exact_top(vectors: np.ndarray, ids: np.ndarray, queries: np.ndarray, k: int
              ) -> tuple[np.ndarray, np.ndarray]:
    """Exact top-``k`` (scores, ids) of ``queries`` over ``vectors``, best first."""
    scores = queries @ vectors.T
    k = min(k, len(ids))
    top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    top_scores = np.take_along_axis(scores, top, axis=1)
    order = np.argsort(-top_scores, axis=1, kind="stable")
    return np.take_along_axis(top_scores, order, axis=1), ids[np.take_along_axis(top, order, 1)]


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    """Mean share of each row of ``truth`` (ids) that the same row of ``found`` holds."""
    hits = [len(np.intersect1d(f[f >= 0], t[t >= 0])) / max(int((t >= 0).sum()), 1)
            for f, t in zip(found, truth, strict=True)]
    return float(np.mean(hits)) if hits else 1.0


def calibrate(index: faiss.IndexIVF, vectors: np.ndarray, ids: np.ndarray,
              queries: np.ndarray, nlist: int, k: int = CALIBRATION_K) -> int:
    """The smallest power-of-two ``nprobe`` whose recall@k against an exact scan reaches
    ``RECALL_TARGET`` on ``queries`` (``nlist`` if none does).

    Ties count: a found vector is a hit when its exact score reaches the k-th best exact
    score. Corpora hold many identical vectors (every partner of a project lists its text),
    and which copy a search returns is arbitrary."""
    k = min(k, len(ids))
    kth = np.concatenate([exact_top(vectors[s : s + 200_000], ids[s : s + 200_000], queries,
                                    k)[0] for s in range(0, len(vectors), 200_000)], axis=1)
    kth = -np.partition(-kth, k - 1, axis=1)[:, k - 1]
    order = np.argsort(ids)
    nprobe = 8
    while nprobe < nlist:
        _, found = index.search(queries, k, params=faiss.SearchParametersIVF(nprobe=nprobe))
        hits = []
        for query, row, floor in zip(queries, found, kth, strict=True):
            rows = order[np.searchsorted(ids, row[row >= 0], sorter=order)]
            hits.append(float((vectors[rows] @ query >= floor - 1e-5).sum()) / k)
        if float(np.mean(hits)) >= RECALL_TARGET:
            return nprobe
        nprobe *= 2
    return nlist


def search(index: faiss.IndexIVF, params: IvfParams, queries: np.ndarray, k: int,
           allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Top-``k`` (scores, ids) per query; ``k`` allowed hits whenever ``k`` allowed vectors
    exist (see the module docstring)."""
    if allowed is not None and len(allowed) <= EXACT_BELOW:
        vectors = index.reconstruct_batch(allowed)
        return exact_top(vectors, allowed, queries, k)
    selector = faiss.IDSelectorBatch(allowed) if allowed is not None else None
    want = min(k, len(allowed) if allowed is not None else int(index.ntotal))
    nprobe = params.nprobe
    while True:
        scores, ids = index.search(
            queries, k, params=faiss.SearchParametersIVF(sel=selector, nprobe=nprobe))
        if nprobe >= params.nlist or int((ids >= 0).sum(axis=1).min()) >= want:
            return scores, ids
        nprobe = min(params.nlist, nprobe * 4)


def remove(index: faiss.IndexIVF, ids: np.ndarray) -> int:
    """Remove ``ids`` (absent ones ignored); the hash-table direct map needs an array
    selector."""
    return int(index.remove_ids(faiss.IDSelectorArray(ids)))


def stored_ids(index: faiss.IndexIVF) -> np.ndarray:
    """Every stored id, list by list."""
    lists = index.invlists
    parts = [faiss.rev_swig_ptr(lists.get_ids(i), lists.list_size(i)).copy()
             for i in range(index.nlist) if lists.list_size(i)]
    return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, np.int64)
