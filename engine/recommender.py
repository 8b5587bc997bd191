"""``Recommender``: the front object. It composes profiles, an encoder, the vector index, the
lexical index and the ranking functions, and persists them as one folder.

    rec = Recommender(encoder).fit(profiles)
    rec.recommend(PartnerRequest(text="..."), k=10)   # -> list[Match]
    rec.similar("999988230", k=10)
    rec.save(path); Recommender.load(path, encoder)

Profiles live in integer *slots*; a profile's vectors have ids ``slot << 16 | item`` where item
counts its description chunks first, then its activities. Removing a profile frees its slot's
vectors; slots are not reused, so ids stay stable for the life of an index.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from engine.atomic import atomic_write, atomic_write_json
from engine.embed import Encoder
from engine.errors import ConflictError, IndexMismatchError, NotFittedError, NotFoundError
from engine.index import VectorIndex
from engine.lexical import LexicalIndex
from engine.profiles import PartnerRequest, Profile
from engine.rank import RankConfig, experience, fuse, max_by_group
from engine.taxonomy import ECOSYSTEMS

ITEM_BITS = 16
MAX_ITEMS = 1 << ITEM_BITS
_ECO_BIT = {eco: 1 << i for i, eco in enumerate(ECOSYSTEMS)}


@dataclass(frozen=True)
class Match:
    """One recommended profile.

    ``score`` is the fused score (the sum of ``contributions``); ``signals`` holds each
    signal's raw value on its own scale (see :mod:`engine.rank`); ``best_items`` are the
    profile's best-matching vectors as (item index, cosine), best first.
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
    kind: np.ndarray
    ecosystems: np.ndarray
    sme: np.ndarray
    n_activities: np.ndarray
    n_vectors: np.ndarray


@dataclass
class Pool:
    """First-stage candidates of one query, with their signal values (same order)."""

    slots: np.ndarray
    features: dict[str, np.ndarray]
    best_items: list[tuple[tuple[int, float], ...]] = field(default_factory=list)


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
        self._profiles: list[Profile | None] = []
        self._slot: dict[str, int] = {}
        self._index: VectorIndex | None = None
        self._lexical = LexicalIndex()
        self._columns: _Columns | None = None
        self.version = 0

    # ---- building -------------------------------------------------------------------
    def fit(self, profiles: Iterable[Profile], *, progress: bool = False) -> Recommender:
        """Index ``profiles`` from scratch (vectors through the encoder, its cache if any)."""
        profiles = list(profiles)
        ids = [p.id for p in profiles]
        if len(set(ids)) != len(ids):
            dup = next(i for i in ids if ids.count(i) > 1)
            raise ConflictError(f"profile id {dup!r} appears more than once")
        self._profiles = list(profiles)
        self._slot = {p.id: i for i, p in enumerate(profiles)}
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
        self._columns = None
        self.version += 1
        return self

    @staticmethod
    def _vector_ids(slot: int, n: int) -> np.ndarray:
        if n > MAX_ITEMS:
            raise ConflictError(f"a profile may have at most {MAX_ITEMS} texts, this one has {n}")
        return (np.int64(slot) << ITEM_BITS) + np.arange(n, dtype=np.int64)

    def _require_index(self) -> VectorIndex:
        if self._index is None:
            raise NotFittedError("the recommender has no index; call fit() or load() first")
        return self._index

    def upsert(self, profiles: Sequence[Profile]) -> None:
        """Add new profiles or replace existing ones, without a rebuild."""
        index = self._require_index()
        texts: list[str] = []
        vids: list[np.ndarray] = []
        slots: list[int] = []
        for profile in profiles:
            slot = self._slot.get(profile.id)
            if slot is None:
                slot = len(self._profiles)
                self._profiles.append(None)
            else:
                old = self._profiles[slot]
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
        self._columns = None
        self.version += 1

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
        self._columns = None
        self.version += 1

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

    def _cols(self) -> _Columns:
        if self._columns is None:
            n = len(self._profiles)
            alive = np.array([p is not None for p in self._profiles], dtype=bool)
            placeholder = [p if p is not None else None for p in self._profiles]

            def col(fn, dtype):  # type: ignore[no-untyped-def]
                return np.array([fn(p) if p else dtype() for p in placeholder], dtype=dtype)

            self._columns = _Columns(
                alive=alive if n else np.zeros(0, bool),
                country=np.array([p.country if p else "" for p in placeholder], dtype="<U2"),
                kind=np.array([p.kind.value if p else "" for p in placeholder], dtype="<U12"),
                ecosystems=col(lambda p: sum(_ECO_BIT[e] for e in p.ecosystems), np.int64),
                sme=col(lambda p: p.sme, bool),
                n_activities=col(lambda p: p.n_activities, np.float32),
                n_vectors=col(lambda p: len(vector_texts(p)), np.int64),
            )
        return self._columns

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
            bits = sum(_ECO_BIT[e] for e in request.ecosystems)
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

    def pool(
        self, request: PartnerRequest, query: np.ndarray | None = None, k: int = 0
    ) -> Pool:
        """First-stage candidates (dense top + lexical top, filtered) with their signals."""
        index = self._require_index()
        cols = self._cols()
        mask = self.allowed_slots(request)
        n_allowed = int(mask.sum())
        if n_allowed == 0:
            return Pool(slots=np.zeros(0, np.int64), features={})
        if query is None:
            query = self.encode_request(request)
        size = max(self.config.pool_size, k)
        # Dense: search vectors, restricted inside faiss when any filter removes a slot.
        allowed_vids = None
        if n_allowed < int(cols.alive.sum()):
            allowed = np.flatnonzero(mask)
            allowed_vids = np.concatenate(
                [self._vector_ids(int(s), int(cols.n_vectors[s])) for s in allowed]
            )
        k_vectors = size * 4
        while True:
            scores, vids = index.search(query, k_vectors, allowed_vids)
            scores, vids = scores[0], vids[0]
            keep = vids >= 0
            scores, vids = scores[keep], vids[keep]
            dense_slots = vids >> ITEM_BITS
            distinct = np.unique(dense_slots)
            exhausted = len(vids) < k_vectors
            if len(distinct) >= size or exhausted:
                break
            k_vectors *= 4
        # first occurrence of each slot is its best vector (scores are sorted)
        _, first = np.unique(dense_slots, return_index=True)
        first = np.sort(first)[:size]
        dense_top = dense_slots[first]
        # Lexical: cosine against every slot, best allowed ones.
        lexical_all = self._lexical.scores(self._lexical.transform([request.document]))
        lexical_all = np.where(mask, lexical_all, -1.0)
        lex_top = np.argpartition(-lexical_all, min(size, len(lexical_all) - 1))[:size]
        lex_top = lex_top[lexical_all[lex_top] > 0]
        slots = np.unique(np.concatenate([dense_top, lex_top])).astype(np.int64)
        dense, best_items = self._dense_scores(query, slots)
        features = {
            "dense": dense,
            "lexical": np.maximum(lexical_all[slots], 0.0).astype(np.float32),
            "experience": experience(cols.n_activities[slots], self.config.experience_ref),
        }
        return Pool(slots=slots, features=features, best_items=best_items)

    def _dense_scores(
        self, query: np.ndarray, slots: np.ndarray, top: int = 3
    ) -> tuple[np.ndarray, list[tuple[tuple[int, float], ...]]]:
        """Exact max-sim of each slot's vectors against the query, and its best items."""
        cols = self._cols()
        counts = cols.n_vectors[slots]
        vids = np.concatenate([self._vector_ids(int(s), int(c)) for s, c in zip(slots, counts)])
        sims = self._require_index().reconstruct(vids) @ query.astype(np.float32)
        group = np.repeat(np.arange(len(slots)), counts)
        dense = max_by_group(sims, group, len(slots))
        dense[~np.isfinite(dense)] = 0.0
        best: list[tuple[tuple[int, float], ...]] = []
        offsets = np.concatenate([[0], np.cumsum(counts)])
        for i in range(len(slots)):
            part = sims[offsets[i] : offsets[i + 1]]
            order = np.argsort(-part)[:top]
            best.append(tuple((int(j), float(part[j])) for j in order))
        return dense, best

    def rank_pool(self, pool: Pool, k: int) -> list[Match]:
        """Fuse a pool's signals and return the top ``k`` as matches, best first."""
        if len(pool.slots) == 0:
            return []
        scores, contributions = fuse(pool.features, self.config.weights)
        order = np.lexsort((pool.slots, -scores))[:k]
        matches = []
        for rank, i in enumerate(order, start=1):
            slot = int(pool.slots[i])
            matches.append(
                Match(
                    profile=self._profiles[slot],  # type: ignore[arg-type]
                    score=float(scores[i]),
                    rank=rank,
                    signals={name: float(v[i]) for name, v in pool.features.items()},
                    contributions={name: float(v[i]) for name, v in contributions.items()},
                    best_items=pool.best_items[i] if pool.best_items else (),
                )
            )
        return matches

    def recommend(self, request: PartnerRequest, k: int = 10) -> list[Match]:
        """The ``k`` best profiles for ``request`` (fewer only if fewer pass the filters)."""
        if k < 1:
            raise ValueError("k must be at least 1")
        return self.rank_pool(self.pool(request, k=k), k)

    def similar(self, profile_id: str, k: int = 10, **filters: Any) -> list[Match]:
        """Profiles most like ``profile_id`` (which is excluded), as for a request made of
        its own description and activities."""
        profile = self.get(profile_id)
        text = "\n".join(vector_texts(profile)[:20]) or profile.name
        request = PartnerRequest(text=text, title=profile.name, requester_id=profile.id, **filters)
        slot = self._slot[profile_id]
        vectors = self._require_index().reconstruct(
            self._vector_ids(slot, int(self._cols().n_vectors[slot]))
        )
        query = vectors.mean(axis=0) if len(vectors) else self.encode_request(request)
        query = query / max(float(np.linalg.norm(query)), 1e-12)
        return self.rank_pool(self.pool(request, query.astype(np.float32), k), k)

    # ---- persistence ----------------------------------------------------------------
    def save(self, folder: str | Path) -> None:
        """Write the index folder: profiles, lexical index, vectors, config, then manifest.

        The manifest goes last (inside ``VectorIndex.save``), so a crash mid-save leaves a
        folder whose manifest still describes the previous complete state or none.
        """
        folder = Path(folder)
        index = self._require_index()
        folder.mkdir(parents=True, exist_ok=True)
        slots = [
            {"slot": slot, **p.to_dict()} for slot, p in enumerate(self._profiles) if p is not None
        ]
        blob = "\n".join(json.dumps(s, ensure_ascii=False) for s in slots).encode("utf-8")
        atomic_write(folder / "profiles.jsonl", lambda handle: handle.write(blob))
        atomic_write_json(folder / "config.json", self.config.to_dict())
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
        for line in blob.decode("utf-8").splitlines():
            data = json.loads(line)
            slot = data.pop("slot")
            profile = Profile.from_dict(data)
            rec._profiles[slot] = profile
            rec._slot[profile.id] = slot
        rec._index = index
        rec._lexical = LexicalIndex.load(folder)
        return rec


def data_fingerprint(profiles: Iterable[Profile], model_id: str) -> str:
    """Order-independent hash of profiles' content and the model that embeds them."""
    digest = hashlib.sha256(model_id.encode())
    for fp in sorted(p.fingerprint() for p in profiles):
        digest.update(fp.encode())
    return digest.hexdigest()[:20]
