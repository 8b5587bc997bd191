"""The write path shared by every resource: one write at a time, committed to the database
(the source of truth) and then applied to the live index (derived from it).

A write is acknowledged only after both, so a client that got a 2xx finds its change in
recommendations at once, and after any restart (the index is re-verified against the
database at start-up). If the index fails to apply a committed write, ``LiveIndex`` records
it (``/ready`` turns 503) and the next start repairs the index from the database.

Each write's change row (:mod:`api.store.changes`) tells the other processes serving the
database to apply it too. Its seq is noted in :attr:`WritePath.mine` once this process's
index has it, so that this process's follower (:mod:`api.follow`), which applies changes
under the same :attr:`WritePath.lock`, passes over it instead of applying it again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def seq_of(done: object) -> int | None:
    """The change seq of a commit's result: a record's ``seq``, or the seq itself (what a
    delete returns); None for a write without a change row."""
    if isinstance(done, int):
        return done
    seq = getattr(done, "seq", None)
    return seq if isinstance(seq, int) and seq > 0 else None


class WritePath:
    def __init__(self) -> None:
        #: held by every write and by the follower while it applies others' changes
        self.lock = threading.Lock()
        #: seqs of this process's writes that its index has, not yet passed by the follower
        self.mine: set[int] = set()

    def apply(self, commit: Callable[[], T], index: Callable[[T], None]) -> T:
        """Run ``commit`` (one database transaction; whatever it reads to decide is read
        under the same lock), then ``index`` with its result; return that result."""
        with self.lock:
            done = commit()
            index(done)
            seq = seq_of(done)
            if seq is not None:
                self.mine.add(seq)
            return done
