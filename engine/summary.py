"""The words of an explanation's summary: which reasons a candidate is proposed for, and
how each reads ("its work on “…” matches the request", "it partnered with …"). Pure
functions of the evidence and contributions that :mod:`engine.explain` gathered."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from engine.batch import bridge_in_force
from engine.context import RequestContext
from engine.match import Match
from engine.taxonomy import ECOSYSTEMS
from engine.view import IndexView

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


def clip(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def meaning(view: IndexView, context: RequestContext, match: Match) -> str:
    """How a Meaning or Related-work reason may speak of the candidate's closest text:
    ``"quote"`` it as matching the request (it reaches the calibrated threshold,
    ``IndexView.fits``), ``"relative"`` (closer than typical, no match), or ``"none"`` when the
    request has no word the index knows and is in no language the multilingual model reads
    instead: then no similarity means anything ("asdfgh" is low whatever its cosines, as in
    :meth:`engine.recommender.Recommender.confidence`)."""
    readable = bridge_in_force(view, context) and context.language not in ("", "en")
    if not context.lexical_query.nnz and not readable:
        return "none"
    close = view.fits is None or match.signals.get("dense", 0.0) >= view.fits
    return "quote" if close else "relative"


def _closest(evidence: dict[str, Any]) -> str:
    """Its text closest to the request, quoted, and across languages which it is in."""
    top = evidence["activities"][0]
    year = f", {top['year']}" if top.get("year") else ""
    quoted = f"“{clip(top['title'], 90)}”{year}"
    phrase = (f"its description ({quoted}) matches the request" if top["type"] == "description"
              else f"its work on {quoted} matches the request")
    languages = evidence.get("languages")
    if languages and languages["request"] == languages["profile"]:
        phrase += f" in meaning (both are in {languages['profile_name']})"
    elif languages and languages["request"]:  # else the request's is undetected
        phrase += f" in meaning across languages (it is written in {languages['profile_name']})"
    elif languages:
        phrase += " in meaning"
    return phrase


def summary(
    view: IndexView,
    name: str,
    groups: dict[str, float],
    evidence: dict[str, Any],
    contributions: dict[str, float],
    closeness: str,
) -> str:
    """``closeness``: how its closest text may be spoken of (:func:`meaning`)."""
    known = {g.id for g in view.signals.groups}
    reasons = []
    for group in (g for g in groups if g in known):
        phrase = _PHRASES.get(group, f"its {group} fits the request")
        if group in ("semantic", "breadth") and closeness != "quote":
            # its closest text is no match by the calibrated threshold: only relative words
            if closeness == "none" or (group == "breadth" and "semantic" in groups):
                continue
            phrase = "it is closer in meaning to the request than the typical candidate"
        elif group in ("semantic", "breadth") and evidence.get("activities"):
            count = evidence.get("breadth", {}).get("closest_texts", 0)
            if group == "breadth" and "semantic" in groups:  # the closest text is quoted
                if count < 2:
                    continue
                phrase = f"{count} of its texts are among those closest to the request"
            else:
                phrase = _closest(evidence)
                if group == "breadth" and count > 1:
                    phrase += f" ({count} of its texts are among those closest to it)"
        elif group == "breadth":
            count = evidence.get("breadth", {}).get("closest_texts", 0)
            phrase = (f"{count} of its texts are among those closest to the request"
                      if count > 1 else "several of its texts match the request")
        elif group == "network" and evidence.get("network"):
            link = evidence["network"][0]
            if link["type"] == "direct":
                phrase = f"it partnered with {link['with_name']} in {clip(link['title'], 60)}"
                if link["source"] == "self-declared":
                    phrase += f" ({link['provenance']})"
            else:
                phrase = (f"it worked with your partner {link['via_name']}"
                          if link["of_requester"] else
                          f"it worked with {link['via_name']}, a partner of {link['from_name']}")
        elif group == "network":
            strongest = max(view.signals.members("network"),
                            key=lambda f: contributions.get(f, 0.0))
            phrase = _NETWORK_PHRASES.get(strongest, phrase)
        elif group == "mentioned" and evidence.get("mentioned"):
            first = evidence["mentioned"][0]
            phrase = _MENTION_PHRASES[first["what"]].format(first["text"])
        elif group == "experience" and evidence.get("experience"):
            # a record lifts a candidate only through what it has more of: coordination
            count = evidence["experience"]["coordinated"]
            if count:
                phrase = f"it has coordinated {count} project{'' if count == 1 else 's'}"
            elif evidence["experience"]["damping"] > 0:
                # the lift is the record's negative weights: fewer projects than typical
                phrase = "it has fewer projects on its hands than the typical candidate"
        elif group == "kind" and "preferred_kind" in contributions:
            phrase = "it is of a kind the request prefers"
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
    # three reasons, one with a comma of its own ("it works in Energy, Digital"): set off by ";"
    sep = "; " if len(reasons) > 2 and any("," in r for r in reasons) else ", "
    joined = reasons[0] if len(reasons) == 1 else (
        sep.join(reasons[:-1]) + sep.rstrip(" ,") + " and " + reasons[-1])
    # a clipped quote at the end already trails off: "…Low-Carbon…" takes no full stop
    return f"{name} is proposed because {joined}" + ("" if joined.endswith("…") else ".")


def weak(matches: list[Match]) -> list[Match]:
    """``matches`` of a list whose confidence is low, their summaries saying so first: a
    request that nothing fits well does not get confident-sounding reasons."""
    return [
        replace(m, explanation=replace(
            m.explanation, summary=f"Only a weak match for this request. {m.explanation.summary}"))
        if m.explanation is not None else m
        for m in matches
    ]
