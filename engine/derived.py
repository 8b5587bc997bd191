"""``Derived``: everything computed from the corpus, as one immutable value.

Columns, mean vectors, the collaboration graph, each vector's project, the name index, the
project texts and the learned lifts are built together by ``build`` and brought up to date
by ``updated(corpus, slots, before)``, which patches the written rows and shares every part
that did not change. Nothing here is changed in place, so two copies of an index may share
one ``Derived`` and a write to one never shows in the other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from engine import signals
from engine.columns import Columns, build_columns, history_counts, patch_columns
from engine.corpus import Corpus, slot_vector_ids
from engine.embed import normalize_rows
from engine.names import NameIndex
from engine.network import CollaborationGraph
from engine.profiles import Profile
from engine.project_texts import ProjectTexts
from engine.saved_rows import SavedRows
from engine.taxonomy import ECOSYSTEMS, Kind

KINDS = list(Kind)
KIND_INDEX = {k.value: i for i, k in enumerate(KINDS)}


@dataclass(frozen=True)
class Derived:
    """``means``: the normalised mean vector of every slot (zero rows for removed slots);
    ``vector_projects``: per slot, the graph's project column behind each vector (-1 for
    description chunks); ``eco_lift``/``kind_lift``: how much more often than chance two
    ecosystems / kinds of organisation meet in the indexed consortia; ``history``: external
    participations per organisation id (fixed when the corpus is built)."""

    columns: Columns
    means: np.ndarray
    graph: CollaborationGraph
    vector_projects: tuple[np.ndarray, ...]
    names: NameIndex
    projects: ProjectTexts
    eco_lift: np.ndarray
    kind_lift: np.ndarray
    history: Mapping[str, int]

    @classmethod
    def build(cls, corpus: Corpus, saved: SavedRows | None = None) -> Derived:
        """Everything from ``corpus``; ``saved``: project text rows saved with its index."""
        history = history_counts(corpus.history)
        columns = build_columns(corpus.profiles, history,
                                [corpus.count(s) for s in range(len(corpus.profiles))])
        graph = CollaborationGraph.build(corpus.profiles, corpus.slots, corpus.history)
        return cls._assemble(
            columns, _means(corpus, columns), graph,
            tuple(_vector_projects(columns, graph, s) for s in range(len(columns))),
            NameIndex.build(corpus.profiles, corpus.lexical.common_word),
            ProjectTexts.build(corpus.profiles, graph, corpus.lexical.transform_fitted,
                               saved and (saved.rows, saved.store)), history,
        )

    def updated(
        self, corpus: Corpus, slots: Sequence[int], before: Sequence[Profile | None]
    ) -> Derived:
        """The derived data after a write to ``slots`` (already applied to ``corpus``),
        whose profiles were ``before`` (None where new). Costs a fraction of ``build``."""
        profiles = corpus.profiles
        columns = patch_columns(self.columns, profiles, slots, self.history, corpus.count)
        changes = [(s, b, profiles[s]) for s, b in zip(slots, before, strict=True)]
        graph = self.graph.updated(changes, profiles, corpus.slots)
        means = np.zeros((len(profiles), self.means.shape[1]), dtype=np.float32)
        means[: len(self.means)] = self.means
        for slot in slots:
            means[slot] = (
                0.0 if profiles[slot] is None
                else normalize_rows(corpus.slot_vectors(slot).sum(axis=0, keepdims=True))[0]
            )
        projects = list(self.vector_projects)
        projects += [np.zeros(0, np.int64)] * (len(profiles) - len(projects))
        for slot in slots:
            projects[slot] = _vector_projects(columns, graph, slot)
        return self._assemble(
            columns, means, graph, tuple(projects),
            self.names.updated(profiles, slots, corpus.lexical.common_word),
            self.projects.updated(profiles, slots, graph, corpus.lexical.transform_fitted),
            self.history,
        )

    @classmethod
    def _assemble(cls, columns: Columns, means: np.ndarray,
                  graph: CollaborationGraph, vector_projects: tuple[np.ndarray, ...],
                  names: NameIndex, projects: ProjectTexts,
                  history: Mapping[str, int]) -> Derived:
        eco = signals.bits_to_matrix(columns.ecosystems, len(ECOSYSTEMS))
        kinds = np.zeros((len(columns.kind), len(KINDS)), dtype=np.float32)
        for j, kind in enumerate(KINDS):  # vectorised over slots: this runs on every write
            kinds[:, j] = columns.kind == kind.value
        return cls(
            columns, means, graph, vector_projects, names, projects,
            signals.cooccurrence_lift(graph.incidence, eco),
            signals.cooccurrence_lift(graph.incidence, kinds), history,
        )

    @cached_property
    def without_history(self) -> np.ndarray:
        """Per slot: no history at all (no activity, no earlier programme, no link in the
        collaboration graph: another profile may list it as a partner)."""
        cols = self.columns
        return ((cols.n_activities == 0) & (cols.n_history == 0)
                & (self.graph.degree(np.arange(len(cols.kind))) == 0))

    def projects_of_vectors(self, slots: np.ndarray) -> np.ndarray:
        """The project column behind each vector of ``slots``, slot by slot."""
        return np.concatenate([self.vector_projects[int(s)] for s in slots])

    def vector_ids(self, slots: np.ndarray) -> np.ndarray:
        """Every vector id of ``slots``, slot by slot."""
        return slot_vector_ids(slots, self.columns.n_vectors[slots])


def _means(corpus: Corpus, columns: Columns, chunk: int = 4096) -> np.ndarray:
    """The normalised mean vector of every live slot (zero rows elsewhere), ``chunk`` slots
    at a time: all vectors at once would be 5 GiB at a million profiles."""
    means = np.zeros((len(columns), corpus.index.dim), dtype=np.float32)
    alive = np.flatnonzero(columns.alive)
    for start in range(0, len(alive), chunk):
        slots = alive[start:start + chunk]
        counts = columns.n_vectors[slots]
        vectors = corpus.index.reconstruct(slot_vector_ids(slots, counts))
        means[slots] = normalize_rows(np.add.reduceat(vectors, np.cumsum(counts) - counts, axis=0))
    return means


def _vector_projects(columns: Columns, graph: CollaborationGraph, slot: int) -> np.ndarray:
    return np.concatenate([
        np.full(int(columns.n_vectors[slot] - columns.n_activities[slot]), -1, np.int64),
        graph.item_projects[slot],
    ])
