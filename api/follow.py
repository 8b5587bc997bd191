"""``Follower``: applies to this process's live index the writes that other processes serving
the same database committed (``serve --workers N``, or several servers on one database).

The database is the source of truth and its change table (:mod:`api.store.changes`) the
order of its writes. A background thread reads the changes after the last one applied, every
``interval`` seconds (one indexed ``SELECT``), and applies them under the write path's lock,
so that they never interleave with this process's own writes:

- the changes of this process's own writes (``WritePath.mine``) are passed over: its index
  has them already;
- for the others, the current state of each profile or request they name is read from the
  database and applied: upserted where it differs from the index, removed where the database
  no longer has it, in the order of each one's last change. Applying the current state,
  rather than replaying each change, makes a round idempotent: a profile deleted and created
  again ends as the database has it, and a change seen twice changes nothing;
- ``applied`` moves past a batch only once all of it is applied: a failure (the database
  unreachable, the engine failing) leaves it where it was, and the next round tries again.

Every change up to ``applied`` is in the index, so a save records it (:mod:`api.checkpoint`).
What a process caches that another's write changes: the profiles and the open requests in
its index (and so its result cache, keyed by index version). Events, interests, feedback and
keys are read from the database on every request and need nothing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from api import checkpoint
from api.checkpoint import index_lock, profile_steps, run_steps, touched
from api.live import LiveIndex
from api.reconcile import last_day
from api.store import Store
from api.store.changes import Change

if TYPE_CHECKING:  # api.services builds a Follower: importing it here would be circular
    from api.services.writes import WritePath

log = logging.getLogger("api.follow")


class Follower:
    def __init__(self, store: Store, live: LiveIndex, writes: WritePath, applied: int, *,
                 interval: float = 0.2, batch: int = 1000):
        self.store = store
        self.live = live
        self.writes = writes
        #: every change up to this seq is in the index
        self.applied = applied
        #: changes of other processes applied (a counter for /metrics)
        self.foreign = 0
        self.interval = interval
        self.batch = batch
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def poll(self) -> int:
        """One round: apply the changes committed after ``applied``; how many were read."""
        changes = self.store.changes.after(self.applied, self.batch)  # outside the lock
        if not changes:
            return 0
        # the profiles others wrote, encoded before the lock (loading the model of profile
        # texts on first use), so that applying them under it finds their texts cached
        theirs = [item for entity, item in touched(
            [c for c in changes if c.seq not in self.writes.mine]) if entity == "profile"]
        if theirs:
            self.live.prepare(list(self.store.profiles.by_ids(theirs).values()))
        with self.writes.lock:
            changes = [c for c in changes if c.seq > self.applied]
            foreign = [c for c in changes if c.seq not in self.writes.mine]
            if foreign:
                self._apply(foreign)
            self.writes.mine.difference_update(c.seq for c in changes)
            if changes:
                self.applied = changes[-1].seq
            self.foreign += len(foreign)
        return len(changes)

    def _apply(self, changes: Sequence[Change]) -> None:
        items = touched(changes)
        profiles = [item for entity, item in items if entity == "profile"]
        requests = [item for entity, item in items if entity == "request"]
        if profiles:
            stored = self.store.profiles.by_ids(profiles)
            with self.live.reading() as rec:
                steps = profile_steps(profiles, stored, rec)
            run_steps(steps, self.live.upsert, self.live.remove)
        if requests:
            records = self.store.requests.by_ids(requests)
            now = datetime.now(UTC)
            with self.live.reading() as rec:
                held = {r: rec.requests.get(r) for r in requests if r in rec.requests}
            open_ = {r: (records[r].request, last_day(records[r].expires_at))
                     for r in requests if r in records and records[r].is_open(now)}
            # added, or replaced where the index holds other content (a request deleted
            # and posted again with the same id)
            self.live.add_requests([(r, *open_[r]) for r in requests
                                    if r in open_ and held.get(r) != open_[r]])
            for request_id in requests:
                if request_id in held and request_id not in open_:
                    self.live.remove_request(request_id)

    def save(self, folder: Path) -> bool:
        """Save the index in ``folder`` with the change seq it includes (after a last round,
        with writes held and the folder locked); whether it saved. Not when the folder holds
        a state at least as new already (another process saved it): any saved state with
        its seq is as good, the next start applies what came after."""
        self.poll()
        with self.writes.lock, index_lock(folder):
            saved = checkpoint.read(folder)
            if (saved is not None and saved.seq >= self.applied
                    and saved.fingerprint == checkpoint.manifest_fingerprint(folder)):
                return False
            self.live.save(folder)
            with self.live.reading() as rec:  # what was saved: writes are held
                profiles, fingerprint = len(rec), rec.fingerprint()
            checkpoint.write(folder, self.store, self.applied, profiles, fingerprint)
            return True

    # ---- the background thread ----------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="change-follower", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def _run(self) -> None:
        failures = 0
        while not self._stop.wait(min(self.interval * 2**failures, 5.0)):
            try:
                while self.poll() >= self.batch and not self._stop.is_set():
                    pass
            except Exception:
                if failures == 0:  # once per outage, not every round
                    log.exception("applying other processes' writes failed; retrying")
                failures = min(failures + 1, 5)
            else:
                if failures:
                    log.info("applying other processes' writes works again")
                failures = 0
