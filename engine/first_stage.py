"""The first stage: which allowed slots a request's ranking considers at all. Each source
brings its best candidates (dense, lexical, what the request names, the consortium's network);
fusion ranks their union. Pure functions over an :class:`engine.view.IndexView`."""

from __future__ import annotations

import numpy as np

from engine import index_ivf, signals
from engine.context import RequestContext
from engine.corpus import ITEM_BITS
from engine.index import VectorIndex
from engine.view import IndexView

#: Up to this many excluded vectors, a search drops them after the fact (exactly) rather than
#: building an id selector over every allowed vector.
SMALL_EXCLUSION = 2048
#: ... and so does a filter that leaves at least this share of the vectors (asking for
#: 1/share times more results).
MAJORITY = 0.5
#: Organisations in the places and countries a request names that join the first stage.
NAMED_POOL = 50


def dense_top(view: IndexView, query: np.ndarray, mask: np.ndarray, size: int, *,
              multilingual: bool = False) -> np.ndarray:
    """The ``size`` allowed slots with the best vectors (search inside faiss; the
    multilingual index with ``multilingual``).

    A filter is applied with an id selector when it leaves a minority of the vectors. When
    it removes only a handful of them (the requester, negative examples) or leaves at least
    ``MAJORITY`` of them (``exclude_countries``), it is cheaper, and gives the same slots, to
    search more results and drop the filtered ones: the selector's id list alone is O(N) per
    request (an exclusion filter took 152 ms p50 at 100k profiles against 60 ms unfiltered).
    """
    index = view.corpus.multilingual if multilingual else view.corpus.index
    assert index is not None
    cols = view.derived.columns
    excluded = np.flatnonzero(cols.alive & ~mask)
    n_excluded = int(cols.n_vectors[excluded].sum())
    share = 1.0 - n_excluded / max(len(index), 1)
    if n_excluded > SMALL_EXCLUSION and share < MAJORITY:
        return _searched_slots(index, query, mask, view.derived.vector_ids(np.flatnonzero(mask)),
                               size)
    # an unfiltered search returns as many vectors as asked for (an IVF one probes more lists
    # until it does), so asking for more until ``size`` allowed slots come back suffices
    return _searched_slots(index, query, mask, None, size, widen=1.0 / max(share, MAJORITY))


def _searched_slots(index: VectorIndex, query: np.ndarray, mask: np.ndarray | None,
                    allowed_vids: np.ndarray | None, size: int, widen: float = 1.0
                    ) -> np.ndarray:
    """The ``size`` slots of ``mask`` (None: of ``allowed_vids``) whose best vector ranks
    first in a search of ``index`` restricted to ``allowed_vids`` (None: all), asking for
    more vectors (first ``widen`` times the usual) until ``size`` distinct slots of ``mask``
    come back or the vectors run out. A search for fewer vectors returns a prefix of a
    search for more, so the slots do not depend on how many were asked for."""
    k_vectors = int(np.ceil(size * 4 * widen))
    while True:
        _, vids = index.search(query, k_vectors, allowed_vids)
        vids = vids[0][vids[0] >= 0]
        dense_slots = vids >> ITEM_BITS
        if mask is not None:
            dense_slots = dense_slots[mask[dense_slots]]
        if len(np.unique(dense_slots)) >= size or len(vids) < k_vectors:
            break
        k_vectors *= 4
    _, first = np.unique(dense_slots, return_index=True)  # first hit = best vector
    return dense_slots[np.sort(first)[:size]]


def other_languages_top(view: IndexView, context: RequestContext, mask: np.ndarray,
                        size: int) -> np.ndarray:
    """The ``size`` allowed slots written in another language than the request with the best
    multilingual vectors. The model favours the request's own language (:mod:`engine.bridge`),
    so when they are the few (an English request, a corpus mostly in English) they bring
    their own best, scored directly (cost in their vectors, not the corpus). When they are
    the many, the main multilingual search already covers them."""
    other = np.flatnonzero(mask & (view.derived.columns.language != context.language))
    index = view.corpus.multilingual
    if index is None or len(other) * 2 > int(mask.sum()):
        return np.zeros(0, np.int64)
    return _best_slots(view, index, context.multilingual, other, size)


def described_top(view: IndexView, context: RequestContext, mask: np.ndarray,
                  size: int) -> np.ndarray:
    """The ``size`` allowed slots without any history (a self-description only) with the
    best vectors, scored directly (cost in their vectors). A newcomer's one or two texts
    compete in the dense search against the best of dozens of project texts of every other
    organisation, and were left out of the pool where they would have ranked well."""
    described = np.flatnonzero(mask & view.derived.without_history)
    return _best_slots(view, view.corpus.index, context.query, described, size)


def _best_slots(view: IndexView, index: VectorIndex, query: np.ndarray | None,
                slots: np.ndarray, size: int) -> np.ndarray:
    """The ``size`` of ``slots`` whose best vector in ``index`` is closest to ``query``,
    scored directly: the cost is in their vectors, not the corpus. In an IVF index, many
    vectors are searched instead (restricted to theirs), which grows slower than they do
    (scoring them from its row store is cheap, ~0.1 µs a vector, but linear in them)."""
    if not len(slots) or query is None:
        return np.zeros(0, np.int64)
    vids = view.derived.vector_ids(slots)
    if index.kind == "ivf" and len(vids) > index_ivf.EXACT_BELOW:
        # a search restricted to them visits a few lists (decoding them one by one from the
        # IVF codes, before the row store, cost 255 ms per request at 100k profiles)
        return _searched_slots(index, np.atleast_2d(query), None, vids, size).astype(np.int64)
    best = signals.slot_max(index.similarities(query, vids),
                            view.derived.columns.n_vectors[slots])
    return slots[np.argsort(-best, kind="stable")[:size]].astype(np.int64)


def lexical_top(lexical_all: np.ndarray, size: int) -> np.ndarray:
    """The ``size`` slots with the best positive TF-IDF cosine (filtered ones hold -1)."""
    top = np.argpartition(-lexical_all, min(size, len(lexical_all) - 1))[:size]
    return top[lexical_all[top] > 0]


def named_top(
    view: IndexView, context: RequestContext, mask: np.ndarray, lexical_all: np.ndarray
) -> np.ndarray:
    """Allowed slots the request names: every named organisation, and the ``NAMED_POOL``
    lexically best organisations in the named places and countries (a city like Paris holds
    hundreds)."""
    cols = view.derived.columns
    parts = [context.named]
    for where in (
        context.named_places,
        np.flatnonzero(signals.in_values(context.mentions.countries, cols.country) > 0),
    ):
        if len(where) > NAMED_POOL:
            where = where[np.argpartition(-lexical_all[where], NAMED_POOL)[:NAMED_POOL]]
        parts.append(where)
    named = np.concatenate(parts)
    return named[mask[named]]


def candidates(
    view: IndexView, context: RequestContext, mask: np.ndarray, lexical_all: np.ndarray,
    size: int,
) -> np.ndarray:
    """The union of every source's best ``size`` allowed slots, sorted: dense, the profiles
    without history (dense, among themselves), multilingual dense (with a language bridge:
    among the profiles in other languages than the request's alone, and among all only for a
    request not in English), lexical, named, and the partners of the requester and
    examples."""
    parts = [
        dense_top(view, context.query, mask, size),
        lexical_top(lexical_all, size),
        named_top(view, context, mask, lexical_all),
        described_top(view, context, mask, size),
    ]
    if context.multilingual is not None and view.corpus.multilingual is not None:
        if view.bridge is not None:
            parts.append(other_languages_top(view, context, mask, size))
        if view.bridge is None or context.language != "en":
            # an English request reads English profiles with MiniLM, searched above
            parts.append(dense_top(view, context.multilingual, mask, size, multilingual=True))
    for source in context.sources:
        partners = view.derived.graph.partners(int(source), size)
        parts.append(partners[mask[partners]])
    return np.unique(np.concatenate(parts)).astype(np.int64)
