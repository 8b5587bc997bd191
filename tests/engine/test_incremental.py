"""Writes patch the derived data; the result must equal a rebuild from scratch."""

from __future__ import annotations

from dataclasses import fields, replace

import numpy as np
import pytest

from engine.columns import Columns
from engine.context import request_context
from engine.derived import Derived
from engine.embed import HashEncoder
from engine.errors import ConflictError
from engine.filters import allowed
from engine.pool import Pool, build_pool
from engine.profiles import Activity, PartnerRequest, Profile
from engine.recommender import Recommender
from engine.view import IndexView


def _snapshot(view: IndexView) -> tuple[dict[str, np.ndarray], np.ndarray, dict, Pool]:
    """Columns, mean vectors, by project id each project's members and TF-IDF row (an updated
    graph may number its project columns differently from a rebuilt one), and a pool."""
    derived = view.derived
    lexical = derived.projects.matrix.toarray()
    incidence = derived.graph.incidence.tocsc()
    projects = {
        project: (tuple(incidence[:, col].indices), tuple(np.round(lexical[col], 6)))
        for col, project in enumerate(derived.graph.projects)
        if incidence[:, col].nnz  # a project nobody has any more may stay as an empty column
    }
    request = PartnerRequest(text="battery storage")
    query = HashEncoder(64).encode_queries([request.document])[0]
    mask = allowed(request, derived.columns, view.corpus.slots)
    pool = build_pool(view, request_context(view, request, query), mask, 0)
    columns = {f.name: np.array(getattr(derived.columns, f.name)) for f in fields(Columns)}
    return columns, derived.means.copy(), projects, pool


def test_patched_derived_data_equals_a_rebuild(recommender: Recommender) -> None:
    recommender.pool(PartnerRequest(text="build the derived data"))
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
    view = recommender.view()
    patched_cols, patched_means, patched_lex, pool = _snapshot(view)

    fresh = replace(view, derived=Derived.build(view.corpus))  # rebuilt from the profiles
    fresh_cols, fresh_means, fresh_lex, fresh_pool = _snapshot(fresh)
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
    slots = recommender.slot_ids()
    assert patched_cols["country"][slots.index(first.id)] == "PT"
    assert not patched_cols["alive"][slots.index(None)]


def test_a_write_that_moves_now_recomputes_recency_and_moving_back_does_too(
    recommender: Recommender,
) -> None:
    """"Now" is the latest established activity year of the index, kept per slot: a write
    past it, and the removal of the profile that held it, both equal a rebuild."""
    recommender.pool(PartnerRequest(text="build the derived data"))
    before = recommender.view().derived.columns
    late = Profile(id="late-org", name="Late Org", country="SE", activities=(
        Activity(id="L1", title="A later project", year=before.as_of + 5),))
    states = []
    for write in (lambda: recommender.upsert([late]), lambda: recommender.remove("late-org")):
        write()
        view = recommender.view()
        fresh = Derived.build(view.corpus).columns
        patched = view.derived.columns
        assert patched.as_of == fresh.as_of
        for name in ("n_recent", "latest", "alive"):
            np.testing.assert_array_equal(getattr(patched, name), getattr(fresh, name))
        states.append(patched)
    assert states[0].as_of == before.as_of + 5 and states[1].as_of == before.as_of
    assert states[0].n_recent.sum() < before.n_recent.sum()  # the old work is less recent now
    np.testing.assert_array_equal(states[1].n_recent[: len(before)], before.n_recent)


def test_a_write_leaves_the_derived_data_of_a_copy_untouched(recommender: Recommender) -> None:
    """Derived data is an immutable value: a copy shares it, and a write to one replaces it
    there without changing the other's arrays."""
    recommender.pool(PartnerRequest(text="build the derived data"))
    twin = recommender.copy()
    before = twin.view().derived
    countries = before.columns.country.copy()
    first = next(iter(recommender.profiles()))
    recommender.upsert([replace(first, country="PT")])
    assert twin.view().derived is before
    np.testing.assert_array_equal(before.columns.country, countries)
    assert recommender.view().derived is not before


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
    assert recommender.n_vectors < twin.n_vectors

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
