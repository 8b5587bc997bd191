"""Writes patch derived data in place; the result must equal a rebuild from scratch."""

from __future__ import annotations

from dataclasses import fields, replace

import numpy as np
import pytest

from engine.errors import ConflictError
from engine.profiles import Activity, PartnerRequest, Profile
from engine.recommender import Pool, Recommender, _Columns


def _snapshot(rec: Recommender) -> tuple[tuple[dict[str, np.ndarray], np.ndarray, dict], Pool]:
    """Columns, mean vectors and, by project id, each project's members and TF-IDF row: an
    updated graph may number its project columns differently from a rebuilt one."""
    cols = rec._cols()
    request = PartnerRequest(text="battery storage")
    pool = rec.pool(request)  # builds graph, means and project TF-IDF
    graph = rec._graph()
    lexical = rec._project_lexical().toarray()
    incidence = graph.incidence.tocsc()
    projects = {
        project: (tuple(incidence[:, col].indices), tuple(np.round(lexical[col], 6)))
        for col, project in enumerate(graph.projects)
        if incidence[:, col].nnz  # a project nobody has any more may stay as an empty column
    }
    return ({f.name: np.array(getattr(cols, f.name)) for f in fields(_Columns)},
            rec._mean_vectors().copy(), projects), pool


def test_patched_caches_equal_a_rebuild(recommender: Recommender) -> None:
    recommender.pool(PartnerRequest(text="warm every cache"))
    first = next(iter(recommender.profiles()))
    newcomer = Profile(
        id="new-org", name="Newcomer Batteries", country="SE", kind="company",
        ecosystems=("renewables",),
        activities=(Activity(id="N1", title="Battery storage pilot", text="Grid batteries",
                             year=2022, partners=(first.id,), role="coordinator"),),
    )
    recommender.upsert([newcomer])
    recommender.upsert([replace(first, country="PT", description="Now in Portugal")])
    victim = [p for p in recommender.profiles() if p.id not in {first.id, "new-org"}][0]
    recommender.remove(victim.id)
    (patched_cols, patched_means, patched_lex), pool = _snapshot(recommender)

    recommender._changed()  # drop everything: rebuild from the profiles
    (fresh_cols, fresh_means, fresh_lex), fresh_pool = _snapshot(recommender)
    for name, values in fresh_cols.items():
        if values.dtype.kind == "f":
            np.testing.assert_array_equal(np.isnan(values), np.isnan(patched_cols[name]))
            np.testing.assert_allclose(np.nan_to_num(values), np.nan_to_num(patched_cols[name]))
        else:
            np.testing.assert_array_equal(values, patched_cols[name], err_msg=name)
    np.testing.assert_allclose(fresh_means, patched_means, atol=1e-6)
    assert fresh_lex == patched_lex
    np.testing.assert_array_equal(pool.slots, fresh_pool.slots)
    for name, values in fresh_pool.features.items():
        np.testing.assert_allclose(values, pool.features[name], atol=1e-5, err_msg=name)
    assert patched_cols["country"][recommender._slot[first.id]] == "PT"
    assert not patched_cols["alive"][recommender.slot_ids().index(None)]


def _ranking(rec: Recommender, text: str = "battery storage") -> list[tuple[str, float]]:
    return [(m.profile_id, round(m.score, 6)) for m in rec.recommend(PartnerRequest(text=text), 5)]


def test_a_copy_ranks_the_same_and_writes_stay_apart(recommender: Recommender) -> None:
    """``copy`` gives a second, independent recommender (the service writes two in turn):
    same answers at first, then each sees only its own writes, and writing the same change
    to both brings them back to the same answers."""
    recommender.add_requests([("req-1", PartnerRequest(text="battery partners"), None)])
    twin = recommender.copy()
    assert _ranking(twin) == _ranking(recommender) and twin.version == recommender.version
    first = next(iter(recommender.profiles()))
    newcomer = Profile(
        id="new-org", name="Newcomer Batteries", country="SE", kind="company",
        description="Battery storage for the grid, battery storage pilots",
        activities=(Activity(id="N1", title="Battery storage pilot", text="Grid batteries",
                             year=2022, partners=(first.id,), role="coordinator"),),
    )
    twin.upsert([newcomer])
    twin.remove_request("req-1")
    assert "new-org" in twin and "new-org" not in recommender
    assert "new-org" in [pid for pid, _ in _ranking(twin)]
    assert "new-org" not in [pid for pid, _ in _ranking(recommender)]
    assert len(recommender.requests) == 1 and len(twin.requests) == 0
    assert recommender._require_index().ids().size < twin._require_index().ids().size

    recommender.upsert([newcomer])
    recommender.remove_request("req-1")
    assert _ranking(twin) == _ranking(recommender) and twin.version == recommender.version


def test_an_upsert_naming_a_profile_twice_is_refused_and_changes_nothing(
    recommender: Recommender,
) -> None:
    first = next(iter(recommender.profiles()))
    version = recommender.version
    with pytest.raises(ConflictError, match="more than once"):
        recommender.upsert([replace(first, name="A"), replace(first, name="B")])
    assert recommender.version == version and recommender.get(first.id).name == first.name
