"""Open partner requests, indexed so that profiles and other requests can find them.

Requests expire (EEN profiles live 12 months): an expired request is never returned. Scores
are cosines in [-1, 1] between unit vectors; ``reciprocal`` is the harmonic mean of how well
each side's requester fits the other side's request (best profile vector against the request
vector), clipped at 0, so two requests that seek each other meet.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from engine.embed import Encoder
from engine.errors import NotFoundError
from engine.filters import admits
from engine.profiles import PartnerRequest, Profile


@dataclass(frozen=True)
class RequestMatch:
    """An open request found for a profile or another request."""

    request_id: str
    request: PartnerRequest
    score: float
    reciprocal: float | None = None
    expires: date | None = None


class RequestBook:
    """Requests by id with one unit vector each; small enough for exact numpy scoring."""

    def __init__(self, encoder: Encoder):
        self.encoder = encoder
        self._requests: dict[str, tuple[PartnerRequest, date | None]] = {}
        self._vectors: dict[str, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self._requests)

    def copy(self) -> RequestBook:
        other = RequestBook(self.encoder)
        other._requests = dict(self._requests)
        other._vectors = dict(self._vectors)
        return other

    def __contains__(self, request_id: object) -> bool:
        return request_id in self._requests

    def add(self, items: Sequence[tuple[str, PartnerRequest, date | None]]) -> None:
        """Add or replace requests."""
        if not items:
            return
        vectors = self.encoder.encode_queries([request.document for _, request, _ in items])
        for (request_id, request, expires), vector in zip(items, vectors, strict=True):
            self._requests[request_id] = (request, expires)
            self._vectors[request_id] = vector

    def remove(self, request_id: str) -> None:
        if request_id not in self._requests:
            raise NotFoundError(f"no partner request with id {request_id!r}")
        del self._requests[request_id]
        del self._vectors[request_id]

    def open_ids(self, today: date | None = None) -> list[str]:
        today = today or date.today()
        return sorted(
            rid for rid, (_, expires) in self._requests.items()
            if expires is None or expires >= today
        )

    def _matrix(self, ids: list[str]) -> np.ndarray:
        if not ids:
            return np.zeros((0, self.encoder.dim), dtype=np.float32)
        return np.stack([self._vectors[i] for i in ids])

    def for_profile(
        self, profile: Profile, vectors: np.ndarray, k: int, today: date | None,
        min_fit: float = -1.0,
    ) -> list[RequestMatch]:
        """Open requests whose filters ``profile`` passes (:func:`engine.filters.admits`),
        by its best vector's cosine, if at least ``min_fit``."""
        ids = [i for i in self.open_ids(today) if admits(self._requests[i][0], profile)]
        if not ids or len(vectors) == 0:
            return []
        scores = (self._matrix(ids) @ vectors.T).max(axis=1)
        order = np.argsort(-scores, kind="stable")[:k]
        order = order[scores[order] >= min_fit]
        return [
            RequestMatch(ids[i], self._requests[ids[i]][0], float(scores[i]),
                         expires=self._requests[ids[i]][1])
            for i in order
        ]

    def for_request(
        self,
        request: PartnerRequest,
        vector: np.ndarray,
        k: int,
        today: date | None,
        exclude_id: str | None,
        requester_vectors: Callable[[str | None], np.ndarray | None],
    ) -> list[RequestMatch]:
        """Open requests ranked by the reciprocal score where it exists, else by cosine."""
        ids = [
            i for i in self.open_ids(today)
            if i != exclude_id and (
                request.requester_id is None
                or self._requests[i][0].requester_id != request.requester_id
            )
        ]
        if not ids:
            return []
        cosine = self._matrix(ids) @ vector
        mine = requester_vectors(request.requester_id)
        results: list[RequestMatch] = []
        for i, rid in enumerate(ids):
            other, expires = self._requests[rid]
            theirs = requester_vectors(other.requester_id)
            reciprocal = None
            if mine is not None and theirs is not None:
                fits_them = max(float((mine @ self._vectors[rid]).max()), 0.0)
                fits_me = max(float((theirs @ vector).max()), 0.0)
                total = fits_them + fits_me
                reciprocal = 2 * fits_them * fits_me / total if total > 0 else 0.0
            results.append(RequestMatch(rid, other, float(cosine[i]), reciprocal, expires))
        results.sort(key=lambda m: (-(m.reciprocal if m.reciprocal is not None else m.score),
                                    m.request_id))
        return results[:k]

    def get(self, request_id: str) -> tuple[PartnerRequest, date | None]:
        if request_id not in self._requests:
            raise NotFoundError(f"no partner request with id {request_id!r}")
        return self._requests[request_id]
