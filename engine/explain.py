"""Explanations built from the numbers that ranked a candidate.

Every part of an explanation is derived from the match's own contributions and the data of
its profile: a signal group is cited only if its contribution is non-zero, evidence items are
the profile's own activities, terms and links, and the summary names the groups that added
most to the score.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from engine.rank import GROUP_OF, SIGNAL_GROUPS
from engine.taxonomy import COUNTRIES, ECOSYSTEMS, KIND_LABELS

if TYPE_CHECKING:
    from engine.recommender import Match, Recommender, _Context


@dataclass(frozen=True)
class Explanation:
    """Why a candidate is in the list.

    ``contributions``: feature -> weight x value (sums to the match score). ``groups``: the
    same summed per signal group. ``evidence``: per group, the data behind it. ``summary``:
    one sentence for an advisor to read out.
    """

    summary: str
    contributions: dict[str, float]
    groups: dict[str, float]
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "summary": self.summary,
            "contributions": dict(self.contributions),
            "groups": dict(self.groups),
            "evidence": self.evidence,
        }


def group_contributions(contributions: dict[str, float]) -> dict[str, float]:
    """Contributions summed per signal group (``diversity`` stays its own group)."""
    groups: dict[str, float] = {}
    for name, value in contributions.items():
        group = GROUP_OF.get(name, name)
        groups[group] = groups.get(group, 0.0) + value
    return groups


def explain_match(rec: Recommender, context: _Context, match: Match) -> Explanation:
    """The explanation of ``match`` for the query described by ``context``."""
    profile = match.profile
    groups = group_contributions(match.contributions)
    cited = {g for g, v in groups.items() if v != 0.0}
    evidence: dict[str, Any] = {}
    if "semantic" in cited:
        evidence["activities"] = _best_items(profile, match)
    if "lexical" in cited and match.signals.get("lexical", 0.0) > 0:
        slot = rec._slot[profile.id]
        evidence["shared_terms"] = [
            {"term": term, "share": round(share, 3)}
            for term, share in rec._lexical.shared_terms(context.lexical_query, slot)
        ]
    if "thematic" in cited:
        evidence["ecosystems"] = _ecosystems(rec, context, match)
    # past projects are a reason only while a collaboration feature counts (the network group
    # also holds requester_affinity and consortium, which are not links to the requester)
    # the random walk counts both: past projects with the sources, else the partner between
    walk = match.contributions.get("network_walk", 0.0) != 0.0
    direct = walk or any(match.contributions.get(f, 0.0) != 0.0 for f in _DIRECT)
    indirect = walk or match.contributions.get("network_indirect", 0.0) != 0.0
    if "network" in cited and (
        (direct and match.signals.get("network_direct", 0) > 0)
        or (indirect and match.signals.get("network_indirect", 0) > 0)
    ):
        evidence["network"] = _network(rec, context, match, direct=direct, indirect=indirect)
    if "geography" in cited:
        evidence["country"] = _country_reason(rec, context, match)
    if "experience" in cited:
        coordinated = sum(1 for a in profile.activities if a.role == "coordinator")
        evidence["experience"] = {
            "activities": profile.n_activities,
            "coordinated": coordinated,
            "history": int(round(np.expm1(match.signals.get("history", 0.0)))),
        }
    if "kind" in cited:
        evidence["kind"] = {"kind": profile.kind.value, "label": KIND_LABELS[profile.kind]}
    if "mentioned" in cited:
        evidence["mentioned"] = _mentioned(rec, context, match)
    return Explanation(
        summary=_summary(profile.name, groups, evidence, match.contributions),
        contributions=dict(match.contributions),
        groups=groups,
        evidence=evidence,
    )


#: Network features that count projects shared with the requester or positive examples.
_DIRECT = ("network_direct", "network_recent", "network_share", "network_topic")


def _best_items(profile, match: Match) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    chunks = profile.chunks()
    items = []
    for item, similarity in match.best_items[:3]:
        if item < len(chunks):
            items.append({"type": "description", "title": chunks[item][:160],
                          "year": None, "similarity": round(similarity, 3)})
        elif item - len(chunks) < len(profile.activities):
            activity = profile.activities[item - len(chunks)]
            items.append({"type": "activity", "id": activity.id, "title": activity.title,
                          "year": activity.year, "role": activity.role,
                          "similarity": round(similarity, 3)})
    return items


def _ecosystems(rec: Recommender, context: _Context, match: Match) -> dict[str, Any]:
    eco_lift, _ = rec.lifts()
    eco_ids = list(ECOSYSTEMS)
    wanted = [eco_ids[i] for i in np.flatnonzero(context.wanted_ecosystems)]
    own = list(match.profile.ecosystems)
    shared = [e for e in own if e in wanted]
    complementary = []
    if match.contributions.get("eco_complementary", 0.0) != 0.0:
        for offered in own:
            if offered in wanted:
                continue
            b = eco_ids.index(offered)
            best = max(wanted, key=lambda a: eco_lift[eco_ids.index(a), b], default=None)
            if best is not None and eco_lift[eco_ids.index(best), b] > 1.0:
                complementary.append({
                    "wanted": best, "offered": offered,
                    "lift": round(float(eco_lift[eco_ids.index(best), b]), 2),
                })
    return {
        "wanted": wanted,
        "shared": shared if match.contributions.get("eco_shared", 0.0) != 0.0 else [],
        "complementary": complementary,
    }


def _network(
    rec: Recommender, context: _Context, match: Match, *, direct: bool, indirect: bool
) -> list[dict[str, Any]]:
    graph = rec._graph()
    slot = rec._slot[match.profile.id]
    links: list[dict[str, Any]] = []
    for source in context.sources if direct else ():
        source = int(source)
        name = rec._profiles[source].name  # type: ignore[union-attr]
        for project in graph.shared_projects(source, slot, limit=2):
            links.append({"type": "direct", "with_id": rec._profiles[source].id,  # type: ignore[union-attr]
                          "with_name": name, "project": project.id, "title": project.title,
                          "year": project.year})
    if not links and indirect and match.signals.get("network_indirect", 0) > 0:
        bridge = graph.bridge(context.sources, slot)
        if bridge is not None:
            source, partner = bridge
            via = rec._profiles[partner]
            first = graph.shared_projects(source, partner, limit=1)
            second = graph.shared_projects(partner, slot, limit=1)
            links.append({
                "type": "indirect", "via_id": via.id, "via_name": via.name,  # type: ignore[union-attr]
                "requester_project": first[0].title if first else None,
                "project": second[0].id if second else None,
                "title": second[0].title if second else None,
                "year": second[0].year if second else None,
            })
    return links


def _mentioned(rec: Recommender, context: _Context, match: Match) -> list[dict[str, str]]:
    """What of the candidate the request names, one item per counted mention feature,
    largest contribution first."""
    profile = match.profile
    organisation, place = rec.named(context.mentions, np.array([rec._slot[profile.id]]))[0]
    texts = {
        "named": ("organisation", organisation),
        "named_place": ("place", place.title()),
        "named_country": ("country", COUNTRIES.get(profile.country, profile.country)),
    }
    counted = sorted(
        (f for f in SIGNAL_GROUPS["mentioned"]
         if match.contributions.get(f, 0.0) != 0.0 and match.signals.get(f, 0.0) > 0),
        key=lambda f: -match.contributions[f],
    )
    return [{"what": texts[f][0], "text": texts[f][1]} for f in counted if texts[f][1]]


def _country_reason(rec: Recommender, context: _Context, match: Match) -> str:
    profile = match.profile
    country = COUNTRIES.get(profile.country, profile.country or "an unknown country")
    requester = rec._profiles[context.requester] if context.requester is not None else None
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
    if match.signals.get("proximity", 0) > 0 and match.contributions.get("proximity"):
        km = -rec.config.proximity_km * float(np.log(match.signals["proximity"]))
        parts.append(f"about {km:.0f} km from the requester")
    return "; ".join(parts)


_PHRASES: dict[str, str] = {
    "semantic": "its past work closely matches the request",
    "lexical": "it shares key terms with the request",
    "thematic": "its sectors fit the request",
    "geography": "its location fits",
    # without a cited link: see _NETWORK_PHRASES
    "network": "its collaboration network fits the request",
    "experience": "it has a strong track record",
    "kind": "its type of organisation fits the consortium",
    "mentioned": "the request mentions it or where it is",
}

#: The mentioned group: how each kind of mention reads in the summary.
_MENTION_PHRASES: dict[str, str] = {
    "organisation": "the request names it ({})",
    "place": "the request names its location ({})",
    "country": "the request names its country ({})",
}


#: The network group without a cited past project: what its largest contribution means.
_NETWORK_PHRASES: dict[str, str] = {
    "consortium": "it often works with the other leading candidates",
    "requester_affinity": "its work resembles the requester's",
}


def _clip(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _summary(
    name: str,
    groups: dict[str, float],
    evidence: dict[str, Any],
    contributions: dict[str, float],
) -> str:
    positive = sorted(
        (g for g, v in groups.items() if v > 0 and g in SIGNAL_GROUPS),
        key=lambda g: -groups[g],
    )[:3]
    reasons = []
    for group in positive:
        phrase = _PHRASES[group]
        if group == "semantic" and evidence.get("activities"):
            top = evidence["activities"][0]
            year = f", {top['year']}" if top.get("year") else ""
            phrase = f"its work on “{_clip(top['title'], 90)}”{year} matches the request"
        elif group == "network" and evidence.get("network"):
            link = evidence["network"][0]
            if link["type"] == "direct":
                phrase = f"it partnered with {link['with_name']} in {_clip(link['title'], 60)}"
            else:
                phrase = f"it worked with your partner {link['via_name']}"
        elif group == "network":
            strongest = max(SIGNAL_GROUPS["network"], key=lambda f: contributions.get(f, 0.0))
            phrase = _NETWORK_PHRASES.get(strongest, phrase)
        elif group == "mentioned" and evidence.get("mentioned"):
            first = evidence["mentioned"][0]
            phrase = _MENTION_PHRASES[first["what"]].format(first["text"])
        elif group == "experience" and evidence.get("experience"):
            phrase = f"it has {evidence['experience']['activities']} past projects"
        elif group == "thematic" and evidence.get("ecosystems"):
            eco = evidence["ecosystems"]
            if eco["complementary"]:
                c = eco["complementary"][0]
                phrase = (f"it brings {ECOSYSTEMS[c['offered']]}, which often joins "
                          f"{ECOSYSTEMS[c['wanted']]} consortia")
            elif eco["shared"]:
                phrase = f"it works in {', '.join(ECOSYSTEMS[e] for e in eco['shared'][:2])}"
        reasons.append(phrase)
    if not reasons:
        return f"{name} is proposed on its overall score."
    joined = reasons[0] if len(reasons) == 1 else ", ".join(reasons[:-1]) + " and " + reasons[-1]
    return f"{name} is proposed because {joined}."
