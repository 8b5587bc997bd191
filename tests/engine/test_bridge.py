"""The language bridge (engine/bridge.py): the multilingual similarity on MiniLM's scale, the
same-language shift, lexical signals filled in across languages, and what the ranking and
its explanation make of them. The translating fake of test_multilingual stands in for e5."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from engine.bridge import LanguageBridge, fit_bridge
from engine.columns import profile_language
from engine.confidence import Confidence
from engine.embed import HashEncoder
from engine.fusion import FusionModel
from engine.pool import Pool
from engine.profiles import Activity, PartnerRequest, Profile
from engine.recommender import Recommender
from tests.engine.test_multilingual import TranslatingEncoder


def _fitted(shift: float = 0.0) -> LanguageBridge:
    rng = np.random.default_rng(0)
    minilm = rng.uniform(0.0, 0.8, 2000)
    e5 = 0.7 + 0.25 * minilm + rng.normal(0.0, 0.01, 2000)
    lexical = {"lexical": 0.3 * minilm, "lexical_log": np.log1p(30.0 * minilm),
               "lexical_best": 0.5 * minilm}
    return fit_bridge(minilm, e5, lexical, shift)


def test_the_map_is_monotone_and_puts_e5_on_minilm_scale() -> None:
    bridge = _fitted()
    e5 = np.linspace(0.68, 0.92, 50)
    mapped = bridge.similarities(e5, False)
    assert np.all(np.diff(mapped) >= 0)
    # e5 0.8 sits where MiniLM 0.4 sits (0.7 + 0.25 x 0.4)
    assert bridge.similarities(np.array([0.8]), False)[0] == pytest.approx(0.4, abs=0.03)
    # above every training quantile the map goes on rising (the best matches do not tie)
    above = bridge.similarities(np.array([0.92, 0.93, 0.95]), False)
    assert np.all(np.diff(above) > 0) and above[0] > 0.8
    assert bridge.similarities(np.array([5.0]), False)[0] == 1.0  # a cosine stays a cosine


def test_a_request_refits_the_map_on_its_own_pairs() -> None:
    """A short request scores lower on MiniLM than the training objectives: refitted on
    its own candidates, the same e5 similarity maps lower."""
    bridge = _fitted()
    rng = np.random.default_rng(1)
    short = bridge.refit(0.5 * rng.uniform(0.0, 0.8, 500), 0.7 + 0.25 * rng.uniform(0, 0.8, 500))
    assert short.similarities(np.array([0.8]), False)[0] < bridge.similarities(
        np.array([0.8]), False)[0] - 0.1
    assert short.shift == bridge.shift and short.imputed == bridge.imputed


def test_the_shift_raises_only_pairs_across_languages() -> None:
    bridge = _fitted(shift=0.025)
    e5 = np.array([0.8, 0.8])
    same, across = bridge.similarities(e5, np.array([False, True]))
    assert across > same
    assert across == pytest.approx(0.5, abs=0.03)  # 0.825 on e5 is 0.5 on MiniLM


def test_imputed_lexical_values_follow_their_mean_at_a_similarity() -> None:
    bridge = _fitted()
    low, high = bridge.impute("lexical", np.array([0.1, 0.6]))
    assert low == pytest.approx(0.03, abs=0.01) and high == pytest.approx(0.18, abs=0.01)
    assert bridge.impute("no_such_signal", np.array([0.5])) is None


def test_the_bridge_survives_a_round_trip_through_its_dict() -> None:
    bridge = _fitted(shift=0.03)
    again = LanguageBridge.from_dict(bridge.to_dict())
    e5 = np.linspace(0.7, 0.9, 7)
    assert np.allclose(again.similarities(e5, True), bridge.similarities(e5, True))
    assert again.imputed.keys() == bridge.imputed.keys()


def test_tied_top_values_do_not_make_the_map_vertical() -> None:
    """The partners of one project share its vector: many candidates tie at the top. A
    profile just above them must not jump to a similarity of 1."""
    rng = np.random.default_rng(3)
    minilm = np.concatenate([rng.uniform(0.0, 0.5, 300), np.full(12, 0.59)])
    e5 = np.concatenate([0.7 + 0.25 * minilm[:300], np.full(12, 0.85)])
    bridge = _fitted().refit(minilm, e5)
    assert bridge.similarities(np.array([0.8505]), False)[0] < 0.65


def test_fitting_needs_the_same_candidates_on_both_models() -> None:
    with pytest.raises(ValueError):
        fit_bridge(np.zeros(3), np.zeros(4), {}, 0.0)


def test_a_profile_language_is_that_of_its_own_text() -> None:
    polish = Profile(id="p", name="Klaster", description="Śląski klaster zrzesza firmy "
                     "zajmujące się recyklingiem baterii i odzyskiem surowców krytycznych.")
    project = Profile(id="e", name="ACME", activities=[Activity(
        id="a", title="BATT", text="The project develops recycling routes for lithium-ion "
        "batteries and recovers critical raw materials from black mass.")])
    assert profile_language(polish) == "pl"
    assert profile_language(project) == "en"
    assert profile_language(Profile(id="n", name="X")) == "en"


POLISH_PROFILE = Profile(
    id="pl-battery", name="Klaster Baterii", country="PL", kind="cluster",
    description="Nasz klaster łączy firmy, które zajmują się magazynowanie energii, baterie "
                "oraz akumulatory dla sieci energetycznych w całym regionie śląskim.")


@pytest.fixture
def bridged(profiles: list[Profile]) -> Recommender:
    """A recommender whose fusion model carries a bridge mapping the fake's similarities
    onto themselves (identity) with no shift, and imputes lexical at 0.2."""
    rec = Recommender(HashEncoder(64), multilingual=TranslatingEncoder()).fit(
        [*profiles, POLISH_PROFILE])
    grid = tuple(np.linspace(-1.0, 1.0, 5))
    bridge = LanguageBridge(source=grid, target=grid, shift=0.0, grid=grid,
                            imputed={"lexical": (0.2,) * 5, "lexical_best": (0.2,) * 5})
    rec.fusion = FusionModel(weights=dict(rec.config.weights), bridge=bridge)
    return rec


def _polish_row(rec: Recommender, request: PartnerRequest) -> tuple[Pool, int]:
    """The pool of ``request`` and the Polish profile's row in it."""
    pool = rec.pool(request)
    return pool, int(np.flatnonzero(pool.slots == rec.slot_ids().index("pl-battery"))[0])


def test_a_polish_profile_is_read_through_the_multilingual_model_by_an_english_request(
    bridged: Recommender,
) -> None:
    request = PartnerRequest(text="battery storage for the electricity grid, batteries")
    pool, i = _polish_row(bridged, request)
    # dense is the (identity-mapped) multilingual similarity, lexical the imputed value
    assert pool.features["dense"][i] == pytest.approx(pool.features["dense_multi"][i], abs=1e-5)
    assert pool.features["lexical"][i] == pytest.approx(0.2)
    english = [j for j in range(len(pool.slots)) if j != i]
    assert all(pool.features["dense"][j] != pool.features["dense_multi"][j] for j in english)


def test_a_request_too_short_to_tell_its_language_is_read_by_the_multilingual_model(
    bridged: Recommender,
) -> None:
    """"recykling baterii" is not English: taken for English, MiniLM read it against the
    English profiles. Undetected, every candidate is read through the multilingual model."""
    request = PartnerRequest(text="recykling baterii")
    pool, _ = _polish_row(bridged, request)
    assert pool.context.language == ""
    assert np.allclose(pool.features["dense"], pool.features["dense_multi"], atol=1e-5)
    polish = next(m for m in bridged.recommend(request, k=len(bridged.slot_ids()),
                                               explain=True) if m.profile_id == "pl-battery")
    assert polish.explanation is not None
    assert polish.explanation.evidence["languages"]["request"] == ""


def test_without_a_bridge_every_pair_keeps_minilm_and_tf_idf(bridged: Recommender) -> None:
    assert bridged.fusion is not None
    bridged.fusion = replace(bridged.fusion, bridge=None)
    request = PartnerRequest(text="battery storage for the electricity grid, batteries")
    pool, i = _polish_row(bridged, request)
    assert pool.features["lexical"][i] == 0.0
    assert pool.features["dense"][i] != pytest.approx(pool.features["dense_multi"][i], abs=1e-5)


def test_an_explanation_across_languages_cites_text_not_shared_words(
    bridged: Recommender,
) -> None:
    request = PartnerRequest(text="battery storage for the electricity grid, batteries")
    matches = bridged.recommend(request, k=len(bridged.slot_ids()), explain=True)
    polish = next(m for m in matches if m.profile_id == "pl-battery")
    assert polish.explanation is not None
    evidence = polish.explanation.evidence
    assert evidence["languages"] == {"request": "en", "profile": "pl",
                                     "request_name": "English", "profile_name": "Polish"}
    assert "shared_terms" not in evidence
    assert polish.signals["lexical"] > 0.0  # the filled-in terms count ...
    # ... but are no reason: the reason is the best-matching text, matched in meaning
    assert "in meaning across languages (it is written in Polish)" in polish.explanation.summary
    assert "key terms" not in polish.explanation.summary


def test_within_another_language_terms_the_index_lacks_are_no_evidence(
    bridged: Recommender,
) -> None:
    """A Polish request and a Polish profile: the term index (fitted on a corpus in another
    language, rare words pruned) shares none of their words. The 0 it reads is raised to
    what the terms usually are at that similarity, and the explanation says so rather than
    citing shared words."""
    request = PartnerRequest(text="Szukamy klastra, który zajmuje się magazynowaniem energii "
                                  "oraz akumulatorami dla sieci energetycznych.")
    pool, i = _polish_row(bridged, request)
    assert pool.context.language == "pl"
    assert bridged.lexical_scores(request.document)[
        bridged.slot_ids().index("pl-battery")] == 0.0  # no shared term
    assert pool.features["lexical"][i] == pytest.approx(0.2)  # the floor, not 0
    polish = next(m for m in bridged.recommend(request, k=len(bridged.slot_ids()),
                                               explain=True) if m.profile_id == "pl-battery")
    assert polish.explanation is not None
    evidence = polish.explanation.evidence
    assert evidence["languages"]["request"] == evidence["languages"]["profile"] == "pl"
    assert "shared_terms" not in evidence
    summary = polish.explanation.summary
    assert "across languages" not in summary and "key terms" not in summary
    assert "in meaning (both are in Polish)" in summary  # no known word, yet read in Polish


def test_within_another_language_terms_the_index_shares_are_real(
    profiles: list[Profile],
) -> None:
    """Where the index does share words of a Polish request and a Polish profile, above what
    the terms usually are at that similarity, they are the signal and the reason: no
    filling in, no "matched by meaning" block."""
    second = replace(POLISH_PROFILE, id="pl-grid", name="Sieci Energetyczne",
                     description="Firmy budują magazynowanie energii i akumulatory dla sieci.")
    rec = Recommender(HashEncoder(64), multilingual=TranslatingEncoder()).fit(
        [*profiles, POLISH_PROFILE, second])
    grid = tuple(np.linspace(-1.0, 1.0, 5))
    rec.fusion = FusionModel(weights=dict(rec.config.weights), bridge=LanguageBridge(
        source=grid, target=grid, shift=0.0, grid=grid,
        imputed={"lexical": (0.01,) * 5, "lexical_best": (0.01,) * 5}))
    request = PartnerRequest(text="Szukamy firm, które budują magazynowanie energii oraz "
                                  "akumulatory dla sieci energetycznych.")
    slot = rec.slot_ids().index("pl-battery")
    raw = float(rec.lexical_scores(request.document)[slot])
    assert raw > 0.01  # shared words the index knows
    polish = next(m for m in rec.recommend(request, k=len(rec.slot_ids()), explain=True)
                  if m.profile_id == "pl-battery")
    assert polish.signals["lexical"] == pytest.approx(raw, abs=1e-5)  # real, not filled in
    assert polish.explanation is not None
    assert "languages" not in polish.explanation.evidence


def test_a_request_in_a_language_the_term_index_lacks_is_not_called_weak_for_it(
    bridged: Recommender,
) -> None:
    """No word the index knows means nonsense in English ("asdfgh qwertz": low whatever its
    similarities), not in Polish: the multilingual model reads it."""
    assert bridged.fusion is not None
    bridged.fusion = replace(bridged.fusion, confidence=Confidence("dense", -1.0, -1.0))
    polish = PartnerRequest(text="Szukamy klastra, który zajmuje się magazynowaniem energii "
                                 "oraz akumulatorami dla sieci energetycznych.")
    assert bridged.lexical_scores(polish.document).max() == 0.0  # no word it knows
    assert bridged.confidence(polish, bridged.recommend(polish)) == "high"
    nonsense = PartnerRequest(text="asdfgh qwertz")
    assert bridged.confidence(nonsense, bridged.recommend(nonsense)) == "low"


def test_a_profile_without_history_is_not_halved_by_missing_projects(
    bridged: Recommender,
) -> None:
    """Its top-3 similarity is the mean of what it has, its best project terms its document."""
    request = PartnerRequest(text="Klaster baterie magazynowanie energii akumulatory sieci")
    pool, i = _polish_row(bridged, request)
    assert pool.features["dense_top3"][i] == pytest.approx(pool.features["dense"][i], abs=1e-5)
    assert pool.features["lexical_best"][i] == pytest.approx(pool.features["lexical"][i])


def test_a_link_across_languages_is_cited(profiles: list[Profile]) -> None:
    """The terms filled in across languages say nothing about links: a Polish cluster that
    worked with the requester is cited for it (it was not, for every cross-language pair)."""
    linked = replace(POLISH_PROFILE, activities=(Activity(
        id="pl-1", title="Magazyny energii", year=2022, partners=("de-cluster",)),))
    rec = Recommender(HashEncoder(64), multilingual=TranslatingEncoder()).fit([*profiles, linked])
    grid = tuple(np.linspace(-1.0, 1.0, 5))
    rec.fusion = FusionModel(weights=dict(rec.config.weights), bridge=LanguageBridge(
        source=grid, target=grid, shift=0.0, grid=grid,
        imputed={"lexical": (0.2,) * 5, "lexical_best": (0.2,) * 5}))
    request = PartnerRequest(text="battery storage for the electricity grid, batteries",
                             requester_id="de-cluster")
    polish = next(m for m in rec.recommend(request, k=len(rec.slot_ids()), explain=True)
                  if m.profile_id == "pl-battery")
    assert polish.explanation is not None
    evidence = polish.explanation.evidence
    assert evidence["languages"]["profile"] == "pl"
    assert [link["with_id"] for link in evidence["network"]] == ["de-cluster"]
    assert evidence["network"][0]["provenance"] == "entered by a curator"


def test_the_closest_text_says_which_languages_it_was_matched_in() -> None:
    from engine.summary import _closest

    def evidence(request: str, profile: str) -> dict[str, object]:
        return {"activities": [{"type": "description", "title": "Recykling baterii"}],
                "languages": {"request": request, "profile": profile,
                              "request_name": "Polish" if request == "pl" else "English",
                              "profile_name": "Polish"}}

    assert _closest(evidence("pl", "pl")).endswith("in meaning (both are in Polish)")
    assert _closest(evidence("en", "pl")).endswith(
        "in meaning across languages (it is written in Polish)")
