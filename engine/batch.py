"""``Batch``: candidate slots of one request and the intermediate values their signals share
(computed once, on first use). Every signal's ``compute`` reads a batch."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from engine import signals
from engine.bridge import LanguageBridge
from engine.columns import Columns
from engine.context import RequestContext
from engine.derived import KIND_INDEX
from engine.profiles import Profile
from engine.taxonomy import ECOSYSTEMS
from engine.unknown import binned_means
from engine.view import IndexView

#: ``dense_votes`` counts a slot's vectors among this many best vectors of the batch.
VOTES = 1000
#: An English request with at least this many English candidates fits the language bridge
#: on them (:attr:`Batch.bridge`); the bins of its lexical expectations.
OWN_PAIRS = 100
OWN_BINS = 10


@dataclass(frozen=True)
class DenseScores:
    """Dense values of a batch from all its slots' vectors against the query.

    ``best``: max-sim; ``top3``: mean of the best three (missing ones count 0); ``votes``:
    log1p of how many of the batch's ``VOTES`` best vectors belong to the slot (several close
    activities, not one); ``topic``: best similarity among the projects the slot shared with
    the sources (past partners on *this* topic); ``items``/``item_sims``: each slot's best
    three items (index, -1 if none) and their cosines.
    """

    best: np.ndarray
    top3: np.ndarray
    votes: np.ndarray
    topic: np.ndarray
    items: np.ndarray
    item_sims: np.ndarray


def bridge_in_force(view: IndexView, context: RequestContext) -> bool:
    """Whether pairs that are not English on both sides are read through the multilingual
    model (:mod:`engine.bridge`): it needs the bridge, the multilingual index and the
    request's multilingual vector. Ranking and explanation ask the same question here."""
    return (view.bridge is not None and view.corpus.multilingual is not None
            and context.multilingual is not None)


def dense_scores(view: IndexView, context: RequestContext, slots: np.ndarray,
                 sims: np.ndarray, top: int = 3) -> DenseScores:
    """The :class:`DenseScores` of ``slots`` whose vectors have the similarities ``sims``
    (slot by slot). A profile without activities has only its own description: its top-3
    is the mean of the items it has, so a missing project history does not count twice
    (the experience signals read it)."""
    counts = view.derived.columns.n_vectors[slots]
    starts = np.cumsum(counts) - counts
    groups = np.repeat(np.arange(len(slots)), counts)
    # rank of each vector within its slot, best first
    order = np.lexsort((-sims, groups))
    within = np.arange(len(sims)) - np.repeat(starts, counts)
    best_rows = order[within < top]  # the best `top` vectors of each slot, slot by slot
    best_group = groups[best_rows]
    best_rank = within[within < top]
    items = np.full((len(slots), top), -1, dtype=np.int64)
    item_sims = np.zeros((len(slots), top), dtype=np.float32)
    items[best_group, best_rank] = best_rows - starts[best_group]
    item_sims[best_group, best_rank] = sims[best_rows]
    described = view.derived.columns.n_activities[slots] == 0
    top3 = np.where(items >= 0, np.maximum(item_sims, 0.0), 0.0).sum(axis=1) / np.where(
        described, np.clip(counts, 1, top), top)
    votes = np.zeros(len(slots), dtype=np.float32)
    if len(sims):
        cut = max(len(sims) - VOTES, 0)
        threshold = np.partition(sims, cut)[cut]
        votes = np.bincount(groups[sims >= threshold], minlength=len(slots))
    topic = np.zeros(len(slots), dtype=np.float32)
    if len(context.sources) and len(sims):
        shared = view.derived.graph.projects_of(context.sources)
        hit = np.isin(view.derived.projects_of_vectors(slots), shared)
        topic = np.maximum.reduceat(np.where(hit, np.maximum(sims, 0.0), 0.0), starts)
    return DenseScores(
        best=item_sims[:, 0].astype(np.float32),
        top3=top3.astype(np.float32),
        votes=np.log1p(votes).astype(np.float32),
        topic=topic.astype(np.float32),
        items=items,
        item_sims=item_sims,
    )


@dataclass
class Batch:
    """``lexical_all``: the request's TF-IDF cosine with every slot (-1 where filtered out);
    ``seeds``: the best slots of the first pass, read by pooled signals."""

    view: IndexView
    context: RequestContext
    slots: np.ndarray
    lexical_all: np.ndarray
    seeds: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    #: the request's first batch: a later batch of the same pool reads the language bridge
    #: and lexical expectations fitted there, so every candidate is on one scale
    parent: Batch | None = None
    tables: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    @property
    def columns(self) -> Columns:
        return self.view.derived.columns

    @cached_property
    def dense(self) -> DenseScores:
        return dense_scores(self.view, self.context, self.slots, self.item_similarities)

    @cached_property
    def multilingual_sims(self) -> np.ndarray | None:
        """The request's multilingual cosine with every vector of the batch, slot by slot
        (None without a multilingual index or vector)."""
        index, query = self.view.corpus.multilingual, self.context.multilingual
        if index is None or query is None:
            return None
        return index.similarities(query, self.view.derived.vector_ids(self.slots))

    @cached_property
    def multilingual(self) -> np.ndarray:
        """Best cosine of the request's multilingual vector with any of each candidate's
        multilingual vectors (0 without a multilingual index)."""
        sims = self.multilingual_sims
        if sims is None or not len(self.slots):
            return np.zeros(len(self.slots), dtype=np.float32)
        return signals.slot_max(sims, self.columns.n_vectors[self.slots])

    @cached_property
    def bridged(self) -> np.ndarray:
        """Candidates read through the multilingual model (:mod:`engine.bridge`): request
        and profile are not both English. None are without a bridge or multilingual index."""
        if not bridge_in_force(self.view, self.context):
            return np.zeros(len(self.slots), dtype=bool)
        return (self.context.language != "en") | (self.languages != "en")

    @cached_property
    def languages(self) -> np.ndarray:
        return self.columns.language[self.slots]

    @cached_property
    def minilm_sims(self) -> np.ndarray:
        """The request's MiniLM cosine with every vector of the batch, slot by slot."""
        return self.view.corpus.index.similarities(self.context.query,
                                                   self.view.derived.vector_ids(self.slots))

    @cached_property
    def own_pairs(self) -> bool:
        """Whether this request has enough English candidates (both models score them) to
        fit the bridge on itself."""
        return self.context.language == "en" and int((~self.bridged).sum()) >= OWN_PAIRS

    @cached_property
    def bridge(self) -> LanguageBridge | None:
        """The bridge in force. An English request with enough English candidates refits the
        similarity map on them: a short request sits lower on MiniLM's scale than the
        training objectives, and a nonsense one lower still, while e5 scores them all alike,
        so the trained map would lift every profile in another language above the English
        ones. Otherwise the trained bridge."""
        if self.parent is not None:
            return self.parent.bridge
        trained = self.view.bridge
        if trained is None or self.multilingual_sims is None or not self.own_pairs:
            return trained
        minilm = signals.slot_max(self.minilm_sims, self.columns.n_vectors[self.slots])
        english = ~self.bridged  # each candidate's best, as the trained map was fitted
        return trained.refit(minilm[english], self.multilingual[english])

    @cached_property
    def item_similarities(self) -> np.ndarray:
        """Each vector's similarity to the request, slot by slot: MiniLM's where request and
        profile are both English, elsewhere the multilingual one on MiniLM's scale."""
        sims, bridged = self.minilm_sims, self.bridged
        if not bridged.any():
            return sims
        counts = self.columns.n_vectors[self.slots]
        rows = np.repeat(bridged, counts)
        cross = np.repeat(self.languages != self.context.language, counts)[rows]
        assert self.bridge is not None and self.multilingual_sims is not None
        sims = sims.copy()
        sims[rows] = self.bridge.similarities(self.multilingual_sims[rows], cross)
        return sims

    def across(self, name: str, values: np.ndarray) -> np.ndarray:
        """An imputed signal's ``values`` (:data:`engine.bridge.IMPUTED`) for the bridged
        candidates (request and profile not both English), at least the signal's expected
        value at their similarity. Across languages that value replaces the signal: terms
        cannot be shared, so it is unknown there, not 0 (and e5 cannot count votes, see
        IMPUTED). Within another language it is a floor: the term index, fitted on a corpus
        in English with rare words pruned, knows few of its words, so a 0 there is no
        evidence (a Polish battery-recycling cluster shared no term with a Polish
        battery-recycling request and fell from first to 405th), while terms it does share
        count. The expectation is this request's own (its English candidates' mean in bins
        of similarity) where it has enough of them, else the trained one."""
        table = self._expectation(name, values)
        bridged = self.bridged
        if not bridged.any():
            return values
        best = self.dense.best
        if table is not None:
            expected: np.ndarray | None = np.interp(best, *table)
        else:
            assert self.view.bridge is not None
            expected = self.view.bridge.impute(name, best)
        if expected is None:
            return values
        cross = bridged & (self.languages != self.context.language)
        floor = bridged & ~cross
        return np.where(cross, expected, np.where(floor, np.maximum(values, expected), values)
                        ).astype(np.float32)

    def _expectation(self, name: str, values: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray] | None:
        """Signal ``name``'s mean over this request's English candidates in bins of
        similarity (fitted on the first batch; None without enough of them)."""
        if self.parent is not None:
            return self.parent.tables.get(name)
        if not self.own_pairs:
            return None
        if name not in self.tables:
            english = ~self.bridged
            grid, means = binned_means(self.dense.best[english], {name: values[english]},
                                       OWN_BINS)
            self.tables[name] = (np.asarray(grid), np.asarray(means[name]))
        return self.tables[name]

    @cached_property
    def lexical(self) -> np.ndarray:
        return np.maximum(self.lexical_all[self.slots], 0.0).astype(np.float32)

    @cached_property
    def home(self) -> Profile | None:
        """The requester's profile, if the request has one."""
        requester = self.context.requester
        return self.view.corpus.profile(requester) if requester is not None else None

    @cached_property
    def countries(self) -> np.ndarray:
        return self.columns.country[self.slots]

    @cached_property
    def ecosystems(self) -> np.ndarray:
        """0/1 matrix: candidates x ECOSYSTEMS."""
        return signals.bits_to_matrix(self.columns.ecosystems[self.slots], len(ECOSYSTEMS))

    @cached_property
    def kinds(self) -> np.ndarray:
        """Kind index of each candidate."""
        return np.array([KIND_INDEX[k] for k in self.columns.kind[self.slots]], dtype=np.int64)

    @cached_property
    def covered(self) -> set[str]:
        """Countries the consortium so far (requester and positive examples) covers."""
        corpus = self.view.corpus
        return {corpus.profile(int(s)).country for s in self.context.sources} - {""}

    @cached_property
    def direct(self) -> np.ndarray:
        """Projects each candidate shared with the sources."""
        return self.view.derived.graph.direct(self.context.sources, self.slots)
