"""``Recommender``: the front object. It composes profiles, an encoder, the vector index, the
lexical index, the collaboration graph and the ranking functions, and persists them as one
folder.

    rec = Recommender(encoder).fit(profiles, history=h2020_rows)
    rec.recommend(PartnerRequest(text="..."), k=10, explain=True)   # -> list[Match]
    rec.similar("999988230", k=10); rec.complementary("999988230", k=10)
    rec.save(path); Recommender.load(path, encoder)

Profiles live in integer *slots*; a profile's vectors have ids ``slot << 16 | item`` where item
counts its description chunks first, then its activities. Removing a profile frees its slot's
vectors; slots are not reused, so ids stay stable for the life of an index.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from tqdm.auto import tqdm

from engine import signals
from engine.atomic import atomic_write, atomic_write_json
from engine.embed import Encoder, normalize_rows, text_key
from engine.errors import ConflictError, IndexMismatchError, NotFittedError, NotFoundError
from engine.index import VectorIndex
from engine.lexical import LexicalIndex
from engine.mentions import Mentions, name_key, place_keys, usable_acronym
from engine.network import CollaborationGraph
from engine.profiles import MAX_TEXT_CHARS, PartnerRequest, Profile
from engine.rank import (
    DEFAULT_WEIGHTS,
    PREFERENCE_FEATURES,
    Diversity,
    FusionModel,
    RankConfig,
    diversify,
    fuse,
)
from engine.requests import RequestBook, RequestMatch
from engine.sources.h2020 import Participation
from engine.taxonomy import ECOSYSTEMS, Kind, ecosystems_in_text

ITEM_BITS = 16
MAX_ITEMS = 1 << ITEM_BITS
#: Up to this many excluded vectors, a search drops them after the fact (exactly) rather than
#: building an id selector over every allowed vector.
SMALL_EXCLUSION = 2048
ECO_BIT = {eco: 1 << i for i, eco in enumerate(ECOSYSTEMS)}
ECO_LIST = list(ECOSYSTEMS)
KINDS = list(Kind)
KIND_INDEX = {k.value: i for i, k in enumerate(KINDS)}
RECENT_YEARS = 3
VOTES = 1000
CONSORTIUM_SEEDS = 10
EXPANSION = 30
#: Organisations in the places and countries a request names that join the first stage.
NAMED_POOL = 50
#: How a request can name a profile: usable acronym, name key, place keys (engine.mentions).
NameKeys = tuple[str, str, tuple[str, ...]]


@dataclass(frozen=True)
class Match:
    """One recommended profile.

    ``score`` is the fused score: the sum of ``contributions`` (feature -> weight x value,
    plus ``diversity``, a penalty <= 0, when results were diversified). ``signals`` holds
    each feature's raw value on its own scale (see :mod:`engine.rank`); ``best_items`` are
    the profile's best-matching vectors as (item index, cosine), best first.
    """

    profile: Profile
    score: float
    rank: int
    signals: dict[str, float]
    contributions: dict[str, float]
    best_items: tuple[tuple[int, float], ...] = ()
    explanation: Any = None

    @property
    def profile_id(self) -> str:
        return self.profile.id


@dataclass
class _Columns:
    """Per-slot arrays for fast filtering and scoring, rebuilt after writes."""

    alive: np.ndarray
    country: np.ndarray
    region: np.ndarray
    kind: np.ndarray
    ecosystems: np.ndarray
    sme: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    n_activities: np.ndarray
    n_recent: np.ndarray
    n_coordinated: np.ndarray
    n_history: np.ndarray
    n_vectors: np.ndarray
    as_of: int


@dataclass
class _Context:
    """What a query knows about its request, kept for scoring and explanations."""

    request: PartnerRequest
    query: np.ndarray
    sources: np.ndarray  # requester and positive-example slots (the consortium so far)
    requester: int | None
    wanted_ecosystems: np.ndarray  # 0/1 over ECOSYSTEMS
    lexical_query: sp.csr_matrix
    mentions: Mentions
    named: np.ndarray  # slots the request names (acronym or full name), sorted
    named_places: np.ndarray  # slots whose city or region the request names, sorted
    walk: np.ndarray  # network_walk of every slot: once per request, pool and expansion share it


@dataclass
class Pool:
    """First-stage candidates of one query, with their feature values (same order)."""

    slots: np.ndarray
    features: dict[str, np.ndarray]
    best_items: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.int64))
    best_sims: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))

    def best(self, i: int) -> tuple[tuple[int, float], ...]:
        """Candidate ``i``'s best vectors as (item index, cosine), best first."""
        if len(self.best_items) <= i:
            return ()
        return tuple(
            (int(j), float(v))
            for j, v in zip(self.best_items[i], self.best_sims[i], strict=True) if j >= 0
        )
    context: _Context | None = None


def vector_texts(profile: Profile) -> list[str]:
    """The texts embedded for a profile: description chunks, then each activity; a profile
    with neither is embedded by its name, so every profile has at least one vector."""
    return profile.chunks() + [a.document for a in profile.activities] or [profile.name]


def _lexical_document(profile: Profile) -> str:
    parts = [profile.name, profile.acronym, " ".join(profile.keywords), profile.description]
    parts += [a.document for a in profile.activities]
    return "\n".join(p for p in parts if p)


class Recommender:
    """Ranks profiles for partner requests. Construct, then ``fit`` or ``load``."""

    def __init__(self, encoder: Encoder, config: RankConfig | None = None):
        self.encoder = encoder
        self.config = config or RankConfig()
        self.fusion: FusionModel | None = None
        self._profiles: list[Profile | None] = []
        self._slot: dict[str, int] = {}
        self._history: list[Participation] = []
        self._index: VectorIndex | None = None
        self._lexical = LexicalIndex()
        self._columns: _Columns | None = None
        self._graph_cache: CollaborationGraph | None = None
        self._vector_project_cache: list[np.ndarray] | None = None
        self._means_cache: np.ndarray | None = None
        self._project_lexical_cache: sp.csc_matrix | None = None
        self._project_rows: dict[str, int] = {}
        self._project_store: sp.csr_matrix | None = None
        #: slot -> "activity id NUL text hash" of each activity, the keys of _project_rows
        self._activity_keys: dict[int, list[str]] = {}
        #: slot -> (usable acronym, name key, place keys): how a request can name the profile
        self._name_keys: dict[int, NameKeys] = {}
        #: name key (acronym, name key or place key) -> slots; see _name_lookup
        self._name_index: dict[str, frozenset[int]] | None = None
        self._history_counts: dict[str, int] | None = None
        self._lifts: tuple[np.ndarray, np.ndarray] | None = None
        self.requests = RequestBook(encoder)
        self.version = 0

    # ---- building -------------------------------------------------------------------
    def fit(
        self,
        profiles: Iterable[Profile],
        *,
        history: Sequence[Participation] = (),
        progress: bool = False,
    ) -> Recommender:
        """Index ``profiles`` from scratch (vectors through the encoder, its cache if any).

        ``history`` is external collaboration history (H2020 participations) for the graph;
        rows of organisations that are not profiles are dropped.
        """
        profiles = list(profiles)
        ids = [p.id for p in profiles]
        if len(set(ids)) != len(ids):
            dup = next(i for i in ids if ids.count(i) > 1)
            raise ConflictError(f"profile id {dup!r} appears more than once")
        self._profiles = list(profiles)
        self._slot = {p.id: i for i, p in enumerate(profiles)}
        self._history = [row for row in history if row.pic in self._slot]
        self._index = VectorIndex(self.encoder.dim, self.encoder.model_id)
        texts: list[str] = []
        vids: list[np.ndarray] = []
        for slot, profile in enumerate(profiles):
            items = vector_texts(profile)
            texts.extend(items)
            vids.append(self._vector_ids(slot, len(items)))
        vectors = self.encoder.encode(texts, progress=progress)
        self._index.add(np.concatenate(vids) if vids else np.zeros(0, np.int64), vectors)
        documents = [
            _lexical_document(p)
            for p in tqdm(profiles, desc="lexical", unit="org", disable=not progress)
        ]
        self._lexical = LexicalIndex().fit(documents)
        self._changed()
        return self

    def _changed(
        self,
        slots: Sequence[int] | None = None,
        before: Sequence[Profile | None] = (),
    ) -> None:
        """Bring derived data up to date after a write to ``slots`` (None: everything), whose
        profiles were ``before`` (None where new).

        Per-slot data (filter columns, mean vectors, each vector's project) is patched row by
        row, the collaboration graph is updated in the changed rows
        (``CollaborationGraph.updated``), and project texts already transformed to TF-IDF are
        kept, so a write costs a fraction of a rebuild from the profiles.
        """
        if slots is None:
            self._columns = None
            self._means_cache = None
            self._project_rows = {}
            self._project_store = None
            self._activity_keys = {}
            self._name_keys = {}
            self._name_index = None
            self._history_counts = None
            self._graph_cache = None
            self._vector_project_cache = None
        else:
            if self._columns is not None:
                self._patch_columns(slots)
            if self._means_cache is not None:
                self._patch_means(slots)
            if self._graph_cache is not None:
                changes = [(s, b, self._profiles[s]) for s, b in zip(slots, before, strict=True)]
                self._graph_cache = self._graph_cache.updated(changes, self._profiles, self._slot)
            if self._vector_project_cache is not None:
                self._patch_vector_projects(slots)
            for slot in slots:
                self._activity_keys.pop(slot, None)
            self._patch_name_lookup(slots)
        self._project_lexical_cache = None
        self._lifts = None
        self.version += 1

    @staticmethod
    def _vector_ids(slot: int, n: int) -> np.ndarray:
        if n > MAX_ITEMS:
            raise ConflictError(f"a profile may have at most {MAX_ITEMS} texts, this one has {n}")
        return (np.int64(slot) << ITEM_BITS) + np.arange(n, dtype=np.int64)

    def _slot_vector_ids(self, slots: np.ndarray) -> np.ndarray:
        """Every vector id of ``slots``, slot by slot."""
        counts = self._cols().n_vectors[slots]
        starts = np.repeat(np.cumsum(counts) - counts, counts)
        items = np.arange(int(counts.sum()), dtype=np.int64) - starts
        return np.repeat(slots.astype(np.int64) << ITEM_BITS, counts) + items

    def copy(self) -> Recommender:
        """An independent copy: a write to one never shows in the other.

        A service keeps two and writes them in turn, so that readers never wait for a write
        (see ``api/live.py``). Profiles, history, fusion weights and the lexical vocabulary
        never change in place and are shared; the vector index, slot maps and request book
        are copied; derived data (columns, graph, projections) is rebuilt on first use.
        """
        other = Recommender(self.encoder, self.config)
        other.fusion = self.fusion
        other._profiles = list(self._profiles)
        other._slot = dict(self._slot)
        other._history = self._history
        other._index = None if self._index is None else self._index.copy()
        other._lexical = self._lexical.copy()
        other._project_rows = dict(self._project_rows)
        other._project_store = self._project_store
        other._activity_keys = dict(self._activity_keys)
        other._name_keys = dict(self._name_keys)
        other._name_index = self._name_index
        other.requests = self.requests.copy()
        other.version = self.version
        return other

    def _require_index(self) -> VectorIndex:
        if self._index is None:
            raise NotFittedError("the recommender has no index; call fit() or load() first")
        return self._index

    def upsert(self, profiles: Sequence[Profile]) -> None:
        """Add new profiles or replace existing ones, without a rebuild."""
        index = self._require_index()
        ids = [p.id for p in profiles]
        if len(set(ids)) != len(ids):
            dup = next(i for i in ids if ids.count(i) > 1)
            raise ConflictError(f"profile id {dup!r} appears more than once in one upsert")
        texts: list[str] = []
        vids: list[np.ndarray] = []
        slots: list[int] = []
        before: list[Profile | None] = []
        for profile in profiles:
            slot = self._slot.get(profile.id)
            if slot is None:
                slot = len(self._profiles)
                self._profiles.append(None)
                before.append(None)
            else:
                old = self._profiles[slot]
                before.append(old)
                index.remove(self._vector_ids(slot, len(vector_texts(old))))  # type: ignore[arg-type]
            items = vector_texts(profile)
            vids.append(self._vector_ids(slot, len(items)))
            texts.extend(items)
            slots.append(slot)
        vectors = self.encoder.encode(texts)
        index.add(np.concatenate(vids) if vids else np.zeros(0, np.int64), vectors)
        self._lexical.set_rows(slots, [_lexical_document(p) for p in profiles])
        for slot, profile in zip(slots, profiles, strict=True):
            self._profiles[slot] = profile
            self._slot[profile.id] = slot
        self._changed(slots, before)

    def remove(self, profile_id: str) -> None:
        """Remove a profile; it is never recommended again."""
        index = self._require_index()
        slot = self._slot.pop(profile_id, None)
        if slot is None:
            raise NotFoundError(f"no profile with id {profile_id!r}")
        profile = self._profiles[slot]
        index.remove(self._vector_ids(slot, len(vector_texts(profile))))  # type: ignore[arg-type]
        self._lexical.clear_rows([slot])
        self._profiles[slot] = None
        self._changed([slot], [profile])

    # ---- reading --------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._slot)

    def __contains__(self, profile_id: object) -> bool:
        return profile_id in self._slot

    def get(self, profile_id: str) -> Profile:
        slot = self._slot.get(profile_id)
        if slot is None:
            raise NotFoundError(f"no profile with id {profile_id!r}")
        return self._profiles[slot]  # type: ignore[return-value]

    def profiles(self) -> Iterable[Profile]:
        return (p for p in self._profiles if p is not None)

    @property
    def n_vectors(self) -> int:
        return len(self._require_index())

    def slot_ids(self) -> list[str | None]:
        """Profile id per slot (None for removed slots), aligned with per-slot arrays."""
        return [p.id if p is not None else None for p in self._profiles]

    def activity_counts(self) -> np.ndarray:
        """Number of activities per slot (0 for removed slots)."""
        return self._cols().n_activities.copy()

    def lexical_scores(self, text: str) -> np.ndarray:
        """TF-IDF cosine of ``text`` against every slot (0 for removed slots)."""
        return self._lexical.scores(self._lexical.transform([text]))

    def fingerprint(self) -> str:
        """A hash of every indexed profile (order-independent) and the model id."""
        return data_fingerprint(self.profiles(), self.encoder.model_id)

    @property
    def weights(self) -> dict[str, float]:
        """The fusion weights in force: learned ones if a fusion model is loaded, with the
        preference features (set by users, not learnable) from the config."""
        weights = dict(self.config.weights)
        if self.fusion is not None:
            for name, value in self.fusion.weights.items():
                if name not in PREFERENCE_FEATURES:
                    weights[name] = float(value)
        return weights

    def _as_of(self) -> int:
        """The latest activity year in the index: "now" for recency signals."""
        years = [a.year for p in self._profiles if p for a in p.activities if a.year]
        return max(years) if years else date.today().year

    def _column_values(self, profile: Profile | None, as_of: int) -> tuple[Any, ...]:
        """One slot's values, in ``_Columns`` field order (``as_of`` excluded)."""
        if profile is None:
            return (False, "", "", "", 0, False, np.nan, np.nan, 0.0, 0.0, 0.0, 0.0, 0)
        if self._history_counts is None:
            counts: dict[str, int] = {}
            for row in self._history:
                counts[row.pic] = counts.get(row.pic, 0) + 1
            self._history_counts = counts
        return (
            True,
            profile.country,
            profile.region,
            profile.kind.value,
            sum(ECO_BIT[e] for e in profile.ecosystems),
            profile.sme,
            np.nan if profile.lat is None else profile.lat,
            np.nan if profile.lon is None else profile.lon,
            profile.n_activities,
            sum(1 for a in profile.activities if a.year and a.year > as_of - RECENT_YEARS),
            sum(1 for a in profile.activities if a.role == "coordinator"),
            self._history_counts.get(profile.id, 0),
            len(vector_texts(profile)),
        )

    _COLUMN_TYPES: tuple[Any, ...] = (
        bool, "<U2", "<U8", "<U12", np.int64, bool, np.float64, np.float64,
        np.float32, np.float32, np.float32, np.float32, np.int64,
    )

    def _cols(self) -> _Columns:
        if self._columns is None:
            as_of = self._as_of()
            rows = [self._column_values(p, as_of) for p in self._profiles]
            names = [f.name for f in fields(_Columns) if f.name != "as_of"]
            arrays = {
                name: np.array([row[i] for row in rows], dtype=dtype)
                for i, (name, dtype) in enumerate(zip(names, self._COLUMN_TYPES, strict=True))
            }
            self._columns = _Columns(**arrays, as_of=as_of)
        return self._columns

    def _patch_columns(self, slots: Sequence[int]) -> None:
        """Rewrite (or append) the column rows of ``slots``; a write that moves "now" (the
        latest activity year) changes every slot's recency, so it rebuilds them all."""
        cols = self._cols()
        if self._as_of() != cols.as_of:
            self._columns = None
            return
        size = len(self._profiles)
        names = [f.name for f in fields(_Columns) if f.name != "as_of"]
        empty = self._column_values(None, cols.as_of)
        values = {slot: self._column_values(self._profiles[slot], cols.as_of) for slot in slots}
        for i, name in enumerate(names):
            array = getattr(cols, name)
            if len(array) < size:
                pad = np.array([empty[i]] * (size - len(array)), dtype=array.dtype)
                array = np.concatenate([array, pad])
            for slot, row in values.items():
                array[slot] = row[i]
            setattr(cols, name, array)

    def _patch_means(self, slots: Sequence[int]) -> None:
        means = self._means_cache
        assert means is not None
        if len(means) < len(self._profiles):
            grow = np.zeros((len(self._profiles) - len(means), means.shape[1]), np.float32)
            means = np.vstack([means, grow])
        for slot in slots:
            if self._profiles[slot] is None:
                means[slot] = 0.0
            else:
                vectors = self._require_index().reconstruct(self._slot_vector_ids(np.array([slot])))
                means[slot] = normalize_rows(vectors.sum(axis=0, keepdims=True))[0]
        self._means_cache = means

    def _graph(self) -> CollaborationGraph:
        if self._graph_cache is None:
            self._graph_cache = CollaborationGraph.build(self._profiles, self._slot, self._history)
        return self._graph_cache

    def _project_lexical(self) -> sp.csc_matrix:
        """TF-IDF rows of every project text in the graph (by project column; H2020 projects
        have no text and stay empty), with the profile index's vocabulary; cached. Rows are
        kept per (project id, text) across writes, so only new texts are transformed."""
        if self._project_lexical_cache is None:
            graph = self._graph()
            keys = [""] * len(graph.projects)
            missing: dict[str, str] = {}
            for slot, profile in enumerate(self._profiles):
                if profile is None:
                    continue
                item_keys = self._activity_keys.get(slot)
                if item_keys is None:
                    item_keys = [f"{a.id}\x00{text_key(a.document)}" for a in profile.activities]
                    self._activity_keys[slot] = item_keys
                for i, (key, col) in enumerate(zip(item_keys, graph.item_projects[slot],
                                                   strict=True)):
                    if not keys[col]:
                        keys[col] = key
                        if key not in self._project_rows:
                            missing[key] = profile.activities[i].document
            if missing:
                rows = self._lexical.transform(list(missing.values()))
                start = 0 if self._project_store is None else self._project_store.shape[0]
                self._project_store = rows if self._project_store is None else sp.vstack(
                    [self._project_store, rows]).tocsr()
                self._project_rows.update({k: start + i for i, k in enumerate(missing)})
            if self._project_store is None or not keys:
                self._project_lexical_cache = sp.csc_matrix((len(keys), 1), dtype=np.float32)
            else:
                empty = self._project_store.shape[0]  # an all-zero row for text-less projects
                store = sp.vstack([self._project_store,
                                   sp.csr_matrix((1, self._project_store.shape[1]))]).tocsr()
                index = np.array([self._project_rows.get(k, empty) for k in keys])
                self._project_lexical_cache = store[index].tocsc()
        return self._project_lexical_cache

    def _lexical_best(self, context: _Context, slots: np.ndarray) -> np.ndarray:
        """Best TF-IDF cosine between the request and any one activity of each slot."""
        query = context.lexical_query
        matrix = self._project_lexical()
        if matrix.shape[0] == 0:
            return np.zeros(len(slots), dtype=np.float32)
        scores = np.asarray(matrix[:, query.indices] @ query.data).ravel()
        projects = self._vector_projects(slots)
        values = np.where(projects >= 0, scores[np.maximum(projects, 0)], 0.0)
        counts = self._cols().n_vectors[slots]
        return np.maximum.reduceat(values, np.cumsum(counts) - counts).astype(np.float32)

    def lifts(self) -> tuple[np.ndarray, np.ndarray]:
        """(ecosystem lift 14 x 14, kind lift 6 x 6) learned from the indexed consortia."""
        if self._lifts is None:
            cols = self._cols()
            incidence = self._graph().incidence
            eco = signals.bits_to_matrix(cols.ecosystems, len(ECO_LIST))
            kinds = np.zeros((len(cols.kind), len(KINDS)), dtype=np.float32)
            for i, kind in enumerate(cols.kind):
                if kind:
                    kinds[i, KIND_INDEX[kind]] = 1.0
            self._lifts = (
                signals.cooccurrence_lift(incidence, eco),
                signals.cooccurrence_lift(incidence, kinds),
            )
        return self._lifts

    # ---- ranking --------------------------------------------------------------------
    def allowed_slots(self, request: PartnerRequest) -> np.ndarray:
        """Boolean mask of slots that pass the request's hard filters."""
        cols = self._cols()
        mask = cols.alive.copy()
        if request.countries:
            mask &= np.isin(cols.country, list(request.countries))
        if request.exclude_countries:
            mask &= ~np.isin(cols.country, list(request.exclude_countries))
        if request.kinds:
            mask &= np.isin(cols.kind, [k.value for k in request.kinds])
        if request.ecosystem_filter and request.ecosystems:
            bits = sum(ECO_BIT[e] for e in request.ecosystems)
            mask &= (cols.ecosystems & bits) != 0
        if request.sme_only:
            mask &= cols.sme
        for excluded in (request.requester_id, *request.negative_ids):
            slot = self._slot.get(excluded) if excluded else None
            if slot is not None:
                mask[slot] = False
        return mask

    def encode_request(self, request: PartnerRequest) -> np.ndarray:
        return self.encoder.encode([request.document])[0]

    def _centroid(self, slots: Sequence[int]) -> np.ndarray | None:
        """Mean of the normalised mean vectors of ``slots``, or None for none."""
        if not len(slots):
            return None
        return self._profile_vectors(np.asarray(slots, dtype=np.int64)).mean(axis=0)

    def _context(self, request: PartnerRequest, query: np.ndarray | None) -> _Context:
        if query is None:
            query = self.encode_request(request)
        positives = [self._slot[i] for i in request.positive_ids if i in self._slot]
        negatives = [self._slot[i] for i in request.negative_ids if i in self._slot]
        adjusted = query.astype(np.float32)
        for slots, weight in ((positives, self.config.positive_weight),
                              (negatives, -self.config.negative_weight)):
            centroid = self._centroid(slots)
            if centroid is not None:
                adjusted = adjusted + weight * centroid
        adjusted = normalize_rows(adjusted[None, :])[0]
        requester = self._slot.get(request.requester_id) if request.requester_id else None
        sources = np.array(
            ([requester] if requester is not None else []) + positives, dtype=np.int64
        )
        wanted = set(request.ecosystems) or ecosystems_in_text(request.document)
        if requester is not None and not request.ecosystems:
            wanted |= set(self._profiles[requester].ecosystems)  # type: ignore[union-attr]
        wanted_vector = np.array([1.0 if e in wanted else 0.0 for e in ECO_LIST], np.float32)
        mentions = Mentions.of(request.document)
        named, named_places = self._named_slots(mentions)
        return _Context(
            request=request,
            query=adjusted,
            sources=sources,
            requester=requester,
            wanted_ecosystems=wanted_vector,
            lexical_query=self._lexical.transform([request.document]),
            mentions=mentions,
            named=named,
            named_places=named_places,
            walk=signals.walk_score(self._graph().walk(sources)),
        )

    def pool(
        self,
        request: PartnerRequest,
        query: np.ndarray | None = None,
        k: int = 0,
        mask: np.ndarray | None = None,
    ) -> Pool:
        """First-stage candidates (dense top, lexical top, what the request names, the
        consortium's network), filtered, with all their features."""
        if mask is None:
            mask = self.allowed_slots(request)
        context = self._context(request, query)
        if not mask.any():
            return Pool(slots=np.zeros(0, np.int64), features={}, context=context)
        size = max(self.config.pool_size, k)
        dense_top = self._dense_top(context.query, mask, size)
        lexical_all = self._lexical.scores(context.lexical_query)
        lexical_all = np.where(mask, lexical_all, -1.0)
        lex_top = np.argpartition(-lexical_all, min(size, len(lexical_all) - 1))[:size]
        lex_top = lex_top[lexical_all[lex_top] > 0]
        parts = [dense_top, lex_top, self._named_top(context, mask, lexical_all)]
        for source in context.sources:
            partners = self._graph().partners(int(source), size)
            parts.append(partners[mask[partners]])
        slots = np.unique(np.concatenate(parts)).astype(np.int64)
        features, best_items, best_sims = self._score(context, slots, lexical_all)
        # Consortia are cliques of repeat partners: the best candidates of a first pass with
        # the fixed hand-set weights seed the pool with their own past partners.
        first, _ = fuse(features, DEFAULT_WEIGHTS)
        seeds = slots[np.argsort(-first, kind="stable")[:CONSORTIUM_SEEDS]]
        graph = self._graph()
        extra = np.concatenate([graph.partners(int(s), EXPANSION) for s in seeds])
        extra = np.setdiff1d(extra[mask[extra]], slots)
        if len(extra):
            more, more_items, more_sims = self._score(context, extra, lexical_all)
            slots = np.concatenate([slots, extra])
            features = {f: np.concatenate([features[f], more[f]]) for f in features}
            best_items = np.vstack([best_items, more_items])
            best_sims = np.vstack([best_sims, more_sims])
        shared = np.asarray(graph.co[seeds][:, slots].sum(axis=0)).ravel()
        features["consortium"] = np.log1p(shared).astype(np.float32)
        return Pool(slots=slots, features=features, best_items=best_items, best_sims=best_sims,
                    context=context)

    def _score(
        self, context: _Context, slots: np.ndarray, lexical_all: np.ndarray
    ) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
        """Every feature except ``consortium`` for ``slots``, plus their best items."""
        dense, means, best_items, best_sims = self._dense_scores(
            context.query, slots, context.sources
        )
        features = self._features(context, slots, dense, means, lexical_all[slots])
        features["lexical_best"] = self._lexical_best(context, slots)
        return features, best_items, best_sims

    def _dense_top(self, query: np.ndarray, mask: np.ndarray, size: int) -> np.ndarray:
        """The ``size`` allowed slots with the best vectors (search inside faiss).

        A filter is applied with an id selector; when it removes only a handful of vectors
        (the requester, negative examples) it is cheaper, and still exact, to search that many
        more results and drop them.
        """
        index = self._require_index()
        cols = self._cols()
        excluded = np.flatnonzero(cols.alive & ~mask)
        allowed_vids = None
        extra = len(excluded)
        if int(cols.n_vectors[excluded].sum()) > SMALL_EXCLUSION:
            allowed_vids = self._slot_vector_ids(np.flatnonzero(mask))
            extra = 0
        k_vectors = (size + extra) * 4
        while True:
            scores, vids = index.search(query, k_vectors, allowed_vids)
            vids = vids[0][vids[0] >= 0]
            dense_slots = vids >> ITEM_BITS
            if len(np.unique(dense_slots)) >= size + extra or len(vids) < k_vectors:
                break
            k_vectors *= 4
        dense_slots = dense_slots[mask[dense_slots]]
        _, first = np.unique(dense_slots, return_index=True)  # first hit = best vector
        return dense_slots[np.sort(first)[:size]]

    def _features(
        self,
        context: _Context,
        slots: np.ndarray,
        dense: dict[str, np.ndarray],
        means: np.ndarray,
        lexical: np.ndarray,
    ) -> dict[str, np.ndarray]:
        cols = self._cols()
        graph = self._graph()
        eco_lift, kind_lift = self.lifts()
        requester = context.requester
        home = self._profiles[requester] if requester is not None else None
        candidate_eco = signals.bits_to_matrix(cols.ecosystems[slots], len(ECO_LIST))
        covered = {self._profiles[int(s)].country for s in context.sources}  # type: ignore[union-attr]
        covered.discard("")
        abroad = (
            (cols.country[slots] != home.country) & (cols.country[slots] != "")
            if home is not None and home.country
            else np.zeros(len(slots), dtype=bool)
        )
        kinds = np.array([KIND_INDEX[k] for k in cols.kind[slots]], dtype=np.int64)
        requester_affinity = np.zeros(len(slots), dtype=np.float32)
        if context.requester is not None:
            own = self._profile_vectors(np.array([context.requester]))[0]
            requester_affinity = (means @ own).astype(np.float32)
        lexical = np.maximum(lexical, 0.0).astype(np.float32)
        direct = graph.direct(context.sources, slots)
        return {
            **dense,
            "lexical": lexical,
            "lexical_log": np.log1p(100.0 * lexical).astype(np.float32),
            "requester_affinity": requester_affinity,
            "eco_shared": signals.shared_share(context.wanted_ecosystems, candidate_eco),
            "eco_complementary": signals.complementarity(
                context.wanted_ecosystems, candidate_eco, eco_lift
            ),
            "same_country": signals.same_value(home.country if home else "", cols.country[slots]),
            "same_region": signals.same_value(home.region if home else "", cols.region[slots]),
            "proximity": signals.proximity(
                home.lat if home else None, home.lon if home else None,
                cols.lat[slots], cols.lon[slots], self.config.proximity_km,
            ),
            "new_country": signals.new_country(covered, cols.country[slots]),
            "cross_border": (context.request.cross_border * abroad).astype(np.float32),
            "network_direct": signals.log_count(direct),
            "network_recent": signals.log_count(
                graph.recent(context.sources, slots, cols.as_of - RECENT_YEARS + 1)
            ),
            "network_share": (
                direct / max(float(graph.degree(context.sources).sum()), 1.0)
            ).astype(np.float32),
            "network_indirect": signals.log_count(graph.indirect(context.sources, slots)),
            "network_walk": context.walk[slots],
            "experience": signals.damped_count(
                cols.n_activities[slots], self.config.experience_ref
            ),
            "recency": signals.log_count(cols.n_recent[slots]),
            "coordination": signals.log_count(cols.n_coordinated[slots]),
            "history": signals.log_count(cols.n_history[slots]),
            "kind_affinity": signals.kind_affinity(
                KIND_INDEX[home.kind.value] if home else None, kinds, kind_lift
            ),
            "named": np.isin(slots, context.named).astype(np.float32),
            "named_place": np.isin(slots, context.named_places).astype(np.float32),
            "named_country": signals.in_values(context.mentions.countries, cols.country[slots]),
        }

    def _named_slots(self, mentions: Mentions) -> tuple[np.ndarray, np.ndarray]:
        """(slots the request names by acronym or full name, slots whose place it names),
        sorted, from the name lookup: the same matches as ``named``, for every slot at once."""
        lookup = self._name_lookup()
        organisations: set[int] = set()
        places: set[int] = set()
        for gram in mentions.exact:
            organisations |= lookup.get(f"acronym:{gram}", frozenset())
        for gram in mentions.folded:
            organisations |= lookup.get(f"name:{gram}", frozenset())
            places |= lookup.get(f"place:{gram}", frozenset())
        return (np.array(sorted(organisations), dtype=np.int64),
                np.array(sorted(places), dtype=np.int64))

    def _named_top(
        self, context: _Context, mask: np.ndarray, lexical_all: np.ndarray
    ) -> np.ndarray:
        """First-stage candidates the request names: every named organisation, and the
        ``NAMED_POOL`` lexically best organisations in the named places and countries (a
        city like Paris holds hundreds)."""
        cols = self._cols()
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

    def _name_lookup(self) -> dict[str, frozenset[int]]:
        """Slots by "acronym:" + usable acronym (as written), "name:" + name key and
        "place:" + place key. Built once, then patched by writes (``_patch_name_lookup``)."""
        if self._name_index is None:
            lookup: dict[str, set[int]] = {}
            for slot in np.flatnonzero(self._cols().alive).tolist():
                for key in _lookup_keys(self._keys(slot)):
                    lookup.setdefault(key, set()).add(slot)
            self._name_index = {key: frozenset(found) for key, found in lookup.items()}
        return self._name_index

    def _patch_name_lookup(self, slots: Sequence[int]) -> None:
        """Move written ``slots`` to their new keys. The lookup is copied, not changed in
        place, as a copy of the recommender may share it."""
        old = {slot: self._name_keys.pop(slot, None) for slot in slots}
        if self._name_index is None:
            return
        lookup = dict(self._name_index)
        for slot, keys in old.items():
            for key in _lookup_keys(keys) if keys is not None else ():
                lookup[key] = lookup[key] - {slot}
                if not lookup[key]:
                    del lookup[key]
            if self._profiles[slot] is not None:
                for key in _lookup_keys(self._keys(slot)):
                    lookup[key] = lookup.get(key, frozenset()) | {slot}
        self._name_index = lookup

    def _keys(self, slot: int) -> NameKeys:
        """How a request can name the profile in ``slot``: usable acronym, name key, places."""
        keys = self._name_keys.get(slot)
        if keys is None:
            profile = self._profiles[slot]
            assert profile is not None
            keys = (
                usable_acronym(profile.acronym, self._lexical.common_word),
                name_key(profile.name),
                place_keys(profile.city, profile.region_name),
            )
            self._name_keys[slot] = keys
        return keys

    def named(self, mentions: Mentions, slots: np.ndarray) -> list[tuple[str, str]]:
        """For each of ``slots``, how the request names the organisation (its acronym or
        name) and its place (the place key), "" if not: see :mod:`engine.mentions`. The
        words behind a match, for explanations; ranking reads the matches from the lookup
        (``_named_slots``)."""
        out = []
        for slot in slots.tolist():
            acronym, name, places = self._keys(slot)
            said = mentions.organisation(acronym, name)
            if said and said == name:
                said = self._profiles[slot].name  # type: ignore[union-attr]
            out.append((said, mentions.place(places)))
        return out

    def _dense_scores(
        self, query: np.ndarray, slots: np.ndarray, sources: np.ndarray, top: int = 3
    ) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray, np.ndarray]:
        """Dense features of ``slots`` from all their vectors against the query, the slots'
        mean vectors, and each slot's best ``top`` items (index, -1 if none) and cosines.

        ``dense`` is the max-sim; ``dense_top3`` the mean of the best three (missing ones
        count 0); ``dense_votes`` is log1p of how many of the pool's ``VOTES`` best vectors
        belong to the slot (several close activities, not one). ``network_topic`` is the
        best similarity among the projects the slot shared with ``sources`` (the requester
        and positive examples): past partners on *this* topic.
        """
        counts = self._cols().n_vectors[slots]
        sims = self._require_index().similarities(query, self._slot_vector_ids(slots))
        starts = np.cumsum(counts) - counts
        groups = np.repeat(np.arange(len(slots)), counts)
        means = self._mean_vectors()[slots]
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
        dense = item_sims[:, 0].copy()
        top3 = np.where(items >= 0, np.maximum(item_sims, 0.0), 0.0).sum(axis=1) / top
        votes = np.zeros(len(slots), dtype=np.float32)
        if len(sims):
            cut = max(len(sims) - VOTES, 0)
            threshold = np.partition(sims, cut)[cut]
            votes = np.bincount(groups[sims >= threshold], minlength=len(slots))
        features = {
            "dense": dense.astype(np.float32),
            "dense_top3": top3.astype(np.float32),
            "dense_votes": np.log1p(votes).astype(np.float32),
        }
        topic = np.zeros(len(slots), dtype=np.float32)
        if len(sources) and len(sims):
            # best similarity among the projects each slot shared with the consortium
            shared = self._graph().projects_of(sources)
            hit = np.isin(self._vector_projects(slots), shared)
            topic = np.maximum.reduceat(np.where(hit, np.maximum(sims, 0.0), 0.0), starts)
        features["network_topic"] = topic.astype(np.float32)
        return features, means, items, item_sims

    def rank_pool(
        self,
        pool: Pool,
        k: int,
        *,
        weights: dict[str, float] | None = None,
        diversity: Diversity | None = None,
        explain: bool = False,
    ) -> list[Match]:
        """Fuse a pool's features and return the top ``k`` as matches, best first."""
        if len(pool.slots) == 0:
            return []
        scores, contributions = fuse(pool.features, weights or self.weights)
        order = np.lexsort((pool.slots, -scores))
        penalties = np.zeros(min(k, len(order)))
        if diversity is not None and diversity.active:
            head = order[: max(k * 10, 100)]
            cols = self._cols()
            vectors = self._profile_vectors(pool.slots[head])
            chosen, penalties = diversify(
                scores[head], vectors, cols.country[pool.slots[head]],
                cols.kind[pool.slots[head]], k, diversity,
            )
            order = head[chosen]
        else:
            order = order[:k]
        matches = []
        for rank, (i, penalty) in enumerate(zip(order, penalties, strict=True), start=1):
            slot = int(pool.slots[i])
            parts = {name: float(v[i]) for name, v in contributions.items()}
            if penalty > 0:
                parts["diversity"] = -float(penalty)
            match = Match(
                profile=self._profiles[slot],  # type: ignore[arg-type]
                score=float(scores[i] - penalty),
                rank=rank,
                signals={name: float(v[i]) for name, v in pool.features.items()},
                contributions=parts,
                best_items=pool.best(int(i)),
            )
            if explain and pool.context is not None:
                from engine.explain import explain_match

                match = replace(match, explanation=explain_match(self, pool.context, match))
            matches.append(match)
        return matches

    def _profile_vectors(self, slots: np.ndarray) -> np.ndarray:
        """One unit vector per slot: the normalised mean of its vectors."""
        return self._mean_vectors()[np.asarray(slots, dtype=np.int64)]

    def _mean_vectors(self) -> np.ndarray:
        """Normalised mean vector of every slot (zero rows for removed slots), cached."""
        if self._means_cache is None:
            cols = self._cols()
            alive = np.flatnonzero(cols.alive)
            means = np.zeros((len(self._profiles), self.encoder.dim), dtype=np.float32)
            if len(alive):
                vectors = self._require_index().reconstruct(self._slot_vector_ids(alive))
                counts = cols.n_vectors[alive]
                means[alive] = normalize_rows(
                    np.add.reduceat(vectors, np.cumsum(counts) - counts, axis=0)
                )
            self._means_cache = means
        return self._means_cache

    def _vector_projects(self, slots: np.ndarray) -> np.ndarray:
        """The graph's project column behind each vector of ``slots`` (-1 for description
        chunks), aligned with ``_slot_vector_ids(slots)``."""
        if self._vector_project_cache is None:
            self._vector_project_cache = [
                self._slot_vector_projects(s) for s in range(len(self._profiles))
            ]
        cache = self._vector_project_cache
        return np.concatenate([cache[int(s)] for s in slots])

    def _slot_vector_projects(self, slot: int) -> np.ndarray:
        cols = self._cols()
        return np.concatenate([
            np.full(int(cols.n_vectors[slot] - cols.n_activities[slot]), -1, np.int64),
            self._graph().item_projects[slot],
        ])

    def _patch_vector_projects(self, slots: Sequence[int]) -> None:
        cache = self._vector_project_cache
        assert cache is not None
        cache += [np.zeros(0, np.int64)] * (len(self._profiles) - len(cache))
        for slot in slots:
            cache[slot] = self._slot_vector_projects(slot)

    def recommend(
        self,
        request: PartnerRequest,
        k: int = 10,
        *,
        explain: bool = False,
        diversity: Diversity | None = None,
    ) -> list[Match]:
        """The ``k`` best profiles for ``request`` (fewer only if fewer pass the filters)."""
        if k < 1:
            raise ValueError("k must be at least 1")
        return self.rank_pool(self.pool(request, k=k), k, explain=explain, diversity=diversity)

    def profile_request(self, profile_id: str, **overrides: Any) -> PartnerRequest:
        """A profile seen as a request: its description and activities as text, itself as
        the requester (so it is never its own result)."""
        profile = self.get(profile_id)
        text = "\n".join(vector_texts(profile)[:20])[:MAX_TEXT_CHARS]
        return PartnerRequest(
            **{"text": text, "title": profile.name, "requester_id": profile.id, **overrides}
        )

    def similar(
        self, profile_id: str, k: int = 10, *, explain: bool = False, **filters: Any
    ) -> list[Match]:
        """Profiles most like ``profile_id`` (which is excluded): its mean vector as query,
        its own text as the lexical query, ranked with the fusion weights."""
        request = self.profile_request(profile_id, **filters)
        query = self._profile_vectors(np.array([self._slot[profile_id]]))[0]
        return self.rank_pool(self.pool(request, query, k), k, explain=explain)

    def complementary(
        self, profile_id: str, k: int = 10, *, explain: bool = False, **filters: Any
    ) -> list[Match]:
        """Partners in *other* ecosystems of the same value chain: candidates must bring an
        ecosystem the profile lacks; ecosystems that co-occur with the profile's own in past
        consortia (complementarity) are boosted, shared ones are not rewarded."""
        profile = self.get(profile_id)
        request = self.profile_request(profile_id, ecosystems=profile.ecosystems, **filters)
        query = self._profile_vectors(np.array([self._slot[profile_id]]))[0]
        mask = self.allowed_slots(request)
        own = sum(ECO_BIT[e] for e in profile.ecosystems)
        mask &= (self._cols().ecosystems & ~own) != 0
        weights = {**self.weights, "eco_shared": 0.0}
        weights["eco_complementary"] = max(weights["eco_complementary"], 0.0) + 1.0
        pool = self.pool(request, query, k, mask=mask)
        return self.rank_pool(pool, k, weights=weights, explain=explain)

    # ---- partner requests -----------------------------------------------------------
    def add_requests(self, items: Sequence[tuple[str, PartnerRequest, date | None]]) -> None:
        """Store open partner requests (id, request, expiry date or None)."""
        self.requests.add(items)

    def remove_request(self, request_id: str) -> None:
        self.requests.remove(request_id)

    def requests_for_profile(
        self, profile_id: str, k: int = 10, today: date | None = None
    ) -> list[RequestMatch]:
        """Open requests that this profile could answer ("opportunities for my cluster"):
        its best vector against each request, among requests whose filters it passes."""
        profile = self.get(profile_id)
        slot = self._slot[profile_id]
        vectors = self._require_index().reconstruct(self._slot_vector_ids(np.array([slot])))
        return self.requests.for_profile(profile, vectors, k, today)

    def requests_for_request(
        self,
        request: PartnerRequest,
        k: int = 10,
        today: date | None = None,
        exclude_id: str | None = None,
    ) -> list[RequestMatch]:
        """Open requests that fit this one, with a reciprocal score where both have a
        requester: how well each requester fits the other's request (harmonic mean)."""
        requester_vectors = self._requester_vectors()
        return self.requests.for_request(
            request, self.encode_request(request), k, today, exclude_id, requester_vectors
        )

    def _requester_vectors(self):  # type: ignore[no-untyped-def]
        def lookup(profile_id: str | None) -> np.ndarray | None:
            slot = self._slot.get(profile_id) if profile_id else None
            if slot is None:
                return None
            return self._require_index().reconstruct(self._slot_vector_ids(np.array([slot])))

        return lookup

    # ---- persistence ----------------------------------------------------------------
    def save(self, folder: str | Path) -> None:
        """Write the index folder: profiles, history, lexical index, config, fusion model,
        vectors, then the manifest (last, so a crash mid-save leaves no new manifest)."""
        folder = Path(folder)
        index = self._require_index()
        folder.mkdir(parents=True, exist_ok=True)
        slots = [
            {"slot": slot, **p.to_dict()} for slot, p in enumerate(self._profiles) if p is not None
        ]
        blob = "\n".join(json.dumps(s, ensure_ascii=False) for s in slots).encode("utf-8")
        atomic_write(folder / "profiles.jsonl", lambda handle: handle.write(blob))
        history = [[r.project, r.pic, r.role, r.year] for r in self._history]
        atomic_write_json(folder / "history.json", history)
        atomic_write_json(folder / "config.json", self.config.to_dict())
        if self.fusion is not None:
            self.fusion.save(folder / "fusion.json")
        elif (folder / "fusion.json").exists():
            (folder / "fusion.json").unlink()
        self._lexical.save(folder)
        index.save(
            folder,
            fingerprint=self.fingerprint(),
            extra={
                "profiles": len(self),
                "slots": len(self._profiles),
                "created": datetime.now(UTC).isoformat(timespec="seconds"),
                "profiles_sha256": hashlib.sha256(blob).hexdigest(),
            },
        )

    @classmethod
    def load(
        cls, folder: str | Path, encoder: Encoder, config: RankConfig | None = None
    ) -> Recommender:
        """Read an index folder written by ``save``, checking model, dimension and data."""
        folder = Path(folder)
        index, manifest = VectorIndex.load(folder, model_id=encoder.model_id, dim=encoder.dim)
        blob = (folder / "profiles.jsonl").read_bytes()
        if hashlib.sha256(blob).hexdigest() != manifest.get("profiles_sha256"):
            raise IndexMismatchError(
                f"{folder / 'profiles.jsonl'} does not match the manifest; rebuild the index"
            )
        if config is None:
            config = RankConfig.from_dict(json.loads((folder / "config.json").read_text()))
        rec = cls(encoder, config)
        rec._profiles = [None] * int(manifest["slots"])
        for line in blob.decode("utf-8").split("\n"):
            if not line:
                continue
            data = json.loads(line)
            slot = data.pop("slot")
            profile = Profile.from_dict(data)
            rec._profiles[slot] = profile
            rec._slot[profile.id] = slot
        history_file = folder / "history.json"
        if history_file.is_file():
            rec._history = [
                Participation(project=p, pic=o, role=r, year=y)
                for p, o, r, y in json.loads(history_file.read_text())
            ]
        if (folder / "fusion.json").is_file():
            rec.fusion = FusionModel.load(folder / "fusion.json")
        rec._index = index
        rec._lexical = LexicalIndex.load(folder)
        return rec


def data_fingerprint(profiles: Iterable[Profile], model_id: str) -> str:
    """Order-independent hash of profiles' content and the model that embeds them."""
    digest = hashlib.sha256(model_id.encode())
    for fp in sorted(p.fingerprint() for p in profiles):
        digest.update(fp.encode())
    return digest.hexdigest()[:20]


def _lookup_keys(keys: NameKeys) -> list[str]:
    """The entries of the name lookup for one profile's name keys."""
    acronym, name, places = keys
    out = [f"acronym:{acronym}"] if acronym else []
    if name:
        out.append(f"name:{name}")
    return out + [f"place:{place}" for place in places]
