"""``Recommender``: the front object. It composes the parts and owns their state:

- what is stored, a :class:`engine.corpus.Corpus` (profiles by slot, vectors, TF-IDF rows);
- what is derived from it, one immutable :class:`engine.derived.Derived` value, built on
  first use and brought up to date by each write;
- the open partner requests, a :class:`engine.requests.RequestBook`.

A request flows one way: encode -> :func:`engine.context.request_context` ->
:func:`engine.pool.build_pool` (first stage and every registered signal) ->
:func:`engine.rank.rank_pool` (fusion, diversity) -> :func:`engine.explain.explain_match`.

    rec = Recommender(encoder).fit(profiles, history=h2020_rows)
    rec.recommend(PartnerRequest(text="..."), k=10, explain=True)   # -> list[Match]
    rec.similar("999988230", k=10); rec.complementary("999988230", k=10)
    rec.save(path); Recommender.load(path, encoder)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from engine.alongside import alongside
from engine.bridge import multilingual_query
from engine.builtin_signals import BUILTIN
from engine.config import RankConfig
from engine.context import request_context
from engine.corpus import Corpus, check_unique, lexical_document, multilingual_texts, vector_texts
from engine.derived import Derived
from engine.diversity import Diversity
from engine.embed import Encoder, normalize_rows
from engine.explain import explain_match
from engine.filters import allowed
from engine.fusion import FusionModel
from engine.index import VectorIndex
from engine.language import detect
from engine.lexical import LexicalIndex
from engine.match import Match
from engine.modes import brings_other_ecosystems, complementary_weights, profile_request
from engine.persistence import data_fingerprint, load_index, save_index
from engine.pool import Pool, build_pool
from engine.profiles import PartnerRequest, Profile
from engine.rank import rank_pool
from engine.registry import Registry
from engine.requests import RequestBook, RequestMatch
from engine.saved_rows import SavedRows
from engine.sources.h2020 import Participation
from engine.summary import weak
from engine.view import IndexView

#: The request that builds the derived data and loads the model in ``warm_up``.
WARM_UP = PartnerRequest(text="partner search warm-up: research and innovation cooperation")


class Recommender:
    """Ranks profiles for partner requests. Construct, then ``fit`` or ``load``."""

    def __init__(self, encoder: Encoder, config: RankConfig | None = None, *,
                 signals: Registry = BUILTIN, multilingual: Encoder | None = None):
        self.encoder = encoder
        #: the multilingual encoder of the ``dense_multi`` signal (None: that signal is 0)
        self.multilingual = multilingual
        self.signals = signals
        self.config = (config or RankConfig.of(signals)).check_for(signals)
        self.fusion: FusionModel | None = None
        self.requests = RequestBook(encoder)
        self.version = 0
        self._corpus = Corpus()
        self._derived: Derived | None = None
        self._saved_rows: SavedRows | None = None  # of a loaded index, until its first view

    # ---- writes -----------------------------------------------------------------------
    def fit(self, profiles: Iterable[Profile], *, history: Sequence[Participation] = (),
            progress: bool = False) -> Recommender:
        """Index ``profiles`` from scratch. ``history``: external collaboration history (H2020
        participations) for the graph; rows of organisations not among profiles are dropped."""
        profiles = list(profiles)
        check_unique(profiles)
        lexical = LexicalIndex().fit(lexical_document(p) for p in profiles)
        second = None if self.multilingual is None else VectorIndex(self.multilingual.dim,
                                                                   self.multilingual.model_id)
        self._corpus = Corpus.build(
            profiles, lambda part: self.embed(part, progress=progress), history,
            VectorIndex(self.encoder.dim, self.encoder.model_id), lexical, second)
        self._derived, self._saved_rows = None, None  # rows of an earlier fit do not apply
        self.version += 1
        return self

    def upsert(self, profiles: Sequence[Profile], *, like: Recommender | None = None) -> None:
        """Add new profiles or replace existing ones, without a rebuild. ``like``: a copy
        that already took this same write (see :meth:`_written`)."""
        self._corpus.check_fitted()
        check_unique(profiles, " in one upsert")
        slots, before = self._corpus.put(profiles, *self.embed(profiles))
        self._written(slots, before, like)

    def embed(self, profiles: Sequence[Profile], *,
              progress: bool = False) -> tuple[np.ndarray, np.ndarray | None]:
        """The vectors of the profiles' texts, and of their multilingual texts (None without
        that model). A service calls it before it takes its write lock, so that the write
        finds them in the encoders' caches."""
        texts = [t for p in profiles for t in vector_texts(p)]
        return (self.encoder.encode_documents(texts, progress=progress),
                self._embed_multilingual(profiles, progress=progress))

    def _embed_multilingual(self, profiles: Sequence[Profile], *,
                            progress: bool = False) -> np.ndarray | None:
        if self.multilingual is None:
            return None
        texts = [t for p in profiles for t in multilingual_texts(p)]
        return self.multilingual.encode_documents(texts, progress=progress)

    def remove(self, profile_id: str, *, like: Recommender | None = None) -> None:
        """Remove a profile; it is never recommended again."""
        slot, profile = self._corpus.delete(profile_id)
        self._written([slot], [profile], like)

    def _written(self, slots: list[int], before: Sequence[Profile | None],
                 like: Recommender | None) -> None:
        """A copy one write ahead (``like``) that took this write from the same state holds
        the same derived value: taken, not computed again (immutable, so shared safely)."""
        if like is not None and like.version == self.version + 1 and like._derived is not None:
            self._derived = like._derived
        elif self._derived is not None:
            self._derived = self._derived.updated(self._corpus, slots, before)
        self.version += 1

    def copy(self) -> Recommender:
        """An independent copy: a write to one never shows in the other. The derived data
        is an immutable value, so the copies share it until one is written."""
        other = Recommender(self.encoder, self.config, signals=self.signals,
                            multilingual=self.multilingual)
        other.fusion, other.version, other._derived = self.fusion, self.version, self._derived
        other._saved_rows, other._corpus = self._saved_rows, self._corpus.copy()
        other.requests = self.requests.copy()
        return other

    # ---- reading ----------------------------------------------------------------------
    def view(self) -> IndexView:
        """What one request reads (builds the derived data on first use)."""
        if self._derived is None:
            self._derived, self._saved_rows = Derived.build(self._corpus, self._saved_rows), None
        fusion, confidence = self.fusion, self.fusion and self.fusion.confidence
        return IndexView(self._corpus, self._derived, self.config, self.signals, self.weights,
                         fusion and fusion.bridge, confidence and confidence.medium)

    def warm_up(self) -> None:
        """Build the derived data and load the model now, not on the first request."""
        if len(self):
            self.recommend(WARM_UP, 1, explain=True)

    def __len__(self) -> int:
        return len(self._corpus)

    def __contains__(self, profile_id: object) -> bool:
        return profile_id in self._corpus.slots

    def get(self, profile_id: str) -> Profile:
        return self._corpus.profile(self._corpus.slot(profile_id))

    def profiles(self) -> Iterable[Profile]:
        return (p for p in self._corpus.profiles if p is not None)

    @property
    def n_vectors(self) -> int:
        return len(self._corpus.index)

    def slot_ids(self) -> list[str | None]:
        """Profile id per slot (None for removed slots), aligned with per-slot arrays."""
        return [p.id if p is not None else None for p in self._corpus.profiles]

    def activity_counts(self) -> np.ndarray:
        """Number of activities per slot (0 for removed slots)."""
        return self.view().derived.columns.n_activities.copy()

    def lexical_scores(self, text: str) -> np.ndarray:
        """TF-IDF cosine of ``text`` against every slot (0 for removed slots)."""
        return self._corpus.lexical.scores(self._corpus.lexical.transform([text]))

    def fingerprint(self) -> str:
        """A hash of every indexed profile (order-independent) and the model id."""
        if self._corpus.fingerprint is None:
            self._corpus.fingerprint = data_fingerprint(self.profiles(), self.encoder.model_id)
        return self._corpus.fingerprint

    @property
    def weights(self) -> dict[str, float]:
        """The fusion weights in force: learned ones if a fusion model is loaded, with the
        preference signals (set by users) and explicit overrides from the config."""
        weights = dict(self.config.weights)
        if self.fusion is not None:
            preference = self.signals.preference
            weights.update({n: float(v) for n, v in self.fusion.weights.items()
                            if n not in preference})
        return {**weights, **self.config.overrides}

    def confidence(self, request: PartnerRequest, matches: Sequence[Match], *,
                   known_terms: int | None = None) -> str | None:
        """``high``/``medium``/``low`` for ``request``'s ranked list (:mod:`engine.confidence`;
        None uncalibrated). ``known_terms``: its terms the index knows (else read again); with
        none, a request in another language than English is read by the multilingual model."""
        if self.fusion is None or self.fusion.confidence is None:
            return None
        if known_terms is None:
            known_terms = self._corpus.lexical.transform([request.document]).nnz
        bridged = self._corpus.multilingual is not None and self.fusion.bridge is not None
        readable = known_terms > 0 or bridged and detect(request.document, "") not in ("", "en")
        return self.fusion.confidence.of([m.signals for m in matches], readable=readable)

    # ---- ranking ----------------------------------------------------------------------
    def allowed_slots(self, request: PartnerRequest) -> np.ndarray:
        """Boolean mask of slots that pass the request's hard filters."""
        return allowed(request, self.view().derived.columns, self._corpus.slots)

    def encode_request(self, request: PartnerRequest) -> np.ndarray:
        return self.encoder.encode_queries([request.document])[0]

    def encode_multilingual(self, requests: Sequence[PartnerRequest]) -> list[np.ndarray | None]:
        """The requests' multilingual vectors (None each without a multilingual index)."""
        if self.multilingual is None or self._corpus.multilingual is None:
            return [None] * len(requests)
        return list(self.multilingual.encode_queries([multilingual_query(r) for r in requests]))

    def pool(self, request: PartnerRequest, query: np.ndarray | None = None, k: int = 0,
             mask: np.ndarray | None = None, *, multilingual: np.ndarray | None = None) -> Pool:
        """First-stage candidates with all their features (see :mod:`engine.pool`);
        ``query``/``multilingual``: the request's vectors, encoded here if not given."""
        view = self.view()
        if multilingual is None:
            multilingual = self.encode_multilingual([request])[0]
        context = request_context(
            view, request, self.encode_request(request) if query is None else query,
            multilingual)
        return build_pool(view, context, allowed(request, view.derived.columns,
                                                 self._corpus.slots) if mask is None else mask, k)

    def rank_pool(self, pool: Pool, k: int, *, weights: dict[str, float] | None = None,
                  diversity: Diversity | None = None, explain: bool = False) -> list[Match]:
        """Fuse a pool's features and return the top ``k`` as matches, best first."""
        view = self.view()
        matches = rank_pool(view, pool, k, weights=weights, diversity=diversity)
        words = view.corpus.lexical.query_words(pool.context.request.document) if explain else {}
        return [replace(m, explanation=explain_match(m, pool.context, view, words, weights))
                for m in matches] if explain else matches

    def recommend(self, request: PartnerRequest, k: int = 10, *, explain: bool = False,
                  diversity: Diversity | None = None) -> list[Match]:
        """The ``k`` best profiles for ``request`` (fewer only if fewer pass the filters)."""
        return self.recommend_batch([request], k, explain=explain, diversity=diversity)[0]

    def recommend_batch(self, requests: Sequence[PartnerRequest], k: int = 10, *,
                        explain: bool = False, diversity: Diversity | None = None
                        ) -> list[list[Match]]:
        """``recommend`` for several requests, their texts encoded in one call."""
        if k < 1:
            raise ValueError("k must be at least 1")
        queries, multilingual = alongside(
            lambda: self.encoder.encode_queries([r.document for r in requests]),
            lambda: self.encode_multilingual(requests))
        ranked = []
        for request, query, vector in zip(requests, queries, multilingual, strict=True):
            pool = self.pool(request, query, k, multilingual=vector)
            matches = self.rank_pool(pool, k, explain=explain, diversity=diversity)
            known = pool.context.lexical_query.nnz  # the request is analysed once
            if explain and self.confidence(request, matches, known_terms=known) == "low":
                matches = weak(matches)
            ranked.append(matches)
        return ranked

    def profile_request(self, profile_id: str, **overrides: Any) -> PartnerRequest:
        """A profile seen as a request (see :func:`engine.modes.profile_request`)."""
        return profile_request(self.get(profile_id), **overrides)

    def similar(self, profile_id: str, k: int = 10, *, explain: bool = False,
                **filters: Any) -> list[Match]:
        """Profiles most like ``profile_id`` (excluded): its mean vector and text as query."""
        pool = self.pool(self.profile_request(profile_id, **filters), self._mean(profile_id),
                         k, multilingual=self._multilingual_mean(profile_id))
        return self.rank_pool(pool, k, explain=explain)

    def complementary(self, profile_id: str, k: int = 10, *, explain: bool = False,
                      distinct: int = 0, **filters: Any) -> list[Match]:
        """Partners in other ecosystems (:mod:`engine.modes`), not its ``distinct`` most similar."""
        profile = self.get(profile_id)
        request = self.profile_request(profile_id, ecosystems=profile.ecosystems, **filters)
        mask = self.allowed_slots(request) & brings_other_ecosystems(
            profile, self.view().derived.columns)
        mask[[self._corpus.slot(m.profile_id) for m in self.similar(profile_id, distinct)
              ] if distinct else []] = False
        pool = self.pool(request, self._mean(profile_id), k, mask=mask,
                         multilingual=self._multilingual_mean(profile_id))
        return self.rank_pool(pool, k, weights=complementary_weights(self.weights), explain=explain)

    def _mean(self, profile_id: str) -> np.ndarray:
        return self.view().derived.means[self._corpus.slot(profile_id)]

    def _multilingual_mean(self, profile_id: str) -> np.ndarray | None:
        """A profile's mean multilingual vector, the multilingual query of its modes."""
        vectors = self._corpus.slot_multilingual(self._corpus.slot(profile_id))
        return None if vectors is None else normalize_rows(vectors.sum(axis=0, keepdims=True))[0]

    # ---- partner requests -------------------------------------------------------------
    def add_requests(self, items: Sequence[tuple[str, PartnerRequest, date | None]]) -> None:
        """Store open partner requests (id, request, expiry date or None)."""
        self.requests.add(items)

    def remove_request(self, request_id: str) -> None:
        self.requests.remove(request_id)

    def requests_for_profile(self, profile_id: str, k: int = 10, today: date | None = None,
                             min_fit: float = -1.0) -> list[RequestMatch]:
        """Open requests that this profile could answer ("opportunities for my cluster"):
        its best vector against each request (at least ``min_fit``), among requests whose
        filters it passes."""
        vectors = self._corpus.slot_vectors(self._corpus.slot(profile_id))
        return self.requests.for_profile(self.get(profile_id), vectors, k, today, min_fit)

    def requests_for_request(self, request: PartnerRequest, k: int = 10,
                             today: date | None = None, exclude_id: str | None = None
                             ) -> list[RequestMatch]:
        """Open requests that fit this one, with a reciprocal score where both have a
        requester: how well each requester fits the other's request (harmonic mean)."""
        return self.requests.for_request(
            request, self.encode_request(request), k, today, exclude_id, self._vectors)

    def _vectors(self, profile_id: str | None) -> np.ndarray | None:
        """A profile's vectors (None for no or an unknown profile)."""
        slot = self._corpus.slots.get(profile_id) if profile_id else None
        return None if slot is None else self._corpus.slot_vectors(slot)

    # ---- persistence ------------------------------------------------------------------
    def save(self, folder: str | Path) -> None:
        """Write the index folder (:mod:`engine.persistence`), with the derived project rows."""
        save_index(Path(folder), self._corpus, self.config, self.fusion, self.fingerprint(),
                   self.view().derived.projects if len(self) else None)

    @classmethod
    def load(cls, folder: str | Path, encoder: Encoder, config: RankConfig | None = None, *,
             signals: Registry = BUILTIN, multilingual: Encoder | None = None) -> Recommender:
        """Read an index folder written by ``save``, checking models, dimensions and data."""
        second = None if multilingual is None else (multilingual.model_id, multilingual.dim)
        saved = load_index(Path(folder), encoder.model_id, encoder.dim, signals, second)
        rec = cls(encoder, config or saved.config, signals=signals, multilingual=multilingual)
        rec._corpus, rec.fusion, rec._saved_rows = saved.corpus, saved.fusion, saved.project_rows
        return rec
