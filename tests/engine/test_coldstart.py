"""The cold-start protocol (engine/coldstart.py): the cold copy keeps who an organisation is
and one of its own texts and loses all history, including the network other profiles give it;
the sample is deterministic; the metrics are those of the cold organisation's rank."""

from __future__ import annotations

import numpy as np
import pytest

from engine.builtin_signals import BUILTIN
from engine.coldstart import (
    _Tally,
    choose_cold,
    clip,
    cold_copy,
    cold_corpus,
    cold_recommender,
    cold_start_benchmark,
    contribution_gap,
    eligible,
    format_cold_start,
    group_gap,
    score_cold,
)
from engine.embed import HashEncoder
from engine.evaluate import Query
from engine.profiles import Profile
from engine.recommender import Recommender
from engine.registry import Registry
from engine.sources.h2020 import Participation

ONLY = {name: {f: float(f == name) for f in BUILTIN.names} for name in ("dense", "lexical")}
VARIANTS = {"dense_only": ONLY["dense"], "lexical_only": ONLY["lexical"]}


def _by_id(profiles: list[Profile]) -> dict[str, Profile]:
    return {p.id: p for p in profiles}


def _query(qid: str, text: str, requester: str, *relevant: str) -> Query:
    return Query(qid, text, text, requester, frozenset(relevant))


# ---- the cold copy ----------------------------------------------------------------------
def test_cold_copy_has_no_history_and_its_latest_text_as_description(
    profiles: list[Profile],
) -> None:
    original = _by_id(profiles)["de-cluster"]
    cold = cold_copy(original)
    assert cold.activities == () and cold.keywords == ()
    latest = original.activities[-1]  # a2, 2022: the most recent
    assert cold.description == latest.text == "Battery packs for electric cars"
    assert cold.ecosystems == latest.ecosystems
    for name in ("id", "name", "kind", "country", "sme", "region", "lat", "lon", "url"):
        assert getattr(cold, name) == getattr(original, name)


def test_latest_activity_is_by_year_not_by_position(profiles: list[Profile]) -> None:
    original = _by_id(profiles)["it-agri"]
    flipped = Profile(**{**original.__dict__, "activities": original.activities[::-1]})
    assert cold_copy(flipped).description == "Crop rotation trials for farming"  # 2022


def test_clip_cuts_at_a_word_boundary() -> None:
    assert clip("one two three", 9) == "one two"
    assert clip("  spaced \n out  ", 100) == "spaced out"
    assert len(clip("word " * 400)) <= 1000
    assert clip("x" * 50, 10) == "x" * 10


def test_cold_corpus_removes_the_organisation_from_partner_lists_and_history(
    profiles: list[Profile],
) -> None:
    history = [Participation("h1", "es-solar", "participant", 2018),
               Participation("h1", "de-cluster", "coordinator", 2018)]
    out, kept = cold_corpus(profiles, history, {"es-solar"})
    assert [p.id for p in out] == [p.id for p in profiles]
    assert all("es-solar" not in a.partners for p in out for a in p.activities)
    assert kept == [history[1]]
    untouched = _by_id(out)["fr-univ"]
    assert untouched is _by_id(profiles)["fr-univ"]  # names nobody cold: the same object


def test_cold_index_gives_the_organisation_no_network_or_experience(
    recommender: Recommender, profiles: list[Profile],
) -> None:
    history = [Participation("h1", "es-solar", "participant", 2018),
               Participation("h1", "de-cluster", "coordinator", 2018)]
    before = Recommender(recommender.encoder).fit(profiles, history=history)
    slot = before.slot_ids().index("es-solar")
    assert before.view().derived.graph.co[slot].sum() > 0
    cold = cold_recommender(before, profiles, history, {"es-solar"})
    slot = cold.slot_ids().index("es-solar")
    columns = cold.view().derived.columns
    assert cold.view().derived.graph.co[slot].sum() == 0
    assert columns.n_activities[slot] == columns.n_history[slot] == 0
    assert columns.n_vectors[slot] == 1  # its one description passage
    assert cold.get("es-solar").description == "Solar parks with battery storage"
    assert len(before.get("es-solar").activities) == 1  # the given index is not changed


# ---- the sample -------------------------------------------------------------------------
QUERIES = [
    _query("q1", "battery storage", "de-auto", "de-cluster", "es-solar", "fr-univ"),
    _query("q2", "cancer imaging", "nl-research", "fr-univ", "it-agri"),
    _query("q3", "soil sensors", "it-agri", "pl-klaster", "gone"),
    _query("q4", "tourism", "pl-klaster", "gr-region"),
]
INDEX = {"de-cluster", "es-solar", "fr-univ", "it-agri", "pl-klaster", "gr-region",
         "de-auto", "nl-research"}


def test_eligible_excludes_shared_requesters_and_unknown_organisations() -> None:
    found = eligible(QUERIES, INDEX)
    # fr-univ is relevant twice; it-agri and pl-klaster are requesters; "gone" is not indexed
    assert found == {"q1": ["de-cluster", "es-solar"], "q2": [], "q3": [],
                     "q4": ["gr-region"]}


def test_the_sample_is_deterministic_for_a_seed() -> None:
    first = choose_cold(QUERIES, INDEX, seed=3)
    assert first == choose_cold(QUERIES, INDEX, seed=3)
    assert set(first) == {"q1", "q4"} and first["q4"] == "gr-region"
    assert first["q1"] in {"de-cluster", "es-solar"}
    draws = {choose_cold(QUERIES, INDEX, seed=s)["q1"] for s in range(20)}
    assert draws == {"de-cluster", "es-solar"}  # the seed matters


# ---- the metrics ------------------------------------------------------------------------
def test_score_cold_metrics_are_those_of_the_cold_organisations_rank(
    recommender: Recommender,
) -> None:
    queries = [_query("q1", "solar parks with battery storage", "de-auto", "es-solar",
                      "de-cluster"),
               _query("q2", "machine learning for medical images", "fr-univ", "nl-research")]
    cold = {"q1": "es-solar", "q2": "nl-research"}
    result = score_cold(recommender, queries, cold, VARIANTS)
    ranks = []
    for query in queries:
        pool = recommender.pool(query.request(), k=100)
        ranked = [m.profile_id for m in recommender.rank_pool(pool, 100)]
        ranks.append(ranked.index(cold[query.id]) + 1)
    engine = result["methods"]["engine"]
    assert engine["queries"] == 2
    assert engine["recall@10"] == 1.0  # 8 profiles: everyone is in the top 10
    assert engine["mrr"] == pytest.approx(np.mean([1 / r for r in ranks]))
    assert set(result["methods"]) == {"engine", "dense_only", "lexical_only"}
    assert result["in_pool"] == 1.0
    assert result["missed_in_pool"] == 0  # none left outside the top 10


def test_group_gap_is_the_contribution_difference_per_group() -> None:
    registry: Registry = BUILTIN
    features = {name: np.zeros(2) for name in registry.names}
    features["dense"] = np.array([0.9, 0.5])
    features["experience"] = np.array([0.0, 1.0])
    weights = {**{name: 0.0 for name in registry.names}, "dense": 2.0, "experience": 1.5}
    gap = group_gap(features, weights, registry, 0, 1)
    assert gap == pytest.approx({"semantic": 0.8, "experience": -1.5})


def test_cold_start_benchmark_runs_both_indexes_and_formats(
    hash_encoder: HashEncoder, profiles: list[Profile],
) -> None:
    recommender = Recommender(hash_encoder).fit(profiles)
    queries = [_query("q1", "solar photovoltaic energy storage for farms", "de-auto",
                      "es-solar"),
               _query("q2", "zorblax", "fr-univ", "nl-research", "it-agri")]
    result = cold_start_benchmark(recommender, profiles, [], queries, VARIANTS, seed=0)
    assert result["queries"] == 2 and result["cold_organisations"] == 2
    for state in ("history_kept", "cold"):
        assert set(result[state]["methods"]) == {"engine", "dense_only", "lexical_only"}
        assert result[state]["methods"]["engine"]["queries"] == 2
    assert recommender.get("es-solar").activities  # the normal index keeps the history
    table = format_cold_start(result)
    assert "| engine | kept |" in table and "| dense_only | cold |" in table
    assert "in the first-stage pool" in table


def test_contribution_gap_per_signal_and_the_tally_sums_groups() -> None:
    features = {"dense": np.array([0.9, 0.5]), "experience": np.array([0.0, 1.0]),
                "recency": np.array([0.0, 2.0])}
    weights = {"dense": 2.0, "experience": 1.5, "recency": 0.0}
    assert contribution_gap(features, weights, 0, 1) == pytest.approx(
        {"dense": 0.8, "experience": -1.5})  # weight 0: left out
    tally = _Tally({"engine": []}, [1.0, 0.0],
                   [{"dense": 0.8, "experience": -1.5}, {"dense": 0.4, "coordination": -1.0}])
    out = tally.to_dict(BUILTIN)
    assert out["gap_to_rank10_signals"] == pytest.approx(
        {"dense": 0.6, "experience": -0.75, "coordination": -0.5})
    assert out["gap_to_rank10"] == pytest.approx({"semantic": 0.6, "experience": -1.25})
    assert out["in_pool"] == 0.5 and out["missed_in_pool"] == 2
