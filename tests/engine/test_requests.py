"""The request book: open partner requests found for profiles ("opportunities for my
cluster") and for other requests, with expiry and a reciprocal score."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from engine.errors import NotFoundError
from engine.filters import admits
from engine.profiles import PartnerRequest
from engine.recommender import Recommender
from engine.requests import RequestMatch

TODAY = date(2024, 6, 1)

BATTERY = "battery storage and battery packs for electric vehicles"
CANCER = "machine learning for cancer imaging diagnostics"


def _ids(matches: list[RequestMatch]) -> list[str]:
    return [m.request_id for m in matches]


def _assert_ranked(matches: list[RequestMatch]) -> None:
    keys = [m.reciprocal if m.reciprocal is not None else m.score for m in matches]
    assert keys == sorted(keys, reverse=True)
    for m in matches:
        assert -1.0 - 1e-5 <= m.score <= 1.0 + 1e-5
        assert m.reciprocal is None or 0.0 <= m.reciprocal <= 1.0


# ---- request -> profile -----------------------------------------------------------------
@pytest.fixture
def book(recommender: Recommender) -> Recommender:
    """The fixture recommender with requests that a battery profile could answer."""
    recommender.add_requests([
        ("open", PartnerRequest(text=BATTERY), None),
        ("de-only", PartnerRequest(text=BATTERY, countries=("DE",)), None),
        ("not-de", PartnerRequest(text=BATTERY, exclude_countries=("DE",)), None),
        ("companies", PartnerRequest(text=BATTERY, kinds=("company",)), None),
        ("clusters", PartnerRequest(text=BATTERY, kinds=("cluster",)), None),
        ("smes", PartnerRequest(text=BATTERY, sme_only=True), None),
        ("mobility", PartnerRequest(text=BATTERY, ecosystems=("mobility",),
                                    ecosystem_filter=True), None),
        ("health", PartnerRequest(text=BATTERY, ecosystems=("health",),
                                  ecosystem_filter=True), None),
        ("health-pref", PartnerRequest(text=BATTERY, ecosystems=("health",)), None),
        ("mine", PartnerRequest(text=BATTERY, requester_id="de-auto"), None),
        ("theirs", PartnerRequest(text=BATTERY, requester_id="de-cluster"), None),
        ("expired", PartnerRequest(text=BATTERY), TODAY - timedelta(days=1)),
        ("last-day", PartnerRequest(text=BATTERY), TODAY),
        ("later", PartnerRequest(text=BATTERY), TODAY + timedelta(days=30)),
        ("cancer", PartnerRequest(text=CANCER), None),
    ])
    return recommender


def test_requests_for_profile_respects_filters_requester_and_expiry(book: Recommender) -> None:
    # de-auto: a German company, not an SME, in mobility
    found = book.requests_for_profile("de-auto", k=50, today=TODAY)
    assert set(_ids(found)) == {
        "open", "de-only", "companies", "mobility", "health-pref", "theirs", "last-day",
        "later", "cancer",
    }
    for m in found:
        assert admits(m.request, book.get("de-auto"))
        assert m.request.requester_id != "de-auto"
        assert m.expires is None or m.expires >= TODAY
    _assert_ranked(found)
    assert found[-1].request_id == "cancer"  # the one about something else comes last


def test_a_request_below_the_minimum_fit_is_no_opportunity(book: Recommender) -> None:
    found = book.requests_for_profile("de-auto", k=50, today=TODAY)
    cut = (found[-1].score + found[-2].score) / 2  # between the last two
    kept = book.requests_for_profile("de-auto", k=50, today=TODAY, min_fit=cut)
    assert _ids(kept) == _ids(found)[:-1]
    assert all(m.score >= cut for m in kept)


def test_requests_for_profile_for_other_profiles(book: Recommender) -> None:
    # es-solar: a Spanish SME company in renewables
    found = set(_ids(book.requests_for_profile("es-solar", k=50, today=TODAY)))
    assert found == {"open", "not-de", "companies", "smes", "health-pref", "mine", "theirs",
                     "last-day", "later", "cancer"}
    # de-cluster: a German cluster in renewables and mobility
    found = set(_ids(book.requests_for_profile("de-cluster", k=50, today=TODAY)))
    assert "theirs" not in found  # its own request
    assert {"clusters", "mobility", "de-only", "mine"} <= found
    assert not {"companies", "not-de", "smes", "health", "expired"} & found


def test_expired_requests_are_never_returned(book: Recommender) -> None:
    later = TODAY + timedelta(days=10)
    found = set(_ids(book.requests_for_profile("de-auto", k=50, today=later)))
    assert "expired" not in found and "last-day" not in found
    assert "later" in found and "open" in found
    earlier = TODAY - timedelta(days=1)
    assert "expired" in _ids(book.requests_for_profile("de-auto", k=50, today=earlier))


def test_requests_for_profile_scores_and_k(book: Recommender) -> None:
    found = book.requests_for_profile("de-auto", k=3, today=TODAY)
    assert len(found) == 3
    assert all(m.reciprocal is None for m in found)
    assert "cancer" not in _ids(found)
    # identical texts get identical scores
    every = {m.request_id: m.score for m in book.requests_for_profile("de-auto", 50, TODAY)}
    assert every["open"] == pytest.approx(every["later"])
    assert every["open"] > every["cancer"] + 0.1


def test_requests_for_profile_without_requests(recommender: Recommender) -> None:
    assert recommender.requests_for_profile("de-auto", today=TODAY) == []


def test_unknown_profile_raises(book: Recommender) -> None:
    with pytest.raises(NotFoundError):
        book.requests_for_profile("nobody", today=TODAY)


def test_remove_request(book: Recommender) -> None:
    book.remove_request("open")
    assert "open" not in _ids(book.requests_for_profile("de-auto", 50, TODAY))
    with pytest.raises(NotFoundError, match="open"):
        book.remove_request("open")
    with pytest.raises(NotFoundError, match="never-added"):
        book.remove_request("never-added")


def test_adding_a_request_again_replaces_it(book: Recommender) -> None:
    book.add_requests([("open", PartnerRequest(text=CANCER, countries=("FR",)), None)])
    assert "open" not in _ids(book.requests_for_profile("de-auto", 50, TODAY))
    assert "open" in _ids(book.requests_for_profile("fr-univ", 50, TODAY))


# ---- request -> requests, reciprocal ----------------------------------------------------
@pytest.fixture
def market(recommender: Recommender) -> Recommender:
    """de-cluster seeks cancer imaging partners; nl-research (cancer imaging) seeks battery
    partners: they seek each other. gr-region's request reads almost like de-cluster's own
    (so its plain cosine is the highest), but neither side fits the other."""
    recommender.add_requests([
        ("nl-seeks-batteries", PartnerRequest(
            text="battery storage pilot with battery makers", requester_id="nl-research"), None),
        ("gr-seeks-imaging", PartnerRequest(
            text=CANCER + " for tourism", requester_id="gr-region"), None),
        ("it-seeks-soil", PartnerRequest(
            text="soil sensors for farming", requester_id="it-agri"), None),
        ("anonymous", PartnerRequest(text=BATTERY), None),
        ("expired", PartnerRequest(text="battery storage pilot", requester_id="nl-research"),
         TODAY - timedelta(days=1)),
        ("de-other", PartnerRequest(text=CANCER, requester_id="de-cluster"), None),
    ])
    return recommender


MINE = PartnerRequest(text=CANCER, requester_id="de-cluster")


def test_two_requests_that_seek_each_other_meet_first(market: Recommender) -> None:
    found = market.requests_for_request(MINE, k=10, today=TODAY)
    assert found[0].request_id == "nl-seeks-batteries"
    by_id = {m.request_id: m for m in found}
    # by text alone the look-alike request is closer, the reciprocal score turns it round
    assert by_id["gr-seeks-imaging"].score > by_id["nl-seeks-batteries"].score
    assert by_id["nl-seeks-batteries"].reciprocal > by_id["gr-seeks-imaging"].reciprocal
    _assert_ranked(found)


def test_reciprocal_is_in_unit_range_only_when_both_requesters_are_indexed(
    market: Recommender,
) -> None:
    found = {m.request_id: m for m in market.requests_for_request(MINE, k=10, today=TODAY)}
    for rid in ("nl-seeks-batteries", "gr-seeks-imaging", "it-seeks-soil"):
        assert found[rid].reciprocal is not None
        assert 0.0 <= found[rid].reciprocal <= 1.0
    assert found["anonymous"].reciprocal is None  # no requester on that side
    anonymous = PartnerRequest(text=CANCER)
    assert all(m.reciprocal is None for m in market.requests_for_request(anonymous, 10, TODAY))
    stranger = PartnerRequest(text=CANCER, requester_id="not-indexed")
    assert all(m.reciprocal is None for m in market.requests_for_request(stranger, 10, TODAY))


def test_requests_for_request_excludes_own_expired_and_the_excluded_id(
    market: Recommender,
) -> None:
    found = _ids(market.requests_for_request(MINE, k=10, today=TODAY))
    assert "de-other" not in found  # the same requester's other request
    assert "expired" not in found
    assert set(found) == {"nl-seeks-batteries", "gr-seeks-imaging", "it-seeks-soil", "anonymous"}
    found = _ids(market.requests_for_request(MINE, k=10, today=TODAY,
                                             exclude_id="nl-seeks-batteries"))
    assert "nl-seeks-batteries" not in found
    earlier = TODAY - timedelta(days=2)
    assert "expired" in _ids(market.requests_for_request(MINE, k=10, today=earlier))
    assert len(market.requests_for_request(MINE, k=2, today=TODAY)) == 2


def test_without_requesters_requests_are_ranked_by_cosine(market: Recommender) -> None:
    found = market.requests_for_request(PartnerRequest(text=BATTERY), k=10, today=TODAY)
    assert found[0].request_id == "anonymous"  # the same text
    assert found[0].score == pytest.approx(1.0, abs=1e-5)
    scores = [m.score for m in found]
    assert scores == sorted(scores, reverse=True)


def test_one_filter_rule_for_slots_and_open_requests(recommender: Recommender) -> None:
    """Ranking's mask and the open-request match use one rule. A negative example ("not like
    this") is excluded by both: before the redesign the request book still offered such a
    request to the very profile it had ruled out."""
    profiles = list(recommender.profiles())
    unwanted = profiles[0]
    request = PartnerRequest(text="battery storage", negative_ids=(unwanted.id,),
                             exclude_countries=(profiles[1].country,))
    mask = recommender.allowed_slots(request)
    ids = recommender.slot_ids()
    for profile in profiles:
        assert admits(request, profile) == bool(mask[ids.index(profile.id)]), profile.id
    assert not admits(request, unwanted)
    recommender.add_requests([("not-you", request, None)])
    assert "not-you" not in [m.request_id for m in recommender.requests_for_profile(unwanted.id)]
