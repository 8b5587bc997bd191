"""Operations: readiness (the index loaded and in step with the database) and the gauges
``/metrics`` reports about the index and its caches."""

from __future__ import annotations

from api.errors import Unavailable
from api.follow import Follower
from api.live import LiveIndex
from api.reconcile import SyncReport
from api.schemas.ops import Ready

#: ``(name, help, value)`` of one Prometheus gauge or counter
Gauge = tuple[str, str, float]

#: what ``/metrics`` reports before the index is loaded
NOT_READY: list[Gauge] = [("ready", "1 when the index is loaded", 0.0)]


class OpsService:
    def __init__(self, live: LiveIndex, sync: SyncReport, follower: Follower):
        self.live = live
        self.sync = sync
        self.follower = follower

    def ready(self) -> Ready:
        """How the loaded index met the database; ``Unavailable`` once the index missed a
        stored write (only a restart repairs it)."""
        if self.live.out_of_sync is not None:
            raise Unavailable(
                "the index missed a stored write and no longer matches the database; "
                "restart the service to repair it"
            )
        profiles, vectors, version = self.live.stats()
        return Ready(
            profiles=profiles,
            vectors=vectors,
            index_version=version,
            model=self.live.model_id,
            sync=self.sync.action,
        )

    def gauges(self) -> list[Gauge]:
        profiles, vectors, version = self.live.stats()
        encoder = self.live.encoder
        results = self.live.results
        return [
            ("ready", "1 when the index is loaded", 1.0),
            ("index_profiles", "profiles in the index", profiles),
            ("index_vectors", "vectors in the index", vectors),
            ("index_version", "index version (bumps on every write)", version),
            ("embedding_cache_hits_total", "texts embedded from a cache", encoder.cache_hits),
            ("embedding_cache_misses_total", "texts run through the model", encoder.cache_misses),
            ("result_cache_hits_total", "rankings answered from the result cache", results.hits),
            ("result_cache_misses_total", "rankings computed", results.misses),
            ("result_cache_entries", "ranked lists cached for this index version", len(results)),
            ("changes_applied_seq", "every change up to this seq is in this process's index",
             self.follower.applied),
            ("changes_followed_total", "changes of other processes applied to this index",
             self.follower.foreign),
        ]
