"""Faithfulness of explanations (``recommend(..., explain=True)``).

An explanation must be derived from the numbers that ranked the candidate and from the data
of its profile: contributions sum to the score, a signal with weight 0 contributes nothing and
is not cited, every evidence item is real data of that profile, and the candidates come in
the order of the scores shown (also with diversity on).
"""

from __future__ import annotations

import json
import re
from dataclasses import replace

import numpy as np
import pytest

from engine.builtin_signals import BUILTIN
from engine.config import RankConfig
from engine.corpus import vector_texts
from engine.diversity import Diversity
from engine.embed import HashEncoder
from engine.lexical import PARAMS
from engine.match import Explanation, Match
from engine.mentions import Mentions, fold, place_keys
from engine.pool import Pool
from engine.profiles import Activity, Kind, PartnerRequest, Profile
from engine.rank import REFERENCE
from engine.reasons import PLACE_WORDS
from engine.recommender import Recommender
from engine.signals import haversine_km
from engine.sources.h2020 import Participation
from engine.taxonomy import COUNTRIES, ECOSYSTEMS

DEFAULT_WEIGHTS = BUILTIN.hand_weights
FEATURES = BUILTIN.names
GROUP_OF = {n: BUILTIN.group_of(n) for n in BUILTIN.names}
SIGNAL_GROUPS = {g.id: BUILTIN.members(g.id) for g in BUILTIN.groups}

#: The evidence key each signal group is cited under.
EVIDENCE_KEY = {
    "semantic": "activities",
    "breadth": "breadth",
    "lexical": "shared_terms",
    "thematic": "ecosystems",
    "network": "network",
    "geography": "country",
    "experience": "experience",
    "kind": "kind",
    "mentioned": "mentioned",
}

#: Phrases of the summary that name a group (checked outside quoted titles).
SUMMARY_MARKERS = {
    "semantic": ("matches the request", "closer in meaning"),
    "breadth": ("of its texts are among", "several of its texts", "of its texts among"),
    "lexical": ("key terms", "request in meaning"),
    "thematic": ("sectors fit", "it brings", "it works in"),
    "geography": ("location fits",),
    "network": ("partnered with", "worked with", "works with the other leading candidates",
                "resembles the requester's", "collaboration network"),
    "experience": ("track record", "coordinated"),
    "kind": ("type of organisation", "kind the request prefers"),
    "mentioned": ("the request names", "the request mentions"),
}

COORDINATES = {
    "de-cluster": (48.14, 11.58),  # Munich
    "de-auto": (48.78, 9.18),  # Stuttgart
    "fr-univ": (45.76, 4.84),  # Lyon
    "es-solar": (40.42, -3.70),  # Madrid
    "nl-research": (52.01, 4.36),  # Delft
}

#: H2020 rows: it-agri and de-cluster worked together before Horizon Europe; an unknown
#: organisation's row must be dropped.
HISTORY = [
    Participation("h2020:500", "de-cluster", "coordinator", 2018),
    Participation("h2020:500", "it-agri", "participant", 2018),
    Participation("h2020:501", "nl-research", "participant", 2017),
    Participation("h2020:501", "999999999", "coordinator", 2017),
]


def _profiles(profiles: list[Profile]) -> list[Profile]:
    """The conftest profiles with coordinates, a coordinator role and a shared activity id:
    gr-region takes part in de-cluster's project ``a1`` under the same id."""
    out = []
    for p in profiles:
        if p.id in COORDINATES:
            p = replace(p, lat=COORDINATES[p.id][0], lon=COORDINATES[p.id][1])
        if p.id == "de-cluster":
            p = replace(p, activities=(replace(p.activities[0], role="coordinator"),
                                       *p.activities[1:]))
        if p.id == "es-solar":
            p = replace(p, acronym="SOLIB", city="Sevilla", region_name="Andalucía")
        if p.id == "nl-research":
            p = replace(p, acronym="DIL", city="Delft")
        if p.id == "gr-region":
            p = replace(p, activities=(Activity(
                "a1", "Battery storage pilot", "Island grid battery storage for tourism",
                year=2021, ecosystems=("tourism",)),))
        out.append(p)
    return out


@pytest.fixture
def rec(hash_encoder: HashEncoder, profiles: list[Profile]) -> Recommender:
    return Recommender(hash_encoder).fit(_profiles(profiles), history=HISTORY)


REQUESTS = {
    "battery-de": PartnerRequest(text="battery storage for the grid and electric vehicles",
                                 requester_id="de-cluster", cross_border=0.5),
    "cancer-fr": PartnerRequest(text="cancer imaging software with machine learning",
                                requester_id="fr-univ", positive_ids=("pl-klaster",)),
    "soil-anon": PartnerRequest(text="soil sensors for farming and crops",
                                ecosystems=("agri_food", "health")),
    "named-de": PartnerRequest(text="battery storage pilots in Seville with SOLIB; Dutch "
                               "imaging partners and a Greek island", requester_id="de-cluster"),
    "tourism-it": PartnerRequest(text="sustainable tourism on islands with solar energy",
                                 requester_id="it-agri", cross_border=-0.5),
}

_rng = np.random.default_rng(11)
WEIGHTS = {
    "default": dict(DEFAULT_WEIGHTS),
    "all-ones": {f: 1.0 for f in FEATURES},
    "random": {f: float(w) for f, w in zip(FEATURES, _rng.normal(0.0, 1.0, len(FEATURES)),
                                           strict=True)},
    "sparse": {"dense": 2.0, "eco_complementary": 3.0, "proximity": 1.0, "history": 0.5},
}
DIVERSITY = {
    "plain": None,
    "mmr": Diversity(mmr_lambda=0.4),
    "mmr-caps": Diversity(mmr_lambda=0.6, max_per_country=1, max_per_kind=2),
}


# ---- the checks -------------------------------------------------------------------------
_TOKENS = re.compile(PARAMS["token_pattern"])


def _tokens(text: str) -> set[str]:
    return set(_TOKENS.findall(text.lower()))


def _profile_text(p: Profile) -> str:
    parts = [p.name, p.acronym, *p.keywords, p.description]
    parts += [f"{a.title} {a.text}" for a in p.activities]
    return " ".join(parts)


def _took_part(rec: Recommender, profile_id: str, project: str) -> bool:
    """Whether the data says ``profile_id`` was in ``project``: its own activity, a partner
    list of another profile's activity with that id, or its H2020 history."""
    if any(a.id == project for a in rec.get(profile_id).activities):
        return True
    for other in rec.profiles():
        for a in other.activities:
            if a.id == project and profile_id in a.partners:
                return True
    return any(r.project == project and r.pic == profile_id for r in HISTORY)


def _project_facts(rec: Recommender, project: str) -> set[tuple[str, int | None]]:
    """(title, year) pairs the data gives for ``project``."""
    facts = {(a.title, a.year) for p in rec.profiles() for a in p.activities if a.id == project}
    facts |= {(f"H2020 project {r.project[6:]}", r.year) for r in HISTORY if r.project == project}
    return facts


def _unquoted(summary: str) -> str:
    return re.sub(r"“[^”]*”", "", summary)


def _mentioned(summary: str, group: str) -> bool:
    return any(marker in _unquoted(summary) for marker in SUMMARY_MARKERS[group])


def check_explanations(
    rec: Recommender,
    request: PartnerRequest,
    matches: list[Match],
    weights: dict[str, float],
    pool: Pool | None = None,
) -> None:
    """Every faithfulness property of a ranked, explained list."""
    assert matches
    assert [m.rank for m in matches] == list(range(1, len(matches) + 1))
    scores = [m.score for m in matches]
    assert scores == sorted(scores, reverse=True), "the order must follow the scores shown"
    in_force = {f for f, w in weights.items() if w != 0.0}
    sources = [request.requester_id, *request.positive_ids]
    sources = [s for s in sources if s in rec]
    requester = rec.get(request.requester_id) if request.requester_id in rec else None
    consortium = {rec.get(s).country for s in sources} - {""}
    # contributions are relative to the typical candidate of the request: weight x value
    # minus one offset per feature, the same for every candidate, summing to the baseline
    offsets = {f: weights[f] * matches[0].signals[f] - v
               for f, v in matches[0].contributions.items() if f != "diversity"}
    assert sum(offsets.values()) == pytest.approx(matches[0].baseline, abs=1e-9)
    if len(matches) >= REFERENCE:  # the typical candidate is the mean of the list shown
        assert offsets == pytest.approx(
            {f: weights[f] * float(np.mean([m.signals[f] for m in matches])) for f in offsets},
            abs=1e-9)
    elif pool is not None:  # ... or of the best REFERENCE of the pool
        scores = sum(weights[f] * pool.features[f].astype(np.float64) for f in offsets)
        best = np.lexsort((pool.slots, -scores))[:REFERENCE]
        assert offsets == pytest.approx(
            {f: weights[f] * float(np.mean(pool.features[f][best], dtype=np.float64))
             for f in offsets}, abs=1e-9)
    for m in matches:
        profile = m.profile
        e = m.explanation
        assert isinstance(e, Explanation)
        json.dumps(e.to_dict())  # plain JSON for the API
        # contributions: exact shares of the score, only for signals in force
        assert sum(m.contributions.values()) == pytest.approx(m.score - m.baseline, abs=1e-9)
        assert e.contributions == m.contributions
        assert set(m.contributions) - {"diversity"} == in_force
        for name, value in m.contributions.items():
            if name == "diversity":
                assert value < 0.0
            else:
                assert value == pytest.approx(
                    weights[name] * m.signals[name] - offsets[name], abs=1e-9)
        assert m.baseline == matches[0].baseline
        # groups: sums of their features
        expected_groups = {
            g: sum(m.contributions[f] for f in fs if f in m.contributions)
            for g, fs in SIGNAL_GROUPS.items() if any(f in m.contributions for f in fs)
        }
        if "diversity" in m.contributions:
            expected_groups["diversity"] = m.contributions["diversity"]
        assert e.groups == pytest.approx(expected_groups, abs=1e-12)
        assert sum(e.groups.values()) == pytest.approx(m.score - m.baseline, abs=1e-9)
        # a group is cited only if one of its features is in play for this candidate
        for group, key in EVIDENCE_KEY.items():
            if key in e.evidence:
                assert set(SIGNAL_GROUPS[group]) & _in_play(m), (group, m.profile_id)
            if not set(SIGNAL_GROUPS[group]) & in_force:
                assert key not in e.evidence
                assert group not in e.groups
        _check_activities(rec, m, pool)
        _check_terms(request, m)
        _check_ecosystems(rec, m)
        _check_network(rec, m, sources, requester.id if requester is not None else None)
        _check_country(rec, m, requester, consortium)
        _check_mentioned(request, m)
        if "experience" in e.evidence:
            experience = e.evidence["experience"]
            assert experience["activities"] == profile.n_activities
            assert experience["coordinated"] == sum(
                a.role == "coordinator" for a in profile.activities
            )
            assert experience["history"] == sum(r.pic == profile.id for r in HISTORY)
        if "breadth" in e.evidence:  # the count cited is the one ranked with, and its own
            assert e.evidence["breadth"]["closest_texts"] == round(
                float(np.expm1(m.signals["dense_votes"])))
            assert m.contributions["dense_votes"] > 0
        if not profile.activities:  # a description only: no projects to speak of
            assert "breadth" not in e.evidence and "of its projects" not in e.summary
        if "kind" in e.evidence:
            assert e.evidence["kind"]["kind"] == profile.kind.value
        _check_summary(m, weights)


def _check_activities(rec: Recommender, m: Match, pool: Pool | None) -> None:
    items = m.explanation.evidence.get("activities")
    if items is None:
        return
    profile = m.profile
    chunks = profile.chunks()
    texts = vector_texts(profile)
    assert 1 <= len(items) <= 3
    similarities = [item["similarity"] for item in items]
    assert similarities == sorted(similarities, reverse=True)
    assert similarities[0] == pytest.approx(m.signals["dense"], abs=1e-3)
    for item in items:
        if item["type"] == "activity":
            activity = next(a for a in profile.activities if a.id == item["id"])
            assert (item["title"], item["year"], item["role"]) == (
                activity.title, activity.year, activity.role
            )
            text = texts[len(chunks) + profile.activities.index(activity)]
        else:
            assert item["type"] == "description" and item["year"] is None
            # the passage without the "Name: " it was embedded with
            text = next(c for c in chunks  # the passage without its "Name: ", clipped
                        if c.removeprefix(f"{profile.name}: ").startswith(
                            item["title"].removesuffix("…")))
        if pool is not None and pool.context is not None:
            vector = rec.encoder.encode([text])[0]
            cosine = float(vector @ pool.context.query)
            assert item["similarity"] == pytest.approx(cosine, abs=2e-3)


def _check_terms(request: PartnerRequest, m: Match) -> None:
    terms = m.explanation.evidence.get("shared_terms")
    if terms is None:
        return
    assert terms, "cited lexical evidence must name a term"
    profile_tokens = _tokens(_profile_text(m.profile))
    request_tokens = _tokens(request.document)
    for item in terms:
        assert item["term"] in profile_tokens, (item, m.profile_id)
        assert item["term"] in request_tokens, (item, request.document)
        assert 0.0 < item["share"] <= 1.0
    assert sum(item["share"] for item in terms) <= 1.0 + 0.01


def _check_ecosystems(rec: Recommender, m: Match) -> None:
    eco = m.explanation.evidence.get("ecosystems")
    if eco is None:
        return
    own = set(m.profile.ecosystems)
    wanted = set(eco["wanted"])
    assert wanted <= set(ECOSYSTEMS)
    assert set(eco["shared"]) <= own & wanted
    if "eco_shared" not in m.contributions:
        assert eco["shared"] == []
    if "eco_complementary" not in m.contributions:
        assert eco["complementary"] == []
    lift = rec.view().derived.eco_lift
    ids = list(ECOSYSTEMS)
    for pair in eco["complementary"]:
        assert pair["offered"] in own and pair["offered"] not in wanted
        assert pair["wanted"] in wanted
        assert pair["lift"] > 1.0
        real = lift[ids.index(pair["wanted"]), ids.index(pair["offered"])]
        assert pair["lift"] == pytest.approx(float(real), abs=0.01)


def _check_network(rec: Recommender, m: Match, sources: list[str],
                   requester: str | None) -> None:
    links = m.explanation.evidence.get("network")
    if links is None:
        return
    assert links, "cited network evidence must name a link"
    for link in links:
        project = link["project"]
        # never a link with itself or a namesake; "your" only for the requester's own links
        for key in ("with_id", "via_id", "from_id"):
            if key in link:
                assert link[key] != m.profile_id
        for key in ("with_name", "via_name"):
            if key in link:
                assert link[key].casefold() != m.profile.name.casefold()
        start = link.get("with_id", link.get("from_id"))
        assert link["of_requester"] == (requester is not None and start == requester)
        if "your partner" in m.explanation.summary:
            assert any(lk["of_requester"] for lk in links)
        if link["type"] == "direct":
            assert link["with_id"] in sources
            assert link["with_name"] == rec.get(link["with_id"]).name
            assert _took_part(rec, link["with_id"], project), link
            assert _took_part(rec, m.profile_id, project), link
        else:
            assert link["type"] == "indirect"
            via = link["via_id"]
            assert link["via_name"] == rec.get(via).name
            assert via not in sources and via != m.profile_id
            assert _took_part(rec, via, project), link
            assert _took_part(rec, m.profile_id, project), link
            # the partner really worked with one of the sources
            assert any(
                _took_part(rec, s, p) and _took_part(rec, via, p)
                for s in sources
                for p in {a.id for q in rec.profiles() for a in q.activities}
                | {r.project for r in HISTORY}
            )
        assert (link["title"], link["year"]) in _project_facts(rec, project)


def _check_country(
    rec: Recommender, m: Match, requester: Profile | None, consortium: set[str]
) -> None:
    reason = m.explanation.evidence.get("country")
    if reason is None:
        return
    profile = m.profile
    assert reason.startswith(f"based in {COUNTRIES[profile.country]}")
    same = requester is not None and requester.country == profile.country
    assert ("same country as the requester" in reason) == same
    abroad = requester is not None and requester.country != profile.country
    assert ("cross-border partner" in reason) == abroad
    assert ("adds a country" in reason) == bool(consortium and profile.country not in consortium)
    km = re.search(r"about (\d+) km", reason)
    if "proximity" not in m.contributions or requester is None:
        assert km is None
    if km is not None:
        distance = haversine_km(requester.lat, requester.lon, np.array([profile.lat]),
                                np.array([profile.lon]))[0]
        assert int(km.group(1)) == pytest.approx(distance, abs=1.0)


def _check_mentioned(request: PartnerRequest, m: Match) -> None:
    """Each cited mention is the profile's own acronym, place or country, named in the
    request, for a mention feature that counted."""
    items = m.explanation.evidence.get("mentioned")
    if items is None:
        return
    profile = m.profile
    feature = {"organisation": "named", "place": "named_place", "country": "named_country"}
    said = Mentions.of(request.document)
    assert items
    for item in items:
        assert feature[item["what"]] in _in_play(m)
        if item["what"] == "organisation":
            assert item["text"] in (profile.acronym, profile.name)
            assert item["text"] in request.document
        elif item["what"] == "place":
            assert fold(item["text"]) in place_keys(profile.city, profile.region_name)
            assert fold(item["text"]) in fold(request.document)
        else:
            assert item["text"] == COUNTRIES[profile.country]
            assert profile.country in said.countries


def _in_play(m: Match) -> set[str]:
    """Features with a weight and a non-zero value for this candidate."""
    return {f for f in m.contributions if m.signals.get(f, 0.0) != 0.0}


def _check_summary(m: Match, weights: dict[str, float]) -> None:
    """The summary names the groups above typical (their bar) whose supporting features (in
    play, a positive weight, above typical) add a tenth of the candidate's whole lift, the
    largest of them, and no other; a term reason needs terms to show."""
    e = m.explanation
    assert e.summary.startswith(f"{m.profile.name} is proposed")
    assert e.summary.endswith((".", "…")) and not e.summary.endswith("….")
    support = {group: sum(m.contributions[f] for f in features
                          if f in _in_play(m) and m.contributions[f] > 0 and weights[f] > 0)
               for group, features in SIGNAL_GROUPS.items()}
    if "shared_terms" not in e.evidence:
        support["lexical"] = 0.0
    lift = sum(max(v, 0.0) for f, v in m.contributions.items() if f != "diversity")
    named = {g for g, v in support.items()
             if v > 0 and v >= 0.1 * lift and e.groups.get(g, 0.0) > 0}
    for group in SIGNAL_GROUPS:
        # Related work as a reason quotes the closest text, as Meaning does
        quoted = group == "semantic" and "breadth" in named
        if group not in named and not quoted:
            assert not _mentioned(e.summary, group), (group, e.summary)
    if named:
        best = max(named, key=lambda g: support[g])
        assert _mentioned(e.summary, best) or (
            best == "breadth" and _mentioned(e.summary, "semantic")), (best, e.summary)
    else:
        assert e.summary == f"{m.profile.name} is proposed on its overall score."


# ---- the properties, over requests, weights and diversity ------------------------------
@pytest.mark.parametrize("diversity", list(DIVERSITY), ids=list(DIVERSITY))
@pytest.mark.parametrize("weights", list(WEIGHTS), ids=list(WEIGHTS))
@pytest.mark.parametrize("request_id", list(REQUESTS), ids=list(REQUESTS))
def test_explanations_are_faithful(
    rec: Recommender, request_id: str, weights: str, diversity: str
) -> None:
    request = REQUESTS[request_id]
    pool = rec.pool(request, k=8)
    matches = rec.rank_pool(pool, 8, weights=WEIGHTS[weights], diversity=DIVERSITY[diversity],
                            explain=True)
    check_explanations(rec, request, matches, WEIGHTS[weights], pool)


@pytest.mark.parametrize("request_id", list(REQUESTS), ids=list(REQUESTS))
def test_recommend_explains_with_the_configured_weights(
    hash_encoder: HashEncoder, profiles: list[Profile], request_id: str
) -> None:
    weights = {**WEIGHTS["all-ones"], "lexical_log": 0.0, "kind_affinity": -1.0}
    rec = Recommender(hash_encoder, RankConfig(weights=weights)).fit(
        _profiles(profiles), history=HISTORY
    )
    request = REQUESTS[request_id]
    matches = rec.recommend(request, k=8, explain=True)
    check_explanations(rec, request, matches, rec.weights)
    diverse = rec.recommend(request, k=8, explain=True, diversity=Diversity(mmr_lambda=0.3))
    check_explanations(rec, request, diverse, rec.weights)


def test_diversity_penalties_are_shown_and_still_sum_to_the_score(rec: Recommender) -> None:
    request = REQUESTS["battery-de"]
    pool = rec.pool(request, k=8)
    matches = rec.rank_pool(pool, 8, weights=WEIGHTS["all-ones"],
                            diversity=Diversity(mmr_lambda=0.2), explain=True)
    penalised = [m for m in matches if "diversity" in m.contributions]
    assert penalised
    for m in penalised:
        assert m.contributions["diversity"] < 0.0
        assert m.explanation.groups["diversity"] == m.contributions["diversity"]
        assert sum(m.contributions.values()) == pytest.approx(m.score - m.baseline, abs=1e-9)
    check_explanations(rec, request, matches, WEIGHTS["all-ones"], pool)


@pytest.mark.parametrize("group", list(SIGNAL_GROUPS))
def test_a_group_with_weight_zero_contributes_nothing_and_is_not_cited(
    rec: Recommender, group: str
) -> None:
    weights = {f: 0.0 if GROUP_OF[f] == group else 1.0 for f in FEATURES}
    cited_when_in_force = False
    for request in REQUESTS.values():
        pool = rec.pool(request, k=8)
        full = rec.rank_pool(pool, 8, weights=WEIGHTS["all-ones"], explain=True)
        cited_when_in_force |= any(EVIDENCE_KEY[group] in m.explanation.evidence for m in full)
        matches = rec.rank_pool(pool, 8, weights=weights, explain=True)
        for m in matches:
            assert not set(SIGNAL_GROUPS[group]) & set(m.contributions)
            assert group not in m.explanation.groups
            assert EVIDENCE_KEY[group] not in m.explanation.evidence
            assert not _mentioned(m.explanation.summary, group)
            assert m.score == pytest.approx(
                sum(m.signals[f] for f in FEATURES if GROUP_OF[f] != group), abs=1e-6
            )
        check_explanations(rec, request, matches, weights, pool)
    # with the group in force, somebody cites it (so the absence above means something)
    assert cited_when_in_force


def test_groups_are_cited_when_they_count(rec: Recommender) -> None:
    cited: set[str] = set()
    for request in REQUESTS.values():
        pool = rec.pool(request, k=8)
        for m in rec.rank_pool(pool, 8, weights=WEIGHTS["all-ones"], explain=True):
            cited |= set(m.explanation.evidence)
    assert cited >= set(EVIDENCE_KEY.values())


def test_a_feature_with_weight_zero_is_not_cited(rec: Recommender) -> None:
    request = REQUESTS["battery-de"]
    pool = rec.pool(request, k=8)
    # es-solar shares renewables with the request; with eco_shared at 0 that is not a reason
    weights = {**WEIGHTS["all-ones"], "eco_shared": 0.0}
    matches = {m.profile_id: m for m in rec.rank_pool(pool, 8, weights=weights, explain=True)}
    solar = matches["es-solar"]
    assert "eco_shared" not in solar.contributions
    assert solar.signals["eco_shared"] > 0  # it would have counted
    assert solar.explanation.evidence.get("ecosystems", {}).get("shared", []) == []
    full = {m.profile_id: m for m in rec.rank_pool(pool, 8, weights=WEIGHTS["all-ones"],
                                                   explain=True)}
    assert full["es-solar"].explanation.evidence["ecosystems"]["shared"] == ["renewables"]
    # the distance is cited only while proximity counts
    assert "km" in full["de-auto"].explanation.evidence["country"]
    weights = {**WEIGHTS["all-ones"], "proximity": 0.0}
    matches = {m.profile_id: m for m in rec.rank_pool(pool, 8, weights=weights, explain=True)}
    assert "km" not in matches["de-auto"].explanation.evidence["country"]


def test_network_links_are_cited_only_while_collaboration_counts(rec: Recommender) -> None:
    """The network group also holds ``requester_affinity`` (resemblance to the requester);
    when only that counts, past projects are no reason and must not be cited."""
    request = REQUESTS["battery-de"]
    pool = rec.pool(request, k=8)
    full = {m.profile_id: m for m in rec.rank_pool(pool, 8, weights=WEIGHTS["all-ones"],
                                                   explain=True)}
    links = full["es-solar"].explanation.evidence["network"]
    assert links and links[0]["type"] == "direct" and links[0]["with_id"] == "de-cluster"
    collaboration = ("network_direct", "network_recent", "network_share", "network_indirect",
                     "network_walk", "network_topic", "consortium")
    weights = {**WEIGHTS["all-ones"], **{f: 0.0 for f in collaboration}}
    matches = rec.rank_pool(pool, 8, weights=weights, explain=True)
    for m in matches:
        assert "network" not in m.explanation.evidence, m.profile_id
        assert "partnered with" not in m.explanation.summary
    check_explanations(rec, request, matches, weights, pool)


def test_the_summary_claims_past_collaboration_only_with_evidence(rec: Recommender) -> None:
    for request in REQUESTS.values():
        pool = rec.pool(request, k=8)
        for weights in WEIGHTS.values():
            for m in rec.rank_pool(pool, 8, weights=weights, explain=True):
                summary = _unquoted(m.explanation.summary)
                links = m.explanation.evidence.get("network", [])
                if "partnered with" in summary or "worked with" in summary:
                    assert links, (m.profile_id, summary)
                    names = {link.get("with_name") or link.get("via_name") for link in links}
                    assert any(name in summary for name in names)


def test_network_evidence_from_shared_activities_and_h2020_history(rec: Recommender) -> None:
    request = REQUESTS["battery-de"]
    pool = rec.pool(request, k=8)
    matches = {m.profile_id: m for m in rec.rank_pool(pool, 8, weights=WEIGHTS["all-ones"],
                                                      explain=True)}
    # gr-region's activity a1 is de-cluster's a1: the same project id on both sides
    links = matches["gr-region"].explanation.evidence["network"]
    assert {(link["project"], link["title"], link["year"]) for link in links} == {
        ("a1", "Battery storage pilot", 2021)
    }
    # it-agri and de-cluster were together in an H2020 project only
    links = matches["it-agri"].explanation.evidence["network"]
    assert [(link["type"], link["project"], link["title"], link["year"]) for link in links] == [
        ("direct", "h2020:500", "H2020 project 500", 2018)
    ]
    assert matches["it-agri"].explanation.evidence["experience"]["history"] == 1
    # pl-klaster never worked with de-cluster but with its partner it-agri
    links = matches["pl-klaster"].explanation.evidence["network"]
    assert [(link["type"], link["via_id"]) for link in links] == [("indirect", "it-agri")]
    check_explanations(rec, request, list(matches.values()), WEIGHTS["all-ones"], pool)


def test_the_random_walk_cites_the_path_it_follows(rec: Recommender) -> None:
    """``network_walk`` alone: a past partner is explained by the projects it shared with the
    requester, a partner of a partner by the partner in between; no path, no citation."""
    request = REQUESTS["battery-de"]
    pool = rec.pool(request, k=8)
    weights = {"network_walk": 1.0}
    ranked = rec.rank_pool(pool, 8, weights=weights, explain=True)
    matches = {m.profile_id: m for m in ranked}
    links = matches["es-solar"].explanation.evidence["network"]
    assert links and {link["type"] for link in links} == {"direct"}
    links = matches["pl-klaster"].explanation.evidence["network"]
    assert [(link["type"], link["via_id"]) for link in links] == [("indirect", "it-agri")]
    assert matches["es-solar"].score > matches["pl-klaster"].score > 0
    for m in ranked:
        assert ("network" in m.explanation.evidence) == (m.signals["network_walk"] > 0)
    check_explanations(rec, request, ranked, weights, pool)


def test_best_activities_are_the_profiles_own_best_matches(rec: Recommender) -> None:
    # "soil": one word the index knows, or no similarity is quoted as a match (see _close)
    request = PartnerRequest(text="crop rotation trials for the soil")
    pool = rec.pool(request, k=8)
    matches = rec.rank_pool(pool, 8, weights={"dense": 1.0}, explain=True)
    agri = next(m for m in matches if m.profile_id == "it-agri")
    assert matches[0].profile_id == "it-agri"
    top = agri.explanation.evidence["activities"][0]
    assert (top["type"], top["id"], top["title"], top["year"]) == (
        "activity", "d2", "Crop rotation", 2022
    )
    assert "Crop rotation" in agri.explanation.summary and "2022" in agri.explanation.summary
    check_explanations(rec, request, matches, {"dense": 1.0}, pool)


def test_similar_and_complementary_explanations_are_faithful(rec: Recommender) -> None:
    for profile_id in ("de-cluster", "nl-research", "it-agri"):
        request = rec.profile_request(profile_id)
        check_explanations(rec, request, rec.similar(profile_id, k=8, explain=True), rec.weights)
        weights = {**rec.weights, "eco_shared": 0.0}
        weights["eco_complementary"] = max(weights["eco_complementary"], 0.0) + 1.0
        matches = rec.complementary(profile_id, k=8, explain=True)
        own = rec.get(profile_id).ecosystems
        check_explanations(rec, replace(request, ecosystems=own), matches, weights)


def test_without_explain_there_is_no_explanation(rec: Recommender) -> None:
    assert all(m.explanation is None for m in rec.recommend(REQUESTS["battery-de"], k=5))


def test_having_less_of_a_damped_record_is_never_a_reason(rec: Recommender) -> None:
    """Ranked by a negative experience weight alone, a smaller record than typical lifts a
    candidate, but "fewer projects" is no reason an advisor would accept (it read as company
    size: "Deoleo ... is smaller"): every summary is the overall score, and the evidence
    says how the damping counted."""
    request = REQUESTS["soil-anon"]
    pool = rec.pool(request, k=8)
    matches = rec.rank_pool(pool, 8, weights={"experience": -1.0}, explain=True)
    lifted = [m for m in matches if m.contributions.get("experience", 0.0) > 0]
    assert lifted
    for m in matches:
        assert m.explanation.summary == f"{m.profile.name} is proposed on its overall score."
    for m in lifted:
        if "experience" in m.explanation.evidence:
            assert m.explanation.evidence["experience"]["damping"] > 0
    check_explanations(rec, request, matches, {"experience": -1.0}, pool)


def test_without_a_requester_the_summary_never_says_your_consortium(rec: Recommender) -> None:
    """Without a requester the network group can only score ties to the other leading
    candidates (``consortium``): the summary says that, not "your consortium"."""
    request = REQUESTS["soil-anon"]
    assert request.requester_id is None
    pool = rec.pool(request, k=8)
    weights = {"consortium": 1.0}
    matches = rec.rank_pool(pool, 8, weights=weights, explain=True)
    tied = [m for m in matches if m.contributions.get("consortium", 0.0) > 0]
    assert tied
    for m in tied:
        assert "often works with the other leading candidates" in m.explanation.summary
    for m in matches:
        assert "your" not in m.explanation.summary
    check_explanations(rec, request, matches, weights, pool)


def test_a_country_or_kind_named_in_the_request_is_no_shared_term(rec: Recommender) -> None:
    """"outside Germany" shared "germany" with a German textile cluster's description: a
    country (or a kind, "cluster") is read as a constraint, never as a topic in common."""
    rec.upsert([Profile(id="grid-lab", name="Grid Lab", country="DE", description=(
        "A cluster for battery storage pilots on the electricity grid in Germany and France."
    ))])
    request = PartnerRequest(text="battery storage pilots for the electricity grid: a cluster "
                                  "of partners outside Germany, not France")
    matches = rec.recommend(request, k=9, explain=True)
    lab = next(m for m in matches if m.profile_id == "grid-lab")
    for word in ("germany", "cluster"):  # it says them
        assert rec.lexical_scores(word)[rec.slot_ids().index("grid-lab")] > 0
    terms = {t["term"] for t in lab.explanation.evidence.get("shared_terms", [])}
    assert {"battery", "storage"} <= terms and not terms & {"germany", "france", "cluster"}
    assert "germany" in PLACE_WORDS and "battery" not in PLACE_WORDS
    # a match resting mostly on those words shows no terms and gives no term reason
    mostly = PartnerRequest(text="grid cluster outside Germany, not France")
    lab = next(m for m in rec.recommend(mostly, k=9, explain=True) if m.profile_id == "grid-lab")
    assert "shared_terms" not in lab.explanation.evidence
    assert "key terms" not in lab.explanation.summary


@pytest.mark.parametrize("weights", ["all-ones", "breadth-only"])
def test_a_newcomer_is_proposed_for_its_description_never_for_projects(
    hash_encoder: HashEncoder, profiles: list[Profile], weights: str
) -> None:
    """A profile with a description only: its related-work signals read its description's
    passages, and its summary never cites projects it does not have."""
    newcomer = Profile(
        id="pt-cork", name="Cork Cluster Portugal", kind=Kind.CLUSTER, country="PT",
        description="Cork stoppers, cork boards and cork insulation made from oak bark. "
                    "Our members harvest and process cork for wine and building markets.")
    rec = Recommender(hash_encoder).fit([*_profiles(profiles), newcomer], history=HISTORY)
    chosen = (WEIGHTS["all-ones"] if weights == "all-ones" else
              {f: 1.0 if GROUP_OF[f] == "breadth" else 0.0 for f in FEATURES})
    request = PartnerRequest(text=newcomer.description)
    matches = rec.rank_pool(rec.pool(request, k=8), 8, weights=chosen, explain=True)
    found = next(m for m in matches if m.profile_id == "pt-cork")
    assert found.explanation is not None
    summary = found.explanation.summary
    assert "project" not in summary and "its work on" not in summary, summary
    if weights == "all-ones":  # the closest text is quoted: its description
        assert "its description (“" in summary, summary


def test_an_experience_reason_never_counts_zero_coordinations() -> None:
    """Experience lifts a candidate that coordinated nothing only through its record's
    negative weights (a smaller record than typical): said so, never "coordinated 0"."""
    from engine.summary import summary

    class _Groups:
        id = "experience"

    class _Signals:
        groups = [_Groups()]

    class _View:
        signals = _Signals()

    evidence = {"experience": {"coordinated": 0, "damping": 0.02, "activities": 1,
                               "history": 1}}
    text = summary(_View(), "X", {"experience": 0.05}, evidence, {}, "none")  # type: ignore[arg-type]
    assert "coordinated 0" not in text and "fewer projects" in text
    evidence["experience"]["coordinated"] = 2
    text = summary(_View(), "X", {"experience": 0.05}, evidence, {}, "none")  # type: ignore[arg-type]
    assert "coordinated 2 projects" in text
