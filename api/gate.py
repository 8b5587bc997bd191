"""Admission control for rankings: at most ``slots`` at once, and one while a write waits.

A ranking is CPU-bound Python and numpy: sixteen of them at once on two cores are not done
sooner than two at a time, but each holds a share of the interpreter lock, and a write (its
own index update, one thread) got one share in seventeen: acknowledged after seconds.
Rankings past ``slots`` wait their turn here instead, and while a write is being applied
only one runs, so the writer's thread has the interpreter about half the time. A reader
served from the result cache never waits here.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class RankingGate:
    def __init__(self, slots: int):
        if slots < 1:
            raise ValueError("a ranking gate needs at least one slot")
        self.slots = slots
        self._cond = threading.Condition(threading.Lock())
        self._running = 0
        self._writes = 0

    @property
    def limit(self) -> int:
        """Rankings that may run now: one while a write is applied, else ``slots``."""
        return 1 if self._writes else self.slots

    @contextmanager
    def ranking(self) -> Iterator[None]:
        """Hold a slot for one ranking (waits while all are taken)."""
        with self._cond:
            while self._running >= self.limit:
                self._cond.wait()
            self._running += 1
        try:
            yield
        finally:
            with self._cond:
                self._running -= 1
                self._cond.notify_all()

    @contextmanager
    def writing(self) -> Iterator[None]:
        """While a write is applied: rankings that start meanwhile run one at a time."""
        with self._cond:
            self._writes += 1
        try:
            yield
        finally:
            with self._cond:
                self._writes -= 1
                self._cond.notify_all()
