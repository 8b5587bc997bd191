"""The collaboration graph: which profiles worked together before, as sparse matrices.

``incidence`` is slots x projects (1 where a profile took part), built from the profiles'
own activities (and the partners of each whose tie stands, :mod:`engine.attestation`) plus
external history (H2020) for organisation ids that are profiles. ``co = incidence @
incidence.T`` counts shared projects between slots; its diagonal is zero. All per-query work
is sparse row slicing, never Python loops over pairs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from engine.attestation import Source, column_key
from engine.cooccurrence import grown, replace_rows
from engine.profiles import Profile
from engine.sources.h2020 import Participation


@dataclass(frozen=True)
class SharedProject:
    """A project two organisations both took part in: its id, and where it is known from
    (``owner``: the profile whose activity it is; empty for H2020 history)."""

    id: str
    title: str
    year: int | None
    source: Source = Source.H2020
    owner: str = ""


class CollaborationGraph:
    """Shared-project counts between profile slots.

    ``counts`` holds, per (slot, project), how many sources state that the slot took part: its
    own activity, a partner list of another profile naming it, an external history row.
    ``incidence`` is where that is positive. Keeping the support counts (and an index of who
    names whom as partner) lets ``updated`` apply a write exactly, touching only the rows of
    the changed profiles and their partners instead of rebuilding the graph.
    """

    def __init__(
        self, counts: sp.csr_matrix, project_index: dict[str, int],
        titles: dict[str, tuple[str, int | None]], item_projects: list[np.ndarray],
        listed: dict[str, list[tuple[int, int]]],
        history: dict[str, list[tuple[str, int | None]]],
        derived: tuple[sp.csr_matrix, sp.csr_matrix] | None = None, *,
        origins: dict[str, tuple[Source, str, str]],
    ):
        """``derived``: (incidence, co) when the caller has them; ``origins``: per activity
        column, its source, owner and activity id (an H2020 column has none)."""
        self.counts = counts.tocsr()
        self.project_index = project_index
        self.projects = list(project_index)  # dicts keep insertion order = column order
        self.titles = titles
        #: per slot, the project column of each of its activities (in activity order)
        self.item_projects = item_projects
        #: partner id -> (slot, project column) of every activity that names it as partner
        self.listed = listed
        #: organisation id -> (project, year) of its external history, profile or not yet
        self.history = history
        self.origins = origins
        self._recent_cols: np.ndarray | None = None
        self._recent_since = 0
        self._walk_steps: tuple[sp.csr_matrix, np.ndarray, np.ndarray] | None = None
        if derived is None:
            incidence = _incidence(self.counts)
            co = (incidence @ incidence.T).tocsr().astype(np.float32)
            co.setdiag(0)
            co.eliminate_zeros()
            co.sort_indices()  # canonical now: scipy sorts in place where an operation
            # needs it, and these arrays are shared with the copies readers are on
            derived = incidence, co
        self.incidence, self.co = derived

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
        origins: dict[str, tuple[Source, str, str]] = {}
        listed: dict[str, list[tuple[int, int]]] = defaultdict(list)
        rows: list[int] = []
        cols: list[int] = []
        item_projects: list[np.ndarray] = []
        for slot, profile in enumerate(profiles):
            if profile is None:
                item_projects.append(np.zeros(0, dtype=np.int64))
                continue
            own: list[int] = []
            for activity in profile.activities:
                key = column_key(profile.id, activity.id, activity.provenance)
                col = project_index.setdefault(key, len(project_index))
                own.append(col)
                titles.setdefault(key, (activity.title, activity.year))
                origins.setdefault(key, (activity.provenance.source, profile.id, activity.id))
                rows.append(slot)
                cols.append(col)
                for partner in activity.ties:
                    listed[partner].append((slot, col))
                    other = slot_of.get(partner)
                    if other is not None and profiles[other] is not None:
                        rows.append(other)
                        cols.append(col)
            item_projects.append(np.array(own, dtype=np.int64))
        by_organisation: dict[str, list[tuple[str, int | None]]] = defaultdict(list)
        for row in history:
            by_organisation[row.pic].append((row.project, row.year))
            slot = slot_of.get(row.pic)
            if slot is not None and profiles[slot] is not None:
                rows.append(slot)
                cols.append(_history_column(project_index, titles, row.project, row.year))
        counts = sp.csr_matrix(  # duplicate (row, col) pairs add up: the support counts
            (np.ones(len(rows), dtype=np.float32), (rows, cols)),
            shape=(len(profiles), max(len(project_index), 1)),
        )
        return cls(counts, project_index, titles, item_projects, listed, dict(by_organisation),
                   origins=origins)

    def updated(
        self,
        changes: Sequence[tuple[int, Profile | None, Profile | None]],
        profiles: Sequence[Profile | None],
        slot_of: dict[str, int],
    ) -> CollaborationGraph:
        """The graph after a write: ``changes`` are (slot, profile before, profile after), with
        None for absent; ``profiles`` and ``slot_of`` are the state after the write. Equal to
        ``build`` on that state (up to the order of project columns), at the cost of the
        changed rows.

        This graph is left as it was (readers may still use it); the new one shares what did
        not change.
        """
        changed = {slot for slot, _, _ in changes}
        before = {slot: old for slot, old, _ in changes}
        slots = dict(slot_of)
        for slot, old, _ in changes:
            if old is not None:
                slots.setdefault(old.id, slot)  # removed profiles: their slot, to see them

        def profile_in(world: str, slot: int) -> Profile | None:
            return before[slot] if world == "old" and slot in changed else profiles[slot]

        project_index = dict(self.project_index)
        titles = dict(self.titles)
        origins = dict(self.origins)
        listed = dict(self.listed)  # lists are replaced, never changed in place
        item_projects = list(self.item_projects)
        item_projects += [np.zeros(0, dtype=np.int64)] * (len(profiles) - len(item_projects))

        def entries(world: str) -> tuple[list[int], list[int]]:
            """Support entries that the changed slots bring in ``world`` ("old"/"new")."""
            rows: list[int] = []
            cols: list[int] = []
            for slot in changed:
                profile = profile_in(world, slot)
                if profile is None:
                    continue
                for activity in profile.activities:
                    key = column_key(profile.id, activity.id, activity.provenance)
                    col = project_index.setdefault(key, len(project_index))
                    titles.setdefault(key, (activity.title, activity.year))
                    origins.setdefault(key, (activity.provenance.source, profile.id, activity.id))
                    rows.append(slot)
                    cols.append(col)
                    for partner in activity.ties:
                        other = slots.get(partner)
                        if other is not None and profile_in(world, other) is not None:
                            rows.append(other)
                            cols.append(col)
                for lister, col in self.listed.get(profile.id, ()):
                    if lister not in changed:  # named by an unchanged profile's activity
                        rows.append(slot)
                        cols.append(col)
                for project, year in self.history.get(profile.id, ()):
                    rows.append(slot)
                    cols.append(_history_column(project_index, titles, project, year))
            return rows, cols

        old_rows, old_cols = entries("old")
        new_rows, new_cols = entries("new")
        named_before: dict[str, list[tuple[int, int]]] = defaultdict(list)
        named_after: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for slot, old, new in changes:
            for profile, names in ((old, named_before), (new, named_after)):
                for activity in profile.activities if profile is not None else ():
                    col = project_index[column_key(profile.id, activity.id, activity.provenance)]
                    for partner in activity.ties:
                        names[partner].append((slot, col))
            item_projects[slot] = np.array([  # each activity's column, in activity order
                project_index[column_key(new.id, a.id, a.provenance)] for a in new.activities
            ] if new is not None else [], dtype=np.int64)
        for partner in named_before.keys() | named_after.keys():
            names = list(listed.get(partner, ()))
            for entry in named_before.get(partner, ()):
                names.remove(entry)
            listed[partner] = names + named_after.get(partner, [])
        shape = (len(profiles), max(len(project_index), 1))
        delta = sp.csr_matrix(
            (
                np.r_[np.ones(len(new_rows)), -np.ones(len(old_rows))].astype(np.float32),
                (np.r_[new_rows, old_rows].astype(np.int64),
                 np.r_[new_cols, old_cols].astype(np.int64)),
            ),
            shape=shape,
        )
        counts = (grown(self.counts, shape) + delta).tocsr()
        counts.eliminate_zeros()  # a new matrix: this graph's counts stay as they were
        incidence = _incidence(counts)
        rows = np.unique(np.r_[new_rows, old_rows]).astype(np.int64)
        co = replace_rows(self.co, incidence, rows, len(profiles))
        return CollaborationGraph(
            counts, project_index, titles, item_projects, listed, self.history, (incidence, co),
            origins=origins,
        )

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
        partners = np.setdiff1d(self.co[sources].indices, sources)  # co holds no zeros
        if len(partners) == 0:
            return np.zeros(len(candidates), dtype=np.float32)
        return self.co[partners][:, candidates].getnnz(axis=0).astype(np.float32)

    def walk(
        self, sources: np.ndarray, candidates: np.ndarray | None = None, steps: int = 2
    ) -> np.ndarray:
        """Probability that a random walk from the sources ends on each candidate (every slot
        when ``candidates`` is None) after ``steps`` moves, each from an organisation to one of
        its projects and on to one of that project's organisations, all choices uniform
        (start: uniform over the sources).

        Two steps reach past partners and partners of partners, weighted by how much of the
        sources' work the shared projects are and how small their consortia were; the classic
        random-walk score of link prediction. Counting ties (``direct``, ``indirect``) instead
        lets a coordinator's hundreds of partners look alike.
        """
        if candidates is None:
            candidates = np.arange(self.incidence.shape[0])
        if len(sources) == 0:
            return np.zeros(len(candidates), dtype=np.float32)
        if self._walk_steps is None:
            per_slot = np.asarray(self.incidence.sum(axis=1)).ravel()
            per_project = np.asarray(self.incidence.sum(axis=0)).ravel()
            self._walk_steps = (
                self.incidence.T.tocsr(),
                np.divide(1.0, per_slot, out=np.zeros(len(per_slot)), where=per_slot > 0),
                np.divide(1.0, per_project, out=np.zeros(len(per_project)), where=per_project > 0),
            )
        by_project, slot_share, project_share = self._walk_steps
        mass = np.zeros(self.incidence.shape[0])
        np.add.at(mass, sources, 1.0 / len(sources))
        for _ in range(steps):
            mass = self.incidence @ (project_share * (by_project @ (slot_share * mass)))
        return mass[candidates].astype(np.float32)

    def projects_of(self, slots: np.ndarray) -> np.ndarray:
        """Project columns any of ``slots`` took part in."""
        if len(slots) == 0:
            return np.zeros(0, dtype=np.int64)
        return np.unique(self.incidence[slots].indices).astype(np.int64)

    def partners(self, slot: int, limit: int) -> np.ndarray:
        """A slot's past partners, most shared projects first (then by slot)."""
        row = self.co.getrow(slot)
        order = np.lexsort((row.indices, -row.data))[:limit]
        return row.indices[order].astype(np.int64)

    def shared_projects(self, a: int, b: int, limit: int = 3) -> list[SharedProject]:
        """Projects slots ``a`` and ``b`` both took part in, newest first."""
        common = np.intersect1d(self.incidence.getrow(a).indices, self.incidence.getrow(b).indices)
        items = []
        for col in common:
            key = self.projects[col]
            title, year = self.titles.get(key, (key, None))
            source, owner, activity = self.origins.get(key, (Source.H2020, "", key))
            items.append(SharedProject(activity, title, year, source, owner))
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


def _incidence(counts: sp.csr_matrix) -> sp.csr_matrix:
    """1 where a slot took part in a project (its support count is positive)."""
    return (counts > 0).astype(np.float32).tocsr()


def _history_column(project_index: dict[str, int], titles: dict[str, tuple[str, int | None]],
                    project: str, year: int | None) -> int:
    """The column of an external project, added on first use."""
    titles.setdefault(project, (f"H2020 project {project[6:]}", year))
    return project_index.setdefault(project, len(project_index))
