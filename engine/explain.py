"""Explanations built from the numbers that ranked a candidate.

Every part of an explanation is derived from the numbers that ranked the match and the data
of its profile. A feature is *in play* for a candidate when it has a weight and the candidate
a non-zero value; evidence is given for the groups in play (the profile's own activities,
terms and links). The summary names the groups in play that set the candidate most above the
typical candidate of the list (its contributions are relative to that baseline,
:mod:`engine.rank`): a term every candidate shown shares is no reason, and a feature that is 0 for
this candidate is never one, even where being 0 beats the typical candidate.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from engine.batch import bridge_in_force
from engine.bridge import IMPUTED
from engine.context import RequestContext
from engine.explain_links import network_links
from engine.language import LANGUAGE_NAMES
from engine.match import Explanation, Match
from engine.profiles import Profile
from engine.reasons import in_play, is_topic, reasons_of, supporting
from engine.summary import clip, meaning, summary
from engine.taxonomy import COUNTRIES, ECOSYSTEMS, KIND_LABELS
from engine.view import IndexView


def explain_match(match: Match, context: RequestContext, view: IndexView,
                  words: Mapping[int, str] | None = None,
                  weights: Mapping[str, float] | None = None) -> Explanation:
    """The explanation of ``match`` for the request described by ``context`` (``words``: the
    request's :meth:`engine.lexical.LexicalIndex.query_words`, read here if not given;
    ``weights``: those it was ranked with, the view's by default)."""
    weights = view.weights if weights is None else weights
    profile = match.profile
    slot = view.corpus.slot(profile.id)
    columns = view.derived.columns
    # a profile without any history has its history signals filled in (engine.unknown):
    # they count in the score, but are no reason to cite
    unknown = set(view.signals.history) if view.derived.without_history[slot] else set()
    language = str(columns.language[slot])
    # as the ranking decides (engine.batch): terms and votes were filled in across languages;
    # within another language than English they were raised to what they usually are where
    # the index shared less (then filled in too), else the terms it shared are real
    bridged = bridge_in_force(view, context) and not language == context.language == "en"
    filled = bridged and (language != context.language or view.corpus.lexical.score(
        context.lexical_query, slot) < match.signals.get("lexical", 0.0) - 1e-6)
    if bridged:
        unknown |= set(IMPUTED) if filled else {"lexical_best", "dense_votes"}
    groups = view.signals.group_sums(match.contributions)
    playing = in_play(match)
    cited = set(view.signals.group_sums({f: 1.0 for f in playing if f not in unknown}))
    lifting = supporting(match, weights, unknown)  # what a reason may rest on
    evidence: dict[str, Any] = {}
    if view.derived.without_history[slot] and any(f in playing for f in view.signals.history):
        evidence["history"] = {"known": False}
    if "semantic" in cited:
        evidence["activities"] = _best_items(profile, match)
    if "dense_votes" in lifting:  # a count it really has: supporting, so neither filled nor imputed
        evidence["breadth"] = {
            "closest_texts": int(round(np.expm1(match.signals["dense_votes"])))}
    if filled:
        # terms cannot be shared across languages, and the term index knows few words of
        # other languages than English: the lexical signals were filled in (engine.bridge),
        # so the evidence is the best-matching text, not shared words
        evidence["languages"] = {
            "request": context.language, "profile": language,
            "request_name": LANGUAGE_NAMES.get(context.language, context.language),
            "profile_name": LANGUAGE_NAMES.get(language, language),
        }
    elif "lexical" in cited and match.signals.get("lexical", 0.0) > 0:
        # a country or a kind of organisation is no topic: "outside Germany" shared
        # "germany", and a Polish request's only shared term was "klastrów" (clusters)
        shared = view.corpus.lexical.shared_terms(
            context.lexical_query, slot, n=context.lexical_query.nnz,  # all, for the hidden share
            text=context.request.document, words=words)
        hidden = sum(share for term, share in shared if not is_topic(term))
        terms = [{"term": t, "share": round(v, 3)} for t, v in shared if is_topic(t)][:TERMS]
        if terms and hidden < 0.5:  # else the terms in common were mostly constraint words
            evidence["shared_terms"] = terms
    if "thematic" in cited:
        evidence["ecosystems"] = _ecosystems(view, context, match)
    # past projects are a reason only while a collaboration feature counts (the network group
    # also holds requester_affinity and consortium, which are not links to the requester)
    # the random walk counts both: past projects with the sources, else the partner between
    walk = "network_walk" in playing
    direct = walk or any(f in playing for f in _DIRECT)
    indirect = walk or "network_indirect" in playing
    # (a link is cited only where the network signals are the profile's own, not filled in;
    # terms filled in across languages say nothing about links)
    links_known = not unknown.intersection(view.signals.members("network"))
    if "network" in cited and links_known and (
        (direct and match.signals.get("network_direct", 0) > 0)
        or (indirect and match.signals.get("network_indirect", 0) > 0)
    ):
        if links := network_links(view, context, match, direct=direct, indirect=indirect):
            evidence["network"] = links
    if "geography" in cited:
        evidence["country"] = _country_reason(view, context, match)
    if "experience" in cited:
        coordinated = sum(1 for a in profile.activities if a.role == "coordinator")
        evidence["experience"] = {
            "activities": profile.n_activities,
            "coordinated": coordinated,
            "history": int(round(np.expm1(match.signals.get("history", 0.0)))),
            # the part of the record whose weights are negative (at equal fit, organisations
            # with very many projects join fewer of the consortia they resemble), relative to
            # the typical candidate: below 0 a larger record than typical, above 0 a smaller
            "damping": sum(match.contributions[f] for f in view.signals.members("experience")
                           if f in playing and weights.get(f, 0.0) < 0.0),
        }
    if "kind" in cited:
        evidence["kind"] = {"kind": profile.kind.value, "label": KIND_LABELS[profile.kind],
                            "sme": profile.sme}
    if "mentioned" in cited:
        evidence["mentioned"] = _mentioned(view, context, match)
    # what each group's supporting features add (its bar may be mostly a smaller record)
    support = view.signals.group_sums({f: match.contributions[f] for f in lifting})
    if "shared_terms" not in evidence:  # no topic in common to name
        support.pop("lexical", None)
    lift = sum(max(v, 0.0) for f, v in match.contributions.items() if f != "diversity")
    return Explanation(
        summary=summary(view, profile.name, reasons_of(support, groups, lift), evidence,
                         {f: match.contributions[f] for f in lifting},
                         meaning(view, context, match)),
        contributions=dict(match.contributions),
        groups=groups,
        evidence=evidence,
    )


#: Shared terms shown per candidate.
TERMS = 6

#: A sector is cited as complementary only if it joins the wanted one's consortia clearly
#: more often than chance ("1.0x more often than chance" reads as no reason at all).
MIN_LIFT = 1.25

#: Network features that count projects shared with the requester or positive examples.
_DIRECT = ("network_direct", "network_recent", "network_share", "network_topic")


def _best_items(profile: Profile, match: Match) -> list[dict[str, Any]]:
    chunks = profile.chunks()
    items = []
    for item, similarity in match.best_items[:3]:
        if item < len(chunks):
            # a passage is embedded as "Name: text"; a description often starts with the name
            passage = chunks[item].removeprefix(f"{profile.name}: ")
            items.append({"type": "description", "title": clip(passage, 160),
                          "year": None, "similarity": round(similarity, 3)})
        elif item - len(chunks) < len(profile.activities):
            activity = profile.activities[item - len(chunks)]
            items.append({"type": "activity", "id": activity.id, "title": activity.title,
                          "year": activity.year, "role": activity.role,
                          "similarity": round(similarity, 3)})
    return items


def _ecosystems(view: IndexView, context: RequestContext, match: Match) -> dict[str, Any]:
    eco_lift = view.derived.eco_lift
    eco_ids = list(ECOSYSTEMS)
    wanted = [eco_ids[i] for i in np.flatnonzero(context.wanted_ecosystems)]
    own = list(match.profile.ecosystems)
    shared = [e for e in own if e in wanted]
    complementary = []
    playing = in_play(match)
    if "eco_complementary" in playing:
        for offered in own:
            if offered in wanted:
                continue
            b = eco_ids.index(offered)
            best = max(wanted, key=lambda a: eco_lift[eco_ids.index(a), b], default=None)
            if best is not None and eco_lift[eco_ids.index(best), b] >= MIN_LIFT:
                complementary.append({
                    "wanted": best, "offered": offered,
                    "lift": round(float(eco_lift[eco_ids.index(best), b]), 2),
                })
    return {
        "wanted": wanted,
        "shared": shared if "eco_shared" in playing else [],
        # those the user chose; the others were read from the text or the requester's profile
        "asked": [e for e in shared if e in context.request.ecosystems]
        if "eco_shared" in playing else [],
        "complementary": complementary,
    }


def _mentioned(view: IndexView, context: RequestContext, match: Match) -> list[dict[str, str]]:
    """What of the candidate the request names, one item per counted mention feature,
    largest contribution first."""
    profile = match.profile
    organisation, place = view.derived.names.said(
        context.mentions, view.corpus.slot(profile.id), profile.name
    )
    texts = {
        "named": ("organisation", organisation),
        "named_place": ("place", place.title()),
        "named_country": ("country", COUNTRIES.get(profile.country, profile.country)),
    }
    counted = sorted(
        (f for f in view.signals.members("mentioned")
         if f in in_play(match) and match.signals[f] > 0),
        key=lambda f: -match.contributions[f],
    )
    return [{"what": texts[f][0], "text": texts[f][1]}
            for f in counted if f in texts and texts[f][1]]


def _country_reason(view: IndexView, context: RequestContext, match: Match) -> str:
    profile = match.profile
    country = COUNTRIES.get(profile.country, profile.country or "an unknown country")
    requester = view.corpus.profile(context.requester) if context.requester is not None else None
    parts = [f"based in {country}" + (f" ({profile.region_name})" if profile.region_name else "")]
    if requester is not None and requester.country:
        if profile.country == requester.country:
            parts.append("same country as the requester")
            if profile.region and profile.region == requester.region:
                parts.append("same region")
        elif profile.country:
            parts.append(f"cross-border partner for {COUNTRIES.get(requester.country)}")
    if match.signals.get("new_country", 0) > 0:
        parts.append("adds a country not yet in the consortium")
    if match.signals.get("proximity", 0) > 0 and "proximity" in match.contributions:
        km = -view.config.proximity_km * float(np.log(match.signals["proximity"]))
        parts.append(f"about {km:.0f} km from the requester")
    return "; ".join(parts)
