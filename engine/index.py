"""``VectorIndex``: exact inner-product search over L2-normed vectors with stable int64 ids.

A thin wrapper over ``faiss.IndexIDMap2(IndexFlatIP)``: vectors are added, replaced and removed
by id without a rebuild; a search can be restricted to a set of ids *inside* faiss (an
``IDSelectorBatch`` in the search parameters), so a filtered search returns k hits whenever k
allowed vectors exist. ``save``/``load`` write a folder with ``vectors.faiss`` and a JSON
``manifest.json`` (model id, dimension, count, data fingerprint), each atomically.

Above ``IVF_ABOVE`` vectors the index turns itself into an inverted file
(:mod:`engine.index_ivf`: IVF with 8-bit scalar codes, ``nprobe`` calibrated for recall@200 of
at least 0.97 against exact search): an exact scan is linear in the corpus (~145 ms per search
at 1M vectors), an IVF search is not. The switch happens in the ``add`` that crosses the
threshold (a build or a write); below it the index is exactly the flat one. The kind is saved
in the manifest (``index``: ``{"kind": "ivf", "nlist", "nprobe", "codec", "rows"}``); a
manifest without it is a flat index. An IVF index keeps a row store of its vectors
(:class:`engine.index_ivf.RowStore`, 8-bit codes) for scoring and reading vectors by id,
saved as ``rows.npy`` (codes in id order) and ``rows.npz`` (ids, codec); an IVF save from
before it rebuilds it from the IVF codes at load. Measurements: docs/scale.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from engine import index_ivf
from engine.atomic import atomic_write, atomic_write_json
from engine.errors import IndexMismatchError
from engine.index_ivf import IvfParams, RowStore

INDEX_FILE = "vectors.faiss"
MANIFEST_FILE = "manifest.json"
#: an IVF index's row store: the codes in id order, and the ids with the codec
ROWS_FILE = "rows.npy"
ROWS_META_FILE = "rows.npz"
FORMAT_VERSION = 1
#: Above this many vectors an index is an IVF one (the bundled corpus, 73k vectors, stays
#: flat). Measured on the shared 2-core machine (docs/scale.md): one exact search for 800
#: results took 13 ms at 50k random vectors, 46 ms at 200k, 62 ms at 400k, linear in N, and a
#: request runs two to four; on the real 73k vectors flat took 67 ms under load where IVF
#: (nlist 539, nprobe 64) took 8 ms at recall@200 0.99 (noisy document queries).
IVF_ABOVE = 200_000


class VectorIndex:
    """Inner-product index over unit vectors; scores are cosine similarities in [-1, 1].

    ``threads`` is the OpenMP thread count for searches. It defaults to 1: a one-query search
    over ~60k vectors took 8 ms on one thread and 75 ms on two when the two cores were busy
    (OpenMP threads spin-wait for each other), and a service runs many searches side by side.
    """

    def __init__(self, dim: int, model_id: str, *, threads: int = 1,
                 ivf_above: int | None = None):
        self.dim = dim
        self.model_id = model_id
        self.threads = threads
        self.ivf_above = IVF_ABOVE if ivf_above is None else ivf_above
        self._index: Any = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
        #: the IVF shape when the index is an IVF one (None: exact, flat)
        self._ivf: IvfParams | None = None
        #: an IVF index's vectors by row (None when flat: the flat storage is read in place)
        self._rows: RowStore | None = None
        #: (sorted ids, their storage rows), rebuilt after a write: removals shift rows
        self._positions: tuple[np.ndarray, np.ndarray] | None = None

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def copy(self) -> VectorIndex:
        """An independent copy (its own faiss storage)."""
        other = VectorIndex(self.dim, self.model_id, threads=self.threads,
                            ivf_above=self.ivf_above)
        other._index = faiss.clone_index(self._index)
        other._ivf = self._ivf
        other._rows = self._rows.copy() if self._rows is not None else None
        return other

    @property
    def kind(self) -> str:
        """``flat`` (exact) or ``ivf``."""
        return "flat" if self._ivf is None else "ivf"

    @property
    def ivf(self) -> IvfParams | None:
        return self._ivf

    def ids(self) -> np.ndarray:
        """All ids, in storage order (ascending for an IVF index)."""
        if self._rows is not None:
            return self._rows.ids.copy()
        return faiss.vector_to_array(self._index.id_map).astype(np.int64)

    def add(self, ids: np.ndarray, vectors: np.ndarray, *, expected: int = 0) -> None:
        """Add vectors under ``ids``; an id already present is replaced. ``expected``: how
        many vectors a build adding in parts will hold in the end (sizes the IVF lists if
        this add makes the index an IVF one)."""
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.dim:
            raise ValueError(f"expected vectors of shape (n, {self.dim}), got {vectors.shape}")
        if len(ids) != len(vectors):
            raise ValueError(f"{len(ids)} ids for {len(vectors)} vectors")
        if len(np.unique(ids)) != len(ids):
            raise ValueError("duplicate ids in one add")
        if len(ids) == 0:
            return
        self.remove(ids if self._ivf is not None else ids[self._present(ids)])
        if self._ivf is None and len(self) + len(ids) > self.ivf_above:
            self._to_ivf(ids, vectors, expected)
        else:
            self._index.add_with_ids(vectors, ids)
            if self._rows is not None:
                self._rows.add(ids, vectors)
        self._positions = None

    def _present(self, ids: np.ndarray) -> np.ndarray:
        """Which ``ids`` the flat index holds: a flat removal rebuilds the id map (O(N)) even
        for absent ids, and a replacing write has usually removed them already."""
        return index_ivf.present_in(self._sorted_positions()[0], ids)[1]

    def _sorted_positions(self) -> tuple[np.ndarray, np.ndarray]:
        if self._positions is None:
            stored = self.ids()
            order = np.argsort(stored, kind="stable")
            self._positions = (stored[order], order)
        return self._positions

    def _to_ivf(self, ids: np.ndarray, vectors: np.ndarray, expected: int) -> None:
        """Become an IVF index holding the stored vectors and ``vectors`` under ``ids``,
        with lists for ``expected`` vectors if more."""
        if len(self):
            flat = faiss.downcast_index(self._index.index)
            stored = faiss.rev_swig_ptr(flat.get_xb(), len(self) * self.dim)
            vectors = np.concatenate([stored.reshape(len(self), self.dim), vectors])
            ids = np.concatenate([self.ids(), ids])
        faiss.omp_set_num_threads(self.threads)
        self._index, self._ivf = index_ivf.build(ids, vectors, self.dim, expected=expected)
        self._rows = RowStore.build(ids, vectors)

    def remove(self, ids: np.ndarray) -> int:
        """Remove the given ids (absent ones are ignored); returns how many were removed."""
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        if len(ids) == 0 or len(self) == 0:
            return 0
        self._positions = None
        if self._ivf is not None:
            assert self._rows is not None
            self._rows.remove(ids)
            return index_ivf.remove(self._index, ids)
        return int(self._index.remove_ids(faiss.IDSelectorBatch(ids)))

    def similarities(self, query: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """Cosine of one query with the stored vectors of ``ids`` (all present), in order.

        faiss reads those rows of the flat storage in place (no gather copy), so scoring a
        candidate pool costs a fraction of a full scan; an IVF index scores its row store's
        8-bit codes (one gather and one product; cosine error ~1e-3).
        """
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        if len(ids) == 0:
            return np.zeros(0, dtype=np.float32)
        if self._rows is not None:
            return self._rows.scores(query, ids)
        sorted_ids, order = self._sorted_positions()
        rows = np.ascontiguousarray(order[np.searchsorted(sorted_ids, ids)], dtype=np.int64)
        query = np.ascontiguousarray(query, dtype=np.float32)
        out = np.empty(len(rows), dtype=np.float32)
        faiss.downcast_index(self._index.index).compute_distance_subset(
            1, faiss.swig_ptr(query), len(rows), faiss.swig_ptr(out), faiss.swig_ptr(rows))
        return out

    def reconstruct(self, ids: np.ndarray) -> np.ndarray:
        """The stored vectors of ``ids`` (which must all be present)."""
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        if len(ids) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self._rows is not None:  # decoded from the row store's 8-bit codes
            return self._rows.vectors(ids)
        return self._index.reconstruct_batch(ids)

    def search(
        self, queries: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` (scores, ids) per query row; missing slots have id -1.

        ``allowed`` restricts the search to those ids inside faiss, so ``k`` hits come back
        whenever ``k`` allowed vectors exist.
        """
        queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        if k <= 0 or len(self) == 0:
            empty = np.zeros((len(queries), 0))
            return empty.astype(np.float32), empty.astype(np.int64)
        params = None
        if allowed is not None:
            allowed = np.ascontiguousarray(allowed, dtype=np.int64)
            if len(allowed) == 0:
                empty = np.zeros((len(queries), 0))
                return empty.astype(np.float32), empty.astype(np.int64)
            k = min(k, len(allowed))
        k = min(k, len(self))
        faiss.omp_set_num_threads(self.threads)  # process-wide in faiss; set on every search
        if self._ivf is not None:
            assert self._rows is not None
            return index_ivf.search(self._index, self._ivf, self._rows, queries, k, allowed)
        if allowed is not None:
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(allowed))
        scores, ids = self._index.search(queries, k, params=params)
        return scores, ids

    def save(self, folder: Path, *, fingerprint: str, extra: dict[str, Any] | None = None) -> None:
        """Write ``vectors.faiss`` then ``manifest.json``, each atomically.

        The manifest is written last, so a folder whose manifest matches its index file is
        complete; ``load`` checks the count against the manifest.
        """
        folder.mkdir(parents=True, exist_ok=True)
        blob = faiss.serialize_index(self._index)
        atomic_write(folder / INDEX_FILE, lambda handle: handle.write(blob.tobytes()))
        shape: dict[str, Any] = {"kind": "flat"}
        if self._ivf is not None:
            assert self._rows is not None
            self._rows.save(folder / ROWS_FILE, folder / ROWS_META_FILE)
            shape = {**self._ivf.to_dict(),
                     "rows": {"codes": ROWS_FILE, "ids": ROWS_META_FILE, "codec": "u8-range"}}
        atomic_write_json(
            folder / MANIFEST_FILE,
            {
                "format": FORMAT_VERSION,
                "model_id": self.model_id,
                "dim": self.dim,
                "count": len(self),
                "fingerprint": fingerprint,
                "index": shape,
                **(extra or {}),
            },
        )
        if self._ivf is None:  # a flat save over an IVF one: its row store is stale
            for name in (ROWS_FILE, ROWS_META_FILE):
                (folder / name).unlink(missing_ok=True)

    @classmethod
    def load(
        cls, folder: Path, *, model_id: str | None = None, dim: int | None = None
    ) -> tuple[VectorIndex, dict[str, Any]]:
        """Read an index folder; refuse one made by another model or dimension."""
        manifest = read_manifest(folder)
        if model_id is not None and manifest["model_id"] != model_id:
            raise IndexMismatchError(
                f"the index in {folder} was built with model {manifest['model_id']!r}, but the "
                f"encoder is {model_id!r}; rebuild it with `partner-search build` or load it "
                "with the model that made it"
            )
        if dim is not None and manifest["dim"] != dim:
            raise IndexMismatchError(
                f"the index in {folder} has dimension {manifest['dim']}, the encoder {dim}; "
                "rebuild it with `partner-search build`"
            )
        index = cls(int(manifest["dim"]), str(manifest["model_id"]))
        index._index = faiss.read_index(str(folder / INDEX_FILE))
        shape = manifest.get("index", {"kind": "flat"})  # older manifests: flat
        if shape.get("kind") == "ivf":
            index._ivf = IvfParams.from_dict(shape)
            rows = shape.get("rows")
            try:
                index._rows = (RowStore.load(folder / rows["codes"], folder / rows["ids"])
                               if rows else index_ivf.rows_of(index._index))
            except ValueError as exc:  # a damaged or truncated row store
                raise IndexMismatchError(f"{exc}; rebuild the index") from exc
            if len(index._rows) != len(index):
                raise IndexMismatchError(
                    f"the row store in {folder} holds {len(index._rows)} vectors, the index "
                    f"{len(index)}; the folder is inconsistent, rebuild it")
        if len(index) != manifest["count"]:
            raise IndexMismatchError(
                f"{folder / INDEX_FILE} holds {len(index)} vectors but its manifest says "
                f"{manifest['count']}; the folder is inconsistent, rebuild it"
            )
        return index, manifest


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of an index folder, or a clear error if there is none."""
    path = folder / MANIFEST_FILE
    if not path.is_file() or not (folder / INDEX_FILE).is_file():
        raise IndexMismatchError(
            f"no index in {folder}; build one with `partner-search build --out {folder}`"
        )
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT_VERSION:
        raise IndexMismatchError(
            f"the index in {folder} has format {manifest.get('format')}, this engine reads "
            f"{FORMAT_VERSION}; rebuild it with `partner-search build`"
        )
    return manifest
