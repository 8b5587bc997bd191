"""The project texts' TF-IDF rows, saved beside an index so that a start need not analyse
every project text again.

Transforming the ~13,500 project texts of the bundled corpus (language identification,
stemming, weighting) took 5.7 of the 9.3 s that building the derived data takes at start-up
(2 cores, idle). A row depends only on its text and on what the lexical index learned at fit,
so the rows are saved with :meth:`LexicalIndex.fit_id` and their keys ("activity id NUL text
hash", :func:`engine.project_texts.activity_keys`): a start uses them where the index it loads
has the same fit id, and transforms only the texts whose keys are not among them. A file of
another fit (a rebuilt index) or a wider vocabulary is ignored, never trusted. One file,
written atomically: ``project_rows.npz``, NumPy arrays only (the CSR parts, the keys in row
order, the fit id and the format; loaded without pickle).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from engine.atomic import atomic_write
from engine.project_texts import ProjectTexts

FILE = "project_rows.npz"
FORMAT = 1


@dataclass(frozen=True)
class SavedRows:
    """``rows``: key -> row of ``store``."""

    rows: dict[str, int]
    store: sp.csr_matrix


def save_rows(folder: Path, projects: ProjectTexts, fit_id: str) -> None:
    """Write the rows that ``projects`` reads (one per project text), under ``fit_id``."""
    keys = sorted({k for k in projects.by_column if k and k in projects.rows})
    stored = projects.store
    if stored is None or not keys:
        return
    store = stored[np.array([projects.rows[k] for k in keys], dtype=np.int64)].tocsr()
    atomic_write(folder / FILE, lambda handle: np.savez(
        handle, data=store.data, indices=store.indices, indptr=store.indptr,
        shape=np.array(store.shape, dtype=np.int64), keys=np.array(keys), fit=np.array(fit_id),
        format=np.array(FORMAT)))


def load_rows(folder: Path, fit_id: str, width: int) -> SavedRows | None:
    """The saved rows if they were made under ``fit_id`` with at most ``width`` columns
    (widened to it), else None (the rows are then transformed again)."""
    try:
        with np.load(folder / FILE, allow_pickle=False) as saved:
            if int(saved["format"]) != FORMAT or str(saved["fit"]) != fit_id:
                return None
            rows, columns = (int(n) for n in saved["shape"])
            keys = [str(k) for k in saved["keys"]]
            if columns > width or rows != len(keys):
                return None
            store = sp.csr_matrix((saved["data"].astype(np.float32), saved["indices"],
                                   saved["indptr"]), shape=(rows, width))
    except (OSError, ValueError, KeyError):  # missing, damaged or of another layout
        return None
    return SavedRows({k: i for i, k in enumerate(keys)}, store)
