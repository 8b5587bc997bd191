"""``Corpus``: what is stored. Profiles by integer *slot*, their vectors in the FAISS index,
their TF-IDF rows, and the external collaboration history.

A profile's vectors have ids ``slot << 16 | item``, where item counts its description chunks
first, then its activities (:func:`vector_texts`). Removing a profile frees its slot's vectors;
slots are not reused, so ids stay stable for the life of an index. Everything derived from the
corpus (columns, graph, name index, ...) lives in :class:`engine.derived.Derived`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from engine.errors import ConflictError, NotFittedError, NotFoundError
from engine.index import VectorIndex
from engine.lexical import LexicalIndex
from engine.profiles import Profile
from engine.sources.h2020 import Participation

ITEM_BITS = 16
MAX_ITEMS = 1 << ITEM_BITS
#: profiles embedded and added at a time by ``Corpus.build``: the bundled corpus (20k) is one
#: part; at a million profiles all their vectors at once would be 11 GiB of float32
BUILD_CHUNK = 50_000


def vector_texts(profile: Profile) -> list[str]:
    """The texts embedded for a profile: description chunks, then each activity; a profile
    with neither is embedded by its name, so every profile has at least one vector."""
    return profile.chunks() + [a.document for a in profile.activities] or [profile.name]


def multilingual_texts(profile: Profile) -> list[str]:
    """The texts the multilingual encoder embeds, item for item as :func:`vector_texts`
    (same count, so the same vector ids): description chunks, then each activity's title
    (short texts: the multilingual model is slow on long ones)."""
    titles = [a.title or a.document[:300] for a in profile.activities]
    return profile.chunks() + titles or [profile.name]


def lexical_document(profile: Profile) -> str:
    """The text of a profile's TF-IDF row: name, acronym, keywords, description, activities."""
    parts = [profile.name, profile.acronym, " ".join(profile.keywords), profile.description]
    parts += [a.document for a in profile.activities]
    return "\n".join(p for p in parts if p)


def vector_ids(slot: int, n: int) -> np.ndarray:
    """The ids of a slot's ``n`` vectors."""
    if n > MAX_ITEMS:
        raise ConflictError(f"a profile may have at most {MAX_ITEMS} texts, this one has {n}")
    return (np.int64(slot) << ITEM_BITS) + np.arange(n, dtype=np.int64)


def slot_vector_ids(slots: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Every vector id of ``slots`` (with ``counts`` vectors each), slot by slot."""
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    items = np.arange(int(counts.sum()), dtype=np.int64) - starts
    return np.repeat(slots.astype(np.int64) << ITEM_BITS, counts) + items


def check_unique(profiles: Sequence[Profile], where: str = "") -> None:
    """Raise if two of ``profiles`` share an id."""
    ids = [p.id for p in profiles]
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise ConflictError(f"profile id {dup!r} appears more than once{where}")


@dataclass
class Corpus:
    """Profiles by slot (None where removed), the id -> slot map, history rows of indexed
    organisations, the vector index and the lexical index. Owned and written by one
    :class:`engine.recommender.Recommender`; ``copy`` gives an independent one."""

    vectors: VectorIndex | None = None
    lexical: LexicalIndex = field(default_factory=LexicalIndex)
    profiles: list[Profile | None] = field(default_factory=list)
    slots: dict[str, int] = field(default_factory=dict)
    history: list[Participation] = field(default_factory=list)
    #: the multilingual vectors of :func:`multilingual_texts`, with the same ids (optional)
    multilingual: VectorIndex | None = None
    #: the data fingerprint of these profiles when known (a saved index names it; hashing
    #: 20k profiles takes seconds); every write clears it
    fingerprint: str | None = None

    @classmethod
    def build(
        cls,
        profiles: Sequence[Profile],
        embed: Callable[[Sequence[Profile]], tuple[np.ndarray, np.ndarray | None]],
        history: Iterable[Participation],
        vectors: VectorIndex,
        lexical: LexicalIndex,
        multilingual: VectorIndex | None = None,
        chunk: int = BUILD_CHUNK,
    ) -> Corpus:
        """A corpus of ``profiles`` with a fitted ``lexical`` index (row i: profile i).
        ``embed(part)`` gives the vectors of a part's :func:`vector_texts` (all, in order)
        and, when a ``multilingual`` index is given, of its :func:`multilingual_texts`;
        parts of ``chunk`` profiles are embedded and added one after the other."""
        check_unique(profiles, "")
        slots = {p.id: i for i, p in enumerate(profiles)}
        counts = [len(vector_texts(p)) for p in profiles]
        total = sum(counts)
        for start in range(0, len(profiles), chunk):
            ids = np.concatenate([vector_ids(start + i, n)
                                  for i, n in enumerate(counts[start:start + chunk])])
            main, other = embed(profiles[start:start + chunk])
            vectors.add(ids, main, expected=total)
            if multilingual is not None:
                assert other is not None, "a multilingual index needs multilingual vectors"
                multilingual.add(ids, other, expected=total)
        kept = [row for row in history if row.pic in slots]
        return cls(vectors, lexical, list(profiles), slots, kept, multilingual)

    def copy(self) -> Corpus:
        """An independent copy. Profiles, history and the lexical vocabulary never change in
        place and are shared; the vector index and the slot maps are copied."""
        return Corpus(self.index.copy(), self.lexical.copy(), list(self.profiles),
                      dict(self.slots), self.history,
                      self.multilingual.copy() if self.multilingual is not None else None,
                      self.fingerprint)

    @property
    def index(self) -> VectorIndex:
        self.check_fitted()
        return self.vectors  # type: ignore[return-value]

    def check_fitted(self) -> None:
        if self.vectors is None:
            raise NotFittedError("the recommender has no index; call fit() or load() first")

    def __len__(self) -> int:
        return len(self.slots)

    def slot(self, profile_id: str) -> int:
        slot = self.slots.get(profile_id)
        if slot is None:
            raise NotFoundError(f"no profile with id {profile_id!r}")
        return slot

    def profile(self, slot: int) -> Profile:
        """The profile in a live slot."""
        profile = self.profiles[slot]
        if profile is None:
            raise NotFoundError(f"slot {slot} holds no profile")
        return profile

    def count(self, slot: int) -> int:
        """Number of vectors of a slot (0 if removed)."""
        profile = self.profiles[slot]
        return len(vector_texts(profile)) if profile is not None else 0

    def slot_vectors(self, slot: int) -> np.ndarray:
        """The vectors of one live slot, in item order."""
        return self.index.reconstruct(vector_ids(slot, len(vector_texts(self.profile(slot)))))

    def slot_multilingual(self, slot: int) -> np.ndarray | None:
        """The multilingual vectors of one live slot (None: the corpus has none)."""
        if self.multilingual is None:
            return None
        ids = vector_ids(slot, len(vector_texts(self.profile(slot))))
        return self.multilingual.reconstruct(ids)

    def put(self, profiles: Sequence[Profile], embedded: np.ndarray,
            multilingual: np.ndarray | None = None) -> tuple[list[int], list[Profile | None]]:
        """Add or replace ``profiles`` whose vector texts have the vectors ``embedded`` (and
        their multilingual texts the vectors ``multilingual``, when the corpus has that index).
        Returns the written slots and the profiles they held before (None where new)."""
        index = self.index
        check_unique(profiles, " in one upsert")
        self.fingerprint = None
        vids: list[np.ndarray] = []
        slots: list[int] = []
        before: list[Profile | None] = []
        for profile in profiles:
            slot = self.slots.get(profile.id)
            if slot is None:
                slot = len(self.profiles)
                self.profiles.append(None)
                before.append(None)
            else:
                old = self.profile(slot)
                before.append(old)
                self._remove_vectors(slot, old)
            vids.append(vector_ids(slot, len(vector_texts(profile))))
            slots.append(slot)
        all_ids = np.concatenate(vids) if vids else np.zeros(0, np.int64)
        index.add(all_ids, embedded)
        if self.multilingual is not None and multilingual is not None:
            self.multilingual.add(all_ids, multilingual)
        self.lexical.set_rows(slots, [lexical_document(p) for p in profiles])
        for slot, profile in zip(slots, profiles, strict=True):
            self.profiles[slot] = profile
            self.slots[profile.id] = slot
        return slots, before

    def delete(self, profile_id: str) -> tuple[int, Profile]:
        """Remove a profile; returns its slot and the profile."""
        self.check_fitted()
        slot = self.slot(profile_id)
        profile = self.profile(slot)
        self.fingerprint = None
        del self.slots[profile_id]
        self._remove_vectors(slot, profile)
        self.lexical.clear_rows([slot])
        self.profiles[slot] = None
        return slot, profile

    def _remove_vectors(self, slot: int, profile: Profile) -> None:
        ids = vector_ids(slot, len(vector_texts(profile)))
        self.index.remove(ids)
        if self.multilingual is not None:
            self.multilingual.remove(ids)
