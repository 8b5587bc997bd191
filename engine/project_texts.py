"""TF-IDF rows of every project text in the collaboration graph, by project column, with the
profile index's vocabulary: the ``lexical_best`` signal reads the request's best match with any
one activity. Rows are kept per (project id, text) across writes, so a write transforms only
new texts. Rows use the vocabulary learned at fit (``LexicalIndex.transform_fitted``), so a
write that adds terms leaves them equal to a rebuild. An immutable value: ``updated`` returns
a new one.

A write costs the rows it adds, not the store: the rows are kept term-major (a request reads
the columns of its terms) in two blocks, all rows up to some write and the rows added since,
and a project column points at its text's row. Rebuilding one matrix of every project's row
on each write took 0.48 of the 1.0 s a write took at 300k profiles (2 cores)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

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


#: the newer block is merged into the older once it holds more than this many rows and more
#: than ``1 / MERGE_SHARE`` of the older one's (so a merge's cost is spread over many writes)
MERGE_ROWS = 4096
MERGE_SHARE = 8


@dataclass(frozen=True)
class ProjectTexts:
    """``keys``: slot -> its activity keys; ``rows``: key -> row of the store (its rows are
    ``blocks`` one after the other, term-major); ``column_rows``: graph project column -> the
    row its text reads (-1: none; H2020 projects have no text). ``item_columns``: slot -> the
    graph column of each activity; ``holders``: column -> the slots with an activity in it,
    ascending; ``by_column``: the key whose text a column reads (the first holder's), "" for
    none. These three let a write revisit only the columns it touches: a pass over every
    profile took 0.4 s per write at 20k profiles."""

    keys: Mapping[int, tuple[str, ...]]
    rows: Mapping[str, int]
    blocks: tuple[sp.csc_matrix, ...]
    column_rows: np.ndarray
    item_columns: Mapping[int, tuple[int, ...]] = field(default_factory=dict)
    holders: Mapping[int, tuple[int, ...]] = field(default_factory=dict)
    by_column: tuple[str, ...] = ()

    @classmethod
    def build(cls, profiles: Sequence[Profile | None], graph: CollaborationGraph,
              transform: Transform, saved: tuple[Mapping[str, int], sp.csr_matrix] | None = None
              ) -> ProjectTexts:
        """``saved``: rows transformed before (key -> row of a matrix), with the same
        vocabulary; only texts whose keys they lack are transformed
        (:mod:`engine.saved_rows`)."""
        rows, blocks = ({}, ()) if saved is None else (saved[0], (saved[1].tocsc(),))
        return cls({}, rows, blocks, np.zeros(0, np.int64)).updated(
            profiles, range(len(profiles)), graph, transform)

    @property
    def store(self) -> sp.csr_matrix | None:
        """Every stored row, in row order (None if none): what is saved."""
        return sp.vstack(self.blocks, format="csr") if self.blocks else None

    @property
    def matrix(self) -> sp.csr_matrix:
        """One row per graph project column (empty where it has no text): what ``best``
        reads, assembled (for inspection; ``best`` does not build it)."""
        store = self.store
        if store is None:
            return sp.csr_matrix((len(self.column_rows), 1), dtype=np.float32)
        padded = sp.vstack([store, sp.csr_matrix((1, store.shape[1]), dtype=store.dtype)],
                           format="csr")
        return padded[np.where(self.column_rows >= 0, self.column_rows, store.shape[0])]

    def updated(
        self,
        profiles: Sequence[Profile | None],
        slots: Sequence[int],
        graph: CollaborationGraph,
        transform: Transform,
    ) -> ProjectTexts:
        """The rows after ``slots`` were written, for the updated ``graph``."""
        keys, item_columns = dict(self.keys), dict(self.item_columns)
        added: dict[int, set[int]] = {}
        dropped: dict[int, set[int]] = {}
        for slot in slots:
            for col in item_columns.pop(slot, ()):
                dropped.setdefault(col, set()).add(slot)
            keys.pop(slot, None)
            profile = profiles[slot]
            if profile is not None:
                keys[slot] = activity_keys(profile)
                item_columns[slot] = tuple(int(c) for c in graph.item_projects[slot])
                for col in item_columns[slot]:
                    added.setdefault(col, set()).add(slot)
        holders = dict(self.holders)
        for col in added.keys() | dropped.keys():
            held = (set(holders.get(col, ())) - dropped.get(col, set())) | added.get(col, set())
            holders[col] = tuple(sorted(held))
        size = len(graph.projects)
        by_column = list(self.by_column) + [""] * (size - len(self.by_column))
        touched = sorted(added.keys() | dropped.keys())
        missing: dict[str, str] = {}
        for col in touched:
            by_column[col] = ""
            if holders[col]:
                first = holders[col][0]
                i = item_columns[first].index(col)
                by_column[col] = key = keys[first][i]
                if key not in self.rows:
                    missing[key] = profiles[first].activities[i].document  # type: ignore[union-attr]
        rows, blocks = dict(self.rows), self.blocks
        if missing:
            start = sum(b.shape[0] for b in blocks)
            blocks = appended(blocks, transform(list(missing.values())))
            rows.update({k: start + i for i, k in enumerate(missing)})
        column_rows = np.full(size, -1, np.int64)
        kept = min(size, len(self.column_rows))
        column_rows[:kept] = self.column_rows[:kept]
        column_rows[touched] = [rows[by_column[c]] if by_column[c] else -1 for c in touched]
        return ProjectTexts(keys, rows, blocks, column_rows, item_columns, holders,
                            tuple(by_column))

    def best(self, query: sp.csr_matrix, projects: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """Best TF-IDF cosine between ``query`` and any one project of each slot, given the
        project column behind each vector (-1: none) and each slot's vector count."""
        if not self.blocks:
            return np.zeros(len(counts), dtype=np.float32)
        fitted = query.indices < self.blocks[0].shape[1]  # terms added after fit: no rows
        terms, weights = query.indices[fitted], query.data[fitted]
        by_row = np.concatenate([np.asarray(b[:, terms] @ weights).ravel() for b in self.blocks]
                                + [np.zeros(1, np.float32)])  # last: "no text" (-1)
        scores = by_row[self.column_rows]
        values = np.where(projects >= 0, scores[np.maximum(projects, 0)], 0.0)
        return signals.slot_max(values, counts)


def appended(blocks: tuple[sp.csc_matrix, ...], new: sp.csr_matrix, merge_rows: int = MERGE_ROWS
             ) -> tuple[sp.csc_matrix, ...]:
    """``blocks`` with the rows ``new`` after their rows. Only the newer block is rebuilt,
    unless it outgrows the older one's share (see ``MERGE_ROWS``). ``new`` may be wider
    (the vocabulary grew) but has no entry beyond the fitted columns that the blocks have."""
    if not blocks:
        return (new.tocsc(),)
    width = blocks[0].shape[1]
    new = sp.csr_matrix((new.data, new.indices, new.indptr), shape=(new.shape[0], width))
    if len(blocks) == 1:
        return blocks[0], new.tocsc()
    older, newer = blocks
    newer = sp.vstack([newer, new], format="csc")
    if newer.shape[0] > max(merge_rows, older.shape[0] // MERGE_SHARE):
        return (sp.vstack([older, newer], format="csc"),)
    return older, newer
