"""The engine's ranking signals, each declared once: name, group, scale, label, hand-set
weight and the function that computes it from a :class:`engine.batch.Batch`.

The math lives in :mod:`engine.signals` (pure functions over arrays); these functions only
gather their inputs. Order matters: it is the column order of training and of the weights.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from engine import signals
from engine.columns import RECENT_YEARS
from engine.derived import KIND_INDEX
from engine.registry import Registry, Signal, SignalGroup

if TYPE_CHECKING:
    from engine.batch import Batch

GROUPS = (
    SignalGroup("semantic", "Meaning", "Its closest text matches the request in meaning"),
    # apart from "Meaning": a newcomer or a small firm with one exact project has fewer
    # matching texts than a large institute, which is no sign that it matches less closely
    SignalGroup("breadth", "Related work", "How many of its texts match the request"),
    SignalGroup("lexical", "Terms", "Shared key terms"),
    SignalGroup("thematic", "Sectors", "Ecosystems shared or complementary"),
    SignalGroup("geography", "Location", "Country, region and distance"),
    SignalGroup("network", "Network", "Past collaborations with you or your partners"),
    SignalGroup("experience", "Experience", "Track record of projects"),
    SignalGroup("kind", "Kind", "Type of organisation"),
    SignalGroup("mentioned", "Named",
                "Named in the request: the organisation, its place or country"),
)


def _home(b: Batch, attribute: str) -> str:
    return getattr(b.home, attribute) if b.home is not None else ""


def _cross_border(b: Batch) -> np.ndarray:
    home = b.home
    abroad = (
        (b.countries != home.country) & (b.countries != "")
        if home is not None and home.country
        else np.zeros(len(b.slots), dtype=bool)
    )
    return (b.context.request.cross_border * abroad).astype(np.float32)


def _proximity(b: Batch) -> np.ndarray:
    home, cols = b.home, b.columns
    return signals.proximity(
        home.lat if home else None, home.lon if home else None,
        cols.lat[b.slots], cols.lon[b.slots], b.view.config.proximity_km,
    )


def _lexical_best(b: Batch) -> np.ndarray:
    """Best TF-IDF cosine with one activity; a profile without activities is its own
    description, so its whole document stands in."""
    derived = b.view.derived
    best = derived.projects.best(b.context.lexical_query, derived.projects_of_vectors(b.slots),
                                 b.columns.n_vectors[b.slots])
    best = np.where(b.columns.n_activities[b.slots] == 0, b.lexical, best)
    return b.across("lexical_best", best.astype(np.float32))


def _network_recent(b: Batch) -> np.ndarray:
    since = b.columns.as_of - RECENT_YEARS + 1
    return signals.log_count(b.view.derived.graph.recent(b.context.sources, b.slots, since))


def _network_share(b: Batch) -> np.ndarray:
    degree = float(b.view.derived.graph.degree(b.context.sources).sum())
    return (b.direct / max(degree, 1.0)).astype(np.float32)


def _requester_affinity(b: Batch) -> np.ndarray:
    if b.context.requester is None:
        return np.zeros(len(b.slots), dtype=np.float32)
    means = b.view.derived.means
    return (means[b.slots] @ means[b.context.requester]).astype(np.float32)


def _consortium(b: Batch) -> np.ndarray:
    shared = np.asarray(b.view.derived.graph.co[b.seeds][:, b.slots].sum(axis=0)).ravel()
    return np.log1p(shared).astype(np.float32)


def _kind_affinity(b: Batch) -> np.ndarray:
    requester = KIND_INDEX[b.home.kind.value] if b.home is not None else None
    return signals.kind_affinity(requester, b.kinds, b.view.derived.kind_lift)


def _preferred_kind(b: Batch) -> np.ndarray:
    wanted = set(b.context.request.prefer_kinds)
    kinds = np.isin(b.columns.kind[b.slots], list(wanted - {"sme"}))
    if "sme" in wanted:
        kinds |= b.columns.sme[b.slots]
    return kinds.astype(np.float32)


def _column(name: str, transform: str = "log") -> Callable[[Batch], np.ndarray]:
    """A signal of one per-slot count column: log1p, or damped by ``experience_ref``."""
    def compute(b: Batch) -> np.ndarray:
        values = getattr(b.columns, name)[b.slots]
        if transform == "damped":
            return signals.damped_count(values, b.view.config.experience_ref)
        return signals.log_count(values)
    return compute


BUILTIN = Registry(GROUPS, (
    Signal("dense", "semantic", "best cosine between request and any profile vector, [-1, 1]",
           "best semantic similarity", lambda b: b.dense.best, weight=4.0, positive=True),
    Signal("dense_multi", "semantic",
           "best cosine of the request with any profile text, multilingual-e5 (any language; "
           "compressed, about [0.7, 0.95])", "similarity in any language",
           lambda b: b.multilingual, positive=True),
    Signal("dense_top3", "breadth", "mean of the three best cosines (missing count 0), [0, 1]",
           "top-3 similarity", lambda b: b.dense.top3, positive=True),
    # a count of project texts: a newcomer's one self-description cannot collect votes
    Signal("dense_votes", "breadth",
           "log1p(profile vectors among the pool's 1000 best), [0, ~6.9]",
           "similar items", lambda b: b.across("dense_votes", b.dense.votes), positive=True,
           history="record"),
    Signal("lexical", "lexical", "TF-IDF cosine of request and profile document, [0, 1]",
           "shared terms", lambda b: b.across("lexical", b.lexical), weight=4.0,
           positive=True),
    Signal("lexical_log", "lexical", "log1p(100 x lexical), [0, 4.6]: fusion multiplicative",
           "shared terms, diminishing",
           lambda b: b.across("lexical_log", np.log1p(100.0 * b.lexical).astype(np.float32)),
           positive=True),
    Signal("lexical_best", "lexical",
           "best TF-IDF cosine of the request with any one activity, [0, 1]",
           "best-matching project terms", _lexical_best, positive=True),
    Signal("eco_shared", "thematic", "share of the request's ecosystems the profile has, [0, 1]",
           "shared ecosystems",
           lambda b: signals.shared_share(b.context.wanted_ecosystems, b.ecosystems),
           weight=0.2),
    Signal("eco_complementary", "thematic",
           "learned complementarity of the profile's other ecosystems, [0, 1]",
           "complementary ecosystems",
           lambda b: signals.complementarity(b.context.wanted_ecosystems, b.ecosystems,
                                             b.view.derived.eco_lift), weight=0.1),
    Signal("same_country", "geography", "1 if in the requester's country", "same country",
           lambda b: signals.same_value(_home(b, "country"), b.countries), weight=0.2),
    Signal("same_region", "geography", "1 if in the requester's NUTS-2 region", "same region",
           lambda b: signals.same_value(_home(b, "region"), b.columns.region[b.slots]),
           weight=0.1),
    Signal("proximity", "geography", "exp(-km / proximity_km) from the requester, (0, 1]",
           "distance", _proximity),
    Signal("new_country", "geography", "1 if the country is not yet in the consortium",
           "new country for the consortium",
           lambda b: signals.new_country(b.covered, b.countries)),
    Signal("cross_border", "geography", "request.cross_border x (1 if abroad, else 0), [-1, 1]",
           "cross-border preference", _cross_border, weight=0.5, preference=True),
    Signal("preferred_country", "geography",
           "1 if in a country the request prefers (\"preferably in Italy\"), else 0",
           "preferred country",
           lambda b: signals.in_values(set(b.context.request.prefer_countries), b.countries),
           weight=1.0, preference=True),
    Signal("network_direct", "network",
           "log1p(projects shared with the requester or positive examples)",
           "direct collaborations", lambda b: signals.log_count(b.direct), weight=0.8,
           history="link"),
    Signal("network_recent", "network",
           "log1p(projects shared with them in the last 3 years of the index)",
           "recent collaborations", _network_recent, history="link"),
    Signal("network_share", "network",
           "shared projects / all projects of the requester and examples, [0, 1]",
           "share of your partners", _network_share, history="link"),
    Signal("network_indirect", "network", "log1p(number of the requester's partners it worked "
           "with)", "partners of partners",
           lambda b: signals.log_count(
               b.view.derived.graph.indirect(b.context.sources, b.slots)), weight=0.3,
           history="record"),
    Signal("network_walk", "network",
           "log1p(1e6 x p), p: chance that a 2-step random walk over shared projects from the "
           "requester and examples ends here, [0, 13.8]",
           "closeness in your network", lambda b: b.context.walk[b.slots], history="record"),
    Signal("network_topic", "network",
           "best cosine of the request with a project shared with the requester",
           "network on this topic", lambda b: b.dense.topic, weight=2.0, history="link"),
    Signal("requester_affinity", "network", "cosine of the requester's and the profile's mean "
           "vectors", "affinity with you", _requester_affinity),
    Signal("consortium", "network",
           "log1p(projects shared with the 10 best of a hand-set first pass)",
           "consortium fit", _consortium, pooled=True, history="record"),
    Signal("experience", "experience", "log1p(activities) / log1p(experience_ref)", "projects",
           _column("n_activities", "damped"), weight=1.0, history="record"),
    Signal("recency", "experience", "log1p(activities in the last 3 years of the index)",
           "recent activity", _column("n_recent"), history="record"),
    Signal("coordination", "experience", "log1p(activities it coordinated)",
           "coordination experience", _column("n_coordinated"), history="record"),
    Signal("history", "experience", "log1p(H2020 participations)", "earlier programmes",
           _column("n_history"), history="record"),
    Signal("kind_affinity", "kind", "log2 lift of (requester kind, candidate kind) in "
           "consortia, [-2, 2]", "organisation type", _kind_affinity),
    Signal("preferred_kind", "kind",
           "1 if of a kind the request prefers (\"ideally SMEs\"), else 0", "preferred kind",
           _preferred_kind, weight=1.0, preference=True),
    Signal("named", "mentioned", "1 if the request names the organisation (acronym or name)",
           "named in the request",
           lambda b: np.isin(b.slots, b.context.named).astype(np.float32), weight=1.0,
           positive=True),
    Signal("named_place", "mentioned", "1 if the request names its city or region",
           "its place named",
           lambda b: np.isin(b.slots, b.context.named_places).astype(np.float32), weight=0.2,
           positive=True),
    Signal("named_country", "mentioned", "1 if the request names its country",
           "its country named",
           lambda b: signals.in_values(b.context.mentions.countries, b.countries), weight=0.1,
           positive=True),
))
