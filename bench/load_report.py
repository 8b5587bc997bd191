"""The report of ``bench/load.py``: what its clients record, and the summary it prints."""

from __future__ import annotations

import json
import statistics
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Results:
    """What the clients of a run record (``lock`` guards ``errors``)."""

    latencies: list[float] = field(default_factory=list)
    cached: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    write_latencies: list[float] = field(default_factory=list)
    freshness: list[float] = field(default_factory=list)
    stale: int = 0
    unverified: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def error(self, kind: str) -> None:
        with self.lock:
            self.errors[kind] = self.errors.get(kind, 0) + 1


def percentile(values: list[float], q: float) -> float | None:
    """The nearest-rank ``q``-th percentile, rounded to 0.1 (None without values)."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))], 1)


def summarise(url: str, clients: int, wall: float, results: Results) -> dict[str, Any]:
    """Throughput, latency percentiles, errors and the writes' figures of a run of ``wall``
    seconds."""
    ms = [x * 1e3 for x in results.latencies]
    acks = [x * 1e3 for x in results.write_latencies]
    return {
        "url": url,
        "clients": clients,
        "duration_s": round(wall, 2),
        "requests": len(ms),
        "throughput_rps": round(len(ms) / wall, 1),
        "p50_ms": percentile(ms, 50),
        "p90_ms": percentile(ms, 90),
        "p99_ms": percentile(ms, 99),
        "max_ms": round(max(ms), 1) if ms else None,
        "mean_ms": round(statistics.fmean(ms), 1) if ms else None,
        "cached_share": round(results.cached / len(ms), 3) if ms else None,
        "errors": sum(results.errors.values()),
        "error_kinds": results.errors,
        "writes": len(results.write_latencies),
        # acknowledgement: the PATCH's own latency
        "write_p50_ms": percentile(acks, 50),
        "write_p90_ms": percentile(acks, 90),
        "write_p99_ms": percentile(acks, 99),
        "write_max_ms": round(max(acks), 1) if acks else None,
        # from acknowledgement to the start of the first read that showed the write
        "fresh_max_ms": round(max(results.freshness) * 1e3, 1) if results.freshness else None,
        "stale_after_1s": results.stale,
        "writes_unverified": results.unverified,
    }


def show(report: dict[str, Any], path: Path | None) -> None:
    """Print ``report``, one figure a line; also write it as JSON to ``path``."""
    width = max(len(k) for k in report)
    for name, value in report.items():
        print(f"{name:<{width}}  {value}")
    if path is not None:
        path.write_text(json.dumps(report, indent=2) + "\n")
