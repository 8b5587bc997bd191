"""``RequestContext``: what ranking and explanation know about one request, computed once."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp

from engine import signals
from engine.embed import normalize_rows
from engine.language import UNDETECTED, detect
from engine.mentions import Mentions
from engine.profiles import PartnerRequest
from engine.taxonomy import ECOSYSTEMS, ecosystems_in_text
from engine.understand import understand
from engine.view import IndexView


@dataclass(frozen=True)
class RequestContext:
    """``query``: the request vector moved towards positive and away from negative examples;
    ``sources``: the requester and positive-example slots (the consortium so far);
    ``wanted_ecosystems``: 0/1 over ECOSYSTEMS; ``named``/``named_places``: slots the request
    names (acronym or full name) / whose city or region it names, sorted; ``walk``: the
    ``network_walk`` value of every slot (the pool and its expansion share it);
    ``multilingual``: the request's multilingual vector (None without a multilingual index);
    ``language``: the language the request is written in (:func:`engine.language.detect`),
    :data:`engine.language.UNDETECTED` when too short to tell: a two-word Polish request
    taken for English was read by the English model and matched game developers."""

    request: PartnerRequest
    query: np.ndarray
    sources: np.ndarray
    requester: int | None
    wanted_ecosystems: np.ndarray
    lexical_query: sp.csr_matrix
    mentions: Mentions
    named: np.ndarray
    named_places: np.ndarray
    walk: np.ndarray
    multilingual: np.ndarray | None = None
    language: str = "en"


def request_context(view: IndexView, request: PartnerRequest, query: np.ndarray,
                    multilingual: np.ndarray | None = None) -> RequestContext:
    """The context of ``request`` whose text has the vector ``query`` (and the multilingual
    vector ``multilingual``)."""
    corpus, derived, config = view.corpus, view.derived, view.config
    positives = [corpus.slots[i] for i in request.positive_ids if i in corpus.slots]
    negatives = [corpus.slots[i] for i in request.negative_ids if i in corpus.slots]
    adjusted = query.astype(np.float32)
    for slots, weight in ((positives, config.positive_weight),
                          (negatives, -config.negative_weight)):
        if slots:
            centroid = derived.means[np.asarray(slots, dtype=np.int64)].mean(axis=0)
            adjusted = adjusted + weight * centroid
    adjusted = normalize_rows(adjusted[None, :])[0]
    requester = corpus.slots.get(request.requester_id) if request.requester_id else None
    sources = np.array(([requester] if requester is not None else []) + positives, dtype=np.int64)
    wanted = set(request.ecosystems) or ecosystems_in_text(request.document)
    if requester is not None and not request.ecosystems:
        wanted |= set(corpus.profile(requester).ecosystems)
    # a country the text rules out ("outside Germany") is never a country it names
    negated = set(understand(request.document).values("exclude_country"))
    mentions = Mentions.of(request.document)
    mentions = replace(mentions, countries=mentions.countries - negated)
    named, named_places = derived.names.named_slots(mentions)
    return RequestContext(
        request=request,
        query=adjusted,
        sources=sources,
        requester=requester,
        wanted_ecosystems=np.array([1.0 if e in wanted else 0.0 for e in ECOSYSTEMS], np.float32),
        lexical_query=corpus.lexical.transform([request.document]),
        mentions=mentions,
        named=named,
        named_places=named_places,
        walk=signals.walk_score(derived.graph.walk(sources)),
        multilingual=multilingual,
        language=detect(request.document, UNDETECTED),
    )
