"""What a saved index includes of the change table, for a fast start; and the lock that keeps
processes sharing an index folder from writing it at once.

``applied_seq.json`` beside the index files records, at each save (and each verified start),
the last change seq (:mod:`api.store.changes`) the index includes, that change's time stamp
(which identifies the database: another database, or one restored from a backup, has other
stamps), the fingerprint of the index it describes and its number of profiles. A start then
checks the index with the change table instead of the whole profile table:

- the record names this index (its fingerprint is the manifest's) and this database (the
  change at its seq has its stamp): every change after that seq is applied, reading just
  those profiles, and the number of profiles must then agree with the database's;
- otherwise (no record: a first start, an index from ``partner-search build``, a database
  migrated from 0003; an index or database replaced; too many changes since) the start
  takes the full path of :mod:`api.reconcile`.

A database edited behind the service's back (SQL on ``profiles`` that writes no change row)
is not seen by the fast path unless the number of profiles changed: delete
``applied_seq.json`` after such an edit, and the next start verifies every profile.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from api.store import Store
from api.store.changes import Change
from engine.atomic import atomic_write_json
from engine.profiles import Profile
from engine.recommender import Recommender

log = logging.getLogger("api.checkpoint")
RECORD = "applied_seq.json"

#: a step of bringing an index in line: a profile to upsert, or the id of one to remove
Step = Profile | str


def touched(changes: Sequence[Change]) -> list[tuple[str, str]]:
    """(entity, id) of each item the changes name, once, in the order of its last change."""
    last: dict[tuple[str, str], int] = {}
    for change in changes:
        key = (change.entity, change.item_id)
        last.pop(key, None)
        last[key] = change.seq
    return list(last)


def profile_steps(ids: Sequence[str], stored: dict[str, Profile], rec: Recommender) -> list[Step]:
    """What brings ``rec`` in line with the database (``stored``: the profiles among ``ids``
    it holds) for ``ids``: the stored ones the index lacks or holds otherwise, and the ids of
    those the index holds that are no longer stored."""
    steps: list[Step] = []
    for profile_id in ids:
        profile = stored.get(profile_id)
        held = rec.get(profile_id) if profile_id in rec else None
        if profile is None and held is not None:
            steps.append(profile_id)
        elif profile is not None and (held is None or held.fingerprint() != profile.fingerprint()):
            steps.append(profile)
    return steps


def run_steps(steps: Sequence[Step], upsert: Callable[[list[Profile]], None],
              remove: Callable[[str], None]) -> None:
    """Apply ``steps`` in order, consecutive upserts in one call."""
    pending: list[Profile] = []
    for step in steps:
        if isinstance(step, Profile):
            pending.append(step)
            continue
        if pending:
            upsert(pending)
            pending = []
        remove(step)
    if pending:
        upsert(pending)


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    stamp: str
    fingerprint: str
    profiles: int


def manifest_fingerprint(folder: Path) -> str | None:
    try:
        return str(json.loads((folder / "manifest.json").read_text())["fingerprint"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def read(folder: Path) -> Checkpoint | None:
    """The index folder's record, or None (missing or malformed)."""
    try:
        data = json.loads((folder / RECORD).read_text())
        return Checkpoint(int(data["seq"]), str(data["stamp"]), str(data["fingerprint"]),
                          int(data["profiles"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write(folder: Path, store: Store, seq: int, profiles: int, fingerprint: str) -> bool:
    """Record that the index saved in ``folder``, the one in memory (whose fingerprint is
    ``fingerprint``), includes every change up to ``seq``; whether it recorded. No record
    (the next start takes the full path) when there is no such change; none either, the
    folder's record left as it is, when the folder holds another index than the one in
    memory (not saved): the record would vouch for changes the saved index lacks."""
    if manifest_fingerprint(folder) != fingerprint:
        log.warning("not recording seq %d in %s: its saved index is not the one in memory",
                    seq, folder)
        return False
    change = store.changes.get(seq) if seq > 0 else None
    if change is None:
        (folder / RECORD).unlink(missing_ok=True)
        return False
    record = Checkpoint(seq, change.created_at.isoformat(), fingerprint, profiles)
    atomic_write_json(folder / RECORD, asdict(record))
    return True


@contextmanager
def index_lock(folder: Path) -> Iterator[None]:
    """An exclusive lock on ``folder`` among processes (the file ``.lock`` in it), held
    while a process migrates the database, seeds it, verifies or saves the index."""
    try:
        import fcntl
    except ImportError:  # not POSIX: one process at a time is up to the operator
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / ".lock"
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def catch_up(rec: Recommender, store: Store, folder: Path, limit: int) -> tuple[int, int] | None:
    """Bring the saved index ``rec`` (loaded from ``folder``) in line with the database
    through the change table: ``(seq reached, profiles changed)``, or None when the record
    does not vouch for it or more than ``limit`` profiles changed (``rec`` may then be
    partly updated: the full path repairs it from the database)."""
    saved = read(folder)
    if saved is None or saved.fingerprint != rec.fingerprint():
        return None
    at = store.changes.get(saved.seq)
    if at is None or at.created_at.isoformat() != saved.stamp:
        log.info("the index record does not match this database: verifying every profile")
        return None
    changes = []
    while batch := store.changes.after(changes[-1].seq if changes else saved.seq, 1000):
        changes += batch
        if len(changes) > 4 * limit:
            return None
    ids = [item for entity, item in touched(changes) if entity == "profile"]
    if len(ids) > limit:
        return None
    steps = profile_steps(ids, store.profiles.by_ids(ids), rec)
    run_steps(steps, rec.upsert, rec.remove)
    if len(rec) != store.profiles.count():
        log.warning("the index and the database differ in profiles beyond the change table "
                    "(edited directly?): verifying every profile")
        return None
    return (changes[-1].seq if changes else saved.seq), len(steps)
