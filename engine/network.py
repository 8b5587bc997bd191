"""The collaboration graph: which profiles worked together before, as sparse matrices.

``incidence`` is slots x projects (1 where a profile took part), built from the profiles'
own activities (and their partner lists) plus external history (H2020) for organisation ids
that are profiles. ``co = incidence @ incidence.T`` counts shared projects between slots; its
diagonal is zero. All per-query work is sparse row slicing, never Python loops over pairs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from engine.profiles import Profile
from engine.sources.h2020 import Participation


@dataclass(frozen=True)
class SharedProject:
    """A project two organisations both took part in."""

    id: str
    title: str
    year: int | None


class CollaborationGraph:
    """Shared-project counts between profile slots."""

    def __init__(
        self,
        incidence: sp.csr_matrix,
        projects: list[str],
        titles: dict[str, tuple[str, int | None]],
        item_projects: list[np.ndarray],
    ):
        self.incidence = incidence.tocsr()
        #: per slot, the project column of each of its activities (in activity order)
        self.item_projects = item_projects
        self._recent_cols: np.ndarray | None = None
        self._recent_since = 0
        self.projects = projects
        self.titles = titles
        co = (self.incidence @ self.incidence.T).tocsr().astype(np.float32)
        co.setdiag(0)
        co.eliminate_zeros()
        self.co = co
        self.linked = (co > 0).astype(np.float32).tocsr()

    @classmethod
    def build(
        cls,
        profiles: Sequence[Profile | None],
        slot_of: dict[str, int],
        history: Sequence[Participation] = (),
    ) -> CollaborationGraph:
        """Graph over ``profiles`` (by slot) from their activities and external history."""
        project_index: dict[str, int] = {}
        titles: dict[str, tuple[str, int | None]] = {}
        rows: list[int] = []
        cols: list[int] = []
        item_projects: list[np.ndarray] = []
        for slot, profile in enumerate(profiles):
            if profile is None:
                item_projects.append(np.zeros(0, dtype=np.int64))
                continue
            own: list[int] = []
            for activity in profile.activities:
                col = project_index.setdefault(activity.id, len(project_index))
                own.append(col)
                titles.setdefault(activity.id, (activity.title, activity.year))
                rows.append(slot)
                cols.append(col)
                for partner in activity.partners:
                    other = slot_of.get(partner)
                    if other is not None and profiles[other] is not None:
                        rows.append(other)
                        cols.append(col)
            item_projects.append(np.array(own, dtype=np.int64))
        for row in history:
            slot = slot_of.get(row.pic)
            if slot is not None and profiles[slot] is not None:
                col = project_index.setdefault(row.project, len(project_index))
                titles.setdefault(row.project, (f"H2020 project {row.project[6:]}", row.year))
                rows.append(slot)
                cols.append(col)
        data = np.ones(len(rows), dtype=np.float32)
        incidence = sp.csr_matrix(
            (data, (rows, cols)), shape=(len(profiles), max(len(project_index), 1))
        )
        incidence.data[:] = 1.0  # duplicates (listed by both sides) count once
        projects = [""] * len(project_index)
        for key, col in project_index.items():
            projects[col] = key
        return cls(incidence, projects, titles, item_projects)

    def recent(self, sources: np.ndarray, candidates: np.ndarray, since: int) -> np.ndarray:
        """Projects starting in ``since`` or later that each candidate shared with a source."""
        if len(sources) == 0:
            return np.zeros(len(candidates), dtype=np.float32)
        if self._recent_cols is None or self._recent_since != since:
            years = np.array([self.titles.get(p, ("", None))[1] or 0 for p in self.projects])
            self._recent_cols = np.flatnonzero(years >= since)
            self._recent_since = since
        recent = self.incidence[:, self._recent_cols]
        shared = recent[sources].sum(axis=0)  # projects any source took part in
        mask = np.asarray(shared).ravel() > 0
        counts = recent[candidates][:, np.flatnonzero(mask)].sum(axis=1)
        counts = np.asarray(counts).ravel().astype(np.float32)
        # a candidate that is itself a source (a positive example) shares nothing with itself
        for i in np.flatnonzero(np.isin(candidates, sources)):
            others = sources[sources != candidates[i]]
            counts[i] = self.recent(others, candidates[i : i + 1], since)[0]
        return counts

    def degree(self, slots: np.ndarray) -> np.ndarray:
        """Number of projects of each slot."""
        return np.asarray(self.incidence[slots].sum(axis=1)).ravel().astype(np.float32)

    def direct(self, sources: np.ndarray, candidates: np.ndarray) -> np.ndarray:
        """Projects each candidate shared with any source slot (counts, summed)."""
        if len(sources) == 0:
            return np.zeros(len(candidates), dtype=np.float32)
        row = np.asarray(self.co[sources].sum(axis=0)).ravel()
        return row[candidates].astype(np.float32)

    def indirect(self, sources: np.ndarray, candidates: np.ndarray) -> np.ndarray:
        """How many of the sources' past partners each candidate has worked with."""
        if len(sources) == 0:
            return np.zeros(len(candidates), dtype=np.float32)
        partners = np.setdiff1d(self.linked[sources].indices, sources)
        if len(partners) == 0:
            return np.zeros(len(candidates), dtype=np.float32)
        counts = np.asarray(self.linked[partners][:, candidates].sum(axis=0)).ravel()
        return counts.astype(np.float32)

    def projects_of(self, slots: np.ndarray) -> np.ndarray:
        """Project columns any of ``slots`` took part in."""
        if len(slots) == 0:
            return np.zeros(0, dtype=np.int64)
        return np.unique(self.incidence[slots].indices).astype(np.int64)

    def partners(self, slot: int, limit: int) -> np.ndarray:
        """A slot's past partners, most shared projects first."""
        row = self.co.getrow(slot)
        order = np.argsort(-row.data, kind="stable")[:limit]
        return row.indices[order].astype(np.int64)

    def shared_projects(self, a: int, b: int, limit: int = 3) -> list[SharedProject]:
        """Projects slots ``a`` and ``b`` both took part in, newest first."""
        common = np.intersect1d(self.incidence.getrow(a).indices, self.incidence.getrow(b).indices)
        items = []
        for col in common:
            key = self.projects[col]
            title, year = self.titles.get(key, (key, None))
            items.append(SharedProject(key, title, year))
        items.sort(key=lambda p: (-(p.year or 0), p.id))
        return items[:limit]

    def bridge(self, sources: np.ndarray, candidate: int) -> tuple[int, int] | None:
        """The (source, partner) pair through which ``candidate`` is linked to the sources:
        the partner of a source with the most shared projects on both sides."""
        best: tuple[float, int, int] | None = None
        candidate_links = self.co.getrow(candidate)
        for source in sources:
            source_links = self.co.getrow(int(source))
            common, si, ci = np.intersect1d(
                source_links.indices, candidate_links.indices, return_indices=True
            )
            for j, partner in enumerate(common):
                strength = float(source_links.data[si[j]] * candidate_links.data[ci[j]])
                if partner != candidate and (best is None or strength > best[0]):
                    best = (strength, int(source), int(partner))
        return None if best is None else (best[1], best[2])
