"""The project texts' rows across writes: kept in blocks that a write appends to (never a
rebuild of every row), read as a rebuild would read them."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import scipy.sparse as sp

from engine.derived import Derived
from engine.profiles import Activity, PartnerRequest
from engine.project_texts import appended
from engine.recommender import Recommender


def _rows(seed: int, n: int, width: int = 12) -> sp.csr_matrix:
    return sp.random(n, width, density=0.3, format="csr", dtype=np.float32,
                     random_state=seed)


def test_appended_rows_follow_the_stored_ones_and_the_newer_block_merges_once_large() -> None:
    blocks: tuple[sp.csc_matrix, ...] = ()
    parts = [_rows(i, 3) for i in range(6)]
    sizes = []
    for part in parts:
        blocks = appended(blocks, part, merge_rows=5)
        sizes.append(tuple(b.shape[0] for b in blocks))
        assert all(b.format == "csc" for b in blocks)
    # the first part is the older block; the newer one takes rows until it passes 5
    assert sizes == [(3,), (3, 3), (9,), (9, 3), (15,), (15, 3)]
    np.testing.assert_array_equal(sp.vstack(blocks).toarray(), sp.vstack(parts).toarray())


def test_a_wider_vocabulary_appends_rows_at_the_stored_width() -> None:
    """A write that outgrows the vocabulary's width transforms its rows at the new width;
    their entries are in fitted columns only, so they join at the stored width."""
    stored = appended((), _rows(1, 4, width=12))
    wider = sp.hstack([_rows(2, 2, width=12), sp.csr_matrix((2, 20), dtype=np.float32)],
                      format="csr")
    blocks = appended(stored, wider)
    assert [b.shape for b in blocks] == [(4, 12), (2, 12)]
    np.testing.assert_array_equal(blocks[1].toarray(), wider.toarray()[:, :12])


def test_writes_past_the_vocabulary_width_read_as_a_rebuild(recommender: Recommender) -> None:
    """Many new words (more than the vocabulary had room for) and then new project texts:
    the rows each project reads, and the lexical_best signal, equal a rebuild's."""
    recommender.pool(PartnerRequest(text="build the derived data"))
    first, second = list(recommender.profiles())[:2]
    width = recommender._corpus.lexical.width
    words = " ".join(f"zq{i}word" for i in range(width + 10))
    recommender.upsert([replace(first, description=words)])
    assert recommender._corpus.lexical.width > width
    recommender.upsert([replace(second, activities=(*second.activities, Activity(
        id="NEW-1", title="Offshore hydrogen storage", text="Salt caverns for hydrogen",
        year=2024)))])
    view = recommender.view()
    fresh = Derived.build(view.corpus)
    patched = view.derived.projects
    by_project = {p: i for i, p in enumerate(fresh.graph.projects)}
    rebuilt = fresh.projects.matrix.toarray()
    rows = patched.matrix.toarray()
    width = rows.shape[1]
    assert not rebuilt[:, width:].any()  # project rows use the columns learned at fit only
    for col, project in enumerate(view.derived.graph.projects):
        if project in by_project:
            np.testing.assert_array_equal(rows[col], rebuilt[by_project[project], :width],
                                          err_msg=project)
    query = view.corpus.lexical.transform(["hydrogen storage in salt caverns zq3word"])
    slots = np.flatnonzero(fresh.columns.alive)
    counts = fresh.columns.n_vectors[slots]
    best = patched.best(query, view.derived.projects_of_vectors(slots), counts)
    assert best.max() > 0
    np.testing.assert_array_equal(best, fresh.projects.best(
        query, fresh.projects_of_vectors(slots), counts))
