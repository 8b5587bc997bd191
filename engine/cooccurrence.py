"""Incremental upkeep of a co-occurrence matrix ``co = I I^T`` (zero diagonal) when some rows
of the incidence ``I`` change: the collaboration graph's shared-project counts after a write."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def replace_rows(
    co: sp.csr_matrix, incidence: sp.csr_matrix, rows: np.ndarray, n: int
) -> sp.csr_matrix:
    """``co`` (shared-project counts, zero diagonal) grown to n x n, with the rows and columns
    of ``rows`` recomputed from ``incidence``: the rest of co = I I^T is unchanged. Only the
    difference in those rows is formed, so the cost beyond them is one sparse addition."""
    co = grown(co, (n, n))
    if len(rows) == 0:
        return co
    fresh = (incidence[rows] @ incidence.T).tocsr().astype(np.float32)  # |rows| x n
    own_row = np.repeat(np.arange(len(rows)), np.diff(fresh.indptr))
    fresh.data[fresh.indices == rows[own_row]] = 0.0  # no self-links
    diff = (fresh - co[rows]).tocsr()  # |rows| x n
    inside = np.zeros(n, dtype=np.float32)
    inside[rows] = 1.0
    place = sp.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, np.arange(len(rows)))), shape=(n, len(rows))
    )
    in_rows = place @ diff  # n x n, non-zero only in `rows`
    # the block rows x rows is in both in_rows and its transpose: count it once
    in_cols = sp.diags(1.0 - inside) @ in_rows.T
    result = (co + (in_rows + in_cols)).tocsr().astype(np.float32, copy=False)
    result.eliminate_zeros()  # a new matrix: ``co`` may still be read
    return result


def grown(matrix: sp.csr_matrix, shape: tuple[int, int]) -> sp.csr_matrix:
    """``matrix`` with empty rows and columns added up to ``shape``, sharing its arrays (a
    copy of a large matrix on every write costs more than the write's own work); the result
    must not be changed in place."""
    extra = shape[0] - matrix.shape[0]
    if extra == 0 and shape[1] == matrix.shape[1]:
        return matrix
    indptr = np.r_[matrix.indptr, np.full(extra, matrix.indptr[-1], matrix.indptr.dtype)]
    return sp.csr_matrix((matrix.data, matrix.indices, indptr), shape=shape)
