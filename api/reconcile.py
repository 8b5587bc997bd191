"""Start-up reconcile: seed an empty database from the bundled data, then bring the index in
line with the database, which is the source of truth.

1. No profiles in the database: seed them from the saved index's ``profiles.jsonl`` when an
   index folder exists, else from the bundled corpus (``engine.bundle.load_corpus``); seed
   the illustrative partner requests from ``data/requests/requests.jsonl``.
2. Load the saved index. If its record of the change table (:mod:`api.checkpoint`) vouches
   for it, the changes after the record are applied ("verified" when none changed a profile,
   else "repaired") without reading the other profiles. Otherwise, if its fingerprint equals
   the fingerprint of the database's profiles, it is used as is ("verified").
3. If it loads but differs (writes acknowledged after the last save, e.g. after ``kill -9``),
   the difference is applied with ``upsert``/``remove`` and the fingerprint checked again
   ("repaired"); a large difference, a missing, foreign (other model) or broken index, or a
   repair that does not verify, means a rebuild from the database ("rebuilt"), with the
   H2020 history and learned fusion weights as ``partner-search build`` uses them. A
   repaired or rebuilt index is saved.
4. Open requests are loaded into the recommender's request index.
5. The index folder records the last change it includes (the change table's newest before
   the profiles were read), so that the next start takes the fast path.

All of it holds the index folder's lock (:func:`api.checkpoint.index_lock`): the processes
of ``serve --workers N`` start one after the other, the first repairs or rebuilds and saves,
and the others find a verified index.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from api import checkpoint
from api.checkpoint import catch_up, index_lock
from api.settings import Settings
from api.store import Store
from engine.bundle import DataPaths, load_corpus
from engine.embed import Encoder
from engine.errors import EngineError
from engine.fusion import FusionModel
from engine.persistence import combined_fingerprint, data_fingerprint, read_profiles
from engine.profiles import Profile
from engine.recommender import Recommender
from engine.sources.h2020 import load_h2020
from engine.sources.jsonl import load_requests

log = logging.getLogger("api.reconcile")

#: above this share of changed profiles a rebuild is cheaper than a repair
REPAIR_LIMIT = 0.2


@dataclass(frozen=True)
class SyncReport:
    action: str  # verified | repaired | rebuilt
    profiles: int
    changed: int
    seeded_profiles: int
    seeded_requests: int
    open_requests: int
    seconds: float
    #: every change up to this seq of the change table is in the index
    seq: int = 0


def expiry(last_day: date) -> datetime:
    """When a request open through ``last_day`` stops being open: the next midnight, UTC."""
    return datetime.combine(last_day + timedelta(days=1), datetime.min.time(), UTC)


def last_day(expires_at: datetime) -> date:
    """The last day a request is open (the engine's expiry date), from ``expires_at``."""
    return (expires_at - timedelta(microseconds=1)).date()


def seed(store: Store, settings: Settings, now: datetime) -> tuple[int, int]:
    """Fill an empty database from the bundled data; returns (profiles, requests) added."""
    if store.profiles.count():
        return 0, 0
    profiles = read_profiles(settings.index_dir)
    if profiles is None:
        log.info("seeding the database from the corpus in %s", settings.data_dir)
        profiles = load_corpus(DataPaths(settings.data_dir), progress=True)
    else:
        log.info("seeding the database from %s", settings.index_dir / "profiles.jsonl")
    requests = []
    path = DataPaths(settings.data_dir).requests
    if path.is_file() and not store.requests.count():
        expires_at = expiry(now.date() + timedelta(days=settings.request_expiry_days))
        requests = [(rid, request, now, expires_at) for rid, request in load_requests(path)]
    return store.seed(profiles, requests), len(requests)


def load_saved(index_dir: Path, encoder: Encoder,
               multilingual: Encoder | None = None) -> Recommender | None:
    """The saved index, or None when it is missing, made by another model, or unreadable."""
    try:
        return Recommender.load(index_dir, encoder, multilingual=multilingual)
    except (EngineError, OSError, ValueError, KeyError, RuntimeError) as exc:
        # RuntimeError: faiss on a damaged file; OSError/ValueError/KeyError: a folder whose
        # manifest exists but whose other files are missing or malformed
        log.warning("not using the saved index in %s: %s", index_dir, exc)
        return None


def repair(rec: Recommender, db_profiles: list[Profile]) -> int | None:
    """Apply the database's profiles to ``rec`` in place; the number of changed profiles, or
    None (nothing touched) when so many differ that a rebuild is better."""
    current = {p.id: p.fingerprint() for p in rec.profiles()}
    wanted = {p.id for p in db_profiles}
    stale = [p for p in db_profiles if current.get(p.id) != p.fingerprint()]
    gone = [pid for pid in current if pid not in wanted]
    changed = len(stale) + len(gone)
    if changed > max(50, REPAIR_LIMIT * len(db_profiles)):
        return None
    if stale:
        rec.upsert(stale)
    for profile_id in gone:
        rec.remove(profile_id)
    return changed


def rebuild(db_profiles: list[Profile], encoder: Encoder, settings: Settings,
            multilingual: Encoder | None = None) -> Recommender:
    """A new index of the database's profiles, built as ``partner-search build`` builds one:
    with the H2020 collaboration history of the data folder and the learned fusion weights
    when those files exist."""
    h2020 = DataPaths(settings.data_dir).h2020
    history = load_h2020(h2020) if h2020.is_file() else []
    rec = Recommender(encoder, multilingual=multilingual).fit(db_profiles, history=history,
                                                              progress=True)
    if settings.fusion_path is not None and settings.fusion_path.is_file():
        rec.fusion = FusionModel.load(settings.fusion_path)
    return rec


def _save(rec: Recommender, folder: Path) -> bool:
    try:
        rec.save(folder)
        return True
    except OSError as exc:  # serve anyway; the next start repairs or rebuilds again
        log.warning("could not save the index to %s: %s", folder, exc)
        return False


def _synchronise(rec: Recommender | None, db_profiles: list[Profile], encoder: Encoder,
                 settings: Settings, multilingual: Encoder | None
                 ) -> tuple[str, int, Recommender, bool]:
    """(action, changed profiles, index, whether the folder holds it) with ``rec`` brought
    in line with ``db_profiles`` (repaired in place, or rebuilt), and saved."""
    expected = data_fingerprint(db_profiles, encoder.model_id)
    action, changed = "verified", 0
    if rec is not None and rec.fingerprint() != expected:
        repaired = repair(rec, db_profiles)
        if repaired is not None and rec.fingerprint() == expected:
            action, changed = "repaired", repaired
        else:
            rec = None
    if rec is None:
        action, changed = "rebuilt", len(db_profiles)
        rec = rebuild(db_profiles, encoder, settings, multilingual)
    saved = action == "verified" or _save(rec, settings.index_dir)
    return action, changed, rec, saved


def open_index(
    settings: Settings,
    store: Store,
    encoder: Encoder,
    multilingual: Encoder | None = None,
    *,
    now: datetime | None = None,
) -> tuple[Recommender, SyncReport]:
    """Seed if needed, then verify, repair or rebuild the index from the database."""
    started = time.perf_counter()
    now = now or datetime.now(UTC)
    with index_lock(settings.index_dir):
        seeded = seed(store, settings, now)
        rec, action, changed, seq = _open(settings, store, encoder, multilingual)
    requests = store.requests.open_at(now)
    rec.add_requests([(r.id, r.request, last_day(r.expires_at)) for r in requests])
    report = SyncReport(
        action,
        len(rec),
        changed,
        seeded[0],
        seeded[1],
        len(requests),
        time.perf_counter() - started,
        seq,
    )
    log.info("index %s: %s", action, report)
    return rec, report


def _open(settings: Settings, store: Store, encoder: Encoder, multilingual: Encoder | None
          ) -> tuple[Recommender, str, int, int]:
    """(index, action, changed profiles, change seq it includes), recorded in the folder."""
    folder = settings.index_dir
    head = store.changes.last()  # before any profile is read: the index will include it
    rec = load_saved(folder, encoder, multilingual)
    limit = max(50, int(REPAIR_LIMIT * store.profiles.count()))
    caught = catch_up(rec, store, folder, limit) if rec is not None else None
    if rec is not None and caught is not None:
        seq, changed = caught
        action = "repaired" if changed else "verified"
        saved = not changed or _save(rec, folder)
    else:
        seq, action, changed, saved = head, "verified", 0, True
        # the fingerprints stored at each write answer the common case without reading the
        # profiles; on a difference they are read and hashed again (older code may have
        # stored fingerprints computed differently)
        stored = combined_fingerprint(store.profiles.fingerprints(), encoder.model_id)
        if rec is None or rec.fingerprint() != stored:
            action, changed, rec, saved = _synchronise(rec, list(store.profiles.all()), encoder,
                                                       settings, multilingual)
    if saved and rec.fingerprint() != checkpoint.manifest_fingerprint(folder):
        # the index in memory is not the folder's (a fast path that applied changes before
        # giving up): save it, or the record would vouch for changes the folder lacks
        saved = _save(rec, folder)
    if saved:
        checkpoint.write(folder, store, seq, len(rec), rec.fingerprint())
    return rec, action, changed, seq
