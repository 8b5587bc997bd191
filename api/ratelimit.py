"""Token buckets, one per client key or IP: ``rate`` tokens a second up to ``burst``."""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable


class TokenBuckets:
    """Buckets by name; the least recently used are forgotten beyond ``max_entries`` (a
    forgotten client starts again with a full bucket, which only ever errs on allowing)."""

    def __init__(
        self,
        rate: float,
        burst: int,
        *,
        max_entries: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.rate = rate
        self.burst = float(burst)
        self.max_entries = max_entries
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, name: str) -> float:
        """Take one token for ``name``: 0.0 if allowed, else the seconds until one is free."""
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.pop(name, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            wait = 0.0
            if tokens >= 1.0:
                tokens -= 1.0
            else:
                wait = (1.0 - tokens) / self.rate
            self._buckets[name] = (tokens, now)
            while len(self._buckets) > self.max_entries:
                self._buckets.popitem(last=False)
            return wait


def retry_after(wait: float) -> str:
    """A ``Retry-After`` value in whole seconds (at least 1)."""
    return str(max(1, math.ceil(wait)))
