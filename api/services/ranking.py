"""Ranked lists as responses: partners ranked through the live index's result cache, and
partner requests found by the engine, joined with their stored records."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Hashable, Sequence
from datetime import UTC, datetime
from typing import Any

from api.live import LiveIndex
from api.schemas.recommend import Candidate, MatchList
from api.schemas.requests import RequestMatchOut
from api.store.requests import RequestStore
from engine.match import Match
from engine.profiles import PartnerRequest
from engine.recommender import Recommender
from engine.requests import RequestMatch


def request_key(request: PartnerRequest, k: int, explain: bool) -> tuple[Any, ...]:
    """Result-cache key of a stored request's matches: its content, not its id (an id may
    be deleted and reused for another request without a new index version)."""
    return ("request", json.dumps(request.to_dict(), sort_keys=True, default=str), k, explain)


def elapsed_ms(started: float) -> float:
    """Milliseconds since ``started`` (a ``time.perf_counter()``), as responses report it."""
    return round((time.perf_counter() - started) * 1e3, 3)


class Ranking:
    """Ranked lists of the live index, as response schemas."""

    def __init__(self, live: LiveIndex, requests: RequestStore):
        self.live = live
        self.requests = requests

    def partners(
        self, run: Callable[[Recommender], list[Match]], explain: bool, key: Hashable,
        request: PartnerRequest | None = None,
    ) -> MatchList:
        """Rank with ``run``, or answer from the result cache when the same ``key`` was
        ranked on this index version; with the ``request`` ranked, say how sure the list is."""
        started = time.perf_counter()

        def compute(rec: Recommender) -> tuple[list[Candidate], str | None]:
            matches = run(rec)
            confidence = rec.confidence(request, matches) if request is not None else None
            return [Candidate.of(m, explain) for m in matches], confidence

        (data, confidence), version, cached = self.live.ranked(key, compute)
        return MatchList(
            data=data,
            count=len(data),
            took_ms=elapsed_ms(started),
            model=self.live.model_id,
            index_version=version,
            cached=cached,
            confidence=confidence,
        )

    def requests_found(self, found: Sequence[RequestMatch]) -> list[RequestMatchOut]:
        """``found`` with their stored records; a request deleted meanwhile is left out."""
        now = datetime.now(UTC)
        records = self.requests.by_ids(m.request_id for m in found)
        return [
            RequestMatchOut.of(m, records[m.request_id], now)
            for m in found
            if m.request_id in records
        ]
