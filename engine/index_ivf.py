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

Beside the lists, a :class:`RowStore` keeps every vector as 8-bit codes in a numpy array
addressed by row, with the id -> row map as two sorted arrays. An IVF index gives stored
vectors back one id at a time (``reconstruct_batch`` over its hash-table direct map: 90-230 ms
for 20k vectors under load); scoring a candidate pool from the row store is one gather and
matrix-vector products (~2 ms for 20k vectors, docs/scale.md). Its codec is per dimension
(the range of the vectors it was built from, widened by ``RANGE_MARGIN``; values outside are
clipped): cosine error ~1e-3 at dimension 384, like the IVF's own SQ8 codes."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

import faiss
import numpy as np

from engine.atomic import atomic_write

#: recall@200 against exact search that the calibrated ``nprobe`` reaches (on :func:`probes`)
RECALL_TARGET = 0.97
#: a filtered search over at most this many allowed vectors scores them all directly
EXACT_BELOW = 5_000
#: calibration: queries (:func:`probes`), and the k of the recall
CALIBRATION_QUERIES = 48
CALIBRATION_K = 200
#: the row store's per-dimension range is the built vectors' range widened by this share
RANGE_MARGIN = 0.2
#: the row store compacts its rows when this share of them is dead (removed or replaced)
DEAD_SHARE = 0.25
#: rows scored per product: small products stay on one BLAS thread and in cache. Measured
#: for 20k rows of 384 dims on the loaded 2-core machine: 2.0 ms in chunks of 512, 2.6 ms of
#: 1,024, 76 ms of 2,048 (BLAS goes multithreaded and its threads spin against the load),
#: 13-16 ms in one product
SCORE_CHUNK = 512
#: rows encoded or written per step (bounds the float32 temporaries of a build or a save)
CHUNK = 65_536


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


def build(ids: np.ndarray, vectors: np.ndarray, dim: int, *, seed: int = 0,
          expected: int = 0) -> tuple[faiss.IndexIVF, IvfParams]:
    """An IVF-SQ8 index of ``vectors`` under ``ids``, trained on a sample of them, with
    ``nprobe`` calibrated on them; lists sized for ``expected`` vectors if more (the rest
    added later, scattered over the lists alike)."""
    n = len(vectors)
    nlist = nlist_for(max(n, expected))
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
    return index, IvfParams(nlist, calibrate(index, vectors, ids, probes(vectors, rng), nlist))


def probes(vectors: np.ndarray, rng: np.random.Generator,
           n: int = CALIBRATION_QUERIES) -> np.ndarray:
    """Calibration queries: the normalised midpoints of pairs of stored vectors. A request is
    no stored text; a stored vector as query finds itself and its copies (every partner of a
    project embeds its text) and overstates recall: calibrated that way, nprobe 8 reached
    0.97 on the 300k corpus and real requests got 0.942."""
    mid = vectors[rng.choice(len(vectors), size=(min(n, len(vectors)), 2))].sum(axis=1)
    return (mid / np.maximum(np.linalg.norm(mid, axis=1, keepdims=True), 1e-12)).astype("f4")


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


def search(index: faiss.IndexIVF, params: IvfParams, rows: RowStore, queries: np.ndarray,
           k: int, allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Top-``k`` (scores, ids) per query; ``k`` allowed hits whenever ``k`` allowed vectors
    exist (see the module docstring). Few allowed vectors are read from ``rows``."""
    if allowed is not None and len(allowed) <= EXACT_BELOW:
        return exact_top(rows.vectors(allowed), allowed, queries, k)
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


def code_range(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-dimension (minimum, step) of 8-bit codes covering ``vectors`` with a margin."""
    low, high = vectors.min(axis=0), vectors.max(axis=0)
    pad = (high - low) * RANGE_MARGIN / 2
    low, high = low - pad, high + pad
    return low.astype(np.float32), (np.maximum(high - low, 1e-6) / 255).astype(np.float32)


def encode(vectors: np.ndarray, low: np.ndarray, step: np.ndarray) -> np.ndarray:
    """8-bit codes of ``vectors`` (values outside the range are clipped)."""
    return np.clip(np.rint((vectors - low) / step - 0.5), 0, 255).astype(np.uint8)


def decode(codes: np.ndarray, low: np.ndarray, step: np.ndarray) -> np.ndarray:
    """The vectors of ``codes`` (each value at the middle of its step)."""
    return (codes.astype(np.float32) + 0.5) * step + low


def code_scores(codes: np.ndarray, low: np.ndarray, step: np.ndarray, query: np.ndarray,
                rows: np.ndarray) -> np.ndarray:
    """``decode(codes[rows]) @ query`` without decoding: the codes times ``step * query``
    plus a constant, ``SCORE_CHUNK`` rows at a time."""
    weights = (step * query).astype(np.float32)
    constant = np.float32((low + 0.5 * step) @ query)
    out = np.empty(len(rows), dtype=np.float32)
    for start in range(0, len(rows), SCORE_CHUNK):
        chunk = codes[rows[start : start + SCORE_CHUNK]].astype(np.float32)
        out[start : start + SCORE_CHUNK] = chunk @ weights + constant
    return out


def present_in(sorted_ids: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(where each of ``ids`` is or would be in ``sorted_ids``, clipped to its last index;
    whether it is there)."""
    if not len(sorted_ids):
        return np.zeros(len(ids), np.int64), np.zeros(len(ids), dtype=bool)
    where = np.minimum(np.searchsorted(sorted_ids, ids), len(sorted_ids) - 1)
    return where, sorted_ids[where] == ids


#: Spare rows a row store keeps after a load or a compaction (at least this many, or an
#: eighth of its rows): without them the first write copies every code (1.3 GiB at 1M).
SPARE = 1024


def _spare(rows: int) -> int:
    return rows + max(SPARE, rows // 8)


class RowStore:
    """Every vector of an IVF index as 8-bit codes, by row; ids map to rows through sorted
    arrays (``ids`` ascending, ``rows`` theirs). Writes append rows and insert into the map
    (O(N) memmoves, no sort); removals leave dead rows, compacted past ``DEAD_SHARE``."""

    def __init__(self, codes: np.ndarray, ids: np.ndarray, rows: np.ndarray,
                 low: np.ndarray, step: np.ndarray, used: int | None = None):
        self.codes, self.ids, self.rows = codes, ids, rows
        self.low, self.step = low, step
        self.used = len(ids) if used is None else used  # rows written, dead ones included

    @classmethod
    def build(cls, ids: np.ndarray, vectors: np.ndarray) -> RowStore:
        """The store of ``vectors`` under ``ids`` (distinct), rows in id order."""
        order = np.argsort(ids, kind="stable")
        low, step = code_range(vectors)
        codes = np.empty((len(ids), vectors.shape[1]), np.uint8)
        for start in range(0, len(ids), CHUNK):
            codes[start : start + CHUNK] = encode(vectors[order[start : start + CHUNK]], low,
                                                  step)
        return cls(codes, ids[order].astype(np.int64), np.arange(len(ids), dtype=np.int64),
                   low, step)

    def __len__(self) -> int:
        return len(self.ids)

    def copy(self) -> RowStore:
        return RowStore(self.codes.copy(), self.ids.copy(), self.rows.copy(), self.low,
                        self.step, self.used)

    def row_of(self, ids: np.ndarray) -> np.ndarray:
        """The rows of ``ids`` (which must all be present)."""
        return self.rows[np.searchsorted(self.ids, ids)]

    def present(self, ids: np.ndarray) -> np.ndarray:
        return present_in(self.ids, ids)[1]

    def scores(self, query: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """Cosine of ``query`` with the vectors of ``ids`` (all present), in order."""
        query = np.asarray(query, dtype=np.float32).reshape(-1)
        return code_scores(self.codes, self.low, self.step, query, self.row_of(ids))

    def vectors(self, ids: np.ndarray) -> np.ndarray:
        """The (decoded) vectors of ``ids`` (all present)."""
        return decode(self.codes[self.row_of(ids)], self.low, self.step)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Append ``vectors`` under ``ids`` (distinct, none present)."""
        if self.used + len(ids) > len(self.codes):
            grown = np.empty((max(self.used + len(ids), len(self.codes) * 3 // 2 + 1024),
                              self.codes.shape[1]), np.uint8)
            grown[: self.used] = self.codes[: self.used]
            self.codes = grown
        new_rows = np.arange(self.used, self.used + len(ids), dtype=np.int64)
        self.codes[self.used : self.used + len(ids)] = encode(vectors, self.low, self.step)
        self.used += len(ids)
        order = np.argsort(ids)
        where = np.searchsorted(self.ids, ids[order])
        self.ids = np.insert(self.ids, where, ids[order])
        self.rows = np.insert(self.rows, where, new_rows[order])

    def remove(self, ids: np.ndarray) -> None:
        """Forget ``ids`` (absent ones ignored); their rows die until a compaction."""
        where, found = present_in(self.ids, ids)
        if not found.any():
            return
        keep = np.ones(len(self.ids), dtype=bool)
        keep[where[found]] = False
        self.ids, self.rows = self.ids[keep], self.rows[keep]
        if self.used - len(self.ids) > DEAD_SHARE * max(self.used, 1024):
            self.compact()

    def compact(self) -> None:
        """Rows in id order, without dead ones (and spare rows after them)."""
        codes = np.empty((_spare(len(self.ids)), self.codes.shape[1]), np.uint8)
        for start in range(0, len(self.ids), CHUNK):
            rows = self.rows[start : start + CHUNK]
            codes[start : start + len(rows)] = self.codes[rows]
        self.codes = codes
        self.rows = np.arange(len(self.ids), dtype=np.int64)
        self.used = len(self.ids)

    def save(self, codes_path: Path, meta_path: Path) -> None:
        """The codes in id order (``.npy``, written in chunks: no copy of the store) and the
        ids and codec (``.npz``), each atomically."""
        def write_codes(handle: IO[bytes]) -> None:
            header = {"descr": np.lib.format.dtype_to_descr(np.dtype(np.uint8)),
                      "fortran_order": False, "shape": (len(self.ids), self.codes.shape[1])}
            np.lib.format.write_array_header_2_0(handle, header)
            for start in range(0, len(self.ids), CHUNK):
                handle.write(self.codes[self.rows[start : start + CHUNK]].tobytes())

        atomic_write(codes_path, write_codes)
        atomic_write(meta_path, lambda handle: np.savez(handle, ids=self.ids, low=self.low,
                                                       step=self.step))

    @classmethod
    def load(cls, codes_path: Path, meta_path: Path) -> RowStore:
        with np.load(meta_path) as meta:
            ids, low, step = meta["ids"], meta["low"], meta["step"]
        with open(codes_path, "rb") as handle:  # read into a buffer with spare rows
            np.lib.format.read_magic(handle)
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(handle)
            if shape[0] != len(ids) or fortran or dtype != np.uint8:
                raise ValueError(f"{codes_path} holds {shape} {dtype} for {len(ids)} ids")
            codes = np.empty((_spare(shape[0]), shape[1]), np.uint8)
            if handle.readinto(memoryview(codes[: shape[0]]).cast("B")) != shape[0] * shape[1]:
                raise ValueError(f"{codes_path} is truncated")
        return cls(codes, ids, np.arange(len(ids), dtype=np.int64), low, step, len(ids))


def rows_of(index: faiss.IndexIVF) -> RowStore:
    """A row store rebuilt from an IVF index's own codes (a save from before the store)."""
    ids = np.sort(stored_ids(index))
    low, step = code_range(index.reconstruct_batch(ids[:: max(1, len(ids) // 50_000)]))
    codes = np.empty((_spare(len(ids)), index.d), np.uint8)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        codes[start : start + len(chunk)] = encode(index.reconstruct_batch(chunk), low, step)
    return RowStore(codes, ids, np.arange(len(ids), dtype=np.int64), low, step, len(ids))
