"""The ranking gate (api/gate.py): at most ``slots`` rankings at once, one during a write."""

from __future__ import annotations

import threading
import time

import pytest

from api.gate import RankingGate


def run_rankings(gate: RankingGate, n: int, hold: float = 0.05) -> int:
    """The most rankings seen running at once among ``n`` threads."""
    running = peak = 0
    lock = threading.Lock()

    def rank() -> None:
        nonlocal running, peak
        with gate.ranking():
            with lock:
                running += 1
                peak = max(peak, running)
            time.sleep(hold)
            with lock:
                running -= 1

    threads = [threading.Thread(target=rank) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return peak


def test_at_most_slots_rankings_run_at_once() -> None:
    assert run_rankings(RankingGate(2), 8) == 2
    assert run_rankings(RankingGate(3), 8) == 3


def test_one_ranking_at_a_time_while_a_write_is_applied() -> None:
    gate = RankingGate(4)
    with gate.writing():
        assert gate.limit == 1
        assert run_rankings(gate, 6) == 1
    assert gate.limit == 4


def test_a_gate_needs_a_slot() -> None:
    with pytest.raises(ValueError):
        RankingGate(0)
