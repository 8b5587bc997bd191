"""Prometheus metrics in the text exposition format (0.0.4), written by hand: request counts
and a latency histogram by route template, plus gauges read when ``/metrics`` is scraped."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable

BUCKETS: tuple[float, ...] = (
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
)
PREFIX = "partner_search"


def _labels(**labels: str) -> str:
    def escape(value: str) -> str:
        return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')

    return "{" + ",".join(f'{k}="{escape(v)}"' for k, v in labels.items()) + "}"


class Metrics:
    """Counters and histograms of one app (no process-global registry)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: dict[tuple[str, str, str], int] = defaultdict(int)
        self._buckets: dict[tuple[str, str], list[int]] = {}
        self._sums: dict[tuple[str, str], float] = defaultdict(float)
        self._counts: dict[tuple[str, str], int] = defaultdict(int)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route)
        with self._lock:
            self._requests[(method, route, str(status))] += 1
            counts = self._buckets.setdefault(key, [0] * len(BUCKETS))
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    counts[i] += 1
            self._sums[key] += seconds
            self._counts[key] += 1

    def render(self, gauges: Iterable[tuple[str, str, float]] = ()) -> str:
        """The exposition text; ``gauges`` are (name, help, value) read at scrape time."""
        lines: list[str] = []
        name = f"{PREFIX}_http_requests_total"
        lines += [
            f"# HELP {name} HTTP requests by method, route template and status.",
            f"# TYPE {name} counter",
        ]
        with self._lock:
            for (method, route, status), n in sorted(self._requests.items()):
                lines.append(f"{name}{_labels(method=method, route=route, status=status)} {n}")
            name = f"{PREFIX}_http_request_duration_seconds"
            lines += [
                f"# HELP {name} HTTP request latency by method and route template.",
                f"# TYPE {name} histogram",
            ]
            for (method, route), counts in sorted(self._buckets.items()):
                for bound, n in zip(BUCKETS, counts, strict=True):
                    labels = _labels(method=method, route=route, le=repr(bound))
                    lines.append(f"{name}_bucket{labels} {n}")
                total = self._counts[(method, route)]
                lines.append(
                    f"{name}_bucket{_labels(method=method, route=route, le='+Inf')} {total}"
                )
                lines.append(
                    f"{name}_sum{_labels(method=method, route=route)} "
                    f"{self._sums[(method, route)]:.6f}"
                )
                lines.append(f"{name}_count{_labels(method=method, route=route)} {total}")
        for gauge, help_text, value in gauges:
            full = f"{PREFIX}_{gauge}"
            kind = "counter" if gauge.endswith("_total") else "gauge"
            lines += [f"# HELP {full} {help_text}", f"# TYPE {full} {kind}", f"{full} {value:g}"]
        return "\n".join(lines) + "\n"
