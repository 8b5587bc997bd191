"""The reasons audit: on 50 requests over real CORDIS data, with the real model and the
learned fusion weights (models/fusion.json) and the variety a recommend call gets by
default, with and without a requester, positive examples and filters, the reasons shown obey
what an advisor takes for granted:

- the candidate most similar in meaning has no negative semantic contribution;
- no reason is the same non-zero value for every candidate of a list (a constant shift);
- no candidate cites itself (or a namesake) as a partner;
- no sentence claims a choice the user did not make ("you asked for", "your partner", a
  country "named in the request" that only a filter chose);
- no stop word or request boilerplate is a shared term.
"""

from __future__ import annotations

import csv
import gzip
from dataclasses import replace

import pytest

from api.schemas.recommend import MAX_PER_PROJECT
from engine.analyzer import stop_words
from engine.diversity import Diversity
from engine.fusion import FusionModel
from engine.match import Match
from engine.profiles import PartnerRequest
from engine.recommender import Recommender
from engine.taxonomy import COUNTRIES

from .conftest import ROOT, SLICE

pytestmark = pytest.mark.integration

K = 10
#: the variety a recommend call gets by default
VARIETY = Diversity(max_per_project=MAX_PER_PROJECT)


@pytest.fixture(scope="module")
def learned(recommender: Recommender) -> Recommender:
    rec = recommender.copy()
    rec.fusion = FusionModel.load(ROOT / "models" / "fusion.json")
    return rec


def _texts(n: int) -> list[str]:
    """Every 40th project of the slice: title and the start of its objective."""
    with gzip.open(SLICE / "projects.csv.gz", "rt", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [f"{r['title']}. {r['objective'][:600]}" for r in rows[::40][:n]]


def _requests(rec: Recommender) -> list[PartnerRequest]:
    """Ten texts, each as five requests: plain, with a requester, with a requester and a
    positive example, with a country filter, with a kind and an ecosystem chosen."""
    ids = rec.slot_ids()
    out = []
    for n, text in enumerate(_texts(10)):
        plain = PartnerRequest(text=text)
        top = [m.profile_id for m in rec.recommend(plain, k=12)]
        requester = next(i for i in ids[n * 7:] if i is not None and i not in top)
        country = rec.get(top[0]).country or "DE"
        out += [
            plain,
            replace(plain, requester_id=requester),
            replace(plain, requester_id=requester, positive_ids=(top[5],)),
            replace(plain, countries=(country,)),
            replace(plain, kinds=("company",), ecosystems=("energy_intensive",)),
        ]
    return out


def _said_country(request: PartnerRequest, country: str) -> bool:
    name = COUNTRIES.get(country, country)
    return name.casefold() in request.document.casefold()


def _audit(rec: Recommender, request: PartnerRequest, matches: list[Match]) -> list[str]:
    problems = []
    semantic = [m for m in matches if "dense" in m.contributions]
    if semantic:  # the best cosine of all: its Meaning bar never reads as a shortfall
        closest = max(semantic, key=lambda m: m.signals["dense"])
        group = closest.explanation.groups.get("semantic", 0.0)
        if group < 0:
            problems.append(f"closest in meaning {closest.profile.name}: semantic {group:.2f}")
    for feature in matches[0].contributions:
        values = {round(m.contributions.get(feature, 0.0), 9) for m in matches}
        if len(matches) >= 3 and len(values) == 1 and values != {0.0}:
            problems.append(f"{feature} is {values.pop()} for every candidate")
    english = stop_words("en")
    for m in matches:
        e = m.explanation
        name = m.profile.name.casefold()
        for link in e.evidence.get("network", []):
            linked = [link.get(k) for k in ("with_id", "via_id")]
            names = [str(link.get(k, "")).casefold() for k in ("with_name", "via_name")]
            if m.profile_id in linked or name in names:
                problems.append(f"{m.profile.name} cites itself: {link}")
            if link["of_requester"] and request.requester_id is None:
                problems.append(f"{m.profile.name}: 'your' link without a requester")
        if "your partner" in e.summary and request.requester_id is None:
            problems.append(f"{m.profile.name}: {e.summary}")
        eco = e.evidence.get("ecosystems", {})
        if not set(eco.get("asked", [])) <= set(request.ecosystems):
            problems.append(f"{m.profile.name}: asked {eco['asked']} not chosen")
        for item in e.evidence.get("mentioned", []):
            if item["what"] == "country" and not _said_country(request, m.profile.country):
                problems.append(f"{m.profile.name}: country named only by a filter")
        for term in e.evidence.get("shared_terms", []):
            if term["term"] in english:
                problems.append(f"{m.profile.name}: stop word {term['term']!r}")
    return problems


def test_fifty_requests_get_reasons_an_advisor_can_trust(learned: Recommender) -> None:
    requests = _requests(learned)
    assert len(requests) == 50
    problems = []
    for request in requests:
        matches = learned.recommend(request, k=K, explain=True, diversity=VARIETY)
        assert matches
        problems += [f"{request.text[:40]!r}: {p}" for p in _audit(learned, request, matches)]
    assert not problems, "\n".join(problems[:20])
