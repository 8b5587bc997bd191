"""The collaboration graph (:mod:`engine.network`) on a hand-checked example.

Slots and projects::

    0 A  activities p1 (2019, partners B), p2 (2023, partners C and an unknown organisation)
    1 B  activity   p1 (2019, partners A)        -> the same project listed by both sides
    2 C  activity   p3 (2021, partners D, R)     -> R is a removed slot
    3 D  activity   p4 (2020)
    4 E  no activities
    5 F  activity   p5 (2022, partners C)
    6 R  removed (None)

    H2020 history: h2020:1 (2018) A and D; h2020:2 (2019) C and D; h2020:3 (2017) an
    organisation that is not a profile, with A; h2020:9 only organisations that are not profiles.

Shared projects: A-B 1 (p1), A-C 1 (p2), A-D 1 (h2020:1), C-D 2 (p3, h2020:2), C-F 1 (p5).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from engine.attestation import Source
from engine.network import CollaborationGraph, SharedProject
from engine.profiles import Activity, Profile
from engine.sources.h2020 import Participation

A, B, C, D, E, F, R = range(7)


def _profile(pid: str, *activities: Activity) -> Profile:
    return Profile(id=pid, name=f"Org {pid}", activities=activities)


def _profiles() -> list[Profile | None]:
    return [
        _profile("A", Activity("p1", "Project one", year=2019, partners=("B",)),
                 Activity("p2", "Project two", year=2023, partners=("C", "unknown-org"))),
        _profile("B", Activity("p1", "Project one (B's copy)", year=2019, partners=("A",))),
        _profile("C", Activity("p3", "Project three", year=2021, partners=("D", "R"))),
        _profile("D", Activity("p4", "Project four", year=2020)),
        _profile("E"),
        _profile("F", Activity("p5", "Project five", year=2022, partners=("C",))),
        None,
    ]


HISTORY = [
    Participation("h2020:1", "A", "participant", 2018),
    Participation("h2020:1", "D", "coordinator", 2018),
    Participation("h2020:2", "C", "participant", 2019),
    Participation("h2020:2", "D", "participant", 2019),
    Participation("h2020:3", "999999999", "coordinator", 2017),
    Participation("h2020:3", "A", "participant", 2017),
    Participation("h2020:9", "888888888", "coordinator", 2016),
    Participation("h2020:9", "777777777", "participant", 2016),
]

SLOT_OF = {"A": A, "B": B, "C": C, "D": D, "E": E, "F": F, "R": R}


@pytest.fixture
def graph() -> CollaborationGraph:
    return CollaborationGraph.build(_profiles(), SLOT_OF, HISTORY)


def _cols(graph: CollaborationGraph, *keys: str) -> list[int]:
    return [graph.projects.index(k) for k in keys]


def test_co_counts_shared_projects_with_a_zero_diagonal(graph: CollaborationGraph) -> None:
    expected = np.zeros((7, 7))
    for a, b, n in [(A, B, 1), (A, C, 1), (A, D, 1), (C, D, 2), (C, F, 1)]:
        expected[a, b] = expected[b, a] = n
    # h2020:3 gives A one more project, but its partner is not a profile: no pair
    np.testing.assert_array_equal(graph.co.toarray(), expected)
    assert graph.co.diagonal().tolist() == [0.0] * 7


def test_the_graph_is_sparse(graph: CollaborationGraph) -> None:
    assert sp.issparse(graph.co) and sp.issparse(graph.incidence)
    assert graph.co.format == "csr" and graph.incidence.format == "csr"
    assert graph.co.nnz == 10  # only the linked pairs are stored (no explicit zeros)
    assert graph.incidence.shape == (7, len(graph.projects))


def test_incidence_counts_a_project_once_however_often_it_is_listed(
    graph: CollaborationGraph,
) -> None:
    # p1 is A's activity listing B and B's activity listing A: still one membership each
    assert set(graph.incidence.data.tolist()) == {1.0}
    p1 = graph.projects.index("p1")
    assert graph.incidence[:, p1].toarray().ravel().tolist() == [1, 1, 0, 0, 0, 0, 0]


def test_projects_and_their_titles(graph: CollaborationGraph) -> None:
    assert sorted(graph.projects) == [
        "h2020:1", "h2020:2", "h2020:3", "p1", "p2", "p3", "p4", "p5"
    ]  # h2020:9 has no profile in it
    assert graph.titles["p1"] == ("Project one", 2019)  # the first listing names it
    assert graph.titles["h2020:2"] == ("H2020 project 2", 2019)
    # per slot, the project column of each activity, in activity order
    assert [graph.projects[c] for c in graph.item_projects[A]] == ["p1", "p2"]
    assert [graph.projects[c] for c in graph.item_projects[F]] == ["p5"]
    assert len(graph.item_projects[E]) == 0 and len(graph.item_projects[R]) == 0


def test_history_of_unknown_organisations_is_ignored() -> None:
    known = [row for row in HISTORY if row.pic in SLOT_OF]
    with_unknown = CollaborationGraph.build(_profiles(), SLOT_OF, HISTORY)
    without = CollaborationGraph.build(_profiles(), SLOT_OF, known)
    assert (with_unknown.co != without.co).nnz == 0
    assert with_unknown.degree(np.arange(7)).tolist() == without.degree(np.arange(7)).tolist()
    # and an organisation id that is a removed slot brings nothing either
    removed = CollaborationGraph.build(
        _profiles(), SLOT_OF, [*HISTORY, Participation("h2020:1", "R", "participant", 2018)]
    )
    assert removed.degree(np.array([R]))[0] == 0
    assert (removed.co != without.co).nnz == 0


def test_degree(graph: CollaborationGraph) -> None:
    # A: p1 p2 h2020:1 h2020:3; B: p1; C: p2 p3 p5 h2020:2; D: p3 p4 h2020:1 h2020:2; F: p5
    assert graph.degree(np.arange(7)).tolist() == [4, 1, 4, 4, 0, 1, 0]


def test_direct(graph: CollaborationGraph) -> None:
    candidates = np.array([B, C, D, E, F])
    assert graph.direct(np.array([A]), candidates).tolist() == [1, 1, 1, 0, 0]
    # several sources: counts are summed
    assert graph.direct(np.array([A, C]), candidates).tolist() == [1, 1, 3, 0, 1]
    assert graph.direct(np.array([], dtype=np.int64), candidates).tolist() == [0] * 5


def test_indirect_counts_the_sources_partners_a_candidate_worked_with(
    graph: CollaborationGraph,
) -> None:
    # A's partners: B, C, D. B worked with none of them; C with D; D with C; F with C.
    candidates = np.array([B, C, D, E, F])
    assert graph.indirect(np.array([A]), candidates).tolist() == [0, 1, 1, 0, 1]
    # B's only partner is A, and A worked with C and D
    assert graph.indirect(np.array([B]), np.array([C, D, F])).tolist() == [1, 1, 0]
    assert graph.indirect(np.array([E]), candidates).tolist() == [0] * 5  # no partners
    assert graph.indirect(np.array([], dtype=np.int64), candidates).tolist() == [0] * 5


def test_walk_is_the_two_step_random_walk_probability(graph: CollaborationGraph) -> None:
    """From A (p1, p2, h2020:1, h2020:3; each project 1/4, each member 1/2 of it, h2020:3 has
    A alone): one step ends on A 5/8, B, C, D 1/8 each. The second step spreads those over
    their own projects (by hand: A 31/64, B 9/64, C 11/64, D 12/64, F 1/64 via C's p5)."""
    candidates = np.array([A, B, C, D, E, F])
    one = graph.walk(np.array([A]), candidates, steps=1)
    assert (one * 8).tolist() == pytest.approx([5, 1, 1, 1, 0, 0])
    two = graph.walk(np.array([A]), candidates)
    assert (two * 64).tolist() == pytest.approx([31, 9, 11, 12, 0, 1])
    assert graph.walk(np.array([A]))[candidates].tolist() == two.tolist()  # every slot
    # F is a partner of a partner only, so it gets less than any direct partner
    assert two[5] < min(two[1:4])
    # several sources start with equal shares; B's only project is p1 with A
    both = graph.walk(np.array([A, B]), candidates, steps=1)
    assert both.tolist() == pytest.approx((one + np.array([1 / 2, 1 / 2, 0, 0, 0, 0])) / 2)
    for sources in (np.array([E]), np.array([], dtype=np.int64)):  # no projects, no sources
        assert graph.walk(sources, candidates).tolist() == [0] * 6


def test_recent_counts_only_shared_projects_from_the_year_on(
    graph: CollaborationGraph,
) -> None:
    candidates = np.array([B, C, D, F])
    # with A since 2019: p1 (2019, B), p2 (2023, C); h2020:1 (2018, D) is too old
    assert graph.recent(np.array([A]), candidates, 2019).tolist() == [1, 1, 0, 0]
    assert graph.recent(np.array([A]), candidates, 2020).tolist() == [0, 1, 0, 0]
    assert graph.recent(np.array([A]), candidates, 2018).tolist() == [1, 1, 1, 0]
    assert graph.recent(np.array([A]), candidates, 2024).tolist() == [0, 0, 0, 0]
    # with C since 2021: p3 (2021, D), p2 (2023, A is not a candidate here), p5 (2022, F)
    assert graph.recent(np.array([C]), candidates, 2021).tolist() == [0, 0, 1, 1]
    # a candidate that is also a source (a positive example) counts only what it shared with
    # the *other* sources, never its own projects: C shared p2 (2023) with A
    assert graph.recent(np.array([A, C]), candidates, 2021).tolist() == [0, 1, 1, 1]
    assert graph.recent(np.array([C]), np.array([C]), 2000).tolist() == [0]
    assert graph.recent(np.array([], dtype=np.int64), candidates, 2000).tolist() == [0] * 4


def test_partners_most_shared_projects_first(graph: CollaborationGraph) -> None:
    assert graph.partners(C, 10).tolist() == [D, A, F]
    assert graph.partners(C, 1).tolist() == [D]
    assert sorted(graph.partners(A, 10).tolist()) == [B, C, D]
    assert graph.partners(E, 10).tolist() == []


def test_shared_projects_newest_first(graph: CollaborationGraph) -> None:
    assert graph.shared_projects(C, D) == [
        SharedProject("p3", "Project three", 2021, Source.CURATOR, "C"),
        SharedProject("h2020:2", "H2020 project 2", 2019),
    ]
    assert graph.shared_projects(D, C, limit=1) == [
        SharedProject("p3", "Project three", 2021, Source.CURATOR, "C")]
    assert graph.shared_projects(A, B) == [
        SharedProject("p1", "Project one", 2019, Source.CURATOR, "A")]
    assert graph.shared_projects(A, E) == []
    assert graph.shared_projects(B, C) == []


def test_bridge_names_the_partner_through_which_a_candidate_is_linked(
    graph: CollaborationGraph,
) -> None:
    assert graph.bridge(np.array([A]), F) == (A, C)  # F worked with C, C with A
    # D is linked to A directly and through C; C is the bridge (C-D 2 x A-C 1)
    assert graph.bridge(np.array([A]), D) == (A, C)
    assert graph.bridge(np.array([B]), C) == (B, A)
    assert graph.bridge(np.array([A]), E) is None  # no link at all
    assert graph.bridge(np.array([A]), B) is None  # only a direct link
    assert graph.bridge(np.array([], dtype=np.int64), F) is None


def test_projects_of(graph: CollaborationGraph) -> None:
    assert sorted(graph.projects[c] for c in graph.projects_of(np.array([A]))) == [
        "h2020:1", "h2020:3", "p1", "p2"
    ]
    assert sorted(graph.projects[c] for c in graph.projects_of(np.array([B, F]))) == [
        "p1", "p5"
    ]
    cols = graph.projects_of(np.array([A, B]))
    assert len(cols) == len(set(cols.tolist())) == 4  # unique
    assert len(graph.projects_of(np.array([], dtype=np.int64))) == 0
    assert len(graph.projects_of(np.array([E]))) == 0


def test_a_graph_without_projects() -> None:
    graph = CollaborationGraph.build([_profile("X"), _profile("Y")], {"X": 0, "Y": 1})
    assert graph.co.nnz == 0
    assert graph.direct(np.array([0]), np.array([1])).tolist() == [0]
    assert graph.indirect(np.array([0]), np.array([1])).tolist() == [0]
    assert graph.partners(0, 5).tolist() == []
    assert graph.bridge(np.array([0]), 1) is None


def _state(graph: CollaborationGraph) -> dict[str, object]:
    """Everything of a graph that does not depend on how its project columns are numbered."""
    counts = graph.counts.tocoo()
    slots = np.arange(graph.incidence.shape[0])
    return {
        "co": graph.co.toarray().tolist(),
        "indirect": [graph.indirect(np.array([s]), slots).tolist() for s in slots],
        "counts": {(int(r), graph.projects[c]): float(v)
                   for r, c, v in zip(counts.row, counts.col, counts.data, strict=True) if v},
        "items": [[graph.projects[c] for c in cols] for cols in graph.item_projects],
        "listed": {k: sorted((s, graph.projects[c]) for s, c in v)
                   for k, v in graph.listed.items() if v},
        "walk": [np.round(graph.walk(np.array([s]), slots), 6).tolist() for s in slots],
    }


def test_updated_equals_a_rebuild_after_every_kind_of_write() -> None:
    """Replace (partners change), remove (others named it), add a profile that others
    already name, add one with external history, add one naming a removed profile: after
    each step the updated graph equals a rebuild of the same state."""
    profiles = _profiles()
    slot_of = {k: v for k, v in SLOT_OF.items() if profiles[v] is not None}
    graph = CollaborationGraph.build(profiles, slot_of, HISTORY)
    steps: list[tuple[str, Profile | None]] = [
        ("A", _profile("A", Activity("p1", "Project one", year=2019, partners=("D",)),
                       Activity("p2", "Project two", year=2023, partners=("unknown-org",)))),
        ("C", None),
        ("G", _profile("G", Activity("p5", "Project five", year=2022, partners=("C", "F")),
                       Activity("p9", "Project nine", year=2024, partners=("B", "G")))),
        ("unknown-org", _profile("unknown-org")),
        ("999999999", _profile("999999999", Activity("p9", "Project nine", year=2024))),
        ("C", _profile("C", Activity("p3", "Project three", year=2021, partners=("D",)))),
        ("B", None),
    ]
    for pid, new in steps:
        slot = slot_of.get(pid)
        if slot is None:
            slot = len(profiles)
            profiles.append(None)
        old = profiles[slot]
        profiles[slot] = new
        if new is None:
            slot_of.pop(pid)
        else:
            slot_of[pid] = slot
        earlier = graph
        arrays = [(m.data.copy(), m.indices.copy(), m.indptr.copy(), m.shape)
                  for m in (earlier.co, earlier.counts, earlier.incidence)]
        graph = graph.updated([(slot, old, new)], profiles, slot_of)
        rebuilt = CollaborationGraph.build(profiles, slot_of, HISTORY)
        assert _state(graph) == _state(rebuilt), pid
        for (data, indices, indptr, shape), m in zip(  # readers may still be on the old one
                arrays, (earlier.co, earlier.counts, earlier.incidence), strict=True):
            assert m.shape == shape and np.array_equal(m.data, data), pid
            assert np.array_equal(m.indices, indices) and np.array_equal(m.indptr, indptr)
    assert graph.co[slot_of["G"], slot_of["999999999"]] == 1  # p9, with external history too
