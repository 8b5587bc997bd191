"""Confidence levels: thresholds at quantiles of the training evidence, hit rates per level,
and a request with no word the index knows is low."""

from __future__ import annotations

import numpy as np
import pytest

from engine.confidence import Confidence, fit_confidence
from engine.embed import HashEncoder
from engine.fusion import FusionModel
from engine.profiles import PartnerRequest, Profile
from engine.recommender import Recommender


def test_thresholds_are_quantiles_and_hit_rates_are_per_level() -> None:
    evidence = np.linspace(0.0, 1.0, 101)
    hits = evidence > 0.3  # better matches find real partners more often
    model = fit_confidence(evidence, hits, "dense")
    assert model.medium == pytest.approx(0.25) and model.high == pytest.approx(0.5)
    assert model.hit_rates["low"] == 0.0 and model.hit_rates["high"] == 1.0
    assert 0.0 < model.hit_rates["medium"] < 1.0
    assert [model.level(v) for v in (0.1, 0.3, 0.9)] == ["low", "medium", "high"]
    assert Confidence.from_dict(model.to_dict()) == model


def test_a_list_is_low_without_known_words_or_candidates() -> None:
    model = Confidence("dense", 0.4, 0.6)
    strong = [{"dense": 0.9}, {"dense": 0.2}]
    assert model.of(strong, readable=True) == "high"
    assert model.of(strong, readable=False) == "low"
    assert model.of([], readable=True) == "low"
    assert model.of([{"dense": 0.5}] + [{"dense": 0.1}] * 20, readable=True) == "medium"


def test_nonsense_gets_a_low_confidence_and_a_real_request_does_not(
    profiles: list[Profile],
) -> None:
    rec = Recommender(HashEncoder(64)).fit(profiles)
    rec.fusion = FusionModel(rec.weights, confidence=Confidence("dense", 0.3, 0.6))
    assert rec.confidence(PartnerRequest(text="x"), []) == "low"
    nonsense = PartnerRequest(text="asdfgh qwertz")
    assert rec.confidence(nonsense, rec.recommend(nonsense)) == "low"
    real = PartnerRequest(text="battery storage for the grid")
    assert rec.confidence(real, rec.recommend(real)) in ("medium", "high")
    rec.fusion = None
    assert rec.confidence(real, rec.recommend(real)) is None


def test_the_reasons_of_a_low_list_say_it_is_weak(profiles: list[Profile]) -> None:
    rec = Recommender(HashEncoder(64)).fit(profiles)
    rec.fusion = FusionModel(rec.weights, confidence=Confidence("dense", 0.3, 0.6))
    nonsense = rec.recommend(PartnerRequest(text="asdfgh qwertz"), k=3, explain=True)
    assert all(m.explanation is not None and m.explanation.summary.startswith(
        "Only a weak match for this request.") for m in nonsense)
    # no word the index knows: no text of theirs is said to match it, or to be closer to it
    assert not any("matches the request" in m.explanation.summary
                   or "closer in meaning" in m.explanation.summary for m in nonsense)
    real = rec.recommend(PartnerRequest(text="battery storage for the grid"), k=3, explain=True)
    assert not any(m.explanation is not None and "weak match" in m.explanation.summary
                   for m in real)


def test_a_related_list_stops_where_candidates_fit_weakly(profiles: list[Profile]) -> None:
    rec = Recommender(HashEncoder(64)).fit(profiles)
    similar = rec.similar(profiles[0].id, k=len(profiles))
    values = sorted(m.signals["dense"] for m in similar)
    cut = values[len(values) // 2]  # the calibrated threshold sits inside this list
    kept = Confidence("dense", cut, 1.0).related(similar)
    assert 0 < len(kept) < len(similar)
    assert all(m.signals["dense"] >= cut for m in kept)
    assert [m.profile_id for m in kept] == [m.profile_id for m in similar
                                            if m.signals["dense"] >= cut]  # order kept


def test_a_text_is_quoted_as_matching_only_from_the_calibrated_threshold(
    profiles: list[Profile],
) -> None:
    """Below ``medium`` a candidate's closest text is no match: its reasons say only that it
    is closer than typical ("asdfgh" had Rolls-Royce's aero-engine project "match")."""
    rec = Recommender(HashEncoder(64)).fit(profiles)
    request = PartnerRequest(text="battery storage for the grid")
    summaries = {}
    for medium in (-1.0, 1.01):
        rec.fusion = FusionModel(rec.weights, confidence=Confidence("dense", medium, 1.02))
        summaries[medium] = [m.explanation.summary for m in rec.recommend(request, k=5,
                                                                         explain=True)]
    assert any("matches the request" in s for s in summaries[-1.0])
    assert not any("matches the request" in s for s in summaries[1.01])
    assert any("closer in meaning to the request than the typical candidate" in s
               for s in summaries[1.01])
