"""TF-IDF rows of every project text in the collaboration graph, by project column, with the
profile index's vocabulary: the ``lexical_best`` signal reads the request's best match with any
one activity. Rows are kept per (project id, text) across writes, so a write transforms only
new texts. Rows use the vocabulary learned at fit (``LexicalIndex.transform_fitted``), so a
write that adds terms leaves them equal to a rebuild. An immutable value: ``updated`` returns
a new one."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from engine import signals
from engine.embed import text_key
from engine.network import CollaborationGraph
from engine.profiles import Profile

Transform = Callable[[list[str]], sp.csr_matrix]


def activity_keys(profile: Profile) -> tuple[str, ...]:
    """"activity id NUL text hash" of each activity: the keys of the row store."""
    return tuple(f"{a.id}\x00{text_key(a.document)}" for a in profile.activities)


@dataclass(frozen=True)
class ProjectTexts:
    """``keys``: slot -> its activity keys; ``rows``: key -> row of ``store``; ``matrix``:
    one row per graph project column (H2020 projects have no text and stay empty)."""

    keys: Mapping[int, tuple[str, ...]]
    rows: Mapping[str, int]
    store: sp.csr_matrix | None
    matrix: sp.csc_matrix

    @classmethod
    def build(cls, profiles: Sequence[Profile | None], graph: CollaborationGraph,
              transform: Transform) -> ProjectTexts:
        empty = sp.csc_matrix((0, 1), dtype=np.float32)
        return cls({}, {}, None, empty).updated(profiles, range(len(profiles)), graph, transform)

    def updated(
        self,
        profiles: Sequence[Profile | None],
        slots: Sequence[int],
        graph: CollaborationGraph,
        transform: Transform,
    ) -> ProjectTexts:
        """The rows after ``slots`` were written, for the updated ``graph``."""
        keys = dict(self.keys)
        for slot in slots:
            profile = profiles[slot]
            if profile is None:
                keys.pop(slot, None)
            else:
                keys[slot] = activity_keys(profile)
        by_column = [""] * len(graph.projects)
        missing: dict[str, str] = {}
        for slot, profile in enumerate(profiles):
            if profile is None:
                continue
            for i, (key, col) in enumerate(zip(keys[slot], graph.item_projects[slot],
                                               strict=True)):
                if not by_column[col]:
                    by_column[col] = key
                    if key not in self.rows:
                        missing[key] = profile.activities[i].document
        rows = dict(self.rows)
        store = self.store
        if missing:
            new = transform(list(missing.values()))
            start = 0 if store is None else store.shape[0]
            store = new if store is None else sp.vstack([store, new]).tocsr()
            rows.update({k: start + i for i, k in enumerate(missing)})
        if store is None or not by_column:
            matrix = sp.csc_matrix((len(by_column), 1), dtype=np.float32)
        else:
            empty = store.shape[0]  # an all-zero row for text-less projects
            padded = sp.vstack([store, sp.csr_matrix((1, store.shape[1]))]).tocsr()
            matrix = padded[np.array([rows.get(k, empty) for k in by_column])].tocsc()
        return ProjectTexts(keys, rows, store, matrix)

    def best(self, query: sp.csr_matrix, projects: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """Best TF-IDF cosine between ``query`` and any one project of each slot, given the
        project column behind each vector (-1: none) and each slot's vector count."""
        if self.matrix.shape[0] == 0:
            return np.zeros(len(counts), dtype=np.float32)
        fitted = query.indices < self.matrix.shape[1]  # terms added after fit: no project rows
        scores = np.asarray(self.matrix[:, query.indices[fitted]] @ query.data[fitted]).ravel()
        values = np.where(projects >= 0, scores[np.maximum(projects, 0)], 0.0)
        return signals.slot_max(values, counts)
