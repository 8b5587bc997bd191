"""The write path shared by every resource: one write at a time, committed to the database
(the source of truth) and then applied to the live index (derived from it).

A write is acknowledged only after both, so a client that got a 2xx finds its change in
recommendations at once, and after any restart (the index is re-verified against the
database at start-up). If the index fails to apply a committed write, ``LiveIndex`` records
it (``/ready`` turns 503) and the next start repairs the index from the database.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class WritePath:
    def __init__(self) -> None:
        self._lock = threading.Lock()

    def apply(self, commit: Callable[[], T], index: Callable[[T], None]) -> T:
        """Run ``commit`` (one database transaction; whatever it reads to decide is read
        under the same lock), then ``index`` with its result; return that result."""
        with self._lock:
            done = commit()
            index(done)
            return done
