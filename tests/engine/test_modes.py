"""The recommendation modes beyond request -> profiles: similar profiles, complementary
partners, and requests with examples ("more like these, not like those")."""

from __future__ import annotations

from dataclasses import replace

import pytest

from engine.config import RankConfig
from engine.diversity import Diversity
from engine.embed import HashEncoder
from engine.match import Match
from engine.profiles import PartnerRequest, Profile
from engine.recommender import Recommender

BATTERY = PartnerRequest(text="battery storage for the grid")


def ids(matches: list[Match]) -> list[str]:
    return [m.profile_id for m in matches]


def rank_of(matches: list[Match], profile_id: str) -> int:
    return ids(matches).index(profile_id)


def assert_faithful_order(matches: list[Match]) -> None:
    assert [m.rank for m in matches] == list(range(1, len(matches) + 1))
    scores = [m.score for m in matches]
    assert scores == sorted(scores, reverse=True)
    for m in matches:
        assert m.score - m.baseline == pytest.approx(sum(m.contributions.values()), abs=1e-9)


# ---- similar ----------------------------------------------------------------------------
@pytest.mark.parametrize("explain", [False, True])
def test_similar_never_returns_the_profile_itself(recommender: Recommender, explain: bool) -> None:
    for profile in recommender.profiles():
        matches = recommender.similar(profile.id, k=20, explain=explain)
        assert profile.id not in ids(matches)
        assert len(matches) == len(recommender) - 1
        assert_faithful_order(matches)
        if explain:
            assert all(m.explanation is not None for m in matches)


def test_similar_honours_negative_examples(recommender: Recommender) -> None:
    first = ids(recommender.similar("de-cluster", k=2))
    matches = recommender.similar("de-cluster", k=10, negative_ids=tuple(first))
    assert not set(first) & set(ids(matches))
    assert "de-cluster" not in ids(matches)
    assert len(matches) == len(recommender) - 3


# ---- complementary ----------------------------------------------------------------------
def _brings_something_new(source: Profile, candidate: Profile) -> bool:
    return bool(set(candidate.ecosystems) - set(source.ecosystems))


@pytest.mark.parametrize(
    ("source", "left_out"),
    [
        ("de-cluster", {"es-solar", "de-auto"}),  # renewables / mobility only: nothing new
        ("nl-research", {"fr-univ", "pl-klaster"}),  # health / digital only
        ("fr-univ", set()),  # nl-research brings digital beside the shared health
        ("gr-region", set()),
    ],
)
def test_complementary_returns_only_profiles_with_an_ecosystem_the_source_lacks(
    recommender: Recommender, source: str, left_out: set[str]
) -> None:
    profile = recommender.get(source)
    matches = recommender.complementary(source, k=20)
    expected = {
        p.id for p in recommender.profiles()
        if p.id != source and _brings_something_new(profile, p)
    }
    assert set(ids(matches)) == expected  # all of them, and nobody else
    assert {p.id for p in recommender.profiles()} - expected - {source} == left_out
    assert_faithful_order(matches)


def test_complementary_leaves_out_the_most_similar(recommender: Recommender) -> None:
    """A profile page lists both: the complementary list does not repeat the similar one."""
    for profile_id in ("de-cluster", "nl-research", "fr-univ"):
        similar = {m.profile_id for m in recommender.similar(profile_id, k=3)}
        complementary = {m.profile_id for m in recommender.complementary(profile_id, k=3,
                                                                         distinct=3)}
        assert similar and not similar & complementary
        assert similar & {m.profile_id for m in recommender.complementary(profile_id, k=8)}


def test_complementary_does_not_reward_shared_ecosystems(recommender: Recommender) -> None:
    matches = recommender.complementary("nl-research", k=10, explain=True)
    assert matches
    for m in matches:
        assert "eco_shared" not in m.contributions
        assert m.explanation.evidence.get("ecosystems", {}).get("shared", []) == []
        assert "eco_complementary" in m.contributions  # the boosted signal is in force
    # nl-research's own sectors: digital and health; fr-univ and pl-klaster bring nothing new
    assert not {"fr-univ", "pl-klaster"} & set(ids(matches))


def test_complementary_honours_filters(recommender: Recommender) -> None:
    matches = recommender.complementary("de-cluster", k=10, countries=("FR", "NL"))
    assert set(ids(matches)) == {"fr-univ", "nl-research"}


# ---- examples ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "config",
    [RankConfig(weights={"dense": 4.0, "lexical": 4.0, "network_direct": 0.8,
                         "experience": 1.0}),
     RankConfig(weights={"dense": 1.0})],
    ids=["hand-set", "dense-only"],
)
def test_positive_examples_move_results_towards_them(
    hash_encoder: HashEncoder, profiles: list[Profile], config: RankConfig
) -> None:
    recommender = Recommender(hash_encoder, config).fit(profiles)
    plain = recommender.recommend(BATTERY, k=8)
    # Delft Imaging Lab as a positive example: the other cancer-imaging profile rises
    guided = recommender.recommend(replace(BATTERY, positive_ids=("nl-research",)), k=8)
    assert rank_of(guided, "fr-univ") < rank_of(plain, "fr-univ")
    before = {m.profile_id: m.signals["dense"] for m in plain}
    after = {m.profile_id: m.signals["dense"] for m in guided}
    assert after["fr-univ"] > before["fr-univ"]
    # and profiles unlike the example lose some of their lead
    assert after["de-cluster"] < before["de-cluster"]
    assert_faithful_order(guided)


def test_positive_examples_join_the_consortium_for_the_network(recommender: Recommender) -> None:
    plain = {m.profile_id: m for m in recommender.recommend(BATTERY, k=8)}
    request = replace(BATTERY, positive_ids=("nl-research",))
    guided = {m.profile_id: m for m in recommender.recommend(request, k=8)}
    assert plain["fr-univ"].signals["network_direct"] == 0.0
    assert guided["fr-univ"].signals["network_direct"] > 0.0  # fr-univ worked with nl-research


def test_negative_examples_move_results_away_and_are_never_returned(
    hash_encoder: HashEncoder, profiles: list[Profile]
) -> None:
    recommender = Recommender(hash_encoder, RankConfig(weights={"dense": 1.0})).fit(profiles)
    plain = {m.profile_id: m.signals["dense"] for m in recommender.recommend(BATTERY, k=8)}
    request = replace(BATTERY, negative_ids=("de-cluster",))
    matches = recommender.recommend(request, k=8)
    assert "de-cluster" not in ids(matches)
    after = {m.profile_id: m.signals["dense"] for m in matches}
    # es-solar shares the "Battery storage pilot" with the negative example: it drops
    assert after["es-solar"] < plain["es-solar"]


@pytest.mark.parametrize(
    "options",
    [{}, {"explain": True}, {"diversity": Diversity(mmr_lambda=0.5, max_per_country=1)}],
)
def test_negative_examples_are_never_returned(
    recommender: Recommender, options: dict[str, object]
) -> None:
    for negatives in [("es-solar",), ("de-cluster", "de-auto"), ("fr-univ", "nl-research")]:
        for text in ("battery storage for the grid", "cancer imaging", "soil farming"):
            request = PartnerRequest(text=text, negative_ids=negatives,
                                     positive_ids=("pl-klaster",))
            matches = recommender.recommend(request, k=10, **options)  # type: ignore[arg-type]
            assert matches
            assert not set(negatives) & set(ids(matches))


def test_unknown_example_ids_are_ignored(recommender: Recommender) -> None:
    plain = recommender.recommend(BATTERY, k=8)
    odd = recommender.recommend(replace(BATTERY, positive_ids=("nobody",),
                                        negative_ids=("no-one",)), k=8)
    assert ids(odd) == ids(plain)
    assert [m.score for m in odd] == pytest.approx([m.score for m in plain])


def test_a_positive_example_is_never_returned_and_shares_no_project_with_itself(
    recommender: Recommender,
) -> None:
    # it-agri, a positive example, asks for more like it: it is not listed itself (the
    # example ranked first, citing its own network, read as the list ignoring the user)
    request = PartnerRequest(text="soil and crops", requester_id="de-cluster",
                             positive_ids=("it-agri",))
    assert "it-agri" not in {m.profile_id for m in recommender.recommend(request, k=8)}
    # pl-klaster worked with it-agri in 2019, es-solar with de-cluster in 2021 (recent)
    others = {m.profile_id: m.signals for m in recommender.recommend(request, k=8)}
    assert others["pl-klaster"]["network_direct"] > 0.0
    assert others["pl-klaster"]["network_recent"] == 0.0
    assert others["es-solar"]["network_recent"] > 0.0
