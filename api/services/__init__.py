"""What the routes call: one service per resource, mirroring :mod:`api.routes`.

The services join the database (:mod:`api.store`, the truth) and the live index
(:mod:`api.live`, derived from it), convert to response schemas (the schemas' own ``of``
class methods), and check who may write what (raising :class:`api.errors.Forbidden`; the
HTTP mapping is in :mod:`api.errors`). Shared parts: :mod:`api.services.writes` (every write:
commit to the database, then apply to the index, one at a time; :mod:`api.follow` applies
the writes of other processes on the same database under the same lock) and
:mod:`api.services.ranking` (ranked lists through the result cache).
"""

from __future__ import annotations

from dataclasses import dataclass

from api.follow import Follower
from api.live import LiveIndex
from api.reconcile import SyncReport
from api.services.claims import ClaimService
from api.services.events import EventService
from api.services.feedback import FeedbackService
from api.services.ops import OpsService
from api.services.profiles import ProfileService
from api.services.ranking import Ranking
from api.services.recommend import RecommendService
from api.services.requests import RequestService
from api.services.taxonomy import TaxonomyService
from api.services.writes import WritePath
from api.settings import Settings
from api.store import Store
from api.store.events import EventStore


@dataclass(frozen=True)
class Services:
    """The services of one loaded index, published on ``app.state.services``."""

    live: LiveIndex
    #: applies other processes' writes to ``live`` (started by the app's lifespan)
    follower: Follower
    ops: OpsService
    recommend: RecommendService
    profiles: ProfileService
    claims: ClaimService
    requests: RequestService
    feedback: FeedbackService
    taxonomy: TaxonomyService
    events: EventService

    @classmethod
    def build(cls, settings: Settings, store: Store, live: LiveIndex, sync: SyncReport) -> Services:
        """Services sharing one write path (so all writes are serialised together)."""
        ranking = Ranking(live, store.requests)
        writes = WritePath()
        follower = Follower(store, live, writes, sync.seq, interval=settings.change_poll_interval)
        profiles = ProfileService(store.profiles, live, ranking, writes)
        return cls(
            live=live,
            follower=follower,
            ops=OpsService(live, sync, follower),
            recommend=RecommendService(ranking),
            profiles=profiles,
            claims=ClaimService(store.profiles, live, writes),
            requests=RequestService(
                requests=store.requests,
                interests=store.interests,
                profiles=store.profiles,
                live=live,
                ranking=ranking,
                writes=writes,
                expiry_days=settings.request_expiry_days,
            ),
            feedback=FeedbackService(store.feedback, store.requests),
            taxonomy=TaxonomyService(live),
            events=EventService(EventStore(store.session), store.profiles, live, profiles),
        )
